package publishing

import (
	"context"
	"fmt"

	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/platform/googleads"
)

// Images reads an image asset's bytes, to upload it.
type Images func(ctx context.Context, assetID int64) ([]byte, error)

// request is one googleAds:mutate: the operations and, for each, the change
// it makes.
type request struct {
	ops     []googleads.MutateOperation
	changes []Change
}

// builder turns changes into operations. Resources created earlier in the
// same request are referred to by temporary names (negative ids, each used
// once); all others by the names Google gave them.
type builder struct {
	ctx      context.Context
	customer string
	names    map[string]string // key → resource name at Google
	images   Images
	temps    map[string]string
	ids      googleads.TempIDs
}

func newBuilder(ctx context.Context, customer string, names map[string]string, images Images) *builder {
	return &builder{ctx: ctx, customer: customer, names: names, images: images, temps: map[string]string{}}
}

// collections of the resources other operations refer to, by kind.
var collections = map[Kind]string{KindBudget: "campaignBudgets", KindCampaign: "campaigns", KindAdGroup: "adGroups",
	KindAsset: "assets", KindAssetGroup: "assetGroups"}

func (b *builder) temp(c Change) string {
	coll, ok := collections[c.Kind]
	if !ok {
		return ""
	}
	name := googleads.Name(b.customer, coll, b.ids.Next())
	b.temps[c.Key] = name
	return name
}

// ref is the name of the resource key refers to: created in this request,
// or at Google already.
func (b *builder) ref(k string) (string, error) {
	if n, ok := b.temps[k]; ok {
		return n, nil
	}
	if n, ok := b.names[k]; ok {
		return n, nil
	}
	return "", fmt.Errorf("publishing: %s refers to %s, which is neither at Google nor created before it", b.customer, k)
}

// build makes the request of changes.
func (b *builder) build(changes []Change) (request, error) {
	r := request{changes: changes}
	for _, c := range changes {
		op, err := b.op(c)
		if err != nil {
			return r, err
		}
		r.ops = append(r.ops, op)
	}
	return r, nil
}

func (b *builder) op(c Change) (googleads.MutateOperation, error) {
	e := c.Entity
	switch c.Action {
	case Remove:
		name, ok := b.names[c.Key]
		if !ok {
			return googleads.MutateOperation{}, fmt.Errorf("publishing: remove %s: no resource name stored", c.Key)
		}
		return googleads.Remove(name), nil
	case Update:
		name, ok := b.names[c.Key]
		if !ok {
			return googleads.MutateOperation{}, fmt.Errorf("publishing: update %s: no resource name stored", c.Key)
		}
		return b.update(name, c)
	}
	parent := ""
	if e.Parent != "" {
		var err error
		if parent, err = b.ref(e.Parent); err != nil {
			return googleads.MutateOperation{}, err
		}
	}
	switch c.Kind {
	case KindBudget:
		return googleads.Create(googleads.CampaignBudget{ResourceName: b.temp(c), Name: e.Name, AmountMicros: googleads.Int64(e.AmountMicros),
			DeliveryMethod: googleads.DeliveryStandard, ExplicitlyShared: googleads.Bool(false)}), nil
	case KindCampaign:
		camp := googleads.Campaign{ResourceName: b.temp(c), Name: e.Name, Status: googleads.CampaignStatus(e.Status),
			AdvertisingChannelType: googleads.AdvertisingChannelType(e.Channel), CampaignBudget: parent,
			ContainsEUPoliticalAdvertising: euDeclaration(e.EUPolitical)}
		bid(&camp, e)
		if e.StartDate != "" {
			camp.StartDateTime = e.StartDate + " 00:00:00"
		}
		if e.EndDate != "" {
			camp.EndDateTime = endDateTime(e.EndDate)
		}
		if e.Channel == string(googleads.ChannelPerformanceMax) {
			// Business name and logo stay with the asset groups, where our
			// campaigns keep them.
			camp.BrandGuidelinesEnabled = googleads.Bool(false)
		} else {
			camp.NetworkSettings = &googleads.NetworkSettings{TargetGoogleSearch: googleads.Bool(true), TargetSearchNetwork: googleads.Bool(true),
				TargetContentNetwork: googleads.Bool(false), TargetPartnerSearchNetwork: googleads.Bool(false)}
		}
		return googleads.Create(camp), nil
	case KindLanguage:
		return googleads.Create(googleads.CampaignCriterion{Campaign: parent, Language: &googleads.LanguageInfo{LanguageConstant: e.Constant}}), nil
	case KindLocation:
		return googleads.Create(googleads.CampaignCriterion{Campaign: parent, Location: &googleads.LocationInfo{GeoTargetConstant: e.Constant}}), nil
	case KindAdGroup:
		return googleads.Create(googleads.AdGroup{ResourceName: b.temp(c), Campaign: parent, Name: e.Name, Status: googleads.AdGroupStatus(e.Status),
			Type: googleads.AdGroupSearchStandard, CPCBidMicros: googleads.Int64(e.CPCBidMicros)}), nil
	case KindKeyword:
		crit := googleads.AdGroupCriterion{AdGroup: parent, Keyword: &googleads.KeywordInfo{Text: e.Text, MatchType: googleads.KeywordMatchType(e.MatchType)}}
		if e.Negative {
			crit.Negative = googleads.Bool(true)
		} else {
			crit.Status = googleads.CriterionStatus(e.Status)
		}
		return googleads.Create(crit), nil
	case KindAd:
		rsa := &googleads.ResponsiveSearchAdInfo{Path1: e.Path1, Path2: e.Path2}
		for _, h := range e.Headlines {
			rsa.Headlines = append(rsa.Headlines, googleads.AdTextAsset{Text: h.Text, PinnedField: googleads.ServedAssetFieldType(h.Pin)})
		}
		for _, d := range e.Descriptions {
			rsa.Descriptions = append(rsa.Descriptions, googleads.AdTextAsset{Text: d.Text, PinnedField: googleads.ServedAssetFieldType(d.Pin)})
		}
		return googleads.Create(googleads.AdGroupAd{AdGroup: parent, Status: googleads.AdGroupAdStatus(e.Status),
			Ad: &googleads.Ad{FinalURLs: e.FinalURLs, ResponsiveSearchAd: rsa}}), nil
	case KindAsset:
		if e.AssetType == "TEXT" {
			return googleads.Create(googleads.Asset{ResourceName: b.temp(c), TextAsset: &googleads.TextAsset{Text: e.Text}}), nil
		}
		data, err := b.images(b.ctx, e.ID)
		if err != nil {
			return googleads.MutateOperation{}, fmt.Errorf("publishing: image asset %d: %w", e.ID, err)
		}
		return googleads.Create(googleads.Asset{ResourceName: b.temp(c), Name: e.Name, ImageAsset: &googleads.ImageAsset{Data: data}}), nil
	case KindAssetGroup:
		return googleads.Create(googleads.AssetGroup{ResourceName: b.temp(c), Campaign: parent, Name: e.Name, FinalURLs: e.FinalURLs,
			Path1: e.Path1, Path2: e.Path2, Status: googleads.AssetGroupStatus(e.Status)}), nil
	case KindGroupAsset:
		asset, err := b.ref(e.Asset)
		if err != nil {
			return googleads.MutateOperation{}, err
		}
		return googleads.Create(googleads.AssetGroupAsset{AssetGroup: parent, Asset: asset, FieldType: googleads.AssetFieldType(e.FieldType)}), nil
	}
	return googleads.MutateOperation{}, fmt.Errorf("publishing: cannot create %s", c.Kind)
}

func (b *builder) update(name string, c Change) (googleads.MutateOperation, error) {
	// Only the fields of the mask are sent: the others would be ignored.
	e := c.Entity
	set := map[string]bool{}
	for _, f := range c.Fields {
		set[f] = true
	}
	str := func(field, v string) string {
		if set[field] {
			return v
		}
		return ""
	}
	num := func(field string, v int64) googleads.Int64 {
		if set[field] {
			return googleads.Int64(v)
		}
		return 0
	}
	switch c.Kind {
	case KindBudget:
		return googleads.Update(googleads.CampaignBudget{ResourceName: name, Name: str("name", e.Name), AmountMicros: num("amount_micros", e.AmountMicros)}, c.Fields...), nil
	case KindCampaign:
		camp := googleads.Campaign{ResourceName: name, Name: str("name", e.Name), Status: googleads.CampaignStatus(str("status", e.Status))}
		if set["contains_eu_political_advertising"] {
			camp.ContainsEUPoliticalAdvertising = euDeclaration(e.EUPolitical)
		}
		if set[biddingField(e)] {
			bid(&camp, e)
		}
		if set["start_date_time"] {
			camp.StartDateTime = e.StartDate + " 00:00:00"
		}
		if set["end_date_time"] {
			camp.EndDateTime = endDateTime(e.EndDate)
		}
		return googleads.Update(camp, c.Fields...), nil
	case KindAdGroup:
		return googleads.Update(googleads.AdGroup{ResourceName: name, Name: str("name", e.Name), Status: googleads.AdGroupStatus(str("status", e.Status)),
			CPCBidMicros: num("cpc_bid_micros", e.CPCBidMicros)}, c.Fields...), nil
	case KindKeyword:
		return googleads.Update(googleads.AdGroupCriterion{ResourceName: name, Status: googleads.CriterionStatus(e.Status)}, c.Fields...), nil
	case KindAd:
		return googleads.Update(googleads.AdGroupAd{ResourceName: name, Status: googleads.AdGroupAdStatus(e.Status)}, c.Fields...), nil
	case KindAssetGroup:
		g := googleads.AssetGroup{ResourceName: name, Name: str("name", e.Name), Path1: str("path1", e.Path1), Path2: str("path2", e.Path2),
			Status: googleads.AssetGroupStatus(str("status", e.Status))}
		if set["final_urls"] {
			g.FinalURLs = e.FinalURLs
		}
		return googleads.Update(g, c.Fields...), nil
	}
	return googleads.MutateOperation{}, fmt.Errorf("publishing: cannot update %s", c.Kind)
}

// bid sets a new campaign's bidding strategy (one of the proto's oneof):
// target CPA and target ROAS are maximize conversions and maximize
// conversion value with their target. A campaign stored before strategies
// were kept bids as publishing always did: maximize conversions for
// Performance Max, maximize clicks for search.
func bid(camp *googleads.Campaign, e Entity) {
	switch effectiveStrategy(e) {
	case campaigns.MaximizeConversions:
		camp.MaximizeConversions = &googleads.MaximizeConversions{}
	case campaigns.TargetCPA:
		camp.MaximizeConversions = &googleads.MaximizeConversions{TargetCPAMicros: googleads.Int64(e.TargetCPAMicros)}
	case campaigns.MaximizeConversionValue:
		camp.MaximizeConversionValue = &googleads.MaximizeConversionValue{}
	case campaigns.TargetROAS:
		camp.MaximizeConversionValue = &googleads.MaximizeConversionValue{TargetROAS: e.TargetROAS}
	case campaigns.ManualCPC:
		camp.ManualCPC = &googleads.ManualCPC{}
	default:
		camp.TargetSpend = &googleads.TargetSpend{} // "maximize clicks"
	}
}

// effectiveStrategy is the strategy a campaign bids with at Google: its own,
// or for one stored before strategies were kept, the one publishing sent.
func effectiveStrategy(e Entity) string {
	if e.Bidding != "" {
		return e.Bidding
	}
	if e.Channel == string(googleads.ChannelPerformanceMax) {
		return campaigns.MaximizeConversions
	}
	return campaigns.MaximizeClicks
}

// noEnd is the end Google gives a campaign that runs without one: an
// update sets it to take an end back.
const noEnd = "2037-12-30 23:59:59"

// endDateTime is the end of a campaign's last day, or noEnd without one.
func endDateTime(day string) string {
	if day == "" {
		return noEnd
	}
	return day + " 23:59:59"
}

func euDeclaration(contains bool) googleads.EUPoliticalAdvertisingStatus {
	if contains {
		return googleads.ContainsEUPoliticalAdvertising
	}
	return googleads.DoesNotContainEUPoliticalAdvertising
}
