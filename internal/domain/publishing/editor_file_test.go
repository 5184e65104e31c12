package publishing

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/imaphub/imaphub/internal/platform/errs"
)

// utf16LE encodes s as UTF-16LE with a byte-order mark.
func utf16LE(s string) []byte {
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

func utf16BE(s string) []byte {
	out := []byte{0xFE, 0xFF}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u>>8), byte(u))
	}
	return out
}

// The file is Editor's own format: UTF-16LE with a BOM, tab-separated, CRLF
// line ends; cells with a tab, quote or line break are quoted, cells that
// look like formulas defused; reading it gives back every cell exactly.
func TestEditorFileWritesEditorsFormatAndReadsItBack(t *testing.T) {
	header := []string{"Campaign", "Headline 1", "Headline 2"}
	rows := [][]string{
		{"Winter", "=SUM(A1)", "+49 89 123"},
		{"Winter", "-20 %", "@home"},
		{"Winter", "Reifen \"Premium\"", "a\tb"},
		{"Winter", "zwei\nZeilen", "'=A1"},
		{"Winter", "Größe ß ÄÖÜ", "冬用タイヤ取付込み"},
	}
	b := encodeEditorFile(header, rows)
	if !bytes.HasPrefix(b, []byte{0xFF, 0xFE}) {
		t.Fatalf("no UTF-16LE byte-order mark: % x", b[:4])
	}
	text, enc, err := editorText(b)
	if err != nil || enc != "UTF-16LE" {
		t.Fatalf("%s %v", enc, err)
	}
	for _, want := range []string{"Campaign\tHeadline 1\tHeadline 2\r\n", "Winter\t'=SUM(A1)\t'+49 89 123\r\n", "Winter\t'-20 %\t'@home\r\n",
		"Winter\t\"Reifen \"\"Premium\"\"\"\t\"a\tb\"\r\n", "\"zwei\r\nZeilen\"\t''=A1\r\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("file lacks %q:\n%s", want, text)
		}
	}
	if strings.Count(text, "\n") != strings.Count(text, "\r\n") {
		t.Error("a line ends without CR")
	}
	tab, err := decodeEditorFile(b)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tab.header, header) || len(tab.rows) != len(rows) {
		t.Fatalf("header %q, %d rows", tab.header, len(tab.rows))
	}
	for i := range rows {
		if !slices.Equal(tab.rows[i], rows[i]) {
			t.Errorf("row %d: %q, want %q", i+2, tab.rows[i], rows[i])
		}
	}
	if !slices.Equal(tab.rowNumbers, []int{2, 3, 4, 5, 6}) {
		t.Errorf("row numbers %v", tab.rowNumbers)
	}
}

// Editor's imports take UTF-16 either way round and UTF-8 with or without a
// BOM, tab- or comma-separated.
func TestEditorFileReadsEveryEncodingAndSeparator(t *testing.T) {
	tabbed := "Campaign\tKeyword\r\nWinter\twinterreifen größe\r\n"
	commas := "campaign,keyword\nWinter,\"winterreifen, größe\"\n"
	for _, c := range []struct {
		name, enc string
		data      []byte
		comma     rune
		keyword   string
	}{
		{"utf-16le", "UTF-16LE", utf16LE(tabbed), '\t', "winterreifen größe"},
		{"utf-16be", "UTF-16BE", utf16BE(tabbed), '\t', "winterreifen größe"},
		{"utf-8 bom", "UTF-8", append([]byte{0xEF, 0xBB, 0xBF}, tabbed...), '\t', "winterreifen größe"},
		{"utf-8 commas", "UTF-8", []byte(commas), ',', "winterreifen, größe"},
		{"utf-16le commas", "UTF-16LE", utf16LE(commas), ',', "winterreifen, größe"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tab, err := decodeEditorFile(c.data)
			if err != nil {
				t.Fatal(err)
			}
			if tab.encoding != c.enc || tab.comma != c.comma || len(tab.rows) != 1 || tab.rows[0][1] != c.keyword {
				t.Errorf("%s %q %q", tab.encoding, tab.comma, tab.rows)
			}
		})
	}
}

// Files that are no table are refused with a reason that says what to do,
// at body.file.
func TestEditorFileRefusesWhatIsNoTable(t *testing.T) {
	big := make([]byte, MaxEditorFileBytes+1)
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "the file is empty"},
		{"binary", []byte{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D}, "NUL byte"},
		{"latin-1", []byte("Campaign\nM\xfcller\n"), "byte 10 is not UTF-8"},
		{"odd utf-16", append(utf16LE("Campaign\n"), 'x'), "odd number of bytes"},
		{"lone surrogate", append(utf16LE("Campaign\n"), 0x00, 0xD8, 'a', 0), "surrogate"},
		{"too large", big, "at most 16 MiB"},
		{"header only", []byte("Campaign\tKeyword\r\n"), "no rows below it"},
		{"mismatched quotes", []byte("Campaign\tKeyword\r\nWinter\t\"reifen\r\nWinter\tx\r\n"), "line 2"},
		{"bare quote", []byte("Campaign,Keyword\nWinter,rei\"fen\n"), `a quote (") inside a cell`},
		{"wide row", []byte("Campaign\n" + strings.Repeat("x,", maxEditorColumns) + "x\n"), "at most 300 columns"},
		{"long cell", []byte("Campaign\n" + strings.Repeat("x", maxEditorCellChars+1) + "\n"), "a cell holds at most 4096"},
		{"too many rows", []byte("Campaign\n" + strings.Repeat("Winter\n", MaxEditorRows+1)), "more than 5000 rows"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := decodeEditorFile(c.data)
			e := errs.As(err)
			if e == nil || e.Code != errs.Invalid || len(e.Fields) != 1 || e.Fields[0].Location != "body.file" || !strings.Contains(e.Message, c.want) {
				t.Fatalf("got %v, want a 422 at body.file saying %q", err, c.want)
			}
		})
	}
}

func TestMoneyIsWrittenAndReadExactly(t *testing.T) {
	for m, s := range map[int64]string{0: "0.00", 12_500_000: "12.50", 1_234_567: "1.234567", 100_000_000_000: "100000.00", 10_000: "0.01"} {
		if got := formatMicros(m); got != s {
			t.Errorf("formatMicros(%d) = %q, want %q", m, got, s)
		}
		if got, err := parseMicros(s); err != nil || got != m {
			t.Errorf("parseMicros(%q) = %d, %v", s, got, err)
		}
	}
	if got, err := parseMicros("12,5"); err != nil || got != 12_500_000 {
		t.Errorf("a decimal comma: %d %v", got, err)
	}
	for _, bad := range []string{"", "-1", "1.2345678", "12 EUR", "1e6"} {
		if _, err := parseMicros(bad); err == nil {
			t.Errorf("parseMicros(%q) passed", bad)
		}
	}
}

func TestHeadersAreMatchedAsEditorDoes(t *testing.T) {
	for h, want := range map[string]string{"DAILY BUDGET": colBudget, "daily_budget": colBudget, "headline 3 position": "Headline 3 position",
		"AD GROUP": colAdGroup, "Geo target ID": colLocationID, "finalurl": colFinalURL, "Long Headline 5": "Long headline 5"} {
		if got := columnByKey[headerKey(h)]; got != want {
			t.Errorf("%q names %q, want %q", h, got, want)
		}
	}
	if kind, n, ok := numberedColumn(headerKey("Headline 16")); !ok || kind != "Headline" || n != 16 {
		t.Errorf("Headline 16: %q %d %v", kind, n, ok)
	}
}

// FuzzEditorFile: reading never panics, whatever the bytes; what it reads,
// written again and read back, gives the same cells (the neutralisation of
// formulas is undone exactly).
func FuzzEditorFile(f *testing.F) {
	f.Add([]byte("Campaign\tHeadline 1\r\nWinter\t'=SUM(A1)\r\n"))
	f.Add(utf16LE("Campaign\tKeyword\r\nWinter\t\"a\"\"b\"\r\n"))
	f.Add([]byte("campaign,keyword\nx,\"unclosed\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := decodeEditorFile(data)
		if err != nil {
			if errs.As(err) == nil {
				t.Fatalf("not a user error: %v", err)
			}
			return
		}
		for _, r := range append([][]string{tab.header}, tab.rows...) {
			for _, c := range r {
				if !utf8.ValidString(c) {
					t.Fatalf("invalid UTF-8 cell %q", c)
				}
			}
		}
		// The header decides the separator, so a one-column header with
		// wider rows is ambiguous; Editor's files have many columns. CR is
		// not kept inside cells by encoding/csv; a cell holding one cannot
		// come back byte for byte.
		if len(tab.header) < 2 {
			return
		}
		for _, r := range append([][]string{tab.header}, tab.rows...) {
			for _, c := range r {
				if strings.ContainsRune(c, '\r') {
					return
				}
			}
		}
		again, err := decodeEditorFile(encodeEditorFile(tab.header, tab.rows))
		if err != nil {
			t.Fatalf("our own file does not read: %v", err)
		}
		if !slices.Equal(again.header, tab.header) || len(again.rows) != len(tab.rows) {
			t.Fatalf("header %q → %q, %d → %d rows", tab.header, again.header, len(tab.rows), len(again.rows))
		}
		for i := range tab.rows {
			if !slices.Equal(again.rows[i], tab.rows[i]) {
				t.Fatalf("row %q → %q", tab.rows[i], again.rows[i])
			}
		}
	})
}
