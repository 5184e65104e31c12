package campaigns

import (
	"context"
	"fmt"
	"regexp"
	"slices"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// A whole campaign created at once, as a draft, in one transaction: what an
// import (a Google Ads Editor file) builds. Every part passes the checks its
// single write gets — names, URLs, languages, keywords, and each text through
// the policy with the campaign's rules — and all problems are reported
// together, each with the caller's label of the part it concerns (a file's
// row), before anything is written. Nothing is stored unless everything is.

// DraftInput is a campaign with everything under it. Labels name each part in
// the caller's terms ("row 7") and come back with its problems.
type DraftInput struct {
	Label       string
	Campaign    CampaignInput
	AdGroups    []DraftAdGroup
	AssetGroups []DraftAssetGroup
	// BrandSpellings are the account's own spellings the texts are checked
	// with (BrandSpellings); CreateDraft reads them when this is nil.
	BrandSpellings []string
}

// DraftAdGroup is an ad group with its keywords and ads; CampaignID is unused.
type DraftAdGroup struct {
	Label string
	AdGroupInput
	Keywords []DraftKeyword
	Ads      []DraftAd
}

// DraftKeyword is a keyword; AdGroupID is unused.
type DraftKeyword struct {
	Label string
	KeywordInput
}

// DraftAd is a responsive search ad with its texts; AdGroupID is unused.
type DraftAd struct {
	Label string
	AdInput
}

// DraftAssetGroup is a Performance Max asset group with its texts;
// CampaignID is unused.
type DraftAssetGroup struct {
	Label string
	AssetGroupInput
	Texts AssetGroupTexts
}

// DraftProblem is one reason a draft cannot be created: the part's label and
// the field error as the part's own write would have answered it (its
// location as in that request, e.g. body.headlines[2].text).
type DraftProblem struct {
	Label string
	errs.FieldError
}

var currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)

// maxBudgetMicros is CampaignInput's bound.
const maxBudgetMicros = 1_000_000_000_000_000

// CheckDraft returns every problem of in, without touching the database
// (only a name already taken is found when writing).
func (s *Service) CheckDraft(in DraftInput) []DraftProblem {
	var out []DraftProblem
	add := func(label string, err error) {
		if err == nil {
			return
		}
		e := errs.As(err)
		if e == nil || len(e.Fields) == 0 {
			out = append(out, DraftProblem{Label: label, FieldError: errs.FieldError{Message: err.Error()}})
			return
		}
		for _, f := range e.Fields {
			out = append(out, DraftProblem{Label: label, FieldError: f})
		}
	}
	c := in.Campaign
	_, err := cleanName("body.name", c.Name)
	add(in.Label, err)
	switch {
	case c.Type != TypeSearch && c.Type != TypePMax:
		add(in.Label, errs.Field("body.type", "must be SEARCH or PERFORMANCE_MAX", c.Type))
	case !currencyRE.MatchString(c.Currency):
		add(in.Label, errs.Field("body.currency", "must be an ISO 4217 code such as EUR", c.Currency))
	case c.BudgetMicros < 0 || c.BudgetMicros > maxBudgetMicros:
		add(in.Label, errs.Field("body.budget_micros", fmt.Sprintf("must be between 0 and %d", int64(maxBudgetMicros)), c.BudgetMicros))
	}
	camp := Campaign{Languages: c.Languages, Locations: c.Locations, FinalURL: c.FinalURL}
	if c.Brief != nil {
		camp.Brief = *c.Brief
	}
	if err := checkCampaign(camp); err != nil {
		add(in.Label, err)
		return out // the texts cannot be checked without valid rules
	}
	checker, err := policy.NewChecker(policyOptions(camp.Brief, camp.Languages, in.BrandSpellings...))
	if err != nil {
		add(in.Label, err)
		return out
	}
	if len(in.AdGroups) > 0 && c.Type != TypeSearch {
		add(in.AdGroups[0].Label, errs.Field("body.campaign_id", "only search campaigns have ad groups", c.Type))
	}
	if len(in.AssetGroups) > 0 && c.Type != TypePMax {
		add(in.AssetGroups[0].Label, errs.Field("body.campaign_id", "only Performance Max campaigns have asset groups", c.Type))
	}
	groupNames := map[string]bool{}
	for _, g := range in.AdGroups {
		if name, err := cleanName("body.name", g.Name); err != nil {
			add(g.Label, err)
		} else if groupNames[name] {
			add(g.Label, errs.Field("body.name", fmt.Sprintf("an ad group named %q comes earlier in the campaign", name), name))
		} else {
			groupNames[name] = true
		}
		add(g.Label, checkStatus("body.status", g.Status))
		if g.CPCBidMicros != nil && *g.CPCBidMicros < 0 {
			add(g.Label, errs.Field("body.cpc_bid_micros", "must not be negative", *g.CPCBidMicros))
		}
		keywords := map[string]bool{}
		for _, k := range g.Keywords {
			text, err := cleanKeyword("body.text", k.Text)
			add(k.Label, err)
			if !slices.Contains([]string{"EXACT", "PHRASE", "BROAD"}, k.MatchType) {
				add(k.Label, errs.Field("body.match_type", "must be EXACT, PHRASE or BROAD", k.MatchType))
			}
			add(k.Label, checkStatus("body.status", k.Status))
			key := fmt.Sprintf("%s|%s|%t", text, k.MatchType, k.Negative)
			if err == nil && keywords[key] {
				add(k.Label, errs.Field("body.text", fmt.Sprintf("the %s keyword %q comes earlier in the ad group", k.MatchType, text), text))
			}
			keywords[key] = true
		}
		enabled := 0
		for _, a := range g.Ads {
			add(a.Label, checkStatus("body.status", a.Status))
			if orDefault(a.Status, "ENABLED") == "ENABLED" {
				if enabled++; enabled > policy.MaxEnabledAdsPerAdGroup {
					add(a.Label, errs.Field("body.ad_group_id", fmt.Sprintf("the ad group already has %d enabled responsive search ads, the most Google Ads allows", policy.MaxEnabledAdsPerAdGroup), nil))
				}
			}
			if err := checkURLs("body.final_urls", a.FinalURLs); err != nil {
				add(a.Label, err)
			} else if len(a.FinalURLs) == 0 {
				add(a.Label, errs.Field("body.final_urls", "an ad needs a final URL", nil))
			}
			ad := Ad{FinalURLs: a.FinalURLs, Path1: a.Path1, Path2: a.Path2}
			add(a.Label, checkRSA(checker, rsaOf(ad, policyTexts(a.Headlines), policyTexts(a.Descriptions)), wholeAd))
		}
	}
	if n := len(in.AssetGroups); n > policy.MaxAssetGroupsPerCampaign {
		add(in.AssetGroups[policy.MaxAssetGroupsPerCampaign].Label, errs.Field("body.campaign_id",
			fmt.Sprintf("the campaign has %d asset groups; Google Ads allows at most %d", n, policy.MaxAssetGroupsPerCampaign), n))
	}
	assetGroupNames := map[string]bool{}
	for _, g := range in.AssetGroups {
		if name, err := cleanName("body.name", g.Name); err != nil {
			add(g.Label, err)
		} else if assetGroupNames[name] {
			add(g.Label, errs.Field("body.name", fmt.Sprintf("an asset group named %q comes earlier in the campaign", name), name))
		} else {
			assetGroupNames[name] = true
		}
		add(g.Label, checkStatus("body.status", g.Status))
		if err := checkURLs("body.final_urls", g.FinalURLs); err != nil {
			add(g.Label, err)
		} else if len(g.FinalURLs) == 0 {
			add(g.Label, errs.Field("body.final_urls", "an asset group needs a final URL", nil))
		}
		add(g.Label, checkPaths(checker, "body.", g.Path1, g.Path2))
		add(g.Label, checkAssetGroupTexts(checker, groupTextLists(g.Texts)))
	}
	return out
}

func checkStatus(location, status string) error {
	if status != "" && status != "ENABLED" && status != "PAUSED" {
		return errs.Field(location, "must be ENABLED or PAUSED", status)
	}
	return nil
}

// CreateDraft creates in as a new draft campaign in one transaction. It
// returns the problems instead when there are any (CheckDraft's, or a
// conflict met while writing, such as a campaign name already taken); then
// nothing is stored.
func (s *Service) CreateDraft(ctx context.Context, in DraftInput) (Campaign, []DraftProblem, error) {
	if in.BrandSpellings == nil {
		account, err := s.BrandSpellings(ctx)
		if err != nil {
			return Campaign{}, nil, err
		}
		in.BrandSpellings = account
	}
	if problems := s.CheckDraft(in); len(problems) > 0 {
		return Campaign{}, problems, nil
	}
	var c Campaign
	label := in.Label
	err := s.db.InTx(ctx, func(tx db.Conn) error {
		var err error
		if c, err = s.writeDraftTx(ctx, tx, in, &label); err != nil {
			return err
		}
		auth.AuditEntity(ctx, c.ID)
		return nil
	})
	if e := errs.As(err); e != nil && e.Code != errs.Forbidden && e.Code != errs.Unauthorized {
		var problems []DraftProblem
		for _, f := range e.Fields {
			problems = append(problems, DraftProblem{Label: label, FieldError: f})
		}
		if len(problems) == 0 {
			problems = []DraftProblem{{Label: label, FieldError: errs.FieldError{Message: e.Message}}}
		}
		return Campaign{}, problems, nil
	}
	return c, nil, err
}

// writeDraftTx writes a checked draft; *label follows the part being
// written, so an error names it.
func (s *Service) writeDraftTx(ctx context.Context, tx db.Conn, in DraftInput, label *string) (Campaign, error) {
	ci := in.Campaign
	name, _ := cleanName("body.name", ci.Name)
	now := s.now()
	c := Campaign{Name: name, Type: ci.Type, State: Draft, BudgetMicros: ci.BudgetMicros, Currency: ci.Currency,
		Languages: ci.Languages, Locations: ci.Locations, FinalURL: ci.FinalURL, CreatedAt: now, UpdatedAt: now}
	if ci.Brief != nil {
		c.Brief = *ci.Brief
	}
	var err error
	if c, err = insertCampaign(ctx, tx, c); err != nil {
		return c, uniqueAs(err, "body.name", fmt.Sprintf("a campaign named %q", name), name)
	}
	language := copyLanguage(c.Brief, c.Languages)
	for _, gi := range in.AdGroups {
		*label = gi.Label
		gname, _ := cleanName("body.name", gi.Name)
		g, err := insertAdGroup(ctx, tx, AdGroup{CampaignID: c.ID, Name: gname, Status: orDefault(gi.Status, "ENABLED"), CPCBidMicros: gi.CPCBidMicros, CreatedAt: now, UpdatedAt: now})
		if err != nil {
			return c, uniqueAs(err, "body.name", fmt.Sprintf("an ad group named %q", gname), gname)
		}
		for _, ki := range gi.Keywords {
			*label = ki.Label
			text, _ := cleanKeyword("body.text", ki.Text)
			k := Keyword{AdGroupID: g.ID, Text: text, MatchType: ki.MatchType, Negative: ki.Negative, Status: orDefault(ki.Status, "ENABLED"), CreatedAt: now, UpdatedAt: now}
			if _, err := insertKeyword(ctx, tx, k); err != nil {
				return c, uniqueAs(err, "body.text", fmt.Sprintf("the %s keyword %q", ki.MatchType, text), text)
			}
		}
		for _, ai := range gi.Ads {
			*label = ai.Label
			id, err := insertAd(ctx, tx, Ad{AdGroupID: g.ID, FinalURLs: ai.FinalURLs, Path1: ai.Path1, Path2: ai.Path2, Status: orDefault(ai.Status, "ENABLED"), CreatedAt: now, UpdatedAt: now})
			if err != nil {
				return c, err
			}
			if err := s.replaceAdTextsTx(ctx, tx, id, language, nonNilTexts(ai.Headlines), nonNilTexts(ai.Descriptions)); err != nil {
				return c, err
			}
		}
	}
	for _, gi := range in.AssetGroups {
		*label = gi.Label
		gname, _ := cleanName("body.name", gi.Name)
		g, err := insertAssetGroup(ctx, tx, AssetGroup{CampaignID: c.ID, Name: gname, FinalURLs: gi.FinalURLs, Path1: gi.Path1, Path2: gi.Path2,
			Status: orDefault(gi.Status, "ENABLED"), CreatedAt: now, UpdatedAt: now})
		if err != nil {
			return c, uniqueAs(err, "body.name", fmt.Sprintf("an asset group named %q", gname), gname)
		}
		for _, l := range groupTextLists(gi.Texts) {
			writes := make([]textWrite, len(l.texts))
			for i, gt := range l.texts {
				writes[i] = textWrite{text: gt.Text, provenance: gt.Provenance, location: l.location(i)}
			}
			if err := s.replaceTextsTx(ctx, tx, AssetGroupOwner, g.ID, l.field, writes, language); err != nil {
				return c, err
			}
		}
	}
	*label = in.Label
	return c, nil
}
