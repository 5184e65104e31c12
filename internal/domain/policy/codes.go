package policy

// Rule codes. They are part of the API and of the `validate --jsonl`
// output, so they never change meaning; docs/policy.md lists each with its
// source. Editorial rules carry the number of the reference's rule table
// (E1–E16) so a reviewer can find the policy text behind a finding.
const (
	// Field format and character set.
	CodeEmpty                     = "EMPTY"
	CodeTooLong                   = "TOO_LONG"
	CodeEmoji                     = "EMOJI"               // E7
	CodeHalfWidthKatakana         = "HALF_WIDTH_KATAKANA" // E7
	CodeInvalidCharacter          = "INVALID_CHARACTER"   // E7
	CodeMalformedPlaceholder      = "MALFORMED_PLACEHOLDER"
	CodeUnsupportedPlaceholder    = "UNSUPPORTED_PLACEHOLDER"
	CodePlaceholderWithoutDefault = "PLACEHOLDER_WITHOUT_DEFAULT"
	CodePlaceholderNotAllowed     = "PLACEHOLDER_NOT_ALLOWED"
	CodePathSlash                 = "PATH_SLASH"
	CodeKeywordInvalidCharacter   = "KEYWORD_INVALID_CHARACTER"
	CodeKeywordTooManyWords       = "KEYWORD_TOO_MANY_WORDS"
	CodeLongHeadlineShort         = "LONG_HEADLINE_SHORT"
	CodeBannedTerm                = "BANNED_TERM"

	// Editorial rules.
	CodeAllCaps                 = "E1_ALL_CAPS"
	CodeMixedCase               = "E1_MIXED_CASE"
	CodeRepeatedPunctuation     = "E2_REPEATED_PUNCTUATION"
	CodeSymbolAsLetter          = "E3_SYMBOL_AS_LETTER"
	CodeNumberAsWord            = "E3_NUMBER_AS_WORD"
	CodeSymbolAsWord            = "E3_SYMBOL_AS_WORD"
	CodeSuperscript             = "E4_SUPERSCRIPT"
	CodeNonstandardSymbol       = "E5_NONSTANDARD_SYMBOL"
	CodeGimmickyPunctuation     = "E6_GIMMICKY_PUNCTUATION"
	CodeExclamation             = "E8_EXCLAMATION"
	CodeTooManyExclamations     = "E8_TOO_MANY_EXCLAMATIONS"
	CodeExtraSpace              = "E9_EXTRA_SPACE"
	CodeMissingSpace            = "E9_MISSING_SPACE"
	CodeGimmickySpacing         = "E9_GIMMICKY_SPACING"
	CodeClickHere               = "E10_CLICK_HERE"
	CodeListMarker              = "E10_LIST_MARKER"
	CodeStretchedWord           = "E10_STRETCHED_WORD"
	CodePhoneNumber             = "E11_PHONE_NUMBER"
	CodeRepetition              = "E12_REPETITION"
	CodeBusinessNameMismatch    = "E13_BUSINESS_NAME_MISMATCH"
	CodePromotionalBusinessName = "E13_PROMOTIONAL_BUSINESS_NAME"

	// Sets of assets.
	CodeTooFew                  = "TOO_FEW"
	CodeTooMany                 = "TOO_MANY"
	CodeFieldNotAllowed         = "FIELD_NOT_ALLOWED"
	CodeDuplicate               = "DUPLICATE"
	CodeDuplicateSimilar        = "DUPLICATE_SIMILAR"
	CodeShortHeadlineMissing    = "SHORT_HEADLINE_MISSING"
	CodeShortDescriptionMissing = "SHORT_DESCRIPTION_MISSING"
	CodeInvalidPin              = "INVALID_PIN"
	CodePinInfeasible           = "PIN_INFEASIBLE"
	CodePath2WithoutPath1       = "PATH2_WITHOUT_PATH1"
	CodeFinalURLMissing         = "FINAL_URL_MISSING"
	CodeFinalURLInvalid         = "FINAL_URL_INVALID"
	CodeFinalURLTooLong         = "FINAL_URL_TOO_LONG"
	CodeNoKeywordInHeadlines    = "NO_KEYWORD_IN_HEADLINES"

	// Images.
	CodeImageUnreadable       = "IMAGE_UNREADABLE"
	CodeImageTooManyPixels    = "IMAGE_TOO_MANY_PIXELS"
	CodeImageTooManyFrames    = "IMAGE_TOO_MANY_FRAMES"
	CodeImageFormatNotAllowed = "IMAGE_FORMAT_NOT_ALLOWED"
	CodeImageTooSmall         = "IMAGE_TOO_SMALL" // E16
	CodeImageAspectRatio      = "IMAGE_ASPECT_RATIO"
	CodeImageFileTooLarge     = "IMAGE_FILE_TOO_LARGE"
	CodeAnimatedImage         = "E15_ANIMATED_IMAGE"
	CodeLetterbox             = "E16_LETTERBOX"
	CodeNotImageField         = "NOT_AN_IMAGE_FIELD"
	CodeNotTextField          = "NOT_A_TEXT_FIELD"
)

// Reasons a placeholder is malformed, carried in Args.Other so that the
// message can be rendered in either language.
const (
	reasonUnclosed    = "unclosed"
	reasonStrayClose  = "stray_close"
	reasonNested      = "nested"
	reasonNoDefault   = "no_default"
	reasonKeywordCase = "keyword_case"
	reasonUnknown     = "unknown"
	reasonEmptyName   = "empty_name"
	reasonCountdown   = "countdown"
	reasonIf          = "if"
	reasonCharacters  = "characters"
)

func malformedReasonEN(r string) string {
	switch r {
	case reasonUnclosed:
		return "\"{\" is never closed with \"}\"."
	case reasonStrayClose:
		return "\"}\" without a matching \"{\"."
	case reasonNested:
		return "placeholders cannot be nested."
	case reasonNoDefault:
		return "keyword insertion needs a default text after the colon, e.g. {KeyWord:Shoes}."
	case reasonKeywordCase:
		return "write keyword, Keyword, KeyWord, KEYWord, KeyWORD or KEYWORD."
	case reasonEmptyName:
		return "the customizer attribute name is missing."
	case reasonCountdown:
		return "write {COUNTDOWN(2026/12/24 18:00:00,5)}: the end date (yyyy/MM/dd, optionally HH:mm:ss), optionally a language and the days before it starts showing."
	case reasonIf:
		return "write {IF(device=mobile,text):default text} or {IF(audience IN(name),text):default text}."
	case reasonCharacters:
		return "it holds a control character or bytes that are not text (UTF-8)."
	}
	return "expected {KeyWord:default text}, {CUSTOMIZER.Name:default text}, {LOCATION(City):default text}, {IF(device=mobile,text):default text} or {COUNTDOWN(2026/12/24 18:00:00,5)}."
}

func malformedReasonDE(r string) string {
	switch r {
	case reasonUnclosed:
		return "„{“ wird nicht mit „}“ geschlossen."
	case reasonStrayClose:
		return "„}“ ohne zugehöriges „{“."
	case reasonNested:
		return "Platzhalter dürfen nicht verschachtelt werden."
	case reasonNoDefault:
		return "Die Keyword-Platzhalterfunktion braucht nach dem Doppelpunkt einen Standardtext, z. B. {KeyWord:Schuhe}."
	case reasonKeywordCase:
		return "Schreiben Sie keyword, Keyword, KeyWord, KEYWord, KeyWORD oder KEYWORD."
	case reasonEmptyName:
		return "Der Name des Anpassungsattributs fehlt."
	case reasonCountdown:
		return "Schreiben Sie {COUNTDOWN(2026/12/24 18:00:00,5)}: das Enddatum (yyyy/MM/dd, optional HH:mm:ss), optional eine Sprache und die Tage, ab denen er angezeigt wird."
	case reasonIf:
		return "Schreiben Sie {IF(device=mobile,Text):Standardtext} oder {IF(audience IN(Name),Text):Standardtext}."
	case reasonCharacters:
		return "Er enthält ein Steuerzeichen oder Bytes, die kein Text (UTF-8) sind."
	}
	return "Erwartet wird {KeyWord:Standardtext}, {CUSTOMIZER.Name:Standardtext}, {LOCATION(City):Standardtext}, {IF(device=mobile,Text):Standardtext} oder {COUNTDOWN(2026/12/24 18:00:00,5)}."
}
