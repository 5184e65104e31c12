package googleadstest

import (
	"net/url"
	"strings"

	"golang.org/x/text/width"
)

// The validations the fake makes, each with the error Google answers:
//
//   - every resource: a required reference that is missing is
//     fieldError.REQUIRED; a reference to something removed is
//     operationAccessDeniedError.OPERATION_NOT_PERMITTED_FOR_REMOVED_RESOURCE;
//     creating with status REMOVED is CREATE_AS_REMOVED_NOT_PERMITTED.
//   - CampaignBudget: amount_micros required, > 0 (NEGATIVE_MONEY_AMOUNT,
//     MONEY_AMOUNT_LESS_THAN_CURRENCY_MINIMUM_CPC); an explicitly shared
//     budget needs a name; names are unique (DUPLICATE_NAME); a budget in use
//     cannot be removed (CAMPAIGN_BUDGET_IN_USE); a budget that is not shared
//     serves one campaign (CAMPAIGN_BUDGET_CANNOT_BE_SHARED).
//   - Campaign: name (unique among campaigns not removed:
//     DUPLICATE_CAMPAIGN_NAME), advertising_channel_type, campaign_budget and
//     a bidding strategy required; contains_eu_political_advertising
//     required (fieldError.REQUIRED, as Google answers since the EU political
//     advertising rules); Performance Max takes maximize_conversions or
//     maximize_conversion_value only; start/end date times in
//     "yyyy-MM-dd HH:mm:ss"; an update cannot move the start of a campaign
//     that has started (CANNOT_MODIFY_START_DATE_IF_ALREADY_STARTED) nor set
//     a start or end before today (CANNOT_SET_DATE_TO_PAST).
//   - CampaignCriterion: a campaign and one criterion (CONCRETE_TYPE_REQUIRED);
//     languages and locations cannot be negative, keywords must be.
//   - AdGroup: search campaigns only; name unique in its campaign
//     (DUPLICATE_ADGROUP_NAME).
//   - AdGroupCriterion and negative keywords: keyword text not empty
//     (INVALID_KEYWORD_TEXT), ≤ 80 characters (KEYWORD_TEXT_TOO_LONG), ≤ 10
//     words (KEYWORD_HAS_TOO_MANY_WORDS), none of ! @ % , * ( ) = ; < > ` ~ |
//     ^ ? \ { } (KEYWORD_HAS_INVALID_CHARS), no "+word"
//     (BROAD_MATCH_MODIFIER_KEYWORD_NOT_ALLOWED), a match type.
//   - AdGroupAd (responsive search ad): 3–15 headlines and 2–4 descriptions
//     (collectionSizeError TOO_FEW / TOO_MANY), a headline ≤ 30 and a
//     description ≤ 90 in display width (East Asian wide characters count 2;
//     adError.TOO_LONG), no empty text (adError.EMPTY_FIELD), no text twice
//     (assetError.DUPLICATE_ASSET), pins HEADLINE_1..3 on headlines and
//     DESCRIPTION_1..2 on descriptions (assetLinkError.INVALID_PINNED_FIELD),
//     path1/path2 ≤ 15, path2 only with path1 (CANNOT_SET_PATH2_WITHOUT_PATH1),
//     at least one final URL, each an http(s) URL with a host and a top-level
//     domain (urlFieldError), at most 3 enabled ads per ad group
//     (resourceCountLimitExceededError.ADGROUP_LIMIT).
//   - Asset: text or image data (ASSET_DATA_IS_MISSING); images are PNG, JPEG
//     or GIF (imageError.INVALID_IMAGE) up to 5,120 KB (FILE_TOO_LARGE) and
//     need a name (NAME_REQUIRED_FOR_ASSET_TYPE); the same content twice in a
//     request is DUPLICATE_ASSET; content already stored answers the stored
//     asset's resource name (CANNOT_MODIFY_ASSET_NAME when the names differ).
//   - AssetGroup: Performance Max campaigns only
//     (CANNOT_ADD_ASSET_GROUP_FOR_CAMPAIGN_TYPE), a name unique in the
//     campaign, a final URL (FINAL_URL_REQUIRED), path2 only with path1; an
//     asset group created in a request must end it with 3 headlines, 1 long
//     headline, 2 descriptions (one ≤ 60), a business name, a marketing image,
//     a square marketing image and a logo (NOT_ENOUGH_*_ASSET,
//     SHORT_DESCRIPTION_REQUIRED; business name and logo are campaign-level
//     with brand guidelines); the last asset group of a campaign cannot be
//     removed.
//   - AssetGroupAsset: the field type fits the asset's type
//     (FIELD_TYPE_INCOMPATIBLE_WITH_ASSET_TYPE), texts fit the field
//     (HEADLINE 30, LONG_HEADLINE 90, DESCRIPTION 90, BUSINESS_NAME 25:
//     stringLengthError.TOO_LONG), images have the field's aspect ratio ±1%
//     and minimum size (ASPECT_RATIO_NOT_ALLOWED, IMAGE_TOO_SMALL), no link
//     twice (DUPLICATE_RESOURCE).

func (m *mutation) validate(o *op, ent, old *entity) []adsError {
	at := o.at
	if old == nil && ent.status() == "REMOVED" {
		return []adsError{newErr(at.child("status"), "operationAccessDeniedError", "CREATE_AS_REMOVED_NOT_PERMITTED", "A CREATE operation may not set status to REMOVED.")}
	}
	switch ent.def.msg {
	case "CampaignBudget":
		return m.checkBudget(ent, at)
	case "Campaign":
		return m.checkCampaign(ent, old, at)
	case "CampaignCriterion":
		return m.checkCampaignCriterion(ent, old, at)
	case "AdGroup":
		return m.checkAdGroup(ent, old, at)
	case "AdGroupCriterion":
		return m.checkAdGroupCriterion(ent, old, at)
	case "AdGroupAd":
		return m.checkAdGroupAd(ent, old, at)
	case "Asset":
		return m.checkAsset(o, ent, old, at)
	case "AssetGroup":
		return m.checkAssetGroup(ent, at)
	case "AssetGroupAsset":
		return m.checkAssetGroupAsset(ent, old, at)
	}
	return nil
}

func required(at path, field string) adsError {
	return newErr(at.child(field), "fieldError", "REQUIRED", "The required field was not present.")
}

// ref resolves the reference field of v to the entity it names and stores the
// real name in v (temporary names are replaced).
func (m *mutation) ref(v map[string]any, field string, def *resourceDef, at path) (*entity, []adsError) {
	name := str(v, field)
	if name == "" {
		return nil, []adsError{required(at, field)}
	}
	ent, err := m.resolve(name, def, at.child(field))
	if err != nil {
		return nil, []adsError{*err}
	}
	v[field] = ent.name
	return ent, nil
}

func removedParent(at path, name string) []adsError {
	return []adsError{newErr(at, "operationAccessDeniedError", "OPERATION_NOT_PERMITTED_FOR_REMOVED_RESOURCE", "This operation is not allowed because the resource is removed.").withTrigger(name)}
}

func (m *mutation) others(ent *entity) []*entity {
	var out []*entity
	for _, e := range m.st.list(ent.customer, ent.def) {
		if e.name != ent.name && !e.removed() {
			out = append(out, e)
		}
	}
	return out
}

// displayWidth counts as Google does for ad text limits: East Asian wide
// and fullwidth characters count 2.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

func checkURLs(urls []any, at path) []adsError {
	var errs []adsError
	for i, u := range urls {
		s := u.(string)
		uAt := at.at(i)
		p, err := url.Parse(s)
		switch {
		case err != nil || strings.ContainsAny(s, " \t\n"):
			errs = append(errs, newErr(uAt, "urlFieldError", "MALFORMED_FINAL_URL", "The final url contains illegal characters.").withTrigger(s))
		case p.Scheme == "":
			errs = append(errs, newErr(uAt, "urlFieldError", "MISSING_PROTOCOL_IN_FINAL_URL", "The final url must start with a valid protocol.").withTrigger(s))
		case p.Scheme != "http" && p.Scheme != "https":
			errs = append(errs, newErr(uAt, "urlFieldError", "INVALID_PROTOCOL_IN_FINAL_URL", "The final url starts with an invalid protocol.").withTrigger(s))
		case p.Hostname() == "":
			errs = append(errs, newErr(uAt, "urlFieldError", "MISSING_HOST_IN_FINAL_URL", "The final url must contain a host name.").withTrigger(s))
		case !strings.Contains(p.Hostname(), ".") || strings.HasSuffix(p.Hostname(), "."):
			errs = append(errs, newErr(uAt, "urlFieldError", "INVALID_TLD_IN_FINAL_URL", "The final url has an invalid or missing top level domain extension.").withTrigger(s))
		}
	}
	return errs
}

// checkRemove holds the rules of remove operations.
func (m *mutation) checkRemove(o *op, ent *entity) []adsError {
	switch ent.def.msg {
	case "CampaignBudget":
		for _, c := range m.st.list(ent.customer, resourceByMsg("Campaign")) {
			if !c.removed() && str(c.v, "campaign_budget") == ent.name {
				return []adsError{newErr(o.at, "campaignBudgetError", "CAMPAIGN_BUDGET_IN_USE", "The campaign budget is associated with at least one campaign, and so the campaign budget cannot be removed.").withTrigger(ent.name)}
			}
		}
	case "AssetGroup":
		campaign := str(ent.v, "campaign")
		left := 0
		for _, g := range m.others(ent) {
			if str(g.v, "campaign") == campaign {
				left++
			}
		}
		if left == 0 {
			return []adsError{newErr(o.at, "assetGroupError", "CANNOT_REMOVE_ALL_ASSET_GROUPS_FROM_CAMPAIGN", "The asset group cannot be removed because it's the last one in the campaign.").withTrigger(ent.name)}
		}
	}
	return nil
}

// assign gives a new resource its id, resource name and Google's defaults.
func (m *mutation) assign(ent *entity) {
	v := ent.v
	id := m.st.newID()
	c := ent.customer
	def := ent.def
	setDefault := func(field string, val any) {
		if _, set := v[field]; !set {
			v[field] = val
		}
	}
	switch def.msg {
	case "CampaignBudget":
		v["id"] = id
		ent.name = nameOf(c, def.collection, itoa(id))
		setDefault("status", "ENABLED")
		setDefault("delivery_method", "STANDARD")
		setDefault("period", "DAILY")
		setDefault("explicitly_shared", true)
	case "Campaign":
		v["id"] = id
		ent.name = nameOf(c, def.collection, itoa(id))
		setDefault("status", "ENABLED")
		v["serving_status"] = "SERVING"
	case "CampaignCriterion":
		v["criterion_id"] = id
		ent.name = nameOf(c, def.collection, lastID(str(v, "campaign")), itoa(id))
		setDefault("status", "ENABLED")
		setDefault("negative", false)
		switch {
		case v["keyword"] != nil:
			v["type"], v["display_name"] = "KEYWORD", str(v, "keyword.text")
		case v["language"] != nil:
			v["type"], v["display_name"] = "LANGUAGE", str(v, "language.language_constant")
		case v["location"] != nil:
			v["type"], v["display_name"] = "LOCATION", str(v, "location.geo_target_constant")
		}
	case "AdGroup":
		v["id"] = id
		ent.name = nameOf(c, def.collection, itoa(id))
		setDefault("status", "ENABLED")
		setDefault("type", "SEARCH_STANDARD")
	case "AdGroupCriterion":
		v["criterion_id"] = id
		ent.name = nameOf(c, def.collection, lastID(str(v, "ad_group")), itoa(id))
		setDefault("status", "ENABLED")
		setDefault("negative", false)
		v["type"], v["display_name"] = "KEYWORD", str(v, "keyword.text")
	case "AdGroupAd":
		ent.name = nameOf(c, def.collection, lastID(str(v, "ad_group")), itoa(id))
		setDefault("status", "ENABLED")
		v["ad_strength"] = "PENDING"
		ad := v["ad"].(map[string]any)
		ad["id"], ad["resource_name"], ad["type"] = id, nameOf(c, "ads", itoa(id)), "RESPONSIVE_SEARCH_AD"
	case "Asset":
		v["id"] = id
		ent.name = nameOf(c, def.collection, itoa(id))
		if img, ok := v["image_asset"].(map[string]any); ok {
			img["full_size"].(map[string]any)["url"] = "https://tpc.googlesyndication.com/simgad/" + itoa(id)
		}
	case "AssetGroup":
		v["id"] = id
		ent.name = nameOf(c, def.collection, itoa(id))
		setDefault("status", "ENABLED")
		v["ad_strength"] = "PENDING"
	case "AssetGroupAsset":
		ent.name = nameOf(c, def.collection, lastID(str(v, "asset_group")), lastID(str(v, "asset")), str(v, "field_type"))
		setDefault("status", "ENABLED")
	}
	v["resource_name"] = ent.name
}
