// Package webui serves the web app (the Svelte build in web/dist) from the
// binary: index.html for every client route, hashed files with a long cache,
// gzip for the text files among them when the browser takes it, and a
// Content-Security-Policy that allows no inline script. The files are
// embedded only with the build tag webui (package web); without it the Go
// code builds and tests without Node, and / explains how to build the UI.
package webui

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/imaphub/imaphub/web"
)

// CSP allows scripts, styles and images from the server only. Svelte's
// compiled components set styles through the CSSOM, never inline <style>
// or style attributes from markup, so 'unsafe-inline' is not needed; image
// previews come from /api/assets/{id}/content on the same origin; the job
// stream is an EventSource on the same origin (connect-src 'self').
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// Handler serves the embedded web app. Mount it on "GET /": requests under
// /api/ and /docs never reach it because the mux routes them more
// specifically, and it answers 404 for them anyway so an unknown API path is
// never mistaken for a client route.
func Handler() http.Handler {
	files, err := fs.Sub(web.Dist, "dist")
	if err != nil {
		return notBuilt()
	}
	return newHandler(files)
}

func newHandler(files fs.FS) http.Handler {
	index, err := fs.ReadFile(files, "index.html")
	if err != nil {
		return notBuilt()
	}
	modTime := time.Now()
	zipped := &gzipCache{files: map[string][]byte{}}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if isServerPath(p) {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", CSP)
		name := strings.TrimPrefix(path.Clean(p), "/")
		if name != "" && name != "index.html" {
			if f, err := files.Open(name); err == nil {
				st, serr := f.Stat()
				f.Close()
				if serr == nil && !st.IsDir() {
					if strings.HasPrefix(name, "assets/") {
						// Vite puts a content hash in every file name under assets/:
						// a changed file gets a new name, so it can be cached forever.
						h.Set("Cache-Control", "public, max-age=31536000, immutable")
						if compressible(name) {
							h.Add("Vary", "Accept-Encoding")
							if r.Header.Get("Range") == "" && acceptsGzip(r) {
								if gz, err := zipped.get(files, name); err == nil {
									h.Set("Content-Encoding", "gzip")
									http.ServeContent(w, r, name, modTime, bytes.NewReader(gz))
									return
								}
							}
						}
					} else {
						h.Set("Cache-Control", "no-cache")
					}
					http.ServeFileFS(w, r, files, name)
					return
				}
			}
			// A missing file with an extension is a broken asset link, not a
			// client route: answering index.html would hide the error.
			if path.Ext(name) != "" {
				http.NotFound(w, r)
				return
			}
		}
		// Client route: the app's router reads the path. index.html names the
		// current hashed bundles, so it must be revalidated on every load.
		h.Set("Cache-Control", "no-cache")
		h.Set("Content-Type", "text/html; charset=utf-8")
		http.ServeContent(w, r, "index.html", modTime, bytes.NewReader(index))
	})
}

// compressible reports the text files worth sending gzipped (scripts, styles,
// SVG, JSON); images and fonts are compressed already.
func compressible(name string) bool {
	switch path.Ext(name) {
	case ".js", ".mjs", ".css", ".svg", ".json", ".map", ".txt":
		return true
	}
	return false
}

// acceptsGzip reports whether the request's Accept-Encoding names gzip
// (and does not refuse it with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		name, value, ok := strings.Cut(strings.ReplaceAll(params, " ", ""), "=")
		if !ok || !strings.EqualFold(name, "q") {
			return true
		}
		q, err := strconv.ParseFloat(value, 64)
		return err != nil || q > 0
	}
	return false
}

// gzipCache holds each embedded file gzipped, made on its first request (the
// files never change while the binary runs; start-up stays as fast).
type gzipCache struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (c *gzipCache) get(files fs.FS, name string) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if b, ok := c.files[name]; ok {
		return b, nil
	}
	raw, err := fs.ReadFile(files, name)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	c.files[name] = buf.Bytes()
	return c.files[name], nil
}

// isServerPath reports paths the Go server owns; the SPA fallback must not
// answer them with index.html.
func isServerPath(p string) bool {
	return p == "/api" || strings.HasPrefix(p, "/api/") || p == "/docs" || strings.HasPrefix(p, "/docs/") ||
		strings.HasPrefix(p, "/openapi")
}

// notBuilt answers every client route when the binary was built without the
// UI, saying how to build it.
func notBuilt() http.Handler {
	const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>IMAP Hub: web app not built</title></head>
<body><h1>The web app is not part of this build</h1>
<p>This binary was built without the web app. Build it with <code>make run</code>
(or <code>make web</code> and then <code>go build -tags webui ./cmd/imaphub</code>).</p>
<p>The API is available: <a href="/docs">API reference</a>, <a href="/openapi.json">OpenAPI document</a>.</p>
</body></html>
`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isServerPath(r.URL.Path) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Security-Policy", CSP)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(page))
	})
}
