package policy

import "testing"

// Google's own examples (reference §3) and the copy a German or English
// advertiser writes every day.
func TestEditorialRules(t *testing.T) {
	runTextCases(t, Default(), []textCase{
		// E1 capitalization
		{"E1 FLOWERS", Headline, "FLOWERS for Mother's Day", []string{CodeAllCaps}},
		{"E1 FlOwErS", Headline, "FlOwErS for Mother's Day", []string{CodeMixedCase}},
		{"E1 ASAP allowed", Headline, "Delivered ASAP", nil},
		{"E1 short abbreviations", Headline, "PKW und LKW vom TÜV geprüft", nil},
		{"E1 known long abbreviation with umlaut", Headline, "ÖPNV-Ticket inklusive", nil},
		{"E1 shouted short word", Headline, "NEU: Winterreifen", []string{CodeAllCaps}},
		{"E1 german shouting with ß", Headline, "GROßE Auswahl an Reifen", []string{CodeAllCaps}},
		{"E1 SALE", Headline, "Big SALE on Shoes", []string{CodeAllCaps}},
		{"E1 no vowels is an abbreviation", Headline, "HTML und CSS lernen", nil},
		{"E1 roman numeral", Headline, "Rocky VIII auf DVD", nil},
		{"E1 coupon code after Code", Description, "Mit dem Code SOMMER25 sparen Sie 25 %.", nil},
		{"E1 coupon code without context", Description, "Mit SOMMER25 sparen Sie 25 %.", []string{CodeAllCaps}},
		{"E1 legal forms", Headline, "Müller GmbH & Co. KG", nil},
		{"E1 units", Headline, "Akku mit 5000 mAh und 65 kW", nil},
		{"E1 eBay is a known brand spelling", Headline, "Deals on eBay", nil},
		{"E1 iPhone is a known brand spelling", Headline, "Cases for iPhone", nil},
		{"E1 unknown brand not allowlisted", Headline, "Deals on ShoeMax", []string{CodeMixedCase}},
		{"E1 title case is fine", Headline, "Buy Running Shoes Online", nil},
		{"E1 irish name", Headline, "O'Neill Surf Shop", nil},
		{"E1 german nouns", Headline, "Kfz-Versicherung im Vergleich", nil},
		// E2 repeated punctuation
		{"E2 flowers!!", Description, "Fresh flowers!!", []string{CodeRepeatedPunctuation, CodeTooManyExclamations}},
		{"E2 ??", Description, "Need flowers??", []string{CodeRepeatedPunctuation}},
		{"E2 ellipsis allowed", Description, "Und das ist noch nicht alles...", nil},
		{"E2 two dots", Description, "Und mehr.. jetzt entdecken", []string{CodeRepeatedPunctuation}},
		{"E2 euro signs", Description, "Sparen €€€ mit uns", []string{CodeRepeatedPunctuation}},
		// E3 symbols in place of letters
		{"E3 f1owers", Headline, "Fresh f1owers delivered", []string{CodeSymbolAsLetter}},
		{"E3 fl@wers", Headline, "Fresh fl@wers delivered", []string{CodeSymbolAsLetter}},
		{"E3 Ca$h", Headline, "Get Ca$h Back", []string{CodeSymbolAsLetter}},
		{"E3 B2B allowed", Headline, "B2B-Software für Händler", nil},
		{"E3 product codes allowed", Headline, "MP3, 4K und 5G für alle", nil},
		{"E3 email allowed", Description, "Schreiben Sie an info@example.de.", nil},
		{"E3 dollar before number", Headline, "Only US$10 per Month", nil},
		// E4 superscripts
		{"E4 footnote", Headline, "Gratis Versand¹", []string{CodeSuperscript}},
		{"E4 m² allowed", Headline, "Wohnung mit 80 m² Fläche", nil},
		{"E4 CO₂ allowed", Headline, "CO₂-neutral versenden", nil},
		{"E4 superscript letters", Headline, "Sale ᵀᴼᴰᴬᵞ only", []string{CodeSuperscript}},
		// E5 bullets and stars
		{"E5 *flowers*", Headline, "*flowers* for you", []string{CodeNonstandardSymbol}},
		{"E5 5* hotel allowed", Headline, "5* hotel in Berlin", nil},
		{"E5 5*-Hotel allowed", Headline, "5*-Hotel an der Ostsee", nil},
		{"E5 legal asterisk allowed", Headline, "Ab 49 €* im Monat", nil},
		{"E5 0 %* allowed", Headline, "0 %* Finanzierung", nil},
		{"E5 bullet", Description, "Schnell • Günstig • Sicher", []string{CodeNonstandardSymbol, CodeNonstandardSymbol}},
		{"E5 star and check", Headline, "★ Top Service ✓", []string{CodeNonstandardSymbol, CodeNonstandardSymbol}},
		{"E5 arrow", Headline, "Jetzt informieren →", []string{CodeNonstandardSymbol}},
		// E6 gimmicky punctuation
		{"E6 F.L.O.W.E.R.S.", Headline, "F.L.O.W.E.R.S. for you", []string{CodeGimmickyPunctuation}},
		{"E6 z. B. allowed", Description, "Viele Marken, z. B. Bosch und Makita.", nil},
		{"E6 u.v.m. allowed", Description, "Schuhe, Taschen u.v.m. im Shop.", nil},
		{"E6 U.S.A. allowed", Headline, "Made in the U.S.A.", nil},
		// E8 exclamation marks
		{"E8 headline", Headline, "Jetzt zugreifen!", []string{CodeExclamation}},
		{"E8 description one allowed", Description, "Jetzt zugreifen! Nur diese Woche.", nil},
		{"E8 description two", Description, "Jetzt zugreifen! Nur diese Woche!", []string{CodeTooManyExclamations}},
		{"E8 business name", BusinessName, "Acme!", []string{CodeExclamation}},
		{"E8 full-width", Headline, "今すぐ予約！", []string{CodeExclamation}},
		// E9 spacing
		{"E9 Sale,buy", Headline, "Sale,buy flowers", []string{CodeMissingSpace}},
		{"E9 missing after full stop", Description, "Große Auswahl.Jetzt bestellen.", []string{CodeMissingSpace}},
		{"E9 domain allowed", Headline, "Jetzt auf shop.de bestellen", nil},
		{"E9 decimal allowed", Headline, "Winterreifen ab 49,99 €", nil},
		{"E9 time allowed", Headline, "Geöffnet 9:00 bis 18:00", nil},
		{"E9 double space", Headline, "Buy  flowers", []string{CodeExtraSpace}},
		{"E9 leading space", Headline, " Buy flowers", []string{CodeExtraSpace}},
		{"E9 trailing space", Headline, "Buy flowers ", []string{CodeExtraSpace}},
		{"E9 space before comma", Description, "Rosen , Tulpen und Nelken", []string{CodeExtraSpace}},
		{"E9 f l o w e r s", Headline, "f l o w e r s", []string{CodeGimmickySpacing}},
		{"E9 spaced ellipsis allowed", Description, "Und dann ... kam der Sommer", nil},
		{"E9 japanese without spaces", Headline, "東京,大阪のホテル", nil},
		// E10 style
		{"E10 click here", Headline, "Click here for flowers", []string{CodeClickHere}},
		{"E10 hier klicken", Headline, "Hier klicken und sparen", []string{CodeClickHere}},
		{"E10 klicken Sie hier", Description, "Für Angebote klicken Sie hier.", []string{CodeClickHere}},
		{"E10 clicking is not generic", Headline, "Click & Collect im Markt", nil},
		{"E10 list marker", Description, "- Schnelle Lieferung", []string{CodeListMarker}},
		{"E10 numbered list", Description, "1) Schnelle Lieferung", []string{CodeListMarker}},
		{"E10 german ordinal allowed", Headline, "1. Wahl für Ihr Zuhause", nil},
		// E11 phone numbers
		{"E11 german number", Description, "Rufen Sie an: 030 1234567", []string{CodePhoneNumber}},
		{"E11 international", Description, "Hotline +49 30 1234567", []string{CodePhoneNumber}},
		{"E11 US", Description, "Call (555) 123-4567 today", []string{CodePhoneNumber}},
		{"E11 vanity", Description, "Call 1-800-FLOWERS today", []string{CodePhoneNumber, CodeAllCaps}},
		{"E11 price allowed", Description, "Häuser ab 1.299.000 € in Berlin", nil},
		{"E11 date allowed", Description, "Nur bis 31.12.2026 gültig", nil},
		{"E11 year range allowed", Description, "Modelle 2024-2026 im Angebot", nil},
		{"E11 count allowed", Description, "Über 1.000.000 Kunden vertrauen uns", nil},
		{"E11 24/7 allowed", Headline, "Service 24/7 erreichbar", nil},
		// E12 repetition
		{"E12 Deals Deals Deals", Headline, "Deals Deals Deals", []string{CodeRepetition}},
		{"E12 Sale, Sale", Headline, "Sale, Sale bei uns", []string{CodeRepetition}},
		{"E12 die die allowed", Description, "Schuhe, die die Welt bewegen.", nil},
		// E13 business name
		{"E13 promotional", BusinessName, "Acme Sale", []string{CodePromotionalBusinessName}},
		{"E13 german promotional", BusinessName, "Reifen Günstig", []string{CodePromotionalBusinessName}},
		{"E13 percent", BusinessName, "Acme 20%", []string{CodePromotionalBusinessName}},
		{"E13 plain name", BusinessName, "Reifen Müller", nil},
		// German copy that must pass
		{"de Jetzt 20 % sparen", Headline, "Jetzt 20 % sparen", nil},
		{"de E-Bikes", Headline, "E-Bikes für die Stadt", nil},
		{"de Umlauts", Description, "Größte Auswahl an Fahrrädern für Groß und Klein – jetzt bestellen.", nil},
	})
}

func TestAllowlist(t *testing.T) {
	c, err := NewChecker(Options{Language: "en", Allow: []string{"eBay", "iPhone", "SOMMER25", "Yahoo!", "E*TRADE"}})
	if err != nil {
		t.Fatal(err)
	}
	runTextCases(t, c, []textCase{
		{"eBay allowlisted", Headline, "Deals on eBay", nil},
		{"iPhone allowlisted", Headline, "Cases for iPhone", nil},
		{"iPhone15 allowlisted by prefix", Headline, "Cases for iPhone15", nil},
		{"allowlist is case-sensitive", Headline, "Deals on EBAY", []string{CodeAllCaps}},
		{"coupon code", Headline, "Save with SOMMER25", nil},
		{"brand with exclamation", Headline, "Search with Yahoo!", nil},
		{"brand with asterisk", Headline, "Trade with E*TRADE", nil},
		{"other words still checked", Headline, "eBay FLOWERS", []string{CodeAllCaps}},
	})
}

func TestBannedTerms(t *testing.T) {
	c, err := NewChecker(Options{Banned: []string{"billig", "Nummer eins", "günstigste"}})
	if err != nil {
		t.Fatal(err)
	}
	runTextCases(t, c, []textCase{
		{"banned word", Headline, "Billig Reifen kaufen", []string{CodeBannedTerm}},
		{"banned phrase across spaces", Headline, "Die NUMMER EINS für Reifen", []string{CodeAllCaps, CodeBannedTerm, CodeAllCaps}},
		{"banned umlaut", Headline, "Die Günstigste Werkstatt", []string{CodeBannedTerm}},
		{"word boundary", Headline, "Billigflieger vergleichen", nil},
		{"not banned", Headline, "Reifen kaufen", nil},
	})
}

func TestBusinessNameMustMatch(t *testing.T) {
	c, err := NewChecker(Options{BusinessName: "Best Buy"})
	if err != nil {
		t.Fatal(err)
	}
	ebay, err := NewChecker(Options{BusinessName: "eBay"})
	if err != nil {
		t.Fatal(err)
	}
	runTextCases(t, ebay, []textCase{
		{"verified name is allowlisted", Headline, "Deals on eBay", nil},
	})
	runTextCases(t, c, []textCase{
		{"verified name with promo word", BusinessName, "Best Buy", nil},
		{"mismatch", BusinessName, "BestBuy", []string{CodeMixedCase, CodeBusinessNameMismatch}},
		{"other fields unaffected", Headline, "Best Buy Deals", nil},
	})
}

func TestLanguageChoosesPhraseLists(t *testing.T) {
	en, _ := NewChecker(Options{Language: "en-US"})
	de, _ := NewChecker(Options{Language: "de-DE"})
	fr, _ := NewChecker(Options{Language: "fr"})
	if got := codes(en.CheckText(Headline, "Hier klicken und sparen").Violations); len(got) != 0 {
		t.Errorf("en flagged German phrase: %v", got)
	}
	if got := codes(de.CheckText(Headline, "Hier klicken und sparen").Violations); len(got) != 1 {
		t.Errorf("de missed German phrase: %v", got)
	}
	if got := codes(de.CheckText(Headline, "Click here now").Violations); len(got) != 1 {
		t.Errorf("de missed English phrase: %v", got)
	}
	if got := fr.CheckText(Description, "Soldes d'hiver : jusqu'à -50 % !"); !got.Valid {
		t.Errorf("fr rejected French spacing: %v", got.Violations)
	}
	if got := de.CheckText(Description, "Winterschlussverkauf : bis zu 50 %"); got.Valid {
		t.Errorf("de accepted space before colon")
	}
}

func TestNewCheckerRejectsBadOptions(t *testing.T) {
	banned := make([]string, 26)
	for i := range banned {
		banned[i] = "wort"
	}
	for name, o := range map[string]Options{
		"26 banned terms":      {Banned: banned},
		"empty banned term":    {Banned: []string{" "}},
		"bad language":         {Language: "not a language tag!"},
		"invalid utf-8":        {Allow: []string{"\xff"}},
		"term starts w/ space": {Allow: []string{"*brand"}},
	} {
		if _, err := NewChecker(o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := NewChecker(Options{Banned: banned[:25]}); err != nil {
		t.Errorf("25 banned terms rejected: %v", err)
	}
}
