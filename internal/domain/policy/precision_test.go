package policy

import (
	"slices"
	"testing"
)

// Classes of ordinary copy the engine refused: numbers that are not phone
// numbers, domains, names and brand spellings, Google's placeholders.
func TestOrdinaryNumbersAreNotPhoneNumbers(t *testing.T) {
	runTextCases(t, Default(), []textCase{
		{"german date", Description, "Aktion gültig vom 01.03.2026 bis 31.03.2026.", nil},
		{"german date without year, range", Description, "Nur vom 01.03.–15.03. im Markt.", nil},
		{"date range with hyphen", Description, "Nur 01.03.-15.03.2026 im Markt.", nil},
		{"two-digit year", Description, "Angebot endet am 24.12.26 um Mitternacht.", nil},
		{"us date", Description, "Offer ends 12/24/2026 at midnight.", nil},
		{"iso dates", Description, "Aktion 2026-03-01 bis 2026-03-31 in allen Filialen.", nil},
		{"sizes with slashes", Description, "Rahmenhöhen 45 / 50 / 55 / 60 cm sofort lieferbar.", nil},
		{"shoe sizes", Description, "Größen 36 38 40 42 44 vorrätig.", nil},
		{"article number", Description, "Art.-Nr. 0815-4711 jetzt im Shop.", nil},
		{"order number", Description, "Bestellnummer 0815 4711 bereithalten.", nil},
		{"isbn", Description, "ISBN 978-3-16-148410-0 im Buchhandel.", nil},
		{"opening hours with dots", Description, "Mo–Fr 9.00 - 18.00 Uhr geöffnet.", nil},
		{"opening hours with colons", Description, "Mo-Fr 09:00-18:00, Sa 10:00-14:00 geöffnet.", nil},
		{"price with thousands and cents", Description, "E-Bike ab 2.299,00 € oder 12.999,00 EUR.", nil},
		{"price with spaces", Description, "Wohnungen ab 1 299 000 EUR.", nil},
		{"years", Description, "Testsieger 2019 2021 2024 bei Stiftung Warentest.", nil},
		{"date range without spaces", Description, "Aktion 1.3.2026-31.3.2026 in allen Filialen.", nil},
		{"tyre size", Description, "Winterreifen 205/55 R16 91V ab 59 €.", nil},
		{"measurement list", Description, "Matratzen 90 x 200 cm, 140 x 200 cm und 180 x 200 cm.", nil},
		{"quantity with unit", Description, "Akku 1 250 000 mAh? Nein: 625 Wh und 100 km Reichweite.", nil},
	})
	// Phone numbers stay phone numbers, labelled or not.
	runTextCases(t, Default(), []textCase{
		{"phone with label Tel.-Nr.", Description, "Tel.-Nr. 030 1234567 jetzt anrufen.", []string{CodePhoneNumber}},
		{"hotline", Description, "Hotline 0800 1234567 kostenlos.", []string{CodePhoneNumber}},
		{"international", Description, "Rufen Sie +49 30 1234567 an.", []string{CodePhoneNumber}},
		{"slash and hyphen", Description, "Rufen Sie 030/123456-78 an.", []string{CodePhoneNumber}},
		{"us number", Description, "Call 555-123-4567 today.", []string{CodePhoneNumber}},
		{"pairs after area code", Description, "Service 089 12 34 56 78 erreichbar.", []string{CodePhoneNumber}},
		{"telefonnummer", Description, "Telefonnummer 0301234567 für Termine.", []string{CodePhoneNumber}},
		{"notfallnummer", Description, "Notfallnummer 0800 1234567 rund um die Uhr.", []string{CodePhoneNumber}},
		{"dotted pairs are not a date", Description, "Appelez le 01.23.45.67.89 dès maintenant.", []string{CodePhoneNumber}},
		{"dashed pairs are not a date", Description, "Appelez le 01-23-45-67-89 dès maintenant.", []string{CodePhoneNumber}},
	})
}

func TestDomainsAndURLsAreNotSpacingFaults(t *testing.T) {
	runTextCases(t, Default(), []textCase{
		{"www with capital", Headline, "Jetzt auf www.Radhaus.de", nil},
		{"camel-case domain", Headline, "Mehr auf RadHaus.de", nil},
		{"domain with path", Description, "Alle Angebote auf radhaus.de/angebote.", nil},
		{"url with scheme", Description, "Mehr unter https://radhaus.de/service.", nil},
		{"domain at sentence end", Description, "Bestellen Sie auf Radhaus.de. Lieferung gratis.", nil},
		// Sentences glued together are still found.
		{"missing space still found", Description, "Neu im Shop.Jetzt bestellen", []string{CodeMissingSpace}},
		{"double slash outside a URL", Description, "Schuhe // Taschen", []string{CodeRepeatedPunctuation}},
	})
}

func TestNamesAndBrandSpellingsAreNotMixedCase(t *testing.T) {
	runTextCases(t, Default(), []textCase{
		{"Mc name", Headline, "McKenzie Outdoor-Jacken", nil},
		{"Mac name", Headline, "MacDonald Whisky kaufen", nil},
		{"O' name", Headline, "O'Neill Surf Shop", nil},
		{"MacBook", Headline, "MacBook Pro reparieren", nil},
		{"brand list", Description, "Zahlen Sie mit PayPal, bei eBay oder per JobRad.", nil},
		{"brand plural", Headline, "Gebrauchte iPhones kaufen", nil},
		{"more brands", Description, "Videos auf YouTube, Jobs auf LinkedIn, Fragen per WhatsApp.", nil},
		{"unknown inner capital", Headline, "RadHaus Angebote", []string{CodeMixedCase}},
		{"Mc with two capitals", Headline, "McKenZie Jacken", []string{CodeMixedCase}},
	})
	// An advertiser extends the list with its own spellings (the brief's
	// brand_terms).
	c, err := NewChecker(Options{Allow: []string{"RadHaus"}})
	if err != nil {
		t.Fatal(err)
	}
	runTextCases(t, c, []textCase{{"allowlisted", Headline, "RadHaus Angebote", nil}})
}

func TestGooglePlaceholdersAreAcceptedAndCounted(t *testing.T) {
	cases := []struct {
		name  string
		field Field
		text  string
		width int
		codes []string
	}{
		{"countdown counts its longest rendering", Headline, "Sale endet in {COUNTDOWN(2026/12/24 18:00:00,5)}", 14 + countdownWidth, nil},
		{"countdown with dashes and no time", Headline, "Noch {COUNTDOWN(2026-12-24)}", 5 + countdownWidth, nil},
		{"global countdown with language", Description, "Anmeldeschluss in {GLOBAL_COUNTDOWN(\"2026/12/24 18:00:00\",\"de\",7)}.", 18 + countdownWidth + 1, nil},
		{"legacy countdown syntax", Description, "Endet in {=COUNTDOWN(\"2026/12/24 18:00:00\",\"de-DE\",5)}.", 9 + countdownWidth + 1, nil},
		{"countdown over the limit", Headline, "Winterreifen-Sale endet in {COUNTDOWN(2026/12/24,5)}", 27 + countdownWidth, []string{CodeTooLong}},
		{"countdown bad date", Description, "Endet in {COUNTDOWN(2026/13/24,5)}", 9 + 25, []string{CodeMalformedPlaceholder}},
		{"countdown bad days", Description, "Endet in {COUNTDOWN(2026/12/24,0)}", 9 + 25, []string{CodeMalformedPlaceholder}},
		{"if counts the wider text", Headline, "{IF(device=mobile,Jetzt anrufen):Termin online buchen}", 20, nil},
		{"if without default", Headline, "Reifen {IF(device=mobile,am Handy buchen)}", 7 + 15, nil},
		{"if audience", Description, "{IF(audience IN(Stammkunden,Newsletter),Willkommen zurück):Willkommen} bei Radhaus.", 18 + 12, nil},
		{"if texts are judged", Headline, "{IF(device=mobile,Jetzt!!):Heute}", 7, []string{CodeExclamation, CodeRepeatedPunctuation}},
		{"if with = and spaces", Headline, "{=IF (device = mobile, Jetzt anrufen): Jetzt anfragen}", 14, nil},
		{"if with both conditions", Description, "{=IF(device=mobile or audience IN(Stammkunden),15 % Rabatt):10 % Rabatt} auf alles.", 11 + 11, nil},
		{"if without a condition", Headline, "{IF(Hallo):Hi}", 14, []string{CodeMalformedPlaceholder}},
		{"if unknown condition", Headline, "{IF(browser=chrome,Hallo):Hi}", 29, []string{CodeMalformedPlaceholder}},
		{"location", Headline, "Fahrräder in {LOCATION(City):Ihrer Stadt}", 13 + 11, nil},
		{"location level in lower case", Headline, "Fahrräder in {LOCATION(city):Berlin}", 13 + 6, nil},
		{"location state", Headline, "Reifen in {LOCATION(State):Bayern}", 10 + 6, nil},
		{"placeholders not in long headlines", LongHeadline, "Sale endet in {COUNTDOWN(2026/12/24,5)} – jetzt Räder sichern", 14 + countdownWidth + 22, []string{CodePlaceholderNotAllowed}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := CheckText(tc.field, tc.text)
			got := codes(r.Violations)
			want := tc.codes
			if want == nil {
				want = []string{}
			}
			if !slices.Equal(got, want) || r.Width != tc.width || Width(tc.text) != tc.width {
				t.Fatalf("CheckText(%s, %q) = %v width %d (Width %d), want %v width %d", tc.field, tc.text, got, r.Width, Width(tc.text), want, tc.width)
			}
		})
	}
}

// Google's own "not allowed" examples (adspolicy 14847994, 14848297, the
// business name requirements) and their classes.
func TestGimmickyCopyIsFound(t *testing.T) {
	runTextCases(t, Default(), []textCase{
		{"digit for letter in a short word", Headline, "N4ke Laufschuhe", []string{CodeSymbolAsLetter}},
		{"repeated digit ending", Headline, "Fr33 Versand heute", []string{CodeSymbolAsLetter}},
		{"digit for letter", Headline, "C0stenlos testen", []string{CodeSymbolAsLetter}},
		{"at sign for a", Headline, "S@le bei Radhaus", []string{CodeSymbolAsLetter}},
		{"exclamation mark for i", Description, "W!n a new bike today.", []string{CodeSymbolAsLetter}},
		{"at sign for a at sentence end", Description, "Großer S@le.", []string{CodeSymbolAsLetter}},
		{"number for word", Headline, "Bikes 4 sale", []string{CodeNumberAsWord}},
		{"number for to", Headline, "Too 2 good to miss", []string{CodeNumberAsWord}},
		{"number for word inside", Headline, "Gr8 deals on bikes", []string{CodeNumberAsWord}},
		{"4U", Headline, "Bikes 4U", []string{CodeNumberAsWord}},
		{"counts and abbreviations are not words", Description, "Hausnummer 2 u. 4, dazu 4 All-Season-Reifen und 2 Nights in Rome.", nil},
		{"a count before an adjective and a plural", Description, "Here are 2 good reasons and 4 sale items for you.", nil},
		{"for you before a plural is still for you", Headline, "Deals 4 you guys", []string{CodeNumberAsWord}},
		{"dollar for price", Headline, "Bikes at the lowest $", []string{CodeSymbolAsWord}},
		{"percent without a number", Headline, "Big % off all bikes", []string{CodeSymbolAsWord}},
		{"at for at", Headline, "Meet us @ the store", []string{CodeSymbolAsWord}},
		{"repeated symbol group", Headline, "Sale ()()() today", []string{CodeRepeatedPunctuation}},
		{"repeated question and exclamation", Description, "Wirklich?!?! Jetzt ansehen.", []string{CodeRepeatedPunctuation, CodeTooManyExclamations}},
		{"asterisks", Headline, "Sale *** today", []string{CodeRepeatedPunctuation}},
		{"stretched vowel", Headline, "Sooooo günstig", []string{CodeStretchedWord}},
		{"stretched ending", Headline, "Hallooo Sommer", []string{CodeStretchedWord}},
		{"stretched consonant", Headline, "Yesss, it's summer", []string{CodeStretchedWord}},
		{"three i never occur", Headline, "Suuuper Preise", []string{CodeStretchedWord}},
	})
	en, err := NewChecker(Options{Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	runTextCases(t, en, []textCase{
		{"english has no triple letters", Headline, "Wooow what a deal", []string{CodeStretchedWord}},
		{"www in english", Headline, "Visit www.radhaus.com today", nil},
	})
	runTextCases(t, Default(), []textCase{
		{"inflected german adjective", BusinessName, "Günstige Räder", []string{CodePromotionalBusinessName}},
		{"kostenloser", BusinessName, "Kostenloser Versand GmbH", []string{CodePromotionalBusinessName}},
		{"superlative", BusinessName, "Billigste Reifen", []string{CodePromotionalBusinessName}},
		{"beste", BusinessName, "Beste Räder Berlin", []string{CodePromotionalBusinessName}},
		{"angebote", BusinessName, "Radhaus Angebote", []string{CodePromotionalBusinessName}},
		{"cheapest", BusinessName, "Cheapest Tires", []string{CodePromotionalBusinessName}},
		{"free", BusinessName, "Free Bikes Ltd", []string{CodePromotionalBusinessName}},
		{"best", BusinessName, "Best Bikes", []string{CodePromotionalBusinessName}},
		{"discounts", BusinessName, "Bike Discounts", []string{CodePromotionalBusinessName}},
		// Compounds and names that begin like a promotional word pass.
		{"sparkasse", BusinessName, "Sparkasse Köln", nil},
		{"bestattungen", BusinessName, "Bestattungen Müller", nil},
		{"freiburg", BusinessName, "Radhaus Freiburg", nil},
	})
}

// ordinaryCopy is copy a German, English or Japanese advertiser publishes
// every day: prices, dates, opening hours, sizes, model numbers, domains,
// brand names and compounds. None of it may be refused.
var ordinaryCopy = []struct {
	lang  string
	field Field
	text  string
}{
	{"de", Headline, "E-Bikes ab 1.299,00 €"},
	{"de", Headline, "Winterreifen 205/55 R16 91V"},
	{"de", Headline, "Jetzt auf www.Radhaus.de"},
	{"de", Headline, "Schifffahrt auf dem Bodensee"},
	{"de", Headline, "Kaffeeersatz aus Bio-Getreide"},
	{"de", Headline, "Zooorchester live erleben"},
	{"de", Headline, "Brennnessel-Tee im Angebot"},
	{"de", Headline, "Reparatur für iPhone und iPad"},
	{"de", Headline, "Mit JobRad zum Traumrad"},
	{"de", Headline, "Bequem zahlen mit PayPal"},
	{"de", Headline, "McKenzie Jacken im Sale"},
	{"de", Headline, "Kfz-Versicherung ab 19 €/Monat"},
	{"de", Headline, "20 % Rabatt auf alle Helme"},
	{"de", Headline, "Öffnungszeiten Mo–Fr 9–18 Uhr"},
	{"de", Headline, "Gültig bis 31.03.2026"},
	{"de", Headline, "Größen 36 bis 46 vorrätig"},
	{"de", Headline, "4 Tage Rückgaberecht"},
	{"de", Headline, "2 Jahre Garantie inklusive"},
	{"de", Headline, "Windows 11 und Office 365"},
	{"de", Headline, "Galaxy S24 mit 256 GB"},
	{"de", Headline, "BMW 3er Leasing ab 299 €"},
	{"de", Headline, "MP3s und Hörbücher laden"},
	{"en", Headline, "Free Shipping Over $50"},
	{"en", Headline, "Open 24/7 in Downtown Boston"},
	{"en", Headline, "Book Your Stay for 2 Nights"},
	{"en", Headline, "Save 30% on Running Shoes"},
	{"ja", Headline, "東京のホテルを今すぐ予約"},
	{"ja", Headline, "送料無料・最短翌日お届け"},
	{"ja", Headline, "iPhone 15 修理 最短30分"},
	{"de", Description, "Aktion gültig vom 01.03.2026 bis 31.03.2026, solange der Vorrat reicht."},
	{"de", Description, "Rahmenhöhen 45 / 50 / 55 cm, Art.-Nr. 0815-4711, sofort lieferbar."},
	{"de", Description, "Mo–Fr 9:00–18:00 Uhr, Sa 10:00–14:00 Uhr. Termine online auf radhaus.de/termine."},
	{"de", Description, "E-Bike-Leasing über JobRad oder BusinessBike: bis zu 40 % sparen."},
	{"de", Description, "Preise inkl. MwSt., zzgl. Versand. Lieferung in 2–3 Werktagen."},
	{"de", Description, "Matratzen 90 x 200 cm und 140 x 200 cm ab 199 € – 100 Nächte testen."},
	{"de", Description, "Seit 1998 Ihr Fahrradhändler in München. Über 500 Räder vorrätig."},
	{"de", Description, "Kostenlose Beratung und Probefahrt. Jetzt Termin vereinbaren."},
	{"de", Description, "Schreiben Sie an info@radhaus.de oder besuchen Sie uns in der Filiale."},
	{"en", Description, "Free returns within 30 days. Orders ship Monday to Friday, 9 a.m. to 5 p.m."},
	{"en", Description, "Sizes 8, 9, 10 and 11 in stock. Model no. 4711-0815, made in the U.S.A."},
	{"en", Description, "Pay with PayPal or Apple Pay. Offer valid 03/01/2026 to 03/31/2026."},
	{"en", Description, "Rated 4.8/5 by 2,500 customers. Prices from $1,299.99 with free delivery."},
	{"en", Description, "Stream on YouTube and follow us on LinkedIn for weekly bike tips."},
	{"en", Description, "Cheese & more from O'Neill's farm, open 7:00 am – 7:00 pm."},
	{"de", Description, "Über 10.000 Artikel von Bosch, Makita und DeWalt im Onlineshop."},
	{"de", Description, "Wohnungen ab 1.299.000 € in Berlin-Mitte, Baujahr 2024, 80 m² Wohnfläche."},
	{"de", Description, "Zoo und Kaffee inklusive: Familienticket für 2 Erwachsene und 3 Kinder."},
	{"ja", Description, "営業時間は10:00〜19:00、定休日は水曜日です。"},
	{"ja", Description, "2026年3月31日までの期間限定セール。全品送料無料でお届けします。"},
	{"ja", Description, "サイズは S / M / L / XL の4種類。公式サイトからご注文ください。"},
	{"ja", Headline, "全品最大50%OFF・2026/3/31まで"},
	{"de", Headline, "Kühlschrank A+++ ab 499 €"},
	{"en", Headline, "C++ Courses for Beginners"},
	{"de", Path, "Winterreifen"},
	{"de", Callout, "Versand in 24 h"},
	{"de", SitelinkText, "Öffnungszeiten"},
	{"de", BusinessName, "Radhaus München"},
	{"de", BusinessName, "Sparkasse Köln"},
	{"de", BusinessName, "McKenzie Outdoor GmbH"},
}

func TestOrdinaryAdCopyPasses(t *testing.T) {
	if len(ordinaryCopy) < 40 {
		t.Fatalf("only %d lines of ordinary copy", len(ordinaryCopy))
	}
	for _, oc := range ordinaryCopy {
		for _, lang := range []string{"", oc.lang} {
			c, err := NewChecker(Options{Language: lang})
			if err != nil {
				t.Fatal(err)
			}
			if r := c.CheckText(oc.field, oc.text); len(r.Violations) != 0 {
				t.Errorf("language %q: CheckText(%s, %q) = %+v", lang, oc.field, oc.text, r.Violations)
			}
		}
	}
}
