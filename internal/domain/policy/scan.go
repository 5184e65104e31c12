package policy

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The scan of one text: its characters, their widths, the findings of every
// rule, and how findings are bounded and sorted.

// inlineRunes covers every valid text field (the longest limit is 90)
// without a heap allocation.
const inlineRunes = 128

// span is a half-open range of visible-rune indexes.
type span struct{ start, end int }

// word is a run of letters, digits and marks in the visible text.
type word struct {
	start, end            int32
	letters, upper, lower int16
	digits                int16
}

// scan is the working state of one CheckText call. It lives on the stack:
// the buffers hold a valid headline or description without allocating.
type scan struct {
	c     *Checker
	field Field
	text  string
	// vis are the characters the user sees (literal text and placeholder
	// default texts); pos maps each to its rune offset in text.
	vis   []rune
	pos   []int32
	words []word
	// allowed are the allowlisted spans in order of start, each end raised
	// to the largest end so far, so that a binary search answers whether
	// one covers or overlaps a finding.
	allowed []span
	nRunes  int
	width   int
	overAt  int // rune offset where the width first exceeds the limit
	limit   int
	digits  int
	bangs   int
	vs      []Violation
	// rules follow each rule's findings, to merge and bound them.
	rules []ruleTally
	// omitted counts the findings beyond MaxFindingsPerRule, by severity.
	omitted [2]int
	// nextDot and nextSpace are emailLike's forward cursors.
	nextDot, nextSpace int
	// domain is inDomain's reading of the latest run it was asked about.
	domain domainRun
}

// scanPool recycles scans: their buffers hold the visible text, offsets and
// words, and reusing them keeps a valid text free of heap allocations. (A
// stack buffer would escape anyway: the methods append to the slices through
// the pointer receiver.)
var scanPool = sync.Pool{New: func() any {
	return &scan{
		vis:     make([]rune, 0, inlineRunes),
		pos:     make([]int32, 0, inlineRunes),
		words:   make([]word, 0, 48),
		allowed: make([]span, 0, 4),
		rules:   make([]ruleTally, 0, 8),
	}
}}

// maxPooledRunes keeps a pathological input from pinning a large buffer.
const maxPooledRunes = 4096

// CheckText checks one text asset of field type f.
func (c *Checker) CheckText(f Field, text string) Result {
	s := scanPool.Get().(*scan)
	*s = scan{c: c, field: f, text: text, limit: Limit(f), overAt: -1,
		vis: s.vis[:0], pos: s.pos[:0], words: s.words[:0], allowed: s.allowed[:0], rules: s.rules[:0]}
	res := s.check()
	if cap(s.vis) <= maxPooledRunes {
		s.c, s.text, s.vs = nil, "", nil
		scanPool.Put(s)
	}
	return res
}

func (s *scan) check() Result {
	f := s.field

	if !IsText(f) {
		s.vs = append(s.vs, Violation{Code: CodeNotTextField, Args: Args{Field: f}})
		return Result{Valid: false, Violations: s.vs}
	}
	s.readText()
	if s.blank() {
		s.vs = append(s.vs[:0], Violation{Code: CodeEmpty, End: s.nRunes, Args: Args{Field: f}})
		return Result{Valid: false, Width: s.width, Limit: s.limit, Violations: s.vs}
	}
	if s.limit > 0 && s.width > s.limit {
		s.vs = append(s.vs, Violation{Code: CodeTooLong, Start: s.overAt, End: s.nRunes,
			Args: Args{Field: f, Width: s.width, Limit: s.limit}})
	}
	if f == Keyword {
		s.keywordRules()
	} else {
		s.tokenize()
		s.editorialRules()
	}
	if f == Path {
		s.pathRules()
	}
	if f == LongHeadline && s.width < RecommendedLongHeadlineWidth {
		s.vs = append(s.vs, Violation{Code: CodeLongHeadlineShort, Severity: Warning, End: s.nRunes,
			Args: Args{Field: f, Width: s.width, Min: RecommendedLongHeadlineWidth}})
	}
	s.finish()
	return Result{Valid: validOf(s.vs) && s.omitted[Error] == 0, Width: s.width, Limit: s.limit, Violations: s.vs,
		ErrorsOmitted: s.omitted[Error], WarningsOmitted: s.omitted[Warning]}
}

// RecommendedLongHeadlineWidth is the width Google asks long headlines to
// reach at least: "try to make sure headlines are at least 30
// characters long" (PMax specs, reference §1.2).
const RecommendedLongHeadlineWidth = 30

func (s *scan) blank() bool {
	for _, r := range s.text {
		if !isSpace(r) && !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// readText decodes the text once: it measures the width, finds the
// character-set violations, resolves placeholders and fills vis/pos.
func (s *scan) readText() {
	text := s.text
	if len(text) > cap(s.vis) {
		// Sized once: a megabyte of text is not copied over and over as it
		// grows.
		if n := utf8.RuneCountInString(text); n > cap(s.vis) {
			s.vis, s.pos = make([]rune, 0, n), make([]int32, 0, n)
		}
	}
	parse := s.field != Keyword
	runeIdx := 0
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if parse && (c == '{' || c == '}') {
				i, runeIdx = s.readBrace(i, runeIdx)
				continue
			}
			s.addASCII(rune(c), runeIdx)
			i++
			runeIdx++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		s.addRune(r, runeIdx)
		i += size
		runeIdx++
	}
	s.nRunes = runeIdx
}

func (s *scan) grow(w int, at int) {
	s.width += w
	if s.overAt < 0 && s.limit > 0 && s.width > s.limit {
		s.overAt = at
	}
}

func (s *scan) push(r rune, at int) {
	s.vis = append(s.vis, r)
	s.pos = append(s.pos, int32(at))
}

func (s *scan) addASCII(r rune, at int) {
	s.grow(1, at)
	switch {
	case r < ' ' || r == 0x7F:
		s.charViolation(CodeInvalidCharacter, at)
	case r >= '0' && r <= '9':
		s.digits++
	case r == '!':
		s.bangs++
	}
	s.push(r, at)
}

func (s *scan) addRune(r rune, at int) {
	if r < utf8.RuneSelf {
		s.addASCII(r, at)
		return
	}
	s.grow(runeWidth(r), at)
	var prev rune
	if n := len(s.vis); n > 0 {
		prev = s.vis[n-1]
	}
	switch classify(r, prev) {
	case classEmoji:
		s.charViolation(CodeEmoji, at)
	case classHalfWidthKatakana:
		s.charViolation(CodeHalfWidthKatakana, at)
	case classInvalid:
		s.charViolation(CodeInvalidCharacter, at)
	case classSuperscript:
		s.charViolation(CodeSuperscript, at)
	case classSymbol:
		s.charViolation(CodeNonstandardSymbol, at)
	default:
		if r == 0x200D && s.lastEndsAt(CodeEmoji, at) {
			s.charViolation(CodeEmoji, at) // a joiner inside an emoji sequence
		}
		if r == 0xFF01 { // full-width "!"
			s.bangs++
		}
		if r > 0xFF0F && r < 0xFF1A {
			s.digits++ // full-width digits can spell a phone number too
		}
	}
	s.push(r, at)
}

// lastEndsAt reports whether the last finding of code ends at rune offset at.
func (s *scan) lastEndsAt(code string, at int) bool {
	for i := range s.rules {
		if t := &s.rules[i]; t.code == code {
			return t.last.End == at
		}
	}
	return false
}

// charViolation records a single bad character; add merges it with the
// previous one of the same code (an emoji with skin tone is one finding).
func (s *scan) charViolation(code string, at int) {
	s.add(Violation{Code: code, Start: at, End: at + 1})
}

// ruleTally follows one rule's findings through a scan.
type ruleTally struct {
	code  string
	found int       // findings so far, listed or not
	last  Violation // the latest, listed or not
	// at is the index in scan.vs of the latest finding, or -1 when it is
	// only counted; finish reuses it for the merge after sorting.
	at int
	// quotes: the rule's findings were made by add and quote their span.
	quotes bool
}

// add records a finding inside the text; finish quotes its span. A finding
// that touches or overlaps the rule's latest one, with the same severity
// and arguments, extends it: a run of bad characters is one finding. Past
// MaxFindingsPerRule findings of its rule a finding is only counted.
func (s *scan) add(v Violation) {
	t := s.tally(v.Code)
	t.quotes = true
	if p := &t.last; t.found > 0 && v.Start <= p.End && v.End >= p.Start && v.Severity == p.Severity && v.Args == p.Args {
		p.Start, p.End = min(p.Start, v.Start), max(p.End, v.End)
		if t.at >= 0 {
			s.vs[t.at].Start, s.vs[t.at].End = p.Start, p.End
		}
		return
	}
	t.found++
	t.last = v
	if t.found > MaxFindingsPerRule {
		t.at = -1
		s.omitted[v.Severity]++
		return
	}
	if len(s.vs) == cap(s.vs) {
		s.vs = slices.Grow(s.vs, max(len(s.vs), 4)) // doubling: append grows a long list by a quarter, copying it over and over
	}
	t.at = len(s.vs)
	s.vs = append(s.vs, v)
}

func (s *scan) tally(code string) *ruleTally {
	for i := range s.rules {
		if s.rules[i].code == code {
			return &s.rules[i]
		}
	}
	s.rules = append(s.rules, ruleTally{code: code, at: -1})
	return &s.rules[len(s.rules)-1]
}

// finish orders the findings by position, merges those of a rule that
// touch but came from different passes (a word with a look-alike digit and
// the "$" after it), and quotes each finding's span from the text.
func (s *scan) finish() {
	slices.SortStableFunc(s.vs, byPosition)
	for i := range s.rules {
		s.rules[i].at = -1
	}
	out, extended := s.vs[:0], false
	for _, v := range s.vs {
		t := s.tally(v.Code)
		if t.at >= 0 {
			if p := &out[t.at]; v.Severity == p.Severity && v.Args == p.Args && v.Start <= p.End {
				if v.End > p.End {
					p.End, extended = v.End, true
				}
				continue
			}
		}
		t.at = len(out)
		out = append(out, v)
	}
	clear(s.vs[len(out):])
	s.vs = out
	if extended {
		slices.SortStableFunc(s.vs, byPosition)
	}
	// One pass over the text: the findings are in order of start.
	runeIdx, byteIdx := 0, 0
	for i := range s.vs {
		v := &s.vs[i]
		if !s.tally(v.Code).quotes {
			continue
		}
		for ; runeIdx < v.Start; runeIdx++ {
			if s.text[byteIdx] < utf8.RuneSelf {
				byteIdx++
			} else {
				_, n := utf8.DecodeRuneInString(s.text[byteIdx:])
				byteIdx += n
			}
		}
		v.Args.Text = quote(s.text[byteIdx:], v.End-v.Start)
	}
}

// byPosition orders findings by start, then end.
func byPosition(a, b Violation) int {
	if a.Start != b.Start {
		return a.Start - b.Start
	}
	return a.End - b.End
}

// quote returns the first n characters of s as the finding's quote: all of
// them up to maxQuoteRunes, else the first ones and "…". Bytes that are not
// UTF-8 are quoted as U+FFFD, as they are counted.
func quote(s string, n int) string {
	keep := n
	if n > maxQuoteRunes {
		keep = maxQuoteRunes - 1
	}
	end, valid := 0, true
	for k := 0; k < keep && end < len(s); k++ {
		if s[end] < utf8.RuneSelf {
			end++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[end:])
		valid = valid && r != utf8.RuneError
		end += size
	}
	q := s[:end]
	if !valid {
		var b strings.Builder
		for _, r := range q {
			b.WriteRune(r)
		}
		q = b.String()
	}
	if n > maxQuoteRunes {
		return q + "…"
	}
	return q
}
