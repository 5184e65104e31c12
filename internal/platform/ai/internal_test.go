package ai

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestExtractObject(t *testing.T) {
	tests := []struct {
		name      string
		raw       string
		want      string // members re-encoded, "" when an error is expected
		truncated bool
	}{
		{"plain", `{"a":["x","y"]}`, `{"a":["x","y"]}`, false},
		{"fenced with prose", "Here:\n```json\n{\"a\": [\"x\"]}\n```\nBye", `{"a":["x"]}`, false},
		{"prose around", `Sure! {"a": ["x"]} Anything else?`, `{"a":["x"]}`, false},
		{"trailing commas", `{"a": ["x", "y",], "b": [],}`, `{"a":["x","y"],"b":[]}`, false},
		{"braces inside strings", `{"a": ["{not} [json", "q\"}"]}`, `{"a":["{not} [json","q\"}"]}`, false},
		{"cut inside a string", `{"a": ["x", "y"], "b": ["long te`, `{"a":["x","y"]}`, true},
		{"cut after a comma", `{"a": ["x", "y",`, `{"a":["x","y"]}`, true},
		{"cut after a key", `{"a": ["x"], "b"`, `{"a":["x"]}`, true},
		{"cut before any value", `{"a": [`, `{}`, true},
		{"cut in the second list", `{"a": ["x"], "b": ["y", "z`, `{"a":["x"],"b":["y"]}`, true},
		{"no object", `I cannot help with that.`, "", false},
		{"double comma", `{"a": ["x",, "y"]}`, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			members, truncated, err := extractObject(tt.raw)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("want an error, got %v", members)
				}
				return
			}
			if err != nil {
				t.Fatalf("extractObject: %v", err)
			}
			got, _ := json.Marshal(members)
			var g, w any
			_ = json.Unmarshal(got, &g)
			_ = json.Unmarshal([]byte(tt.want), &w)
			if !reflect.DeepEqual(g, w) || truncated != tt.truncated {
				t.Errorf("got %s truncated=%v, want %s truncated=%v", got, truncated, tt.want, tt.truncated)
			}
		})
	}
}

func TestDecodeStrings(t *testing.T) {
	items, bad, err := decodeStrings(json.RawMessage(`["a", 3, {"text":"b"}, "c"]`))
	if err != nil || !reflect.DeepEqual(items, []string{"a", "", "", "c"}) || !reflect.DeepEqual(bad, []int{1, 2}) {
		t.Errorf("items %q bad %v err %v", items, bad, err)
	}
	items, _, err = decodeStrings(json.RawMessage(`"only one"`))
	if err != nil || !reflect.DeepEqual(items, []string{"only one"}) {
		t.Errorf("bare string: %q %v", items, err)
	}
	if _, _, err := decodeStrings(json.RawMessage(`{"x":1}`)); err == nil {
		t.Error("an object is not a list")
	}
}

type inner struct {
	Text  string  `json:"text"`
	Score float64 `json:"score"`
}

type Base struct {
	ID int `json:"id"`
}

type target struct {
	Base
	Headlines []string `json:"headlines" desc:"Ad headlines"`
	Note      *string  `json:"note,omitempty"`
	Inner     *inner   `json:"inner"`
	Tags      [2]bool  `json:"tags"`
	Skipped   string   `json:"-"`
	private   string
}

func TestSchemaOfIsTheStrictSubset(t *testing.T) {
	s, err := SchemaOf(reflect.TypeFor[target]())
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"object","properties":{` +
		`"id":{"type":"integer"},` +
		`"headlines":{"type":"array","description":"Ad headlines","items":{"type":"string"}},` +
		`"note":{"type":["string","null"]},` +
		`"inner":{"anyOf":[{"type":"object","properties":{"text":{"type":"string"},"score":{"type":"number"}},"required":["text","score"],"additionalProperties":false},{"type":"null"}]},` +
		`"tags":{"type":"array","items":{"type":"boolean"}}` +
		`},"required":["id","headlines","note","inner","tags"],"additionalProperties":false}`
	if string(got) != want {
		t.Errorf("schema\n got %s\nwant %s", got, want)
	}
	if !json.Valid(got) {
		t.Error("schema is not valid JSON")
	}
}

type recursive struct {
	Next []recursive `json:"next"`
}

func TestSchemaOfRejectsWhatStrictModeCannotSay(t *testing.T) {
	for _, typ := range []reflect.Type{
		reflect.TypeFor[string](),
		reflect.TypeFor[struct{ M map[string]string }](),
		reflect.TypeFor[struct{ A any }](),
		reflect.TypeFor[recursive](),
	} {
		if _, err := SchemaOf(typ); err == nil {
			t.Errorf("%s: want an error", typ)
		}
	}
}

func TestConfigFromEnv(t *testing.T) {
	files := map[string]string{"/run/secrets/llm": "sk-from-file\n", "/run/config/url": "http://litellm:4000/v1\n", "/run/config/model": "gpt-4o-mini"}
	readFile := func(p string) ([]byte, error) {
		if v, ok := files[p]; ok {
			return []byte(v), nil
		}
		return nil, fs.ErrNotExist
	}
	tests := []struct {
		name    string
		env     map[string]string
		want    Config
		wantErr string
	}{
		{"nothing set means offline", nil, Config{Mode: ModeJSONSchema, CallTimeout: time.Minute}, ""},
		{"litellm", map[string]string{"IMAPHUB_LLM_BASE_URL": "http://litellm:4000/v1", "IMAPHUB_LLM_API_KEY": "sk-1", "IMAPHUB_LLM_MODEL": "gpt-4o-mini", "IMAPHUB_LLM_MODE": "tools", "IMAPHUB_LLM_CALL_TIMEOUT": "90s"},
			Config{BaseURL: "http://litellm:4000/v1", APIKey: "sk-1", Model: "gpt-4o-mini", Mode: ModeTools, CallTimeout: 90 * time.Second}, ""},
		{"key from file", map[string]string{"IMAPHUB_LLM_API_KEY_FILE": "/run/secrets/llm", "IMAPHUB_LLM_MODEL": "m"},
			Config{APIKey: "sk-from-file", Model: "m", Mode: ModeJSONSchema, CallTimeout: time.Minute}, ""},
		{"every variable from a file", map[string]string{"IMAPHUB_LLM_BASE_URL_FILE": "/run/config/url", "IMAPHUB_LLM_MODEL_FILE": "/run/config/model", "IMAPHUB_LLM_API_KEY_FILE": "/run/secrets/llm"},
			Config{BaseURL: "http://litellm:4000/v1", APIKey: "sk-from-file", Model: "gpt-4o-mini", Mode: ModeJSONSchema, CallTimeout: time.Minute}, ""},
		{"model and model file", map[string]string{"IMAPHUB_LLM_MODEL": "m", "IMAPHUB_LLM_MODEL_FILE": "/run/config/model", "IMAPHUB_LLM_API_KEY": "k"}, Config{}, "IMAPHUB_LLM_MODEL or IMAPHUB_LLM_MODEL_FILE"},
		{"call timeout not a duration", map[string]string{"IMAPHUB_LLM_MODEL": "m", "IMAPHUB_LLM_API_KEY": "k", "IMAPHUB_LLM_CALL_TIMEOUT": "60"}, Config{}, "IMAPHUB_LLM_CALL_TIMEOUT"},
		{"call timeout zero", map[string]string{"IMAPHUB_LLM_CALL_TIMEOUT": "0s"}, Config{}, "IMAPHUB_LLM_CALL_TIMEOUT"},
		{"missing key file", map[string]string{"IMAPHUB_LLM_API_KEY_FILE": "/nope", "IMAPHUB_LLM_MODEL": "m"}, Config{}, "/nope"},
		{"key and key file", map[string]string{"IMAPHUB_LLM_API_KEY": "a", "IMAPHUB_LLM_API_KEY_FILE": "/run/secrets/llm", "IMAPHUB_LLM_MODEL": "m"}, Config{}, "not both"},
		{"url without model", map[string]string{"IMAPHUB_LLM_BASE_URL": "http://ollama:11434/v1"}, Config{}, "IMAPHUB_LLM_MODEL is required"},
		{"model alone", map[string]string{"IMAPHUB_LLM_MODEL": "gpt-4o-mini"}, Config{}, "neither"},
		{"bad mode", map[string]string{"IMAPHUB_LLM_MODEL": "m", "IMAPHUB_LLM_API_KEY": "k", "IMAPHUB_LLM_MODE": "yaml"}, Config{}, "IMAPHUB_LLM_MODE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := configFrom(func(k string) string { return tt.env[k] }, readFile)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
	if _, err := configFrom(func(k string) string {
		return map[string]string{"IMAPHUB_LLM_API_KEY_FILE": "/nope", "IMAPHUB_LLM_MODEL": "m"}[k]
	}, readFile); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file error does not wrap the cause: %v", err)
	}
}

func TestConfigNeverShowsTheKey(t *testing.T) {
	c := Config{BaseURL: "http://litellm:4000", APIKey: "sk-very-secret", Model: "m", Mode: ModeJSON}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("llm", "config", c)
	for _, out := range []string{c.String(), logged.String()} {
		if strings.Contains(out, "sk-very-secret") || !strings.Contains(out, "litellm") {
			t.Errorf("output %q leaks the key or lost the rest", out)
		}
	}
}

func TestSelectFallsBackToOffline(t *testing.T) {
	offline := NewOpenAI(Config{Model: "stand-in"})
	if got := Select(Config{}, offline); got != Provider(offline) {
		t.Errorf("unconfigured: got %T %s", got, got.Model())
	}
	if got := Select(Config{Model: "gpt"}, offline); got.Model() != "gpt" {
		t.Errorf("configured: got model %q", got.Model())
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 5, 21, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		header http.Header
		want   time.Duration
	}{
		{http.Header{"Retry-After": {"3"}}, 3 * time.Second},
		{http.Header{"Retry-After": {"0.5"}}, 500 * time.Millisecond},
		{http.Header{"Retry-After": {now.Add(7 * time.Second).Format(http.TimeFormat)}}, 7 * time.Second},
		{http.Header{"Retry-After": {now.Add(-time.Minute).Format(http.TimeFormat)}}, 0},
		{http.Header{"Retry-After-Ms": {"250"}, "Retry-After": {"9"}}, 250 * time.Millisecond},
		{http.Header{"Retry-After": {"soon"}}, 0},
		{http.Header{"Retry-After": {"120"}}, 2 * time.Minute},
		{http.Header{"Retry-After": {"1e30"}}, 24 * time.Hour},
		{http.Header{"Retry-After-Ms": {"120000"}}, 2 * time.Minute},
		{http.Header{}, 0},
	}
	for _, tt := range tests {
		if got := ParseRetryAfter(tt.header, now); got != tt.want {
			t.Errorf("%v: got %s, want %s", tt.header, got, tt.want)
		}
	}
}

func TestRetryDelayIsCappedAndGrows(t *testing.T) {
	p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}.withDefaults()
	if d := p.delay(0, 10*time.Minute); d != 10*time.Minute {
		t.Errorf("Retry-After of 10m became a wait of %s: retrying earlier is refused again", d)
	}
	for n, hi := range []time.Duration{100, 200, 400, 800, 1000} {
		d := p.delay(n, 0)
		if d > hi*time.Millisecond || d < min(hi*time.Millisecond/2, time.Second) {
			t.Errorf("retry %d waited %s, want within [%s, %s]", n, d, hi*time.Millisecond/2, hi*time.Millisecond)
		}
	}
}

// Providers and proxies explain a refusal in bodies of many shapes; the
// explanation is found in each, bounded, and never carries the API key.
func TestErrorMessageOfAnyBodyShape(t *testing.T) {
	long := strings.Repeat("x", 3000)
	tests := []struct{ body, want string }{
		{`{"error":{"message":"Invalid schema for response_format 'ad_copy': In context=(), 'additionalProperties' is required","type":"invalid_request_error","param":"response_format","code":null}}`,
			"Invalid schema for response_format 'ad_copy': In context=(), 'additionalProperties' is required (invalid_request_error)"},
		{`{"error":{"message":"Rate limit reached","code":"rate_limit_exceeded"}}`, "Rate limit reached (rate_limit_exceeded)"},
		{`{"error":"model 'llama9' not found, try pulling it first"}`, "model 'llama9' not found, try pulling it first"},
		{`{"message":"LiteLLM: budget exceeded"}`, "LiteLLM: budget exceeded"},
		{`{"detail":[{"loc":["body","model"],"msg":"field required"}]}`, `[{"loc":["body","model"],"msg":"field required"}]`},
		{"<html><body><h1>502 Bad Gateway</h1>\n</body></html>", "<html><body><h1>502 Bad Gateway</h1> </body></html>"},
		{"not \xff utf-8", "not \uFFFD utf-8"},
		{long, strings.Repeat("x", maxErrorMessage) + "…"},
	}
	for _, tt := range tests {
		if got := errorMessage([]byte(tt.body)); got != tt.want {
			t.Errorf("errorMessage(%.60q)\n got %q\nwant %q", tt.body, got, tt.want)
		}
	}
	o := NewOpenAI(Config{Model: "m", APIKey: "sk-live-0123456789"})
	if got := o.redact("Incorrect API key provided: sk-live-0123456789."); strings.Contains(got, "0123456789") {
		t.Errorf("key in message: %q", got)
	}
}
