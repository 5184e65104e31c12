package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/imaphub/imaphub/internal/domain/reporting"
	"github.com/imaphub/imaphub/internal/platform/googleads"
)

// setting is one environment variable of the binary. The list [settings] is
// the only place one is declared: loadConfig reads every value through it
// (reading an undeclared name is a programming error and panics),
// `imaphub config check` prints it, and docs/configuration.md is generated
// from it (`go generate ./cmd/imaphub`; a test fails when the file is stale).
//
// To add a variable: append an entry here, read it in loadConfig with
// values.get, run `go generate ./cmd/imaphub` and commit docs/configuration.md.
type setting struct {
	Name string
	// Group is the heading the variable is listed under in the docs.
	Group string
	// Default is the value used when the variable is unset or empty.
	Default string
	// DefaultDoc describes a default that is computed (Default is then ""),
	// in plain text.
	DefaultDoc string
	// Help says what the variable does, in Markdown on one line.
	Help string
	// Secret values are never printed: config check says "set" or "not set".
	Secret bool
	// Check validates a set value on its own, naming what is wanted (the
	// caller adds the variable's name). Rules between variables are in
	// loadConfig. Nil: any value.
	Check func(string) error
	// Commands are the subcommands on which the variable has an effect.
	Commands []string
}

// Subcommands grouped by what they read.
var (
	// dbCommands open the database: they read the data dir, the database
	// URL and the log settings.
	dbCommands   = []string{"serve", "worker", "migrate", "demo", "users", "tokens", "publish", "reports", "backup", "restore", "export", "import"}
	jobCommands  = []string{"serve", "worker"}
	llmCommands  = []string{"serve", "worker", "generate"}
	adsCommands  = []string{"serve", "worker", "googleads", "publish", "reports"}
	httpCommands = []string{"serve"}
)

var settings = []setting{
	// Server and storage
	{Name: "IMAPHUB_ADDR", Group: groupServer, Default: "127.0.0.1:8080", Check: hostPort,
		Help: "listen address of the API and the web app", Commands: httpCommands},
	{Name: "IMAPHUB_DATA_DIR", Group: groupServer, Default: "data",
		Help: "SQLite file (`imaphub.db`) and image blobs (`blobs/sha256/…`)", Commands: dbCommands},
	{Name: "IMAPHUB_DATABASE_URL", Group: groupServer, Secret: true, Check: databaseURL,
		Help: "empty: SQLite in the data dir; `postgres://user:pass@host:5432/db` for PostgreSQL", Commands: dbCommands},
	{Name: "IMAPHUB_LOG_LEVEL", Group: groupServer, Default: "info", Check: logLevel,
		Help: "`debug`, `info`, `warn` or `error`", Commands: dbCommands},
	{Name: "IMAPHUB_LOG_FORMAT", Group: groupServer, Default: "text", Check: oneOf("text", "json"),
		Help: "`text` or `json`", Commands: dbCommands},
	{Name: "IMAPHUB_METRICS_ADDR", Group: groupServer, Check: hostPort,
		Help: "e.g. `127.0.0.1:9090`: serve `/metrics` on a listener of its own (and not on the API listener)", Commands: httpCommands},
	{Name: "IMAPHUB_METRICS_TOKEN", Group: groupServer, Secret: true, Check: minLength(16, "e.g. openssl rand -hex 32"),
		Help: "a bearer token (at least 16 characters) that may read `/metrics`; without it and without a listener of its own, `/metrics` is for admins (session or API token) only", Commands: httpCommands},
	{Name: "IMAPHUB_PPROF_ADDR", Group: groupServer, Check: hostPort,
		Help: "e.g. `127.0.0.1:6060`: Go profiling on its own listener", Commands: httpCommands},

	// Sign-in
	{Name: "IMAPHUB_AUTH_MODE", Group: groupAuth, Default: "local", Check: oneOf("local", "oidc"),
		Help: "`local` (email and password) or `oidc` (Microsoft Entra ID, see the README)", Commands: httpCommands},
	{Name: "IMAPHUB_ADMIN_EMAIL", Group: groupAuth,
		Help: "the admin created on first start (local mode; in oidc mode the email alone pre-creates the admin for the first Microsoft sign-in, bound when the ID token marks that email verified). Unset: `admin@imaphub.local` with a generated password printed once", Commands: httpCommands},
	{Name: "IMAPHUB_ADMIN_PASSWORD", Group: groupAuth, Secret: true,
		Help: "the password of that admin (local mode)", Commands: httpCommands},
	{Name: "IMAPHUB_COOKIE_SECURE", Group: groupAuth, Default: "true", Check: oneOf("true", "false", "1", "0"),
		Help: "`false` only allowed when `IMAPHUB_ADDR` is a loopback address", Commands: httpCommands},
	{Name: "IMAPHUB_SESSION_IDLE_TIMEOUT", Group: groupAuth, Default: "8h", Check: duration(time.Nanosecond, "8h"),
		Help: "a session unused this long ends", Commands: httpCommands},
	{Name: "IMAPHUB_SESSION_LIFETIME", Group: groupAuth, Default: "168h", Check: duration(time.Nanosecond, "168h"),
		Help: "every session ends this long after sign-in", Commands: httpCommands},
	{Name: "IMAPHUB_TOKEN_LIFETIME", Group: groupAuth, Default: "2160h", Check: duration(time.Hour, "2160h (90 days)"),
		Help: "API tokens expire this long after creation (90 days); also the longest `expires_at` a token may ask for (at least `1h`)", Commands: []string{"serve", "tokens"}},
	{Name: "IMAPHUB_TRUSTED_PROXIES", Group: groupAuth, Check: cidrList,
		Help: "reverse proxies (addresses or CIDR ranges, comma-separated) whose `X-Forwarded-For` names the client for the sign-in rate limit", Commands: httpCommands},
	{Name: "IMAPHUB_OIDC_ISSUER", Group: groupAuth, Check: absoluteURL,
		Help: "e.g. `https://login.microsoftonline.com/<tenant-id>/v2.0`", Commands: httpCommands},
	{Name: "IMAPHUB_OIDC_CLIENT_ID", Group: groupAuth,
		Help: "the app registration's client id", Commands: httpCommands},
	{Name: "IMAPHUB_OIDC_CLIENT_SECRET", Group: groupAuth, Secret: true,
		Help: "the app registration's client secret", Commands: httpCommands},
	{Name: "IMAPHUB_OIDC_REDIRECT_URL", Group: groupAuth, Check: absoluteURL,
		Help: "`https://<your host>/api/auth/oidc/callback`", Commands: httpCommands},
	{Name: "IMAPHUB_OIDC_TENANT_ID", Group: groupAuth,
		Help: "required in oidc mode: the directory (tenant) id; ID tokens must carry it as `tid`", Commands: httpCommands},
	{Name: "IMAPHUB_OIDC_ROLE_MAP", Group: groupAuth, DefaultDoc: "see the README",
		Help: "app role values to our roles, `ImapHub.Admin=admin,ImapHub.Editor=editor`", Commands: httpCommands},
	{Name: "IMAPHUB_OIDC_DEFAULT_ROLE", Group: groupAuth,
		Help: "role for users whose token has no mapped role; empty refuses them", Commands: httpCommands},

	// Jobs
	{Name: "IMAPHUB_WORKERS", Group: groupJobs, Default: "2", Check: wholeNumber(0, -1, "0: this process runs no jobs"),
		Help: "jobs this process runs at once; `0` on `serve` leaves jobs to `imaphub worker`", Commands: jobCommands},
	{Name: "IMAPHUB_JOB_RESCUE_AFTER", Group: groupJobs, Default: "15m", Check: duration(time.Nanosecond, "15m"),
		Help: "a job running this long is assumed dead (killed worker) and run again", Commands: []string{"serve", "worker", "publish"}},
	{Name: "IMAPHUB_GENERATION_TIMEOUT", Group: groupJobs, DefaultDoc: "10m, at most ⅔ of the rescue time", Check: duration(time.Nanosecond, "10m"),
		Help: "limit of one generation run; not longer than the rescue time", Commands: jobCommands},
	{Name: "IMAPHUB_PUBLISH_TIMEOUT", Group: groupJobs, DefaultDoc: "10m, at most ⅔ of the rescue time", Check: duration(time.Nanosecond, "10m"),
		Help: "limit of one run of a publish or status job; not longer than the rescue time (a run cut by it is run again and sends only what is missing)", Commands: []string{"serve", "worker", "publish"}},
	{Name: "IMAPHUB_REPORTS_LOOKBACK_DAYS", Group: groupJobs, Default: strconv.Itoa(reporting.DefaultLookbackDays),
		Help: "days before yesterday that the daily report download fetches again, for conversions Google records late (0–90)", Commands: []string{"serve", "worker", "reports"}},

	// Language model
	{Name: "IMAPHUB_LLM_BASE_URL", Group: groupLLM, Check: absoluteURL,
		Help: "an OpenAI-compatible endpoint (OpenAI, Azure OpenAI, a LiteLLM proxy, Ollama, vLLM), e.g. `http://litellm:4000/v1`; empty with an API key: api.openai.com", Commands: llmCommands},
	{Name: "IMAPHUB_LLM_API_KEY", Group: groupLLM, Secret: true,
		Help: "the key sent to that endpoint", Commands: llmCommands},
	{Name: "IMAPHUB_LLM_MODEL", Group: groupLLM,
		Help: "the model name; none of base URL, key and model set: the offline provider, labelled `offline`", Commands: llmCommands},
	{Name: "IMAPHUB_LLM_MODE", Group: groupLLM, Default: "json_schema",
		Help: "`json_schema`, `tools`, `json` or `prompt` (see docs/ai-loop.md)", Commands: llmCommands},
	{Name: "IMAPHUB_LLM_CALL_TIMEOUT", Group: groupLLM, Default: "60s",
		Help: "limit of one model call, besides the run's: a call without an answer by then is cut and tried again while the run has time", Commands: llmCommands},

	// Google Ads
	{Name: googleads.EnvClientID, Group: groupAds,
		Help: "the OAuth client of the Google Cloud project (README, \"Connect Google Ads\"); client id, secret and refresh token all unset: Google Ads is not connected", Commands: adsCommands},
	{Name: googleads.EnvClientSecret, Group: groupAds, Secret: true,
		Help: "the OAuth client's secret", Commands: adsCommands},
	{Name: googleads.EnvRefreshToken, Group: groupAds, Secret: true,
		Help: "the refresh token of a Google user who reaches the accounts, for the scope `https://www.googleapis.com/auth/adwords`", Commands: adsCommands},
	{Name: googleads.EnvLoginCustomerID, Group: groupAds,
		Help: "the manager account through which client accounts are called, ten digits (`123-456-7890` is read as `1234567890`); empty: accounts are called as the user directly", Commands: adsCommands},
	{Name: googleads.EnvDeveloperToken, Group: groupAds, Secret: true,
		Help: "sent as the `developer-token` header when set; Google ignores it since 9 September 2026 (older API versions require it)", Commands: adsCommands},
	{Name: googleads.EnvAPIVersion, Group: groupAds, Default: googleads.DefaultAPIVersion,
		Help: "the API version in every URL; move it when Google retires a version", Commands: adsCommands},
	{Name: googleads.EnvAPIURL, Group: groupAds, Default: googleads.DefaultAPIURL,
		Help: "the API host (a local fake in tests)", Commands: adsCommands},
	{Name: googleads.EnvTokenURL, Group: groupAds, Default: googleads.DefaultTokenURL,
		Help: "the OAuth 2.0 token endpoint", Commands: adsCommands},
	{Name: googleads.EnvCallTimeout, Group: groupAds, Default: "2m",
		Help: "limit of one Google Ads call (a page, a stream, a mutate); a mutate without an answer by then has an unknown outcome and is not sent again", Commands: adsCommands},

	// Traces: the OpenTelemetry SDK's standard variables; declared here so
	// they are documented and shown by config check (internal/platform/telemetry
	// reads them and names the variable in its errors).
	{Name: "OTEL_EXPORTER_OTLP_ENDPOINT", Group: groupTraces, DefaultDoc: "unset: no traces",
		Help: "OTLP/HTTP collector, e.g. `http://otel-collector:4318`: traces of requests, jobs, model and Google Ads calls are sent there (headers for it, e.g. an API key, in `OTEL_EXPORTER_OTLP_HEADERS`, read by the tracer only and never printed)", Commands: jobCommands},
	{Name: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", Group: groupTraces,
		Help: "the traces URL itself (e.g. `http://otel-collector:4318/v1/traces`), instead of the endpoint above", Commands: jobCommands},
	{Name: "OTEL_EXPORTER_OTLP_PROTOCOL", Group: groupTraces, Default: "http/protobuf", Check: oneOf("http/protobuf"),
		Help: "only `http/protobuf` (the binary carries no gRPC)", Commands: jobCommands},
	{Name: "OTEL_EXPORTER_OTLP_TIMEOUT", Group: groupTraces, Default: "10000",
		Help: "milliseconds one export may take", Commands: jobCommands},
	{Name: "OTEL_SERVICE_NAME", Group: groupTraces, Default: "imaphub",
		Help: "the service name on every span", Commands: jobCommands},
	{Name: "OTEL_SDK_DISABLED", Group: groupTraces,
		Help: "`true` turns tracing off even with an endpoint set", Commands: jobCommands},
}

// The headings of the docs, in this order.
const (
	groupServer = "Server, storage and logs"
	groupAuth   = "Sign-in"
	groupJobs   = "Background jobs"
	groupLLM    = "Language model"
	groupAds    = "Google Ads"
	groupTraces = "Traces (OpenTelemetry)"
)

var groups = []string{groupServer, groupAuth, groupJobs, groupLLM, groupAds, groupTraces}

// lookupSetting finds a declared setting by name.
func lookupSetting(name string) (setting, bool) {
	for _, s := range settings {
		if s.Name == name {
			return s, true
		}
	}
	return setting{}, false
}

// Checks shared by several settings. Each says what is wanted; the caller
// names the variable.

func oneOf(allowed ...string) func(string) error {
	return func(v string) error {
		for _, a := range allowed {
			if v == a {
				return nil
			}
		}
		return fmt.Errorf("want %s", orList(allowed))
	}
}

func orList(s []string) string {
	if len(s) == 1 {
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// duration wants a duration of at least least, e.g. example.
func duration(least time.Duration, example string) func(string) error {
	return func(v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < least {
			if least > time.Nanosecond {
				return fmt.Errorf("want a duration of at least %s, such as %s", least, example)
			}
			return fmt.Errorf("want a duration such as %s", example)
		}
		return nil
	}
}

// wholeNumber wants an integer from least to most (most < 0: no limit).
func wholeNumber(least, most int, note string) func(string) error {
	return func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < least || (most >= 0 && n > most) {
			if most >= 0 {
				return fmt.Errorf("want a whole number from %d to %d (%s)", least, most, note)
			}
			return fmt.Errorf("want a whole number ≥ %d (%s)", least, note)
		}
		return nil
	}
}

// logLevel takes what slog does (any case, also "info+2"); the docs name the
// four levels.
func logLevel(v string) error {
	var l slog.Level
	if l.UnmarshalText([]byte(v)) != nil {
		return errors.New("want debug, info, warn or error")
	}
	return nil
}

func hostPort(v string) error {
	if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
		return errors.New("want host:port, e.g. 127.0.0.1:9090 or :8080")
	}
	return nil
}

func absoluteURL(v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return errors.New("want an absolute http(s) URL")
	}
	return nil
}

// databaseURL wants a PostgreSQL URL. Its value is a secret: the message
// never repeats it.
func databaseURL(v string) error {
	if !strings.HasPrefix(v, "postgres://") && !strings.HasPrefix(v, "postgresql://") {
		return errors.New("want postgres://user:password@host:5432/database (empty: SQLite in IMAPHUB_DATA_DIR)")
	}
	return nil
}

func minLength(n int, hint string) func(string) error {
	return func(v string) error {
		if len(v) < n {
			return fmt.Errorf("want at least %d characters (%s)", n, hint)
		}
		return nil
	}
}

// parseCIDRList reads addresses and CIDR ranges, comma-separated; a bare
// address is a range of one.
func parseCIDRList(v string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, p := range strings.Split(v, ",") {
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
			return nil, fmt.Errorf("%q is not an address or CIDR range", p)
		}
		out = append(out, n)
	}
	return out, nil
}

func cidrList(v string) error {
	_, err := parseCIDRList(v)
	return err
}

// values are the settings as read from the environment, defaults applied.
type values struct {
	byName map[string]value
}

type value struct {
	v string
	// from is "default", "environment" or "file PATH".
	from string
}

// readSettings reads every declared setting. NAME_FILE, when set, names a
// file that holds the value (for secrets mounted as files; trailing line
// breaks are dropped); setting both is an error. An empty value is unset. Every
// set value is checked; the error names each variable that is wrong and why,
// never a secret's value.
func readSettings(lookup func(string) (string, bool), readFile func(string) ([]byte, error)) (values, error) {
	return readGroup("", lookup, readFile)
}

// readGroup is readSettings for the settings of one group only ("" all),
// for commands that need no more (generate, googleads check): a mistake in
// another group does not stop them.
func readGroup(group string, lookup func(string) (string, bool), readFile func(string) ([]byte, error)) (values, error) {
	vals := values{byName: make(map[string]value, len(settings))}
	var errs []error
	for _, s := range settings {
		if group != "" && s.Group != group {
			continue
		}
		v, _ := lookup(s.Name)
		from := "environment"
		if path, _ := lookup(s.Name + "_FILE"); path != "" {
			if v != "" {
				errs = append(errs, fmt.Errorf("%s and %s_FILE are both set; set one", s.Name, s.Name))
				continue
			}
			b, err := readFile(path)
			if err != nil {
				// The path is not secret; the content is never echoed.
				errs = append(errs, fmt.Errorf("%s_FILE: %w", s.Name, err))
				continue
			}
			v, from = strings.TrimRight(string(b), "\r\n"), "file "+path
		}
		if v == "" {
			vals.byName[s.Name] = value{v: s.Default, from: "default"}
			continue
		}
		if s.Check != nil {
			if err := s.Check(v); err != nil {
				if s.Secret {
					errs = append(errs, fmt.Errorf("%s: %w", s.Name, err))
				} else {
					errs = append(errs, fmt.Errorf("%s=%q: %w", s.Name, v, err))
				}
				continue
			}
		}
		vals.byName[s.Name] = value{v: v, from: from}
	}
	return vals, errors.Join(errs...)
}

// get is the value of a declared setting. Reading a name that is not in
// [settings] is a bug in this program, not bad input.
func (vals values) get(name string) string {
	if _, ok := lookupSetting(name); !ok {
		panic("config: " + name + " is read but not declared in settings (cmd/imaphub/settings.go)")
	}
	return vals.byName[name].v
}

// getenv is get in the shape of os.Getenv, for the packages that read their
// own group of settings (ai, googleads). NAME_FILE is already resolved.
func (vals values) getenv(name string) string {
	if base, ok := strings.CutSuffix(name, "_FILE"); ok {
		if _, declared := lookupSetting(base); declared {
			return ""
		}
	}
	return vals.get(name)
}

// lookupEnv is getenv in the shape of os.LookupEnv.
func (vals values) lookupEnv(name string) (string, bool) {
	v := vals.getenv(name)
	return v, v != ""
}
