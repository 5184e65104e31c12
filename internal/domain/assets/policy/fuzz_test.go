package policy

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func FuzzCheckText(f *testing.F) {
	for _, s := range []string{
		"Buy Running Shoes", "FLOWERS!!", "f1owers fl@wers", "Call 030 1234567", "{KeyWord:Shoes}", "{KeyWord:",
		"}{", "東京のホテル", "ﾎﾃﾙ", "👍🏽 Top", "F.L.O.W.E.R.S.", "e\u0301", "\xff\xfe", "Größe 80 m²", "5* hotel",
		"1-800-FLOWERS", "+49 30 1234567", "{CUSTOMIZER.Price}", "Sale,buy", " a  b ", "*x*",
	} {
		f.Add(s, uint8(0))
	}
	fields := []Field{Headline, LongHeadline, Description, BusinessName, Path, Callout, SitelinkText,
		SitelinkDescription, StructuredSnippetValue, CallToAction, Keyword}
	checker, err := NewChecker(Options{Allow: []string{"eBay", "SOMMER25"}, Banned: []string{"billig"}, BusinessName: "Acme"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string, fi uint8) {
		field := fields[int(fi)%len(fields)]
		for _, c := range []*Checker{Default(), checker} {
			r := c.CheckText(field, text)
			n := utf8.RuneCountInString(text)
			for _, v := range r.Violations {
				if v.Start < 0 || v.End > n || v.Start > v.End {
					t.Fatalf("%s span [%d,%d) outside %d runes of %q", v.Code, v.Start, v.End, n, text)
				}
				if v.Message("en") == "" || v.Message("de") == "" || v.Message("en") == v.Code {
					t.Fatalf("%s has no message", v.Code)
				}
			}
			if r.Valid != validOf(r.Violations) {
				t.Fatalf("Valid %v with %+v", r.Valid, r.Violations)
			}
			if r.Width != Width(text) && field != Keyword {
				t.Fatalf("CheckText width %d, Width %d for %q", r.Width, Width(text), text)
			}
		}
		// Without placeholders and combining characters every rune counts
		// at least 1.
		if !strings.ContainsAny(text, "{}") && !hasZeroWidth(text) {
			if w := Width(text); w < utf8.RuneCountInString(text) {
				t.Fatalf("Width(%q) = %d < %d runes", text, w, utf8.RuneCountInString(text))
			}
		}
	})
}

func hasZeroWidth(s string) bool {
	for _, r := range s {
		if isZeroWidth(r) || unicode.Is(unicode.Mn, r) {
			return true
		}
	}
	return false
}
