package googleads

import (
	"strings"
	"testing"
	"time"
)

func TestDecodeAPIErrorReadsEveryDetail(t *testing.T) {
	body := `{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED","details":[
	 {"@type":"type.googleapis.com/google.ads.googleads.v25.errors.GoogleAdsFailure","requestId":"rid-1","errors":[
	   {"errorCode":{"quotaError":"RESOURCE_TEMPORARILY_EXHAUSTED"},"message":"Too many requests.",
	    "details":{"quotaErrorDetails":{"rateScope":"ACCOUNT","rateName":"Request rate","retryDelay":"1.500s"}}},
	   {"errorCode":{"adError":"TOO_LONG"},"message":"too long","trigger":{"stringValue":"xyz"},
	    "location":{"fieldPathElements":[{"fieldName":"operations","index":"12"},{"fieldName":"create"},{"fieldName":"ad"},{"fieldName":"responsive_search_ad"},{"fieldName":"headlines","index":3},{"fieldName":"text"}]}},
	   {"errorCode":{"rangeError":"TOO_LOW"},"trigger":{"int64Value":"-5"}}]},
	 {"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"RATE_LIMIT_EXCEEDED"}]}}`
	e := decodeAPIError("googleAds:mutate", 429, []byte(body), "")
	if e.RequestID != "rid-1" || e.Status != "RESOURCE_EXHAUSTED" || e.Reason != "RATE_LIMIT_EXCEEDED" || len(e.Errors) != 3 {
		t.Fatalf("%+v", e)
	}
	if e.RetryDelay() != 1500*time.Millisecond || !e.Temporary() || e.dailyQuota() {
		t.Errorf("retry delay %s, temporary %v", e.RetryDelay(), e.Temporary())
	}
	loc := e.Errors[1].Location
	if i, ok := loc.OperationIndex(); !ok || i != 12 || loc.Field() != "ad.responsive_search_ad.headlines[3].text" ||
		loc.String() != "operations[12].create.ad.responsive_search_ad.headlines[3].text" || e.Errors[1].Trigger != "xyz" {
		t.Errorf("location %s (%s), trigger %q", loc, loc.Field(), e.Errors[1].Trigger)
	}
	if e.Errors[2].Trigger != "-5" {
		t.Errorf("int64 trigger %q", e.Errors[2].Trigger)
	}
}

func TestDecodeAPIErrorKeepsTheTextOfAnHTMLPage(t *testing.T) {
	e := decodeAPIError("googleAds:search", 404, []byte("<html><title>Error 404 (Not Found)!!1</title><p>The requested URL <code>/v3/x</code> was not found on this server.</html>"), "")
	if e.Message != "Error 404 (Not Found)!!1 The requested URL /v3/x was not found on this server." {
		t.Errorf("message %q", e.Message)
	}
	if a := Advice(e); !strings.Contains(a, EnvAPIVersion) {
		t.Errorf("advice %q does not name %s", a, EnvAPIVersion)
	}
}

func TestDailyQuotaIsNotTemporaryEvenWithARetryDelay(t *testing.T) {
	body := `{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.ads.googleads.v25.errors.GoogleAdsFailure",
	  "errors":[{"errorCode":{"quotaError":"RESOURCE_EXHAUSTED"},"details":{"quotaErrorDetails":{"retryDelay":"43000s"}}}]}]}}`
	e := decodeAPIError("googleAds:mutate", 429, []byte(body), "r")
	if e.Temporary() || !e.dailyQuota() || e.RetryDelay() != 43000*time.Second {
		t.Errorf("temporary %v daily %v delay %s", e.Temporary(), e.dailyQuota(), e.RetryDelay())
	}
}
