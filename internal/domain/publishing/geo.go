package publishing

import (
	"strconv"
	"strings"
)

// languageConstants maps a base language (BCP 47, lower case) to its Google
// Ads language constant id (Google's "Language codes" table; criterion id of
// languageConstants/{id}). Chinese is split by script, as Google splits it.
var languageConstants = map[string]int64{
	"ar": 1019, "bg": 1020, "bn": 1056, "ca": 1038, "cs": 1021, "da": 1009, "de": 1001, "el": 1022,
	"en": 1000, "es": 1003, "et": 1043, "fa": 1064, "fi": 1011, "fil": 1042, "tl": 1042, "fr": 1002,
	"gu": 1072, "he": 1027, "iw": 1027, "hi": 1023, "hr": 1039, "hu": 1024, "id": 1025, "is": 1026,
	"it": 1004, "ja": 1005, "kn": 1086, "ko": 1012, "lt": 1029, "lv": 1028, "ml": 1098, "mr": 1101,
	"ms": 1102, "nb": 1013, "nl": 1010, "no": 1013, "pl": 1030, "pt": 1014, "ro": 1032, "ru": 1031,
	"sk": 1033, "sl": 1034, "sr": 1035, "sv": 1015, "ta": 1130, "te": 1131, "th": 1044, "tr": 1037,
	"uk": 1036, "ur": 1041, "vi": 1040, "zh-cn": 1017, "zh-hans": 1017, "zh-sg": 1017, "zh-tw": 1018,
	"zh-hant": 1018, "zh-hk": 1018,
}

// LanguageConstant returns the resource name of a campaign language
// ("de", "de-CH", "zh-TW") or false for a language Google Ads cannot target.
func LanguageConstant(tag string) (string, bool) {
	t := strings.ToLower(strings.ReplaceAll(tag, "_", "-"))
	if id, ok := languageConstants[t]; ok {
		return "languageConstants/" + strconv.FormatInt(id, 10), true
	}
	base, _, _ := strings.Cut(t, "-")
	if base == "zh" {
		return "", false // the script or region decides which
	}
	if id, ok := languageConstants[base]; ok {
		return "languageConstants/" + strconv.FormatInt(id, 10), true
	}
	return "", false
}

// countryNumbers maps ISO 3166-1 alpha-2 codes to their numeric codes; a
// country's Google Ads geo target constant is 2000 plus that number
// (geoTargetConstants/2276 is Germany).
var countryNumbers = map[string]int{
	"AD": 20, "AE": 784, "AR": 32, "AT": 40, "AU": 36, "BA": 70, "BE": 56, "BG": 100, "BR": 76, "CA": 124,
	"CH": 756, "CL": 152, "CN": 156, "CO": 170, "CY": 196, "CZ": 203, "DE": 276, "DK": 208, "EE": 233,
	"EG": 818, "ES": 724, "FI": 246, "FR": 250, "GB": 826, "GR": 300, "HK": 344, "HR": 191, "HU": 348,
	"ID": 360, "IE": 372, "IL": 376, "IN": 356, "IS": 352, "IT": 380, "JP": 392, "KR": 410, "LI": 438,
	"LT": 440, "LU": 442, "LV": 428, "MC": 492, "MT": 470, "MX": 484, "MY": 458, "NL": 528, "NO": 578,
	"NZ": 554, "PH": 608, "PL": 616, "PT": 620, "RO": 642, "RS": 688, "SA": 682, "SE": 752, "SG": 702,
	"SI": 705, "SK": 703, "TH": 764, "TR": 792, "TW": 158, "UA": 804, "US": 840, "VN": 704, "ZA": 710,
}

// LocationConstant returns the geo target constant of a campaign location:
// a country code (DE, at) or a geo target id as Google lists it (2276,
// 1004234 for a city), or false.
func LocationConstant(loc string) (string, bool) {
	if n, ok := countryNumbers[strings.ToUpper(loc)]; ok {
		return "geoTargetConstants/" + strconv.Itoa(2000+n), true
	}
	if id, err := strconv.ParseInt(loc, 10, 64); err == nil && id >= 1000 && id < 10_000_000_000 {
		return "geoTargetConstants/" + strconv.FormatInt(id, 10), true
	}
	return "", false
}
