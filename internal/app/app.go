// Package app wires IMAP Hub together by hand: the database, every slice's
// service, and the HTTP server with their operations. The binary and the
// end-to-end tests build the product the same way through it.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/migrations"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/server"
)

// Options configure an App.
type Options struct {
	Addr    string // listen address of the HTTP server
	DataDir string // where image blobs live (and the SQLite file, opened by the caller)
	Version string
	Logger  *slog.Logger
}

// App is the wired product.
type App struct {
	Opts      Options
	Log       *slog.Logger
	DB        *db.DB
	Assets    *assets.Service
	Campaigns *campaigns.Service
}

// New builds the services on an open, migrated database.
func New(d *db.DB, opts Options) *App {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	a := &App{Opts: opts, Log: opts.Logger, DB: d}
	a.Assets = assets.NewService(d, filepath.Join(opts.DataDir, "blobs"))
	a.Campaigns = campaigns.NewService(d, a.Assets)
	return a
}

// Server builds the HTTP server with every slice's operations.
func (a *App) Server() *server.Server {
	srv := server.New(server.Config{Addr: a.Opts.Addr, Version: a.Opts.Version, Logger: a.Log, Ready: a.DB.Ping})
	campaigns.RegisterRoutes(srv.API, a.Campaigns)
	assets.RegisterRoutes(srv.API, a.Assets)
	return srv
}

// Migrate applies the pending migrations of the project to d.
func Migrate(ctx context.Context, d *db.DB) ([]int, error) {
	ms, err := db.LoadMigrations(migrations.FS, d.Engine)
	if err != nil {
		return nil, err
	}
	applied, err := d.Migrate(ctx, ms)
	if err != nil {
		return applied, fmt.Errorf("migrate: %w", err)
	}
	return applied, nil
}
