package generation

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// Brief is what copy is written from. It has the fields and JSON shape of
// campaigns.Brief, the brief a campaign stores (Brief(c.Brief) converts it),
// so a brief file for `imaphub generate` is the same JSON as a campaign's
// brief.
type Brief struct {
	Product       string   `json:"product,omitempty"`
	Audience      string   `json:"audience,omitempty"`
	SellingPoints []string `json:"selling_points,omitempty"`
	Keywords      []string `json:"keywords,omitempty"`
	LandingPage   string   `json:"landing_page,omitempty"`
	Language      string   `json:"language,omitempty"`
	Tone          string   `json:"tone,omitempty"`
	BrandTerms    []string `json:"brand_terms,omitempty"`
	BannedTerms   []string `json:"banned_terms,omitempty"`
	BusinessName  string   `json:"business_name,omitempty"`
	Notes         string   `json:"notes,omitempty"`
	StyleExamples string   `json:"style_examples,omitempty"`
}

// languageTag is a BCP 47 tag; unlike an asset's language, a brief's may not
// be empty, because it decides what language the copy is in.
var languageTag = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)

// Check says whether the brief can be written from for format f; the error
// names the brief field.
func (b Brief) Check(f Format) error {
	_, err := b.checker(f)
	return err
}

func (b Brief) checker(f Format, account ...string) (*policy.Checker, error) {
	if strings.TrimSpace(b.Product) == "" {
		return nil, errs.Field("brief.product", "must say what is advertised", b.Product)
	}
	if !languageTag.MatchString(b.Language) {
		return nil, errs.Field("brief.language", "must be a BCP 47 language tag such as de, en or ja", b.Language)
	}
	if err := checkStyleExamples(b.StyleExamples); err != nil {
		return nil, err
	}
	if len(b.BannedTerms) > policy.MaxBannedTerms {
		return nil, errs.Field("brief.banned_terms", fmt.Sprintf("has %d terms; Google Ads allows at most %d", len(b.BannedTerms), policy.MaxBannedTerms), len(b.BannedTerms))
	}
	for i, t := range b.BannedTerms {
		if strings.TrimSpace(t) == "" {
			return nil, errs.Field(fmt.Sprintf("brief.banned_terms[%d]", i), "must not be blank", t)
		}
	}
	allow := b.BrandTerms
	if len(account) > 0 {
		allow = append(slices.Clone(account), b.BrandTerms...)
	}
	c, err := policy.NewChecker(policy.Options{Language: b.Language, Allow: allow, Banned: b.BannedTerms, BusinessName: b.BusinessName, Keywords: b.Keywords})
	if err != nil {
		return nil, errs.Field("brief", err.Error(), nil)
	}
	if f == FormatPMax {
		if b.BusinessName == "" {
			return nil, errs.Field("brief.business_name", "is required for Performance Max: the asset group needs the verified business name", "")
		}
		if r := c.CheckText(policy.BusinessName, b.BusinessName); !r.Valid {
			return nil, errs.Field("brief.business_name", r.Violations[0].Message("en"), b.BusinessName)
		}
	}
	return c, nil
}
