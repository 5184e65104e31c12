package googleads_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/googleads"
	"github.com/imaphub/imaphub/internal/platform/googleads/googleadstest"
)

func TestEveryCallCarriesTheHeadersAndReturnsTheRequestID(t *testing.T) {
	b := setup(t, func(c *googleads.Config) { c.LoginCustomerID = "123-456-7890" })
	ctx := context.Background()
	acc, err := b.client.ListAccessibleCustomers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := acc.CustomerIDs(); len(got) != 1 || got[0] != googleadstest.ManagerID {
		t.Errorf("accessible customers %v, want [%s]", got, googleadstest.ManagerID)
	}
	res, err := b.client.Search(ctx, "111-111-1111", "SELECT customer.id FROM customer")
	if err != nil {
		t.Fatal(err)
	}
	mut := mustMutate(t, b, googleads.MutateRequest{Operations: searchCampaign(cid, "Headers")})

	reqs := b.srv.Requests()
	api := reqs[1:] // reqs[0] is the token
	if reqs[0].Call != "token" || len(api) != 3 {
		t.Fatalf("requests %+v", reqs)
	}
	gotIDs := []string{acc.RequestID, res.RequestIDs[0], mut.RequestID}
	for i, r := range api {
		if r.RequestID == "" || gotIDs[i] != r.RequestID {
			t.Errorf("%s: request-id returned %q, answered %q", r.Call, gotIDs[i], r.RequestID)
		}
		if !strings.Contains(b.logText(), "request_id="+r.RequestID) {
			t.Errorf("%s: request-id %s not logged", r.Call, r.RequestID)
		}
		h := r.Header
		if !strings.HasPrefix(h.Get("Authorization"), "Bearer ya29.fake-") || h.Get("developer-token") != googleadstest.DeveloperToken ||
			h.Get("login-customer-id") != "1234567890" {
			t.Errorf("%s: headers %v", r.Call, h)
		}
		wantCT := "application/json"
		if r.Method == http.MethodGet {
			wantCT = ""
		}
		if h.Get("Content-Type") != wantCT {
			t.Errorf("%s: Content-Type %q, want %q", r.Call, h.Get("Content-Type"), wantCT)
		}
	}
	// No secret reaches the log.
	token := strings.TrimPrefix(api[0].Header.Get("Authorization"), "Bearer ")
	for _, secret := range []string{googleadstest.ClientSecret, googleadstest.RefreshToken, googleadstest.DeveloperToken, token} {
		if strings.Contains(b.logText(), secret) {
			t.Errorf("log contains a secret %q", secret)
		}
	}
}

func TestDeveloperTokenIsNotSentWhenUnset(t *testing.T) {
	b := setup(t, func(c *googleads.Config) { c.DeveloperToken = "" })
	b.srv.SetDeveloperTokenRule(googleadstest.DeveloperTokenIgnored)
	if _, err := b.client.ListAccessibleCustomers(context.Background()); err != nil {
		t.Fatal(err)
	}
	if h := b.srv.RequestsTo("listAccessibleCustomers")[0].Header; len(h.Values("developer-token")) != 0 {
		t.Errorf("developer-token sent: %v", h.Values("developer-token"))
	}
}

func TestOneTokenServesConcurrentCallers(t *testing.T) {
	b := setup(t)
	var wg sync.WaitGroup
	errc := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := b.client.Search(context.Background(), cid, "SELECT customer.id FROM customer")
			errc <- err
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := b.srv.TokenRefreshes(); n != 1 {
		t.Errorf("%d token refreshes for 20 concurrent calls, want 1", n)
	}
}

// clock is a time both the client and the fake read.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestTokenIsRefreshedBeforeItExpires(t *testing.T) {
	b := setup(t)
	clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	b.srv.SetClock(clk.now)
	googleads.SetClock(b.client, clk.now)
	ctx := context.Background()
	search := func() {
		t.Helper()
		if _, err := b.client.Search(ctx, cid, "SELECT customer.id FROM customer"); err != nil {
			t.Fatal(err)
		}
	}
	search()
	clk.add(50 * time.Minute) // well within the hour
	search()
	if n := b.srv.TokenRefreshes(); n != 1 {
		t.Fatalf("%d refreshes within the token's life, want 1", n)
	}
	clk.add(5 * time.Minute) // 55 of 60 minutes: less than the margin left
	search()
	if n := b.srv.TokenRefreshes(); n != 2 {
		t.Errorf("%d refreshes near expiry, want 2 (renewed before use)", n)
	}
	for _, r := range b.srv.RequestsTo("search") {
		if r.Status != http.StatusOK {
			t.Errorf("a search was answered %d: the client sent an expiring token", r.Status)
		}
	}
}

func TestRefusedAccessTokenIsReplacedOnce(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	if _, err := b.client.ListAccessibleCustomers(ctx); err != nil {
		t.Fatal(err)
	}
	b.srv.ExpireAccessTokens() // the client still believes its token valid
	if _, err := b.client.ListAccessibleCustomers(ctx); err != nil {
		t.Fatalf("after Google refused the token: %v", err)
	}
	var statuses []int
	for _, r := range b.srv.RequestsTo("listAccessibleCustomers") {
		statuses = append(statuses, r.Status)
	}
	if fmt.Sprint(statuses) != "[200 401 200]" || b.srv.TokenRefreshes() != 2 {
		t.Errorf("statuses %v, refreshes %d; want [200 401 200] and 2", statuses, b.srv.TokenRefreshes())
	}
	if len(b.waits.all()) != 0 {
		t.Errorf("waited %v before replacing the token", b.waits.all())
	}
}

func TestRevokedRefreshTokenNamesTheFix(t *testing.T) {
	b := setup(t)
	b.srv.RevokeRefreshToken(googleadstest.RefreshToken)
	_, err := b.client.Mutate(context.Background(), cid, googleads.MutateRequest{Operations: searchCampaign(cid, "Revoked")})
	var auth *googleads.AuthError
	if !errors.As(err, &auth) || auth.Code != "invalid_grant" {
		t.Fatalf("err %v, want an AuthError invalid_grant", err)
	}
	if !strings.Contains(err.Error(), googleads.EnvRefreshToken) || !strings.Contains(googleads.Advice(err), googleads.Scope) {
		t.Errorf("error %q / advice %q do not name the fix", err, googleads.Advice(err))
	}
	if n := len(b.srv.RequestsTo("mutate")); n != 0 {
		t.Errorf("%d mutates sent without a token", n)
	}
	if n := len(b.srv.RequestsTo("token")); n != 1 {
		t.Errorf("%d token requests: a refused refresh token is not retried", n)
	}
}

func TestWrongClientSecretIsInvalidClient(t *testing.T) {
	b := setup(t, func(c *googleads.Config) { c.ClientSecret = "wrong" })
	_, err := b.client.ListAccessibleCustomers(context.Background())
	var auth *googleads.AuthError
	if !errors.As(err, &auth) || auth.Code != "invalid_client" || !strings.Contains(err.Error(), googleads.EnvClientSecret) {
		t.Fatalf("err %v, want invalid_client naming %s", err, googleads.EnvClientSecret)
	}
}

func TestNotConnectedIsAStateNotACrash(t *testing.T) {
	_, err := googleads.New(googleads.Config{ClientID: "x"})
	if !errors.Is(err, googleads.ErrNotConnected) {
		t.Fatalf("err %v, want ErrNotConnected", err)
	}
	for _, v := range []string{googleads.EnvClientSecret, googleads.EnvRefreshToken} {
		if !strings.Contains(err.Error(), v) || !strings.Contains(googleads.Advice(err), v) {
			t.Errorf("%q / advice %q do not name %s", err, googleads.Advice(err), v)
		}
	}
	if strings.Contains(err.Error(), googleads.EnvClientID) {
		t.Errorf("%q names a variable that is set", err)
	}
}

func TestMutateErrorsAreDecodedWithTheirFieldPaths(t *testing.T) {
	b := setup(t)
	ops := searchCampaign(cid, "Paths")
	ad := ops[9].AdGroupAdOperation.Create.Ad.ResponsiveSearchAd
	ad.Headlines[3].Text = "Diese Überschrift ist viel zu lang"
	ops[6].AdGroupCriterionOperation.Create.Keyword.Text = "reifen!!"
	_, err := b.client.Mutate(context.Background(), cid, googleads.MutateRequest{Operations: ops})
	var api *googleads.APIError
	if !errors.As(err, &api) {
		t.Fatalf("err %v, want an APIError", err)
	}
	if api.HTTPStatus != 400 || api.Status != "INVALID_ARGUMENT" || api.RequestID == "" || api.RequestID != b.srv.RequestsTo("mutate")[0].RequestID {
		t.Errorf("status %d %s, request-id %q", api.HTTPStatus, api.Status, api.RequestID)
	}
	want := map[string]struct {
		op      int
		field   string
		trigger string
	}{
		"criterionError.KEYWORD_HAS_INVALID_CHARS": {6, "keyword.text", "reifen!!"},
		"adError.TOO_LONG":                         {9, "ad.responsive_search_ad.headlines[3].text", "Diese Überschrift ist viel zu lang"},
	}
	if len(api.Errors) != len(want) {
		t.Fatalf("errors %v", api.Errors)
	}
	for _, e := range api.Errors {
		w, ok := want[e.Code.String()]
		i, hasOp := e.Location.OperationIndex()
		if !ok || !hasOp || i != w.op || e.Location.Field() != w.field || e.Trigger != w.trigger || e.Message == "" {
			t.Errorf("error %s: op %d field %q trigger %q; want %+v", e.Code, i, e.Location.Field(), e.Trigger, w)
		}
	}
	if !api.Has("adError.TOO_LONG") || !api.Has("KEYWORD_HAS_INVALID_CHARS") || api.Has("adError.TOO_SHORT") {
		t.Error("Has does not match codes")
	}
	if s := api.Errors[0].Location.String(); !strings.HasPrefix(s, "mutate_operations[6].ad_group_criterion_operation.create.") {
		t.Errorf("location %q", s)
	}
	if n := countRows(t, b, nameQuery("campaign", "Paths")); n != 0 {
		t.Errorf("an atomic mutate that failed left %d campaigns", n)
	}
}

func TestShortTermQuotaIsRetriedAfterTheDelayGoogleNames(t *testing.T) {
	b := setup(t)
	b.srv.Inject(googleadstest.Fault{Call: "mutate", Kind: googleadstest.FaultTemporaryQuota, RetryDelay: 30 * time.Millisecond, Times: 2})
	mustMutate(t, b, googleads.MutateRequest{Operations: searchCampaign(cid, "Quota")})
	waits := b.waits.all()
	if len(waits) != 2 {
		t.Fatalf("waits %v, want 2", waits)
	}
	for _, w := range waits {
		if w < 30*time.Millisecond || w > 33*time.Millisecond {
			t.Errorf("waited %s; Google asked for 30ms (plus at most 10%% jitter)", w)
		}
	}
	if n := len(b.srv.RequestsTo("mutate")); n != 3 {
		t.Errorf("%d mutates, want 3", n)
	}
	if n := countRows(t, b, nameQuery("campaign", "Quota")); n != 1 {
		t.Errorf("%d campaigns, want 1", n)
	}
}

func TestRetryDelayBeyondTheDeadlineIsNotWaitedFor(t *testing.T) {
	b := setup(t)
	b.srv.Inject(googleadstest.Fault{Call: "search", Kind: googleadstest.FaultTemporaryQuota, RetryDelay: 10 * time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := b.client.Search(ctx, cid, "SELECT customer.id FROM customer")
	var api *googleads.APIError
	if !errors.As(err, &api) || !api.Has("quotaError.RESOURCE_TEMPORARILY_EXHAUSTED") || api.RetryDelay() != 10*time.Minute {
		t.Fatalf("err %v, want the quota error with its retry delay", err)
	}
	if len(b.waits.all()) != 0 {
		t.Errorf("waited %v past the deadline", b.waits.all())
	}
}

func TestDailyQuotaIsNotRetried(t *testing.T) {
	b := setup(t)
	b.srv.Inject(googleadstest.Fault{Call: "mutate", Kind: googleadstest.FaultDailyQuota})
	_, err := b.client.Mutate(context.Background(), cid, googleads.MutateRequest{Operations: searchCampaign(cid, "Daily")})
	var q *googleads.QuotaExhaustedError
	if !errors.As(err, &q) || q.RetryAfter <= 0 {
		t.Fatalf("err %v, want a QuotaExhaustedError with the time to reset", err)
	}
	var api *googleads.APIError
	if !errors.As(err, &api) || api.RequestID == "" || !strings.Contains(err.Error(), "daily") {
		t.Errorf("err %v does not carry the API error and its request-id", err)
	}
	if n := len(b.srv.RequestsTo("mutate")); n != 1 || len(b.waits.all()) != 0 {
		t.Errorf("%d mutates and waits %v; the daily quota is not retried", n, b.waits.all())
	}
}

func TestTransientServerErrorsAreRetriedWithBackoff(t *testing.T) {
	for _, kind := range []googleadstest.FaultKind{googleadstest.FaultUnavailable, googleadstest.FaultInternal, googleadstest.FaultDeadlineExceeded} {
		t.Run(string(kind), func(t *testing.T) {
			b := setup(t)
			b.srv.Inject(googleadstest.Fault{Call: "mutate", Kind: kind, Times: 2})
			resp := mustMutate(t, b, googleads.MutateRequest{Operations: searchCampaign(cid, "Transient")})
			if len(resp.Results) != 10 {
				t.Errorf("%d results", len(resp.Results))
			}
			waits := b.waits.all()
			// Base 1ms doubling, full jitter over the upper half.
			if len(waits) != 2 || waits[0] < 500*time.Microsecond || waits[0] > time.Millisecond || waits[1] < time.Millisecond || waits[1] > 2*time.Millisecond {
				t.Errorf("waits %v, want ~1ms then ~2ms", waits)
			}
			if n := countRows(t, b, nameQuery("campaign", "Transient")); n != 1 {
				t.Errorf("%d campaigns, want 1", n)
			}
		})
	}
}

func TestTransientErrorsGiveUpAfterMaxAttempts(t *testing.T) {
	b := setup(t)
	b.srv.Inject(googleadstest.Fault{Call: "search", Kind: googleadstest.FaultUnavailable, Times: 10})
	_, err := b.client.Search(context.Background(), cid, "SELECT customer.id FROM customer")
	var api *googleads.APIError
	if !errors.As(err, &api) || api.Status != "UNAVAILABLE" || !strings.Contains(err.Error(), "4 attempts") {
		t.Fatalf("err %v", err)
	}
	if n := len(b.srv.RequestsTo("search")); n != 4 {
		t.Errorf("%d searches, want 4", n)
	}
}

func TestLostAnswerOfAMutateIsAnUnknownOutcome(t *testing.T) {
	b := setup(t)
	b.srv.Inject(googleadstest.Fault{Call: "mutate", Kind: googleadstest.FaultLoseAnswer})
	_, err := b.client.Mutate(context.Background(), cid, googleads.MutateRequest{Operations: searchCampaign(cid, "Lost")})
	var unknown *googleads.UnknownOutcomeError
	if !errors.As(err, &unknown) || unknown.Operations != 10 || unknown.CustomerID != cid {
		t.Fatalf("err %v, want an UnknownOutcomeError", err)
	}
	if n := len(b.srv.RequestsTo("mutate")); n != 1 {
		t.Errorf("the mutate was sent %d times, want once", n)
	}
	// Google applied it: the lookup the error asks for finds it.
	if n := countRows(t, b, nameQuery("campaign", "Lost")); n != 1 {
		t.Errorf("%d campaigns named Lost, want 1", n)
	}
}

func TestMutateWithoutAnswerBeforeTheCallTimeoutIsAnUnknownOutcome(t *testing.T) {
	b := setup(t, func(c *googleads.Config) { c.CallTimeout = 100 * time.Millisecond })
	b.srv.Inject(googleadstest.Fault{Call: "mutate", Kind: googleadstest.FaultSlow, Delay: time.Minute})
	_, err := b.client.Mutate(context.Background(), cid, googleads.MutateRequest{Operations: searchCampaign(cid, "Slow")})
	var unknown *googleads.UnknownOutcomeError
	if !errors.As(err, &unknown) || !strings.Contains(err.Error(), googleads.EnvCallTimeout) {
		t.Fatalf("err %v, want an UnknownOutcomeError naming the call timeout", err)
	}
	if n := len(b.srv.RequestsTo("mutate")); n != 1 {
		t.Errorf("the mutate was sent %d times, want once", n)
	}
}

func TestQueriesAndValidateOnlyMutatesAreResentAfterALostAnswer(t *testing.T) {
	b := setup(t, func(c *googleads.Config) { c.CallTimeout = 100 * time.Millisecond })
	b.srv.Inject(
		googleadstest.Fault{Call: "search", Kind: googleadstest.FaultSlow, Delay: time.Minute},
		googleadstest.Fault{Call: "mutate", Kind: googleadstest.FaultDropRequest},
	)
	if _, err := b.client.Search(context.Background(), cid, "SELECT customer.id FROM customer"); err != nil {
		t.Fatalf("search: %v", err)
	}
	if _, err := b.client.Mutate(context.Background(), cid, googleads.MutateRequest{Operations: searchCampaign(cid, "V"), ValidateOnly: true}); err != nil {
		t.Fatalf("validate-only mutate: %v", err)
	}
	if s, m := len(b.srv.RequestsTo("search")), len(b.srv.RequestsTo("mutate")); s != 2 || m != 2 {
		t.Errorf("%d searches and %d mutates, want 2 each", s, m)
	}
}

func TestCallerDeadlineAfterSendingIsAnUnknownOutcome(t *testing.T) {
	b := setup(t)
	b.srv.Inject(googleadstest.Fault{Call: "mutate", Kind: googleadstest.FaultSlow, Delay: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := b.client.Mutate(ctx, cid, googleads.MutateRequest{Operations: searchCampaign(cid, "Deadline")})
	var unknown *googleads.UnknownOutcomeError
	if !errors.As(err, &unknown) {
		t.Fatalf("err %v, want an UnknownOutcomeError", err)
	}
}

func TestMoreThanTenThousandOperationsAreRefusedBeforeSending(t *testing.T) {
	b := setup(t)
	ops := make([]googleads.MutateOperation, googleads.MaxOperations+1)
	for i := range ops {
		ops[i] = googleads.Create(googleads.CampaignBudget{AmountMicros: 1_000_000, ExplicitlyShared: googleads.Bool(false)})
	}
	_, err := b.client.Mutate(context.Background(), cid, googleads.MutateRequest{Operations: ops})
	if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "10000") || !strings.Contains(err.Error(), "10001") {
		t.Fatalf("err %v, want an invalid-input error naming the limit and the count", err)
	}
	if n := len(b.srv.RequestsTo("mutate")); n != 0 {
		t.Errorf("%d mutates sent", n)
	}
	// The limit itself is accepted (and Google's answer checked).
	resp := mustMutate(t, b, googleads.MutateRequest{Operations: ops[:googleads.MaxOperations], ValidateOnly: true})
	if len(resp.Results) != 0 {
		t.Errorf("validate-only answered %d results", len(resp.Results))
	}
}

func TestMalformedOperationsAreRefusedBeforeSending(t *testing.T) {
	b := setup(t)
	cases := map[string]googleads.MutateOperation{
		"empty":            {},
		"update-no-fields": googleads.Update(googleads.Campaign{ResourceName: googleads.Name(cid, "campaigns", 1)}),
		"remove-asset":     googleads.Remove(googleads.Name(cid, "assets", 1)),
		"remove-garbage":   googleads.Remove("campaigns/1"),
		"two-kinds": {CampaignOperation: &googleads.Operation[googleads.Campaign]{Remove: "customers/1111111111/campaigns/1"},
			AdGroupOperation: &googleads.Operation[googleads.AdGroup]{Remove: "customers/1111111111/adGroups/1"}},
	}
	for name, op := range cases {
		_, err := b.client.Mutate(context.Background(), cid, googleads.MutateRequest{Operations: []googleads.MutateOperation{googleads.Create(googleads.CampaignBudget{Name: "x", AmountMicros: 1}), op}})
		e := errs.As(err)
		if e == nil || e.Code != errs.Invalid || len(e.Fields) != 1 || e.Fields[0].Location != "operations[1]" {
			t.Errorf("%s: err %v, want an invalid operations[1]", name, err)
		}
	}
	if _, err := b.client.Mutate(context.Background(), "12345", googleads.MutateRequest{Operations: searchCampaign(cid, "x")}); !errs.Is(err, errs.Invalid) {
		t.Errorf("bad customer id: %v", err)
	}
	if n := len(b.srv.RequestsTo("mutate")); n != 0 {
		t.Errorf("%d mutates sent", n)
	}
}

func TestValidateOnlyChecksEverythingAndStoresNothing(t *testing.T) {
	b := setup(t)
	resp := mustMutate(t, b, googleads.MutateRequest{Operations: searchCampaign(cid, "Dry"), ValidateOnly: true})
	if len(resp.Results) != 0 || resp.PartialFailure != nil {
		t.Errorf("validate-only answer %+v", resp)
	}
	if n := countRows(t, b, nameQuery("campaign", "Dry")); n != 0 {
		t.Errorf("validate-only stored %d campaigns", n)
	}
	ops := searchCampaign(cid, "Dry")
	ops[1].CampaignOperation.Create.ContainsEUPoliticalAdvertising = ""
	_, err := b.client.Mutate(context.Background(), cid, googleads.MutateRequest{Operations: ops, ValidateOnly: true})
	var api *googleads.APIError
	if !errors.As(err, &api) || !api.Has("fieldError.REQUIRED") || api.Errors[0].Location.Field() != "contains_eu_political_advertising" {
		t.Fatalf("err %v, want the missing EU political advertising declaration", err)
	}
}

func TestPartialFailureAppliesTheRestAndNamesTheFailedOperations(t *testing.T) {
	b := setup(t)
	ops := []googleads.MutateOperation{
		googleads.Create(googleads.CampaignBudget{Name: "P1", AmountMicros: 1_000_000}),
		googleads.Create(googleads.CampaignBudget{Name: "P2", AmountMicros: -1}),
		googleads.Create(googleads.CampaignBudget{Name: "P3", AmountMicros: 2_000_000}),
	}
	resp := mustMutate(t, b, googleads.MutateRequest{Operations: ops, PartialFailure: true})
	if len(resp.Results) != 3 || resp.Results[0].Kind != "campaignBudget" || resp.Results[1].Kind != "" || resp.Results[2].ResourceName == "" {
		t.Fatalf("results %+v", resp.Results)
	}
	if resp.PartialFailure == nil || !resp.Failed(1) || resp.Failed(0) || resp.Failed(2) {
		t.Fatalf("partial failure %+v", resp.PartialFailure)
	}
	e := resp.PartialFailure.ByOperation()[1][0]
	if e.Code.String() != "campaignBudgetError.NEGATIVE_MONEY_AMOUNT" || e.Location.Field() != "amount_micros" || e.Trigger != "-1" {
		t.Errorf("error %+v", e)
	}
	if n := countRows(t, b, "SELECT campaign_budget.name FROM campaign_budget"); n != 2 {
		t.Errorf("%d budgets stored, want 2", n)
	}
}

func TestMutableResourceAnswersTheStoredResource(t *testing.T) {
	b := setup(t)
	resp := mustMutate(t, b, googleads.MutateRequest{Operations: searchCampaign(cid, "Mutable"), ResponseContentType: googleads.MutableResource})
	c := resp.Results[1].Campaign
	if c == nil || c.ID == 0 || c.Name != "Mutable" || c.Status != googleads.CampaignPaused || c.BiddingStrategyType != "MANUAL_CPC" ||
		resp.Results[1].ResourceName != googleads.Name(cid, "campaigns", int64(c.ID)) {
		t.Fatalf("campaign result %+v / %+v", resp.Results[1], c)
	}
	ad := resp.Results[9].AdGroupAd
	if ad == nil || ad.Ad == nil || ad.Ad.ID == 0 || len(ad.Ad.ResponsiveSearchAd.Headlines) != 4 || ad.Ad.ResponsiveSearchAd.Headlines[0].PinnedField != googleads.PinHeadline1 {
		t.Errorf("ad result %+v", ad)
	}
}

func TestUpdatesAndRemovesUseTheResourceNames(t *testing.T) {
	b := setup(t)
	created := mustMutate(t, b, googleads.MutateRequest{Operations: searchCampaign(cid, "Live")})
	campaign, ad, keyword := created.Results[1].ResourceName, created.Results[9].ResourceName, created.Results[7].ResourceName
	mustMutate(t, b, googleads.MutateRequest{Operations: []googleads.MutateOperation{
		googleads.Update(googleads.Campaign{ResourceName: campaign, Status: googleads.CampaignEnabled,
			NetworkSettings: &googleads.NetworkSettings{TargetSearchNetwork: googleads.Bool(false)}},
			"status", "network_settings.target_search_network"),
		googleads.Update(googleads.AdGroupAd{ResourceName: ad, Status: googleads.AdEnabled}, "status"),
		googleads.Remove(keyword),
	}})
	res, err := b.client.Search(context.Background(), cid,
		"SELECT campaign.status, campaign.network_settings.target_search_network, campaign.network_settings.target_google_search FROM campaign WHERE campaign.resource_name = "+googleads.Quote(campaign))
	if err != nil {
		t.Fatal(err)
	}
	c := res.Rows[0].Campaign
	if c.Status != googleads.CampaignEnabled || c.NetworkSettings == nil || c.NetworkSettings.TargetSearchNetwork == nil || *c.NetworkSettings.TargetSearchNetwork ||
		c.NetworkSettings.TargetGoogleSearch == nil || !*c.NetworkSettings.TargetGoogleSearch {
		t.Errorf("campaign after update %+v %+v", c, c.NetworkSettings)
	}
	if n := countRows(t, b, "SELECT ad_group_criterion.status FROM ad_group_criterion WHERE ad_group_criterion.status = REMOVED"); n != 1 {
		t.Errorf("%d removed keywords, want 1", n)
	}
}

func TestImmutableFieldsAreRefused(t *testing.T) {
	b := setup(t)
	created := mustMutate(t, b, googleads.MutateRequest{Operations: searchCampaign(cid, "Fixed")})
	cases := []struct {
		op    googleads.MutateOperation
		field string
	}{
		{googleads.Update(googleads.Campaign{ResourceName: created.Results[1].ResourceName, AdvertisingChannelType: googleads.ChannelPerformanceMax}, "advertising_channel_type"), "advertising_channel_type"},
		{googleads.Update(googleads.AdGroupAd{ResourceName: created.Results[9].ResourceName, Ad: &googleads.Ad{ResponsiveSearchAd: &googleads.ResponsiveSearchAdInfo{
			Headlines: []googleads.AdTextAsset{{Text: "Neu"}}}}}, "ad.responsive_search_ad.headlines"), "ad.responsive_search_ad.headlines"},
		{googleads.Update(googleads.AdGroupCriterion{ResourceName: created.Results[7].ResourceName, Keyword: &googleads.KeywordInfo{Text: "neu", MatchType: googleads.MatchExact}}, "keyword.text"), "keyword.text"},
	}
	for _, c := range cases {
		_, err := b.client.Mutate(context.Background(), cid, googleads.MutateRequest{Operations: []googleads.MutateOperation{c.op}})
		var api *googleads.APIError
		if !errors.As(err, &api) || !api.Has("requestError.IMMUTABLE_FIELD") || api.Errors[0].Location.Field() != c.field {
			t.Errorf("update of %s: err %v, want IMMUTABLE_FIELD there", c.field, err)
		}
	}
}

func TestTemporaryIDsDoNotOutliveTheirRequest(t *testing.T) {
	b := setup(t)
	ops := searchCampaign(cid, "Temp")
	mustMutate(t, b, googleads.MutateRequest{Operations: ops[:2]})                                      // budget -1 and campaign -2
	_, err := b.client.Mutate(context.Background(), cid, googleads.MutateRequest{Operations: ops[2:3]}) // refers to campaign -2
	var api *googleads.APIError
	if !errors.As(err, &api) || !api.Has("mutateError.RESOURCE_NOT_FOUND") || api.Errors[0].Location.Field() != "campaign" {
		t.Fatalf("err %v, want RESOURCE_NOT_FOUND on the campaign reference", err)
	}
}

func TestSearchFollowsPagesAndStreamReadsBatches(t *testing.T) {
	b := setup(t)
	b.srv.SetPageSize(2)
	var ops []googleads.MutateOperation
	for i := range 5 {
		ops = append(ops, googleads.Create(googleads.CampaignBudget{Name: fmt.Sprint("Page ", i), AmountMicros: googleads.Int64(1_000_000 * (i + 1))}))
	}
	mustMutate(t, b, googleads.MutateRequest{Operations: ops})
	q := "SELECT campaign_budget.id, campaign_budget.name, campaign_budget.amount_micros FROM campaign_budget WHERE campaign_budget.amount_micros >= 2000000 ORDER BY campaign_budget.amount_micros DESC"
	res, err := b.client.Search(context.Background(), cid, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 4 || len(res.RequestIDs) != 2 || res.Rows[0].CampaignBudget.AmountMicros != 5_000_000 || res.Rows[0].CampaignBudget.ID == 0 ||
		res.FieldMask != "campaignBudget.id,campaignBudget.name,campaignBudget.amountMicros" {
		t.Errorf("search: %d rows, %d pages, first %+v, mask %q", len(res.Rows), len(res.RequestIDs), res.Rows[0].CampaignBudget, res.FieldMask)
	}
	stream, err := b.client.SearchStream(context.Background(), cid, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(stream.Rows) != 4 || stream.Rows[3].CampaignBudget.AmountMicros != 2_000_000 || len(stream.RequestIDs) != 1 || stream.RequestIDs[0] == "" {
		t.Errorf("stream: %d rows, last %+v, ids %v", len(stream.Rows), stream.Rows[3].CampaignBudget, stream.RequestIDs)
	}
}

func TestCustomerClientsThroughTheManager(t *testing.T) {
	b := setup(t)
	res, err := b.client.Search(context.Background(), googleadstest.ManagerID,
		"SELECT customer_client.client_customer, customer_client.descriptive_name, customer_client.manager, customer_client.level, customer_client.test_account FROM customer_client")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res.Rows {
		c := r.CustomerClient
		got = append(got, fmt.Sprintf("%s %s manager=%v level=%d test=%v", c.ClientCustomer, c.DescriptiveName, c.Manager, c.Level, c.TestAccount))
	}
	want := []string{
		"customers/1234567890 IMAP Hub Manager manager=true level=0 test=false",
		"customers/1111111111 Reifen Müller manager=false level=1 test=false",
		"customers/2222222222 Reifen Müller (test) manager=false level=1 test=true",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("customer clients\n got %q\nwant %q", got, want)
	}
}

func TestPerformanceMaxIsCreatedInOneRequest(t *testing.T) {
	b := setup(t)
	resp := mustMutate(t, b, googleads.MutateRequest{Operations: performanceMax(t, cid, "PMax")})
	if len(resp.Results) != 23 {
		t.Fatalf("%d results", len(resp.Results))
	}
	res, err := b.client.Search(context.Background(), cid,
		"SELECT asset_group_asset.field_type, asset.type, asset.image_asset.full_size.width_pixels, asset_group.name FROM asset_group_asset WHERE asset_group_asset.field_type IN (MARKETING_IMAGE, LOGO)")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 2 || res.Rows[0].Asset.ImageAsset.FullSize.WidthPixels != 1200 || res.Rows[1].Asset.Type != "IMAGE" || res.Rows[0].AssetGroup.Name != "PMax Gruppe 1" {
		t.Errorf("rows %s", res.Rows[0].Raw)
	}
	// Without its square image, the asset group is refused as a whole.
	ops := performanceMax(t, cid, "PMax 2")
	ops = append(ops[:len(ops)-2], ops[len(ops)-1]) // drop the square image link
	_, err = b.client.Mutate(context.Background(), cid, googleads.MutateRequest{Operations: ops})
	var api *googleads.APIError
	if !errors.As(err, &api) || !api.Has("assetGroupError.NOT_ENOUGH_SQUARE_MARKETING_IMAGE_ASSET") {
		t.Fatalf("err %v", err)
	}
	if i, _ := api.Errors[0].Location.OperationIndex(); ops[i].AssetGroupOperation == nil {
		t.Errorf("the error names operation %d, not the asset group", i)
	}
}
