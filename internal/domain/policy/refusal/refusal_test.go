package refusal

import (
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

func TestAFindingIsRefusedAtItsFieldWithItsSpan(t *testing.T) {
	r := policy.CheckText(policy.Headline, "Winterreifen günstig online kaufen")
	if r.Valid {
		t.Fatal("a 34-wide headline passed")
	}
	var fields []errs.FieldError
	for _, v := range r.Errors() {
		fields = append(fields, Field("body.text", "Winterreifen günstig online kaufen", v))
	}
	err := Of(fields)
	e := errs.As(err)
	if e == nil || e.Code != errs.Invalid || len(e.Fields) != len(fields) {
		t.Fatalf("refusal %v", err)
	}
	f := e.Fields[0]
	if f.Location != "body.text" || f.Code != policy.CodeTooLong || f.Start == nil || *f.Start != 30 || *f.End != 34 || f.Message == "" {
		t.Errorf("field %+v", f)
	}
	if !strings.HasPrefix(e.Message, "body.text: ") {
		t.Errorf("message %q does not name the field", e.Message)
	}
	if Of(nil) != nil {
		t.Error("no finding is no refusal")
	}
	two := Of([]errs.FieldError{{Location: "a", Message: "x"}, {Location: "b", Message: "y"}})
	if !strings.Contains(two.Error(), "and 1 more") {
		t.Errorf("two findings: %v", two)
	}
}

func TestOptionsThePolicyCannotUseAreNamed(t *testing.T) {
	at := OptionLocations{Allow: "body.allow", Banned: "body.banned", BusinessName: "body.business_name", Keywords: "body.keywords", Language: "body.language"}
	banned := make([]string, policy.MaxBannedTerms+1)
	for i := range banned {
		banned[i] = "term"
	}
	for _, c := range []struct {
		opts policy.Options
		at   string
	}{
		{policy.Options{Banned: banned}, "body.banned"},
		{policy.Options{Allow: []string{" "}}, "body.allow"},
		{policy.Options{Language: "not a language"}, "body.language"},
	} {
		e := errs.As(CheckOptions(c.opts, at))
		if e == nil || len(e.Fields) == 0 || e.Fields[0].Location != c.at {
			t.Errorf("%+v: %v, want a refusal at %s", c.opts, e, c.at)
		}
	}
	if err := CheckOptions(policy.Options{Banned: []string{"billig"}, Language: "de"}, at); err != nil {
		t.Errorf("usable options refused: %v", err)
	}
}
