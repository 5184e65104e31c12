package policy

func set(words ...string) map[string]struct{} {
	m := make(map[string]struct{}, len(words))
	for _, w := range words {
		m[w] = struct{}{}
	}
	return m
}

// shoutedWords are short words that are written in capitals to shout, not
// because they abbreviate anything.
var shoutedWords = set("NEU", "NEW", "TOP", "HOT", "WOW", "YES", "OFF", "BIG", "ALL", "JA", "GUT", "OMG", "FUN", "NOW", "BUY", "WIN")

// abbreviations of four or more letters that contain a vowel and are
// written in capitals by convention (E1 allows "common abbreviations like
// 'ASAP'"). Shorter ones and those without vowels need no entry.
var abbreviations = set(
	"ASAP", "AIDS", "ASEAN", "BAFA", "BAFIN", "COVID", "DAAD", "DACH", "DEKRA", "DSGVO", "EBITDA",
	"FIFA", "UEFA", "NATO", "NASA", "OPEC", "OECD", "UNESCO", "UNICEF", "SEPA", "IBAN", "ISBN", "ISIN",
	"JPEG", "MPEG", "GUID", "UUID", "RAID", "OLED", "QLED", "AMOLED", "HDMI", "WLAN", "VOIP", "FIFO",
	"MDAX", "TECDAX", "SDAX", "NASDAQ", "LASIK", "LASER", "RADAR", "SCUBA", "CAPTCHA", "BIOS", "SARS",
	"GEMA", "ELSTER", "BAFOEG", "ADAC", "MIDI", "ASCII", "UNIX", "JSON", "YAML", "SAML", "OAUTH", "CISO",
	"ÖPNV", "ADHS", "FSME", "STIKO", "IFRS", "ISDN", "IHK", "ECOFIN",
)

// mixedCaseWords are standard abbreviations and units with an inner capital.
var mixedCaseWords = set(
	"GmbH", "gGmbH", "mbH", "MwSt", "KGaA", "AöR", "eG", "eK", "kWh", "MWh", "GWh", "TWh", "mAh", "kW",
	"MW", "GW", "kHz", "MHz", "GHz", "dB", "pH", "kB", "Mbit", "Gbit", "MBit", "GBit", "Mbps", "Gbps",
	"PhD", "BSc", "MSc", "BAföG", "WiFi", "IoT", "SaaS", "PaaS", "IaaS",
)

// couponWords precede a coupon code: "Code SOMMER25", "Gutschein WINTER10".
var couponWords = set("coupon", "gutschein", "voucher", "promo", "rabatt", "couponcode", "promocode")
