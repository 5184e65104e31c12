package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPercentileIsNearestRank(t *testing.T) {
	v := []float64{5, 1, 4, 2, 3, 10, 9, 8, 7, 6}
	for _, c := range []struct{ p, want float64 }{{50, 5}, {95, 10}, {100, 10}, {10, 1}, {0, 1}} {
		if got := percentile(v, c.p); got != c.want {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want)
		}
	}
	if got := percentile([]float64{42}, 95); got != 42 {
		t.Errorf("p95 of one value = %v", got)
	}
}

const publishJSON = `{"campaign": "publish", "engine": "sqlite", "engine_version": "3.50.4", "seed": 7, "started": "2026-12-02T06:00:00Z", "seconds": 300,
  "settings": ["IMAPHUB_WORKERS=1"], "rounds": 100, "kills_mid_work": 99, "not_mid_work": ["Test/sqlite/rounds/7"], "modes": {"answer lost": 50, "in flight or just answered": 50},
  "duplicates": 0, "jobs": 100, "jobs_completed": 100, "integrity_checks": 200, "recovery_ms": [18000, 19000, 25000]}`

const serveJSON = `{"campaign": "serve", "engine": "postgres", "engine_version": "15.14", "seed": 8, "started": "2026-12-02T06:05:00Z", "seconds": 20,
  "settings": ["IMAPHUB_WORKERS=0"], "rounds": 20, "kills_mid_work": 20, "integrity_checks": 20, "acknowledged": 3000, "missing": %d, "missing_audit": 0,
  "recovery_ms": [80, 120, 400]}`

func writeResults(t *testing.T, missing int) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range map[string]string{"publish-sqlite.json": publishJSON, "serve-postgres.json": strings.Replace(serveJSON, "%d", string(rune('0'+missing)), 1)} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// The report holds every campaign's figures, the machine and the recovery
// percentiles; a clean run exits 0.
func TestReportHoldsEveryCampaign(t *testing.T) {
	dir := writeResults(t, 0)
	out := filepath.Join(t.TempDir(), "reliability.md")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-in", dir, "-out", out, "-wall", "12m"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s%s", code, stdout.String(), stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	md := string(b)
	for _, want := range []string{
		"| sqlite | 100 | 99 | 0 | 100 of 100 | 200 | 0 | 19.0 s | 25.0 s | 25.0 s | 0 | 5m0s |",
		"| postgres | 20 | 20 | 20 | 0 | 3000 | 0 | 0 | 120 ms | 400 ms | 400 ms | no | 20s |",
		"| sqlite | answer lost | 50 |", "On sqlite, 1 of the 100 kills came after the publish had finished its work (the job still had to be completed after the restart): `Test/sqlite/rounds/7`.",
		"| SQLite | 3.50.4 |", "| PostgreSQL | 15.14 |", "12m0s in all", "| Go | go1.", "CPU cores",
		"| publish | sqlite | IMAPHUB_WORKERS=1 | 7 |",
		"## Problems found\n\nNone.",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}

// A campaign that lost an acknowledged write makes the command exit 1, and
// the report says so.
func TestReportOfAFailedCampaignExitsOne(t *testing.T) {
	dir := writeResults(t, 3)
	out := filepath.Join(t.TempDir(), "reliability.md")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-in", dir, "-out", out}, &stdout, &stderr); code != 1 {
		t.Fatalf("exit %d, want 1: %s%s", code, stdout.String(), stderr.String())
	}
	b, _ := os.ReadFile(out)
	if !strings.Contains(string(b), "| postgres | 20 | 20 | 20 | 0 | 3000 | 3 | 0 |") || !strings.Contains(string(b), "| yes |") {
		t.Errorf("report:\n%s", b)
	}
}

// Without results the command says where it looked and exits 2.
func TestReportWithoutResultsExitsTwo(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-in", t.TempDir(), "-out", filepath.Join(t.TempDir(), "r.md")}, &stdout, &stderr); code != 2 ||
		!strings.Contains(stderr.String(), "no campaign results") {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if code := run([]string{"-in", ""}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "-in") {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
}
