package policy

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func codes(vs []Violation) []string {
	out := []string{}
	for _, v := range vs {
		out = append(out, v.Code)
	}
	return out
}

type textCase struct {
	name  string
	field Field
	text  string
	want  []string // codes in position order; empty means valid and clean
}

func runTextCases(t *testing.T, c *Checker, cases []textCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := c.CheckText(tc.field, tc.text)
			got := codes(r.Violations)
			want := tc.want
			if want == nil {
				want = []string{}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("CheckText(%s, %q) codes = %v, want %v (%+v)", tc.field, tc.text, got, want, r.Violations)
			}
			if r.Valid != validOf(r.Violations) {
				t.Fatalf("Valid = %v with %v", r.Valid, got)
			}
			n := utf8.RuneCountInString(tc.text)
			for _, v := range r.Violations {
				if v.Start < 0 || v.End > n || v.Start > v.End {
					t.Fatalf("span [%d,%d) outside text of %d runes", v.Start, v.End, n)
				}
			}
		})
	}
}

func TestWidth(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int
	}{
		{"", 0},
		{"Buy Running Shoes", 17},
		{"Größe für Straße", 16},
		{"Winterreifenkomplettangebot", 27},
		{"東京のホテル", 12},                      // kanji and hiragana/katakana are W
		{"ＡＢＣ", 6},                          // full-width Latin is F
		{"한국어", 6},                          // Hangul syllables
		{"ﾎﾃﾙ", 3},                          // half-width katakana are H (rejected separately)
		{"e\u0301", 1},                      // combining acute accent
		{"{KeyWord:Shoes}", 5},              // keyword insertion: default text
		{"Buy {keyword:Running Shoes}", 17}, //
		{"{CUSTOMIZER.Price:49 €} only", 9},
		{"{KeyWord:}", 10},     // malformed: counted as written
		{"{KeyWord:Shoes", 14}, // unclosed
		{"{KeyWord:東京}", 4},    // default text in Japanese
		{"{LOCATION(City):Berlin}", 6},
	} {
		if got := Width(tc.text); got != tc.want {
			t.Errorf("Width(%q) = %d, want %d", tc.text, got, tc.want)
		}
		if got := CheckText(Headline, tc.text).Width; tc.text != "" && got != tc.want {
			t.Errorf("CheckText(%q).Width = %d, want %d", tc.text, got, tc.want)
		}
	}
}

func TestLimits(t *testing.T) {
	want := map[Field]int{Headline: 30, LongHeadline: 90, Description: 90, BusinessName: 25, Path: 15,
		Callout: 25, SitelinkText: 25, SitelinkDescription: 35, StructuredSnippetValue: 25, CallToAction: 30, Keyword: 80}
	for f, l := range want {
		if Limit(f) != l || !IsText(f) || IsImage(f) {
			t.Errorf("%s: Limit %d IsText %v IsImage %v", f, Limit(f), IsText(f), IsImage(f))
		}
	}
	for _, f := range []Field{MarketingImage, SquareMarketingImage, PortraitMarketingImage, TallPortraitMarketingImage, Logo, LandscapeLogo} {
		if Limit(f) != 0 || IsText(f) || !IsImage(f) {
			t.Errorf("%s should be an image field", f)
		}
	}
	for _, f := range Fields() {
		if got, err := ParseField(string(f)); err != nil || got != f {
			t.Errorf("ParseField(%q) = %q, %v", f, got, err)
		}
	}
	for _, s := range []string{"headline", "Headline", "", "HEADLINES", "CALL_TO_ACTION_SELECTION"} {
		if _, err := ParseField(s); err == nil {
			t.Errorf("ParseField(%q) accepted", s)
		}
	}
}

func TestLengthAndCharacters(t *testing.T) {
	runTextCases(t, Default(), []textCase{
		{"headline at limit", Headline, "Buy Running Shoes Online Today", nil},
		{"headline over limit", Headline, "Buy Running Shoes Online Today!", []string{CodeTooLong, CodeExclamation}},
		{"japanese 15 wide chars fit", Headline, "東京のホテルを今すぐ予約しよう", nil},
		{"japanese 16 wide chars exceed", Headline, "東京のホテルを今すぐ予約しようか", []string{CodeTooLong}},
		{"path 7 double-byte", Path, "東京のホテル予", nil},
		{"path 8 double-byte", Path, "東京のホテル予約", []string{CodeTooLong}},
		{"german compound", Headline, "Winterreifenkomplettangebot", nil},
		{"description limit", Description, strings.Repeat("Gute Reifen ", 7) + "für Sie.", []string{CodeTooLong}},
		{"empty", Headline, "", []string{CodeEmpty}},
		{"blank", Headline, "   ", []string{CodeEmpty}},
		{"emoji", Headline, "Hotels 🏨 in Berlin", []string{CodeEmoji}},
		{"emoji with skin tone is one finding", Headline, "Top Service 👍🏽", []string{CodeEmoji}},
		{"flag emoji", Headline, "Made in 🇩🇪", []string{CodeEmoji}},
		{"half-width katakana", Headline, "ﾎﾃﾙ予約", []string{CodeHalfWidthKatakana}},
		{"full-width katakana ok", Headline, "ホテル予約", nil},
		{"control character", Headline, "Buy\tShoes", []string{CodeInvalidCharacter}},
		{"zero-width space", Headline, "Buy\u200bShoes", []string{CodeInvalidCharacter}},
		{"invalid utf-8", Headline, "Buy \xff Shoes", []string{CodeInvalidCharacter}},
		{"trademark signs ok", Headline, "Acme® Laufschuhe™", nil},
		{"narrow no-break space in 20 %", Headline, "Jetzt 20\u202f% sparen", nil},
		{"keyword insertion", Headline, "Buy {KeyWord:Running Shoes} Now", nil},
		{"keyword insertion case variants", Headline, "{KEYWord:Shoes} {keyword:Sale}", nil},
		{"keyword insertion wrong case", Headline, "{KeyWoRd:Shoes} Sale", []string{CodeMalformedPlaceholder}},
		{"keyword insertion without default", Headline, "Buy {KeyWord:} Now", []string{CodeMalformedPlaceholder}},
		{"keyword insertion without colon", Headline, "Buy {KeyWord} Now", []string{CodeMalformedPlaceholder}},
		{"unclosed placeholder", Headline, "Buy {KeyWord:Shoes Now", []string{CodeMalformedPlaceholder}},
		{"stray closing brace", Headline, "Buy Shoes} Now", []string{CodeMalformedPlaceholder}},
		{"nested placeholder", Headline, "Buy {KeyWord:{KeyWord:x}}", []string{CodeMalformedPlaceholder, CodeMalformedPlaceholder}},
		{"unknown placeholder", Headline, "Buy {Shoes} Now", []string{CodeMalformedPlaceholder}},
		{"customizer", Description, "Nur {CUSTOMIZER.Price:49 €} pro Paar.", nil},
		{"customizer without default", Description, "Nur {CUSTOMIZER.Price} pro Paar.", []string{CodePlaceholderWithoutDefault}},
		{"countdown", Description, "Sale ends in {COUNTDOWN(2026/12/24 12:00:00,5)}.", nil},
		{"legacy feed customizer unsupported", Description, "Nur {=Products.Price} pro Paar.", []string{CodeUnsupportedPlaceholder}},
		{"placeholder default over limit", Headline, "{KeyWord:Very Long Default Text For Shoes}", []string{CodeTooLong}},
		{"placeholder not in long headline", LongHeadline, "Buy {KeyWord:Running Shoes} online with free delivery", []string{CodePlaceholderNotAllowed}},
		{"placeholder not in business name", BusinessName, "{KeyWord:Acme}", []string{CodePlaceholderNotAllowed}},
		{"path slash", Path, "schuhe/sale", []string{CodePathSlash}},
		{"path ok", Path, "Laufschuhe", nil},
		{"long headline short warning", LongHeadline, "Laufschuhe im Angebot", []string{CodeLongHeadlineShort}},
		{"long headline ok", LongHeadline, "Laufschuhe für jedes Terrain im großen Angebot", nil},
		{"keyword ok", Keyword, "[laufschuhe herren]", nil},
		{"keyword invalid characters", Keyword, "schuhe! @home", []string{CodeKeywordInvalidCharacter, CodeKeywordInvalidCharacter}},
		{"keyword too many words", Keyword, "a b c d e f g h i j k", []string{CodeKeywordTooManyWords}},
		{"keyword ignores ad rules", Keyword, "SCHUHE kaufen", nil},
	})
}

func TestNotTextField(t *testing.T) {
	r := CheckText(Logo, "Acme")
	if r.Valid || len(r.Violations) != 1 || r.Violations[0].Code != CodeNotTextField {
		t.Fatalf("CheckText(LOGO) = %+v", r)
	}
}

func TestTooLongSpanStartsWhereTheLimitIsCrossed(t *testing.T) {
	r := CheckText(Headline, "Buy Running Shoes Online Today now")
	v := r.Violations[0]
	if v.Code != CodeTooLong || v.Start != 30 || v.End != 34 || v.Args.Width != 34 || v.Args.Limit != 30 {
		t.Fatalf("got %+v", v)
	}
	if got := v.Message("en"); got != "Headline is 34 characters wide; the limit is 30." {
		t.Errorf("en message %q", got)
	}
	if got := v.Message("de"); got != "Anzeigentitel ist 34 Zeichen breit; erlaubt sind 30." {
		t.Errorf("de message %q", got)
	}
	// Japanese: the 16th character makes the width 32.
	r = CheckText(Headline, "東京のホテルを今すぐ予約できますよ")
	if v := r.Violations[0]; v.Start != 15 || v.End != 17 || v.Args.Width != 34 {
		t.Fatalf("got %+v", v)
	}
}

func TestSpansAreRuneOffsets(t *testing.T) {
	r := CheckText(Headline, "Größe SUPERGÜNSTIG")
	if len(r.Violations) != 1 {
		t.Fatalf("got %+v", r.Violations)
	}
	if v := r.Violations[0]; v.Code != CodeAllCaps || v.Start != 6 || v.End != 18 {
		t.Fatalf("got %+v", v)
	}
	// Inside a placeholder the span points at the default text.
	r = CheckText(Headline, "Buy {KeyWord:SHOES} now")
	if v := r.Violations[0]; v.Code != CodeAllCaps || v.Start != 13 || v.End != 18 {
		t.Fatalf("got %+v", r.Violations)
	}
}
