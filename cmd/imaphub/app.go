package main

import (
	"context"

	"github.com/imaphub/imaphub/internal/app"
	"github.com/imaphub/imaphub/internal/platform/db"
)

// openApp opens the configured database, applies pending migrations and
// wires the product.
func openApp(ctx context.Context) (*app.App, error) {
	cfg, err := loadConfig()
	if err != nil {
		return nil, err
	}
	log := cfg.logger()
	d, err := openDB(ctx, cfg)
	if err != nil {
		return nil, err
	}
	applied, err := app.Migrate(ctx, d)
	if err != nil {
		d.Close()
		return nil, err
	}
	if len(applied) > 0 {
		log.Info("applied migrations", "versions", applied)
	}
	return app.New(d, app.Options{Addr: cfg.Addr, DataDir: cfg.DataDir, Version: version, Logger: log}), nil
}

func openDB(ctx context.Context, cfg Config) (*db.DB, error) {
	return db.Open(ctx, db.Config{URL: cfg.DatabaseURL, DataDir: cfg.DataDir})
}
