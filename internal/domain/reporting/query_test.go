package reporting_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/domain/reporting"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// world is random but seeded report data about the demo account's
// campaigns, imported through the Importer, and the facts it was made of:
// the tests sum those facts in Go, independently of the SQL.
type world struct {
	*fixture
	facts []reporting.Fact
	first reporting.Day
	days  int
}

func newWorld(t *testing.T, d *db.DB, seed uint64) *world {
	t.Helper()
	fx := newFixture(t, d)
	w := &world{fixture: fx, first: day(t, "2025-11-20"), days: 150}
	rng := rand.New(rand.NewPCG(seed, 7))
	metrics := func() reporting.Metrics {
		imp := int64(rng.IntN(5000))
		clicks := int64(0)
		if imp > 0 {
			clicks = int64(rng.IntN(int(imp)/10 + 1))
		}
		conv := float64(rng.IntN(int(clicks)+1)) / 4
		return reporting.Metrics{Impressions: imp, Clicks: clicks, CostMicros: clicks * int64(200_000+rng.IntN(2_000_000)),
			Conversions: conv, ConversionsValue: conv * float64(rng.IntN(9000)) / 100}
	}
	labels := []string{"", "BEST", "GOOD", "LOW", "LEARNING"}
	for ci, tree := range fx.trees {
		gc := int64(5000 + ci)
		camp := tree.Campaign.ID
		for i := range w.days {
			d := w.first + reporting.Day(i)
			if rng.IntN(10) == 0 { // a day without data
				continue
			}
			add := func(f reporting.Fact) {
				f.Day, f.CampaignID, f.Metrics = d, gc, metrics()
				f.Ours.CampaignID = camp
				w.facts = append(w.facts, f)
			}
			add(reporting.Fact{Level: reporting.LevelCampaign})
			for _, g := range tree.AdGroups {
				gg := 100_000 + g.ID
				add(reporting.Fact{Level: reporting.LevelAdGroup, AdGroupID: gg, Ours: reporting.Ours{AdGroupID: g.ID}})
				for _, kw := range g.Keywords {
					add(reporting.Fact{Level: reporting.LevelKeyword, AdGroupID: gg, CriterionID: 200_000 + kw.ID, Ours: reporting.Ours{AdGroupID: g.ID, KeywordID: kw.ID}})
				}
				for _, ad := range g.Ads {
					add(reporting.Fact{Level: reporting.LevelAd, AdGroupID: gg, AdID: 300_000 + ad.ID, Ours: reporting.Ours{AdGroupID: g.ID, AdID: ad.ID}})
					for _, field := range []string{"HEADLINE", "DESCRIPTION"} {
						list := ad.Headlines
						if field == "DESCRIPTION" {
							list = ad.Descriptions
						}
						for _, x := range list {
							add(reporting.Fact{Level: reporting.LevelAdAsset, AdGroupID: gg, AdID: 300_000 + ad.ID, AssetID: 400_000 + x.AssetID, FieldType: field,
								PerformanceLabel: labels[rng.IntN(len(labels))], Ours: reporting.Ours{AdGroupID: g.ID, AdID: ad.ID, AssetID: x.AssetID}})
						}
					}
				}
			}
			for _, ag := range tree.AssetGroups {
				gg := 500_000 + ag.ID
				add(reporting.Fact{Level: reporting.LevelAssetGroup, AssetGroupID: gg, Ours: reporting.Ours{AssetGroupID: ag.ID}})
				for _, x := range ag.Assets {
					add(reporting.Fact{Level: reporting.LevelAssetGroupAsset, AssetGroupID: gg, AssetID: 400_000 + x.AssetID, FieldType: x.FieldType,
						PerformanceLabel: labels[rng.IntN(len(labels))], Ours: reporting.Ours{AssetGroupID: ag.ID, AssetID: x.AssetID}})
				}
			}
		}
	}
	// A campaign Google reports that we did not publish: counted nowhere.
	for i := range w.days {
		w.facts = append(w.facts, reporting.Fact{Level: reporting.LevelCampaign, Day: w.first + reporting.Day(i), CampaignID: 999, Metrics: metrics()},
			reporting.Fact{Level: reporting.LevelAdAsset, Day: w.first + reporting.Day(i), CampaignID: 999, AdGroupID: 1, AdID: 2, AssetID: 3, FieldType: "HEADLINE", Metrics: metrics()})
	}
	im, err := fx.reports.NewImporter(customer, reporting.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// In batches, as a download brings them (a searchStream answer comes in
	// batches of up to 10,000 rows).
	for lo := 0; lo < len(w.facts); lo += 10_000 {
		if _, err := im.Write(context.Background(), slices.Clone(w.facts[lo:min(lo+10_000, len(w.facts))])); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// sum adds up the facts keep accepts, in Go.
func (w *world) sum(r reporting.Range, keep func(f reporting.Fact) bool) reporting.Metrics {
	var m reporting.Metrics
	for _, f := range w.facts {
		if f.Day >= r.From && f.Day <= r.To && keep(f) {
			m.Impressions += f.Impressions
			m.Clicks += f.Clicks
			m.CostMicros += f.CostMicros
			m.Conversions += f.Conversions
			m.ConversionsValue += f.ConversionsValue
		}
	}
	return m
}

// bucketOf is the first day of a day's bucket, by the calendar.
func bucketOf(t *testing.T, interval string, d reporting.Day) reporting.Day {
	tm := d.Time()
	switch interval {
	case "week":
		back := (int(tm.Weekday()) + 6) % 7 // days since Monday
		return reporting.DayOf(tm.AddDate(0, 0, -back))
	case "month":
		return reporting.DayOf(time.Date(tm.Year(), tm.Month(), 1, 0, 0, 0, 0, time.UTC))
	}
	return d
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

func sameMetrics(a, b reporting.Metrics) bool {
	return a.Impressions == b.Impressions && a.Clicks == b.Clicks && a.CostMicros == b.CostMicros &&
		near(a.Conversions, b.Conversions) && near(a.ConversionsValue, b.ConversionsValue)
}

func rng(t *testing.T, from, to string) reporting.Range {
	t.Helper()
	r, err := reporting.NewRange(from, to)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func isLevel(f reporting.Fact, l reporting.Level) bool { return f.Level == l }

// TestReportsMatchTheFacts imports one seeded world and checks every report
// that only reads it against sums of its facts computed in Go.
func TestReportsMatchTheFacts(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, 1)
		t.Run("campaign report", func(t *testing.T) { campaignReportMatchesTheFacts(t, w) })
		t.Run("entity rows and series", func(t *testing.T) { entityRowsAndSeriesMatchTheFacts(t, w) })
		t.Run("asset ranking", func(t *testing.T) { assetRankingMatchesTheFacts(t, w) })
		t.Run("campaign and asset tables", func(t *testing.T) { campaignAndAssetTablesMatchTheFacts(t, w) })
	})
}

func campaignReportMatchesTheFacts(t *testing.T, w *world) {
	ctx := context.Background()
	camp := w.trees[0].Campaign.ID
	r := rng(t, "2026-01-10", "2026-03-15")
	ofCampaign := func(f reporting.Fact) bool { return f.Level == reporting.LevelCampaign && f.Ours.CampaignID == camp }
	for _, interval := range []reporting.Interval{reporting.Daily, reporting.Weekly, reporting.Monthly} {
		rep, err := w.reports.CampaignReport(ctx, camp, reporting.ReportQuery{Range: r, Interval: interval, Compare: true})
		if err != nil {
			t.Fatal(err)
		}
		if want := w.sum(r, ofCampaign); !sameMetrics(rep.Totals.Metrics, want) {
			t.Errorf("%s totals %+v, want %+v", interval, rep.Totals.Metrics, want)
		}
		if rep.Currency != w.trees[0].Campaign.Currency || rep.Demo {
			t.Errorf("currency %q demo %v", rep.Currency, rep.Demo)
		}
		// Every bucket in order, each the sum of its days.
		var wantDates []reporting.Day
		for dd := r.From; dd <= r.To; dd++ {
			b := max(bucketOf(t, string(interval), dd), r.From)
			if len(wantDates) == 0 || wantDates[len(wantDates)-1] != b {
				wantDates = append(wantDates, b)
			}
		}
		if len(rep.Series) != len(wantDates) {
			t.Fatalf("%s: %d points, want %d", interval, len(rep.Series), len(wantDates))
		}
		for i, p := range rep.Series {
			if p.Date != wantDates[i] {
				t.Fatalf("%s point %d: date %s, want %s", interval, i, p.Date, wantDates[i])
			}
			want := w.sum(r, func(f reporting.Fact) bool {
				return ofCampaign(f) && max(bucketOf(t, string(interval), f.Day), r.From) == p.Date
			})
			if !sameMetrics(p.Metrics, want) {
				t.Errorf("%s point %s: %+v, want %+v", interval, p.Date, p.Metrics, want)
			}
			checkRatios(t, p.Measures)
		}
		prev := r.Previous()
		if rep.Previous == nil || rep.Previous.From != prev.From || rep.Previous.To != prev.To {
			t.Fatalf("previous: %+v, want %s … %s", rep.Previous, prev.From, prev.To)
		}
		if want := w.sum(prev, ofCampaign); !sameMetrics(rep.Previous.Totals.Metrics, want) {
			t.Errorf("previous totals %+v, want %+v", rep.Previous.Totals.Metrics, want)
		}
	}
	// A day without data is present with zeros.
	var gap reporting.Day
	for dd := r.From; dd <= r.To && gap == 0; dd++ {
		if w.sum(reporting.Range{From: dd, To: dd}, ofCampaign) == (reporting.Metrics{}) {
			gap = dd
		}
	}
	if gap != 0 {
		rep, err := w.reports.CampaignReport(ctx, camp, reporting.ReportQuery{Range: reporting.Range{From: gap, To: gap}})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Series) != 1 || rep.Series[0].Impressions != 0 || rep.Series[0].CTR != nil {
			t.Errorf("a day without data: %+v", rep.Series)
		}
	}
	if _, err := w.reports.CampaignReport(ctx, 987654, reporting.ReportQuery{Range: r}); !errs.Is(err, errs.NotFound) {
		t.Errorf("unknown campaign: %v, want not found", err)
	}
}

// checkRatios checks the derived measures against the counts.
func checkRatios(t *testing.T, m reporting.Measures) {
	t.Helper()
	eq := func(name string, got *float64, num, den float64) {
		t.Helper()
		if den == 0 {
			if got != nil {
				t.Errorf("%s = %v with a zero denominator, want null", name, *got)
			}
			return
		}
		if got == nil || !near(*got, num/den) {
			t.Errorf("%s = %v, want %v", name, got, num/den)
		}
	}
	eq("ctr", m.CTR, float64(m.Clicks), float64(m.Impressions))
	eq("average_cpc", m.AverageCPCMicros, float64(m.CostMicros), float64(m.Clicks))
	eq("conversion_rate", m.ConversionRate, m.Conversions, float64(m.Clicks))
	eq("cost_per_conversion", m.CostPerConversionMicros, float64(m.CostMicros), m.Conversions)
	eq("roas", m.ROAS, m.ConversionsValue, float64(m.CostMicros)/1e6)
}

func entityRowsAndSeriesMatchTheFacts(t *testing.T, w *world) {
	ctx := context.Background()
	r := rng(t, "2025-12-01", "2026-02-28")
	for _, tree := range w.trees {
		camp := tree.Campaign.ID
		for _, level := range []reporting.Level{reporting.LevelAdGroup, reporting.LevelAd, reporting.LevelKeyword, reporting.LevelAssetGroup} {
			rows, err := w.reports.CampaignRows(ctx, camp, level, r)
			if err != nil {
				t.Fatal(err)
			}
			want := map[int64]reporting.Metrics{}
			for _, f := range w.facts {
				if f.Level == level && f.Ours.CampaignID == camp && f.Day >= r.From && f.Day <= r.To {
					id := map[reporting.Level]int64{reporting.LevelAdGroup: f.Ours.AdGroupID, reporting.LevelAd: f.Ours.AdID,
						reporting.LevelKeyword: f.Ours.KeywordID, reporting.LevelAssetGroup: f.Ours.AssetGroupID}[level]
					want[id] = addMetrics(want[id], f.Metrics)
				}
			}
			if len(rows) != len(want) {
				t.Fatalf("campaign %d %s: %d rows, want %d", camp, level, len(rows), len(want))
			}
			for i, row := range rows {
				if row.ID == nil || !sameMetrics(row.Metrics, want[*row.ID]) {
					t.Errorf("campaign %d %s row %+v, want %+v", camp, level, row, want[deref(row.ID)])
				}
				if i > 0 && rows[i-1].CostMicros < row.CostMicros {
					t.Errorf("%s rows not by cost", level)
				}
				if row.Name == "" {
					t.Errorf("%s %d has no name", level, *row.ID)
				}
				if (level == reporting.LevelAd || level == reporting.LevelKeyword) && (row.AdGroupID == nil || row.AdGroupName == "") {
					t.Errorf("%s %d has no ad group", level, *row.ID)
				}
			}
		}
	}
	// One ad group's weekly series.
	g := w.trees[0].AdGroups[0]
	rep, err := w.reports.EntityReport(ctx, reporting.LevelAdGroup, g.ID, reporting.ReportQuery{Range: r, Interval: reporting.Weekly})
	if err != nil {
		t.Fatal(err)
	}
	ofGroup := func(f reporting.Fact) bool { return f.Level == reporting.LevelAdGroup && f.Ours.AdGroupID == g.ID }
	if want := w.sum(r, ofGroup); !sameMetrics(rep.Totals.Metrics, want) {
		t.Errorf("ad group totals %+v, want %+v", rep.Totals.Metrics, want)
	}
	for _, p := range rep.Series {
		want := w.sum(r, func(f reporting.Fact) bool { return ofGroup(f) && max(bucketOf(t, "week", f.Day), r.From) == p.Date })
		if !sameMetrics(p.Metrics, want) {
			t.Errorf("ad group week %s: %+v, want %+v", p.Date, p.Metrics, want)
		}
	}
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func addMetrics(a, b reporting.Metrics) reporting.Metrics {
	return reporting.Metrics{Impressions: a.Impressions + b.Impressions, Clicks: a.Clicks + b.Clicks, CostMicros: a.CostMicros + b.CostMicros,
		Conversions: a.Conversions + b.Conversions, ConversionsValue: a.ConversionsValue + b.ConversionsValue}
}

type assetKey struct {
	asset int64
	field string
}

func assetRankingMatchesTheFacts(t *testing.T, w *world) {
	ctx := context.Background()
	r := rng(t, "2026-02-01", "2026-03-31")
	for _, tree := range w.trees {
		camp := tree.Campaign.ID
		sums := map[assetKey]reporting.Metrics{}
		for _, f := range w.facts {
			if (f.Level == reporting.LevelAdAsset || f.Level == reporting.LevelAssetGroupAsset) && f.Ours.CampaignID == camp && f.Day >= r.From && f.Day <= r.To {
				k := assetKey{f.Ours.AssetID, f.FieldType}
				sums[k] = addMetrics(sums[k], f.Metrics)
			}
		}
		for _, order := range []reporting.Ranking{reporting.Best, reporting.Worst} {
			const limit = 3
			got, err := w.reports.CampaignAssets(ctx, camp, reporting.AssetRankQuery{Range: r, Order: order, Limit: limit})
			if err != nil {
				t.Fatal(err)
			}
			// The expected ranking, per field type, sorted in Go.
			byField := map[string][]assetKey{}
			for k, m := range sums {
				if m.Impressions > 0 {
					byField[k.field] = append(byField[k.field], k)
				}
			}
			var want []assetKey
			fields := make([]string, 0, len(byField))
			for f := range byField {
				fields = append(fields, f)
			}
			sort.Strings(fields)
			for _, f := range fields {
				ks := byField[f]
				sort.Slice(ks, func(i, j int) bool {
					a, b := sums[ks[i]], sums[ks[j]]
					ca, cb := float64(a.Clicks)/float64(a.Impressions), float64(b.Clicks)/float64(b.Impressions)
					if ca != cb {
						return (ca > cb) == (order == reporting.Best)
					}
					if a.Conversions != b.Conversions {
						return (a.Conversions > b.Conversions) == (order == reporting.Best)
					}
					if a.Impressions != b.Impressions {
						return a.Impressions > b.Impressions
					}
					return ks[i].asset < ks[j].asset
				})
				want = append(want, ks[:min(limit, len(ks))]...)
			}
			if len(got) != len(want) {
				t.Fatalf("campaign %d %s: %d rows, want %d", camp, order, len(got), len(want))
			}
			for i, row := range got {
				k := assetKey{row.AssetID, row.FieldType}
				if k != want[i] || !sameMetrics(row.Metrics, sums[k]) {
					t.Errorf("campaign %d %s #%d: %d %s %+v, want %v %+v", camp, order, i, row.AssetID, row.FieldType, row.Metrics, want[i], sums[want[i]])
				}
				if row.Text == "" {
					t.Errorf("asset %d without text", row.AssetID)
				}
			}
		}
		// One field type.
		got, err := w.reports.CampaignAssets(ctx, camp, reporting.AssetRankQuery{Range: r, FieldType: "DESCRIPTION", Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range got {
			if row.FieldType != "DESCRIPTION" {
				t.Errorf("field type filter let %s through", row.FieldType)
			}
		}
	}
	bad := []struct {
		q     reporting.AssetRankQuery
		field string
	}{
		{reporting.AssetRankQuery{Range: r, Order: "middle"}, "query.order"},
		{reporting.AssetRankQuery{Range: r, Limit: 501}, "query.limit"},
		{reporting.AssetRankQuery{Range: r, FieldType: "head line"}, "query.field_type"},
	}
	for _, b := range bad {
		_, err := w.reports.CampaignAssets(ctx, w.trees[0].Campaign.ID, b.q)
		if e := errs.As(err); e == nil || len(e.Fields) != 1 || e.Fields[0].Location != b.field {
			t.Errorf("%+v: %v, want an error at %s", b.q, err, b.field)
		}
	}
}

type placeKey struct {
	campaign, adGroup, ad, assetGroup int64
	field                             string
}

func TestAssetReportListsEveryPlace(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d, 4)
		r := rng(t, "2026-01-01", "2026-01-31")
		// The asset used in the most places.
		uses := map[int64]int{}
		for _, f := range w.facts {
			if f.Ours.AssetID != 0 && f.Day == w.first {
				uses[f.Ours.AssetID]++
			}
		}
		var asset int64
		for id, n := range uses {
			if n > uses[asset] || (n == uses[asset] && id < asset) {
				asset = id
			}
		}
		// Its links, read from the campaign trees.
		linked := map[placeKey]bool{}
		for _, tree := range w.trees {
			for _, g := range tree.AdGroups {
				for _, ad := range g.Ads {
					for _, x := range ad.Headlines {
						if x.AssetID == asset {
							linked[placeKey{tree.Campaign.ID, g.ID, ad.ID, 0, "HEADLINE"}] = true
						}
					}
					for _, x := range ad.Descriptions {
						if x.AssetID == asset {
							linked[placeKey{tree.Campaign.ID, g.ID, ad.ID, 0, "DESCRIPTION"}] = true
						}
					}
				}
			}
			for _, ag := range tree.AssetGroups {
				for _, x := range ag.Assets {
					if x.AssetID == asset {
						linked[placeKey{tree.Campaign.ID, 0, 0, ag.ID, x.FieldType}] = true
					}
				}
			}
		}
		// A place linked now with no numbers in the range (the link is
		// newer): listed with zeros.
		var emptied placeKey
		for k := range linked {
			if emptied.campaign == 0 || fmt.Sprint(k) < fmt.Sprint(emptied) {
				emptied = k
			}
		}
		if err := d.InTxRaw(ctx, func(tx db.Conn) error {
			return reporting.DropPlaces(ctx, tx, customer, asset, emptied.ad, emptied.assetGroup, emptied.field)
		}); err != nil {
			t.Fatal(err)
		}
		kept := w.facts[:0:0]
		for _, f := range w.facts {
			if f.Ours.AssetID != asset || f.Ours.AdID != emptied.ad || f.Ours.AssetGroupID != emptied.assetGroup || f.FieldType != emptied.field {
				kept = append(kept, f)
			}
		}
		w.facts = kept
		// A place the asset was linked to once and is not any more: its
		// numbers stay, marked as not linked.
		g := w.trees[0].AdGroups[0]
		gone := reporting.Fact{Level: reporting.LevelAdAsset, Day: r.From + 3, CampaignID: 5000, AdGroupID: 1, AdID: 2, AssetID: 400_000 + asset,
			FieldType: "LONG_HEADLINE", PerformanceLabel: "LOW", Metrics: reporting.Metrics{Impressions: 40, Clicks: 2},
			Ours: reporting.Ours{CampaignID: w.trees[0].Campaign.ID, AdGroupID: g.ID, AdID: g.Ads[0].ID, AssetID: asset}}
		im, _ := w.reports.NewImporter(customer, reporting.ImportOptions{})
		if _, err := im.Write(ctx, []reporting.Fact{gone}); err != nil {
			t.Fatal(err)
		}
		w.facts = append(w.facts, gone)

		rep, err := w.reports.AssetReport(ctx, asset, reporting.ReportQuery{Range: r, Interval: reporting.Monthly})
		if err != nil {
			t.Fatal(err)
		}
		ofAsset := func(f reporting.Fact) bool { return f.Ours.AssetID == asset }
		if want := w.sum(r, ofAsset); !sameMetrics(rep.Totals.Metrics, want) {
			t.Errorf("asset totals %+v, want %+v", rep.Totals.Metrics, want)
		}
		if len(rep.Series) != 1 || !sameMetrics(rep.Series[0].Metrics, rep.Totals.Metrics) {
			t.Errorf("one month's series %+v", rep.Series)
		}
		want := map[placeKey]reporting.Metrics{}
		for k := range linked {
			want[k] = reporting.Metrics{}
		}
		for _, f := range w.facts {
			if ofAsset(f) && f.Day >= r.From && f.Day <= r.To {
				k := placeKey{f.Ours.CampaignID, f.Ours.AdGroupID, f.Ours.AdID, f.Ours.AssetGroupID, f.FieldType}
				want[k] = addMetrics(want[k], f.Metrics)
			}
		}
		if len(rep.Places) != len(want) {
			t.Fatalf("%d places, want %d: %+v", len(rep.Places), len(want), rep.Places)
		}
		sawZero := false
		for _, p := range rep.Places {
			k := placeKey{deref(p.CampaignID), deref(p.AdGroupID), deref(p.AdID), deref(p.AssetGroupID), p.FieldType}
			m, ok := want[k]
			if !ok || !sameMetrics(p.Metrics, m) {
				t.Errorf("place %+v: %+v, want %+v (known %v)", k, p.Metrics, m, ok)
			}
			if p.Linked != linked[k] {
				t.Errorf("place %+v linked %v, want %v", k, p.Linked, linked[k])
			}
			if p.CampaignName == "" || (k.adGroup != 0 && p.AdGroupName == "") || (k.assetGroup != 0 && p.AssetGroupName == "") {
				t.Errorf("place %+v without names: %+v", k, p)
			}
			if k == emptied {
				sawZero = p.Impressions == 0 && p.Linked
			}
		}
		if !sawZero {
			t.Errorf("the linked place without numbers (%+v) is not listed with zeros", emptied)
		}
		if _, err := w.reports.AssetReport(ctx, 99999999, reporting.ReportQuery{Range: r}); !errs.Is(err, errs.NotFound) {
			t.Errorf("unknown asset: %v", err)
		}
	})
}

func campaignAndAssetTablesMatchTheFacts(t *testing.T, w *world) {
	ctx := context.Background()
	r := rng(t, "2026-03-01", "2026-04-18")
	rows, err := w.reports.Campaigns(ctx, reporting.CampaignsQuery{Range: r, Compare: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(w.trees) {
		t.Fatalf("%d campaign rows, want %d", len(rows), len(w.trees))
	}
	for i, row := range rows {
		of := func(f reporting.Fact) bool {
			return f.Level == reporting.LevelCampaign && f.Ours.CampaignID == row.CampaignID
		}
		if want := w.sum(r, of); !sameMetrics(row.Metrics, want) {
			t.Errorf("campaign %d: %+v, want %+v", row.CampaignID, row.Metrics, want)
		}
		if want := w.sum(r.Previous(), of); row.Previous == nil || !sameMetrics(row.Previous.Metrics, want) {
			t.Errorf("campaign %d previous: %+v, want %+v", row.CampaignID, row.Previous, want)
		}
		if i > 0 && rows[i-1].CostMicros < row.CostMicros {
			t.Error("campaign rows not by cost")
		}
	}
	// Filtered by language: exactly the campaigns targeting it.
	lang := w.trees[0].Campaign.Languages[0]
	rows, err = w.reports.Campaigns(ctx, reporting.CampaignsQuery{Range: r, Language: lang})
	if err != nil {
		t.Fatal(err)
	}
	var wantIDs, gotIDs []int64
	for _, tree := range w.trees {
		if slices.Contains(tree.Campaign.Languages, lang) {
			wantIDs = append(wantIDs, tree.Campaign.ID)
		}
	}
	for _, row := range rows {
		gotIDs = append(gotIDs, row.CampaignID)
		if row.Previous != nil {
			t.Error("previous without compare")
		}
	}
	slices.Sort(gotIDs)
	if fmt.Sprint(gotIDs) != fmt.Sprint(wantIDs) {
		t.Errorf("language %s: campaigns %v, want %v", lang, gotIDs, wantIDs)
	}

	// The asset table, filtered by campaign and field type, and by ids.
	camp := w.trees[1].Campaign.ID
	assetsOf := func(keep func(f reporting.Fact) bool) map[assetKey]reporting.Metrics {
		out := map[assetKey]reporting.Metrics{}
		for _, f := range w.facts {
			if f.Ours.AssetID != 0 && f.Day >= r.From && f.Day <= r.To && keep(f) {
				k := assetKey{f.Ours.AssetID, f.FieldType}
				out[k] = addMetrics(out[k], f.Metrics)
			}
		}
		return out
	}
	check := func(name string, q reporting.AssetsQuery, want map[assetKey]reporting.Metrics) {
		t.Helper()
		got, err := w.reports.Assets(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d rows, want %d", name, len(got), len(want))
		}
		for _, row := range got {
			if m, ok := want[assetKey{row.AssetID, row.FieldType}]; !ok || !sameMetrics(row.Metrics, m) {
				t.Errorf("%s: asset %d %s %+v, want %+v", name, row.AssetID, row.FieldType, row.Metrics, m)
			}
		}
	}
	check("campaign headlines", reporting.AssetsQuery{Range: r, CampaignID: camp, FieldType: "HEADLINE"},
		assetsOf(func(f reporting.Fact) bool { return f.Ours.CampaignID == camp && f.FieldType == "HEADLINE" }))
	ids := []int64{}
	for k := range assetsOf(func(reporting.Fact) bool { return true }) {
		if len(ids) < 4 {
			ids = append(ids, k.asset)
		}
	}
	check("by ids", reporting.AssetsQuery{Range: r, IDs: ids},
		assetsOf(func(f reporting.Fact) bool { return slices.Contains(ids, f.Ours.AssetID) }))
	check("all", reporting.AssetsQuery{Range: r}, assetsOf(func(reporting.Fact) bool { return true }))
}

func TestRangesAreChecked(t *testing.T) {
	cases := []struct{ from, to, field string }{
		{"2026-13-01", "2026-12-31", "query.from"},
		{"yesterday", "2026-12-31", "query.from"},
		{"2026-01-01", "2026-02-30", "query.to"},
		{"2026-03-01", "2026-02-28", "query.to"},
		{"2020-01-01", "2023-01-02", "query.to"},
	}
	for _, c := range cases {
		_, err := reporting.NewRange(c.from, c.to)
		if e := errs.As(err); e == nil || e.Code != errs.Invalid || e.Fields[0].Location != c.field {
			t.Errorf("%s … %s: %v, want invalid at %s", c.from, c.to, err, c.field)
		}
	}
	if r, err := reporting.NewRange("2020-01-01", "2023-01-01"); err != nil || r.Days() != 1097 {
		t.Errorf("three years: %+v %v", r, err)
	}
	r := rng(t, "2026-03-01", "2026-03-31")
	if p := r.Previous(); p.From.String() != "2026-01-29" || p.To.String() != "2026-02-28" {
		t.Errorf("previous of March: %s … %s", p.From, p.To)
	}
	if _, err := reporting.ParseInterval("year"); errs.As(err) == nil || errs.As(err).Fields[0].Location != "query.interval" {
		t.Errorf("interval year: %v", err)
	}
}
