package reporting

import (
	"bytes"
	"encoding/csv"
	"strconv"

	"github.com/imaphub/imaphub/internal/platform/cellsafe"
)

// Every report table can be downloaded as CSV (RFC 4180: comma separated,
// CRLF line ends, fields with a comma, quote or line break quoted and
// quotes doubled, by encoding/csv). Text from users or from Google (names,
// ad texts, keywords) is defused against spreadsheet formula injection: a
// cell starting with = + - @ TAB or CR is prefixed with ' so a spreadsheet
// shows it as text instead of running it. Numbers are written by us and
// left as they are.

// table is a CSV table being built.
type table struct {
	header []string
	rows   [][]string
	row    []string
}

func newTable(header ...string) *table { return &table{header: header} }

// text adds a text cell, defused.
func (t *table) text(s string) *table { t.row = append(t.row, defuse(s)); return t }

// int adds a number cell.
func (t *table) int(v int64) *table { t.row = append(t.row, strconv.FormatInt(v, 10)); return t }

// optInt adds a number cell, empty for nil.
func (t *table) optInt(v *int64) *table {
	if v == nil {
		t.row = append(t.row, "")
		return t
	}
	return t.int(*v)
}

// float adds a number cell, empty for nil.
func (t *table) float(v *float64) *table {
	if v == nil {
		t.row = append(t.row, "")
		return t
	}
	t.row = append(t.row, strconv.FormatFloat(*v, 'f', -1, 64))
	return t
}

// measures adds the cells of measuresHeader.
func (t *table) measures(m Measures) *table {
	conv, val := m.Conversions, m.ConversionsValue
	return t.int(m.Impressions).int(m.Clicks).int(m.CostMicros).float(&conv).float(&val).
		float(m.CTR).float(m.AverageCPCMicros).float(m.ConversionRate).float(m.CostPerConversionMicros).float(m.ROAS)
}

// end finishes a row.
func (t *table) end() { t.rows = append(t.rows, t.row); t.row = nil }

// measuresHeader names the measure columns as the JSON does.
var measuresHeader = []string{"impressions", "clicks", "cost_micros", "conversions", "conversions_value",
	"ctr", "average_cpc_micros", "conversion_rate", "cost_per_conversion_micros", "roas"}

// prefixed is measuresHeader with each name prefixed.
func prefixed(prefix string) []string {
	out := make([]string, len(measuresHeader))
	for i, h := range measuresHeader {
		out[i] = prefix + h
	}
	return out
}

// utf8BOM starts every CSV: without it Excel, which most people open a
// download with, reads UTF-8 as its local code page and shows "Für" as
// "FÃ¼r". CSV readers that know UTF-8 skip it.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// bytes is the table as CSV, after the byte order mark.
func (t *table) bytes() []byte {
	var b bytes.Buffer
	b.Write(utf8BOM)
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	_ = w.Write(t.header)
	_ = w.WriteAll(t.rows) // a bytes.Buffer does not fail; WriteAll flushes
	return b.Bytes()
}

// defuse keeps a spreadsheet from reading s as a formula (the rule shared
// with the Google Ads Editor files: platform/cellsafe).
func defuse(s string) string { return cellsafe.Defuse(s) }
