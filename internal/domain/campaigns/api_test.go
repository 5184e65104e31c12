package campaigns_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

func newCampaign(name, typ string) map[string]any {
	return map[string]any{"name": name, "type": typ, "budget_micros": 50_000_000, "currency": "EUR",
		"languages": []string{"de"}, "locations": []string{"DE", "AT"}, "final_url": "https://reifen-mueller.example/winter",
		"brief": map[string]any{"product": "Winterreifen", "keywords": []string{"winterreifen kaufen"}, "language": "de"}}
}

func idOf(t *testing.T, r *apptest.Response) int64 {
	t.Helper()
	var v struct {
		ID int64 `json:"id"`
	}
	r.JSON(t, &v)
	if v.ID <= 0 {
		t.Fatalf("no id in %s", r.Body)
	}
	return v.ID
}

func count(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.Read().QueryRow(context.Background(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCampaignCRUDWithETags(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		r := e.Must(t, http.StatusCreated, "POST", "/api/campaigns", newCampaign("Winterreifen 2026", "SEARCH"))
		id := idOf(t, r)
		if loc := r.Header.Get("Location"); loc != fmt.Sprintf("/api/campaigns/%d", id) {
			t.Errorf("Location = %q", loc)
		}
		c := r.Map(t)
		if c["state"] != "draft" || c["budget_micros"].(float64) != 50_000_000 {
			t.Errorf("created campaign = %v", c)
		}
		etag := r.Header.Get("ETag")
		if etag == "" {
			t.Fatal("no ETag")
		}
		path := fmt.Sprintf("/api/campaigns/%d", id)
		r = e.Must(t, http.StatusOK, "PATCH", path, map[string]any{"budget_micros": 70_000_000}, "If-Match", etag)
		newTag := r.Header.Get("ETag")
		if newTag == etag {
			t.Error("ETag did not change after an update")
		}
		// The old ETag is stale now: the write is refused and nothing changes.
		r = e.Must(t, http.StatusPreconditionFailed, "PATCH", path, map[string]any{"budget_micros": 1}, "If-Match", etag)
		if !strings.Contains(string(r.Body), "If-Match") {
			t.Errorf("412 does not name the header: %s", r.Body)
		}
		got := e.Must(t, http.StatusOK, "GET", path, nil).Map(t)
		if got["budget_micros"].(float64) != 70_000_000 {
			t.Errorf("budget after stale write = %v", got["budget_micros"])
		}
		e.Must(t, http.StatusBadRequest, "PATCH", path, map[string]any{"budget_micros": 1}, "If-Match", "not-an-etag")
		e.Must(t, http.StatusNoContent, "DELETE", path, nil, "If-Match", newTag)
		e.Must(t, http.StatusNotFound, "GET", path, nil)
	})
}

func TestBadInputNamesTheField(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		cases := []struct {
			name     string
			body     any
			status   int
			location string
		}{
			{"case-duplicate key", `{"name":"ok","NAME":"x","type":"SEARCH","budget_micros":1,"currency":"EUR"}`, 422, "body.NAME"},
			{"unknown field", `{"name":"ok","type":"SEARCH","budget_micros":1,"currency":"EUR","colour":"red"}`, 422, "body.colour"},
			{"wrong type", `{"name":"ok","type":"SEARCH","budget_micros":"lots","currency":"EUR"}`, 422, "body.budget_micros"},
			{"bad enum", `{"name":"ok","type":"DISPLAY","budget_micros":1,"currency":"EUR"}`, 422, "body.type"},
			{"bad currency", `{"name":"ok","type":"SEARCH","budget_micros":1,"currency":"eur"}`, 422, "body.currency"},
			{"missing field", `{"type":"SEARCH","budget_micros":1,"currency":"EUR"}`, 422, "body.name"},
			{"bad url", `{"name":"ok","type":"SEARCH","budget_micros":1,"currency":"EUR","final_url":"ftp://x"}`, 422, "body.final_url"},
			{"bad language", `{"name":"ok","type":"SEARCH","budget_micros":1,"currency":"EUR","languages":["Deutsch"]}`, 422, "body.languages[0]"},
			{"invalid utf-8", "{\"name\":\"o\xffk\",\"type\":\"SEARCH\",\"budget_micros\":1,\"currency\":\"EUR\"}", 400, "body"},
			{"too large", `{"name":"` + strings.Repeat("x", 9<<20) + `"}`, 413, "body"},
		}
		for _, c := range cases {
			r := e.Do(t, "POST", "/api/campaigns", c.body)
			if r.Status != c.status {
				t.Errorf("%s: status %d, want %d: %s", c.name, r.Status, c.status, r.Body)
				continue
			}
			if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("%s: content type %q", c.name, ct)
			}
			var p struct {
				Errors []struct{ Location string } `json:"errors"`
			}
			r.JSON(t, &p)
			found := false
			for _, f := range p.Errors {
				found = found || f.Location == c.location
			}
			if !found {
				t.Errorf("%s: problem does not name %s: %s", c.name, c.location, r.Body)
			}
		}
		if n := count(t, d, "campaigns"); n != 0 {
			t.Errorf("%d campaigns stored after bad input, want 0", n)
		}
		e.Must(t, http.StatusNotFound, "GET", "/api/campaigns/987654", nil)
		r := e.Must(t, http.StatusUnprocessableEntity, "POST", "/api/ad-groups", map[string]any{"campaign_id": 987654, "name": "x"})
		if !strings.Contains(string(r.Body), "body.campaign_id") {
			t.Errorf("unknown parent not named: %s", r.Body)
		}
	})
}

func TestIllegalLifecycleEventIsConflictWithAllowedEvents(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		id := idOf(t, e.Must(t, 201, "POST", "/api/campaigns", newCampaign("Lifecycle", "SEARCH")))
		r := e.Event(t, http.StatusConflict, id, "approve")
		var p struct {
			State         string   `json:"state"`
			AllowedEvents []string `json:"allowed_events"`
		}
		r.JSON(t, &p)
		if p.State != "draft" || strings.Join(p.AllowedEvents, ",") != "archive,generate,submit" {
			t.Errorf("409 body = %s", r.Body)
		}
		// An empty campaign has nothing to review; an ad group alone neither.
		r = e.Event(t, http.StatusConflict, id, "submit")
		if !strings.Contains(string(r.Body), "nothing to review") || !strings.Contains(string(r.Body), `"state":"draft"`) {
			t.Errorf("empty campaign submitted: %s", r.Body)
		}
		g := idOf(t, e.Must(t, 201, "POST", "/api/ad-groups", map[string]any{"campaign_id": id, "name": "Winterreifen"}))
		e.Event(t, http.StatusConflict, id, "submit")
		// With an ad it goes to review; approval then needs a complete ad.
		short := idOf(t, e.Must(t, 201, "POST", "/api/ads", map[string]any{"ad_group_id": g, "final_urls": []string{"https://reifen-mueller.example/"},
			"headlines":    []map[string]any{{"text": "Winterreifen online kaufen"}, {"text": "Kostenlose Lieferung"}},
			"descriptions": []map[string]any{{"text": "Top-Marken zu fairen Preisen, geliefert in 2 Tagen."}, {"text": "Montage bei über 300 Partnern in Ihrer Nähe."}}}))
		e.Event(t, http.StatusOK, id, "submit")
		r = e.Event(t, http.StatusConflict, id, "approve")
		if !strings.Contains(string(r.Body), "2 headlines") {
			t.Errorf("incomplete approval: %s", r.Body)
		}
		e.Must(t, 204, "DELETE", fmt.Sprintf("/api/ads/%d", short), nil)
		e.Must(t, 201, "POST", "/api/ads", map[string]any{"ad_group_id": g, "final_urls": []string{"https://reifen-mueller.example/"},
			"headlines":    []map[string]any{{"text": "Winterreifen online kaufen"}, {"text": "Kostenlose Lieferung"}, {"text": "Reifen Müller"}},
			"descriptions": []map[string]any{{"text": "Top-Marken zu fairen Preisen, geliefert in 2 Tagen."}, {"text": "Montage bei über 300 Partnern in Ihrer Nähe."}}})
		c := e.Event(t, http.StatusOK, id, "approve").Map(t)
		if c["state"] != "approved" {
			t.Errorf("state after approve = %v", c["state"])
		}
		// Content is frozen outside draft and review.
		r = e.Must(t, http.StatusConflict, "POST", "/api/keywords", map[string]any{"ad_group_id": g, "text": "reifen", "match_type": "BROAD"})
		if !strings.Contains(string(r.Body), `"state":"approved"`) {
			t.Errorf("frozen edit: %s", r.Body)
		}
	})
}

func TestFailedMultiRowWriteLeavesNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		id := idOf(t, e.Must(t, 201, "POST", "/api/campaigns", newCampaign("Atomic", "SEARCH")))
		g := idOf(t, e.Must(t, 201, "POST", "/api/ad-groups", map[string]any{"campaign_id": id, "name": "G"}))
		before := count(t, d, "assets")
		// A duplicate is refused before anything is written, naming the item.
		r := e.Must(t, http.StatusUnprocessableEntity, "POST", "/api/ads", map[string]any{"ad_group_id": g, "final_urls": []string{"https://x.example/"},
			"headlines": []map[string]any{{"text": "Neue Reifen  kaufen"}, {"text": "Ganz neue Texte hier"}, {"text": "Neue Reifen kaufen"}}})
		if !strings.Contains(string(r.Body), "body.headlines[2].text") {
			t.Errorf("duplicate not located: %s", r.Body)
		}
		// A failure in the middle of the write: the database refuses the third
		// link after the ad, two new texts and their links were written.
		inject := `CREATE TRIGGER fail_third_link BEFORE INSERT ON asset_links WHEN NEW.position = 2 BEGIN SELECT RAISE(ABORT, 'injected failure'); END`
		if d.Engine == db.Postgres {
			inject = `CREATE FUNCTION fail_third_link() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN IF NEW.position = 2 THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END; $$;
				CREATE TRIGGER fail_third_link BEFORE INSERT ON asset_links FOR EACH ROW EXECUTE FUNCTION fail_third_link()`
		}
		if _, err := d.WriteDB().Exec(inject); err != nil {
			t.Fatal(err)
		}
		r = e.Do(t, "POST", "/api/ads", map[string]any{"ad_group_id": g, "final_urls": []string{"https://x.example/"},
			"headlines": []map[string]any{{"text": "Neue Reifen kaufen"}, {"text": "Ganz neue Texte hier"}, {"text": "Dritter Text fällt aus"}}})
		if r.Status != http.StatusInternalServerError || strings.Contains(string(r.Body), "injected") {
			t.Errorf("mid-write failure: %d %s (want a 500 that reveals nothing)", r.Status, r.Body)
		}
		if !strings.Contains(e.Logs.String(), "injected failure") {
			t.Error("the cause is not in the log")
		}
		for table, want := range map[string]int{"ads": 0, "asset_links": 0, "assets": before} {
			if n := count(t, d, table); n != want {
				t.Errorf("%s: %d rows after a failed write, want %d", table, n, want)
			}
		}
	})
}

func TestTreeAndCascadingDelete(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		id := idOf(t, e.Must(t, 201, "POST", "/api/campaigns", newCampaign("Tree", "SEARCH")))
		for gi := 0; gi < 2; gi++ {
			g := idOf(t, e.Must(t, 201, "POST", "/api/ad-groups", map[string]any{"campaign_id": id, "name": fmt.Sprintf("G%d", gi)}))
			for ki := 0; ki < 3; ki++ {
				e.Must(t, 201, "POST", "/api/keywords", map[string]any{"ad_group_id": g, "text": fmt.Sprintf("reifen %d %d", gi, ki), "match_type": "PHRASE", "negative": ki == 2})
			}
			e.Must(t, 201, "POST", "/api/ads", map[string]any{"ad_group_id": g, "final_urls": []string{"https://x.example/"}, "path1": "reifen", "path2": "winter",
				"headlines":    []map[string]any{{"text": "Reifen Müller", "pinned_field": "HEADLINE_1"}, {"text": fmt.Sprintf("Gruppe %d im Angebot", gi)}, {"text": "Kostenlose Lieferung"}},
				"descriptions": []map[string]any{{"text": "Beschreibung eins."}, {"text": "Beschreibung zwei."}}})
		}
		var tree struct {
			Campaign struct{ ID int64 }
			AdGroups []struct {
				Name     string
				Keywords []struct {
					Text     string
					Negative bool
				}
				Ads []struct {
					Path1     string
					Headlines []struct {
						AssetID     int64  `json:"asset_id"`
						Text        string `json:"text"`
						PinnedField string `json:"pinned_field"`
					}
					Descriptions []struct{ Text string }
				}
			} `json:"ad_groups"`
		}
		e.Must(t, 200, "GET", fmt.Sprintf("/api/campaigns/%d/tree", id), nil).JSON(t, &tree)
		if len(tree.AdGroups) != 2 || len(tree.AdGroups[1].Keywords) != 3 || !tree.AdGroups[1].Keywords[2].Negative || len(tree.AdGroups[0].Ads) != 1 {
			t.Fatalf("tree shape wrong: %+v", tree)
		}
		ad := tree.AdGroups[0].Ads[0]
		if len(ad.Headlines) != 3 || ad.Headlines[0].Text != "Reifen Müller" || ad.Headlines[0].PinnedField != "HEADLINE_1" || len(ad.Descriptions) != 2 || ad.Path1 != "reifen" {
			t.Errorf("ad in tree = %+v", ad)
		}
		// The same text in two ads is one asset.
		if tree.AdGroups[0].Ads[0].Headlines[0].AssetID != tree.AdGroups[1].Ads[0].Headlines[0].AssetID {
			t.Error("shared headline stored twice")
		}
		assetsBefore := count(t, d, "assets")
		e.Must(t, 204, "DELETE", fmt.Sprintf("/api/campaigns/%d", id), nil)
		for _, table := range []string{"ad_groups", "keywords", "ads", "asset_links"} {
			if n := count(t, d, table); n != 0 {
				t.Errorf("%d %s left after deleting the campaign", n, table)
			}
		}
		if n := count(t, d, "assets"); n != assetsBefore {
			t.Errorf("assets: %d after delete, want %d (assets stay in the library)", n, assetsBefore)
		}
	})
}

func TestListsPaginateEveryItemOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		names := []string{"delta", "Alpha", "charlie", "bravo", "echo", "foxtrot", "golf"}
		for _, n := range names {
			e.Must(t, 201, "POST", "/api/campaigns", newCampaign(n, "SEARCH"))
		}
		e.Must(t, 201, "POST", "/api/campaigns", newCampaign("pmax one", "PERFORMANCE_MAX"))
		for _, sort := range []string{"created", "-created", "name", "-name", "updated", "-updated"} {
			seen := map[string]bool{}
			var order []string
			cursor := ""
			for pages := 0; pages < 10; pages++ {
				r := e.Must(t, 200, "GET", "/api/campaigns?type=SEARCH&limit=3&sort="+sort+"&cursor="+cursor, nil)
				var page struct {
					Items      []struct{ Name string }
					NextCursor string `json:"next_cursor"`
				}
				r.JSON(t, &page)
				for _, it := range page.Items {
					if seen[it.Name] {
						t.Errorf("sort %s: %s returned twice", sort, it.Name)
					}
					seen[it.Name] = true
					order = append(order, it.Name)
				}
				if page.NextCursor == "" {
					break
				}
				cursor = page.NextCursor
			}
			if len(seen) != len(names) {
				t.Errorf("sort %s: saw %d campaigns, want %d (%v)", sort, len(seen), len(names), order)
			}
			if sort == "name" && strings.Join(order, ",") != "Alpha,bravo,charlie,delta,echo,foxtrot,golf" {
				t.Errorf("name order = %v", order)
			}
		}
		r := e.Must(t, 422, "GET", "/api/campaigns?sort=name&cursor=bogus", nil)
		if !strings.Contains(string(r.Body), "query.cursor") {
			t.Errorf("bad cursor not named: %s", r.Body)
		}
		first := e.Must(t, 200, "GET", "/api/campaigns?limit=2&sort=name", nil).Map(t)
		r = e.Must(t, 422, "GET", "/api/campaigns?limit=2&sort=-name&cursor="+first["next_cursor"].(string), nil)
		if !strings.Contains(string(r.Body), "made for sort") {
			t.Errorf("cursor of another sort accepted: %s", r.Body)
		}
		q := e.Must(t, 200, "GET", "/api/campaigns?q=ALP", nil).Map(t)
		if items := q["items"].([]any); len(items) != 1 {
			t.Errorf("q=ALP found %d campaigns", len(items))
		}
	})
}

// Trees and where-used documents are cached, but never served after a
// change to the graph was committed — by this server or any other writer.
func TestCachedReadModelsFollowEveryChange(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		id := idOf(t, e.Must(t, 201, "POST", "/api/campaigns", newCampaign("Cache", "SEARCH")))
		g := idOf(t, e.Must(t, 201, "POST", "/api/ad-groups", map[string]any{"campaign_id": id, "name": "G"}))
		tree := func() string {
			return string(e.Must(t, 200, "GET", fmt.Sprintf("/api/campaigns/%d/tree", id), nil).Body)
		}
		before := tree()
		if tree() != before {
			t.Fatal("two reads without a change differ")
		}
		e.Must(t, 201, "POST", "/api/keywords", map[string]any{"ad_group_id": g, "text": "schneeketten", "match_type": "EXACT"})
		if !strings.Contains(tree(), "schneeketten") {
			t.Error("tree misses a keyword added through the API")
		}
		// A write that bypasses this server entirely (another instance, a
		// script): seen at once on SQLite, on PostgreSQL once its
		// notification has arrived (the epoch listener).
		if _, err := d.WriteDB().Exec(d.Q(`UPDATE ad_groups SET name = 'Umbenannt' WHERE id = ?`), g); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(10 * time.Second); !strings.Contains(tree(), "Umbenannt"); time.Sleep(5 * time.Millisecond) {
			if d.Engine == db.SQLite || time.Now().After(deadline) {
				t.Fatal("tree misses a change made outside the server")
			}
		}
		ad := e.Must(t, 201, "POST", "/api/ads", map[string]any{"ad_group_id": g, "final_urls": []string{"https://x.example/"},
			"headlines": []map[string]any{{"text": "Schneeketten kaufen"}, {"text": "Schnell geliefert"}, {"text": "Reifen Müller"}}}).Map(t)
		asset := int64(ad["headlines"].([]any)[0].(map[string]any)["asset_id"].(float64))
		usage := func() map[string]any {
			return e.Must(t, 200, "GET", fmt.Sprintf("/api/assets/%d/usage", asset), nil).Map(t)["counts"].(map[string]any)
		}
		if usage()["ads"].(float64) != 1 {
			t.Fatalf("usage = %v", usage())
		}
		e.Must(t, 201, "POST", "/api/ads", map[string]any{"ad_group_id": g, "final_urls": []string{"https://x.example/"},
			"headlines": []map[string]any{{"text": "Schneeketten kaufen"}}})
		if n := usage()["ads"].(float64); n != 2 {
			t.Errorf("usage after a second ad: %v ads, want 2", n)
		}
	})
}

// Pins set one link at a time each pass, but together make positions 2 and 3
// impossible to fill: approval checks every ad as a whole and refuses.
func TestApprovalChecksEachAdAsAWhole(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		id := idOf(t, e.Must(t, 201, "POST", "/api/campaigns", newCampaign("Ganzheitlich", "SEARCH")))
		g := idOf(t, e.Must(t, 201, "POST", "/api/ad-groups", map[string]any{"campaign_id": id, "name": "G"}))
		var ad struct {
			ID        int64
			Headlines []struct {
				LinkID int64 `json:"link_id"`
			}
		}
		e.Must(t, 201, "POST", "/api/ads", map[string]any{"ad_group_id": g, "final_urls": []string{"https://x.example/"},
			"headlines":    []map[string]any{{"text": "Winterreifen online kaufen"}, {"text": "Kostenlose Lieferung"}, {"text": "Reifen Müller"}},
			"descriptions": []map[string]any{{"text": "Top-Marken zu fairen Preisen."}, {"text": "Montage bei Partnern in Ihrer Nähe."}}}).JSON(t, &ad)
		for _, h := range ad.Headlines {
			e.Must(t, 200, "PATCH", fmt.Sprintf("/api/ads/%d/assets/%d", ad.ID, h.LinkID), map[string]any{"pinned_field": "HEADLINE_1"})
		}
		e.Event(t, 200, id, "submit")
		r := e.Event(t, http.StatusConflict, id, "approve")
		if !strings.Contains(string(r.Body), "PIN_INFEASIBLE") {
			t.Fatalf("approval of an ad with unfillable positions: %s", r.Body)
		}
		for _, h := range ad.Headlines[1:] {
			e.Must(t, 200, "PATCH", fmt.Sprintf("/api/ads/%d/assets/%d", ad.ID, h.LinkID), map[string]any{"pinned_field": ""})
		}
		e.Event(t, 200, id, "approve")
	})
}
