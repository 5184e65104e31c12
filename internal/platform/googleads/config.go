package googleads

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"
)

// Defaults of the settings.
const (
	DefaultAPIURL   = "https://googleads.googleapis.com"
	DefaultTokenURL = "https://oauth2.googleapis.com/token"
	// DefaultAPIVersion is the newest version whose protos this package was
	// checked against. Google retires versions about a year after release:
	// IMAPHUB_GOOGLEADS_API_VERSION moves it without a new build.
	DefaultAPIVersion  = "v25"
	DefaultCallTimeout = 2 * time.Minute
)

// The environment variables read by [ConfigFromEnv]. Each may also be given
// as NAME_FILE, the path of a file holding the value.
const (
	EnvAPIURL          = "IMAPHUB_GOOGLEADS_API_URL"
	EnvAPIVersion      = "IMAPHUB_GOOGLEADS_API_VERSION"
	EnvTokenURL        = "IMAPHUB_GOOGLEADS_TOKEN_URL"
	EnvClientID        = "IMAPHUB_GOOGLEADS_CLIENT_ID"
	EnvClientSecret    = "IMAPHUB_GOOGLEADS_CLIENT_SECRET"
	EnvRefreshToken    = "IMAPHUB_GOOGLEADS_REFRESH_TOKEN"
	EnvLoginCustomerID = "IMAPHUB_GOOGLEADS_LOGIN_CUSTOMER_ID"
	EnvDeveloperToken  = "IMAPHUB_GOOGLEADS_DEVELOPER_TOKEN"
	EnvCallTimeout     = "IMAPHUB_GOOGLEADS_CALL_TIMEOUT"
)

// Config is how to reach Google Ads. The zero value is "not connected".
type Config struct {
	// APIURL is the API host, default DefaultAPIURL.
	APIURL string
	// APIVersion is the path segment such as "v25", default DefaultAPIVersion.
	APIVersion string
	// TokenURL is the OAuth 2.0 token endpoint, default DefaultTokenURL.
	TokenURL string
	// ClientID and ClientSecret identify the OAuth client (Google Cloud
	// console → APIs & Services → Credentials). The secret is never logged.
	ClientID     string
	ClientSecret string
	// RefreshToken is the long-lived grant of a Google user who can reach the
	// accounts, for the scope https://www.googleapis.com/auth/adwords. Never
	// logged.
	RefreshToken string
	// LoginCustomerID is the manager account through which client accounts
	// are reached: ten digits, no dashes (dashes in the setting are
	// dropped). Empty: every call acts as the Google user directly.
	LoginCustomerID string
	// DeveloperToken is sent as the developer-token header when set. Google
	// stopped requiring it on 9 September 2026 (access levels now belong to
	// the Google Cloud project of the OAuth client); older setups still send
	// it. Never logged.
	DeveloperToken string
	// CallTimeout bounds one HTTP call (a page, a stream, a mutate), apart
	// from the caller's deadline, default DefaultCallTimeout.
	CallTimeout time.Duration
}

// required are the variables without which nothing can be called.
var required = []string{EnvClientID, EnvClientSecret, EnvRefreshToken}

// Missing names the required variables that are not set.
func (c Config) Missing() []string {
	var out []string
	for i, v := range []string{c.ClientID, c.ClientSecret, c.RefreshToken} {
		if v == "" {
			out = append(out, required[i])
		}
	}
	return out
}

// Connected reports whether every required credential is set.
func (c Config) Connected() bool { return len(c.Missing()) == 0 }

// String describes the config without its secrets.
func (c Config) String() string {
	return fmt.Sprintf("googleads{api=%s/%s token_url=%s client_id=%q login_customer_id=%q client_secret=%s refresh_token=%s developer_token=%s call_timeout=%s}",
		c.APIURL, c.APIVersion, c.TokenURL, c.ClientID, c.LoginCustomerID,
		setOrUnset(c.ClientSecret), setOrUnset(c.RefreshToken), setOrUnset(c.DeveloperToken), c.CallTimeout)
}

// LogValue keeps the secrets out of structured logs.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("api_url", c.APIURL),
		slog.String("api_version", c.APIVersion),
		slog.String("token_url", c.TokenURL),
		slog.String("client_id", c.ClientID),
		slog.String("login_customer_id", c.LoginCustomerID),
		slog.Bool("client_secret_set", c.ClientSecret != ""),
		slog.Bool("refresh_token_set", c.RefreshToken != ""),
		slog.Bool("developer_token_set", c.DeveloperToken != ""),
		slog.Duration("call_timeout", c.CallTimeout),
	)
}

func setOrUnset(s string) string {
	if s == "" {
		return "unset"
	}
	return "set"
}

// ErrNotConnected is matched (errors.Is) by every [NotConnectedError].
var ErrNotConnected = errors.New("Google Ads is not connected")

// NotConnectedError is the state without credentials: not a failure of the
// service, a setup step still to do.
type NotConnectedError struct {
	Missing []string // variable names
}

func (e *NotConnectedError) Error() string {
	return fmt.Sprintf("Google Ads is not connected: set %s (README, \"Connect Google Ads\")", strings.Join(e.Missing, ", "))
}

// Is makes errors.Is(err, ErrNotConnected) true.
func (e *NotConnectedError) Is(target error) bool { return target == ErrNotConnected }

// ConfigFromEnv reads the IMAPHUB_GOOGLEADS_* variables. Unset credentials
// are not an error (the config is then not [Config.Connected]); malformed
// values are, naming the variable.
func ConfigFromEnv() (Config, error) {
	return configFrom(os.LookupEnv, os.ReadFile)
}

// ConfigFromLookup is ConfigFromEnv reading through lookup, which has the shape
// of os.LookupEnv (the binary passes its declared settings, NAME_FILE
// resolved).
func ConfigFromLookup(lookup func(string) (string, bool)) (Config, error) {
	return configFrom(lookup, os.ReadFile)
}

var (
	versionPattern    = regexp.MustCompile(`^v[1-9][0-9]*$`)
	customerIDPattern = regexp.MustCompile(`^[0-9]{10}$`)
)

func configFrom(lookup func(string) (string, bool), readFile func(string) ([]byte, error)) (Config, error) {
	var firstErr error
	get := func(name, def string) string {
		v, _ := lookup(name)
		v = strings.TrimSpace(v)
		path, _ := lookup(name + "_FILE")
		path = strings.TrimSpace(path)
		if path != "" && firstErr == nil {
			if v != "" {
				firstErr = fmt.Errorf("googleads: %s and %s_FILE are both set; set one", name, name)
				return ""
			}
			raw, err := readFile(path)
			if err != nil {
				// The path is not secret; the content is never echoed.
				firstErr = fmt.Errorf("googleads: %s_FILE %s: %w", name, path, err)
				return ""
			}
			v = strings.TrimSpace(string(raw))
		}
		if v == "" {
			return def
		}
		return v
	}
	c := Config{
		APIURL:          get(EnvAPIURL, DefaultAPIURL),
		APIVersion:      get(EnvAPIVersion, DefaultAPIVersion),
		TokenURL:        get(EnvTokenURL, DefaultTokenURL),
		ClientID:        get(EnvClientID, ""),
		ClientSecret:    get(EnvClientSecret, ""),
		RefreshToken:    get(EnvRefreshToken, ""),
		LoginCustomerID: get(EnvLoginCustomerID, ""),
		DeveloperToken:  get(EnvDeveloperToken, ""),
	}
	timeout := get(EnvCallTimeout, DefaultCallTimeout.String())
	if firstErr != nil {
		return Config{}, firstErr
	}
	var err error
	if c.CallTimeout, err = time.ParseDuration(timeout); err != nil || c.CallTimeout <= 0 {
		return Config{}, fmt.Errorf("googleads: %s=%q: want a positive duration such as 2m", EnvCallTimeout, timeout)
	}
	if err := c.normalize(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// normalize fills defaults and checks the values that are not secrets.
func (c *Config) normalize() error {
	if c.APIURL == "" {
		c.APIURL = DefaultAPIURL
	}
	if c.APIVersion == "" {
		c.APIVersion = DefaultAPIVersion
	}
	if c.TokenURL == "" {
		c.TokenURL = DefaultTokenURL
	}
	if c.CallTimeout <= 0 {
		c.CallTimeout = DefaultCallTimeout
	}
	c.APIURL = strings.TrimRight(c.APIURL, "/")
	for _, u := range []struct{ name, value string }{{EnvAPIURL, c.APIURL}, {EnvTokenURL, c.TokenURL}} {
		p, err := url.Parse(u.value)
		if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			return fmt.Errorf("googleads: %s=%q: want an absolute http(s) URL", u.name, u.value)
		}
	}
	if !versionPattern.MatchString(c.APIVersion) {
		return fmt.Errorf("googleads: %s=%q: want a version such as %s", EnvAPIVersion, c.APIVersion, DefaultAPIVersion)
	}
	if c.LoginCustomerID != "" {
		id, err := NormalizeCustomerID(c.LoginCustomerID)
		if err != nil {
			return fmt.Errorf("googleads: %s: %w", EnvLoginCustomerID, err)
		}
		c.LoginCustomerID = id
	}
	return nil
}

// NormalizeCustomerID turns "123-456-7890" or "1234567890" into the ten
// digits the API wants, or says what is wrong.
func NormalizeCustomerID(s string) (string, error) {
	id := strings.ReplaceAll(strings.TrimSpace(s), "-", "")
	if !customerIDPattern.MatchString(id) {
		return "", fmt.Errorf("customer id %q: want ten digits such as 123-456-7890 (the number shown at the top of the Google Ads UI)", s)
	}
	return id, nil
}
