package googleadstest

import (
	"fmt"
	"strings"
)

// The fake reads and writes JSON by these message definitions, written from
// google/ads/googleads/v25 (resources/*.proto, common/*.proto,
// services/google_ads_service.proto and the per-resource services). It knows
// the fields of the resources it stores; any other field in a request is
// refused as an unknown name, as Google's JSON transcoding refuses it. The
// field behaviours (IMMUTABLE, OUTPUT_ONLY) are the protos'.

type kind int

const (
	kString kind = iota
	kInt64
	kInt32
	kBool
	kDouble
	kBytes
	kEnum
	kMessage
)

type fieldDef struct {
	name       string // proto name, snake_case
	kind       kind
	repeated   bool
	enum       string // enum type, for kEnum
	msg        string // message type, for kMessage
	oneof      string
	immutable  bool
	outputOnly bool
}

type messageDef struct {
	name   string
	fields map[string]*fieldDef
	order  []string
}

var messageSpecs = map[string]string{
	"MutateGoogleAdsRequest": `
		customer_id string
		mutate_operations MutateOperation repeated
		partial_failure bool
		validate_only bool
		response_content_type enum:ResponseContentType`,
	"MutateOperation": `
		campaign_budget_operation CampaignBudgetOperation oneof:operation
		campaign_operation CampaignOperation oneof:operation
		campaign_criterion_operation CampaignCriterionOperation oneof:operation
		ad_group_operation AdGroupOperation oneof:operation
		ad_group_criterion_operation AdGroupCriterionOperation oneof:operation
		ad_group_ad_operation AdGroupAdOperation oneof:operation
		asset_operation AssetOperation oneof:operation
		asset_group_operation AssetGroupOperation oneof:operation
		asset_group_asset_operation AssetGroupAssetOperation oneof:operation`,
	"SearchGoogleAdsRequest": `
		customer_id string
		query string
		page_token string
		page_size int32
		validate_only bool
		search_settings SearchSettings`,
	"SearchSettings": `
		omit_results bool
		return_summary_row bool
		return_total_results_count bool`,
	"SearchGoogleAdsStreamRequest": `
		customer_id string
		query string
		summary_row_setting enum:SummaryRowSetting`,

	"CampaignBudget": `
		resource_name string immutable
		id int64 output
		name string
		amount_micros int64
		total_amount_micros int64
		status enum:BudgetStatus output
		delivery_method enum:BudgetDeliveryMethod
		explicitly_shared bool
		reference_count int64 output
		period enum:BudgetPeriod immutable`,
	"Campaign": `
		resource_name string immutable
		id int64 output
		name string
		status enum:CampaignStatus
		serving_status enum:CampaignServingStatus output
		advertising_channel_type enum:AdvertisingChannelType immutable
		campaign_budget string
		network_settings NetworkSettings
		geo_target_type_setting GeoTargetTypeSetting
		start_date_time string
		end_date_time string
		final_url_suffix string
		tracking_url_template string
		contains_eu_political_advertising enum:EuPoliticalAdvertisingStatus
		brand_guidelines_enabled bool immutable
		bidding_strategy_type enum:BiddingStrategyType output
		bidding_strategy string oneof:campaign_bidding_strategy
		manual_cpc ManualCpc oneof:campaign_bidding_strategy
		maximize_conversions MaximizeConversions oneof:campaign_bidding_strategy
		maximize_conversion_value MaximizeConversionValue oneof:campaign_bidding_strategy
		target_spend TargetSpend oneof:campaign_bidding_strategy`,
	"NetworkSettings": `
		target_google_search bool
		target_search_network bool
		target_content_network bool
		target_partner_search_network bool
		target_youtube bool
		target_google_tv_network bool`,
	"GeoTargetTypeSetting": `
		positive_geo_target_type enum:PositiveGeoTargetType
		negative_geo_target_type enum:NegativeGeoTargetType`,
	"ManualCpc": `
		enhanced_cpc_enabled bool`,
	"MaximizeConversions": `
		cpc_bid_ceiling_micros int64
		cpc_bid_floor_micros int64
		target_cpa_micros int64`,
	"MaximizeConversionValue": `
		target_roas double
		cpc_bid_ceiling_micros int64
		cpc_bid_floor_micros int64`,
	"TargetSpend": `
		cpc_bid_ceiling_micros int64`,
	"CampaignCriterion": `
		resource_name string immutable
		campaign string immutable
		criterion_id int64 output
		display_name string output
		bid_modifier double
		negative bool immutable
		type enum:CriterionType output
		status enum:CampaignCriterionStatus
		keyword KeywordInfo immutable oneof:criterion
		location LocationInfo immutable oneof:criterion
		language LanguageInfo immutable oneof:criterion`,
	"KeywordInfo": `
		text string
		match_type enum:KeywordMatchType`,
	"LocationInfo": `
		geo_target_constant string`,
	"LanguageInfo": `
		language_constant string`,
	"AdGroup": `
		resource_name string immutable
		id int64 output
		name string
		status enum:AdGroupStatus
		type enum:AdGroupType immutable
		campaign string immutable
		cpc_bid_micros int64
		tracking_url_template string
		final_url_suffix string`,
	"AdGroupCriterion": `
		resource_name string immutable
		criterion_id int64 output
		display_name string output
		status enum:AdGroupCriterionStatus
		ad_group string immutable
		type enum:CriterionType output
		negative bool immutable
		cpc_bid_micros int64
		final_urls string repeated
		keyword KeywordInfo immutable oneof:criterion`,
	"AdGroupAd": `
		resource_name string immutable
		status enum:AdGroupAdStatus
		ad_group string immutable
		ad Ad immutable
		ad_strength enum:AdStrength output`,
	"Ad": `
		resource_name string immutable
		id int64 output
		final_urls string repeated
		final_mobile_urls string repeated
		tracking_url_template string
		final_url_suffix string
		type enum:AdType output
		name string immutable
		responsive_search_ad ResponsiveSearchAdInfo oneof:ad_data`,
	"ResponsiveSearchAdInfo": `
		headlines AdTextAsset repeated
		descriptions AdTextAsset repeated
		path1 string
		path2 string`,
	"AdTextAsset": `
		text string
		pinned_field enum:ServedAssetFieldType`,
	"Asset": `
		resource_name string immutable
		id int64 output
		name string
		type enum:AssetType output
		final_urls string repeated
		text_asset TextAsset immutable oneof:asset_data
		image_asset ImageAsset immutable oneof:asset_data`,
	"TextAsset": `
		text string`,
	"ImageAsset": `
		data bytes
		file_size int64
		mime_type enum:MimeType
		full_size ImageDimension`,
	"ImageDimension": `
		height_pixels int64
		width_pixels int64
		url string`,
	"AssetGroup": `
		resource_name string immutable
		id int64 output
		campaign string immutable
		name string
		final_urls string repeated
		final_mobile_urls string repeated
		status enum:AssetGroupStatus
		path1 string
		path2 string
		ad_strength enum:AdStrength output`,
	"AssetGroupAsset": `
		resource_name string immutable
		asset_group string immutable
		asset string immutable
		field_type enum:AssetFieldType
		status enum:AssetLinkStatus`,
	"Customer": `
		resource_name string immutable
		id int64 output
		descriptive_name string
		currency_code string immutable
		time_zone string immutable
		manager bool output
		test_account bool output
		status enum:CustomerStatus output`,
	"CustomerClient": `
		resource_name string output
		client_customer string output
		hidden bool output
		level int64 output
		time_zone string output
		test_account bool output
		manager bool output
		descriptive_name string output
		currency_code string output
		id int64 output
		status enum:CustomerStatus output`,
}

// operationSpecs are the XxxOperation messages: which resource, and whether
// it can be removed (AssetOperation has no remove).
var operationSpecs = map[string]struct {
	resource  string
	canRemove bool
}{
	"CampaignBudgetOperation":    {"CampaignBudget", true},
	"CampaignOperation":          {"Campaign", true},
	"CampaignCriterionOperation": {"CampaignCriterion", true},
	"AdGroupOperation":           {"AdGroup", true},
	"AdGroupCriterionOperation":  {"AdGroupCriterion", true},
	"AdGroupAdOperation":         {"AdGroupAd", true},
	"AssetOperation":             {"Asset", false},
	"AssetGroupOperation":        {"AssetGroup", true},
	"AssetGroupAssetOperation":   {"AssetGroupAsset", true},
}

var enums = map[string][]string{
	"ResponseContentType":          {"UNSPECIFIED", "RESOURCE_NAME_ONLY", "MUTABLE_RESOURCE"},
	"SummaryRowSetting":            {"UNSPECIFIED", "UNKNOWN", "NO_SUMMARY_ROW", "SUMMARY_ROW_WITH_RESULTS", "SUMMARY_ROW_ONLY"},
	"BudgetStatus":                 {"UNSPECIFIED", "UNKNOWN", "ENABLED", "REMOVED"},
	"BudgetDeliveryMethod":         {"UNSPECIFIED", "UNKNOWN", "STANDARD", "ACCELERATED"},
	"BudgetPeriod":                 {"UNSPECIFIED", "UNKNOWN", "DAILY", "CUSTOM_PERIOD"},
	"CampaignStatus":               {"UNSPECIFIED", "UNKNOWN", "ENABLED", "PAUSED", "REMOVED"},
	"CampaignServingStatus":        {"UNSPECIFIED", "UNKNOWN", "SERVING", "NONE", "ENDED", "PENDING", "SUSPENDED"},
	"AdvertisingChannelType":       {"UNSPECIFIED", "UNKNOWN", "SEARCH", "DISPLAY", "SHOPPING", "HOTEL", "VIDEO", "MULTI_CHANNEL", "LOCAL", "SMART", "PERFORMANCE_MAX", "LOCAL_SERVICES", "TRAVEL", "DEMAND_GEN"},
	"EuPoliticalAdvertisingStatus": {"UNSPECIFIED", "UNKNOWN", "CONTAINS_EU_POLITICAL_ADVERTISING", "DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING"},
	"PositiveGeoTargetType":        {"UNSPECIFIED", "UNKNOWN", "PRESENCE_OR_INTEREST", "SEARCH_INTEREST", "PRESENCE"},
	"NegativeGeoTargetType":        {"UNSPECIFIED", "UNKNOWN", "PRESENCE_OR_INTEREST", "PRESENCE"},
	"BiddingStrategyType": {"UNSPECIFIED", "UNKNOWN", "COMMISSION", "ENHANCED_CPC", "FIXED_CPM", "INVALID", "MANUAL_CPA", "MANUAL_CPC", "MANUAL_CPM", "MANUAL_CPV",
		"MAXIMIZE_CONVERSIONS", "MAXIMIZE_CONVERSION_VALUE", "PAGE_ONE_PROMOTED", "PERCENT_CPC", "TARGET_CPA", "TARGET_CPM", "TARGET_CPV", "TARGET_IMPRESSION_SHARE",
		"TARGET_OUTRANK_SHARE", "TARGET_ROAS", "TARGET_SPEND"},
	"CriterionType":           {"UNSPECIFIED", "UNKNOWN", "KEYWORD", "PLACEMENT", "MOBILE_APP_CATEGORY", "MOBILE_APPLICATION", "DEVICE", "LOCATION", "LISTING_GROUP", "AD_SCHEDULE", "AGE_RANGE", "GENDER", "INCOME_RANGE", "PARENTAL_STATUS", "YOUTUBE_VIDEO", "YOUTUBE_CHANNEL", "USER_LIST", "PROXIMITY", "TOPIC", "LISTING_SCOPE", "LANGUAGE"},
	"CampaignCriterionStatus": {"UNSPECIFIED", "UNKNOWN", "ENABLED", "PAUSED", "REMOVED"},
	"AdGroupCriterionStatus":  {"UNSPECIFIED", "UNKNOWN", "ENABLED", "PAUSED", "REMOVED"},
	"KeywordMatchType":        {"UNSPECIFIED", "UNKNOWN", "EXACT", "PHRASE", "BROAD"},
	"AdGroupStatus":           {"UNSPECIFIED", "UNKNOWN", "ENABLED", "PAUSED", "REMOVED"},
	"AdGroupType": {"UNSPECIFIED", "UNKNOWN", "SEARCH_STANDARD", "DISPLAY_STANDARD", "SHOPPING_PRODUCT_ADS", "HOTEL_ADS", "SHOPPING_SMART_ADS", "VIDEO_BUMPER",
		"VIDEO_TRUE_VIEW_IN_STREAM", "VIDEO_TRUE_VIEW_IN_DISPLAY", "VIDEO_NON_SKIPPABLE_IN_STREAM", "SEARCH_DYNAMIC_ADS", "SHOPPING_COMPARISON_LISTING_ADS",
		"PROMOTED_HOTEL_ADS", "VIDEO_RESPONSIVE", "VIDEO_EFFICIENT_REACH", "SMART_CAMPAIGN_ADS", "TRAVEL_ADS", "YOUTUBE_AUDIO"},
	"AdGroupAdStatus": {"UNSPECIFIED", "UNKNOWN", "ENABLED", "PAUSED", "REMOVED"},
	"AdStrength":      {"UNSPECIFIED", "UNKNOWN", "PENDING", "NO_ADS", "POOR", "AVERAGE", "GOOD", "EXCELLENT"},
	"AdType":          {"UNSPECIFIED", "UNKNOWN", "TEXT_AD", "EXPANDED_TEXT_AD", "EXPANDED_DYNAMIC_SEARCH_AD", "HOTEL_AD", "SHOPPING_SMART_AD", "SHOPPING_PRODUCT_AD", "VIDEO_AD", "IMAGE_AD", "RESPONSIVE_SEARCH_AD", "LEGACY_RESPONSIVE_DISPLAY_AD", "APP_AD", "LEGACY_APP_INSTALL_AD", "RESPONSIVE_DISPLAY_AD"},
	"ServedAssetFieldType": {"UNSPECIFIED", "UNKNOWN", "HEADLINE_1", "HEADLINE_2", "HEADLINE_3", "DESCRIPTION_1", "DESCRIPTION_2", "HEADLINE", "HEADLINE_IN_PORTRAIT",
		"LONG_HEADLINE", "DESCRIPTION", "DESCRIPTION_IN_PORTRAIT", "BUSINESS_NAME_IN_PORTRAIT", "BUSINESS_NAME", "MARKETING_IMAGE", "MARKETING_IMAGE_IN_PORTRAIT",
		"SQUARE_MARKETING_IMAGE", "PORTRAIT_MARKETING_IMAGE", "LOGO", "LANDSCAPE_LOGO", "CALL_TO_ACTION", "YOU_TUBE_VIDEO", "SITELINK", "CALL", "MOBILE_APP",
		"CALLOUT", "STRUCTURED_SNIPPET", "PRICE", "PROMOTION", "AD_IMAGE", "LEAD_FORM", "BUSINESS_LOGO", "DESCRIPTION_PREFIX"},
	"AssetType": {"UNSPECIFIED", "UNKNOWN", "YOUTUBE_VIDEO", "MEDIA_BUNDLE", "IMAGE", "TEXT", "LEAD_FORM", "BOOK_ON_GOOGLE", "PROMOTION", "CALLOUT", "STRUCTURED_SNIPPET", "SITELINK"},
	"MimeType":  {"UNSPECIFIED", "UNKNOWN", "IMAGE_JPEG", "IMAGE_GIF", "IMAGE_PNG", "FLASH", "TEXT_HTML", "PDF", "MSWORD", "MSEXCEL", "RTF", "AUDIO_WAV", "AUDIO_MP3", "HTML5_AD_ZIP"},
	"AssetFieldType": {"UNSPECIFIED", "UNKNOWN", "HEADLINE", "DESCRIPTION", "MANDATORY_AD_TEXT", "MARKETING_IMAGE", "MEDIA_BUNDLE", "YOUTUBE_VIDEO", "BOOK_ON_GOOGLE",
		"LEAD_FORM", "PROMOTION", "CALLOUT", "STRUCTURED_SNIPPET", "SITELINK", "MOBILE_APP", "HOTEL_CALLOUT", "CALL", "PRICE", "LONG_HEADLINE", "BUSINESS_NAME",
		"SQUARE_MARKETING_IMAGE", "PORTRAIT_MARKETING_IMAGE", "LOGO", "LANDSCAPE_LOGO", "VIDEO", "CALL_TO_ACTION_SELECTION", "AD_IMAGE", "BUSINESS_LOGO",
		"HOTEL_PROPERTY", "DEMAND_GEN_CAROUSEL_CARD", "BUSINESS_MESSAGE", "TALL_PORTRAIT_MARKETING_IMAGE", "RELATED_YOUTUBE_VIDEOS", "LANDING_PAGE_PREVIEW",
		"LONG_DESCRIPTION", "CALL_TO_ACTION", "CLASSIC_DISPLAY_IMAGE", "TEXT_DISCLAIMER"},
	"AssetGroupStatus": {"UNSPECIFIED", "UNKNOWN", "ENABLED", "PAUSED", "REMOVED"},
	"AssetLinkStatus":  {"UNSPECIFIED", "UNKNOWN", "ENABLED", "REMOVED", "PAUSED"},
	"CustomerStatus":   {"UNSPECIFIED", "UNKNOWN", "ENABLED", "CANCELED", "SUSPENDED", "CLOSED"},
}

// enumTypeURL names an enum the way Google's error messages do.
func enumTypeURL(version, enum string) string {
	return fmt.Sprintf("type.googleapis.com/google.ads.googleads.%s.enums.%sEnum.%s", version, enum, enum)
}

var messages = func() map[string]*messageDef {
	out := map[string]*messageDef{}
	for name, spec := range messageSpecs {
		out[name] = parseMessage(name, spec)
	}
	for name, op := range operationSpecs {
		spec := "update_mask string\ncreate " + op.resource + " oneof:operation\nupdate " + op.resource + " oneof:operation"
		if op.canRemove {
			spec += "\nremove string oneof:operation"
		}
		out[name] = parseMessage(name, spec)
	}
	for _, m := range out {
		for _, f := range m.fields {
			if f.kind == kMessage && out[f.msg] == nil && messageSpecs[f.msg] == "" {
				panic("googleadstest: message " + m.name + "." + f.name + " names unknown type " + f.msg)
			}
			if f.kind == kEnum && enums[f.enum] == nil {
				panic("googleadstest: message " + m.name + "." + f.name + " names unknown enum " + f.enum)
			}
		}
	}
	return out
}()

func parseMessage(name, spec string) *messageDef {
	m := &messageDef{name: name, fields: map[string]*fieldDef{}}
	for _, line := range strings.Split(spec, "\n") {
		parts := strings.Fields(line)
		if len(parts) == 0 {
			continue
		}
		f := &fieldDef{name: parts[0]}
		switch t := parts[1]; {
		case t == "string":
			f.kind = kString
		case t == "int64":
			f.kind = kInt64
		case t == "int32":
			f.kind = kInt32
		case t == "bool":
			f.kind = kBool
		case t == "double":
			f.kind = kDouble
		case t == "bytes":
			f.kind = kBytes
		case strings.HasPrefix(t, "enum:"):
			f.kind, f.enum = kEnum, strings.TrimPrefix(t, "enum:")
		default:
			f.kind, f.msg = kMessage, t
		}
		for _, flag := range parts[2:] {
			switch {
			case flag == "repeated":
				f.repeated = true
			case flag == "immutable":
				f.immutable = true
			case flag == "output":
				f.outputOnly = true
			case strings.HasPrefix(flag, "oneof:"):
				f.oneof = strings.TrimPrefix(flag, "oneof:")
			default:
				panic("googleadstest: " + name + ": unknown flag " + flag)
			}
		}
		m.fields[f.name] = f
		m.order = append(m.order, f.name)
	}
	return m
}

// resourceDef ties a stored resource type to its names in the protocol.
type resourceDef struct {
	msg        string // message name, e.g. "AdGroupAd"
	gaql       string // GAQL resource and proto field name, e.g. "ad_group_ad"
	collection string // resource name collection, e.g. "adGroupAds"
	// idParts is the number of "~"-joined parts of the id.
	idParts int
}

var resourceDefs = []*resourceDef{
	{"CampaignBudget", "campaign_budget", "campaignBudgets", 1},
	{"Campaign", "campaign", "campaigns", 1},
	{"CampaignCriterion", "campaign_criterion", "campaignCriteria", 2},
	{"AdGroup", "ad_group", "adGroups", 1},
	{"AdGroupCriterion", "ad_group_criterion", "adGroupCriteria", 2},
	{"AdGroupAd", "ad_group_ad", "adGroupAds", 2},
	{"Asset", "asset", "assets", 1},
	{"AssetGroup", "asset_group", "assetGroups", 1},
	{"AssetGroupAsset", "asset_group_asset", "assetGroupAssets", 3},
	{"Customer", "customer", "customers", 0},
	{"CustomerClient", "customer_client", "customerClients", 1},
}

func resourceByMsg(msg string) *resourceDef {
	for _, r := range resourceDefs {
		if r.msg == msg {
			return r
		}
	}
	return nil
}

func resourceByGAQL(name string) *resourceDef {
	for _, r := range resourceDefs {
		if r.gaql == name {
			return r
		}
	}
	return nil
}

func resourceByCollection(c string) *resourceDef {
	for _, r := range resourceDefs {
		if r.collection == c {
			return r
		}
	}
	return nil
}

// snake turns a lowerCamel JSON name into the proto name; a snake_case name
// stays as it is (proto JSON accepts both).
func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r + 'a' - 'A')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// camel turns a proto name into its JSON name.
func camel(s string) string {
	var b strings.Builder
	up := false
	for _, r := range s {
		if r == '_' {
			up = true
			continue
		}
		if up && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		up = false
		b.WriteRune(r)
	}
	return b.String()
}
