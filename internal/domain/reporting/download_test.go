package reporting_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/domain/reporting"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
	"github.com/imaphub/imaphub/internal/platform/googleads"
	"github.com/imaphub/imaphub/internal/platform/googleads/googleadstest"
)

const account = googleadstest.ClientAccountID

var quiet = slog.New(slog.DiscardHandler)

// fakeToday is the fake's day: statistics exist up to it.
var fakeToday = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// dl is a download test's bundle: the fake Google Ads over HTTP with a
// populated account, a client on it and the reporting service.
type dl struct {
	srv     *googleadstest.Server
	client  *googleads.Client
	reports *reporting.Service
	d       *db.DB
}

func adsConfig(env map[string]string) googleads.Config {
	return googleads.Config{
		APIURL: env[googleads.EnvAPIURL], APIVersion: env[googleads.EnvAPIVersion], TokenURL: env[googleads.EnvTokenURL],
		ClientID: env[googleads.EnvClientID], ClientSecret: env[googleads.EnvClientSecret], RefreshToken: env[googleads.EnvRefreshToken],
		LoginCustomerID: env[googleads.EnvLoginCustomerID], DeveloperToken: env[googleads.EnvDeveloperToken], CallTimeout: 10 * time.Second,
	}
}

func newDL(t *testing.T, d *db.DB) *dl {
	t.Helper()
	return newDLAt(t, d, func() time.Time { return fakeToday })
}

// newDLAt is newDL with the fake's clock.
func newDLAt(t *testing.T, d *db.DB, now func() time.Time) *dl {
	t.Helper()
	srv := googleadstest.NewServer()
	t.Cleanup(srv.Close)
	srv.SetClock(now)
	srv.Populate(account, googleadstest.Population{SearchCampaigns: 2, AdGroups: 2, Keywords: 2, PMaxCampaigns: 1, AssetGroups: 2})
	client, err := googleads.New(adsConfig(srv.Env()), googleads.WithLogger(quiet), googleads.WithRetryPolicy(googleads.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Second}))
	if err != nil {
		t.Fatal(err)
	}
	return &dl{srv: srv, client: client, reports: reporting.NewService(d), d: d}
}

func (x *dl) download(t *testing.T, from, to string, levels ...reporting.Level) (reporting.DownloadResult, []reporting.DownloadProgress, error) {
	t.Helper()
	var progress []reporting.DownloadProgress
	res, err := x.reports.NewDownloader(x.client).Download(context.Background(),
		reporting.DownloadRequest{CustomerID: account, From: day(t, from), To: day(t, to), Levels: levels},
		func(p reporting.DownloadProgress) { progress = append(progress, p) })
	return res, progress, err
}

// expected computes from the fake's generator what the fact tables must
// hold after downloading from … to: the rows of each level are listed by
// resource name (a plain search, no metrics) and each day's metrics summed
// here, independently of the downloader.
type expectation struct {
	entity, asset sums
	campaign      sums // the campaign level alone
	byDay         map[string]int64
}

func (x *dl) expected(t *testing.T, from, to string) expectation {
	t.Helper()
	ctx := context.Background()
	names := func(query string) []string {
		// googleads.Row does not know the report views: the resource names
		// are read from the raw rows.
		var out []string
		err := x.client.SearchStreamBatches(ctx, account, query, func(b googleads.StreamBatch) error {
			for _, r := range b.Results {
				s := string(r)
				i := strings.Index(s, `"resourceName":"`)
				rest := s[i+len(`"resourceName":"`):]
				out = append(out, rest[:strings.IndexByte(rest, '"')])
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	levels := []struct {
		query string
		asset bool
		camp  bool
	}{
		{"SELECT campaign.resource_name FROM campaign", false, true},
		{"SELECT ad_group.resource_name FROM ad_group", false, false},
		{"SELECT ad_group_ad.resource_name FROM ad_group_ad", false, false},
		{"SELECT keyword_view.resource_name FROM keyword_view", false, false},
		{"SELECT asset_group.resource_name FROM asset_group", false, false},
		{"SELECT ad_group_ad_asset_view.resource_name FROM ad_group_ad_asset_view", true, false},
		{"SELECT asset_group_asset.resource_name FROM asset_group_asset", true, false},
	}
	e := expectation{byDay: map[string]int64{}}
	start, end := day(t, from), day(t, to)
	for _, l := range levels {
		for _, name := range names(l.query) {
			for d := start; d <= end; d++ {
				m := googleadstest.DailyMetrics(name, d.String())
				if m.Impressions == 0 {
					continue
				}
				add := func(s *sums) {
					s.Rows++
					s.Impressions += m.Impressions
					s.Clicks += m.Clicks
					s.CostMicros += m.CostMicros
					s.Conversions += m.Conversions
					s.ConversionsValue += m.ConversionsValue
				}
				if l.asset {
					add(&e.asset)
				} else {
					add(&e.entity)
				}
				if l.camp {
					add(&e.campaign)
				}
				e.byDay[d.String()]++
			}
		}
	}
	return e
}

// A download of two weeks stores exactly what Google reports for every
// level: rows and sums as computed from the generator, each day and level a
// query whose stream arrives in several batches, progress per day.
func TestDownloadStoresWhatGoogleReports(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDL(t, d)
		x.srv.SetPageSize(7)
		want := x.expected(t, "2026-11-01", "2026-11-14")
		res, progress, err := x.download(t, "2026-11-01", "2026-11-14")
		if err != nil {
			t.Fatal(err)
		}
		if got := tableSums(t, d, "report_facts"); got != want.entity {
			t.Errorf("report_facts %+v\nwant          %+v", got, want.entity)
		}
		if got := tableSums(t, d, "report_asset_fact_rows"); got != want.asset {
			t.Errorf("report_asset_fact_rows %+v\nwant                %+v", got, want.asset)
		}
		if res.Rows != int(want.entity.Rows+want.asset.Rows) || res.Written != res.Rows || res.Days != 14 {
			t.Errorf("result %+v", res)
		}
		c := want.campaign
		if res.Totals != (reporting.Metrics{Impressions: c.Impressions, Clicks: c.Clicks, CostMicros: c.CostMicros, Conversions: c.Conversions, ConversionsValue: c.ConversionsValue}) {
			t.Errorf("totals %+v, want %+v", res.Totals, c)
		}
		// 4 ads × 5 texts: the asset streams come in several batches of 7.
		if res.Levels[reporting.LevelAdAsset] <= 7*14 {
			t.Errorf("ad asset rows %d: the streams had a single batch", res.Levels[reporting.LevelAdAsset])
		}
		if n := len(x.srv.RequestsTo("searchStream")); n != 14*len(reporting.Levels)+7 {
			t.Errorf("%d searchStream calls, want one per day and level (+7 of the expectation)", n)
		}
		days := 0
		for _, p := range progress {
			if p.DayDone {
				days++
				if p.Done != days || p.Total != 14 || p.Day != day(t, "2026-11-01")+reporting.Day(days-1) {
					t.Errorf("progress %+v after %d days", p, days)
				}
			}
		}
		if days != 14 {
			t.Errorf("%d days reported done", days)
		}
	})
}

// Downloading a range again changes nothing; ranges that overlap add only
// the days not stored yet; a day whose conversions Google changed later is
// updated by the lookback and nothing else is written.
func TestDownloadAgainAndLookback(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDL(t, d)
		if _, _, err := x.download(t, "2026-11-03", "2026-11-05"); err != nil {
			t.Fatal(err)
		}
		var lo, hi int
		if err := d.Read().QueryRow(context.Background(), `SELECT MIN(day), MAX(day) FROM report_facts`).Scan(&lo, &hi); err != nil {
			t.Fatal(err)
		}
		if reporting.Day(lo) != day(t, "2026-11-03") || reporting.Day(hi) != day(t, "2026-11-05") {
			t.Errorf("a partial range stored days %s … %s", reporting.Day(lo), reporting.Day(hi))
		}
		res, _, err := x.download(t, "2026-11-04", "2026-11-08")
		if err != nil {
			t.Fatal(err)
		}
		want := x.expected(t, "2026-11-03", "2026-11-08")
		if got := tableSums(t, d, "report_facts"); got != want.entity {
			t.Errorf("after overlapping ranges %+v, want %+v", got, want.entity)
		}
		if n := int64(res.Written); n != want.byDay["2026-11-06"]+want.byDay["2026-11-07"]+want.byDay["2026-11-08"] {
			t.Errorf("the overlapping download wrote %d rows, want only the three new days'", n)
		}
		before := [2]sums{tableSums(t, d, "report_facts"), tableSums(t, d, "report_asset_fact_rows")}
		again, _, err := x.download(t, "2026-11-03", "2026-11-08")
		if err != nil {
			t.Fatal(err)
		}
		if after := [2]sums{tableSums(t, d, "report_facts"), tableSums(t, d, "report_asset_fact_rows")}; after != before || again.Written != 0 || again.Rows == 0 {
			t.Errorf("downloading again: written %d of %d, sums %+v, before %+v", again.Written, again.Rows, after, before)
		}
		// Late conversions on the 5th for the first campaign.
		res0, err := x.client.Search(context.Background(), account, "SELECT campaign.id FROM campaign ORDER BY campaign.id LIMIT 1")
		if err != nil {
			t.Fatal(err)
		}
		name := res0.Rows[0].Campaign.ResourceName
		old := googleadstest.DailyMetrics(name, "2026-11-05")
		if old.Impressions == 0 {
			t.Fatal("the generator left the campaign without a row that day; pick another")
		}
		x.srv.SetConversions(name, "2026-11-05", old.Conversions+3.5, old.ConversionsValue+350)
		late, _, err := x.download(t, "2026-11-01", "2026-11-07", reporting.LevelCampaign)
		if err != nil {
			t.Fatal(err)
		}
		if late.Written != int(x.expected(t, "2026-11-01", "2026-11-02").campaign.Rows)+1 {
			t.Errorf("lookback wrote %d rows, want the two new days' campaign rows and the changed one", late.Written)
		}
		var conv float64
		if err := d.Read().QueryRow(context.Background(), `SELECT conversions FROM report_facts WHERE level = 'campaign' AND google_id = ? AND day = ?`,
			res0.Rows[0].Campaign.ID, int(day(t, "2026-11-05"))).Scan(&conv); err != nil {
			t.Fatal(err)
		}
		if conv != old.Conversions+3.5 {
			t.Errorf("conversions of the 5th %v, want %v", conv, old.Conversions+3.5)
		}
	})
}

// A stream that breaks off leaves the batches before it written whole and
// nothing of the rest; Google's temporary quota is waited out as it asks;
// 5xx that do not stop and refusals end the download with a clear error.
func TestDownloadFromAFailingGoogle(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDL(t, d)
		x.srv.SetPageSize(7)
		want := x.expected(t, "2026-11-02", "2026-11-02")
		x.srv.CutStream(2)
		_, _, err := x.download(t, "2026-11-02", "2026-11-02", reporting.LevelAdAsset)
		var cut *googleads.StreamCutError
		if !errors.As(err, &cut) || !strings.Contains(err.Error(), "download ad_asset of 2026-11-02 for customer "+account) {
			t.Fatalf("cut stream: %v", err)
		}
		if got := tableSums(t, d, "report_asset_fact_rows"); got.Rows != 14 {
			t.Errorf("%d rows stored after two batches of 7", got.Rows)
		}
		if _, _, err := x.download(t, "2026-11-02", "2026-11-02", reporting.LevelAdAsset, reporting.LevelAssetGroupAsset); err != nil {
			t.Fatal(err)
		}
		if got := tableSums(t, d, "report_asset_fact_rows"); got != want.asset {
			t.Errorf("after downloading again %+v, want %+v", got, want.asset)
		}

		x.srv.Inject(googleadstest.Fault{Call: "searchStream", Kind: googleadstest.FaultTemporaryQuota, RetryDelay: 20 * time.Millisecond})
		if _, _, err := x.download(t, "2026-11-03", "2026-11-03", reporting.LevelCampaign); err != nil {
			t.Errorf("temporary quota: %v", err)
		}
		x.srv.Inject(googleadstest.Fault{Call: "searchStream", Kind: googleadstest.FaultTemporaryQuota, RetryDelay: time.Hour})
		if _, _, err := x.download(t, "2026-11-04", "2026-11-04", reporting.LevelCampaign); err == nil || !strings.Contains(err.Error(), "Google asks to wait 1h") {
			t.Errorf("a retryDelay beyond the policy: %v", err)
		}
		x.srv.Inject(googleadstest.Fault{Call: "searchStream", Kind: googleadstest.FaultInternal, Times: 3})
		if _, _, err := x.download(t, "2026-11-04", "2026-11-04", reporting.LevelCampaign); err == nil || !strings.Contains(err.Error(), "gave up after 3 attempts") {
			t.Errorf("INTERNAL throughout: %v", err)
		}
		var n int
		if err := d.Read().QueryRow(context.Background(), `SELECT count(*) FROM report_facts WHERE day = ?`, int(day(t, "2026-11-04"))).Scan(&n); err != nil || n != 0 {
			t.Errorf("%d rows of a failed day stored (%v)", n, err)
		}
	})
}

// hostileAds answers searchStream with body, after a token like Google's.
func hostileAds(t *testing.T, body string) *googleads.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/token" {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"access_token":"t","expires_in":3599,"token_type":"Bearer"}`)
			return
		}
		w.Header().Set("request-id", "hostile-1")
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	env := map[string]string{googleads.EnvAPIURL: srv.URL, googleads.EnvAPIVersion: "v25", googleads.EnvTokenURL: srv.URL + "/token",
		googleads.EnvClientID: "c", googleads.EnvClientSecret: "s", googleads.EnvRefreshToken: "r"}
	c, err := googleads.New(adsConfig(env), googleads.WithLogger(quiet), googleads.WithRetryPolicy(googleads.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Second}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const goodRow = `{"campaign":{"resourceName":"customers/1111111111/campaigns/5","id":"5","name":"extra"},"metrics":{"impressions":"100","clicks":"7","costMicros":"1230000","conversions":1.5,"conversionsValue":30,"videoViews":"3"},"segments":{"date":"2026-11-02","device":"MOBILE"}}`

// Rows from a server that is not quite Google: extra fields and numbers
// for int64s are taken; a malformed row, a row of another day, negative
// counts and an answer cut inside a batch are refused with what and where,
// leaving the batches before it stored and nothing of its own batch.
func TestDownloadFromAHostileServer(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := reporting.NewService(d)
		batch := func(rows ...string) string {
			return `{"results":[` + strings.Join(rows, ",") + `],"fieldMask":"campaign.id,segments.date,metrics.impressions","requestId":"hostile-1"}`
		}
		lenient := strings.Replace(goodRow, `"impressions":"100"`, `"impressions":100`, 1)
		cases := []struct {
			name, body, err string
			rows            int64
		}{
			{"extra fields and a number", `[` + batch(goodRow) + `,` + batch(strings.Replace(lenient, `"5"`, `"6"`, 2)) + `]`, "", 2},
			{"not an int64", `[` + batch(goodRow) + `,` + batch(strings.Replace(goodRow, `"clicks":"7"`, `"clicks":"seven"`, 1)) + `]`,
				`Google's row 0 of batch 1 (request-id hostile-1) is malformed: metrics.clicks: "seven" is not an int64`, 1},
			{"another day", `[` + batch(strings.Replace(goodRow, "2026-11-02", "2026-11-09", 1)) + `]`, "is for 2026-11-09, not the day asked for", 0},
			{"negative", `[` + batch(goodRow, strings.Replace(goodRow, `"costMicros":"1230000"`, `"costMicros":"-1"`, 1)) + `]`,
				"row 1 of batch 0 (request-id hostile-1) is malformed: cost_micros: must not be negative (got -1)", 0},
			{"no date", `[` + batch(strings.Replace(goodRow, `"date":"2026-11-02",`, ``, 1)) + `]`, "segments.date is missing", 0},
			{"cut inside a batch", `[` + batch(goodRow) + `,{"results":[{"campaign":{"id":"6"`, "broke off after 1 batches", 1},
			{"error in the stream", `[` + batch(goodRow) + `,{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","message":"Too many requests."}}]`, "RESOURCE_EXHAUSTED", 1},
			{"not an array", `{"results":[]}`, "not a JSON array of batches", 0},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				if err := d.InTx(context.Background(), func(tx db.Conn) error {
					_, err := tx.Exec(context.Background(), `DELETE FROM report_facts`)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				_, err := s.NewDownloader(hostileAds(t, tc.body)).Download(context.Background(),
					reporting.DownloadRequest{CustomerID: account, From: day(t, "2026-11-02"), To: day(t, "2026-11-02"), Levels: []reporting.Level{reporting.LevelCampaign}}, nil)
				if (tc.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.err)) {
					t.Errorf("error %v, want %q", err, tc.err)
				}
				if got := tableSums(t, d, "report_facts"); got.Rows != tc.rows {
					t.Errorf("%d rows stored, want %d", got.Rows, tc.rows)
				}
			})
		}
	})
}

// Bad requests are refused naming the field before anything is asked.
func TestDownloadRequestIsChecked(t *testing.T) {
	today := day(t, "2026-11-20")
	cases := []struct {
		req  reporting.DownloadRequest
		want string
	}{
		{reporting.DownloadRequest{CustomerID: "12345", From: today - 1, To: today}, "customer_id"},
		{reporting.DownloadRequest{CustomerID: account, To: today}, "from: required"},
		{reporting.DownloadRequest{CustomerID: account, From: today, To: today - 1}, "to: is before from"},
		{reporting.DownloadRequest{CustomerID: account, From: today, To: today + 1}, "to: in the future"},
		{reporting.DownloadRequest{CustomerID: account, From: today - 2000, To: today}, "at most three years"},
		{reporting.DownloadRequest{CustomerID: account, From: today, To: today, Levels: []reporting.Level{"device"}}, "levels[0]: unknown level"},
		{reporting.DownloadRequest{CustomerID: "111-111-1111", From: today, To: today}, ""},
	}
	for _, tc := range cases {
		err := tc.req.Check(today)
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: %v, want %q", tc.req, err, tc.want)
		}
	}
}

// A Google that does not know performance labels (another API version)
// refuses the asset queries with them: the level is asked again without
// the label, and so for the rest of the download.
func TestDownloadWithoutPerformanceLabels(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		var mu sync.Mutex
		var queries []string
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			if r.URL.Path == "/token" {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, `{"access_token":"t","expires_in":3599,"token_type":"Bearer"}`)
				return
			}
			var body struct{ Query string }
			_ = json.NewDecoder(r.Body).Decode(&body)
			queries = append(queries, body.Query)
			w.Header().Set("request-id", fmt.Sprintf("r%d", len(queries)))
			w.Header().Set("Content-Type", "application/json")
			if strings.Contains(body.Query, "performance_label") {
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprint(w, `{"error":{"code":400,"message":"Request contains an invalid argument.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.ads.googleads.v25.errors.GoogleAdsFailure",`+
					`"errors":[{"errorCode":{"queryError":"UNRECOGNIZED_FIELD"},"message":"Unrecognized field in the query: 'ad_group_ad_asset_view.performance_label'."}]}]}}`)
				return
			}
			date := body.Query[strings.Index(body.Query, "BETWEEN '")+9:][:10]
			fmt.Fprintf(w, `[{"results":[{"campaign":{"id":"5"},"adGroup":{"id":"6"},"adGroupAd":{"ad":{"id":"7"}},"asset":{"id":"8","textAsset":{"text":"Winterreifen"}},`+
				`"adGroupAdAssetView":{"fieldType":"HEADLINE"},"metrics":{"impressions":"10","clicks":"1","costMicros":"500000","conversions":0,"conversionsValue":0},"segments":{"date":"%s"}}],"requestId":"r"}]`, date)
		}))
		defer srv.Close()
		env := map[string]string{googleads.EnvAPIURL: srv.URL, googleads.EnvAPIVersion: "v25", googleads.EnvTokenURL: srv.URL + "/token",
			googleads.EnvClientID: "c", googleads.EnvClientSecret: "s", googleads.EnvRefreshToken: "r"}
		c, err := googleads.New(adsConfig(env), googleads.WithLogger(quiet))
		if err != nil {
			t.Fatal(err)
		}
		res, err := reporting.NewService(d).NewDownloader(c).Download(context.Background(),
			reporting.DownloadRequest{CustomerID: account, From: day(t, "2026-11-02"), To: day(t, "2026-11-03"), Levels: []reporting.Level{reporting.LevelAdAsset}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		if res.Rows != 2 || len(queries) != 3 || !strings.Contains(queries[0], "performance_label") || strings.Contains(queries[1]+queries[2], "performance_label") {
			t.Errorf("%d rows from the queries %q", res.Rows, queries)
		}
		if got := tableSums(t, d, "report_asset_fact_rows"); got.Rows != 2 || got.Impressions != 20 {
			t.Errorf("stored %+v", got)
		}
	})
}
