package server_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
	"github.com/imaphub/imaphub/internal/platform/server"
)

type echoInput struct {
	Body struct {
		Headline string `json:"headline" maxLength:"30"`
	}
}

type echoOutput struct {
	Body struct {
		Headline string `json:"headline"`
	}
}

func newServer(t *testing.T, ready func(context.Context) error) *httptest.Server {
	t.Helper()
	s := server.New(server.Config{Version: "t", Ready: ready, MetricsToken: metricsToken})
	httpapi.Register(s.API, auth.Editor, huma.Operation{OperationID: "echo", Method: http.MethodPost, Path: "/api/echo", Summary: "Echo <b>bold</b>"},
		func(ctx context.Context, in *echoInput) (*echoOutput, error) {
			if in.Body.Headline == "conflict" {
				return nil, errs.Conflictf("busy").With("state", "generating")
			}
			if in.Body.Headline == "boom" {
				return nil, errors.New("database password=hunter2 unreachable")
			}
			out := &echoOutput{}
			out.Body.Headline = in.Body.Headline
			return out, nil
		})
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv
}

func do(t *testing.T, srv *httptest.Server, method, path, body string, headers ...string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

func TestStrictCasingRefusesCaseDuplicateKeys(t *testing.T) {
	srv := newServer(t, nil)
	// Without strict casing huma would validate "ok" and bind the long value.
	status, _, body := do(t, srv, "POST", "/api/echo", `{"headline":"ok","HEADLINE":"this value is far longer than thirty characters"}`)
	if status != 422 || !strings.Contains(body, "HEADLINE") {
		t.Fatalf("case-duplicate key: %d %s", status, body)
	}
	status, _, body = do(t, srv, "POST", "/api/echo", `{"Headline":"ok"}`)
	if status != 422 {
		t.Fatalf("wrong-case key accepted: %d %s", status, body)
	}
	status, _, body = do(t, srv, "POST", "/api/echo", `{"headline":"ok"}`)
	if status != 200 || !strings.Contains(body, `"ok"`) {
		t.Fatalf("valid body: %d %s", status, body)
	}
}

func TestProblemsCarryExtensionsAndHideInternalErrors(t *testing.T) {
	srv := newServer(t, nil)
	status, h, body := do(t, srv, "POST", "/api/echo", `{"headline":"conflict"}`)
	if status != 409 || h.Get("Content-Type") != "application/problem+json" || !strings.Contains(body, `"state":"generating"`) {
		t.Fatalf("conflict: %d %s %s", status, h.Get("Content-Type"), body)
	}
	status, _, body = do(t, srv, "POST", "/api/echo", `{"headline":"boom"}`)
	if status != 500 || strings.Contains(body, "hunter2") {
		t.Fatalf("internal error leaked or wrong status: %d %s", status, body)
	}
	status, _, body = do(t, srv, "POST", "/api/echo", "{\"headline\":\"\xc3\x28\"}")
	if status != 400 || !strings.Contains(body, "UTF-8") {
		t.Fatalf("invalid UTF-8: %d %s", status, body)
	}
}

func TestCrossSiteWriteRefused(t *testing.T) {
	srv := newServer(t, nil)
	req, _ := http.NewRequest("POST", srv.URL+"/api/echo", strings.NewReader(`{"headline":"ok"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d, want 403", res.StatusCode)
	}
}

func TestHealthReadinessMetricsAndDocs(t *testing.T) {
	var failing error
	srv := newServer(t, func(context.Context) error { return failing })
	if status, _, body := do(t, srv, "GET", "/healthz", ""); status != 200 || !strings.Contains(body, `"ok"`) {
		t.Errorf("healthz: %d %s", status, body)
	}
	if status, _, _ := do(t, srv, "GET", "/readyz", ""); status != 200 {
		t.Errorf("readyz: %d", status)
	}
	failing = errors.New("db down")
	if status, _, _ := do(t, srv, "GET", "/readyz", ""); status != 503 {
		t.Errorf("readyz with a failing database: %d, want 503", status)
	}
	do(t, srv, "POST", "/api/echo", `{"headline":"ok"}`)
	if status, _, body := do(t, srv, "GET", "/metrics", "", "Authorization", "Bearer "+metricsToken); status != 200 || !strings.Contains(body, `imaphub_http_request_duration_seconds_count{method="POST",route="/api/echo",status="200"} 1`) {
		t.Errorf("metrics: %d, route histogram missing", status)
	}
	status, _, body := do(t, srv, "GET", "/openapi.json", "")
	if status != 200 || !strings.Contains(body, `"openapi":"3.1.0"`) || !strings.Contains(body, `"x-imaphub-min-role":"editor"`) {
		t.Errorf("openapi.json: %d %.200s", status, body)
	}
	status, _, body = do(t, srv, "GET", "/docs", "")
	if status != 200 || !strings.Contains(body, "/api/echo") || strings.Contains(body, "<b>bold</b>") || !strings.Contains(body, "role: editor") {
		t.Errorf("docs page: %d (summary must be escaped) %.300s", status, body)
	}
}
