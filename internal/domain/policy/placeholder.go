package policy

import "strings"

// placeholder is the parse of one "{…}" in ad text: keyword insertion
// ({KeyWord:default}), an ad customizer ({CUSTOMIZER.Name:default}) or
// location insertion ({LOCATION(City):default}). Google counts them at the
// width of their default text (reference §2, "including any dynamic text").
type placeholder struct {
	// end is the byte offset after the closing brace, or after the
	// malformed span.
	end int
	// defStart:defEnd is the default text's byte range in the text.
	defStart, defEnd int
	// ok: well-formed and counted at its default text.
	ok bool
	// noDefault: well-formed customizer or location insertion without a
	// default text; it counts 0 and the ad needs a value at serve time.
	noDefault bool
	// unsupported: a well-formed kind whose rendered width is not fixed
	// (countdowns, IF functions, legacy feed customizers).
	unsupported bool
	// reason explains a malformed placeholder (see codes.go).
	reason string
}

// keywordForms are the spellings Google accepts; the capitalization of the
// word decides how the search term is capitalized when inserted.
var keywordForms = [...]string{"keyword", "Keyword", "KeyWord", "KEYWord", "KeyWORD", "KEYWORD"}

// parsePlaceholder parses the placeholder whose "{" is at s[i].
func parsePlaceholder(s string, i int) placeholder {
	j := i + 1
	for j < len(s) && s[j] != '}' {
		if s[j] == '{' {
			return placeholder{end: j, reason: reasonNested}
		}
		j++
	}
	if j == len(s) {
		return placeholder{end: len(s), reason: reasonUnclosed}
	}
	end := j + 1
	body := s[i+1 : j]
	name, def, hasColon := strings.Cut(body, ":")
	defStart := i + 1 + len(name) + 1
	switch {
	case strings.EqualFold(name, "keyword"):
		valid := false
		for _, k := range keywordForms {
			if name == k {
				valid = true
				break
			}
		}
		if !valid {
			return placeholder{end: end, reason: reasonKeywordCase}
		}
		if !hasColon || strings.TrimSpace(def) == "" {
			return placeholder{end: end, reason: reasonNoDefault}
		}
		return placeholder{end: end, defStart: defStart, defEnd: j, ok: true}
	case strings.HasPrefix(name, "CUSTOMIZER."), isLocationInsertion(name):
		if name == "CUSTOMIZER." {
			return placeholder{end: end, reason: reasonEmptyName}
		}
		if !hasColon || def == "" {
			return placeholder{end: end, defStart: j, defEnd: j, ok: true, noDefault: true}
		}
		return placeholder{end: end, defStart: defStart, defEnd: j, ok: true}
	case strings.HasPrefix(name, "COUNTDOWN("), strings.HasPrefix(name, "GLOBAL_COUNTDOWN("),
		strings.HasPrefix(name, "="), strings.HasPrefix(name, "IF("):
		return placeholder{end: end, unsupported: true}
	}
	return placeholder{end: end, reason: reasonUnknown}
}

func isLocationInsertion(name string) bool {
	switch name {
	case "LOCATION(City)", "LOCATION(State)", "LOCATION(Country)":
		return true
	}
	return false
}
