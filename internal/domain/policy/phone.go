package policy

import "strings"

// phoneNumbers: E11 "entering a phone number in ad text" is not allowed;
// Google wants a call asset instead. Prices, dates, times, sizes, years and
// article numbers also consist of digit groups, so a run of digits is only a
// phone number when it looks like one: it starts with "+" or "0" or "(", or
// it is split into groups that are not a formatted number, and it has 7 to
// 15 digits (E.164 allows 15). Digits are not a phone number when they are a
// date or a time range (read first, so "01.03.2026" is never the start of
// one), carry a label ("Art.-Nr. 0815-4711", "ISBN …"), are followed by a
// unit or currency ("45 / 50 / 55 / 60 cm", "1 299 €"), are a list of sizes
// or years ("36 38 40 42 44", "1998 2010 2026"). Vanity numbers
// ("1-800-FLOWERS", "0800-BLUMEN") are caught separately.
func (s *scan) phoneNumbers() {
	vis := s.vis
	n := len(vis)
	for k := 0; k < n; {
		r := vis[k]
		start := k
		lead := rune(0)
		switch {
		case (r == '+' || r == '(') && k+1 < n && isDigit(vis[k+1]):
			lead = r
			k++
		case isDigit(r) && (k == 0 || !isWordRune(vis[k-1])):
			if e := s.dateOrTimeEnd(k, true); e > k {
				k = e
				continue
			}
		default:
			k++
			continue
		}
		var groups [16]int
		ng, total := 0, 0
		onlyThousandsSeps := true // every separator is . , or a space
		var digitsBuf [16]rune
		for {
			g := 0
			for k < n && isDigit(vis[k]) {
				if total+g < len(digitsBuf) {
					digitsBuf[total+g] = vis[k]
				}
				g++
				k++
			}
			if ng < len(groups) {
				groups[ng] = g
			}
			ng++
			total += g
			e, seps := k, 0
			for e < n && seps < 3 && isPhoneSeparator(vis[e]) {
				if vis[e] != '.' && vis[e] != ',' && !isSpace(vis[e]) {
					onlyThousandsSeps = false
				}
				e++
				seps++
			}
			if seps == 0 || e >= n || !isDigit(vis[e]) {
				break
			}
			k = e
		}
		end := k
		if end < n && vis[end] == ')' {
			end++
		}
		if k < n && isLetter(vis[k]) {
			// glued to a word: "100km", "24h" — a quantity, not a number to call
			continue
		}
		if ve := s.vanityEnd(k, digitsBuf[:min(total, len(digitsBuf))]); ve > 0 {
			s.emit(CodePhoneNumber, Error, start, ve, Args{})
			k = ve
			continue
		}
		if looksLikePhone(lead, digitsBuf[0], groups[:min(ng, len(groups))], ng, total, onlyThousandsSeps, digitsBuf[:min(total, len(digitsBuf))]) &&
			!s.amountFollows(end) && (lead != 0 || !s.numberLabelBefore(start) && !s.unitFollows(end)) {
			s.emit(CodePhoneNumber, Error, start, end, Args{})
		}
		if k == start {
			k++
		}
	}
}

func isPhoneSeparator(r rune) bool {
	switch r {
	case ' ', '-', '/', '.', '(', ')', 0xA0, 0x202F, 0x2009:
		return true
	}
	return false
}

func looksLikePhone(lead, first rune, groups []int, ng, total int, thousandsSeps bool, digits []rune) bool {
	if total < 7 || total > 15 {
		return false
	}
	if lead == '+' || lead == '(' {
		return true
	}
	if ng == 1 {
		return first == '0' // "0301234567"; other long numbers are counts or order numbers
	}
	if first == '0' {
		return true
	}
	if thousandsSeps && groups[0] <= 3 {
		thousands := true
		for _, g := range groups[1:] {
			if g != 3 {
				thousands = false
			}
		}
		if thousands {
			return false // 1.000.000 or 1 000 000
		}
	}
	if ng == 3 && total <= 8 && (groups[0] <= 2 && groups[1] <= 2 && (groups[2] == 4 || groups[2] == 2) ||
		groups[0] == 4 && groups[1] <= 2 && groups[2] <= 2) {
		return false // 31.12.2026, 2026-12-31
	}
	if ng == 2 && groups[0] == 4 && groups[1] == 4 {
		return false // 2024–2026 and other year ranges
	}
	if ng >= 3 && ng <= len(groups) && total <= len(digits) {
		same := true
		for _, g := range groups[1:] {
			same = same && g == groups[0]
		}
		if same && groups[0] <= 3 {
			return false // sizes: 36 38 40 42 44, 45 / 50 / 55 / 60
		}
		if same && groups[0] == 4 && allYears(digits, ng) {
			return false // 1998 2010 2026
		}
	}
	return true
}

// allYears: every group of four digits is a year from 1900 to 2099.
func allYears(digits []rune, ng int) bool {
	for g := 0; g < ng; g++ {
		d := digits[g*4 : g*4+4]
		if !(d[0] == '1' && d[1] == '9' || d[0] == '2' && d[1] == '0') {
			return false
		}
	}
	return true
}

// amountFollows: "1 234 567 €" is money, not a phone number.
func (s *scan) amountFollows(end int) bool {
	for end < len(s.vis) && isSpace(s.vis[end]) {
		end++
	}
	if end >= len(s.vis) {
		return false
	}
	switch s.vis[end] {
	case '€', '$', '£', '%', '¥':
		return true
	}
	return false
}

// vanityEnd returns the end of a vanity number whose digits end at k, or 0.
func (s *scan) vanityEnd(k int, digits []rune) int {
	if k+4 >= len(s.vis) || s.vis[k] != '-' && !isSpace(s.vis[k]) || !isUpper(s.vis[k+1]) {
		return 0
	}
	switch string(digits) {
	case "800", "1800", "888", "1888", "877", "1877", "866", "1866", "855", "1855", "844", "1844", "833", "1833",
		"0800", "0180", "0900", "0137":
	default:
		return 0
	}
	e := k + 1
	for e < len(s.vis) && isUpper(s.vis[e]) {
		e++
	}
	if e-(k+1) < 4 || e < len(s.vis) && isLetter(s.vis[e]) {
		return 0
	}
	return e
}

// number reads up to max digits at vis[k]; it returns their value and the
// index after them (k when there is no digit).
func (s *scan) number(k, max int) (int, int) {
	v, e := 0, k
	for e < len(s.vis) && e-k < max && s.vis[e] >= '0' && s.vis[e] <= '9' {
		v = v*10 + int(s.vis[e]-'0')
		e++
	}
	return v, e
}

// dateOrTimeEnd returns the end of a date or a time range that starts at
// vis[k], or k: "01.03.2026", "1.3.", "12/24/2026", "2026-03-01",
// "9.00 - 18.00", "9:00–18:00". Day and month must be in range, and a date
// must not run on into more digit groups ("01.23.45.67.89" is a French phone
// number), except into a second date after a dash when ranges are allowed
// ("1.3.2026-31.3.2026").
func (s *scan) dateOrTimeEnd(k int, ranges bool) int {
	vis := s.vis
	n := len(vis)
	a, e := s.number(k, 4)
	la := e - k
	if e >= n || la == 3 {
		return k
	}
	sep := vis[e]
	if sep != '.' && sep != '/' && sep != '-' && sep != ':' {
		return k
	}
	b, e2 := s.number(e+1, 2)
	lb := e2 - (e + 1)
	if lb == 0 || e2 < n && isDigit(vis[e2]) {
		return k
	}
	ended := func(i int) bool {
		if i >= n {
			return true
		}
		if isWordRune(vis[i]) {
			return isWide(vis[i]) // "2026/3/31まで": Japanese runs on without a space
		}
		if i+1 < n && isDigit(vis[i+1]) && isPhoneSeparator(vis[i]) {
			return ranges && vis[i] == '-' && s.dateOrTimeEnd(i+1, false) > i+1
		}
		return true
	}
	if la == 4 {
		// ISO 8601: 2026-03-01
		if a < 1900 || a > 2099 || b < 1 || b > 12 || e2 >= n || vis[e2] != sep {
			return k
		}
		c, e3 := s.number(e2+1, 2)
		if e3-(e2+1) != 2 || c < 1 || c > 31 || !ended(e3) {
			return k
		}
		return e3
	}
	if lb == 2 && (sep == '.' || sep == ':') && a <= 24 && b <= 59 {
		// a time; only a range of two is claimed here: "9.00 - 18.00"
		i := e2
		for i < n && isSpace(vis[i]) {
			i++
		}
		if i < n && (vis[i] == '-' || vis[i] == '–' || vis[i] == '—') {
			i++
			for i < n && isSpace(vis[i]) {
				i++
			}
			if h, he := s.number(i, 2); he > i && h <= 24 && he < n && (vis[he] == '.' || vis[he] == ':') {
				if m, me := s.number(he+1, 2); me-(he+1) == 2 && m <= 59 && ended(me) {
					return me
				}
			}
		}
	}
	if sep == ':' || a < 1 || b < 1 || !(a <= 31 && b <= 12 || a <= 12 && b <= 31) {
		return k
	}
	if e2 < n && vis[e2] == sep {
		c, e3 := s.number(e2+1, 4)
		lc := e3 - (e2 + 1)
		if lc == 2 || lc == 4 && c >= 1900 && c <= 2099 {
			if ended(e3) {
				return e3
			}
			return k
		}
		if sep == '.' && lc == 0 {
			return e2 + 1 // "01.03." before a range or a word
		}
	}
	return k
}

// numberLabelBefore: the digits at vis[start] are labelled as an article,
// order or model number ("Art.-Nr. 0815-4711", "ISBN 978-3-…", "Bestellnummer
// 4711-0815"); a "Nr." after "Tel." or "Fax" labels a phone number.
func (s *scan) numberLabelBefore(start int) bool {
	w1s, w1e := s.wordBefore(start)
	if w1e <= w1s {
		return false
	}
	var k keyBuf
	for _, r := range s.vis[w1s:w1e] {
		if !k.add(fold(r)) {
			return false
		}
	}
	key := string(k.b[:k.n])
	if phoneWord(key) {
		return false
	}
	if _, ok := numberLabels[key]; ok {
		if key == "nr" || key == "no" || key == "nummer" || key == "number" {
			// "Tel.-Nr.", "Fax-Nr.": the label names a phone number
			w0s, w0e := s.wordBefore(w1s)
			var k0 keyBuf
			for _, r := range s.vis[w0s:w0e] {
				if !k0.add(fold(r)) {
					return true
				}
			}
			return !phoneWord(string(k0.b[:k0.n]))
		}
		return true
	}
	for _, suffix := range [...]string{"nummer", "number", "nr"} {
		if len(key) > len(suffix) && key[len(key)-len(suffix):] == suffix {
			return true // Artikelnummer, Bestellnr (Telefonnummer is a phone word)
		}
	}
	return false
}

// wordBefore returns the word that ends before vis[k], skipping the spaces
// and label punctuation (". - : #") between them; it stops at anything else.
func (s *scan) wordBefore(k int) (int, int) {
	e := k
	for e > 0 && e > k-4 {
		switch r := s.vis[e-1]; {
		case isSpace(r), r == '.', r == '-', r == ':', r == '#', r == '–':
			e--
			continue
		}
		break
	}
	b := e
	for b > 0 && isLetter(s.vis[b-1]) {
		b--
	}
	return b, e
}

// phoneWord: the label names a phone number (Telefonnummer, Rufnummer,
// Notfallnummer, Hotline, Fax, Servicenummer, …).
func phoneWord(key string) bool {
	for _, p := range [...]string{"tel", "fon", "phone", "fax", "ruf", "handy", "mobil", "hotline", "call", "whatsapp",
		"service", "notfall", "kontakt", "contact", "電話"} {
		if strings.HasPrefix(key, p) || strings.HasSuffix(key, p) { // not inside: Bestellnummer
			return true
		}
	}
	return false
}

// numberLabels name article, order, model and register numbers.
var numberLabels = set("nr", "no", "nummer", "number", "art", "artikel", "sku", "ean", "gtin", "isbn", "issn", "pzn",
	"modell", "model", "typ", "type", "ref", "serie", "series", "item", "order", "bestell", "best", "auftrag", "kunden",
	"rechnung", "invoice", "los", "charge", "hrb", "hra", "ust", "idnr", "plz", "zip", "id", "teil", "part", "version",
	"品番", "型番")

// unitFollows: a unit or currency after the digits makes them a quantity:
// "45 / 50 / 55 / 60 cm", "1 299 EUR", "9.00 - 18.00 Uhr".
func (s *scan) unitFollows(end int) bool {
	vis := s.vis
	for end < len(vis) && isSpace(vis[end]) {
		end++
	}
	if end >= len(vis) {
		return false
	}
	if r := vis[end]; r == '"' || r == '″' || isCJK(r) {
		return unitCJK(r) || r == '"' || r == '″'
	}
	e := end
	for e < len(vis) && isLetter(vis[e]) && e-end < 8 {
		e++
	}
	if e == end || e < len(vis) && isLetter(vis[e]) {
		return false
	}
	var k keyBuf
	for _, r := range vis[end:e] {
		if !k.add(fold(r)) {
			return false
		}
	}
	_, ok := units[string(k.b[:k.n])]
	return ok
}

func unitCJK(r rune) bool {
	switch r {
	case '円', '個', '枚', '本', '点', '年', '月', '日', '時', '分', '件', '名', '台', '回', '冊', '型':
		return true
	}
	return false
}

// units are the units and currency codes that follow a quantity.
var units = set("mm", "cm", "dm", "m", "km", "qm", "g", "kg", "mg", "l", "ml", "cl", "w", "kw", "kwh", "v", "mah",
	"zoll", "inch", "inches", "ft", "lb", "lbs", "oz", "kb", "mb", "gb", "tb", "mbit", "hz", "mhz", "ghz", "ps", "hp",
	"eur", "euro", "usd", "chf", "gbp", "jpy", "uhr", "h", "min", "stück", "stk", "teile", "paar", "jahre", "tage",
	"monate", "wochen", "years", "days", "months", "weeks", "pieces", "pcs", "mal", "x", "px", "dpi", "db", "sek")
