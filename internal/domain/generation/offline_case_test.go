package generation

import "testing"

// Keywords pasted in lower case become German copy with capitalised nouns;
// the brief's own spellings win; verbs and adjectives stay lower case.
func TestCasingCapitalisesGermanNouns(t *testing.T) {
	b := Brief{Language: "de", Product: "E-Bikes und Zubehör", BusinessName: "Radhaus München",
		SellingPoints: []string{"Leasing über JobRad", "Service für das iPhone"}, Keywords: []string{"e-bike münchen"}}
	c := newCasing("de", b)
	for in, want := range map[string]string{
		"e-bike münchen":               "E-Bike München",
		"reifenwechsel termin":         "Reifenwechsel Termin",
		"winterreifen kaufen":          "Winterreifen kaufen",
		"zahnversicherung vergleich":   "Zahnversicherung Vergleich",
		"jobrad leasing":               "JobRad Leasing",
		"iphone reparatur":             "iPhone Reparatur",
		"günstige räder":               "Günstige Räder",
		"kostenfrei und schnell":       "Kostenfrei und schnell",
		"winter- und ganzjahresreifen": "Winter- und Ganzjahresreifen",
	} {
		if got := c.text(in); got != want {
			t.Errorf("text(%q) = %q, want %q", in, got, want)
		}
	}
	// In the middle of a sentence an adjective stays lower case.
	if got := c.phrase("günstige räder"); got != "günstige Räder" {
		t.Errorf("phrase = %q", got)
	}
	// English: names and languages keep their capital, a field's first
	// word does not spread.
	en := newCasing("en", Brief{Language: "en", Product: "German courses", BusinessName: "Northflow Plumbing", Keywords: []string{"learn german leeds"},
		SellingPoints: []string{"Classes in Leeds"}})
	if got := en.phrase("learn german leeds"); got != "learn German Leeds" {
		t.Errorf("en phrase = %q", got)
	}
	if got := en.phrase("emergency plumbing"); got != "emergency plumbing" {
		t.Errorf("a word of the business name spread: %q", got)
	}
}
