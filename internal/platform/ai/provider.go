package ai

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Provider produces one model answer for one call. The loop treats every
// provider the same way: it validates whatever comes back and decides what
// to ask next. Implementations do no validation and no re-asking of their
// own; they report transport failures as *TransportError so the loop can
// tell a rate limit from a bad answer.
type Provider interface {
	// Name labels the provider in reports, e.g. "openai" or "offline".
	Name() string
	// Model is the model identifier sent to the provider.
	Model() string
	Complete(ctx context.Context, call Call) (Reply, error)
}

// Role of a chat message.
type Role string

const (
	RoleSystem Role = "system"
	RoleUser   Role = "user"
)

// Message is one chat message. The loop never sends assistant turns: repairs
// restate the accepted state instead of replaying history.
type Message struct {
	Role    Role
	Content string
}

// Want asks for Count new items for a slot.
type Want struct {
	Slot  string
	Count int
}

// Call is everything a provider needs for one request. Messages carry the
// prompt for text models; Input, Want, Accepted and Problems carry the same
// request as data, so a provider that writes without a model (offline) reads
// fields and parses no prose.
type Call struct {
	Messages   []Message
	SchemaName string
	Schema     *Schema // the object to return: only the slots in Want
	// Input is the request's own data (Request.Input), the same on every call.
	Input    any
	Want     []Want
	Accepted map[string][]string // items already kept; new ones must differ
	// Problems are the rejections the repair message names: the items of the
	// last answer that were not kept, and why. Nil on the first call.
	Problems  []Problem
	MaxTokens int // completion limit for this call; 0 = provider default
	// Kind says why the loop makes this call: the first ask, a repair of
	// rejected items, or a continuation of a cut-off answer.
	Kind AttemptKind
}

// Reply is one model answer.
type Reply struct {
	Content      string // the JSON text (tool-call arguments in tools mode)
	FinishReason string // "stop", "length", "content_filter", …
	Refusal      string
	Usage        Usage
	CallID       string // provider request id, for the audit trail
}

// Usage counts tokens and, where the provider reports it, cost in USD.
type Usage struct {
	PromptTokens     int
	CompletionTokens int
	CostUSD          float64
	// CostReported is true when every call summed here reported a cost, so
	// CostUSD is the whole cost and not a lower bound.
	CostReported bool
}

// TotalTokens is prompt plus completion tokens.
func (u Usage) TotalTokens() int { return u.PromptTokens + u.CompletionTokens }

func (u Usage) add(v Usage, first bool) Usage {
	return Usage{
		PromptTokens:     u.PromptTokens + v.PromptTokens,
		CompletionTokens: u.CompletionTokens + v.CompletionTokens,
		CostUSD:          u.CostUSD + v.CostUSD,
		CostReported:     (first || u.CostReported) && v.CostReported,
	}
}

// TransportError is a failure to get any answer from the provider. It is
// never shown to the model. Retryable errors (429, 408, 5xx, broken
// connections, a call that outlasted its timeout) are retried with backoff;
// others end the run.
type TransportError struct {
	StatusCode int           // HTTP status, 0 for network errors
	RetryAfter time.Duration // from Retry-After or Retry-After-Ms; 0 when absent
	Retryable  bool
	// Message is the provider's own explanation from the error body
	// ("Invalid schema for response_format …"), with its error type; it is
	// what a person needs to fix a refused request.
	Message string
	Err     error
}

func (e *TransportError) Error() string {
	switch {
	case e.StatusCode != 0 && e.Message != "":
		return fmt.Sprintf("provider answered HTTP %d %s: %s", e.StatusCode, http.StatusText(e.StatusCode), e.Message)
	case e.StatusCode != 0:
		return fmt.Sprintf("provider answered HTTP %d: %v", e.StatusCode, e.Err)
	}
	return fmt.Sprintf("provider unreachable: %v", e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// RetryableStatus reports whether an HTTP status is worth retrying.
func RetryableStatus(code int) bool {
	return code == http.StatusTooManyRequests || code == http.StatusRequestTimeout || code >= 500
}

// ParseRetryAfter reads Retry-After (seconds or an HTTP date) and the
// millisecond variant some proxies send. It returns 0 when absent or invalid.
func ParseRetryAfter(h http.Header, now time.Time) time.Duration {
	if ms := h.Get("Retry-After-Ms"); ms != "" {
		if v, err := strconv.ParseFloat(ms, 64); err == nil && v > 0 {
			return time.Duration(min(v, 24*3600*1000) * float64(time.Millisecond))
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		// A day is longer than any run; beyond it the exact figure does not
		// matter, and a larger one would overflow.
		return time.Duration(min(secs, 24*3600) * float64(time.Second))
	}
	if at, err := http.ParseTime(v); err == nil {
		if d := at.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// RetryPolicy governs transport retries. They are separate from validation
// repairs: a rate limit says nothing about the answer, so it must not use
// up the repair budget, and the model must not hear about it.
type RetryPolicy struct {
	// MaxRetries is the number of retries after the first try of one call.
	// Default 4; negative disables retries.
	MaxRetries int
	// BaseDelay is the first backoff step, doubled per retry. Default 500ms.
	BaseDelay time.Duration
	// MaxDelay caps our own backoff. Default 30s. A wait the provider asks
	// for (Retry-After) is not shortened: retrying earlier would only be
	// refused again. It is honoured when the run's deadline leaves time for
	// it; otherwise the call fails at once, naming the wait.
	MaxDelay time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxRetries == 0 {
		p.MaxRetries = 4
	}
	if p.MaxRetries < 0 {
		p.MaxRetries = 0
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 500 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 30 * time.Second
	}
	return p
}

// delay is the wait before retry n (0-based): the server's Retry-After when
// given, as asked, else exponential backoff with jitter (capped at MaxDelay)
// so that parallel runs hitting the same limit do not retry in lockstep.
func (p RetryPolicy) delay(n int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return retryAfter
	}
	d := p.BaseDelay << min(n, 16)
	d = d/2 + rand.N(d/2+1)
	return min(d, p.MaxDelay)
}

// completeWithRetry calls the provider, retrying retryable transport errors.
// It gives up at once when the wait would outlast the context deadline,
// since sleeping only to fail at the deadline wastes the caller's time; the
// error then says how long the provider asked to wait.
func completeWithRetry(ctx context.Context, p Provider, call Call, policy RetryPolicy, onRetry func(n int, wait time.Duration, err error)) (Reply, int, error) {
	for n := 0; ; n++ {
		reply, err := p.Complete(ctx, call)
		if err == nil {
			return reply, n, nil
		}
		if ctx.Err() != nil {
			return Reply{}, n, fmt.Errorf("call %s: %w", p.Name(), ctx.Err())
		}
		var te *TransportError
		if !errors.As(err, &te) || !te.Retryable || n >= policy.MaxRetries {
			return Reply{}, n, fmt.Errorf("call %s after %d retries: %w", p.Name(), n, err)
		}
		wait := policy.delay(n, te.RetryAfter)
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			left := max(time.Until(dl), 0).Round(time.Second)
			if te.RetryAfter > 0 {
				return Reply{}, n, fmt.Errorf("call %s: the provider asked to wait %s before the next call (Retry-After), more than the %s left of this run: %w", p.Name(), te.RetryAfter.Round(time.Millisecond), left, err)
			}
			return Reply{}, n, fmt.Errorf("call %s: retry wait %s exceeds the %s left of this run: %w", p.Name(), wait.Round(time.Millisecond), left, err)
		}
		onRetry(n+1, wait, err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return Reply{}, n, fmt.Errorf("call %s: %w", p.Name(), ctx.Err())
		case <-t.C:
		}
	}
}
