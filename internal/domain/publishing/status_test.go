package publishing_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
	"github.com/imaphub/imaphub/internal/platform/googleads/googleadstest"
)

// statusJob follows the newest status job of a campaign to its end.
func (e *env) statusJob(t *testing.T, campaignID int64, want string) {
	t.Helper()
	var runs struct {
		Items []struct {
			Kind  string
			JobID int64 `json:"job_id"`
		}
	}
	e.Must(t, 200, "GET", fmt.Sprintf("/api/campaigns/%d/publish-runs", campaignID), nil).JSON(t, &runs)
	if len(runs.Items) == 0 || runs.Items[0].Kind != "status" || runs.Items[0].JobID == 0 {
		t.Fatalf("no status run: %+v", runs)
	}
	last(t, e.follow(t, fmt.Sprintf("/api/jobs/%d/events", runs.Items[0].JobID)), want)
}

// Pause, resume and archive of a published campaign reach Google through a
// job; a campaign at Google cannot be deleted until archiving removed it
// there; a status change Google refuses for good fails the campaign.
func TestPauseResumeAndArchiveReachGoogleThroughAJob(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := start(t, d, 2)
		id, _ := e.searchCampaign(t, "Winter Status", "")
		e.chooseAccount(t, id)
		last(t, e.follow(t, e.publish(t, id, nil).Events), "completed")
		path := fmt.Sprintf("/api/campaigns/%d", id)

		e.Event(t, 200, id, "resume")
		e.statusJob(t, id, "completed")
		if s := e.campaignStatus(t, "Winter Status"); s != "ENABLED" || state(t, e, id) != "published" {
			t.Errorf("after resume: %s at Google, %s here", s, state(t, e, id))
		}
		e.Event(t, 200, id, "pause")
		e.statusJob(t, id, "completed")
		if s := e.campaignStatus(t, "Winter Status"); s != "PAUSED" {
			t.Errorf("after pause: %s at Google", s)
		}
		e.Must(t, 409, "DELETE", path, nil, "If-Match", e.Must(t, 200, "GET", path, nil).Header.Get("ETag"))

		// Google refuses a resume for good (the day's quota is gone): the
		// campaign fails and says why.
		e.fake.Inject(googleadstest.Fault{Call: "mutate", Kind: googleadstest.FaultDailyQuota})
		e.Event(t, 200, id, "resume")
		e.statusJob(t, id, "failed")
		var runs struct {
			Items []struct{ Outcome, Error string }
		}
		e.Must(t, 200, "GET", path+"/publish-runs", nil).JSON(t, &runs)
		if state(t, e, id) != "failed" || runs.Items[0].Outcome != "failed" || !strings.Contains(runs.Items[0].Error, "daily Google Ads API operations quota") {
			t.Errorf("refused resume: %s, %+v", state(t, e, id), runs.Items[0])
		}
		if s := e.campaignStatus(t, "Winter Status"); s != "PAUSED" {
			t.Errorf("after the refused resume: %s at Google", s)
		}

		e.Event(t, 200, id, "archive")
		e.statusJob(t, id, "completed")
		if s := e.campaignStatus(t, "Winter Status"); s != "REMOVED" || state(t, e, id) != "archived" {
			t.Errorf("after archive: %s at Google, %s here", s, state(t, e, id))
		}
		var status struct{ Live bool }
		e.DoAs(t, auth.Viewer, "GET", path+"/google-ads", nil).JSON(t, &status)
		if status.Live {
			t.Errorf("an archived campaign is still live: %+v", status)
		}
		e.Must(t, 204, "DELETE", path, nil, "If-Match", e.Must(t, 200, "GET", path, nil).Header.Get("ETag"))
	})
}

// A short-term quota error carrying retryDelay is waited out and the
// request sent again; the day's quota used up fails the publish with a clear
// message and nothing created.
func TestQuotaErrorsAreRetriedOrFailThePublish(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := start(t, d, 2)
		id, _ := e.searchCampaign(t, "Winter Quota", "")
		e.chooseAccount(t, id)
		e.fake.Inject(googleadstest.Fault{Call: "mutate", Kind: googleadstest.FaultTemporaryQuota, RetryDelay: 300 * time.Millisecond})
		last(t, e.follow(t, e.publish(t, id, nil).Events), "completed")
		var refused, sent int
		for _, r := range e.fake.RequestsTo("mutate") {
			if r.Status == 429 {
				refused++
			} else {
				sent++
			}
		}
		if refused != 1 || sent != 4 || e.live(t, "campaign") != 1 {
			t.Errorf("%d mutates refused, %d answered, %d campaigns", refused, sent, e.live(t, "campaign"))
		}

		id2, _ := e.searchCampaign(t, "Winter Tagesquote", "")
		e.chooseAccount(t, id2)
		e.fake.Inject(googleadstest.Fault{Call: "mutate", Kind: googleadstest.FaultDailyQuota})
		end := last(t, e.follow(t, e.publish(t, id2, nil).Events), "failed")
		if !strings.Contains(end.data, "daily Google Ads API operations quota is used up") || !strings.Contains(end.data, "apply for a higher access level") {
			t.Errorf("failure: %s", end.data)
		}
		var runs struct {
			Items []struct{ Outcome, Error string }
		}
		e.Must(t, 200, "GET", fmt.Sprintf("/api/campaigns/%d/publish-runs", id2), nil).JSON(t, &runs)
		if state(t, e, id2) != "failed" || runs.Items[0].Outcome != "failed" || !strings.Contains(runs.Items[0].Error, "daily Google Ads API operations quota") {
			t.Errorf("campaign %s, run %+v", state(t, e, id2), runs.Items[0])
		}
		if n := e.live(t, "campaign"); n != 1 {
			t.Errorf("%d campaigns at the fake, want only the first", n)
		}
	})
}
