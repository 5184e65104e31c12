package telemetry

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/imaphub/imaphub/internal/platform/ai"
)

// LLM wraps a language model provider so each call is a span and counts in
// the LLM series: calls, duration, tokens, reported cost, and repairs (a call
// asking again for items the last answer had wrong). Prompts and answers are
// recorded nowhere.
func (m *Metrics) LLM(p ai.Provider) ai.Provider { return &llmProvider{Provider: p, m: m} }

type llmProvider struct {
	ai.Provider
	m *Metrics
}

func (p *llmProvider) Complete(ctx context.Context, call ai.Call) (ai.Reply, error) {
	name, model := p.Name(), p.Model()
	repair := call.Kind == ai.AttemptRepair
	ctx, span := tracer().Start(ctx, "llm "+name, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("gen_ai.system", name), attribute.String("gen_ai.request.model", model),
			attribute.Bool("imaphub.llm.repair", repair)))
	defer span.End()
	start := time.Now()
	reply, err := p.Provider.Complete(ctx, call)
	p.m.llmDuration.WithLabelValues(name, model).Observe(time.Since(start).Seconds())
	if repair {
		p.m.llmRepairs.WithLabelValues(name, model).Inc()
	}
	if err != nil {
		p.m.llmCalls.WithLabelValues(name, model, "error").Inc()
		span.SetStatus(codes.Error, err.Error())
		return reply, err
	}
	p.m.llmCalls.WithLabelValues(name, model, "ok").Inc()
	u := reply.Usage
	p.m.llmTokens.WithLabelValues(name, model, "prompt").Add(float64(u.PromptTokens))
	p.m.llmTokens.WithLabelValues(name, model, "completion").Add(float64(u.CompletionTokens))
	if u.CostReported {
		p.m.llmCost.WithLabelValues(name, model).Add(u.CostUSD)
	}
	span.SetAttributes(attribute.Int("gen_ai.usage.input_tokens", u.PromptTokens), attribute.Int("gen_ai.usage.output_tokens", u.CompletionTokens),
		attribute.String("gen_ai.response.finish_reason", reply.FinishReason))
	return reply, nil
}
