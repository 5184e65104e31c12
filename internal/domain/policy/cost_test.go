package policy

import (
	"bytes"
	"encoding/json"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// testHostileSize keeps the hostile texts of the tests at 64 KiB; the
// benchmarks use a megabyte.
const testHostileSize = 64 << 10

// bytesAllocated returns the bytes f allocates. It reads the process's
// running total, so the tests that call it do not run in parallel.
func bytesAllocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestCheckingAHostileTextCostsLinearMemory: checking a text allocates
// buffers proportional to the text (its characters, their offsets, its words
// and allowlisted spans: 2 to 25 bytes per byte) and the findings it lists
// (a finding takes 144 bytes, twice that while the list grows), which are at
// most MaxFindingsPerRule of a rule. The bounds leave room for the race
// detector's build, which allocates more. It took 900 bytes per byte for "{{{…" (a
// finding per character, sorted and then thrown away), and a run of emoji
// grew its quote by concatenation: 138 GB for a megabyte.
func TestCheckingAHostileTextCostsLinearMemory(t *testing.T) {
	const perByte, perFinding = 32, 400
	for _, h := range hostileTexts(testHostileSize) {
		var r Result
		got := bytesAllocated(func() { r = hostileChecker.CheckText(Headline, h.text) })
		t.Logf("%s: %d bytes, %d allocated (%.1f per byte), %d findings listed", h.name, len(h.text), got,
			float64(got)/float64(len(h.text)), len(r.Violations))
		if r.Valid {
			t.Errorf("%s: accepted", h.name)
		}
		if limit := uint64(perByte*len(h.text) + perFinding*len(r.Violations) + 64<<10); got > limit {
			t.Errorf("%s: checking %d bytes with %d findings allocated %d, more than %d", h.name, len(h.text), len(r.Violations), got, limit)
		}
	}
}

// TestCheckingAHostileTextAllocatesAFewTimes: the number of allocations does
// not grow with the findings. Before, every finding allocated its quote.
func TestCheckingAHostileTextAllocatesAFewTimes(t *testing.T) {
	for _, h := range hostileTexts(testHostileSize) {
		allocs := testing.AllocsPerRun(3, func() { hostileChecker.CheckText(Headline, h.text) })
		if allocs > 64 {
			t.Errorf("%s: %v allocations to check %d bytes", h.name, allocs, len(h.text))
		}
	}
}

// TestFindingsOfARuleAreMergedAndBounded: touching findings of one rule are
// one finding with one span, and a rule lists at most MaxFindingsPerRule
// findings and counts the rest, so the findings of a text are Violations
// plus the omitted counts.
func TestFindingsOfARuleAreMergedAndBounded(t *testing.T) {
	const n = 5000
	find := func(r Result, code string) []Violation {
		var out []Violation
		for _, v := range r.Violations {
			if v.Code == code {
				out = append(out, v)
			}
		}
		return out
	}

	// Every "{" but the last opens a placeholder the next one nests in;
	// the last is never closed. The stand-ins are not E2.
	r := CheckText(Description, strings.Repeat("{", n))
	if got := codes(r.Violations); strings.Join(got, " ") != "MALFORMED_PLACEHOLDER TOO_LONG MALFORMED_PLACEHOLDER" {
		t.Fatalf(`"{"×%d: %v`, n, got)
	}
	if v := r.Violations[0]; v.Start != 0 || v.End != n-1 || v.Args.Other != reasonNested || v.Args.Text != strings.Repeat("{", 39)+"…" {
		t.Errorf("nested braces: %+v", v)
	}
	if v := r.Violations[2]; v.Start != n-1 || v.End != n || v.Args.Other != reasonUnclosed || v.Args.Text != "{" {
		t.Errorf("last brace: %+v", v)
	}

	// "a!a!a!…": one exclamation mark finding per "!" (they do not touch),
	// the "!" for an "i" overlap ("a!a", "a!a") and are one finding.
	r = CheckText(Headline, strings.Repeat("a!", n))
	if e8 := find(r, CodeExclamation); len(e8) != MaxFindingsPerRule || e8[0].Start != 1 || e8[len(e8)-1].Start != 2*MaxFindingsPerRule-1 {
		t.Errorf(`"a!"×%d: %d E8 findings listed`, n, len(e8))
	}
	if r.ErrorsOmitted != n-MaxFindingsPerRule || r.WarningsOmitted != 0 || r.Valid {
		t.Errorf(`"a!"×%d: %d errors omitted, %d warnings, valid %v`, n, r.ErrorsOmitted, r.WarningsOmitted, r.Valid)
	}
	if e3 := find(r, CodeSymbolAsLetter); len(e3) != 1 || e3[0].Start != 0 || e3[0].End != 2*n-1 {
		t.Errorf(`"a!"×%d: symbols as letters %+v`, n, e3)
	}

	// A run of emoji is one finding, quoted by its first characters.
	r = CheckText(Description, strings.Repeat("😀", n))
	if e := find(r, CodeEmoji); len(e) != 1 || e[0].Start != 0 || e[0].End != n || e[0].Args.Text != strings.Repeat("😀", 39)+"…" {
		t.Errorf("emoji run: %+v", e)
	}

	// "★ ★ ★ …": the stars do not touch; 1000 are listed, the rest counted.
	r = CheckText(Description, strings.Repeat("★ ", n))
	if e5 := find(r, CodeNonstandardSymbol); len(e5) != MaxFindingsPerRule || r.ErrorsOmitted != n-MaxFindingsPerRule {
		t.Errorf("stars: %d listed, %d omitted", len(e5), r.ErrorsOmitted)
	}

	// A text of MaxFindingsPerRule characters keeps every finding: an asset
	// never loses one (POST /api/validate lists from Violations alone).
	for _, h := range hostileTexts(4 * MaxFindingsPerRule) {
		text := []rune(h.text)
		text = text[:min(len(text), MaxFindingsPerRule)]
		for _, f := range []Field{Headline, Description, Keyword, Path, BusinessName} {
			if r := CheckText(f, string(text)); r.ErrorsOmitted != 0 || r.WarningsOmitted != 0 {
				t.Errorf("%s as %s, %d characters: %d errors and %d warnings omitted", h.name, f, len(text), r.ErrorsOmitted, r.WarningsOmitted)
			}
		}
	}
}

// TestQuotesAreTheUsersCharacters: a finding quotes the characters of its
// span as the user wrote them, never the stand-in for a placeholder, and at
// most maxQuoteRunes of them.
func TestQuotesAreTheUsersCharacters(t *testing.T) {
	for _, tc := range []struct {
		field Field
		text  string
		want  []string // code=quote, in order
	}{
		// "{{" is two malformed placeholders, not repeated punctuation.
		{Headline, "Buy {{ now", []string{"MALFORMED_PLACEHOLDER={", "MALFORMED_PLACEHOLDER={ now"}},
		{Headline, "{KeyWord:}{KeyWord:}", []string{"MALFORMED_PLACEHOLDER={KeyWord:}{KeyWord:}"}},
		// A word that ends in a placeholder is quoted as written.
		{Headline, "SALE{Shoes}", []string{"E1_ALL_CAPS=SALE{", "MALFORMED_PLACEHOLDER={Shoes}"}},
		{Headline, "}}} Sale", []string{"MALFORMED_PLACEHOLDER=}}}", "E9_EXTRA_SPACE= "}},
		{Description, "Sale" + strings.Repeat("!", 200), []string{
			"E2_REPEATED_PUNCTUATION=" + strings.Repeat("!", 39) + "…", "E8_TOO_MANY_EXCLAMATIONS=" + strings.Repeat("!", 39) + "…", "TOO_LONG="}},
		{Headline, "Buy\x01\x02Shoes", []string{"INVALID_CHARACTER=\x01\x02"}},
		{Headline, "Buy \xffShoes", []string{"INVALID_CHARACTER=\uFFFD"}}, // not UTF-8: quoted as counted
		{Keyword, "schuhe!! @home", []string{"KEYWORD_INVALID_CHARACTER=!!", "KEYWORD_INVALID_CHARACTER=@"}},
	} {
		r := CheckText(tc.field, tc.text)
		var got []string
		for _, v := range r.Violations {
			got = append(got, v.Code+"="+v.Args.Text)
			for _, lang := range []string{"en", "de"} {
				if m := v.Message(lang); strings.ContainsRune(m, placeholderRune) || utf8.RuneCountInString(m) > 300 {
					t.Errorf("%q: %s message %q", tc.text, v.Code, m)
				}
			}
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("CheckText(%s, %q):\n got %q\nwant %q", tc.field, tc.text, got, tc.want)
		}
	}
}

// TestRunJSONLAnswersAHostileLineCheaply: a line of a megabyte made of
// findings is answered with at most MaxListedFindings short messages, and
// reading, checking and answering it allocates at most 32 bytes per byte of
// the line. "{{{…" took 937 MB and answered 3 MB (E2 quoted every brace).
func TestRunJSONLAnswersAHostileLineCheaply(t *testing.T) {
	for _, h := range hostileTexts(hostileSize) {
		if h.name == "mixed headline" || h.name == "allowlisted" {
			continue // not a megabyte; options are not part of a request line
		}
		line, err := json.Marshal(map[string]string{"field": "DESCRIPTION", "text": h.text})
		if err != nil {
			t.Fatal(err)
		}
		var out, errOut bytes.Buffer
		code := -1
		got := bytesAllocated(func() { code = RunJSONL(bytes.NewReader(line), &out, &errOut) })
		t.Logf("%s: %d bytes in, %d out, %d allocated (%.1f per byte)", h.name, len(line), out.Len(), got, float64(got)/float64(len(line)))
		if code != ExitInvalid || errOut.Len() != 0 {
			t.Fatalf("%s: exit %d, %q", h.name, code, errOut.String())
		}
		if out.Len() > 2*MaxListedFindings*256 {
			t.Errorf("%s: a line of %d bytes answered %d", h.name, len(line), out.Len())
		}
		if limit := uint64(32 * len(line)); got > limit {
			t.Errorf("%s: a line of %d bytes allocated %d, more than %d", h.name, len(line), got, limit)
		}
	}
}

// TestVeryLongWordsAreStillJudged: a word's letter counts stop at the
// largest int16 rather than wrapping around, so 40,000 capitals are still
// capitals (they wrapped to a negative count and passed).
func TestVeryLongWordsAreStillJudged(t *testing.T) {
	for _, tc := range []struct {
		text, code string
	}{
		{strings.Repeat("A", 40_000), CodeAllCaps},
		{"Sale " + strings.Repeat("a", 40_000) + "B", CodeMixedCase},
	} {
		if got := codes(CheckText(Description, tc.text).Violations); !slices.Contains(got, tc.code) {
			t.Errorf("%d characters: %v, want %s", len(tc.text), got, tc.code)
		}
	}
}
