package publishing

import (
	"fmt"
	"strings"

	"github.com/imaphub/imaphub/internal/platform/googleads"
)

// PublishProblem is something Google Ads refuses (or our check before sending
// finds), at our entity and field.
type PublishProblem struct {
	Entity *Ref   `json:"entity,omitempty" doc:"Our entity the problem is about; absent for the request as a whole"`
	Field  string `json:"field,omitempty" doc:"The entity's field, e.g. headlines[3], languages[0], final_urls[0]"`
	Where  string `json:"where,omitempty" doc:"Entity and field for people, e.g. \"ad 7, headlines[3]\", in the language asked for"`
	// Code is Google's error code (category.VALUE) or imaphub.VALUE for our
	// own checks.
	Code          string `json:"code" doc:"Google's error code, e.g. adError.TOO_LONG, or imaphub.UNKNOWN_LANGUAGE for our own checks"`
	Message       string `json:"message" doc:"What is wrong and what to do, in the language asked for"`
	GoogleMessage string `json:"google_message,omitempty" doc:"Google's own message (English)"`
	Value         string `json:"value,omitempty" doc:"The refused value, when Google names it"`
	Location      string `json:"location,omitempty" doc:"Google's field path in the request"`
}

// nouns name our entities in messages.
var nouns = map[string][2]string{ // en, de
	"campaign":    {"campaign", "Kampagne"},
	"ad_group":    {"ad group", "Anzeigengruppe"},
	"keyword":     {"keyword", "Keyword"},
	"ad":          {"ad", "Anzeige"},
	"asset_group": {"asset group", "Asset-Gruppe"},
	"asset":       {"asset", "Asset"},
}

// messages explain the errors people meet most, in English and German;
// others fall back to Google's message. {value} is the refused value.
var messages = map[string][2]string{
	"adError.TOO_LONG":                                                {"too long for Google Ads", "zu lang für Google Ads"},
	"stringLengthError.TOO_LONG":                                      {"too long for Google Ads", "zu lang für Google Ads"},
	"stringLengthError.TOO_SHORT":                                     {"too short for Google Ads", "zu kurz für Google Ads"},
	"stringLengthError.EMPTY":                                         {"must not be empty", "darf nicht leer sein"},
	"adError.EMPTY_FIELD":                                             {"must not be empty", "darf nicht leer sein"},
	"adError.CANNOT_SET_PATH2_WITHOUT_PATH1":                          {"path2 needs path1", "Pfad 2 braucht Pfad 1"},
	"assetError.DUPLICATE_ASSET":                                      {"the same text is used twice", "derselbe Text kommt doppelt vor"},
	"assetLinkError.INVALID_PINNED_FIELD":                             {"this text cannot be pinned to that position", "dieser Text kann nicht an diese Position angeheftet werden"},
	"collectionSizeError.TOO_FEW":                                     {"too few items for Google Ads", "zu wenige Einträge für Google Ads"},
	"collectionSizeError.TOO_MANY":                                    {"too many items for Google Ads", "zu viele Einträge für Google Ads"},
	"urlFieldError.MISSING_PROTOCOL_IN_FINAL_URL":                     {"the final URL must start with https://", "die finale URL muss mit https:// beginnen"},
	"urlFieldError.INVALID_PROTOCOL_IN_FINAL_URL":                     {"the final URL must start with http:// or https://", "die finale URL muss mit http:// oder https:// beginnen"},
	"urlFieldError.MISSING_HOST_IN_FINAL_URL":                         {"the final URL has no host name", "die finale URL hat keinen Hostnamen"},
	"urlFieldError.INVALID_TLD_IN_FINAL_URL":                          {"the final URL has no valid top-level domain", "die finale URL hat keine gültige Top-Level-Domain"},
	"urlFieldError.MALFORMED_FINAL_URL":                               {"the final URL is not a valid address", "die finale URL ist keine gültige Adresse"},
	"fieldError.REQUIRED_NONEMPTY_LIST":                               {"needs at least one entry", "braucht mindestens einen Eintrag"},
	"fieldError.REQUIRED":                                             {"Google Ads requires this field", "Google Ads verlangt dieses Feld"},
	"criterionError.INVALID_KEYWORD_TEXT":                             {"the keyword is empty or invalid", "das Keyword ist leer oder ungültig"},
	"criterionError.KEYWORD_TEXT_TOO_LONG":                            {"the keyword is longer than 80 characters", "das Keyword ist länger als 80 Zeichen"},
	"criterionError.KEYWORD_HAS_TOO_MANY_WORDS":                       {"the keyword has more than 10 words", "das Keyword hat mehr als 10 Wörter"},
	"criterionError.KEYWORD_HAS_INVALID_CHARS":                        {"the keyword contains characters Google Ads refuses", "das Keyword enthält Zeichen, die Google Ads ablehnt"},
	"criterionError.BROAD_MATCH_MODIFIER_KEYWORD_NOT_ALLOWED":         {"\"+word\" (broad match modifier) is no longer allowed", "„+Wort“ (modifizierte weitgehende Übereinstimmung) ist nicht mehr erlaubt"},
	"campaignError.DUPLICATE_CAMPAIGN_NAME":                           {"the Google Ads account already has a campaign with this name: rename the campaign", "im Google-Ads-Konto gibt es schon eine Kampagne mit diesem Namen: benennen Sie die Kampagne um"},
	"adGroupError.DUPLICATE_ADGROUP_NAME":                             {"the campaign already has an ad group with this name at Google Ads", "die Kampagne hat bei Google Ads schon eine Anzeigengruppe mit diesem Namen"},
	"assetGroupError.DUPLICATE_NAME":                                  {"the campaign already has an asset group with this name at Google Ads", "die Kampagne hat bei Google Ads schon eine Asset-Gruppe mit diesem Namen"},
	"campaignBudgetError.DUPLICATE_NAME":                              {"the account already has a budget with this name", "im Konto gibt es schon ein Budget mit diesem Namen"},
	"campaignBudgetError.MONEY_AMOUNT_LESS_THAN_CURRENCY_MINIMUM_CPC": {"the daily budget is below Google's minimum for the currency", "das Tagesbudget liegt unter dem Minimum von Google für die Währung"},
	"campaignError.CANNOT_MODIFY_START_DATE_IF_ALREADY_STARTED":       {"the campaign has started at Google Ads: its start date can no longer change", "die Kampagne läuft bei Google Ads schon: ihr Startdatum kann sich nicht mehr ändern"},
	"campaignError.CANNOT_SET_DATE_TO_PAST":                           {"the date {value} lies in the past: choose today or a later day", "das Datum {value} liegt in der Vergangenheit: wählen Sie heute oder einen späteren Tag"},
	"biddingError.INVALID_ANONYMOUS_BIDDING_STRATEGY_TYPE":            {"Google Ads does not take this bidding strategy for this campaign type", "Google Ads nimmt diese Gebotsstrategie für diesen Kampagnentyp nicht an"},
	"campaignBudgetError.NEGATIVE_MONEY_AMOUNT":                       {"the daily budget must not be negative", "das Tagesbudget darf nicht negativ sein"},
	"assetGroupError.NOT_ENOUGH_HEADLINE_ASSET":                       {"Google Ads needs at least 3 headlines", "Google Ads braucht mindestens 3 Anzeigentitel"},
	"assetGroupError.NOT_ENOUGH_LONG_HEADLINE_ASSET":                  {"Google Ads needs a long headline", "Google Ads braucht einen langen Anzeigentitel"},
	"assetGroupError.NOT_ENOUGH_DESCRIPTION_ASSET":                    {"Google Ads needs at least 2 descriptions", "Google Ads braucht mindestens 2 Beschreibungen"},
	"assetGroupError.NOT_ENOUGH_BUSINESS_NAME_ASSET":                  {"Google Ads needs a business name", "Google Ads braucht einen Unternehmensnamen"},
	"assetGroupError.NOT_ENOUGH_MARKETING_IMAGE_ASSET":                {"Google Ads needs a landscape marketing image (1.91:1)", "Google Ads braucht ein Marketingbild im Querformat (1,91:1)"},
	"assetGroupError.NOT_ENOUGH_SQUARE_MARKETING_IMAGE_ASSET":         {"Google Ads needs a square marketing image", "Google Ads braucht ein quadratisches Marketingbild"},
	"assetGroupError.NOT_ENOUGH_LOGO_ASSET":                           {"Google Ads needs a logo", "Google Ads braucht ein Logo"},
	"assetGroupError.SHORT_DESCRIPTION_REQUIRED":                      {"Google Ads needs one description of at most 60 characters", "Google Ads braucht eine Beschreibung mit höchstens 60 Zeichen"},
	"imageError.ASPECT_RATIO_NOT_ALLOWED":                             {"the image's aspect ratio does not fit this field", "das Seitenverhältnis des Bildes passt nicht zu diesem Feld"},
	"imageError.IMAGE_TOO_SMALL":                                      {"the image is too small for this field", "das Bild ist zu klein für dieses Feld"},
	"imageError.FILE_TOO_LARGE":                                       {"the image file is too large", "die Bilddatei ist zu groß"},
	"imageError.INVALID_IMAGE":                                        {"Google Ads cannot read the image", "Google Ads kann das Bild nicht lesen"},
	"policyFindingError.POLICY_FINDING":                               {"Google's advertising policies refuse this text", "die Werberichtlinien von Google lehnen diesen Text ab"},
	"resourceCountLimitExceededError.ADGROUP_LIMIT":                   {"an ad group may have at most 3 enabled responsive search ads", "eine Anzeigengruppe darf höchstens 3 aktive responsive Suchanzeigen haben"},
	"authorizationError.USER_PERMISSION_DENIED":                       {"the Google user cannot reach this account: check the account or IMAPHUB_GOOGLEADS_LOGIN_CUSTOMER_ID", "der Google-Nutzer erreicht dieses Konto nicht: Konto oder IMAPHUB_GOOGLEADS_LOGIN_CUSTOMER_ID prüfen"},
	"imaphub.UNKNOWN_LANGUAGE":                                        {"Google Ads cannot target the language {value}", "Google Ads kann die Sprache {value} nicht ausrichten"},
	"imaphub.UNKNOWN_LOCATION":                                        {"{value} is neither a country code Google Ads knows nor a geo target id", "{value} ist weder ein Ländercode, den Google Ads kennt, noch eine Geo-Target-ID"},
	"imaphub.CURRENCY_MISMATCH":                                       {"the account bills in {value}: the campaign's budget must be in the same currency", "das Konto rechnet in {value} ab: das Budget der Kampagne muss dieselbe Währung haben"},
	"imaphub.MANAGER_ACCOUNT":                                         {"{value} is a manager account, which holds no campaigns: choose one of its client accounts", "{value} ist ein Verwaltungskonto ohne eigene Kampagnen: wählen Sie eines seiner Kundenkonten"},
}

// Localize fills Where and Message in lang ("de" or English).
func (p PublishProblem) Localize(lang string) PublishProblem {
	i := 0
	if lang == "de" {
		i = 1
	}
	p.Where = ""
	if p.Entity != nil {
		p.Where = fmt.Sprintf("%s %d", nouns[p.Entity.Type][i], p.Entity.ID)
		if p.Field != "" {
			p.Where += ", " + p.Field
		}
	}
	if m, ok := messages[p.Code]; ok {
		p.Message = strings.ReplaceAll(m[i], "{value}", p.Value)
		return p
	}
	p.Message = p.GoogleMessage
	if p.Message == "" {
		p.Message = p.Code
	}
	if i == 1 {
		p.Message = "Google Ads: " + p.Message
	}
	return p
}

// LocalizeAll localizes a list.
func LocalizeAll(ps []PublishProblem, lang string) []PublishProblem {
	out := make([]PublishProblem, len(ps))
	for i, p := range ps {
		out[i] = p.Localize(lang)
	}
	return out
}

func localProblem(owner Ref, field, code, value string) PublishProblem {
	return PublishProblem{Entity: &owner, Field: field, Code: "imaphub." + code, Value: value}
}

// problemFrom maps one GoogleAdsError to our entity and field; e is the
// entity of the operation it names (nil when it names none).
func problemFrom(g googleads.GoogleAdsError, e *Entity) PublishProblem {
	p := PublishProblem{Code: g.Code.String(), GoogleMessage: g.Message, Value: g.Trigger, Location: g.Location.String()}
	if e == nil {
		return p
	}
	owner := e.Owner
	p.Entity = &owner
	p.Field = ourField(*e, g.Location.Field(), g.Code.Value)
	return p
}

// ourField translates Google's path inside a resource into the field of our
// entity that the resource came from.
func ourField(e Entity, gfield, code string) string {
	switch e.Kind {
	case KindBudget:
		if gfield == "name" {
			return "name" // the budget is named after the campaign
		}
		return e.Field
	case KindLanguage, KindLocation, KindAsset, KindGroupAsset:
		return e.Field
	case KindCampaign:
		switch gfield {
		case "campaign_budget":
			return "budget_micros"
		case "start_date_time":
			return "start_date"
		case "end_date_time":
			return "end_date"
		case "maximize_conversions.target_cpa_micros":
			return "target_cpa_micros"
		case "maximize_conversion_value.target_roas":
			return "target_roas"
		}
		if strings.HasPrefix(gfield, "bidding_strategy") || strings.HasPrefix(gfield, "manual_cpc") || strings.HasPrefix(gfield, "maximize_") || strings.HasPrefix(gfield, "target_spend") {
			return "bidding_strategy"
		}
		return gfield
	case KindKeyword:
		switch gfield {
		case "keyword.text":
			return "text"
		case "keyword.match_type":
			return "match_type"
		}
		return strings.TrimPrefix(gfield, "keyword.")
	case KindAd:
		f := strings.TrimPrefix(gfield, "ad.")
		f = strings.TrimPrefix(f, "responsive_search_ad.")
		return strings.TrimSuffix(f, ".text")
	case KindAssetGroup:
		if gfield == "" {
			if f, ok := groupMinimumFields[code]; ok {
				return f
			}
		}
		return gfield
	}
	return gfield
}

// groupMinimumFields names the list an asset group lacks items of.
var groupMinimumFields = map[string]string{
	"NOT_ENOUGH_HEADLINE_ASSET": "headlines", "NOT_ENOUGH_LONG_HEADLINE_ASSET": "long_headlines",
	"NOT_ENOUGH_DESCRIPTION_ASSET": "descriptions", "SHORT_DESCRIPTION_REQUIRED": "descriptions",
	"NOT_ENOUGH_BUSINESS_NAME_ASSET": "business_name", "NOT_ENOUGH_MARKETING_IMAGE_ASSET": "marketing_images",
	"NOT_ENOUGH_SQUARE_MARKETING_IMAGE_ASSET": "square_marketing_images", "NOT_ENOUGH_LOGO_ASSET": "logos",
}
