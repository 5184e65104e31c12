package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/imaphub/imaphub/internal/app"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	demo := fs.Bool("demo", false, "load the demo account when the database is empty")
	grace := fs.Duration("grace", 20*time.Second, "how long open requests may take to finish at shutdown")
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
	srv := a.Server()
	ln, err := srv.Listen()
	if err != nil {
		fmt.Fprintln(stderr, "imaphub serve:", err)
		return 1
	}
	a.Log.Info("serving", "url", "http://"+ln.Addr().String(), "database", a.DB.Location, "startup", time.Since(start).Round(time.Millisecond))
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
