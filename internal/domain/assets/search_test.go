package assets

import (
	"slices"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// Search (on PostgreSQL through the trigram index) answers exactly what a
// substring match of the case-folded texts answers — for queries long
// enough for trigrams and shorter ones, with umlauts, ß, quotes and LIKE's
// wildcards — and follows the texts as they are added and deleted.
func TestSearchFindsEverySubstringAsLIKEDoes(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		texts := []string{"Größe zählt", "Laufschuhe GRÖSSE 42", "Äpfel & Birnen", "äpfel im Angebot", "Straße der Reifen",
			"STRASSE frei", "50% Rabatt_heute", `Der "beste" Preis`, "Winterreifen * Montage", "Sommerreifen AND Felgen", "ab", "Reifen-Müller"}
		ids := map[string]int64{}
		for _, s := range texts {
			ids[s] = f.text(s).ID
		}
		f.image(pngBytes(t, 3, 3, 1))
		queries := []string{"größe", "GRÖSSE", "gröss", "rö", "ö", "äpfel", "ÄPFEL IM", "straße", "strasse", "ss", "reifen", "REIFEN-MÜ",
			"50%", "0% R", "t_h", "_", "%", `"beste"`, `"`, `e" P`, "* Mon", "*", "AND", "and felgen", "ab", "b", "zzz", "reifen montage", " ", "e z"}
		check := func(step string) {
			t.Helper()
			rows, err := d.Read().Query(f.ctx, `SELECT id, search_text FROM assets WHERE search_text IS NOT NULL`)
			if err != nil {
				t.Fatal(err)
			}
			stored := map[int64]string{}
			for rows.Next() {
				var id int64
				var s string
				if err := rows.Scan(&id, &s); err != nil {
					t.Fatal(err)
				}
				stored[id] = s
			}
			rows.Close()
			for _, q := range queries {
				var want []int64
				for id, s := range stored {
					if strings.Contains(s, searchFold(NormalizeText(q))) {
						want = append(want, id)
					}
				}
				items, _, err := f.s.List(f.ctx, ListFilter{Query: q, Sort: "created", Limit: 500})
				if err != nil {
					t.Fatalf("%s: q=%q: %v", step, q, err)
				}
				var got []int64
				for _, a := range items {
					got = append(got, a.ID)
				}
				slices.Sort(want)
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Errorf("%s: q=%q found %v, want %v", step, q, got, want)
				}
			}
		}
		check("created")
		for _, s := range []string{"Straße der Reifen", "ab", `Der "beste" Preis`} {
			if err := f.s.Delete(f.ctx, ids[s]); err != nil {
				t.Fatal(err)
			}
		}
		f.text("Neue Straße, neue Reifen")
		check("after deletes and an insert")
		if got, _, _ := f.s.List(f.ctx, ListFilter{Query: "GRÖSSE", Sort: "created", Limit: 500}); len(got) != 2 {
			t.Errorf("GRÖSSE found %d assets, want Größe and GRÖSSE", len(got))
		}
	})
}
