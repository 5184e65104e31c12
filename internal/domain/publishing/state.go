package publishing

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/imaphub/imaphub/internal/domain/campaigns"
)

// Kind is a type of Google Ads resource a campaign is made of.
type Kind string

const (
	KindBudget     Kind = "budget"
	KindCampaign   Kind = "campaign"
	KindLanguage   Kind = "language"
	KindLocation   Kind = "location"
	KindAdGroup    Kind = "ad_group"
	KindKeyword    Kind = "keyword"
	KindAd         Kind = "ad"
	KindAsset      Kind = "asset"
	KindAssetGroup Kind = "asset_group"
	KindGroupAsset Kind = "asset_group_asset"
)

// rank orders kinds so that a parent is created before its children.
var rank = map[Kind]int{KindBudget: 0, KindCampaign: 1, KindLanguage: 2, KindLocation: 3, KindAdGroup: 4,
	KindKeyword: 5, KindAd: 6, KindAsset: 7, KindAssetGroup: 8, KindGroupAsset: 9}

// Ref names one of our entities, as people know it: "ad 7".
type Ref struct {
	Type string `json:"type" enum:"campaign,ad_group,keyword,ad,asset_group,asset" doc:"Our entity's type"`
	ID   int64  `json:"id"`
}

// EntityText is a headline or description of a responsive search ad.
type EntityText struct {
	Text string `json:"text"`
	Pin  string `json:"pin,omitempty"`
}

// Entity is one resource of a campaign at Google Ads, as we want it
// (desired) or as we last left it (the published snapshot). Which fields
// are set depends on Kind.
type Entity struct {
	Kind   Kind   `json:"kind"`
	Key    string `json:"key"`              // "ad:7", "language:languageConstants/1001"
	Parent string `json:"parent,omitempty"` // the key of the resource it belongs to
	ID     int64  `json:"id,omitempty"`     // our id (an asset's for assets)
	Name   string `json:"name,omitempty"`
	Status string `json:"status,omitempty"` // ENABLED, PAUSED (REMOVED for a removed campaign)

	Channel     string `json:"channel,omitempty"`      // campaign
	EUPolitical bool   `json:"eu_political,omitempty"` // campaign
	// The campaign's bidding strategy with its target, and its run
	// (YYYY-MM-DD): sent when the campaign is created, updated when changed.
	Bidding         string  `json:"bidding,omitempty"`
	TargetCPAMicros int64   `json:"target_cpa_micros,omitempty"`
	TargetROAS      float64 `json:"target_roas,omitempty"`
	StartDate       string  `json:"start_date,omitempty"`
	EndDate         string  `json:"end_date,omitempty"`
	AmountMicros    int64   `json:"amount_micros,omitempty"`
	Constant        string  `json:"constant,omitempty"` // language and location criteria
	CPCBidMicros    int64   `json:"cpc_bid_micros,omitempty"`

	Text      string `json:"text,omitempty"` // keyword, text asset
	MatchType string `json:"match_type,omitempty"`
	Negative  bool   `json:"negative,omitempty"`

	FinalURLs    []string     `json:"final_urls,omitempty"` // ad, asset group
	Path1        string       `json:"path1,omitempty"`
	Path2        string       `json:"path2,omitempty"`
	Headlines    []EntityText `json:"headlines,omitempty"`
	Descriptions []EntityText `json:"descriptions,omitempty"`

	AssetType string `json:"asset_type,omitempty"` // asset: TEXT or IMAGE
	Hash      string `json:"hash,omitempty"`       // image asset: content hash
	Asset     string `json:"asset,omitempty"`      // asset group asset: the asset's key
	FieldType string `json:"field_type,omitempty"` // asset group asset

	// Owner and Field say where problems with this resource show in our
	// product: the entity people edit and its field, e.g. campaign 3,
	// languages[1] for a language criterion.
	Owner Ref    `json:"owner"`
	Field string `json:"field,omitempty"`
}

// State is a campaign's resources at Google Ads by key.
type State map[string]Entity

// Sorted returns the entities in creation order: parents before children,
// then by our ids, so that plans and golden files are stable.
func (s State) Sorted() []Entity {
	out := make([]Entity, 0, len(s))
	for _, e := range s {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Entity) int {
		if d := rank[a.Kind] - rank[b.Kind]; d != 0 {
			return d
		}
		return strings.Compare(sortKey(a), sortKey(b))
	})
	return out
}

func sortKey(e Entity) string {
	// Numbers sort as numbers: zero-padded.
	return fmt.Sprintf("%020d|%s", e.ID, e.Key)
}

// MarshalJSON writes the state as a sorted list.
func (s State) MarshalJSON() ([]byte, error) { return json.Marshal(s.Sorted()) }

// UnmarshalJSON reads a list of entities.
func (s *State) UnmarshalJSON(b []byte) error {
	var list []Entity
	if err := json.Unmarshal(b, &list); err != nil {
		return err
	}
	*s = State{}
	for _, e := range list {
		(*s)[e.Key] = e
	}
	return nil
}

// Settings are the publishing choices that are not part of the campaign.
type Settings struct {
	// EUPolitical is the campaign's declaration that it contains EU
	// political advertising (Google requires one either way).
	EUPolitical bool
	// StartEnabled creates the campaign serving (ENABLED) instead of PAUSED;
	// it matters only for the first publish.
	StartEnabled bool
}

func key(k Kind, id any) string { return string(k) + ":" + fmt.Sprint(id) }

// deref is the value p points to, or the zero value.
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// budgetName is the campaign budget's name: unique in the account (the
// campaign id) and recognisable.
func budgetName(c campaigns.Campaign) string {
	return fmt.Sprintf("%s (IMAP Hub #%d)", c.Name, c.ID)
}

// imageName names an image asset by its content, as Google refuses a second
// name for content it already holds.
func imageName(hash string) string {
	return "IMAP Hub image " + hash[:min(len(hash), 16)]
}

// groupField names the list an asset group's link belongs to in our API,
// e.g. HEADLINE → headlines.
func groupField(fieldType string) string {
	if fieldType == "BUSINESS_NAME" {
		return "business_name"
	}
	return strings.ToLower(fieldType) + "s"
}

// Desired builds the state Google Ads should hold for a campaign tree. base
// is what Google holds now (empty before the first publish): the campaign's
// status there is kept, as status changes go through pause and resume.
// hashes are the content hashes of the campaign's images by asset id (image
// assets are named by their content). Campaign fields Google cannot take (a
// language it does not target) are returned as problems.
func Desired(t campaigns.Tree, set Settings, base State, hashes map[int64]string) (State, []PublishProblem) {
	c := t.Campaign
	s := State{}
	var problems []PublishProblem
	campaignRef := Ref{Type: "campaign", ID: c.ID}
	s["budget"] = Entity{Kind: KindBudget, Key: "budget", ID: c.ID, Name: budgetName(c), AmountMicros: c.BudgetMicros,
		Owner: campaignRef, Field: "budget_micros"}
	status := "PAUSED"
	if set.StartEnabled {
		status = "ENABLED"
	}
	if old, ok := base["campaign"]; ok && old.Status != "" {
		status = old.Status
	}
	s["campaign"] = Entity{Kind: KindCampaign, Key: "campaign", Parent: "budget", ID: c.ID, Name: c.Name, Status: status,
		Channel: c.Type, EUPolitical: set.EUPolitical, Owner: campaignRef,
		Bidding: c.BiddingStrategy, TargetCPAMicros: deref(c.TargetCPAMicros), TargetROAS: deref(c.TargetROAS), StartDate: c.StartDate, EndDate: c.EndDate}
	for i, l := range c.Languages {
		constant, ok := LanguageConstant(l)
		field := fmt.Sprintf("languages[%d]", i)
		if !ok {
			problems = append(problems, localProblem(campaignRef, field, "UNKNOWN_LANGUAGE", l))
			continue
		}
		k := key(KindLanguage, constant)
		s[k] = Entity{Kind: KindLanguage, Key: k, Parent: "campaign", Constant: constant, Owner: campaignRef, Field: field}
	}
	for i, l := range c.Locations {
		constant, ok := LocationConstant(l)
		field := fmt.Sprintf("locations[%d]", i)
		if !ok {
			problems = append(problems, localProblem(campaignRef, field, "UNKNOWN_LOCATION", l))
			continue
		}
		k := key(KindLocation, constant)
		s[k] = Entity{Kind: KindLocation, Key: k, Parent: "campaign", Constant: constant, Owner: campaignRef, Field: field}
	}
	for _, g := range t.AdGroups {
		gk := key(KindAdGroup, g.ID)
		var bid int64
		if g.CPCBidMicros != nil {
			bid = *g.CPCBidMicros
		}
		s[gk] = Entity{Kind: KindAdGroup, Key: gk, Parent: "campaign", ID: g.ID, Name: g.Name, Status: g.Status, CPCBidMicros: bid,
			Owner: Ref{Type: "ad_group", ID: g.ID}}
		for _, k := range g.Keywords {
			kk := key(KindKeyword, k.ID)
			status := k.Status
			if k.Negative {
				status = "" // negative criteria have no status to set
			}
			s[kk] = Entity{Kind: KindKeyword, Key: kk, Parent: gk, ID: k.ID, Text: k.Text, MatchType: k.MatchType, Negative: k.Negative,
				Status: status, Owner: Ref{Type: "keyword", ID: k.ID}}
		}
		for _, a := range g.Ads {
			ak := key(KindAd, a.ID)
			e := Entity{Kind: KindAd, Key: ak, Parent: gk, ID: a.ID, Status: a.Status, FinalURLs: a.FinalURLs, Path1: a.Path1, Path2: a.Path2,
				Owner: Ref{Type: "ad", ID: a.ID}}
			for _, h := range a.Headlines {
				e.Headlines = append(e.Headlines, EntityText{Text: h.Text, Pin: h.PinnedField})
			}
			for _, d := range a.Descriptions {
				e.Descriptions = append(e.Descriptions, EntityText{Text: d.Text, Pin: d.PinnedField})
			}
			s[ak] = e
		}
	}
	for _, g := range t.AssetGroups {
		gk := key(KindAssetGroup, g.ID)
		owner := Ref{Type: "asset_group", ID: g.ID}
		s[gk] = Entity{Kind: KindAssetGroup, Key: gk, Parent: "campaign", ID: g.ID, Name: g.Name, Status: g.Status,
			FinalURLs: g.FinalURLs, Path1: g.Path1, Path2: g.Path2, Owner: owner}
		index := map[string]int{}
		for _, a := range g.Assets {
			field := fmt.Sprintf("%s[%d]", groupField(a.FieldType), index[a.FieldType])
			if a.FieldType == "BUSINESS_NAME" {
				field = "business_name"
			}
			index[a.FieldType]++
			ak := key(KindAsset, a.AssetID)
			if _, ok := s[ak]; !ok { // a problem with an asset shows at its first use
				asset := Entity{Kind: KindAsset, Key: ak, ID: a.AssetID, AssetType: a.Type, Owner: owner, Field: field}
				if a.Type == "TEXT" {
					asset.Text = a.Text
				} else {
					asset.Hash = hashes[a.AssetID]
					asset.Name = imageName(asset.Hash)
				}
				s[ak] = asset
			}
			lk := fmt.Sprintf("%s:%d:%d:%s", KindGroupAsset, g.ID, a.AssetID, a.FieldType)
			s[lk] = Entity{Kind: KindGroupAsset, Key: lk, Parent: gk, ID: a.LinkID, Asset: ak, FieldType: a.FieldType, Owner: owner, Field: field}
		}
	}
	return s, problems
}

// children lists the keys of the entities directly under key.
func (s State) children(parent string) []string {
	var out []string
	for k, e := range s {
		if e.Parent == parent {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
