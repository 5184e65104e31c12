package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/imaphub/imaphub/internal/platform/ai"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/auth/authapi"
	"github.com/imaphub/imaphub/internal/platform/googleads"
	"github.com/imaphub/imaphub/internal/platform/jobs"
)

// env reads a setting; NAME_FILE, when set, names a file that holds it (for
// secrets mounted as files). A value given both ways is an error.
func env(name, def string) (string, error) {
	v, direct := os.LookupEnv(name)
	if path, ok := os.LookupEnv(name + "_FILE"); ok && path != "" {
		if direct && v != "" {
			return "", fmt.Errorf("%s and %s_FILE are both set; set one", name, name)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("%s_FILE: %w", name, err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	if !direct || v == "" {
		return def, nil
	}
	return v, nil
}

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
	LLM           ai.Config // IMAPHUB_LLM_*: the language model; none set is the offline writer
	// GoogleAds is IMAPHUB_GOOGLEADS_*: none set is "not connected".
	GoogleAds      googleads.Config
	PublishTimeout time.Duration // IMAPHUB_PUBLISH_TIMEOUT: one run of a publish or status job
}

func loadConfig() (Config, error) {
	var c Config
	var err error
	get := func(name, def string) string {
		if err != nil {
			return ""
		}
		var v string
		v, err = env(name, def)
		return v
	}
	c.Addr = get("IMAPHUB_ADDR", "127.0.0.1:8080")
	c.DataDir = get("IMAPHUB_DATA_DIR", "data")
	c.DatabaseURL = get("IMAPHUB_DATABASE_URL", "")
	level := get("IMAPHUB_LOG_LEVEL", "info")
	c.LogFormat = get("IMAPHUB_LOG_FORMAT", "text")
	workers := get("IMAPHUB_WORKERS", "2")
	rescue := get("IMAPHUB_JOB_RESCUE_AFTER", "15m")
	genTimeout := get("IMAPHUB_GENERATION_TIMEOUT", "")
	publishTimeout := get("IMAPHUB_PUBLISH_TIMEOUT", "")
	c.Auth.Mode = get("IMAPHUB_AUTH_MODE", "local")
	secure := get("IMAPHUB_COOKIE_SECURE", "true")
	idle := get("IMAPHUB_SESSION_IDLE_TIMEOUT", "8h")
	lifetime := get("IMAPHUB_SESSION_LIFETIME", "168h")
	c.AdminEmail = get("IMAPHUB_ADMIN_EMAIL", "")
	c.AdminPassword = get("IMAPHUB_ADMIN_PASSWORD", "")
	oidc := authapi.OIDCConfig{
		Issuer: get("IMAPHUB_OIDC_ISSUER", ""), ClientID: get("IMAPHUB_OIDC_CLIENT_ID", ""),
		ClientSecret: get("IMAPHUB_OIDC_CLIENT_SECRET", ""), RedirectURL: get("IMAPHUB_OIDC_REDIRECT_URL", ""),
		TenantID: get("IMAPHUB_OIDC_TENANT_ID", ""),
	}
	roleMap := get("IMAPHUB_OIDC_ROLE_MAP", "")
	defaultRole := get("IMAPHUB_OIDC_DEFAULT_ROLE", "")
	proxies := get("IMAPHUB_TRUSTED_PROXIES", "")
	tokenLifetime := get("IMAPHUB_TOKEN_LIFETIME", "2160h")
	c.MetricsAddr = get("IMAPHUB_METRICS_ADDR", "")
	c.MetricsToken = get("IMAPHUB_METRICS_TOKEN", "")
	if err != nil {
		return c, err
	}
	if c.Jobs.Workers, err = strconv.Atoi(workers); err != nil || c.Jobs.Workers < 0 {
		return c, fmt.Errorf("IMAPHUB_WORKERS=%q: want a whole number ≥ 0 (0: this process runs no jobs)", workers)
	}
	if c.Jobs.RescueAfter, err = time.ParseDuration(rescue); err != nil || c.Jobs.RescueAfter <= 0 {
		return c, fmt.Errorf("IMAPHUB_JOB_RESCUE_AFTER=%q: want a duration such as 15m", rescue)
	}
	if c.GenTimeout, err = jobTimeout("IMAPHUB_GENERATION_TIMEOUT", genTimeout, c.Jobs.RescueAfter); err != nil {
		return c, err
	}
	if c.PublishTimeout, err = jobTimeout("IMAPHUB_PUBLISH_TIMEOUT", publishTimeout, c.Jobs.RescueAfter); err != nil {
		return c, err
	}
	if err := c.authConfig(secure, idle, lifetime, roleMap, defaultRole, oidc); err != nil {
		return c, err
	}
	if c.Auth.TokenLifetime, err = time.ParseDuration(tokenLifetime); err != nil || c.Auth.TokenLifetime < time.Hour {
		return c, fmt.Errorf("IMAPHUB_TOKEN_LIFETIME=%q: want a duration of at least 1h, such as 2160h (90 days)", tokenLifetime)
	}
	for _, p := range strings.Split(proxies, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if !strings.Contains(p, "/") {
			if strings.Contains(p, ":") {
				p += "/128"
			} else {
				p += "/32"
			}
		}
		_, n, err := net.ParseCIDR(p)
		if err != nil {
			return c, fmt.Errorf("IMAPHUB_TRUSTED_PROXIES: %q is not an address or CIDR range", p)
		}
		c.Auth.TrustedProxies = append(c.Auth.TrustedProxies, n)
	}
	if err := c.LogLevel.UnmarshalText([]byte(level)); err != nil {
		return c, fmt.Errorf("IMAPHUB_LOG_LEVEL=%q: want debug, info, warn or error", level)
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			return c, fmt.Errorf("IMAPHUB_METRICS_ADDR=%q: want host:port, e.g. 127.0.0.1:9090", c.MetricsAddr)
		}
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		return c, errors.New("IMAPHUB_METRICS_TOKEN: want at least 16 characters (e.g. openssl rand -hex 32)")
	}
	if c.LLM, err = ai.ConfigFromEnv(); err != nil {
		return c, fmt.Errorf("language model: %w", err)
	}
	if c.GoogleAds, err = googleads.ConfigFromEnv(); err != nil {
		return c, err
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return c, fmt.Errorf("IMAPHUB_LOG_FORMAT=%q: want text or json", c.LogFormat)
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
	if c.Auth.Mode != "local" && c.Auth.Mode != "oidc" {
		return fmt.Errorf("IMAPHUB_AUTH_MODE=%q: want local or oidc", c.Auth.Mode)
	}
	switch secure {
	case "true", "1":
		c.Auth.CookieSecure = true
	case "false", "0":
		// Plain-http cookies only for a server that nobody else can reach.
		host, _, err := net.SplitHostPort(c.Addr)
		ip := net.ParseIP(host)
		if err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
			return fmt.Errorf("IMAPHUB_COOKIE_SECURE=false is allowed only when IMAPHUB_ADDR is a loopback address, not %q", c.Addr)
		}
	default:
		return fmt.Errorf("IMAPHUB_COOKIE_SECURE=%q: want true or false", secure)
	}
	var err error
	if c.Auth.IdleTimeout, err = time.ParseDuration(idle); err != nil || c.Auth.IdleTimeout <= 0 {
		return fmt.Errorf("IMAPHUB_SESSION_IDLE_TIMEOUT=%q: want a duration such as 8h", idle)
	}
	if c.Auth.Lifetime, err = time.ParseDuration(lifetime); err != nil || c.Auth.Lifetime <= 0 {
		return fmt.Errorf("IMAPHUB_SESSION_LIFETIME=%q: want a duration such as 168h", lifetime)
	}
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
