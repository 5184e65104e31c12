package authapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
	"github.com/imaphub/imaphub/internal/platform/server"
)

// BenchmarkAuthOverhead measures what sign-in checking adds to a request:
// the same trivial operation served through the real middleware chain, once
// open to everyone and once requiring the viewer role with a bearer token or
// a session cookie (their database lookups included). The reported
// overhead-µs is the difference per request.
func BenchmarkAuthOverhead(b *testing.B) {
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			d := dbtest.Open(b, engine)
			e := apptest.Start(b, d)
			srv := server.New(server.Config{Wrap: []func(http.Handler) http.Handler{e.App.Auth.Sessions}})
			e.App.Auth.Install(srv.API)
			e.App.Auth.RegisterRoutes(srv.API)
			type out struct{ Body struct{ OK bool } }
			h := func(context.Context, *struct{}) (*out, error) { o := &out{}; o.Body.OK = true; return o, nil }
			httpapi.Register(srv.API, auth.Anonymous, huma.Operation{OperationID: "open", Method: "GET", Path: "/open"}, h)
			httpapi.Register(srv.API, auth.Viewer, huma.Operation{OperationID: "closed", Method: "GET", Path: "/closed"}, h)
			handler := srv.Handler()
			login := e.Send(b, http.DefaultClient, "POST", "/api/auth/login", map[string]string{"email": "viewer@example.com", "password": apptest.Password})
			var cookie string
			for _, c := range (&http.Response{Header: login.Header}).Cookies() {
				cookie = c.Name + "=" + c.Value
			}
			serve := func(b *testing.B, path string, header ...string) time.Duration {
				req := httptest.NewRequest("GET", path, nil)
				for i := 0; i+1 < len(header); i += 2 {
					req.Header.Set(header[i], header[i+1])
				}
				start := time.Now()
				n := 0
				for b.Loop() {
					w := httptest.NewRecorder()
					handler.ServeHTTP(w, req)
					if w.Code != 200 {
						b.Fatalf("%s: %d %s", path, w.Code, w.Body)
					}
					n++
				}
				return time.Since(start) / time.Duration(n)
			}
			var base time.Duration
			b.Run("anonymous", func(b *testing.B) { base = serve(b, "/open") })
			b.Run("token", func(b *testing.B) {
				per := serve(b, "/closed", "Authorization", "Bearer "+e.Tokens[auth.Viewer])
				b.ReportMetric(float64((per-base).Nanoseconds())/1000, "overhead-µs")
			})
			b.Run("session", func(b *testing.B) {
				per := serve(b, "/closed", "Cookie", cookie)
				b.ReportMetric(float64((per-base).Nanoseconds())/1000, "overhead-µs")
			})
		})
	}
}
