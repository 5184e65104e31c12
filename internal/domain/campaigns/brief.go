package campaigns

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/domain/policy/refusal"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// The brief's rules: every text of a campaign is checked with the policy
// configured by its brief — brand terms are the allowlist, banned terms are
// banned, the business name and keywords are known, and the copy's language
// picks the phrase lists.

// policyOptions are the policy options of a campaign with brief b and
// targeted languages.
func policyOptions(b Brief, languages []string, account ...string) policy.Options {
	allow := b.BrandTerms
	if len(account) > 0 {
		allow = append(slices.Clone(account), b.BrandTerms...)
	}
	return policy.Options{Allow: allow, Banned: b.BannedTerms, BusinessName: b.BusinessName, Keywords: b.Keywords, Language: copyLanguage(b, languages)}
}

// copyLanguage is the language a campaign's copy is in: the brief's, or
// else the campaign's first targeted language.
func copyLanguage(b Brief, languages []string) string {
	if b.Language == "" && len(languages) > 0 {
		return languages[0]
	}
	return b.Language
}

// checkBrief refuses a brief whose terms or language the policy checks cannot
// use: every later write of the campaign's texts is checked with them.
func checkBrief(b Brief, languages []string) error {
	langAt := "body.brief.language"
	if b.Language == "" {
		langAt = "body.languages[0]"
	}
	return refusal.CheckOptions(policyOptions(b, languages), refusal.OptionLocations{
		Allow: "body.brief.brand_terms", Banned: "body.brief.banned_terms", BusinessName: "body.brief.business_name",
		Keywords: "body.brief.keywords", Language: langAt,
	})
}

// textRules are what a campaign's texts are checked and stored with: the
// checker its brief configures, and the language of its copy.
type textRules struct {
	checker  *policy.Checker
	language string
}

// textRulesTx reads a campaign's brief in q (the caller's transaction, so the
// brief cannot change before the checked write commits) and returns the
// rules its texts follow.
func textRulesTx(ctx context.Context, q db.Conn, campaignID int64) (textRules, error) {
	var briefDoc, langDoc []byte
	err := q.QueryRow(ctx, `SELECT brief, languages FROM campaigns WHERE id = ?`, campaignID).Scan(&briefDoc, &langDoc)
	if errors.Is(err, sql.ErrNoRows) {
		return textRules{}, errs.NotFoundf("campaign %d does not exist", campaignID)
	}
	if err != nil {
		return textRules{}, fmt.Errorf("read brief of campaign %d: %w", campaignID, err)
	}
	var b Brief
	var languages []string
	if err := unmarshalAll(briefDoc, &b, langDoc, &languages); err != nil {
		return textRules{}, fmt.Errorf("decode brief of campaign %d: %w", campaignID, err)
	}
	account, err := brandSpellings(ctx, q)
	if err != nil {
		return textRules{}, err
	}
	c, err := policy.NewChecker(policyOptions(b, languages, account...))
	if err != nil {
		// Briefs are checked when they are written; one stored before that
		// check must be corrected before texts can be checked against it.
		return textRules{}, errs.Conflictf("campaign %d: its brief cannot configure the text checks (%v); correct the brief", campaignID, err).
			With("campaign_id", campaignID)
	}
	return textRules{checker: c, language: copyLanguage(b, languages)}, nil
}
