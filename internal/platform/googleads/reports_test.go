package googleads_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/platform/googleads"
	"github.com/imaphub/imaphub/internal/platform/googleads/googleadstest"
)

const dailyQuery = "SELECT campaign.id, ad_group.id, segments.date, metrics.impressions, metrics.cost_micros FROM ad_group WHERE segments.date BETWEEN '2026-11-01' AND '2026-11-07'"

func statsBundle(t *testing.T, change ...func(*googleads.Config)) *bundle {
	t.Helper()
	b := setup(t, change...)
	b.srv.SetClock(func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) })
	b.srv.Populate(cid, googleadstest.Population{SearchCampaigns: 2, AdGroups: 3, Keywords: 1})
	return b
}

func collect(t *testing.T, b *bundle, query string) ([]googleads.StreamBatch, error) {
	t.Helper()
	var got []googleads.StreamBatch
	err := b.client.SearchStreamBatches(context.Background(), cid, query, func(sb googleads.StreamBatch) error {
		got = append(got, sb)
		return nil
	})
	return got, err
}

// Each batch is handed on as it is decoded: a stream that breaks off after
// two batches has handed on exactly those two, and says so.
func TestSearchStreamBatchesHandsOnEachBatch(t *testing.T) {
	b := statsBundle(t)
	b.srv.SetPageSize(4)
	all, err := collect(t, b, dailyQuery)
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for i, sb := range all {
		rows += len(sb.Results)
		if len(sb.Results) > 4 || sb.RequestID == "" || !strings.Contains(sb.FieldMask, "metrics.costMicros") {
			t.Errorf("batch %d: %d rows, request id %q, mask %q", i, len(sb.Results), sb.RequestID, sb.FieldMask)
		}
	}
	if len(all) < 3 || rows < 30 {
		t.Fatalf("%d batches, %d rows", len(all), rows)
	}
	b.srv.CutStream(2)
	got, err := collect(t, b, dailyQuery)
	var cut *googleads.StreamCutError
	if !errors.As(err, &cut) || cut.Batches != 2 || len(got) != 2 || cut.RequestID == "" {
		t.Fatalf("cut stream: %d batches handed on, error %v", len(got), err)
	}
	if n := len(b.srv.RequestsTo("searchStream")); n != 2 {
		t.Errorf("a stream cut after batches were handed on was sent again: %d calls", n)
	}
	// Cut before its first batch, the query is simply asked again.
	b.srv.CutStream(0)
	if got, err := collect(t, b, dailyQuery); err != nil || len(got) != len(all) {
		t.Errorf("stream cut before its first batch: %d batches, %v", len(got), err)
	}
}

// Failures before the first batch are retried as Google asks: a temporary
// quota after its retryDelay, a 5xx with backoff; refusals are not retried;
// a server that sends nothing is given up on after the call timeout.
func TestSearchStreamBatchesRetriesAndRefusals(t *testing.T) {
	b := statsBundle(t)
	b.srv.Inject(googleadstest.Fault{Call: "searchStream", Kind: googleadstest.FaultTemporaryQuota, RetryDelay: 3 * time.Second},
		googleadstest.Fault{Call: "searchStream", Kind: googleadstest.FaultInternal})
	if _, err := collect(t, b, dailyQuery); err != nil {
		t.Fatal(err)
	}
	if w := b.waits.all(); len(w) != 2 || w[0] < 3*time.Second || w[0] > 3300*time.Millisecond {
		t.Errorf("waits %v: want Google's retryDelay of 3s first", w)
	}
	b.srv.Inject(googleadstest.Fault{Call: "searchStream", Kind: googleadstest.FaultUnavailable, Times: 4})
	if _, err := collect(t, b, dailyQuery); err == nil || !strings.Contains(err.Error(), "gave up after 4 attempts") {
		t.Errorf("UNAVAILABLE throughout: %v", err)
	}
	calls := len(b.srv.RequestsTo("searchStream"))
	_, err := collect(t, b, "SELECT campaign.id, segments.date FROM campaign")
	var api *googleads.APIError
	if !errors.As(err, &api) || !api.Has("queryError.EXPECTED_FILTERS_ON_DATE_RANGE") || api.RequestID == "" {
		t.Errorf("invalid GAQL: %v", err)
	}
	if n := len(b.srv.RequestsTo("searchStream")); n != calls+1 {
		t.Errorf("a refused query was sent %d times", n-calls)
	}
	stop := errors.New("enough")
	err = b.client.SearchStreamBatches(context.Background(), cid, dailyQuery, func(googleads.StreamBatch) error { return stop })
	if err != stop {
		t.Errorf("the handler's error: %v", err)
	}
}

func TestSearchStreamBatchesGivesUpOnASilentServer(t *testing.T) {
	b := statsBundle(t, func(c *googleads.Config) { c.CallTimeout = 100 * time.Millisecond })
	b.srv.Inject(googleadstest.Fault{Call: "searchStream", Kind: googleadstest.FaultSlow, Delay: 5 * time.Second, Times: 4})
	_, err := collect(t, b, dailyQuery)
	var netErr *googleads.NetworkError
	if !errors.As(err, &netErr) || !strings.Contains(err.Error(), "nothing arrived within 100ms") {
		t.Errorf("silent server: %v", err)
	}
}

// A stream that stops sending midway is given up on after the call timeout
// without another batch, the batches before it handed on.
func TestSearchStreamBatchesGivesUpOnAStalledStream(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/token" {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"access_token":"t","expires_in":3599,"token_type":"Bearer"}`)
			return
		}
		w.Header().Set("request-id", "slow-1")
		fmt.Fprint(w, `[{"results":[{"campaign":{"id":"1"}}],"requestId":"slow-1"}`)
		http.NewResponseController(w).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c, err := googleads.New(googleads.Config{APIURL: srv.URL, APIVersion: "v25", TokenURL: srv.URL + "/token", ClientID: "c", ClientSecret: "s", RefreshToken: "r",
		CallTimeout: 200 * time.Millisecond}, googleads.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	batches := 0
	err = c.SearchStreamBatches(context.Background(), cid, dailyQuery, func(googleads.StreamBatch) error { batches++; return nil })
	var cut *googleads.StreamCutError
	if !errors.As(err, &cut) || batches != 1 || cut.Batches != 1 || !strings.Contains(err.Error(), "nothing arrived within 200ms") {
		t.Errorf("stalled stream: %d batches, %v", batches, err)
	}
}
