// Package errs is the one error type that business code returns for failures
// a user can act on: a code that maps 1:1 to an HTTP status, a message that is
// safe to show, and the field it concerns. Anything else is an internal error:
// logged with its cause, shown as a generic 500.
package errs

import (
	"errors"
	"fmt"
	"strings"
)

// Code classifies an error for the API.
type Code string

const (
	Invalid            Code = "invalid"             // 422: the input breaks a rule
	BadRequest         Code = "bad_request"         // 400: the request cannot be read
	NotFound           Code = "not_found"           // 404
	Conflict           Code = "conflict"            // 409: the current state forbids it
	PreconditionFailed Code = "precondition_failed" // 412: stale If-Match
	// PreconditionRequired (428): the write must name the version it is
	// based on (If-Match).
	PreconditionRequired Code = "precondition_required"
	Unauthorized         Code = "unauthorized" // 401
	Forbidden            Code = "forbidden"    // 403
)

// FieldError names one offending input value.
type FieldError struct {
	// Location is where the value sits, e.g. "body.name" or "path.id".
	Location string
	Message  string
	Value    any
	// Code is a stable machine-readable reason (a policy rule code, say).
	Code string
	// Start and End are the code-point span inside a text value, when known.
	Start, End *int
}

// Error is a failure with a public message.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
	// Extra holds extension members of the problem document (RFC 9457 §3.2),
	// e.g. the current state and allowed events of a refused transition.
	Extra map[string]any
}

func (e *Error) Error() string {
	if len(e.Fields) == 1 && e.Fields[0].Location != "" && !strings.HasPrefix(e.Message, e.Fields[0].Location+": ") {
		return fmt.Sprintf("%s: %s", e.Fields[0].Location, e.Message)
	}
	return e.Message
}

// E builds an Error with a formatted message.
func E(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Field builds an Invalid error about one input field.
func Field(location, message string, value any) *Error {
	return &Error{Code: Invalid, Message: location + ": " + message, Fields: []FieldError{{Location: location, Message: message, Value: value}}}
}

// Under returns a copy of e whose field locations sit under prefix, e.g.
// "from" → "body.from" for a check shared by the API (the request body)
// and the command line (flags).
func (e *Error) Under(prefix string) *Error {
	c := *e
	c.Fields = make([]FieldError, len(e.Fields))
	for i, f := range e.Fields {
		if f.Location != "" {
			if strings.HasPrefix(c.Message, f.Location+": ") {
				c.Message = prefix + "." + c.Message
			}
			f.Location = prefix + "." + f.Location
		}
		c.Fields[i] = f
	}
	return &c
}

// NotFoundf reports a missing entity.
func NotFoundf(format string, args ...any) *Error { return E(NotFound, format, args...) }

// Conflictf reports a write the current state forbids.
func Conflictf(format string, args ...any) *Error { return E(Conflict, format, args...) }

// With adds an extension member and returns e.
func (e *Error) With(key string, value any) *Error {
	if e.Extra == nil {
		e.Extra = map[string]any{}
	}
	e.Extra[key] = value
	return e
}

// As returns the *Error in err's chain, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// Is reports whether err carries code.
func Is(err error, code Code) bool {
	e := As(err)
	return e != nil && e.Code == code
}
