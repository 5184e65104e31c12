package policy

import (
	"math"
	"unicode/utf8"
)

// Placeholders, words and the allowlist within a scanned text, and how a
// rule reports a finding.

// readBrace handles "{" or "}" at text[i]; it returns the next byte and rune
// offsets.
func (s *scan) readBrace(i, runeIdx int) (int, int) {
	text := s.text
	if text[i] == '}' {
		s.grow(1, runeIdx)
		s.add(Violation{Code: CodeMalformedPlaceholder, Start: runeIdx, End: runeIdx + 1, Args: Args{Other: reasonStrayClose}})
		return i + 1, runeIdx + 1
	}
	p := parsePlaceholder(text, i)
	raw := text[i:p.end]
	n := utf8.RuneCountInString(raw)
	switch {
	case p.ok:
		if !allowsPlaceholders(s.field) {
			s.add(Violation{Code: CodePlaceholderNotAllowed, Start: runeIdx, End: runeIdx + n, Args: Args{Field: s.field}})
		}
		switch {
		case p.countdown:
			s.grow(countdownWidth, runeIdx)
			s.push(placeholderRune, runeIdx)
		case p.ifEnd > p.ifStart:
			// Either text may show: both are judged, and the wider one
			// counts. A separator keeps their words apart.
			width, overAt := s.width, s.overAt
			s.addRunes(text, p.ifStart, p.ifEnd, runeIdx+utf8.RuneCountInString(text[i:p.ifStart]))
			s.push(ifSeparatorRune, runeIdx)
			ifWidth := s.width - width
			s.addRunes(text, p.defStart, p.defEnd, runeIdx+utf8.RuneCountInString(text[i:p.defStart]))
			defWidth := s.width - width - ifWidth
			s.width, s.overAt = width, overAt
			s.grow(max(ifWidth, defWidth), runeIdx)
		default:
			if p.noDefault {
				s.add(Violation{Code: CodePlaceholderWithoutDefault, Severity: Warning, Start: runeIdx, End: runeIdx + n})
				s.push(placeholderRune, runeIdx)
			}
			s.addRunes(text, p.defStart, p.defEnd, runeIdx+utf8.RuneCountInString(text[i:p.defStart]))
		}
	case p.unsupported:
		s.grow(plainWidth(raw), runeIdx)
		s.add(Violation{Code: CodeUnsupportedPlaceholder, Start: runeIdx, End: runeIdx + n})
		s.push(placeholderRune, runeIdx)
	default:
		s.grow(plainWidth(raw), runeIdx)
		s.add(Violation{Code: CodeMalformedPlaceholder, Start: runeIdx, End: runeIdx + n, Args: Args{Other: p.reason}})
		s.push(placeholderRune, runeIdx)
	}
	return p.end, runeIdx + n
}

// addRunes adds text[from:to], whose first rune is at rune offset at.
func (s *scan) addRunes(text string, from, to, at int) {
	for j := from; j < to; {
		r, size := utf8.DecodeRuneInString(text[j:])
		s.addRune(r, at)
		j += size
		at++
	}
}

// ifSeparatorRune stands between an IF function's two texts in the visible
// text, which never show together: it ends a word, but it is no space or
// punctuation, so no spacing or punctuation rule reads the two texts as one
// ("Jetzt" and "anrufen" are not "Jetzt anrufen" nor "Jetzt,anrufen").
const ifSeparatorRune = 0xFFFB

// placeholderRune stands in the visible text for a placeholder that could
// not be resolved, so that the text around it is judged as written ("Buy
// {Keyword:} Now" has no double space) and the bad placeholder is reported
// only once: it is neither punctuation nor a symbol ("{{" is not E2), and
// findings quote the text, never it.
const placeholderRune = 0xFFFC

// tokenize splits the visible text into words. A long text is counted
// first, so that its words are stored once rather than copied as they grow.
func (s *scan) tokenize() {
	if len(s.vis)/2+1 > cap(s.words) {
		n := 0
		for k := 0; k < len(s.vis); n++ {
			_, k = s.nextWord(k)
		}
		if n > cap(s.words) {
			s.words = make([]word, 0, n)
		}
	}
	for k := 0; k < len(s.vis); {
		var w word
		if w, k = s.nextWord(k); w.end > w.start {
			s.words = append(s.words, w)
		}
	}
}

// nextWord returns the first word at or after vis[k] and the index after
// it; at the end of the text the word is empty. Its counts stop at the
// largest int16: a word that long is judged by its first 32,767 letters.
func (s *scan) nextWord(k int) (word, int) {
	vis := s.vis
	for k < len(vis) && !isWordRune(vis[k]) {
		k++
	}
	w := word{start: int32(k)}
	for k < len(vis) {
		r := vis[k]
		if r < utf8.RuneSelf {
			cl := asciiClass[r]
			if cl&aWord != 0 {
				switch {
				case cl&aDigit != 0:
					count(&w.digits)
				case cl&aUpper != 0:
					count(&w.upper)
					count(&w.letters)
				default:
					count(&w.lower)
					count(&w.letters)
				}
				k++
				continue
			}
		}
		if r == placeholderRune || isApostrophe(r) && k > int(w.start) && k+1 < len(vis) && isLetter(vis[k+1]) {
			k++ // neither counts as a letter
			continue
		}
		if !isWordRune(r) {
			break
		}
		switch {
		case isDigit(r):
			count(&w.digits)
		case isUpper(r):
			count(&w.upper)
			count(&w.letters)
		case isLower(r):
			count(&w.lower)
			count(&w.letters)
		case isLetter(r):
			count(&w.letters)
		}
		k++
	}
	w.end = int32(k)
	return w, k
}

func count(n *int16) {
	if *n < math.MaxInt16 {
		*n++
	}
}

// emit records an editorial finding over visible indexes [vs, ve) unless
// an allowlisted term covers it.
func (s *scan) emit(code string, sev Severity, vs, ve int, args Args) {
	if s.isAllowed(vs, ve) {
		return
	}
	s.emitAlways(code, sev, vs, ve, args)
}

func (s *scan) emitAlways(code string, sev Severity, vs, ve int, args Args) {
	s.add(Violation{Code: code, Severity: sev, Start: int(s.pos[vs]), End: int(s.pos[ve-1]) + 1, Args: args})
}

// isAllowed: an allowlisted span covers [vs, ve).
func (s *scan) isAllowed(vs, ve int) bool {
	i := s.allowedUpTo(vs + 1)
	return i > 0 && s.allowed[i-1].end >= ve
}

// overlapsAllowed: an allowlisted span overlaps [vs, ve).
func (s *scan) overlapsAllowed(vs, ve int) bool {
	i := s.allowedUpTo(ve)
	return i > 0 && s.allowed[i-1].end > vs
}

// allowedUpTo counts the allowlisted spans that start before k; the last of
// them carries the largest end among them.
func (s *scan) allowedUpTo(k int) int {
	lo, hi := 0, len(s.allowed)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.allowed[m].start < k {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

func (s *scan) pathRules() {
	for k, r := range s.vis {
		if r == '/' || r == '\\' {
			s.emitAlways(CodePathSlash, Error, k, k+1, Args{})
		}
	}
}
