package publishing

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/imaphub/imaphub/internal/platform/cellsafe"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// The Google Ads Editor file as bytes: what Editor exports (UTF-16LE with a
// byte-order mark, tab-separated, CRLF line ends, the first row the column
// headers) and what it imports (also UTF-8 and comma-separated). Cells are
// quoted as RFC 4180 says when they hold the separator, a quote or a line
// break. Every cell is defused against formula injection on the way out
// (cellsafe.Defuse) and restored on the way in, so a file we wrote reads back
// as the texts we wrote.

// Limits of a file we read. A campaign of a few thousand rows is large for
// one import into one draft; more is refused before anything is parsed.
const (
	MaxEditorFileBytes = 16 << 20 // an RSA row in UTF-16 is about 1.5 KB
	MaxEditorRows      = 5000     // rows below the header
	maxEditorColumns   = 300
	maxEditorCellChars = 4096
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// encodeEditorFile writes the table as Editor exports it. Cells are defused.
func encodeEditorFile(header []string, rows [][]string) []byte {
	var text bytes.Buffer
	w := csv.NewWriter(&text)
	w.Comma = '\t'
	w.UseCRLF = true
	write := func(cells []string) {
		out := make([]string, len(cells))
		for i, c := range cells {
			out[i] = cellsafe.Defuse(c)
		}
		_ = w.Write(out) // a bytes.Buffer does not fail
	}
	write(header)
	for _, r := range rows {
		write(r)
	}
	w.Flush()
	units := utf16.Encode([]rune(text.String()))
	out := make([]byte, 0, 2+2*len(units))
	out = append(out, bomUTF16LE...)
	for _, u := range units {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

// editorTable is a file as read: its header and rows of restored cells.
type editorTable struct {
	header []string
	rows   [][]string
	// rowNumbers are the rows' numbers as a spreadsheet shows them: the
	// header is row 1, blank rows count.
	rowNumbers []int
	encoding   string // "UTF-16LE", "UTF-16BE", "UTF-8"
	comma      rune
}

// fileError is a file that cannot be read as a table at all: a 422 naming
// the file.
func fileError(format string, a ...any) error {
	return errs.Field("body.file", fmt.Sprintf(format, a...), nil)
}

// decodeEditorFile reads a Google Ads Editor file: UTF-16 (LE or BE) with a
// byte-order mark or UTF-8 (with or without), tab- or comma-separated (the
// header line decides: a tab in it means tabs, a comma commas; a header of
// one column leaves it to the rest of the file).
func decodeEditorFile(b []byte) (editorTable, error) {
	var t editorTable
	if len(b) > MaxEditorFileBytes {
		return t, fileError("the file is %d bytes; at most %d MiB are read in one import", len(b), MaxEditorFileBytes>>20)
	}
	text, enc, err := editorText(b)
	if err != nil {
		return t, err
	}
	t.encoding = enc
	if strings.TrimSpace(text) == "" {
		return t, fileError("the file is empty; the first row must be the column headers")
	}
	first, _, _ := strings.Cut(text, "\n")
	t.comma = ','
	if strings.Contains(first, "\t") || (!strings.Contains(first, ",") && strings.Contains(text, "\t")) {
		t.comma = '\t'
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = t.comma
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	for n := 1; ; n++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return t, csvError(pe)
			}
			return t, fileError("%v", err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) > maxEditorColumns {
			return t, fileError("line %d has %d cells; at most %d columns are read", line, len(rec), maxEditorColumns)
		}
		for i, c := range rec {
			if n := utf8.RuneCountInString(c); n > maxEditorCellChars {
				return t, fileError("line %d, cell %d holds %d characters; a cell holds at most %d", line, i+1, n, maxEditorCellChars)
			}
			rec[i] = cellsafe.Restore(c)
		}
		if t.header == nil {
			t.header = rec
			continue
		}
		if blankRow(rec) {
			continue
		}
		if len(t.rows) == MaxEditorRows {
			return t, fileError("the file has more than %d rows; import a campaign of at most %d rows, or split it", MaxEditorRows, MaxEditorRows)
		}
		t.rows = append(t.rows, rec)
		t.rowNumbers = append(t.rowNumbers, n)
	}
	if len(t.rows) == 0 {
		return t, fileError("the file has the header row but no rows below it")
	}
	return t, nil
}

func blankRow(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// csvError words encoding/csv's errors for people.
func csvError(pe *csv.ParseError) error {
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return fileError(`line %d, column %d: a quote (") inside a cell that does not start with one; quote the whole cell and double the quotes in it`, pe.Line, pe.Column)
	case errors.Is(pe.Err, csv.ErrQuote) && pe.StartLine != pe.Line:
		return fileError(`line %d: a quoted cell in the row starting here is not closed; check its quotes (")`, pe.StartLine)
	case errors.Is(pe.Err, csv.ErrQuote):
		return fileError(`line %d, column %d: a quoted cell's closing quote (") is followed by more text; double the quotes inside a cell`, pe.Line, pe.Column)
	}
	return fileError("line %d, column %d: %v", pe.Line, pe.Column, pe.Err)
}

// editorText decodes the file's bytes to text after its byte-order mark.
func editorText(b []byte) (string, string, error) {
	switch {
	case bytes.HasPrefix(b, bomUTF16LE):
		s, err := utf16Text(b[2:], false)
		return s, "UTF-16LE", err
	case bytes.HasPrefix(b, bomUTF16BE):
		s, err := utf16Text(b[2:], true)
		return s, "UTF-16BE", err
	}
	b = bytes.TrimPrefix(b, bomUTF8)
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return "", "", fileError("byte %d is a NUL byte: this is not a text file, or it is UTF-16 without a byte-order mark; save it from Google Ads Editor or as UTF-16 or UTF-8 text", i)
	}
	if !utf8.Valid(b) {
		i := 0
		for i < len(b) {
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		return "", "", fileError("byte %d is not UTF-8: save the file as UTF-8 or as UTF-16 with a byte-order mark (Google Ads Editor's own format)", i)
	}
	return string(b), "UTF-8", nil
}

// utf16Text decodes UTF-16 code units, refusing an odd length, a lone
// surrogate and NUL (no text holds one; a binary file does).
func utf16Text(b []byte, bigEndian bool) (string, error) {
	if len(b)%2 != 0 {
		return "", fileError("the file is UTF-16 by its byte-order mark but has an odd number of bytes; it is cut off or not UTF-16")
	}
	units := make([]uint16, len(b)/2)
	for i := range units {
		lo, hi := b[2*i], b[2*i+1]
		if bigEndian {
			lo, hi = hi, lo
		}
		units[i] = uint16(lo) | uint16(hi)<<8
	}
	var sb strings.Builder
	sb.Grow(len(units))
	for i := 0; i < len(units); i++ {
		u := units[i]
		switch {
		case u == 0:
			return "", fileError("character %d is NUL: this is not a text file", i+1)
		case utf16.IsSurrogate(rune(u)):
			if i+1 < len(units) {
				if r := utf16.DecodeRune(rune(u), rune(units[i+1])); r != utf8.RuneError {
					sb.WriteRune(r)
					i++
					continue
				}
			}
			return "", fileError("character %d is half of a UTF-16 surrogate pair that stands for no character: the file is damaged", i+1)
		default:
			sb.WriteRune(rune(u))
		}
	}
	return sb.String(), nil
}
