package telemetry

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/trace"
)

// Log lines written while a request is served carry its request id and its
// trace and span ids; a proxy's request id is kept only when it is safe.
func TestRequestAndTraceIDsInLogs(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(LogHandler(slog.NewTextHandler(&logs, nil)))
	m := NewMetrics()
	h := m.HTTP(func(*http.Request) string { return "GET /x/{id}" }, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sc := trace.SpanContextFromContext(r.Context())
		log.InfoContext(r.Context(), "handled", "has_trace", sc.IsValid())
	}))
	for _, c := range []struct{ sent, want string }{
		{"proxy-id.42", "proxy-id.42"},
		{"bad id\nlevel=ERROR", ""},
		{strings.Repeat("a", 65), ""},
		{"", ""},
	} {
		logs.Reset()
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/x/1", nil)
		if c.sent != "" {
			req.Header.Set(RequestIDHeader, c.sent)
		}
		h.ServeHTTP(rec, req)
		got := rec.Header().Get(RequestIDHeader)
		if c.want != "" && got != c.want || c.want == "" && (got == c.sent || !safeRequestID(got)) {
			t.Errorf("sent %q: answered request id %q", c.sent, got)
		}
		if !strings.Contains(logs.String(), "request_id="+got) {
			t.Errorf("log line lacks request_id=%s: %s", got, logs.String())
		}
	}
	// With a span in the context, its ids are logged.
	tid, _ := trace.TraceIDFromHex("0af7651916cd43dd8448eb211c80319c")
	sid, _ := trace.SpanIDFromHex("b7ad6b7169203331")
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled}))
	logs.Reset()
	log.InfoContext(ctx, "in a job")
	if !strings.Contains(logs.String(), "trace_id=0af7651916cd43dd8448eb211c80319c") || !strings.Contains(logs.String(), "span_id=b7ad6b7169203331") {
		t.Errorf("log line lacks the trace: %s", logs.String())
	}
}

func TestTracingFromEnv(t *testing.T) {
	for _, c := range []struct {
		env     map[string]string
		url     string
		problem string
	}{
		{env: map[string]string{}, url: ""},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/"}, url: "http://collector:4318/v1/traces"},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://a:4318", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://b/traces"}, url: "https://b/traces"},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://a:4318", "OTEL_SDK_DISABLED": "true"}, url: ""},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"}, problem: "OTEL_EXPORTER_OTLP_ENDPOINT"},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://a:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, problem: "OTEL_EXPORTER_OTLP_PROTOCOL=\"grpc\": only http/protobuf"},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://a", "OTEL_EXPORTER_OTLP_TIMEOUT": "10s"}, problem: "OTEL_EXPORTER_OTLP_TIMEOUT=\"10s\": want milliseconds"},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://a", "OTEL_EXPORTER_OTLP_HEADERS": "api-key=s3cret,broken"}, problem: "OTEL_EXPORTER_OTLP_HEADERS: entry \"broken\" is not key=value"},
	} {
		cfg, err := tracingFrom(func(k string) string { return c.env[k] })
		switch {
		case c.problem != "" && (err == nil || !strings.Contains(err.Error(), c.problem)):
			t.Errorf("%v: error %v, want one naming %q", c.env, err, c.problem)
		case c.problem == "" && (err != nil || cfg.URL != c.url):
			t.Errorf("%v: url %q err %v, want %q", c.env, cfg.URL, err, c.url)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("the error shows a header value: %v", err)
		}
	}
	cfg, _ := tracingFrom(func(k string) string {
		return map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://a", "OTEL_EXPORTER_OTLP_HEADERS": "api-key=s3cret%3D"}[k]
	})
	if cfg.Headers["api-key"] != "s3cret=" || strings.Contains(cfg.String(), "s3cret") {
		t.Errorf("headers %v, described as %s", cfg.Headers, cfg)
	}
}

// Label values from outside stop adding series at the bound.
func TestBoundedLabels(t *testing.T) {
	b := boundedSet{max: 2}
	if b.admit("a") != "a" || b.admit("b") != "b" || b.admit("c") != "other" || b.admit("a") != "a" {
		t.Error("bounded set admitted beyond its size or forgot a value")
	}
	if routeLabel("") != "unmatched" || routeLabel("GET /api/x/{id}") != "/api/x/{id}" || methodLabel("BREW") != "other" {
		t.Error("route or method labels are not bounded")
	}
}
