package publishing_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
	"github.com/imaphub/imaphub/internal/platform/googleads/googleadstest"
)

// waitForCall waits until the fake is answering (or holding) n calls of a kind.
func (e *env) waitForCall(t *testing.T, call string, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for len(e.fake.RequestsTo(call)) < n {
		if time.Now().After(deadline) {
			t.Fatalf("the fake saw %d %s calls, want %d", len(e.fake.RequestsTo(call)), call, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (e *env) runOutcome(t *testing.T, campaignID int64) string {
	t.Helper()
	var runs struct{ Items []struct{ Outcome string } }
	e.Must(t, 200, "GET", fmt.Sprintf("/api/campaigns/%d/publish-runs", campaignID), nil).JSON(t, &runs)
	return runs.Items[0].Outcome
}

// A publish can be cancelled until its first change at Google: queued, or
// while it checks the campaign with Google; the campaign returns to
// approved and nothing reaches Google. Once it has begun changing the
// campaign, a cancel no longer stops it: it finishes and says so.
func TestPublishIsCancellableUntilTheFirstMutate(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := start(t, d, 0)
		id, _ := e.searchCampaign(t, "Winter Abbruch", "")
		e.chooseAccount(t, id)
		s := e.publish(t, id, nil)
		if code := e.DoAs(t, auth.Viewer, "POST", fmt.Sprintf("/api/jobs/%d/cancel", s.Job.ID), nil).Status; code != 403 {
			t.Errorf("a viewer cancelled: %d", code)
		}
		e.Must(t, 200, "POST", fmt.Sprintf("/api/jobs/%d/cancel", s.Job.ID), nil)
		last(t, e.follow(t, s.Events), "cancelled")
		if st, out := state(t, e, id), e.runOutcome(t, id); st != "approved" || out != "cancelled" {
			t.Errorf("queued publish cancelled: campaign %s, run %s", st, out)
		}
	})
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := start(t, d, 2)
		id, _ := e.searchCampaign(t, "Winter Abbruch laufend", "")
		e.chooseAccount(t, id)
		// The job's first call (reading the account) hangs until cancelled.
		e.fake.Inject(googleadstest.Fault{Call: "search", Kind: googleadstest.FaultSlow, Delay: time.Minute})
		s := e.publish(t, id, nil)
		e.waitForCall(t, "search", 2) // the chooser's read, then the job's
		e.Must(t, 200, "POST", fmt.Sprintf("/api/jobs/%d/cancel", s.Job.ID), nil)
		last(t, e.follow(t, s.Events), "cancelled")
		if st, out := state(t, e, id), e.runOutcome(t, id); st != "approved" || out != "cancelled" {
			t.Errorf("running publish cancelled: campaign %s, run %s", st, out)
		}
		if n := len(e.fake.RequestsTo("mutate")); n != 0 {
			t.Errorf("a cancelled publish sent %d mutates", n)
		}

		// Cancelled while its first step is at Google: it finishes.
		e.fake.Inject(googleadstest.Fault{Call: "mutate", Kind: googleadstest.FaultSlow, Delay: time.Millisecond},
			googleadstest.Fault{Call: "mutate", Kind: googleadstest.FaultSlow, Delay: 2 * time.Second})
		s = e.publish(t, id, nil)
		e.waitForCall(t, "mutate", 2)
		e.Must(t, 200, "POST", fmt.Sprintf("/api/jobs/%d/cancel", s.Job.ID), nil)
		events := e.follow(t, s.Events)
		last(t, events, "completed")
		warned := false
		for _, ev := range events {
			warned = warned || ev.event == "warning" && strings.Contains(ev.data, "cancel_too_late")
		}
		if !warned || state(t, e, id) != "paused" || e.live(t, "campaign") != 1 {
			t.Errorf("cancel after the first mutate: warned %v, campaign %s, %d at Google", warned, state(t, e, id), e.live(t, "campaign"))
		}
	})
}

// Without Google Ads credentials the publishing operations answer 503 with
// the settings to make, and the rest of the product works.
func TestPublishingWithoutGoogleAdsSaysWhatToSet(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := &env{Env: apptest.Start(t, d)}
		id, _ := e.searchCampaign(t, "Winter ohne Google", "")
		path := fmt.Sprintf("/api/campaigns/%d", id)
		etag := e.Must(t, 200, "GET", path, nil).Header.Get("ETag")
		for _, r := range []*apptest.Response{
			e.Do(t, "GET", "/api/google-ads/accounts", nil),
			e.Do(t, "PUT", path+"/google-ads-account", map[string]any{"customer_id": "1111111111"}),
			e.Do(t, "POST", path+"/dry-run", nil),
			e.Do(t, "POST", path+"/publish", nil, "If-Match", etag),
		} {
			p := r.Map(t)
			if r.Status != 503 || p["code"] != "google_ads_not_connected" ||
				!strings.Contains(p["detail"].(string), "Google Ads is not connected: set IMAPHUB_GOOGLEADS_CLIENT_ID, IMAPHUB_GOOGLEADS_CLIENT_SECRET, IMAPHUB_GOOGLEADS_REFRESH_TOKEN") ||
				!strings.Contains(p["detail"].(string), "Connect Google Ads") {
				t.Errorf("%d %s", r.Status, r.Body)
			}
		}
		var cs struct{ Operations int }
		e.Must(t, 200, "GET", path+"/change-set", nil).JSON(t, &cs)
		var status struct{ Connected, Live bool }
		e.Must(t, 200, "GET", path+"/google-ads", nil).JSON(t, &status)
		if cs.Operations != 13 || status.Connected || status.Live || state(t, e, id) != "approved" {
			t.Errorf("change set %+v, status %+v", cs, status)
		}
	})
}
