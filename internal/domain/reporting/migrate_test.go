package reporting_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/imaphub/imaphub/internal/domain/reporting"
	"github.com/imaphub/imaphub/internal/migrations"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// A database from before the asset facts were stored once keeps every
// fact: facts stored as asset facts at version 16 become, through the
// rollups of migration 0017 and migration 0022, their places' days (ours)
// or stay in report_asset_facts (not ours), and importing the same facts
// again afterwards finds every one unchanged.
func TestUpgradeStoresEachAssetFactOnce(t *testing.T) {
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			d := dbtest.OpenAt(t, engine, 16)
			ms, err := db.LoadMigrations(migrations.FS, d.Engine)
			if err != nil {
				t.Fatal(err)
			}
			// Facts over two blocks of running sums: of our assets in two
			// places (one of them with a fact not ours on the same key's
			// other days), and of an asset that is not ours.
			var facts []reporting.Fact
			first := reporting.Day(20_090)
			for i := range 150 {
				day := first + reporting.Day(i)
				m := func(salt int) reporting.Metrics {
					imp := int64(100 + (i*37+salt)%500)
					return reporting.Metrics{Impressions: imp, Clicks: imp / 9, CostMicros: imp * 3_210, Conversions: float64((i+salt)%7) / 3,
						ConversionsValue: float64((i*salt)%90) / 7}
				}
				facts = append(facts,
					reporting.Fact{Level: reporting.LevelAdAsset, Day: day, CampaignID: 71, AdGroupID: 72, AdID: 73, AssetID: 74, FieldType: "HEADLINE",
						PerformanceLabel: []string{"GOOD", "BEST", "LOW"}[i%3], Metrics: m(1), Ours: reporting.Ours{CampaignID: 1, AdGroupID: 2, AdID: 3, AssetID: 4}},
					reporting.Fact{Level: reporting.LevelAssetGroupAsset, Day: day, CampaignID: 71, AssetGroupID: 75, AssetID: 76, FieldType: "DESCRIPTION",
						Metrics: m(2), Ours: reporting.Ours{CampaignID: 1, AssetGroupID: 5, AssetID: 6}},
					reporting.Fact{Level: reporting.LevelAdAsset, Day: day, CampaignID: 71, AdGroupID: 72, AdID: 73, AssetID: 77, FieldType: "HEADLINE",
						Metrics: m(3), Ours: reporting.Ours{CampaignID: 1, AdGroupID: 2, AdID: 3}})
			}
			for _, f := range facts {
				group, ad, adGroup, assetGroup := f.AdGroupID, f.AdID, any(f.Ours.AdGroupID), any(nil)
				if f.Level == reporting.LevelAssetGroupAsset {
					group, ad, adGroup, assetGroup = f.AssetGroupID, 0, nil, f.Ours.AssetGroupID
				}
				var adID, asset any
				if f.Ours.AdID != 0 {
					adID = f.Ours.AdID
				}
				if f.Ours.AssetID != 0 {
					asset = f.Ours.AssetID
				}
				label := map[string]int{"": 0, "LOW": 4, "GOOD": 5, "BEST": 6}[f.PerformanceLabel]
				if _, err := d.WriteDB().ExecContext(ctx, d.Q(`INSERT INTO report_asset_facts (customer_id, google_group_id, google_ad_id, google_asset_id,
					field_type, day, google_campaign_id, campaign_id, ad_group_id, ad_id, asset_group_id, asset_id, performance_label,
					impressions, clicks, cost_micros, conversions, conversions_value, demo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`),
					1234567890, group, ad, f.AssetID, f.FieldType, int(f.Day), f.CampaignID, f.Ours.CampaignID, adGroup, adID,
					assetGroup, asset, label, f.Impressions, f.Clicks, f.CostMicros, f.Conversions, f.ConversionsValue); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := d.Migrate(ctx, ms); err != nil {
				t.Fatal(err)
			}
			var waiting, stored int
			if err := d.Read().QueryRow(ctx, `SELECT (SELECT count(*) FROM report_asset_facts), (SELECT count(*) FROM report_asset_fact_rows)`).Scan(&waiting, &stored); err != nil {
				t.Fatal(err)
			}
			if waiting != 150 || stored != len(facts) {
				t.Fatalf("after the upgrade %d facts wait for their asset and %d are stored, want 150 and %d", waiting, stored, len(facts))
			}
			rows, err := d.Read().Query(ctx, `SELECT google_asset_id, day, impressions, clicks, cost_micros, conversions, conversions_value, performance_label
				FROM report_asset_fact_rows`)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][7]float64{}
			for rows.Next() {
				var asset, day, imp, clk, cost, label int64
				var conv, val float64
				if err := rows.Scan(&asset, &day, &imp, &clk, &cost, &conv, &val, &label); err != nil {
					t.Fatal(err)
				}
				got[fmt.Sprint(asset, " ", day)] = [7]float64{float64(imp), float64(clk), float64(cost), conv, val, float64(label)}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			for _, f := range facts {
				k := fmt.Sprint(f.AssetID, " ", int64(f.Day))
				g := got[k]
				label := map[string]float64{"": 0, "LOW": 4, "GOOD": 5, "BEST": 6}[f.PerformanceLabel]
				if g[0] != float64(f.Impressions) || g[1] != float64(f.Clicks) || g[2] != float64(f.CostMicros) || math.Abs(g[3]-f.Conversions) > 5e-7 ||
					math.Abs(g[4]-f.ConversionsValue) > 5e-7 || g[5] != label {
					t.Fatalf("fact %s after the upgrade: %v, was %+v", k, g, f)
				}
			}
			if err := dbtest.Migrate(ctx, d); err != nil { // the job queue's tables, for the epoch
				t.Fatal(err)
			}
			im, err := reporting.NewService(d).NewImporter("1234567890", reporting.ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := im.Write(ctx, facts)
			if err != nil {
				t.Fatal(err)
			}
			if res.Written != 0 || res.Rows != len(facts) {
				t.Fatalf("the same facts imported after the upgrade: %+v, want every one unchanged", res)
			}
		})
	}
}
