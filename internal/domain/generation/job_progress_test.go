package generation_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// Generation progress counts texts, over real HTTP and server-sent events:
// a campaign with two ad groups is 2 × 21 texts (15 headlines, 4
// descriptions, 2 paths), not 2 ad groups. The job's first event, sent
// while it waits for a worker, says so and counts nothing: no 0/0.
func TestGenerationProgressCountsTextsAndNeverShowsZeroOfZero(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e, _ := startWithModel(t, d, germanCopy(nil))
		id := idOf(t, e.Must(t, 201, "POST", "/api/campaigns", briefCampaign("Zwei Gruppen", "SEARCH", "de")))
		for _, name := range []string{"Winterreifen", "Reifenwechsel"} {
			e.Must(t, http.StatusCreated, "POST", "/api/ad-groups", map[string]any{"campaign_id": id, "name": name})
		}
		var started struct{ Job struct{ ID int64 } }
		e.Event(t, http.StatusAccepted, id, "generate").JSON(t, &started)
		events := follow(t, e, fmt.Sprintf("/api/jobs/%d/events", started.Job.ID))
		if len(events) == 0 || events[len(events)-1].event != "completed" {
			t.Fatalf("events %+v", events)
		}

		var first map[string]any
		if err := json.Unmarshal([]byte(events[0].data), &first); err != nil || events[0].event != "progress" {
			t.Fatalf("first event %+v", events[0])
		}
		_, hasDone := first["done"]
		_, hasTotal := first["total"]
		if first["phase"] != "queued" || first["unit"] != "texts" || hasDone || hasTotal || strings.Contains(fmt.Sprint(first["message"]), "0/0") {
			t.Errorf("the queued event counts something: %s", events[0].data)
		}

		const total = 2 * 21
		items, counts := 0, []int{}
		for _, ev := range events[1:] {
			switch ev.event {
			case "item":
				items++
			case "progress":
				var p struct {
					Done, Total int
					Unit, Phase string
					Message     string
				}
				if err := json.Unmarshal([]byte(ev.data), &p); err != nil {
					t.Fatal(err)
				}
				if p.Unit != "texts" || p.Phase != "running" || p.Total != total || p.Done != items ||
					p.Message != fmt.Sprintf("Generating %d/%d texts", items, total) {
					t.Errorf("after %d items: progress %s", items, ev.data)
				}
				counts = append(counts, p.Done)
			}
		}
		if items != total || len(counts) < 3 || counts[0] != 0 || counts[len(counts)-1] != total {
			t.Errorf("%d items, progress counts %v: want 0 first, %d last", items, counts, total)
		}
		var job struct {
			State    string
			Progress struct {
				Done, Total int
				Unit        string
			}
		}
		e.Must(t, 200, "GET", fmt.Sprintf("/api/jobs/%d", started.Job.ID), nil).JSON(t, &job)
		if job.State != "succeeded" || job.Progress.Done != total || job.Progress.Total != total || job.Progress.Unit != "texts" {
			t.Errorf("job %+v", job)
		}
	})
}
