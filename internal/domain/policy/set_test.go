package policy

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func validRSA() RSA {
	hs := []string{"Laufschuhe für Damen", "Laufschuhe für Herren", "Kostenloser Versand", "30 Tage Rückgabe",
		"Neue Kollektion 2026", "Leichte Trailschuhe", "Gedämpfte Sohle", "Große Auswahl", "Top-Marken im Shop",
		"Jetzt 20 % sparen", "Schnelle Lieferung", "Winterfeste Modelle", "Für jedes Terrain", "Bequem und leicht",
		"Sicher bezahlen"}
	ds := []string{"Laufschuhe von führenden Marken. Kostenloser Versand ab 49 €.",
		"Finden Sie Ihren perfekten Laufschuh – gedämpft, leicht und robust.",
		"30 Tage Rückgabe ohne Wenn und Aber. Jetzt online bestellen.",
		"Beratung vom Fachhändler, Lieferung in 1–2 Werktagen."}
	ad := RSA{Path1: "Laufschuhe", Path2: "Damen", FinalURLs: []string{"https://shop.example.de/laufschuhe"}}
	for _, h := range hs {
		ad.Headlines = append(ad.Headlines, PinnedText{Text: h})
	}
	for _, d := range ds {
		ad.Descriptions = append(ad.Descriptions, PinnedText{Text: d})
	}
	return ad
}

func setCodes(r SetResult) []string {
	out := []string{}
	for _, v := range r.Violations {
		out = append(out, v.Code+"@"+v.Path)
	}
	return out
}

func TestCheckRSA(t *testing.T) {
	if r := Default().CheckRSA(validRSA()); !r.Valid || len(r.Violations) != 0 {
		for _, it := range r.Items {
			if len(it.Violations) > 0 {
				t.Logf("%s: %v", it.Path, it.Violations)
			}
		}
		t.Fatalf("valid RSA rejected: %v", setCodes(r))
	}
	cases := []struct {
		name   string
		modify func(*RSA)
		want   []string
	}{
		{"two headlines", func(a *RSA) { a.Headlines = a.Headlines[:2] }, []string{"TOO_FEW@"}},
		{"sixteen headlines", func(a *RSA) { a.Headlines = append(a.Headlines, PinnedText{Text: "Extra"}) }, []string{"TOO_MANY@"}},
		{"one description", func(a *RSA) { a.Descriptions = a.Descriptions[:1] }, []string{"TOO_FEW@"}},
		{"five descriptions", func(a *RSA) { a.Descriptions = append(a.Descriptions, PinnedText{Text: "Noch mehr."}) }, []string{"TOO_MANY@"}},
		{"exact duplicate", func(a *RSA) { a.Headlines[5].Text = a.Headlines[0].Text }, []string{"DUPLICATE@headlines[5]"}},
		{"normalised duplicate", func(a *RSA) { a.Headlines[5].Text = "laufschuhe für Damen." }, []string{"DUPLICATE_SIMILAR@headlines[5]"}},
		{"path2 without path1", func(a *RSA) { a.Path1 = "" }, []string{"PATH2_WITHOUT_PATH1@path2"}},
		{"no final url", func(a *RSA) { a.FinalURLs = nil }, []string{"FINAL_URL_MISSING@"}},
		{"final url without scheme", func(a *RSA) { a.FinalURLs = []string{"shop.example.de/x"} }, []string{"FINAL_URL_INVALID@finalUrls[0]"}},
		{"final url ftp", func(a *RSA) { a.FinalURLs = []string{"ftp://shop.example.de/"} }, []string{"FINAL_URL_INVALID@finalUrls[0]"}},
		{"final url too long", func(a *RSA) { a.FinalURLs = []string{"https://example.de/" + strings.Repeat("a", 2048)} }, []string{"FINAL_URL_TOO_LONG@finalUrls[0]"}},
		{"valid pins", func(a *RSA) {
			a.Headlines[0].Pin, a.Headlines[1].Pin, a.Descriptions[0].Pin = "HEADLINE_1", "HEADLINE_1", "DESCRIPTION_1"
		}, nil},
		{"headline pinned to description", func(a *RSA) { a.Headlines[0].Pin = "DESCRIPTION_1" }, []string{"INVALID_PIN@headlines[0]"}},
		{"unknown pin", func(a *RSA) { a.Descriptions[1].Pin = "DESCRIPTION_3" }, []string{"INVALID_PIN@descriptions[1]"}},
		{"all headlines pinned to one position", func(a *RSA) {
			a.Headlines = a.Headlines[:3]
			for i := range a.Headlines {
				a.Headlines[i].Pin = "HEADLINE_1"
			}
		}, []string{"PIN_INFEASIBLE@", "PIN_INFEASIBLE@"}},
		{"every position pinned", func(a *RSA) {
			a.Headlines = a.Headlines[:3]
			for i := range a.Headlines {
				a.Headlines[i].Pin = fmt.Sprintf("HEADLINE_%d", i+1)
			}
		}, nil},
		{"descriptions all on position 2", func(a *RSA) {
			a.Descriptions = a.Descriptions[:2]
			a.Descriptions[0].Pin, a.Descriptions[1].Pin = "DESCRIPTION_2", "DESCRIPTION_2"
		}, []string{"PIN_INFEASIBLE@"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ad := validRSA()
			tc.modify(&ad)
			r := Default().CheckRSA(ad)
			got := setCodes(r)
			want := tc.want
			if want == nil {
				want = []string{}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("violations %v, want %v", got, want)
			}
			wantValid := true
			for _, v := range r.Violations {
				if v.Severity == Error {
					wantValid = false
				}
			}
			if r.Valid != wantValid {
				t.Fatalf("Valid = %v", r.Valid)
			}
		})
	}
}

func TestCheckRSAItemsAreAddressable(t *testing.T) {
	ad := validRSA()
	ad.Headlines[3].Text = "FREE Shipping!!"
	ad.Path1 = "schuhe/sale"
	r := Default().CheckRSA(ad)
	if r.Valid {
		t.Fatal("invalid headline accepted")
	}
	it, ok := r.Item("headlines[3]")
	if !ok || it.Valid || it.Index != 3 || it.Field != Headline {
		t.Fatalf("headlines[3] = %+v, %v", it, ok)
	}
	if got := codes(it.Violations); !slices.Equal(got, []string{CodeAllCaps, CodeExclamation, CodeRepeatedPunctuation}) {
		t.Fatalf("headlines[3] codes %v", got)
	}
	if p, ok := r.Item("path1"); !ok || p.Valid {
		t.Fatalf("path1 = %+v", p)
	}
	if h, _ := r.Item("headlines[0]"); !h.Valid || h.Text != ad.Headlines[0].Text {
		t.Fatalf("headlines[0] = %+v", h)
	}
}

func TestCheckRSAKeywordWarning(t *testing.T) {
	c, err := NewChecker(Options{Keywords: []string{"[trail running]", "\"marathon schuhe\""}})
	if err != nil {
		t.Fatal(err)
	}
	r := c.CheckRSA(validRSA())
	if !r.Valid || !slices.Equal(setCodes(r), []string{"NO_KEYWORD_IN_HEADLINES@"}) {
		t.Fatalf("got %v valid=%v", setCodes(r), r.Valid)
	}
	ad := validRSA()
	ad.Headlines[4].Text = "Marathon Schuhe im Test"
	if r := c.CheckRSA(ad); len(r.Violations) != 0 {
		t.Fatalf("keyword in headline still warned: %v", setCodes(r))
	}
	ad = validRSA()
	ad.Headlines[4].Text = "{KeyWord:Laufschuhe} kaufen"
	if r := c.CheckRSA(ad); len(r.Violations) != 0 {
		t.Fatalf("keyword insertion still warned: %v", setCodes(r))
	}
}

func validAssetGroup() AssetGroupText {
	return AssetGroupText{
		Headlines:     []string{"Laufschuhe", "Kostenloser Versand ab 49 €", "30 Tage Rückgabe"},
		LongHeadlines: []string{"Laufschuhe von Top-Marken mit kostenlosem Versand und 30 Tagen Rückgabe"},
		Descriptions:  []string{"Laufschuhe für jedes Terrain.", "Beratung vom Fachhändler und Lieferung in 1–2 Werktagen, ohne Versandkosten ab 49 €."},
		BusinessName:  "Laufhaus Müller",
		FinalURLs:     []string{"https://laufhaus.example.de/"},
		Images:        []Field{MarketingImage, SquareMarketingImage, Logo},
	}
}

func TestCheckAssetGroup(t *testing.T) {
	if r := Default().CheckAssetGroup(validAssetGroup()); !r.Valid || len(r.Violations) != 0 {
		t.Fatalf("valid asset group rejected: %v", setCodes(r))
	}
	cases := []struct {
		name   string
		modify func(*AssetGroupText)
		want   []string
	}{
		{"no headline of 15 or less", func(a *AssetGroupText) { a.Headlines[0] = "Laufschuhe für jeden Tag" }, []string{"SHORT_HEADLINE_MISSING@"}},
		{"no description of 60 or less", func(a *AssetGroupText) {
			a.Descriptions[0] = "Laufschuhe für jedes Terrain, von der Straße bis zum Trail, für jeden Fuß."
		}, []string{"SHORT_DESCRIPTION_MISSING@"}},
		{"missing business name", func(a *AssetGroupText) { a.BusinessName = "" }, []string{"TOO_FEW@"}},
		{"no long headline", func(a *AssetGroupText) { a.LongHeadlines = nil }, []string{"TOO_FEW@"}},
		{"six descriptions", func(a *AssetGroupText) {
			a.Descriptions = append(a.Descriptions, "Eins.", "Zwei.", "Drei.", "Vier.")
		}, []string{"TOO_MANY@"}},
		{"missing square image", func(a *AssetGroupText) { a.Images = []Field{MarketingImage, Logo} }, []string{"TOO_FEW@"}},
		{"six logos", func(a *AssetGroupText) {
			a.Images = append(a.Images, Logo, Logo, Logo, Logo, Logo)
		}, []string{"TOO_MANY@"}},
		{"tall portrait not in pmax", func(a *AssetGroupText) {
			a.Images = append(a.Images, TallPortraitMarketingImage)
		}, []string{"FIELD_NOT_ALLOWED@images[3]"}},
		{"text only check skips images", func(a *AssetGroupText) { a.Images = nil }, nil},
		{"brand guidelines move name and logo to campaign", func(a *AssetGroupText) {
			a.BrandGuidelines, a.BusinessName, a.Images = true, "", []Field{MarketingImage, SquareMarketingImage}
		}, nil},
		{"brand guidelines with a business name", func(a *AssetGroupText) {
			a.BrandGuidelines, a.Images = true, []Field{MarketingImage, SquareMarketingImage}
		}, []string{"TOO_MANY@"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ag := validAssetGroup()
			tc.modify(&ag)
			got := setCodes(Default().CheckAssetGroup(ag))
			want := tc.want
			if want == nil {
				want = []string{}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("violations %v, want %v", got, want)
			}
		})
	}
	ag := validAssetGroup()
	ag.Headlines[1] = "{KeyWord:Laufschuhe} kaufen"
	r := Default().CheckAssetGroup(ag)
	it, _ := r.Item("headlines[1]")
	if r.Valid || !slices.Equal(codes(it.Violations), []string{CodePlaceholderNotAllowed}) {
		t.Fatalf("customizer in asset group: %v", codes(it.Violations))
	}
}

func TestCheckResponsiveDisplayAndDemandGen(t *testing.T) {
	rda := ResponsiveDisplayAd{
		Headlines: []string{"Laufschuhe"}, LongHeadline: "Laufschuhe von Top-Marken mit kostenlosem Versand",
		Descriptions: []string{"Jetzt entdecken."}, BusinessName: "Laufhaus Müller", CallToAction: "Jetzt ansehen",
		FinalURLs: []string{"https://laufhaus.example.de/"}, Images: []Field{MarketingImage, SquareMarketingImage},
	}
	if r := Default().CheckResponsiveDisplayAd(rda); !r.Valid {
		t.Fatalf("valid RDA rejected: %v", setCodes(r))
	}
	rda.Images = nil
	for range 8 {
		rda.Images = append(rda.Images, MarketingImage, SquareMarketingImage)
	}
	rda.Headlines = append(rda.Headlines, "A1", "A2", "A3", "A4", "A5")
	if got := setCodes(Default().CheckResponsiveDisplayAd(rda)); !slices.Equal(got, []string{"TOO_MANY@", "TOO_MANY@"}) {
		t.Fatalf("RDA: %v", got)
	}

	dg := DemandGenAd{Headlines: []string{"Laufschuhe"}, Descriptions: []string{"Jetzt entdecken."}, BusinessName: "Laufhaus Müller",
		FinalURLs: []string{"https://laufhaus.example.de/"}, Images: []Field{PortraitMarketingImage, Logo}}
	r := Default().CheckDemandGenAd(dg)
	if got := setCodes(r); !slices.Equal(got, []string{"TOO_FEW@"}) || r.Violations[0].Args.Text != "MARKETING_IMAGE + SQUARE_MARKETING_IMAGE" {
		t.Fatalf("Demand Gen without landscape or square: %v %+v", got, r.Violations)
	}
	dg.Images = append(dg.Images, SquareMarketingImage)
	if r := Default().CheckDemandGenAd(dg); !r.Valid {
		t.Fatalf("valid Demand Gen rejected: %v", setCodes(r))
	}
}

func TestSetMessages(t *testing.T) {
	v := Violation{Code: CodeTooFew, Args: Args{Field: Headline, Count: 2, Min: 3}}
	if got := v.Message("en"); got != "Headline: 2 given; at least 3 required." {
		t.Errorf("en %q", got)
	}
	if got := v.Message("de"); got != "Anzeigentitel: 2 angegeben; mindestens 3 erforderlich." {
		t.Errorf("de %q", got)
	}
	v = Violation{Code: CodeDuplicate, Path: "headlines[5]", Args: Args{Other: "headlines[0]"}}
	if got := v.Message("de-AT"); !strings.Contains(got, "headlines[5] wiederholt headlines[0]") {
		t.Errorf("de-AT %q", got)
	}
}
