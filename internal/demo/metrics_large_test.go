package demo_test

import (
	"context"
	"slices"
	"testing"

	"github.com/imaphub/imaphub/internal/demo"
	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// The metrics data set (imaphub demo --scale metrics, small here) covers
// every campaign every day, every serving ad group with its ads, keywords
// and asset places, and every place of the hot asset, with plausible
// numbers: as many whole days as the rows asked for take, ending yesterday.
func TestGenerateMetricsCoversTheServingGraph(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		cfg := demo.MetricsScaleConfig{
			Graph:           demo.LargeConfig{Assets: 200, Campaigns: 4, AdGroups: 40, Links: 40 * 2 * campaigns.LinksPerAd, KeywordsPerAdGroup: 5, HotAds: 10, HotAdGroups: 5},
			ServingAdGroups: 3, Rows: 5000, MinDays: 10,
		}
		// Something is there before: the data set goes next to it.
		cs, rs := loadDemo(t, d)
		if _, err := demo.LoadMetrics(ctx, cs, rs, demoToday); err != nil {
			t.Fatal(err)
		}
		before := sumOf(t, d, `report_facts`).Rows + sumOf(t, d, `report_asset_fact_rows`).Rows
		indexesBefore := factIndexes(t, d)
		var msgs []string
		res, err := demo.GenerateMetrics(ctx, d, cfg, demoToday, func(m string) { msgs = append(msgs, m) })
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) == 0 {
			t.Error("no progress reported")
		}
		if res.FirstCampaign != 4 || res.LastCampaign != 7 || res.Metrics.To.String() != "2026-11-30" {
			t.Fatalf("result %+v", res)
		}
		m := res.Metrics
		days := int64(m.To-m.From) + 1
		// Serving: 3 ad groups a campaign plus the hot asset's 5 ad groups
		// (2 of them among the first 3 of their campaign): 15, each with
		// itself, 2 ads, 4 keywords (the fifth is negative) and 10 places.
		if m.PerDay != 4+15*(1+2+4+10) || days != (cfg.Rows+m.PerDay-1)/m.PerDay || m.Rows+m.AssetRows != m.PerDay*days {
			t.Fatalf("%+v: %d days", m, days)
		}
		after := sumOf(t, d, `report_facts`).Rows + sumOf(t, d, `report_asset_fact_rows`).Rows
		if after-before != m.Rows+m.AssetRows {
			t.Fatalf("tables grew by %d rows, result says %d", after-before, m.Rows+m.AssetRows)
		}
		count := func(q string, args ...any) int64 {
			t.Helper()
			var n int64
			if err := d.Read().QueryRow(ctx, q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(`SELECT count(*) FROM report_facts WHERE level = 'campaign' AND campaign_id BETWEEN 4 AND 7`); n != 4*days {
			t.Errorf("%d campaign rows, want %d", n, 4*days)
		}
		// Every place of the hot asset has data every day.
		if n := count(`SELECT count(DISTINCT ad_id) FROM report_asset_fact_rows WHERE asset_id = ?`, res.Graph.HotAssetID); n != 10 {
			t.Errorf("hot asset has data in %d ads, it is in 10", n)
		}
		if n := count(`SELECT count(*) FROM report_asset_fact_rows WHERE asset_id = ?`, res.Graph.HotAssetID); n != 10*days {
			t.Errorf("hot asset: %d rows, want %d", n, 10*days)
		}
		// Every row is demo data of our entities, in a mapped campaign, with
		// plausible figures.
		if n := count(`SELECT count(*) FROM report_facts WHERE campaign_id BETWEEN 4 AND 7 AND (demo <> 1 OR entity_id IS NULL
			OR clicks > impressions OR impressions = 0 OR conversions > clicks OR cost_micros < clicks * 300000)`); n != 0 {
			t.Errorf("%d implausible entity rows", n)
		}
		if n := count(`SELECT count(*) FROM report_asset_fact_rows WHERE campaign_id BETWEEN 4 AND 7 AND (demo <> 1 OR asset_id IS NULL OR ad_id IS NULL
			OR clicks > impressions OR performance_label NOT BETWEEN 3 AND 6)`); n != 0 {
			t.Errorf("%d implausible asset rows", n)
		}
		if n := count(`SELECT count(*) FROM report_facts f WHERE f.campaign_id BETWEEN 4 AND 7 AND NOT EXISTS
			(SELECT 1 FROM report_campaigns r WHERE r.customer_id = f.customer_id AND r.google_campaign_id = f.google_campaign_id AND r.campaign_id = f.campaign_id)`); n != 0 {
			t.Errorf("%d rows of unmapped campaigns", n)
		}
		if n := count(`SELECT count(*) FROM report_facts f WHERE level = 'keyword' AND campaign_id BETWEEN 4 AND 7 AND EXISTS
			(SELECT 1 FROM keywords k WHERE k.id = f.entity_id AND k.negative)`); n != 0 {
			t.Errorf("%d rows of negative keywords", n)
		}
		// The indexes dropped for the load are back, as they were.
		if after := factIndexes(t, d); !slices.Equal(after, indexesBefore) || len(after) == 0 {
			t.Errorf("indexes after generation:\n%q\nbefore:\n%q", after, indexesBefore)
		}
		// The demo account's rows are untouched.
		if n := count(`SELECT count(*) FROM report_facts WHERE campaign_id < 4`); n == 0 {
			t.Error("the demo account's metrics are gone")
		}
	})
}

// factIndexes are the definitions of the fact tables' indexes.
func factIndexes(t *testing.T, d *db.DB) []string {
	t.Helper()
	q := `SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('report_facts', 'report_asset_facts') ORDER BY name`
	if d.Engine == db.Postgres {
		q = `SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('report_facts', 'report_asset_facts') ORDER BY indexname`
	}
	rows, err := d.Read().Query(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var def string
		if err := rows.Scan(&def); err != nil {
			t.Fatal(err)
		}
		out = append(out, def)
	}
	return out
}
