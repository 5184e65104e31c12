package strength

import "strings"

// Angle is a kind of message a text makes. Google rewards variety of
// meaning, not only of words (reference §6b): an ad whose texts all say
// "buy now" in fifteen ways is weaker than one that also speaks of price,
// delivery, range, service and trust.
type Angle uint8

const (
	AnglePrice Angle = iota
	AngleDelivery
	AngleRange
	AngleService
	AngleTrust
	AngleAction
	angleCount
)

// angleStems are folded word beginnings (German and English) that mark an
// angle; a stem of six letters or more also counts inside a compound
// ("versandkostenfrei", "Reifenmontage").
var angleStems = [angleCount][]string{
	AnglePrice: {"preis", "guenstig", "rabatt", "spar", "angebot", "sale", "reduziert", "euro", "price",
		"save", "saving", "discount", "deal", "cheap", "offer", "afford", "kostenlos", "gratis", "free"},
	AngleDelivery: {"liefer", "versand", "zustell", "abhol", "delivery", "deliver", "shipping", "ship",
		"dispatch", "pickup", "express"},
	AngleRange: {"auswahl", "sortiment", "marke", "modell", "groesse", "vielfalt", "range", "selection",
		"brand", "model", "variety", "size", "collection", "kollektion"},
	AngleService: {"service", "montage", "beratung", "support", "termin", "werkstatt", "install", "repair",
		"reparatur", "hilfe", "notdienst", "help", "advice", "appointment", "fitting", "wechsel"},
	AngleTrust: {"erfahr", "jahre", "bewert", "zertifi", "garantie", "kunden", "testsieger", "qualitaet",
		"meister", "experience", "years", "review", "rated", "certified", "warranty", "guarantee",
		"customer", "trusted", "quality", "licensed", "award", "sicher"},
	AngleAction: {"kaufen", "kauf", "bestell", "buchen", "sichern", "entdeck", "anruf", "rufen", "anfrag",
		"testen", "buy", "order", "shop", "book", "get", "discover", "call", "try", "start", "visit", "sign"},
}

// angleNames name the angles in messages.
var angleNames = [angleCount]AdStrengthMessage{
	AnglePrice:    {DE: "Preis", EN: "price"},
	AngleDelivery: {DE: "Lieferung", EN: "delivery"},
	AngleRange:    {DE: "Auswahl", EN: "range"},
	AngleService:  {DE: "Service", EN: "service"},
	AngleTrust:    {DE: "Vertrauen", EN: "trust"},
	AngleAction:   {DE: "Handlungsaufforderung", EN: "call to action"},
}

// anglesOf marks the angles a text makes in seen.
func anglesOf(a analysed, raw string, seen *[angleCount]bool) {
	if strings.ContainsAny(raw, "%€$£") {
		seen[AnglePrice] = true
	}
	for _, w := range a.words {
		for ang, stems := range angleStems {
			if seen[ang] {
				continue
			}
			for _, s := range stems {
				if strings.HasPrefix(w.folded, s) || (len(s) >= 6 && strings.Contains(w.folded, s)) {
					seen[ang] = true
					break
				}
			}
		}
	}
}

// anglesApply: the lexicon is German and English; texts in other languages
// are not judged on angles.
func anglesApply(lang string) bool {
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	return base == "de" || base == "en"
}
