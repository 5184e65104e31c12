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
		if !s.overlapsAllowed(start, end) && !s.knownMixedCase(w) && !s.inDomain(start) {
			s.emit(CodeMixedCase, Error, start, end, Args{})
		}
	}
	if w.digits > 0 && w.letters > 0 && !s.overlapsAllowed(start, end) {
		switch {
		case s.numberWordKey(w):
			s.emit(CodeNumberAsWord, Error, start, end, Args{})
		case w.letters >= 3 && s.leet(w), w.letters >= 2 && s.leetEnding(w):
			s.emit(CodeSymbolAsLetter, Error, start, end, Args{})
		}
	}
	if w.digits == 1 && w.letters == 0 && end-start == 1 && i+1 < len(s.words) {
		s.numberForWord(i)
	}
	if w.lower > 0 && w.letters >= 3 {
		s.stretched(w)
	}
}

// numberWordKey looks the whole word (digits and letters, lower-cased) up
// in numberWords: "Gr8", "4U", "2day".
func (s *scan) numberWordKey(w word) bool {
	var k keyBuf
	for _, r := range s.vis[w.start:w.end] {
		if !k.add(fold(r)) {
			return false
		}
	}
	_, ok := numberWords[string(k.b[:k.n])]
	return ok
}

// numberForWord: E3 "numbers … that don't adhere to their true meaning": a
// lone 2 or 4 read as "to" or "for" before a word a count cannot precede
// ("4 sale", "2 good", "Fun 4 all"); "4 Tage", "2 Personen" are counts.
func (s *scan) numberForWord(i int) {
	w, next := s.words[i], s.words[i+1]
	d := s.vis[w.start]
	if d != '2' && d != '4' || w.start > 0 && !isSpace(s.vis[w.start-1]) ||
		next.start != w.end+1 || !isSpace(s.vis[w.end]) || next.digits > 0 {
		return
	}
	if after := int(next.end); after < len(s.vis) && (s.vis[after] == '-' || s.vis[after] == '.' && next.end-next.start == 1) {
		return // "4 All-Season-Reifen", "Haus 2 u. 4"
	}
	if !s.lowerInList(next, forWords) {
		return
	}
	if i+2 < len(s.words) && !s.lowerInList(next, pronounForWords) {
		// "2 good reasons", "4 sale items": an adjective before a plural
		// noun is a count.
		if n := s.words[i+2]; n.start == next.end+1 && isSpace(s.vis[next.end]) && fold(s.vis[n.end-1]) == 's' && n.letters >= 3 {
			return
		}
	}
	s.emit(CodeNumberAsWord, Error, int(w.start), int(next.end), Args{})
}

// lowerInList looks the word up lower-cased.
func (s *scan) lowerInList(w word, list map[string]struct{}) bool {
	var k keyBuf
	for _, r := range s.vis[w.start:w.end] {
		if !k.add(fold(r)) {
			return false
		}
	}
	_, ok := list[string(k.b[:k.n])]
	return ok
}

// stretched: E10 "commonly accepted spelling" — a letter stretched for
// emphasis ("Sooooo", "Hallooo", "Yesss"). Four of a letter never occur in
// a word. Three do in German compounds, where the third begins the next part
// ("Schifffahrt", "Kaffeeersatz", "Zooorchester"): so three pass inside a
// German word when they are consonants or a double vowel (aa, ee, oo) before
// a vowel, never at the start or end of a word, and never in English. Only
// runs with a lower-case letter count ("XXXL", "III" are capitals).
func (s *scan) stretched(w word) {
	rs := s.vis[w.start:w.end]
	triple := false
	for i := 2; i < len(rs) && !triple; i++ {
		triple = rs[i] == rs[i-1] && rs[i] == rs[i-2]
	}
	if !triple {
		return // the common case, read without folding case
	}
	for a := 0; a < len(rs); {
		b := a + 1
		lower := isLower(rs[a])
		for b < len(rs) && fold(rs[b]) == fold(rs[a]) {
			lower = lower || isLower(rs[b])
			b++
		}
		if n := b - a; n >= 3 && lower && isLetter(rs[a]) && !s.compoundTriple(rs, a, b) {
			s.emit(CodeStretchedWord, Error, int(w.start), int(w.end), Args{})
			return
		}
		a = b
	}
}

func (s *scan) compoundTriple(rs []rune, a, b int) bool {
	if b-a != 3 {
		return false
	}
	r := fold(rs[a])
	if a == 0 {
		return r == 'w' && len(rs) == 3 // "www"
	}
	if b == len(rs) || s.c.english {
		return false
	}
	switch r {
	case 'a', 'e', 'o':
		return true
	case 'i', 'u', 'y', 'ä', 'ö', 'ü':
		return false
	}
	return true
}

// knownMixedCase: the word is written with an inner capital by convention:
// a legal form or unit (GmbH, kWh), a well-known brand (iPhone, PayPal,
// eBay; also with a plural or genitive ending: iPhones), or a Scottish or
// Irish name (McKenzie, MacDonald; O'Neill is split by its apostrophe).
// An advertiser's own spellings come from the allowlist.
func (s *scan) knownMixedCase(w word) bool {
	var k keyBuf
	for _, r := range s.vis[w.start:w.end] {
		if isLetter(r) && !k.add(r) {
			return false
		}
	}
	key := string(k.b[:k.n])
	if _, ok := mixedCaseWords[key]; ok {
		return true
	}
	if _, ok := brandSpellings[key]; ok {
		return true
	}
	for cut := 1; cut <= 3 && cut < len(key) && key[len(key)-cut] >= 'a' && key[len(key)-cut] <= 'z'; cut++ {
		if _, ok := brandSpellings[key[:len(key)-cut]]; ok {
			return true
		}
	}
	return gaelicName(key)
}

// gaelicName: "Mc" or "Mac", one capital, then lower case only.
func gaelicName(key string) bool {
	var rest string
	switch {
	case len(key) > 3 && key[:2] == "Mc":
		rest = key[2:]
	case len(key) > 4 && key[:3] == "Mac":
		rest = key[3:]
	default:
		return false
	}
	for i, r := range rest {
		if i == 0 && !isUpper(r) || i > 0 && !isLower(r) {
			return false
		}
	}
	return true
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
	if w.start > 0 && s.vis[w.start-1] == '%' {
		return true // "50%OFF", as Japanese ads write it
	}
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
// "N4ke", "C0stenlos"): a look-alike digit between two letters, at least one
// of them lower-case. Upper-case product codes like "W3C" and "B2B" stay
// allowed, and so do their plurals and German forms ("MP3s", "X5er").
func (s *scan) leet(w word) bool {
	rs := s.vis[w.start:w.end]
	for k := 1; k+1 < len(rs); k++ {
		switch rs[k] {
		case '0', '1', '3', '4', '5', '7':
			a, b := rs[k-1], rs[k+1]
			if isLetter(a) && isLetter(b) && (isLower(a) || isLower(b)) && !codeSuffix(rs[:k], rs[k+1:]) {
				return true
			}
		}
	}
	return false
}

// codeSuffix: capitals, a digit, and a plural or German ending ("MP3s").
func codeSuffix(head, tail []rune) bool {
	for _, r := range head {
		if isLetter(r) && !isUpper(r) {
			return false
		}
	}
	if len(tail) > 3 {
		return false
	}
	var k keyBuf
	for _, r := range tail {
		k.add(r)
	}
	switch string(k.b[:k.n]) {
	case "s", "er", "ers", "ern", "en":
		return true
	}
	return false
}

// leetEnding: a word that ends in a repeated look-alike digit after a
// lower-case letter ("Fr33"); version numbers ("Win10", "Office365") mix
// their digits.
func (s *scan) leetEnding(w word) bool {
	rs := s.vis[w.start:w.end]
	e := len(rs)
	d := rs[e-1]
	switch d {
	case '0', '1', '3', '4', '5', '7':
	default:
		return false
	}
	k := e - 1
	for k > 0 && rs[k-1] == d {
		k--
	}
	return e-k >= 2 && k > 0 && isLower(rs[k-1])
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
