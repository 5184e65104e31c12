package generation_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

type streamed struct{ id, event, data string }

// follow reads a job's server-sent events until the stream ends.
func follow(t *testing.T, e *apptest.Env, path string) []streamed {
	t.Helper()
	req, _ := http.NewRequest("GET", e.Server.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+e.Tokens[auth.Viewer])
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := e.Server.Client().Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out []streamed
	var cur streamed
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "" && cur.event != "":
			out = append(out, cur)
			cur = streamed{}
		case strings.HasPrefix(line, "id: "):
			cur.id = line[4:]
		case strings.HasPrefix(line, "event: "):
			cur.event = line[7:]
		case strings.HasPrefix(line, "data: "):
			cur.data = line[6:]
		}
	}
	return out
}

func briefCampaign(name, typ, lang string) map[string]any {
	return map[string]any{"name": name, "type": typ, "budget_micros": 30_000_000, "currency": "EUR",
		"languages": []string{lang}, "final_url": "https://www.reifen-mueller.example/winter",
		"brief": map[string]any{"product": "Winterreifen", "audience": "Autofahrer in Deutschland", "language": lang,
			"selling_points": []string{"Kostenlose Lieferung", "Montage vor Ort"}, "keywords": []string{"winterreifen kaufen", "winterreifen günstig"},
			"brand_terms": []string{"Reifen Müller"}, "business_name": "Reifen Müller", "tone": "sachlich"}}
}

// A brief alone becomes a campaign: the job makes an ad group from the brief,
// writes its ad, streams its progress, and the campaign moves to review.
func TestGenerationJobStreamsToAReviewableCampaign(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		id := idOf(t, e.Must(t, 201, "POST", "/api/campaigns", briefCampaign("Aus dem Briefing", "SEARCH", "de")))
		r := e.Event(t, http.StatusAccepted, id, "generate")
		var started struct {
			Job      struct{ ID int64 }
			Campaign struct{ State string }
			Events   string
		}
		r.JSON(t, &started)
		if started.Campaign.State != "generating" || started.Job.ID == 0 || r.Header.Get("Location") != fmt.Sprintf("/api/jobs/%d", started.Job.ID) {
			t.Fatalf("start: %s", r.Body)
		}
		// While generating, content is frozen and a second generation is refused.
		e.Event(t, http.StatusConflict, id, "generate")
		events := follow(t, e, started.Events)
		if len(events) < 3 || events[len(events)-1].event != "completed" {
			t.Fatalf("events: %+v", events)
		}
		var items, progress int
		for i, ev := range events {
			if ev.id != fmt.Sprint(i+1) {
				t.Fatalf("event %d has id %s", i, ev.id)
			}
			switch ev.event {
			case "item":
				items++
				// The UI tells the person the copy came from the offline
				// writer, and how to connect a model, from this.
				var item struct{ Source string }
				if err := json.Unmarshal([]byte(ev.data), &item); err != nil || item.Source != "offline" {
					t.Errorf("item event without its source: %s", ev.data)
				}
			case "progress":
				progress++
			}
		}
		var last struct {
			Done, Total int
			Unit        string
		}
		_ = json.Unmarshal([]byte(events[len(events)-2].data), &last)
		if items < 5 || progress < 2 || last.Done != items || last.Total != 21 || last.Unit != "texts" {
			t.Errorf("items=%d progress=%d last=%v", items, progress, events[len(events)-2])
		}
		var tree struct {
			Campaign struct{ State string }
			AdGroups []struct {
				Name     string
				Keywords []struct{ Text string }
				Ads      []struct {
					Headlines    []struct{ Text string }
					Descriptions []struct{ Text string }
				}
			} `json:"ad_groups"`
		}
		e.Must(t, 200, "GET", fmt.Sprintf("/api/campaigns/%d/tree", id), nil).JSON(t, &tree)
		if tree.Campaign.State != "review" || len(tree.AdGroups) != 1 || len(tree.AdGroups[0].Keywords) != 2 || len(tree.AdGroups[0].Ads) != 1 {
			t.Fatalf("tree after generation: %+v", tree)
		}
		ad := tree.AdGroups[0].Ads[0]
		if len(ad.Headlines) < 3 || len(ad.Descriptions) < 2 {
			t.Fatalf("generated ad: %+v", ad)
		}
		var job struct {
			State    string
			Progress struct{ Done, Total int }
		}
		e.Must(t, 200, "GET", fmt.Sprintf("/api/jobs/%d", started.Job.ID), nil).JSON(t, &job)
		if job.State != "succeeded" || job.Progress.Done != items || job.Progress.Total != 21 {
			t.Errorf("job = %+v", job)
		}
		// Approvable as generated.
		e.Event(t, 200, id, "approve")
	})
}

func TestCancellingAQueuedGenerationReturnsTheCampaignToDraft(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.StartOpts(t, d, apptest.Options{Workers: 0})
		id := idOf(t, e.Must(t, 201, "POST", "/api/campaigns", briefCampaign("Abgebrochen", "PERFORMANCE_MAX", "de")))
		var started struct{ Job struct{ ID int64 } }
		e.Event(t, 202, id, "generate").JSON(t, &started)
		if s := e.DoAs(t, auth.Viewer, "POST", fmt.Sprintf("/api/jobs/%d/cancel", started.Job.ID), nil).Status; s != 403 {
			t.Errorf("viewer cancelled a job: %d", s)
		}
		r := e.Must(t, 200, "POST", fmt.Sprintf("/api/jobs/%d/cancel", started.Job.ID), nil)
		if !strings.Contains(string(r.Body), `"state":"cancelled"`) {
			t.Fatalf("cancel: %s", r.Body)
		}
		c := e.Must(t, 200, "GET", fmt.Sprintf("/api/campaigns/%d", id), nil).Map(t)
		if c["state"] != "draft" {
			t.Errorf("campaign after cancel: %v", c["state"])
		}
		events := follow(t, e, fmt.Sprintf("/api/jobs/%d/events", started.Job.ID))
		if len(events) == 0 || events[len(events)-1].event != "cancelled" {
			t.Errorf("events: %+v", events)
		}
	})
}

// A generation job whose model never writes a valid headline fails the
// campaign with the reason, stores no ad, and still reports what the calls
// cost.
func TestGenerationJobBelowTheMinimumFailsTheCampaign(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e, _ := startWithModel(t, d, germanCopy(map[string]int{"headlines": 0}))
		id := idOf(t, e.Must(t, 201, "POST", "/api/campaigns", briefCampaign("Ohne Titel", "SEARCH", "de")))
		var started struct{ Job struct{ ID int64 } }
		e.Event(t, http.StatusAccepted, id, "generate").JSON(t, &started)
		events := follow(t, e, fmt.Sprintf("/api/jobs/%d/events", started.Job.ID))
		last := events[len(events)-1]
		if last.event != "failed" || !strings.Contains(last.data, "below the minimum set: needs at least 3 headlines (has 0)") || !strings.Contains(last.data, `"report"`) {
			t.Fatalf("last event %+v", last)
		}
		if c := e.Must(t, 200, "GET", fmt.Sprintf("/api/campaigns/%d", id), nil).Map(t); c["state"] != "failed" {
			t.Errorf("campaign state %v", c["state"])
		}
		if n := count(t, d, "ads"); n != 0 {
			t.Errorf("%d ads stored", n)
		}
		var job struct {
			State    string
			Error    string
			Tokens   int64
			Attempts []struct {
				Outcome string
				Tokens  int64
				Calls   int
			}
		}
		e.Must(t, 200, "GET", fmt.Sprintf("/api/jobs/%d", started.Job.ID), nil).JSON(t, &job)
		if job.State != "failed" || !strings.Contains(job.Error, "at least 3 headlines") || len(job.Attempts) != 1 || job.Attempts[0].Outcome != "failed" ||
			job.Attempts[0].Calls == 0 || job.Tokens == 0 || job.Tokens != job.Attempts[0].Tokens {
			t.Errorf("job %+v", job)
		}
		if !strings.Contains(e.Logs.String(), "generation job failed") {
			t.Errorf("not logged:\n%s", e.Logs.String())
		}
	})
}

// A job whose model writes part of the set keeps it when the minimum is met:
// the campaign goes to review with a warning saying what is missing.
func TestGenerationJobKeepsAPartialSetThatMeetsTheMinimum(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e, _ := startWithModel(t, d, germanCopy(map[string]int{"headlines": 5}))
		id := idOf(t, e.Must(t, 201, "POST", "/api/campaigns", briefCampaign("Halbe Titel", "SEARCH", "de")))
		var started struct{ Job struct{ ID int64 } }
		e.Event(t, http.StatusAccepted, id, "generate").JSON(t, &started)
		events := follow(t, e, fmt.Sprintf("/api/jobs/%d/events", started.Job.ID))
		var warned bool
		for _, ev := range events {
			warned = warned || ev.event == "warning" && strings.Contains(ev.data, "some items could not be written")
		}
		if events[len(events)-1].event != "completed" || !warned {
			t.Fatalf("events %+v", events)
		}
		var tree struct {
			Campaign struct{ State string }
			AdGroups []struct {
				Ads []struct{ Headlines, Descriptions []struct{ Text string } }
			} `json:"ad_groups"`
		}
		e.Must(t, 200, "GET", fmt.Sprintf("/api/campaigns/%d/tree", id), nil).JSON(t, &tree)
		if tree.Campaign.State != "review" || len(tree.AdGroups) != 1 || len(tree.AdGroups[0].Ads) != 1 ||
			len(tree.AdGroups[0].Ads[0].Headlines) != 5 || len(tree.AdGroups[0].Ads[0].Descriptions) != 4 {
			t.Errorf("tree %+v", tree)
		}
	})
}
