package assets

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"golang.org/x/text/language"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/domain/policy/refusal"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

// validateBodyBytes: 1000 texts of up to MaxTextRunes characters of up to 4
// bytes each, plus the options.
const validateBodyBytes = 4 << 20

// The answer's size. Every finding costs an answer about 300 bytes (two
// messages, a code, a span) and can come from one character, so a request of
// texts made of "{" or "!" would turn 1 MB into 250 MB. The answer therefore
// lists, in item order, at most policy.MaxListedFindings violations and as many
// warnings per item, and only while the whole answer stays within
// maxValidateAnswer; what is not listed is counted in violations_omitted and
// warnings_omitted, and valid still judges every finding.
const (
	// maxValidateAnswer bounds the answer: 1000 headlines with three
	// findings each take 0.8 MB of it, so only texts made of findings meet
	// it.
	maxValidateAnswer = 2 << 20
	// answerItemBytes bounds one item without its findings:
	// {"valid":false,"width":2000,"limit":90,"violations":[],"warnings":[],"violations_omitted":2000,"warnings_omitted":2000},
	answerItemBytes = 128
	// answerEnvelopeBytes bounds the rest: {"items":[…]} and a newline.
	answerEnvelopeBytes = 64
)

type validateItem struct {
	Field    string `json:"field" doc:"A Google Ads text field type: HEADLINE, LONG_HEADLINE, DESCRIPTION, BUSINESS_NAME, PATH, CALLOUT, SITELINK_TEXT, SITELINK_DESCRIPTION, STRUCTURED_SNIPPET_VALUE, CALL_TO_ACTION or KEYWORD"`
	Text     string `json:"text" maxLength:"1000" doc:"The text as it would be sent to Google Ads"`
	Language string `json:"language,omitempty" maxLength:"35" doc:"BCP 47 language of the text; picks the phrase lists (e.g. German generic calls to action)"`
}

type validateInput struct {
	Lang string `query:"lang" enum:"en,de" default:"en" doc:"Language of the messages"`
	Body struct {
		Items        []validateItem `json:"items" minItems:"1" maxItems:"1000" doc:"The texts to check, each with its field type; a whole campaign fits many times over"`
		Allow        []string       `json:"allow,omitempty" maxItems:"1000" doc:"Brand terms, acronyms and coupon codes allowed as written (case-sensitive)"`
		Banned       []string       `json:"banned,omitempty" maxItems:"25" doc:"Terms no text may contain (case-insensitive, whole words)"`
		BusinessName string         `json:"business_name,omitempty" maxLength:"255" doc:"The verified business name; a BUSINESS_NAME must equal it"`
		Keywords     []string       `json:"keywords,omitempty" maxItems:"1000" doc:"The ad group's keywords"`
	}
}

// ValidationFinding is one finding of POST /api/validate.
type ValidationFinding struct {
	Code      string `json:"code" doc:"Stable rule code (docs/policy.md)"`
	Severity  string `json:"severity" enum:"error,warning"`
	Message   string `json:"message" doc:"Explanation in the language of the lang parameter"`
	MessageDE string `json:"message_de,omitempty" doc:"The German explanation, when lang is not de"`
	Start     int    `json:"start" doc:"Start of the span in the text (code points)"`
	End       int    `json:"end" doc:"End of the span (code points, exclusive)"`
}

// ValidationResult is the verdict on one item of POST /api/validate.
type ValidationResult struct {
	Valid      bool                `json:"valid" doc:"True exactly when the text has no violation: violations is empty and violations_omitted is 0"`
	Width      int                 `json:"width" doc:"Display width as Google counts it (CJK characters count 2)"`
	Limit      int                 `json:"limit" doc:"The field's maximum width"`
	Violations []ValidationFinding `json:"violations" nullable:"false" doc:"Errors: Google Ads would refuse the text (up to a limit; see violations_omitted)"`
	Warnings   []ValidationFinding `json:"warnings" nullable:"false" doc:"Accepted, but worth a look (up to a limit; see warnings_omitted)"`
	// The findings not listed: beyond the first policy.MaxListedFindings of
	// their kind in the item, or beyond the answer's size limit.
	ViolationsOmitted int `json:"violations_omitted,omitempty" doc:"Violations found but not listed: beyond the limit per item, or once the answer reached its size limit (findings are listed in item order)"`
	WarningsOmitted   int `json:"warnings_omitted,omitempty" doc:"Warnings found but not listed, as violations_omitted"`
}

type validateOutput struct {
	Body struct {
		Items []ValidationResult `json:"items" nullable:"false" doc:"One result per item, in order"`
	}
}

// RegisterValidateRoutes publishes POST /api/validate: the same checks every
// write of an asset or ad runs, without writing, for editors that check as
// the user types and for tools.
//
// account, when not nil, names the account's own brand spellings, allowed
// as written in addition to the request's allow list.
func RegisterValidateRoutes(api *httpapi.API, account func(context.Context) ([]string, error)) {
	httpapi.Register(api, auth.Viewer, huma.Operation{
		OperationID: "validate-texts", Method: http.MethodPost, Path: "/api/validate", Tags: []string{"assets"},
		Summary: "Check texts against Google Ads limits and editorial rules",
		Description: "Checks up to 1000 texts, each for its field type, with the advertiser's allowlist (the request's and the account's brand spellings), banned terms, business name and keywords. " +
			"Nothing is stored. start and end are code-point offsets into the text. Rule codes are listed in docs/policy.md. " +
			fmt.Sprintf("The answer lists at most %d violations and %d warnings per item, in item order while the answer stays within %d MiB; the rest are counted in violations_omitted and warnings_omitted.", policy.MaxListedFindings, policy.MaxListedFindings, maxValidateAnswer>>20),
		MaxBodyBytes: validateBodyBytes,
	}, func(ctx context.Context, in *validateInput) (*validateOutput, error) {
		allow := in.Body.Allow
		if account != nil {
			extra, err := account(ctx)
			if err != nil {
				return nil, err
			}
			allow = append(slices.Clone(in.Body.Allow), extra...)
		}
		items, err := validateTexts(in.Body.Items, policy.Options{Allow: allow, Banned: in.Body.Banned,
			BusinessName: in.Body.BusinessName, Keywords: in.Body.Keywords}, in.Lang)
		if err != nil {
			return nil, err
		}
		out := &validateOutput{}
		out.Body.Items = items
		return out, nil
	})
}

// validateTexts checks each item with opts and the item's language, with
// messages in lang. A field that is not a text field, or options and
// languages the checker cannot use, are refused naming the request field.
// The findings listed are bounded as the answer's size constants say.
func validateTexts(items []validateItem, opts policy.Options, lang string) ([]ValidationResult, error) {
	if err := refusal.CheckOptions(opts, refusal.OptionLocations{Allow: "body.allow", Banned: "body.banned",
		BusinessName: "body.business_name", Keywords: "body.keywords"}); err != nil {
		return nil, err
	}
	budget := answerBudget{left: maxValidateAnswer - answerEnvelopeBytes - len(items)*answerItemBytes}
	checkers := map[string]*policy.Checker{}
	out := make([]ValidationResult, len(items))
	for i, it := range items {
		field, err := policy.ParseField(it.Field)
		if err != nil || !policy.IsText(field) {
			return nil, errs.Field(fmt.Sprintf("body.items[%d].field", i), "must be a text field type: "+textFieldNames(), it.Field)
		}
		// One checker per base language, the only part of the tag the checks
		// use: made-up regional variants cannot make a request build many.
		key := ""
		if it.Language != "" {
			tag, err := language.Parse(it.Language)
			if err != nil {
				return nil, errs.Field(fmt.Sprintf("body.items[%d].language", i), "is not a language tag the checks know, such as de or en-GB", it.Language)
			}
			base, _ := tag.Base()
			key = base.String()
		}
		c, ok := checkers[key]
		if !ok {
			o := opts
			o.Language = key
			if c, err = policy.NewChecker(o); err != nil {
				return nil, errs.Field(fmt.Sprintf("body.items[%d].language", i), "is not a language tag the checks know, such as de or en-GB", it.Language)
			}
			checkers[key] = c
		}
		r := c.CheckText(field, it.Text)
		res := ValidationResult{Valid: r.Valid, Width: r.Width, Limit: r.Limit, Violations: []ValidationFinding{}, Warnings: []ValidationFinding{},
			ViolationsOmitted: r.ErrorsOmitted, WarningsOmitted: r.WarningsOmitted}
		for _, v := range r.Violations {
			list, omitted := &res.Violations, &res.ViolationsOmitted
			if v.Severity == policy.Warning {
				list, omitted = &res.Warnings, &res.WarningsOmitted
			}
			if len(*list) == policy.MaxListedFindings || budget.spent() {
				*omitted++
				continue
			}
			f := ValidationFinding{Code: v.Code, Severity: v.Severity.String(), Message: v.Message(lang), Start: v.Start, End: v.End}
			if lang != "de" {
				f.MessageDE = v.Message("de")
			}
			if !budget.take(f) {
				*omitted++
				continue
			}
			*list = append(*list, f)
		}
		out[i] = res
	}
	return out, nil
}

// answerBudget hands out the bytes an answer has left for findings. The
// first finding that does not fit spends it: later ones, of this item or the
// next, are counted rather than listed, so the listed ones are always a
// prefix in item order.
type answerBudget struct{ left int }

func (b *answerBudget) spent() bool { return b.left <= 0 }

// take reserves the bytes f adds to the answer (its JSON, escaped at least as
// much as the answer's, and a comma) and reports whether they fitted.
func (b *answerBudget) take(f ValidationFinding) bool {
	doc, err := json.Marshal(f)
	n := len(doc) + 1
	if err != nil || n > b.left {
		b.left = 0
		return false
	}
	b.left -= n
	return true
}

func textFieldNames() string {
	var names []string
	for _, f := range policy.Fields() {
		if policy.IsText(f) {
			names = append(names, string(f))
		}
	}
	return strings.Join(names, ", ")
}
