package reporting_test

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/domain/reporting"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// TestAssetRollupsEqualTheFacts changes the asset facts every way an
// import does (overlapping re-downloads with late conversions, an old range
// imported after newer days, new days, ids learnt later, another customer's
// demo data) and checks after each that every rollup equals what the facts
// give when summed afresh, and that the asset report and the asset ranking
// answer what the facts say.
func TestAssetRollupsEqualTheFacts(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d, 13)
		checkRollups(t, d, "first import")
		checkAssetAnswers(t, w, "first import")

		// The asset facts as the imports should leave them, kept in Go.
		model := factModel{}
		model.apply(customer, false, w.facts)
		checkFacts(t, d, model, "first import")
		write := func(customer string, demo bool, facts []reporting.Fact) {
			t.Helper()
			model.apply(customer, demo, facts)
			defer checkFacts(t, d, model, "after a write")
			im, err := w.reports.NewImporter(customer, reporting.ImportOptions{Demo: demo})
			if err != nil {
				t.Fatal(err)
			}
			for lo := 0; lo < len(facts); lo += 700 {
				if _, err := im.Write(ctx, slices.Clone(facts[lo:min(lo+700, len(facts))])); err != nil {
					t.Fatal(err)
				}
			}
		}
		assetFacts := func(from, to int, change func(i int, f *reporting.Fact)) []reporting.Fact {
			var out []reporting.Fact
			for _, f := range w.facts {
				if (f.Level == reporting.LevelAdAsset || f.Level == reporting.LevelAssetGroupAsset) && f.Day >= w.first+reporting.Day(from) && f.Day <= w.first+reporting.Day(to) {
					change(len(out), &f)
					out = append(out, f)
				}
			}
			return out
		}

		// A re-download of days 40–75 with late conversions and a
		// corrected impression count, newest day first (not in day order).
		late := assetFacts(40, 75, func(i int, f *reporting.Fact) {
			f.Conversions += float64(i%3) / 4
			f.ConversionsValue += float64(i % 5)
			if i%7 == 0 {
				f.Impressions += 3
			}
		})
		slices.Reverse(late)
		write(customer, false, late)
		checkRollups(t, d, "re-download with late conversions")

		// An old range written after every newer day is there, with other
		// performance labels, partly (every other fact).
		var old []reporting.Fact
		for i, f := range assetFacts(3, 9, func(i int, f *reporting.Fact) {
			f.PerformanceLabel = []string{"LOW", "BEST", "PENDING"}[i%3]
			f.Clicks = 0
		}) {
			if i%2 == 0 {
				old = append(old, f)
			}
		}
		write(customer, false, old)
		checkRollups(t, d, "an old partial range")

		// New days after the last, some with places never seen, and a
		// Google place whose asset is known only from the second import on.
		next := assetFacts(140, 149, func(i int, f *reporting.Fact) {
			f.Day += 20
			if i%4 == 0 {
				f.AdID += 7_000_000
				f.AssetGroupID += 7_000_000
			}
		})
		write(customer, false, next)
		unknown := next[0]
		unknown.AdGroupID, unknown.AdID, unknown.AssetGroupID, unknown.Day = 9_100_001, 9_100_002, 9_100_003, w.first+30
		ours := unknown.Ours
		unknown.Ours = reporting.Ours{}
		write(customer, false, []reporting.Fact{unknown})
		unknown.Ours = ours
		write(customer, false, []reporting.Fact{unknown})
		checkRollups(t, d, "new days and ids learnt later")

		// Facts whose asset is another of ours now (the texts were merged
		// in the library): they leave their places for new ones, and their
		// days leave the old asset's day sums.
		var assetIDs []int64
		for _, f := range w.facts {
			if f.Ours.AssetID != 0 && !slices.Contains(assetIDs, f.Ours.AssetID) {
				assetIDs = append(assetIDs, f.Ours.AssetID)
			}
		}
		moved := assetFacts(20, 24, func(i int, f *reporting.Fact) {
			if i%3 == 0 {
				f.Ours.AssetID = assetIDs[(slices.Index(assetIDs, f.Ours.AssetID)+1)%len(assetIDs)]
			}
		})
		write(customer, false, moved)
		checkRollups(t, d, "facts moved to another asset")

		// Another customer's demo facts on the same assets and days: the
		// later days first, then the earlier ones, which land before stored
		// running sums of the same places.
		other := assetFacts(60, 100, func(i int, f *reporting.Fact) { f.Impressions += int64(i % 11) })
		var earlier, later []reporting.Fact
		for _, f := range other {
			if f.Day >= w.first+80 {
				later = append(later, f)
			} else {
				earlier = append(earlier, f)
			}
		}
		write("2222222222", true, later)
		checkRollups(t, d, "another customer's later days")
		write("2222222222", true, earlier)
		checkRollups(t, d, "another customer")
		checkAssetAnswers(t, w, "after every change")

		// A repeated download changes nothing.
		write(customer, false, late)
		checkRollups(t, d, "repeated download")
	})
}

// factModel is the asset facts an import should store, by customer, Google
// key and day: the last values written, with the ids of earlier writes a
// later fact did not know.
type factModel map[string]modelFact

type modelFact struct {
	f    reporting.Fact
	demo bool
}

func (m factModel) apply(customer string, demo bool, facts []reporting.Fact) {
	for _, f := range facts {
		if f.Level != reporting.LevelAdAsset && f.Level != reporting.LevelAssetGroupAsset {
			continue
		}
		if f.Level == reporting.LevelAssetGroupAsset {
			f.AdGroupID, f.AdID, f.Ours.AdGroupID, f.Ours.AdID = f.AssetGroupID, 0, 0, 0
		} else {
			f.Ours.AssetGroupID = 0
		}
		k := fmt.Sprintf("%s %d %d %d %d %s %d", customer, f.CampaignID, f.AdGroupID, f.AdID, f.AssetID, f.FieldType, int64(f.Day))
		if old, ok := m[k]; ok {
			keep := func(now *int64, stored int64) {
				if *now == 0 {
					*now = stored
				}
			}
			keep(&f.Ours.CampaignID, old.f.Ours.CampaignID)
			keep(&f.Ours.AdGroupID, old.f.Ours.AdGroupID)
			keep(&f.Ours.AdID, old.f.Ours.AdID)
			keep(&f.Ours.AssetGroupID, old.f.Ours.AssetGroupID)
			keep(&f.Ours.AssetID, old.f.Ours.AssetID)
		}
		m[k] = modelFact{f: f, demo: demo}
	}
}

// checkFacts compares every asset fact stored (report_asset_fact_rows:
// those waiting for their asset and those stored as their places' days)
// with the model: the same facts, values (conversions to the millionth),
// labels, demo flags and ids.
func checkFacts(t *testing.T, d *db.DB, m factModel, when string) {
	t.Helper()
	rows, err := d.Read().Query(context.Background(), `SELECT customer_id, google_campaign_id, google_group_id, google_ad_id, google_asset_id,
		field_type, day, COALESCE(campaign_id, 0), COALESCE(ad_group_id, 0), COALESCE(ad_id, 0), COALESCE(asset_group_id, 0), COALESCE(asset_id, 0),
		performance_label, impressions, clicks, cost_micros, conversions, conversions_value, demo FROM report_asset_fact_rows`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	labels := map[string]int64{"": 0, "UNKNOWN": 1, "PENDING": 2, "LEARNING": 3, "LOW": 4, "GOOD": 5, "BEST": 6}
	seen := 0
	for rows.Next() {
		var cust, gc, gg, gad, gasset, day, c, g, ad, ag, asset, label, imp, clk, cost, demo int64
		var field string
		var conv, val float64
		if err := rows.Scan(&cust, &gc, &gg, &gad, &gasset, &field, &day, &c, &g, &ad, &ag, &asset, &label, &imp, &clk, &cost, &conv, &val, &demo); err != nil {
			t.Fatal(err)
		}
		k := fmt.Sprintf("%010d %d %d %d %d %s %d", cust, gc, gg, gad, gasset, field, day)
		want, ok := m[k]
		if !ok {
			t.Fatalf("%s: fact %s stored, none written", when, k)
		}
		seen++
		f, o := want.f, want.f.Ours
		wantDemo := int64(0)
		if want.demo {
			wantDemo = 1
		}
		if c != o.CampaignID || g != o.AdGroupID || ad != o.AdID || ag != o.AssetGroupID || asset != o.AssetID || label != labels[f.PerformanceLabel] ||
			imp != f.Impressions || clk != f.Clicks || cost != f.CostMicros || math.Abs(conv-f.Conversions) > 5e-7 ||
			math.Abs(val-f.ConversionsValue) > 5e-7 || demo != wantDemo {
			t.Fatalf("%s: fact %s: ids %d/%d/%d/%d/%d label %d values %d %d %d %g %g demo %d; written %+v demo %v", when, k,
				c, g, ad, ag, asset, label, imp, clk, cost, conv, val, demo, f, want.demo)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if seen != len(m) {
		t.Fatalf("%s: %d asset facts stored, %d written", when, seen, len(m))
	}
}

// rollupRow is a place's key (its columns joined) and day with running
// sums, or an asset's day with sums.
type rollupRow struct {
	code, n, demo, imp, clk, cost, conv, val int64
}

// checkRollups compares the rollups with sums computed in Go from every
// asset fact stored.
func checkRollups(t *testing.T, d *db.DB, when string) {
	t.Helper()
	ctx := context.Background()
	rows, err := d.Read().Query(ctx, `SELECT customer_id, google_campaign_id, google_group_id, google_ad_id, google_asset_id, field_type,
		COALESCE(campaign_id, 0), COALESCE(ad_group_id, 0), COALESCE(ad_id, 0), COALESCE(asset_group_id, 0), asset_id,
		day, performance_label, demo, impressions, clicks, cost_micros, conversions, conversions_value
		FROM report_asset_fact_rows WHERE asset_id IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	type fact struct {
		place string
		asset int64
		cust  int64
		day   int64
		r     rollupRow
	}
	var facts []fact
	for rows.Next() {
		var f fact
		var gc, gg, gad, gasset, c, g, ad, ag, label int64
		var ft string
		var conv, val float64
		if err := rows.Scan(&f.cust, &gc, &gg, &gad, &gasset, &ft, &c, &g, &ad, &ag, &f.asset, &f.day, &label, &f.r.demo,
			&f.r.imp, &f.r.clk, &f.r.cost, &conv, &val); err != nil {
			t.Fatal(err)
		}
		f.place = fmt.Sprint(f.cust, gc, gg, gad, gasset, ft, c, g, ad, ag, f.asset)
		f.r.code, f.r.n = f.day*8+label, 1
		f.r.conv, f.r.val = int64(math.Round(conv*1e6)), int64(math.Round(val*1e6))
		facts = append(facts, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(facts, func(a, b fact) int {
		if a.place != b.place {
			if a.place < b.place {
				return -1
			}
			return 1
		}
		return int(a.day - b.day)
	})
	wantRunning := map[string]rollupRow{}
	wantDays := map[string]rollupRow{}
	var run rollupRow
	for i, f := range facts {
		if i == 0 || f.place != facts[i-1].place || f.day/reporting.RollupBlock != facts[i-1].day/reporting.RollupBlock {
			run = rollupRow{}
		}
		run = rollupRow{code: f.r.code, n: run.n + 1, demo: run.demo + f.r.demo, imp: run.imp + f.r.imp, clk: run.clk + f.r.clk,
			cost: run.cost + f.r.cost, conv: run.conv + f.r.conv, val: run.val + f.r.val}
		wantRunning[fmt.Sprint(f.place, " ", f.day)] = run
		k := fmt.Sprint(f.asset, " ", f.day, " ", f.cust)
		a := wantDays[k]
		a.imp, a.clk, a.cost, a.conv, a.val = a.imp+f.r.imp, a.clk+f.r.clk, a.cost+f.r.cost, a.conv+f.r.conv, a.val+f.r.val
		wantDays[k] = a
	}
	if len(facts) == 0 {
		t.Fatalf("%s: no asset facts", when)
	}

	read := func(q string, key func(cols []any) string, dest func(r *rollupRow) []any, keyCols int) map[string]rollupRow {
		rows, err := d.Read().Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]rollupRow{}
		for rows.Next() {
			cols := make([]any, keyCols)
			for i := range cols {
				cols[i] = new(any)
			}
			var r rollupRow
			if err := rows.Scan(append(cols, dest(&r)...)...); err != nil {
				t.Fatal(err)
			}
			k := key(cols)
			if _, dup := out[k]; dup {
				t.Fatalf("%s: rollup row %s twice", when, k)
			}
			out[k] = r
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	text := func(cols []any) []any {
		out := make([]any, len(cols))
		for i, c := range cols {
			v := *(c.(*any))
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			out[i] = v
		}
		return out
	}
	gotRunning := read(`SELECT p.customer_id, p.google_campaign_id, p.google_group_id, p.google_ad_id, p.google_asset_id, p.field_type,
		p.campaign_id, p.ad_group_id, p.ad_id, p.asset_group_id, p.asset_id, d.day,
		d.code, d.n, d.demo, d.impressions, d.clicks, d.cost_micros, d.conversions_micro, d.value_micro
		FROM report_asset_place_days d JOIN report_asset_places p ON p.id = d.place_id`,
		func(cols []any) string { c := text(cols); return fmt.Sprint(c[:11]...) + " " + fmt.Sprint(c[11]) },
		func(r *rollupRow) []any {
			return []any{&r.code, &r.n, &r.demo, &r.imp, &r.clk, &r.cost, &r.conv, &r.val}
		}, 12)
	gotDays := read(`SELECT asset_id, day, customer_id, impressions, clicks, cost_micros, conversions_micro, value_micro FROM report_asset_days`,
		func(cols []any) string { c := text(cols); return fmt.Sprint(c[0], " ", c[1], " ", c[2]) },
		func(r *rollupRow) []any { return []any{&r.imp, &r.clk, &r.cost, &r.conv, &r.val} }, 3)
	for what, pair := range map[string][2]map[string]rollupRow{"running sums": {gotRunning, wantRunning}, "asset days": {gotDays, wantDays}} {
		got, want := pair[0], pair[1]
		for _, k := range slices.Sorted(maps.Keys(want)) {
			if got[k] != want[k] {
				t.Fatalf("%s: %s of %s: %+v, the facts give %+v", when, what, k, got[k], want[k])
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				t.Fatalf("%s: %s of %s: %+v, but no fact there", when, what, k, got[k])
			}
		}
	}
}

// checkAssetAnswers compares the asset reports of a few assets and the
// asset ranking of every campaign, over ranges that start and end inside,
// at and across the blocks of the running sums, with sums over the stored
// facts in SQL.
func checkAssetAnswers(t *testing.T, w *world, when string) {
	t.Helper()
	ctx := context.Background()
	// The first day of a block of running sums after the first day.
	block := int((w.first/reporting.RollupBlock+1)*reporting.RollupBlock - w.first)
	if block >= 120 {
		t.Fatalf("block starts on day %d of the facts", block)
	}
	ranges := [][2]int{{0, 149}, {10, 99}, {31, 31}, {-5, 40}, {63, 64}, {100, 180},
		{block, block}, {block, block + 31}, {block - 1, block + 32}, {block + 1, block + 95}}
	var assetIDs []int64
	if err := func() error {
		rows, err := w.d.Read().Query(ctx, `SELECT DISTINCT asset_id FROM report_asset_fact_rows WHERE asset_id IS NOT NULL ORDER BY asset_id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			assetIDs = append(assetIDs, id)
		}
		return rows.Err()
	}(); err != nil {
		t.Fatal(err)
	}
	if len(assetIDs) < 4 {
		t.Fatalf("%d assets with facts", len(assetIDs))
	}
	type sums struct {
		m     reporting.Metrics
		label int64
	}
	query := func(q string, args ...any) map[string]sums {
		rows, err := w.d.Read().Query(ctx, q, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]sums{}
		for rows.Next() {
			var key string
			var s sums
			if err := rows.Scan(&key, &s.m.Impressions, &s.m.Clicks, &s.m.CostMicros, &s.m.Conversions, &s.m.ConversionsValue, &s.label); err != nil {
				t.Fatal(err)
			}
			out[key] = s
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	const sumsLabel = `SUM(f.impressions), SUM(f.clicks), SUM(f.cost_micros), SUM(f.conversions), SUM(f.conversions_value),
		MAX(f.day * 8 + f.performance_label) % 8`
	labels := map[string]int64{"": 0, "UNKNOWN": 1, "PENDING": 2, "LEARNING": 3, "LOW": 4, "GOOD": 5, "BEST": 6}
	same := func(what string, got reporting.Measures, gotLabel string, want sums) {
		t.Helper()
		if !sameMetrics(got.Metrics, want.m) || labels[gotLabel] != want.label {
			t.Fatalf("%s: %s: %+v %q, the facts give %+v label %d", when, what, got.Metrics, gotLabel, want.m, want.label)
		}
	}
	for _, rg := range ranges {
		r, err := reporting.RangeOf(w.first+reporting.Day(rg[0]), w.first+reporting.Day(rg[1]))
		if err != nil {
			t.Fatal(err)
		}
		for _, asset := range []int64{assetIDs[0], assetIDs[len(assetIDs)/2], assetIDs[len(assetIDs)-1]} {
			rep, err := w.reports.AssetReport(ctx, asset, reporting.ReportQuery{Range: r, Interval: reporting.Daily})
			if err != nil {
				t.Fatal(err)
			}
			want := query(`SELECT CAST(COALESCE(f.campaign_id, 0) AS TEXT) || ' ' || CAST(COALESCE(f.ad_group_id, 0) AS TEXT) || ' ' || CAST(COALESCE(f.ad_id, 0) AS TEXT)
				|| ' ' || CAST(COALESCE(f.asset_group_id, 0) AS TEXT) || ' ' || f.field_type, `+sumsLabel+`
				FROM report_asset_fact_rows f WHERE f.asset_id = ? AND f.day BETWEEN ? AND ?
				GROUP BY COALESCE(f.campaign_id, 0), COALESCE(f.ad_group_id, 0), COALESCE(f.ad_id, 0), COALESCE(f.asset_group_id, 0), f.field_type`,
				asset, int(r.From), int(r.To))
			withFacts := 0
			var total reporting.Metrics
			for _, p := range rep.Places {
				id := func(p *int64) int64 {
					if p == nil {
						return 0
					}
					return *p
				}
				k := fmt.Sprint(id(p.CampaignID), " ", id(p.AdGroupID), " ", id(p.AdID), " ", id(p.AssetGroupID), " ", p.FieldType)
				wp, ok := want[k]
				if ok {
					withFacts++
					total.Impressions += wp.m.Impressions
					total.Clicks += wp.m.Clicks
					total.CostMicros += wp.m.CostMicros
					total.Conversions += wp.m.Conversions
					total.ConversionsValue += wp.m.ConversionsValue
				}
				same(fmt.Sprintf("asset %d %s place %s", asset, r.From, k), p.Measures, p.PerformanceLabel, wp)
			}
			if withFacts != len(want) {
				t.Fatalf("%s: asset %d %s: %d places with facts, the facts have %d", when, asset, r.From, withFacts, len(want))
			}
			same(fmt.Sprintf("asset %d %s totals", asset, r.From), rep.Totals, "", sums{m: total})
			days := query(`SELECT CAST(f.day AS TEXT), `+sumsLabel+` FROM report_asset_fact_rows f WHERE f.asset_id = ? AND f.day BETWEEN ? AND ? GROUP BY f.day`,
				asset, int(r.From), int(r.To))
			for _, p := range rep.Series {
				s := days[fmt.Sprint(int(p.Date))]
				s.label = 0
				same(fmt.Sprintf("asset %d day %s", asset, p.Date), p.Measures, "", s)
			}
		}
		for _, tree := range w.trees {
			got, err := w.reports.CampaignAssets(ctx, tree.Campaign.ID, reporting.AssetRankQuery{Range: r, Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			want := query(`SELECT CAST(f.asset_id AS TEXT) || ' ' || f.field_type, `+sumsLabel+`
				FROM report_campaigns rc JOIN report_asset_fact_rows f ON f.customer_id = rc.customer_id AND f.google_campaign_id = rc.google_campaign_id
				WHERE rc.campaign_id = ? AND f.day BETWEEN ? AND ? AND f.asset_id IS NOT NULL
				GROUP BY f.asset_id, f.field_type HAVING SUM(f.impressions) > 0`, tree.Campaign.ID, int(r.From), int(r.To))
			if len(got) != len(want) {
				t.Fatalf("%s: campaign %d %s: %d ranked, the facts have %d", when, tree.Campaign.ID, r.From, len(got), len(want))
			}
			for _, row := range got {
				k := fmt.Sprint(row.AssetID, " ", row.FieldType)
				same(fmt.Sprintf("campaign %d %s asset %s", tree.Campaign.ID, r.From, k), row.Measures, row.PerformanceLabel, want[k])
			}
		}
	}
}

// An importer keeps what it learnt of the rollups from one batch for the
// next; when another import wrote facts of the same places in between, it
// must see them: the running sums of its next days include the other's.
func TestImporterSeesAnotherImportBetweenItsBatches(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d, 17)
		const account = "3333333333"
		days := func(from, to int) []reporting.Fact {
			var out []reporting.Fact
			for _, f := range w.facts {
				if (f.Level == reporting.LevelAdAsset || f.Level == reporting.LevelAssetGroupAsset) && f.Day >= w.first+reporting.Day(from) && f.Day <= w.first+reporting.Day(to) {
					out = append(out, f)
				}
			}
			if len(out) == 0 {
				t.Fatalf("no asset facts on days %d–%d", from, to)
			}
			return out
		}
		newImporter := func() *reporting.Importer {
			im, err := w.reports.NewImporter(account, reporting.ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			return im
		}
		write := func(im *reporting.Importer, facts []reporting.Fact) {
			t.Helper()
			if _, err := im.Write(ctx, facts); err != nil {
				t.Fatal(err)
			}
		}
		// Days 0–39 lie in one block of running sums (it starts on day 68).
		a, b := newImporter(), newImporter()
		write(a, days(0, 9))
		write(b, days(10, 19))
		// A batch without asset facts in between: it moves the epoch too.
		var campaignFacts []reporting.Fact
		for _, f := range w.facts {
			if f.Level == reporting.LevelCampaign && f.Day >= w.first+50 && f.Day <= w.first+55 {
				campaignFacts = append(campaignFacts, f)
			}
		}
		write(a, campaignFacts)
		write(a, days(20, 29))
		checkRollups(t, d, "the first importer after the second")
		write(b, days(30, 39))
		checkRollups(t, d, "the second importer after the first")
	})
}

// TestPreparedBatchesCommitBesideTheNext imports a download as the
// downloader does — each batch prepared while the one before commits — and
// wants what a batch-by-batch import stores: the facts, and rollups equal
// to them. A bad fact stops the import at its batch; the batches before it
// stay.
func TestPreparedBatchesCommitBesideTheNext(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d, 19)
		const account = "4444444444"
		var batches [][]reporting.Fact
		var want sums
		for lo := 0; lo < len(w.facts); lo += 300 {
			batches = append(batches, slices.Clone(w.facts[lo:min(lo+300, len(w.facts))]))
		}
		for _, f := range w.facts {
			want.Rows++
			want.Impressions += f.Impressions
			want.Clicks += f.Clicks
		}
		customerSums := func() sums {
			t.Helper()
			var got sums
			for _, table := range []string{"report_facts", "report_asset_fact_rows"} {
				var s sums
				if err := d.Read().QueryRow(ctx, `SELECT count(*), COALESCE(SUM(impressions), 0), COALESCE(SUM(clicks), 0) FROM `+table+` WHERE customer_id = 4444444444`).
					Scan(&s.Rows, &s.Impressions, &s.Clicks); err != nil {
					t.Fatal(err)
				}
				got.Rows, got.Impressions, got.Clicks = got.Rows+s.Rows, got.Impressions+s.Impressions, got.Clicks+s.Clicks
			}
			return got
		}
		im, err := w.reports.NewImporter(account, reporting.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		written, err := importPipelined(ctx, im, batches)
		if err != nil {
			t.Fatal(err)
		}
		if got := customerSums(); got != want || written != int(want.Rows) {
			t.Errorf("stored %+v (%d written), want %+v", got, written, want)
		}
		checkRollups(t, d, "a pipelined import")
		if written, err = importPipelined(ctx, im, batches); err != nil || written != 0 {
			t.Errorf("the same download again: %d written, %v", written, err)
		}

		// A fact no batch can store, in the fourth batch of another
		// account's download: the three before it are written.
		other, err := w.reports.NewImporter("5555555555", reporting.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		bad := slices.Clone(batches[:6])
		bad[3] = slices.Clone(bad[3])
		bad[3][5].Clicks = -1
		if _, err := importPipelined(ctx, other, bad); err == nil || !strings.Contains(err.Error(), "facts[5].clicks") {
			t.Fatalf("a batch with negative clicks: %v", err)
		}
		var n int
		if err := d.Read().QueryRow(ctx, `SELECT (SELECT count(*) FROM report_facts WHERE customer_id = 5555555555)
			+ (SELECT count(*) FROM report_asset_fact_rows WHERE customer_id = 5555555555)`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 900 {
			t.Errorf("%d rows stored before the bad batch, want 900", n)
		}
		checkRollups(t, d, "after a refused batch")
	})
}
