// Package campaigns owns the campaign hierarchy — campaigns, ad groups,
// keywords, responsive search ads and Performance Max asset groups — and its
// composition: which assets each ad and asset group uses (the asset_links
// table: links, pins, positions, caps), the checks their texts pass with the
// campaign's brief, the lifecycle state machine that guards every change, and
// the campaign tree. Assets themselves belong to the asset library; this
// slice stores texts through it and links them.
package campaigns

import (
	"time"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/domain/policy/strength"
)

// Campaign types we build.
const (
	TypeSearch = "SEARCH"
	TypePMax   = "PERFORMANCE_MAX"
)

// Brief is what the marketer asks for; the wizard writes copy from it. It is
// stored as JSON with the campaign.
type Brief struct {
	Product       string   `json:"product,omitempty" maxLength:"500" doc:"What is advertised"`
	Audience      string   `json:"audience,omitempty" maxLength:"500"`
	SellingPoints []string `json:"selling_points,omitempty" maxItems:"20" doc:"Unique selling points, one per item"`
	Keywords      []string `json:"keywords,omitempty" maxItems:"200"`
	LandingPage   string   `json:"landing_page,omitempty" maxLength:"2048"`
	Language      string   `json:"language,omitempty" maxLength:"35" doc:"BCP 47 language of the copy, e.g. de, en, ja"`
	Tone          string   `json:"tone,omitempty" maxLength:"200"`
	BrandTerms    []string `json:"brand_terms,omitempty" maxItems:"100" doc:"Brand names, acronyms and coupon codes allowed as written"`
	BannedTerms   []string `json:"banned_terms,omitempty"` // doc and bound: schema.go
	BusinessName  string   `json:"business_name,omitempty"`
	Notes         string   `json:"notes,omitempty" maxLength:"4000"`
	StyleExamples string   `json:"style_examples,omitempty" enum:"campaign,account,none" doc:"Show the model the best-performing texts of this campaign or of the whole account as examples of style (none: no examples)"`
}

// Campaign is the top of the hierarchy.
type Campaign struct {
	ID            int64    `json:"id"`
	Name          string   `json:"name"`
	Type          string   `json:"type" enum:"SEARCH,PERFORMANCE_MAX"`
	State         State    `json:"state" enum:"draft,generating,review,approved,publishing,published,failed,paused,archived"`
	AllowedEvents []Event  `json:"allowed_events" doc:"Lifecycle events legal in the current state"`
	BudgetMicros  int64    `json:"budget_micros" doc:"Daily budget in millionths of the currency unit"`
	Currency      string   `json:"currency"`
	Languages     []string `json:"languages"`
	Locations     []string `json:"locations"`
	FinalURL      string   `json:"final_url"`
	// Bidding and the campaign's run: see bidding.go.
	BiddingStrategy string    `json:"bidding_strategy" enum:"MAXIMIZE_CONVERSIONS,MAXIMIZE_CONVERSION_VALUE,TARGET_CPA,TARGET_ROAS,MAXIMIZE_CLICKS,MANUAL_CPC" doc:"Google Ads bidding strategy"`
	TargetCPAMicros *int64    `json:"target_cpa_micros,omitempty" doc:"TARGET_CPA: the target cost per conversion in micros"`
	TargetROAS      *float64  `json:"target_roas,omitempty" doc:"TARGET_ROAS: the target return on ad spend (3.5 = 350 %)"`
	StartDate       string    `json:"start_date,omitempty" doc:"First day the campaign runs (YYYY-MM-DD, the account's time zone); absent: from publishing on"`
	EndDate         string    `json:"end_date,omitempty" doc:"Last day the campaign runs (YYYY-MM-DD); absent: no end"`
	Brief           Brief     `json:"brief"`
	Version         int64     `json:"version" doc:"Row version; the ETag"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// AdGroup is a set of keywords and the ads shown for them (search campaigns).
type AdGroup struct {
	ID           int64     `json:"id"`
	CampaignID   int64     `json:"campaign_id"`
	Name         string    `json:"name"`
	Status       string    `json:"status" enum:"ENABLED,PAUSED"`
	CPCBidMicros *int64    `json:"cpc_bid_micros,omitempty"`
	Version      int64     `json:"version"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Keyword is a search term with its match type; negative keywords exclude searches.
type Keyword struct {
	ID        int64     `json:"id"`
	AdGroupID int64     `json:"ad_group_id"`
	Text      string    `json:"text"`
	MatchType string    `json:"match_type" enum:"EXACT,PHRASE,BROAD"`
	Negative  bool      `json:"negative"`
	Status    string    `json:"status" enum:"ENABLED,PAUSED"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at,omitzero" doc:"Absent in a campaign tree"`
	UpdatedAt time.Time `json:"updated_at,omitzero" doc:"Absent in a campaign tree"`
}

// AdText is one headline or description of a responsive search ad: a link to
// a text asset, with an optional pin.
type AdText struct {
	LinkID      int64  `json:"link_id"`
	AssetID     int64  `json:"asset_id"`
	Text        string `json:"text"`
	PinnedField string `json:"pinned_field,omitempty"`
}

// Ad is a responsive search ad.
type Ad struct {
	ID           int64    `json:"id"`
	AdGroupID    int64    `json:"ad_group_id"`
	CampaignID   int64    `json:"campaign_id"`
	FinalURLs    []string `json:"final_urls"`
	Path1        string   `json:"path1"`
	Path2        string   `json:"path2"`
	Status       string   `json:"status" enum:"ENABLED,PAUSED"`
	Headlines    []AdText `json:"headlines"`
	Descriptions []AdText `json:"descriptions"`
	// AdStrength is the estimate of Google's Ad Strength for the texts above.
	AdStrength *strength.AdStrength `json:"ad_strength,omitempty" doc:"Estimated Ad Strength of the texts, with what would raise it"`
	Version    int64                `json:"version"`
	CreatedAt  time.Time            `json:"created_at"`
	UpdatedAt  time.Time            `json:"updated_at"`
}

// GroupAsset is an asset linked to a Performance Max asset group.
type GroupAsset struct {
	LinkID    int64  `json:"link_id"`
	AssetID   int64  `json:"asset_id"`
	FieldType string `json:"field_type"`
	Type      string `json:"type" enum:"TEXT,IMAGE"`
	Text      string `json:"text,omitempty"`
	MimeType  string `json:"mime_type,omitempty"`
	Width     int    `json:"width,omitempty"`
	Height    int    `json:"height,omitempty"`
}

// AssetGroup is a Performance Max asset group.
type AssetGroup struct {
	ID         int64        `json:"id"`
	CampaignID int64        `json:"campaign_id"`
	Name       string       `json:"name"`
	FinalURLs  []string     `json:"final_urls"`
	Path1      string       `json:"path1"`
	Path2      string       `json:"path2"`
	Status     string       `json:"status" enum:"ENABLED,PAUSED"`
	Assets     []GroupAsset `json:"assets,omitempty"`
	// AdStrength is the estimate of Google's Ad Strength for the assets
	// above; absent where the assets are (asset group lists).
	AdStrength *strength.AdStrength `json:"ad_strength,omitempty" doc:"Estimated Ad Strength of the assets, with what would raise it; absent where the assets are"`
	Version    int64                `json:"version"`
	CreatedAt  time.Time            `json:"created_at"`
	UpdatedAt  time.Time            `json:"updated_at"`
}

// Tree is a whole campaign in one document.
type Tree struct {
	Campaign    Campaign         `json:"campaign"`
	AdGroups    []AdGroupTree    `json:"ad_groups"`
	AssetGroups []AssetGroup     `json:"asset_groups"`
	Counts      map[string]int64 `json:"counts"`
}

// AdGroupTree is an ad group with its keywords and ads.
type AdGroupTree struct {
	AdGroup
	Keywords []Keyword `json:"keywords"`
	Ads      []Ad      `json:"ads"`
}

// OwnerKind names what links assets: a responsive search ad or a Performance
// Max asset group.
type OwnerKind string

const (
	AdOwner         OwnerKind = "ad"
	AssetGroupOwner OwnerKind = "asset_group"
)

// noun is the owner kind as the messages name it.
func (k OwnerKind) noun() string {
	if k == AdOwner {
		return "ad"
	}
	return "asset group"
}

// column is the asset_links column of the owner kind (trusted text).
func (k OwnerKind) column() string {
	if k == AdOwner {
		return "ad_id"
	}
	return "asset_group_id"
}

// format is the policy format whose field types, caps and pins the owner
// kind's links follow.
func (k OwnerKind) format() *policy.Format {
	if k == AdOwner {
		return policy.RSAFormat
	}
	return policy.PerformanceMaxFormat
}

// Link is one uses_asset edge: an ad or an asset group uses an asset in a
// field type. CampaignID and AdGroupID are the parents of the user, kept on
// the link so where-used is one index range scan.
type Link struct {
	ID           int64     `json:"id"`
	AssetID      int64     `json:"asset_id"`
	CampaignID   int64     `json:"campaign_id"`
	AdGroupID    *int64    `json:"ad_group_id,omitempty"`
	AdID         *int64    `json:"ad_id,omitempty"`
	AssetGroupID *int64    `json:"asset_group_id,omitempty"`
	FieldType    string    `json:"field_type"`
	PinnedField  *string   `json:"pinned_field,omitempty"`
	Position     int       `json:"position"`
	CreatedAt    time.Time `json:"created_at"`
}

// LinkInput says which asset to link where. Exactly one of AdID and
// AssetGroupID is non-zero. Position orders links of one field type (ties by
// link id).
type LinkInput struct {
	AssetID            int64
	AdID, AssetGroupID int64
	FieldType          policy.Field
	PinnedField        string
	Position           int
}

// LinkChange edits a link: a pin ("" removes it) and a position; nil leaves
// the value as it is.
type LinkChange struct {
	PinnedField *string
	Position    *int
}

// LinkedAsset is a link together with the content of its asset: what an ad's
// or asset group's asset list shows.
type LinkedAsset struct {
	Link
	AssetType   string  `json:"asset_type" enum:"TEXT,IMAGE"`
	ContentHash string  `json:"content_hash"`
	Text        *string `json:"text,omitempty"`
	MimeType    *string `json:"mime_type,omitempty"`
	Width       *int    `json:"width,omitempty"`
	Height      *int    `json:"height,omitempty"`
}
