// Package cellsafe keeps spreadsheet programs from running text we export as
// a formula (CSV or formula injection): a cell that starts with = + - @, a
// tab or a carriage return is written with a leading apostrophe, which
// spreadsheets take as "this is text". Every file we write for people to
// open in a spreadsheet (report CSVs, Google Ads Editor files) goes through
// Defuse, so the rule is defined once.
//
// Defuse is exactly invertible by Restore, so a file read back gives the
// texts that were written: a text that already starts with apostrophes
// followed by a trigger character ("'=A1") gets one apostrophe more, and
// Restore removes exactly one from a cell of that shape.
package cellsafe

// triggers are the first characters a spreadsheet reads as the start of a
// formula (or, for tab and CR, that some spreadsheets strip before looking).
const triggers = "=+-@\t\r"

func isTrigger(b byte) bool {
	for i := 0; i < len(triggers); i++ {
		if triggers[i] == b {
			return true
		}
	}
	return false
}

// quoted reports whether s is apostrophes (at least min of them) followed by
// a trigger character.
func quoted(s string, min int) bool {
	i := 0
	for i < len(s) && s[i] == '\'' {
		i++
	}
	return i >= min && i < len(s) && isTrigger(s[i])
}

// Defuse returns s as a cell a spreadsheet shows as text.
func Defuse(s string) string {
	if quoted(s, 0) {
		return "'" + s
	}
	return s
}

// Restore undoes Defuse: Restore(Defuse(s)) == s for every s.
func Restore(cell string) string {
	if quoted(cell, 1) {
		return cell[1:]
	}
	return cell
}
