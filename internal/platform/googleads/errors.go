package googleads

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// APIError is an answer of the API that is not a success.
type APIError struct {
	Call       string // e.g. "googleAds:mutate"
	HTTPStatus int
	Status     string // the google.rpc code name, e.g. INVALID_ARGUMENT
	Message    string
	RequestID  string
	// Errors are the GoogleAdsFailure's errors, each with its code and
	// location.
	Errors []GoogleAdsError
	// FieldViolations name the parts of the request the API could not read.
	FieldViolations []FieldViolation
	// Reason is the google.rpc.ErrorInfo reason when there is one, e.g.
	// ACCESS_TOKEN_SCOPE_INSUFFICIENT or SERVICE_DISABLED.
	Reason string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "googleads: %s: %d", e.Call, e.HTTPStatus)
	if e.Status != "" {
		b.WriteString(" " + e.Status)
	}
	switch {
	case len(e.Errors) > 0:
		b.WriteString(": " + e.Errors[0].String())
		if len(e.Errors) > 1 {
			fmt.Fprintf(&b, " (and %d more)", len(e.Errors)-1)
		}
	case len(e.FieldViolations) > 0:
		b.WriteString(": " + e.FieldViolations[0].Description)
	case e.Message != "":
		b.WriteString(": " + e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" (request-id " + e.RequestID + ")")
	}
	return b.String()
}

// Has reports whether one of the errors carries code, given as
// "category.VALUE" (authorizationError.USER_PERMISSION_DENIED) or as the
// bare value.
func (e *APIError) Has(code string) bool {
	return slices.ContainsFunc(e.Errors, func(g GoogleAdsError) bool {
		return g.Code.String() == code || g.Code.Value == code
	})
}

// Temporary reports whether the same request may succeed later without
// change: server trouble and short-term rate limits. The daily quota is not
// temporary in this sense (see [QuotaExhaustedError]).
func (e *APIError) Temporary() bool {
	if e.dailyQuota() {
		return false
	}
	switch e.Status {
	case "UNAVAILABLE", "DEADLINE_EXCEEDED", "INTERNAL", "ABORTED":
		return true
	case "RESOURCE_EXHAUSTED":
		return !e.Has("quotaError.EXCESSIVE_LONG_TERM_QUERY_RESOURCE_CONSUMPTION")
	}
	if e.Has("internalError.TRANSIENT_ERROR") || e.Has("internalError.INTERNAL_ERROR") || e.Has("internalError.DEADLINE_EXCEEDED") {
		return true
	}
	switch e.HTTPStatus {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return e.Status == "" && e.HTTPStatus >= 500
}

// RetryDelay is the longest wait Google asked for, zero when none.
func (e *APIError) RetryDelay() time.Duration {
	var d time.Duration
	for _, g := range e.Errors {
		if g.Quota != nil && g.Quota.RetryDelay > d {
			d = g.Quota.RetryDelay
		}
	}
	return d
}

func (e *APIError) dailyQuota() bool { return e.Has("quotaError.RESOURCE_EXHAUSTED") }

// accessTokenRefused reports a 401 about the access token itself, which a
// fresh token may cure.
func (e *APIError) accessTokenRefused() bool {
	if e.HTTPStatus != http.StatusUnauthorized {
		return false
	}
	if len(e.Errors) == 0 {
		return true
	}
	for _, g := range e.Errors {
		switch g.Code.String() {
		case "authenticationError.OAUTH_TOKEN_INVALID", "authenticationError.OAUTH_TOKEN_EXPIRED",
			"authenticationError.OAUTH_TOKEN_REVOKED", "authenticationError.OAUTH_TOKEN_DISABLED",
			"authenticationError.OAUTH_TOKEN_HEADER_INVALID", "authenticationError.AUTHENTICATION_ERROR":
			return true
		}
	}
	return false
}

// decodeAPIError reads a google.rpc.Status error body. A body that is not
// JSON (a front end's HTML page) keeps its first line as the message; a
// status with members in shapes this client does not know keeps the ones it
// can read.
func decodeAPIError(call string, httpStatus int, body []byte, requestID string) *APIError {
	e := &APIError{Call: call, HTTPStatus: httpStatus, RequestID: requestID}
	var env struct {
		Error map[string]json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &env) != nil || env.Error == nil {
		e.Message = plainMessage(body)
		return e
	}
	_ = json.Unmarshal(env.Error["status"], &e.Status)
	_ = json.Unmarshal(env.Error["message"], &e.Message)
	e.Message = truncate(e.Message, 2000)
	var details []json.RawMessage
	_ = json.Unmarshal(env.Error["details"], &details)
	e.Errors, e.FieldViolations, e.Reason = decodeDetails(details, &e.RequestID)
	return e
}

// decodeDetails reads the details of a google.rpc.Status: GoogleAdsFailure,
// BadRequest and ErrorInfo. A part in a shape this client does not know is
// skipped, not the details around it; an error of a GoogleAdsFailure that
// cannot be read at all is kept as an "unknown" error quoting what Google
// sent, so that a failure never reads as no error.
func decodeDetails(details []json.RawMessage, requestID *string) (errs []GoogleAdsError, violations []FieldViolation, reason string) {
	for _, raw := range details {
		var d map[string]json.RawMessage
		if json.Unmarshal(raw, &d) != nil {
			continue
		}
		var typ string
		_ = json.Unmarshal(d["@type"], &typ)
		switch {
		case strings.HasSuffix(typ, ".errors.GoogleAdsFailure"):
			var list []json.RawMessage
			_ = json.Unmarshal(d["errors"], &list)
			for _, r := range list {
				var g GoogleAdsError
				if json.Unmarshal(r, &g) != nil {
					g = GoogleAdsError{Message: "an error in a shape this client cannot read: " + truncate(string(r), 200)}
				}
				errs = append(errs, g)
			}
			var rid string
			if *requestID == "" && json.Unmarshal(d["requestId"], &rid) == nil {
				*requestID = rid
			}
		case strings.HasSuffix(typ, "google.rpc.BadRequest"):
			var list []json.RawMessage
			_ = json.Unmarshal(d["fieldViolations"], &list)
			for _, r := range list {
				var v struct {
					Field, Description any
				}
				if json.Unmarshal(r, &v) == nil && (text(v.Field) != "" || text(v.Description) != "") {
					violations = append(violations, FieldViolation{Field: text(v.Field), Description: text(v.Description)})
				}
			}
		case strings.HasSuffix(typ, "google.rpc.ErrorInfo"):
			_ = json.Unmarshal(d["reason"], &reason)
		}
	}
	return errs, violations, reason
}

func plainMessage(body []byte) string {
	s := string(bytes.TrimSpace(body))
	if strings.HasPrefix(s, "<") { // HTML: keep the text of the page
		var b strings.Builder
		in := false
		for _, r := range s {
			switch {
			case r == '<':
				in = true
			case r == '>':
				in = false
				b.WriteByte(' ')
			case !in:
				b.WriteRune(r)
			}
		}
		s = strings.Join(strings.Fields(b.String()), " ")
	}
	return truncate(s, 300)
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// AuthError is a refusal of the OAuth token endpoint: the credentials, not
// the network.
type AuthError struct {
	HTTPStatus  int
	Code        string // RFC 6749 error code: invalid_grant, invalid_client, …
	Description string
}

func (e *AuthError) Error() string {
	what := e.Code
	if e.Description != "" {
		what += ": " + e.Description
	}
	switch e.Code {
	case "invalid_grant":
		return fmt.Sprintf("googleads: Google refused the refresh token (%s): it was revoked, expired or made for other scopes; get a new refresh token for the scope %s and set %s", what, Scope, EnvRefreshToken)
	case "invalid_client", "unauthorized_client":
		return fmt.Sprintf("googleads: Google refused the OAuth client (%s): check %s and %s, and that the refresh token was made with that client", what, EnvClientID, EnvClientSecret)
	}
	return fmt.Sprintf("googleads: the OAuth token endpoint answered %d (%s)", e.HTTPStatus, what)
}

// Scope is the OAuth scope of the Google Ads API.
const Scope = "https://www.googleapis.com/auth/adwords"

// NetworkError is a call that got no HTTP answer at all: nothing was
// received (DNS, refused connection, TLS, timeout before sending).
type NetworkError struct {
	Call string
	Host string
	Err  error
}

func (e *NetworkError) Error() string {
	return fmt.Sprintf("googleads: %s: cannot reach %s: %v", e.Call, e.Host, e.Err)
}

func (e *NetworkError) Unwrap() error { return e.Err }

// QuotaExhaustedError is the daily operations quota used up
// (quotaError.RESOURCE_EXHAUSTED): waiting a few seconds does not help, so it
// is not retried.
type QuotaExhaustedError struct {
	API *APIError
	// RetryAfter is Google's retryDelay, when named: roughly when the quota
	// resets.
	RetryAfter time.Duration
}

func (e *QuotaExhaustedError) Error() string {
	s := "googleads: the daily Google Ads API operations quota is used up (quotaError.RESOURCE_EXHAUSTED"
	for _, g := range e.API.Errors {
		if g.Quota != nil && g.Quota.RateName != "" {
			s += ", " + g.Quota.RateName
			break
		}
	}
	s += "); try again after it resets"
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (in about %s)", e.RetryAfter.Round(time.Minute))
	}
	s += ", or apply for a higher access level"
	if e.API.RequestID != "" {
		s += " (request-id " + e.API.RequestID + ")"
	}
	return s
}

func (e *QuotaExhaustedError) Unwrap() error { return e.API }

// UnknownOutcomeError is a mutate that was sent but whose answer never
// arrived (a timeout after sending, a reset connection, a cut answer). Google
// may or may not have applied it. It is not sent again here: look the changes
// up (googleAds:search by name or resource name) before deciding to resend.
type UnknownOutcomeError struct {
	CustomerID string
	Operations int
	Err        error
}

func (e *UnknownOutcomeError) Error() string {
	return fmt.Sprintf("googleads: the outcome of a mutate of %d operations on customer %s is unknown: it was sent but no answer arrived (%v); look the changes up before sending it again",
		e.Operations, e.CustomerID, e.Err)
}

func (e *UnknownOutcomeError) Unwrap() error { return e.Err }
