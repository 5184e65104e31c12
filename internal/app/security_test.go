package app_test

import (
	"strings"

	"github.com/imaphub/imaphub/internal/platform/auth"
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

// Without a metrics token or listener, /metrics is for admins only.
func TestMetricsNeedAnAdmin(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		for role, want := range map[auth.Role]int{auth.Anonymous: 401, auth.Viewer: 403, auth.Publisher: 403, auth.Admin: 200} {
			r := e.DoAs(t, role, "GET", "/metrics", nil)
			if r.Status != want {
				t.Errorf("%s: status %d, want %d", role, r.Status, want)
			}
			if want == 200 && !strings.Contains(string(r.Body), "go_goroutines") {
				t.Errorf("admin got no metrics: %.200s", r.Body)
			}
		}
	})
}
