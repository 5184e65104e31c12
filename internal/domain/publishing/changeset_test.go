package publishing_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// A published campaign edited — one headline changed, one keyword added —
// forms a change set that is reviewed, approved and published as exactly the
// difference: a new responsive search ad replacing the old one (an ad's
// content cannot change at Google) and one keyword created. The campaign
// keeps its status at Google (paused).
func TestChangeSetPublishesOnlyTheDifference(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := start(t, d, 2)
		id, ads := e.searchCampaign(t, "Winter Änderung", "")
		e.chooseAccount(t, id)
		last(t, e.follow(t, e.publish(t, id, nil).Events), "completed")
		before := len(e.fake.RequestsTo("mutate"))
		path := fmt.Sprintf("/api/campaigns/%d", id)

		// Live campaigns are not editable until edited; edit is review.
		e.Must(t, 409, "PATCH", path, map[string]any{"name": "x"}, "If-Match", e.Must(t, 200, "GET", path, nil).Header.Get("ETag"))
		if s := e.DoAs(t, auth.Viewer, "POST", path+"/edit", nil, "If-Match", e.Must(t, 200, "GET", path, nil).Header.Get("ETag")).Status; s != 403 {
			t.Errorf("a viewer edited: %d", s)
		}
		e.Event(t, 200, id, "edit")
		var cs struct {
			Published  bool
			Operations int
			Steps      []struct {
				Kind    string
				Changes []struct{ Action, Kind, Key string }
			}
		}
		e.Must(t, 200, "GET", path+"/change-set", nil).JSON(t, &cs)
		if !cs.Published || cs.Operations != 0 {
			t.Fatalf("change set of an unchanged campaign: %+v", cs)
		}
		adPath := fmt.Sprintf("/api/ads/%d", ads[0])
		e.Must(t, 200, "PUT", adPath+"/texts", map[string]any{"headlines": texts("Winterreifen von Müller", "Montage in Ihrer Nähe", "Alle Marken auf Lager"),
			"descriptions": texts("Winterreifen aller Marken mit Montage vor Ort.", "Bestellen Sie online, wir montieren in Ihrer Nähe.")},
			"If-Match", e.Must(t, 200, "GET", adPath, nil).Header.Get("ETag"))
		var ad struct {
			AdGroupID int64 `json:"ad_group_id"`
		}
		e.Must(t, 200, "GET", adPath, nil).JSON(t, &ad)
		kw := idOf(t, e.Must(t, 201, "POST", "/api/keywords", map[string]any{"ad_group_id": ad.AdGroupID, "text": "winterreifen online", "match_type": "EXACT"}))

		e.Must(t, 200, "GET", path+"/change-set", nil).JSON(t, &cs)
		want := []string{fmt.Sprintf("remove ad ad:%d", ads[0]), fmt.Sprintf("create keyword keyword:%d", kw), fmt.Sprintf("create ad ad:%d", ads[0])}
		var got []string
		for _, s := range cs.Steps {
			for _, c := range s.Changes {
				got = append(got, c.Action+" "+c.Kind+" "+c.Key)
			}
		}
		if !cs.Published || cs.Operations != 3 || !slices.Equal(got, want) {
			t.Fatalf("change set %v (%d operations), want %v", got, cs.Operations, want)
		}

		e.Event(t, 200, id, "approve")
		last(t, e.follow(t, e.publish(t, id, nil).Events), "completed")
		sent := e.mutates(t, before)
		if !slices.Equal(sent, []string{"adGroupAdOperation.remove", "adGroupCriterionOperation.create", "adGroupAdOperation.create"}) {
			t.Errorf("the change set sent %v", sent)
		}
		if s := state(t, e, id); s != "paused" {
			t.Errorf("after the change set the campaign is %s, want paused (as at Google)", s)
		}
		if n := e.live(t, "ad_group_ad"); n != 2 {
			t.Errorf("%d ads serve at the fake, want 2", n)
		}
		if n := e.live(t, "ad_group_criterion"); n != 5 {
			t.Errorf("%d keywords at the fake, want 5", n)
		}
		var history struct {
			Items []struct {
				Outcome string
				Changes map[string]map[string]int
			}
		}
		e.Must(t, 200, "GET", path+"/publish-runs", nil).JSON(t, &history)
		if h := history.Items[0]; h.Outcome != "succeeded" || h.Changes["remove"]["ad"] != 1 || h.Changes["create"]["ad"] != 1 || h.Changes["create"]["keyword"] != 1 || len(h.Changes) != 2 {
			t.Errorf("history of the change set: %+v", h)
		}
		// Nothing left to change.
		e.Must(t, 200, "GET", path+"/change-set", nil).JSON(t, &cs)
		if cs.Operations != 0 {
			t.Errorf("after publishing the change set: %+v", cs)
		}
	})
}
