package reporting

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/platform/db"
)

// Resource kinds of the resource names publishing stores that facts refer to.
const (
	resCampaign byte = iota + 1
	resAdGroup
	resAd
	resKeyword
	resAssetGroup
	resAsset
)

// resourceKey is a Google resource of one account by its ids:
// customers/C/adGroupAds/{a}~{b} is {resAd, a, b}.
type resourceKey struct {
	kind byte
	a, b int64
}

// resolved is our entity behind a resource name: its campaign and its own id.
type resolved struct {
	campaign, id int64
}

// resourceCollections maps the collection of a resource name to its kind.
var resourceCollections = map[string]byte{
	"campaigns": resCampaign, "adGroups": resAdGroup, "adGroupAds": resAd,
	"adGroupCriteria": resKeyword, "assetGroups": resAssetGroup, "assets": resAsset,
}

// parseResourceName reads customers/{c}/{collection}/{a}[~{b}]; ok is false
// for names facts never refer to (budgets, criteria of campaigns, …).
func parseResourceName(name string) (resourceKey, bool) {
	parts := strings.Split(name, "/")
	if len(parts) != 4 || parts[0] != "customers" {
		return resourceKey{}, false
	}
	kind, ok := resourceCollections[parts[2]]
	if !ok {
		return resourceKey{}, false
	}
	first, second, composite := strings.Cut(parts[3], "~")
	k := resourceKey{kind: kind}
	var err error
	if k.a, err = strconv.ParseInt(first, 10, 64); err != nil {
		return resourceKey{}, false
	}
	if composite {
		if k.b, err = strconv.ParseInt(second, 10, 64); err != nil {
			return resourceKey{}, false
		}
	}
	if composite != (kind == resAd || kind == resKeyword) {
		return resourceKey{}, false
	}
	return k, true
}

// loadNames reads the resource names publishing stored for the account:
// its entity keys are "campaign" (the campaign itself) or "{kind}:{our id}".
func (im *Importer) loadNames(ctx context.Context) error {
	rows, err := im.s.db.Read().Query(ctx, `SELECT campaign_id, entity_key, resource_name FROM google_ads_resources
		WHERE customer_id = ? AND entity_kind IN ('campaign', 'ad_group', 'ad', 'keyword', 'asset_group', 'asset')`, customerText(im.customer))
	if err != nil {
		return fmt.Errorf("read resource names: %w", err)
	}
	defer rows.Close()
	im.names = map[resourceKey]resolved{}
	for rows.Next() {
		var campaign int64
		var key, name string
		if err := rows.Scan(&campaign, &key, &name); err != nil {
			return fmt.Errorf("read resource names: %w", err)
		}
		rk, ok := parseResourceName(name)
		if !ok {
			continue
		}
		r := resolved{campaign: campaign, id: campaign}
		if _, id, has := strings.Cut(key, ":"); has {
			if r.id, err = strconv.ParseInt(id, 10, 64); err != nil {
				continue
			}
		}
		im.names[rk] = r
	}
	return rows.Err()
}

// resolve fills in the zero ids of facts[i].Ours that name our entities.
func (im *Importer) resolve(ctx context.Context, facts []Fact) error {
	if im.names == nil {
		if err := im.loadNames(ctx); err != nil {
			return err
		}
	}
	find := func(kind byte, a, b int64) resolved { return im.names[resourceKey{kind, a, b}] }
	setIf := func(dst *int64, v int64) {
		if *dst == 0 {
			*dst = v
		}
	}
	pending := map[int64]string{} // Google asset id → content hash to look up
	for i := range facts {
		f := &facts[i]
		o := &f.Ours
		setIf(&o.CampaignID, find(resCampaign, f.CampaignID, 0).campaign)
		switch f.Level {
		case LevelAdGroup, LevelAd, LevelKeyword, LevelAdAsset:
			g := find(resAdGroup, f.AdGroupID, 0)
			setIf(&o.AdGroupID, g.id)
			setIf(&o.CampaignID, g.campaign)
		case LevelAssetGroup, LevelAssetGroupAsset:
			g := find(resAssetGroup, f.AssetGroupID, 0)
			setIf(&o.AssetGroupID, g.id)
			setIf(&o.CampaignID, g.campaign)
		}
		switch f.Level {
		case LevelAd, LevelAdAsset:
			setIf(&o.AdID, find(resAd, f.AdGroupID, f.AdID).id)
		case LevelKeyword:
			setIf(&o.KeywordID, find(resKeyword, f.AdGroupID, f.CriterionID).id)
		}
		if !f.Level.isAsset() || o.AssetID != 0 {
			continue
		}
		setIf(&o.AssetID, find(resAsset, f.AssetID, 0).id)
		if o.AssetID != 0 {
			continue
		}
		if id, tried := im.byGoogle[f.AssetID]; tried {
			o.AssetID = id
		} else if _, queued := pending[f.AssetID]; !queued && f.AssetText != "" {
			pending[f.AssetID] = assets.TextHash(f.AssetText)
		}
	}
	if len(pending) == 0 {
		return nil
	}
	var hashes []string
	for _, h := range pending {
		if _, known := im.textAsset[h]; !known {
			im.textAsset[h] = 0
			hashes = append(hashes, h)
		}
	}
	if err := im.findTexts(ctx, hashes); err != nil {
		return err
	}
	for gid, h := range pending {
		im.byGoogle[gid] = im.textAsset[h]
	}
	for i := range facts {
		f := &facts[i]
		if f.Level.isAsset() && f.Ours.AssetID == 0 {
			f.Ours.AssetID = im.byGoogle[f.AssetID]
		}
	}
	return nil
}

// findTexts looks up our text assets by content hash.
func (im *Importer) findTexts(ctx context.Context, hashes []string) error {
	for lo := 0; lo < len(hashes); lo += 500 {
		chunk := hashes[lo:min(lo+500, len(hashes))]
		args := make([]any, len(chunk))
		for i, h := range chunk {
			args[i] = h
		}
		rows, err := im.s.db.Read().Query(ctx, `SELECT id, content_hash FROM assets WHERE type = 'TEXT' AND content_hash IN (`+db.Placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return fmt.Errorf("find text assets: %w", err)
		}
		for rows.Next() {
			var id int64
			var h string
			if err := rows.Scan(&id, &h); err != nil {
				rows.Close()
				return fmt.Errorf("find text assets: %w", err)
			}
			im.textAsset[h] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("find text assets: %w", err)
		}
	}
	return nil
}
