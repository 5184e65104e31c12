package publishing

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"github.com/imaphub/imaphub/internal/domain/campaigns"
)

func i64(v int64) *int64 { return &v }

func texts(pin string, list ...string) []campaigns.AdText {
	out := make([]campaigns.AdText, len(list))
	for i, t := range list {
		out[i] = campaigns.AdText{AssetID: int64(100 + i), Text: t}
	}
	if pin != "" && len(out) > 0 {
		out[0].PinnedField = pin
	}
	return out
}

// searchTree is a search campaign of two ad groups with keywords (one
// negative), pins and display paths.
func searchTree() campaigns.Tree {
	c := campaigns.Campaign{ID: 3, Name: "Winterreifen 2026", Type: campaigns.TypeSearch, State: campaigns.Approved, BudgetMicros: 25_000_000,
		Currency: "EUR", Languages: []string{"de"}, Locations: []string{"DE", "AT"}, FinalURL: "https://www.reifen-mueller.example/winter"}
	return campaigns.Tree{Campaign: c, AdGroups: []campaigns.AdGroupTree{
		{AdGroup: campaigns.AdGroup{ID: 11, CampaignID: 3, Name: "Winterreifen", Status: "ENABLED", CPCBidMicros: i64(1_200_000)},
			Keywords: []campaigns.Keyword{
				{ID: 21, AdGroupID: 11, Text: "winterreifen kaufen", MatchType: "PHRASE", Status: "ENABLED"},
				{ID: 22, AdGroupID: 11, Text: "winterreifen günstig", MatchType: "EXACT", Status: "ENABLED"},
				{ID: 23, AdGroupID: 11, Text: "gebraucht", MatchType: "BROAD", Negative: true, Status: "ENABLED"},
			},
			Ads: []campaigns.Ad{{ID: 31, AdGroupID: 11, CampaignID: 3, FinalURLs: []string{"https://www.reifen-mueller.example/winter"},
				Path1: "winterreifen", Path2: "angebote", Status: "ENABLED",
				Headlines:    texts("HEADLINE_1", "Winterreifen von Reifen Müller", "Montage inklusive", "Alle Marken auf Lager"),
				Descriptions: texts("", "Winterreifen aller Marken mit Montage vor Ort.", "Bestellen Sie online, wir montieren in Ihrer Nähe.")}}},
		{AdGroup: campaigns.AdGroup{ID: 12, CampaignID: 3, Name: "Ganzjahresreifen", Status: "PAUSED"},
			Keywords: []campaigns.Keyword{{ID: 24, AdGroupID: 12, Text: "ganzjahresreifen", MatchType: "BROAD", Status: "ENABLED"}},
			Ads: []campaigns.Ad{{ID: 32, AdGroupID: 12, CampaignID: 3, FinalURLs: []string{"https://www.reifen-mueller.example/ganzjahr"}, Status: "ENABLED",
				Headlines:    texts("", "Ganzjahresreifen", "Nie wieder wechseln", "Reifen Müller"),
				Descriptions: texts("DESCRIPTION_1", "Ganzjahresreifen mit Montage.", "Geprüfte Qualität zum fairen Preis.")}}},
	}, AssetGroups: []campaigns.AssetGroup{}}
}

// pmaxTree is a Performance Max campaign with one asset group holding the
// minimum texts and images.
func pmaxTree() campaigns.Tree {
	c := campaigns.Campaign{ID: 4, Name: "Reifen Müller PMax", Type: campaigns.TypePMax, State: campaigns.Approved, BudgetMicros: 40_000_000,
		Currency: "EUR", Languages: []string{"de", "en"}, Locations: []string{"DE"}}
	text := func(link, asset int64, field, t string) campaigns.GroupAsset {
		return campaigns.GroupAsset{LinkID: link, AssetID: asset, FieldType: field, Type: "TEXT", Text: t}
	}
	img := func(link, asset int64, field string, w, h int) campaigns.GroupAsset {
		return campaigns.GroupAsset{LinkID: link, AssetID: asset, FieldType: field, Type: "IMAGE", MimeType: "image/png", Width: w, Height: h}
	}
	return campaigns.Tree{Campaign: c, AdGroups: []campaigns.AdGroupTree{}, AssetGroups: []campaigns.AssetGroup{{
		ID: 41, CampaignID: 4, Name: "Winterreifen", FinalURLs: []string{"https://www.reifen-mueller.example/"}, Path1: "reifen", Status: "ENABLED",
		Assets: []campaigns.GroupAsset{
			text(501, 101, "HEADLINE", "Winterreifen"), text(502, 102, "HEADLINE", "Reifen mit Montage"), text(503, 103, "HEADLINE", "Top-Marken günstig"),
			text(504, 104, "LONG_HEADLINE", "Winterreifen aller Marken, montiert in Ihrer Nähe"),
			text(505, 105, "DESCRIPTION", "Montage inklusive."), text(506, 106, "DESCRIPTION", "Über 200 Marken auf Lager, Lieferung in zwei Tagen."),
			text(507, 107, "BUSINESS_NAME", "Reifen Müller"),
			img(508, 201, "MARKETING_IMAGE", 600, 314), img(509, 202, "SQUARE_MARKETING_IMAGE", 300, 300), img(510, 203, "LOGO", 128, 128),
		},
	}}}
}

// pmaxHashes are the content hashes of pmaxTree's images.
var pmaxHashes = map[int64]string{201: "aa01", 202: "aa02", 203: "aa03"}

// pmaxImages draws each image of pmaxTree at its size.
func pmaxImages(_ context.Context, assetID int64) ([]byte, error) {
	sizes := map[int64][2]int{201: {600, 314}, 202: {300, 300}, 203: {128, 128}}
	sz, ok := sizes[assetID]
	if !ok {
		return nil, fmt.Errorf("no image %d", assetID)
	}
	img := image.NewRGBA(image.Rect(0, 0, sz[0], sz[1]))
	for y := range sz[1] {
		for x := range sz[0] {
			img.Set(x, y, color.RGBA{uint8(assetID), 80, 40, 255})
		}
	}
	var b bytes.Buffer
	err := png.Encode(&b, img)
	return b.Bytes(), err
}
