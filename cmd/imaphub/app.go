package main

import (
	"context"

	"github.com/imaphub/imaphub/internal/app"
	"github.com/imaphub/imaphub/internal/platform/db"
)

// openApp opens the configured database, applies pending migrations and
// wires the product.
func openApp(ctx context.Context) (*app.App, error) {
	a, _, err := openAppConfig(ctx)
	return a, err
}

func openAppConfig(ctx context.Context) (*app.App, Config, error) {
	cfg, err := loadConfig()
	if err != nil {
		return nil, cfg, err
	}
	return openAppWith(ctx, cfg)
}

// openAppWith is openAppConfig with a configuration already read.
func openAppWith(ctx context.Context, cfg Config) (*app.App, Config, error) {
	log := cfg.logger()
	d, err := openDB(ctx, cfg)
	if err != nil {
		return nil, cfg, err
	}
	applied, err := app.Migrate(ctx, d)
	if err != nil {
		d.Close()
		return nil, cfg, err
	}
	if len(applied) > 0 {
		log.Info("applied migrations", "versions", applied)
	}
	a, err := app.New(ctx, d, app.Options{Addr: cfg.Addr, DataDir: cfg.DataDir, Version: version, Logger: log, Auth: cfg.Auth, Jobs: cfg.Jobs, GenerationTimeout: cfg.GenTimeout,
		MetricsAddr: cfg.MetricsAddr, MetricsToken: cfg.MetricsToken, LLM: cfg.LLM, GoogleAds: cfg.GoogleAds, PublishTimeout: cfg.PublishTimeout,
		ReportsLookbackDays: lookbackOption(cfg.ReportsLookbackDays)})
	if err != nil {
		d.Close()
		return nil, cfg, err
	}
	return a, cfg, nil
}

func openDB(ctx context.Context, cfg Config) (*db.DB, error) {
	return db.Open(ctx, db.Config{URL: cfg.DatabaseURL, DataDir: cfg.DataDir})
}

// lookbackOption is IMAPHUB_REPORTS_LOOKBACK_DAYS as app.Options takes it
// (0 there is the default, -1 none).
func lookbackOption(days int) int {
	if days == 0 {
		return -1
	}
	return days
}
