package app_test

import (
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/platform/ai/aitest"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/auth/authapi"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// A model that takes longer than any body-read deadline still gets to
// answer: on-demand generation waits for it and stores a valid set.
func TestGenerationWithASlowModel(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a model that answers in 6 s")
	}
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		fill := aitest.Fill(func(field string, n int) string {
			if field == "descriptions" {
				return fmt.Sprintf("Winterreifen Modell %d mit kostenloser Montage vor Ort.", n)
			}
			return fmt.Sprintf("Winterreifen Modell %d", n)
		})
		srv := aitest.NewServer(aitest.ResponderFunc(func(r aitest.Request) aitest.Reply {
			time.Sleep(6 * time.Second)
			return fill.Respond(r)
		}))
		t.Cleanup(srv.Close)
		e := apptest.StartOpts(t, d, apptest.Options{Workers: 2, LLM: apptest.ScriptedModel(srv.URL)})
		campaign := map[string]any{"name": "Winter", "type": "SEARCH", "budget_micros": 50_000_000, "currency": "EUR",
			"languages": []string{"de"}, "locations": []string{"DE"}, "final_url": "https://reifen-mueller.example/winter",
			"brief": map[string]any{"product": "Winterreifen", "language": "de", "keywords": []string{"winterreifen kaufen"},
				"selling_points": []string{"Kostenlose Montage"}, "business_name": "Reifen Müller"}}
		var c, g struct {
			ID int64 `json:"id"`
		}
		e.Must(t, http.StatusCreated, "POST", "/api/campaigns", campaign).JSON(t, &c)
		e.Must(t, http.StatusCreated, "POST", "/api/ad-groups", map[string]any{"campaign_id": c.ID, "name": "Winterreifen"}).JSON(t, &g)

		r := e.DoAs(t, auth.Editor, "POST", fmt.Sprintf("/api/ad-groups/%d/generate", g.ID), map[string]any{"mode": "new"})
		if r.Status != http.StatusOK {
			t.Fatalf("generate: %d %s", r.Status, r.Body)
		}
		var gen struct {
			Ad struct {
				Headlines, Descriptions []struct{ Text string }
			}
			Report struct{ Calls int }
		}
		r.JSON(t, &gen)
		if len(gen.Ad.Headlines) != 15 || len(gen.Ad.Descriptions) != 4 || gen.Report.Calls < 1 {
			t.Errorf("stored %d headlines, %d descriptions after %d calls", len(gen.Ad.Headlines), len(gen.Ad.Descriptions), gen.Report.Calls)
		}
	})
}

// More people signing in at once to one account from one address than its
// limit lets be checked side by side, with production password hashing,
// all get in: none is cut off while the server hashes the others'
// passwords. (A few rounds of the limit: each hash under the race detector
// on a busy machine takes seconds, and a queue longer than
// auth.AttemptQueueMax is refused by design.)
func TestConcurrentSignIns(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.StartOpts(t, d, apptest.Options{Auth: authapi.Config{Mode: "local"}, Argon2: auth.DefaultArgon2})
		const n = 3*auth.MaxFailsPerAccountClient - 1
		statuses := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				jar, _ := cookiejar.New(nil)
				c := &http.Client{Jar: jar}
				res, err := c.Post(e.Server.URL+"/api/auth/login", "application/json",
					strings.NewReader(`{"email":"viewer@example.com","password":"`+apptest.Password+`"}`))
				if err != nil {
					t.Error(err)
					return
				}
				res.Body.Close()
				statuses[i] = res.StatusCode
			})
		}
		wg.Wait()
		for i, s := range statuses {
			if s != http.StatusOK {
				t.Errorf("sign-in %d: status %d", i, s)
			}
		}
	})
}
