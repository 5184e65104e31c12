package policy

import (
	"fmt"
)

// Item is one text asset in a set.
type Item struct {
	// Path addresses the item in its set: "headlines[3]", "businessName".
	Path  string
	Field Field
	Text  string
	// Pin is the served position (HEADLINE_1 … DESCRIPTION_2); empty for
	// unpinned.
	Pin string
}

// Set is a format-independent collection of assets.
type Set struct {
	Items        []Item
	Path1, Path2 string
	FinalURLs    []string
	// Images holds the field type of each linked image; the images
	// themselves are checked with CheckImage when they are uploaded. Nil
	// skips the image counts (a text-only check).
	Images []Field
}

// ItemResult is the verdict on one item of a set.
type ItemResult struct {
	Path  string `json:"path"`
	Field Field  `json:"field"`
	Index int    `json:"index"`
	Text  string `json:"text"`
	Result
}

// SetResult is the verdict on a whole set.
type SetResult struct {
	// Valid is false iff an item or the set has an error.
	Valid bool         `json:"valid"`
	Items []ItemResult `json:"items"`
	// Violations concern the set: counts, duplicates, pins, paths, URLs.
	// Path names the item a violation is about, if any.
	Violations []Violation `json:"violations"`
}

// Item returns the result for a path such as "headlines[3]".
func (r SetResult) Item(path string) (ItemResult, bool) {
	for _, it := range r.Items {
		if it.Path == path {
			return it, true
		}
	}
	return ItemResult{}, false
}

// PinnedText is a text asset with an optional pin.
type PinnedText struct {
	Text string `json:"text"`
	Pin  string `json:"pin,omitempty"`
}

// RSA is a responsive search ad.
type RSA struct {
	Headlines    []PinnedText `json:"headlines"`
	Descriptions []PinnedText `json:"descriptions"`
	Path1        string       `json:"path1,omitempty"`
	Path2        string       `json:"path2,omitempty"`
	FinalURLs    []string     `json:"finalUrls"`
}

// CheckRSA checks a responsive search ad.
func (c *Checker) CheckRSA(ad RSA) SetResult {
	items := make([]Item, 0, len(ad.Headlines)+len(ad.Descriptions))
	for i, h := range ad.Headlines {
		items = append(items, Item{Path: indexPath("headlines", i), Field: Headline, Text: h.Text, Pin: h.Pin})
	}
	for i, d := range ad.Descriptions {
		items = append(items, Item{Path: indexPath("descriptions", i), Field: Description, Text: d.Text, Pin: d.Pin})
	}
	return c.CheckSet(RSAFormat, Set{Items: items, Path1: ad.Path1, Path2: ad.Path2, FinalURLs: ad.FinalURLs})
}

// AssetGroupText is the text of a Performance Max asset group, with the
// field types of its linked images.
type AssetGroupText struct {
	Headlines     []string `json:"headlines"`
	LongHeadlines []string `json:"longHeadlines"`
	Descriptions  []string `json:"descriptions"`
	BusinessName  string   `json:"businessName,omitempty"`
	Path1         string   `json:"path1,omitempty"`
	Path2         string   `json:"path2,omitempty"`
	FinalURLs     []string `json:"finalUrls"`
	// BrandGuidelines: the campaign holds business name and logos
	// (CampaignAsset), so the asset group must not.
	BrandGuidelines bool    `json:"brandGuidelines,omitempty"`
	Images          []Field `json:"images,omitempty"`
}

// CheckAssetGroup checks a Performance Max asset group.
func (c *Checker) CheckAssetGroup(ag AssetGroupText) SetResult {
	var items []Item
	items = appendTexts(items, "headlines", Headline, ag.Headlines)
	items = appendTexts(items, "longHeadlines", LongHeadline, ag.LongHeadlines)
	items = appendTexts(items, "descriptions", Description, ag.Descriptions)
	if ag.BusinessName != "" {
		items = append(items, Item{Path: "businessName", Field: BusinessName, Text: ag.BusinessName})
	}
	f := PerformanceMaxFormat
	if ag.BrandGuidelines {
		g := *f
		g.Ranges = nil
		for _, r := range f.Ranges {
			switch r.Field {
			case BusinessName, Logo, LandscapeLogo:
				r.Min, r.Max = 0, 0
			}
			g.Ranges = append(g.Ranges, r)
		}
		f = &g
	}
	return c.CheckSet(f, Set{Items: items, Path1: ag.Path1, Path2: ag.Path2, FinalURLs: ag.FinalURLs, Images: ag.Images})
}

// ResponsiveDisplayAd is a responsive display ad.
type ResponsiveDisplayAd struct {
	Headlines    []string `json:"headlines"`
	LongHeadline string   `json:"longHeadline"`
	Descriptions []string `json:"descriptions"`
	BusinessName string   `json:"businessName"`
	CallToAction string   `json:"callToAction,omitempty"`
	FinalURLs    []string `json:"finalUrls"`
	Images       []Field  `json:"images,omitempty"`
}

// CheckResponsiveDisplayAd checks a responsive display ad.
func (c *Checker) CheckResponsiveDisplayAd(ad ResponsiveDisplayAd) SetResult {
	var items []Item
	items = appendTexts(items, "headlines", Headline, ad.Headlines)
	if ad.LongHeadline != "" {
		items = append(items, Item{Path: "longHeadline", Field: LongHeadline, Text: ad.LongHeadline})
	}
	items = appendTexts(items, "descriptions", Description, ad.Descriptions)
	if ad.BusinessName != "" {
		items = append(items, Item{Path: "businessName", Field: BusinessName, Text: ad.BusinessName})
	}
	if ad.CallToAction != "" {
		items = append(items, Item{Path: "callToAction", Field: CallToAction, Text: ad.CallToAction})
	}
	return c.CheckSet(ResponsiveDisplayFormat, Set{Items: items, FinalURLs: ad.FinalURLs, Images: ad.Images})
}

// DemandGenAd is a Demand Gen multi-asset ad.
type DemandGenAd struct {
	Headlines    []string `json:"headlines"`
	Descriptions []string `json:"descriptions"`
	BusinessName string   `json:"businessName"`
	FinalURLs    []string `json:"finalUrls"`
	Images       []Field  `json:"images,omitempty"`
}

// CheckDemandGenAd checks a Demand Gen multi-asset ad.
func (c *Checker) CheckDemandGenAd(ad DemandGenAd) SetResult {
	var items []Item
	items = appendTexts(items, "headlines", Headline, ad.Headlines)
	items = appendTexts(items, "descriptions", Description, ad.Descriptions)
	if ad.BusinessName != "" {
		items = append(items, Item{Path: "businessName", Field: BusinessName, Text: ad.BusinessName})
	}
	return c.CheckSet(DemandGenFormat, Set{Items: items, FinalURLs: ad.FinalURLs, Images: ad.Images})
}

func appendTexts(items []Item, name string, f Field, texts []string) []Item {
	for i, t := range texts {
		items = append(items, Item{Path: indexPath(name, i), Field: f, Text: t})
	}
	return items
}

// indexPaths are precomputed so that building a set does not format strings.
var indexPaths = func() map[string][]string {
	m := map[string][]string{}
	for _, name := range []string{"headlines", "descriptions", "longHeadlines", "finalUrls"} {
		for i := range 20 {
			m[name] = append(m[name], fmt.Sprintf("%s[%d]", name, i))
		}
	}
	return m
}()

func indexPath(name string, i int) string {
	if p := indexPaths[name]; i < len(p) {
		return p[i]
	}
	return fmt.Sprintf("%s[%d]", name, i)
}
