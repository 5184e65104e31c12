package campaigns_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// usageCounters compares every asset's where-used counters with a fresh
// count from the links and keywords, fails on a difference, and returns the
// fresh counts: links, campaigns, ad groups, ads, asset groups, keywords.
func usageCounters(t *testing.T, d *db.DB, step string) map[int64][6]int {
	t.Helper()
	rows, err := d.Read().Query(t.Context(), `SELECT a.id,
		(SELECT count(*) FROM asset_links l WHERE l.asset_id = a.id),
		(SELECT count(DISTINCT l.campaign_id) FROM asset_links l WHERE l.asset_id = a.id),
		(SELECT count(DISTINCT l.ad_group_id) FROM asset_links l WHERE l.asset_id = a.id),
		(SELECT count(DISTINCT l.ad_id) FROM asset_links l WHERE l.asset_id = a.id),
		(SELECT count(DISTINCT l.asset_group_id) FROM asset_links l WHERE l.asset_id = a.id),
		(SELECT count(*) FROM keywords k WHERE k.ad_group_id IN (SELECT l.ad_group_id FROM asset_links l WHERE l.asset_id = a.id)),
		COALESCE(u.ad_links + u.group_links, 0), COALESCE(u.campaigns, 0), COALESCE(u.ad_groups, 0), COALESCE(u.ads, 0),
		COALESCE(u.asset_groups, 0), COALESCE(u.keywords, 0)
		FROM assets a LEFT JOIN asset_usage u ON u.asset_id = a.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64][6]int{}
	for rows.Next() {
		var id int64
		var fresh, kept [6]int
		if err := rows.Scan(&id, &fresh[0], &fresh[1], &fresh[2], &fresh[3], &fresh[4], &fresh[5],
			&kept[0], &kept[1], &kept[2], &kept[3], &kept[4], &kept[5]); err != nil {
			t.Fatal(err)
		}
		if fresh != kept {
			t.Errorf("%s: asset %d: counters (links, campaigns, ad groups, ads, asset groups, keywords) %v, counted %v", step, id, kept, fresh)
		}
		out[id] = fresh
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// The where-used counters stay equal to a fresh count through the writes of
// the API: ads and keywords created and deleted, a bulk edit, a replacement
// everywhere, and deletes of an ad group and of a campaign.
func TestWhereUsedCountersFollowTheAPI(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		c1, ads1 := bulkCampaign(t, e, "Zähler 1")
		_, ads2 := bulkCampaign(t, e, "Zähler 2")
		g1, etag := grid(t, e, c1)
		shared := rowOf(t, g1, ads1[0], "HEADLINE", "Reifen Müller").AssetID
		if c := usageCounters(t, d, "campaigns built")[shared]; c != [6]int{4, 2, 4, 4, 0, 0} {
			t.Fatalf("shared headline counted %v", c)
		}
		groupOf := func(ad int64) int64 {
			var g struct {
				AdGroupID int64 `json:"ad_group_id"`
			}
			e.Must(t, http.StatusOK, "GET", fmt.Sprintf("/api/ads/%d", ad), nil).JSON(t, &g)
			return g.AdGroupID
		}
		kw := idOf(t, e.Must(t, http.StatusCreated, "POST", "/api/keywords", map[string]any{"ad_group_id": groupOf(ads1[0]), "text": "winterreifen", "match_type": "PHRASE"}))
		e.Must(t, http.StatusCreated, "POST", "/api/keywords", map[string]any{"ad_group_id": groupOf(ads2[1]), "text": "sommerreifen", "match_type": "EXACT"})
		if c := usageCounters(t, d, "keywords created")[shared]; c[5] != 2 {
			t.Fatalf("shared headline counted %v after two keywords", c)
		}

		g1, etag = grid(t, e, c1)
		e.Must(t, http.StatusOK, "POST", fmt.Sprintf("/api/campaigns/%d/texts/bulk", c1), map[string]any{"items": []map[string]any{
			{"op": "edit", "link_id": rowOf(t, g1, ads1[0], "HEADLINE", "Sicher durch den Winter").LinkID, "text": "Sicher im Winter"},
			{"op": "add", "ad_id": ads1[1], "field_type": "HEADLINE", "text": "Montage vor Ort"},
			{"op": "add", "ad_id": ads1[0], "field_type": "HEADLINE", "text": "Montage vor Ort"},
			{"op": "remove", "link_id": rowOf(t, g1, ads1[0], "DESCRIPTION", "Montage bei über 300 Partnern in Ihrer Nähe.").LinkID},
		}}, "If-Match", etag)
		usageCounters(t, d, "bulk edit")

		var replaced struct {
			Texts []struct {
				AssetID int64 `json:"asset_id"`
			} `json:"texts"`
		}
		e.Must(t, http.StatusOK, "POST", fmt.Sprintf("/api/assets/%d/replace-everywhere", shared), map[string]any{"text": "Reifen Müller GmbH", "places": 4}).JSON(t, &replaced)
		counts := usageCounters(t, d, "replace everywhere")
		if len(replaced.Texts) == 0 || counts[shared] != [6]int{} || counts[replaced.Texts[0].AssetID] != [6]int{4, 2, 4, 4, 0, 2} {
			t.Fatalf("after replace everywhere: old %v, new %+v", counts[shared], replaced)
		}

		e.Must(t, http.StatusNoContent, "DELETE", fmt.Sprintf("/api/keywords/%d", kw), nil)
		usageCounters(t, d, "keyword deleted")
		e.Must(t, http.StatusNoContent, "DELETE", fmt.Sprintf("/api/ads/%d", ads1[1]), nil)
		usageCounters(t, d, "ad deleted")
		e.Must(t, http.StatusNoContent, "DELETE", fmt.Sprintf("/api/ad-groups/%d", groupOf(ads2[1])), nil)
		usageCounters(t, d, "ad group deleted")
		e.Must(t, http.StatusNoContent, "DELETE", fmt.Sprintf("/api/campaigns/%d", c1), nil)
		counts = usageCounters(t, d, "campaign deleted")
		if c := counts[replaced.Texts[0].AssetID]; c != [6]int{1, 1, 1, 1, 0, 0} {
			t.Fatalf("replacement counted %v with one ad left", c)
		}
	})
}
