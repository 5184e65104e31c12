package strength_test

import (
	"slices"
	"testing"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/domain/policy/strength"
)

var germanHeadlines = []string{
	"Winterreifen günstig kaufen", "Winterreifen mit Montage", "Über 300 Partnerwerkstätten",
	"Kostenlose Lieferung ab 50 €", "Alle Marken im Sortiment", "Reifenwechsel in 30 Minuten",
	"Testsieger 2025 bei Reifen", "Winterreifen-Angebote", "Seit 20 Jahren Reifenprofis",
	"Termin online buchen", "Sichere Fahrt im Winter", "Top-Beratung vom Meister",
	"Kompletträder sofort lieferbar", "Bis zu 30 % sparen", "Radhaus Reifen-Shop",
}

var germanDescriptions = []string{
	"Winterreifen aller Marken zu fairen Preisen. Jetzt online bestellen und Termin sichern.",
	"Montage in über 300 Partnerwerkstätten deutschlandweit. Schnell, sauber, zuverlässig.",
	"Kostenlose Lieferung ab 50 € Bestellwert. Bezahlen Sie bequem auf Rechnung.",
	"Über 20 Jahre Erfahrung und 50.000 zufriedene Kunden. Lassen Sie sich beraten.",
}

var englishHeadlines = []string{
	"24/7 Emergency Plumber", "Burst Pipe? We Come Fast", "Licensed Local Plumbers",
	"Fixed Prices, No Call-Out Fee", "Boiler Repair Same Day", "Over 5,000 Five-Star Reviews",
	"Book Your Plumber Online", "Leak Detection Specialists", "12-Month Workmanship Warranty",
	"Blocked Drains Cleared Today", "Serving Leeds Since 1998", "Call Northflow Plumbing",
}

var englishDescriptions = []string{
	"Emergency plumbers in Leeds day and night. We arrive within the hour, fully equipped.",
	"Fixed prices agreed before we start. No call-out fee and no hidden extras, guaranteed.",
	"Licensed, insured engineers with 25 years of experience. Read our 5,000 reviews.",
	"Book online in two minutes or call us now. Same-day repairs for leaks and boilers.",
}

func rsa(headlines, descriptions []string) policy.RSA {
	ad := policy.RSA{FinalURLs: []string{"https://www.example.de/"}}
	for _, h := range headlines {
		ad.Headlines = append(ad.Headlines, policy.PinnedText{Text: h})
	}
	for _, d := range descriptions {
		ad.Descriptions = append(ad.Descriptions, policy.PinnedText{Text: d})
	}
	return ad
}

func replaced(list []string, at int, text string) []string {
	out := slices.Clone(list)
	out[at] = text
	return out
}

var (
	germanContext  = strength.Context{Keywords: []string{"winterreifen", "reifen kaufen", "reifenwechsel"}, Language: "de"}
	englishContext = strength.Context{Keywords: []string{"emergency plumber", "boiler repair", "plumber"}, Language: "en"}
)

// actionWant is an action the estimate must contain: its code and, when
// set, its items, keyword, count and messages.
type actionWant struct {
	code    string
	items   []string
	keyword string
	count   int
	de, en  string
}

func TestRateRSA(t *testing.T) {
	tests := []struct {
		name    string
		ad      policy.RSA
		ctx     strength.Context
		rating  strength.Rating
		actions []actionWant
		// without lists codes that must not appear
		without []string
	}{
		{name: "German: 15 distinct, keyworded, long, varied headlines are excellent",
			ad: rsa(germanHeadlines, germanDescriptions), ctx: germanContext, rating: strength.Excellent,
			without: strength.Codes},
		{name: "English: 12 distinct headlines and 4 descriptions are excellent",
			ad: rsa(englishHeadlines, englishDescriptions), ctx: englishContext, rating: strength.Excellent,
			without: strength.Codes},
		{name: "German: two headlines short of Google's minimum are incomplete",
			ad: rsa(germanHeadlines[:2], germanDescriptions), ctx: germanContext, rating: strength.Incomplete,
			actions: []actionWant{{code: strength.CodeAddHeadlines, count: 9,
				de: "Fügen Sie 9 weitere Überschriften hinzu", en: "Add 9 more headlines"}}},
		{name: "English: one description is incomplete",
			ad: rsa(englishHeadlines, englishDescriptions[:1]), ctx: englishContext, rating: strength.Incomplete,
			actions: []actionWant{{code: strength.CodeAddDescriptions, count: 3,
				de: "Fügen Sie 3 weitere Beschreibungen hinzu", en: "Add 3 more descriptions"}}},
		{name: "German: Google's minimum of 3 headlines and 2 descriptions is poor",
			ad: rsa(germanHeadlines[:3], germanDescriptions[:2]), ctx: germanContext, rating: strength.Poor,
			actions: []actionWant{{code: strength.CodeAddHeadlines, count: 8}, {code: strength.CodeAddDescriptions, count: 2}}},
		{name: "German: 7 headlines are average; add 4 more",
			ad: rsa(germanHeadlines[:7], germanDescriptions), ctx: germanContext, rating: strength.Average,
			actions: []actionWant{{code: strength.CodeAddHeadlines, count: 4,
				de: "Fügen Sie 4 weitere Überschriften hinzu", en: "Add 4 more headlines"}}},
		{name: "English: 9 headlines and 3 descriptions are good",
			ad: rsa(englishHeadlines[:9], englishDescriptions[:3]), ctx: englishContext, rating: strength.Good,
			actions: []actionWant{{code: strength.CodeAddHeadlines, count: 2}, {code: strength.CodeAddDescriptions, count: 1,
				de: "Fügen Sie 1 weitere Beschreibung hinzu", en: "Add 1 more description"}}},
		{name: "German: reordered words and an inflection are a near-duplicate",
			ad:  rsa(replaced(germanHeadlines, 6, "Günstige Winterreifen kaufen"), germanDescriptions),
			ctx: germanContext, rating: strength.Good,
			actions: []actionWant{{code: strength.CodeSimilarTexts, items: []string{"headlines[0]", "headlines[6]"},
				de: "Die Überschriften 1 und 7 sind sich zu ähnlich", en: "Headlines 1 and 7 are too similar"}}},
		{name: "German: a filler word does not make a new headline",
			ad:  rsa(replaced(germanHeadlines, 2, "Winterreifen jetzt günstig kaufen"), germanDescriptions),
			ctx: germanContext, rating: strength.Good,
			actions: []actionWant{{code: strength.CodeSimilarTexts, items: []string{"headlines[0]", "headlines[2]"},
				en: "Headlines 1 and 3 are too similar"}}},
		{name: "English: a reworded description is a near-duplicate",
			ad: rsa(englishHeadlines, replaced(englishDescriptions, 3,
				"Fixed prices agreed before we start: no call-out fee, no hidden extras. Guaranteed!")),
			ctx: englishContext, rating: strength.Good,
			actions: []actionWant{{code: strength.CodeSimilarTexts, items: []string{"descriptions[1]", "descriptions[3]"},
				de: "Die Beschreibungen 2 und 4 sind sich zu ähnlich", en: "Descriptions 2 and 4 are too similar"}}},
		{name: "German: four near-duplicates cut the distinct headlines to 11",
			ad: rsa(append(slices.Clone(germanHeadlines[:11]), "Winterreifen günstig bestellen",
				"Günstige Winterreifen", "Winterreifen günstig kaufen!", "Winterreifen-Montage"), germanDescriptions),
			ctx: germanContext, rating: strength.Good,
			actions: []actionWant{{code: strength.CodeSimilarTexts, items: []string{"headlines[0]", "headlines[11]"}},
				{code: strength.CodeSimilarTexts, items: []string{"headlines[1]", "headlines[14]"}}}},
		{name: "German: no keyword of the ad group in any headline is average",
			ad: rsa(germanHeadlines, germanDescriptions), rating: strength.Average,
			ctx: strength.Context{Keywords: []string{"Schneeketten", "Felgen"}, Language: "de"},
			actions: []actionWant{{code: strength.CodeIncludeKeywords, keyword: "Schneeketten",
				de: "Verwenden Sie ein Keyword wie „Schneeketten“ in mehr Überschriften",
				en: "Include a keyword such as 'Schneeketten' in more headlines"}}},
		{name: "German: a compound counts as the keyword; one headline with it is good",
			ad: rsa(germanHeadlines, germanDescriptions), rating: strength.Good,
			ctx:     strength.Context{Keywords: []string{"Profi"}, Language: "de"},
			actions: []actionWant{{code: strength.CodeIncludeKeywords, keyword: "Profi"}}},
		{name: "English: one keyworded headline is good; the missing keyword is named",
			ad: rsa(englishHeadlines, englishDescriptions), rating: strength.Good,
			ctx:     strength.Context{Keywords: []string{"emergency plumber", "water heater"}, Language: "en"},
			actions: []actionWant{{code: strength.CodeIncludeKeywords, keyword: "water heater"}}},
		{name: "German: one headline pinned alone to a position is good at best",
			ad: func() policy.RSA {
				ad := rsa(germanHeadlines, germanDescriptions)
				ad.Headlines[14].Pin = "HEADLINE_1"
				return ad
			}(), ctx: germanContext, rating: strength.Good,
			actions: []actionWant{{code: strength.CodeFewerPins, items: []string{"headlines[14]"},
				en: "Pinning limits combinations: pin fewer texts, or several texts to each position"}}},
		{name: "English: three positions pinned to one text each are average",
			ad: func() policy.RSA {
				ad := rsa(englishHeadlines, englishDescriptions)
				ad.Headlines[0].Pin, ad.Headlines[1].Pin, ad.Descriptions[0].Pin = "HEADLINE_1", "HEADLINE_2", "DESCRIPTION_1"
				return ad
			}(), ctx: englishContext, rating: strength.Average,
			actions: []actionWant{{code: strength.CodeFewerPins, items: []string{"headlines[0]", "headlines[1]", "descriptions[0]"}}}},
		{name: "English: two texts pinned to one position still cost strength",
			ad: func() policy.RSA {
				ad := rsa(englishHeadlines, englishDescriptions)
				ad.Headlines[0].Pin, ad.Headlines[11].Pin = "HEADLINE_1", "HEADLINE_1"
				return ad
			}(), ctx: englishContext, rating: strength.Excellent,
			actions: []actionWant{{code: strength.CodeFewerPins, items: []string{"headlines[0]", "headlines[11]"}}}},
		{name: "German: very short headlines are good at best",
			ad: rsa([]string{"Winterreifen", "Reifenwechsel", "Montage", "Versand gratis", "Alle Marken",
				"Testsieger", "Seit 1998", "Termin buchen", "Reifen kaufen", "Beratung", "Kompletträder",
				"Sparen", "Felgen", "Radhaus", "Reifen-Shop"}, germanDescriptions),
			ctx: germanContext, rating: strength.Good,
			actions: []actionWant{{code: strength.CodeLongerTexts, items: []string{"headlines[0]"}[:0],
				de: "Die Überschriften 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 und 15 sind kurz: nutzen Sie mehr der 30 Zeichen"}}},
		{name: "English: short descriptions are named",
			ad:  rsa(englishHeadlines, []string{englishDescriptions[0], "Call us.", "Fast help.", "Open 24/7."}),
			ctx: englishContext, rating: strength.Excellent,
			actions: []actionWant{{code: strength.CodeLongerTexts, items: []string{"descriptions[1]", "descriptions[2]", "descriptions[3]"},
				en: "Descriptions 2, 3 and 4 are short: use more of the 90 characters"}}},
		{name: "German: every text saying only 'buy' lacks variety",
			ad: rsa([]string{"Winterreifen hier kaufen", "Reifen online bestellen", "Winterreifen im Shop",
				"Reifenwechsel für Ihr Auto", "Winterreifen für jedes Auto", "Reifen für Kleinwagen kaufen",
				"Reifen für SUV und Transporter", "Winterreifen für Wohnmobile", "Reifen für Elektroautos",
				"Winterreifen in Ihrer Nähe", "Reifen für den Alpenurlaub", "Winterreifen für Pendler"},
				[]string{"Winterreifen für Kleinwagen, SUV und Transporter hier kaufen. Für jedes Auto.",
					"Reifen für Elektroautos, Wohnmobile und Pendler online in Ihrer Nähe bestellen.",
					"Winterreifen für den Alpenurlaub und den Arbeitsweg. Hier im Onlineshop.",
					"Reifenwechsel für Ihr Auto vor dem ersten Schnee: Winterreifen online kaufen."}),
			ctx: germanContext, rating: strength.Good,
			actions: []actionWant{{code: strength.CodeVaryMessages,
				de: "Variieren Sie die Botschaft: ergänzen Sie Texte zu Preis, Lieferung, Auswahl, Vertrauen",
				en: "Vary the message: add texts about price, delivery, range, trust"}}},
		{name: "Japanese: angles are not judged, near-duplicates are",
			ad: rsa([]string{"冬用タイヤを格安で購入", "冬用タイヤを格安で購入！", "全国300店舗で取付", "送料無料でお届け",
				"タイヤ交換は30分で完了", "20年の実績と信頼", "オンラインで簡単予約", "人気ブランドを多数取扱",
				"スタッドレスタイヤ特集", "今なら最大30%オフ", "プロが無料で相談対応"},
				[]string{"冬用タイヤを全ブランド格安でご用意。オンラインで今すぐご注文いただけます。",
					"全国300店舗で取付対応。経験豊富なスタッフが安全な走行をサポートします。",
					"送料無料でご自宅にお届け。お支払いは後払いも選べて安心です。",
					"20年の実績と5万件のレビュー。お気軽にご相談ください。"}),
			ctx: strength.Context{Keywords: []string{"冬用タイヤ"}, Language: "ja"}, rating: strength.Good,
			actions: []actionWant{{code: strength.CodeSimilarTexts, items: []string{"headlines[0]", "headlines[1]"}}},
			without: []string{strength.CodeVaryMessages}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := strength.RateRSA(tc.ad, tc.ctx)
			if got.Rating != tc.rating {
				t.Errorf("rating = %s (score %d), want %s; actions: %v", got.Rating, got.Score, tc.rating, codes(got))
			}
			checkScore(t, got)
			checkActions(t, got, tc.actions, tc.without)
		})
	}
}

func codes(r strength.AdStrength) []string {
	var out []string
	for _, a := range r.Actions {
		out = append(out, a.Code+" "+a.Message.EN)
	}
	return out
}

// checkScore: the score lies in the band of the rating.
func checkScore(t *testing.T, r strength.AdStrength) {
	t.Helper()
	bands := map[strength.Rating][2]int{
		strength.Incomplete: {0, 24}, strength.Poor: {0, 49}, strength.Average: {50, 69},
		strength.Good: {70, 84}, strength.Excellent: {85, 100},
	}
	if b := bands[r.Rating]; r.Score < b[0] || r.Score > b[1] {
		t.Errorf("score %d outside the %s band %v", r.Score, r.Rating, b)
	}
}

func checkActions(t *testing.T, got strength.AdStrength, want []actionWant, without []string) {
	t.Helper()
	for _, w := range want {
		found := false
		for _, a := range got.Actions {
			if a.Code != w.code || (w.items != nil && len(w.items) > 0 && !slices.Equal(a.Items, w.items)) ||
				(w.keyword != "" && a.Keyword != w.keyword) || (w.count != 0 && a.Count != w.count) ||
				(w.de != "" && a.Message.DE != w.de) || (w.en != "" && a.Message.EN != w.en) {
				continue
			}
			found = true
		}
		if !found {
			t.Errorf("no action %+v in %#v", w, got.Actions)
		}
		assertedCodes[w.code] = true
	}
	for _, a := range got.Actions {
		if slices.Contains(without, a.Code) {
			t.Errorf("unexpected action %s: %s", a.Code, a.Message.EN)
		}
		if a.Message.DE == "" || a.Message.EN == "" {
			t.Errorf("action %s lacks a message: %+v", a.Code, a.Message)
		}
	}
}

// assertedCodes collects the action codes the tables assert;
// TestEveryActionIsTested checks that each code was asserted by some case.
var assertedCodes = map[string]bool{}

func TestSimilar(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Winterreifen günstig kaufen", "Günstige Winterreifen kaufen", true},
		{"Winterreifen kaufen", "Winterreifen jetzt kaufen", true},
		{"Winterreifen-Angebote", "Winterreifenangebote", true},
		{"Günstige Winterreifenangebote", "Winterreifen Angebote günstig", true},
		{"Ihr Reifenwechseltermin", "Ihr Reifenwechsel-Termin", true},
		{"Winterreifen-Angebote", "Angebote für Winterreifen", true},
		{"Winterreifen online bestellen", "Winterreifen online kaufen", true},
		{"Kostenlose Lieferung", "Gratis Lieferung!", true},
		{"GÜNSTIGE WINTERREIFEN", "günstige Winterreifen", true},
		{"Fahrradhaus München", "Fahrradhaus Muenchen", true},
		{"Buy Winter Tires Now", "Buy winter tires today", true},
		{"Cheap Winter Tyres", "Affordable winter tyres", true},
		{"冬用タイヤを格安で購入", "冬用タイヤを格安で購入！", true},
		{"Winterreifen günstig kaufen", "Winterreifen mit Montage kaufen", false},
		{"Kostenlose Lieferung ab 50 €", "Kostenlose Montage ab 50 €", false},
		{"Sommerreifen", "Winterreifen", false},
		{"Winterreifen Modell 1", "Winterreifen Modell 2", false},
		{"Winterreifenmontage", "Winterreifen", false},
		{"Winterreifen von Michelin", "Winterreifen von Continental", false},
		{"24/7 Emergency Plumber", "Licensed Local Plumbers", false},
		{"Jetzt", "Hier", false},
		{"", "", false},
		{"!!!", "???", false},
	}
	for _, tc := range tests {
		if got := strength.Similar(tc.a, tc.b); got != tc.want {
			t.Errorf("Similar(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
		if got := strength.Similar(tc.b, tc.a); got != tc.want {
			t.Errorf("Similar(%q, %q) = %v, want %v (not symmetric)", tc.b, tc.a, got, tc.want)
		}
	}
}

// A repair lists a kept text when a rewrite could repeat it. Whatever is a
// near-duplicate of a kept text is made of words that could repeat it, so
// every pair TestSimilar calls similar must count; texts that share too
// little with the sources must not, or the repair would list everything.
func TestCouldRepeat(t *testing.T) {
	similar := [][2]string{
		{"Winterreifen günstig kaufen", "Günstige Winterreifen kaufen"},
		{"Winterreifen-Angebote", "Winterreifenangebote"},
		{"Ihr Reifenwechseltermin", "Ihr Reifenwechsel-Termin"},
		{"Kostenlose Lieferung", "Gratis Lieferung!"},
		{"Cheap Winter Tyres", "Affordable winter tyres"},
		{"冬用タイヤを格安で購入", "冬用タイヤを格安で購入！"},
		{"Jetzt hier", "jetzt, hier!"},
	}
	for _, p := range similar {
		if !strength.Similar(p[0], p[1]) {
			t.Fatalf("%q and %q are not near-duplicates; the table is wrong", p[0], p[1])
		}
		for _, kept := range []int{0, 1} {
			if !strength.CouldRepeat(p[kept], p[1-kept]) {
				t.Errorf("CouldRepeat(%q, %q) = false for a near-duplicate", p[kept], p[1-kept])
			}
		}
	}
	tests := []struct {
		kept    string
		sources []string
		want    bool
	}{
		// A rewrite of a rejected headline, with the brief's keywords.
		{"Winterreifen", []string{"Jetzt Winterreifen sichern!"}, true},
		{"Winterreifen online kaufen", []string{"Winterkompletträder mit Montage", "winterreifen kaufen"}, true},
		{"Reifenwechsel vor Ort", []string{"Ganzjahresreifenmontageservice vor Ort", "reifenwechsel"}, true},
		{"Montage in 40 Filialen", []string{"Winterkompletträder mit Montage"}, false},
		{"Winterreifen für Bayern", []string{"Reifeneinlagerungsservice Bayern"}, false},
		{"Markenreifen von Continental", []string{"Winterkomplettradangebote für Ihren Pkw", "winterreifen kaufen"}, false},
		{"Kostenlose Montage in über 40 Filialen in Bayern.", []string{"Jetzt Winterreifen sichern!! Montage inklusive!!"}, false},
		{"Montage inklusive", []string{"Jetzt Winterreifen sichern!! Montage inklusive!!"}, true},
		{"冬用タイヤを格安で購入", []string{"夏用タイヤの交換"}, false},
		{"Jetzt", []string{"Winterreifen"}, true}, // filler only: compared as written, so listed
	}
	for _, tc := range tests {
		if got := strength.CouldRepeat(tc.kept, tc.sources...); got != tc.want {
			t.Errorf("CouldRepeat(%q, %q) = %v, want %v", tc.kept, tc.sources, got, tc.want)
		}
	}
}

func TestKeywordIn(t *testing.T) {
	tests := []struct {
		text, keyword string
		want          bool
	}{
		{"Winterreifen-Angebote", "Winterreifen", true},
		{"Winterreifenangebote im Shop", "winterreifen", true},
		{"Günstige Sommerreifen", "Reifen", true},
		{"Reifen günstig kaufen", "reifen kaufen", true},
		{"Reifen kauft man hier", "reifen kaufen", false},
		{"Günstige Reifen", "günstige reifen", true},
		{"Guenstige Reifen", "[günstige reifen]", true},
		{"Emergency Plumbers in Leeds", "\"emergency plumber\"", true},
		{"{KeyWord:Winterreifen} kaufen", "schneeketten", true},
		{"Winterjacken im Sale", "Winterreifen", false},
		{"Montage vor Ort", "Reifenmontage", false},
		{"冬用タイヤを格安で購入", "冬用タイヤ", true},
		{"anything", "  ", false},
	}
	for _, tc := range tests {
		if got := strength.KeywordIn(tc.text, tc.keyword); got != tc.want {
			t.Errorf("KeywordIn(%q, %q) = %v, want %v", tc.text, tc.keyword, got, tc.want)
		}
	}
}

// TestEveryActionIsTested runs both tables itself, so it does not depend on
// the order tests run in or on a -run filter, then checks that some case
// asserts every action code.
func TestEveryActionIsTested(t *testing.T) {
	clear(assertedCodes)
	t.Run("responsive search ads", TestRateRSA)
	t.Run("asset groups", TestRateAssetGroup)
	for _, c := range strength.Codes {
		if !assertedCodes[c] {
			t.Errorf("no table case asserts action %s", c)
		}
	}
}
