package generation

// The offline writer's phrase books: the templates it composes copy from, per
// language.

// phrasebook holds one language's templates. Placeholders: {p} product,
// {b} brand, {a} audience, {k} a keyword, {s} and {s2} selling points,
// {cta} the call to action. A template whose placeholder is empty is skipped.
type phrasebook struct {
	headlines, keywordHeadlines []string
	descriptions, longHeadlines []string
	cta, informalCTA            string
	informalHeadlines           []string
	fillers, dangling           []string
	clauseBreaks                []string
	sentenceEnd                 string
}

var phrasebooks = map[string]phrasebook{
	"de": {
		headlines: []string{"{p}", "{p} bei {b}", "{p} online kaufen", "{p} für {a}", "Entdecken Sie {p}", "{p} online bestellen",
			"{p} von {b}", "{b} Online-Shop", "{p} im Online-Shop", "Jetzt {p} bestellen", "{b}"},
		informalHeadlines: []string{"Entdecke {p}", "Bestell dir {p}"},
		keywordHeadlines:  []string{"{k}", "{k} bei {b}", "{k} online"},
		descriptions: []string{"{s}. {cta}", "{p} bei {b}: {s}.", "{p} für {a}. {s}.", "{s}. {s2}.",
			"{p} online bestellen. {s}.", "{p} für {a} bei {b}. {cta}", "{b}: {p} für {a}. {s}."},
		longHeadlines: []string{"{p} für {a}: {s}", "{b}: {p} – {s}", "{s} – {p} bei {b}", "{p} online bestellen bei {b}",
			"{p} für {a} bei {b}", "{p} von {b}: {s}"},
		cta: "Jetzt online bestellen.", informalCTA: "Bestell jetzt online.",
		fillers:      []string{"jetzt", "einfach", "ganz", "wirklich", "noch", "direkt", "sehr", "besonders", "heute"},
		dangling:     []string{"und", "oder", "mit", "für", "bei", "von", "vom", "im", "in", "zu", "zum", "zur", "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "auf", "aus", "ohne", "&"},
		clauseBreaks: []string{" – ", " - ", ": ", "; ", ", ", " und ", " mit ", " ohne "},
		sentenceEnd:  ".",
	},
	"en": {
		headlines: []string{"{p}", "{p} at {b}", "Buy {p} online", "{p} for {a}", "Discover {p}", "Shop {p} online",
			"{p} by {b}", "{b} online shop", "Order {p} today", "Get {p} delivered", "{b}"},
		keywordHeadlines: []string{"{k}", "{k} at {b}", "{k} online"},
		descriptions: []string{"{s}. {cta}", "{p} at {b}: {s}.", "{p} for {a}. {s}.", "{s}. {s2}.",
			"Shop {p} online. {s}.", "{p} for {a} at {b}. {cta}", "{b}: {p} for {a}. {s}."},
		longHeadlines: []string{"{p} for {a}: {s}", "{b}: {p} – {s}", "{s} – {p} at {b}", "Order {p} online at {b}",
			"{p} for {a} at {b}", "{p} by {b}: {s}"},
		cta:          "Order online today.",
		fillers:      []string{"now", "today", "just", "really", "very", "simply", "all", "the"},
		dangling:     []string{"and", "or", "with", "for", "at", "by", "of", "in", "to", "the", "a", "an", "on", "from", "&"},
		clauseBreaks: []string{" – ", " - ", ": ", "; ", ", ", " and ", " with "},
		sentenceEnd:  ".",
	},
	"ja": {
		headlines: []string{"{p}", "{b}の{p}", "{p}の通販", "{p}をオンラインで", "{a}向けの{p}", "{p}を今すぐ注文",
			"{p}なら{b}", "{p}をお探しなら", "{b}オンラインストア", "{b}"},
		keywordHeadlines: []string{"{k}", "{k}なら{b}", "{k}の通販"},
		descriptions: []string{"{s}。{cta}", "{b}の{p}。{s}。", "{a}向けの{p}。{s}。", "{s}。{s2}。",
			"{p}をオンラインで注文。{s}。", "{a}向けの{p}を{b}で。{cta}"},
		longHeadlines: []string{"{a}向けの{p}：{s}", "{b}の{p}：{s}", "{s}の{p}なら{b}", "{p}をオンラインで注文：{s}",
			"{a}向けの{p}なら{b}の通販で", "{b}の{p}を今すぐオンラインで注文"},
		cta:          "今すぐオンラインで注文。",
		clauseBreaks: []string{"、", "。", "：", "・"},
		sentenceEnd:  "。",
	},
	// Languages without a phrase book use the brief's phrases as written.
	"": {
		headlines:        []string{"{p}", "{b}"},
		keywordHeadlines: []string{"{k}"},
		descriptions:     []string{"{s}.", "{s}. {s2}."},
		longHeadlines:    []string{"{p}: {s}", "{b}: {p}"},
		clauseBreaks:     []string{" – ", " - ", ": ", "; ", ", "},
		sentenceEnd:      ".",
	},
}
