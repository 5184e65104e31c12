package policy

import "unicode/utf8"

// Rules over the sequence of characters: repeated punctuation, symbols used
// as letters, asterisks and spacing (E2, E3, E5, E9).

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
			} else if !isWordRune(prev) && !isWordRune(next) {
				s.emit(CodeSymbolAsWord, Error, k, k+1, Args{}) // "meet @ the store"
			}
		case r == '$' || r == '€' || r == '£' || r == '¥' || r == '%':
			if r != '%' && isLetter(next) {
				a, b := s.tokenAround(k, k+1)
				s.emit(CodeSymbolAsLetter, Error, a, b, Args{})
			} else if !isWordRune(prev) && prev != r && next != r && !s.amountNear(k) {
				s.emit(CodeSymbolAsWord, Error, k, k+1, Args{}) // "lowest $", "% off"
			}
		}
		if next != r && next != 0 && !isWordRune(next) && isPunctOrSymbol(next) && isPunctOrSymbol(r) && !isPunctOrSymbol(prev) {
			s.repeatedPattern(k) // cheapest tests first: most characters are letters
		}
		if next == r && prev != r && isPunctOrSymbol(r) {
			e := k + 1
			for e < n && vis[e] == r {
				e++
			}
			// "..." is an ellipsis, "https://" a URL, "A+++" an energy class
			// and "C++" a language: pluses after a lone capital.
			if !(r == '.' && e-k == 3) && !(r == '/' && e-k == 2 && prev == ':') &&
				!(r == '+' && e-k <= 3 && isUpper(prev) && (k < 2 || !isWordRune(vis[k-2]))) {
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
	return s.nextDot < s.nextSpace && s.nextDot+1 < len(vis) && isLetter(vis[s.nextDot+1])
}

// amountNear: the currency or percent sign at vis[k] belongs to a number
// before or after it ("49 €", "€ 49", "20 %", "49,- €", "{CUSTOMIZER.Price} €"),
// or names the unit of a list ("Preise in €", "(in %)").
func (s *scan) amountNear(k int) bool {
	vis := s.vis
	a := k - 1
	for a >= 0 && isSpace(vis[a]) {
		a--
	}
	if a >= 1 && vis[a] == '-' && vis[a-1] == ',' {
		a -= 2 // "49,- €"
	}
	if a >= 0 && (isDigit(vis[a]) || vis[a] == placeholderRune) {
		return true
	}
	if a >= 1 && fold(vis[a]) == 'n' && fold(vis[a-1]) == 'i' && (a == 1 || !isWordRune(vis[a-2])) {
		return true // "in €"
	}
	b := k + 1
	for b < len(vis) && isSpace(vis[b]) {
		b++
	}
	return b < len(vis) && (isDigit(vis[b]) || vis[b] == placeholderRune)
}

// repeatedPattern: E2 — a group of two or three different marks repeated
// ("()()()", "!?!?", "-=-=-="); one repeated mark is found by the caller.
// k starts a run of punctuation and symbols.
func (s *scan) repeatedPattern(k int) {
	vis := s.vis
	e := k
	for e < len(vis) && isPunctOrSymbol(vis[e]) {
		e++
	}
	for p := 2; p <= 3; p++ {
		if e-k < 2*p {
			return
		}
		periodic := true
		for i := k; i+p < e && periodic; i++ {
			periodic = vis[i] == vis[i+p]
		}
		if periodic {
			s.emit(CodeRepeatedPunctuation, Error, k, e, Args{})
			return
		}
	}
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
	case '!':
		if isLetter(prev) && isLower(next) {
			a, b := s.tokenAround(k, k+1)
			s.emit(CodeSymbolAsLetter, Error, a, b, Args{}) // "W!n", "Fl!p": "!" for "i"
			return
		}
	case ',', ';', '?':
	case ':':
		if !isLetter(prev) {
			return
		}
	case '.':
		if !isUpper(next) || k < 2 || !isLetter(prev) || !isLetter(s.vis[k-2]) || s.inDomain(k) {
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

// inDomain: vis[k] lies in the host name of a domain or URL written in the
// text ("www.Radhaus.de", "https://Radhaus.de/angebote", "RadHaus.de"): the
// run of characters around it, without a scheme, path and closing
// punctuation, is two or more labels of letters, digits and hyphens, and the
// last one is a top-level domain of 2 to 13 letters, written in lower case
// unless the host starts with "www.".
//
// The answer for a run is kept: callers ask in order of k, so a text is read
// once however many dots and capitals one run has.
func (s *scan) inDomain(k int) bool {
	if d := &s.domain; k >= d.start && k < d.end {
		return d.ok && k >= d.hostStart && k < d.hostEnd
	}
	vis := s.vis
	a, b := k, k
	for a > 0 && !isSpace(vis[a-1]) {
		a--
	}
	for b < len(vis) && !isSpace(vis[b]) {
		b++
	}
	s.domain = domainRun{start: a, end: b}
	s.domain.hostStart, s.domain.hostEnd, s.domain.ok = s.host(a, b)
	return s.domain.ok && k >= s.domain.hostStart && k < s.domain.hostEnd
}

// domainRun caches inDomain's reading of one run of characters.
type domainRun struct {
	start, end         int
	hostStart, hostEnd int
	ok                 bool
}

// host reads vis[a:b] as a domain or URL and returns its host name's range.
func (s *scan) host(a, b int) (int, int, bool) {
	vis := s.vis
	for b > a && (vis[b-1] == '.' || vis[b-1] == ',' || vis[b-1] == ';' || vis[b-1] == ':' || vis[b-1] == '!' || vis[b-1] == '?' || vis[b-1] == ')') {
		b--
	}
	tok := vis[a:b]
	host := 0
	for i := 0; i+2 < len(tok); i++ {
		if tok[i] == ':' && tok[i+1] == '/' && tok[i+2] == '/' {
			host = i + 3
			break
		}
	}
	end := host
	for end < len(tok) && tok[end] != '/' && tok[end] != '?' && tok[end] != '#' {
		end++
	}
	labels, labelStart := 0, host
	for i := host; i <= end; i++ {
		if i < end && tok[i] != '.' {
			if !isWordRune(tok[i]) && tok[i] != '-' {
				return 0, 0, false
			}
			continue
		}
		if i == labelStart {
			return 0, 0, false // an empty label: "..", a leading or trailing dot
		}
		labels++
		if i == end {
			tld := tok[labelStart:end]
			www := end-host > 4 && fold(tok[host]) == 'w' && fold(tok[host+1]) == 'w' && fold(tok[host+2]) == 'w' && tok[host+3] == '.'
			if labels < 2 || len(tld) < 2 || len(tld) > 13 {
				return 0, 0, false
			}
			for _, r := range tld {
				if !isLetter(r) || isWide(r) || !www && !isLower(r) {
					return 0, 0, false
				}
			}
			return a + host, a + end, true
		}
		labelStart = i + 1
	}
	return 0, 0, false
}
