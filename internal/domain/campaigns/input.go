package campaigns

import "github.com/imaphub/imaphub/internal/domain/assets"

// CampaignInput creates a campaign.
type CampaignInput struct {
	Name         string   `json:"name" minLength:"1" maxLength:"255" doc:"Unique campaign name"`
	Type         string   `json:"type" enum:"SEARCH,PERFORMANCE_MAX"`
	BudgetMicros int64    `json:"budget_micros" minimum:"0" maximum:"1000000000000000" doc:"Daily budget in micros (1.50 EUR = 1500000)"`
	Currency     string   `json:"currency" pattern:"^[A-Z]{3}$" doc:"ISO 4217 code, e.g. EUR"`
	Languages    []string `json:"languages,omitempty" maxItems:"50" doc:"Targeted languages (BCP 47), e.g. [\"de\"]"`
	Locations    []string `json:"locations,omitempty" maxItems:"500" doc:"Targeted locations: ISO 3166 country codes or Google geo target IDs"`
	FinalURL     string   `json:"final_url,omitempty" maxLength:"2048" doc:"Landing page, http(s)"`
	Brief        *Brief   `json:"brief,omitempty"`
	Bidding
}

// Bidding is a campaign's bidding strategy and run as a request gives them;
// absent fields stay as they are (a new campaign: the type's default
// strategy, no dates). An empty date removes it.
type Bidding struct {
	BiddingStrategy *string  `json:"bidding_strategy,omitempty" enum:"MAXIMIZE_CONVERSIONS,MAXIMIZE_CONVERSION_VALUE,TARGET_CPA,TARGET_ROAS,MAXIMIZE_CLICKS,MANUAL_CPC" doc:"Google Ads bidding strategy; Performance Max takes the conversion strategies only. A new campaign without one: MAXIMIZE_CLICKS (search), MAXIMIZE_CONVERSIONS (Performance Max)"`
	TargetCPAMicros *int64   `json:"target_cpa_micros,omitempty" minimum:"1" doc:"The target cost per conversion in micros; required by TARGET_CPA, refused with other strategies"`
	TargetROAS      *float64 `json:"target_roas,omitempty" exclusiveMinimum:"0" maximum:"1000" doc:"The target return on ad spend (3.5 = 350 %); required by TARGET_ROAS, refused with other strategies"`
	StartDate       *string  `json:"start_date,omitempty" maxLength:"10" doc:"First day the campaign runs, YYYY-MM-DD; empty removes it"`
	EndDate         *string  `json:"end_date,omitempty" maxLength:"10" doc:"Last day the campaign runs, YYYY-MM-DD, not before start_date; empty removes it"`
}

// CampaignPatch changes a campaign; absent fields stay as they are.
type CampaignPatch struct {
	Name         *string  `json:"name,omitempty" minLength:"1" maxLength:"255"`
	BudgetMicros *int64   `json:"budget_micros,omitempty" minimum:"0" maximum:"1000000000000000"`
	Currency     *string  `json:"currency,omitempty" pattern:"^[A-Z]{3}$"`
	Languages    []string `json:"languages,omitempty" maxItems:"50"`
	Locations    []string `json:"locations,omitempty" maxItems:"500"`
	FinalURL     *string  `json:"final_url,omitempty" maxLength:"2048"`
	Brief        *Brief   `json:"brief,omitempty"`
	Bidding
}

// AdGroupInput creates an ad group.
type AdGroupInput struct {
	CampaignID   int64  `json:"campaign_id" minimum:"1"`
	Name         string `json:"name" minLength:"1" maxLength:"255"`
	Status       string `json:"status,omitempty" enum:"ENABLED,PAUSED" default:"ENABLED"`
	CPCBidMicros *int64 `json:"cpc_bid_micros,omitempty" minimum:"0"`
}

// AdGroupPatch changes an ad group.
type AdGroupPatch struct {
	Name         *string `json:"name,omitempty" minLength:"1" maxLength:"255"`
	Status       *string `json:"status,omitempty" enum:"ENABLED,PAUSED"`
	CPCBidMicros *int64  `json:"cpc_bid_micros,omitempty" minimum:"0"`
}

// KeywordInput creates a keyword.
type KeywordInput struct {
	AdGroupID int64  `json:"ad_group_id" minimum:"1"`
	Text      string `json:"text" minLength:"1" doc:"The keyword without match-type punctuation"`
	MatchType string `json:"match_type" enum:"EXACT,PHRASE,BROAD"`
	Negative  bool   `json:"negative,omitempty"`
	Status    string `json:"status,omitempty" enum:"ENABLED,PAUSED" default:"ENABLED"`
}

// KeywordPatch changes a keyword.
type KeywordPatch struct {
	Text      *string `json:"text,omitempty" minLength:"1"`
	MatchType *string `json:"match_type,omitempty" enum:"EXACT,PHRASE,BROAD"`
	Negative  *bool   `json:"negative,omitempty"`
	Status    *string `json:"status,omitempty" enum:"ENABLED,PAUSED"`
}

// AdTextInput is a headline or description given as text.
type AdTextInput struct {
	Text        string `json:"text" minLength:"1" maxLength:"200"`
	PinnedField string `json:"pinned_field,omitempty"`
	// Provenance records how a generated text was made; nil is a person's
	// text. Not part of the API: only generation sets it.
	Provenance *assets.Provenance `json:"-"`
}

// AdInput creates a responsive search ad with its texts in one transaction.
type AdInput struct {
	AdGroupID    int64         `json:"ad_group_id" minimum:"1"`
	FinalURLs    []string      `json:"final_urls" minItems:"1" maxItems:"10"`
	Path1        string        `json:"path1,omitempty"`
	Path2        string        `json:"path2,omitempty"`
	Status       string        `json:"status,omitempty" enum:"ENABLED,PAUSED" default:"ENABLED"`
	Headlines    []AdTextInput `json:"headlines,omitempty"`
	Descriptions []AdTextInput `json:"descriptions,omitempty"`
}

// AdPatch changes an ad. Headlines or descriptions, when given, replace the
// ad's current ones.
type AdPatch struct {
	FinalURLs    []string      `json:"final_urls,omitempty" minItems:"1" maxItems:"10"`
	Path1        *string       `json:"path1,omitempty"`
	Path2        *string       `json:"path2,omitempty"`
	Status       *string       `json:"status,omitempty" enum:"ENABLED,PAUSED"`
	Headlines    []AdTextInput `json:"headlines,omitempty"`
	Descriptions []AdTextInput `json:"descriptions,omitempty"`
}

// AdTexts are the headlines and descriptions of a responsive search ad, in
// order, with their pins, and optionally its display paths: what replacing an
// ad's texts writes.
type AdTexts struct {
	Headlines    []AdTextInput `json:"headlines" nullable:"false" doc:"Every headline of the ad, in order; texts already linked keep their links"`
	Descriptions []AdTextInput `json:"descriptions" nullable:"false" doc:"Every description of the ad, in order"`
	Path1        *string       `json:"path1,omitempty" doc:"The first display path; absent leaves it as it is"`
	Path2        *string       `json:"path2,omitempty" doc:"The second display path; absent leaves it as it is"`
}

// GroupTextInput is a text of a Performance Max asset group.
type GroupTextInput struct {
	Text string `json:"text" minLength:"1" maxLength:"200"`
	// Provenance is as in AdTextInput.
	Provenance *assets.Provenance `json:"-"`
}

// AssetGroupTexts are the text assets of a Performance Max asset group, in
// order: what replacing an asset group's texts writes. Its images are no
// part of them.
type AssetGroupTexts struct {
	Headlines     []GroupTextInput `json:"headlines" nullable:"false" doc:"Every headline, in order; texts already linked keep their links"`
	LongHeadlines []GroupTextInput `json:"long_headlines" nullable:"false" doc:"Every long headline, in order"`
	Descriptions  []GroupTextInput `json:"descriptions" nullable:"false" doc:"Every description, in order"`
	BusinessName  *GroupTextInput  `json:"business_name,omitempty" doc:"The business name; absent: the group has none"`
}

// AssetGroupInput creates a Performance Max asset group.
type AssetGroupInput struct {
	CampaignID int64    `json:"campaign_id" minimum:"1"`
	Name       string   `json:"name" minLength:"1" maxLength:"255"`
	FinalURLs  []string `json:"final_urls" minItems:"1" maxItems:"10"`
	Path1      string   `json:"path1,omitempty"`
	Path2      string   `json:"path2,omitempty"`
	Status     string   `json:"status,omitempty" enum:"ENABLED,PAUSED" default:"ENABLED"`
}

// AssetGroupPatch changes an asset group.
type AssetGroupPatch struct {
	Name      *string  `json:"name,omitempty" minLength:"1" maxLength:"255"`
	FinalURLs []string `json:"final_urls,omitempty" minItems:"1" maxItems:"10"`
	Path1     *string  `json:"path1,omitempty"`
	Path2     *string  `json:"path2,omitempty"`
	Status    *string  `json:"status,omitempty" enum:"ENABLED,PAUSED"`
}
