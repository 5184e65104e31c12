package telemetry

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"google.golang.org/protobuf/encoding/protowire"
)

// otlpExporter sends spans as an OTLP/HTTP protobuf ExportTraceServiceRequest.
// It writes the few messages of the trace protocol itself: the upstream
// exporter links the gRPC stack (megabytes) even for HTTP.
type otlpExporter struct {
	cfg    TracingConfig
	client *http.Client
}

// NewOTLPExporter returns an exporter posting to cfg.URL.
func NewOTLPExporter(cfg TracingConfig) sdktrace.SpanExporter {
	return &otlpExporter{cfg: cfg, client: &http.Client{Timeout: cfg.Timeout}}
}

func (e *otlpExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	if len(spans) == 0 {
		return nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.cfg.URL, bytes.NewReader(EncodeSpans(spans)))
	if err != nil {
		return fmt.Errorf("otlp export: %w", err)
	}
	for k, v := range e.cfg.Headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	res, err := e.client.Do(req)
	if err != nil {
		return fmt.Errorf("otlp export of %d spans: %w", len(spans), err)
	}
	defer res.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(res.Body, 512))
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("otlp export of %d spans to %s: HTTP %d: %q", len(spans), e.cfg.URL, res.StatusCode, msg)
	}
	return nil
}

func (e *otlpExporter) Shutdown(context.Context) error {
	e.client.CloseIdleConnections()
	return nil
}

// EncodeSpans is the ExportTraceServiceRequest (opentelemetry-proto
// collector/trace/v1) holding spans, one ResourceSpans per resource and one
// ScopeSpans per instrumentation scope.
func EncodeSpans(spans []sdktrace.ReadOnlySpan) []byte {
	type scopeKey struct {
		res   *resource.Resource
		scope instrumentation.Scope
	}
	var resources []*resource.Resource
	var order []scopeKey
	byScope := map[scopeKey][]sdktrace.ReadOnlySpan{}
	for _, s := range spans {
		k := scopeKey{s.Resource(), s.InstrumentationScope()}
		if _, ok := byScope[k]; !ok {
			order = append(order, k)
			known := false
			for _, r := range resources {
				known = known || r == k.res
			}
			if !known {
				resources = append(resources, k.res)
			}
		}
		byScope[k] = append(byScope[k], s)
	}
	var out []byte
	for _, r := range resources {
		var rs []byte
		var res []byte
		for _, kv := range r.Attributes() {
			res = appendMessage(res, 1, appendKeyValue(nil, kv))
		}
		rs = appendMessage(rs, 1, res)
		for _, k := range order {
			if k.res != r {
				continue
			}
			var ss, scope []byte
			scope = appendString(scope, 1, k.scope.Name)
			scope = appendString(scope, 2, k.scope.Version)
			ss = appendMessage(ss, 1, scope)
			for _, s := range byScope[k] {
				ss = appendMessage(ss, 2, appendSpan(nil, s))
			}
			ss = appendString(ss, 3, k.scope.SchemaURL)
			rs = appendMessage(rs, 2, ss)
		}
		rs = appendString(rs, 3, r.SchemaURL())
		out = appendMessage(out, 1, rs)
	}
	return out
}

func appendSpan(b []byte, s sdktrace.ReadOnlySpan) []byte {
	sc := s.SpanContext()
	tid, sid := sc.TraceID(), sc.SpanID()
	b = appendBytes(b, 1, tid[:])
	b = appendBytes(b, 2, sid[:])
	b = appendString(b, 3, sc.TraceState().String())
	if p := s.Parent(); p.IsValid() {
		psid := p.SpanID()
		b = appendBytes(b, 4, psid[:])
	}
	b = appendString(b, 5, s.Name())
	// OTLP numbers span kinds as the API does (internal 1 … consumer 5).
	b = appendVarint(b, 6, uint64(s.SpanKind()))
	b = appendFixed64(b, 7, uint64(s.StartTime().UnixNano()))
	b = appendFixed64(b, 8, uint64(s.EndTime().UnixNano()))
	for _, kv := range s.Attributes() {
		b = appendMessage(b, 9, appendKeyValue(nil, kv))
	}
	b = appendVarint(b, 10, uint64(s.DroppedAttributes()))
	for _, ev := range s.Events() {
		var e []byte
		e = appendFixed64(e, 1, uint64(ev.Time.UnixNano()))
		e = appendString(e, 2, ev.Name)
		for _, kv := range ev.Attributes {
			e = appendMessage(e, 3, appendKeyValue(nil, kv))
		}
		b = appendMessage(b, 11, e)
	}
	b = appendVarint(b, 12, uint64(s.DroppedEvents()))
	for _, l := range s.Links() {
		var lb []byte
		ltid, lsid := l.SpanContext.TraceID(), l.SpanContext.SpanID()
		lb = appendBytes(lb, 1, ltid[:])
		lb = appendBytes(lb, 2, lsid[:])
		lb = appendString(lb, 3, l.SpanContext.TraceState().String())
		for _, kv := range l.Attributes {
			lb = appendMessage(lb, 4, appendKeyValue(nil, kv))
		}
		b = appendMessage(b, 13, lb)
	}
	b = appendVarint(b, 14, uint64(s.DroppedLinks()))
	var st []byte
	st = appendString(st, 2, s.Status().Description)
	// OTLP: unset 0, ok 1, error 2; the API: unset 0, error 1, ok 2.
	switch s.Status().Code {
	case codes.Ok:
		st = appendVarint(st, 3, 1)
	case codes.Error:
		st = appendVarint(st, 3, 2)
	}
	return appendMessage(b, 15, st)
}

func appendKeyValue(b []byte, kv attribute.KeyValue) []byte {
	b = appendString(b, 1, string(kv.Key))
	return appendMessage(b, 2, appendAnyValue(nil, kv.Value))
}

// appendAnyValue writes a common.v1.AnyValue; its oneof fields are written
// even when zero, since their presence is the type.
func appendAnyValue(b []byte, v attribute.Value) []byte {
	switch v.Type() {
	case attribute.BOOL:
		b = protowire.AppendTag(b, 2, protowire.VarintType)
		return protowire.AppendVarint(b, protowire.EncodeBool(v.AsBool()))
	case attribute.INT64:
		b = protowire.AppendTag(b, 3, protowire.VarintType)
		return protowire.AppendVarint(b, uint64(v.AsInt64()))
	case attribute.FLOAT64:
		b = protowire.AppendTag(b, 4, protowire.Fixed64Type)
		return protowire.AppendFixed64(b, math.Float64bits(v.AsFloat64()))
	case attribute.BOOLSLICE, attribute.INT64SLICE, attribute.FLOAT64SLICE, attribute.STRINGSLICE:
		var arr []byte
		switch v.Type() {
		case attribute.BOOLSLICE:
			for _, x := range v.AsBoolSlice() {
				arr = appendMessage(arr, 1, appendAnyValue(nil, attribute.BoolValue(x)))
			}
		case attribute.INT64SLICE:
			for _, x := range v.AsInt64Slice() {
				arr = appendMessage(arr, 1, appendAnyValue(nil, attribute.Int64Value(x)))
			}
		case attribute.FLOAT64SLICE:
			for _, x := range v.AsFloat64Slice() {
				arr = appendMessage(arr, 1, appendAnyValue(nil, attribute.Float64Value(x)))
			}
		default:
			for _, x := range v.AsStringSlice() {
				arr = appendMessage(arr, 1, appendAnyValue(nil, attribute.StringValue(x)))
			}
		}
		return appendMessage(b, 5, arr)
	}
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	return protowire.AppendString(b, v.Emit())
}

func appendMessage(b []byte, num protowire.Number, msg []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, msg)
}

func appendBytes(b []byte, num protowire.Number, v []byte) []byte {
	if len(v) == 0 {
		return b
	}
	return appendMessage(b, num, v)
}

func appendString(b []byte, num protowire.Number, v string) []byte {
	if v == "" {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, v)
}

func appendVarint(b []byte, num protowire.Number, v uint64) []byte {
	if v == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

func appendFixed64(b []byte, num protowire.Number, v uint64) []byte {
	if v == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.Fixed64Type)
	return protowire.AppendFixed64(b, v)
}
