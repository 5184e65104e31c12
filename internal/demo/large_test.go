package demo_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/imaphub/imaphub/internal/demo"
	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

func TestGenerateLargeBuildsAConsistentGraph(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		lib := assets.NewService(d, t.TempDir())
		text := func(s string) assets.Asset {
			t.Helper()
			a, _, err := lib.CreateText(ctx, assets.TextInput{Text: s})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		count := func(query string) int {
			t.Helper()
			var n int
			if err := d.Read().QueryRow(ctx, query).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		existing := text("Was here before") // generation goes next to existing rows
		cfg := demo.LargeConfig{Assets: 60, Campaigns: 3, AdGroups: 12, Links: 12 * 4 * campaigns.LinksPerAd, KeywordsPerAdGroup: 5, HotAds: 10, HotAdGroups: 3}
		var msgs []string
		res, err := demo.GenerateLarge(ctx, d, cfg, func(m string) { msgs = append(msgs, m) })
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) == 0 {
			t.Error("no progress reported")
		}
		for table, want := range map[string]int{"campaigns": 3, "ad_groups": 12, "keywords": 60, "ads": 48, "assets": 61, "asset_links": 240} {
			if n := count(`SELECT count(*) FROM ` + table); n != want {
				t.Errorf("%s: %d rows, want %d", table, n, want)
			}
		}
		if res.HotAssetID != existing.ID+1 || res.Links != 240 || res.Ads != 48 {
			t.Fatalf("result %+v", res)
		}
		u, err := lib.WhereUsed(ctx, res.HotAssetID)
		if err != nil {
			t.Fatal(err)
		}
		if u.Counts != (assets.UsageCounts{Links: 10, Campaigns: 3, AdGroups: 3, Ads: 10, Keywords: 15}) {
			t.Fatalf("hot asset usage counts %+v", u.Counts)
		}
		for _, ad := range u.Ads {
			if ad.FieldType != string(policy.Headline) {
				t.Fatalf("hot asset used as %s", ad.FieldType)
			}
		}
		// Every ad is a valid RSA: three distinct headlines, two descriptions.
		var bad int
		if err := d.Read().QueryRow(ctx, `SELECT count(*) FROM (SELECT ad_id FROM asset_links GROUP BY ad_id
			HAVING count(DISTINCT CASE WHEN field_type = 'HEADLINE' THEN asset_id END) <> 3 OR sum(CASE WHEN field_type = 'DESCRIPTION' THEN 1 ELSE 0 END) <> 2) x`).Scan(&bad); err != nil || bad != 0 {
			t.Fatalf("%d ads are not 3 headlines + 2 descriptions (%v)", bad, err)
		}
		// Hashes are real: the generated texts deduplicate like any other.
		rows, err := d.Read().Query(ctx, `SELECT text, content_hash FROM assets`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var text, hash string
			if err := rows.Scan(&text, &hash); err != nil {
				t.Fatal(err)
			}
			if hash != assets.TextHash(text) {
				t.Fatalf("%q stored with hash %s, want %s", text, hash, assets.TextHash(text))
			}
		}
		rows.Close()
		again, created, err := lib.CreateText(ctx, assets.TextInput{Text: fmt.Sprintf("Large data set:  the hot asset\t%d", res.HotAssetID)})
		if err != nil || created || again.ID != res.HotAssetID {
			t.Fatalf("hot text again: id %d created %v %v", again.ID, created, err)
		}
		// Ids continue after the generated ones (PostgreSQL sequences moved on).
		next := text("After generation")
		if next.ID <= res.HotAssetID+int64(cfg.Assets)-1 {
			t.Fatalf("new asset id %d collides with generated ids", next.ID)
		}
		// And a second run adds a second set.
		if _, err := demo.GenerateLarge(ctx, d, cfg, nil); err != nil {
			t.Fatalf("second run: %v", err)
		}
		if n := count(`SELECT count(*) FROM asset_links`); n != 480 {
			t.Fatalf("%d links after two runs, want 480", n)
		}
	})
}

func TestLargeConfigRefusesImpossibleShapes(t *testing.T) {
	for _, c := range []demo.LargeConfig{
		{Assets: 100, Campaigns: 2, AdGroups: 10, Links: 49, KeywordsPerAdGroup: 1, HotAds: 1, HotAdGroups: 1},
		{Assets: 100, Campaigns: 2, AdGroups: 10, Links: 50, KeywordsPerAdGroup: 1, HotAds: 5, HotAdGroups: 2}, // 1 ad per group, 3 hot ads in one
		{Assets: 3, Campaigns: 2, AdGroups: 10, Links: 50, KeywordsPerAdGroup: 1, HotAds: 1, HotAdGroups: 1},
	} {
		if err := c.Check(); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	if err := demo.DefaultLargeConfig().Check(); err != nil {
		t.Fatal(err)
	}
}
