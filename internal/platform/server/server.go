// Package server assembles the HTTP side of IMAP Hub: the huma API under
// /api/, health and readiness, Prometheus metrics, the OpenAPI document and
// its docs page, and the middleware every request passes through.
package server

import (
	"bytes"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/imaphub/imaphub/internal/platform/httpapi"
	"github.com/imaphub/imaphub/internal/platform/telemetry"
)

// Config configures the HTTP server.
type Config struct {
	// Addr is host:port to listen on. Default 127.0.0.1:8080.
	Addr string
	// Version is reported in the OpenAPI document and /healthz.
	Version string
	// Logger receives request and error logs. Default slog.Default().
	Logger *slog.Logger
	// Ready reports whether dependencies (the database) answer; /readyz calls it.
	Ready func(context.Context) error
	// MaxJSONBytes caps JSON request bodies before any handler runs. Default 8 MiB.
	MaxJSONBytes int64
	// Wrap holds middleware that runs after the cross-origin check and before
	// routing (sessions), outermost first.
	Wrap []func(http.Handler) http.Handler
	// MetricsAddr, when set, is a listener of its own for /metrics
	// (IMAPHUB_METRICS_ADDR); the API listener then does not serve it.
	MetricsAddr string
	// MetricsToken, when set, is a bearer token that may read /metrics
	// (IMAPHUB_METRICS_TOKEN), on whichever listener serves it.
	MetricsToken string
	// MetricsGuard admits other callers to /metrics on the API listener (an
	// admin's session or token). Without it, only MetricsToken does.
	MetricsGuard func(http.Handler) http.Handler
	// Metrics is where requests are recorded and what /metrics serves.
	// Default: a registry of its own.
	Metrics *telemetry.Metrics
}

// Server is the HTTP server with its API.
type Server struct {
	cfg     Config
	mux     *http.ServeMux
	API     *httpapi.API
	metrics *prometheus.Registry
}

// New builds the server. Slices register their operations on s.API before
// Handler is called.
func New(cfg Config) *Server {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:8080"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxJSONBytes == 0 {
		cfg.MaxJSONBytes = 8 << 20
	}
	if cfg.Metrics == nil {
		cfg.Metrics = telemetry.NewMetrics()
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux(), metrics: cfg.Metrics.Registry}

	hc := huma.DefaultConfig("IMAP Hub API", cfg.Version)
	hc.Info.Description = "CampaignWizard: briefs in, validated Google Ads campaigns out. Every operation declares its minimum role in " + httpapi.RoleExtension + "."
	hc.Info.License = &huma.License{Name: "Proprietary"}
	// Relative: clients call the server that served them the document.
	hc.Servers = []*huma.Server{{URL: "/", Description: "This IMAP Hub server"}}
	hc.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		httpapi.SecurityBearer: {Type: "http", Scheme: "bearer", BearerFormat: "imh_…",
			Description: "An API token (POST /api/tokens or `imaphub tokens create`), sent as `Authorization: Bearer imh_…`."},
		httpapi.SecuritySession: {Type: "apiKey", In: "cookie", Name: "imaphub_session",
			Description: "The session cookie set by POST /api/auth/login or the Microsoft sign-in (HttpOnly; browsers send it)."},
	}
	hc.OpenAPIPath = "/openapi"
	hc.DocsPath = "" // served by docsPage: the default page loads its renderer from a CDN
	// No $schema links in bodies: clients get plain JSON objects.
	hc.CreateHooks = nil
	api := humago.New(s.mux, hc)
	api.UseMiddleware(s.observe)
	s.API = &httpapi.API{API: api, Roles: httpapi.NewRegistry(), Logger: cfg.Logger}

	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.Handle("GET /metrics", s.apiMetrics())
	s.mux.HandleFunc("GET /docs", s.docsPage)
	return s
}

// apiMetrics is /metrics on the API listener: metrics show sign-in failures
// and traffic, so only the metrics token or an admin reads them, and nobody
// when they have a listener of their own.
func (s *Server) apiMetrics() http.Handler {
	if s.cfg.MetricsAddr != "" {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeProblem(w, http.StatusNotFound, "metrics are served on their own listener (IMAPHUB_METRICS_ADDR)", "", "not here")
		})
	}
	h := promhttp.HandlerFor(s.metrics, promhttp.HandlerOpts{})
	guarded := http.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="imaphub-metrics"`)
		writeProblem(w, http.StatusUnauthorized, "metrics need IMAPHUB_METRICS_TOKEN as a bearer token, or an admin", "header.Authorization", "authentication required")
	}))
	if s.cfg.MetricsGuard != nil {
		guarded = s.cfg.MetricsGuard(h)
	}
	return s.metricsToken(h, guarded)
}

// metricsToken serves h to callers presenting the metrics token and hands
// everyone else to other.
func (s *Server) metricsToken(h, other http.Handler) http.Handler {
	want := []byte("Bearer " + s.cfg.MetricsToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.MetricsToken != "" && subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) == 1 {
			h.ServeHTTP(w, r)
			return
		}
		other.ServeHTTP(w, r)
	})
}

// ListenMetrics opens MetricsAddr; it returns nil when /metrics has no
// listener of its own.
func (s *Server) ListenMetrics() (net.Listener, error) {
	if s.cfg.MetricsAddr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", s.cfg.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("metrics listener on %s: %w", s.cfg.MetricsAddr, err)
	}
	return ln, nil
}

// ServeMetrics serves /metrics on ln until ctx is cancelled. With a metrics
// token set, this listener asks for it too.
func (s *Server) ServeMetrics(ctx context.Context, ln net.Listener) error {
	h := promhttp.HandlerFor(s.metrics, promhttp.HandlerOpts{})
	if s.cfg.MetricsToken != "" {
		h = s.metricsToken(h, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="imaphub-metrics"`)
			writeProblem(w, http.StatusUnauthorized, "metrics need IMAPHUB_METRICS_TOKEN as a bearer token", "header.Authorization", "authentication required")
		}))
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	stop := context.AfterFunc(ctx, func() { srv.Close() })
	defer stop()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Mux exposes the router for non-API routes (the web app, job UI).
func (s *Server) Mux() *http.ServeMux { return s.mux }

// Metrics exposes the Prometheus registry for other collectors.
func (s *Server) Metrics() *prometheus.Registry { return s.metrics }

// Handler returns the root handler with the middleware chain.
func (s *Server) Handler() http.Handler {
	var h http.Handler = s.mux
	h = s.checkJSONBody(h)
	for i := len(s.cfg.Wrap) - 1; i >= 0; i-- {
		h = s.cfg.Wrap[i](h)
	}
	h = http.NewCrossOriginProtection().Handler(h)
	h = securityHeaders(h)
	h = s.recoverPanics(h)
	// Outermost, so a panic's 500 and a refused cross-origin request are
	// counted too. The route is the mux's pattern: inner middleware copies
	// the request, so the pattern the mux sets on its copy is not seen here.
	return s.cfg.Metrics.HTTP(func(r *http.Request) string {
		_, pattern := s.mux.Handler(r)
		return pattern
	}, h)
}

// Serve listens on cfg.Addr until ctx is cancelled, then shuts down
// gracefully, giving open requests up to grace to finish.
func (s *Server) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Listen opens the configured address.
func (s *Server) Listen() (net.Listener, error) {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	return ln, nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"status":"ok","version":%q}`+"\n", s.cfg.Version)
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if s.cfg.Ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.cfg.Ready(ctx); err != nil {
			s.cfg.Logger.Warn("not ready", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"status":"unavailable"}`+"\n")
			return
		}
	}
	io.WriteString(w, `{"status":"ready"}`+"\n")
}

// observe logs API operations that failed on the server's side.
func (s *Server) observe(ctx huma.Context, next func(huma.Context)) {
	start := time.Now()
	next(ctx)
	status := ctx.Status()
	if status == 0 {
		status = http.StatusOK
	}
	took := time.Since(start)
	op := ctx.Operation().OperationID
	// Every failure the client did not cause, and every request the client
	// gave up on, leaves a line naming its operation.
	if status >= 500 || status == 499 {
		level := slog.LevelError
		if status == 499 {
			level = slog.LevelWarn
		}
		s.cfg.Logger.Log(ctx.Context(), level, "request ended", "operation", op, "method", ctx.Method(),
			"path", ctx.URL().Path, "status", status, "duration", took.Round(time.Millisecond))
	}
}

// checkJSONBody refuses JSON bodies that are too large, not valid UTF-8, or
// hold a control character or a lone surrogate escape in any string, before
// a handler sees them: encoding/json would silently replace invalid bytes
// and lone surrogates with U+FFFD and store text the user never sent. Query
// parameters of API calls pass the same check.
func (s *Server) checkJSONBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") && r.URL.RawQuery != "" {
			if p := findBadQuery(r.URL.Query()); p != nil {
				writeTextProblem(w, p)
				return
			}
		}
		if r.Body == nil || r.Body == http.NoBody || r.Method == http.MethodGet || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if mt != "application/json" && mt != "application/merge-patch+json" && mt != "" {
			next.ServeHTTP(w, r)
			return
		}
		// A client has BodyReadTimeout to send the body; the deadline ends
		// when net/http sees the body's end.
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(httpapi.DefaultBodyReadTimeout))
		body, err := io.ReadAll(io.LimitReader(r.Body, s.cfg.MaxJSONBytes+1))
		r.Body.Close()
		if err != nil {
			if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
				writeProblem(w, http.StatusRequestTimeout, "body: not sent in time", "body", "read timeout")
				return
			}
			writeProblem(w, http.StatusBadRequest, "body: could not be read", "body", err.Error())
			return
		}
		if int64(len(body)) > s.cfg.MaxJSONBytes {
			writeProblem(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body: larger than the limit of %d bytes", s.cfg.MaxJSONBytes), "body", "too large")
			return
		}
		if !utf8.Valid(body) {
			off := invalidUTF8Offset(body)
			writeProblem(w, http.StatusBadRequest, fmt.Sprintf("body: not valid UTF-8 (first bad byte at offset %d)", off), "body", "invalid UTF-8")
			return
		}
		if p := findBadText(body); p != nil {
			writeTextProblem(w, p)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		next.ServeHTTP(w, r)
	})
}

func invalidUTF8Offset(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

func writeProblem(w http.ResponseWriter, status int, detail, location, message string) {
	p := &httpapi.Problem{Status: status, Title: http.StatusText(status), Detail: detail,
		Errors: []*httpapi.FieldDetail{{Location: location, Message: message}}}
	b, _ := p.MarshalJSON()
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	w.Write(b)
}

func writeTextProblem(w http.ResponseWriter, tp *textProblem) {
	fd := &httpapi.FieldDetail{Location: tp.location, Message: tp.reason}
	if tp.at >= 0 {
		start, end := tp.at, tp.at+1
		fd.Code, fd.Start, fd.End = badCharacter, &start, &end
	}
	p := &httpapi.Problem{Status: http.StatusUnprocessableEntity, Title: http.StatusText(http.StatusUnprocessableEntity),
		Detail: tp.location + ": " + tp.reason, Errors: []*httpapi.FieldDetail{fd}}
	b, _ := p.MarshalJSON()
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	w.Write(b)
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		// API answers carry tokens, personal data and drafts: no cache,
		// shared or private, keeps them. An operation may override it
		// (content-addressed images).
		if strings.HasPrefix(r.URL.Path, "/api/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.cfg.Logger.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", p)
				writeProblem(w, http.StatusInternalServerError, "internal error; the server log has the cause", "", "panic")
			}
		}()
		next.ServeHTTP(w, r)
	})
}
