package app_test

import (
	"testing"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// No API answer may be kept by a cache: they carry new tokens, personal data
// and unpublished drafts.
func TestAPIAnswersAreNotStored(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		for _, c := range []struct {
			method, path string
			body         any
		}{
			{"GET", "/api/me", nil},
			{"POST", "/api/tokens", map[string]any{"name": "cache test"}},
			{"GET", "/api/users", nil},
			{"GET", "/api/audit", nil},
			{"GET", "/api/campaigns", nil},
			{"GET", "/api/nothing-here", nil},
		} {
			r := e.Do(t, c.method, c.path, c.body)
			if got := r.Header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("%s %s (%d): Cache-Control %q, want no-store", c.method, c.path, r.Status, got)
			}
		}
	})
}
