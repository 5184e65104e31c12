package reporting_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// A kept report answer names what it reports on: renaming an ad group, in
// this process or another, is in the next answer without any import.
func TestCachedReportsFollowRenames(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := startReports(t, d)
		other := secondProcess(t, d, e.Env)
		g := e.tree.AdGroups[0]
		path := fmt.Sprintf("/api/campaigns/%d/report/rows?level=ad_group&from=2026-03-01&to=2026-03-31", e.tree.Campaign.ID)
		for _, env := range []string{"this", "other"} {
			res := e.DoAs(t, auth.Viewer, http.MethodGet, path, nil)
			if env == "other" {
				res = other.DoAs(t, auth.Viewer, http.MethodGet, path, nil)
			}
			if res.Status != http.StatusOK || !strings.Contains(string(res.Body), fmt.Sprintf("%q", g.Name)) {
				t.Fatalf("%s process before the rename: %d %s", env, res.Status, res.Body)
			}
		}
		agPath := fmt.Sprintf("/api/ad-groups/%d", g.ID)
		etag := e.Must(t, http.StatusOK, http.MethodGet, agPath, nil).Header.Get("ETag")
		e.Must(t, http.StatusOK, http.MethodPatch, agPath, map[string]any{"name": "Winterreifen umbenannt"}, "If-Match", etag)
		for _, res := range []string{"this", "other"} {
			r := e.DoAs(t, auth.Viewer, http.MethodGet, path, nil)
			if res == "other" {
				r = other.DoAs(t, auth.Viewer, http.MethodGet, path, nil)
			}
			if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"Winterreifen umbenannt"`) {
				t.Errorf("%s process after the rename: %d %s", res, r.Status, r.Body)
			}
		}
	})
}
