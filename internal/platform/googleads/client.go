package googleads

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"
)

// RetryPolicy bounds the retries of transient failures. Every retry also
// stays within the caller's context deadline: a wait that would end after it
// is not started.
type RetryPolicy struct {
	// MaxAttempts is the number of tries of one call, default 5.
	MaxAttempts int
	// BaseDelay is the first backoff when Google names no retryDelay,
	// doubled per attempt with jitter, default 2s.
	BaseDelay time.Duration
	// MaxDelay caps one wait, default 60s; a retryDelay above it is not
	// waited for (the error is returned).
	MaxDelay time.Duration
}

// DefaultRetryPolicy is used when none is given.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 5, BaseDelay: 2 * time.Second, MaxDelay: time.Minute}

// Client calls the Google Ads REST API. It is safe for concurrent use; all
// calls share one access token.
type Client struct {
	cfg    Config
	http   *http.Client
	tokens *tokenSource
	log    *slog.Logger
	retry  RetryPolicy
	now    func() time.Time
	// sleep waits between attempts; tests record the waits instead.
	sleep func(ctx context.Context, d time.Duration) error
	obs   Observer
}

// Observer hears of every call of a Client: metrics and traces.
type Observer interface {
	// StartCall begins a call of the API method name (every attempt of it);
	// the context it returns is the call's, and done receives its outcome.
	StartCall(ctx context.Context, name string) (_ context.Context, done func(err error))
	// FailedAttempt reports one attempt that failed, retried or not.
	FailedAttempt(ctx context.Context, name string, err error)
	// Retrying reports a wait of the client before it tries again after err.
	Retrying(ctx context.Context, name string, wait time.Duration, err error)
}

type noObserver struct{}

func (noObserver) StartCall(ctx context.Context, _ string) (context.Context, func(error)) {
	return ctx, func(error) {}
}
func (noObserver) FailedAttempt(context.Context, string, error)           {}
func (noObserver) Retrying(context.Context, string, time.Duration, error) {}

// WithObserver sets who hears of calls, attempts and waits.
func WithObserver(o Observer) Option { return func(c *Client) { c.obs = o } }

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the HTTP client (default: one with no overall timeout;
// each call is bounded by Config.CallTimeout).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithLogger sets where calls are logged (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(c *Client) { c.log = l } }

// WithRetryPolicy replaces DefaultRetryPolicy.
func WithRetryPolicy(p RetryPolicy) Option { return func(c *Client) { c.retry = p } }

// New builds a client. Without credentials it returns a *NotConnectedError
// (errors.Is ErrNotConnected) naming the variables to set.
func New(cfg Config, opts ...Option) (*Client, error) {
	if missing := cfg.Missing(); len(missing) > 0 {
		return nil, &NotConnectedError{Missing: missing}
	}
	if err := cfg.normalize(); err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, http: &http.Client{}, log: slog.Default(), retry: DefaultRetryPolicy, now: time.Now, sleep: sleepCtx, obs: noObserver{}}
	for _, o := range opts {
		o(c)
	}
	if c.retry.MaxAttempts <= 0 {
		c.retry.MaxAttempts = DefaultRetryPolicy.MaxAttempts
	}
	if c.retry.BaseDelay <= 0 {
		c.retry.BaseDelay = DefaultRetryPolicy.BaseDelay
	}
	if c.retry.MaxDelay <= 0 {
		c.retry.MaxDelay = DefaultRetryPolicy.MaxDelay
	}
	c.tokens = &tokenSource{
		httpClient: c.http, tokenURL: cfg.TokenURL, clientID: cfg.ClientID, clientSecret: cfg.ClientSecret,
		refreshToken: cfg.RefreshToken, timeout: cfg.CallTimeout, now: func() time.Time { return c.now() },
	}
	return c, nil
}

// Config returns the client's configuration (print it with %v: secrets are
// redacted).
func (c *Client) Config() Config { return c.cfg }

// Authenticate makes sure a valid access token is at hand, fetching one
// when needed: it tests the OAuth credentials on their own.
func (c *Client) Authenticate(ctx context.Context) error {
	_, err := c.tokens.get(ctx)
	return err
}

// callSpec is one API call.
type callSpec struct {
	name       string // for logs and errors, e.g. "googleAds:mutate"
	method     string
	path       string // after /vNN
	body       []byte
	customerID string
	operations int
	// idempotent calls may be sent again after a lost answer; a mutate is
	// not (unless validate-only).
	idempotent bool
}

type callResult struct {
	body      []byte
	requestID string
}

// call sends spec with retries. See RetryPolicy.
func (c *Client) call(ctx context.Context, spec callSpec) (_ callResult, err error) {
	ctx, done := c.obs.StartCall(ctx, spec.name)
	defer func() { done(err) }()
	tokenRetried := false
	for attempt := 1; ; attempt++ {
		res, token, err := c.attempt(ctx, spec, attempt)
		if err == nil {
			return res, nil
		}
		c.obs.FailedAttempt(ctx, spec.name, err)
		var api *APIError
		if errors.As(err, &api) && api.accessTokenRefused() && !tokenRetried && token != "" {
			// Google refused a token we thought valid (revoked, clock skew):
			// one fresh token, at once. The request was refused, not run.
			tokenRetried = true
			c.tokens.invalidate(token)
			attempt--
			continue
		}
		if api != nil && api.dailyQuota() {
			return callResult{}, &QuotaExhaustedError{API: api, RetryAfter: api.RetryDelay()}
		}
		wait, retry := c.retryWait(err, attempt)
		if !retry {
			return callResult{}, err
		}
		if attempt >= c.retry.MaxAttempts {
			return callResult{}, fmt.Errorf("%w (gave up after %d attempts)", err, attempt)
		}
		if wait > c.retry.MaxDelay {
			return callResult{}, fmt.Errorf("%w (Google asks to wait %s, more than the %s allowed)", err, wait.Round(time.Millisecond), c.retry.MaxDelay)
		}
		if deadline, ok := ctx.Deadline(); ok && c.now().Add(wait).After(deadline) {
			return callResult{}, fmt.Errorf("%w (no time left before the deadline to wait %s for another attempt)", err, wait.Round(time.Millisecond))
		}
		c.obs.Retrying(ctx, spec.name, wait, err)
		c.log.LogAttrs(ctx, slog.LevelWarn, "googleads retry", slog.String("call", spec.name), slog.String("customer_id", spec.customerID),
			slog.Int("attempt", attempt), slog.Duration("wait", wait), slog.String("error", err.Error()))
		if serr := c.sleep(ctx, wait); serr != nil {
			return callResult{}, fmt.Errorf("googleads: %s: %w while waiting to try again after: %v", spec.name, serr, err)
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryWait decides whether err is worth another attempt and how long to
// wait first: Google's retryDelay when it names one (plus up to 10% jitter),
// else exponential backoff with full jitter.
func (c *Client) retryWait(err error, attempt int) (time.Duration, bool) {
	var api *APIError
	var netErr *NetworkError
	switch {
	case errors.As(err, &api):
		if !api.Temporary() {
			return 0, false
		}
		if d := api.RetryDelay(); d > 0 {
			return d + time.Duration(rand.Int64N(int64(d)/10+1)), true
		}
	case errors.As(err, &netErr):
	default:
		return 0, false
	}
	backoff := c.retry.BaseDelay << min(attempt-1, 16)
	backoff = min(backoff, c.retry.MaxDelay)
	return backoff/2 + time.Duration(rand.Int64N(int64(backoff/2)+1)), true
}

// attempt makes one HTTP call. It returns the token used, so a refused one
// can be dropped.
func (c *Client) attempt(ctx context.Context, spec callSpec, attempt int) (callResult, string, error) {
	token, err := c.tokens.get(ctx)
	if err != nil {
		return callResult{}, "", err
	}
	callCtx, cancel := context.WithTimeout(ctx, c.cfg.CallTimeout)
	defer cancel()
	var sent atomic.Bool
	callCtx = httptrace.WithClientTrace(callCtx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				sent.Store(true)
			}
		},
	})
	url := c.cfg.APIURL + "/" + c.cfg.APIVersion + spec.path
	var body io.Reader
	if spec.body != nil {
		body = bytes.NewReader(spec.body)
	}
	req, err := http.NewRequestWithContext(callCtx, spec.method, url, body)
	if err != nil {
		return callResult{}, token, fmt.Errorf("googleads: %s: %w", spec.name, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if c.cfg.DeveloperToken != "" {
		req.Header.Set("developer-token", c.cfg.DeveloperToken)
	}
	if c.cfg.LoginCustomerID != "" {
		req.Header.Set("login-customer-id", c.cfg.LoginCustomerID)
	}
	if spec.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	start := c.now()
	resp, err := c.http.Do(req)
	lost := func(cause error) error {
		if sent.Load() && !spec.idempotent {
			return &UnknownOutcomeError{CustomerID: spec.customerID, Operations: spec.operations, Err: cause}
		}
		if ctx.Err() != nil {
			return fmt.Errorf("googleads: %s: %w", spec.name, ctx.Err())
		}
		return &NetworkError{Call: spec.name, Host: hostOf(c.cfg.APIURL), Err: cause}
	}
	if err != nil {
		cause := stripURL(err)
		if ctx.Err() == nil && callCtx.Err() != nil {
			cause = fmt.Errorf("no answer within %s (%s)", c.cfg.CallTimeout, EnvCallTimeout)
		}
		c.logCall(ctx, spec, attempt, 0, "", start, cause)
		return callResult{}, token, lost(cause)
	}
	defer resp.Body.Close()
	requestID := resp.Header.Get("request-id")
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		c.logCall(ctx, spec, attempt, resp.StatusCode, requestID, start, err)
		if resp.StatusCode/100 == 2 {
			// Google answered (and applied a mutate) but the answer is cut:
			// the results are lost.
			return callResult{}, token, lost(fmt.Errorf("answer cut after status %d (request-id %s): %w", resp.StatusCode, requestID, stripURL(err)))
		}
		// An error status: nothing was applied, whatever the body said.
		return callResult{}, token, &APIError{Call: spec.name, HTTPStatus: resp.StatusCode, RequestID: requestID, Message: "answer cut: " + err.Error()}
	}
	if resp.StatusCode/100 != 2 {
		apiErr := decodeAPIError(spec.name, resp.StatusCode, raw, requestID)
		c.logCall(ctx, spec, attempt, resp.StatusCode, apiErr.RequestID, start, apiErr)
		return callResult{}, token, apiErr
	}
	c.logCall(ctx, spec, attempt, resp.StatusCode, requestID, start, nil)
	return callResult{body: raw, requestID: requestID}, token, nil
}

func (c *Client) logCall(ctx context.Context, spec callSpec, attempt, status int, requestID string, start time.Time, err error) {
	attrs := []slog.Attr{
		slog.String("call", spec.name), slog.String("customer_id", spec.customerID), slog.Int("attempt", attempt),
		slog.Int("status", status), slog.String("request_id", requestID), slog.Duration("duration", c.now().Sub(start)),
	}
	if spec.operations > 0 {
		attrs = append(attrs, slog.Int("operations", spec.operations))
	}
	level := slog.LevelInfo
	if err != nil {
		level = slog.LevelWarn
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.log.LogAttrs(ctx, level, "googleads call", attrs...)
}
