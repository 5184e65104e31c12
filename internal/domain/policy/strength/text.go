package strength

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Near-duplicate thresholds. Two texts of one field are near-duplicates when
// either measure reaches its threshold:
//
//   - WordSimilarity: the Jaccard index of their content words — lower-cased,
//     umlauts and accents folded (ä→ae, ß→ss, é→e), punctuation dropped,
//     filler words ("jetzt", "hier", "now", articles, pronouns) left out,
//     inflections matched (günstig ~ günstige ~ günstigen, tire ~ tires), a
//     few synonyms of the same offer merged (kaufen ~ bestellen, gratis ~
//     kostenlos), and a compound matched with its parts written apart
//     ("Winterreifenangebote" ~ "Winterreifen-Angebote"). "Winterreifen
//     günstig kaufen" and "Günstige Winterreifen kaufen" share all three
//     words (1.0); "Winterreifen kaufen" and "Winterreifen jetzt kaufen" too;
//     "Winterreifen günstig kaufen" and "Winterreifen mit Montage kaufen"
//     share two of four (0.5): distinct.
//   - CharSimilarity: for Chinese, Japanese and Korean, which have no spaces
//     to split words at, the Dice coefficient of the character bigrams of
//     the texts.
const (
	WordSimilarity = 0.6
	CharSimilarity = 0.8
)

// word is one content word of a text: folded (lower case, umlauts and
// accents spelled out) and reduced to a canonical synonym where it has one.
type word struct {
	folded string
	canon  string
}

// analysed is a text prepared for comparisons.
type analysed struct {
	words  []word
	grams  []uint64 // CJK text only: sorted, deduplicated character bigrams
	dki    bool     // contains keyword insertion {KeyWord:…}
	width  int
	blank  bool
	folded string // all folded words, space-separated, with filler words
}

// fold lower-cases r and spells out umlauts, ß and accented Latin letters
// the way a German writer without them would (ä→ae), appending to b.
func fold(b []byte, r rune) []byte {
	r = unicode.ToLower(r)
	switch r {
	case 'ä':
		return append(b, 'a', 'e')
	case 'ö':
		return append(b, 'o', 'e')
	case 'ü':
		return append(b, 'u', 'e')
	case 'ß':
		return append(b, 's', 's')
	case 'à', 'á', 'â', 'ã', 'å':
		return append(b, 'a')
	case 'ç':
		return append(b, 'c')
	case 'è', 'é', 'ê', 'ë':
		return append(b, 'e')
	case 'ì', 'í', 'î', 'ï':
		return append(b, 'i')
	case 'ñ':
		return append(b, 'n')
	case 'ò', 'ó', 'ô', 'õ', 'ø':
		return append(b, 'o')
	case 'ù', 'ú', 'û':
		return append(b, 'u')
	case 'ý', 'ÿ':
		return append(b, 'y')
	}
	return utf8.AppendRune(b, r)
}

func isCJK(r rune) bool {
	return r >= 0x1100 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// fillers are words that carry no message of their own: articles,
// pronouns, prepositions and the urgency words that texts add to tell
// themselves apart ("jetzt", "now"), German and English.
var fillers = setOf(
	"der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines",
	"und", "oder", "mit", "fuer", "von", "vom", "zum", "zur", "im", "in", "am", "an", "auf", "aus",
	"bei", "bis", "ab", "zu", "fur", "ihr", "ihre", "ihren", "ihrem", "sie", "du", "dein", "deine",
	"wir", "unser", "unsere", "unseren", "jetzt", "heute", "hier", "noch", "gleich", "schon", "nur",
	"auch", "ist", "sind", "so", "alle", "the", "a", "an", "and", "or", "with", "for", "of", "to",
	"on", "at", "by", "from", "your", "you", "our", "we", "now", "today", "here", "just", "only",
	"also", "is", "are", "all", "it", "its",
)

// synonyms merge words that make the same offer, so that swapping one for
// the other does not make a new text. Keys are folded base forms.
var synonyms = map[string]string{
	"kaufen": "kaufen", "bestellen": "kaufen", "shoppen": "kaufen", "erwerben": "kaufen",
	"buy": "buy", "order": "buy", "shop": "buy", "purchase": "buy",
	"guenstig": "guenstig", "preiswert": "guenstig", "billig": "guenstig", "preisguenstig": "guenstig",
	"cheap": "cheap", "affordable": "cheap", "inexpensive": "cheap",
	"kostenlos": "kostenlos", "gratis": "kostenlos", "gebuehrenfrei": "kostenlos", "umsonst": "kostenlos",
	"schnell": "schnell", "rasch": "schnell", "zuegig": "schnell",
	"fast": "fast", "quick": "fast", "rapid": "fast",
	"top": "top", "beste": "top", "best": "top",
}

// suffixes are inflection endings (German and English) that two forms of one
// word may differ by.
var suffixes = []string{"ern", "ens", "en", "er", "es", "em", "e", "n", "s", "ing", "ed"}

// jointEndings are the endings a compound's last part may carry: none or an
// inflection.
var jointEndings = append([]string{""}, suffixes...)

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// canonical returns the synonym class of a folded word, trying it as
// written and without an inflection ending; "" when it has none.
func canonical(w string) string {
	if c, ok := synonyms[w]; ok {
		return c
	}
	for _, s := range suffixes {
		if base, ok := strings.CutSuffix(w, s); ok && len(base) >= 3 {
			if c, ok := synonyms[base]; ok {
				return c
			}
		}
	}
	return ""
}

// analyse splits text into folded words and builds its n-grams.
func analyse(text string, limitWidth func(string) int) analysed {
	a := analysed{width: limitWidth(text), dki: strings.Contains(strings.ToLower(text), "{keyword:")}
	var buf [128]byte
	cur := buf[:0]
	var all []byte
	cjk := false
	flush := func() {
		if len(cur) == 0 {
			return
		}
		w := string(cur)
		if len(all) > 0 {
			all = append(all, ' ')
		}
		all = append(all, cur...)
		if !fillers[w] {
			a.words = append(a.words, word{folded: w, canon: canonical(w)})
		}
		cur = cur[:0]
	}
	for _, r := range text {
		switch {
		case r < utf8.RuneSelf:
			if c := byte(r); c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
				cur = append(cur, c)
			} else if c >= 'A' && c <= 'Z' {
				cur = append(cur, c+'a'-'A')
			} else {
				flush()
			}
		case isCJK(r):
			cjk = true
			cur = fold(cur, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			cur = fold(cur, r)
		default:
			flush()
		}
	}
	flush()
	a.folded = string(all)
	a.blank = len(a.words) == 0 && len(all) == 0
	if cjk {
		a.grams = ngrams(a.words)
	}
	return a
}

// ngrams are the character bigrams of the content words written together,
// as sorted unique hashes.
func ngrams(words []word) []uint64 {
	n := 2
	var runes []rune
	for _, w := range words {
		runes = append(runes, []rune(w.folded)...)
	}
	if len(runes) < n {
		if len(runes) == 0 {
			return nil
		}
		n = len(runes)
	}
	grams := make([]uint64, 0, len(runes)-n+1)
	for i := 0; i+n <= len(runes); i++ {
		var h uint64 = 1469598103934665603
		for _, r := range runes[i : i+n] {
			h ^= uint64(r)
			h *= 1099511628211
		}
		grams = append(grams, h)
	}
	sortUint64(grams)
	out := grams[:0]
	for i, g := range grams {
		if i == 0 || g != grams[i-1] {
			out = append(out, g)
		}
	}
	return out
}

func sortUint64(s []uint64) {
	// insertion sort: texts are at most 90 characters, so a few dozen grams
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// sameWord reports whether two folded words are one word: equal, of one
// synonym class, or one is the other plus an inflection ending.
func sameWord(a, b word) bool {
	if a.folded == b.folded || (a.canon != "" && a.canon == b.canon) {
		return true
	}
	long, short := a.folded, b.folded
	if len(short) > len(long) {
		long, short = short, long
	}
	if len(short) < 3 {
		return false
	}
	rest, ok := strings.CutPrefix(long, short)
	if !ok {
		return false
	}
	for _, s := range suffixes {
		if rest == s {
			return true
		}
	}
	return false
}

// wordSimilarity is the Jaccard index of the two texts' content words, a
// word of one matching at most one word of the other, after joining the
// parts of a compound that the other text writes as one word.
func wordSimilarity(x, y analysed) float64 {
	if len(x.words) == 0 || len(y.words) == 0 {
		return 0
	}
	a := analysed{words: joinCompounds(x.words, y.words)}
	b := analysed{words: joinCompounds(y.words, x.words)}
	var usedBuf [32]bool
	used := usedBuf[:0]
	if len(b.words) > len(usedBuf) {
		used = make([]bool, len(b.words))
	} else {
		used = usedBuf[:len(b.words)]
	}
	inter := 0
	for _, wa := range a.words {
		for j, wb := range b.words {
			if !used[j] && sameWord(wa, wb) {
				used[j] = true
				inter++
				break
			}
		}
	}
	return float64(inter) / float64(len(a.words)+len(b.words)-inter)
}

// joinCompounds returns words with each pair of neighbours joined into one
// where other holds the joined word ("winterreifen" "angebote" →
// "winterreifenangebote"), with or without a linking s.
func joinCompounds(words, other []word) []word {
	var out []word
	for i := 0; i < len(words); i++ {
		if i+1 < len(words) {
			if j, ok := compoundIn(words[i].folded, words[i+1].folded, other); ok {
				if out == nil {
					out = append(make([]word, 0, len(words)), words[:i]...)
				}
				out = append(out, other[j])
				i++
				continue
			}
		}
		if out != nil {
			out = append(out, words[i])
		}
	}
	if out == nil {
		return words
	}
	return out
}

// compoundIn finds the word of other that is first+second (or first+"s"+
// second) as one word, ignoring an inflection ending.
func compoundIn(first, second string, other []word) (int, bool) {
	for j, w := range other {
		if len(w.folded) < len(first)+len(second) {
			continue
		}
		rest, ok := strings.CutPrefix(w.folded, first)
		if !ok {
			continue
		}
		rest = strings.TrimPrefix(rest, "s")
		if sameWord(word{folded: rest}, word{folded: second}) || rest == second {
			return j, true
		}
	}
	return 0, false
}

// charSimilarity is the Dice coefficient of the two texts' n-gram sets.
func charSimilarity(a, b analysed) float64 {
	if len(a.grams) == 0 || len(b.grams) == 0 {
		return 0
	}
	inter, i, j := 0, 0, 0
	for i < len(a.grams) && j < len(b.grams) {
		switch {
		case a.grams[i] == b.grams[j]:
			inter++
			i++
			j++
		case a.grams[i] < b.grams[j]:
			i++
		default:
			j++
		}
	}
	return 2 * float64(inter) / float64(len(a.grams)+len(b.grams))
}

// nearDuplicate applies the thresholds. Texts of only filler words compare
// by their folded form, so "Jetzt hier" and "jetzt, hier!" are one text.
func nearDuplicate(a, b analysed) bool {
	if len(a.words) == 0 || len(b.words) == 0 {
		return !a.blank && a.folded == b.folded
	}
	return wordSimilarity(a, b) >= WordSimilarity || charSimilarity(a, b) >= CharSimilarity
}

// Similar reports whether two texts are near-duplicates by the thresholds
// above: a second text that adds nothing Google would count as new.
func Similar(a, b string) bool {
	return nearDuplicate(analyse(a, noWidth), analyse(b, noWidth))
}

func noWidth(string) int { return 0 }

// CouldRepeat reports whether a text written from the words of sources could
// be a near-duplicate of kept: whether the sources hold enough of kept's
// content words (and, for Chinese, Japanese and Korean, its character
// bigrams) to reach either threshold above. The most a text made of those
// words can share with kept is the part of kept they cover, so when they
// cover less, every such text differs from kept. A repair uses it to list
// only the kept texts a rewrite could repeat.
func CouldRepeat(kept string, sources ...string) bool {
	k, src := analyse(kept, noWidth), analyse(strings.Join(sources, " \n "), noWidth)
	if len(k.words) == 0 {
		return true // filler only: compared by its folded form
	}
	if k.grams != nil {
		m := 0
		for _, g := range k.grams {
			if slices.Contains(src.grams, g) {
				m++
			}
		}
		// Dice of kept with the covered bigrams alone: 2m / (|kept| + m).
		if 2*float64(m) >= CharSimilarity*float64(len(k.grams)+m) {
			return true
		}
		// Words written apart are compared as words too (nearDuplicate
		// takes either measure), so they are counted below as well.
	}
	// Parts kept writes apart that the sources join count as one word, and
	// the other way round, as in wordSimilarity.
	words, kw := joinCompounds(src.words, k.words), joinCompounds(k.words, src.words)
	m := 0
	for _, w := range kw {
		if slices.ContainsFunc(words, func(v word) bool { return sameWord(w, v) }) {
			m++
		}
	}
	// Jaccard of kept with the covered words alone: m / |kept|.
	return float64(m) >= WordSimilarity*float64(len(kw))
}

// keyword is an ad group keyword prepared for matching.
type keyword struct {
	text  string
	words []word
}

// analyseKeywords prepares the first limit usable keywords.
func analyseKeywords(keywords []string, limit int) []keyword {
	out := make([]keyword, 0, min(len(keywords), limit))
	for _, k := range keywords {
		if len(out) == limit {
			break
		}
		// match-type decoration as typed in Google Ads: [exact], "phrase", +broad
		k = strings.Trim(strings.TrimSpace(k), `[]"+`)
		a := analyse(k, noWidth)
		ws := a.words
		if len(ws) == 0 && a.folded != "" {
			ws = []word{{folded: a.folded}}
		}
		if len(ws) == 0 {
			continue
		}
		out = append(out, keyword{text: k, words: ws})
	}
	return out
}

// containsKeyword reports whether every word of the keyword appears in the
// text: as the same word, or as a part of a German compound at its start or
// end ("Winterreifen" in "Winterreifen-Angebote", "Winterreifenangebote",
// "reifen" in "Sommerreifen"). Keyword insertion counts as every keyword.
func containsKeyword(t analysed, k keyword) bool {
	if t.dki {
		return true
	}
	for _, kw := range k.words {
		found := false
		for _, tw := range t.words {
			if sameWord(kw, tw) || compoundPart(tw.folded, kw.folded) {
				found = true
				break
			}
		}
		if !found {
			// CJK text has no spaces: look for the keyword inside the run
			if !strings.Contains(t.folded, kw.folded) || utf8.RuneCountInString(kw.folded) < 2 {
				return false
			}
		}
	}
	return true
}

// compoundPart: part is the first or last part of the compound whole, at
// least four letters long (with an optional linking s or inflection at the
// joint or the end).
func compoundPart(whole, part string) bool {
	if len(part) < 4 || len(whole) <= len(part) {
		return false
	}
	if strings.HasPrefix(whole, part) {
		return true
	}
	for _, s := range jointEndings {
		if strings.HasSuffix(whole, part+s) && len(whole) > len(part+s) {
			return true
		}
	}
	return false
}

// KeywordIn reports whether text contains keyword by the estimator's rules
// (inflections and German compounds count, see containsKeyword).
func KeywordIn(text, kw string) bool {
	ks := analyseKeywords([]string{kw}, 1)
	return len(ks) == 1 && containsKeyword(analyse(text, noWidth), ks[0])
}
