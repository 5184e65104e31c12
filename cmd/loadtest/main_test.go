package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/platform/testbin"
)

// TestShortLoadLosesNothing runs the load briefly on SQLite against the real
// binary — ten users browsing, editing with If-Match and generating — and
// requires that no request failed and that every acknowledged edit is there
// afterwards. Latency is reported (make load), never asserted here.
func TestShortLoadLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := testbin.Build(t, "../imaphub")
	cfg := config{bin: bin, engine: "sqlite", users: 10, duration: 10 * time.Second, think: 300 * time.Millisecond,
		serves: 1, teamSize: 4, generateShare: 0.05, editShare: 0.3, demo: true}
	var log strings.Builder
	res, err := run(context.Background(), cfg, &log)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	md := res.markdown()
	t.Log("\n" + md)
	if res.stats.nErrors > 0 {
		t.Errorf("%d errors: %s", res.stats.nErrors, strings.Join(res.stats.topErrors(10), "; "))
	}
	if len(res.missing) > 0 {
		t.Errorf("%d acknowledged edits missing: %s", len(res.missing), strings.Join(res.missing, "; "))
	}
	if res.acknowledged == 0 || res.checked == 0 {
		t.Errorf("no edit was acknowledged (%d) or checked (%d): nothing was verified", res.acknowledged, res.checked)
	}
	if res.stats.summary(classRead).n == 0 {
		t.Error("no read was answered")
	}
	if res.stats.gens == 0 {
		t.Error("no generation completed")
	}
	if !strings.Contains(md, "| 10 | ") {
		t.Errorf("the fragment's table lacks the run's row:\n%s", md)
	}
	if os.Getenv("IMAPHUB_TEST_POSTGRES_URL") == "" {
		return
	}
	cfg.engine, cfg.serves, cfg.worker = "postgres", 2, true
	res, err = run(context.Background(), cfg, &log)
	if err != nil {
		t.Fatalf("postgres: %v\n%s", err, log.String())
	}
	t.Log("\n" + res.markdown())
	if res.stats.nErrors > 0 {
		t.Errorf("postgres: %d errors: %s", res.stats.nErrors, strings.Join(res.stats.topErrors(10), "; "))
	}
	if len(res.missing) > 0 {
		t.Errorf("postgres: %d acknowledged edits missing: %s", len(res.missing), strings.Join(res.missing, "; "))
	}
	if res.acknowledged == 0 || res.stats.gens == 0 {
		t.Errorf("postgres: %d edits acknowledged, %d generations completed: nothing was verified", res.acknowledged, res.stats.gens)
	}
}
