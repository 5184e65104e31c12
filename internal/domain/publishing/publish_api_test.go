package publishing_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
	"github.com/imaphub/imaphub/internal/platform/googleads/googleadstest"
)

// Publishing over HTTP from the account list to a paused campaign at the
// fake: the account is chosen, the publish answers 202, the job's events
// stream its steps to completed, the campaign is paused here and there,
// every entity's resource name is stored, and the change history names who
// published what with Google's request ids.
func TestPublishOverHTTPCreatesThePausedCampaignAtGoogle(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := start(t, d, 2)
		var accounts struct {
			LoginCustomerID string `json:"login_customer_id"`
			Accounts        []struct {
				CustomerID string `json:"customer_id"`
				Name       string
				Manager    bool
			}
		}
		e.DoAs(t, auth.Editor, "GET", "/api/google-ads/accounts", nil).JSON(t, &accounts)
		if accounts.LoginCustomerID != googleadstest.ManagerID || len(accounts.Accounts) != 3 ||
			!slices.ContainsFunc(accounts.Accounts, func(a struct {
				CustomerID string `json:"customer_id"`
				Name       string
				Manager    bool
			}) bool {
				return a.CustomerID == googleadstest.ClientAccountID && a.Name == "Reifen Müller" && !a.Manager
			}) {
			t.Fatalf("accounts: %+v", accounts)
		}
		id, _ := e.searchCampaign(t, "Winter DE", "")
		path := fmt.Sprintf("/api/campaigns/%d", id)
		// Without an account there is nothing to publish to; a manager
		// account holds no campaigns; an editor may not choose.
		etag := e.Must(t, 200, "GET", path, nil).Header.Get("ETag")
		e.Must(t, 409, "POST", path+"/publish", nil, "If-Match", etag)
		e.Must(t, 422, "PUT", path+"/google-ads-account", map[string]any{"customer_id": googleadstest.ManagerID})
		if s := e.DoAs(t, auth.Editor, "PUT", path+"/google-ads-account", map[string]any{"customer_id": "1111111111"}).Status; s != 403 {
			t.Errorf("an editor chose the account: %d", s)
		}
		e.chooseAccount(t, id)
		// Publishing names the version it is for.
		e.Must(t, 428, "POST", path+"/publish", nil)

		s := e.publish(t, id, nil)
		events := e.follow(t, s.Events)
		done := last(t, events, "completed")
		var steps []string
		for _, ev := range events {
			if ev.event == "progress" && strings.Contains(ev.data, `"Publishing `) {
				steps = append(steps, ev.data)
			}
		}
		if len(steps) != 3 || !strings.Contains(steps[0], `"Publishing 1/3: campaign Winter DE"`) ||
			!strings.Contains(steps[1], `"Publishing 2/3: ad group Winterreifen"`) || !strings.Contains(steps[2], `"Publishing 3/3: ad group Ganzjahresreifen"`) {
			t.Errorf("progress: %v", steps)
		}
		var result struct {
			Status      string
			CampaignURL string `json:"campaign_url"`
			Operations  int
		}
		if err := json.Unmarshal([]byte(done.data), &result); err != nil || result.Status != "PAUSED" || result.Operations != 13 ||
			!strings.HasPrefix(result.CampaignURL, "https://ads.google.com/aw/campaigns?campaignId=") {
			t.Errorf("result: %s", done.data)
		}
		if got := state(t, e, id); got != "paused" {
			t.Errorf("campaign is %s, want paused", got)
		}
		if got := e.campaignStatus(t, "Winter DE"); got != "PAUSED" {
			t.Errorf("at Google the campaign is %s", got)
		}
		for res, want := range map[string]int{"campaign": 1, "campaign_budget": 1, "campaign_criterion": 3, "ad_group": 2, "ad_group_criterion": 4, "ad_group_ad": 2} {
			if got := e.live(t, res); got != want {
				t.Errorf("%d %s at the fake, want %d", got, res, want)
			}
		}
		var status struct {
			Live      bool
			Resources []struct {
				Key          string
				ResourceName string `json:"resource_name"`
			}
		}
		e.DoAs(t, auth.Viewer, "GET", path+"/google-ads", nil).JSON(t, &status)
		if !status.Live || len(status.Resources) != 13 {
			t.Errorf("status: %+v", status)
		}
		var history struct {
			Items []struct {
				Kind, Outcome, User string
				CustomerID          string   `json:"customer_id"`
				RequestIDs          []string `json:"request_ids"`
				Operations          int
				Changes             map[string]map[string]int
			}
		}
		e.DoAs(t, auth.Viewer, "GET", path+"/publish-runs", nil).JSON(t, &history)
		if len(history.Items) != 1 {
			t.Fatalf("history: %+v", history)
		}
		h := history.Items[0]
		// One request to read the account, one to check, three to publish.
		if h.Kind != "publish" || h.Outcome != "succeeded" || h.User != "admin@example.com" || h.CustomerID != googleadstest.ClientAccountID ||
			len(h.RequestIDs) != 5 || h.Operations != 13 || h.Changes["create"]["keyword"] != 4 {
			t.Errorf("history entry: %+v", h)
		}
		for _, rid := range h.RequestIDs {
			if !slices.ContainsFunc(e.fake.Requests(), func(r googleadstest.Request) bool { return r.RequestID == rid }) {
				t.Errorf("request id %q is none the fake answered", rid)
			}
		}
		// Published means not editable; a second publish is a 409.
		e.Event(t, 409, id, "approve")
	})
}
