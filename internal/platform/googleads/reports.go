package googleads

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// StreamBatch is one batch of a googleAds:searchStream answer. Results are
// the rows as Google wrote them (lowerCamelCase, int64 values as strings),
// for the caller to decode into what it needs.
type StreamBatch struct {
	Results   []json.RawMessage `json:"results"`
	FieldMask string            `json:"fieldMask"`
	RequestID string            `json:"requestId"`
}

// StreamCutError is a searchStream answer that broke off after some of its
// batches were handed on: those stay handed on, the rest never came. The
// query was not tried again (the caller decides, knowing what it kept).
type StreamCutError struct {
	Batches   int // handed on before the cut
	RequestID string
	Err       error
}

func (e *StreamCutError) Error() string {
	return fmt.Sprintf("googleads: googleAds:searchStream answer broke off after %d batches (request-id %s): %v", e.Batches, e.RequestID, e.Err)
}

func (e *StreamCutError) Unwrap() error { return e.Err }

// handlerError carries an error of the caller's function through the
// attempt loop untouched.
type handlerError struct{ err error }

func (e *handlerError) Error() string { return e.err.Error() }

var errStalled = errors.New("stalled")

// SearchStreamBatches runs a GAQL query with googleAds:searchStream and hands
// each batch to fn as soon as it is decoded, so an answer of any size is held
// one batch at a time. A failure before the first batch is retried as any
// call is (RetryPolicy: temporary quota with Google's retryDelay, 5xx,
// network); after batches were handed on, a broken answer is a
// *StreamCutError. An error from fn stops the stream and is returned as it
// is. Config.CallTimeout bounds the wait for the answer and then for each
// next batch, not the whole stream.
func (c *Client) SearchStreamBatches(ctx context.Context, customerID, query string, fn func(StreamBatch) error) error {
	cid, err := checkQuery(customerID, query)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]string{"query": query})
	spec := callSpec{name: "googleAds:searchStream", method: http.MethodPost, path: "/customers/" + cid + "/googleAds:searchStream", body: body, customerID: cid, idempotent: true}
	tokenRetried := false
	for attempt := 1; ; attempt++ {
		delivered, token, err := c.streamAttempt(ctx, spec, attempt, fn)
		if err == nil {
			return nil
		}
		var h *handlerError
		if errors.As(err, &h) {
			return h.err
		}
		if delivered > 0 {
			return err
		}
		var api *APIError
		if errors.As(err, &api) && api.accessTokenRefused() && !tokenRetried && token != "" {
			tokenRetried = true
			c.tokens.invalidate(token)
			attempt--
			continue
		}
		if api != nil && api.dailyQuota() {
			return &QuotaExhaustedError{API: api, RetryAfter: api.RetryDelay()}
		}
		wait, retry := c.retryWait(err, attempt)
		if !retry {
			return err
		}
		if attempt >= c.retry.MaxAttempts {
			return fmt.Errorf("%w (gave up after %d attempts)", err, attempt)
		}
		if wait > c.retry.MaxDelay {
			return fmt.Errorf("%w (Google asks to wait %s, more than the %s allowed)", err, wait.Round(time.Millisecond), c.retry.MaxDelay)
		}
		if deadline, ok := ctx.Deadline(); ok && c.now().Add(wait).After(deadline) {
			return fmt.Errorf("%w (no time left before the deadline to wait %s for another attempt)", err, wait.Round(time.Millisecond))
		}
		c.log.LogAttrs(ctx, slog.LevelWarn, "googleads retry", slog.String("call", spec.name), slog.String("customer_id", spec.customerID),
			slog.Int("attempt", attempt), slog.Duration("wait", wait), slog.String("error", err.Error()))
		if serr := c.sleep(ctx, wait); serr != nil {
			return fmt.Errorf("googleads: %s: %w while waiting to try again after: %v", spec.name, serr, err)
		}
	}
}

// streamAttempt makes one searchStream call, decoding the array of batches
// as it arrives. It returns how many batches fn took.
func (c *Client) streamAttempt(ctx context.Context, spec callSpec, attempt int, fn func(StreamBatch) error) (delivered int, token string, err error) {
	token, err = c.tokens.get(ctx)
	if err != nil {
		return 0, "", err
	}
	callCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stall := time.AfterFunc(c.cfg.CallTimeout, func() { cancel(errStalled) })
	defer stall.Stop()
	req, err := http.NewRequestWithContext(callCtx, spec.method, c.cfg.APIURL+"/"+c.cfg.APIVersion+spec.path, bytes.NewReader(spec.body))
	if err != nil {
		return 0, token, fmt.Errorf("googleads: %s: %w", spec.name, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if c.cfg.DeveloperToken != "" {
		req.Header.Set("developer-token", c.cfg.DeveloperToken)
	}
	if c.cfg.LoginCustomerID != "" {
		req.Header.Set("login-customer-id", c.cfg.LoginCustomerID)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	start := c.now()
	// cause names why reading stopped: the caller, a stall, or the network.
	cause := func(err error) error {
		if ctx.Err() != nil {
			return fmt.Errorf("googleads: %s: %w", spec.name, ctx.Err())
		}
		if context.Cause(callCtx) == errStalled {
			return fmt.Errorf("nothing arrived within %s (%s)", c.cfg.CallTimeout, EnvCallTimeout)
		}
		return stripURL(err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		err = cause(err)
		c.logCall(ctx, spec, attempt, 0, "", start, err)
		if ctx.Err() != nil {
			return 0, token, err
		}
		return 0, token, &NetworkError{Call: spec.name, Host: hostOf(c.cfg.APIURL), Err: err}
	}
	defer resp.Body.Close()
	requestID := resp.Header.Get("request-id")
	if resp.StatusCode/100 != 2 {
		raw, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		apiErr := decodeAPIError(spec.name, resp.StatusCode, raw, requestID)
		if rerr != nil {
			apiErr.Message = "answer cut: " + rerr.Error()
		}
		c.logCall(ctx, spec, attempt, resp.StatusCode, apiErr.RequestID, start, apiErr)
		return 0, token, apiErr
	}
	// broken is an answer that stopped being a stream of batches.
	broken := func(err error) error {
		err = cause(err)
		c.logCall(ctx, spec, attempt, resp.StatusCode, requestID, start, err)
		if delivered > 0 {
			return &StreamCutError{Batches: delivered, RequestID: requestID, Err: err}
		}
		if ctx.Err() != nil {
			return err
		}
		return &NetworkError{Call: spec.name, Host: hostOf(c.cfg.APIURL), Err: fmt.Errorf("answer broke off before its first batch (request-id %s): %w", requestID, err)}
	}
	dec := json.NewDecoder(resp.Body)
	if tok, err := dec.Token(); err != nil {
		return 0, token, broken(err)
	} else if tok != json.Delim('[') {
		err := fmt.Errorf("googleads: %s: the answer is not a JSON array of batches (it starts with %v; request-id %s)", spec.name, tok, requestID)
		c.logCall(ctx, spec, attempt, resp.StatusCode, requestID, start, err)
		return 0, token, err
	}
	for dec.More() {
		var b struct {
			StreamBatch
			Error json.RawMessage `json:"error"`
		}
		if err := dec.Decode(&b); err != nil {
			return delivered, token, broken(err)
		}
		if b.Error != nil {
			// An error after the answer began: Google ends the array with it.
			apiErr := decodeAPIError(spec.name, resp.StatusCode, append(append([]byte(`{"error":`), b.Error...), '}'), requestID)
			c.logCall(ctx, spec, attempt, resp.StatusCode, requestID, start, apiErr)
			if delivered > 0 {
				return delivered, token, &StreamCutError{Batches: delivered, RequestID: requestID, Err: apiErr}
			}
			return 0, token, apiErr
		}
		stall.Reset(c.cfg.CallTimeout)
		if b.RequestID == "" {
			b.RequestID = requestID
		}
		if err := fn(b.StreamBatch); err != nil {
			return delivered, token, &handlerError{err}
		}
		delivered++
	}
	if _, err := dec.Token(); err != nil {
		return delivered, token, broken(err)
	}
	c.logCall(ctx, spec, attempt, resp.StatusCode, requestID, start, nil)
	return delivered, token, nil
}
