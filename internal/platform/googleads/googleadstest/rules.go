package googleadstest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	_ "image/gif" // image formats Google accepts
	_ "image/jpeg"
	_ "image/png"
	"math"
	"net/url"
	"strings"
	"time"
	"unicode"

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
//     "yyyy-MM-dd HH:mm:ss".
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

func (m *mutation) checkBudget(ent *entity, at path) []adsError {
	v := ent.v
	amount, hasAmount := num(v, "amount_micros")
	_, hasTotal := num(v, "total_amount_micros")
	switch {
	case !hasAmount && !hasTotal:
		return []adsError{required(at, "amount_micros")}
	case hasAmount && amount < 0:
		return []adsError{newErr(at.child("amount_micros"), "campaignBudgetError", "NEGATIVE_MONEY_AMOUNT", "A money amount was negative.").withTrigger(amount)}
	case hasAmount && amount == 0:
		return []adsError{newErr(at.child("amount_micros"), "campaignBudgetError", "MONEY_AMOUNT_LESS_THAN_CURRENCY_MINIMUM_CPC", "A money amount was less than the minimum CPC for currency.").withTrigger(amount)}
	}
	shared, set := v["explicitly_shared"].(bool)
	name := strings.TrimSpace(str(v, "name"))
	if (!set || shared) && name == "" {
		return []adsError{required(at, "name")}
	}
	if name != "" {
		for _, e := range m.others(ent) {
			if str(e.v, "name") == name {
				return []adsError{newErr(at.child("name"), "campaignBudgetError", "DUPLICATE_NAME", "A campaign budget with this name already exists.").withTrigger(name)}
			}
		}
	}
	return nil
}

var dateTimeLayout = "2006-01-02 15:04:05"

func (m *mutation) checkCampaign(ent *entity, old *entity, at path) []adsError {
	v := ent.v
	var errs []adsError
	name := strings.TrimSpace(str(v, "name"))
	if name == "" {
		errs = append(errs, required(at, "name"))
	} else {
		for _, e := range m.others(ent) {
			if str(e.v, "name") == name {
				errs = append(errs, newErr(at.child("name"), "campaignError", "DUPLICATE_CAMPAIGN_NAME", "Trying to modify the name of an active or paused campaign, where the name is already assigned to another active or paused campaign.").withTrigger(name))
			}
		}
	}
	channel := str(v, "advertising_channel_type")
	if channel == "" {
		errs = append(errs, required(at, "advertising_channel_type"))
	}
	if str(v, "contains_eu_political_advertising") == "" {
		errs = append(errs, required(at, "contains_eu_political_advertising"))
	}
	budget, berrs := m.ref(v, "campaign_budget", resourceByMsg("CampaignBudget"), at)
	errs = append(errs, berrs...)
	if budget != nil {
		if budget.removed() {
			errs = append(errs, newErr(at.child("campaign_budget"), "campaignBudgetError", "CAMPAIGN_BUDGET_REMOVED", "The requested campaign budget no longer exists.").withTrigger(budget.name))
		} else if shared, set := budget.v["explicitly_shared"].(bool); set && !shared {
			for _, e := range m.others(ent) {
				if str(e.v, "campaign_budget") == budget.name {
					errs = append(errs, newErr(at.child("campaign_budget"), "campaignBudgetError", "CAMPAIGN_BUDGET_CANNOT_BE_SHARED", "The campaign budget cannot be shared.").withTrigger(budget.name))
					break
				}
			}
		}
	}
	strategy := ""
	for _, s := range []string{"bidding_strategy", "manual_cpc", "maximize_conversions", "maximize_conversion_value", "target_spend"} {
		if _, set := v[s]; set {
			strategy = s
		}
	}
	switch {
	case strategy == "":
		errs = append(errs, newErr(at, "fieldError", "REQUIRED", "The required field was not present: a bidding strategy (campaign_bidding_strategy)."))
	case channel == "PERFORMANCE_MAX" && strategy != "maximize_conversions" && strategy != "maximize_conversion_value":
		errs = append(errs, newErr(at.child(strategy), "biddingError", "INVALID_ANONYMOUS_BIDDING_STRATEGY_TYPE", "Bidding strategy is not supported or cannot be used as anonymous."))
	}
	for _, f := range []string{"start_date_time", "end_date_time"} {
		if s := str(v, f); s != "" {
			if _, err := time.Parse(dateTimeLayout, s); err != nil {
				errs = append(errs, newErr(at.child(f), "dateError", "INVALID_STRING_DATE_TIME_SECONDS", "The string date time's format should be yyyy-mm-dd hh:mm:ss.").withTrigger(s))
			}
		}
	}
	if len(errs) > 0 {
		return errs
	}
	v["bidding_strategy_type"] = map[string]string{
		"bidding_strategy": "TARGET_SPEND", "manual_cpc": "MANUAL_CPC", "maximize_conversions": "MAXIMIZE_CONVERSIONS",
		"maximize_conversion_value": "MAXIMIZE_CONVERSION_VALUE", "target_spend": "TARGET_SPEND",
	}[strategy]
	if strategy == "maximize_conversions" {
		if n, ok := num(v, "maximize_conversions.target_cpa_micros"); ok && n > 0 {
			v["bidding_strategy_type"] = "TARGET_CPA"
		}
	}
	return nil
}

func (m *mutation) checkCampaignCriterion(ent, old *entity, at path) []adsError {
	v := ent.v
	campaign, errs := m.ref(v, "campaign", resourceByMsg("Campaign"), at)
	if errs != nil {
		return errs
	}
	if campaign.removed() && old == nil {
		return removedParent(at.child("campaign"), campaign.name)
	}
	negative, _ := v["negative"].(bool)
	switch {
	case v["keyword"] != nil:
		if !negative {
			return []adsError{newErr(at.child("negative"), "campaignCriterionError", "CANNOT_TARGET_AND_EXCLUDE", "A campaign keyword must be negative: positive keywords belong to ad groups.")}
		}
		return checkKeyword(v["keyword"].(map[string]any), at.child("keyword"))
	case v["language"] != nil:
		if negative {
			return []adsError{newErr(at.child("negative"), "campaignCriterionError", "CANNOT_EXCLUDE_CRITERIA_TYPE", "Cannot exclude criteria type.")}
		}
		return checkConstant(str(v, "language.language_constant"), "languageConstants", at.child("language").child("language_constant"))
	case v["location"] != nil:
		return checkConstant(str(v, "location.geo_target_constant"), "geoTargetConstants", at.child("location").child("geo_target_constant"))
	}
	return []adsError{newErr(at, "campaignCriterionError", "CONCRETE_TYPE_REQUIRED", "Concrete type of criterion (keyword v.s. placement) is required for CREATE and UPDATE operations.")}
}

func checkConstant(name, collection string, at path) []adsError {
	id, ok := strings.CutPrefix(name, collection+"/")
	if !ok || id == "" || strings.Trim(id, "0123456789") != "" {
		return []adsError{newErr(at, "requestError", "RESOURCE_NAME_MALFORMED", "Resource name provided is malformed.").withTrigger(name)}
	}
	return nil
}

func (m *mutation) checkAdGroup(ent, old *entity, at path) []adsError {
	v := ent.v
	var errs []adsError
	campaign, cerrs := m.ref(v, "campaign", resourceByMsg("Campaign"), at)
	if cerrs != nil {
		return cerrs
	}
	if campaign.removed() && old == nil {
		return removedParent(at.child("campaign"), campaign.name)
	}
	if ch := str(campaign.v, "advertising_channel_type"); ch != "SEARCH" {
		errs = append(errs, newErr(at.child("campaign"), "operationAccessDeniedError", "OPERATION_NOT_PERMITTED_FOR_CAMPAIGN_TYPE", "This operation is not permitted on this campaign type.").withTrigger(ch))
	}
	name := strings.TrimSpace(str(v, "name"))
	if name == "" {
		errs = append(errs, required(at, "name"))
	}
	for _, e := range m.others(ent) {
		if name != "" && str(e.v, "campaign") == campaign.name && str(e.v, "name") == name {
			errs = append(errs, newErr(at.child("name"), "adGroupError", "DUPLICATE_ADGROUP_NAME", "AdGroup with the same name already exists for the campaign.").withTrigger(name))
		}
	}
	if bid, ok := num(v, "cpc_bid_micros"); ok && bid < 0 {
		errs = append(errs, newErr(at.child("cpc_bid_micros"), "rangeError", "TOO_LOW", "Too low.").withTrigger(bid))
	}
	return errs
}

func (m *mutation) checkAdGroupCriterion(ent, old *entity, at path) []adsError {
	v := ent.v
	adGroup, errs := m.ref(v, "ad_group", resourceByMsg("AdGroup"), at)
	if errs != nil {
		return errs
	}
	if adGroup.removed() && old == nil {
		return removedParent(at.child("ad_group"), adGroup.name)
	}
	kw, ok := v["keyword"].(map[string]any)
	if !ok {
		return []adsError{newErr(at, "adGroupCriterionError", "CONCRETE_TYPE_REQUIRED", "Concrete type of criterion (keyword v.s. placement) is required for ADD and SET operations.")}
	}
	if old == nil {
		return checkKeyword(kw, at.child("keyword"))
	}
	return nil
}

const keywordInvalidChars = "!@%,*()=;<>`~|^?\\{}"

func checkKeyword(kw map[string]any, at path) []adsError {
	text := str(kw, "text")
	trimmed := strings.TrimSpace(text)
	textAt := at.child("text")
	var errs []adsError
	switch {
	case trimmed == "":
		errs = append(errs, newErr(textAt, "criterionError", "INVALID_KEYWORD_TEXT", "Keyword text should not be empty.").withTrigger(text))
	case len([]rune(trimmed)) > 80:
		errs = append(errs, newErr(textAt, "criterionError", "KEYWORD_TEXT_TOO_LONG", "Keyword text should be less than 80 chars.").withTrigger(text))
	case len(strings.Fields(trimmed)) > 10:
		errs = append(errs, newErr(textAt, "criterionError", "KEYWORD_HAS_TOO_MANY_WORDS", "Keyword text has too many words.").withTrigger(text))
	case strings.ContainsAny(trimmed, keywordInvalidChars) || strings.IndexFunc(trimmed, unicode.IsControl) >= 0:
		errs = append(errs, newErr(textAt, "criterionError", "KEYWORD_HAS_INVALID_CHARS", "Keyword text has invalid characters or symbols.").withTrigger(text))
	case strings.HasPrefix(trimmed, "+") || strings.Contains(trimmed, " +"):
		errs = append(errs, newErr(textAt, "criterionError", "BROAD_MATCH_MODIFIER_KEYWORD_NOT_ALLOWED", "Broad match modifier (BMM) keywords can no longer be created.").withTrigger(text))
	}
	if str(kw, "match_type") == "" {
		errs = append(errs, required(at, "match_type"))
	}
	return errs
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

func (m *mutation) checkAdGroupAd(ent, old *entity, at path) []adsError {
	v := ent.v
	adGroup, errs := m.ref(v, "ad_group", resourceByMsg("AdGroup"), at)
	if errs != nil {
		return errs
	}
	if adGroup.removed() && old == nil {
		return removedParent(at.child("ad_group"), adGroup.name)
	}
	if ent.status() != "PAUSED" && ent.status() != "REMOVED" {
		enabled := 0
		for _, e := range m.others(ent) {
			if str(e.v, "ad_group") == adGroup.name && e.status() == "ENABLED" {
				enabled++
			}
		}
		if enabled >= 3 {
			return []adsError{newErr(at, "resourceCountLimitExceededError", "ADGROUP_LIMIT", "Indicates that this request would exceed the number of allowed resources in an ad group: at most 3 enabled responsive search ads.")}
		}
	}
	if old != nil {
		return nil // the ad itself is immutable and was checked when created
	}
	ad, ok := v["ad"].(map[string]any)
	if !ok {
		return []adsError{required(at, "ad")}
	}
	adAt := at.child("ad")
	rsa, ok := ad["responsive_search_ad"].(map[string]any)
	if !ok {
		return []adsError{required(adAt, "responsive_search_ad")}
	}
	rsaAt := adAt.child("responsive_search_ad")
	urls, _ := ad["final_urls"].([]any)
	if len(urls) == 0 {
		errs = append(errs, newErr(adAt.child("final_urls"), "fieldError", "REQUIRED_NONEMPTY_LIST", "The required repeated field was empty."))
	}
	errs = append(errs, checkURLs(urls, adAt.child("final_urls"))...)
	errs = append(errs, checkTexts(rsa, "headlines", 3, 15, 30, []string{"HEADLINE_1", "HEADLINE_2", "HEADLINE_3"}, rsaAt)...)
	errs = append(errs, checkTexts(rsa, "descriptions", 2, 4, 90, []string{"DESCRIPTION_1", "DESCRIPTION_2"}, rsaAt)...)
	p1, p2 := str(rsa, "path1"), str(rsa, "path2")
	for _, p := range []struct{ name, val string }{{"path1", p1}, {"path2", p2}} {
		if displayWidth(p.val) > 15 {
			errs = append(errs, newErr(rsaAt.child(p.name), "adError", "TOO_LONG", "The string has too many characters.").withTrigger(p.val))
		}
	}
	if p2 != "" && p1 == "" {
		errs = append(errs, newErr(rsaAt.child("path2"), "adError", "CANNOT_SET_PATH2_WITHOUT_PATH1", "Cannot set path2 without path1.").withTrigger(p2))
	}
	return errs
}

func checkTexts(rsa map[string]any, field string, lo, hi, limit int, pins []string, at path) []adsError {
	list, _ := rsa[field].([]any)
	listAt := at.child(field)
	var errs []adsError
	switch {
	case len(list) < lo:
		errs = append(errs, newErr(listAt, "collectionSizeError", "TOO_FEW", "Too few.").withTrigger(int64(len(list))))
	case len(list) > hi:
		errs = append(errs, newErr(listAt, "collectionSizeError", "TOO_MANY", "Too many.").withTrigger(int64(len(list))))
	}
	seen := map[string]bool{}
	for i, item := range list {
		a := item.(map[string]any)
		text := str(a, "text")
		textAt := listAt.at(i).child("text")
		switch {
		case strings.TrimSpace(text) == "":
			errs = append(errs, newErr(textAt, "adError", "EMPTY_FIELD", "A required field was not specified or is an empty string.").withTrigger(text))
		case displayWidth(text) > limit:
			errs = append(errs, newErr(textAt, "adError", "TOO_LONG", "The string has too many characters.").withTrigger(text))
		case seen[text]:
			errs = append(errs, newErr(textAt, "assetError", "DUPLICATE_ASSET", "Assets are duplicated across operations.").withTrigger(text))
		}
		seen[text] = true
		if pin := str(a, "pinned_field"); pin != "" && !contains(pins, pin) {
			errs = append(errs, newErr(listAt.at(i).child("pinned_field"), "assetLinkError", "INVALID_PINNED_FIELD", "The pinned field is not valid for the submitted asset field.").withTrigger(pin))
		}
	}
	return errs
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
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

const maxImageBytes = 5120 * 1024

func (m *mutation) checkAsset(o *op, ent, old *entity, at path) []adsError {
	v := ent.v
	if old != nil {
		return nil // only the name can change
	}
	switch {
	case v["text_asset"] != nil:
		text := str(v, "text_asset.text")
		if strings.TrimSpace(text) == "" {
			return []adsError{newErr(at.child("text_asset").child("text"), "stringLengthError", "EMPTY", "The specified field should have a least one non-whitespace character in it.").withTrigger(text)}
		}
		v["type"] = "TEXT"
		ent.contentKey = "TEXT:" + text
	case v["image_asset"] != nil:
		img := v["image_asset"].(map[string]any)
		imgAt := at.child("image_asset")
		data, _ := img["data"].([]byte)
		if len(data) == 0 {
			return []adsError{required(imgAt, "data")}
		}
		if len(data) > maxImageBytes {
			return []adsError{newErr(imgAt.child("data"), "imageError", "FILE_TOO_LARGE", "Image file is too large.").withTrigger(int64(len(data)))}
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return []adsError{newErr(imgAt.child("data"), "imageError", "INVALID_IMAGE", "The image is not valid.")}
		}
		if strings.TrimSpace(str(v, "name")) == "" {
			return []adsError{newErr(at.child("name"), "assetError", "NAME_REQUIRED_FOR_ASSET_TYPE", "Asset name is required for the asset type.")}
		}
		sum := sha256.Sum256(data)
		delete(img, "data") // mutate only: never answered
		img["file_size"] = int64(len(data))
		img["mime_type"] = map[string]string{"png": "IMAGE_PNG", "jpeg": "IMAGE_JPEG", "gif": "IMAGE_GIF"}[format]
		img["full_size"] = map[string]any{"width_pixels": int64(cfg.Width), "height_pixels": int64(cfg.Height)}
		v["type"] = "IMAGE"
		ent.contentKey = "IMAGE:" + hex.EncodeToString(sum[:])
	default:
		return []adsError{newErr(at, "assetError", "ASSET_DATA_IS_MISSING", "The `Asset.asset_data` oneof is empty.")}
	}
	if prev, dup := m.assetKeys[ent.contentKey]; dup {
		return []adsError{newErr(at, "assetError", "DUPLICATE_ASSET", "Assets are duplicated across operations (the same content as mutate_operations["+itoa(int64(prev))+"]).")}
	}
	m.assetKeys[ent.contentKey] = o.index
	for _, e := range m.st.list(ent.customer, ent.def) {
		if e.contentKey != ent.contentKey {
			continue
		}
		if name := str(v, "name"); name != "" && str(e.v, "name") != "" && name != str(e.v, "name") {
			return []adsError{newErr(at.child("name"), "assetError", "CANNOT_MODIFY_ASSET_NAME", "The asset has a name which is different from an existing duplicate that represents the same content.").withTrigger(name)}
		}
		ent.name = e.name // Google answers the stored asset
		ent.v = e.v
		return nil
	}
	return nil
}

func (m *mutation) checkAssetGroup(ent *entity, at path) []adsError {
	v := ent.v
	campaign, errs := m.ref(v, "campaign", resourceByMsg("Campaign"), at)
	if errs != nil {
		return errs
	}
	if campaign.removed() {
		return []adsError{newErr(at.child("campaign"), "assetGroupError", "CANNOT_MUTATE_ASSET_GROUP_FOR_REMOVED_CAMPAIGN", "Cannot mutate asset group for campaign with removed status.").withTrigger(campaign.name)}
	}
	if str(campaign.v, "advertising_channel_type") != "PERFORMANCE_MAX" {
		return []adsError{newErr(at.child("campaign"), "assetGroupError", "CANNOT_ADD_ASSET_GROUP_FOR_CAMPAIGN_TYPE", "Cannot add asset group for the campaign type.").withTrigger(campaign.name)}
	}
	name := strings.TrimSpace(str(v, "name"))
	if name == "" {
		errs = append(errs, required(at, "name"))
	}
	for _, e := range m.others(ent) {
		if name != "" && str(e.v, "campaign") == campaign.name && str(e.v, "name") == name {
			errs = append(errs, newErr(at.child("name"), "assetGroupError", "DUPLICATE_NAME", "Each asset group in a single campaign must have a unique name.").withTrigger(name))
		}
	}
	urls, _ := v["final_urls"].([]any)
	if len(urls) == 0 {
		errs = append(errs, newErr(at.child("final_urls"), "assetGroupError", "FINAL_URL_REQUIRED", "Final url field is required for asset group."))
	}
	errs = append(errs, checkURLs(urls, at.child("final_urls"))...)
	p1, p2 := str(v, "path1"), str(v, "path2")
	if p2 != "" && p1 == "" {
		errs = append(errs, newErr(at.child("path2"), "assetGroupError", "PATH1_REQUIRED_WHEN_PATH2_IS_SET", "Path1 required when path2 is set.").withTrigger(p2))
	}
	for _, p := range []struct{ name, val string }{{"path1", p1}, {"path2", p2}} {
		if displayWidth(p.val) > 15 {
			errs = append(errs, newErr(at.child(p.name), "stringLengthError", "TOO_LONG", "Too long.").withTrigger(p.val))
		}
	}
	return errs
}

// imageSpecs are the Performance Max image fields: aspect ratio and minimum
// size (developers.google.com/google-ads/api/performance-max/asset-requirements).
var imageSpecs = map[string]struct {
	ratio         float64
	minW, minH    int64
	readableRatio string
}{
	"MARKETING_IMAGE":          {1.91, 600, 314, "1.91:1"},
	"SQUARE_MARKETING_IMAGE":   {1, 300, 300, "1:1"},
	"PORTRAIT_MARKETING_IMAGE": {0.8, 480, 600, "4:5"},
	"LOGO":                     {1, 128, 128, "1:1"},
	"LANDSCAPE_LOGO":           {4, 512, 128, "4:1"},
}

var textLimits = map[string]int{"HEADLINE": 30, "LONG_HEADLINE": 90, "DESCRIPTION": 90, "BUSINESS_NAME": 25}

func (m *mutation) checkAssetGroupAsset(ent, old *entity, at path) []adsError {
	v := ent.v
	group, errs := m.ref(v, "asset_group", resourceByMsg("AssetGroup"), at)
	if errs != nil {
		return errs
	}
	asset, errs := m.ref(v, "asset", resourceByMsg("Asset"), at)
	if errs != nil {
		return errs
	}
	if group.removed() && old == nil {
		return removedParent(at.child("asset_group"), group.name)
	}
	if old != nil {
		return nil
	}
	ft := str(v, "field_type")
	if ft == "" {
		return []adsError{required(at, "field_type")}
	}
	ftAt := at.child("field_type")
	typ := str(asset.v, "type")
	_, isText := textLimits[ft]
	spec, isImage := imageSpecs[ft]
	switch {
	case !isText && !isImage:
		return []adsError{newErr(ftAt, "assetLinkError", "UNSUPPORTED_FIELD_TYPE", "The given field type is not supported to be added directly through asset links.").withTrigger(ft)}
	case (isText && typ != "TEXT") || (isImage && typ != "IMAGE"):
		return []adsError{newErr(ftAt, "assetLinkError", "FIELD_TYPE_INCOMPATIBLE_WITH_ASSET_TYPE", "The given asset's type and the specified field type are incompatible.").withTrigger(ft)}
	}
	campaign := m.st.byName[str(group.v, "campaign")]
	if brand, _ := campaign.v["brand_guidelines_enabled"].(bool); brand && (ft == "BUSINESS_NAME" || ft == "LOGO" || ft == "LANDSCAPE_LOGO") {
		return []adsError{newErr(ftAt, "assetLinkError", "BRAND_ASSETS_NOT_LINKED_AT_CAMPAIGN_LEVEL", "For Performance Max campaigns where brand_guidelines_enabled is true, business name and logo assets must be linked as campaign assets.").withTrigger(ft)}
	}
	if isText {
		text := str(asset.v, "text_asset.text")
		if displayWidth(text) > textLimits[ft] {
			return []adsError{newErr(at.child("asset"), "stringLengthError", "TOO_LONG", "Too long: a "+ft+" holds at most "+itoa(int64(textLimits[ft]))+" characters.").withTrigger(text)}
		}
	}
	if isImage {
		w, _ := num(asset.v, "image_asset.full_size.width_pixels")
		h, _ := num(asset.v, "image_asset.full_size.height_pixels")
		if h == 0 || math.Abs(float64(w)/float64(h)-spec.ratio)/spec.ratio > 0.01 {
			return []adsError{newErr(at.child("asset"), "imageError", "ASPECT_RATIO_NOT_ALLOWED", "The aspect ratio of the image is not allowed: "+ft+" wants "+spec.readableRatio+".").withTrigger(itoa(w) + "x" + itoa(h))}
		}
		if w < spec.minW || h < spec.minH {
			return []adsError{newErr(at.child("asset"), "imageError", "IMAGE_TOO_SMALL", "Image is too small: "+ft+" wants at least "+itoa(spec.minW)+"x"+itoa(spec.minH)+".").withTrigger(itoa(w) + "x" + itoa(h))}
		}
	}
	for _, e := range m.others(ent) {
		if str(e.v, "asset_group") == group.name && str(e.v, "asset") == asset.name && str(e.v, "field_type") == ft {
			return []adsError{newErr(at, "assetGroupAssetError", "DUPLICATE_RESOURCE", "Cannot add duplicated asset group asset.")}
		}
	}
	return nil
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

// finalChecks are the rules about the request as a whole: the asset groups
// it creates must end it with their minimum assets.
func (m *mutation) finalChecks() []adsError {
	var errs []adsError
	links := m.st.list(m.c.customerID, resourceByMsg("AssetGroupAsset"))
	for name, o := range m.newAssetGroups {
		group := m.st.byName[name]
		if group == nil || m.failedOps[o.index] {
			continue
		}
		campaign := m.st.byName[str(group.v, "campaign")]
		brand, _ := campaign.v["brand_guidelines_enabled"].(bool)
		count := map[string]int{}
		shortDescription := false
		for _, l := range links {
			if l.removed() || str(l.v, "asset_group") != name {
				continue
			}
			ft := str(l.v, "field_type")
			count[ft]++
			if ft == "DESCRIPTION" {
				if a := m.st.byName[str(l.v, "asset")]; a != nil && displayWidth(str(a.v, "text_asset.text")) <= 60 {
					shortDescription = true
				}
			}
		}
		need := []struct {
			field, code string
			n           int
		}{
			{"HEADLINE", "NOT_ENOUGH_HEADLINE_ASSET", 3},
			{"LONG_HEADLINE", "NOT_ENOUGH_LONG_HEADLINE_ASSET", 1},
			{"DESCRIPTION", "NOT_ENOUGH_DESCRIPTION_ASSET", 2},
			{"BUSINESS_NAME", "NOT_ENOUGH_BUSINESS_NAME_ASSET", 1},
			{"MARKETING_IMAGE", "NOT_ENOUGH_MARKETING_IMAGE_ASSET", 1},
			{"SQUARE_MARKETING_IMAGE", "NOT_ENOUGH_SQUARE_MARKETING_IMAGE_ASSET", 1},
			{"LOGO", "NOT_ENOUGH_LOGO_ASSET", 1},
		}
		for _, n := range need {
			if brand && (n.field == "BUSINESS_NAME" || n.field == "LOGO") {
				continue
			}
			if count[n.field] < n.n {
				errs = append(errs, newErr(o.at, "assetGroupError", n.code, "Not enough "+strings.ToLower(strings.ReplaceAll(n.field, "_", " "))+" assets for a valid asset group: "+itoa(int64(count[n.field]))+" of "+itoa(int64(n.n))+"."))
			}
		}
		if count["DESCRIPTION"] >= 2 && !shortDescription {
			errs = append(errs, newErr(o.at, "assetGroupError", "SHORT_DESCRIPTION_REQUIRED", "At least one short description asset (60 characters or fewer) is required for a valid asset group."))
		}
	}
	return errs
}
