package googleads

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// goodError is a GoogleAdsError in the shape Google sends it; the fuzzer's
// error is put beside it to show that a strange neighbour does not lose it.
const goodError = `{"errorCode":{"adError":"TOO_LONG"},"message":"Too long.","trigger":{"stringValue":"Größe"},` +
	`"location":{"fieldPathElements":[{"fieldName":"mutate_operations","index":3},{"fieldName":"ad_group_ad_operation"},{"fieldName":"create"},{"fieldName":"ad"}]}}`

// FuzzDecodeAPIError: any error body Google (or a proxy before it) may send
// decodes without a panic into an error that says something: the call and
// status are kept, Error() and every decoded error's String() name a code
// or a message, a retry delay is never negative nor longer than
// maxProtoDuration, decoding is deterministic, and an error in an unknown
// shape beside a known one never loses the known one.
func FuzzDecodeAPIError(f *testing.F) {
	for _, s := range []string{
		// Real shapes (docs/reference google-ads.md §5.9 and the client's tests).
		`{"error":{"code":400,"message":"Request contains an invalid argument.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.ads.googleads.v23.errors.GoogleAdsFailure","errors":[{"errorCode":{"criterionError":"INVALID_KEYWORD_TEXT"},"message":"The keyword text is invalid.","trigger":{"stringValue":"größe!!"},"location":{"fieldPathElements":[{"fieldName":"operations","index":0},{"fieldName":"create"},{"fieldName":"keyword"},{"fieldName":"text"}]}}],"requestId":"gJzG0t7qP2hKc1"}]}}`,
		`{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.ads.googleads.v25.errors.GoogleAdsFailure","requestId":"rid-1","errors":[{"errorCode":{"quotaError":"RESOURCE_TEMPORARILY_EXHAUSTED"},"message":"Too many requests.","details":{"quotaErrorDetails":{"rateScope":"ACCOUNT","rateName":"Request rate","retryDelay":"1.500s"}}}]},{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"RATE_LIMIT_EXCEEDED"}]}}`,
		`{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED","details":[{"@type":"type.googleapis.com/google.ads.googleads.v25.errors.GoogleAdsFailure","errors":[{"errorCode":{"authenticationError":"OAUTH_TOKEN_EXPIRED"},"message":"Oauth token is expired."}]}]}}`,
		`{"error":{"code":400,"message":"Invalid JSON payload received. Unknown name \"foo\": Cannot find field.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"description":"Invalid JSON payload received. Unknown name \"foo\": Cannot find field."}]}]}}`,
		`{"error":{"code":403,"message":"Google Ads API has not been used in project 123 before or it is disabled.","status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"SERVICE_DISABLED","domain":"googleapis.com"}]}}`,
		`<html><title>Error 404 (Not Found)!!1</title><p>The requested URL <code>/v3/x</code> was not found on this server.</html>`,
		// Strange shapes: numbers for strings, huge and negative delays, a
		// oneof with two members, indexes as text, NUL, RTL, emoji, cut JSON.
		`{"error":{"code":"400","status":7,"message":["x"],"details":[{"@type":"type.googleapis.com/google.ads.googleads.v25.errors.GoogleAdsFailure","errors":[{"errorCode":{"adError":5,"assetError":"DUPLICATE_ASSET"},"trigger":{"int64Value":"-5","boolValue":true},"location":{"fieldPathElements":[{"fieldName":"operations","index":"x"}]}},"not an object",7,null]}]}}`,
		`{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.ads.googleads.v25.errors.GoogleAdsFailure","errors":[{"errorCode":{"quotaError":"RESOURCE_TEMPORARILY_EXHAUSTED"},"details":{"quotaErrorDetails":{"retryDelay":"9223372036.854775807s"}}},{"errorCode":{"quotaError":"RESOURCE_TEMPORARILY_EXHAUSTED"},"details":{"quotaErrorDetails":{"retryDelay":"NaNs"}}},{"errorCode":{"quotaError":"RESOURCE_TEMPORARILY_EXHAUSTED"},"details":{"quotaErrorDetails":{"retryDelay":"1e309s"}}}]}]}}`,
		`{"error":{"code":400,"message":"Überschrift zu lang – ‏שגיאה‏ 🚫 \u0000","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.ads.googleads.v25.errors.GoogleAdsFailure","errors":[{"errorCode":{},"message":""}]}]}}`,
		`{"error":{"code":400,"status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.ads.googleads.v25.errors.GoogleAdsFailure","errors":[{"errorCode":{"adError":"TOO_LONG"},"message":"Too lo`,
		`{"error":null}`, `{"error":"Not Found"}`, `[]`, ``, "\x00\xff", `{"error":{"details":{"@type":"x"}}}`,
	} {
		f.Add([]byte(s), uint16(400))
	}
	f.Fuzz(func(t *testing.T, body []byte, status uint16) {
		e := checkAPIError(t, body, int(status))
		if !reflect.DeepEqual(e, decodeAPIError("googleAds:mutate", int(status), body, "rid-0")) {
			t.Fatalf("two decodes of %q differ", body)
		}
		// The body as one error, and as one detail, beside known ones.
		if !json.Valid(body) {
			return
		}
		failure := `{"@type":"type.googleapis.com/google.ads.googleads.v25.errors.GoogleAdsFailure","errors":[` + goodError + `,` + string(body) + `]}`
		for _, wrapped := range []string{
			`{"error":{"code":400,"status":"INVALID_ARGUMENT","details":[` + failure + `]}}`,
			`{"error":{"code":400,"status":"INVALID_ARGUMENT","details":[` + string(body) + `,` + failure + `]}}`,
		} {
			e := checkAPIError(t, []byte(wrapped), int(status))
			if len(e.Errors) == 0 || e.Errors[0].Code.String() != "adError.TOO_LONG" || e.Errors[0].Trigger != "Größe" || e.Errors[0].Location.Field() != "ad" {
				t.Fatalf("the known error is lost beside %s: %+v", body, e.Errors)
			}
		}
	})
}

func checkAPIError(t *testing.T, body []byte, status int) *APIError {
	t.Helper()
	e := decodeAPIError("googleAds:mutate", status, body, "rid-0")
	if e == nil || e.Call != "googleAds:mutate" || e.HTTPStatus != status {
		t.Fatalf("decoded %+v", e)
	}
	if e.RequestID == "" {
		t.Fatalf("the request id of the header is lost: %+v", e)
	}
	msg := e.Error()
	if !strings.HasPrefix(msg, "googleads: googleAds:mutate: ") {
		t.Fatalf("Error() = %q", msg)
	}
	for _, g := range e.Errors {
		s := g.String()
		if s == "" || g.Code == (ErrorCode{}) && !strings.HasPrefix(s, "unknown") {
			t.Fatalf("error %+v reads %q", g, s)
		}
		if g.Quota != nil && (g.Quota.RetryDelay < 0 || g.Quota.RetryDelay > maxProtoDuration) {
			t.Fatalf("retry delay %s", g.Quota.RetryDelay)
		}
		// Callers index their operations with it (publishing's mapErrors).
		if i, ok := g.Location.OperationIndex(); ok && i < 0 {
			t.Fatalf("operation index %d of %s", i, g.Location)
		}
		_ = g.Location.Field()
	}
	if d := e.RetryDelay(); d < 0 || d > maxProtoDuration {
		t.Fatalf("RetryDelay %s", d)
	}
	if wait, retry := (&Client{}).retryWait(e, 1); retry && (wait < 0 || wait > maxProtoDuration+maxProtoDuration/10) {
		t.Fatalf("wait %s for %s", wait, e.RetryDelay())
	}
	_ = Advice(e)
	_ = e.Temporary()
	_ = e.accessTokenRefused()
	if e.dailyQuota() {
		q := &QuotaExhaustedError{API: e, RetryAfter: e.RetryDelay()}
		if q.Error() == "" || q.RetryAfter > maxProtoDuration {
			t.Fatalf("quota error %q", q.Error())
		}
	}
	return e
}
