package googleadstest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// adsError is one GoogleAdsError.
type adsError struct {
	category string // e.g. "criterionError"
	code     string // e.g. "INVALID_KEYWORD_TEXT"
	message  string
	trigger  any // string, int64 or nil
	at       path
	quota    *quotaDetails
}

type quotaDetails struct {
	scope, name string
	retryDelay  time.Duration
}

func newErr(at path, category, code, message string) adsError {
	return adsError{category: category, code: code, message: message, at: at}
}

func (e adsError) withTrigger(v any) adsError {
	e.trigger = v
	return e
}

func (e adsError) json() map[string]any {
	out := map[string]any{
		"errorCode": map[string]string{e.category: e.code},
		"message":   e.message,
	}
	switch t := e.trigger.(type) {
	case string:
		out["trigger"] = map[string]string{"stringValue": t}
	case int64:
		out["trigger"] = map[string]string{"int64Value": strconv.FormatInt(t, 10)}
	}
	if len(e.at) > 0 {
		var els []map[string]any
		for _, p := range e.at {
			el := map[string]any{"fieldName": p.name}
			if p.index >= 0 {
				el["index"] = p.index
			}
			els = append(els, el)
		}
		out["location"] = map[string]any{"fieldPathElements": els}
	}
	if e.quota != nil {
		q := map[string]any{"rateScope": e.quota.scope, "rateName": e.quota.name}
		if e.quota.retryDelay > 0 {
			q["retryDelay"] = strconv.FormatFloat(e.quota.retryDelay.Seconds(), 'f', -1, 64) + "s"
		}
		out["details"] = map[string]any{"quotaErrorDetails": q}
	}
	return out
}

// failure is the GoogleAdsFailure detail of a google.rpc.Status.
func failure(version string, errs []adsError, requestID string) map[string]any {
	list := make([]map[string]any, len(errs))
	for i, e := range errs {
		list[i] = e.json()
	}
	return map[string]any{
		"@type":     "type.googleapis.com/google.ads.googleads." + version + ".errors.GoogleAdsFailure",
		"errors":    list,
		"requestId": requestID,
	}
}

func badRequest(field, description string) map[string]any {
	return map[string]any{
		"@type":           "type.googleapis.com/google.rpc.BadRequest",
		"fieldViolations": []map[string]string{{"field": field, "description": description}},
	}
}

func errorInfo(reason string) map[string]any {
	return map[string]any{
		"@type":  "type.googleapis.com/google.rpc.ErrorInfo",
		"reason": reason,
		"domain": "googleapis.com",
		"metadata": map[string]string{
			"service": "googleads.googleapis.com",
		},
	}
}

// grpcCodes maps a status name to its number (for statuses inside a body)
// and HTTP status (for error answers).
var grpcCodes = map[string]struct{ code, http int }{
	"INVALID_ARGUMENT":   {3, http.StatusBadRequest},
	"DEADLINE_EXCEEDED":  {4, http.StatusGatewayTimeout},
	"NOT_FOUND":          {5, http.StatusNotFound},
	"PERMISSION_DENIED":  {7, http.StatusForbidden},
	"RESOURCE_EXHAUSTED": {8, http.StatusTooManyRequests},
	"INTERNAL":           {13, http.StatusInternalServerError},
	"UNAVAILABLE":        {14, http.StatusServiceUnavailable},
	"UNAUTHENTICATED":    {16, http.StatusUnauthorized},
}

// apiError is an error answer: a google.rpc.Status in {"error": …}, whose
// code is the HTTP status.
type apiError struct {
	status  string
	message string
	details []map[string]any
}

func (e *apiError) Error() string { return e.status + ": " + e.message }

// adsFailure is an error answer carrying Google Ads errors.
func adsFailure(version, status, requestID string, errs ...adsError) *apiError {
	msg := map[string]string{
		"INVALID_ARGUMENT":   "Request contains an invalid argument.",
		"UNAUTHENTICATED":    "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
		"PERMISSION_DENIED":  "The caller does not have permission",
		"RESOURCE_EXHAUSTED": "Resource has been exhausted (e.g. check quota).",
		"INTERNAL":           "Internal error encountered.",
		"UNAVAILABLE":        "The service is currently unavailable.",
		"DEADLINE_EXCEEDED":  "The request deadline was exceeded.",
	}[status]
	return &apiError{status: status, message: msg, details: []map[string]any{failure(version, errs, requestID)}}
}

func (f *Fake) writeError(w http.ResponseWriter, e *apiError) {
	c := grpcCodes[e.status]
	body := map[string]any{"error": map[string]any{
		"code":    c.http,
		"message": e.message,
		"status":  e.status,
		"details": e.details,
	}}
	if e.details == nil {
		delete(body["error"].(map[string]any), "details")
	}
	writeJSON(w, c.http, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("googleadstest: encode answer: %v", err))
	}
	writeRaw(w, status, b)
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// notFoundPage is what Google's front end answers for a path it does not
// serve (an unknown version among them).
func notFoundPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprintf(w, "<!DOCTYPE html>\n<html lang=en><title>Error 404 (Not Found)!!1</title><p><b>404.</b> <ins>That’s an error.</ins><p>The requested URL <code>%s</code> was not found on this server. <ins>That’s all we know.</ins></html>\n",
		htmlEscape(r.URL.Path))
}

func htmlEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}
