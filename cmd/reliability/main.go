// Command reliability writes docs/reliability.md from the figures the crash
// campaigns in cmd/imaphub (TestWorkerKilledMidPublishCreatesNothingTwice,
// TestAuditEntriesCommitWithTheirChangesAcrossKill) leave as JSON in
// IMAPHUB_RELIABILITY_OUT. `make reliability` runs the campaigns and then
// this. It exits 1 when a campaign found a problem (the report is written
// all the same), 2 on unusable input.
package main

import (
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// result is one campaign on one engine, as cmd/imaphub's crash tests write
// it (crashResult there).
type result struct {
	Campaign string    `json:"campaign"`
	Engine   string    `json:"engine"`
	Version  string    `json:"engine_version"`
	Seed     uint64    `json:"seed"`
	Started  time.Time `json:"started"`
	Seconds  float64   `json:"seconds"`
	Settings []string  `json:"settings"`

	Rounds       int            `json:"rounds"`
	KillsMidWork int            `json:"kills_mid_work"`
	NotMidWork   []string       `json:"not_mid_work"`
	Modes        map[string]int `json:"modes"`

	Duplicates    int `json:"duplicates"`
	Jobs          int `json:"jobs"`
	JobsCompleted int `json:"jobs_completed"`

	IntegrityChecks   int      `json:"integrity_checks"`
	IntegrityProblems []string `json:"integrity_problems"`

	Acknowledged int `json:"acknowledged"`
	Missing      int `json:"missing"`
	MissingAudit int `json:"missing_audit"`

	RecoveryMillis []float64 `json:"recovery_ms"`

	FailedRounds int      `json:"failed_rounds"`
	Failures     []string `json:"failures"`
}

// failed reports whether the campaign found anything wrong.
func (r result) failed() bool {
	return r.FailedRounds > 0 || len(r.Failures) > 0 || len(r.IntegrityProblems) > 0 || r.Duplicates > 0 ||
		r.JobsCompleted < r.Jobs || r.Missing > 0 || r.MissingAudit > 0
}

// machine describes where the campaigns ran.
type machine struct {
	Cores  int
	CPU    string
	OS     string
	Kernel string
	Arch   string
	Go     string
}

func thisMachine() machine {
	m := machine{Cores: runtime.NumCPU(), Arch: runtime.GOOS + "/" + runtime.GOARCH, Go: runtime.Version(), OS: runtime.GOOS}
	if b, err := os.ReadFile("/etc/os-release"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "PRETTY_NAME="); ok {
				m.OS = strings.Trim(v, `"`)
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	return m
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("reliability", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", os.Getenv("IMAPHUB_RELIABILITY_OUT"), "directory of the campaigns' JSON results (default $IMAPHUB_RELIABILITY_OUT)")
	out := fs.String("out", "docs/reliability.md", "report file to write")
	wall := fs.Duration("wall", 0, "how long the whole run took (make reliability measures it), 0 to leave out")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *in == "" {
		fmt.Fprintln(stderr, "reliability: -in: name the directory of the campaigns' results (or set IMAPHUB_RELIABILITY_OUT)")
		return 2
	}
	results, err := load(*in)
	if err != nil {
		fmt.Fprintln(stderr, "reliability:", err)
		return 2
	}
	if err := os.WriteFile(*out, []byte(markdown(results, thisMachine(), *wall)), 0o644); err != nil {
		fmt.Fprintln(stderr, "reliability:", err)
		return 2
	}
	code := 0
	for _, r := range results {
		fmt.Fprintf(stdout, "reliability: %s on %s: %d kills, %d mid-work, %d duplicates, %d/%d jobs completed, %d integrity checks with %d problems, %d acknowledged writes with %d missing and %d without audit entry\n",
			r.Campaign, r.Engine, r.Rounds, r.KillsMidWork, r.Duplicates, r.JobsCompleted, r.Jobs, r.IntegrityChecks, len(r.IntegrityProblems), r.Acknowledged, r.Missing, r.MissingAudit)
		if r.failed() {
			code = 1
		}
	}
	fmt.Fprintf(stdout, "reliability: written to %s\n", *out)
	return code
}

// load reads every *.json in dir.
func load(dir string) ([]result, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no campaign results (*.json) in %s: did the crash tests run with IMAPHUB_RELIABILITY_OUT set?", dir)
	}
	var out []result
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var r result
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		if r.Campaign != "publish" && r.Campaign != "serve" {
			return nil, fmt.Errorf("%s: campaign %q: want publish or serve", f, r.Campaign)
		}
		out = append(out, r)
	}
	order := map[string]int{"publish": 0, "serve": 1, "sqlite": 0, "postgres": 1}
	slices.SortFunc(out, func(a, b result) int {
		return cmp.Or(cmp.Compare(order[a.Campaign], order[b.Campaign]), cmp.Compare(order[a.Engine], order[b.Engine]))
	})
	return out, nil
}

// percentile is the nearest-rank percentile p (0–100) of values.
func percentile(values []float64, p float64) float64 {
	if len(values) == 0 {
		return math.NaN()
	}
	s := slices.Clone(values)
	slices.Sort(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1]
}

// seconds formats milliseconds as seconds, or as ms below one second.
func seconds(ms float64) string {
	switch {
	case math.IsNaN(ms):
		return "–"
	case ms < 1000:
		return fmt.Sprintf("%.0f ms", ms)
	}
	return fmt.Sprintf("%.1f s", ms/1000)
}

func duration(s float64) string {
	return (time.Duration(s * float64(time.Second))).Round(time.Second).String()
}

func markdown(results []result, m machine, wall time.Duration) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Crash campaigns\n\n")
	p("Written by `make reliability` (the crash tests of `cmd/imaphub` with `IMAPHUB_RELIABILITY_OUT` set, then `go run ./cmd/reliability`); do not edit by hand. ")
	p("Every kill is a real `kill -9` (SIGKILL) of the real binary, at a random moment of its work; then the process is started again and the outcome checked. ")
	p("The default test run (CI) plays the same campaigns with a few rounds; `IMAPHUB_CRASH_ROUNDS` and `IMAPHUB_SERVE_CRASH_ROUNDS` set their size, `IMAPHUB_CRASH_SEED` repeats a run's kill moments.\n\n")
	p("- **publish**: a worker (`imaphub worker`) publishes a campaign of four ad groups (20 entities) to the local Google Ads server (`internal/platform/googleads/googleadstest`) and is killed after a random mutate call, in turn: during the call or just after its answer, after a call (not the last) whose answer was lost (Google applied it, the worker does not know), and while the worker looks such a change up. A new worker is started at once. Checked: the job reaches `completed`; Google holds every entity exactly once (by resource and by name: budget, campaign, ad groups per campaign, keywords per ad group); the campaign, its resource names and its one successful run are stored; the job ran a second attempt; the database passes the integrity check after the kill and after the restart.\n")
	p("- **serve**: sixteen clients create campaigns and ad groups through the API of `imaphub serve` as fast as it answers; the server is killed after a random number (10–309) of acknowledged writes, with requests in flight, and started again. Checked after every kill: the integrity check; every write a client got a 2xx for is stored with its audit entry; every campaign and ad group has its create entry and every create entry its row; at the end, every write acknowledged in any round is still there.\n")
	p("- **integrity check**: SQLite `PRAGMA integrity_check` and `PRAGMA foreign_key_check`; PostgreSQL (whose write-ahead log makes a crash atomic and which has no integrity check of its own for tables): every row of every foreign key has its parent row.\n")
	p("- **kills mid-work**: publish, the kill came before the publish's completed event; serve, requests were in flight at the kill.\n")
	p("- **recovery**: publish, from the new worker's start to the job's `completed` state — mostly River taking over: the killed worker's leadership runs out (about 15 s) and its job, running longer than `IMAPHUB_JOB_RESCUE_AFTER` (4 s here, 15 m by default), is rescued and run again; serve, from the new server's start to its first ready answer (`/readyz`). A figure of this machine, never asserted.\n\n")

	p("## Machine\n\n")
	p("| | |\n|---|---|\n")
	cpu := fmt.Sprint(m.Cores)
	if m.CPU != "" {
		cpu += " (" + m.CPU + ")"
	}
	p("| CPU cores | %s |\n", cpu)
	p("| OS | %s, %s", m.OS, m.Arch)
	if m.Kernel != "" {
		p(", kernel %s", m.Kernel)
	}
	p(" |\n| Go | %s |\n", m.Go)
	versions := map[string]string{}
	var first time.Time
	for _, r := range results {
		if r.Version != "" {
			versions[r.Engine] = r.Version
		}
		if first.IsZero() || r.Started.Before(first) {
			first = r.Started
		}
	}
	p("| SQLite | %s |\n", cmp.Or(versions["sqlite"], "not run"))
	p("| PostgreSQL | %s |\n", cmp.Or(versions["postgres"], "not run (IMAPHUB_TEST_POSTGRES_URL was not set)"))
	p("| run | %s", first.UTC().Format("2006-01-02 15:04 UTC"))
	if wall > 0 {
		p(", %s in all (build included)", wall.Round(time.Second))
	}
	p(" |\n\n")

	p("## Publishing: kill -9 of a worker mid-publish\n\n")
	p("| engine | kills | kills mid-work | duplicates at Google | jobs completed | integrity checks | problems | recovery p50 | p95 | max | failed rounds | duration |\n")
	p("|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range results {
		if r.Campaign == "publish" {
			p("| %s | %d | %d | %d | %d of %d | %d | %d | %s | %s | %s | %d | %s |\n", r.Engine, r.Rounds, r.KillsMidWork, r.Duplicates, r.JobsCompleted, r.Jobs,
				r.IntegrityChecks, len(r.IntegrityProblems), seconds(percentile(r.RecoveryMillis, 50)), seconds(percentile(r.RecoveryMillis, 95)),
				seconds(percentile(r.RecoveryMillis, 100)), r.FailedRounds, duration(r.Seconds))
		}
	}
	for _, r := range results {
		if r.Campaign == "publish" && len(r.NotMidWork) > 0 {
			p("\nOn %s, %d of the %d kills came after the publish had finished its work (the job still had to be completed after the restart): %s.\n",
				r.Engine, len(r.NotMidWork), r.Rounds, "`"+strings.Join(r.NotMidWork, "`, `")+"`")
		}
	}
	p("\nKill moments:\n\n| engine | moment | kills |\n|---|---|---|\n")
	for _, r := range results {
		if r.Campaign != "publish" {
			continue
		}
		modes := make([]string, 0, len(r.Modes))
		for k := range r.Modes {
			modes = append(modes, k)
		}
		slices.Sort(modes)
		for _, k := range modes {
			p("| %s | %s | %d |\n", r.Engine, k, r.Modes[k])
		}
	}

	p("\n## Serving: kill -9 of `serve` under concurrent writes\n\n")
	p("| engine | kills | kills mid-work | integrity checks | problems | writes acknowledged | missing | without audit entry | recovery p50 | p95 | max | failed | duration |\n")
	p("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range results {
		if r.Campaign == "serve" {
			failed := 0
			if r.failed() {
				failed = 1
			}
			p("| %s | %d | %d | %d | %d | %d | %d | %d | %s | %s | %s | %s | %s |\n", r.Engine, r.Rounds, r.KillsMidWork, r.IntegrityChecks, len(r.IntegrityProblems),
				r.Acknowledged, r.Missing, r.MissingAudit, seconds(percentile(r.RecoveryMillis, 50)), seconds(percentile(r.RecoveryMillis, 95)),
				seconds(percentile(r.RecoveryMillis, 100)), map[int]string{0: "no", 1: "yes"}[failed], duration(r.Seconds))
		}
	}

	p("\n## Settings and seeds\n\n| campaign | engine | killed processes ran with | IMAPHUB_CRASH_SEED |\n|---|---|---|---|\n")
	for _, r := range results {
		p("| %s | %s | %s | %d |\n", r.Campaign, r.Engine, strings.Join(r.Settings, ", "), r.Seed)
	}

	var problems []string
	for _, r := range results {
		for _, s := range r.IntegrityProblems {
			problems = append(problems, r.Campaign+" on "+r.Engine+": integrity: "+s)
		}
		for _, s := range r.Failures {
			problems = append(problems, r.Campaign+" on "+r.Engine+": "+s)
		}
		if r.FailedRounds > len(r.Failures) {
			problems = append(problems, fmt.Sprintf("%s on %s: %d rounds failed (see the test log)", r.Campaign, r.Engine, r.FailedRounds))
		}
	}
	p("\n## Problems found\n\n")
	if len(problems) == 0 {
		p("None.\n")
	}
	for _, s := range problems {
		p("- %s\n", s)
	}
	return b.String()
}
