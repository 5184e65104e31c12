package strength

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/imaphub/imaphub/internal/domain/policy"
)

// Action codes: stable identifiers of what would raise a set's strength.
const (
	CodeAddHeadlines        = "ADD_HEADLINES"
	CodeAddDescriptions     = "ADD_DESCRIPTIONS"
	CodeAddLongHeadlines    = "ADD_LONG_HEADLINES"
	CodeAddBusinessName     = "ADD_BUSINESS_NAME"
	CodeAddShortHeadline    = "ADD_SHORT_HEADLINE"
	CodeAddShortDescription = "ADD_SHORT_DESCRIPTION"
	CodeAddLandscapeImages  = "ADD_LANDSCAPE_IMAGES"
	CodeAddSquareImages     = "ADD_SQUARE_IMAGES"
	CodeAddPortraitImage    = "ADD_PORTRAIT_IMAGE"
	CodeAddLogo             = "ADD_LOGO"
	CodeAddLandscapeLogo    = "ADD_LANDSCAPE_LOGO"
	CodeAddVideo            = "ADD_VIDEO"
	CodeSimilarTexts        = "SIMILAR_TEXTS"
	CodeIncludeKeywords     = "INCLUDE_KEYWORDS"
	CodeFewerPins           = "FEWER_PINS"
	CodeLongerTexts         = "LONGER_TEXTS"
	CodeVaryMessages        = "VARY_MESSAGES"
)

// Codes lists every action code.
var Codes = []string{
	CodeAddHeadlines, CodeAddDescriptions, CodeAddLongHeadlines, CodeAddBusinessName,
	CodeAddShortHeadline, CodeAddShortDescription, CodeAddLandscapeImages, CodeAddSquareImages,
	CodeAddPortraitImage, CodeAddLogo, CodeAddLandscapeLogo, CodeAddVideo, CodeSimilarTexts,
	CodeIncludeKeywords, CodeFewerPins, CodeLongerTexts, CodeVaryMessages,
}

// AdStrengthAction is one thing that would raise the rating.
type AdStrengthAction struct {
	Code string `json:"code" enum:"ADD_HEADLINES,ADD_DESCRIPTIONS,ADD_LONG_HEADLINES,ADD_BUSINESS_NAME,ADD_SHORT_HEADLINE,ADD_SHORT_DESCRIPTION,ADD_LANDSCAPE_IMAGES,ADD_SQUARE_IMAGES,ADD_PORTRAIT_IMAGE,ADD_LOGO,ADD_LANDSCAPE_LOGO,ADD_VIDEO,SIMILAR_TEXTS,INCLUDE_KEYWORDS,FEWER_PINS,LONGER_TEXTS,VARY_MESSAGES"`
	// Field is the text field the action concerns, if one.
	Field policy.Field `json:"field,omitempty" doc:"Text field the action concerns"`
	// Count is how many assets to add.
	Count int `json:"count,omitempty" doc:"How many assets to add"`
	// Items are the paths of the texts concerned ("headlines[2]"), in the
	// set's zero-based order.
	Items []string `json:"items,omitempty" doc:"Paths of the texts concerned, e.g. headlines[2] (zero-based)"`
	// Keyword is the keyword to include.
	Keyword string `json:"keyword,omitempty"`
	// Message says what to do, in German and English.
	Message AdStrengthMessage `json:"message"`
}

// AdStrengthMessage is an action's text in the languages the product speaks.
type AdStrengthMessage struct {
	DE string `json:"de"`
	EN string `json:"en"`
}

// Localized returns the message in lang ("de…" for German, else English).
func (a AdStrengthAction) Localized(lang string) string {
	if strings.HasPrefix(strings.ToLower(lang), "de") {
		return a.Message.DE
	}
	return a.Message.EN
}

// nouns name a field in messages: singular and plural, German and English.
type noun struct{ deOne, deMany, deThe, enOne, enMany string } // deThe: plural after "die"

var nouns = map[policy.Field]noun{
	policy.Headline:     {"Überschrift", "Überschriften", "Überschriften", "headline", "headlines"},
	policy.LongHeadline: {"lange Überschrift", "lange Überschriften", "langen Überschriften", "long headline", "long headlines"},
	policy.Description:  {"Beschreibung", "Beschreibungen", "Beschreibungen", "description", "descriptions"},
}

func nounOf(f policy.Field) noun { return nouns[f] }

func capitalize(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = []rune(strings.ToUpper(string(r[0])))[0]
	return string(r)
}

func path(slot string, i int) string { return slot + "[" + strconv.Itoa(i) + "]" }

// numbers lists one-based positions: "3 and 7", "2, 5 und 9".
func numbers(idx []int, and string) string {
	parts := make([]string, len(idx))
	for i, x := range idx {
		parts[i] = strconv.Itoa(x + 1)
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " " + and + " " + parts[len(parts)-1]
}

func addTexts(code string, n int, f policy.Field) AdStrengthAction {
	nn := nounOf(f)
	de, en := nn.deMany, nn.enMany
	if n == 1 {
		de, en = nn.deOne, nn.enOne
	}
	return AdStrengthAction{Code: code, Field: f, Count: n, Message: AdStrengthMessage{
		DE: fmt.Sprintf("Fügen Sie %d weitere %s hinzu", n, de),
		EN: fmt.Sprintf("Add %d more %s", n, en),
	}}
}

func addImages(code string, n int) AdStrengthAction {
	deOne, deMany, en := "weiteres Querformat-Bild", "weitere Querformat-Bilder", "landscape image"
	if code == CodeAddSquareImages {
		deOne, deMany, en = "weiteres quadratisches Bild", "weitere quadratische Bilder", "square image"
	}
	de := deMany
	if n == 1 {
		de = deOne
	} else {
		en += "s"
	}
	return AdStrengthAction{Code: code, Count: n, Message: AdStrengthMessage{
		DE: fmt.Sprintf("Fügen Sie %d %s hinzu", n, de),
		EN: fmt.Sprintf("Add %d more %s", n, en),
	}}
}

// simpleMessages are the actions without parameters.
var simpleMessages = map[string]AdStrengthMessage{
	CodeAddBusinessName:  {DE: "Geben Sie den Unternehmensnamen an", EN: "Add the business name"},
	CodeAddPortraitImage: {DE: "Fügen Sie ein Bild im Hochformat hinzu", EN: "Add a portrait image"},
	CodeAddLogo:          {DE: "Fügen Sie ein quadratisches Logo hinzu", EN: "Add a square logo"},
	CodeAddLandscapeLogo: {DE: "Fügen Sie ein Logo im Querformat hinzu", EN: "Add a landscape logo"},
	CodeAddVideo: {DE: "Fügen Sie ein Video hinzu; sonst erstellt Google eines aus Ihren Bildern",
		EN: "Add a video; otherwise Google makes one from your images"},
}

func simple(code string) AdStrengthAction {
	return AdStrengthAction{Code: code, Message: simpleMessages[code]}
}

func shortText(code string, limit int) AdStrengthAction {
	f := policy.Headline
	de, en := "eine Überschrift", "a headline"
	if code == CodeAddShortDescription {
		f, de, en = policy.Description, "eine Beschreibung", "a description"
	}
	return AdStrengthAction{Code: code, Field: f, Message: AdStrengthMessage{
		DE: fmt.Sprintf("Fügen Sie %s mit höchstens %d Zeichen hinzu", de, limit),
		EN: fmt.Sprintf("Add %s of at most %d characters", en, limit),
	}}
}

func similar(fl field, p [2]int) AdStrengthAction {
	a, b := fl.idx[p[0]], fl.idx[p[1]]
	nn := nounOf(fl.f)
	return AdStrengthAction{Code: CodeSimilarTexts, Field: fl.f, Items: []string{path(fl.slot, a), path(fl.slot, b)}, Message: AdStrengthMessage{
		DE: fmt.Sprintf("Die %s %s sind sich zu ähnlich", nn.deThe, numbers([]int{a, b}, "und")),
		EN: fmt.Sprintf("%s %s are too similar", capitalize(nn.enMany), numbers([]int{a, b}, "and")),
	}}
}

func includeKeyword(k string) AdStrengthAction {
	return AdStrengthAction{Code: CodeIncludeKeywords, Field: policy.Headline, Keyword: k, Message: AdStrengthMessage{
		DE: fmt.Sprintf("Verwenden Sie ein Keyword wie „%s“ in mehr Überschriften", k),
		EN: fmt.Sprintf("Include a keyword such as '%s' in more headlines", k),
	}}
}

func fewerPins(paths []string) AdStrengthAction {
	return AdStrengthAction{Code: CodeFewerPins, Items: paths, Message: AdStrengthMessage{
		DE: "Fixierungen schränken die Kombinationen ein: fixieren Sie weniger Texte oder mehrere Texte je Position",
		EN: "Pinning limits combinations: pin fewer texts, or several texts to each position",
	}}
}

func longer(fl field, short []int) AdStrengthAction {
	nn := nounOf(fl.f)
	limit := policy.Limit(fl.f)
	items := make([]string, len(short))
	for i, x := range short {
		items[i] = path(fl.slot, x)
	}
	if len(short) == 1 {
		return AdStrengthAction{Code: CodeLongerTexts, Field: fl.f, Items: items, Message: AdStrengthMessage{
			DE: fmt.Sprintf("%s %s ist kurz: nutzen Sie mehr der %d Zeichen", capitalize(nn.deOne), numbers(short, "und"), limit),
			EN: fmt.Sprintf("%s %s is short: use more of the %d characters", capitalize(nn.enOne), numbers(short, "and"), limit),
		}}
	}
	return AdStrengthAction{Code: CodeLongerTexts, Field: fl.f, Items: items, Message: AdStrengthMessage{
		DE: fmt.Sprintf("Die %s %s sind kurz: nutzen Sie mehr der %d Zeichen", nn.deThe, numbers(short, "und"), limit),
		EN: fmt.Sprintf("%s %s are short: use more of the %d characters", capitalize(nn.enMany), numbers(short, "and"), limit),
	}}
}

func varyMessages(missing []Angle) AdStrengthAction {
	de := make([]string, len(missing))
	en := make([]string, len(missing))
	for i, a := range missing {
		de[i], en[i] = angleNames[a].DE, angleNames[a].EN
	}
	return AdStrengthAction{Code: CodeVaryMessages, Message: AdStrengthMessage{
		DE: "Variieren Sie die Botschaft: ergänzen Sie Texte zu " + strings.Join(de, ", "),
		EN: "Vary the message: add texts about " + strings.Join(en, ", "),
	}}
}
