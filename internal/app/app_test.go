package app_test

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

func parseRole(s string) (auth.Role, bool) {
	if s == "anonymous" {
		return auth.Anonymous, true
	}
	r, err := auth.ParseRole(s)
	return r, err == nil
}

// TestRoleMatrix walks every operation of the published contract and calls
// it as every role: below the declared minimum the server answers 401
// (anonymous) or 403, at or above it never. An operation without a declared
// role fails the test.
func TestRoleMatrix(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		var doc struct {
			Paths map[string]map[string]struct {
				OperationID string                `json:"operationId"`
				Role        string                `json:"x-imaphub-min-role"`
				Security    []map[string][]string `json:"security"`
				Responses   map[string]any        `json:"responses"`
			} `json:"paths"`
		}
		e.Must(t, http.StatusOK, "GET", "/openapi.json", nil).JSON(t, &doc)
		srv := e.App.Server()
		n := 0
		for path, ops := range doc.Paths {
			for method, op := range ops {
				n++
				min, ok := parseRole(op.Role)
				if !ok {
					t.Errorf("%s %s (%s) declares no valid role: %q", method, path, op.OperationID, op.Role)
					continue
				}
				if got, ok := srv.API.Roles.Role(op.OperationID); !ok || got != min {
					t.Errorf("%s: registry says %v (%v), document says %v", op.OperationID, got, ok, min)
				}
				// Ids that do not exist and an empty body: allowed callers get
				// 404 or 422, never 401 or 403.
				url := strings.NewReplacer("{id}", "987654321", "{link_id}", "987654321").Replace(path)
				var body any
				if m := strings.ToUpper(method); m == "POST" || m == "PATCH" || m == "PUT" {
					body = map[string]any{}
				}
				// The document says how to authenticate, and every status
				// the calls below meet is one it declares.
				switch {
				case min == auth.Anonymous && (len(op.Security) != 1 || len(op.Security[0]) != 0):
					t.Errorf("%s is anonymous but declares security %v", op.OperationID, op.Security)
				case min != auth.Anonymous && (len(op.Security) != 2 || op.Security[0]["bearerToken"] == nil || op.Security[1]["sessionCookie"] == nil):
					t.Errorf("%s declares security %v, want the bearer token or the session cookie", op.OperationID, op.Security)
				}
				for _, role := range []auth.Role{auth.Anonymous, auth.Viewer, auth.Editor, auth.Publisher, auth.Admin} {
					r := e.DoAs(t, role, strings.ToUpper(method), url, body)
					if _, declared := op.Responses[strconv.Itoa(r.Status)]; !declared {
						t.Errorf("%s as %s answered %d, which the document does not declare (%v)", op.OperationID, role, r.Status, slices.Sorted(maps.Keys(op.Responses)))
					}
					denied := r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden
					switch {
					case role.Allows(min) && denied:
						t.Errorf("%s as %s: %d, but the declared minimum is %s: %s", op.OperationID, role, r.Status, min, r.Body)
					case !role.Allows(min) && role == auth.Anonymous && r.Status != http.StatusUnauthorized:
						t.Errorf("%s anonymous: %d, want 401", op.OperationID, r.Status)
					case !role.Allows(min) && role != auth.Anonymous && r.Status != http.StatusForbidden:
						t.Errorf("%s as %s: %d, want 403 (minimum %s)", op.OperationID, role, r.Status, min)
					}
				}
			}
		}
		if n < 40 {
			t.Errorf("only %d operations in /openapi.json", n)
		}
		if len(srv.API.Roles.Operations()) != n {
			t.Errorf("registry has %d operations, document %d", len(srv.API.Roles.Operations()), n)
		}
	})
}

// River's UI is mounted for admins only, and reads the job queue on both engines.
func TestJobQueueUIIsForAdmins(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.StartOpts(t, d, apptest.Options{Workers: 0})
		if s := e.DoAs(t, auth.Anonymous, "GET", "/admin/jobs/", nil).Status; s != 401 {
			t.Errorf("anonymous: %d, want 401", s)
		}
		if s := e.DoAs(t, auth.Publisher, "GET", "/admin/jobs/", nil).Status; s != 403 {
			t.Errorf("publisher: %d, want 403", s)
		}
		r := e.DoAs(t, auth.Admin, "GET", "/admin/jobs/", nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), "<html") {
			t.Errorf("admin page: %d %.200s", r.Status, r.Body)
		}
		r = e.DoAs(t, auth.Admin, "GET", "/admin/jobs/api/jobs?state=available&limit=5", nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), `"data"`) {
			t.Errorf("admin API: %d %.300s", r.Status, r.Body)
		}
	})
}

// The product a test starts never takes its language model from the shell
// that runs the tests: without Options.LLM it writes offline.
func TestTestsDoNotInheritTheModelFromTheShell(t *testing.T) {
	t.Setenv("IMAPHUB_LLM_BASE_URL", "http://127.0.0.1:9/v1")
	t.Setenv("IMAPHUB_LLM_API_KEY", "sk-from-the-shell")
	t.Setenv("IMAPHUB_LLM_MODEL", "from-the-shell")
	e := apptest.Start(t, dbtest.Open(t, db.SQLite))
	var c, g struct{ ID int64 }
	e.Must(t, 201, "POST", "/api/campaigns", `{"name":"Winter","type":"SEARCH","budget_micros":1000000,"currency":"EUR","languages":["de"],"locations":["DE"],"final_url":"https://example.com/","brief":{"product":"Winterreifen","language":"de","keywords":["winterreifen kaufen"]}}`).JSON(t, &c)
	e.Must(t, 201, "POST", "/api/ad-groups", map[string]any{"campaign_id": c.ID, "name": "Winter"}).JSON(t, &g)
	// Stored (200) or not (502), the answer's report names the provider.
	var gen struct{ Report struct{ Provider string } }
	r := e.Do(t, "POST", "/api/ad-groups/"+strconv.FormatInt(g.ID, 10)+"/generate", `{"mode":"new"}`)
	r.JSON(t, &gen)
	if gen.Report.Provider != "offline" {
		t.Errorf("%d: provider %q, want offline", r.Status, gen.Report.Provider)
	}
}
