package main

import (
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/imaphub/imaphub/internal/domain/reporting"
	"github.com/imaphub/imaphub/internal/platform/ai"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/auth/authapi"
	"github.com/imaphub/imaphub/internal/platform/googleads"
	"github.com/imaphub/imaphub/internal/platform/jobs"
)

// Config is the process configuration, from IMAPHUB_* variables.
type Config struct {
	Addr        string // IMAPHUB_ADDR, default 127.0.0.1:8080
	DataDir     string // IMAPHUB_DATA_DIR, default ./data
	DatabaseURL string // IMAPHUB_DATABASE_URL, empty = SQLite in the data dir
	LogLevel    slog.Level
	LogFormat   string // text or json

	Jobs          jobs.Config   // IMAPHUB_WORKERS, IMAPHUB_JOB_RESCUE_AFTER
	GenTimeout    time.Duration // IMAPHUB_GENERATION_TIMEOUT
	Auth          authapi.Config
	AdminEmail    string    // IMAPHUB_ADMIN_EMAIL: bootstrap admin on first start
	AdminPassword string    // IMAPHUB_ADMIN_PASSWORD
	MetricsAddr   string    // IMAPHUB_METRICS_ADDR: /metrics on a listener of its own
	MetricsToken  string    // IMAPHUB_METRICS_TOKEN: bearer token for /metrics
	PprofAddr     string    // IMAPHUB_PPROF_ADDR: Go profiling on a listener of its own
	LLM           ai.Config // IMAPHUB_LLM_*: the language model; none set is the offline writer
	// GoogleAds is IMAPHUB_GOOGLEADS_*: none set is "not connected".
	GoogleAds      googleads.Config
	PublishTimeout time.Duration // IMAPHUB_PUBLISH_TIMEOUT: one run of a publish or status job
	// ReportsLookbackDays is IMAPHUB_REPORTS_LOOKBACK_DAYS: the days before
	// yesterday the daily report download fetches again (late conversions).
	ReportsLookbackDays int
}

// loadConfig reads the configuration from the environment through the
// declared settings (settings.go).
func loadConfig() (Config, error) {
	vals, err := readSettings(os.LookupEnv, os.ReadFile)
	if err != nil {
		return Config{}, err
	}
	return configFrom(vals)
}

// configFrom turns checked values into the configuration and applies the
// rules between variables. Each value has passed its setting's Check, so a
// conversion here cannot fail on its own.
func configFrom(vals values) (Config, error) {
	var c Config
	var err error
	get := vals.get
	c.Addr = get("IMAPHUB_ADDR")
	c.DataDir = get("IMAPHUB_DATA_DIR")
	c.DatabaseURL = get("IMAPHUB_DATABASE_URL")
	c.LogFormat = get("IMAPHUB_LOG_FORMAT")
	c.Auth.Mode = get("IMAPHUB_AUTH_MODE")
	c.AdminEmail = get("IMAPHUB_ADMIN_EMAIL")
	c.AdminPassword = get("IMAPHUB_ADMIN_PASSWORD")
	c.MetricsAddr = get("IMAPHUB_METRICS_ADDR")
	c.MetricsToken = get("IMAPHUB_METRICS_TOKEN")
	c.PprofAddr = get("IMAPHUB_PPROF_ADDR")
	oidc := authapi.OIDCConfig{
		Issuer: get("IMAPHUB_OIDC_ISSUER"), ClientID: get("IMAPHUB_OIDC_CLIENT_ID"),
		ClientSecret: get("IMAPHUB_OIDC_CLIENT_SECRET"), RedirectURL: get("IMAPHUB_OIDC_REDIRECT_URL"),
		TenantID: get("IMAPHUB_OIDC_TENANT_ID"),
	}
	c.Jobs.Workers, _ = strconv.Atoi(get("IMAPHUB_WORKERS"))
	c.Jobs.RescueAfter, _ = time.ParseDuration(get("IMAPHUB_JOB_RESCUE_AFTER"))
	c.Auth.TokenLifetime, _ = time.ParseDuration(get("IMAPHUB_TOKEN_LIFETIME"))
	c.Auth.TrustedProxies, _ = parseCIDRList(get("IMAPHUB_TRUSTED_PROXIES"))
	_ = c.LogLevel.UnmarshalText([]byte(get("IMAPHUB_LOG_LEVEL")))
	if c.GenTimeout, err = jobTimeout("IMAPHUB_GENERATION_TIMEOUT", get("IMAPHUB_GENERATION_TIMEOUT"), c.Jobs.RescueAfter); err != nil {
		return c, err
	}
	if c.PublishTimeout, err = jobTimeout("IMAPHUB_PUBLISH_TIMEOUT", get("IMAPHUB_PUBLISH_TIMEOUT"), c.Jobs.RescueAfter); err != nil {
		return c, err
	}
	if c.ReportsLookbackDays, err = reporting.ParseLookbackDays(get("IMAPHUB_REPORTS_LOOKBACK_DAYS")); err != nil {
		return c, err
	}
	if err := c.authConfig(get("IMAPHUB_COOKIE_SECURE"), get("IMAPHUB_SESSION_IDLE_TIMEOUT"), get("IMAPHUB_SESSION_LIFETIME"),
		get("IMAPHUB_OIDC_ROLE_MAP"), get("IMAPHUB_OIDC_DEFAULT_ROLE"), oidc); err != nil {
		return c, err
	}
	if c.LLM, err = ai.ConfigFrom(vals.getenv); err != nil {
		return c, fmt.Errorf("language model: %w", err)
	}
	if c.GoogleAds, err = googleads.ConfigFromLookup(vals.lookupEnv); err != nil {
		return c, err
	}
	return c, nil
}

func (c Config) logger() *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

func (c *Config) authConfig(secure, idle, lifetime, roleMap, defaultRole string, oidc authapi.OIDCConfig) error {
	c.Auth.CookieSecure = secure == "true" || secure == "1"
	if !c.Auth.CookieSecure {
		// Plain-http cookies only for a server that nobody else can reach.
		host, _, err := net.SplitHostPort(c.Addr)
		ip := net.ParseIP(host)
		if err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
			return fmt.Errorf("IMAPHUB_COOKIE_SECURE=false is allowed only when IMAPHUB_ADDR is a loopback address, not %q", c.Addr)
		}
	}
	var err error
	c.Auth.IdleTimeout, _ = time.ParseDuration(idle)
	c.Auth.Lifetime, _ = time.ParseDuration(lifetime)
	if c.Auth.Mode == "oidc" {
		if _, ok := auth.ParseGUID(oidc.TenantID); !ok {
			return fmt.Errorf("IMAPHUB_OIDC_TENANT_ID=%q: required in oidc mode, the directory (tenant) id GUID of your Entra ID", oidc.TenantID)
		}
		if roleMap != "" {
			if oidc.RoleMap, err = authapi.ParseRoleMap(roleMap); err != nil {
				return fmt.Errorf("IMAPHUB_OIDC_ROLE_MAP: %w", err)
			}
		}
		if defaultRole != "" {
			if oidc.DefaultRole, err = auth.ParseRole(defaultRole); err != nil {
				return fmt.Errorf("IMAPHUB_OIDC_DEFAULT_ROLE: %w", err)
			}
		}
		c.Auth.OIDC = &oidc
	}
	return nil
}

// jobTimeout reads the limit of one run of a job kind. A run must end before
// the job would be rescued as stuck, so the limit is at most the rescue
// delay; unset, it is 10m or, with a shorter rescue delay, two thirds of it.
func jobTimeout(name, v string, rescueAfter time.Duration) (time.Duration, error) {
	if v == "" {
		return min(10*time.Minute, rescueAfter*2/3), nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q: want a duration such as 10m", name, v)
	}
	if d > rescueAfter {
		return 0, fmt.Errorf("%s=%q: must not be longer than IMAPHUB_JOB_RESCUE_AFTER (%s), or a running job would be rescued as stuck", name, v, rescueAfter)
	}
	return d, nil
}
