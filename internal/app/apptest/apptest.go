// Package apptest runs the wired product on a real database behind a real
// HTTP server, for end-to-end API tests.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/app"
	"github.com/imaphub/imaphub/internal/platform/ai"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/auth/authapi"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/googleads"
	"github.com/imaphub/imaphub/internal/platform/jobs"
)

// Env is a running product with one user and API token per role.
type Env struct {
	App    *app.App
	Server *httptest.Server
	Logs   *SafeBuffer
	Tokens map[auth.Role]string
	Users  map[auth.Role]auth.User
}

// Fast are argon2id costs that keep tests quick; production uses auth.DefaultArgon2.
var Fast = auth.Argon2Params{Time: 1, MemoryK: 1024, Threads: 1}

// Password is the password of every test user.
const Password = "correct horse battery staple"

// Start wires the product on d (already migrated) with local sign-in and
// serves it on a random port.
func Start(t testing.TB, d *db.DB) *Env {
	t.Helper()
	return StartWith(t, d, authapi.Config{Mode: "local"})
}

// StartWith is Start with an explicit sign-in configuration.
func StartWith(t testing.TB, d *db.DB, cfg authapi.Config) *Env {
	t.Helper()
	return StartOpts(t, d, Options{Auth: cfg, Workers: 2})
}

// Options adjust the product a test runs.
type Options struct {
	Auth authapi.Config
	// Workers run background jobs in the test's process; 0 leaves jobs queued.
	Workers int
	// Argon2 are the password-hash costs; zero means Fast.
	Argon2 auth.Argon2Params
	// LLM is the language model; zero is the offline writer. Tests never
	// inherit IMAPHUB_LLM_* from the shell that runs them.
	LLM ai.Config
	// GoogleAds reaches Google Ads (a googleadstest server); zero is "not
	// connected". GoogleAdsOptions adjust its client (shorter retries).
	GoogleAds        googleads.Config
	GoogleAdsOptions []googleads.Option
}

// ScriptedModel is the configuration of a scripted model server at url
// (internal/platform/ai/aitest).
func ScriptedModel(url string) ai.Config {
	return ai.Config{BaseURL: url, APIKey: "sk-test", Model: "scripted", Mode: ai.ModeJSONSchema, CallTimeout: ai.DefaultCallTimeout}
}

// StartOpts wires the product with opts and serves it on a random port.
func StartOpts(t testing.TB, d *db.DB, opts Options) *Env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &SafeBuffer{}
	if opts.Auth.Mode == "" {
		opts.Auth.Mode = "local"
	}
	if opts.Argon2 == (auth.Argon2Params{}) {
		opts.Argon2 = Fast
	}
	a, err := app.New(ctx, d, app.Options{DataDir: t.TempDir(), Version: "test", Argon2: opts.Argon2, Auth: opts.Auth, LLM: opts.LLM,
		GoogleAds: opts.GoogleAds, GoogleAdsOptions: opts.GoogleAdsOptions,
		Jobs:   jobs.Config{Workers: opts.Workers, PollInterval: 50 * time.Millisecond, Heartbeat: time.Second},
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Server().Handler())
	if err := a.Jobs.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = a.Jobs.Stop(5 * time.Second)
		cancel()
	})

	t.Cleanup(srv.Close)
	e := &Env{App: a, Server: srv, Logs: logs, Tokens: map[auth.Role]string{}, Users: map[auth.Role]auth.User{}}
	for _, r := range []auth.Role{auth.Viewer, auth.Editor, auth.Publisher, auth.Admin} {
		u, err := a.Users.CreateUser(ctx, r.String()+"@example.com", r.String(), r, Password)
		if err != nil {
			t.Fatal(err)
		}
		_, secret, err := a.Users.CreateToken(ctx, u.ID, "test", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		e.Tokens[r], e.Users[r] = secret, u
	}
	return e
}

// Response is what the server answered.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test when it is not JSON.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("response body is not JSON (%v): %s", err, r.Body)
	}
}

// Map decodes the body as a JSON object.
func (r *Response) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// Do sends a request as the admin. body may be nil, a string or []byte (sent
// as is), or any value (sent as JSON). headers come in name, value pairs.
func (e *Env) Do(t testing.TB, method, path string, body any, headers ...string) *Response {
	t.Helper()
	return e.DoAs(t, auth.Admin, method, path, body, headers...)
}

// DoAs sends a request with the token of the given role; auth.Anonymous sends none.
func (e *Env) DoAs(t testing.TB, role auth.Role, method, path string, body any, headers ...string) *Response {
	t.Helper()
	if role != auth.Anonymous {
		headers = append([]string{"Authorization", "Bearer " + e.Tokens[role]}, headers...)
	}
	return e.Send(t, e.Server.Client(), method, path, body, headers...)
}

// Send sends a request with the given client (e.g. one with a cookie jar).
func (e *Env) Send(t testing.TB, c *http.Client, method, path string, body any, headers ...string) *Response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.Server.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &Response{Status: res.StatusCode, Header: res.Header, Body: raw}
}

// Must sends a request as the admin and fails the test unless the status is want.
func (e *Env) Must(t testing.TB, want int, method, path string, body any, headers ...string) *Response {
	t.Helper()
	r := e.Do(t, method, path, body, headers...)
	if r.Status != want {
		t.Fatalf("%s %s: status %d, want %d; body: %s", method, path, r.Status, want, r.Body)
	}
	return r
}

// SafeBuffer collects logs from concurrent handlers.
type SafeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SafeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything logged so far.
func (s *SafeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Event sends a lifecycle event to a campaign as the admin, naming the
// campaign's current version in If-Match, and fails the test unless the
// status is want.
func (e *Env) Event(t testing.TB, want int, campaignID int64, event string) *Response {
	t.Helper()
	path := "/api/campaigns/" + strconv.FormatInt(campaignID, 10)
	etag := e.Must(t, http.StatusOK, "GET", path, nil).Header.Get("ETag")
	return e.Must(t, want, "POST", path+"/"+event, nil, "If-Match", etag)
}
