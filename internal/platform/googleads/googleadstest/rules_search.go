package googleadstest

import (
	"strings"
	"unicode"
)

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
