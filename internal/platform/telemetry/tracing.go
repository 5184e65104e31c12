package telemetry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// instrumentationName names the tracer of every span IMAP Hub makes.
const instrumentationName = "github.com/imaphub/imaphub"

// tracer is the global provider's tracer: a no-op until StartTracing
// installs an exporting one, so untraced processes pay next to nothing.
func tracer() trace.Tracer { return otel.GetTracerProvider().Tracer(instrumentationName) }

// TracingConfig is where spans go, from the standard OTEL_* variables.
type TracingConfig struct {
	// URL receives OTLP/HTTP protobuf exports: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
	// as given, or OTEL_EXPORTER_OTLP_ENDPOINT + "/v1/traces". Empty: no
	// tracing.
	URL string
	// Headers are sent with every export (OTEL_EXPORTER_OTLP_HEADERS, e.g. an
	// API key of the collector); never logged.
	Headers map[string]string
	// Timeout bounds one export (OTEL_EXPORTER_OTLP_TIMEOUT, milliseconds;
	// default 10 s).
	Timeout time.Duration
}

// String describes the configuration without header values.
func (c TracingConfig) String() string {
	names := make([]string, 0, len(c.Headers))
	for k := range c.Headers {
		names = append(names, k)
	}
	return fmt.Sprintf("otlp{url=%q timeout=%s headers=%v}", c.URL, c.Timeout, names)
}

// TracingFromEnv reads OTEL_SDK_DISABLED, OTEL_EXPORTER_OTLP_ENDPOINT,
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_[TRACES_]HEADERS,
// OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT and OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL
// (only http/protobuf is supported). OTEL_SERVICE_NAME,
// OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER[_ARG] and OTEL_BSP_* are read
// by the OpenTelemetry SDK itself when tracing starts.
func TracingFromEnv() (TracingConfig, error) { return tracingFrom(os.Getenv) }

func tracingFrom(getenv func(string) string) (TracingConfig, error) {
	get := func(name string) (string, string) {
		if v := strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_TRACES_" + name)); v != "" {
			return v, "OTEL_EXPORTER_OTLP_TRACES_" + name
		}
		return strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_" + name)), "OTEL_EXPORTER_OTLP_" + name
	}
	c := TracingConfig{Timeout: 10 * time.Second}
	if strings.EqualFold(strings.TrimSpace(getenv("OTEL_SDK_DISABLED")), "true") {
		return c, nil
	}
	if v := strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")); v != "" {
		c.URL = v
	} else if v := strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_ENDPOINT")); v != "" {
		c.URL = strings.TrimRight(v, "/") + "/v1/traces"
	}
	if c.URL == "" {
		return c, nil
	}
	if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("OTEL_EXPORTER_OTLP_ENDPOINT: %q is not an http(s) URL such as http://otel-collector:4318", c.URL)
	}
	if v, name := get("PROTOCOL"); v != "" && v != "http/protobuf" {
		return c, fmt.Errorf("%s=%q: only http/protobuf is supported (send to the collector's OTLP/HTTP port, usually 4318)", name, v)
	}
	if v, name := get("TIMEOUT"); v != "" {
		ms, err := strconv.Atoi(v)
		if err != nil || ms <= 0 {
			return c, fmt.Errorf("%s=%q: want milliseconds, e.g. 10000", name, v)
		}
		c.Timeout = time.Duration(ms) * time.Millisecond
	}
	if v, name := get("HEADERS"); v != "" {
		c.Headers = map[string]string{}
		for _, pair := range strings.Split(v, ",") {
			k, val, ok := strings.Cut(pair, "=")
			k = strings.TrimSpace(k)
			if !ok || k == "" {
				// The value may be a secret: name only the key.
				return c, fmt.Errorf("%s: entry %q is not key=value", name, k)
			}
			dec, err := url.QueryUnescape(strings.TrimSpace(val))
			if err != nil {
				return c, fmt.Errorf("%s: the value of %q is not URL-encoded correctly", name, k)
			}
			c.Headers[k] = dec
		}
	}
	return c, nil
}

// StartTracing installs a tracer provider exporting to cfg.URL as the
// global one, and returns the function that flushes and stops it. With no
// URL it installs nothing and the returned function does nothing.
func StartTracing(ctx context.Context, cfg TracingConfig, version string, log *slog.Logger) (func(context.Context) error, error) {
	if cfg.URL == "" {
		return func(context.Context) error { return nil }, nil
	}
	if log == nil {
		log = slog.Default()
	}
	res, err := resource.New(ctx,
		resource.WithAttributes(attribute.String("service.name", "imaphub"), attribute.String("service.version", version)),
		resource.WithFromEnv())
	if err != nil && !errors.Is(err, resource.ErrPartialResource) {
		return nil, fmt.Errorf("tracing resource (OTEL_RESOURCE_ATTRIBUTES): %w", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithResource(res), sdktrace.WithBatcher(NewOTLPExporter(cfg)))
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) { log.Warn("tracing", "err", err) }))
	otel.SetTracerProvider(tp)
	return tp.Shutdown, nil
}
