package campaigns

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// Tree returns a whole campaign — ad groups with keywords and ads with their
// texts, asset groups with their assets — from one consistent snapshot, in a
// fixed number of queries however large the campaign is.
//
// Trees are cached until the graph changes; callers must not modify one.
func (s *Service) Tree(ctx context.Context, id int64) (Tree, error) {
	return s.trees.Get(ctx, id, func(ctx context.Context) (Tree, error) { return s.loadTree(ctx, id) })
}

func (s *Service) loadTree(ctx context.Context, id int64) (Tree, error) {
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

		nKeywords, err := attachKeywords(ctx, q, id, t.AdGroups, index)
		if err != nil {
			return err
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
		rateTree(&t)
		t.Counts = map[string]int64{"ad_groups": int64(len(groups)), "keywords": int64(nKeywords), "ads": int64(len(ads)), "asset_groups": int64(len(t.AssetGroups))}
		return nil
	})
	return t, err
}

// attachKeywords loads the keywords of every ad group of a campaign, packed by
// the database into one string per ad group as the ad texts are (keywords
// hold no control characters: the campaign service refuses them). Keywords in
// the tree leave out their timestamps: a campaign may hold thousands.
func attachKeywords(ctx context.Context, q db.Conn, campaignID int64, groups []AdGroupTree, index map[int64]int) (int, error) {
	fields := `CAST(k.id AS TEXT) || CHR(31) || k.text || CHR(31) || k.match_type || CHR(31) || CAST(k.negative AS TEXT) || CHR(31) || k.status || CHR(31) || CAST(k.version AS TEXT)`
	var query string
	if q.Engine() == db.Postgres {
		query = `SELECT k.ad_group_id, string_agg(` + fields + `, CHR(30) ORDER BY k.id)
			FROM keywords k JOIN ad_groups g ON g.id = k.ad_group_id WHERE g.campaign_id = ? GROUP BY k.ad_group_id`
	} else {
		query = `SELECT ad_group_id, group_concat(f, CHAR(30)) FROM (SELECT k.ad_group_id, ` + strings.ReplaceAll(fields, "CHR(", "CHAR(") + ` AS f
			FROM keywords k JOIN ad_groups g ON g.id = k.ad_group_id WHERE g.campaign_id = ? ORDER BY k.ad_group_id, k.id) GROUP BY ad_group_id`
	}
	rows, err := q.Query(ctx, query, campaignID)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var groupID int64
		var packed string
		if err := rows.Scan(&groupID, &packed); err != nil {
			return n, err
		}
		i, ok := index[groupID]
		if !ok {
			continue
		}
		for rec := range strings.SplitSeq(packed, "\x1e") {
			f := strings.Split(rec, "\x1f")
			if len(f) != 6 {
				return n, fmt.Errorf("ad group %d: malformed keyword record %q", groupID, rec)
			}
			id, err1 := strconv.ParseInt(f[0], 10, 64)
			version, err2 := strconv.ParseInt(f[5], 10, 64)
			if err1 != nil || err2 != nil {
				return n, fmt.Errorf("ad group %d: malformed keyword ids in %q", groupID, rec)
			}
			groups[i].Keywords = append(groups[i].Keywords, Keyword{ID: id, AdGroupID: groupID, Text: f[1], MatchType: f[2],
				Negative: f[3] == "1" || f[3] == "true", Status: f[4], Version: version})
			n++
		}
	}
	return n, rows.Err()
}

// attachCampaignAdTexts loads the texts of every ad of one campaign. The
// database concatenates each ad's texts into one string (unit separators
// between fields, record separators between texts), which costs a fraction of
// reading thousands of rows column by column through database/sql. Stored
// texts never contain control characters: the asset library refuses them.
func attachCampaignAdTexts(ctx context.Context, q db.Conn, campaignID int64, ads []Ad) error {
	if len(ads) == 0 {
		return nil
	}
	index := make(map[int64]int, len(ads))
	for i, a := range ads {
		index[a.ID] = i
	}
	var query string
	fields := `CAST(l.id AS TEXT) || CHR(31) || CAST(l.asset_id AS TEXT) || CHR(31) || l.field_type || CHR(31) || COALESCE(l.pinned_field, '') || CHR(31) || s.text`
	if q.Engine() == db.Postgres {
		query = `SELECT l.ad_id, string_agg(` + fields + `, CHR(30) ORDER BY l.field_type, l.position, l.id)
			FROM asset_links l JOIN assets s ON s.id = l.asset_id
			WHERE l.campaign_id = ? AND l.ad_id IS NOT NULL GROUP BY l.ad_id`
	} else {
		// SQLite concatenates in the order rows arrive from the ordered subquery.
		query = `SELECT ad_id, group_concat(f, CHAR(30)) FROM (SELECT l.ad_id, ` + strings.ReplaceAll(fields, "CHR(", "CHAR(") + ` AS f
			FROM asset_links l JOIN assets s ON s.id = l.asset_id
			WHERE l.campaign_id = ? AND l.ad_id IS NOT NULL ORDER BY l.ad_id, l.field_type, l.position, l.id) GROUP BY ad_id`
	}
	rows, err := q.Query(ctx, query, campaignID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var adID int64
		var packed string
		if err := rows.Scan(&adID, &packed); err != nil {
			return err
		}
		i, ok := index[adID]
		if !ok {
			continue
		}
		for rec := range strings.SplitSeq(packed, "\x1e") {
			f := strings.SplitN(rec, "\x1f", 5)
			if len(f) != 5 {
				return fmt.Errorf("ad %d: malformed text record %q", adID, rec)
			}
			linkID, err1 := strconv.ParseInt(f[0], 10, 64)
			assetID, err2 := strconv.ParseInt(f[1], 10, 64)
			if err1 != nil || err2 != nil {
				return fmt.Errorf("ad %d: malformed ids in %q", adID, rec)
			}
			t := AdText{LinkID: linkID, AssetID: assetID, PinnedField: f[3], Text: f[4]}
			if f[2] == "HEADLINE" {
				ads[i].Headlines = append(ads[i].Headlines, t)
			} else {
				ads[i].Descriptions = append(ads[i].Descriptions, t)
			}
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
		WHERE l.asset_group_id IN (`+db.Placeholders(len(ids))+`) ORDER BY l.asset_group_id, l.field_type, l.position, l.id`, ids...)
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
