package policy

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
)

// MaxBannedTerms is how many banned terms Google lets an advertiser keep
// (the brief's "up to 25, as Google allows").
const MaxBannedTerms = 25

// maxTermRunes bounds allowlist and banned terms; Google's longest text
// field is 90 characters.
const maxTermRunes = 90

// maxAllowTerms keeps an allowlist a list of names rather than a dictionary.
const maxAllowTerms = 1000

// Options configure a Checker for one advertiser and language.
type Options struct {
	// Language is a BCP 47 tag ("de", "en-GB", "ja"). It picks the built-in
	// phrase lists (generic calls to action, promotional words): English for
	// "en", German and English for "de", all of them when empty or other.
	// French allows the space French typography puts before ; : ! ?.
	Language string
	// Allow lists brand terms, acronyms and coupon codes that are written
	// as the advertiser writes them ("eBay", "iPhone", "SOMMER25"). Matches
	// are case-sensitive and exempt from the editorial rules E1–E12 (E14:
	// trademarks with non-standard spelling are allowed after review).
	Allow []string
	// Banned lists up to 25 words or phrases the advertiser never wants in
	// an ad; matched case-insensitively on word boundaries.
	Banned []string
	// BusinessName is the verified business name; when set, BUSINESS_NAME
	// must equal it exactly (E13).
	BusinessName string
	// Keywords are the ad group's keywords; a set whose headlines contain
	// none of them gets a warning. Match-type syntax ([…], "…", +) is ignored.
	Keywords []string
}

// Checker applies the rules with one set of Options. It is immutable and
// safe for concurrent use.
type Checker struct {
	opts          Options
	french        bool
	allow         phraseSet
	banned        phraseSet
	clickHere     phraseSet
	promo         phraseSet
	keywords      phraseSet
	businessName  string
	hasAllowTerms bool
}

var defaultChecker = mustChecker(Options{})

func mustChecker(o Options) *Checker {
	c, err := NewChecker(o)
	if err != nil {
		panic(err) // only reached for the package's own constant options
	}
	return c
}

// Default returns the checker without advertiser options.
func Default() *Checker { return defaultChecker }

// CheckText checks text with the default checker.
func CheckText(f Field, text string) Result { return defaultChecker.CheckText(f, text) }

// NewChecker validates and compiles opts.
func NewChecker(opts Options) (*Checker, error) {
	c := &Checker{opts: opts, businessName: opts.BusinessName}
	lang := ""
	if opts.Language != "" {
		tag, err := language.Parse(opts.Language)
		if err != nil {
			return nil, fmt.Errorf("language %q: %w", opts.Language, err)
		}
		base, _ := tag.Base()
		lang = base.String()
	}
	c.french = lang == "fr"
	if len(opts.Banned) > MaxBannedTerms {
		return nil, fmt.Errorf("%d banned terms; Google allows at most %d", len(opts.Banned), MaxBannedTerms)
	}
	if len(opts.Allow) > maxAllowTerms {
		return nil, fmt.Errorf("%d allowlist terms; at most %d are supported", len(opts.Allow), maxAllowTerms)
	}
	if opts.BusinessName != "" && !utf8.ValidString(opts.BusinessName) {
		return nil, errors.New("business name is not valid UTF-8")
	}
	var err error
	allow := opts.Allow
	if bn := strings.TrimSpace(opts.BusinessName); bn != "" && isWordRune([]rune(bn)[0]) {
		// The verified business name is the advertiser's own spelling.
		allow = append(append([]string(nil), allow...), bn)
	}
	if c.allow, err = compilePhrases(allow, false); err != nil {
		return nil, fmt.Errorf("allowlist: %w", err)
	}
	if c.banned, err = compilePhrases(opts.Banned, true); err != nil {
		return nil, fmt.Errorf("banned terms: %w", err)
	}
	kws := make([]string, 0, len(opts.Keywords))
	for _, k := range opts.Keywords {
		k = strings.Trim(strings.TrimSpace(k), "[]\"")
		k = strings.ReplaceAll(k, "+", "")
		if strings.TrimSpace(k) != "" {
			kws = append(kws, k)
		}
	}
	if c.keywords, err = compilePhrases(kws, true); err != nil {
		return nil, fmt.Errorf("keywords: %w", err)
	}
	c.hasAllowTerms = c.allow.n > 0
	c.clickHere = mustPhrases(phrasesFor(lang, clickHereEN, clickHereDE), true)
	c.promo = mustPhrases(phrasesFor(lang, promoEN, promoDE), true)
	return c, nil
}

// Options returns the options the checker was built with.
func (c *Checker) Options() Options { return c.opts }

func phrasesFor(lang string, en, de []string) []string {
	switch lang {
	case "en":
		return en
	}
	return append(append([]string(nil), de...), en...)
}

// Generic calls to action (E10: "a generic call to action like 'click here'
// that could apply to any ad").
var (
	clickHereEN = []string{"click here", "click now", "click this", "click below", "click the link", "click on this"}
	clickHereDE = []string{"hier klicken", "klicken sie hier", "klick hier", "jetzt klicken", "klicken sie jetzt", "hier anklicken"}
)

// Promotional words that have no place in a business name (E13).
var (
	promoEN = []string{"sale", "buy", "free", "cheap", "cheapest", "discount", "deal", "deals", "offer", "best price", "shop now", "order now", "save"}
	promoDE = []string{"angebot", "angebote", "rabatt", "gratis", "kostenlos", "günstig", "billig", "sparen", "jetzt", "kaufen", "bestellen", "aktion", "reduziert", "schnäppchen"}
)

// phraseSet matches words and phrases at word starts in visible text. The
// phrases form a trie, so a match takes at most as many steps as the longest
// phrase has characters, however many phrases share a beginning (1000
// allowlist terms of "a a a …" cost a 1000-character text 60 ms when each
// was tried in turn).
type phraseSet struct {
	fold  bool
	n     int          // phrases
	nodes []phraseNode // nodes[0] is the root
	edges []phraseEdge
}

type phraseNode struct {
	first, n int32 // children: edges[first:first+n], ascending by rune
	end      bool  // a phrase ends here
}

// phraseEdge leads to a child; ' ' stands for one or more spaces.
type phraseEdge struct {
	r  rune
	to int32
}

func compilePhrases(terms []string, foldCase bool) (phraseSet, error) {
	ps := phraseSet{fold: foldCase}
	list := make([][]rune, 0, len(terms))
	for i, t := range terms {
		if !utf8.ValidString(t) {
			return ps, fmt.Errorf("term %d is not valid UTF-8", i+1)
		}
		t = strings.Join(strings.Fields(t), " ")
		if t == "" {
			return ps, fmt.Errorf("term %d is empty", i+1)
		}
		rs := []rune(t)
		if len(rs) > maxTermRunes {
			return ps, fmt.Errorf("term %d is longer than %d characters", i+1, maxTermRunes)
		}
		if !isWordRune(rs[0]) {
			return ps, fmt.Errorf("term %q must start with a letter or digit", t)
		}
		if foldCase {
			for j, r := range rs {
				rs[j] = fold(r)
			}
		}
		list = append(list, rs)
	}
	ps.n = len(list)
	if ps.n > 0 {
		slices.SortFunc(list, slices.Compare)
		ps.build(list, 0)
	}
	return ps, nil
}

// build adds the node for the sorted phrases of list, which share their
// first depth runes, and returns its index.
func (ps *phraseSet) build(list [][]rune, depth int) int32 {
	id := int32(len(ps.nodes))
	ps.nodes = append(ps.nodes, phraseNode{})
	i := 0
	for i < len(list) && len(list[i]) == depth {
		ps.nodes[id].end = true // sorted: a phrase comes before those it begins
		i++
	}
	first := int32(len(ps.edges))
	for j := i; j < len(list); {
		r := list[j][depth]
		ps.edges = append(ps.edges, phraseEdge{r: r})
		for j < len(list) && list[j][depth] == r {
			j++
		}
	}
	n := int32(len(ps.edges)) - first
	ps.nodes[id].first, ps.nodes[id].n = first, n
	for e := first; e < first+n; e++ {
		j := i
		for j < len(list) && list[j][depth] == ps.edges[e].r {
			j++
		}
		to := ps.build(list[i:j], depth+1)
		ps.edges[e].to = to
		i = j
	}
	return id
}

func mustPhrases(terms []string, foldCase bool) phraseSet {
	ps, err := compilePhrases(terms, foldCase)
	if err != nil {
		panic(err) // built-in lists only
	}
	return ps
}

// matchAt returns the end of the longest phrase that starts at vis[k] and
// ends on a word boundary, or -1. A phrase ending in a letter must not
// continue into a longer word; digits may follow ("iPhone15").
func (ps *phraseSet) matchAt(vis []rune, k int) int {
	if ps.n == 0 {
		return -1
	}
	best, node, j := -1, int32(0), k
	var last rune
	for {
		nd := ps.nodes[node]
		if nd.end && !(j < len(vis) && isLetter(last) && isLetter(vis[j])) {
			best = j
		}
		if j >= len(vis) || nd.n == 0 {
			return best
		}
		r, next := vis[j], j+1
		switch {
		case isSpace(r):
			r = ' '
			for next < len(vis) && isSpace(vis[next]) {
				next++
			}
		case ps.fold:
			r = fold(r)
		}
		child, ok := ps.child(nd, r)
		if !ok {
			return best
		}
		node, j, last = child, next, r
	}
}

func (ps *phraseSet) child(nd phraseNode, r rune) (int32, bool) {
	edges := ps.edges[nd.first : nd.first+nd.n]
	i, ok := slices.BinarySearchFunc(edges, r, func(e phraseEdge, r rune) int { return int(e.r - r) })
	if !ok {
		return 0, false
	}
	return edges[i].to, true
}

// Result is the verdict on one text.
type Result struct {
	// Valid is false iff any violation has Error severity.
	Valid bool `json:"valid"`
	// Width is the display width as Google counts it; Limit the field's
	// maximum width.
	Width int `json:"width"`
	Limit int `json:"limit"`
	// Violations are ordered by position; nil when there are none, so that
	// a valid text costs no allocation. They hold the first
	// MaxFindingsPerRule findings of each rule.
	Violations []Violation `json:"violations"`
	// ErrorsOmitted and WarningsOmitted count the findings beyond those, by
	// severity: the findings of the text are Violations and these. Only a
	// text longer than MaxFindingsPerRule characters has any.
	ErrorsOmitted   int `json:"errors_omitted,omitempty"`
	WarningsOmitted int `json:"warnings_omitted,omitempty"`
}

// MaxFindingsPerRule is how many findings of one rule CheckText keeps for a
// text; it counts the rest. A finding spans at least one character, and
// findings of a rule that touch or overlap are one finding ("{{{{",
// "😀😀😀"), so a rule finds at most one finding every other character in
// each of the (at most two) passes that look for it: a text of up to
// MaxFindingsPerRule characters, as every stored asset is, keeps all its
// findings. A megabyte of "a!" keeps 1000 exclamation marks and counts the
// other half million, rather than building them all to sort and throw away.
const MaxFindingsPerRule = 1000

// maxQuoteRunes bounds the text a finding quotes (Args.Text): a longer span
// is quoted by its first characters and "…".
const maxQuoteRunes = 40

// Errors returns the violations of Error severity.
func (r Result) Errors() []Violation { return filterSeverity(r.Violations, Error) }

// Warnings returns the violations of Warning severity.
func (r Result) Warnings() []Violation { return filterSeverity(r.Violations, Warning) }

func filterSeverity(vs []Violation, s Severity) []Violation {
	var out []Violation
	for _, v := range vs {
		if v.Severity == s {
			out = append(out, v)
		}
	}
	return out
}

func validOf(vs []Violation) bool {
	for _, v := range vs {
		if v.Severity == Error {
			return false
		}
	}
	return true
}

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
		if p.noDefault {
			s.add(Violation{Code: CodePlaceholderWithoutDefault, Severity: Warning, Start: runeIdx, End: runeIdx + n})
			s.push(placeholderRune, runeIdx)
		}
		at := runeIdx + utf8.RuneCountInString(text[i:p.defStart])
		for j := p.defStart; j < p.defEnd; {
			r, size := utf8.DecodeRuneInString(text[j:])
			s.addRune(r, at)
			j += size
			at++
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
