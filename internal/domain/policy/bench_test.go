package policy

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// A valid ASCII headline: the hot path of the LLM loop and the tile UI.
func BenchmarkValidateHeadline(b *testing.B) {
	const h = "Buy Running Shoes Online Today"
	b.ReportAllocs()
	for b.Loop() {
		if r := CheckText(Headline, h); !r.Valid {
			b.Fatal(r.Violations)
		}
	}
}

func BenchmarkValidateHeadlineGerman(b *testing.B) {
	const h = "Winterreifen ab 49,99 € kaufen"
	b.ReportAllocs()
	for b.Loop() {
		if r := CheckText(Headline, h); !r.Valid {
			b.Fatal(r.Violations)
		}
	}
}

// A full responsive search ad: 15 headlines, 4 descriptions, 2 paths.
func BenchmarkValidateRSA(b *testing.B) {
	ad := validRSA()
	b.ReportAllocs()
	for b.Loop() {
		if r := Default().CheckRSA(ad); !r.Valid {
			b.Fatal(r.Violations)
		}
	}
}

func BenchmarkValidateDescription(b *testing.B) {
	const d = "Laufschuhe von führenden Marken. Kostenloser Versand ab 49 € und 30 Tage Rückgabe."
	b.ReportAllocs()
	for b.Loop() {
		if r := CheckText(Description, d); !r.Valid {
			b.Fatal(r.Violations)
		}
	}
}

func BenchmarkValidateHeadlineJapanese(b *testing.B) {
	const h = "東京のホテルを今すぐ予約"
	b.ReportAllocs()
	for b.Loop() {
		if r := CheckText(Headline, h); !r.Valid {
			b.Fatal(r.Violations)
		}
	}
}

func BenchmarkValidateHeadlineInvalid(b *testing.B) {
	const h = "FREE Shipping!! Call 030 1234567"
	b.ReportAllocs()
	for b.Loop() {
		if r := CheckText(Headline, h); r.Valid {
			b.Fatal("accepted")
		}
	}
}

// hostileTexts are the texts that cost the checker the most per byte, of
// about size bytes: every character, or every other one, is a finding.
func hostileTexts(size int) []struct{ name, text string } {
	return []struct{ name, text string }{
		{"braces", strings.Repeat("{", size)},                            // unresolved placeholders
		{"a!", strings.Repeat("a!", size/2)},                             // E8 and E3 at every other character
		{"emoji", strings.Repeat("😀", size/4)},                           // one run of emoji
		{"stars", strings.Repeat("★ ", size/4)},                          // E5 at every other character
		{"at signs", strings.Repeat("a@", size/2)},                       // E3 at every other character
		{"allowlisted", strings.Repeat("eBay! ", size/6)},                // allowlisted brands (hostileChecker)
		{"mixed", strings.ToValidUTF8(mixedViolations(size)[:size], "")}, // every rule, over and over
		{"mixed headline", mixedViolations(5000)},                        // a long headline of everything
	}
}

// hostileChecker allowlists "eBay", as an advertiser would.
var hostileChecker = mustChecker(Options{Allow: []string{"eBay"}})

// hostileSize is just under 1 MiB, so that a request of it fits the longest
// line `validate --jsonl` reads.
const hostileSize = 1<<20 - 1<<10

// mixedViolations repeats a line that breaks most text rules until it is n
// characters long.
func mixedViolations(n int) string {
	const line = "FLOWERS!! f1owers fl@wers Sale,buy  ★ 👍🏽 Versand¹ Call 030 1234567 Deals Deals Deals F.L.O.W.E.R.S. f l o w e r s {KeyWord:} {Shoes} } click here *x* €€€ "
	rs := []rune(strings.Repeat(line, n/utf8.RuneCountInString(line)+1))
	return string(rs[:n])
}

// BenchmarkCheckHostileText: time and memory per megabyte of findings.
func BenchmarkCheckHostileText(b *testing.B) {
	for _, h := range hostileTexts(hostileSize) {
		b.Run(h.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(h.text)))
			for b.Loop() {
				if r := hostileChecker.CheckText(Headline, h.text); r.Valid {
					b.Fatal("accepted")
				}
			}
		})
	}
}

// BenchmarkRunJSONLHostileLine: one line of a megabyte through validate --jsonl.
func BenchmarkRunJSONLHostileLine(b *testing.B) {
	for _, h := range hostileTexts(hostileSize) {
		if h.name == "mixed headline" {
			continue
		}
		line, err := json.Marshal(map[string]string{"field": "HEADLINE", "text": h.text})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(h.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(line)))
			for b.Loop() {
				if code := RunJSONL(bytes.NewReader(line), io.Discard, io.Discard); code != ExitInvalid {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}

// BenchmarkCheckWithLargeAllowlist: 1000 allowlist terms that share their
// first 86 characters, against a text of the words they begin with. Tried
// one by one they cost 60 ms per text, a minute per POST /api/validate.
func BenchmarkCheckWithLargeAllowlist(b *testing.B) {
	c := allowlistOfSharedPrefixes(b)
	text := strings.Repeat("a ", 500)
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		c.CheckText(Description, text)
	}
}

func allowlistOfSharedPrefixes(tb testing.TB) *Checker {
	terms := make([]string, 1000)
	for i := range terms {
		terms[i] = strings.Repeat("a ", 43) + strconv.Itoa(i) + "x"
	}
	c, err := NewChecker(Options{Allow: terms, Banned: terms[:MaxBannedTerms]})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}
