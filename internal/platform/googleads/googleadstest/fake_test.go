package googleadstest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/platform/googleads/googleadstest"
)

// These tests speak raw HTTP to the fake: it must refuse what Google refuses,
// in Google's shapes, whatever client talks to it.

type answer struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// code is the first GoogleAdsError's "category.VALUE" and location.
func (a answer) code() (string, string) {
	e := a.errors()
	if len(e) == 0 {
		return "", ""
	}
	return e[0][0], e[0][1]
}

// errors lists each GoogleAdsError as {code, location}.
func (a answer) errors() [][2]string {
	var out [][2]string
	errObj, _ := a.body["error"].(map[string]any)
	if errObj == nil {
		errObj, _ = a.body["partialFailureError"].(map[string]any)
	}
	if errObj == nil {
		return nil
	}
	details, _ := errObj["details"].([]any)
	for _, d := range details {
		list, _ := d.(map[string]any)["errors"].([]any)
		for _, e := range list {
			em := e.(map[string]any)
			var code string
			for k, v := range em["errorCode"].(map[string]any) {
				code = k + "." + v.(string)
			}
			var loc []string
			if l, ok := em["location"].(map[string]any); ok {
				for _, p := range l["fieldPathElements"].([]any) {
					pm := p.(map[string]any)
					s := pm["fieldName"].(string)
					if i, ok := pm["index"]; ok {
						s += fmt.Sprintf("[%v]", i)
					}
					loc = append(loc, s)
				}
			}
			out = append(out, [2]string{code, strings.Join(loc, ".")})
		}
	}
	return out
}

func (a answer) message() string {
	if e, ok := a.body["error"].(map[string]any); ok {
		return e["message"].(string)
	}
	return ""
}

type call struct {
	srv     *googleadstest.Server
	token   string
	headers map[string]string
}

func setup(t *testing.T) *call {
	t.Helper()
	srv := googleadstest.NewServer()
	t.Cleanup(srv.Close)
	c := &call{srv: srv, headers: map[string]string{
		"developer-token":   googleadstest.DeveloperToken,
		"login-customer-id": googleadstest.ManagerID,
		"Content-Type":      "application/json",
	}}
	c.token = c.newToken(t, googleadstest.RefreshToken)
	c.headers["Authorization"] = "Bearer " + c.token
	return c
}

func (c *call) tokenRequest(t *testing.T, form url.Values) answer {
	t.Helper()
	resp, err := http.PostForm(c.srv.TokenURL, form)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, resp)
}

func (c *call) newToken(t *testing.T, refresh string) string {
	t.Helper()
	a := c.tokenRequest(t, url.Values{"grant_type": {"refresh_token"}, "client_id": {googleadstest.ClientID},
		"client_secret": {googleadstest.ClientSecret}, "refresh_token": {refresh}})
	if a.status != 200 || a.body["token_type"] != "Bearer" || a.body["expires_in"].(float64) != 3599 {
		t.Fatalf("token answer %d %v", a.status, a.body)
	}
	return a.body["access_token"].(string)
}

func read(t *testing.T, resp *http.Response) answer {
	t.Helper()
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &a.body)
	return a
}

func (c *call) do(t *testing.T, method, path, body string, change ...func(h http.Header)) answer {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.srv.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	if method == http.MethodGet {
		req.Header.Del("Content-Type")
	}
	for _, ch := range change {
		ch(req.Header)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, resp)
}

const client = googleadstest.ClientAccountID

func (c *call) mutate(t *testing.T, customer, body string, change ...func(h http.Header)) answer {
	t.Helper()
	return c.do(t, http.MethodPost, "/v25/customers/"+customer+"/googleAds:mutate", body, change...)
}

func (c *call) search(t *testing.T, customer, query string) answer {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"query": query})
	return c.do(t, http.MethodPost, "/v25/customers/"+customer+"/googleAds:search", string(b))
}

func without(name string) func(http.Header) { return func(h http.Header) { h.Del(name) } }
func with(name, v string) func(http.Header) { return func(h http.Header) { h.Set(name, v) } }

const budgetOp = `{"campaignBudgetOperation":{"create":{"resourceName":"customers/1111111111/campaignBudgets/-1","name":"B","amountMicros":"5000000"}}}`

func ops(list ...string) string { return `{"mutateOperations":[` + strings.Join(list, ",") + `]}` }

func TestHeadersAreRequiredAndChecked(t *testing.T) {
	c := setup(t)
	listPath := "/v25/customers:listAccessibleCustomers"
	cases := []struct {
		name   string
		do     func() answer
		status int
		code   string // GoogleAdsError code, or "reason:" an ErrorInfo reason
	}{
		{"no authorization", func() answer { return c.do(t, "GET", listPath, "", without("Authorization")) }, 401, "reason:CREDENTIALS_MISSING"},
		{"unknown token", func() answer { return c.do(t, "GET", listPath, "", with("Authorization", "Bearer ya29.made-up")) }, 401, "reason:ACCESS_TOKEN_TYPE_UNSUPPORTED"},
		{"not bearer", func() answer { return c.do(t, "GET", listPath, "", with("Authorization", c.token)) }, 401, "reason:ACCESS_TOKEN_TYPE_UNSUPPORTED"},
		{"no developer token", func() answer { return c.do(t, "GET", listPath, "", without("developer-token")) }, 400, "requestError.DEVELOPER_TOKEN_PARAMETER_MISSING"},
		{"unknown developer token", func() answer { return c.do(t, "GET", listPath, "", with("developer-token", "nope")) }, 401, "authenticationError.DEVELOPER_TOKEN_INVALID"},
		{"login id with dashes", func() answer { return c.search(t, client, "SELECT customer.id FROM customer") }, 200, ""},
		{"login id with dashes", func() answer {
			return c.do(t, "POST", "/v25/customers/"+client+"/googleAds:search", `{"query":"SELECT customer.id FROM customer"}`, with("login-customer-id", "123-456-7890"))
		}, 401, "headerError.INVALID_LOGIN_CUSTOMER_ID"},
		{"client without its manager", func() answer {
			return c.do(t, "POST", "/v25/customers/"+client+"/googleAds:search", `{"query":"SELECT customer.id FROM customer"}`, without("login-customer-id"))
		}, 403, "authorizationError.USER_PERMISSION_DENIED"},
		{"manager not above the account", func() answer {
			return c.do(t, "POST", "/v25/customers/"+googleadstest.ManagerID+"/googleAds:search", `{"query":"SELECT customer.id FROM customer"}`, with("login-customer-id", client))
		}, 403, "authorizationError.USER_PERMISSION_DENIED"},
		{"unknown customer", func() answer { return c.search(t, "3333333333", "SELECT customer.id FROM customer") }, 401, "authenticationError.CUSTOMER_NOT_FOUND"},
		{"customer id with dashes", func() answer { return c.search(t, "111-111-1111", "SELECT customer.id FROM customer") }, 400, "requestError.INVALID_CUSTOMER_ID"},
		{"form body", func() answer {
			return c.mutate(t, client, ops(budgetOp), with("Content-Type", "application/x-www-form-urlencoded"))
		}, 400, ""},
	}
	for _, tc := range cases {
		a := tc.do()
		got, _ := a.code()
		if strings.HasPrefix(tc.code, "reason:") {
			got = "reason:"
			if d, ok := a.body["error"].(map[string]any)["details"].([]any); ok {
				got += d[0].(map[string]any)["reason"].(string)
			}
		}
		if a.status != tc.status || got != tc.code {
			t.Errorf("%s: %d %s, want %d %s (%s)", tc.name, a.status, got, tc.status, tc.code, a.raw)
		}
		if a.status != 200 && a.header.Get("request-id") == "" && a.status != 401 {
			t.Errorf("%s: no request-id header", tc.name)
		}
	}
}

func TestExpiredAccessTokenIsRefused(t *testing.T) {
	c := setup(t)
	now := time.Now()
	c.srv.SetClock(func() time.Time { return now.Add(time.Hour) })
	a := c.do(t, "GET", "/v25/customers:listAccessibleCustomers", "")
	if code, _ := a.code(); a.status != 401 || code != "authenticationError.OAUTH_TOKEN_EXPIRED" {
		t.Errorf("%d %s", a.status, a.raw)
	}
}

func TestTokenEndpointRefusesBadGrants(t *testing.T) {
	c := setup(t)
	base := url.Values{"grant_type": {"refresh_token"}, "client_id": {googleadstest.ClientID}, "client_secret": {googleadstest.ClientSecret}, "refresh_token": {googleadstest.RefreshToken}}
	change := func(k, v string) url.Values {
		out := url.Values{}
		for key, vals := range base {
			out[key] = vals
		}
		out.Set(k, v)
		return out
	}
	c.srv.AddOAuthClient("other-client", "other-secret", googleadstest.AccessBasic)
	cases := []struct {
		form   url.Values
		status int
		code   string
	}{
		{change("refresh_token", "unknown"), 400, "invalid_grant"},
		{change("client_secret", "wrong"), 401, "invalid_client"},
		{change("client_id", "nobody"), 401, "invalid_client"},
		{change("grant_type", "password"), 400, "unsupported_grant_type"},
		{url.Values{"grant_type": {"refresh_token"}, "client_id": {"other-client"}, "client_secret": {"other-secret"}, "refresh_token": {googleadstest.RefreshToken}}, 401, "unauthorized_client"},
	}
	for _, tc := range cases {
		a := c.tokenRequest(t, tc.form)
		if a.status != tc.status || a.body["error"] != tc.code {
			t.Errorf("%v: %d %v, want %d %s", tc.form, a.status, a.body, tc.status, tc.code)
		}
	}
	c.srv.RevokeRefreshToken(googleadstest.RefreshToken)
	if a := c.tokenRequest(t, base); a.status != 400 || a.body["error"] != "invalid_grant" {
		t.Errorf("revoked: %d %v", a.status, a.body)
	}
	if a := c.do(t, "GET", "/v25/customers:listAccessibleCustomers", ""); a.status != 401 {
		t.Errorf("an access token of a revoked grant still works: %d", a.status)
	}
}

func TestAccessLevelsAndScopes(t *testing.T) {
	c := setup(t)
	c.srv.AddDeveloperToken("TESTONLY", googleadstest.AccessTest)
	q := `{"query":"SELECT customer.id FROM customer"}`
	if a := c.do(t, "POST", "/v25/customers/"+client+"/googleAds:search", q, with("developer-token", "TESTONLY")); a.status != 403 {
		t.Errorf("test token on a production account: %d %s", a.status, a.raw)
	} else if code, _ := a.code(); code != "authorizationError.DEVELOPER_TOKEN_NOT_APPROVED" {
		t.Errorf("code %s", code)
	}
	if a := c.do(t, "POST", "/v25/customers/"+googleadstest.TestAccountID+"/googleAds:search", q, with("developer-token", "TESTONLY")); a.status != 200 {
		t.Errorf("test token on a test account: %d %s", a.status, a.raw)
	}
	// Since the sunset the header is ignored and the Cloud project's level
	// applies.
	c.srv.SetDeveloperTokenRule(googleadstest.DeveloperTokenIgnored)
	c.srv.SetProjectAccessLevel(googleadstest.ClientID, googleadstest.AccessTest)
	a := c.do(t, "POST", "/v25/customers/"+client+"/googleAds:search", q, without("developer-token"))
	if code, _ := a.code(); a.status != 403 || code != "authorizationError.CLOUD_PROJECT_NOT_APPROVED_FOR_PRODUCTION" {
		t.Errorf("test project: %d %s", a.status, a.raw)
	}
	c.srv.SetProjectAccessLevel(googleadstest.ClientID, googleadstest.AccessExplorer)
	if a := c.do(t, "POST", "/v25/customers/"+client+"/googleAds:search", q, with("developer-token", "anything")); a.status != 200 {
		t.Errorf("ignored header: %d %s", a.status, a.raw)
	}
	c.srv.SetAPIEnabled(googleadstest.ClientID, false)
	if a := c.do(t, "GET", "/v25/customers:listAccessibleCustomers", ""); a.status != 403 || !strings.Contains(a.raw, "SERVICE_DISABLED") {
		t.Errorf("API disabled: %d %s", a.status, a.raw)
	}
	c.srv.SetAPIEnabled(googleadstest.ClientID, true)
	c.srv.AddRefreshToken("no-ads-scope", googleadstest.ClientID, googleadstest.UserEmail, "https://www.googleapis.com/auth/userinfo.email")
	tok := c.newToken(t, "no-ads-scope")
	if a := c.do(t, "GET", "/v25/customers:listAccessibleCustomers", "", with("Authorization", "Bearer "+tok)); a.status != 403 || !strings.Contains(a.raw, "ACCESS_TOKEN_SCOPE_INSUFFICIENT") {
		t.Errorf("no adwords scope: %d %s", a.status, a.raw)
	}
}

func TestVersions(t *testing.T) {
	c := setup(t)
	a := c.do(t, "GET", "/v20/customers:listAccessibleCustomers", "")
	if code, _ := a.code(); a.status != 400 || code != "requestError.UNSUPPORTED_VERSION" {
		t.Errorf("retired version: %d %s", a.status, a.raw)
	}
	if a := c.do(t, "GET", "/v99/customers:listAccessibleCustomers", ""); a.status != 404 || !strings.Contains(a.raw, "was not found on this server") {
		t.Errorf("unknown version: %d %s", a.status, a.raw)
	}
	if a := c.do(t, "POST", "/v25/customers:listAccessibleCustomers", ""); a.status != 404 {
		t.Errorf("wrong method: %d", a.status)
	}
}

func TestJSONIsReadStrictly(t *testing.T) {
	c := setup(t)
	cases := []struct {
		body string
		want string // in the message
	}{
		{ops(`{"campaignBudgetOperation":{"create":{"name":"B","amountMicros":"1","colour":"red"}}}`),
			`Unknown name "colour" at 'mutate_operations[0].campaign_budget_operation.create'`},
		{ops(`{"campaignBudgetOperation":{"create":{"name":"B","amountMicros":"lots"}}}`), "(TYPE_INT64)"},
		{ops(`{"campaignBudgetOperation":{"create":{"name":"B","deliveryMethod":"FAST"}}}`),
			"type.googleapis.com/google.ads.googleads.v25.enums.BudgetDeliveryMethodEnum.BudgetDeliveryMethod"},
		{ops(`{"campaignBudgetOperation":{"create":{"name":"B"},"remove":"customers/1111111111/campaignBudgets/1"}}`), `Multiple values for oneof "operation"`},
		{ops(`{"assetOperation":{"remove":"customers/1111111111/assets/1"}}`), `Unknown name "remove"`},
		{ops(budgetOp, `{"campaignOperation":{"create":{"name":"C","manualCpc":{},"targetSpend":{}}}}`), `Multiple values for oneof "campaign_bidding_strategy"`},
		{`{"mutateOperations":[` + budgetOp + `],"partialFailure":"yes"}`, "(TYPE_BOOL)"},
	}
	for _, tc := range cases {
		a := c.mutate(t, client, tc.body)
		if a.status != 400 || !strings.Contains(a.message(), tc.want) || !strings.Contains(a.raw, "google.rpc.BadRequest") {
			t.Errorf("%s:\n %d %s\nwant %q", tc.body, a.status, a.raw, tc.want)
		}
	}
	// int64 given as a JSON number, snake_case names: both are proto JSON.
	if a := c.mutate(t, client, ops(`{"campaign_budget_operation":{"create":{"name":"N","amount_micros":5000000}}}`)); a.status != 200 {
		t.Errorf("number and snake_case: %d %s", a.status, a.raw)
	}
}

func TestTemporaryIDRules(t *testing.T) {
	c := setup(t)
	campaign := func(budget string) string {
		return `{"campaignOperation":{"create":{"resourceName":"customers/1111111111/campaigns/-2","name":"C","advertisingChannelType":"SEARCH","campaignBudget":"` + budget +
			`","manualCpc":{},"containsEuPoliticalAdvertising":"DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING"}}}`
	}
	cases := []struct {
		name, body, code, loc string
	}{
		{"referred to before it is created", ops(campaign("customers/1111111111/campaignBudgets/-1"), budgetOp),
			"mutateError.RESOURCE_NOT_FOUND", "mutate_operations[0].campaign_operation.create.campaign_budget"},
		{"one number twice", ops(budgetOp, strings.Replace(budgetOp, `"name":"B"`, `"name":"B2"`, 1)),
			"newResourceCreationError.DUPLICATE_TEMP_IDS", "mutate_operations[1].campaign_budget_operation.create.resource_name"},
		{"one number for two types", ops(budgetOp, strings.Replace(campaign("customers/1111111111/campaignBudgets/-1"), "campaigns/-2", "campaigns/-1", 1)),
			"newResourceCreationError.DUPLICATE_TEMP_IDS", "mutate_operations[1].campaign_operation.create.resource_name"},
		{"positive id on create", ops(strings.Replace(budgetOp, "/-1", "/77", 1)),
			"newResourceCreationError.CANNOT_SET_ID_FOR_CREATE", "mutate_operations[0].campaign_budget_operation.create.resource_name"},
		{"mutated twice", ops(budgetOp, `{"campaignBudgetOperation":{"update":{"resourceName":"customers/1111111111/campaignBudgets/-1","name":"X"},"updateMask":"name"}}`),
			"mutateError.ID_EXISTS_IN_MULTIPLE_MUTATES", "mutate_operations[1].campaign_budget_operation.update.resource_name"},
		{"update without mask", ops(`{"campaignBudgetOperation":{"update":{"resourceName":"customers/1111111111/campaignBudgets/1","name":"X"}}}`),
			"fieldMaskError.FIELD_MASK_MISSING", "mutate_operations[0].campaign_budget_operation.update_mask"},
		{"no action", ops(`{"campaignBudgetOperation":{}}`), "requestError.OPERATION_REQUIRED", "mutate_operations[0].campaign_budget_operation"},
	}
	for _, tc := range cases {
		a := c.mutate(t, client, tc.body)
		code, loc := a.code()
		if a.status != 400 || code != tc.code || loc != tc.loc {
			t.Errorf("%s: %d %s at %s, want %s at %s\n%s", tc.name, a.status, code, loc, tc.code, tc.loc, a.raw)
		}
	}
	// A temporary id is forgotten after its request.
	if a := c.mutate(t, client, ops(budgetOp)); a.status != 200 {
		t.Fatal(a.raw)
	}
	a := c.mutate(t, client, ops(campaign("customers/1111111111/campaignBudgets/-1")))
	if code, _ := a.code(); code != "mutateError.RESOURCE_NOT_FOUND" {
		t.Errorf("temporary id of an earlier request: %s", a.raw)
	}
}

// adOp is an ad group ad create with the given headlines, descriptions and
// paths, under a fresh search campaign.
func searchSetup(t *testing.T, c *call) string {
	t.Helper()
	a := c.mutate(t, client, ops(budgetOp,
		`{"campaignOperation":{"create":{"resourceName":"customers/1111111111/campaigns/-2","name":"C","advertisingChannelType":"SEARCH","campaignBudget":"customers/1111111111/campaignBudgets/-1","manualCpc":{},"containsEuPoliticalAdvertising":"DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING"}}}`,
		`{"adGroupOperation":{"create":{"name":"AG","campaign":"customers/1111111111/campaigns/-2"}}}`))
	if a.status != 200 {
		t.Fatal(a.raw)
	}
	return a.body["mutateOperationResponses"].([]any)[2].(map[string]any)["adGroupResult"].(map[string]any)["resourceName"].(string)
}

func rsa(adGroup string, headlines, descriptions []string, extra string) string {
	h, _ := json.Marshal(texts(headlines))
	d, _ := json.Marshal(texts(descriptions))
	return `{"adGroupAdOperation":{"create":{"adGroup":"` + adGroup + `","ad":{"finalUrls":["https://example.com/"],"responsiveSearchAd":{"headlines":` +
		string(h) + `,"descriptions":` + string(d) + extra + `}}}}}`
}

func texts(list []string) []map[string]string {
	out := make([]map[string]string, len(list))
	for i, s := range list {
		out[i] = map[string]string{"text": s}
	}
	return out
}

func TestResponsiveSearchAdRules(t *testing.T) {
	c := setup(t)
	ag := searchSetup(t, c)
	h3 := []string{"Eins", "Zwei", "Drei"}
	d2 := []string{"Beschreibung eins.", "Beschreibung zwei."}
	many := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprint("Headline ", i)
		}
		return out
	}
	prefix := "mutate_operations[0].ad_group_ad_operation.create.ad"
	cases := []struct {
		name, body, code, loc string
	}{
		{"two headlines", rsa(ag, h3[:2], d2, ""), "collectionSizeError.TOO_FEW", prefix + ".responsive_search_ad.headlines"},
		{"sixteen headlines", rsa(ag, many(16), d2, ""), "collectionSizeError.TOO_MANY", prefix + ".responsive_search_ad.headlines"},
		{"one description", rsa(ag, h3, d2[:1], ""), "collectionSizeError.TOO_FEW", prefix + ".responsive_search_ad.descriptions"},
		{"five descriptions", rsa(ag, h3, append(d2, "c", "d", "e"), ""), "collectionSizeError.TOO_MANY", prefix + ".responsive_search_ad.descriptions"},
		{"headline of 31", rsa(ag, []string{"Eins", "Zwei", strings.Repeat("x", 31)}, d2, ""), "adError.TOO_LONG", prefix + ".responsive_search_ad.headlines[2].text"},
		{"wide headline of 16 characters", rsa(ag, []string{"Eins", "Zwei", strings.Repeat("冬", 16)}, d2, ""), "adError.TOO_LONG", prefix + ".responsive_search_ad.headlines[2].text"},
		{"description of 91", rsa(ag, h3, []string{"ok.", strings.Repeat("y", 91)}, ""), "adError.TOO_LONG", prefix + ".responsive_search_ad.descriptions[1].text"},
		{"duplicate headline", rsa(ag, []string{"Eins", "Zwei", "Eins"}, d2, ""), "assetError.DUPLICATE_ASSET", prefix + ".responsive_search_ad.headlines[2].text"},
		{"path2 alone", rsa(ag, h3, d2, `,"path2":"x"`), "adError.CANNOT_SET_PATH2_WITHOUT_PATH1", prefix + ".responsive_search_ad.path2"},
		{"path of 16", rsa(ag, h3, d2, `,"path1":"abcdefghijklmnop"`), "adError.TOO_LONG", prefix + ".responsive_search_ad.path1"},
		{"headline pinned as description", strings.Replace(rsa(ag, h3, d2, ""), `{"text":"Eins"}`, `{"text":"Eins","pinnedField":"DESCRIPTION_1"}`, 1),
			"assetLinkError.INVALID_PINNED_FIELD", prefix + ".responsive_search_ad.headlines[0].pinned_field"},
		{"no final url", strings.Replace(rsa(ag, h3, d2, ""), `"finalUrls":["https://example.com/"],`, "", 1), "fieldError.REQUIRED_NONEMPTY_LIST", prefix + ".final_urls"},
		{"final url without scheme", strings.Replace(rsa(ag, h3, d2, ""), "https://example.com/", "example.com", 1), "urlFieldError.MISSING_PROTOCOL_IN_FINAL_URL", prefix + ".final_urls[0]"},
	}
	for _, tc := range cases {
		a := c.mutate(t, client, ops(tc.body))
		code, loc := a.code()
		if a.status != 400 || code != tc.code || loc != tc.loc {
			t.Errorf("%s: %d %s at %s, want %s at %s\n%s", tc.name, a.status, code, loc, tc.code, tc.loc, a.raw)
		}
	}
	// Three enabled ads per ad group; a fourth is refused.
	for i := range 3 {
		if a := c.mutate(t, client, ops(rsa(ag, []string{"A", "B", fmt.Sprint("C", i)}, d2, ""))); a.status != 200 {
			t.Fatal(a.raw)
		}
	}
	a := c.mutate(t, client, ops(rsa(ag, []string{"A", "B", "D"}, d2, "")))
	if code, _ := a.code(); code != "resourceCountLimitExceededError.ADGROUP_LIMIT" {
		t.Errorf("fourth enabled ad: %s", a.raw)
	}
	// An ad's content cannot change; its status can.
	q := c.search(t, client, "SELECT ad_group_ad.status FROM ad_group_ad LIMIT 1")
	name := q.body["results"].([]any)[0].(map[string]any)["adGroupAd"].(map[string]any)["resourceName"].(string)
	a = c.mutate(t, client, ops(`{"adGroupAdOperation":{"update":{"resourceName":"`+name+`","ad":{"finalUrls":["https://example.org/"]}},"updateMask":"ad.finalUrls"}}`))
	if code, loc := a.code(); code != "requestError.IMMUTABLE_FIELD" || loc != "mutate_operations[0].ad_group_ad_operation.update.ad.final_urls" {
		t.Errorf("ad update: %s", a.raw)
	}
	if a := c.mutate(t, client, ops(`{"adGroupAdOperation":{"update":{"resourceName":"`+name+`","status":"PAUSED"},"updateMask":"status"}}`)); a.status != 200 {
		t.Errorf("status update: %s", a.raw)
	}
}

func TestKeywordBudgetAndCampaignRules(t *testing.T) {
	c := setup(t)
	ag := searchSetup(t, c)
	kw := func(text, match string) string {
		return `{"adGroupCriterionOperation":{"create":{"adGroup":"` + ag + `","keyword":{"text":` + fmt.Sprintf("%q", text) + `,"matchType":"` + match + `"}}}}`
	}
	kwAt := "mutate_operations[0].ad_group_criterion_operation.create.keyword"
	campaign := func(fields string) string {
		return `{"campaignOperation":{"create":{"name":"C2","advertisingChannelType":"SEARCH","campaignBudget":"customers/1111111111/campaignBudgets/-1"` + fields + `}}}`
	}
	cAt := "mutate_operations[1].campaign_operation.create"
	eu := `,"containsEuPoliticalAdvertising":"DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING"`
	budget2 := strings.Replace(budgetOp, `"name":"B"`, `"name":"B2"`, 1)
	cases := []struct {
		name, body, code, loc string
	}{
		{"empty keyword", ops(kw("  ", "EXACT")), "criterionError.INVALID_KEYWORD_TEXT", kwAt + ".text"},
		{"invalid characters", ops(kw("reifen!", "EXACT")), "criterionError.KEYWORD_HAS_INVALID_CHARS", kwAt + ".text"},
		{"eleven words", ops(kw("a b c d e f g h i j k", "BROAD")), "criterionError.KEYWORD_HAS_TOO_MANY_WORDS", kwAt + ".text"},
		{"81 characters", ops(kw(strings.Repeat("r", 81), "BROAD")), "criterionError.KEYWORD_TEXT_TOO_LONG", kwAt + ".text"},
		{"broad match modifier", ops(kw("+winter +reifen", "BROAD")), "criterionError.BROAD_MATCH_MODIFIER_KEYWORD_NOT_ALLOWED", kwAt + ".text"},
		{"no match type", ops(strings.Replace(kw("reifen", "EXACT"), `,"matchType":"EXACT"`, "", 1)), "fieldError.REQUIRED", kwAt + ".match_type"},
		{"budget of zero", ops(strings.Replace(budgetOp, `"5000000"`, `"0"`, 1)), "campaignBudgetError.MONEY_AMOUNT_LESS_THAN_CURRENCY_MINIMUM_CPC", "mutate_operations[0].campaign_budget_operation.create.amount_micros"},
		{"negative budget", ops(strings.Replace(budgetOp, `"5000000"`, `"-5"`, 1)), "campaignBudgetError.NEGATIVE_MONEY_AMOUNT", "mutate_operations[0].campaign_budget_operation.create.amount_micros"},
		{"no EU political advertising declaration", ops(budget2, campaign(`,"manualCpc":{}`)), "fieldError.REQUIRED", cAt + ".contains_eu_political_advertising"},
		{"declaration UNSPECIFIED", ops(budget2, campaign(`,"manualCpc":{},"containsEuPoliticalAdvertising":"UNSPECIFIED"`)), "fieldError.REQUIRED", cAt + ".contains_eu_political_advertising"},
		{"no bidding", ops(budget2, campaign(eu)), "fieldError.REQUIRED", cAt},
		{"duplicate campaign name", ops(budget2, strings.Replace(campaign(`,"manualCpc":{}`+eu), `"C2"`, `"C"`, 1)), "campaignError.DUPLICATE_CAMPAIGN_NAME", cAt + ".name"},
		{"pmax with manual cpc", ops(budget2, strings.Replace(campaign(`,"manualCpc":{}`+eu), "SEARCH", "PERFORMANCE_MAX", 1)), "biddingError.INVALID_ANONYMOUS_BIDDING_STRATEGY_TYPE", cAt + ".manual_cpc"},
		{"created removed", ops(budget2, campaign(`,"manualCpc":{},"status":"REMOVED"`+eu)), "operationAccessDeniedError.CREATE_AS_REMOVED_NOT_PERMITTED", cAt + ".status"},
		{"UNKNOWN enum", ops(budget2, campaign(`,"manualCpc":{},"status":"UNKNOWN"`+eu)), "requestError.INVALID_ENUM_VALUE", cAt + ".status"},
	}
	for _, tc := range cases {
		a := c.mutate(t, client, tc.body)
		code, loc := a.code()
		if a.status != 400 || code != tc.code || loc != tc.loc {
			t.Errorf("%s: %d %s at %s, want %s at %s\n%s", tc.name, a.status, code, loc, tc.code, tc.loc, a.raw)
		}
	}
	// The channel type cannot change once created.
	q := c.search(t, client, "SELECT campaign.id FROM campaign WHERE campaign.name = 'C'")
	name := q.body["results"].([]any)[0].(map[string]any)["campaign"].(map[string]any)["resourceName"].(string)
	a := c.mutate(t, client, ops(`{"campaignOperation":{"update":{"resourceName":"`+name+`","advertisingChannelType":"DISPLAY"},"updateMask":"advertisingChannelType"}}`))
	if code, loc := a.code(); code != "requestError.IMMUTABLE_FIELD" || loc != "mutate_operations[0].campaign_operation.update.advertising_channel_type" {
		t.Errorf("channel type update: %s", a.raw)
	}
}

func TestAtomicPartialAndValidateOnly(t *testing.T) {
	c := setup(t)
	bad := strings.Replace(strings.Replace(budgetOp, "/-1", "/-2", 1), `"5000000"`, `"-1"`, 1)
	count := func() int {
		a := c.search(t, client, "SELECT campaign_budget.id FROM campaign_budget")
		l, _ := a.body["results"].([]any)
		return len(l)
	}
	if a := c.mutate(t, client, ops(budgetOp, bad)); a.status != 400 || count() != 0 {
		t.Errorf("atomic: %d, %d budgets stored", a.status, count())
	}
	body := `{"mutateOperations":[` + budgetOp + `,` + bad + `],"validateOnly":true}`
	if a := c.mutate(t, client, body); a.status != 400 || count() != 0 {
		t.Errorf("validate-only with an error: %d", a.status)
	}
	if a := c.mutate(t, client, `{"mutateOperations":[`+budgetOp+`],"validateOnly":true}`); a.status != 200 || a.raw != "{}" || count() != 0 {
		t.Errorf("validate-only: %d %s, %d stored", a.status, a.raw, count())
	}
	a := c.mutate(t, client, `{"mutateOperations":[`+budgetOp+`,`+bad+`],"partialFailure":true}`)
	res := a.body["mutateOperationResponses"].([]any)
	if a.status != 200 || len(res) != 2 || len(res[1].(map[string]any)) != 0 || count() != 1 {
		t.Fatalf("partial failure: %s", a.raw)
	}
	pf := a.body["partialFailureError"].(map[string]any)
	if code, loc := a.code(); pf["code"].(float64) != 3 || code != "campaignBudgetError.NEGATIVE_MONEY_AMOUNT" || !strings.HasPrefix(loc, "mutate_operations[1].") {
		t.Errorf("partial failure error %v", pf)
	}
}

func TestPartialFailureDropsWhatDependsOnAFailedCreate(t *testing.T) {
	c := setup(t)
	bad := strings.Replace(budgetOp, `"5000000"`, `"-1"`, 1)
	camp := `{"campaignOperation":{"create":{"name":"C","advertisingChannelType":"SEARCH","campaignBudget":"customers/1111111111/campaignBudgets/-1","manualCpc":{},"containsEuPoliticalAdvertising":"DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING"}}}`
	a := c.mutate(t, client, `{"mutateOperations":[`+bad+`,`+camp+`],"partialFailure":true}`)
	errs := a.errors()
	if len(errs) != 2 || errs[1][0] != "newResourceCreationError.TEMP_ID_RESOURCE_HAD_ERRORS" {
		t.Errorf("errors %v", errs)
	}
}

func TestGAQLSubset(t *testing.T) {
	c := setup(t)
	searchSetup(t, c)
	cases := []struct {
		query string
		rows  int
		code  string
	}{
		{"SELECT ad_group.name, campaign.name, campaign.advertising_channel_type FROM ad_group WHERE campaign.name = 'C'", 1, ""},
		{"select ad_group.id from ad_group where ad_group.status IN (ENABLED, PAUSED) and campaign.status != REMOVED", 1, ""},
		{"SELECT campaign.id FROM campaign WHERE campaign.name LIKE 'C%' ORDER BY campaign.id DESC LIMIT 5", 1, ""},
		{"SELECT campaign.id FROM campaign WHERE campaign.end_date_time IS NULL", 1, ""},
		{"SELECT campaign.id FROM campaign WHERE campaign.name NOT IN ('C')", 0, ""},
		{"SELECT campaign.colour FROM campaign", 0, "queryError.UNRECOGNIZED_FIELD"},
		{"SELECT ad_group.name FROM campaign", 0, "queryError.PROHIBITED_RESOURCE_TYPE_IN_SELECT_CLAUSE"},
		{"SELECT customer_client.id, metrics.clicks FROM customer_client", 0, "queryError.PROHIBITED_METRIC_IN_SELECT_OR_WHERE_CLAUSE"},
		{"SELECT campaign.id FROM campaigns", 0, "queryError.BAD_RESOURCE_TYPE_IN_FROM_CLAUSE"},
		{"SELECT campaign.id FROM campaign WHERE campaign.name = 'C", 0, "queryError.UNEXPECTED_END_OF_QUERY"},
		{"SELECT campaign.network_settings FROM campaign", 0, "queryError.UNRECOGNIZED_FIELD"},
	}
	for _, tc := range cases {
		a := c.search(t, client, tc.query)
		rows, _ := a.body["results"].([]any)
		code, _ := a.code()
		if code != tc.code || len(rows) != tc.rows {
			t.Errorf("%s: %d rows, %s (%s)", tc.query, len(rows), code, a.raw)
		}
	}
	if a := c.do(t, "POST", "/v25/customers/"+client+"/googleAds:search", `{"query":"SELECT campaign.id FROM campaign","pageSize":10}`); a.status != 400 || !strings.Contains(a.raw, "PAGE_SIZE_NOT_SUPPORTED") {
		t.Errorf("pageSize: %s", a.raw)
	}
	if a := c.do(t, "POST", "/v25/customers/"+client+"/googleAds:search", `{"query":"SELECT campaign.id FROM campaign","pageToken":"bogus"}`); !strings.Contains(a.raw, "INVALID_PAGE_TOKEN") {
		t.Errorf("page token: %s", a.raw)
	}
}

func TestLostAnswerAppliesTheMutate(t *testing.T) {
	c := setup(t)
	c.srv.Inject(googleadstest.Fault{Call: "mutate", Kind: googleadstest.FaultLoseAnswer})
	req, _ := http.NewRequest("POST", c.srv.URL+"/v25/customers/"+client+"/googleAds:mutate", strings.NewReader(ops(budgetOp)))
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("an answer arrived")
	}
	a := c.search(t, client, "SELECT campaign_budget.name FROM campaign_budget")
	if l, _ := a.body["results"].([]any); len(l) != 1 {
		t.Errorf("the mutate whose answer was lost was not applied: %s", a.raw)
	}
}

func TestControlEndpointQueuesFaults(t *testing.T) {
	c := setup(t)
	resp, err := http.Post(c.srv.URL+"/_fake/faults", "application/json", strings.NewReader(`[{"call":"search","kind":"temporary_quota","retry_delay":"2s"}]`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%v %v", resp, err)
	}
	a := c.search(t, client, "SELECT customer.id FROM customer")
	if !strings.Contains(a.raw, `"retryDelay":"2s"`) || a.status != 429 {
		t.Errorf("%d %s", a.status, a.raw)
	}
	resp, _ = http.Post(c.srv.URL+"/_fake/faults", "application/json", strings.NewReader(`[{"call":"search","kind":"bogus"}]`))
	if resp.StatusCode != 400 {
		t.Errorf("an unknown fault kind was queued: %d", resp.StatusCode)
	}
}
