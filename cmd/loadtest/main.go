// Command loadtest puts a real `imaphub serve` (and, on PostgreSQL, a separate
// `imaphub worker`) under simulated users: each browses campaigns and their
// trees, searches the asset library, opens where-used and reports, edits an
// ad's texts with If-Match (retrying a 412 on the fresh version), and now and
// then generates a campaign's copy with a scripted model and follows the job's
// event stream to its end. At the end every acknowledged write is read back.
//
//	go run ./cmd/loadtest -bin bin/imaphub -users 200 -duration 10m -out bin/bench/30-load-sqlite.md
//	go run ./cmd/loadtest -engine postgres -serve 2 -worker -out bin/bench/31-load-postgres.md
//
// On SQLite the data lives in a temporary directory and one serve runs the
// jobs itself; on PostgreSQL (IMAPHUB_TEST_POSTGRES_URL) every run gets a
// schema of its own, dropped at the end, the users are split between the
// serve instances and the jobs run in the worker. It writes a Markdown
// fragment and exits 1 when a request failed, a read's 99th percentile is
// above -read-p99 or an acknowledged write is missing.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

func main() {
	var cfg config
	flag.StringVar(&cfg.bin, "bin", "bin/imaphub", "the imaphub binary")
	flag.StringVar(&cfg.engine, "engine", "sqlite", "sqlite, or postgres (a fresh schema in IMAPHUB_TEST_POSTGRES_URL's database)")
	flag.IntVar(&cfg.users, "users", 200, "simulated users")
	flag.DurationVar(&cfg.duration, "duration", 10*time.Minute, "how long the users work")
	flag.DurationVar(&cfg.think, "think", 1500*time.Millisecond, "mean think time between two requests of a user (uniform from half to one and a half times it)")
	flag.IntVar(&cfg.serves, "serve", 0, "serve instances (default: 1 on sqlite, 2 on postgres)")
	flag.BoolVar(&cfg.worker, "worker", false, "run the jobs in a separate `imaphub worker` (serve with IMAPHUB_WORKERS=0); default on postgres")
	flag.IntVar(&cfg.teamSize, "team", 4, "users sharing one campaign to edit (so that edits conflict)")
	flag.Float64Var(&cfg.generateShare, "generate", 0.02, "share of a user's actions that generate copy and follow the event stream")
	flag.Float64Var(&cfg.editShare, "edit", 0.15, "share of a user's actions that edit an ad's texts")
	flag.DurationVar(&cfg.readP99, "read-p99", 100*time.Millisecond, "fail when the reads' 99th percentile is above this")
	flag.StringVar(&cfg.out, "out", "", "write the Markdown fragment here (default: standard output only)")
	flag.StringVar(&cfg.pprof, "pprof", "", "IMAPHUB_PPROF_ADDR of the first serve, e.g. 127.0.0.1:6060, to profile it under load")
	flag.BoolVar(&cfg.demo, "demo", true, "load the demo account (campaigns with report data) before the users start")
	flag.Parse()
	if cfg.engine != "sqlite" && cfg.engine != "postgres" {
		fmt.Fprintf(os.Stderr, "loadtest: -engine=%q: want sqlite or postgres\n", cfg.engine)
		os.Exit(2)
	}
	if cfg.serves == 0 {
		cfg.serves = 1
		if cfg.engine == "postgres" {
			cfg.serves = 2
		}
	}
	if cfg.engine == "postgres" && !isFlagSet("worker") {
		cfg.worker = true
	}
	if cfg.users < 1 {
		fmt.Fprintln(os.Stderr, "loadtest: -users: at least 1")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := run(ctx, cfg, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
	md := res.markdown()
	fmt.Print(md)
	if cfg.out != "" {
		if err := os.MkdirAll(filepath.Dir(cfg.out), 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "loadtest:", err)
			os.Exit(1)
		}
		if err := os.WriteFile(cfg.out, []byte(md), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "loadtest:", err)
			os.Exit(1)
		}
	}
	if problems := res.failures(cfg.readP99); len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(os.Stderr, "loadtest: FAIL:", p)
		}
		os.Exit(1)
	}
}

func isFlagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}
