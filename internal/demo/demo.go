// Package demo loads a realistic account into an empty database: a German and
// an English search campaign for a tyre retailer, a Performance Max campaign
// with text and locally drawn image assets, and texts shared between them;
// or the large where-used benchmark data set (large.go). Both are written
// through the slices that own the rows.
package demo

import (
	"context"
	"fmt"

	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/db"
)

type adGroup struct {
	name     string
	keywords []keyword
	ads      []campaigns.AdInput
}

type keyword struct {
	text, match string
	negative    bool
}

func h(texts ...string) []campaigns.AdTextInput {
	out := make([]campaigns.AdTextInput, len(texts))
	for i, t := range texts {
		out[i] = campaigns.AdTextInput{Text: t}
	}
	return out
}

func rsa(url, path1, path2 string, headlines, descriptions []campaigns.AdTextInput) campaigns.AdInput {
	return campaigns.AdInput{FinalURLs: []string{url}, Path1: path1, Path2: path2, Headlines: headlines, Descriptions: descriptions}
}

const site = "https://www.reifen-mueller.example"

// The German account: long compounds that make 30 characters tight.
var german = campaigns.CampaignInput{
	Name: "Winterreifen 2026 – Suche DE", Type: campaigns.TypeSearch, BudgetMicros: 80_000_000, Currency: "EUR",
	Languages: []string{"de"}, Locations: []string{"DE", "AT", "CH"}, FinalURL: site + "/winterreifen",
	Brief: &campaigns.Brief{
		Product: "Winterreifen, Ganzjahresreifen und Reifenmontage", Audience: "Autofahrer in Deutschland, Österreich und der Schweiz vor der Wintersaison",
		SellingPoints: []string{"Kostenlose Lieferung in 2 Tagen", "Montage bei über 300 Partnerwerkstätten", "Top-Marken ab 49 € je Reifen"},
		Keywords:      []string{"winterreifen kaufen", "ganzjahresreifen", "reifenwechsel termin"},
		LandingPage:   site + "/winterreifen", Language: "de", Tone: "sachlich, vertrauenswürdig, per Sie",
		BrandTerms: []string{"Reifen Müller"}, BannedTerms: []string{"billig", "gratis"}, BusinessName: "Reifen Müller",
	},
}

var germanGroups = []adGroup{
	{name: "Winterreifen", keywords: []keyword{{"winterreifen kaufen", "PHRASE", false}, {"winterreifen günstig", "BROAD", false}, {"winterreifen 205 55 r16", "EXACT", false}, {"gebraucht", "BROAD", true}, {"sommerreifen", "PHRASE", true}},
		ads: []campaigns.AdInput{rsa(site+"/winterreifen", "winterreifen", "angebote",
			h("Winterreifen online kaufen", "Kostenlose Lieferung", "Top-Marken ab 49 € je Reifen", "Montage bei 300 Partnern", "Reifen Müller seit 1982", "Winterreifen für jedes Auto", "Sicher durch den Winter", "Reifen Müller"),
			h("Winterreifen von Michelin, Continental und Pirelli. Lieferung in 2 Tagen.", "Reifengröße eingeben und passende Winterreifen mit Montagetermin finden."))}},
	{name: "Ganzjahresreifen", keywords: []keyword{{"ganzjahresreifen", "PHRASE", false}, {"allwetterreifen kaufen", "BROAD", false}, {"ganzjahresreifen test", "EXACT", false}},
		ads: []campaigns.AdInput{rsa(site+"/ganzjahresreifen", "ganzjahr", "", h("Ganzjahresreifen kaufen", "Kostenlose Lieferung", "Reifen für alle Jahreszeiten", "Ganzjahresreifen ab 59 €", "Reifen Müller seit 1982", "Kein Reifenwechsel mehr nötig"),
			h("Ganzjahresreifen mit Schneeflockensymbol, zugelassen für Winterbedingungen.", "Bis 18 Uhr bestellt, am nächsten Werktag geliefert."))}},
	{name: "Reifenmontage", keywords: []keyword{{"reifenwechsel termin", "PHRASE", false}, {"reifenmontage in der nähe", "BROAD", false}, {"reifen einlagern", "EXACT", false}},
		ads: []campaigns.AdInput{rsa(site+"/montage", "montage", "termin", h("Reifenwechsel ohne Wartezeit", "Termin online buchen", "Einlagerung ab 39 € je Saison", "Montage bei 300 Partnern", "Reifen Müller"),
			h("Reifenwechsel in über 300 Partnerwerkstätten. Termin online wählen, vor Ort zahlen.", "Räderwechsel, Wuchten und Einlagerung aus einer Hand zum Festpreis."))}},
}

var english = campaigns.CampaignInput{
	Name: "Winter Tyres UK – Search", Type: campaigns.TypeSearch, BudgetMicros: 40_000_000, Currency: "GBP",
	Languages: []string{"en"}, Locations: []string{"GB"}, FinalURL: site + "/en/winter-tyres",
	Brief: &campaigns.Brief{
		Product: "Winter and all-season tyres with fitting", Audience: "UK drivers before winter",
		SellingPoints: []string{"Free delivery in 2 days", "Fitting at 300 partner garages"}, Keywords: []string{"winter tyres", "all season tyres"},
		LandingPage: site + "/en/winter-tyres", Language: "en", Tone: "clear and friendly", BrandTerms: []string{"Reifen Müller"}, BusinessName: "Reifen Müller",
	},
}

var englishGroups = []adGroup{
	{name: "Winter tyres", keywords: []keyword{{"winter tyres", "PHRASE", false}, {"buy winter tyres online", "BROAD", false}, {"winter tyres 205 55 r16", "EXACT", false}, {"used", "BROAD", true}},
		ads: []campaigns.AdInput{rsa(site+"/en/winter-tyres", "winter-tyres", "deals", h("Winter Tyres Delivered Free", "Top Brands From £49 a Tyre", "Fitting at 300 Partner Garages", "Reifen Müller", "Drive Safely All Winter"),
			h("Michelin, Continental and Pirelli winter tyres. Delivered in 2 days, fitted near you.", "Enter your tyre size and find matching winter tyres with a fitting slot."))}},
	{name: "All-season tyres", keywords: []keyword{{"all season tyres", "PHRASE", false}, {"all weather tyres", "BROAD", false}},
		ads: []campaigns.AdInput{rsa(site+"/en/all-season", "all-season", "", h("All-Season Tyres Online", "One Tyre for Every Season", "Reifen Müller", "Top Brands From £59 a Tyre"),
			h("Certified for winter conditions, comfortable all summer long.", "Order by 6 pm for next working day delivery."))}},
}

var pmax = campaigns.CampaignInput{
	Name: "Reifen Müller – Performance Max", Type: campaigns.TypePMax, BudgetMicros: 120_000_000, Currency: "EUR",
	Languages: []string{"de"}, Locations: []string{"DE"}, FinalURL: site,
	Brief: &campaigns.Brief{Product: "Reifen und Montage", Language: "de", BusinessName: "Reifen Müller", BrandTerms: []string{"Reifen Müller"}},
}

var pmaxTexts = []struct{ field, text string }{
	{"HEADLINE", "Reifen Müller"}, {"HEADLINE", "Winterreifen online kaufen"}, {"HEADLINE", "Kostenlose Lieferung"},
	{"HEADLINE", "Winterreifen ab 49 €"}, {"HEADLINE", "Sicher durch den Winter"},
	{"LONG_HEADLINE", "Winterreifen von Top-Marken mit kostenloser Lieferung und Montage in Ihrer Nähe"},
	{"LONG_HEADLINE", "Ganzjahresreifen und Winterreifen für jedes Auto, geliefert in zwei Tagen"},
	{"DESCRIPTION", "Top-Marken zu fairen Preisen, geliefert in 2 Tagen."},
	{"DESCRIPTION", "Winterreifen, Ganzjahresreifen und Montage: alles online buchen, vor Ort wechseln."},
	{"BUSINESS_NAME", "Reifen Müller"},
}

var pmaxImages = []struct {
	field string
	w, h  int
	logo  bool
}{
	{"MARKETING_IMAGE", 1200, 628, false}, {"SQUARE_MARKETING_IMAGE", 1200, 1200, false},
	{"PORTRAIT_MARKETING_IMAGE", 960, 1200, false}, {"LOGO", 1200, 1200, true}, {"LANDSCAPE_LOGO", 1200, 300, true},
}

// Empty reports whether the database holds no campaign yet.
func Empty(ctx context.Context, d *db.DB) (bool, error) {
	var n int
	err := d.Read().QueryRow(ctx, `SELECT count(*) FROM campaigns`).Scan(&n)
	return n == 0, err
}

// Summary counts what Load created.
type Summary struct {
	Campaigns, AdGroups, Keywords, Ads, AssetGroups, Links int
}

// Load creates the demo account through the same services the API uses, so
// every text passes the same checks as a user's.
func Load(ctx context.Context, cs *campaigns.Service, as *assets.Service) (Summary, error) {
	var sum Summary
	for _, c := range []struct {
		in     campaigns.CampaignInput
		groups []adGroup
	}{{german, germanGroups}, {english, englishGroups}} {
		camp, err := cs.CreateCampaign(ctx, c.in)
		if err != nil {
			return sum, fmt.Errorf("campaign %q: %w", c.in.Name, err)
		}
		sum.Campaigns++
		for _, g := range c.groups {
			ag, err := cs.CreateAdGroup(ctx, campaigns.AdGroupInput{CampaignID: camp.ID, Name: g.name})
			if err != nil {
				return sum, fmt.Errorf("ad group %q: %w", g.name, err)
			}
			sum.AdGroups++
			for _, k := range g.keywords {
				if _, err := cs.CreateKeyword(ctx, campaigns.KeywordInput{AdGroupID: ag.ID, Text: k.text, MatchType: k.match, Negative: k.negative}); err != nil {
					return sum, fmt.Errorf("keyword %q: %w", k.text, err)
				}
				sum.Keywords++
			}
			for _, ad := range g.ads {
				ad.AdGroupID = ag.ID
				created, err := cs.CreateAd(ctx, ad)
				if err != nil {
					return sum, fmt.Errorf("ad in %q: %w", g.name, err)
				}
				sum.Ads++
				sum.Links += len(created.Headlines) + len(created.Descriptions)
			}
		}
		// The German campaign waits for approval; the English one is still a draft.
		// Lifecycle events name the version they are meant for: the one
		// the ad groups and ads above made.
		if c.in.Name == german.Name {
			cur, err := cs.GetCampaign(ctx, camp.ID)
			if err != nil {
				return sum, err
			}
			if _, err := cs.Transition(ctx, camp.ID, campaigns.EventSubmit, cur.Version); err != nil {
				return sum, fmt.Errorf("submit %q: %w", c.in.Name, err)
			}
		}
	}

	camp, err := cs.CreateCampaign(ctx, pmax)
	if err != nil {
		return sum, fmt.Errorf("campaign %q: %w", pmax.Name, err)
	}
	sum.Campaigns++
	group, err := cs.CreateAssetGroup(ctx, campaigns.AssetGroupInput{CampaignID: camp.ID, Name: "Winterreifen Saison 2026", FinalURLs: []string{site + "/winterreifen"}, Path1: "winterreifen"})
	if err != nil {
		return sum, fmt.Errorf("asset group: %w", err)
	}
	sum.AssetGroups++
	for _, t := range pmaxTexts {
		a, _, err := as.CreateText(ctx, assets.TextInput{Text: t.text, Language: "de", Provenance: assets.Provenance{Source: assets.SourceHuman}})
		if err != nil {
			return sum, fmt.Errorf("text %q: %w", t.text, err)
		}
		if _, err := cs.Link(ctx, campaigns.LinkInput{AssetID: a.ID, AssetGroupID: group.ID, FieldType: policy.Field(t.field)}, true); err != nil {
			return sum, fmt.Errorf("link %q as %s: %w", t.text, t.field, err)
		}
		sum.Links++
	}
	for i, img := range pmaxImages {
		a, _, err := as.UploadImage(ctx, assets.ImageInput{Data: drawPNG(img.w, img.h, i, img.logo), Name: fmt.Sprintf("Reifen Müller %s %dx%d", img.field, img.w, img.h),
			Provenance: assets.Provenance{Source: assets.SourceImport}})
		if err != nil {
			return sum, fmt.Errorf("image %s: %w", img.field, err)
		}
		if _, err := cs.Link(ctx, campaigns.LinkInput{AssetID: a.ID, AssetGroupID: group.ID, FieldType: policy.Field(img.field)}, true); err != nil {
			return sum, fmt.Errorf("link image %s: %w", img.field, err)
		}
		sum.Links++
	}
	return sum, nil
}
