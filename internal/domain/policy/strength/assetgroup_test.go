package strength_test

import (
	"slices"
	"testing"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/domain/policy/strength"
)

func images(landscape, square, portrait, logos, landscapeLogos int) []policy.Field {
	var out []policy.Field
	for _, x := range []struct {
		f policy.Field
		n int
	}{{policy.MarketingImage, landscape}, {policy.SquareMarketingImage, square},
		{policy.PortraitMarketingImage, portrait}, {policy.Logo, logos}, {policy.LandscapeLogo, landscapeLogos}} {
		for range x.n {
			out = append(out, x.f)
		}
	}
	return out
}

// germanGroup is a complete asset group with every optional asset.
func germanGroup() policy.AssetGroupText {
	return policy.AssetGroupText{
		Headlines: append(slices.Clone(germanHeadlines[:11]), "Radhaus Reifen"),
		LongHeadlines: []string{
			"Winterreifen aller Marken mit Montage in über 300 Partnerwerkstätten",
			"Kostenlose Lieferung ab 50 € und Reifenwechsel in 30 Minuten",
		},
		Descriptions: append(slices.Clone(germanDescriptions[:3]), "Reifenwechsel in 30 Minuten, auch am Samstag."),
		BusinessName: "Radhaus",
		FinalURLs:    []string{"https://www.radhaus.de/"},
		Images:       images(3, 3, 1, 1, 1),
	}
}

func englishGroup() policy.AssetGroupText {
	return policy.AssetGroupText{
		Headlines: append(slices.Clone(englishHeadlines), "Plumber Leeds"),
		LongHeadlines: []string{
			"Emergency plumbers in Leeds, day and night, at fixed prices",
			"Licensed engineers with 25 years of experience and 5,000 reviews",
		},
		Descriptions: append(slices.Clone(englishDescriptions[:3]), "Same-day boiler repair."),
		BusinessName: "Northflow Plumbing",
		FinalURLs:    []string{"https://northflow.example/"},
		Images:       images(3, 4, 2, 1, 1),
	}
}

func TestRateAssetGroup(t *testing.T) {
	with := func(base func() policy.AssetGroupText, change func(*policy.AssetGroupText)) policy.AssetGroupText {
		g := base()
		change(&g)
		return g
	}
	de := strength.Context{Language: "de", Videos: 1}
	en := strength.Context{Language: "en", Videos: 1}
	tests := []struct {
		name    string
		group   policy.AssetGroupText
		ctx     strength.Context
		rating  strength.Rating
		actions []actionWant
		without []string
	}{
		{name: "German: every type with depth and the optional assets is excellent",
			group: germanGroup(), ctx: de, rating: strength.Excellent, without: strength.Codes},
		{name: "English: every type with depth is excellent; a video is still advised",
			group: englishGroup(), ctx: strength.Context{Language: "en"}, rating: strength.Excellent,
			actions: []actionWant{{code: strength.CodeAddVideo, en: "Add a video; otherwise Google makes one from your images"}}},
		{name: "German: no business name is incomplete",
			group: with(germanGroup, func(g *policy.AssetGroupText) { g.BusinessName = "" }), ctx: de, rating: strength.Incomplete,
			actions: []actionWant{{code: strength.CodeAddBusinessName, de: "Geben Sie den Unternehmensnamen an"}}},
		{name: "German: with brand guidelines the campaign holds name and logos",
			group: with(germanGroup, func(g *policy.AssetGroupText) {
				g.BusinessName, g.BrandGuidelines, g.Images = "", true, images(3, 3, 1, 0, 0)
			}), ctx: de, rating: strength.Excellent, without: strength.Codes},
		{name: "English: no long headline is incomplete",
			group: with(englishGroup, func(g *policy.AssetGroupText) { g.LongHeadlines = nil }), ctx: en, rating: strength.Incomplete,
			actions: []actionWant{{code: strength.CodeAddLongHeadlines, count: 2, en: "Add 2 more long headlines",
				de: "Fügen Sie 2 weitere lange Überschriften hinzu"}}},
		{name: "English: no headline of at most 15 characters is incomplete",
			group: with(englishGroup, func(g *policy.AssetGroupText) { g.Headlines = g.Headlines[:12] }), ctx: en,
			rating:  strength.Incomplete,
			actions: []actionWant{{code: strength.CodeAddShortHeadline, en: "Add a headline of at most 15 characters"}}},
		{name: "English: every description long is incomplete",
			group: with(englishGroup, func(g *policy.AssetGroupText) { g.Descriptions = englishDescriptions }), ctx: en,
			rating:  strength.Incomplete,
			actions: []actionWant{{code: strength.CodeAddShortDescription, de: "Fügen Sie eine Beschreibung mit höchstens 60 Zeichen hinzu"}}},
		{name: "German: no square image and no logo is incomplete",
			group: with(germanGroup, func(g *policy.AssetGroupText) { g.Images = images(1, 0, 0, 0, 0) }), ctx: de,
			rating: strength.Incomplete,
			actions: []actionWant{{code: strength.CodeAddSquareImages, count: 3, de: "Fügen Sie 3 weitere quadratische Bilder hinzu"},
				{code: strength.CodeAddLogo, en: "Add a square logo"},
				{code: strength.CodeAddLandscapeImages, count: 2, en: "Add 2 more landscape images"}}},
		{name: "English: only the minimum of every type is poor",
			group: policy.AssetGroupText{Headlines: []string{"Emergency Plumber", "Plumbers Near You", "Call Northflow"},
				LongHeadlines: []string{"Emergency plumbers in Leeds, day and night, at fixed prices"},
				Descriptions:  []string{"Licensed engineers, 25 years of experience.", "Same-day boiler repair."},
				BusinessName:  "Northflow", Images: images(1, 1, 0, 1, 0)},
			ctx: en, rating: strength.Poor,
			actions: []actionWant{{code: strength.CodeAddHeadlines, count: 8}, {code: strength.CodeAddPortraitImage},
				{code: strength.CodeAddLandscapeLogo, de: "Fügen Sie ein Logo im Querformat hinzu"},
				{code: strength.CodeAddLandscapeImages, count: 2}, {code: strength.CodeAddSquareImages, count: 2}}},
		{name: "German: all types but little variety is average",
			group: with(germanGroup, func(g *policy.AssetGroupText) { g.Images = images(1, 2, 1, 1, 1) }), ctx: de,
			rating:  strength.Average,
			actions: []actionWant{{code: strength.CodeAddLandscapeImages, count: 2}, {code: strength.CodeAddSquareImages, count: 1, de: "Fügen Sie 1 weiteres quadratisches Bild hinzu", en: "Add 1 more square image"}}},
		{name: "German: no portrait image or landscape logo is good",
			group: with(germanGroup, func(g *policy.AssetGroupText) { g.Images = images(3, 3, 0, 1, 0) }), ctx: de,
			rating:  strength.Good,
			actions: []actionWant{{code: strength.CodeAddPortraitImage, de: "Fügen Sie ein Bild im Hochformat hinzu"}, {code: strength.CodeAddLandscapeLogo}}},
		{name: "English: two near-duplicate long headlines count as one: average",
			group: with(englishGroup, func(g *policy.AssetGroupText) {
				g.LongHeadlines[1] = "Emergency plumbers in Leeds at fixed prices, day and night"
			}), ctx: en, rating: strength.Average,
			actions: []actionWant{{code: strength.CodeSimilarTexts, items: []string{"longHeadlines[0]", "longHeadlines[1]"},
				en: "Long headlines 1 and 2 are too similar", de: "Die langen Überschriften 1 und 2 sind sich zu ähnlich"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := strength.RateAssetGroup(tc.group, tc.ctx)
			if got.Rating != tc.rating {
				t.Errorf("rating = %s (score %d), want %s; actions: %v", got.Rating, got.Score, tc.rating, codes(got))
			}
			checkScore(t, got)
			checkActions(t, got, tc.actions, tc.without)
		})
	}
}
