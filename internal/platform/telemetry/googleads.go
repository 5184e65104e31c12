package telemetry

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/imaphub/imaphub/internal/platform/googleads"
)

// GoogleAds is the observer of the Google Ads client: a span per call, the
// call, error, retry and wait series. Customer ids, queries and request
// bodies are recorded nowhere.
func (m *Metrics) GoogleAds() googleads.Observer { return adsObserver{m} }

type adsObserver struct{ m *Metrics }

func (o adsObserver) StartCall(ctx context.Context, name string) (context.Context, func(error)) {
	start := time.Now()
	ctx, span := tracer().Start(ctx, "googleads "+name, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("rpc.system", "google_ads"), attribute.String("rpc.method", name)))
	return ctx, func(err error) {
		o.m.adsDuration.WithLabelValues(name).Observe(time.Since(start).Seconds())
		outcome := "ok"
		if err != nil {
			outcome = "error"
			span.SetAttributes(attribute.String("imaphub.googleads.error_code", o.code(err)))
			span.SetStatus(codes.Error, o.code(err))
		}
		o.m.adsCalls.WithLabelValues(name, outcome).Inc()
		span.End()
	}
}

func (o adsObserver) FailedAttempt(_ context.Context, name string, err error) {
	o.m.adsErrors.WithLabelValues(name, o.code(err)).Inc()
}

func (o adsObserver) Retrying(ctx context.Context, name string, wait time.Duration, err error) {
	reason := "server"
	var api *googleads.APIError
	var netErr *googleads.NetworkError
	switch {
	case errors.As(err, &netErr):
		reason = "network"
	case errors.As(err, &api) && (api.HTTPStatus == 429 || api.Status == "RESOURCE_EXHAUSTED" || strings.HasPrefix(o.code(err), "quotaError.")):
		reason = "quota"
	}
	o.m.adsRetries.WithLabelValues(name, reason).Inc()
	o.m.adsRetryWait.WithLabelValues(name).Add(wait.Seconds())
	trace.SpanFromContext(ctx).AddEvent("retry", trace.WithAttributes(attribute.String("reason", reason), attribute.Float64("wait_seconds", wait.Seconds())))
}

// code names a failure by Google's error code ("quotaError.RATE_EXCEEDED"),
// else its google.rpc status, else its HTTP status, else its kind. Codes
// come from the answer, so they are checked and bounded in number.
func (o adsObserver) code(err error) string {
	var api *googleads.APIError
	var auth *googleads.AuthError
	var netErr *googleads.NetworkError
	var unknown *googleads.UnknownOutcomeError
	switch {
	case errors.As(err, &api):
		c := ""
		if len(api.Errors) > 0 {
			c = api.Errors[0].Code.String()
		}
		if c == "" {
			c = api.Status
		}
		if !safeCode(c) {
			return "http_" + strconv.Itoa(api.HTTPStatus)
		}
		return o.m.adsCodes.admit(c)
	case errors.As(err, &auth):
		return "auth"
	case errors.As(err, &unknown):
		return "unknown_outcome"
	case errors.As(err, &netErr):
		return "network"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "cancelled"
	}
	return "other"
}

func safeCode(c string) bool {
	if c == "" || len(c) > 100 {
		return false
	}
	for _, r := range []byte(c) {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}
