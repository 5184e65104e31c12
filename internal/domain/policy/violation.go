package policy

import (
	"fmt"
	"strings"
)

// Severity says whether a finding blocks an asset.
type Severity uint8

const (
	// Error is a hard violation: Google rejects the asset or disapproves the
	// ad, so an asset with an error is invalid.
	Error Severity = iota
	// Warning is a soft finding: the asset is accepted but weaker than it
	// could be, or a person should look at it.
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// MarshalText renders "error" or "warning".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText accepts "error" or "warning".
func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "error":
		*s = Error
	case "warning":
		*s = Warning
	default:
		return fmt.Errorf("unknown severity %q", b)
	}
	return nil
}

// Violation is one finding. Start and End are code-point (rune) offsets into
// the checked text, End exclusive; a set-level finding that concerns a whole
// item spans that item's text and names it in Path.
type Violation struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Start    int      `json:"start"`
	End      int      `json:"end"`
	// Path names the item of a set the finding concerns ("headlines[3]",
	// "path2", "finalUrls[0]"); empty for a single text.
	Path string `json:"path,omitempty"`
	Args Args   `json:"args,omitzero"`
}

// Args carries the measured values a message quotes.
type Args struct {
	Field Field  `json:"field,omitempty"`
	Width int    `json:"width,omitempty"`
	Limit int    `json:"limit,omitempty"`
	Count int    `json:"count,omitempty"`
	Min   int    `json:"min,omitempty"`
	Max   int    `json:"max,omitempty"`
	Text  string `json:"text,omitempty"`  // the text found, e.g. the banned term
	Other string `json:"other,omitempty"` // another item, e.g. the first of two duplicates
}

// LocalizedViolation is a violation with its message rendered, the shape the
// API and the CLI emit.
type LocalizedViolation struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	Start    int      `json:"start"`
	End      int      `json:"end"`
	Path     string   `json:"path,omitempty"`
}

// Localized renders the message in lang ("de" for German, anything else
// English).
func (v Violation) Localized(lang string) LocalizedViolation {
	return LocalizedViolation{Code: v.Code, Severity: v.Severity, Message: v.Message(lang), Start: v.Start, End: v.End, Path: v.Path}
}

// Localize renders a list of violations; it never returns nil so that JSON
// shows an empty list.
func Localize(vs []Violation, lang string) []LocalizedViolation {
	out := make([]LocalizedViolation, len(vs))
	for i, v := range vs {
		out[i] = v.Localized(lang)
	}
	return out
}

func isGerman(lang string) bool {
	return lang == "de" || strings.HasPrefix(lang, "de-") || strings.HasPrefix(lang, "de_")
}

// Message explains the violation to a person: German for "de" (and "de-…"),
// English for anything else.
func (v Violation) Message(lang string) string {
	if isGerman(lang) {
		return v.messageDE()
	}
	return v.messageEN()
}

func fieldNameEN(f Field) string {
	switch f {
	case Headline:
		return "Headline"
	case LongHeadline:
		return "Long headline"
	case Description:
		return "Description"
	case BusinessName:
		return "Business name"
	case Path:
		return "Display path"
	case Callout:
		return "Callout"
	case SitelinkText:
		return "Sitelink text"
	case SitelinkDescription:
		return "Sitelink description"
	case StructuredSnippetValue:
		return "Structured snippet value"
	case CallToAction:
		return "Call to action"
	case Keyword:
		return "Keyword"
	case MarketingImage:
		return "Landscape image"
	case SquareMarketingImage:
		return "Square image"
	case PortraitMarketingImage:
		return "Portrait image"
	case TallPortraitMarketingImage:
		return "Tall portrait image"
	case Logo:
		return "Logo"
	case LandscapeLogo:
		return "Landscape logo"
	}
	if f == "" {
		return "Text"
	}
	return string(f)
}

// fieldNameDE uses the names of the German Google Ads interface.
func fieldNameDE(f Field) string {
	switch f {
	case Headline:
		return "Anzeigentitel"
	case LongHeadline:
		return "Langer Anzeigentitel"
	case Description:
		return "Beschreibung"
	case BusinessName:
		return "Unternehmensname"
	case Path:
		return "Anzeigepfad"
	case Callout:
		return "Zusatzinformation"
	case SitelinkText:
		return "Sitelink-Text"
	case SitelinkDescription:
		return "Sitelink-Beschreibung"
	case StructuredSnippetValue:
		return "Snippet-Wert"
	case CallToAction:
		return "Call-to-Action"
	case Keyword:
		return "Keyword"
	case MarketingImage:
		return "Querformatbild"
	case SquareMarketingImage:
		return "Quadratisches Bild"
	case PortraitMarketingImage:
		return "Hochformatbild"
	case TallPortraitMarketingImage:
		return "Hohes Hochformatbild"
	case Logo:
		return "Logo"
	case LandscapeLogo:
		return "Logo im Querformat"
	}
	if f == "" {
		return "Text"
	}
	return string(f)
}

func fieldListEN(a Args) string {
	if a.Text != "" {
		return a.Text
	}
	return fieldNameEN(a.Field)
}

func fieldListDE(a Args) string {
	if a.Text != "" {
		return a.Text
	}
	return fieldNameDE(a.Field)
}

func (v Violation) messageEN() string {
	a := v.Args
	switch v.Code {
	case CodeEmpty:
		return fmt.Sprintf("%s is empty.", fieldNameEN(a.Field))
	case CodeTooLong:
		return fmt.Sprintf("%s is %d characters wide; the limit is %d.", fieldNameEN(a.Field), a.Width, a.Limit)
	case CodeEmoji:
		return fmt.Sprintf("Emoji %q is not allowed in ads.", a.Text)
	case CodeHalfWidthKatakana:
		return fmt.Sprintf("Half-width katakana %q is not allowed; use full-width katakana.", a.Text)
	case CodeInvalidCharacter:
		return fmt.Sprintf("Character %+q is invisible, a control character or not supported.", a.Text)
	case CodeMalformedPlaceholder:
		return fmt.Sprintf("Malformed placeholder %q: %s", a.Text, malformedReasonEN(a.Other))
	case CodeUnsupportedPlaceholder:
		return fmt.Sprintf("Placeholder %q has no fixed default text whose width could be checked.", a.Text)
	case CodePlaceholderWithoutDefault:
		return fmt.Sprintf("Placeholder %q has no default text; its width counts as 0 and the ad needs a value for every search.", a.Text)
	case CodePlaceholderNotAllowed:
		return fmt.Sprintf("%s does not support keyword insertion or ad customizers (%q).", fieldNameEN(a.Field), a.Text)
	case CodePathSlash:
		return "A display path cannot contain \"/\"; use path1 and path2 for two levels."
	case CodeKeywordInvalidCharacter:
		return fmt.Sprintf("Keywords cannot contain %q.", a.Text)
	case CodeKeywordTooManyWords:
		return fmt.Sprintf("Keyword has %d words; the limit is %d.", a.Count, a.Max)
	case CodeLongHeadlineShort:
		return fmt.Sprintf("Long headline is only %d characters wide; Google recommends at least %d.", a.Width, a.Min)
	case CodeBannedTerm:
		return fmt.Sprintf("%q is on the advertiser's list of banned terms.", a.Text)
	case CodeAllCaps:
		return fmt.Sprintf("%q is written in capitals; capitals are only allowed for abbreviations, coupon codes and allowlisted brand names.", a.Text)
	case CodeMixedCase:
		return fmt.Sprintf("%q mixes upper and lower case inside the word; add it to the allowlist if it is a brand name.", a.Text)
	case CodeRepeatedPunctuation:
		return fmt.Sprintf("Punctuation or symbols repeated: %q.", a.Text)
	case CodeSymbolAsLetter:
		return fmt.Sprintf("%q uses numbers or symbols in place of letters.", a.Text)
	case CodeNumberAsWord:
		return fmt.Sprintf("%q uses a number in place of a word (\"4 sale\", \"Gr8\"); write the word.", a.Text)
	case CodeSymbolAsWord:
		return fmt.Sprintf("%q is used in place of a word; a currency or percent sign belongs to an amount, \"@\" to an e-mail address.", a.Text)
	case CodeStretchedWord:
		return fmt.Sprintf("%q stretches a letter for emphasis; write the word as it is spelt.", a.Text)
	case CodeSuperscript:
		return fmt.Sprintf("Superscript or subscript %q is not allowed here.", a.Text)
	case CodeNonstandardSymbol:
		return fmt.Sprintf("Symbol %q is not allowed (bullets, stars, arrows, decorative asterisks).", a.Text)
	case CodeGimmickyPunctuation:
		return fmt.Sprintf("%q separates single letters with punctuation.", a.Text)
	case CodeExclamation:
		return fmt.Sprintf("%s cannot contain an exclamation mark.", fieldNameEN(a.Field))
	case CodeTooManyExclamations:
		return fmt.Sprintf("%s has %d exclamation marks; at most one is allowed.", fieldNameEN(a.Field), a.Count)
	case CodeExtraSpace:
		return "Extra space: no leading or trailing space, no double spaces, no space before punctuation."
	case CodeMissingSpace:
		return fmt.Sprintf("Missing space after punctuation in %q.", a.Text)
	case CodeGimmickySpacing:
		return fmt.Sprintf("%q spaces out single letters.", a.Text)
	case CodeClickHere:
		return fmt.Sprintf("%q is a generic call to action; say what the user gets.", a.Text)
	case CodeListMarker:
		return fmt.Sprintf("Ad text cannot start with a list marker (%q).", a.Text)
	case CodePhoneNumber:
		return fmt.Sprintf("%q looks like a phone number; use a call asset instead.", a.Text)
	case CodeRepetition:
		return fmt.Sprintf("%q repeats the same word.", a.Text)
	case CodeBusinessNameMismatch:
		return fmt.Sprintf("Business name must be exactly %q.", a.Other)
	case CodePromotionalBusinessName:
		return fmt.Sprintf("Business name contains promotional text (%q).", a.Text)
	case CodeTooFew:
		return fmt.Sprintf("%s: %d given; at least %d required.", fieldListEN(a), a.Count, a.Min)
	case CodeTooMany:
		return fmt.Sprintf("%s: %d given; at most %d allowed.", fieldListEN(a), a.Count, a.Max)
	case CodeFieldNotAllowed:
		return fmt.Sprintf("%s is not part of this ad format.", fieldNameEN(a.Field))
	case CodeDuplicate:
		return fmt.Sprintf("%s repeats %s exactly; Google rejects duplicate assets.", v.Path, a.Other)
	case CodeDuplicateSimilar:
		return fmt.Sprintf("%s differs from %s only in case, spacing or punctuation.", v.Path, a.Other)
	case CodeShortHeadlineMissing:
		return fmt.Sprintf("At least one headline must be %d characters or shorter.", a.Limit)
	case CodeShortDescriptionMissing:
		return fmt.Sprintf("At least one description must be %d characters or shorter.", a.Limit)
	case CodeInvalidPin:
		return fmt.Sprintf("%s: %q is not a valid position; use %s.", v.Path, a.Text, a.Other)
	case CodePinInfeasible:
		return fmt.Sprintf("Position %s cannot be filled: every asset is pinned elsewhere.", a.Text)
	case CodePath2WithoutPath1:
		return "path2 can only be set when path1 is set."
	case CodeFinalURLMissing:
		return "At least one final URL is required."
	case CodeFinalURLInvalid:
		return fmt.Sprintf("Final URL %q must be an absolute http or https URL with a host.", a.Text)
	case CodeFinalURLTooLong:
		return fmt.Sprintf("Final URL is %d characters long; the limit is %d.", a.Width, a.Limit)
	case CodeNoKeywordInHeadlines:
		return "No headline contains one of the ad group's keywords."
	case CodeImageUnreadable:
		return "The file is not a readable PNG, JPEG or GIF image."
	case CodeImageTooManyPixels:
		if a.Other != "" {
			return fmt.Sprintf("The image is %s pixels in %s frames, %d megapixels in all; images may have at most %d megapixels.", a.Text, a.Other, a.Count, a.Max)
		}
		return fmt.Sprintf("The image is %s pixels, %d megapixels; images may have at most %d megapixels.", a.Text, a.Count, a.Max)
	case CodeImageTooManyFrames:
		return fmt.Sprintf("The GIF has %d frames; images may have at most %d.", a.Count, a.Max)
	case CodeImageFormatNotAllowed:
		return fmt.Sprintf("%s images are not accepted in this format.", a.Text)
	case CodeImageTooSmall:
		return fmt.Sprintf("%s is %s pixels; the minimum is %s.", fieldNameEN(a.Field), a.Text, a.Other)
	case CodeImageAspectRatio:
		return fmt.Sprintf("%s is %s pixels; it must have an aspect ratio of %s (±1 %%).", fieldNameEN(a.Field), a.Text, a.Other)
	case CodeImageFileTooLarge:
		return fmt.Sprintf("Image file is %d KB; the limit is %d KB.", a.Count, a.Max)
	case CodeAnimatedImage:
		return fmt.Sprintf("Animated images are not allowed (%d frames).", a.Count)
	case CodeLetterbox:
		return fmt.Sprintf("The image does not fill its frame: uniform bars of %d pixels at the %s.", a.Count, a.Text)
	case CodeNotImageField:
		return fmt.Sprintf("%s is not an image field.", fieldNameEN(a.Field))
	case CodeNotTextField:
		return fmt.Sprintf("%s is not a text field.", fieldNameEN(a.Field))
	}
	return v.Code
}

func (v Violation) messageDE() string {
	a := v.Args
	switch v.Code {
	case CodeEmpty:
		return fmt.Sprintf("%s ist leer.", fieldNameDE(a.Field))
	case CodeTooLong:
		return fmt.Sprintf("%s ist %d Zeichen breit; erlaubt sind %d.", fieldNameDE(a.Field), a.Width, a.Limit)
	case CodeEmoji:
		return fmt.Sprintf("Das Emoji „%s“ ist in Anzeigen nicht erlaubt.", a.Text)
	case CodeHalfWidthKatakana:
		return fmt.Sprintf("Halbbreite Katakana „%s“ sind nicht erlaubt; verwenden Sie Katakana in voller Breite.", a.Text)
	case CodeInvalidCharacter:
		return fmt.Sprintf("Das Zeichen %+q ist unsichtbar, ein Steuerzeichen oder wird nicht unterstützt.", a.Text)
	case CodeMalformedPlaceholder:
		return fmt.Sprintf("Fehlerhafter Platzhalter „%s“: %s", a.Text, malformedReasonDE(a.Other))
	case CodeUnsupportedPlaceholder:
		return fmt.Sprintf("Der Platzhalter „%s“ hat keinen festen Standardtext, dessen Breite sich prüfen ließe.", a.Text)
	case CodePlaceholderWithoutDefault:
		return fmt.Sprintf("Der Platzhalter „%s“ hat keinen Standardtext; seine Breite zählt als 0, und die Anzeige braucht für jede Suche einen Wert.", a.Text)
	case CodePlaceholderNotAllowed:
		return fmt.Sprintf("%s unterstützt weder Keyword-Platzhalter noch Anzeigenanpassungen („%s“).", fieldNameDE(a.Field), a.Text)
	case CodePathSlash:
		return "Ein Anzeigepfad darf kein „/“ enthalten; für zwei Ebenen gibt es Pfad 1 und Pfad 2."
	case CodeKeywordInvalidCharacter:
		return fmt.Sprintf("Keywords dürfen „%s“ nicht enthalten.", a.Text)
	case CodeKeywordTooManyWords:
		return fmt.Sprintf("Das Keyword hat %d Wörter; erlaubt sind %d.", a.Count, a.Max)
	case CodeLongHeadlineShort:
		return fmt.Sprintf("Der lange Anzeigentitel ist nur %d Zeichen breit; Google empfiehlt mindestens %d.", a.Width, a.Min)
	case CodeBannedTerm:
		return fmt.Sprintf("„%s“ steht auf der Liste der gesperrten Begriffe des Werbetreibenden.", a.Text)
	case CodeAllCaps:
		return fmt.Sprintf("„%s“ ist in Großbuchstaben geschrieben; das ist nur für Abkürzungen, Gutscheincodes und freigegebene Markennamen erlaubt.", a.Text)
	case CodeMixedCase:
		return fmt.Sprintf("„%s“ mischt Groß- und Kleinschreibung innerhalb des Wortes; ist es ein Markenname, nehmen Sie ihn in die Freigabeliste auf.", a.Text)
	case CodeRepeatedPunctuation:
		return fmt.Sprintf("Satz- oder Sonderzeichen wiederholt: „%s“.", a.Text)
	case CodeSymbolAsLetter:
		return fmt.Sprintf("„%s“ verwendet Ziffern oder Symbole anstelle von Buchstaben.", a.Text)
	case CodeNumberAsWord:
		return fmt.Sprintf("„%s“ verwendet eine Zahl anstelle eines Wortes („4 sale“, „Gr8“); schreiben Sie das Wort aus.", a.Text)
	case CodeSymbolAsWord:
		return fmt.Sprintf("„%s“ steht anstelle eines Wortes; Währungs- und Prozentzeichen gehören zu einem Betrag, „@“ zu einer E-Mail-Adresse.", a.Text)
	case CodeStretchedWord:
		return fmt.Sprintf("„%s“ dehnt einen Buchstaben zur Betonung; schreiben Sie das Wort richtig.", a.Text)
	case CodeSuperscript:
		return fmt.Sprintf("Hoch- oder tiefgestelltes Zeichen „%s“ ist hier nicht erlaubt.", a.Text)
	case CodeNonstandardSymbol:
		return fmt.Sprintf("Das Symbol „%s“ ist nicht erlaubt (Aufzählungszeichen, Sterne, Pfeile, dekorative Sternchen).", a.Text)
	case CodeGimmickyPunctuation:
		return fmt.Sprintf("„%s“ trennt einzelne Buchstaben durch Satzzeichen.", a.Text)
	case CodeExclamation:
		return fmt.Sprintf("%s darf kein Ausrufezeichen enthalten.", fieldNameDE(a.Field))
	case CodeTooManyExclamations:
		return fmt.Sprintf("%s enthält %d Ausrufezeichen; erlaubt ist höchstens eines.", fieldNameDE(a.Field), a.Count)
	case CodeExtraSpace:
		return "Überflüssiges Leerzeichen: keine Leerzeichen am Anfang oder Ende, keine doppelten Leerzeichen, kein Leerzeichen vor Satzzeichen."
	case CodeMissingSpace:
		return fmt.Sprintf("Fehlendes Leerzeichen nach einem Satzzeichen in „%s“.", a.Text)
	case CodeGimmickySpacing:
		return fmt.Sprintf("„%s“ sperrt einzelne Buchstaben mit Leerzeichen.", a.Text)
	case CodeClickHere:
		return fmt.Sprintf("„%s“ ist eine allgemeine Handlungsaufforderung; sagen Sie, was der Nutzer bekommt.", a.Text)
	case CodeListMarker:
		return fmt.Sprintf("Anzeigentext darf nicht mit einem Aufzählungszeichen beginnen („%s“).", a.Text)
	case CodePhoneNumber:
		return fmt.Sprintf("„%s“ sieht wie eine Telefonnummer aus; verwenden Sie stattdessen ein Anruf-Asset.", a.Text)
	case CodeRepetition:
		return fmt.Sprintf("„%s“ wiederholt dasselbe Wort.", a.Text)
	case CodeBusinessNameMismatch:
		return fmt.Sprintf("Der Unternehmensname muss genau „%s“ lauten.", a.Other)
	case CodePromotionalBusinessName:
		return fmt.Sprintf("Der Unternehmensname enthält Werbesprache („%s“).", a.Text)
	case CodeTooFew:
		return fmt.Sprintf("%s: %d angegeben; mindestens %d erforderlich.", fieldListDE(a), a.Count, a.Min)
	case CodeTooMany:
		return fmt.Sprintf("%s: %d angegeben; höchstens %d erlaubt.", fieldListDE(a), a.Count, a.Max)
	case CodeFieldNotAllowed:
		return fmt.Sprintf("%s gehört nicht zu diesem Anzeigenformat.", fieldNameDE(a.Field))
	case CodeDuplicate:
		return fmt.Sprintf("%s wiederholt %s wörtlich; Google lehnt doppelte Assets ab.", v.Path, a.Other)
	case CodeDuplicateSimilar:
		return fmt.Sprintf("%s unterscheidet sich von %s nur in Groß-/Kleinschreibung, Leerzeichen oder Satzzeichen.", v.Path, a.Other)
	case CodeShortHeadlineMissing:
		return fmt.Sprintf("Mindestens ein Anzeigentitel darf höchstens %d Zeichen lang sein.", a.Limit)
	case CodeShortDescriptionMissing:
		return fmt.Sprintf("Mindestens eine Beschreibung darf höchstens %d Zeichen lang sein.", a.Limit)
	case CodeInvalidPin:
		return fmt.Sprintf("%s: „%s“ ist keine gültige Position; erlaubt sind %s.", v.Path, a.Text, a.Other)
	case CodePinInfeasible:
		return fmt.Sprintf("Position %s lässt sich nicht füllen: Alle Assets sind an andere Positionen angepinnt.", a.Text)
	case CodePath2WithoutPath1:
		return "Pfad 2 ist nur zusammen mit Pfad 1 erlaubt."
	case CodeFinalURLMissing:
		return "Mindestens eine finale URL ist erforderlich."
	case CodeFinalURLInvalid:
		return fmt.Sprintf("Die finale URL „%s“ muss eine absolute http- oder https-URL mit Host sein.", a.Text)
	case CodeFinalURLTooLong:
		return fmt.Sprintf("Die finale URL ist %d Zeichen lang; erlaubt sind %d.", a.Width, a.Limit)
	case CodeNoKeywordInHeadlines:
		return "Kein Anzeigentitel enthält eines der Keywords der Anzeigengruppe."
	case CodeImageUnreadable:
		return "Die Datei ist kein lesbares PNG-, JPEG- oder GIF-Bild."
	case CodeImageTooManyPixels:
		if a.Other != "" {
			return fmt.Sprintf("Das Bild hat %s Pixel in %s Einzelbildern, insgesamt %d Megapixel; erlaubt sind höchstens %d Megapixel.", a.Text, a.Other, a.Count, a.Max)
		}
		return fmt.Sprintf("Das Bild hat %s Pixel, %d Megapixel; erlaubt sind höchstens %d Megapixel.", a.Text, a.Count, a.Max)
	case CodeImageTooManyFrames:
		return fmt.Sprintf("Das GIF hat %d Einzelbilder; erlaubt sind höchstens %d.", a.Count, a.Max)
	case CodeImageFormatNotAllowed:
		return fmt.Sprintf("%s-Bilder werden in diesem Format nicht angenommen.", a.Text)
	case CodeImageTooSmall:
		return fmt.Sprintf("%s hat %s Pixel; das Minimum ist %s.", fieldNameDE(a.Field), a.Text, a.Other)
	case CodeImageAspectRatio:
		return fmt.Sprintf("%s hat %s Pixel; das Seitenverhältnis muss %s betragen (±1 %%).", fieldNameDE(a.Field), a.Text, a.Other)
	case CodeImageFileTooLarge:
		return fmt.Sprintf("Die Bilddatei ist %d KB groß; erlaubt sind %d KB.", a.Count, a.Max)
	case CodeAnimatedImage:
		return fmt.Sprintf("Animierte Bilder sind nicht erlaubt (%d Einzelbilder).", a.Count)
	case CodeLetterbox:
		sides := "links und rechts"
		if a.Text == "top and bottom" {
			sides = "oben und unten"
		}
		return fmt.Sprintf("Das Bild füllt seinen Rahmen nicht aus: einfarbige Balken von %d Pixeln %s.", a.Count, sides)
	case CodeNotImageField:
		return fmt.Sprintf("%s ist kein Bildfeld.", fieldNameDE(a.Field))
	case CodeNotTextField:
		return fmt.Sprintf("%s ist kein Textfeld.", fieldNameDE(a.Field))
	}
	return v.Code
}
