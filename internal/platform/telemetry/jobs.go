package telemetry

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// traceMetadataKey holds the W3C trace context of the request that enqueued
// a job, in the job's metadata.
const traceMetadataKey = "trace"

// Jobs is River middleware: at insert it writes the caller's trace context
// into the job's metadata and counts the job; around each run it starts a
// span that is a child of that context and records the run's duration by
// kind and outcome.
func (m *Metrics) Jobs() rivertype.Middleware { return &jobMiddleware{m: m} }

type jobMiddleware struct {
	river.MiddlewareDefaults
	m *Metrics
}

func (j *jobMiddleware) InsertMany(ctx context.Context, params []*rivertype.JobInsertParams, doInner func(context.Context) ([]*rivertype.JobInsertResult, error)) ([]*rivertype.JobInsertResult, error) {
	carrier := propagation.MapCarrier{}
	propagation.TraceContext{}.Inject(ctx, carrier)
	for _, p := range params {
		if len(carrier) == 0 {
			break
		}
		meta := map[string]any{}
		if len(p.Metadata) > 0 {
			if err := json.Unmarshal(p.Metadata, &meta); err != nil {
				// Metadata someone else wrote and we cannot read: keep it
				// as it is rather than lose it for a trace.
				continue
			}
		}
		meta[traceMetadataKey] = carrier
		raw, err := json.Marshal(meta)
		if err != nil {
			continue
		}
		p.Metadata = raw
	}
	res, err := doInner(ctx)
	if err == nil {
		for _, r := range res {
			if !r.UniqueSkippedAsDuplicate {
				j.m.jobInserted.WithLabelValues(r.Job.Kind).Inc()
			}
		}
	}
	return res, err
}

func (j *jobMiddleware) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	var meta struct {
		Trace propagation.MapCarrier `json:"trace"`
	}
	if len(job.Metadata) > 0 && json.Unmarshal(job.Metadata, &meta) == nil && meta.Trace != nil {
		ctx = propagation.TraceContext{}.Extract(ctx, meta.Trace)
	}
	ctx, span := tracer().Start(ctx, "job "+job.Kind, trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(attribute.String("imaphub.job.kind", job.Kind), attribute.Int64("imaphub.job.id", job.ID),
			attribute.Int("imaphub.job.attempt", job.Attempt), attribute.String("imaphub.job.queue", job.Queue)))
	start := time.Now()
	err := doInner(ctx)
	state := jobOutcome(err)
	span.SetAttributes(attribute.String("imaphub.job.outcome", state))
	if state == "failed" {
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
	j.m.jobDuration.WithLabelValues(job.Kind, state).Observe(time.Since(start).Seconds())
	return err
}

// jobOutcome names how a run ended: completed, failed (River retries or
// discards it), cancelled or snoozed.
func jobOutcome(err error) string {
	var cancel *rivertype.JobCancelError
	var snooze *rivertype.JobSnoozeError
	switch {
	case err == nil:
		return "completed"
	case errors.As(err, &cancel):
		return "cancelled"
	case errors.As(err, &snooze):
		return "snoozed"
	}
	return "failed"
}
