package quality

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/imaphub/imaphub/internal/domain/generation"
)

// listBreaks separate the items of a selling point that lists things; each
// item is a whole phrase a text may use alone.
var listBreaks = []string{", ", "; ", " – ", " | ", " · ", "、", "・", "／"}

// dangling words end no complete phrase: a text ending in one was cut.
var dangling = map[string]bool{
	"und": true, "oder": true, "mit": true, "für": true, "bei": true, "von": true, "vom": true, "im": true, "in": true, "zu": true,
	"zum": true, "zur": true, "der": true, "die": true, "das": true, "den": true, "dem": true, "des": true, "ein": true, "eine": true,
	"einen": true, "auf": true, "aus": true, "ohne": true, "über": true, "ab": true, "bis": true,
	"and": true, "or": true, "with": true, "for": true, "at": true, "by": true, "of": true, "to": true, "the": true, "a": true,
	"an": true, "on": true, "from": true, "within": true, "&": true,
}

func base(lang string) string {
	b, _, _ := strings.Cut(strings.ToLower(lang), "-")
	return b
}

func fold(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// Cuts lists the ways text breaks a phrase of the brief: it starts a
// selling point (its first two or three words, or four characters in
// Japanese) but
// holds neither the whole point nor a whole listed item of it, or it ends on
// a word that ends no phrase ("Montage bei über 300", "Lieferung in").
func Cuts(b generation.Brief, text string) []string {
	var out []string
	low := fold(text)
	ja := base(b.Language) == "ja"
	// Other phrases of the brief may start like a selling point ("making
	// tax digital software", a keyword, and "Making Tax Digital ready");
	// holding one of them whole is no cut.
	var others []string
	for _, o := range append(append([]string{b.Product, b.BusinessName}, b.Keywords...), b.BrandTerms...) {
		o = fold(o)
		if ja {
			o = strings.ReplaceAll(o, " ", "")
		}
		if o != "" {
			others = append(others, o)
		}
	}
	for _, p := range b.SellingPoints {
		p = strings.TrimRight(fold(p), ".。!！ ")
		if p == "" {
			continue
		}
		start := phraseStart(p, ja)
		if start == "" || !strings.Contains(low, start) || strings.Contains(low, p) {
			continue
		}
		if slices.ContainsFunc(others, func(o string) bool { return strings.Contains(o, start) && strings.Contains(low, o) }) {
			continue
		}
		whole := false
		for _, item := range listItems(p) {
			if strings.Contains(low, item) {
				whole = true
			}
		}
		if !whole && !containsArticleless(low, p) {
			out = append(out, fmt.Sprintf("uses %q without the whole selling point %q", start, p))
		}
	}
	if !ja {
		words := strings.Fields(strings.TrimRight(low, ".!?…:;,– "))
		if n := len(words); n > 1 && dangling[strings.Trim(words[n-1], ".,:;")] {
			out = append(out, fmt.Sprintf("ends on %q, mid-phrase", words[n-1]))
		}
	}
	return out
}

// containsArticleless accepts a point used without its leading article, the
// one shortening that keeps the meaning.
func containsArticleless(low, p string) bool {
	first, rest, ok := strings.Cut(p, " ")
	return ok && slices.Contains([]string{"der", "die", "das", "ein", "eine", "the", "a", "an"}, first) && strings.Contains(low, rest)
}

func phraseStart(p string, ja bool) string {
	if ja {
		if utf8.RuneCountInString(p) < 6 {
			return ""
		}
		return string([]rune(p)[:4])
	}
	// Two words start a phrase of three ("Kostenlose Probefahrt vor"),
	// three a longer one, so two words that meet by chance ("… mit Montage
	// bei Reifen Kramer") are not taken for a cut "Montage bei über 300".
	words := strings.Fields(p)
	switch {
	case len(words) < 3:
		return ""
	case len(words) == 3:
		return words[0] + " " + words[1]
	}
	return strings.Join(words[:3], " ")
}

func listItems(p string) []string {
	parts := []string{p}
	for _, sep := range listBreaks {
		var next []string
		for _, x := range parts {
			next = append(next, strings.Split(x, sep)...)
		}
		parts = next
	}
	if len(parts) < 2 {
		return nil
	}
	var out []string
	for _, x := range parts {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// words splits text into lower-case words of letters and digits; a
// hyphenated compound gives the compound and its parts.
func words(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '\''
	}) {
		w = strings.Trim(w, "-'")
		if w == "" {
			continue
		}
		out = append(out, w)
		if strings.Contains(w, "-") {
			out = append(out, strings.Split(w, "-")...)
		}
	}
	return out
}

// Vocabulary is what a text may be made of: the words of the brief's facts
// (product, selling points, keywords, business name, brand terms) and of
// the writer's own calls to action and connectors.
func Vocabulary(b generation.Brief, writer []string) map[string]bool {
	v := map[string]bool{}
	for _, s := range append(append(append([]string{b.Product, b.BusinessName}, b.SellingPoints...), b.Keywords...), b.BrandTerms...) {
		for _, w := range words(s) {
			v[w] = true
		}
	}
	for _, s := range writer {
		for _, w := range words(s) {
			v[w] = true
		}
	}
	return v
}

// Invented lists the words of text outside vocab: a fact the brief never
// gave ("online", "Shop", "Lieferung"). Japanese is not split into words
// and is not checked.
func Invented(lang string, vocab map[string]bool, text string) []string {
	if l := base(lang); l != "de" && l != "en" {
		return nil
	}
	var out []string
	for _, w := range words(text) {
		if !vocab[w] && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// lastSentence is a description's closing sentence, folded.
func lastSentence(s string) string {
	s = strings.TrimRight(strings.TrimSpace(s), ".。!！?？ ")
	i := strings.LastIndexAny(s, ".。!！?？")
	return fold(strings.TrimSpace(s[i+1:]))
}

// RepeatedClosings lists closing sentences more than one description ends
// with.
func RepeatedClosings(descriptions []string) []string {
	count := map[string]int{}
	var out []string
	for _, d := range descriptions {
		k := lastSentence(d)
		if count[k]++; count[k] == 2 {
			out = append(out, k)
		}
	}
	return out
}
