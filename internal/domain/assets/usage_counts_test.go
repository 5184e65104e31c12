package assets

import (
	"testing"

	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// freshUsage counts, for every asset, what its where-used counters hold,
// straight from the links and keywords, next to the counters themselves.
const freshUsage = `SELECT a.id,
	(SELECT count(*) FROM asset_links l WHERE l.asset_id = a.id AND l.ad_id IS NOT NULL),
	(SELECT count(*) FROM asset_links l WHERE l.asset_id = a.id AND l.asset_group_id IS NOT NULL),
	(SELECT count(DISTINCT l.campaign_id) FROM asset_links l WHERE l.asset_id = a.id),
	(SELECT count(DISTINCT l.ad_group_id) FROM asset_links l WHERE l.asset_id = a.id),
	(SELECT count(DISTINCT l.ad_id) FROM asset_links l WHERE l.asset_id = a.id),
	(SELECT count(DISTINCT l.asset_group_id) FROM asset_links l WHERE l.asset_id = a.id),
	(SELECT count(*) FROM keywords k WHERE k.ad_group_id IN (SELECT l.ad_group_id FROM asset_links l WHERE l.asset_id = a.id)),
	COALESCE(u.ad_links, 0), COALESCE(u.group_links, 0), COALESCE(u.campaigns, 0), COALESCE(u.ad_groups, 0),
	COALESCE(u.ads, 0), COALESCE(u.asset_groups, 0), COALESCE(u.keywords, 0)
	FROM assets a LEFT JOIN asset_usage u ON u.asset_id = a.id ORDER BY a.id`

// checkUsageCounters fails the test when any asset's counters differ from a
// fresh count; it returns the fresh counts of the assets (links from ads,
// from asset groups, campaigns, ad groups, ads, asset groups, keywords).
func checkUsageCounters(t testing.TB, d *db.DB, step string) map[int64][7]int {
	t.Helper()
	rows, err := d.Read().Query(t.Context(), freshUsage)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64][7]int{}
	for rows.Next() {
		var id int64
		var fresh, kept [7]int
		if err := rows.Scan(&id, &fresh[0], &fresh[1], &fresh[2], &fresh[3], &fresh[4], &fresh[5], &fresh[6],
			&kept[0], &kept[1], &kept[2], &kept[3], &kept[4], &kept[5], &kept[6]); err != nil {
			t.Fatal(err)
		}
		if fresh != kept {
			t.Errorf("%s: asset %d: counters (links from ads, from asset groups, campaigns, ad groups, ads, asset groups, keywords) %v, counted %v", step, id, kept, fresh)
		}
		out[id] = fresh
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// The where-used counters follow every kind of change to the graph, made by
// single and multi-row statements and by cascades, and always equal a fresh
// count; the where-used answer reads them.
func TestWhereUsedCountersFollowEveryChange(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		g := buildUsageGraph(f)
		counts := checkUsageCounters(t, d, "graph built")
		if c := counts[g.hot.ID]; c != [7]int{g.adLinks, g.groupLinks, len(g.campaigns), len(g.adGroups), len(g.ads), len(g.assetGroups), g.keywords} {
			t.Fatalf("hot asset counted %v", c)
		}
		spare := f.text("A spare headline")
		check := func(step string, query string, args ...any) {
			t.Helper()
			f.exec(query, args...)
			counts = checkUsageCounters(t, d, step)
			u, err := f.s.WhereUsed(f.ctx, g.hot.ID)
			if err != nil {
				t.Fatal(err)
			}
			c := counts[g.hot.ID]
			want := UsageCounts{Links: c[0] + c[1], Campaigns: c[2], AdGroups: c[3], Ads: c[4], AssetGroups: c[5], Keywords: c[6]}
			if u.Counts != want || u.Totals.Ads != c[0] || u.Totals.AssetGroups != c[1] {
				t.Fatalf("%s: where-used counts %+v, totals %+v; counted %+v", step, u.Counts, u.Totals, want)
			}
		}

		// One statement adds two links of the spare asset to each of three
		// ads: each ad and ad group counts once.
		check("multi-row insert", `INSERT INTO asset_links (asset_id, campaign_id, ad_group_id, ad_id, field_type, position, created_at)
			SELECT ?, g.campaign_id, a.ad_group_id, a.id, f.t, 9, '2026-01-01 00:00:00+00:00'
			FROM ads a JOIN ad_groups g ON g.id = a.ad_group_id, (SELECT 'HEADLINE' AS t UNION ALL SELECT 'DESCRIPTION') f
			WHERE a.id IN (?, ?, ?)`, spare.ID, g.ads[0], g.ads[1], g.ads[7])
		check("keyword added", `INSERT INTO keywords (ad_group_id, text, match_type, created_at, updated_at)
			VALUES (?, 'new keyword', 'EXACT', '2026-01-01 00:00:00+00:00', '2026-01-01 00:00:00+00:00')`, g.adGroups[0])
		check("keyword moved", `UPDATE keywords SET ad_group_id = ? WHERE ad_group_id = ? AND text = 'new keyword'`, g.adGroups[4], g.adGroups[0])
		check("keywords removed", `DELETE FROM keywords WHERE ad_group_id = ? AND text <> 'zebra'`, g.adGroups[1])
		// Replace everywhere at the level of links: the hot asset's headlines
		// in ads become the spare asset's, where the ad has none yet.
		check("links repointed", `UPDATE asset_links SET asset_id = ? WHERE asset_id = ? AND field_type = 'HEADLINE' AND ad_id IS NOT NULL
			AND ad_id NOT IN (SELECT ad_id FROM asset_links WHERE asset_id = ? AND field_type = 'HEADLINE' AND ad_id IS NOT NULL)`, spare.ID, g.hot.ID, spare.ID)
		check("link moved to another ad group", `UPDATE asset_links SET ad_group_id = ?, ad_id = ? WHERE asset_id = ? AND ad_id = ? AND field_type = 'DESCRIPTION'`,
			g.adGroups[1], g.ads[7], g.hot.ID, g.ads[0])
		check("pin changed", `UPDATE asset_links SET pinned_field = 'HEADLINE_2' WHERE asset_id = ? AND field_type = 'HEADLINE' AND ad_id = ?`, spare.ID, g.ads[0])
		check("multi-row delete", `DELETE FROM asset_links WHERE asset_id = ? AND field_type = 'DESCRIPTION'`, spare.ID)
		check("ad deleted", `DELETE FROM ads WHERE id = ?`, g.ads[2])
		check("ad group deleted", `DELETE FROM ad_groups WHERE id = ?`, g.adGroups[2])
		check("asset group deleted", `DELETE FROM asset_groups WHERE id = ?`, g.assetGroups[0])
		check("search campaign deleted", `DELETE FROM campaigns WHERE id = ?`, g.campaigns[0])
		check("Performance Max campaign deleted", `DELETE FROM campaigns WHERE id = ?`, g.campaigns[1])
		check("every link removed", `DELETE FROM asset_links`)
		if c := counts[g.hot.ID]; c != [7]int{} {
			t.Fatalf("unused asset counted %v", c)
		}
		if err := f.s.Delete(f.ctx, spare.ID); err != nil {
			t.Fatalf("an unused asset with counters is not deleted: %v", err)
		}
	})
}
