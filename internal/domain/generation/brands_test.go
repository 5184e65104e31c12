package generation_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/platform/ai/aitest"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// A model's text with one of the account's brand spellings is kept: the
// generator checks with the account's list as every write does.
func TestGenerationAllowsTheAccountsBrandSpellings(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		srv := aitest.NewServer(aitest.Fill(func(field string, n int) string {
			switch {
			case field == "headlines" && n%5 == 0:
				return "Bei ReifenDirekt kaufen" // offered again and again
			case field == "headlines":
				return fmt.Sprintf("Winterreifen Modell %d", n)
			case field == "descriptions":
				return fmt.Sprintf("Modell %c der Serie %d mit Montage.", 'A'+n, n*7)
			}
			return fmt.Sprintf("Modell-%c", 'A'+n)
		}))
		t.Cleanup(srv.Close)
		e := apptest.StartOpts(t, d, apptest.Options{Workers: 2, LLM: apptest.ScriptedModel(srv.URL)})
		_, groupID := wizardAdGroup(t, e, "Winter")
		gen, _ := generateAd(t, e, http.StatusOK, groupID, map[string]any{"mode": "new"})
		if slices.Contains(texts(gen.Ad.Headlines), "Bei ReifenDirekt kaufen") {
			t.Fatalf("mixed case kept before the account listed it: %q", texts(gen.Ad.Headlines))
		}
		e.Must(t, http.StatusOK, "PUT", "/api/brand-spellings", map[string]any{"terms": []string{"ReifenDirekt"}})
		_, group2 := wizardAdGroup(t, e, "Winter 2")
		gen, _ = generateAd(t, e, http.StatusOK, group2, map[string]any{"mode": "new"})
		if !slices.Contains(texts(gen.Ad.Headlines), "Bei ReifenDirekt kaufen") {
			t.Errorf("the account's spelling was refused: %q, rejected %+v", texts(gen.Ad.Headlines), gen.Report.Rejected)
		}
	})
}
