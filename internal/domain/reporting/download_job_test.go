package reporting_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/domain/reporting"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
	"github.com/imaphub/imaphub/internal/platform/googleads"
	"github.com/imaphub/imaphub/internal/platform/googleads/googleadstest"
	"github.com/imaphub/imaphub/internal/platform/jobs"
)

// startProduct runs the product with the fake as its Google Ads and one
// worker.
func startProduct(t *testing.T, d *db.DB, x *dl) *apptest.Env {
	t.Helper()
	return apptest.StartOpts(t, d, apptest.Options{Workers: 1, GoogleAds: adsConfig(x.srv.Env()),
		GoogleAdsOptions: []googleads.Option{googleads.WithRetryPolicy(googleads.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Second})}})
}

// waitJob waits until a job has ended and returns it.
func waitJob(t *testing.T, e *apptest.Env, id int64) jobs.Job {
	t.Helper()
	for range 1200 {
		j, err := e.App.Jobs.Get(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		// River settles a job after its worker returns; a job ended by its
		// own events is waited for until River has settled it too.
		if (j.State == "succeeded" || j.State == "failed" || j.State == "cancelled") && j.FinalizedAt != nil {
			return j
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("job %d did not end", id)
	return jobs.Job{}
}

func progressMessages(t *testing.T, d *db.DB, id int64) []string {
	t.Helper()
	evs, err := jobs.EventsAfter(context.Background(), d.Read(), id, 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		var p jobs.Progress
		if e.Type == jobs.EventProgress && json.Unmarshal(e.Payload, &p) == nil {
			out = append(out, fmt.Sprintf("%d/%d %s", p.Done, p.Total, p.Message))
		}
	}
	return out
}

// POST /api/reports/downloads starts a backfill job (editor and above) that
// reports its progress per day and level and stores what Google reports.
func TestDownloadJobOverTheAPI(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDLAt(t, d, time.Now)
		e := startProduct(t, d, x)
		want := x.expected(t, "2026-11-01", "2026-11-04")
		r := e.DoAs(t, auth.Editor, "POST", "/api/reports/downloads", map[string]any{"customer_id": "111-111-1111", "from": "2026-11-01", "to": "2026-11-04"})
		if r.Status != http.StatusAccepted {
			t.Fatalf("start: %d %s", r.Status, r.Body)
		}
		var started reporting.DownloadStarted
		r.JSON(t, &started)
		if started.Job.Kind != reporting.DownloadKind || r.Header.Get("Location") != fmt.Sprintf("/api/jobs/%d", started.Job.ID) ||
			started.Events != fmt.Sprintf("/api/jobs/%d/events", started.Job.ID) || started.Job.Subject == nil || started.Job.Subject.Type != "google_ads_account" {
			t.Errorf("answer %s", r.Body)
		}
		j := waitJob(t, e, started.Job.ID)
		if j.State != "succeeded" {
			t.Fatalf("job %s: %s", j.State, j.Error)
		}
		if got := tableSums(t, d, "report_facts"); got != want.entity {
			t.Errorf("report_facts %+v, want %+v", got, want.entity)
		}
		if got := tableSums(t, d, "report_asset_fact_rows"); got != want.asset {
			t.Errorf("report_asset_fact_rows %+v, want %+v", got, want.asset)
		}
		var result struct {
			Rows, Written int
		}
		_ = json.Unmarshal(j.Result, &result)
		if int64(result.Rows) != want.entity.Rows+want.asset.Rows || result.Written != result.Rows {
			t.Errorf("result %s", j.Result)
		}
		msgs := progressMessages(t, d, j.ID)
		joined := strings.Join(msgs, "\n")
		for _, m := range []string{"0/4 Queued", "0/4 Downloading 1/4: 2026-11-01 (campaign)", "1/4 Downloading 1/4: 2026-11-01 (asset_group_asset)", "3/4 Downloading 4/4: 2026-11-04 (keyword)", "4/4 Downloading 4/4: 2026-11-04 (asset_group_asset)"} {
			if !strings.Contains(joined, m) {
				t.Errorf("no progress %q in\n%s", m, joined)
			}
		}
		// Each refusal names the body's field and why.
		for _, tc := range []struct {
			body      map[string]any
			loc, want string
		}{
			{map[string]any{"customer_id": "111-111-1111", "from": "2026-11-04", "to": "2026-11-01"}, "body.to", "is before from"},
			{map[string]any{"customer_id": "123", "from": "2026-11-01", "to": "2026-11-01"}, "body.customer_id", "ten digits"},
			{map[string]any{"customer_id": "1111111111", "from": "2026-11-01", "to": "2999-01-01"}, "body.to", "outside 1970-01-02"},
			{map[string]any{"customer_id": "1111111111", "from": "2026-11-01", "to": "2099-01-01"}, "body.to", "in the future"},
			{map[string]any{"customer_id": "1111111111", "from": "1960-01-01", "to": "2026-11-01"}, "body.from", "outside 1970-01-02"},
			{map[string]any{"customer_id": "1111111111", "to": "2026-11-01"}, "body.from", "required"},
			{map[string]any{"customer_id": "1111111111", "from": "1.11.2026", "to": "2026-11-01"}, "body.from", ""},
		} {
			r := e.DoAs(t, auth.Editor, "POST", "/api/reports/downloads", tc.body)
			var problem struct {
				Errors []struct{ Location, Message string }
			}
			_ = json.Unmarshal(r.Body, &problem)
			if r.Status != http.StatusUnprocessableEntity || len(problem.Errors) == 0 || problem.Errors[0].Location != tc.loc || !strings.Contains(problem.Errors[0].Message, tc.want) {
				t.Errorf("%v: %d %s; want %s: …%s…", tc.body, r.Status, r.Body, tc.loc, tc.want)
			}
		}
	})
}

// Without Google Ads the download answers 503 naming the settings.
func TestDownloadWithoutGoogleAds(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		r := e.DoAs(t, auth.Editor, "POST", "/api/reports/downloads", map[string]any{"customer_id": "1111111111", "from": "2026-11-01", "to": "2026-11-01"})
		if r.Status != http.StatusServiceUnavailable || !strings.Contains(string(r.Body), "google_ads_not_connected") || !strings.Contains(string(r.Body), googleads.EnvClientID) {
			t.Errorf("%d %s", r.Status, r.Body)
		}
		if accounts, err := e.App.ReportDownloads.StartDaily(context.Background()); err != nil || len(accounts) != 0 {
			t.Errorf("daily without Google Ads: %v %v", accounts, err)
		}
	})
}

// The daily schedule downloads yesterday and the lookback window of every
// account the login customer manages; a day whose conversions changed at
// Google is updated the next day, and nothing else is written.
func TestDailyDownloadsWithLookback(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDLAt(t, d, time.Now)
		e := startProduct(t, d, x)
		ctx := context.Background()
		run := func() map[string]jobs.Job {
			t.Helper()
			accounts, err := e.App.ReportDownloads.StartDaily(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(accounts, ",") != "1111111111,2222222222" {
				t.Fatalf("accounts %v", accounts)
			}
			list, _, err := e.App.Jobs.List(ctx, jobs.JobFilter{Kind: reporting.DownloadKind, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]jobs.Job{}
			for _, j := range list {
				var a reporting.DownloadArgs
				_ = json.Unmarshal(j.Args, &a)
				out[a.CustomerID] = waitJob(t, e, j.ID)
			}
			return out
		}
		first := run()
		var a reporting.DownloadArgs
		_ = json.Unmarshal(first[account].Args, &a)
		today := reporting.DayOf(time.Now().UTC())
		if !a.Daily || a.To != today-1 || a.From != today-1-reporting.DefaultLookbackDays {
			t.Errorf("daily range %+v, want yesterday and %d days before", a, reporting.DefaultLookbackDays)
		}
		for c, j := range first {
			if j.State != "succeeded" {
				t.Fatalf("%s: %s %s", c, j.State, j.Error)
			}
		}
		want := x.expected(t, a.From.String(), a.To.String())
		if got := tableSums(t, d, "report_facts"); got.Rows != want.entity.Rows || got.Clicks != want.entity.Clicks {
			t.Errorf("after the first day %+v, want %+v", got, want.entity)
		}
		// Conversions arrive late for a campaign on a day of the lookback
		// window it had impressions.
		res, err := x.client.Search(ctx, account, "SELECT campaign.id FROM campaign ORDER BY campaign.id LIMIT 1")
		if err != nil {
			t.Fatal(err)
		}
		name, lateDay := res.Rows[0].Campaign.ResourceName, today-3
		for googleadstest.DailyMetrics(name, lateDay.String()).Impressions == 0 {
			lateDay--
		}
		x.srv.SetConversions(name, lateDay.String(), 99.25, 9925)
		second := run()
		var result struct{ Written int }
		_ = json.Unmarshal(second[account].Result, &result)
		if result.Written != 1 {
			t.Errorf("the lookback wrote %d rows, want the one Google changed (%s)", result.Written, second[account].Result)
		}
		var conv float64
		if err := d.Read().QueryRow(ctx, `SELECT conversions FROM report_facts WHERE level = 'campaign' AND google_id = ? AND day = ?`,
			int64(res.Rows[0].Campaign.ID), int(lateDay)).Scan(&conv); err != nil {
			t.Fatal(err)
		}
		if conv != 99.25 {
			t.Errorf("late conversions %v, want 99.25", conv)
		}
	})
}

func TestLookbackSetting(t *testing.T) {
	for in, want := range map[string]string{"": "7", "0": "0", "30": "30", "90": "90", "91": "want whole days from 0 to 90", "-1": "want whole days", "7d": "want whole days"} {
		n, err := reporting.ParseLookbackDays(in)
		got := fmt.Sprint(n)
		if err != nil {
			got = err.Error()
		}
		if !strings.Contains(got, want) {
			t.Errorf("%q: %s, want %s", in, got, want)
		}
	}
}

// A campaign published to the fake and then downloaded shows Google's
// figures in its report: the download resolves Google's ids to our
// campaign, ads and texts.
func TestDownloadFillsThePublishedCampaignsReport(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDLAt(t, d, time.Now)
		e := startProduct(t, d, x)
		ctx := context.Background()
		cs := e.App.Campaigns
		c, err := cs.CreateCampaign(ctx, campaigns.CampaignInput{Name: "Winterreifen", Type: campaigns.TypeSearch, BudgetMicros: 20_000_000, Currency: "EUR",
			Languages: []string{"de"}, Locations: []string{"DE"}, FinalURL: "https://www.reifen-mueller.example/"})
		if err != nil {
			t.Fatal(err)
		}
		g, err := cs.CreateAdGroup(ctx, campaigns.AdGroupInput{CampaignID: c.ID, Name: "Winter"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cs.CreateKeyword(ctx, campaigns.KeywordInput{AdGroupID: g.ID, Text: "winterreifen kaufen", MatchType: "PHRASE"}); err != nil {
			t.Fatal(err)
		}
		if _, err := cs.CreateAd(ctx, campaigns.AdInput{AdGroupID: g.ID, FinalURLs: []string{"https://www.reifen-mueller.example/winter"},
			Headlines:    []campaigns.AdTextInput{{Text: "Winterreifen günstig kaufen"}, {Text: "Montage inklusive"}, {Text: "Alle Marken auf Lager"}},
			Descriptions: []campaigns.AdTextInput{{Text: "Winterreifen aller Marken mit Montage vor Ort."}, {Text: "Bestellen Sie online, wir montieren in Ihrer Nähe."}}}); err != nil {
			t.Fatal(err)
		}
		for _, ev := range []campaigns.Event{campaigns.EventSubmit, campaigns.EventApprove} {
			cur, err := cs.GetCampaign(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := cs.Transition(ctx, c.ID, ev, cur.Version); err != nil {
				t.Fatal(err)
			}
		}
		e.Must(t, http.StatusOK, "PUT", fmt.Sprintf("/api/campaigns/%d/google-ads-account", c.ID), map[string]any{"customer_id": account, "contains_eu_political_advertising": false})
		etag := e.Must(t, http.StatusOK, "GET", fmt.Sprintf("/api/campaigns/%d", c.ID), nil).Header.Get("ETag")
		var pub struct {
			Job jobs.Job `json:"job"`
		}
		e.Must(t, http.StatusAccepted, "POST", fmt.Sprintf("/api/campaigns/%d/publish", c.ID), nil, "If-Match", etag).JSON(t, &pub)
		if j := waitJob(t, e, pub.Job.ID); j.State != "succeeded" {
			t.Fatalf("publish %s: %s", j.State, j.Error)
		}
		var started reporting.DownloadStarted
		e.Must(t, http.StatusAccepted, "POST", "/api/reports/downloads", map[string]any{"customer_id": account, "from": "2026-11-01", "to": "2026-11-07"}).JSON(t, &started)
		if j := waitJob(t, e, started.Job.ID); j.State != "succeeded" {
			t.Fatalf("download %s: %s", j.State, j.Error)
		}
		var name string
		if err := d.Read().QueryRow(ctx, `SELECT resource_name FROM google_ads_resources WHERE campaign_id = ? AND entity_key = 'campaign'`, c.ID).Scan(&name); err != nil {
			t.Fatal(err)
		}
		var want googleadstest.Metrics
		for dd := day(t, "2026-11-01"); dd <= day(t, "2026-11-07"); dd++ {
			m := googleadstest.DailyMetrics(name, dd.String())
			want.Impressions += m.Impressions
			want.Clicks += m.Clicks
			want.CostMicros += m.CostMicros
			want.Conversions += m.Conversions
		}
		var report struct {
			Totals reporting.Metrics `json:"totals"`
			Series []map[string]any  `json:"series"`
		}
		e.Must(t, http.StatusOK, "GET", fmt.Sprintf("/api/campaigns/%d/report?from=2026-11-01&to=2026-11-07", c.ID), nil).JSON(t, &report)
		if report.Totals.Impressions != want.Impressions || report.Totals.Clicks != want.Clicks || report.Totals.CostMicros != want.CostMicros ||
			report.Totals.Conversions != want.Conversions || len(report.Series) != 7 {
			t.Errorf("report totals %+v over %d days, want %+v", report.Totals, len(report.Series), want)
		}
		var assetRows struct {
			Rows []struct {
				AssetID   int64  `json:"asset_id"`
				Text      string `json:"text"`
				FieldType string `json:"field_type"`
			} `json:"rows"`
		}
		e.Must(t, http.StatusOK, "GET", fmt.Sprintf("/api/campaigns/%d/report/assets?from=2026-11-01&to=2026-11-07", c.ID), nil).JSON(t, &assetRows)
		texts := map[string]bool{}
		for _, r := range assetRows.Rows {
			if r.AssetID != 0 {
				texts[r.FieldType+":"+r.Text] = true
			}
		}
		if !texts["HEADLINE:Winterreifen günstig kaufen"] || !texts["DESCRIPTION:Winterreifen aller Marken mit Montage vor Ort."] {
			t.Errorf("the ad's texts were not matched to our assets: %+v", assetRows.Rows)
		}
	})
}

// A download that fails midway is tried again by River from the first day
// it had not finished: the days done are checkpoints in its events.
func TestDownloadJobContinuesAfterAFailure(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		x := newDLAt(t, d, time.Now)
		e := startProduct(t, d, x)
		ctx := context.Background()
		want := x.expected(t, "2026-11-01", "2026-11-10")
		// Google fails both tries of the first query of the third day.
		x.srv.FailStreams(2*len(reporting.Levels)+1, 2)
		job, err := e.App.ReportDownloads.Start(ctx, reporting.DownloadArgs{CustomerID: account, From: day(t, "2026-11-01"), To: day(t, "2026-11-10")}, 0)
		if err != nil {
			t.Fatal(err)
		}
		j := waitJob(t, e, job.ID)
		var result struct {
			SkippedDays int `json:"skipped_days"`
		}
		_ = json.Unmarshal(j.Result, &result)
		if j.State != "succeeded" || j.Attempt != 2 || result.SkippedDays != 2 {
			t.Fatalf("job %s after %d attempts, result %s", j.State, j.Attempt, j.Result)
		}
		// 7 queries of the expectation, two days, the failing query twice,
		// then the eight days left: none of the first two again.
		levels := len(reporting.Levels)
		if n := len(x.srv.RequestsTo("searchStream")); n != levels+2*levels+2+8*levels {
			t.Errorf("%d searchStream calls, want %d", n, levels+2*levels+2+8*levels)
		}
		if got := tableSums(t, d, "report_facts"); got != want.entity {
			t.Errorf("report_facts %+v, want %+v", got, want.entity)
		}
		if got := tableSums(t, d, "report_asset_fact_rows"); got != want.asset {
			t.Errorf("report_asset_fact_rows %+v, want %+v", got, want.asset)
		}
		evs, _ := jobs.EventsAfter(ctx, d.Read(), job.ID, 0, 10000)
		warned := false
		for _, ev := range evs {
			warned = warned || (ev.Type == jobs.EventWarning && strings.Contains(string(ev.Payload), "INTERNAL") && strings.Contains(string(ev.Payload), "trying again"))
		}
		if !warned {
			t.Error("no warning of the failed attempt")
		}
	})
}
