package campaigns

import (
	"context"
	"fmt"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/domain/policy/strength"
	"github.com/imaphub/imaphub/internal/platform/db"
)

// Ad strength: every ad and asset group the API returns with its texts
// carries the estimate of Google's Ad Strength (package strength), computed
// when it is read, so it always matches the texts shown with it.

// rateAd estimates an ad's strength with its ad group's keywords.
func rateAd(a *Ad, keywords []string, language string) {
	r := strength.RateRSA(policy.RSA{Headlines: storedTexts(a.Headlines), Descriptions: storedTexts(a.Descriptions),
		Path1: a.Path1, Path2: a.Path2, FinalURLs: a.FinalURLs}, strength.Context{Keywords: keywords, Language: language})
	a.AdStrength = &r
}

// rateAssetGroup estimates an asset group's strength from its linked assets.
func rateAssetGroup(g *AssetGroup, language string) {
	var in policy.AssetGroupText
	for _, a := range g.Assets {
		switch f := policy.Field(a.FieldType); {
		case f == policy.Headline:
			in.Headlines = append(in.Headlines, a.Text)
		case f == policy.LongHeadline:
			in.LongHeadlines = append(in.LongHeadlines, a.Text)
		case f == policy.Description:
			in.Descriptions = append(in.Descriptions, a.Text)
		case f == policy.BusinessName:
			in.BusinessName = a.Text
		case policy.IsImage(f):
			in.Images = append(in.Images, f)
		}
	}
	in.Path1, in.Path2, in.FinalURLs = g.Path1, g.Path2, g.FinalURLs
	r := strength.RateAssetGroup(in, strength.Context{Language: language})
	g.AdStrength = &r
}

// positiveKeywords are the texts of an ad group's enabled, non-negative
// keywords in the order they were added.
func positiveKeywords(ks []Keyword) []string {
	var out []string
	for _, k := range ks {
		if !k.Negative && k.Status == "ENABLED" {
			out = append(out, k.Text)
		}
	}
	return out
}

// rateTree rates every ad and asset group of a freshly loaded tree.
func rateTree(t *Tree) {
	lang := copyLanguage(t.Campaign.Brief, t.Campaign.Languages)
	for i := range t.AdGroups {
		g := &t.AdGroups[i]
		keywords := positiveKeywords(g.Keywords)
		for j := range g.Ads {
			rateAd(&g.Ads[j], keywords, lang)
		}
	}
	for i := range t.AssetGroups {
		rateAssetGroup(&t.AssetGroups[i], lang)
	}
}

// rateAds rates ads whose texts are attached, loading their ad groups'
// keywords and their campaigns' languages in two queries.
func rateAds(ctx context.Context, q db.Conn, ads []Ad) error {
	if len(ads) == 0 {
		return nil
	}
	groupIDs, campaignIDs := map[int64]bool{}, map[int64]bool{}
	var groupArgs, campaignArgs []any
	for _, a := range ads {
		if !groupIDs[a.AdGroupID] {
			groupIDs[a.AdGroupID] = true
			groupArgs = append(groupArgs, a.AdGroupID)
		}
		if !campaignIDs[a.CampaignID] {
			campaignIDs[a.CampaignID] = true
			campaignArgs = append(campaignArgs, a.CampaignID)
		}
	}
	keywords := map[int64][]string{}
	rows, err := q.Query(ctx, `SELECT ad_group_id, text FROM keywords WHERE ad_group_id IN (`+db.Placeholders(len(groupArgs))+`)
		AND NOT negative AND status = 'ENABLED' ORDER BY ad_group_id, id`, groupArgs...)
	if err != nil {
		return fmt.Errorf("read keywords for ad strength: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var text string
		if err := rows.Scan(&id, &text); err != nil {
			return err
		}
		keywords[id] = append(keywords[id], text)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	langs, err := copyLanguages(ctx, q, campaignArgs)
	if err != nil {
		return err
	}
	for i := range ads {
		rateAd(&ads[i], keywords[ads[i].AdGroupID], langs[ads[i].CampaignID])
	}
	return nil
}

// rateAssetGroups rates asset groups whose assets are attached.
func rateAssetGroups(ctx context.Context, q db.Conn, groups []AssetGroup) error {
	if len(groups) == 0 {
		return nil
	}
	seen := map[int64]bool{}
	var ids []any
	for _, g := range groups {
		if !seen[g.CampaignID] {
			seen[g.CampaignID] = true
			ids = append(ids, g.CampaignID)
		}
	}
	langs, err := copyLanguages(ctx, q, ids)
	if err != nil {
		return err
	}
	for i := range groups {
		rateAssetGroup(&groups[i], langs[groups[i].CampaignID])
	}
	return nil
}

// copyLanguages reads the copy language of each campaign.
func copyLanguages(ctx context.Context, q db.Conn, campaignIDs []any) (map[int64]string, error) {
	rows, err := q.Query(ctx, `SELECT id, brief, languages FROM campaigns WHERE id IN (`+db.Placeholders(len(campaignIDs))+`)`, campaignIDs...)
	if err != nil {
		return nil, fmt.Errorf("read campaign languages for ad strength: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]string, len(campaignIDs))
	for rows.Next() {
		var id int64
		var briefDoc, langDoc []byte
		if err := rows.Scan(&id, &briefDoc, &langDoc); err != nil {
			return nil, err
		}
		var b Brief
		var languages []string
		if err := unmarshalAll(briefDoc, &b, langDoc, &languages); err != nil {
			return nil, fmt.Errorf("decode brief of campaign %d: %w", id, err)
		}
		out[id] = copyLanguage(b, languages)
	}
	return out, rows.Err()
}
