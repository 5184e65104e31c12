package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/imaphub/imaphub/internal/app"
	"github.com/imaphub/imaphub/internal/platform/server"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	demo := fs.Bool("demo", false, "load the demo account when the database is empty")
	grace := fs.Duration("grace", 20*time.Second, "how long open requests and running jobs may take to finish at shutdown")
	if ok, code := flags(fs, args, stderr); !ok {
		return code
	}
	start := time.Now()
	a, cfg, err := openAppConfig(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "imaphub serve:", err)
		return 1
	}
	defer a.DB.Close()
	stopTracing, err := startTracing(ctx, a.Log)
	if err != nil {
		fmt.Fprintln(stderr, "imaphub serve:", err)
		return 1
	}
	defer stopTracing()
	if err := a.BootstrapAdmin(ctx, cfg.AdminEmail, cfg.AdminPassword, stdout); err != nil {
		fmt.Fprintln(stderr, "imaphub serve:", err)
		return 1
	}
	if *demo {
		loaded, err := loadDemoIfEmpty(ctx, a)
		if err != nil {
			fmt.Fprintln(stderr, "imaphub serve: demo data:", err)
			return 1
		}
		if loaded {
			a.Log.Info("loaded the demo account")
		}
	}
	if addr := cfg.PprofAddr; addr != "" {
		// Profiling for operators, on its own (loopback) listener only.
		go func() {
			mux := http.NewServeMux()
			mux.HandleFunc("/debug/pprof/", pprof.Index)
			mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
			a.Log.Info("pprof listening", "addr", addr, "err", http.ListenAndServe(addr, mux))
		}()
	}
	srv := a.Server()
	ln, err := srv.Listen()
	if err != nil {
		fmt.Fprintln(stderr, "imaphub serve:", err)
		return 1
	}
	if mln, err := srv.ListenMetrics(); err != nil {
		fmt.Fprintln(stderr, "imaphub serve:", err)
		return 1
	} else if mln != nil {
		a.Log.Info("metrics listening", "url", "http://"+mln.Addr().String()+"/metrics")
		go func() {
			if err := srv.ServeMetrics(ctx, mln); err != nil {
				a.Log.Error("metrics listener", "err", err)
			}
		}()
	}
	if err := a.Jobs.Start(ctx); err != nil {
		fmt.Fprintln(stderr, "imaphub serve:", err)
		return 1
	}
	defer func() {
		if err := a.Jobs.Stop(*grace); err != nil {
			a.Log.Warn("stopping job workers", "err", err)
		}
	}()
	a.Log.Info("serving", "url", "http://"+ln.Addr().String(), "database", a.DB.Location, "startup", time.Since(start).Round(time.Millisecond), "job_workers", cfg.Jobs.Workers)
	if err := srv.Serve(ctx, ln, *grace); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(stderr, "imaphub serve:", err)
		return 1
	}
	a.Log.Info("stopped")
	return 0
}

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if ok, code := flags(flag.NewFlagSet("migrate", flag.ContinueOnError), args, stderr); !ok {
		return code
	}
	cfg, err := loadConfig()
	if err != nil {
		fmt.Fprintln(stderr, "imaphub migrate:", err)
		return 1
	}
	d, err := openDB(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "imaphub migrate:", err)
		return 1
	}
	defer d.Close()
	applied, err := app.Migrate(ctx, d)
	if err != nil {
		fmt.Fprintln(stderr, "imaphub migrate:", err)
		return 1
	}
	v, err := d.SchemaVersion(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "imaphub migrate:", err)
		return 1
	}
	if len(applied) == 0 {
		fmt.Fprintf(stdout, "schema is up to date at version %d\n", v)
	} else {
		fmt.Fprintf(stdout, "applied migrations %v; schema is at version %d\n", applied, v)
	}
	return 0
}

// runWorker runs jobs only: no HTTP server. SIGINT/SIGTERM stop taking new
// jobs; running ones get the grace period to finish and are then cancelled
// and handed back to the queue.
func runWorker(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	grace := fs.Duration("grace", 30*time.Second, "how long running jobs may take to finish at shutdown")
	if ok, code := flags(fs, args, stderr); !ok {
		return code
	}
	a, cfg, err := openAppConfig(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "imaphub worker:", err)
		return 1
	}
	defer a.DB.Close()
	if cfg.Jobs.Workers == 0 {
		fmt.Fprintln(stderr, "imaphub worker: IMAPHUB_WORKERS=0 leaves nothing to do")
		return 2
	}
	stopTracing, err := startTracing(ctx, a.Log)
	if err != nil {
		fmt.Fprintln(stderr, "imaphub worker:", err)
		return 1
	}
	defer stopTracing()
	// A worker has no API listener: its job, model and Google Ads metrics
	// are served on IMAPHUB_METRICS_ADDR when set.
	srv := server.New(server.Config{MetricsAddr: cfg.MetricsAddr, MetricsToken: cfg.MetricsToken, Metrics: a.Metrics, Logger: a.Log})
	if mln, err := srv.ListenMetrics(); err != nil {
		fmt.Fprintln(stderr, "imaphub worker:", err)
		return 1
	} else if mln != nil {
		a.Log.Info("metrics listening", "url", "http://"+mln.Addr().String()+"/metrics")
		go func() {
			if err := srv.ServeMetrics(ctx, mln); err != nil {
				a.Log.Error("metrics listener", "err", err)
			}
		}()
	}
	if err := a.Jobs.Start(ctx); err != nil {
		fmt.Fprintln(stderr, "imaphub worker:", err)
		return 1
	}
	a.Log.Info("working jobs", "workers", cfg.Jobs.Workers, "database", a.DB.Location)
	<-ctx.Done()
	a.Log.Info("stopping: finishing running jobs", "grace", *grace)
	if err := a.Jobs.Stop(*grace); err != nil {
		fmt.Fprintln(stderr, "imaphub worker:", err)
		return 1
	}
	a.Log.Info("stopped")
	return 0
}
