package reporting

import (
	"encoding/csv"
	"strings"
	"testing"
)

// Every cell a spreadsheet would run (= + - @ TAB CR first) is written as
// text; the file reads back per RFC 4180 with the cell contents.
func TestCSVCellsAreDefusedAndQuoted(t *testing.T) {
	hostile := []string{
		`=1+1`, `+SUM(A1:A9)`, `-2+3+cmd|' /C calc'!A0`, `@SUM(1)`, "\t=1", "\r=1",
		`=HYPERLINK("http://x.example","a, ""b""")`, "line one\r\nline two", `plain, with "quotes"`, ` =leading space`, "",
	}
	tb := newTable("text", "n")
	for _, h := range hostile {
		tb.text(h).int(-5).end()
	}
	out := tb.bytes()
	// Excel reads UTF-8 only after its byte order mark.
	if !strings.HasPrefix(string(out), "\uFEFFtext,n\r\n") {
		t.Errorf("the file does not start with the byte order mark and the header: %q", out[:min(len(out), 16)])
	}
	if !strings.HasSuffix(string(out), "\r\n") || strings.Count(string(out), "\r\n") < len(hostile)+1 {
		t.Errorf("rows do not end in CRLF: %q", out)
	}
	recs, err := csv.NewReader(strings.NewReader(string(out))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(hostile)+1 {
		t.Fatalf("%d records, want %d", len(recs), len(hostile)+1)
	}
	for i, h := range hostile {
		got := recs[i+1][0]
		want := h
		if h != "" && strings.ContainsRune("=+-@\t\r", rune(h[0])) {
			want = "'" + h
		}
		// Line breaks in a cell are written as CRLF and read back as LF; a
		// lone CR is left out (encoding/csv with UseCRLF).
		want = strings.ReplaceAll(strings.ReplaceAll(want, "\r\n", "\n"), "\r", "")
		if got != want {
			t.Errorf("cell %q read back as %q, want %q", h, got, want)
		}
		if recs[i+1][1] != "-5" {
			t.Errorf("a number we wrote was changed: %q", recs[i+1][1])
		}
	}
}
