package campaigns

import (
	"context"
	"database/sql"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// Tree returns a whole campaign — ad groups with keywords and ads with their
// texts, asset groups with their assets — from one consistent snapshot, in a
// fixed number of queries however large the campaign is.
func (s *Service) Tree(ctx context.Context, id int64) (Tree, error) {
	var t Tree
	err := s.db.InReadTx(ctx, func(q db.Conn) error {
		c, err := getCampaign(ctx, q, id)
		if err != nil {
			return err
		}
		t.Campaign = c
		t.AdGroups, t.AssetGroups = []AdGroupTree{}, []AssetGroup{}

		rows, err := q.Query(ctx, `SELECT `+adGroupCols+` FROM ad_groups WHERE campaign_id = ? ORDER BY id`, id)
		if err != nil {
			return err
		}
		groups, err := collect(rows, scanAdGroup)
		if err != nil {
			return err
		}
		index := make(map[int64]int, len(groups))
		for i, g := range groups {
			index[g.ID] = i
			t.AdGroups = append(t.AdGroups, AdGroupTree{AdGroup: g, Keywords: []Keyword{}, Ads: []Ad{}})
		}

		rows, err = q.Query(ctx, `SELECT k.id, k.ad_group_id, k.text, k.match_type, k.negative, k.status, k.version, k.created_at, k.updated_at
			FROM keywords k JOIN ad_groups g ON g.id = k.ad_group_id WHERE g.campaign_id = ? ORDER BY k.ad_group_id, k.id`, id)
		if err != nil {
			return err
		}
		keywords, err := collect(rows, scanKeyword)
		if err != nil {
			return err
		}
		for _, k := range keywords {
			g := &t.AdGroups[index[k.AdGroupID]]
			g.Keywords = append(g.Keywords, k)
		}

		rows, err = q.Query(ctx, `SELECT `+adCols+` FROM ads a JOIN ad_groups g ON g.id = a.ad_group_id WHERE g.campaign_id = ? ORDER BY a.ad_group_id, a.id`, id)
		if err != nil {
			return err
		}
		ads, err := collect(rows, scanAd)
		if err != nil {
			return err
		}
		if err := attachCampaignAdTexts(ctx, q, id, ads); err != nil {
			return err
		}
		for _, a := range ads {
			g := &t.AdGroups[index[a.AdGroupID]]
			g.Ads = append(g.Ads, a)
		}

		rows, err = q.Query(ctx, `SELECT `+assetGroupCols+` FROM asset_groups WHERE campaign_id = ? ORDER BY id`, id)
		if err != nil {
			return err
		}
		if t.AssetGroups, err = collect(rows, scanAssetGroup); err != nil {
			return err
		}
		if err := attachGroupAssets(ctx, q, t.AssetGroups); err != nil {
			return err
		}
		t.Counts = map[string]int64{"ad_groups": int64(len(groups)), "keywords": int64(len(keywords)), "ads": int64(len(ads)), "asset_groups": int64(len(t.AssetGroups))}
		return nil
	})
	return t, err
}

// attachCampaignAdTexts loads the texts of every ad of one campaign in one
// query (the campaign index of asset_links) instead of an IN list of ad ids.
func attachCampaignAdTexts(ctx context.Context, q db.Conn, campaignID int64, ads []Ad) error {
	if len(ads) == 0 {
		return nil
	}
	index := make(map[int64]int, len(ads))
	for i, a := range ads {
		index[a.ID] = i
	}
	rows, err := q.Query(ctx, `SELECT l.ad_id, l.id, l.asset_id, s.text, l.field_type, COALESCE(l.pinned_field, '')
		FROM asset_links l JOIN assets s ON s.id = l.asset_id
		WHERE l.campaign_id = ? AND l.ad_id IS NOT NULL ORDER BY l.ad_id, l.field_type, l.position, l.id`, campaignID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var adID int64
		var t AdText
		var field string
		if err := rows.Scan(&adID, &t.LinkID, &t.AssetID, &t.Text, &field, &t.PinnedField); err != nil {
			return err
		}
		i, ok := index[adID]
		if !ok {
			continue
		}
		if field == "HEADLINE" {
			ads[i].Headlines = append(ads[i].Headlines, t)
		} else {
			ads[i].Descriptions = append(ads[i].Descriptions, t)
		}
	}
	return rows.Err()
}

// attachGroupAssets loads the assets linked to the given asset groups.
func attachGroupAssets(ctx context.Context, q db.Conn, groups []AssetGroup) error {
	if len(groups) == 0 {
		return nil
	}
	index := make(map[int64]int, len(groups))
	ids := make([]any, len(groups))
	for i, g := range groups {
		index[g.ID] = i
		ids[i] = g.ID
		groups[i].Assets = []GroupAsset{}
	}
	rows, err := q.Query(ctx, `SELECT l.asset_group_id, l.id, l.asset_id, l.field_type, s.type, s.text, s.mime_type, s.width, s.height
		FROM asset_links l JOIN assets s ON s.id = l.asset_id
		WHERE l.asset_group_id IN (`+placeholders(len(ids))+`) ORDER BY l.asset_group_id, l.field_type, l.position, l.id`, ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var gid int64
		var a GroupAsset
		var text, mime sql.NullString
		var w, h sql.NullInt64
		if err := rows.Scan(&gid, &a.LinkID, &a.AssetID, &a.FieldType, &a.Type, &text, &mime, &w, &h); err != nil {
			return err
		}
		a.Text, a.MimeType, a.Width, a.Height = text.String, mime.String, int(w.Int64), int(h.Int64)
		g := &groups[index[gid]]
		g.Assets = append(g.Assets, a)
	}
	return rows.Err()
}
