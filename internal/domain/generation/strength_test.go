package generation_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/domain/generation"
	"github.com/imaphub/imaphub/internal/domain/policy/strength"
	"github.com/imaphub/imaphub/internal/platform/ai/aitest"
)

// Distinct German copy: no two texts of a slot are near-duplicates.
var (
	distinctHeadlinesDE = []string{
		"Winterreifen mit Montage", "Über 40 Filialen in Bayern", "Kostenlose Reifenmontage",
		"Einlagerung inklusive", "Continental und Michelin", "Reifenwechsel ohne Wartezeit",
		"Seit 1987 Ihr Reifenprofi", "Termin online buchen", "Sicher durch den Schnee",
		"Reifen Müller in Ihrer Nähe", "Markenreifen zum Festpreis", "Profiltiefe gratis prüfen",
		"Winterreifen kaufen", "Alle Größen vorrätig", "Reifenwechsel in Bayern",
	}
	distinctDescriptionsDE = []string{
		"Kostenlose Montage in über 40 Filialen in Bayern.", "Reifeneinlagerung für eine Saison inklusive.",
		"Markenreifen von Continental und Michelin zum Festpreis.", "Termin online wählen und ohne Wartezeit wechseln.",
	}
)

// nearDuplicatesOf are headlines that say what distinctHeadlinesDE[0..3]
// say: reordered, inflected, with a filler word or a synonym.
var nearDuplicatesOf = []string{
	"Montage mit Winterreifen", "In Bayern über 40 Filialen", "Reifenmontage kostenlos", "Einlagerung jetzt inklusive",
}

// TestNearDuplicatesAreSentBackForReplacement: a model that first answers
// with near-duplicates is asked, in the repair message and with the reason,
// to replace exactly those; its distinct replacements make the set, and the
// generation's strength is excellent with no similar texts left.
func TestNearDuplicatesAreSentBackForReplacement(t *testing.T) {
	first := map[string][]string{
		"headlines":    append(slices.Clone(distinctHeadlinesDE[:11]), nearDuplicatesOf...),
		"descriptions": append(slices.Clone(distinctDescriptionsDE), "Kostenlose Montage in über 40 Filialen."),
		"paths":        pathsDE[:2],
	}
	srv, g := newScripted(t, aitest.Script(
		aitest.Reply{Content: answer(first)},
		aitest.Reply{Content: answer(map[string][]string{"headlines": distinctHeadlinesDE[11:]})},
	))
	res, err := g.Generate(context.Background(), generation.GenerateRequest{Brief: briefDE, Format: generation.FormatRSA})
	if err != nil {
		t.Fatal(err)
	}
	checkRSA(t, briefDE, res.Set)
	if !slices.Equal(res.Set.Headlines, distinctHeadlinesDE) {
		t.Errorf("headlines %q, want the distinct ones", res.Set.Headlines)
	}
	for _, nd := range nearDuplicatesOf {
		if slices.Contains(res.Set.Headlines, nd) {
			t.Errorf("near-duplicate %q kept", nd)
		}
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	msg := reqs[1].Messages[len(reqs[1].Messages)-1].Content
	for i := range nearDuplicatesOf {
		want := "headlines[" + string(rune('0'+i)) + "]" // the accepted headline it repeats
		if !strings.Contains(msg, "NEAR_DUPLICATE") || !strings.Contains(msg, "ays what accepted "+want+" says") {
			t.Errorf("repair message does not send near-duplicate %d back with its reason:\n%s", i, msg)
		}
	}
	if n := strings.Count(msg, "NEAR_DUPLICATE"); n != len(nearDuplicatesOf) {
		t.Errorf("repair names %d near-duplicates, want %d (the 5th description was spare):\n%s", n, len(nearDuplicatesOf), msg)
	}
	if res.Strength.Rating != strength.Excellent {
		t.Errorf("strength %+v, want EXCELLENT", res.Strength)
	}
	for _, a := range res.Strength.Actions {
		if a.Code == strength.CodeSimilarTexts {
			t.Errorf("similar texts left: %s", a.Message.EN)
		}
	}
}

// TestNearDuplicatesNeverFailARun: a model that only ever repeats itself
// still leaves a complete, valid set — the near-duplicates it could not
// replace are kept — and the strength says which texts are too similar.
func TestNearDuplicatesNeverFailARun(t *testing.T) {
	first := map[string][]string{
		"headlines":    append(slices.Clone(distinctHeadlinesDE[:13]), nearDuplicatesOf[:2]...),
		"descriptions": distinctDescriptionsDE,
		"paths":        pathsDE[:2],
	}
	_, g := newScripted(t, aitest.Script(
		aitest.Reply{Content: answer(first)},
		aitest.Reply{Content: answer(map[string][]string{"headlines": nearDuplicatesOf[:2]})},
		aitest.Reply{Content: answer(map[string][]string{"headlines": nearDuplicatesOf[:2]})},
		aitest.Reply{Content: answer(map[string][]string{"headlines": nearDuplicatesOf[:2]})},
	))
	res, err := g.Generate(context.Background(), generation.GenerateRequest{Brief: briefDE, Format: generation.FormatRSA})
	if err != nil {
		t.Fatalf("a set of valid texts failed: %v", err)
	}
	checkRSA(t, briefDE, res.Set)
	if !res.Complete() || len(res.Report.Missing) != 0 {
		t.Errorf("report %+v: want complete", res.Report)
	}
	if got := res.Set.Headlines[13:]; !slices.Equal(got, nearDuplicatesOf[:2]) {
		t.Errorf("last headlines %q, want the near-duplicates kept", got)
	}
	similar := 0
	for _, a := range res.Strength.Actions {
		if a.Code == strength.CodeSimilarTexts {
			similar++
		}
	}
	if similar != 2 || res.Strength.Rating != strength.Good {
		t.Errorf("strength %+v: want GOOD naming 2 similar pairs", res.Strength)
	}
}

// TestOfflineWriterIsNotAskedForOtherPhrasings: the offline writer has one
// phrasing per selling point, so near-duplicates are rated, not refused.
func TestOfflineWriterIsNotAskedForOtherPhrasings(t *testing.T) {
	g := generation.NewGenerator(generation.NewOfflineWriter(), generation.GeneratorOptions{})
	res, err := g.Generate(context.Background(), generation.GenerateRequest{Brief: briefDE, Format: generation.FormatRSA})
	// The offline writer writes what the brief supports: a usable set,
	// perhaps short of a full one.
	usable(t, res, err)
	for _, r := range res.Report.Attempts {
		for _, p := range r.Problems {
			if p.Code == generation.CodeNearDuplicate {
				t.Errorf("offline writer's %s %q refused as a near-duplicate", p.Path, p.Value)
			}
		}
	}
	if !slices.Contains(strength.Ratings, res.Strength.Rating) {
		t.Errorf("no strength for the offline set: %+v", res.Strength)
	}
}
