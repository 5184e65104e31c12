package quality_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/domain/generation"
	"github.com/imaphub/imaphub/internal/domain/generation/quality"
)

// TestBenchmark is `make quality` in short form, so CI runs it: every brief
// through the offline writer and the scripted model (a real OpenAI-protocol
// server on a loopback port), failing on any invalid text, any phrase cut
// mid-way, any set below Google's minimum, and any word of the offline
// writer the brief does not support.
func TestBenchmark(t *testing.T) {
	cases, err := quality.LoadCases("../testdata/briefs")
	if err != nil {
		t.Fatal(err)
	}
	langs := map[string]bool{}
	for _, c := range cases {
		langs[c.Brief.Language] = true
	}
	if !langs["de"] || !langs["en"] || !langs["ja"] {
		t.Fatalf("the briefs cover %v; want German, English and Japanese", langs)
	}
	var all []quality.SetResult
	for _, w := range []quality.Writer{quality.Offline(), quality.Scripted()} {
		rs, err := quality.Run(context.Background(), w, cases)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 2*len(cases) {
			t.Fatalf("%s: %d sets for %d briefs", w.Name, len(rs), len(cases))
		}
		all = append(all, rs...)
	}
	for _, r := range all {
		at := r.Case + ", " + r.Writer + ", " + string(r.Format)
		if !r.Usable {
			t.Errorf("%s: below the minimum: %s", at, r.Error)
		}
		for _, d := range r.Invalid {
			t.Errorf("%s: invalid %s", at, d)
		}
		for _, d := range r.Cuts {
			t.Errorf("%s: cut %s", at, d)
		}
		if r.Writer == quality.Offline().Name {
			for _, d := range r.Invented {
				t.Errorf("%s: invented %s", at, d)
			}
			for _, d := range r.RepeatedClosings {
				t.Errorf("%s: repeated closing %q", at, d)
			}
		}
		if r.Rating == "" {
			t.Errorf("%s: no ad strength", at)
		}
	}
	md := quality.Markdown(all, "testdata/briefs")
	for _, want := range []string{fmt.Sprintf("| offline writer | rsa | %d | %d |", len(cases), len(cases)), "| scripted model | pmax |", "100.0 %", "## Defects"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}

// The defect detectors catch what they are for, on the texts the offline
// writer used to keep.
func TestDetectors(t *testing.T) {
	b := generation.Brief{Language: "de", Product: "Winterreifen", BusinessName: "Reifen Kramer",
		SellingPoints: []string{"Kostenlose Lieferung in 2 Tagen", "Montage bei über 300 Partnerwerkstätten", "Einlagerung, Montage vor Ort"},
		Keywords:      []string{"winterreifen kaufen"}}
	for text, cut := range map[string]bool{
		"Kostenlose Lieferung in 2":                               true,
		"Montage bei über 300":                                    true,
		"Winterreifen mit Montage bei":                            true,
		"Kostenlose Lieferung in 2 Tagen":                         false,
		"Montage vor Ort":                                         false,
		"Reifen Kramer: Montage bei über 300 Partnerwerkstätten.": false,
	} {
		if got := len(quality.Cuts(b, text)) > 0; got != cut {
			t.Errorf("Cuts(%q) = %v, want %v", text, quality.Cuts(b, text), cut)
		}
	}
	vocab := quality.Vocabulary(b, generation.OfflinePhrases("de"))
	for text, invented := range map[string]string{
		"Reifen Kramer Online-Shop":        "online-shop",
		"Winterreifen kaufen bestellen":    "bestellen",
		"Winterreifen bei Reifen Kramer":   "",
		"Kostenlose Lieferung in 2 Tagen.": "",
		"Jetzt Winterreifen online kaufen": "online",
	} {
		got := quality.Invented("de", vocab, text)
		if invented == "" && len(got) > 0 || invented != "" && (len(got) == 0 || got[0] != invented) {
			t.Errorf("Invented(%q) = %q, want %q", text, got, invented)
		}
	}
	if got := quality.RepeatedClosings([]string{"A. Jetzt online bestellen.", "B. Jetzt online bestellen.", "C. Mehr erfahren."}); len(got) != 1 {
		t.Errorf("RepeatedClosings = %q", got)
	}
}

// A brief with a mistyped field is refused, naming it, not benchmarked
// without it.
func TestLoadCasesRefusesUnknownFields(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.json"), []byte(`{"product": "A", "language": "de", "selling_point": ["B"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := quality.LoadCases(dir); err == nil || !strings.Contains(err.Error(), "selling_point") {
		t.Errorf("err = %v, want the unknown field named", err)
	}
	if _, err := quality.LoadCases(t.TempDir()); err == nil {
		t.Error("an empty directory is accepted")
	}
}
