package reporting_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/imaphub/imaphub/internal/app"
	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/domain/reporting"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
	"github.com/imaphub/imaphub/internal/platform/jobs"
)

// secondProcess is another instance of the product on e's database (its
// own caches), answering e's tokens.
func secondProcess(t *testing.T, d *db.DB, e *apptest.Env) *apptest.Env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	a, err := app.New(ctx, d, app.Options{DataDir: t.TempDir(), Argon2: apptest.Fast, Jobs: jobs.Config{Workers: 0},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Server().Handler())
	t.Cleanup(srv.Close)
	return &apptest.Env{App: a, Server: srv, Tokens: e.Tokens, Users: e.Users}
}

// TestReportAnswersAreCachedUntilAnImport: a report answered twice is the
// same bytes, equal to the report encoded straight from the service; an
// import by this process or by another one on the same database (a worker,
// a second server) changes the next answer of both; the ETag answers 304
// until then; an anonymous request is refused even when the answer is kept.
func TestReportAnswersAreCachedUntilAnImport(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := startReports(t, d)
		other := secondProcess(t, d, e.Env)
		camp := e.tree.Campaign.ID
		path := fmt.Sprintf("/api/campaigns/%d/report?from=2026-03-01&to=2026-03-31", camp)
		r, err := reporting.NewRange(day(t, "2026-03-01").String(), day(t, "2026-03-31").String())
		if err != nil {
			t.Fatal(err)
		}
		direct := func() []byte {
			t.Helper()
			rep, err := e.App.Reports.CampaignReport(ctx, camp, reporting.ReportQuery{Range: r, Interval: reporting.Daily})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(rep); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}
		get := func(env *apptest.Env, headers ...string) *apptest.Response {
			t.Helper()
			return env.DoAs(t, auth.Viewer, http.MethodGet, path, nil, headers...)
		}
		impressions := func(res *apptest.Response) float64 {
			t.Helper()
			totals, _ := res.Map(t)["totals"].(map[string]any)
			n, _ := totals["impressions"].(float64)
			return n
		}

		first, second, elsewhere := get(e.Env), get(e.Env), get(other)
		for _, res := range []*apptest.Response{first, second, elsewhere} {
			if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "application/json" || res.Header.Get("ETag") == "" {
				t.Fatalf("%d %q etag %q: %s", res.Status, res.Header.Get("Content-Type"), res.Header.Get("ETag"), res.Body)
			}
		}
		want := direct()
		if !bytes.Equal(first.Body, want) || !bytes.Equal(second.Body, want) || !bytes.Equal(elsewhere.Body, want) {
			t.Fatalf("answers differ from the report:\nfirst  %s\nsecond %s\nother  %s\nwant   %s", first.Body, second.Body, elsewhere.Body, want)
		}
		if first.Header.Get("ETag") != second.Header.Get("ETag") {
			t.Errorf("ETag moved without an import: %s, %s", first.Header.Get("ETag"), second.Header.Get("ETag"))
		}
		if res := get(e.Env, "If-None-Match", second.Header.Get("ETag")); res.Status != http.StatusNotModified || len(res.Body) != 0 {
			t.Errorf("If-None-Match with the current ETag: %d %s, want 304", res.Status, res.Body)
		}
		if res := e.DoAs(t, auth.Anonymous, http.MethodGet, path, nil); res.Status != http.StatusUnauthorized {
			t.Errorf("anonymous with the answer kept: %d, want 401", res.Status)
		}
		if res := e.DoAs(t, auth.Anonymous, http.MethodGet, path, nil, "If-None-Match", second.Header.Get("ETag")); res.Status != http.StatusUnauthorized {
			t.Errorf("anonymous with the ETag: %d, want 401", res.Status)
		}
		before := impressions(second)

		// One more day of the campaign, imported by the other process.
		im, err := other.App.Reports.NewImporter(customer, reporting.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		more := reporting.Fact{Level: reporting.LevelCampaign, Day: day(t, "2026-03-31"), CampaignID: 77, Metrics: reporting.Metrics{Impressions: 1000},
			Ours: reporting.Ours{CampaignID: camp}}
		// The same Google campaign and day: the row is replaced, so ask
		// for its impressions plus 1000.
		old := direct()
		var oldRep reporting.CampaignReport
		if err := json.Unmarshal(old, &oldRep); err != nil {
			t.Fatal(err)
		}
		more.Impressions = oldRep.Series[30].Impressions + 1000
		if _, err := im.Write(ctx, []reporting.Fact{more}); err != nil {
			t.Fatal(err)
		}
		after, afterOther := get(e.Env), get(other)
		if impressions(after) != before+1000 || impressions(afterOther) != before+1000 {
			t.Errorf("after an import elsewhere: %v here, %v there, want %v", impressions(after), impressions(afterOther), before+1000)
		}
		if !bytes.Equal(after.Body, direct()) || !bytes.Equal(afterOther.Body, after.Body) {
			t.Errorf("after the import the answers differ from the report:\n%s\n%s\n%s", after.Body, afterOther.Body, direct())
		}
		if after.Header.Get("ETag") == second.Header.Get("ETag") {
			t.Errorf("ETag %s unchanged by the import", after.Header.Get("ETag"))
		}
		if res := get(e.Env, "If-None-Match", second.Header.Get("ETag")); res.Status != http.StatusOK {
			t.Errorf("If-None-Match with the ETag from before the import: %d, want 200", res.Status)
		}

		// And the other way round: this process imports, the other one
		// (which holds the answer) sees it.
		im2, err := e.App.Reports.NewImporter(customer, reporting.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		more.Impressions += 500
		if _, err := im2.Write(ctx, []reporting.Fact{more}); err != nil {
			t.Fatal(err)
		}
		if n := impressions(get(other)); n != before+1500 {
			t.Errorf("the other process after an import here: %v, want %v", n, before+1500)
		}
	})
}

// TestEveryCachedReportEqualsItsFirstAnswer: every report operation answers
// the same JSON from the cache as when it built it, different parameters
// are different answers, and CSV is not served from the JSON kept.
func TestEveryCachedReportEqualsItsFirstAnswer(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := startReports(t, d)
		other := secondProcess(t, d, e.Env)
		camp := e.tree.Campaign.ID
		paths := []string{
			fmt.Sprintf("/api/campaigns/%d/report?from=2026-03-01&to=2026-03-31&compare=previous", camp),
			fmt.Sprintf("/api/campaigns/%d/report?from=2026-03-01&to=2026-03-31&interval=week", camp),
			fmt.Sprintf("/api/campaigns/%d/report/rows?level=ad_group&from=2026-03-01&to=2026-03-31", camp),
			fmt.Sprintf("/api/campaigns/%d/report/assets?from=2026-03-01&to=2026-03-31&field_type=HEADLINE&order=worst&limit=1", camp),
			fmt.Sprintf("/api/assets/%d/report?from=2026-03-01&to=2026-03-31&interval=week", e.hostile),
			fmt.Sprintf("/api/reports/entities/ad_group/%d?from=2026-03-01&to=2026-03-31&interval=month", e.tree.AdGroups[0].ID),
			"/api/reports/campaigns?from=2026-03-01&to=2026-03-31&compare=previous&language=de",
			fmt.Sprintf("/api/reports/assets?from=2026-03-01&to=2026-03-31&ids=%d,%d", e.hostile, e.tree.AdGroups[0].Ads[0].Headlines[0].AssetID),
			fmt.Sprintf("/api/reports/assets?from=2026-03-01&to=2026-03-31&ids=%d", e.hostile),
		}
		seen := map[string]string{}
		for _, p := range paths {
			first := e.DoAs(t, auth.Viewer, http.MethodGet, p, nil)
			second := e.DoAs(t, auth.Viewer, http.MethodGet, p, nil)
			fresh := other.DoAs(t, auth.Viewer, http.MethodGet, p, nil)
			if first.Status != http.StatusOK || !bytes.Equal(first.Body, second.Body) || !bytes.Equal(first.Body, fresh.Body) {
				t.Errorf("%s: %d\n%s\n%s\n%s", p, first.Status, first.Body, second.Body, fresh.Body)
			}
			if q, ok := seen[string(first.Body)]; ok {
				t.Errorf("%s answers the same as %s", p, q)
			}
			seen[string(first.Body)] = p
			csv := e.DoAs(t, auth.Viewer, http.MethodGet, p+"&format=csv", nil)
			if csv.Status != http.StatusOK || csv.Header.Get("Content-Type") != "text/csv; charset=utf-8" || bytes.HasPrefix(csv.Body, []byte("{")) {
				t.Errorf("%s as CSV: %d %s %s", p, csv.Status, csv.Header.Get("Content-Type"), csv.Body)
			}
		}
		if r := e.DoAs(t, auth.Viewer, http.MethodGet, "/api/campaigns/999999/report?from=2026-03-01&to=2026-03-31", nil); r.Status != http.StatusNotFound {
			t.Errorf("unknown campaign: %d", r.Status)
		}
	})
}
