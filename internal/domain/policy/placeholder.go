package policy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// placeholder is the parse of one "{…}" in ad text: keyword insertion
// ({KeyWord:default}), an ad customizer ({CUSTOMIZER.Name:default}),
// location insertion ({LOCATION(City):default}), an IF function
// ({=IF(device=mobile,text):default}) or a countdown
// ({COUNTDOWN(2026/12/24 18:00:00,5)}). Google counts the first three at the
// width of their default text (reference §2, "including any dynamic text"),
// an IF function at the wider of its two texts (either may show) and a
// countdown at the width of its longest rendering (see countdownWidth).
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
	// ifStart:ifEnd is an IF function's conditional text; 0:0 otherwise.
	ifStart, ifEnd int
	// countdown: a well-formed countdown, counted countdownWidth wide.
	countdown bool
	// unsupported: a legacy feed customizer ({=Feed.Attribute}), which
	// responsive search ads do not take.
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
	// A name, condition or date is never hidden from the reader by bytes
	// that are not text: it would pass unseen (the default text is checked
	// as visible text, the rest of a placeholder is not).
	if !utf8.ValidString(body) || strings.ContainsFunc(body, unicode.IsControl) {
		return placeholder{end: end, reason: reasonCharacters}
	}
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
	case isCountdown(body):
		if reason := countdownReason(body); reason != "" {
			return placeholder{end: end, reason: reason}
		}
		return placeholder{end: end, defStart: j, defEnd: j, ok: true, countdown: true}
	case isIf(body):
		return parseIf(s, i, j)
	case strings.HasPrefix(name, "="):
		return placeholder{end: end, unsupported: true}
	}
	return placeholder{end: end, reason: reasonUnknown}
}

// countdownWidth is how wide a countdown counts. It renders as a number and
// a unit that changes as the date nears: "5 days", "23 hours", then "59
// minutes" (Google Ads help 6193743: "count down by day, then by hour, then
// by minute"); a text is too long if any rendering makes it so (Microsoft
// Advertising help 56853, same customizer). The longest rendering in the
// languages we write is 10 wide: "59 minutes", "59 Minuten", "23 Stunden"
// ("59分" is 4 wide in Japanese).
const countdownWidth = 10

func isIf(body string) bool {
	body = strings.TrimLeft(strings.TrimPrefix(body, "="), " ")
	return len(body) > 2 && strings.EqualFold(body[:2], "IF") && (body[2] == '(' || body[2] == ' ')
}

func isCountdown(body string) bool {
	body = strings.TrimPrefix(body, "=")
	return strings.HasPrefix(body, "COUNTDOWN(") || strings.HasPrefix(body, "GLOBAL_COUNTDOWN(")
}

// countdownReason checks a countdown's arguments: the end date and time
// (2026/12/24 or 2026-12-24, optionally 18:00 or 18:00:00, optionally in
// quotes), then optionally a language ("de", "en-US") and the number of days
// before the end it starts showing (1–365; Google's default is 5). It
// returns "" when they are well-formed.
func countdownReason(body string) string {
	open := strings.IndexByte(body, '(')
	if !strings.HasSuffix(body, ")") || open < 0 {
		return reasonCountdown
	}
	args := strings.Split(body[open+1:len(body)-1], ",")
	if len(args) > 3 || !countdownDate(strings.Trim(strings.TrimSpace(args[0]), `"`)) {
		return reasonCountdown
	}
	rest := args[1:]
	if len(rest) > 0 {
		if lang := strings.Trim(strings.TrimSpace(rest[0]), `"`); lang != "" && !isDaysBefore(lang) {
			if !isLanguageTag(lang) {
				return reasonCountdown
			}
			rest = rest[1:]
		}
	}
	switch {
	case len(rest) > 1:
		return reasonCountdown
	case len(rest) == 1 && !isDaysBefore(strings.TrimSpace(rest[0])):
		return reasonCountdown
	}
	return ""
}

func countdownDate(v string) bool {
	date, clock, _ := strings.Cut(v, " ")
	if len(date) != 10 || date[4] != date[7] || date[4] != '/' && date[4] != '-' {
		return false
	}
	y, ok1 := atoi(date[:4])
	m, ok2 := atoi(date[5:7])
	d, ok3 := atoi(date[8:])
	if !ok1 || !ok2 || !ok3 || y < 2000 || m < 1 || m > 12 || d < 1 || d > 31 {
		return false
	}
	if clock == "" {
		return true
	}
	parts := strings.Split(clock, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return false
	}
	for n, part := range parts {
		v, ok := atoi(part)
		if !ok || len(part) != 2 || n == 0 && v > 23 || n > 0 && v > 59 {
			return false
		}
	}
	return true
}

func isDaysBefore(v string) bool {
	n, ok := atoi(v)
	return ok && n >= 1 && n <= 365
}

func isLanguageTag(v string) bool {
	if len(v) < 2 || len(v) > 10 {
		return false
	}
	for _, c := range v {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func atoi(v string) (int, bool) {
	if v == "" || len(v) > 4 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, false
		}
		n = n*10 + int(v[i]-'0')
	}
	return n, true
}

// parseIf parses {=IF(condition,text):default} whose braces are at s[i]
// and s[j]; the "=" is optional. The condition is device=mobile or audience
// IN(list,…), or both joined by "or"; spaces around the parts are allowed and
// not part of the texts. The default text is optional (without it nothing
// shows when the condition is not met). Sources: Microsoft Advertising help
// 56922 "About IF functions" (the same syntax for responsive search ads);
// Search Engine Land, "AdWords IF functions roll out" (2017), which sets out
// Google's syntax step by step.
func parseIf(s string, i, j int) placeholder {
	bad := placeholder{end: j + 1, reason: reasonIf}
	c := ifCursor{s: s, k: i + 1, end: j}
	c.skip("=")
	if !c.word("IF") || !c.skip("(") {
		return bad
	}
	for {
		switch {
		case c.word("device"):
			if !c.skip("=") || !c.word("mobile") {
				return bad
			}
		case c.word("audience"):
			if !c.word("IN") || !c.skip("(") {
				return bad
			}
			close := strings.IndexByte(s[c.k:j], ')')
			if close < 0 {
				return bad
			}
			for _, name := range strings.Split(s[c.k:c.k+close], ",") {
				if strings.TrimSpace(name) == "" {
					return bad
				}
			}
			c.k += close + 1
		default:
			return bad
		}
		if !c.word("or") {
			break
		}
	}
	if !c.skip(",") {
		return bad
	}
	// The text runs to the ")" before the default's ":" or before "}".
	textEnd, defStart := -1, j
	if k := strings.Index(s[c.k:j], "):"); k >= 0 {
		textEnd, defStart = c.k+k, c.k+k+2
	} else if s[j-1] == ')' {
		textEnd = j - 1
	}
	if textEnd < c.k {
		return bad
	}
	ifStart, ifEnd := trimSpaces(s, c.k, textEnd)
	defStart, defEnd := trimSpaces(s, defStart, j)
	if ifEnd == ifStart {
		return bad
	}
	return placeholder{end: j + 1, ok: true, ifStart: ifStart, ifEnd: ifEnd, defStart: defStart, defEnd: defEnd}
}

// ifCursor reads an IF function's condition: words case-insensitively, with
// spaces before each token.
type ifCursor struct {
	s      string
	k, end int
}

func (c *ifCursor) spaces() {
	for c.k < c.end && c.s[c.k] == ' ' {
		c.k++
	}
}

// skip consumes the punctuation p after optional spaces.
func (c *ifCursor) skip(p string) bool {
	c.spaces()
	if strings.HasPrefix(c.s[c.k:c.end], p) {
		c.k += len(p)
		return true
	}
	return false
}

// word consumes w (any case) after optional spaces, when no letter follows.
func (c *ifCursor) word(w string) bool {
	k := c.k
	c.spaces()
	if e := c.k + len(w); e <= c.end && strings.EqualFold(c.s[c.k:e], w) && (e == c.end || !isLetter(rune(c.s[e]))) {
		c.k = e
		return true
	}
	c.k = k
	return false
}

// trimSpaces narrows s[a:b] to exclude ASCII spaces at both ends.
func trimSpaces(s string, a, b int) (int, int) {
	for a < b && s[a] == ' ' {
		a++
	}
	for b > a && s[b-1] == ' ' {
		b--
	}
	return a, b
}

// isLocationInsertion: {LOCATION(City)}, {LOCATION(State)},
// {LOCATION(Country)}; the level is read case-insensitively.
func isLocationInsertion(name string) bool {
	level, ok := strings.CutPrefix(name, "LOCATION(")
	if !ok {
		return false
	}
	switch strings.ToLower(level) {
	case "city)", "state)", "country)":
		return true
	}
	return false
}

// width is the placeholder's width as Google counts it.
func (p placeholder) width(s string) int {
	switch {
	case p.countdown:
		return countdownWidth
	case p.ifEnd > p.ifStart:
		return max(plainWidth(s[p.ifStart:p.ifEnd]), plainWidth(s[p.defStart:p.defEnd]))
	}
	return plainWidth(s[p.defStart:p.defEnd])
}
