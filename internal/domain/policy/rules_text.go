package policy

// Rules over the text as a whole: repetition, single letters, list markers,
// exclamation marks, the business name and keywords.

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
