package webui

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func serve(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func TestHandlerServesTheAppAndItsFiles(t *testing.T) {
	files := fstest.MapFS{
		"index.html":              {Data: []byte(`<!doctype html><script type="module" src="/assets/index-abc123.js"></script>`)},
		"assets/index-abc123.js":  {Data: []byte(`console.log("app")`)},
		"assets/index-abc123.css": {Data: []byte(`body{}`)},
		"robots.txt":              {Data: []byte("User-agent: *\n")},
	}
	h := newHandler(files)

	tests := []struct {
		path, wantBody, wantCache string
		wantStatus                int
	}{
		{"/", "index-abc123.js", "no-cache", 200},
		{"/campaigns/7", "index-abc123.js", "no-cache", 200},                // client route: SPA fallback
		{"/assets/index-abc123.js", `console.log("app")`, "immutable", 200}, // hashed: cached forever
		{"/robots.txt", "User-agent", "no-cache", 200},                      // unhashed file: revalidated
		{"/assets/index-old.js", "", "", 404},                               // a missing file is not a route
		{"/api/nope", "", "", 404},                                          // the API's paths never get index.html
		{"/docs/x", "", "", 404},
	}
	for _, tc := range tests {
		rec := serve(t, h, tc.path)
		if rec.Code != tc.wantStatus {
			t.Errorf("%s: status %d, want %d", tc.path, rec.Code, tc.wantStatus)
			continue
		}
		if tc.wantStatus != 200 {
			continue
		}
		if !strings.Contains(rec.Body.String(), tc.wantBody) {
			t.Errorf("%s: body %q does not contain %q", tc.path, rec.Body.String(), tc.wantBody)
		}
		if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, tc.wantCache) {
			t.Errorf("%s: Cache-Control %q, want it to contain %q", tc.path, cc, tc.wantCache)
		}
		csp := rec.Header().Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q must allow same-origin scripts only", tc.path, csp)
		}
	}
}

func TestHandlerWithoutBuildSaysHowToBuild(t *testing.T) {
	h := newHandler(fstest.MapFS{})
	rec := serve(t, h, "/campaigns")
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "make run") {
		t.Fatalf("status %d body %q: want 404 with build instructions", rec.Code, rec.Body.String())
	}
	if rec := serve(t, h, "/api/x"); strings.Contains(rec.Body.String(), "make run") {
		t.Fatalf("an API path got the not-built page")
	}
}
