package campaigns_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

func textItems(texts ...string) []map[string]any {
	out := make([]map[string]any, len(texts))
	for i, t := range texts {
		out[i] = map[string]any{"text": t}
	}
	return out
}

func linkIDs(ts []campaigns.AdText) map[string]int64 {
	out := map[string]int64{}
	for _, t := range ts {
		out[t.Text] = t.LinkID
	}
	return out
}

// Replacing an ad's texts is one request and one transaction: texts the ad
// keeps keep their links, the ad as it will be is checked first, and a
// refusal, a stale ETag or a frozen campaign leaves the ad as it was.
func TestReplaceAdTextsIsOneTransaction(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		g := searchAdGroup(t, e, "Texte", map[string]any{"language": "de", "banned_terms": []string{"billig"}, "business_name": "Reifen Müller"})
		body := ad(g, "Winterreifen", "Reifen Müller", "Sicher durch den Winter")
		body["headlines"].([]map[string]any)[0]["pinned_field"] = "HEADLINE_1"
		r := e.Must(t, http.StatusCreated, "POST", "/api/ads", body)
		var before campaigns.Ad
		r.JSON(t, &before)
		etag := r.Header.Get("ETag")
		path := fmt.Sprintf("/api/ads/%d/texts", before.ID)

		texts := map[string]any{
			"headlines":    []map[string]any{{"text": "Sicher durch den Winter"}, {"text": "Winterreifen", "pinned_field": "HEADLINE_2"}, {"text": "Montage vor Ort"}},
			"descriptions": textItems("Top-Marken zu fairen Preisen, geliefert in 2 Tagen.", "Montage bei über 300 Partnern in Ihrer Nähe."),
		}
		r = e.Must(t, http.StatusOK, "PUT", path, texts, "If-Match", etag)
		var after campaigns.Ad
		r.JSON(t, &after)
		var got []string
		for _, h := range after.Headlines {
			got = append(got, h.Text+"@"+h.PinnedField)
		}
		if strings.Join(got, "|") != "Sicher durch den Winter@|Winterreifen@HEADLINE_2|Montage vor Ort@" {
			t.Errorf("headlines after replace: %q", got)
		}
		old, cur := linkIDs(before.Headlines), linkIDs(after.Headlines)
		if cur["Winterreifen"] != old["Winterreifen"] || cur["Sicher durch den Winter"] != old["Sicher durch den Winter"] {
			t.Errorf("kept texts got new links: before %v, after %v", old, cur)
		}
		if cur["Montage vor Ort"] == 0 || old["Reifen Müller"] == 0 {
			t.Fatalf("links before %v, after %v", old, cur)
		}
		if n := count(t, d, "asset_links"); n != 5 {
			t.Errorf("%d links, want 5: the dropped text's link must go", n)
		}
		if r.Header.Get("ETag") == etag || r.Header.Get("ETag") != fmt.Sprintf(`"%d"`, after.Version) {
			t.Errorf("ETag %q after the change (was %q, version %d)", r.Header.Get("ETag"), etag, after.Version)
		}
		var lang struct{ Language string }
		e.Must(t, http.StatusOK, "GET", fmt.Sprintf("/api/assets/%d", after.Headlines[2].AssetID), nil).JSON(t, &lang)
		if lang.Language != "de" {
			t.Errorf("a new text is stored in %q, want the campaign's copy language de", lang.Language)
		}

		// The ETag the first change was based on is stale now: 412 naming
		// it and the current one, and nothing changes.
		r = e.Must(t, http.StatusPreconditionFailed, "PUT", path, texts, "If-Match", etag)
		doc := r.Map(t)
		if !strings.Contains(fmt.Sprint(doc["detail"]), etag) || doc["current_etag"] != fmt.Sprintf(`"%d"`, after.Version) {
			t.Errorf("stale: %s", r.Body)
		}

		// One refused item refuses the whole replacement, at the item.
		bad := map[string]any{"headlines": textItems("Winterreifen", "Reifen billig kaufen", "Reifen Müller"), "descriptions": texts["descriptions"]}
		r = e.Must(t, http.StatusUnprocessableEntity, "PUT", path, bad)
		wantRefusal(t, problemFields(t, r), "body.headlines[1].text", "BANNED_TERM", 7, 13)
		var unchanged campaigns.Ad
		e.Must(t, http.StatusOK, "GET", fmt.Sprintf("/api/ads/%d", before.ID), nil).JSON(t, &unchanged)
		if unchanged.Version != after.Version || len(unchanged.Headlines) != 3 || unchanged.Headlines[2].Text != "Montage vor Ort" {
			t.Errorf("a refused replacement changed the ad: %+v", unchanged)
		}
		if n := count(t, d, "asset_links"); n != 5 {
			t.Errorf("%d links after a refused replacement, want 5", n)
		}

		// Display paths, when given, are replaced with the texts.
		withPaths := map[string]any{"headlines": texts["headlines"], "descriptions": texts["descriptions"], "path1": "winterreifen", "path2": "montage"}
		r = e.Must(t, http.StatusOK, "PUT", path, withPaths)
		if m := r.Map(t); m["path1"] != "winterreifen" || m["path2"] != "montage" {
			t.Errorf("paths: %s", r.Body)
		}
		r = e.Must(t, http.StatusUnprocessableEntity, "PUT", path, map[string]any{"headlines": texts["headlines"], "descriptions": texts["descriptions"], "path1": "", "path2": "montage"})
		wantRefusal(t, problemFields(t, r), "body.path2", "PATH2_WITHOUT_PATH1", 0, 7)

		// A campaign that is not editable refuses with its state.
		var group struct {
			CampaignID int64 `json:"campaign_id"`
		}
		e.Must(t, http.StatusOK, "GET", fmt.Sprintf("/api/ad-groups/%d", g), nil).JSON(t, &group)
		e.Event(t, http.StatusOK, group.CampaignID, "archive")
		r = e.Must(t, http.StatusConflict, "PUT", path, texts)
		if r.Map(t)["state"] != "archived" {
			t.Errorf("archived: %s", r.Body)
		}
	})
}

func assetGroup(t *testing.T, e *apptest.Env, id int64) (campaigns.AssetGroup, string) {
	t.Helper()
	var g campaigns.AssetGroup
	r := e.Must(t, http.StatusOK, "GET", fmt.Sprintf("/api/asset-groups/%d", id), nil)
	r.JSON(t, &g)
	return g, r.Header.Get("ETag")
}

// textsOf lists an asset group's assets of a field type: "text" for texts,
// the asset id for images.
func textsOf(g campaigns.AssetGroup, field string) []string {
	var out []string
	for _, a := range g.Assets {
		if a.FieldType != field {
			continue
		}
		if a.Type == "IMAGE" {
			out = append(out, fmt.Sprint(a.AssetID))
		} else {
			out = append(out, a.Text)
		}
	}
	return out
}

// An asset group's texts are replaced in one request, its images stay, and a
// full group can have one text exchanged: the old link goes before the new
// one counts against the cap (a new link first, as separate requests did,
// was refused at the cap).
func TestReplaceAssetGroupTextsIsOneRequest(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		c := newCampaign("PMax Texte", "PERFORMANCE_MAX")
		c["brief"] = map[string]any{"language": "de", "business_name": "Reifen Müller", "banned_terms": []string{"billig"}}
		cid := idOf(t, e.Must(t, http.StatusCreated, "POST", "/api/campaigns", c))
		gid := idOf(t, e.Must(t, http.StatusCreated, "POST", "/api/asset-groups", map[string]any{"campaign_id": cid, "name": "Winter", "final_urls": []string{"https://reifen-mueller.example/"}}))
		image := upload(t, e, pngImage(t, 1200, 628))
		e.Must(t, http.StatusCreated, "POST", fmt.Sprintf("/api/asset-groups/%d/assets", gid), map[string]any{"asset_id": image, "field_type": "MARKETING_IMAGE"})
		path := fmt.Sprintf("/api/asset-groups/%d/texts", gid)

		var headlines []string
		for i := range 15 {
			headlines = append(headlines, fmt.Sprintf("Winterreifen Angebot %d", i+1))
		}
		texts := map[string]any{
			"headlines":      textItems(headlines...),
			"long_headlines": textItems("Winterreifen von Top-Marken mit Montage in Ihrer Nähe"),
			"descriptions":   textItems("Top-Marken zu fairen Preisen.", "Montage bei über 300 Partnern in Ihrer Nähe."),
			"business_name":  map[string]any{"text": "Reifen Müller"},
		}
		_, etag := assetGroup(t, e, gid)
		r := e.Must(t, http.StatusOK, "PUT", path, texts, "If-Match", etag)
		var g campaigns.AssetGroup
		r.JSON(t, &g)
		if got := textsOf(g, "HEADLINE"); len(got) != 15 || got[14] != "Winterreifen Angebot 15" {
			t.Fatalf("headlines %q", got)
		}
		if got := textsOf(g, "MARKETING_IMAGE"); len(got) != 1 || got[0] != fmt.Sprint(image) {
			t.Errorf("the image did not stay: %q", got)
		}
		if len(textsOf(g, "LONG_HEADLINE")) != 1 || len(textsOf(g, "DESCRIPTION")) != 2 || textsOf(g, "BUSINESS_NAME")[0] != "Reifen Müller" {
			t.Errorf("texts %+v", g.Assets)
		}
		links := map[string]int64{}
		for _, a := range g.Assets {
			links[a.FieldType+":"+a.Text] = a.LinkID
		}

		// A tile's edit: one headline of the full group exchanged.
		headlines[4] = "Reifenwechsel vor Ort"
		texts["headlines"] = textItems(headlines...)
		r = e.Must(t, http.StatusOK, "PUT", path, texts, "If-Match", r.Header.Get("ETag"))
		r.JSON(t, &g)
		if got := textsOf(g, "HEADLINE"); len(got) != 15 || got[4] != "Reifenwechsel vor Ort" {
			t.Fatalf("headlines after the exchange %q", got)
		}
		for _, a := range g.Assets {
			if old, ok := links[a.FieldType+":"+a.Text]; ok && old != a.LinkID {
				t.Errorf("%s %q kept its text but got a new link", a.FieldType, a.Text)
			}
		}
		if n := count(t, d, "asset_links"); n != 20 {
			t.Errorf("%d links, want 20 (15 + 1 + 2 + 1 texts and the image)", n)
		}

		// Refusals name the item and change nothing.
		before, etag := assetGroup(t, e, gid)
		dup := map[string]any{"headlines": textItems("Winterreifen", "Winterreifen"), "long_headlines": texts["long_headlines"], "descriptions": texts["descriptions"]}
		r = e.Must(t, http.StatusUnprocessableEntity, "PUT", path, dup)
		wantRefusal(t, problemFields(t, r), "body.headlines[1].text", "DUPLICATE", 0, 12)
		wrongName := map[string]any{"headlines": texts["headlines"], "long_headlines": texts["long_headlines"], "descriptions": texts["descriptions"],
			"business_name": map[string]any{"text": "Reifen Mueller"}}
		r = e.Must(t, http.StatusUnprocessableEntity, "PUT", path, wrongName)
		wantRefusal(t, problemFields(t, r), "body.business_name.text", "E13_BUSINESS_NAME_MISMATCH", 0, 14)
		banned := map[string]any{"headlines": textItems("Reifen billig"), "long_headlines": texts["long_headlines"], "descriptions": texts["descriptions"]}
		r = e.Must(t, http.StatusUnprocessableEntity, "PUT", path, banned)
		wantRefusal(t, problemFields(t, r), "body.headlines[0].text", "BANNED_TERM", 7, 13)
		if after, tag := assetGroup(t, e, gid); tag != etag || len(after.Assets) != len(before.Assets) {
			t.Errorf("refused replacements changed the group: %s → %s", etag, tag)
		}

		// Fewer texts than the minimum are a draft, not a refusal; absent
		// lists and a missing business name leave the group without them.
		r = e.Must(t, http.StatusOK, "PUT", path, map[string]any{"headlines": textItems("Winterreifen"), "long_headlines": textItems(), "descriptions": textItems()}, "If-Match", etag)
		r.JSON(t, &g)
		if len(g.Assets) != 2 || textsOf(g, "HEADLINE")[0] != "Winterreifen" || len(textsOf(g, "MARKETING_IMAGE")) != 1 {
			t.Errorf("after emptying: %+v", g.Assets)
		}
		r = e.Must(t, http.StatusPreconditionFailed, "PUT", path, texts, "If-Match", etag)
		if r.Map(t)["current_etag"] != fmt.Sprintf(`"%d"`, g.Version) {
			t.Errorf("stale: %s", r.Body)
		}
	})
}

// Two replacements sent for the same version: exactly one is written, the
// other is refused with 412, on either engine (on PostgreSQL the second
// waits for the first's lock and then reads the version it made).
func TestConcurrentTextReplacementsOnOneVersion(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		g := searchAdGroup(t, e, "Gleichzeitig", map[string]any{"language": "de"})
		r := e.Must(t, http.StatusCreated, "POST", "/api/ads", ad(g, "Winterreifen", "Reifen Müller", "Sicher durch den Winter"))
		id := idOf(t, r)
		etag := r.Header.Get("ETag")
		path := fmt.Sprintf("/api/ads/%d/texts", id)
		descriptions := textItems("Top-Marken zu fairen Preisen, geliefert in 2 Tagen.", "Montage bei über 300 Partnern in Ihrer Nähe.")
		for round := range 8 {
			statuses := make(chan int, 2)
			var wg sync.WaitGroup
			for i := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					body := map[string]any{"headlines": textItems("Winterreifen", "Reifen Müller", fmt.Sprintf("Angebot %d-%d", round, i)), "descriptions": descriptions}
					statuses <- e.Do(t, "PUT", path, body, "If-Match", etag).Status
				}()
			}
			wg.Wait()
			close(statuses)
			got := map[int]int{}
			for s := range statuses {
				got[s]++
			}
			if got[http.StatusOK] != 1 || got[http.StatusPreconditionFailed] != 1 {
				t.Fatalf("round %d: statuses %v, want one 200 and one 412", round, got)
			}
			etag = e.Must(t, http.StatusOK, "GET", fmt.Sprintf("/api/ads/%d", id), nil).Header.Get("ETag")
		}
	})
}

// Text writes to different ads of one campaign at the same time all succeed:
// each moves the campaign's version, and on PostgreSQL writers that held the
// campaign row shared deadlocked on that update (500s).
func TestConcurrentTextWritesInOneCampaign(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		g := searchAdGroup(t, e, "Nebeneinander", map[string]any{"language": "de"})
		var ads []int64
		for range 2 {
			ads = append(ads, idOf(t, e.Must(t, http.StatusCreated, "POST", "/api/ads", ad(g, "Winterreifen", "Reifen Müller", "Sicher durch den Winter"))))
		}
		descriptions := textItems("Top-Marken zu fairen Preisen, geliefert in 2 Tagen.", "Montage bei über 300 Partnern in Ihrer Nähe.")
		for round := range 10 {
			var wg sync.WaitGroup
			for i, id := range ads {
				asset := idOf(t, e.Must(t, http.StatusCreated, "POST", "/api/assets", map[string]any{"text": fmt.Sprintf("Zusatz %d-%d", round, i)}))
				wg.Add(2)
				go func() {
					defer wg.Done()
					body := map[string]any{"headlines": textItems("Winterreifen", "Reifen Müller", fmt.Sprintf("Angebot %d-%d", round, i)), "descriptions": descriptions}
					if r := e.Do(t, "PUT", fmt.Sprintf("/api/ads/%d/texts", id), body); r.Status != http.StatusOK {
						t.Errorf("round %d: replace the texts of ad %d: %d %s", round, id, r.Status, r.Body)
					}
				}()
				go func() {
					defer wg.Done()
					body := map[string]any{"asset_id": asset, "field_type": "HEADLINE"}
					if r := e.Do(t, "POST", fmt.Sprintf("/api/ads/%d/assets", id), body); r.Status != http.StatusCreated {
						t.Errorf("round %d: link to ad %d: %d %s", round, id, r.Status, r.Body)
					}
				}()
			}
			wg.Wait()
		}
	})
}
