package generation

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/imaphub/imaphub/internal/domain/policy"
)

// How the offline writer brings the brief's phrases within a width without
// changing what they say. A phrase is never cut: "Kostenlose Lieferung in 2
// Tagen" does not become "Kostenlose Lieferung in 2". A phrase that does not
// fit by these rules is not used.

// fitPoint returns the ways a selling point fits limit, best first: whole;
// without its leading article ("Die größte Auswahl" → "Größte Auswahl");
// or, for a point that lists several things ("Kostenlose Lieferung, Montage
// vor Ort"), each listed item that fits, whole.
func (c *composer) fitPoint(s string, limit int) []string {
	if policy.Width(s) <= limit {
		return []string{s}
	}
	if first, rest, ok := strings.Cut(s, " "); ok && containsFold(c.book.articles, first) {
		if t := upperFirst(rest); policy.Width(t) <= limit {
			return []string{t}
		}
	}
	var out []string
	for _, item := range c.listItems(s) {
		if policy.Width(item) <= limit && (utf8.RuneCountInString(item) >= 4) {
			out = append(out, item)
		}
	}
	return out
}

// listItems splits a listing phrase at its separators; a phrase without
// them has no items.
func (c *composer) listItems(s string) []string {
	parts := []string{s}
	for _, sep := range c.book.clauseBreaks {
		var next []string
		for _, p := range parts {
			next = append(next, strings.Split(p, sep)...)
		}
		parts = next
	}
	if len(parts) < 2 {
		return nil
	}
	var out []string
	for i, p := range parts {
		p = strings.TrimSpace(p)
		// An item after the first stands alone only when it starts as a
		// phrase of its own (a capital or a number): "including bank
		// holidays" is half of "Available 24/7, including bank holidays".
		if r, _ := utf8.DecodeRuneInString(p); p == "" || i > 0 && c.lang != "ja" && !unicode.IsUpper(r) && !unicode.IsDigit(r) {
			continue
		}
		out = append(out, c.casing.text(p))
	}
	return out
}

func (c *composer) endSentence(s string) string {
	s = strings.TrimRight(s, ".。 ")
	if s == "" {
		return s
	}
	last, _ := utf8.DecodeLastRuneInString(s)
	if strings.ContainsRune("?!！？", last) {
		return s
	}
	return s + c.book.sentenceEnd
}

func containsFold(list []string, w string) bool {
	for _, l := range list {
		if strings.EqualFold(l, w) {
			return true
		}
	}
	return false
}
