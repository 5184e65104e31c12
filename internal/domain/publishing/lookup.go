package publishing

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/imaphub/imaphub/internal/platform/googleads"
)

// Searcher runs GAQL queries (googleads.Client.Search).
type Searcher interface {
	Search(ctx context.Context, customerID, query string) (*googleads.SearchResult, error)
}

// found is a change of an unknown request that Google turned out to have
// made: a resource created (with its name) or removed.
type found struct {
	change Change
	name   string
}

// reconcile settles the changes of a mutate whose answer never arrived (a
// lost connection, a worker killed while waiting): each resource it would
// have created is looked up at Google by its natural key — a campaign or
// budget by name, an ad group or asset group by name in its campaign, a
// keyword by text, match type and negativity in its ad group, an ad by its
// texts, an asset by its text or name, a link by asset and field — and each
// one it would have removed by its status. What exists is adopted; the rest
// is left to the next diff, which sends it again. Updates are sent again in
// any case: they set the same values twice.
//
// names is updated with what is found, so children find their parents.
func reconcile(ctx context.Context, search Searcher, customer string, changes []Change, names map[string]string) ([]found, error) {
	l := &lookup{ctx: ctx, search: search, customer: customer, cache: map[string][]googleads.Row{}}
	var out []found
	for _, c := range changes {
		switch c.Action {
		case Create:
			name, err := l.find(c.Entity, names)
			if err != nil {
				return out, fmt.Errorf("look up %s at Google: %w", c.Key, err)
			}
			if name != "" {
				names[c.Key] = name
				out = append(out, found{change: c, name: name})
			}
		case Remove:
			name := names[c.Key]
			if name == "" {
				out = append(out, found{change: c})
				continue
			}
			removed, err := l.removed(c.Kind, name)
			if err != nil {
				return out, fmt.Errorf("look up %s at Google: %w", c.Key, err)
			}
			if removed {
				delete(names, c.Key)
				out = append(out, found{change: c})
			}
		}
	}
	return out, nil
}

type lookup struct {
	ctx      context.Context
	search   Searcher
	customer string
	cache    map[string][]googleads.Row
}

func (l *lookup) rows(query string) ([]googleads.Row, error) {
	if r, ok := l.cache[query]; ok {
		return r, nil
	}
	res, err := l.search.Search(l.ctx, l.customer, query)
	if err != nil {
		return nil, err
	}
	l.cache[query] = res.Rows
	return res.Rows, nil
}

// gaqlResource is each kind's resource in GAQL.
var gaqlResource = map[Kind]string{KindBudget: "campaign_budget", KindCampaign: "campaign", KindLanguage: "campaign_criterion",
	KindLocation: "campaign_criterion", KindAdGroup: "ad_group", KindKeyword: "ad_group_criterion", KindAd: "ad_group_ad",
	KindAsset: "asset", KindAssetGroup: "asset_group", KindGroupAsset: "asset_group_asset"}

// removed reports whether the resource is gone at Google (removed, or not
// there at all).
func (l *lookup) removed(k Kind, name string) (bool, error) {
	res := gaqlResource[k]
	rows, err := l.rows(fmt.Sprintf("SELECT %s.resource_name, %s.status FROM %s WHERE %s.resource_name = %s", res, res, res, res, googleads.Quote(name)))
	if err != nil || len(rows) == 0 {
		return err == nil, err
	}
	return rowStatus(k, rows[0]) == "REMOVED", nil
}

func rowStatus(k Kind, r googleads.Row) string {
	switch {
	case r.CampaignBudget != nil:
		return r.CampaignBudget.Status
	case r.Campaign != nil && k == KindCampaign:
		return string(r.Campaign.Status)
	case r.CampaignCriterion != nil:
		return string(r.CampaignCriterion.Status)
	case r.AdGroup != nil && k == KindAdGroup:
		return string(r.AdGroup.Status)
	case r.AdGroupCriterion != nil:
		return string(r.AdGroupCriterion.Status)
	case r.AdGroupAd != nil:
		return string(r.AdGroupAd.Status)
	case r.AssetGroup != nil && k == KindAssetGroup:
		return string(r.AssetGroup.Status)
	case r.AssetGroupAsset != nil:
		return string(r.AssetGroupAsset.Status)
	}
	return ""
}

// find returns the resource name of what Google holds for e, or "".
func (l *lookup) find(e Entity, names map[string]string) (string, error) {
	parent := ""
	if e.Parent != "" {
		if parent = names[e.Parent]; parent == "" {
			return "", nil // its parent does not exist, so neither does it
		}
	}
	q := googleads.Quote
	switch e.Kind {
	case KindBudget:
		rows, err := l.rows("SELECT campaign_budget.resource_name, campaign_budget.name, campaign_budget.status FROM campaign_budget WHERE campaign_budget.name = " + q(e.Name))
		return first(rows, err, func(r googleads.Row) (string, bool) {
			return r.CampaignBudget.ResourceName, r.CampaignBudget.Status != "REMOVED"
		})
	case KindCampaign:
		rows, err := l.rows("SELECT campaign.resource_name, campaign.name, campaign.status FROM campaign WHERE campaign.name = " + q(e.Name))
		return first(rows, err, func(r googleads.Row) (string, bool) {
			return r.Campaign.ResourceName, r.Campaign.Status != googleads.CampaignRemoved
		})
	case KindLanguage, KindLocation:
		rows, err := l.rows("SELECT campaign_criterion.resource_name, campaign_criterion.status, campaign_criterion.language.language_constant, " +
			"campaign_criterion.location.geo_target_constant FROM campaign_criterion WHERE campaign_criterion.campaign = " + q(parent))
		return first(rows, err, func(r googleads.Row) (string, bool) {
			c := r.CampaignCriterion
			match := (c.Language != nil && c.Language.LanguageConstant == e.Constant) || (c.Location != nil && c.Location.GeoTargetConstant == e.Constant)
			return c.ResourceName, match && c.Status != "REMOVED"
		})
	case KindAdGroup:
		rows, err := l.rows("SELECT ad_group.resource_name, ad_group.name, ad_group.status FROM ad_group WHERE ad_group.campaign = " + q(parent))
		return first(rows, err, func(r googleads.Row) (string, bool) {
			return r.AdGroup.ResourceName, r.AdGroup.Name == e.Name && r.AdGroup.Status != "REMOVED"
		})
	case KindKeyword:
		rows, err := l.rows("SELECT ad_group_criterion.resource_name, ad_group_criterion.status, ad_group_criterion.negative, " +
			"ad_group_criterion.keyword.text, ad_group_criterion.keyword.match_type FROM ad_group_criterion WHERE ad_group_criterion.ad_group = " + q(parent))
		return first(rows, err, func(r googleads.Row) (string, bool) {
			c := r.AdGroupCriterion
			neg := c.Negative != nil && *c.Negative
			return c.ResourceName, c.Keyword != nil && strings.EqualFold(c.Keyword.Text, e.Text) && string(c.Keyword.MatchType) == e.MatchType &&
				neg == e.Negative && c.Status != "REMOVED"
		})
	case KindAd:
		rows, err := l.rows("SELECT ad_group_ad.resource_name, ad_group_ad.status, ad_group_ad.ad.responsive_search_ad.headlines, " +
			"ad_group_ad.ad.responsive_search_ad.descriptions FROM ad_group_ad WHERE ad_group_ad.ad_group = " + q(parent))
		return first(rows, err, func(r googleads.Row) (string, bool) {
			a := r.AdGroupAd
			if a.Status == "REMOVED" || a.Ad == nil || a.Ad.ResponsiveSearchAd == nil {
				return "", false
			}
			rsa := a.Ad.ResponsiveSearchAd
			return a.ResourceName, sameTexts(adTexts(rsa.Headlines), e.Headlines) && sameTexts(adTexts(rsa.Descriptions), e.Descriptions)
		})
	case KindAsset:
		query := "SELECT asset.resource_name, asset.name, asset.text_asset.text FROM asset WHERE asset.text_asset.text = " + q(e.Text)
		if e.AssetType != "TEXT" {
			query = "SELECT asset.resource_name, asset.name FROM asset WHERE asset.name = " + q(e.Name)
		}
		rows, err := l.rows(query)
		return first(rows, err, func(r googleads.Row) (string, bool) { return r.Asset.ResourceName, true })
	case KindAssetGroup:
		rows, err := l.rows("SELECT asset_group.resource_name, asset_group.name, asset_group.status FROM asset_group WHERE asset_group.campaign = " + q(parent))
		return first(rows, err, func(r googleads.Row) (string, bool) {
			return r.AssetGroup.ResourceName, r.AssetGroup.Name == e.Name && r.AssetGroup.Status != "REMOVED"
		})
	case KindGroupAsset:
		asset := names[e.Asset]
		if asset == "" {
			return "", nil
		}
		rows, err := l.rows("SELECT asset_group_asset.resource_name, asset_group_asset.asset, asset_group_asset.field_type, asset_group_asset.status " +
			"FROM asset_group_asset WHERE asset_group_asset.asset_group = " + q(parent))
		return first(rows, err, func(r googleads.Row) (string, bool) {
			l := r.AssetGroupAsset
			return l.ResourceName, l.Asset == asset && string(l.FieldType) == e.FieldType && l.Status != "REMOVED"
		})
	}
	return "", nil
}

func first(rows []googleads.Row, err error, match func(googleads.Row) (string, bool)) (string, error) {
	if err != nil {
		return "", err
	}
	var hits []string
	for _, r := range rows {
		if name, ok := match(r); ok && name != "" {
			hits = append(hits, name)
		}
	}
	slices.Sort(hits)
	if len(hits) == 0 {
		return "", nil
	}
	return hits[0], nil
}

func adTexts(list []googleads.AdTextAsset) []EntityText {
	out := make([]EntityText, len(list))
	for i, t := range list {
		out[i] = EntityText{Text: t.Text, Pin: string(t.PinnedField)}
	}
	return out
}
