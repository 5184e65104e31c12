package app_test

import (
	"fmt"
	"testing"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// Job lists name the campaign each job works on by its name as it is now,
// in the list, in one job and after a cancel, so people see "Winterreifen
// 2026" rather than "#1".
func TestJobsNameTheirCampaigns(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.StartOpts(t, d, apptest.Options{Workers: 0})
		var ids []int64
		for _, name := range []string{"Winterreifen 2026", "Sommer <Räder> & \"Co\""} {
			var c struct{ ID int64 }
			e.Must(t, 201, "POST", "/api/campaigns", map[string]any{"name": name, "type": "SEARCH", "budget_micros": 1_000_000,
				"currency": "EUR", "languages": []string{"de"}, "locations": []string{"DE"}, "final_url": "https://www.example.de/",
				"brief": map[string]any{"product": "Reifen", "language": "de", "keywords": []string{"reifen"}, "business_name": "Reifen Müller"}}).JSON(t, &c)
			ids = append(ids, c.ID)
			e.Event(t, 202, c.ID, "generate")
		}
		type job struct {
			ID      int64
			Subject struct {
				Type string
				ID   int64
				Name string
			}
		}
		list := func() map[int64]job {
			var page struct{ Items []job }
			e.Must(t, 200, "GET", "/api/jobs?limit=100", nil).JSON(t, &page)
			out := map[int64]job{}
			for _, j := range page.Items {
				out[j.Subject.ID] = j
			}
			return out
		}
		jobs := list()
		if got := jobs[ids[0]].Subject; got.Type != "campaign" || got.Name != "Winterreifen 2026" {
			t.Errorf("first job's subject = %+v", got)
		}
		if got := jobs[ids[1]].Subject.Name; got != `Sommer <Räder> & "Co"` {
			t.Errorf("second job's subject name = %q", got)
		}
		var one job
		e.Must(t, 200, "GET", fmt.Sprintf("/api/jobs/%d", jobs[ids[1]].ID), nil).JSON(t, &one)
		if one.Subject.Name != `Sommer <Räder> & "Co"` {
			t.Errorf("one job's subject = %+v", one.Subject)
		}
		e.Must(t, 200, "POST", fmt.Sprintf("/api/jobs/%d/cancel", jobs[ids[0]].ID), nil).JSON(t, &one)
		if one.Subject.Name != "Winterreifen 2026" {
			t.Errorf("cancelled job's subject = %+v", one.Subject)
		}
		// The campaign is a draft again; a rename shows at once, as the name
		// is read when the job is shown.
		e.Must(t, 200, "PATCH", fmt.Sprintf("/api/campaigns/%d", ids[0]), map[string]any{"name": "Winterreifen 2027"})
		if got := list()[ids[0]].Subject.Name; got != "Winterreifen 2027" {
			t.Errorf("after rename: %q", got)
		}
	})
}
