package ai

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"
)

// Mode is how the structured answer is requested from an OpenAI-compatible
// server. Servers differ in what they support, so it is configuration.
type Mode string

const (
	// ModeJSONSchema uses response_format json_schema with strict: true
	// (OpenAI, Azure OpenAI, LiteLLM, recent vLLM and Ollama).
	ModeJSONSchema Mode = "json_schema"
	// ModeTools forces one strict function call whose arguments are the
	// answer; for servers that do tool calling but not json_schema.
	ModeTools Mode = "tools"
	// ModeJSON writes the schema into the prompt and sets
	// response_format json_object.
	ModeJSON Mode = "json"
	// ModePrompt writes the schema into the prompt and sets no
	// response_format; for servers that support neither.
	ModePrompt Mode = "prompt"
)

// Config selects and configures an OpenAI-compatible provider.
type Config struct {
	BaseURL string // e.g. http://litellm:4000/v1; empty means api.openai.com
	APIKey  string // never logged: String and LogValue redact it
	Model   string
	Mode    Mode // default ModeJSONSchema
	// CallTimeout bounds one model call, apart from the run's deadline: a
	// call that has not answered by then is cut and retried like a broken
	// connection, while the run's budget allows. Default DefaultCallTimeout.
	CallTimeout time.Duration
}

// DefaultCallTimeout is the per-call timeout when none is configured.
const DefaultCallTimeout = 60 * time.Second

// Configured reports whether a real provider is set up. When it is not, the
// application uses its offline provider.
func (c Config) Configured() bool { return c.Model != "" }

// String describes the config without the key.
func (c Config) String() string {
	key := "unset"
	if c.APIKey != "" {
		key = "set"
	}
	return fmt.Sprintf("llm{base_url=%q model=%q mode=%s call_timeout=%s api_key=%s}", c.BaseURL, c.Model, c.Mode, c.CallTimeout, key)
}

// LogValue keeps the key out of structured logs.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("base_url", c.BaseURL),
		slog.String("model", c.Model),
		slog.String("mode", string(c.Mode)),
		slog.Duration("call_timeout", c.CallTimeout),
		slog.Bool("api_key_set", c.APIKey != ""),
	)
}

// ConfigFromEnv reads IMAPHUB_LLM_BASE_URL, IMAPHUB_LLM_API_KEY,
// IMAPHUB_LLM_MODEL, IMAPHUB_LLM_MODE and IMAPHUB_LLM_CALL_TIMEOUT (a
// duration, default 60s), each also as NAME_FILE.
// All unset is valid and means "use the offline
// provider"; a base URL or key without a model is an error, since it shows
// an intent to use a real provider that would otherwise be silently ignored.
func ConfigFromEnv() (Config, error) {
	return configFrom(os.Getenv, os.ReadFile)
}

// ConfigFrom is ConfigFromEnv reading through getenv, which has the shape
// of os.Getenv (the binary passes its declared settings, NAME_FILE resolved).
func ConfigFrom(getenv func(string) string) (Config, error) {
	return configFrom(getenv, os.ReadFile)
}

func configFrom(lookup func(string) string, readFile func(string) ([]byte, error)) (Config, error) {
	// Every variable may be given as NAME_FILE, the path of a file holding
	// it (secrets mounted as files); both at once is an error.
	var fileErr error
	getenv := func(name string) string {
		v := strings.TrimSpace(lookup(name))
		path := strings.TrimSpace(lookup(name + "_FILE"))
		if path == "" || fileErr != nil {
			return v
		}
		if v != "" {
			fileErr = fmt.Errorf("ai: set %s or %s_FILE, not both", name, name)
			return ""
		}
		raw, err := readFile(path)
		if err != nil {
			// The path is not secret; the content is never echoed.
			fileErr = fmt.Errorf("ai: read %s_FILE %s: %w", name, path, err)
			return ""
		}
		return strings.TrimSpace(string(raw))
	}
	c := Config{
		BaseURL: getenv("IMAPHUB_LLM_BASE_URL"),
		APIKey:  getenv("IMAPHUB_LLM_API_KEY"),
		Model:   getenv("IMAPHUB_LLM_MODEL"),
		Mode:    Mode(getenv("IMAPHUB_LLM_MODE")),
	}
	callTimeout := getenv("IMAPHUB_LLM_CALL_TIMEOUT")
	if fileErr != nil {
		return Config{}, fileErr
	}
	if c.Mode == "" {
		c.Mode = ModeJSONSchema
	}
	c.CallTimeout = DefaultCallTimeout
	if v := callTimeout; v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return Config{}, fmt.Errorf("ai: IMAPHUB_LLM_CALL_TIMEOUT %q: want a positive duration such as 60s or 2m", v)
		}
		c.CallTimeout = d
	}
	switch c.Mode {
	case ModeJSONSchema, ModeTools, ModeJSON, ModePrompt:
	default:
		return Config{}, fmt.Errorf("ai: IMAPHUB_LLM_MODE %q: want json_schema, tools, json or prompt", c.Mode)
	}
	if c.Model == "" && (c.BaseURL != "" || c.APIKey != "") {
		return Config{}, errors.New("ai: IMAPHUB_LLM_MODEL is required when IMAPHUB_LLM_BASE_URL or an API key is set")
	}
	if c.Model != "" && c.BaseURL == "" && c.APIKey == "" {
		// Without either, every call would go to api.openai.com and fail 401.
		return Config{}, errors.New("ai: IMAPHUB_LLM_MODEL is set but neither IMAPHUB_LLM_BASE_URL nor an API key is")
	}
	return c, nil
}

// Select returns the configured OpenAI-compatible provider, or offline when
// none is configured.
func Select(c Config, offline Provider) Provider {
	if !c.Configured() {
		return offline
	}
	return NewOpenAI(c)
}
