package webui

import (
	"bytes"
	"compress/gzip"
	"io"
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

func TestHandlerSendsScriptsGzippedToBrowsersThatTakeIt(t *testing.T) {
	script := []byte(strings.Repeat(`console.log("app");`, 200))
	files := fstest.MapFS{
		"index.html":             {Data: []byte(`<!doctype html>`)},
		"assets/index-abc123.js": {Data: script},
		"assets/logo-abc123.png": {Data: []byte("\x89PNG not really")},
	}
	h := newHandler(files)
	get := func(path, accept string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		h.ServeHTTP(rec, req)
		return rec
	}

	for _, accept := range []string{"gzip, deflate, br, zstd", "br;q=1.0, gzip;q=0.8"} {
		rec := get("/assets/index-abc123.js", accept)
		if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "gzip" {
			t.Fatalf("Accept-Encoding %q: status %d, Content-Encoding %q: want gzip", accept, rec.Code, rec.Header().Get("Content-Encoding"))
		}
		if !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/javascript") {
			t.Errorf("Vary %q, Content-Type %q", rec.Header().Get("Vary"), rec.Header().Get("Content-Type"))
		}
		if rec.Body.Len() >= len(script) {
			t.Errorf("gzipped body is %d bytes, the script %d", rec.Body.Len(), len(script))
		}
		zr, err := gzip.NewReader(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(got, script) {
			t.Fatalf("unzipped body differs from the script (err %v)", err)
		}
	}
	// Without gzip (or refused), and for an image, the file goes as it is.
	for _, tc := range []struct{ path, accept string }{{"/assets/index-abc123.js", ""}, {"/assets/index-abc123.js", "gzip;q=0, br"}, {"/assets/logo-abc123.png", "gzip"}} {
		rec := get(tc.path, tc.accept)
		if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "" {
			t.Errorf("%s with Accept-Encoding %q: status %d, Content-Encoding %q: want the file as it is", tc.path, tc.accept, rec.Code, rec.Header().Get("Content-Encoding"))
		}
	}
	if rec := get("/assets/index-abc123.js", ""); !bytes.Equal(rec.Body.Bytes(), script) {
		t.Errorf("plain body differs from the script")
	}
}
