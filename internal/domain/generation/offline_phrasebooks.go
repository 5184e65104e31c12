package generation

import (
	"regexp"
	"strings"
)

// The offline writer's phrase books: the templates it composes copy from, per
// language. Every word a template adds is a call to action or a connector:
// nothing in them states a fact (no "online", "shop", "delivery"); facts come
// from the brief alone.

// phrasebook holds one language's templates. Placeholders: {p} product,
// {b} brand, {k} a keyword, {s} and {s2} selling points, {cta} a call to
// action (a different one each time it is used). A template whose
// placeholder is empty is skipped. Templates come in two families, one for
// responsive search ads and one for Performance Max, so an asset group does
// not repeat the search ad.
type phrasebook struct {
	// Headlines besides the brief's own phrases (keywords, product, brand,
	// selling points), formal and informal.
	rsaHeadlines, pmaxHeadlines [2][]string
	rsaDescriptions             []string
	pmaxDescriptions            []string
	// Fallbacks without selling points, offered after every description
	// that has one: a brief may give none.
	rsaFallback, pmaxFallback []string
	// Long headlines are sentences.
	longHeadlines [2][]string
	// Calls to action closing a description, formal and informal.
	cta [2][]string
	// Articles a selling point may lose to fit a headline.
	articles []string
	// clauseBreaks separate the items of a listing selling point
	// ("Kostenlose Lieferung, Montage vor Ort"); each item is a whole phrase.
	clauseBreaks []string
	sentenceEnd  string
}

// Tone indexes: the formal and the informal form of a template list.
const (
	formal   = 0
	informal = 1
)

var phrasebooks = map[string]phrasebook{
	"de": {
		rsaHeadlines: [2][]string{
			{"{p} bei {b}", "{k} bei {b}", "{p} entdecken", "Jetzt mehr erfahren", "Informieren Sie sich jetzt"},
			{"{p} bei {b}", "{k} bei {b}", "{p} entdecken", "Jetzt mehr erfahren", "Informier dich jetzt"},
		},
		pmaxHeadlines: [2][]string{
			{"{b}: {k}", "{p} von {b}", "Mehr erfahren", "Entdecken Sie {p}", "Kontaktieren Sie uns", "Sprechen Sie mit {b}", "Warum {b}?"},
			{"{b}: {k}", "{p} von {b}", "Mehr erfahren", "Entdecke {p}", "Schreib uns", "Sprich mit {b}", "Warum {b}?"},
		},
		rsaDescriptions:  []string{"{s}. {s2}. {cta}", "{p} bei {b}: {s}. {cta}", "{s}. {cta}", "{p} bei {b}: {s}.", "{s}. {s2}."},
		rsaFallback:      []string{"{p} bei {b}. {cta}", "{k}. {cta}", "{p}. {cta}"},
		pmaxDescriptions: []string{"{s}.", "{b}: {s}. {cta}", "{p} von {b}. {s}. {cta}", "{p} von {b}.", "Bei {b}: {s}. {cta}"},
		pmaxFallback:     []string{"{b}: {k}. {cta}"},
		longHeadlines: [2][]string{
			{"Entdecken Sie {p} bei {b}.", "Bei {b}: {s}.", "{b}: {p} für Sie.", "{s}. {p} von {b}."},
			{"Entdecke {p} bei {b}.", "Bei {b}: {s}.", "{b}: {p} für dich.", "{s}. {p} von {b}."},
		},
		cta: [2][]string{
			{"Jetzt mehr erfahren.", "Informieren Sie sich jetzt.", "Kontaktieren Sie uns.", "Überzeugen Sie sich selbst.", "Fragen Sie uns."},
			{"Jetzt mehr erfahren.", "Informier dich jetzt.", "Schreib uns.", "Überzeug dich selbst.", "Frag uns."},
		},
		articles:     []string{"der", "die", "das", "ein", "eine"},
		clauseBreaks: []string{", ", "; ", " – ", " | ", " · "},
		sentenceEnd:  ".",
	},
	"en": {
		rsaHeadlines: [2][]string{
			{"{p} at {b}", "{k} – {b}", "Explore {p}", "Learn more today", "Get in touch today"},
			{"{p} at {b}", "{k} – {b}", "Explore {p}", "Learn more today", "Get in touch today"},
		},
		pmaxHeadlines: [2][]string{
			{"{b}: {k}", "{p} by {b}", "Find out more", "Discover {p}", "Contact us", "Talk to {b}", "Why {b}?"},
			{"{b}: {k}", "{p} by {b}", "Find out more", "Discover {p}", "Say hello", "Talk to {b}", "Why {b}?"},
		},
		rsaDescriptions:  []string{"{s}. {s2}. {cta}", "{p} at {b}: {s}. {cta}", "{s}. {cta}", "{p} at {b}: {s}.", "{s}. {s2}."},
		rsaFallback:      []string{"{p} at {b}. {cta}", "{k}. {cta}", "{p}. {cta}"},
		pmaxDescriptions: []string{"{s}.", "{b}: {s}. {cta}", "{p} by {b}. {s}. {cta}", "{p} by {b}.", "At {b}: {s}. {cta}"},
		pmaxFallback:     []string{"{b}: {k}. {cta}"},
		longHeadlines: [2][]string{
			{"Discover {p} at {b}.", "At {b}: {s}.", "Choose {b} for {p}.", "{s}. {p} by {b}."},
			{"Discover {p} at {b}.", "At {b}: {s}.", "Choose {b} for {p}.", "{s}. {p} by {b}."},
		},
		cta: [2][]string{
			{"Learn more today.", "Get in touch today.", "Contact us today.", "See for yourself.", "Ask us today."},
			{"Take a look today.", "Get in touch today.", "Drop us a line.", "See for yourself.", "Ask us anything."},
		},
		articles:     []string{"the", "a", "an"},
		clauseBreaks: []string{", ", "; ", " – ", " | ", " · "},
		sentenceEnd:  ".",
	},
	"ja": {
		rsaHeadlines: [2][]string{
			{"{b}の{p}", "{k}なら{b}", "{p}のご案内", "詳しくはこちら", "お気軽にご相談ください"},
			{"{b}の{p}", "{k}なら{b}", "{p}をチェック", "詳しくはこちら", "気軽に相談してね"},
		},
		pmaxHeadlines: [2][]string{
			{"{b}：{k}", "{p}なら{b}", "ぜひご覧ください", "お問い合わせはこちら", "{b}にご相談ください"},
			{"{b}：{k}", "{p}なら{b}", "ぜひ見てね", "お問い合わせはこちら", "{b}に相談してね"},
		},
		rsaDescriptions:  []string{"{s}。{s2}。{cta}", "{b}の{p}。{s}。{cta}", "{s}。{cta}", "{b}の{p}。{s}。", "{s}。{s2}。"},
		rsaFallback:      []string{"{b}の{p}。{cta}", "{k}。{cta}", "{p}。{cta}"},
		pmaxDescriptions: []string{"{s}。", "{b}：{s}。{cta}", "{p}なら{b}。{s}。{cta}", "{p}なら{b}。", "{b}では、{s}。{cta}"},
		pmaxFallback:     []string{"{b}：{k}。{cta}"},
		longHeadlines: [2][]string{
			{"{b}の{p}をぜひご覧ください。", "{b}：{s}。", "{s}。{p}なら{b}。"},
			{"{b}の{p}をぜひ見てね。", "{b}：{s}。", "{s}。{p}なら{b}。"},
		},
		cta: [2][]string{
			{"詳しくはこちら。", "お気軽にお問い合わせください。", "ぜひご覧ください。", "お気軽にご相談ください。"},
			{"詳しくはこちら。", "気軽に問い合わせてね。", "ぜひ見てね。", "気軽に相談してね。"},
		},
		clauseBreaks: []string{"、", "・", "／"},
		sentenceEnd:  "。",
	},
	// Languages without a phrase book use the brief's phrases as written.
	"": {
		rsaDescriptions:  []string{"{s}. {s2}.", "{s}."},
		pmaxDescriptions: []string{"{b}: {s}.", "{p}: {s}."},
		longHeadlines:    [2][]string{{"{p}: {s}.", "{b}: {p}."}, {"{p}: {s}.", "{b}: {p}."}},
		clauseBreaks:     []string{", ", "; ", " – ", " | "},
		sentenceEnd:      ".",
	},
}

// OfflinePhrases lists every phrase the offline writer may add to the
// brief's own words in language lang: its templates without placeholders
// and its calls to action. Whatever else a text of it says comes from the
// brief; quality checks hold it to that.
func OfflinePhrases(lang string) []string {
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	book, ok := phrasebooks[base]
	if !ok {
		book = phrasebooks[""]
	}
	var all []string
	for _, tone := range []int{formal, informal} {
		all = append(all, book.rsaHeadlines[tone]...)
		all = append(all, book.pmaxHeadlines[tone]...)
		all = append(all, book.longHeadlines[tone]...)
		all = append(all, book.cta[tone]...)
	}
	all = append(append(all, book.rsaDescriptions...), book.pmaxDescriptions...)
	all = append(append(all, book.rsaFallback...), book.pmaxFallback...)
	placeholder := regexp.MustCompile(`\{[a-z0-9]+\}`)
	out := make([]string, len(all))
	for i, s := range all {
		out[i] = placeholder.ReplaceAllString(s, " ")
	}
	return out
}
