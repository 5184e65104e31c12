package policy

import "slices"

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

// brandSpellings are well-known brand and product names written with an
// inner capital (E14: trademarks keep their spelling). Each advertiser adds
// its own through the allowlist (Options.Allow, the brief's brand_terms).
var brandSpellings = set(
	// technology and software
	"iPhone", "iPad", "iPod", "iMac", "iOS", "iPadOS", "iCloud", "iTunes", "iWatch", "MacBook", "AirPods", "AirTag",
	"AirPlay", "FaceTime", "AppleCare", "watchOS", "macOS", "tvOS", "PlayStation", "GeForce", "ThinkPad", "IdeaPad",
	"ZenBook", "VivoBook", "ProBook", "EliteBook", "MediaTek", "SanDisk", "PowerPoint", "OneDrive", "OneNote",
	"SharePoint", "LibreOffice", "OpenOffice", "JavaScript", "TypeScript", "PostgreSQL", "MySQL", "MongoDB",
	"GitHub", "GitLab", "WordPress", "WooCommerce", "HubSpot", "MailChimp", "TeamViewer", "DocuSign", "ChatGPT",
	"OpenAI", "DeepL", "GoPro", "SmartThings", "FritzBox", "HomePod", "SoundCloud", "TikTok", "YouTube", "LinkedIn",
	"WhatsApp", "PayPal", "eBay", "BlackBerry", "NordVPN", "ExpressVPN", "GoDaddy", "JetBrains", "InDesign",
	"QuickBooks", "TurboTax", "CarPlay", "HomeKit", "MagSafe", "DisplayPort", "eSIM", "eReader", "eBook", "eMail",
	"eBike", "eScooter", "eCommerce", "eLearning", "eTicket",
	// shops, services and brands in German-speaking markets
	"JobRad", "BahnCard", "FlixBus", "FlixTrain", "BlaBlaCar", "HelloFresh", "DocMorris", "SumUp", "MediaMarkt",
	"HolidayCheck", "ImmoScout", "ImmobilienScout", "AutoScout", "MyHammer", "HomeToGo", "CosmosDirekt", "BayWa",
	"DekaBank", "HypoVereinsbank", "BayernLB", "ProSieben", "SodaStream", "KitchenAid", "DeLonghi", "BabyOne",
	"TUIfly", "easyJet", "FedEx", "MasterCard", "AmEx", "LeasingMarkt", "ePost", "eDreams", "SunExpress",
	"GetYourGuide", "TripAdvisor", "DeWalt", "BusinessBike",
)

// numberWords are words spelt with numbers for their sound (E3): "Gr8",
// "4U", "2day". Keys are lower case.
var numberWords = set("gr8", "l8", "l8r", "m8", "h8", "w8", "str8", "sk8", "n8", "4u", "4you", "4ever", "4eva", "2u",
	"2day", "2nite", "2night", "2morrow", "2moro", "2go", "2b", "b4", "some1", "any1", "every1", "no1", "4sale", "4all",
	"4free", "4less", "2good")

// forWords follow a lone 2 or 4 read as "to" or "for" ("4 sale", "2 good");
// a count cannot precede them. Keys are lower case.
var forWords = set("sale", "you", "u", "ur", "ever", "good", "great", "go", "less", "real", "sure", "cheap", "late",
	"me", "us", "all", "rent", "buy", "nothing", "everyone")

// pronounForWords are forWords that no noun can follow as a count ("4 you
// guys" is still "for you").
var pronounForWords = set("you", "u", "ur", "me", "us", "ever", "nothing", "everyone")

// BuiltinBrandSpellings lists the brand spellings every checker allows,
// sorted, for people to see what they need not add.
func BuiltinBrandSpellings() []string {
	out := make([]string, 0, len(brandSpellings))
	for w := range brandSpellings {
		out = append(out, w)
	}
	slices.Sort(out)
	return out
}
