// Package refusal turns the policy's findings into the errors a refused write
// answers with: a 422 whose fields name where each finding is, its rule code,
// an English message and, for a finding inside a text, its span. Every slice
// that checks texts or images before it stores them refuses through it, so a
// finding reads the same whichever operation met it.
package refusal

import (
	"fmt"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// Field is the field error of finding v at location. value is the text as
// stored (NFC, whitespace folded): the text the span counts in.
func Field(location string, value any, v policy.Violation) errs.FieldError {
	f := errs.FieldError{Location: location, Message: v.Message("en"), Value: value, Code: v.Code}
	if v.End > v.Start {
		start, end := v.Start, v.End
		f.Start, f.End = &start, &end
	}
	return f
}

// Of is the 422 for a write the policy refuses at fields, or nil when fields
// is empty.
func Of(fields []errs.FieldError) error {
	if len(fields) == 0 {
		return nil
	}
	msg := fields[0].Location + ": " + fields[0].Message
	if len(fields) > 1 {
		msg += fmt.Sprintf(" (and %d more, see errors)", len(fields)-1)
	}
	return &errs.Error{Code: errs.Invalid, Message: msg, Fields: fields}
}

// OptionLocations names where each policy option came from in a request, so
// an option the policy cannot use is reported at its field.
type OptionLocations struct {
	Allow, Banned, BusinessName, Keywords, Language string
}

// CheckOptions refuses options that policy.NewChecker cannot compile (an
// empty or over-long term, more than policy.MaxBannedTerms banned terms, an
// unknown language), naming the offending input.
func CheckOptions(o policy.Options, at OptionLocations) error {
	for _, part := range []struct {
		location string
		opts     policy.Options
		value    any
	}{
		{at.Allow, policy.Options{Allow: o.Allow}, o.Allow},
		{at.Banned, policy.Options{Banned: o.Banned}, o.Banned},
		{at.BusinessName, policy.Options{BusinessName: o.BusinessName}, o.BusinessName},
		{at.Keywords, policy.Options{Keywords: o.Keywords}, o.Keywords},
		{at.Language, policy.Options{Language: o.Language}, o.Language},
	} {
		if _, err := policy.NewChecker(part.opts); err != nil {
			return errs.Field(part.location, err.Error(), part.value)
		}
	}
	return nil
}
