package policy

// phoneNumbers: E11 "entering a phone number in ad text" is not allowed;
// Google wants a call asset instead. Prices, dates, year ranges and
// thousands-separated counts also consist of digit groups, so a run of
// digits is only a phone number when it looks like one: it starts with "+"
// or "0" or "(", or it is split into groups that are not a date, a year
// range or a formatted number, and it has 7 to 15 digits (E.164 allows 15).
// Vanity numbers ("1-800-FLOWERS", "0800-BLUMEN") are caught separately.
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
		if looksLikePhone(lead, digitsBuf[0], groups[:min(ng, len(groups))], ng, total, onlyThousandsSeps) && !s.amountFollows(end) {
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

func looksLikePhone(lead, first rune, groups []int, ng, total int, thousandsSeps bool) bool {
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
