package googleadstest

import (
	"strings"
	"time"
)

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
	if old != nil {
		errs = append(errs, m.checkRunChange(v, old.v, at)...)
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

// checkRunChange checks an update of a campaign's run as Google does: the
// start of a campaign that has started (one created without a start started
// then) cannot move, and neither a new start
// nor a new end may lie before today (in the account's time zone; the fake
// takes UTC).
func (m *mutation) checkRunChange(v, old map[string]any, at path) []adsError {
	now := m.c.f.now().UTC()
	today := now.Format("2006-01-02")
	var errs []adsError
	if start, was := str(v, "start_date_time"), str(old, "start_date_time"); start != was {
		switch began, err := time.Parse(dateTimeLayout, was); {
		case was == "" || (err == nil && !began.After(now)): // no start: it started when created
			errs = append(errs, newErr(at.child("start_date_time"), "campaignError", "CANNOT_MODIFY_START_DATE_IF_ALREADY_STARTED",
				"Cannot modify the start date of a campaign that has already started.").withTrigger(start))
		case start != "" && start[:min(len(start), 10)] < today:
			errs = append(errs, newErr(at.child("start_date_time"), "campaignError", "CANNOT_SET_DATE_TO_PAST", "Cannot set date to past.").withTrigger(start))
		}
	}
	if end, was := str(v, "end_date_time"), str(old, "end_date_time"); end != was && end != "" && end[:min(len(end), 10)] < today {
		errs = append(errs, newErr(at.child("end_date_time"), "campaignError", "CANNOT_SET_DATE_TO_PAST", "Cannot set date to past.").withTrigger(end))
	}
	return errs
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
