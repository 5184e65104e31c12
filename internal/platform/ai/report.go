package ai

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// What a run reports: why it stopped, every call it made, its progress
// events, and the error of a run that gave up.

// StopReason says why a run ended.
type StopReason string

const (
	StopComplete   StopReason = "complete"
	StopMaxRepairs StopReason = "max_repairs"
	StopRepeated   StopReason = "repeated_error"
	StopTokens     StopReason = "token_budget"
	StopDeadline   StopReason = "deadline"
	StopCanceled   StopReason = "canceled"
	StopTransport  StopReason = "transport"
	StopTruncated  StopReason = "truncated"
)

// AttemptKind says why a call was made.
type AttemptKind string

const (
	AttemptInitial      AttemptKind = "initial"
	AttemptRepair       AttemptKind = "repair"       // the previous answer had problems
	AttemptContinuation AttemptKind = "continuation" // previous answer was cut off or split; not a repair
)

// Report is the audit trail of one run.
type Report struct {
	Provider      string
	Model         string
	PromptVersion string
	Attempts      []Attempt
	Usage         Usage // summed over all attempts
	Repairs       int
	Duration      time.Duration
	Stop          StopReason
	Missing       []Want // slots still short when the run ended
}

// Attempt is one model call.
type Attempt struct {
	Number       int
	Kind         AttemptKind
	Want         []Want
	Retries      int // transport retries before this call got an answer
	Usage        Usage
	Duration     time.Duration
	FinishReason string
	CallID       string
	Raw          string
	Accepted     int
	Problems     []Problem
	Error        string // transport error when the call got no answer
}

// EventKind names a progress event.
type EventKind string

const (
	EventRequest      EventKind = "request"
	EventResponse     EventKind = "response"
	EventRetry        EventKind = "retry" // transport retry, with Wait and Err
	EventItemAccepted EventKind = "item_accepted"
	EventItemRejected EventKind = "item_rejected"
	EventRepair       EventKind = "repair" // a repair call is about to be sent, with the problems it names
	EventExhausted    EventKind = "exhausted"
	EventDone         EventKind = "done"
)

// Event reports progress. Fields not relevant to a kind are zero.
type Event struct {
	Kind     EventKind
	Attempt  int // number of the call the event belongs to (1-based)
	Repairs  int // repairs used so far
	Want     []Want
	Slot     string
	Index    int // item index in the answer; for retry events, the retry number
	Value    string
	Problems []Problem
	Usage    Usage // this call (response events)
	Total    Usage // running total
	Wait     time.Duration
	Reason   StopReason
	Err      error
}

// ErrExhausted is matched by errors.Is when a run ends without a complete set.
var ErrExhausted = errors.New("ai: validation loop exhausted")

// ExhaustedError says why a run stopped and what is still missing.
type ExhaustedError struct {
	Reason  StopReason
	Missing []Want
	Last    []Problem // problems of the last answer
	Err     error     // underlying transport or context error, if any
}

func (e *ExhaustedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ai: gave up (%s): missing", e.Reason)
	for i, w := range e.Missing {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, " %d %s", w.Count, w.Slot)
	}
	if len(e.Last) > 0 {
		b.WriteString("; last errors:")
		for i, p := range e.Last {
			if i == 3 {
				fmt.Fprintf(&b, " and %d more", len(e.Last)-3)
				break
			}
			b.WriteString(" " + p.summary())
		}
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

func (e *ExhaustedError) Is(target error) bool { return target == ErrExhausted }
func (e *ExhaustedError) Unwrap() error        { return e.Err }

func (p Problem) summary() string {
	s := p.Path + " " + p.Code
	if p.Limit > 0 {
		s += fmt.Sprintf(" (%d/%d)", p.Width, p.Limit)
	}
	return s
}
