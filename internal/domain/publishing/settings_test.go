package publishing_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// sentUpdate is one update operation a mutate carried (not validate-only).
type sentUpdate struct {
	Mask   string
	Fields map[string]json.RawMessage
}

// updatesSent returns the update operations of each kind (e.g.
// campaignOperation) the fake took since request from.
func (e *env) updatesSent(t *testing.T, from int, kind string) []sentUpdate {
	t.Helper()
	var out []sentUpdate
	for _, r := range e.fake.RequestsTo("mutate")[from:] {
		var body struct {
			MutateOperations []map[string]struct {
				Update     map[string]json.RawMessage `json:"update"`
				UpdateMask string                     `json:"updateMask"`
			} `json:"mutateOperations"`
			ValidateOnly bool `json:"validateOnly"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatal(err)
		}
		if body.ValidateOnly || r.Status != 200 {
			continue
		}
		for _, op := range body.MutateOperations {
			if o, ok := op[kind]; ok && o.Update != nil {
				out = append(out, sentUpdate{Mask: o.UpdateMask, Fields: o.Update})
			}
		}
	}
	return out
}

// The budget, bidding strategy and end of a campaign live at Google Ads,
// changed in the product, reach Google as updates of exactly those fields
// when the change set is published: the budget's amount, the campaign's
// strategy with its target and its end, each named in the update mask.
// Taking the end back sends Google's "no end" day.
func TestSettingsOfALiveCampaignReachGoogle(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := start(t, d, 2)
		id, _ := e.searchCampaign(t, "Winter Gebote", "")
		e.chooseAccount(t, id)
		last(t, e.follow(t, e.publish(t, id, nil).Events), "completed")
		path := fmt.Sprintf("/api/campaigns/%d", id)
		before := len(e.fake.RequestsTo("mutate"))

		end := time.Now().UTC().AddDate(0, 2, 0).Format("2006-01-02")
		e.Event(t, 200, id, "edit")
		e.Must(t, 200, "PATCH", path, map[string]any{"budget_micros": 40_000_000, "bidding_strategy": "TARGET_CPA", "target_cpa_micros": 12_500_000,
			"end_date": end}, "If-Match", e.Must(t, 200, "GET", path, nil).Header.Get("ETag"))
		var cs struct {
			Steps []struct {
				Changes []struct {
					Action, Kind string
					Fields       []string
				}
			}
		}
		e.Must(t, 200, "GET", path+"/change-set", nil).JSON(t, &cs)
		if len(cs.Steps) != 1 || len(cs.Steps[0].Changes) != 2 {
			t.Fatalf("change set of the settings: %+v", cs)
		}
		e.Event(t, 200, id, "approve")
		last(t, e.follow(t, e.publish(t, id, nil).Events), "completed")

		budgets := e.updatesSent(t, before, "campaignBudgetOperation")
		if len(budgets) != 1 || budgets[0].Mask != "amountMicros" || string(budgets[0].Fields["amountMicros"]) != `"40000000"` {
			t.Errorf("budget updates sent: %+v", budgets)
		}
		camps := e.updatesSent(t, before, "campaignOperation")
		if len(camps) != 1 || camps[0].Mask != "maximizeConversions.targetCpaMicros,endDateTime" ||
			string(camps[0].Fields["maximizeConversions"]) != `{"targetCpaMicros":"12500000"}` || string(camps[0].Fields["endDateTime"]) != `"`+end+` 23:59:59"` {
			t.Errorf("campaign updates sent: %+v", camps)
		}
		if n := len(e.mutates(t, before)); n != 2 {
			t.Errorf("%d operations sent for two changed resources", n)
		}

		// Back to maximize clicks, without an end: the strategy replaces the
		// one Google holds and the end becomes Google's "no end".
		before = len(e.fake.RequestsTo("mutate"))
		e.Event(t, 200, id, "edit")
		e.Must(t, 200, "PATCH", path, map[string]any{"bidding_strategy": "MAXIMIZE_CLICKS", "end_date": ""},
			"If-Match", e.Must(t, 200, "GET", path, nil).Header.Get("ETag"))
		e.Event(t, 200, id, "approve")
		last(t, e.follow(t, e.publish(t, id, nil).Events), "completed")
		camps = e.updatesSent(t, before, "campaignOperation")
		if len(camps) != 1 || camps[0].Mask != "targetSpend,endDateTime" || string(camps[0].Fields["targetSpend"]) != `{}` ||
			string(camps[0].Fields["endDateTime"]) != `"2037-12-30 23:59:59"` {
			t.Errorf("campaign updates sent: %+v", camps)
		}
		if s := e.updatesSent(t, before, "campaignBudgetOperation"); len(s) != 0 {
			t.Errorf("an unchanged budget was sent: %+v", s)
		}
		var after struct {
			Operations int
		}
		e.Must(t, 200, "GET", path+"/change-set", nil).JSON(t, &after)
		if after.Operations != 0 {
			t.Errorf("%d operations left after publishing the settings", after.Operations)
		}
	})
}

// A setting Google refuses — an end in the past, a start of a campaign that
// has started — fails the change set with a problem naming the campaign's
// field, in English and German; nothing is changed at Google and the values
// stored in the product stay as the person set them.
func TestARefusedSettingNamesItsFieldAndKeepsTheStoredValues(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := start(t, d, 2)
		id, _ := e.searchCampaign(t, "Winter Ende", "")
		e.chooseAccount(t, id)
		last(t, e.follow(t, e.publish(t, id, nil).Events), "completed")
		path := fmt.Sprintf("/api/campaigns/%d", id)
		before := len(e.fake.RequestsTo("mutate"))

		start := time.Now().UTC().AddDate(0, 0, 10).Format("2006-01-02")
		type problem struct {
			Entity *struct {
				Type string
				ID   int64
			}
			Field, Code, Where, Message string
		}
		e.Event(t, 200, id, "edit")
		for i, tc := range []struct {
			patch          map[string]any
			field, code    string
			message        string
			budget         int64
			startAt, endAt string
		}{
			{map[string]any{"budget_micros": 30_000_000, "end_date": "2021-06-30"}, "end_date", "campaignError.CANNOT_SET_DATE_TO_PAST",
				"das Datum 2021-06-30 23:59:59 liegt in der Vergangenheit: wählen Sie heute oder einen späteren Tag", 30_000_000, "", "2021-06-30"},
			{map[string]any{"start_date": start, "end_date": ""}, "start_date", "campaignError.CANNOT_MODIFY_START_DATE_IF_ALREADY_STARTED",
				"die Kampagne läuft bei Google Ads schon: ihr Startdatum kann sich nicht mehr ändern", 30_000_000, start, ""},
		} {
			if i > 0 {
				e.Event(t, 200, id, "reopen")
			}
			e.Must(t, 200, "PATCH", path, tc.patch, "If-Match", e.Must(t, 200, "GET", path, nil).Header.Get("ETag"))
			e.Event(t, 200, id, "approve")
			last(t, e.follow(t, e.publish(t, id, nil).Events), "failed")
			if sent := e.mutates(t, before); len(sent) != 0 {
				t.Errorf("%s: a refused change set changed %v at Google", tc.field, sent)
			}
			var runs struct {
				Items []struct {
					Outcome  string
					Problems []problem
				}
			}
			e.Must(t, 200, "GET", path+"/publish-runs?lang=de", nil).JSON(t, &runs)
			if len(runs.Items) == 0 || runs.Items[0].Outcome != "failed" || len(runs.Items[0].Problems) != 1 {
				t.Fatalf("%s: runs %+v", tc.field, runs)
			}
			p := runs.Items[0].Problems[0]
			if p.Entity == nil || p.Entity.Type != "campaign" || p.Entity.ID != id || p.Field != tc.field || p.Code != tc.code ||
				p.Where != fmt.Sprintf("Kampagne %d, %s", id, tc.field) || p.Message != tc.message {
				t.Errorf("%s: problem %+v", tc.field, p)
			}
			var c struct {
				State        string
				BudgetMicros int64  `json:"budget_micros"`
				StartDate    string `json:"start_date"`
				EndDate      string `json:"end_date"`
			}
			e.Must(t, 200, "GET", path, nil).JSON(t, &c)
			if c.State != "failed" || c.BudgetMicros != tc.budget || c.StartDate != tc.startAt || c.EndDate != tc.endAt {
				t.Errorf("%s: the stored campaign after the refusal: %+v", tc.field, c)
			}
		}
		// Fixed, the same change set goes through.
		e.Event(t, 200, id, "reopen")
		e.Must(t, 200, "PATCH", path, map[string]any{"start_date": "", "end_date": ""}, "If-Match", e.Must(t, 200, "GET", path, nil).Header.Get("ETag"))
		e.Event(t, 200, id, "approve")
		last(t, e.follow(t, e.publish(t, id, nil).Events), "completed")
		if b := e.updatesSent(t, before, "campaignBudgetOperation"); len(b) != 1 || string(b[0].Fields["amountMicros"]) != `"30000000"` {
			t.Errorf("budget updates after the fix: %+v", b)
		}
	})
}

// Settings of a campaign that was never published stay in the product:
// nothing is sent to Google Ads until it is published.
func TestSettingsOfAnUnpublishedCampaignSendNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := start(t, d, 2)
		id := idOf(t, e.Must(t, 201, "POST", "/api/campaigns", map[string]any{"name": "Sommer Entwurf", "type": "SEARCH", "budget_micros": 25_000_000,
			"currency": "EUR", "languages": []string{"de"}, "locations": []string{"DE"}, "final_url": "https://www.reifen-mueller.example/"}))
		e.chooseAccount(t, id)
		path := fmt.Sprintf("/api/campaigns/%d", id)
		e.Must(t, 200, "PATCH", path, map[string]any{"budget_micros": 50_000_000, "bidding_strategy": "MANUAL_CPC",
			"start_date": "2027-05-01", "end_date": "2027-09-30"}, "If-Match", e.Must(t, 200, "GET", path, nil).Header.Get("ETag"))
		if n := len(e.fake.RequestsTo("mutate")); n != 0 {
			t.Errorf("%d mutates sent for a campaign never published", n)
		}
		var cs struct {
			Published  bool
			Operations int
		}
		e.Must(t, 200, "GET", path+"/change-set", nil).JSON(t, &cs)
		if cs.Published {
			t.Errorf("an unpublished campaign's change set says it is published: %+v", cs)
		}
	})
}
