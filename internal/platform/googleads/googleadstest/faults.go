package googleadstest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// FaultKind is a failure the fake plays instead of (or around) an answer.
type FaultKind string

const (
	// FaultTemporaryQuota answers 429 RESOURCE_EXHAUSTED with
	// quotaError.RESOURCE_TEMPORARILY_EXHAUSTED and a retryDelay of
	// Fault.RetryDelay (none when zero).
	FaultTemporaryQuota FaultKind = "temporary_quota"
	// FaultDailyQuota answers 429 RESOURCE_EXHAUSTED with
	// quotaError.RESOURCE_EXHAUSTED: the day's operations are used up
	// (retryDelay: until midnight, when Fault.RetryDelay is zero).
	FaultDailyQuota FaultKind = "daily_quota"
	// FaultUnavailable answers 503 UNAVAILABLE.
	FaultUnavailable FaultKind = "unavailable"
	// FaultInternal answers 500 INTERNAL with internalError.INTERNAL_ERROR.
	FaultInternal FaultKind = "internal"
	// FaultDeadlineExceeded answers 504 DEADLINE_EXCEEDED.
	FaultDeadlineExceeded FaultKind = "deadline_exceeded"
	// FaultLoseAnswer handles the call (a mutate is applied) and then drops
	// the connection without answering.
	FaultLoseAnswer FaultKind = "lose_answer"
	// FaultDropRequest drops the connection without handling the call.
	FaultDropRequest FaultKind = "drop_request"
	// FaultSlow waits Fault.Delay before handling the call; if the client
	// gives up meanwhile, nothing is handled.
	FaultSlow FaultKind = "slow"
)

// Fault is played on the next matching calls (after authentication, as
// Google checks quota after credentials). In JSON (the control endpoint):
// {"call": "mutate", "kind": "temporary_quota", "retry_delay": "2s",
// "delay": "5s", "times": 1}.
type Fault struct {
	// Call is token, listAccessibleCustomers, search, searchStream or
	// mutate; empty matches every API call (not token).
	Call       string
	Kind       FaultKind
	RetryDelay time.Duration
	Delay      time.Duration
	// Times is how many matching calls it affects, default 1.
	Times int
}

// UnmarshalJSON reads a fault with durations such as "2s".
func (ft *Fault) UnmarshalJSON(b []byte) error {
	var raw struct {
		Call       string    `json:"call"`
		Kind       FaultKind `json:"kind"`
		RetryDelay string    `json:"retry_delay"`
		Delay      string    `json:"delay"`
		Times      int       `json:"times"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	*ft = Fault{Call: raw.Call, Kind: raw.Kind, Times: raw.Times}
	for _, d := range []struct {
		s   string
		dst *time.Duration
	}{{raw.RetryDelay, &ft.RetryDelay}, {raw.Delay, &ft.Delay}} {
		if d.s == "" {
			continue
		}
		v, err := time.ParseDuration(d.s)
		if err != nil {
			return fmt.Errorf("duration %q: %w", d.s, err)
		}
		*d.dst = v
	}
	switch ft.Kind {
	case FaultTemporaryQuota, FaultDailyQuota, FaultUnavailable, FaultInternal, FaultDeadlineExceeded, FaultLoseAnswer, FaultDropRequest, FaultSlow:
		return nil
	}
	return fmt.Errorf("fault kind %q: want temporary_quota, daily_quota, unavailable, internal, deadline_exceeded, lose_answer, drop_request or slow", ft.Kind)
}

// Inject queues faults; each plays on the next calls it matches, in order.
func (f *Fake) Inject(faults ...Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, ft := range faults {
		ft := ft
		if ft.Times <= 0 {
			ft.Times = 1
		}
		f.faults = append(f.faults, &ft)
	}
}

// take returns the first queued fault matching call and uses it up.
func (f *Fake) take(call string) *Fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, ft := range f.faults {
		if ft.Call == call || (ft.Call == "" && call != "token") {
			ft.Times--
			if ft.Times == 0 {
				f.faults = append(f.faults[:i], f.faults[i+1:]...)
			}
			cp := *ft
			return &cp
		}
	}
	return nil
}

// applyFault plays a fault for an API call; done is true when the call must
// not be handled further here.
func (f *Fake) applyFault(c *callCtx) (done bool) {
	ft := f.take(c.call)
	if ft == nil {
		return false
	}
	switch ft.Kind {
	case FaultTemporaryQuota:
		e := newErr(nil, "quotaError", "RESOURCE_TEMPORARILY_EXHAUSTED", "Too many requests in a short amount of time. Retry in "+ft.RetryDelay.String()+".")
		e.quota = &quotaDetails{scope: "ACCOUNT", name: "Request rate per account", retryDelay: ft.RetryDelay}
		f.writeError(c.w, c.fail("RESOURCE_EXHAUSTED", e))
	case FaultDailyQuota:
		delay := ft.RetryDelay
		if delay == 0 {
			now := f.now()
			delay = time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, now.Location()).Sub(now).Truncate(time.Second)
		}
		e := newErr(nil, "quotaError", "RESOURCE_EXHAUSTED", "Too many requests. Retry in "+strconv.FormatInt(int64(delay/time.Second), 10)+" seconds.")
		e.quota = &quotaDetails{scope: "DEVELOPER", name: "Number of operations for basic access", retryDelay: delay}
		f.writeError(c.w, c.fail("RESOURCE_EXHAUSTED", e))
	case FaultUnavailable:
		f.writeError(c.w, &apiError{status: "UNAVAILABLE", message: "The service is currently unavailable."})
	case FaultInternal:
		f.writeError(c.w, c.fail("INTERNAL", newErr(nil, "internalError", "INTERNAL_ERROR", "An internal error has occurred.")))
	case FaultDeadlineExceeded:
		f.writeError(c.w, &apiError{status: "DEADLINE_EXCEEDED", message: "The request deadline was exceeded."})
	case FaultDropRequest:
		drop(c.w)
	case FaultLoseAnswer:
		// Handle the call against a throwaway writer, then hang up.
		real := c.w
		c.w = &discard{header: http.Header{}}
		f.handle(c)
		drop(real)
	case FaultSlow:
		t := time.NewTimer(ft.Delay)
		defer t.Stop()
		select {
		case <-c.r.Context().Done():
			return true // the client gave up: nothing handled
		case <-t.C:
		}
		return false
	default:
		return false
	}
	return true
}

// tokenFault plays a fault queued for the token endpoint.
func (f *Fake) tokenFault(w http.ResponseWriter) bool {
	ft := f.take("token")
	if ft == nil {
		return false
	}
	switch ft.Kind {
	case FaultUnavailable, FaultInternal, FaultDeadlineExceeded:
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "temporarily_unavailable", "error_description": "The service is currently unavailable."})
	case FaultDropRequest, FaultLoseAnswer:
		drop(w)
	case FaultSlow:
		time.Sleep(ft.Delay)
		return false
	default:
		return false
	}
	return true
}

// drop closes the connection without an answer.
func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic("googleadstest: cannot drop the connection: " + err.Error())
	}
	_ = conn.Close()
}

// discard is a ResponseWriter whose answer goes nowhere.
type discard struct{ header http.Header }

func (d *discard) Header() http.Header         { return d.header }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}
