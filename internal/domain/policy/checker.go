package policy

import (
	"errors"
	"fmt"
	"strings"
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
	english       bool
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
	c.english = lang == "en"
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
	c.promo = mustPhrases(phrasesFor(lang, promoWordsEN, promoWordsDE), true)
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

// Promotional words that have no place in a business name (E13), in every
// inflection: "Günstige Räder", "Kostenloser Versand", "Billigste Reifen",
// "Cheapest Tires". Stems take the endings of their kind; a compound
// ("Sparkasse", "Bestattungen") is not an inflection and passes.
var (
	promoWordsEN = inflect(
		[]string{"sale", "buy", "free", "best", "lowest", "best price", "shop now", "order now", "save", "gratis"}, nil,
		[]string{"cheap", "discount", "deal", "offer", "bargain"}, []string{"s", "er", "est", "ed"},
	)
	promoWordsDE = inflect(
		[]string{"gratis", "umsonst", "sparen", "spare", "jetzt", "kaufen", "bestellen", "schnäppchen"}, nil,
		[]string{"günstig", "supergünstig", "billig", "spottbillig", "kostenlos", "reduziert", "preiswert", "best"},
		[]string{"e", "er", "es", "en", "em", "ste", "ster", "stes", "sten", "stem"},
		[]string{"angebot", "sonderangebot", "rabatt", "aktion", "sale", "deal"}, []string{"e", "en", "s"},
	)
)

// inflect lists each group's stems alone ("best" only in English) and with
// each of the group's endings; groups are given as stems, endings pairs.
func inflect(groups ...[]string) []string {
	var out []string
	for g := 0; g+1 < len(groups); g += 2 {
		for _, stem := range groups[g] {
			if stem != "best" || groups[g+1] == nil {
				out = append(out, stem)
			}
			for _, e := range groups[g+1] {
				out = append(out, stem+e)
			}
		}
	}
	return out
}

// phraseSet matches words and phrases at word starts in visible text. The
// phrases form a trie, so a match takes at most as many steps as the longest
// phrase has characters, however many phrases share a beginning (1000
// allowlist terms of "a a a …" cost a 1000-character text 60 ms when each
// was tried in turn).
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
