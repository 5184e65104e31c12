package policy

import "fmt"

// Field is a Google Ads asset field type. The names are the API's
// AssetFieldType names where one exists; PATH is a display path (path1 or
// path2), SITELINK_TEXT/SITELINK_DESCRIPTION and STRUCTURED_SNIPPET_VALUE are
// the parts of those assets, CALL_TO_ACTION is the free call-to-action text of
// a responsive display ad, and KEYWORD is a keyword's text.
type Field string

// Text fields.
const (
	Headline               Field = "HEADLINE"
	LongHeadline           Field = "LONG_HEADLINE"
	Description            Field = "DESCRIPTION"
	BusinessName           Field = "BUSINESS_NAME"
	Path                   Field = "PATH"
	Callout                Field = "CALLOUT"
	SitelinkText           Field = "SITELINK_TEXT"
	SitelinkDescription    Field = "SITELINK_DESCRIPTION"
	StructuredSnippetValue Field = "STRUCTURED_SNIPPET_VALUE"
	CallToAction           Field = "CALL_TO_ACTION"
	Keyword                Field = "KEYWORD"
)

// Image fields.
const (
	MarketingImage             Field = "MARKETING_IMAGE"
	SquareMarketingImage       Field = "SQUARE_MARKETING_IMAGE"
	PortraitMarketingImage     Field = "PORTRAIT_MARKETING_IMAGE"
	TallPortraitMarketingImage Field = "TALL_PORTRAIT_MARKETING_IMAGE"
	Logo                       Field = "LOGO"
	LandscapeLogo              Field = "LANDSCAPE_LOGO"
)

// textLimits are the maximum display widths (reference §1; callout, sitelink
// and snippet limits from the Google Ads asset help pages; keyword text from
// the keyword limits page).
var textLimits = map[Field]int{
	Headline:               30,
	LongHeadline:           90,
	Description:            90,
	BusinessName:           25,
	Path:                   15,
	Callout:                25,
	SitelinkText:           25,
	SitelinkDescription:    35,
	StructuredSnippetValue: 25,
	CallToAction:           30,
	Keyword:                80,
}

// ImageSpec is what Google requires of an image linked as a given field type
// (reference §4).
type ImageSpec struct {
	// AspectW:AspectH is the required aspect ratio; the image may deviate by
	// up to 1 % (the proto comments' "(+-1%)").
	AspectW, AspectH int
	// MinWidth and MinHeight are the minimum pixel size.
	MinWidth, MinHeight int
	// MaxBytes is the largest accepted file: 5120 KB for every field type in
	// the Performance Max asset requirements.
	MaxBytes int
}

const maxImageBytes = 5120 * 1024

var imageSpecs = map[Field]ImageSpec{
	MarketingImage:             {AspectW: 191, AspectH: 100, MinWidth: 600, MinHeight: 314, MaxBytes: maxImageBytes},
	SquareMarketingImage:       {AspectW: 1, AspectH: 1, MinWidth: 300, MinHeight: 300, MaxBytes: maxImageBytes},
	PortraitMarketingImage:     {AspectW: 4, AspectH: 5, MinWidth: 480, MinHeight: 600, MaxBytes: maxImageBytes},
	TallPortraitMarketingImage: {AspectW: 9, AspectH: 16, MinWidth: 600, MinHeight: 1067, MaxBytes: maxImageBytes},
	Logo:                       {AspectW: 1, AspectH: 1, MinWidth: 128, MinHeight: 128, MaxBytes: maxImageBytes},
	LandscapeLogo:              {AspectW: 4, AspectH: 1, MinWidth: 512, MinHeight: 128, MaxBytes: maxImageBytes},
}

// Fields lists every supported field type, text fields first.
func Fields() []Field {
	return []Field{
		Headline, LongHeadline, Description, BusinessName, Path, Callout, SitelinkText,
		SitelinkDescription, StructuredSnippetValue, CallToAction, Keyword,
		MarketingImage, SquareMarketingImage, PortraitMarketingImage, TallPortraitMarketingImage,
		Logo, LandscapeLogo,
	}
}

// ParseField returns the field type with the canonical upper-case name s.
// It is case-sensitive: the names are identifiers, not prose.
func ParseField(s string) (Field, error) {
	f := Field(s)
	if IsText(f) || IsImage(f) {
		return f, nil
	}
	return "", fmt.Errorf("unknown field type %q", s)
}

// Limit is the maximum display width of a text field, 0 for any other field.
func Limit(f Field) int {
	// A switch, not a map lookup: this runs once per checked text.
	switch f {
	case Headline:
		return 30
	case Description, LongHeadline:
		return 90
	}
	return textLimits[f]
}

// IsText reports whether f holds text.
func IsText(f Field) bool { return Limit(f) > 0 }

// IsImage reports whether f holds an image.
func IsImage(f Field) bool { _, ok := imageSpecs[f]; return ok }

// ImageSpecFor returns the requirements for an image field.
func ImageSpecFor(f Field) (ImageSpec, bool) { s, ok := imageSpecs[f]; return s, ok }

// isAdText reports whether the editorial rules apply: every text field that
// is shown in an ad. Keywords are matched against searches, not shown.
func isAdText(f Field) bool { return IsText(f) && f != Keyword }

// isShortText reports fields that Google treats like headlines for the
// exclamation-mark rule (E8): no "!" at all.
func isShortText(f Field) bool {
	switch f {
	case Headline, LongHeadline, BusinessName, Path, Callout, SitelinkText, StructuredSnippetValue, CallToAction:
		return true
	}
	return false
}

// allowsPlaceholders reports the fields in which keyword insertion and ad
// customizers may appear: the text of responsive search ads.
func allowsPlaceholders(f Field) bool {
	return f == Headline || f == Description || f == Path
}
