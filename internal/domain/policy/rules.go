package policy

import (
	"math"
	"slices"
	"unicode/utf8"
)

// editorialRules runs E1–E13 over the tokenized visible text.
func (s *scan) editorialRules() {
	c := s.c
	if c.hasAllowTerms {
		for _, w := range s.words {
			if e := c.allow.matchAt(s.vis, int(w.start)); e > 0 {
				if n := len(s.allowed); n > 0 {
					e = max(e, s.allowed[n-1].end)
				}
				if len(s.allowed) == cap(s.allowed) {
					s.allowed = slices.Grow(s.allowed, len(s.allowed)) // doubling, as the findings
				}
				s.allowed = append(s.allowed, span{int(w.start), e})
			}
		}
	}
	if c.banned.n > 0 {
		for _, w := range s.words {
			if e := c.banned.matchAt(s.vis, int(w.start)); e > 0 {
				s.emitAlways(CodeBannedTerm, Error, int(w.start), e, Args{})
			}
		}
	}
	for i := range s.words {
		s.wordRules(i)
	}
	s.sequenceRules()
	s.repetition()
	s.singleLetters()
	s.listMarker()
	for _, w := range s.words {
		if e := c.clickHere.matchAt(s.vis, int(w.start)); e > 0 {
			s.emit(CodeClickHere, Error, int(w.start), e, Args{})
		}
	}
	if s.digits >= 3 {
		s.phoneNumbers()
	}
	if s.bangs > 0 {
		s.exclamations()
	}
	if s.field == BusinessName {
		s.businessName()
	}
}

// keyBuf builds lookup keys for the small built-in word lists without
// allocating: a map index with string(bytes) does not copy.
type keyBuf struct {
	b [64]byte
	n int
}

func (k *keyBuf) add(r rune) bool {
	if k.n+utf8.UTFMax > len(k.b) {
		return false
	}
	k.n += utf8.EncodeRune(k.b[k.n:], r)
	return true
}

// wordRules: E1 capitalization and E3 numbers in place of letters.
func (s *scan) wordRules(i int) {
	w := s.words[i]
	start, end := int(w.start), int(w.end)
	if w.letters >= 2 && w.upper >= 2 && w.lower == 0 && int(w.upper) == s.casedLetters(w) {
		if !s.overlapsAllowed(start, end) && !s.acceptableCapitals(i) {
			s.emit(CodeAllCaps, Error, start, end, Args{})
		}
	} else if w.upper > 0 && w.lower > 0 && s.innerCapital(w) {
		if !s.overlapsAllowed(start, end) && !s.inList(w, mixedCaseWords, false) {
			s.emit(CodeMixedCase, Error, start, end, Args{})
		}
	}
	if w.digits > 0 && w.letters >= 4 && s.leet(w) && !s.overlapsAllowed(start, end) {
		s.emit(CodeSymbolAsLetter, Error, start, end, Args{})
	}
}

func (s *scan) casedLetters(w word) int {
	n := 0
	for _, r := range s.vis[w.start:w.end] {
		if isUpper(r) || isLower(r) {
			n++
		}
	}
	return min(n, math.MaxInt16) // as the word's counts
}

// innerCapital finds a capital after a lower-case letter in the same word
// ("FlOwErS", "eBay"); an apostrophe starts a new part ("O'Neill", "L'Oréal").
func (s *scan) innerCapital(w word) bool {
	sawLower := false
	for _, r := range s.vis[w.start:w.end] {
		switch {
		case isApostrophe(r):
			sawLower = false
		case isLower(r):
			sawLower = true
		case isUpper(r) && sawLower:
			return true
		}
	}
	return false
}

// acceptableCapitals decides whether an all-capitals word is one of the
// uses Google allows: "common abbreviations like 'ASAP' and coupon codes"
// (E1). Two- and three-letter capitals are nearly always abbreviations
// (EU, USA, PKW, TÜV), so only known shouted words are flagged among them;
// longer ones must be a known abbreviation, have no vowel (HTML, HTTPS),
// be a Roman numeral, or follow a word like "Code".
func (s *scan) acceptableCapitals(i int) bool {
	w := s.words[i]
	if w.letters <= 3 {
		return !s.inList(w, shoutedWords, true)
	}
	if s.inList(w, abbreviations, true) || s.romanNumeral(w) || !s.hasVowel(w) {
		return true
	}
	return w.digits > 0 && i > 0 && s.codeWord(s.words[i-1])
}

// inList looks the word's letters up in a built-in list, upper-cased first
// when upper is set.
func (s *scan) inList(w word, list map[string]struct{}, upper bool) bool {
	var k keyBuf
	for _, r := range s.vis[w.start:w.end] {
		if !isLetter(r) {
			continue
		}
		if upper && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		if !k.add(r) {
			return false
		}
	}
	_, ok := list[string(k.b[:k.n])]
	return ok
}

func (s *scan) hasVowel(w word) bool {
	for _, r := range s.vis[w.start:w.end] {
		switch fold(r) {
		case 'a', 'e', 'i', 'o', 'u', 'y', 'ä', 'ö', 'ü', 'à', 'á', 'â', 'è', 'é', 'ê', 'ì', 'í', 'î', 'ò', 'ó', 'ô', 'ù', 'ú', 'û':
			return true
		}
	}
	return false
}

// romanNumeral accepts canonical Roman numerals (VIII, XIV, MMXXVI), which
// are written in capitals by definition.
func (s *scan) romanNumeral(w word) bool {
	if w.digits > 0 {
		return false
	}
	rs := s.vis[w.start:w.end]
	i := 0
	// thousands, then hundreds, tens and units, each as in the standard
	// pattern M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3}).
	for n := 0; n < 3 && i < len(rs) && rs[i] == 'M'; n++ {
		i++
	}
	digit := func(one, five, ten rune) {
		switch {
		case i+1 < len(rs) && rs[i] == one && (rs[i+1] == ten || rs[i+1] == five):
			i += 2
		default:
			if i < len(rs) && rs[i] == five {
				i++
			}
			for n := 0; n < 3 && i < len(rs) && rs[i] == one; n++ {
				i++
			}
		}
	}
	digit('C', 'D', 'M')
	digit('X', 'L', 'C')
	digit('I', 'V', 'X')
	return i == len(rs) && len(rs) > 0
}

// codeWord: "Code SOMMER25", "Gutscheincode: WINTER10", "coupon SAVE20".
func (s *scan) codeWord(w word) bool {
	var k keyBuf
	for _, r := range s.vis[w.start:w.end] {
		if !k.add(fold(r)) {
			return false
		}
	}
	key := string(k.b[:k.n])
	if len(key) >= 4 && key[len(key)-4:] == "code" {
		return true
	}
	_, ok := couponWords[key]
	return ok
}

// leet finds digits standing in for letters inside a word ("f1owers",
// "fl0wers"): a look-alike digit between two letters, at least one of them
// lower-case. Upper-case product codes like "W3C" and "B2B" stay allowed.
func (s *scan) leet(w word) bool {
	rs := s.vis[w.start:w.end]
	for k := 1; k+1 < len(rs); k++ {
		switch rs[k] {
		case '0', '1', '3', '4', '5', '7':
			a, b := rs[k-1], rs[k+1]
			if isLetter(a) && isLetter(b) && (isLower(a) || isLower(b)) {
				return true
			}
		}
	}
	return false
}

// tokenAround expands k to the surrounding run of word characters and the
// symbols at k, for quoting "Sale,buy" or "Ca$h".
func (s *scan) tokenAround(k, e int) (int, int) {
	for k > 0 && isWordRune(s.vis[k-1]) {
		k--
	}
	for e < len(s.vis) && isWordRune(s.vis[e]) {
		e++
	}
	return k, e
}

// sequenceRules walks the visible characters once for E2, E3 (symbols),
// E5 (asterisks) and E9 (spaces).
func (s *scan) sequenceRules() {
	vis := s.vis
	n := len(vis)
	for k := 0; k < n; k++ {
		r := vis[k]
		if r < utf8.RuneSelf && isWordRune(r) {
			continue // letters and digits are the word rules' business
		}
		var prev, next rune
		if k > 0 {
			prev = vis[k-1]
		}
		if k+1 < n {
			next = vis[k+1]
		}
		switch {
		case isSpace(r):
			s.spaceAt(k, prev, next)
			continue
		case r == '*':
			s.asterisk(k, prev, next)
		case r == '@':
			if isLetter(prev) && isLetter(next) && !s.emailLike(k) {
				a, b := s.tokenAround(k, k+1)
				s.emit(CodeSymbolAsLetter, Error, a, b, Args{})
			}
		case r == '$' || r == '€' || r == '£':
			if isLetter(next) {
				a, b := s.tokenAround(k, k+1)
				s.emit(CodeSymbolAsLetter, Error, a, b, Args{})
			}
		}
		if next == r && prev != r && isPunctOrSymbol(r) {
			e := k + 1
			for e < n && vis[e] == r {
				e++
			}
			if !(r == '.' && e-k == 3) { // "..." is an ellipsis
				s.emit(CodeRepeatedPunctuation, Error, k, e, Args{})
			}
		}
		s.missingSpace(k, r, prev, next)
	}
}

// emailLike: "info@shop.de" is an address, "fl@wers" is not: a full stop
// follows before the next space. Its cursors only move forward, so a text of
// many "@" is read once.
func (s *scan) emailLike(k int) bool {
	vis := s.vis
	if s.nextSpace <= k {
		s.nextSpace = k + 1
		for s.nextSpace < len(vis) && !isSpace(vis[s.nextSpace]) {
			s.nextSpace++
		}
	}
	if s.nextDot <= k {
		s.nextDot = k + 1
		for s.nextDot < len(vis) && vis[s.nextDot] != '.' {
			s.nextDot++
		}
	}
	return s.nextDot < s.nextSpace
}

// spaceAt: E9 "adding extra spaces" — leading, trailing, doubled, or
// before punctuation.
func (s *scan) spaceAt(k int, prev, next rune) {
	n := len(s.vis)
	if k > 0 && isSpace(prev) {
		return // reported with the first space of the run
	}
	e := k + 1
	for e < n && isSpace(s.vis[e]) {
		e++
	}
	if k == 0 || e == n || e-k >= 2 {
		s.emit(CodeExtraSpace, Error, k, e, Args{})
		return
	}
	switch next {
	case ',', '.':
		if next == '.' && e+2 < n && s.vis[e+1] == '.' && s.vis[e+2] == '.' {
			return // "und mehr ..." — a spaced ellipsis is standard
		}
		s.emit(CodeExtraSpace, Error, k, e+1, Args{})
	case ';', ':', '!', '?':
		if !s.c.french {
			s.emit(CodeExtraSpace, Error, k, e+1, Args{})
		}
	}
}

// missingSpace: E9 "omitting a space" — "Sale,buy flowers". A full stop is
// only reported before a capital after a word of two or more letters, so
// domains (shop.de), decimals (49.99) and abbreviations (z.B.) pass.
func (s *scan) missingSpace(k int, r, prev, next rune) {
	if next == 0 || !isLetter(next) || isWide(next) || k == 0 {
		return
	}
	switch r {
	case ',', ';', '!', '?':
	case ':':
		if !isLetter(prev) {
			return
		}
	case '.':
		if !isUpper(next) || k < 2 || !isLetter(prev) || !isLetter(s.vis[k-2]) {
			return
		}
	default:
		return
	}
	a, b := s.tokenAround(k, k+1)
	s.emit(CodeMissingSpace, Error, a, b, Args{})
}

// asterisk: E5 forbids "*flowers*" but allows star ratings ("5* hotel")
// and a marker that legal conditions apply ("ab 49 €*", "0 %* Zinsen").
func (s *scan) asterisk(k int, prev, next rune) {
	switch {
	case isWordRune(next):
		e := k + 1
		for e < len(s.vis) && isWordRune(s.vis[e]) {
			e++
		}
		if e < len(s.vis) && s.vis[e] == '*' {
			e++
		}
		s.emit(CodeNonstandardSymbol, Error, k, e, Args{})
	case (prev == 0 || isSpace(prev)) && (next == 0 || isSpace(next)):
		s.emit(CodeNonstandardSymbol, Error, k, k+1, Args{})
	}
}

// repetition: E12 "Deals Deals Deals". Twice is allowed for short words,
// because German grammar repeats articles ("Schuhe, die die Welt bewegen").
func (s *scan) repetition() {
	ws := s.words
	for i := 0; i < len(ws); {
		j := i
		for j+1 < len(ws) && ws[j+1].letters > 0 && s.sameWord(ws[j], ws[j+1]) {
			j++
		}
		if n := j - i + 1; ws[i].letters > 0 && (n >= 3 || n == 2 && ws[i].letters >= 4) {
			s.emit(CodeRepetition, Error, int(ws[i].start), int(ws[j].end), Args{})
		}
		i = j + 1
	}
}

func (s *scan) sameWord(a, b word) bool {
	if a.end-a.start != b.end-b.start {
		return false
	}
	for k := int32(0); k < a.end-a.start; k++ {
		if fold(s.vis[a.start+k]) != fold(s.vis[b.start+k]) {
			return false
		}
	}
	return true
}

// singleLetters finds runs of single letters: four or more separated by
// punctuation ("F.L.O.W.E.R.S.", E6) and three or more separated by spaces
// ("f l o w e r s", E9). Abbreviations like "z. B." and "u.v.m." are shorter.
func (s *scan) singleLetters() {
	ws := s.words
	for i := 0; i < len(ws); {
		if !s.singleLetter(ws[i]) {
			i++
			continue
		}
		j, kind := i, 0
		for j+1 < len(ws) && s.singleLetter(ws[j+1]) {
			g := s.gapKind(int(ws[j].end), int(ws[j+1].start))
			if g == 0 || kind != 0 && g != kind {
				break
			}
			kind = g
			j++
		}
		n, end := j-i+1, int(ws[j].end)
		if kind == gapPunct && end < len(s.vis) && isLetterSeparator(s.vis[end]) {
			end++
		}
		switch {
		case kind == gapPunct && n >= 4:
			s.emit(CodeGimmickyPunctuation, Error, int(ws[i].start), end, Args{})
		case kind == gapSpace && n >= 3:
			s.emit(CodeGimmickySpacing, Error, int(ws[i].start), end, Args{})
		}
		i = j + 1
	}
}

const (
	gapPunct = 1
	gapSpace = 2
)

func (s *scan) singleLetter(w word) bool {
	return w.end-w.start == 1 && w.letters == 1 && !isWide(s.vis[w.start])
}

func isLetterSeparator(r rune) bool {
	switch r {
	case '.', '-', '_', '*', '/', '·', '|', '+':
		return true
	}
	return false
}

func (s *scan) gapKind(a, b int) int {
	switch g := s.vis[a:b]; {
	case len(g) == 1 && isSpace(g[0]):
		return gapSpace
	case len(g) == 1 && isLetterSeparator(g[0]), len(g) == 2 && isLetterSeparator(g[0]) && isSpace(g[1]):
		return gapPunct
	}
	return 0
}

// listMarker: E10 "bullet points or numbered lists". "1." is not treated as
// a list marker because German ordinals read the same ("1. Wahl").
func (s *scan) listMarker() {
	vis := s.vis
	if len(vis) < 3 {
		return
	}
	switch vis[0] {
	case '-', '–', '—', '*', '+', '>':
		if isSpace(vis[1]) {
			s.emitAlways(CodeListMarker, Error, 0, 1, Args{})
		}
		return
	}
	k := 0
	for k < len(vis) && k < 3 && isDigit(vis[k]) {
		k++
	}
	if k == 0 && isLetter(vis[0]) && !isWide(vis[0]) {
		k = 1
	}
	if k > 0 && k+1 < len(vis) && vis[k] == ')' && isSpace(vis[k+1]) {
		s.emitAlways(CodeListMarker, Error, 0, k+1, Args{})
	}
}

// exclamations: E8. Headline-like fields allow none, descriptions one.
func (s *scan) exclamations() {
	short := isShortText(s.field)
	if !short && s.field != Description && s.field != SitelinkDescription {
		return
	}
	count := 0
	for k, r := range s.vis {
		if (r == '!' || r == '！') && !s.isAllowed(k, k+1) {
			count++
		}
	}
	seen := 0
	for k, r := range s.vis {
		if r != '!' && r != '！' || s.isAllowed(k, k+1) {
			continue
		}
		seen++
		switch {
		case short:
			if k > 0 && s.vis[k-1] == r {
				continue // "!!" is one finding here (and one for E2)
			}
			s.emit(CodeExclamation, Error, k, k+1, Args{Field: s.field})
		case seen > 1:
			s.emit(CodeTooManyExclamations, Error, k, k+1, Args{Field: s.field, Count: count})
		}
	}
}

// businessName: E13. A verified name must match exactly; otherwise the
// field may not carry promotional words or a percent sign.
func (s *scan) businessName() {
	c := s.c
	if c.businessName != "" {
		if s.text != c.businessName {
			s.vs = append(s.vs, Violation{Code: CodeBusinessNameMismatch, End: s.nRunes, Args: Args{Other: c.businessName}})
		}
		return // the verified name is what Google checks against
	}
	for _, w := range s.words {
		if e := c.promo.matchAt(s.vis, int(w.start)); e > 0 {
			s.emit(CodePromotionalBusinessName, Error, int(w.start), e, Args{})
		}
	}
	for k, r := range s.vis {
		if r == '%' {
			s.emit(CodePromotionalBusinessName, Error, k, k+1, Args{})
		}
	}
}

// keywordRules: keyword texts are not shown as ad text, so only their own
// limits apply: at most 10 words, and none of the characters Google
// rejects in keywords.
func (s *scan) keywordRules() {
	words, inWord := 0, false
	for k, r := range s.vis {
		if isSpace(r) {
			inWord = false
		} else if !inWord {
			inWord = true
			words++
		}
		switch r {
		case '!', '@', '%', ',', '*', '(', ')', '{', '}', '<', '>', ';', '=', '^', '~', '`', '|', '?', '\\':
			s.emitAlways(CodeKeywordInvalidCharacter, Error, k, k+1, Args{})
		}
	}
	if words > MaxKeywordWords {
		s.vs = append(s.vs, Violation{Code: CodeKeywordTooManyWords, End: s.nRunes, Args: Args{Count: words, Max: MaxKeywordWords}})
	}
}

// MaxKeywordWords is the most words a keyword may have.
const MaxKeywordWords = 10
