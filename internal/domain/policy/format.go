package policy

// Formats: what a set of each ad format holds — the field types it takes and
// how many of each, pin positions, display paths, the short-text rules — and
// the names generated text sets give their lists. Everything that counts or
// names a format's parts (API enums, caps on links, prompts, the CLI) reads
// it from here.

// FieldRange is how many assets of one field type a format takes.
type FieldRange struct {
	Field    Field
	Min, Max int
}

// GroupRange bounds the combined count of several field types ("marketing
// and square images, 15 combined").
type GroupRange struct {
	Fields   []Field
	Min, Max int
}

// Format describes one ad format's asset slots (reference §1 and §4). A
// field without a range is not part of the format.
type Format struct {
	Name   string
	Ranges []FieldRange
	Groups []GroupRange
	// Pins: assets may be pinned to positions (responsive search ads).
	Pins bool
	// Placeholders: keyword insertion and ad customizers are supported.
	Placeholders bool
	// Paths: the format has display paths path1/path2.
	Paths bool
	// ShortHeadline and ShortDescription, when set, require at least one
	// headline (description) of at most that width (Performance Max: 15, 60).
	ShortHeadline, ShortDescription int
	// ImageFormats lists the accepted image encodings ("png", "jpeg", "gif").
	ImageFormats []string
	// ImageMaxBytes overrides the file-size limit per image field.
	ImageMaxBytes map[Field]int
}

// The supported formats.
var (
	// RSAFormat: responsive search ads (reference §1.1).
	RSAFormat = &Format{
		Name:         "RESPONSIVE_SEARCH_AD",
		Ranges:       []FieldRange{{Headline, 3, 15}, {Description, 2, 4}},
		Pins:         true,
		Placeholders: true,
		Paths:        true,
	}
	// PerformanceMaxFormat: a Performance Max asset group (reference §1.2,
	// §4.1). Ad customizers are not supported in asset groups
	// (AssetGroupAssetError.AD_CUSTOMIZER_NOT_SUPPORTED).
	PerformanceMaxFormat = &Format{
		Name: "PERFORMANCE_MAX",
		Ranges: []FieldRange{
			{Headline, 3, 15}, {LongHeadline, 1, 5}, {Description, 2, 5}, {BusinessName, 1, 1},
			{MarketingImage, 1, 20}, {SquareMarketingImage, 1, 20}, {PortraitMarketingImage, 0, 20},
			{Logo, 1, 5}, {LandscapeLogo, 0, 5},
		},
		Paths:            true,
		ShortHeadline:    15,
		ShortDescription: 60,
		ImageFormats:     []string{"jpeg", "png"},
	}
	// ResponsiveDisplayFormat: responsive display ads (reference §1.3).
	ResponsiveDisplayFormat = &Format{
		Name: "RESPONSIVE_DISPLAY_AD",
		Ranges: []FieldRange{
			{Headline, 1, 5}, {LongHeadline, 1, 1}, {Description, 1, 5}, {BusinessName, 1, 1}, {CallToAction, 0, 1},
			{MarketingImage, 1, 15}, {SquareMarketingImage, 1, 15}, {Logo, 0, 5}, {LandscapeLogo, 0, 5},
		},
		Groups: []GroupRange{
			{Fields: []Field{MarketingImage, SquareMarketingImage}, Max: 15},
			{Fields: []Field{Logo, LandscapeLogo}, Max: 5},
		},
		ImageFormats: []string{"gif", "jpeg", "png"},
	}
	// DemandGenFormat: Demand Gen multi-asset ads (reference §1.4, §4.3).
	DemandGenFormat = &Format{
		Name: "DEMAND_GEN_MULTI_ASSET_AD",
		Ranges: []FieldRange{
			{Headline, 1, 5}, {Description, 1, 5}, {BusinessName, 1, 1},
			{MarketingImage, 0, 20}, {SquareMarketingImage, 0, 20}, {PortraitMarketingImage, 0, 20},
			{TallPortraitMarketingImage, 0, 20}, {Logo, 1, 5},
		},
		Groups: []GroupRange{
			// "required if no square" / "required if no landscape"
			{Fields: []Field{MarketingImage, SquareMarketingImage}, Min: 1},
			{Fields: []Field{MarketingImage, SquareMarketingImage, PortraitMarketingImage, TallPortraitMarketingImage}, Max: 20},
		},
		ImageFormats:  []string{"gif", "jpeg", "png"},
		ImageMaxBytes: map[Field]int{Logo: 150 * 1024},
	}
)

func (f *Format) rangeOf(field Field) (FieldRange, bool) {
	for _, r := range f.Ranges {
		if r.Field == field {
			return r, true
		}
	}
	return FieldRange{}, false
}

// Limits on how many sets a campaign holds (Google Ads account limits).
const (
	// MaxEnabledAdsPerAdGroup is the most enabled responsive search ads one
	// ad group may have.
	MaxEnabledAdsPerAdGroup = 3
	// MaxAssetGroupsPerCampaign is the most asset groups one Performance Max
	// campaign may have.
	MaxAssetGroupsPerCampaign = 100
)

// MaxPaths is how many display paths a format with paths has: path1 and
// path2.
const MaxPaths = 2

// Max is the most assets of a field type one set of the format takes; 0 when
// the field is not part of the format.
func (f *Format) Max(field Field) int {
	r, _ := f.rangeOf(field)
	return r.Max
}

// Min is the fewest assets of a field type a complete set of the format
// holds.
func (f *Format) Min(field Field) int {
	r, _ := f.rangeOf(field)
	return r.Min
}

// Fields lists the field types the format takes, in the order of its ranges.
func (f *Format) Fields() []Field {
	out := make([]Field, len(f.Ranges))
	for i, r := range f.Ranges {
		out[i] = r.Field
	}
	return out
}

// LinkFields lists the field types an ad or an asset group links assets in:
// those of RSAFormat, then those only PerformanceMaxFormat adds.
func LinkFields() []Field {
	out := RSAFormat.Fields()
	for _, f := range PerformanceMaxFormat.Fields() {
		if RSAFormat.Max(f) == 0 {
			out = append(out, f)
		}
	}
	return out
}

// Pins lists the positions an asset of field f may be pinned to in a
// responsive search ad, in serving order; nil when f cannot be pinned.
func Pins(f Field) []string {
	switch f {
	case Headline:
		return []string{"HEADLINE_1", "HEADLINE_2", "HEADLINE_3"}
	case Description:
		return []string{"DESCRIPTION_1", "DESCRIPTION_2"}
	}
	return nil
}

// AllPins lists every pin position: the headline positions, then the
// description positions.
func AllPins() []string { return append(Pins(Headline), Pins(Description)...) }

// slotNames are the names of a text set's lists: the JSON names generated
// copy uses and the addresses of its items ("headlines[3]").
var slotNames = map[Field]string{
	Headline:     "headlines",
	LongHeadline: "long_headlines",
	Description:  "descriptions",
	Path:         "paths",
	BusinessName: "business_name",
}

// SlotName is the name of field f's list in a text set, "" for a field that
// has none.
func SlotName(f Field) string { return slotNames[f] }

// SlotField is the field type of the text set list named slot.
func SlotField(slot string) (Field, bool) {
	for f, name := range slotNames {
		if name == slot {
			return f, true
		}
	}
	return "", false
}
