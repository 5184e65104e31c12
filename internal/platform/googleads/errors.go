package googleads

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrorCode is the one member of a GoogleAdsError's errorCode oneof: the
// error enum's category and value, e.g. criterionError / INVALID_KEYWORD_TEXT.
type ErrorCode struct {
	Category string // lowerCamel name of the oneof member, e.g. "criterionError"
	Value    string // the enum value name, e.g. "INVALID_KEYWORD_TEXT"
}

func (c ErrorCode) String() string { return c.Category + "." + c.Value }

// UnmarshalJSON reads {"criterionError": "INVALID_KEYWORD_TEXT"}.
func (c *ErrorCode) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	for k, v := range m {
		c.Category = k
		var s string
		if json.Unmarshal(v, &s) == nil {
			c.Value = s
		} else {
			c.Value = string(v) // an enum sent by number
		}
	}
	return nil
}

// PathElement is one step of an error location: a proto field name
// (snake_case, as Google sends it) and, for a repeated field, the index.
type PathElement struct {
	Name  string
	Index *int
}

// FieldPath is where an error sits in the request, e.g.
// mutate_operations[12].ad_group_ad_operation.create.ad.responsive_search_ad.headlines[3].text.
type FieldPath []PathElement

func (p FieldPath) String() string { return p.join(0) }

func (p FieldPath) join(from int) string {
	var b strings.Builder
	for i, e := range p[from:] {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(e.Name)
		if e.Index != nil {
			fmt.Fprintf(&b, "[%d]", *e.Index)
		}
	}
	return b.String()
}

// OperationIndex is the index of the operation the error belongs to (the
// first element, mutate_operations[i] or operations[i]).
func (p FieldPath) OperationIndex() (int, bool) {
	if len(p) == 0 || p[0].Index == nil || (p[0].Name != "mutate_operations" && p[0].Name != "operations") {
		return 0, false
	}
	return *p[0].Index, true
}

// Field is the path inside the resource the operation creates, updates or
// removes, e.g. ad.responsive_search_ad.headlines[3].text; empty when the
// error is about the operation as a whole.
func (p FieldPath) Field() string {
	if _, ok := p.OperationIndex(); !ok {
		return p.String()
	}
	i := 1
	if i < len(p) && strings.HasSuffix(p[i].Name, "_operation") {
		i++
	}
	if i < len(p) && (p[i].Name == "create" || p[i].Name == "update" || p[i].Name == "remove" || p[i].Name == "update_mask") {
		i++
	}
	if i >= len(p) {
		return ""
	}
	return p.join(i)
}

// UnmarshalJSON reads {"fieldPathElements": [{"fieldName": "x", "index": 3}]};
// an index may arrive as a number or a string.
func (p *FieldPath) UnmarshalJSON(b []byte) error {
	var raw struct {
		FieldPathElements []struct {
			FieldName string          `json:"fieldName"`
			Index     json.RawMessage `json:"index"`
		} `json:"fieldPathElements"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*p = (*p)[:0]
	for _, e := range raw.FieldPathElements {
		el := PathElement{Name: e.FieldName}
		if len(e.Index) > 0 && string(e.Index) != "null" {
			s := strings.Trim(string(e.Index), `"`)
			n, err := strconv.Atoi(s)
			if err != nil {
				return fmt.Errorf("field path index %s: %w", e.Index, err)
			}
			el.Index = &n
		}
		*p = append(*p, el)
	}
	return nil
}

// QuotaErrorDetails says which rate was exceeded and how long to wait.
type QuotaErrorDetails struct {
	RateScope  string        // ACCOUNT or DEVELOPER
	RateName   string        // e.g. "Number of operations for basic access"
	RetryDelay time.Duration // zero when Google names none
}

// GoogleAdsError is one error of a GoogleAdsFailure.
type GoogleAdsError struct {
	Code     ErrorCode
	Message  string
	Trigger  string // the value that caused it, when Google names it
	Location FieldPath
	Quota    *QuotaErrorDetails
}

func (e GoogleAdsError) String() string {
	s := e.Code.String()
	if len(e.Location) > 0 {
		s += " at " + e.Location.String()
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Trigger != "" {
		s += fmt.Sprintf(" (value %q)", truncate(e.Trigger, 80))
	}
	return s
}

// UnmarshalJSON reads the REST shape of google.ads.googleads.vN.errors.GoogleAdsError.
func (e *GoogleAdsError) UnmarshalJSON(b []byte) error {
	var raw struct {
		ErrorCode ErrorCode                  `json:"errorCode"`
		Message   string                     `json:"message"`
		Trigger   map[string]json.RawMessage `json:"trigger"`
		Location  FieldPath                  `json:"location"`
		Details   struct {
			QuotaErrorDetails *struct {
				RateScope  string `json:"rateScope"`
				RateName   string `json:"rateName"`
				RetryDelay string `json:"retryDelay"`
			} `json:"quotaErrorDetails"`
		} `json:"details"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*e = GoogleAdsError{Code: raw.ErrorCode, Message: raw.Message, Location: raw.Location}
	for _, v := range raw.Trigger { // a oneof: stringValue, int64Value, boolValue, …
		var s string
		if json.Unmarshal(v, &s) == nil {
			e.Trigger = s
		} else {
			e.Trigger = string(v)
		}
	}
	if q := raw.Details.QuotaErrorDetails; q != nil {
		e.Quota = &QuotaErrorDetails{RateScope: q.RateScope, RateName: q.RateName}
		if q.RetryDelay != "" {
			d, err := parseProtoDuration(q.RetryDelay)
			if err != nil {
				return fmt.Errorf("quotaErrorDetails.retryDelay: %w", err)
			}
			e.Quota.RetryDelay = d
		}
	}
	return nil
}

// parseProtoDuration reads the JSON form of google.protobuf.Duration ("1.5s").
func parseProtoDuration(s string) (time.Duration, error) {
	num, ok := strings.CutSuffix(s, "s")
	if !ok {
		return 0, fmt.Errorf("duration %q: want seconds such as \"1.5s\"", s)
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("duration %q: want seconds such as \"1.5s\"", s)
	}
	return time.Duration(f * float64(time.Second)), nil
}

// FieldViolation is a google.rpc.BadRequest entry: the API could not read a
// part of the request (unknown field, bad enum value, wrong JSON type).
type FieldViolation struct {
	Field       string `json:"field"`
	Description string `json:"description"`
}

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
// JSON (a front end's HTML page) keeps its first line as the message.
func decodeAPIError(call string, httpStatus int, body []byte, requestID string) *APIError {
	e := &APIError{Call: call, HTTPStatus: httpStatus, RequestID: requestID}
	var env struct {
		Error *struct {
			Code    int               `json:"code"`
			Message string            `json:"message"`
			Status  string            `json:"status"`
			Details []json.RawMessage `json:"details"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &env) != nil || env.Error == nil {
		e.Message = plainMessage(body)
		return e
	}
	e.Status, e.Message = env.Error.Status, env.Error.Message
	e.Errors, e.FieldViolations, e.Reason = decodeDetails(env.Error.Details, &e.RequestID)
	return e
}

// decodeDetails reads the details of a google.rpc.Status: GoogleAdsFailure,
// BadRequest and ErrorInfo.
func decodeDetails(details []json.RawMessage, requestID *string) (errs []GoogleAdsError, violations []FieldViolation, reason string) {
	for _, raw := range details {
		var d struct {
			Type            string           `json:"@type"`
			Errors          []GoogleAdsError `json:"errors"`
			RequestID       string           `json:"requestId"`
			FieldViolations []FieldViolation `json:"fieldViolations"`
			Reason          string           `json:"reason"`
		}
		if json.Unmarshal(raw, &d) != nil {
			continue
		}
		switch {
		case strings.HasSuffix(d.Type, ".errors.GoogleAdsFailure"):
			errs = append(errs, d.Errors...)
			if *requestID == "" {
				*requestID = d.RequestID
			}
		case strings.HasSuffix(d.Type, "google.rpc.BadRequest"):
			violations = append(violations, d.FieldViolations...)
		case strings.HasSuffix(d.Type, "google.rpc.ErrorInfo"):
			reason = d.Reason
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

// PartialFailure holds the errors of the operations that failed in a
// partial-failure mutate; the other operations were applied.
type PartialFailure struct {
	Code    int
	Message string
	Errors  []GoogleAdsError
}

// ByOperation groups the errors by operation index; errors that name no
// operation are under -1.
func (p *PartialFailure) ByOperation() map[int][]GoogleAdsError {
	out := map[int][]GoogleAdsError{}
	for _, e := range p.Errors {
		i, ok := e.Location.OperationIndex()
		if !ok {
			i = -1
		}
		out[i] = append(out[i], e)
	}
	return out
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

// Advice is the step that fixes err, in a sentence, or "" when there is no
// particular one. The check command prints it; a publisher can show it.
func Advice(err error) string {
	var nc *NotConnectedError
	var auth *AuthError
	var netErr *NetworkError
	var quota *QuotaExhaustedError
	var unknown *UnknownOutcomeError
	var api *APIError
	switch {
	case errors.As(err, &nc):
		return "Set " + strings.Join(nc.Missing, ", ") + ` (each also as NAME_FILE); README, "Connect Google Ads", shows where each comes from.`
	case errors.As(err, &auth):
		switch auth.Code {
		case "invalid_grant":
			return "Get a new refresh token: sign in as a user with access to the accounts, consent to the scope " + Scope +
				` (OAuth Playground with your own client, or a loopback flow; README, "Connect Google Ads", step 4) and set ` + EnvRefreshToken + `. A refresh token of a client whose consent screen is in "Testing" expires after 7 days.`
		case "invalid_client", "unauthorized_client":
			return "Check " + EnvClientID + " and " + EnvClientSecret + " against the OAuth client in the Google Cloud console (APIs & Services → Credentials); the refresh token must have been made with the same client."
		}
		return "The OAuth token endpoint refused the request: check " + EnvTokenURL + " and the OAuth client."
	case errors.As(err, &quota):
		return "Wait for the daily quota to reset, or apply for a higher access level on the Google Ads API Overview page of the Google Cloud project."
	case errors.As(err, &unknown):
		return "Look the changes up (googleAds:search by name) before sending the mutate again."
	case errors.As(err, &api):
		return apiAdvice(api)
	case errors.As(err, &netErr):
		setting := EnvAPIURL
		if netErr.Call == tokenCall {
			setting = EnvTokenURL
		}
		return "Check the network path to " + netErr.Host + " (DNS, proxy, firewall) and " + setting + "."
	}
	return ""
}

func apiAdvice(e *APIError) string {
	switch {
	case e.Has("requestError.UNSUPPORTED_VERSION"):
		return "This API version is retired: set " + EnvAPIVersion + " to a current one (default " + DefaultAPIVersion + ")."
	case e.HTTPStatus == http.StatusNotFound && len(e.Errors) == 0:
		return "No such endpoint: check " + EnvAPIURL + " and " + EnvAPIVersion + " (the version may be retired; default " + DefaultAPIVersion + ")."
	case e.Has("requestError.DEVELOPER_TOKEN_PARAMETER_MISSING"):
		return "This API version still wants a developer token: set " + EnvDeveloperToken + " (Google Ads API Center of the manager account), or use a version that no longer needs it."
	case e.Has("authenticationError.DEVELOPER_TOKEN_INVALID"), e.Has("authorizationError.DEVELOPER_TOKEN_PROHIBITED"):
		return "The developer token is not valid for this OAuth client's Cloud project: copy it again from the API Center of the manager account into " + EnvDeveloperToken + ", or leave it unset (Google ignores it since 9 September 2026)."
	case e.Has("authorizationError.DEVELOPER_TOKEN_NOT_APPROVED"):
		return "The developer token has test access only: use test accounts, or apply for Basic access in the API Center of the manager account."
	case e.Has("authorizationError.CLOUD_PROJECT_NOT_APPROVED_FOR_PRODUCTION"):
		return "The Google Cloud project of the OAuth client has Test access only: use test accounts, or apply for Explorer access on the project's Google Ads API Overview page in the Cloud console."
	case e.Has("authenticationError.NOT_ADS_USER"):
		return "The Google user who made the refresh token has no Google Ads account: invite that user to the manager account, or make the refresh token as a user who has access."
	case e.Has("headerError.INVALID_LOGIN_CUSTOMER_ID"):
		return "Set " + EnvLoginCustomerID + " to the ten digits of the manager account (no dashes) that this Google user can reach, or leave it unset."
	case e.Has("authorizationError.USER_PERMISSION_DENIED"), e.Has("authorizationError.INVALID_LOGIN_CUSTOMER_ID_SERVING_CUSTOMER_ID_COMBINATION"):
		return "The account is not reachable this way: set " + EnvLoginCustomerID + " to the id of a manager account that manages it, or give the Google user access to the account."
	case e.Has("authorizationError.CUSTOMER_NOT_ENABLED"):
		return "The account is not enabled (not finished or cancelled): finish its setup in the Google Ads UI or use another account."
	case e.Reason == "ACCESS_TOKEN_SCOPE_INSUFFICIENT":
		return "The refresh token lacks the scope " + Scope + ": make a new one that includes it and set " + EnvRefreshToken + "."
	case e.Reason == "SERVICE_DISABLED":
		return "Enable the Google Ads API in the Google Cloud project of the OAuth client (APIs & Services → Library → Google Ads API)."
	case e.HTTPStatus == http.StatusUnauthorized:
		return "Google refused the access token: check the OAuth client and refresh token (" + EnvClientID + ", " + EnvRefreshToken + ")."
	case e.Temporary():
		return "Google Ads is unavailable or rate-limited for now: try again in a few minutes."
	}
	return ""
}
