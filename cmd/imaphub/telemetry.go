package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/imaphub/imaphub/internal/platform/telemetry"
)

// startTracing exports spans over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT
// (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set; the returned function
// flushes the spans still buffered at shutdown.
func startTracing(ctx context.Context, log *slog.Logger) (func(), error) {
	cfg, err := telemetry.TracingFromEnv()
	if err != nil {
		return nil, err
	}
	stop, err := telemetry.StartTracing(ctx, cfg, version, log)
	if err != nil {
		return nil, err
	}
	if cfg.URL != "" {
		log.Info("exporting traces", "otlp", cfg.String())
	}
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := stop(sctx); err != nil {
			log.Warn("flushing traces", "err", err)
		}
	}, nil
}
