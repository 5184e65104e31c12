package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/platform/testbin"
)

// TestSmoke runs the tool for a moment against the real binary (wrk when
// it is installed, else the in-process load generator): it must fill the
// server, measure and write a fragment with a figure in every column. It
// asserts no speed.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the server")
	}
	dir := t.TempDir()
	bin := testbin.Build(t, "../imaphub")
	t.Setenv("IMAPHUB_TEST_POSTGRES_URL", "") // one engine is enough here
	out := filepath.Join(dir, "http.md")
	var log bytes.Buffer
	err := run(options{bin: bin, duration: time.Second, conns: 4, threads: 1, out: out, wrk: "wrk", quick: true, only: "assets (1 KiB)"}, &log)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`(?m)^\| assets \(1 KiB\) \| ` + "`/api/assets\\?limit=\\d+`" + ` \| [1-9]\d* \| [1-9]\d* \| [0-9.]+ ms \| [1-9]\d* \| [0-9.]+ ms \| [0-9.]+ \|$`)
	if !row.Match(b) || !strings.Contains(string(b), "### SQLite") {
		t.Errorf("no figures for the asset list in\n%s", b)
	}
}

// TestGoLoader drives a local server with the load generator used when wrk
// is missing.
func TestGoLoader(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer t" {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		n.Add(1)
		w.Write([]byte(`{"items":[]}`))
	}))
	defer srv.Close()
	f, err := goLoader{o: options{conns: 4, duration: 300 * time.Millisecond}}.run(srv.URL, "t")
	if err != nil {
		t.Fatal(err)
	}
	if f.rps <= 0 || f.p99 <= 0 || n.Load() == 0 {
		t.Errorf("figures %+v after %d requests", f, n.Load())
	}
	if _, err := (goLoader{o: options{conns: 2, duration: 100 * time.Millisecond}}).run(srv.URL, "wrong"); err == nil {
		t.Error("a 401 was counted as an answer")
	}
}
