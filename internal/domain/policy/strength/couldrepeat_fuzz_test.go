package strength_test

import (
	"testing"

	"github.com/imaphub/imaphub/internal/domain/policy/strength"
)

// FuzzCouldRepeat checks the promise a repair relies on: a text that is a
// near-duplicate of a kept one is always made of words that could repeat
// it, so leaving out the kept texts CouldRepeat rejects never hides one a
// rewrite could come near.
func FuzzCouldRepeat(f *testing.F) {
	for _, p := range [][2]string{
		{"Winterreifen günstig kaufen", "Günstige Winterreifen kaufen"},
		{"Winterreifen-Angebote", "Winterreifenangebote"},
		{"Kostenlose Lieferung", "Gratis Lieferung!"},
		{"冬用タイヤを格安で購入", "冬用タイヤを格安で購入！"},
		// Japanese written in parts: a near-duplicate by its words although few bigrams are shared.
		{"冬用タ ヤを 安で購入", "冬用タ ヤを"},
		{"Jetzt hier", "jetzt, hier!"},
		{"Winterreifen für Bayern", "Reifeneinlagerungsservice Bayern"},
		{"", "!!!"},
	} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, kept, other string) {
		if strength.Similar(kept, other) && !strength.CouldRepeat(kept, other) {
			t.Errorf("%q is a near-duplicate of %q, but CouldRepeat says its words cannot repeat it", other, kept)
		}
	})
}
