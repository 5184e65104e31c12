package generation_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/domain/generation"
	"github.com/imaphub/imaphub/internal/domain/generation/quality"
	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/domain/policy/strength"
)

// Briefs the offline writer was not tuned on (testdata/briefs: a bike shop,
// a tyre shop, a dental insurance and a café in German, an emergency
// plumber, an accounting SaaS and a language school in English, a café and a
// language school in Japanese), checked for classes of defects a marketer
// would not publish, in both formats.

// nounsOf lists, per brief, words its keywords give in lower case that
// German copy must capitalise.
var nounsOf = map[string][]string{
	"de-bike-shop":        {"e-bike", "münchen", "pedelec", "leasing", "fahrradladen"},
	"de-tyre-shop":        {"winterreifen", "reifenwechsel", "termin", "ganzjahresreifen", "reifen", "montage"},
	"de-dental-insurance": {"zahnzusatzversicherung", "zahnversicherung", "vergleich", "zahnersatz", "versicherung"},
	"de-cafe-casual":      {"frühstück", "leipzig", "café", "südvorstadt"},
}

// Words of facts the offline writer once added on its own.
var inventedFacts = []string{"online", "shop", "bestellen", "bestell", "order", "delivered", "lieferung", "versand", "kaufen", "buy", "通販", "注文"}

var (
	duForms  = []string{"du", "dich", "dir", "dein", "deine", "deinen", "deinem"}
	sieForms = []string{"Sie", "Ihnen", "Ihr", "Ihre", "Ihren"}
)

func TestOfflineCopyOnUnseenBriefs(t *testing.T) {
	cases, err := quality.LoadCases("testdata/briefs")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 6 {
		t.Fatalf("%d briefs, want at least 6", len(cases))
	}
	g := generation.NewGenerator(generation.NewOfflineWriter(), generation.GeneratorOptions{})
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			b := c.Brief
			keywords := slices.Clone(b.Keywords)
			lang := b.Language
			sets := map[generation.Format]generation.TextSet{}
			for _, f := range []generation.Format{generation.FormatRSA, generation.FormatPMax} {
				res, err := g.Generate(context.Background(), generation.GenerateRequest{Brief: b, Format: f})
				usable(t, res, err)
				sets[f] = res.Set
				checkOfflineSet(t, c, f, res.Set)
			}
			if !slices.Equal(b.Keywords, keywords) {
				t.Errorf("the brief's keywords changed: %q → %q", keywords, b.Keywords)
			}

			// Performance Max is written apart from the search ad.
			rsa, pm := sets[generation.FormatRSA], sets[generation.FormatPMax]
			for _, d := range pm.Descriptions {
				if slices.Contains(rsa.Descriptions, d) {
					t.Errorf("PMax repeats the RSA description %q", d)
				}
			}
			own := 0
			for _, h := range pm.Headlines {
				if !slices.Contains(rsa.Headlines, h) {
					own++
				}
			}
			if 3*own < len(pm.Headlines) {
				t.Errorf("only %d of %d PMax headlines differ from the RSA's: %q vs %q", own, len(pm.Headlines), pm.Headlines, rsa.Headlines)
			}
			end := "."
			if lang == "ja" {
				end = "。"
			}
			for _, l := range pm.LongHeadlines {
				if !strings.HasSuffix(l, end) {
					t.Errorf("long headline %q is not a sentence", l)
				}
			}
		})
	}
}

func checkOfflineSet(t *testing.T, c quality.Case, f generation.Format, set generation.TextSet) {
	t.Helper()
	b := c.Brief
	checker, err := policy.NewChecker(policy.Options{Language: b.Language, Allow: b.BrandTerms, Banned: b.BannedTerms, BusinessName: b.BusinessName, Keywords: b.Keywords})
	if err != nil {
		t.Fatal(err)
	}
	// The minimum is reached and every kept text is valid.
	if f == generation.FormatRSA {
		if len(set.Headlines) < 3 || len(set.Descriptions) < 2 {
			t.Fatalf("RSA below the minimum: %+v", set)
		}
	} else {
		r := checker.CheckAssetGroup(policy.AssetGroupText{Headlines: set.Headlines, LongHeadlines: set.LongHeadlines, Descriptions: set.Descriptions,
			BusinessName: set.BusinessName, FinalURLs: []string{"https://example.com/"}, Images: []policy.Field{policy.MarketingImage, policy.SquareMarketingImage, policy.Logo}})
		if !r.Valid {
			t.Errorf("PMax set invalid: %+v", r.Violations)
		}
	}
	vocab := quality.Vocabulary(b, generation.OfflinePhrases(b.Language))
	brief := strings.ToLower(strings.Join(append(append([]string{b.Product, b.BusinessName}, b.SellingPoints...), b.Keywords...), " "))
	audience := strings.Fields(strings.ToLower(b.Audience))
	for _, s := range generation.Slots(f) {
		for i, text := range set.Slot(s.Name) {
			at := s.Name + "[" + string(rune('0'+i%10)) + "] " + text
			for _, v := range checker.CheckText(s.Field, text).Violations {
				if v.Severity == policy.Error {
					t.Errorf("%s: invalid: %s", at, v.Code)
				}
			}
			if s.Field == policy.Path {
				continue
			}
			// Selling points whole, nothing ends mid-phrase.
			for _, cut := range quality.Cuts(b, text) {
				t.Errorf("%s: %s", at, cut)
			}
			// Only facts from the brief.
			if inv := quality.Invented(b.Language, vocab, text); len(inv) > 0 {
				t.Errorf("%s: words the brief does not give: %q", at, inv)
			}
			low := strings.ToLower(text)
			for _, w := range inventedFacts {
				if strings.Contains(low, w) && !strings.Contains(brief, w) {
					t.Errorf("%s: says %q, which the brief never does", at, w)
				}
			}
			// German nouns capitalised.
			for _, n := range nounsOf[c.Name] {
				if regexp.MustCompile(`(^|[^\p{L}-])` + regexp.QuoteMeta(n) + `($|[^\p{L}-])`).MatchString(text) {
					t.Errorf("%s: the noun %q is in lower case", at, n)
				}
			}
			// The brief's address: du or Sie.
			informal := strings.Contains(b.Tone, "du")
			words := regexp.MustCompile(`[\p{L}]+`).FindAllString(text, -1)
			for _, w := range words {
				if b.Language == "de" && informal && slices.Contains(sieForms, w) && !strings.Contains(b.Product+strings.Join(b.SellingPoints, " "), w) {
					t.Errorf("%s: %q in a brief that says du", at, w)
				}
				if b.Language == "de" && !informal && slices.Contains(duForms, strings.ToLower(w)) {
					t.Errorf("%s: %q in a brief that says Sie", at, w)
				}
			}
			// The audience is whom the copy is for, not copy: no three of
			// its words in a row in a headline.
			if s.Field == policy.Headline || s.Field == policy.LongHeadline {
				for j := 0; j+3 <= len(audience); j++ {
					if strings.Contains(low, strings.Join(audience[j:j+3], " ")) {
						t.Errorf("%s: pastes the audience %q", at, b.Audience)
					}
				}
				if b.Language == "ja" && b.Audience != "" && strings.Contains(text, b.Audience) {
					t.Errorf("%s: pastes the audience %q", at, b.Audience)
				}
			}
		}
	}
	// No near-duplicates: Google counts them as one text.
	for _, texts := range [][]string{set.Headlines, set.LongHeadlines, set.Descriptions} {
		for i := range texts {
			for j := i + 1; j < len(texts); j++ {
				if strength.Similar(texts[i], texts[j]) {
					t.Errorf("near-duplicates %q and %q", texts[i], texts[j])
				}
			}
		}
	}
	// Each description closes differently.
	if rep := quality.RepeatedClosings(set.Descriptions); len(rep) > 0 {
		t.Errorf("descriptions %q repeat the closing sentence %q", set.Descriptions, rep)
	}
}

// A brief of a product and a keyword alone still gives a usable ad, in
// every language, from those facts and calls to action.
func TestOfflineMinimalBriefIsUsable(t *testing.T) {
	g := generation.NewGenerator(generation.NewOfflineWriter(), generation.GeneratorOptions{})
	for _, b := range []generation.Brief{
		{Product: "Winterreifen", Language: "de", Keywords: []string{"winterreifen kaufen"}},
		{Product: "Emergency plumbing", Language: "en", Keywords: []string{"emergency plumber leeds"}},
		{Product: "英会話レッスン", Language: "ja", Keywords: []string{"英会話 オンライン"}},
	} {
		res, err := g.Generate(context.Background(), generation.GenerateRequest{Brief: b, Format: generation.FormatRSA})
		usable(t, res, err)
		c := quality.Case{Name: b.Language + "-minimal", Brief: b}
		checkOfflineSet(t, c, generation.FormatRSA, res.Set)
	}
}
