// Package app wires IMAP Hub together by hand: the database, every slice's
// service, sign-in, and the HTTP server with their operations. The binary and
// the end-to-end tests build the product the same way through it.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"time"

	"github.com/riverqueue/river"

	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/domain/generation"
	"github.com/imaphub/imaphub/internal/domain/publishing"
	"github.com/imaphub/imaphub/internal/domain/reporting"
	"github.com/imaphub/imaphub/internal/migrations"
	"github.com/imaphub/imaphub/internal/platform/ai"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/auth/authapi"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/googleads"
	"github.com/imaphub/imaphub/internal/platform/jobs"
	"github.com/imaphub/imaphub/internal/platform/server"
	"github.com/imaphub/imaphub/internal/platform/telemetry"
	"github.com/imaphub/imaphub/internal/platform/webui"
)

// Options configure an App.
type Options struct {
	Addr    string // listen address of the HTTP server
	DataDir string // where image blobs live (and the SQLite file, opened by the caller)
	Version string
	Logger  *slog.Logger
	Auth    authapi.Config
	// Argon2 are the password-hash costs; zero means auth.DefaultArgon2.
	Argon2 auth.Argon2Params
	// Jobs configures the job runner; Jobs.Workers = 0 inserts jobs but
	// runs none in this process.
	Jobs jobs.Config
	// GenerationTimeout bounds one run of a generation job (default 10 min).
	GenerationTimeout time.Duration
	// LLM is the language model; its zero value is the offline writer. The
	// binary reads it from IMAPHUB_LLM_* (ai.ConfigFromEnv); nothing here
	// reads the environment.
	LLM ai.Config
	// MetricsAddr and MetricsToken say where /metrics is served and who may
	// read it (see server.Config).
	MetricsAddr, MetricsToken string
	// GoogleAds is how to reach Google Ads; its zero value is "not
	// connected": publishing answers 503 naming the settings, the rest of
	// the product works. The binary reads it from IMAPHUB_GOOGLEADS_*.
	GoogleAds googleads.Config
	// GoogleAdsOptions adjust the Google Ads client (tests shorten retries).
	GoogleAdsOptions []googleads.Option
	// PublishTimeout bounds one run of a publish or status job (default 10 min).
	PublishTimeout time.Duration
	// ReportsLookbackDays are downloaded again before yesterday each day
	// (late conversions): 0 is reporting.DefaultLookbackDays, -1 none.
	ReportsLookbackDays int
}

// App is the wired product.
type App struct {
	Opts      Options
	Log       *slog.Logger
	DB        *db.DB
	Users     *auth.Service
	Auth      *authapi.Auth
	Assets    *assets.Service
	Campaigns *campaigns.Service
	// Generation writes copy into ad groups and asset groups on request;
	// GenerationJobs starts and works the background generations.
	Generation     *generation.Service
	GenerationJobs *generation.Jobs
	// Publishing brings approved campaigns to Google Ads and keeps them in
	// step with later edits.
	Publishing *publishing.Service
	// Editor exports campaigns as Google Ads Editor files and imports such
	// files as new drafts.
	Editor *publishing.Editor
	// Reports imports what Google Ads reports and answers every report;
	// ReportDownloads downloads the reports: on request and daily.
	Reports         *reporting.Service
	ReportDownloads *reporting.DownloadJobs
	Jobs            *jobs.Runner
	// Metrics are what /metrics serves; spans go to the global tracer
	// provider (telemetry.StartTracing).
	Metrics *telemetry.Metrics
	// maintenance is the hourly housekeeping job.
	maintenance *maintenance
}

// New builds the services on an open, migrated database.
func New(ctx context.Context, d *db.DB, opts Options) (*App, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Argon2 == (auth.Argon2Params{}) {
		opts.Argon2 = auth.DefaultArgon2
	}
	if opts.Auth.Mode == "" {
		opts.Auth.Mode = "local"
	}
	// Lines logged during a request or a job name its request and trace.
	opts.Logger = slog.New(telemetry.LogHandler(opts.Logger.Handler()))
	a := &App{Opts: opts, Log: opts.Logger, DB: d, Metrics: telemetry.NewMetrics()}
	a.Users = auth.NewService(d, opts.Argon2)
	var err error
	if a.Auth, err = authapi.New(ctx, d, a.Users, opts.Auth, opts.Logger); err != nil {
		return nil, err
	}
	a.Assets = assets.NewService(d, filepath.Join(opts.DataDir, "blobs"))
	a.Campaigns = campaigns.NewService(d, a.Assets)
	a.Generation = generation.NewService(a.Campaigns, a.Metrics.LLM(ai.Select(opts.LLM, generation.NewOfflineWriter())))
	workers := jobs.NewWorkers()
	a.GenerationJobs = generation.NewJobs(workers, d, a.Campaigns, a.Generation, opts.GenerationTimeout, opts.Logger)
	pub := publishing.Options{Timeout: opts.PublishTimeout, Logger: opts.Logger}
	if opts.GoogleAds.Connected() {
		if pub.Client, err = googleads.New(opts.GoogleAds, append([]googleads.Option{googleads.WithLogger(opts.Logger), googleads.WithObserver(a.Metrics.GoogleAds())}, opts.GoogleAdsOptions...)...); err != nil {
			return nil, fmt.Errorf("google ads: %w", err)
		}
	} else {
		pub.NotConnected = &googleads.NotConnectedError{Missing: opts.GoogleAds.Missing()}
	}
	a.Publishing = publishing.NewService(d, a.Campaigns, a.Assets, workers, pub)
	a.Editor = publishing.NewEditor(a.Campaigns)
	a.Reports = reporting.NewService(d)
	a.ReportDownloads = reporting.NewDownloadJobs(workers, d, a.Reports, reporting.DownloadJobOptions{
		Client: pub.Client, NotConnected: pub.NotConnected, LookbackDays: opts.ReportsLookbackDays, Logger: opts.Logger})
	a.Generation.UseStyleSource(styleExamples{a.Reports})
	a.maintenance = &maintenance{}
	river.AddWorker(workers, a.maintenance)
	jc := opts.Jobs
	jc.Periodic = append(jc.Periodic, maintenanceSchedule(time.Hour), a.ReportDownloads.Schedule())
	jc.Middleware = append(jc.Middleware, a.Metrics.Jobs())
	if a.Jobs, err = jobs.New(ctx, d, workers, jc, opts.Logger); err != nil {
		return nil, err
	}
	a.Jobs.NameSubjects("campaign", a.Campaigns.Names)
	a.Metrics.WatchQueues(a.Jobs.QueueCounts)
	if d.Engine == db.SQLite {
		a.Metrics.WatchSQL("write", d.WriteDB())
		a.Metrics.WatchSQL("read", d.ReadDB())
	} else {
		a.Metrics.WatchSQL("main", d.WriteDB())
	}
	if p := a.Jobs.Pool(); p != nil {
		a.Metrics.WatchPgxPool("jobs_listener", p)
	}
	a.GenerationJobs.Attach(a.Jobs)
	a.Publishing.Attach(a.Jobs)
	a.ReportDownloads.Attach(a.Jobs)
	a.maintenance.prune = []func(context.Context) error{a.Users.PruneSignInAttempts, a.Jobs.PruneFinished}
	return a, nil
}

// Server builds the HTTP server with every slice's operations. The role
// check is installed first: huma binds middleware when an operation is
// registered.
func (a *App) Server() *server.Server {
	srv := server.New(server.Config{Addr: a.Opts.Addr, Version: a.Opts.Version, Logger: a.Log, Ready: a.DB.Ping,
		Wrap:        []func(http.Handler) http.Handler{a.Auth.Sessions},
		MetricsAddr: a.Opts.MetricsAddr, MetricsToken: a.Opts.MetricsToken, Metrics: a.Metrics,
		MetricsGuard: func(h http.Handler) http.Handler { return a.Auth.RequireRole(auth.Admin, h) }})
	a.Auth.Install(srv.API)
	a.Auth.RegisterRoutes(srv.API)
	a.Jobs.RegisterRoutes(srv.API)
	a.GenerationJobs.RegisterRoutes(srv.API)
	campaigns.RegisterRoutes(srv.API, a.Campaigns)
	generation.RegisterRoutes(srv.API, a.Generation)
	publishing.RegisterRoutes(srv.API, a.Publishing)
	publishing.RegisterEditorRoutes(srv.API, a.Editor)
	reporting.RegisterRoutes(srv.API, a.Reports)
	a.ReportDownloads.RegisterRoutes(srv.API)
	assets.RegisterRoutes(srv.API, a.Assets)
	assets.RegisterValidateRoutes(srv.API, a.Campaigns.BrandSpellings)
	// River's own UI for the job queue, for admins.
	if ui, err := a.Jobs.AdminUI(); err != nil {
		a.Log.Error("job queue UI unavailable", "err", err)
	} else {
		guarded := a.Auth.RequireRole(auth.Admin, ui)
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
			srv.Mux().Handle(m+" "+jobs.AdminUIPath+"/", guarded)
		}
		srv.Mux().Handle("GET "+jobs.AdminUIPath, http.RedirectHandler(jobs.AdminUIPath+"/", http.StatusMovedPermanently))
	}
	// The web app answers every path the API, /docs and /metrics do not.
	srv.Mux().Handle("GET /", webui.Handler())
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
	return applied, jobs.Migrate(ctx, d)
}
