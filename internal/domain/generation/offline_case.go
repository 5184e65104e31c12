package generation

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// How the offline writer cases words. Keywords are often pasted in lower
// case ("e-bike münchen"); German copy capitalises nouns ("E-Bike München").
// The writer takes a word's case from the brief first (a word written with a
// capital inside a sentence of the brief keeps that case, so "Reifen Müller"
// and "iPhone" stay as written), then from a small noun lexicon and noun
// endings. The keyword lists themselves are never changed; only copy is.

// casing knows how the brief spells its words.
type casing struct {
	lang string
	// spelled maps a lower-case word to the brief's spelling of it, for
	// words the brief writes with a capital where no sentence starts.
	spelled map[string]string
}

func newCasing(lang string, b Brief) casing {
	c := casing{lang: lang, spelled: map[string]string{}}
	learn := func(text string, whole bool) {
		for _, sentence := range splitSentences(text) {
			for i, w := range strings.Fields(sentence) {
				w = strings.Trim(w, ".,:;!?()\"'„“”«»")
				if w == "" || !hasUpper(w) {
					continue
				}
				// A name's words are spelled as in the name; one of them
				// alone ("Plumbing" of "Northflow Plumbing") is an ordinary
				// word elsewhere, unless its spelling is unusual ("JobRad").
				if whole && strings.Contains(strings.TrimSpace(text), " ") && !hasInnerUpper(w) && !(lang == "de" && isNounDE(strings.ToLower(w))) {
					continue
				}
				// The first word of a sentence is capitalised by grammar,
				// not because it is a noun or a name; a name (business name,
				// brand) is capitalised as a whole.
				if i == 0 && !whole && !(lang == "de" && isNounDE(strings.ToLower(w))) && !hasInnerUpper(w) {
					continue
				}
				if _, ok := c.spelled[strings.ToLower(w)]; !ok {
					c.spelled[strings.ToLower(w)] = w
				}
			}
		}
	}
	learn(b.BusinessName, true)
	for _, t := range b.BrandTerms {
		learn(t, true)
	}
	learn(b.Product, false)
	for _, s := range b.SellingPoints {
		learn(s, false)
	}
	learn(b.Audience, false)
	learn(b.Notes, false)
	learn(b.StyleExamples, false)
	for _, k := range b.Keywords {
		learn(k, false)
	}
	return c
}

func splitSentences(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(".!?\n;:–|·", r) })
}

func hasUpper(w string) bool { return strings.IndexFunc(w, unicode.IsUpper) >= 0 }

// hasInnerUpper reports a capital after the first letter ("iPhone",
// "JobRad", "E-Bike"): a spelling, not a sentence start.
func hasInnerUpper(w string) bool {
	_, n := utf8.DecodeRuneInString(w)
	return strings.IndexFunc(w[n:], unicode.IsUpper) >= 0
}

// text cases a phrase for copy: each word as the brief spells it, German
// nouns capitalised, and the first letter capitalised (headlines and
// sentences start with a capital in German and English).
func (c casing) text(s string) string {
	if c.lang != "de" && c.lang != "en" {
		return s
	}
	words := strings.Split(s, " ")
	for i, w := range words {
		words[i] = c.word(w)
	}
	return upperFirst(strings.Join(words, " "))
}

// phrase cases a phrase for the middle of a sentence: as text, but the
// first letter is left as the brief has it, unless that is a capital only
// because the phrase started a field ("Trail running shoes" in "Discover
// trail running shoes"; a German noun keeps its capital).
func (c casing) phrase(s string) string {
	if c.lang != "de" && c.lang != "en" || s == "" {
		return s
	}
	words := strings.Split(s, " ")
	first := words[0]
	for i, w := range words {
		words[i] = c.word(w)
	}
	if first == words[0] && !hasInnerUpper(first) {
		low := strings.ToLower(first)
		_, spelled := c.spelled[low]
		_, proper := properEN[strings.Trim(low, ".,:;!?-")]
		if !spelled && !(c.lang == "en" && proper) && !(c.lang == "de" && isNounDE(strings.Trim(low, ".,:;!?-"))) {
			words[0] = low
		}
	}
	return strings.Join(words, " ")
}

// word cases one word, keeping the punctuation around it.
func (c casing) word(w string) string {
	start := strings.IndexFunc(w, isWordRune)
	if start < 0 {
		return w
	}
	end := strings.LastIndexFunc(w, isWordRune)
	_, n := utf8.DecodeRuneInString(w[end:])
	core := w[start : end+n]
	if s, ok := c.spelled[strings.ToLower(core)]; ok {
		return w[:start] + s + w[end+n:]
	}
	if p, ok := properEN[strings.ToLower(core)]; ok && c.lang == "en" {
		return w[:start] + p + w[end+n:]
	}
	if c.lang != "de" || hasUpper(core) {
		return w
	}
	parts := strings.Split(core, "-")
	if !isNounDE(strings.ToLower(parts[len(parts)-1])) {
		return w
	}
	// A hyphenated German compound capitalises every part: "E-Bike-Verleih".
	for i, p := range parts {
		if s, ok := c.spelled[strings.ToLower(p)]; ok {
			parts[i] = s
		} else {
			parts[i] = upperFirst(p)
		}
	}
	return w[:start] + strings.Join(parts, "-") + w[end+n:]
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// upperFirst capitalises the first letter, unless the first word is a
// spelling with capitals of its own ("iPhone", "eBay").
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || !unicode.IsLower(r) {
		return s
	}
	if first, _, _ := strings.Cut(s, " "); hasInnerUpper(first) && !strings.Contains(first, "-") {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// nounsDE is a small lexicon of German nouns common in search keywords:
// products and services of everyday businesses, time and place words, and
// the larger cities. A compound ending in one of them is a noun too
// ("winterreifen", "reifenwechsel").
var nounsDE = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`
		bike bikes rad räder fahrrad fahrräder pedelec pedelecs roller zubehör helm helme werkstatt werkstätten reparatur
		reifen felge felgen auto autos pkw fahrzeug fahrzeuge wagen wechsel montage termin termine einlagerung service
		versicherung versicherungen tarif tarife beitrag beiträge schutz leistung leistungen zahn zähne zahnarzt zahnersatz
		implantat implantate brille brillen vertrag verträge wartezeit wartezeiten kasse kassen
		vergleich test kosten anbieter rechner preis preise angebot angebote rabatt aktion kauf miete leasing finanzierung garantie qualität auswahl marke marken
		modell modelle beratung probefahrt lieferung versand abholung laden geschäft filiale filialen shop markt
		kunde kunden familie familien pendler kind kinder schüler student studenten anfänger profi profis
		notdienst notfall notfälle heizung sanitär bad bäder rohr rohre klempner installateur handwerker dach fenster tür
		kurs kurse sprache sprachen schule unterricht lehrer lehrerin prüfung gruppe gruppen stunde stunden
		café kaffee kuchen frühstück tee torte mittag abend
		software buchhaltung steuer steuern rechnung rechnungen app cloud daten team experte experten hilfe support
		buchung buchungen beleg belege lohn gehalt mitarbeiter firma firmen unternehmen betrieb betriebe selbstständige
		tag tage tagen woche wochen monat monate monaten jahr jahre jahren minute minuten sekunde sekunden uhr
		wochenende samstag sonntag montag werktag werktage sommer winter frühling herbst saison
		euro prozent nähe ort region stadt umgebung zentrum innenstadt bahnhof haus wohnung
		deutschland österreich schweiz bayern berlin münchen hamburg köln frankfurt stuttgart düsseldorf leipzig dresden
		hannover nürnberg bremen dortmund bonn mannheim karlsruhe augsburg freiburg wien zürich graz salzburg
	`) {
		nounsDE[w] = true
	}
}

// properEN are English words always written with a capital: languages,
// nationalities, days and months.
var properEN = map[string]string{}

func init() {
	for _, w := range strings.Fields(`English German French Spanish Italian Portuguese Dutch Polish Turkish Japanese Chinese Korean Arabic
		British American European Irish Scottish Welsh Monday Tuesday Wednesday Thursday Friday Saturday Sunday
		January February March April June July August September October November December`) {
		properEN[strings.ToLower(w)] = w
	}
}

// nounEndingsDE are suffixes only nouns have.
var nounEndingsDE = []string{"ung", "heit", "keit", "schaft", "tion", "tät", "ismus", "ment", "eur"}

// isNounDE reports whether a lower-case German word is a noun by the
// lexicon, a compound ending in a lexicon noun, or a noun ending.
func isNounDE(w string) bool {
	if nounsDE[w] {
		return true
	}
	if utf8.RuneCountInString(w) < 4 {
		return false
	}
	for n := range nounsDE {
		if len(n) >= 4 && len(w) > len(n)+2 && strings.HasSuffix(w, n) {
			return true
		}
	}
	for _, e := range nounEndingsDE {
		if len(w) > len(e)+2 && strings.HasSuffix(w, e) {
			return true
		}
	}
	return false
}
