// Command httpbench measures the read endpoints of a real `imaphub serve`
// process against a bare net/http server that sends the very same response
// bytes from memory, in the same run: for every endpoint the bare server is
// driven first, then imaphub, each with wrk (32 connections by default; an
// in-process load generator when wrk is not installed). It writes a Markdown
// fragment with requests per second, p99 latency and the ratio, and exits 1
// when a ratio is below -min-ratio.
//
//	go run ./cmd/httpbench -bin bin/imaphub -out bin/bench/http.md
//
// The server runs on SQLite in a temporary data directory with the demo
// account and enough added assets, campaigns and jobs for pages of about
// 100 KiB; with IMAPHUB_TEST_POSTGRES_URL set the endpoints are measured
// again on PostgreSQL, in a schema of their own that is dropped afterwards.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

type options struct {
	bin      string
	duration time.Duration
	conns    int
	threads  int
	out      string
	minRatio float64
	wrk      string
	only     string
	quick    bool
	bareRaw  bool
	engines  string
}

func main() {
	var o options
	flag.StringVar(&o.bin, "bin", "bin/imaphub", "the imaphub binary")
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "load per endpoint and server")
	flag.IntVar(&o.conns, "conns", 32, "concurrent connections")
	flag.IntVar(&o.threads, "threads", 2, "wrk threads")
	flag.StringVar(&o.out, "out", "", "write the Markdown fragment here (default: standard output only)")
	flag.Float64Var(&o.minRatio, "min-ratio", 0.5, "exit 1 when imaphub's throughput is below this share of the bare server's on any endpoint (0: never)")
	flag.StringVar(&o.wrk, "wrk", "wrk", "the wrk binary; when it is not found, an in-process load generator drives the servers")
	flag.StringVar(&o.only, "only", "", "measure only endpoints whose name contains this text")
	flag.BoolVar(&o.quick, "quick", false, "small data set (pages of a few KiB): a smoke run")
	flag.StringVar(&o.engines, "engines", "", "comma-separated engines to measure (sqlite, postgres); default: SQLite, and PostgreSQL when IMAPHUB_TEST_POSTGRES_URL is set")
	flag.BoolVar(&o.bareRaw, "bare-raw", false, "the bare server writes the bytes without passing them through encoding/json")
	flag.Parse()
	if err := run(o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "httpbench:", err)
		os.Exit(1)
	}
}

func run(o options, stdout io.Writer) error {
	load := newLoader(o)
	var fragment strings.Builder
	fmt.Fprintf(&fragment, "## HTTP reads against a bare server\n\n")
	bare := "passes the same response bytes through `encoding/json` (as a raw message: checked and copied) from memory"
	if o.bareRaw {
		bare = "writes the same response bytes from memory"
	}
	fmt.Fprintf(&fragment, "`go run ./cmd/httpbench` (`make bench`): every endpoint is served by `imaphub serve` and by a bare "+
		"`net/http` server that %s, driven one after the other by %s with "+
		"%d connections for %s each. The ratio is imaphub's requests per second over the bare server's; "+
		"the run fails below %.2f. Requests that failed (wrk: no answer within 10 s) are counted beside the ratio.\n\n", bare, load.name(), o.conns, o.duration, o.minRatio)
	var failed []string
	engines := []string{"sqlite"}
	if os.Getenv("IMAPHUB_TEST_POSTGRES_URL") != "" {
		engines = append(engines, "postgres")
	}
	if o.engines != "" {
		engines = strings.Split(o.engines, ",")
		for _, e := range engines {
			if e != "sqlite" && e != "postgres" {
				return fmt.Errorf("-engines: %q is not sqlite or postgres", e)
			}
			if e == "postgres" && os.Getenv("IMAPHUB_TEST_POSTGRES_URL") == "" {
				return fmt.Errorf("-engines: postgres needs IMAPHUB_TEST_POSTGRES_URL")
			}
		}
	}
	for _, engine := range engines {
		res, err := measureEngine(o, load, engine, stdout)
		writeTable(&fragment, engine, res)
		if err != nil {
			// The engines measured so far are still written.
			fmt.Fprintf(&fragment, "The run on this engine stopped: %v\n\n", err)
			failed = append(failed, fmt.Sprintf("%s: %v", engine, err))
			continue
		}
		for _, r := range res {
			if o.minRatio > 0 && r.ratio() < o.minRatio {
				failed = append(failed, fmt.Sprintf("%s %s (%.2f)", engine, r.name, r.ratio()))
			}
		}
	}
	fmt.Fprint(stdout, "\n"+fragment.String())
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(fragment.String()), 0o644); err != nil {
			return err
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("below %.2f of the bare server, or not measured: %s", o.minRatio, strings.Join(failed, "; "))
	}
	return nil
}

func writeTable(w io.Writer, engine string, res []result) {
	fmt.Fprintf(w, "### %s\n\n", map[string]string{"sqlite": "SQLite", "postgres": "PostgreSQL"}[engine])
	if len(res) > 0 {
		fmt.Fprintf(w, "Load average while measuring: %s (before) → %s (after).\n\n", res[0].loadBefore, res[len(res)-1].loadAfter)
	}
	fmt.Fprintln(w, "| endpoint | request | bytes | bare req/s | bare p99 | imaphub req/s | imaphub p99 | ratio |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|--:|")
	for _, r := range res {
		note := ""
		if n := r.bare.errors + r.real.errors; n > 0 {
			note = fmt.Sprintf(" (%d failed)", n)
		}
		fmt.Fprintf(w, "| %s | `%s` | %d | %.0f | %s | %.0f | %s | %.2f%s |\n", r.name, r.path, r.bytes,
			r.bare.rps, fmtDur(r.bare.p99), r.real.rps, fmtDur(r.real.p99), r.ratio(), note)
	}
	fmt.Fprintln(w)
}

func fmtDur(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}
