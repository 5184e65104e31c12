package reporting_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/imaphub/imaphub/internal/domain/reporting"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

const customer = "1234567890"

// someFacts are n days of every level for one Google campaign, with metrics
// that differ per row.
func someFacts(t testing.TB, from string, n int) []reporting.Fact {
	start := day(t, from)
	var out []reporting.Fact
	for i := range n {
		d := start + reporting.Day(i)
		m := func(k int) reporting.Metrics {
			imp := int64(1000 + 37*i + 11*k)
			return reporting.Metrics{Impressions: imp, Clicks: imp / 20, CostMicros: imp * 9_000, Conversions: float64(imp%7) / 2, ConversionsValue: float64(imp%13) * 10.25}
		}
		out = append(out,
			reporting.Fact{Level: reporting.LevelCampaign, Day: d, CampaignID: 9001, Metrics: m(0)},
			reporting.Fact{Level: reporting.LevelAdGroup, Day: d, CampaignID: 9001, AdGroupID: 9101, Metrics: m(1)},
			reporting.Fact{Level: reporting.LevelAd, Day: d, CampaignID: 9001, AdGroupID: 9101, AdID: 9201, Metrics: m(2)},
			reporting.Fact{Level: reporting.LevelKeyword, Day: d, CampaignID: 9001, AdGroupID: 9101, CriterionID: 9301, Metrics: m(3)},
			reporting.Fact{Level: reporting.LevelAdAsset, Day: d, CampaignID: 9001, AdGroupID: 9101, AdID: 9201, AssetID: 9401, FieldType: "HEADLINE",
				AssetText: "Winterreifen online kaufen", PerformanceLabel: "GOOD", Metrics: m(4)},
			reporting.Fact{Level: reporting.LevelAssetGroup, Day: d, CampaignID: 9002, AssetGroupID: 9501, Metrics: m(5)},
			reporting.Fact{Level: reporting.LevelAssetGroupAsset, Day: d, CampaignID: 9002, AssetGroupID: 9501, AssetID: 9402, FieldType: "LONG_HEADLINE",
				PerformanceLabel: "BEST", Metrics: m(6)},
		)
	}
	return out
}

func TestImportTwiceChangesNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := reporting.NewService(d)
		im, err := s.NewImporter(customer, reporting.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		facts := someFacts(t, "2026-01-25", 10)
		res, err := im.Write(ctx, facts)
		if err != nil {
			t.Fatal(err)
		}
		if res.Rows != 70 || res.Written != 70 {
			t.Fatalf("first write: %+v, want 70 rows written", res)
		}
		entities, assetRows := tableSums(t, d, "report_facts"), tableSums(t, d, "report_asset_fact_rows")
		var want [2]sums
		for _, f := range facts {
			w := &want[0]
			if f.Level == reporting.LevelAdAsset || f.Level == reporting.LevelAssetGroupAsset {
				w = &want[1]
			}
			w.Rows++
			w.Impressions += f.Impressions
			w.Clicks += f.Clicks
			w.CostMicros += f.CostMicros
			w.Conversions += f.Conversions
			w.ConversionsValue += f.ConversionsValue
		}
		if !sameSums(entities, want[0]) || !sameSums(assetRows, want[1]) {
			t.Fatalf("stored %+v and %+v, want %+v and %+v", entities, assetRows, want[0], want[1])
		}

		// The same range again (a fresh importer, as a second download job):
		// nothing is written, the totals stay.
		im2, _ := s.NewImporter("123-456-7890", reporting.ImportOptions{})
		res, err = im2.Write(ctx, someFacts(t, "2026-01-25", 10))
		if err != nil {
			t.Fatal(err)
		}
		if res.Written != 0 {
			t.Errorf("second write of the same rows wrote %d rows", res.Written)
		}
		if got := tableSums(t, d, "report_facts"); got != entities {
			t.Errorf("after the second write: %+v, want %+v", got, entities)
		}

		// Late conversions on the last three days (a lookback): those rows
		// change, nothing else.
		late := someFacts(t, "2026-01-25", 10)
		changed := 0
		for i := range late {
			if late[i].Day >= day(t, "2026-02-01") {
				late[i].Conversions += 1.5
				changed++
			}
		}
		res, err = im2.Write(ctx, late[len(late)-changed:])
		if err != nil {
			t.Fatal(err)
		}
		if res.Written != changed {
			t.Errorf("lookback wrote %d rows, want %d", res.Written, changed)
		}
		got := tableSums(t, d, "report_facts").Conversions + tableSums(t, d, "report_asset_fact_rows").Conversions
		if w := want[0].Conversions + want[1].Conversions + 1.5*float64(changed); math.Abs(got-w) > 1e-6 {
			t.Errorf("conversions after the lookback: %v, want %v", got, w)
		}
	})
}

func sameSums(a, b sums) bool {
	return a.Rows == b.Rows && a.Impressions == b.Impressions && a.Clicks == b.Clicks && a.CostMicros == b.CostMicros &&
		math.Abs(a.Conversions-b.Conversions) < 1e-6 && math.Abs(a.ConversionsValue-b.ConversionsValue) < 1e-6
}

func TestImportKeepsTheLastOfARepeatedRow(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		im, _ := reporting.NewService(d).NewImporter(customer, reporting.ImportOptions{})
		f := reporting.Fact{Level: reporting.LevelCampaign, Day: day(t, "2026-03-01"), CampaignID: 7, Metrics: reporting.Metrics{Impressions: 10}}
		g := f
		g.Impressions = 25
		res, err := im.Write(context.Background(), []reporting.Fact{f, g})
		if err != nil {
			t.Fatal(err)
		}
		if s := tableSums(t, d, "report_facts"); res.Rows != 1 || s.Rows != 1 || s.Impressions != 25 {
			t.Errorf("result %+v, stored %+v: want one row of 25 impressions", res, s)
		}
	})
}

// Many keys of every level, each three times with different metrics, the
// repeats spread over the batch in different orders: the last of each key
// is stored, however the importer orders rows for writing.
func TestImportKeepsTheLastOfRepeatedRowsInABigBatch(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		im, _ := reporting.NewService(d).NewImporter(customer, reporting.ImportOptions{})
		version := func(k int64) []reporting.Fact {
			facts := someFacts(t, "2026-02-01", 30)
			for i := range facts {
				facts[i].Impressions += k * 100_000
			}
			return facts
		}
		first, second, last := version(1), version(2), version(3)
		var batch []reporting.Fact
		for i := len(first) - 1; i >= 0; i-- {
			batch = append(batch, first[i])
		}
		for i := range second {
			batch = append(batch, second[(i*7)%len(second)]) // 7 and 210 are coprime: every row once
		}
		batch = append(batch, last...)
		var want [2]int64
		for _, f := range last {
			if f.Level == reporting.LevelAdAsset || f.Level == reporting.LevelAssetGroupAsset {
				want[1] += f.Impressions
			} else {
				want[0] += f.Impressions
			}
		}
		res, err := im.Write(context.Background(), batch)
		if err != nil {
			t.Fatal(err)
		}
		if res.Rows != len(last) || res.Written != len(last) {
			t.Errorf("result %+v, want %d rows written", res, len(last))
		}
		e, a := tableSums(t, d, "report_facts"), tableSums(t, d, "report_asset_fact_rows")
		if e.Rows+a.Rows != int64(len(last)) || e.Impressions != want[0] || a.Impressions != want[1] {
			t.Errorf("stored %+v and %+v, want %d rows with %d and %d impressions", e, a, len(last), want[0], want[1])
		}
	})
}

func TestImportRefusesFactsItCannotStore(t *testing.T) {
	good := reporting.Fact{Level: reporting.LevelAdAsset, Day: 20500, CampaignID: 1, AdGroupID: 2, AdID: 3, AssetID: 4, FieldType: "HEADLINE"}
	cases := []struct {
		name  string
		edit  func(f *reporting.Fact)
		field string
	}{
		{"unknown level", func(f *reporting.Fact) { f.Level = "video" }, "facts[1].level"},
		{"no campaign", func(f *reporting.Fact) { f.CampaignID = 0 }, "facts[1].campaign_id"},
		{"no ad group", func(f *reporting.Fact) { f.AdGroupID = 0 }, "facts[1].ad_group_id"},
		{"no ad", func(f *reporting.Fact) { f.AdID = -3 }, "facts[1].ad_id"},
		{"no asset", func(f *reporting.Fact) { f.AssetID = 0 }, "facts[1].asset_id"},
		{"no field type", func(f *reporting.Fact) { f.FieldType = "" }, "facts[1].field_type"},
		{"odd field type", func(f *reporting.Fact) { f.FieldType = "head line" }, "facts[1].field_type"},
		{"no day", func(f *reporting.Fact) { f.Day = 0 }, "facts[1].day"},
		{"negative clicks", func(f *reporting.Fact) { f.Clicks = -1 }, "facts[1].clicks"},
		{"negative cost", func(f *reporting.Fact) { f.CostMicros = -5 }, "facts[1].cost_micros"},
		{"NaN conversions", func(f *reporting.Fact) { f.Conversions = math.NaN() }, "facts[1].conversions"},
		{"infinite value", func(f *reporting.Fact) { f.ConversionsValue = math.Inf(1) }, "facts[1].conversions_value"},
		{"keyword without criterion", func(f *reporting.Fact) { f.Level = reporting.LevelKeyword }, "facts[1].criterion_id"},
		{"asset group without its id", func(f *reporting.Fact) { f.Level = reporting.LevelAssetGroup }, "facts[1].asset_group_id"},
	}
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		s := reporting.NewService(d)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				im, _ := s.NewImporter(customer, reporting.ImportOptions{})
				bad := good
				c.edit(&bad)
				_, err := im.Write(context.Background(), []reporting.Fact{good, bad})
				e := errs.As(err)
				if e == nil || e.Code != errs.Invalid || len(e.Fields) != 1 || e.Fields[0].Location != c.field {
					t.Fatalf("got %v, want an invalid error at %s", err, c.field)
				}
				if n := tableSums(t, d, "report_asset_fact_rows").Rows; n != 0 {
					t.Errorf("a refused batch stored %d rows", n)
				}
			})
		}
		for _, c := range []string{"", "123", "12345678901", "abcdefghij", "0000000000"} {
			if _, err := s.NewImporter(c, reporting.ImportOptions{}); !errs.Is(err, errs.Invalid) {
				t.Errorf("customer %q: %v, want invalid", c, err)
			}
		}
	})
}

func TestImportFindsOurEntities(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		tree := fx.trees[0]
		g := tree.AdGroups[0]
		ad, kw := g.Ads[0], g.Keywords[0]
		headline := ad.Headlines[1]
		publishNames(t, d, tree.Campaign.ID, customer, map[string]string{
			"campaign":                       "customers/" + customer + "/campaigns/9001",
			"budget":                         "customers/" + customer + "/campaignBudgets/8001",
			fmt.Sprintf("ad_group:%d", g.ID): "customers/" + customer + "/adGroups/9101",
			fmt.Sprintf("ad:%d", ad.ID):      "customers/" + customer + "/adGroupAds/9101~9201",
			fmt.Sprintf("keyword:%d", kw.ID): "customers/" + customer + "/adGroupCriteria/9101~9301",
		})
		im, _ := fx.reports.NewImporter(customer, reporting.ImportOptions{})
		d1 := day(t, "2026-02-01")
		facts := []reporting.Fact{
			{Level: reporting.LevelCampaign, Day: d1, CampaignID: 9001},
			{Level: reporting.LevelAdGroup, Day: d1, CampaignID: 9001, AdGroupID: 9101},
			{Level: reporting.LevelAd, Day: d1, CampaignID: 9001, AdGroupID: 9101, AdID: 9201},
			{Level: reporting.LevelKeyword, Day: d1, CampaignID: 9001, AdGroupID: 9101, CriterionID: 9301},
			// Google's text asset of our headline, its text spaced differently.
			{Level: reporting.LevelAdAsset, Day: d1, CampaignID: 9001, AdGroupID: 9101, AdID: 9201, AssetID: 7777, FieldType: "HEADLINE", AssetText: " " + headline.Text + "  "},
			// The same asset on another day without its text: known by now.
			{Level: reporting.LevelAdAsset, Day: d1 + 1, CampaignID: 9001, AdGroupID: 9101, AdID: 9201, AssetID: 7777, FieldType: "HEADLINE"},
			// A text we do not have, and a campaign we did not publish.
			{Level: reporting.LevelAdAsset, Day: d1, CampaignID: 9001, AdGroupID: 9101, AdID: 9201, AssetID: 7778, FieldType: "HEADLINE", AssetText: "Not one of ours"},
			{Level: reporting.LevelCampaign, Day: d1, CampaignID: 555},
		}
		if _, err := im.Write(ctx, facts); err != nil {
			t.Fatal(err)
		}
		type ids struct{ Campaign, AdGroup, Entity *int64 }
		read := func(level string, gid int64) ids {
			var v ids
			if err := d.Read().QueryRow(ctx, `SELECT campaign_id, ad_group_id, entity_id FROM report_facts WHERE level = ? AND google_id = ?`, level, gid).
				Scan(&v.Campaign, &v.AdGroup, &v.Entity); err != nil {
				t.Fatalf("%s %d: %v", level, gid, err)
			}
			return v
		}
		eq := func(what string, got *int64, want int64) {
			t.Helper()
			if (want == 0) != (got == nil) || (got != nil && *got != want) {
				g := "NULL"
				if got != nil {
					g = fmt.Sprint(*got)
				}
				t.Errorf("%s: %s, want %d (0: NULL)", what, g, want)
			}
		}
		c := read("campaign", 9001)
		eq("campaign's campaign", c.Campaign, tree.Campaign.ID)
		eq("campaign's entity", c.Entity, tree.Campaign.ID)
		a := read("ad_group", 9101)
		eq("ad group's campaign", a.Campaign, tree.Campaign.ID)
		eq("ad group's entity", a.Entity, g.ID)
		x := read("ad", 9201)
		eq("ad's ad group", x.AdGroup, g.ID)
		eq("ad's entity", x.Entity, ad.ID)
		k := read("keyword", 9301)
		eq("keyword's entity", k.Entity, kw.ID)
		u := read("campaign", 555)
		eq("unpublished campaign", u.Campaign, 0)

		rows, err := d.Read().Query(ctx, `SELECT google_asset_id, day, asset_id, ad_id, ad_group_id, campaign_id, performance_label FROM report_asset_fact_rows ORDER BY google_asset_id, day`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var gid, dd int64
			var asset, adID, group, camp *int64
			var label int
			if err := rows.Scan(&gid, &dd, &asset, &adID, &group, &camp, &label); err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprintf("%d:%s", gid, fmtIDs(asset, adID, group, camp)))
		}
		want := []string{
			fmt.Sprintf("7777:%d/%d/%d/%d", headline.AssetID, ad.ID, g.ID, tree.Campaign.ID),
			fmt.Sprintf("7777:%d/%d/%d/%d", headline.AssetID, ad.ID, g.ID, tree.Campaign.ID),
			fmt.Sprintf("7778:-/%d/%d/%d", ad.ID, g.ID, tree.Campaign.ID),
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("asset facts (google asset: asset/ad/ad group/campaign):\n got %v\nwant %v", got, want)
		}
	})
}

func fmtIDs(ids ...*int64) string {
	s := ""
	for i, id := range ids {
		if i > 0 {
			s += "/"
		}
		if id == nil {
			s += "-"
		} else {
			s += fmt.Sprint(*id)
		}
	}
	return s
}

// An import tunes SQLite's writer connection for its batch (statement
// journal in memory, rarer checkpoints, a bigger page cache) and leaves it
// as it found it for every other write.
func TestImportPutsTheWriterSettingsBack(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	ctx := context.Background()
	settings := func() string {
		var out []int64
		for _, p := range []string{"temp_store", "wal_autocheckpoint", "cache_size"} {
			var v int64
			if err := d.WriteDB().QueryRowContext(ctx, "PRAGMA "+p).Scan(&v); err != nil {
				t.Fatal(err)
			}
			out = append(out, v)
		}
		return fmt.Sprint(out)
	}
	before := settings()
	im, _ := reporting.NewService(d).NewImporter(customer, reporting.ImportOptions{})
	if _, err := im.Write(ctx, someFacts(t, "2026-01-01", 30)); err != nil {
		t.Fatal(err)
	}
	if after := settings(); after != before {
		t.Errorf("writer settings (temp_store, wal_autocheckpoint, cache_size) after an import: %s, before: %s", after, before)
	}
}

// One batch of rows already stored unchanged, stored without our ids,
// changed (metrics, label, ids) and new, the new ones both after and
// between stored keys: only new and changed rows are written, our ids are
// kept where the new row does not know them, and the batch again writes
// nothing.
func TestImportMixesNewChangedAndUnchangedRows(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		im, err := reporting.NewService(d).NewImporter(customer, reporting.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ours := reporting.Ours{CampaignID: 501, AdGroupID: 502, AdID: 503, KeywordID: 504, AssetGroupID: 505, AssetID: 506}
		other := reporting.Ours{CampaignID: 1501, AdGroupID: 1502, AdID: 1503, KeywordID: 1504, AssetGroupID: 1505, AssetID: 1506}
		first := someFacts(t, "2026-03-01", 6)
		for i := range first {
			first[i].Ours = ours
		}
		if res, err := im.Write(ctx, first); err != nil || res.Written != len(first) {
			t.Fatalf("first write: %+v, %v; want %d rows written", res, err, len(first))
		}

		start := day(t, "2026-03-01")
		batch := someFacts(t, "2026-03-01", 8)
		changed := 0
		for i := range batch {
			f := &batch[i]
			switch f.Day - start {
			case 0: // the same
				f.Ours = ours
			case 1: // the same, our ids unknown
			case 2: // late conversions, our ids unknown
				f.Conversions += 1.5
				changed++
			case 3: // other ids of ours
				f.Ours = other
				changed++
			case 4: // a new label on asset rows
				f.Ours = ours
				if f.Level == reporting.LevelAdAsset || f.Level == reporting.LevelAssetGroupAsset {
					f.PerformanceLabel = "LOW"
					changed++
				}
			case 5: // more impressions
				f.Ours = ours
				f.Impressions++
				changed++
			default: // new days
				changed++
			}
		}
		for k := range 6 { // a new keyword between stored keys
			batch = append(batch, reporting.Fact{Level: reporting.LevelKeyword, Day: start + reporting.Day(k), CampaignID: 9001, AdGroupID: 9101, CriterionID: 9300,
				Metrics: reporting.Metrics{Impressions: 5}})
			changed++
		}
		res, err := im.Write(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		if res.Rows != len(batch) || res.Written != changed {
			t.Errorf("second write: %+v, want %d rows, %d written", res, len(batch), changed)
		}

		type stored struct {
			entity, campaign   *int64
			impressions, label int64
			conversions        float64
		}
		keyword := func(k int, gid int64) stored {
			var s stored
			if err := d.Read().QueryRow(ctx, `SELECT entity_id, campaign_id, impressions, conversions FROM report_facts
				WHERE level = 'keyword' AND day = ? AND google_id = ?`, int64(start)+int64(k), gid).Scan(&s.entity, &s.campaign, &s.impressions, &s.conversions); err != nil {
				t.Fatalf("keyword %d on day %d: %v", gid, k, err)
			}
			return s
		}
		asset := func(k int) stored {
			var s stored
			if err := d.Read().QueryRow(ctx, `SELECT asset_id, campaign_id, impressions, conversions, performance_label FROM report_asset_fact_rows
				WHERE day = ? AND google_asset_id = 9401`, int64(start)+int64(k)).Scan(&s.entity, &s.campaign, &s.impressions, &s.conversions, &s.label); err != nil {
				t.Fatalf("asset on day %d: %v", k, err)
			}
			return s
		}
		id := func(p *int64) int64 {
			if p == nil {
				return 0
			}
			return *p
		}
		want := func(k int) reporting.Fact {
			for _, f := range batch {
				if f.Level == reporting.LevelKeyword && f.CriterionID == 9301 && f.Day == start+reporting.Day(k) {
					return f
				}
			}
			t.Fatalf("no keyword on day %d", k)
			return reporting.Fact{}
		}
		for k, w := range []struct{ keyword, campaign, asset int64 }{
			{504, 501, 506}, {504, 501, 506}, {504, 501, 506}, {1504, 1501, 1506}, {504, 501, 506}, {504, 501, 506}, {0, 0, 0}, {0, 0, 0},
		} {
			kw, as := keyword(k, 9301), asset(k)
			if id(kw.entity) != w.keyword || id(kw.campaign) != w.campaign || id(as.entity) != w.asset || id(as.campaign) != w.campaign {
				t.Errorf("day %d: keyword ids %d/%d, asset ids %d/%d; want %d/%d, %d/%d", k,
					id(kw.entity), id(kw.campaign), id(as.entity), id(as.campaign), w.keyword, w.campaign, w.asset, w.campaign)
			}
			if f := want(k); kw.impressions != f.Impressions || kw.conversions != f.Conversions {
				t.Errorf("day %d: keyword %d impressions, %v conversions; want %d, %v", k, kw.impressions, kw.conversions, f.Impressions, f.Conversions)
			}
			if wl := map[bool]int64{true: 4, false: 5}[k == 4]; as.label != wl {
				t.Errorf("day %d: asset label %d, want %d", k, as.label, wl)
			}
		}
		for k := range 6 {
			if kw := keyword(k, 9300); kw.impressions != 5 || kw.entity != nil {
				t.Errorf("new keyword on day %d: %+v", k, kw)
			}
		}

		again, err := im.Write(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		if again.Written != 0 {
			t.Errorf("the batch again wrote %d rows", again.Written)
		}
	})
}
