package policy

import (
	"reflect"
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
		"{{{{", "}}}", "a!a!a!", "★ ★ ★", "SALE{Shoes}", "fl0wer$a", "Sale%", strings.Repeat("!", 60),
		"{COUNTDOWN(2026/12/24 18:00:00,5)}", "{=GLOBAL_COUNTDOWN(\"2026-12-24\",\"de\",7)}", "{IF(device=mobile,Ja!!):Nein}", "{=IF (device = mobile or audience IN (a, b), x ): y }",
		"{IF(audience IN(a,b),x)}", "{LOCATION(city):Köln}", "gültig 01.03.2026-31.03.2026", "Art.-Nr. 0815-4711",
		"9.00 - 18.00 Uhr", "www.Radhaus.de/x", "https://a.de", "()()()", "Sooooo", "N4ke Fr33 4 sale lowest $",
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
			runes := []rune(text) // a byte that is not UTF-8 is one U+FFFD, as the checker counts it
			perCode := map[string]int{}
			for i, v := range r.Violations {
				if v.Start < 0 || v.End > n || v.Start > v.End {
					t.Fatalf("%s span [%d,%d) outside %d runes of %q", v.Code, v.Start, v.End, n, text)
				}
				if v.Message("en") == "" || v.Message("de") == "" || v.Message("en") == v.Code {
					t.Fatalf("%s has no message", v.Code)
				}
				if i > 0 && byPosition(r.Violations[i-1], v) > 0 {
					t.Fatalf("findings out of order: %+v", r.Violations)
				}
				// The quote is the user's text over the span, at most
				// maxQuoteRunes of it, never a stand-in.
				want := ""
				if !unquoted[v.Code] {
					want = string(runes[v.Start:v.End])
					if v.End-v.Start > maxQuoteRunes {
						want = string(runes[v.Start:v.Start+maxQuoteRunes-1]) + "…"
					}
				}
				if v.Args.Text != want {
					t.Fatalf("%s [%d,%d) of %q quotes %q, want %q", v.Code, v.Start, v.End, text, v.Args.Text, want)
				}
				if !strings.ContainsRune(text, placeholderRune) && strings.ContainsRune(v.Message("en")+v.Message("de"), placeholderRune) {
					t.Fatalf("%s message quotes the placeholder stand-in: %q", v.Code, v.Message("en"))
				}
				// Findings of a rule that touch are one finding.
				for _, w := range r.Violations[:i] {
					a, b := w.Args, v.Args
					a.Text, b.Text = "", ""
					if w.Code == v.Code && w.Severity == v.Severity && a == b && v.Start <= w.End && w.Start <= v.End {
						t.Fatalf("%s [%d,%d) and [%d,%d) of %q touch", v.Code, w.Start, w.End, v.Start, v.End, text)
					}
				}
				perCode[v.Code]++
			}
			for code, k := range perCode {
				if k > MaxFindingsPerRule {
					t.Fatalf("%d findings of %s listed", k, code)
				}
			}
			if r.ErrorsOmitted < 0 || r.WarningsOmitted < 0 || n <= MaxFindingsPerRule && r.ErrorsOmitted+r.WarningsOmitted > 0 {
				t.Fatalf("%d errors and %d warnings omitted of %d characters", r.ErrorsOmitted, r.WarningsOmitted, n)
			}
			if r.Valid != (validOf(r.Violations) && r.ErrorsOmitted == 0) {
				t.Fatalf("Valid %v with %+v", r.Valid, r.Violations)
			}
			if r.Width != Width(text) && field != Keyword {
				t.Fatalf("CheckText width %d, Width %d for %q", r.Width, Width(text), text)
			}
			// A text the engine calls valid is within the field's limit
			// and says something; the verdict is the same every time.
			if r.Limit != Limit(field) {
				t.Fatalf("%s limit %d, want %d", field, r.Limit, Limit(field))
			}
			if r.Valid && (r.Width > r.Limit || strings.TrimSpace(text) == "" || !utf8.ValidString(text) && field != Keyword) {
				t.Fatalf("%q is valid as %s at width %d of %d", text, field, r.Width, r.Limit)
			}
			if again := c.CheckText(field, text); !reflect.DeepEqual(again, r) {
				t.Fatalf("two checks of %q differ: %+v, %+v", text, r, again)
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

// unquoted are the findings about the whole text, which quote nothing.
var unquoted = map[string]bool{CodeEmpty: true, CodeTooLong: true, CodeLongHeadlineShort: true,
	CodeKeywordTooManyWords: true, CodeBusinessNameMismatch: true, CodeNotTextField: true}

func hasZeroWidth(s string) bool {
	for _, r := range s {
		if isZeroWidth(r) || unicode.Is(unicode.Mn, r) {
			return true
		}
	}
	return false
}
