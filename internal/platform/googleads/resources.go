package googleads

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Int64 is a proto int64: the REST API carries it as a JSON string
// ("50000000"); it also reads a JSON number.
type Int64 int64

// MarshalJSON writes the string form.
func (i Int64) MarshalJSON() ([]byte, error) {
	return []byte(`"` + strconv.FormatInt(int64(i), 10) + `"`), nil
}

// UnmarshalJSON reads "123" or 123.
func (i *Int64) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "null" || s == "" {
		*i = 0
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("int64 %s: %w", b, err)
	}
	*i = Int64(n)
	return nil
}

// Bool returns a pointer to b, for the optional bool fields.
func Bool(b bool) *bool { return &b }

// Enums used by the resources below, with the values we send. The names are
// Google's (proto enum value names); the API accepts and returns them as
// JSON strings.
type (
	CampaignStatus               string
	AdvertisingChannelType       string
	BudgetDeliveryMethod         string
	BudgetPeriod                 string
	EUPoliticalAdvertisingStatus string
	PositiveGeoTargetType        string
	NegativeGeoTargetType        string
	AdGroupStatus                string
	AdGroupType                  string
	AdGroupAdStatus              string
	CriterionStatus              string // ad group and campaign criteria
	KeywordMatchType             string
	ServedAssetFieldType         string
	AssetFieldType               string
	AssetGroupStatus             string
	AssetLinkStatus              string
	MimeType                     string
	ResponseContentType          string
)

const (
	CampaignEnabled CampaignStatus = "ENABLED"
	CampaignPaused  CampaignStatus = "PAUSED"
	CampaignRemoved CampaignStatus = "REMOVED"

	ChannelSearch         AdvertisingChannelType = "SEARCH"
	ChannelPerformanceMax AdvertisingChannelType = "PERFORMANCE_MAX"

	DeliveryStandard    BudgetDeliveryMethod = "STANDARD"
	DeliveryAccelerated BudgetDeliveryMethod = "ACCELERATED"

	PeriodDaily BudgetPeriod = "DAILY"

	// ContainsEUPoliticalAdvertising and DoesNotContainEUPoliticalAdvertising
	// are the self-declaration every new campaign must carry.
	ContainsEUPoliticalAdvertising       EUPoliticalAdvertisingStatus = "CONTAINS_EU_POLITICAL_ADVERTISING"
	DoesNotContainEUPoliticalAdvertising EUPoliticalAdvertisingStatus = "DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING"

	PositivePresenceOrInterest PositiveGeoTargetType = "PRESENCE_OR_INTEREST"
	PositivePresence           PositiveGeoTargetType = "PRESENCE"
	NegativePresence           NegativeGeoTargetType = "PRESENCE"

	AdGroupEnabled AdGroupStatus = "ENABLED"
	AdGroupPaused  AdGroupStatus = "PAUSED"

	AdGroupSearchStandard AdGroupType = "SEARCH_STANDARD"

	AdEnabled AdGroupAdStatus = "ENABLED"
	AdPaused  AdGroupAdStatus = "PAUSED"

	CriterionEnabled CriterionStatus = "ENABLED"
	CriterionPaused  CriterionStatus = "PAUSED"

	MatchExact  KeywordMatchType = "EXACT"
	MatchPhrase KeywordMatchType = "PHRASE"
	MatchBroad  KeywordMatchType = "BROAD"

	PinHeadline1    ServedAssetFieldType = "HEADLINE_1"
	PinHeadline2    ServedAssetFieldType = "HEADLINE_2"
	PinHeadline3    ServedAssetFieldType = "HEADLINE_3"
	PinDescription1 ServedAssetFieldType = "DESCRIPTION_1"
	PinDescription2 ServedAssetFieldType = "DESCRIPTION_2"

	FieldHeadline             AssetFieldType = "HEADLINE"
	FieldLongHeadline         AssetFieldType = "LONG_HEADLINE"
	FieldDescription          AssetFieldType = "DESCRIPTION"
	FieldBusinessName         AssetFieldType = "BUSINESS_NAME"
	FieldMarketingImage       AssetFieldType = "MARKETING_IMAGE"
	FieldSquareMarketingImage AssetFieldType = "SQUARE_MARKETING_IMAGE"
	FieldPortraitImage        AssetFieldType = "PORTRAIT_MARKETING_IMAGE"
	FieldLogo                 AssetFieldType = "LOGO"
	FieldLandscapeLogo        AssetFieldType = "LANDSCAPE_LOGO"

	AssetGroupEnabled AssetGroupStatus = "ENABLED"
	AssetGroupPaused  AssetGroupStatus = "PAUSED"

	LinkEnabled AssetLinkStatus = "ENABLED"
	LinkPaused  AssetLinkStatus = "PAUSED"

	MimeJPEG MimeType = "IMAGE_JPEG"
	MimePNG  MimeType = "IMAGE_PNG"
	MimeGIF  MimeType = "IMAGE_GIF"

	// ResourceNameOnly (the default) answers each operation with its
	// resource name; MutableResource adds the resource as stored.
	ResourceNameOnly ResponseContentType = "RESOURCE_NAME_ONLY"
	MutableResource  ResponseContentType = "MUTABLE_RESOURCE"
)

// The resources below follow google/ads/googleads/v25/resources/*.proto,
// with the fields a Search or Performance Max campaign needs. JSON names are
// the proto names in lowerCamelCase. Fields marked "output" are filled by
// Google in results and searches and are not sent.

// CampaignBudget is resources/campaign_budget.proto.
type CampaignBudget struct {
	ResourceName string `json:"resourceName,omitempty"`
	ID           Int64  `json:"id,omitempty"` // output
	Name         string `json:"name,omitempty"`
	// AmountMicros is the daily amount in millionths of the account currency.
	AmountMicros   Int64                `json:"amountMicros,omitempty"`
	DeliveryMethod BudgetDeliveryMethod `json:"deliveryMethod,omitempty"`
	// ExplicitlyShared false makes a budget only one campaign may use.
	ExplicitlyShared *bool        `json:"explicitlyShared,omitempty"`
	Period           BudgetPeriod `json:"period,omitempty"` // immutable
	Status           string       `json:"status,omitempty"` // output
}

// Campaign is resources/campaign.proto.
type Campaign struct {
	ResourceName           string                 `json:"resourceName,omitempty"`
	ID                     Int64                  `json:"id,omitempty"` // output
	Name                   string                 `json:"name,omitempty"`
	Status                 CampaignStatus         `json:"status,omitempty"`
	AdvertisingChannelType AdvertisingChannelType `json:"advertisingChannelType,omitempty"` // immutable
	CampaignBudget         string                 `json:"campaignBudget,omitempty"`
	NetworkSettings        *NetworkSettings       `json:"networkSettings,omitempty"`
	GeoTargetTypeSetting   *GeoTargetTypeSetting  `json:"geoTargetTypeSetting,omitempty"`
	// StartDateTime and EndDateTime are "yyyy-MM-dd HH:mm:ss" in the
	// account's time zone.
	StartDateTime  string `json:"startDateTime,omitempty"`
	EndDateTime    string `json:"endDateTime,omitempty"`
	FinalURLSuffix string `json:"finalUrlSuffix,omitempty"`
	// ContainsEUPoliticalAdvertising is the self-declaration Google requires
	// on every new campaign.
	ContainsEUPoliticalAdvertising EUPoliticalAdvertisingStatus `json:"containsEuPoliticalAdvertising,omitempty"`
	// BrandGuidelinesEnabled (Performance Max, immutable) moves the business
	// name and logo from the asset groups to the campaign.
	BrandGuidelinesEnabled *bool `json:"brandGuidelinesEnabled,omitempty"`

	// Bidding: set exactly one (the proto's campaign_bidding_strategy oneof).
	BiddingStrategy         string                   `json:"biddingStrategy,omitempty"` // a portfolio strategy's resource name
	ManualCPC               *ManualCPC               `json:"manualCpc,omitempty"`
	MaximizeConversions     *MaximizeConversions     `json:"maximizeConversions,omitempty"`
	MaximizeConversionValue *MaximizeConversionValue `json:"maximizeConversionValue,omitempty"`
	TargetSpend             *TargetSpend             `json:"targetSpend,omitempty"`

	BiddingStrategyType string `json:"biddingStrategyType,omitempty"` // output
	ServingStatus       string `json:"servingStatus,omitempty"`       // output
}

// NetworkSettings chooses where a campaign's ads may show.
type NetworkSettings struct {
	TargetGoogleSearch         *bool `json:"targetGoogleSearch,omitempty"`
	TargetSearchNetwork        *bool `json:"targetSearchNetwork,omitempty"`
	TargetContentNetwork       *bool `json:"targetContentNetwork,omitempty"`
	TargetPartnerSearchNetwork *bool `json:"targetPartnerSearchNetwork,omitempty"`
}

// GeoTargetTypeSetting says who counts as being in a targeted location.
type GeoTargetTypeSetting struct {
	PositiveGeoTargetType PositiveGeoTargetType `json:"positiveGeoTargetType,omitempty"`
	NegativeGeoTargetType NegativeGeoTargetType `json:"negativeGeoTargetType,omitempty"`
}

// ManualCPC is common/bidding.proto ManualCpc.
type ManualCPC struct {
	EnhancedCPCEnabled *bool `json:"enhancedCpcEnabled,omitempty"`
}

// MaximizeConversions is common/bidding.proto MaximizeConversions.
type MaximizeConversions struct {
	TargetCPAMicros     Int64 `json:"targetCpaMicros,omitempty"`
	CPCBidCeilingMicros Int64 `json:"cpcBidCeilingMicros,omitempty"`
}

// MaximizeConversionValue is common/bidding.proto MaximizeConversionValue.
type MaximizeConversionValue struct {
	TargetROAS float64 `json:"targetRoas,omitempty"`
}

// TargetSpend ("maximize clicks") is common/bidding.proto TargetSpend.
type TargetSpend struct {
	CPCBidCeilingMicros Int64 `json:"cpcBidCeilingMicros,omitempty"`
}

// KeywordInfo is common/criteria.proto KeywordInfo.
type KeywordInfo struct {
	Text      string           `json:"text"`
	MatchType KeywordMatchType `json:"matchType,omitempty"`
}

// LanguageInfo names a language constant, e.g. languageConstants/1001 (German).
type LanguageInfo struct {
	LanguageConstant string `json:"languageConstant"`
}

// LocationInfo names a geo target constant, e.g. geoTargetConstants/2276 (Germany).
type LocationInfo struct {
	GeoTargetConstant string `json:"geoTargetConstant"`
}

// CampaignCriterion is resources/campaign_criterion.proto: a language, a
// location or a negative keyword of a campaign. Set one of Keyword,
// Language, Location.
type CampaignCriterion struct {
	ResourceName string          `json:"resourceName,omitempty"`
	Campaign     string          `json:"campaign,omitempty"`    // immutable
	CriterionID  Int64           `json:"criterionId,omitempty"` // output
	Negative     *bool           `json:"negative,omitempty"`    // immutable
	Status       CriterionStatus `json:"status,omitempty"`
	BidModifier  float64         `json:"bidModifier,omitempty"`
	Keyword      *KeywordInfo    `json:"keyword,omitempty"`
	Language     *LanguageInfo   `json:"language,omitempty"`
	Location     *LocationInfo   `json:"location,omitempty"`
	Type         string          `json:"type,omitempty"` // output
}

// AdGroup is resources/ad_group.proto.
type AdGroup struct {
	ResourceName string        `json:"resourceName,omitempty"`
	ID           Int64         `json:"id,omitempty"` // output
	Name         string        `json:"name,omitempty"`
	Status       AdGroupStatus `json:"status,omitempty"`
	Type         AdGroupType   `json:"type,omitempty"`     // immutable
	Campaign     string        `json:"campaign,omitempty"` // immutable
	CPCBidMicros Int64         `json:"cpcBidMicros,omitempty"`
}

// AdGroupCriterion is resources/ad_group_criterion.proto: a keyword of an ad
// group, or a negative one.
type AdGroupCriterion struct {
	ResourceName string          `json:"resourceName,omitempty"`
	AdGroup      string          `json:"adGroup,omitempty"`     // immutable
	CriterionID  Int64           `json:"criterionId,omitempty"` // output
	Status       CriterionStatus `json:"status,omitempty"`
	Negative     *bool           `json:"negative,omitempty"` // immutable
	CPCBidMicros Int64           `json:"cpcBidMicros,omitempty"`
	FinalURLs    []string        `json:"finalUrls,omitempty"`
	Keyword      *KeywordInfo    `json:"keyword,omitempty"` // immutable
	Type         string          `json:"type,omitempty"`    // output
}

// AdGroupAd is resources/ad_group_ad.proto. The ad is immutable once
// created: only the status can change.
type AdGroupAd struct {
	ResourceName string          `json:"resourceName,omitempty"`
	Status       AdGroupAdStatus `json:"status,omitempty"`
	AdGroup      string          `json:"adGroup,omitempty"` // immutable
	Ad           *Ad             `json:"ad,omitempty"`      // immutable
}

// Ad is resources/ad.proto with the responsive search ad.
type Ad struct {
	ResourceName       string                  `json:"resourceName,omitempty"` // output
	ID                 Int64                   `json:"id,omitempty"`           // output
	FinalURLs          []string                `json:"finalUrls,omitempty"`
	ResponsiveSearchAd *ResponsiveSearchAdInfo `json:"responsiveSearchAd,omitempty"`
	Type               string                  `json:"type,omitempty"` // output
}

// ResponsiveSearchAdInfo is common/ad_type_infos.proto: 3–15 headlines,
// 2–4 descriptions, optional display paths.
type ResponsiveSearchAdInfo struct {
	Headlines    []AdTextAsset `json:"headlines,omitempty"`
	Descriptions []AdTextAsset `json:"descriptions,omitempty"`
	Path1        string        `json:"path1,omitempty"`
	Path2        string        `json:"path2,omitempty"`
}

// AdTextAsset is one headline or description, optionally pinned to a
// position (HEADLINE_1..3, DESCRIPTION_1..2).
type AdTextAsset struct {
	Text        string               `json:"text"`
	PinnedField ServedAssetFieldType `json:"pinnedField,omitempty"`
}

// Asset is resources/asset.proto with text and image data. Set one of
// TextAsset, ImageAsset. Assets cannot be removed.
type Asset struct {
	ResourceName string      `json:"resourceName,omitempty"`
	ID           Int64       `json:"id,omitempty"` // output
	Name         string      `json:"name,omitempty"`
	Type         string      `json:"type,omitempty"` // output: TEXT, IMAGE
	TextAsset    *TextAsset  `json:"textAsset,omitempty"`
	ImageAsset   *ImageAsset `json:"imageAsset,omitempty"`
}

// TextAsset is common/asset_types.proto TextAsset.
type TextAsset struct {
	Text string `json:"text"`
}

// ImageAsset is common/asset_types.proto ImageAsset. Data is the file's
// bytes (base64 in JSON); Google fills the size, type and dimensions.
type ImageAsset struct {
	Data     []byte          `json:"data,omitempty"`
	FileSize Int64           `json:"fileSize,omitempty"`
	MimeType MimeType        `json:"mimeType,omitempty"`
	FullSize *ImageDimension `json:"fullSize,omitempty"`
}

// ImageDimension is an image's size and where Google serves it.
type ImageDimension struct {
	HeightPixels Int64  `json:"heightPixels,omitempty"`
	WidthPixels  Int64  `json:"widthPixels,omitempty"`
	URL          string `json:"url,omitempty"`
}

// AssetGroup is resources/asset_group.proto (Performance Max).
type AssetGroup struct {
	ResourceName    string           `json:"resourceName,omitempty"`
	ID              Int64            `json:"id,omitempty"`       // output
	Campaign        string           `json:"campaign,omitempty"` // immutable
	Name            string           `json:"name,omitempty"`
	FinalURLs       []string         `json:"finalUrls,omitempty"`
	FinalMobileURLs []string         `json:"finalMobileUrls,omitempty"`
	Status          AssetGroupStatus `json:"status,omitempty"`
	Path1           string           `json:"path1,omitempty"`
	Path2           string           `json:"path2,omitempty"`
	AdStrength      string           `json:"adStrength,omitempty"` // output
}

// AssetGroupAsset is resources/asset_group_asset.proto: an asset linked to an
// asset group in a field (HEADLINE, LOGO, …).
type AssetGroupAsset struct {
	ResourceName string          `json:"resourceName,omitempty"`
	AssetGroup   string          `json:"assetGroup,omitempty"` // immutable
	Asset        string          `json:"asset,omitempty"`      // immutable
	FieldType    AssetFieldType  `json:"fieldType,omitempty"`
	Status       AssetLinkStatus `json:"status,omitempty"`
}

// Customer is resources/customer.proto, as searches return it.
type Customer struct {
	ResourceName    string `json:"resourceName,omitempty"`
	ID              Int64  `json:"id,omitempty"`
	DescriptiveName string `json:"descriptiveName,omitempty"`
	CurrencyCode    string `json:"currencyCode,omitempty"`
	TimeZone        string `json:"timeZone,omitempty"`
	Manager         bool   `json:"manager,omitempty"`
	TestAccount     bool   `json:"testAccount,omitempty"`
	Status          string `json:"status,omitempty"`
}

// CustomerClient is resources/customer_client.proto: an account in the
// hierarchy under the customer searched (itself at level 0).
type CustomerClient struct {
	ResourceName    string `json:"resourceName,omitempty"`
	ClientCustomer  string `json:"clientCustomer,omitempty"`
	ID              Int64  `json:"id,omitempty"`
	Level           Int64  `json:"level,omitempty"`
	DescriptiveName string `json:"descriptiveName,omitempty"`
	Manager         bool   `json:"manager,omitempty"`
	TestAccount     bool   `json:"testAccount,omitempty"`
	Hidden          bool   `json:"hidden,omitempty"`
	CurrencyCode    string `json:"currencyCode,omitempty"`
	TimeZone        string `json:"timeZone,omitempty"`
	Status          string `json:"status,omitempty"`
}

// Metrics are the report figures of a search row.
type Metrics struct {
	Impressions      Int64   `json:"impressions,omitempty"`
	Clicks           Int64   `json:"clicks,omitempty"`
	CostMicros       Int64   `json:"costMicros,omitempty"`
	Conversions      float64 `json:"conversions,omitempty"`
	ConversionsValue float64 `json:"conversionsValue,omitempty"`
}

// Segments split a search row, e.g. by date.
type Segments struct {
	Date string `json:"date,omitempty"`
}

// Row is one result of a GAQL search: the selected fields of each resource
// the query names, and the row as sent (Raw) for fields not modelled here.
type Row struct {
	Customer          *Customer          `json:"customer,omitempty"`
	CustomerClient    *CustomerClient    `json:"customerClient,omitempty"`
	CampaignBudget    *CampaignBudget    `json:"campaignBudget,omitempty"`
	Campaign          *Campaign          `json:"campaign,omitempty"`
	CampaignCriterion *CampaignCriterion `json:"campaignCriterion,omitempty"`
	AdGroup           *AdGroup           `json:"adGroup,omitempty"`
	AdGroupCriterion  *AdGroupCriterion  `json:"adGroupCriterion,omitempty"`
	AdGroupAd         *AdGroupAd         `json:"adGroupAd,omitempty"`
	Asset             *Asset             `json:"asset,omitempty"`
	AssetGroup        *AssetGroup        `json:"assetGroup,omitempty"`
	AssetGroupAsset   *AssetGroupAsset   `json:"assetGroupAsset,omitempty"`
	Metrics           *Metrics           `json:"metrics,omitempty"`
	Segments          *Segments          `json:"segments,omitempty"`
	Raw               json.RawMessage    `json:"-"`
}

// UnmarshalJSON decodes the modelled fields and keeps the raw row.
func (r *Row) UnmarshalJSON(b []byte) error {
	type plain Row
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*r = Row(p)
	r.Raw = append(json.RawMessage(nil), b...)
	return nil
}
