package policy

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Width is the display width of text as Google counts it: characters of
// East Asian Width W (wide) or F (full-width) count 2, combining marks and
// zero-width joiners 0, everything else 1. Keyword insertion and ad
// customizers count at the width of their default text; a malformed
// placeholder counts character by character.
func Width(text string) int {
	w := 0
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if c == '{' {
				if p := parsePlaceholder(text, i); p.ok {
					w += p.width(text)
					i = p.end
					continue
				}
			}
			w++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		w += runeWidth(r)
		i += size
	}
	return w
}

// plainWidth is Width without placeholder parsing.
func plainWidth(s string) int {
	w := 0
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			w++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		w += runeWidth(r)
		i += size
	}
	return w
}

// runeWidth is the width of one code point. Google documents the rule only
// as "double-width languages (Chinese, Japanese, Korean) count twice"; the
// Unicode East_Asian_Width property W/F is the standard definition of those
// characters (reference §2).
func runeWidth(r rune) int {
	if r < 0x300 {
		return 1
	}
	if isCJK(r) {
		return 2
	}
	if isZeroWidth(r) {
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// isCJK is a fast path for the common wide letters: hiragana, katakana,
// CJK ideographs and Hangul syllables (all East Asian Width W, all letters).
// The combining sound marks U+3099/U+309A lie outside these ranges.
func isCJK(r rune) bool {
	return r >= 0x3041 && r <= 0x3096 || r >= 0x30A1 && r <= 0x30FA || r >= 0x4E00 && r <= 0x9FFF || r >= 0xAC00 && r <= 0xD7A3
}

// isZeroWidth reports combining marks and the joiners that shape scripts
// such as Devanagari and Persian: they occupy no position of their own.
func isZeroWidth(r rune) bool {
	if r < 0x300 {
		return false
	}
	return r == 0x200C || r == 0x200D || unicode.In(r, unicode.Mn, unicode.Me)
}

// isWide reports characters that count 2; the missing-space rule ignores
// them because CJK text is written without spaces.
func isWide(r rune) bool {
	if r < 0x1100 {
		return false
	}
	if isCJK(r) {
		return true
	}
	k := width.LookupRune(r).Kind()
	return k == width.EastAsianWide || k == width.EastAsianFullwidth
}

// charClass is what the character-set rules think of a single code point.
type charClass uint8

const (
	classOK charClass = iota
	classEmoji
	classHalfWidthKatakana
	classInvalid
	classSuperscript
	classSymbol
)

// classify a code point outside ASCII's printable range. prev is the
// visible character before it, needed to allow m² and CO₂.
func classify(r, prev rune) charClass {
	if r < 0x20 || r == 0x7F {
		return classInvalid
	}
	if r < 0xA0 {
		if r >= 0x80 {
			return classInvalid
		}
		return classOK
	}
	if isCJK(r) {
		return classOK
	}
	switch {
	case r == utf8.RuneError:
		return classInvalid
	case r == 0xA0 || r == 0x2009 || r == 0x202F || r == 0x3000:
		return classOK // spaces that typography needs (20 %, 10 000, Japanese)
	case r == 0xA9 || r == 0xAE || r == 0x2122:
		return classOK // © ® ™ mark brands; E4 names them as the allowed exception
	case r == 0xB2 || r == 0xB3:
		if prev == 'm' {
			return classOK // m², km³: units, the standard use of a superscript
		}
		return classSuperscript
	case r == 0xB9:
		return classSuperscript
	case r >= 0x2080 && r <= 0x2089:
		if isUpperASCII(prev) {
			return classOK // CO₂, H₂O: chemical formulas
		}
		return classSuperscript
	case r == 0xAD:
		return classInvalid // soft hyphen: invisible
	case r < 0x300:
		return classOK // the rest of Latin-1 and Latin Extended: letters and standard signs
	case r >= 0x2070 && r <= 0x209F, r >= 0x1D2C && r <= 0x1D6A:
		return classSuperscript
	case r >= 0xFF61 && r <= 0xFF9F:
		return classHalfWidthKatakana
	case isDecorativeSymbol(r):
		return classSymbol
	case isEmoji(r):
		return classEmoji
	case r == 0x200C || r == 0x200D:
		return classOK
	case r == 0x1680, r >= 0x2000 && r <= 0x200A, r == 0x205F:
		return classInvalid // typographic spaces used to space out text
	case !unicode.IsGraphic(r):
		return classInvalid // controls, format characters, private use, unassigned
	}
	return classOK
}

// isDecorativeSymbol lists the bullets, stars, check marks, hearts and
// arrows that E5 names as "non-standard symbols".
func isDecorativeSymbol(r rune) bool {
	switch {
	case r == 0x2022, r == 0x2023, r == 0x2043, r == 0x203B, r == 0x2219, r == 0x2217, r == 0x204E:
		return true // • ‣ ⁃ ※ ∙ ∗ ⁎
	case r >= 0x2190 && r <= 0x21FF:
		return true // arrows
	case r >= 0x25A0 && r <= 0x25FF:
		return true // geometric shapes: ■ □ ▪ ► ▶ ● ○ ◆
	case r == 0x2605, r == 0x2606, r >= 0x2610 && r <= 0x2612, r >= 0x261A && r <= 0x261F:
		return true // ★ ☆ ☐ ☑ ☒ ☚–☟
	case r >= 0x2660 && r <= 0x2667, r == 0x266A, r == 0x266B:
		return true // card suits, hearts, notes
	case r >= 0x2713 && r <= 0x2718, r >= 0x2726 && r <= 0x2731, r == 0x2756, r == 0x2764, r == 0x2765:
		return true // ✓ ✔ ✗ ✘ ✦ ✧ ✩–✱ ❖ ❤
	case r >= 0x2794 && r <= 0x27BF, r >= 0x2B05 && r <= 0x2B07, r >= 0x2B50 && r <= 0x2B55, r >= 0x29BF && r <= 0x29C0:
		return true // ➔ ➜ ➤ ⬅ ⭐ ⦿
	}
	return false
}

// isEmoji reports emoji and the characters that only occur inside emoji
// sequences (skin tones, regional-indicator flags, keycaps, presentation
// selector, tag characters).
func isEmoji(r rune) bool {
	switch {
	case r == 0xFE0F, r == 0x20E3:
		return true
	case r >= 0x1F1E6 && r <= 0x1F1FF, r >= 0x1F3FB && r <= 0x1F3FF, r >= 0xE0020 && r <= 0xE007F:
		return true
	}
	lo, hi := 0, len(extendedPictographic)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch rg := extendedPictographic[m]; {
		case r < rg[0]:
			hi = m
		case r > rg[1]:
			lo = m + 1
		default:
			return true
		}
	}
	return false
}

func isUpperASCII(r rune) bool { return r >= 'A' && r <= 'Z' }

// asciiClass answers the character predicates for ASCII with one load; the
// rules ask them for every character of every text.
var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for c := range t {
		switch {
		case c >= 'A' && c <= 'Z':
			t[c] = aWord | aLetter | aUpper
		case c >= 'a' && c <= 'z':
			t[c] = aWord | aLetter | aLower
		case c >= '0' && c <= '9':
			t[c] = aWord | aDigit
		}
	}
	return t
}()

const (
	aWord uint8 = 1 << iota
	aLetter
	aUpper
	aLower
	aDigit
)

func isLetter(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r]&aLetter != 0
	}
	return isCJK(r) || unicode.IsLetter(r)
}

func isUpper(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r]&aUpper != 0
	}
	return unicode.IsUpper(r) || unicode.IsTitle(r)
}

// isLower treats ß as caseless: it has no common upper-case form, so
// "GROßE" is all capitals, not mixed case.
func isLower(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r]&aLower != 0
	}
	return r != 'ß' && unicode.IsLower(r)
}

func isDigit(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r]&aDigit != 0
	}
	return unicode.IsDigit(r)
}

// isWordRune: letters, digits and combining marks make up words.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r]&aWord != 0
	}
	return r == placeholderRune || isCJK(r) || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

func isSpace(r rune) bool {
	return r == ' ' || r == 0xA0 || r == 0x2009 || r == 0x202F || r == 0x3000
}

func isApostrophe(r rune) bool { return r == '\'' || r == 0x2019 }

// isPunctOrSymbol is what E2 counts as punctuation or a symbol. The
// stand-in for an unresolved placeholder is neither: its finding is the
// placeholder's.
func isPunctOrSymbol(r rune) bool {
	if r < utf8.RuneSelf {
		return r > ' ' && r < 0x7F && !isWordRune(r)
	}
	return r != placeholderRune && (unicode.IsPunct(r) || unicode.IsSymbol(r))
}

// fold maps a rune to its lower-case form for case-insensitive matching.
func fold(r rune) rune {
	if r < utf8.RuneSelf {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	return unicode.ToLower(r)
}
