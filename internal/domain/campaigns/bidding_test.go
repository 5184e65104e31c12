package campaigns_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

func TestBiddingStrategyAndRunAreStoredAndEdited(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		// Without a strategy a campaign bids as publishing always did.
		search := e.Must(t, http.StatusCreated, "POST", "/api/campaigns", newCampaign("Gebote Suche", "SEARCH")).Map(t)
		pmax := e.Must(t, http.StatusCreated, "POST", "/api/campaigns", newCampaign("Gebote PMax", "PERFORMANCE_MAX")).Map(t)
		if search["bidding_strategy"] != "MAXIMIZE_CLICKS" || pmax["bidding_strategy"] != "MAXIMIZE_CONVERSIONS" {
			t.Fatalf("defaults: search %v, pmax %v", search["bidding_strategy"], pmax["bidding_strategy"])
		}
		if _, ok := search["start_date"]; ok {
			t.Errorf("a new campaign has a start date: %v", search["start_date"])
		}

		body := newCampaign("Gebote Ziel-CPA", "SEARCH")
		body["bidding_strategy"] = "TARGET_CPA"
		body["target_cpa_micros"] = 12_500_000
		body["start_date"] = "2026-03-01"
		body["end_date"] = "2026-03-31"
		r := e.Must(t, http.StatusCreated, "POST", "/api/campaigns", body)
		id := idOf(t, r)
		c := r.Map(t)
		if c["bidding_strategy"] != "TARGET_CPA" || c["target_cpa_micros"].(float64) != 12_500_000 || c["start_date"] != "2026-03-01" || c["end_date"] != "2026-03-31" {
			t.Fatalf("created = %v", c)
		}
		path := fmt.Sprintf("/api/campaigns/%d", id)
		// Another strategy drops the old target; the end date is removed.
		r = e.Must(t, http.StatusOK, "PATCH", path, map[string]any{"bidding_strategy": "TARGET_ROAS", "target_roas": 3.5, "end_date": ""}, "If-Match", r.Header.Get("ETag"))
		c = e.Must(t, http.StatusOK, "GET", path, nil).Map(t)
		if c["bidding_strategy"] != "TARGET_ROAS" || c["target_roas"].(float64) != 3.5 || c["target_cpa_micros"] != nil || c["end_date"] != nil || c["start_date"] != "2026-03-01" {
			t.Fatalf("after the change = %v", c)
		}
		r = e.Must(t, http.StatusOK, "PATCH", path, map[string]any{"bidding_strategy": "MANUAL_CPC", "budget_micros": 9_000_000}, "If-Match", r.Header.Get("ETag"))
		if c = r.Map(t); c["target_roas"] != nil || c["bidding_strategy"] != "MANUAL_CPC" {
			t.Fatalf("manual CPC kept a target: %v", c)
		}
		etag := r.Header.Get("ETag")

		// Bad input is refused at its field and changes nothing.
		refused := []struct {
			name     string
			body     map[string]any
			location string
		}{
			{"not Google's", map[string]any{"bidding_strategy": "MAXIMIZE_IMPRESSIONS"}, "body.bidding_strategy"},
			{"target without its strategy", map[string]any{"target_cpa_micros": 5_000_000}, "body.target_cpa_micros"},
			{"strategy without its target", map[string]any{"bidding_strategy": "TARGET_CPA"}, "body.target_cpa_micros"},
			{"zero target ROAS", map[string]any{"bidding_strategy": "TARGET_ROAS", "target_roas": 0}, "body.target_roas"},
			{"end before start", map[string]any{"end_date": "2026-02-28"}, "body.end_date"},
			{"start after end", map[string]any{"start_date": "2026-05-01", "end_date": "2026-04-30"}, "body.end_date"},
			{"not a date", map[string]any{"start_date": "2026-02-30"}, "body.start_date"},
			{"not ISO", map[string]any{"start_date": "01.03.2026"}, "body.start_date"},
			{"no budget", map[string]any{"budget_micros": 0}, "body.budget_micros"},
		}
		for _, x := range refused {
			r := e.Do(t, "PATCH", path, x.body, "If-Match", etag)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"`+x.location+`"`) {
				t.Errorf("%s: %d %s, want 422 at %s", x.name, r.Status, r.Body, x.location)
			}
		}
		// Performance Max bids for conversions only.
		r = e.Do(t, "PATCH", fmt.Sprintf("/api/campaigns/%v", pmax["id"]), map[string]any{"bidding_strategy": "MAXIMIZE_CLICKS"}, "If-Match", fmt.Sprintf(`"%v"`, pmax["version"]))
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "body.bidding_strategy") {
			t.Errorf("Performance Max took maximize clicks: %d %s", r.Status, r.Body)
		}
		c = e.Must(t, http.StatusOK, "GET", path, nil).Map(t)
		if c["bidding_strategy"] != "MANUAL_CPC" || c["start_date"] != "2026-03-01" || c["budget_micros"].(float64) != 9_000_000 || c["end_date"] != nil {
			t.Errorf("refused changes were stored: %v", c)
		}
		// The database refuses a run that ends before it starts, whoever writes it.
		if _, err := d.WriteDB().ExecContext(t.Context(), d.Q(`UPDATE campaigns SET end_date = '2026-01-01' WHERE id = ?`), id); err == nil {
			t.Error("the database stored an end before the start")
		}
	})
}
