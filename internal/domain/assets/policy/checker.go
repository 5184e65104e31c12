package policy

import (
	"errors"
	"fmt"
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
	c.hasAllowTerms = len(c.allow.list) > 0
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

// phraseSet matches words and phrases at word starts in visible text.
type phraseSet struct {
	fold  bool
	list  [][]rune
	first map[rune][]int32 // indexes into list by first rune, for large sets
}

const phraseIndexThreshold = 8

func compilePhrases(terms []string, foldCase bool) (phraseSet, error) {
	ps := phraseSet{fold: foldCase}
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
		ps.list = append(ps.list, rs)
	}
	if len(ps.list) > phraseIndexThreshold {
		ps.first = make(map[rune][]int32, len(ps.list))
		for i, rs := range ps.list {
			ps.first[rs[0]] = append(ps.first[rs[0]], int32(i))
		}
	}
	return ps, nil
}

func mustPhrases(terms []string, foldCase bool) phraseSet {
	ps, err := compilePhrases(terms, foldCase)
	if err != nil {
		panic(err) // built-in lists only
	}
	return ps
}

// matchAt returns the end of the longest phrase that starts at vis[k] and
// ends on a word boundary, or -1.
func (ps *phraseSet) matchAt(vis []rune, k int) int {
	if len(ps.list) == 0 {
		return -1
	}
	r0 := vis[k]
	if ps.fold {
		r0 = fold(r0)
	}
	best := -1
	if ps.first != nil {
		for _, i := range ps.first[r0] {
			if e := matchPhrase(ps.list[i], vis, k, ps.fold); e > best {
				best = e
			}
		}
		return best
	}
	for _, p := range ps.list {
		if p[0] != r0 {
			continue
		}
		if e := matchPhrase(p, vis, k, ps.fold); e > best {
			best = e
		}
	}
	return best
}

func matchPhrase(p, vis []rune, k int, foldCase bool) int {
	j := k
	for _, pr := range p {
		if pr == ' ' {
			if j >= len(vis) || !isSpace(vis[j]) {
				return -1
			}
			for j < len(vis) && isSpace(vis[j]) {
				j++
			}
			continue
		}
		if j >= len(vis) {
			return -1
		}
		r := vis[j]
		if foldCase {
			r = fold(r)
		}
		if r != pr {
			return -1
		}
		j++
	}
	// A phrase ending in a letter must not continue into a longer word;
	// digits may follow ("iPhone15").
	if j < len(vis) && isLetter(p[len(p)-1]) && isLetter(vis[j]) {
		return -1
	}
	return j
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
	// a valid text costs no allocation.
	Violations []Violation `json:"violations"`
}

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
	start, end             int32
	letters, upper, lower  int16
	digits, leetCandidates int16
}

// scan is the working state of one CheckText call. It lives on the stack:
// the buffers hold a valid headline or description without allocating.
type scan struct {
	c     *Checker
	field Field
	text  string
	// vis are the characters the user sees (literal text and placeholder
	// default texts); pos maps each to its rune offset in text.
	vis     []rune
	pos     []int32
	words   []word
	allowed []span
	nRunes  int
	width   int
	overAt  int // rune offset where the width first exceeds the limit
	limit   int
	digits  int
	bangs   int
	vs      []Violation
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
	}
}}

// maxPooledRunes keeps a pathological input from pinning a large buffer.
const maxPooledRunes = 4096

// CheckText checks one text asset of field type f.
func (c *Checker) CheckText(f Field, text string) Result {
	s := scanPool.Get().(*scan)
	*s = scan{c: c, field: f, text: text, limit: Limit(f), overAt: -1,
		vis: s.vis[:0], pos: s.pos[:0], words: s.words[:0], allowed: s.allowed[:0]}
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
	if f == LongHeadline && s.width < longHeadlineRecommended {
		s.vs = append(s.vs, Violation{Code: CodeLongHeadlineShort, Severity: Warning, End: s.nRunes,
			Args: Args{Field: f, Width: s.width, Min: longHeadlineRecommended}})
	}
	sortViolations(s.vs)
	return Result{Valid: validOf(s.vs), Width: s.width, Limit: s.limit, Violations: s.vs}
}

// longHeadlineRecommended: "try to make sure headlines are at least 30
// characters long" (PMax specs, reference §1.2).
const longHeadlineRecommended = 30

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
		s.charViolation(CodeInvalidCharacter, r, at)
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
		s.charViolation(CodeEmoji, r, at)
	case classHalfWidthKatakana:
		s.charViolation(CodeHalfWidthKatakana, r, at)
	case classInvalid:
		s.charViolation(CodeInvalidCharacter, r, at)
	case classSuperscript:
		s.charViolation(CodeSuperscript, r, at)
	case classSymbol:
		s.charViolation(CodeNonstandardSymbol, r, at)
	default:
		if r == 0x200D && s.lastCodeEndsAt(CodeEmoji, at) {
			s.vs[len(s.vs)-1].End++ // a joiner inside an emoji sequence
			s.vs[len(s.vs)-1].Args.Text += string(r)
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

func (s *scan) lastCodeEndsAt(code string, at int) bool {
	n := len(s.vs)
	return n > 0 && s.vs[n-1].Code == code && s.vs[n-1].End == at
}

// charViolation records a single bad character, merging it with the
// previous one of the same code (an emoji with skin tone is one finding).
func (s *scan) charViolation(code string, r rune, at int) {
	if s.lastCodeEndsAt(code, at) {
		v := &s.vs[len(s.vs)-1]
		v.End++
		v.Args.Text += string(r)
		return
	}
	s.vs = append(s.vs, Violation{Code: code, Start: at, End: at + 1, Args: Args{Text: string(r)}})
}

// readBrace handles "{" or "}" at text[i]; it returns the next byte and rune
// offsets.
func (s *scan) readBrace(i, runeIdx int) (int, int) {
	text := s.text
	if text[i] == '}' {
		s.grow(1, runeIdx)
		s.vs = append(s.vs, Violation{Code: CodeMalformedPlaceholder, Start: runeIdx, End: runeIdx + 1,
			Args: Args{Text: "}", Other: reasonStrayClose}})
		return i + 1, runeIdx + 1
	}
	p := parsePlaceholder(text, i)
	raw := text[i:p.end]
	n := utf8.RuneCountInString(raw)
	switch {
	case p.ok:
		if !allowsPlaceholders(s.field) {
			s.vs = append(s.vs, Violation{Code: CodePlaceholderNotAllowed, Start: runeIdx, End: runeIdx + n,
				Args: Args{Field: s.field, Text: raw}})
		}
		if p.noDefault {
			s.vs = append(s.vs, Violation{Code: CodePlaceholderWithoutDefault, Severity: Warning,
				Start: runeIdx, End: runeIdx + n, Args: Args{Text: raw}})
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
		s.vs = append(s.vs, Violation{Code: CodeUnsupportedPlaceholder, Start: runeIdx, End: runeIdx + n,
			Args: Args{Text: raw}})
		s.push(placeholderRune, runeIdx)
	default:
		s.grow(plainWidth(raw), runeIdx)
		s.vs = append(s.vs, Violation{Code: CodeMalformedPlaceholder, Start: runeIdx, End: runeIdx + n,
			Args: Args{Text: raw, Other: p.reason}})
		s.push(placeholderRune, runeIdx)
	}
	return p.end, runeIdx + n
}

// placeholderRune stands in the visible text for a placeholder that could
// not be resolved, so that the text around it is judged as written ("Buy
// {Keyword:} Now" has no double space) and the bad placeholder is reported
// only once.
const placeholderRune = 0xFFFC

// tokenize splits the visible text into words.
func (s *scan) tokenize() {
	vis := s.vis
	for k := 0; k < len(vis); {
		if !isWordRune(vis[k]) {
			k++
			continue
		}
		w := word{start: int32(k)}
		for k < len(vis) {
			r := vis[k]
			if r < utf8.RuneSelf {
				cl := asciiClass[r]
				if cl&aWord != 0 {
					switch {
					case cl&aDigit != 0:
						w.digits++
					case cl&aUpper != 0:
						w.upper++
						w.letters++
					default:
						w.lower++
						w.letters++
					}
					k++
					continue
				}
			}
			if isApostrophe(r) && k > int(w.start) && k+1 < len(vis) && isLetter(vis[k+1]) {
				k++
				continue
			}
			if !isWordRune(r) {
				break
			}
			switch {
			case isDigit(r):
				w.digits++
			case isUpper(r):
				w.upper++
				w.letters++
			case isLower(r):
				w.lower++
				w.letters++
			case isLetter(r):
				w.letters++
			}
			k++
		}
		w.end = int32(k)
		s.words = append(s.words, w)
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
	if args.Text == "" {
		args.Text = string(s.vis[vs:ve])
	}
	s.vs = append(s.vs, Violation{Code: code, Severity: sev, Start: int(s.pos[vs]), End: int(s.pos[ve-1]) + 1, Args: args})
}

func (s *scan) isAllowed(vs, ve int) bool {
	for _, a := range s.allowed {
		if vs >= a.start && ve <= a.end {
			return true
		}
	}
	return false
}

func (s *scan) overlapsAllowed(vs, ve int) bool {
	for _, a := range s.allowed {
		if vs < a.end && ve > a.start {
			return true
		}
	}
	return false
}

func (s *scan) pathRules() {
	for k, r := range s.vis {
		if r == '/' || r == '\\' {
			s.emitAlways(CodePathSlash, Error, k, k+1, Args{})
		}
	}
}
