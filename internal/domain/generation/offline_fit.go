package generation

import (
	"strings"
	"unicode/utf8"

	"github.com/imaphub/imaphub/internal/domain/policy"
)

// How the offline writer brings a text within its width.

// fit brings text within limit the way a copywriter would, and returns "" when
// that cannot be done without breaking it: drop filler words, take the first
// clause that fits, then drop words from the end (never cutting one) until it
// fits, never ending on a conjunction, preposition or article. Descriptions
// keep a sentence end.
func (c *composer) fit(field policy.Field, text string, limit int, cutWords bool) string {
	text = clean(text)
	if policy.Width(text) <= limit {
		return text
	}
	sentence := field == policy.Description
	finish := func(s string) string {
		s = strings.TrimRight(strings.TrimSpace(s), ",;:–-、・：")
		if sentence {
			s = c.endSentence(s)
		}
		return s
	}
	// Filler words first: the message survives whole.
	words := strings.Fields(text)
	var kept []string
	for _, w := range words {
		if !containsFold(c.book.fillers, strings.Trim(w, ".,")) {
			kept = append(kept, w)
		}
	}
	if s := c.capitalise(finish(strings.Join(kept, " "))); len(kept) > 0 && policy.Width(s) <= limit {
		return s
	}
	// The first clause that fits says one complete thing.
	body := strings.TrimRight(text, ".。")
	for _, sep := range c.book.clauseBreaks {
		if head, _, ok := strings.Cut(body, sep); ok && head != "" {
			if s := finish(head); policy.Width(s) <= limit && utf8.RuneCountInString(s) >= 4 {
				return s
			}
		}
	}
	if !cutWords || c.lang == "ja" || len(words) < 2 {
		return "" // no word boundaries to shorten at, or a sentence that must stay whole
	}
	for n := len(kept) - 1; n >= 1; n-- {
		end := n
		for end > 0 && containsFold(c.book.dangling, strings.Trim(kept[end-1], ".,:;–-")) {
			end--
		}
		if end == 0 {
			break
		}
		if s := finish(strings.Join(kept[:end], " ")); policy.Width(s) <= limit {
			return s
		}
	}
	return ""
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
