package demo_test

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/demo"
	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/domain/reporting"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// demoToday is the date the tests load the demo metrics on: the window
// (120 days up to yesterday) runs from August into the winter-tyre season.
var demoToday = time.Date(2026, 12, 1, 15, 4, 5, 0, time.UTC)

type totals struct {
	Rows, Impressions, Clicks, Cost int64
	Conversions, Value              float64
}

func sumOf(t *testing.T, d *db.DB, from string, args ...any) totals {
	t.Helper()
	var s totals
	err := d.Read().QueryRow(context.Background(), `SELECT count(*), COALESCE(SUM(impressions), 0), COALESCE(SUM(clicks), 0), COALESCE(SUM(cost_micros), 0),
		COALESCE(SUM(conversions), 0), COALESCE(SUM(conversions_value), 0) FROM `+from, args...).
		Scan(&s.Rows, &s.Impressions, &s.Clicks, &s.Cost, &s.Conversions, &s.Value)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func loadDemo(t *testing.T, d *db.DB) (*campaigns.Service, *reporting.Service) {
	t.Helper()
	as := assets.NewService(d, filepath.Join(t.TempDir(), "blobs"))
	cs := campaigns.NewService(d, as)
	if _, err := demo.Load(context.Background(), cs, as); err != nil {
		t.Fatal(err)
	}
	return cs, reporting.NewService(d)
}

// The demo metrics cover every demo campaign, ad group, ad, keyword, asset
// group and asset for 120 days up to yesterday, marked as demo data, with
// our ids on every row; loading them again changes nothing, a day later adds
// that day only.
func TestDemoMetricsLoadOnceAndCoverTheAccount(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		cs, rs := loadDemo(t, d)
		sum, err := demo.LoadMetrics(ctx, cs, rs, demoToday)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Campaigns != 3 || sum.To.String() != "2026-11-30" || sum.From.String() != "2026-08-03" || sum.Written != sum.Rows || sum.Rows < 5000 {
			t.Fatalf("summary %+v", sum)
		}
		facts, assetFacts := sumOf(t, d, `report_facts`), sumOf(t, d, `report_asset_fact_rows`)
		if facts.Rows+assetFacts.Rows != int64(sum.Rows) {
			t.Fatalf("%d + %d rows stored, %d written", facts.Rows, assetFacts.Rows, sum.Rows)
		}
		// Everything is demo data, filed under our entities.
		if n := sumOf(t, d, `report_facts WHERE demo <> 1 OR campaign_id IS NULL OR entity_id IS NULL`).Rows; n != 0 {
			t.Errorf("%d entity rows are not demo data of our entities", n)
		}
		if n := sumOf(t, d, `report_asset_fact_rows WHERE demo <> 1 OR campaign_id IS NULL OR asset_id IS NULL`).Rows; n != 0 {
			t.Errorf("%d asset rows are not demo data of our assets", n)
		}
		var mapped int
		if err := d.Read().QueryRow(ctx, `SELECT count(DISTINCT campaign_id) FROM report_campaigns`).Scan(&mapped); err != nil || mapped != 3 {
			t.Fatalf("report_campaigns maps %d campaigns (%v), want 3", mapped, err)
		}
		// Every level of every entity is there, every day.
		for _, q := range []struct {
			what, entities, facts string
		}{
			{"campaigns", `SELECT count(*) FROM campaigns`, `SELECT count(DISTINCT entity_id) FROM report_facts WHERE level = 'campaign'`},
			{"ad groups", `SELECT count(*) FROM ad_groups`, `SELECT count(DISTINCT entity_id) FROM report_facts WHERE level = 'ad_group'`},
			{"ads", `SELECT count(*) FROM ads`, `SELECT count(DISTINCT entity_id) FROM report_facts WHERE level = 'ad'`},
			{"keywords", `SELECT count(*) FROM keywords WHERE NOT negative`, `SELECT count(DISTINCT entity_id) FROM report_facts WHERE level = 'keyword'`},
			{"asset groups", `SELECT count(*) FROM asset_groups`, `SELECT count(DISTINCT entity_id) FROM report_facts WHERE level = 'asset_group'`},
			{"asset places", `SELECT count(*) FROM asset_links`, `SELECT count(*) FROM (SELECT DISTINCT COALESCE(ad_id, 0), COALESCE(asset_group_id, 0), asset_id, field_type FROM report_asset_fact_rows) x`},
		} {
			var want, got int
			if err := d.Read().QueryRow(ctx, q.entities).Scan(&want); err != nil {
				t.Fatal(err)
			}
			if err := d.Read().QueryRow(ctx, q.facts).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if want == 0 || got != want {
				t.Errorf("%s: metrics for %d, the account has %d", q.what, got, want)
			}
		}
		var days int
		if err := d.Read().QueryRow(ctx, `SELECT count(DISTINCT day) FROM report_facts WHERE level = 'campaign'`).Scan(&days); err != nil || days != demo.MetricsDays {
			t.Fatalf("%d days (%v)", days, err)
		}

		// Again on the same day: nothing changes.
		again, err := demo.LoadMetrics(ctx, cs, rs, demoToday.Add(5*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if again.Written != 0 || again.Rows != sum.Rows {
			t.Fatalf("second load %+v, want the same rows and none written", again)
		}
		if f, a := sumOf(t, d, `report_facts`), sumOf(t, d, `report_asset_fact_rows`); f != facts || a != assetFacts {
			t.Fatalf("totals changed on reload: %+v %+v, were %+v %+v", f, a, facts, assetFacts)
		}
		// A day later: that day is added, the days before stay as they were
		// (the learning headline's days are a fixed window back from
		// yesterday, so its first day moves with it).
		next, err := demo.LoadMetrics(ctx, cs, rs, demoToday.AddDate(0, 0, 1))
		if err != nil {
			t.Fatal(err)
		}
		newDay := sumOf(t, d, `report_facts WHERE day = ?`, int(next.To))
		newAssets := sumOf(t, d, `report_asset_fact_rows WHERE day = ?`, int(next.To))
		if newDay.Rows == 0 || int64(next.Written) != newDay.Rows+newAssets.Rows {
			t.Fatalf("a day later wrote %d rows, the new day has %d + %d", next.Written, newDay.Rows, newAssets.Rows)
		}
		if old := sumOf(t, d, `report_facts WHERE day <= ?`, int(sum.To)); old != facts {
			t.Fatalf("old days changed: %+v, were %+v", old, facts)
		}
	})
}

// The numbers look like a tyre retailer's account: plausible rates,
// campaigns the sums of their ad groups, weekdays above weekends, the
// winter season above late summer, and clear winners and losers among the
// headlines with Google's labels.
func TestDemoMetricsAreShapedLikeAnAccount(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		cs, rs := loadDemo(t, d)
		sum, err := demo.LoadMetrics(ctx, cs, rs, demoToday)
		if err != nil {
			t.Fatal(err)
		}
		// Every campaign has impressions, clicks, cost and conversions.
		rows, err := d.Read().Query(ctx, `SELECT c.name, SUM(f.impressions), SUM(f.clicks), SUM(f.cost_micros), SUM(f.conversions)
			FROM campaigns c LEFT JOIN report_facts f ON f.campaign_id = c.id AND f.level = 'campaign' GROUP BY c.name`)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var name string
			var imp, clicks, cost int64
			var conv float64
			if err := rows.Scan(&name, &imp, &clicks, &cost, &conv); err != nil {
				t.Fatal(err)
			}
			n++
			ctr, cpc, cr := float64(clicks)/float64(imp), float64(cost)/float64(clicks)/1e6, conv/float64(clicks)
			if imp < 10_000 || ctr < 0.01 || ctr > 0.1 || cpc < 0.2 || cpc > 2 || cr < 0.01 || cr > 0.1 {
				t.Errorf("%s: %d impressions, CTR %.3f, CPC %.2f, conversion rate %.3f", name, imp, ctr, cpc, cr)
			}
		}
		rows.Close()
		if n != 3 {
			t.Fatalf("%d campaigns", n)
		}
		// A search campaign's day is the sum of its ad groups' (up to
		// rounding, one unit per ad group), an ad group's the sum of its
		// keywords'.
		var worst int64
		if err := d.Read().QueryRow(ctx, `SELECT COALESCE(MAX(ABS(c.impressions - g.impressions)), -1) FROM report_facts c
			JOIN (SELECT campaign_id, day, SUM(impressions) AS impressions FROM report_facts WHERE level = 'ad_group' GROUP BY campaign_id, day) g
			ON g.campaign_id = c.campaign_id AND g.day = c.day WHERE c.level = 'campaign'`).Scan(&worst); err != nil || worst < 0 || worst > 3 {
			t.Fatalf("campaign vs ad groups: off by up to %d impressions (%v)", worst, err)
		}
		if err := d.Read().QueryRow(ctx, `SELECT COALESCE(MAX(ABS(g.impressions - k.impressions)), -1) FROM report_facts g
			JOIN (SELECT ad_group_id, day, SUM(impressions) AS impressions FROM report_facts WHERE level = 'keyword' GROUP BY ad_group_id, day) k
			ON k.ad_group_id = g.entity_id AND k.day = g.day WHERE g.level = 'ad_group'`).Scan(&worst); err != nil || worst < 0 || worst > 5 {
			t.Fatalf("ad group vs keywords: off by up to %d impressions (%v)", worst, err)
		}
		// Weekdays against weekends (1970-01-01, day 0, was a Thursday: day
		// % 7 is 2 on Saturdays and 3 on Sundays), within the same weeks.
		avg := func(where string) float64 {
			t.Helper()
			var v float64
			if err := d.Read().QueryRow(ctx, `SELECT CAST(SUM(impressions) AS DOUBLE PRECISION) / count(*) FROM report_facts WHERE level = 'campaign' AND `+where).Scan(&v); err != nil {
				t.Fatal(err)
			}
			return v
		}
		if wd, we := avg(`day % 7 IN (4, 5, 6)`), avg(`day % 7 IN (2, 3)`); wd < 1.2*we {
			t.Errorf("Mon–Wed average %.0f impressions, weekends %.0f", wd, we)
		}
		oct, aug := mustDay(t, "2026-10-15"), mustDay(t, "2026-08-03")
		if late, summer := avg(`day BETWEEN `+itoa(oct)+` AND `+itoa(oct+27)), avg(`day BETWEEN `+itoa(aug)+` AND `+itoa(aug+27)); late < 1.8*summer {
			t.Errorf("October–November average %.0f impressions, August %.0f: no winter season", late, summer)
		}
		// Winners and losers: in the German winter tyre ad, the best headline
		// is clicked far more often per impression than the worst, and
		// Google labels them so.
		ctr := func(text string) (float64, int) {
			t.Helper()
			var imp, clicks int64
			var lbl int
			err := d.Read().QueryRow(ctx, `SELECT SUM(f.impressions), SUM(f.clicks), MAX(f.performance_label) FROM report_asset_fact_rows f
				JOIN assets a ON a.id = f.asset_id JOIN ads ON ads.id = f.ad_id JOIN ad_groups g ON g.id = ads.ad_group_id
				WHERE a.text = ? AND g.name = 'Winterreifen' AND f.field_type = 'HEADLINE'`, text).Scan(&imp, &clicks, &lbl)
			if err != nil {
				t.Fatalf("%q: %v", text, err)
			}
			return float64(clicks) / float64(imp), lbl
		}
		bestCTR, bestLabel := ctr("Kostenlose Lieferung")
		worstCTR, worstLabel := ctr("Reifen Müller seit 1982")
		if bestCTR < 2*worstCTR || bestLabel != 6 || worstLabel != 4 {
			t.Errorf("best headline CTR %.4f label %d, worst %.4f label %d (BEST is 6, LOW 4)", bestCTR, bestLabel, worstCTR, worstLabel)
		}
		// The headline Google is still learning has data for its last days only.
		var first, label int
		if err := d.Read().QueryRow(ctx, `SELECT MIN(f.day), MAX(f.performance_label) FROM report_asset_fact_rows f JOIN assets a ON a.id = f.asset_id
			WHERE a.text = 'Drive Safely All Winter'`).Scan(&first, &label); err != nil {
			t.Fatal(err)
		}
		if first != int(sum.To)-8 || label != 3 {
			t.Errorf("learning headline: first day %d (want %d), label %d (LEARNING is 3)", first, int(sum.To)-8, label)
		}
		// One text serves in many places: "Reifen Müller" in ads of both
		// search campaigns and in the Performance Max asset group.
		var places int
		if err := d.Read().QueryRow(ctx, `SELECT count(*) FROM (SELECT DISTINCT f.campaign_id, f.ad_id, f.asset_group_id, f.field_type FROM report_asset_fact_rows f
			JOIN assets a ON a.id = f.asset_id WHERE a.text = 'Reifen Müller') x`).Scan(&places); err != nil || places < 5 {
			t.Errorf("\"Reifen Müller\" has metrics in %d places (%v)", places, err)
		}
	})
}

func mustDay(t *testing.T, s string) reporting.Day {
	t.Helper()
	d, err := reporting.ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func itoa(d reporting.Day) string { return strconv.Itoa(int(d)) }

// The demo account closes the loop: its best headlines are the style
// examples generation gets — labelled BEST first, never one labelled LOW,
// in the brief's language only.
func TestDemoMetricsGiveStyleExamples(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		cs, rs := loadDemo(t, d)
		if _, err := demo.LoadMetrics(ctx, cs, rs, time.Now()); err != nil {
			t.Fatal(err)
		}
		var german int64
		if err := d.Read().QueryRow(ctx, `SELECT id FROM campaigns WHERE name = 'Winterreifen 2026 – Suche DE'`).Scan(&german); err != nil {
			t.Fatal(err)
		}
		best, err := rs.BestTexts(ctx, reporting.BestTextsQuery{CampaignID: german, Language: "de"})
		if err != nil {
			t.Fatal(err)
		}
		var headlines []reporting.TextPerformance
		for _, b := range best {
			if b.FieldType == "HEADLINE" {
				headlines = append(headlines, b)
			}
			if b.PerformanceLabel == "LOW" {
				t.Errorf("a LOW text among the examples: %+v", b)
			}
			var inCampaign int
			if err := d.Read().QueryRow(ctx, `SELECT count(*) FROM asset_links WHERE asset_id = ? AND campaign_id = ?`, b.AssetID, german).Scan(&inCampaign); err != nil || inCampaign == 0 {
				t.Errorf("%q is not in the German campaign (%v)", b.Text, err)
			}
		}
		if len(headlines) != 5 || headlines[0].PerformanceLabel != "BEST" {
			t.Fatalf("headlines %+v", headlines)
		}
		for i := 1; i < len(headlines); i++ {
			prev, cur := headlines[i-1], headlines[i]
			if float64(cur.Clicks)/float64(cur.Impressions) > float64(prev.Clicks)/float64(prev.Impressions) {
				t.Errorf("not best first: %+v before %+v", prev, cur)
			}
		}
		english, err := rs.BestTexts(ctx, reporting.BestTextsQuery{Language: "en-GB"})
		if err != nil {
			t.Fatal(err)
		}
		if len(english) == 0 {
			t.Fatal("no English examples in the account")
		}
		for _, b := range english {
			var lang string
			if err := d.Read().QueryRow(ctx, `SELECT language FROM assets WHERE id = ?`, b.AssetID).Scan(&lang); err != nil || lang != "en" {
				t.Errorf("%q (language %q) among English examples", b.Text, lang)
			}
		}
		if _, err := rs.BestTexts(ctx, reporting.BestTextsQuery{Language: "deutsch"}); err == nil || !strings.Contains(err.Error(), "language") {
			t.Errorf("language deutsch: %v", err)
		}
	})
}
