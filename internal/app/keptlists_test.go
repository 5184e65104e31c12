package app_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

// TestKeptListsFollowEveryWrite: the graph's lists keep their encoded pages
// until the graph changes. After every kind of write — through the API, and
// by another connection that bypasses this process — each list answers,
// for the page it had kept, exactly what the same list answers for a page
// size it never saw (built from the database at that moment), and the
// lists the write shows in have changed. A write of another connection is
// seen at once on SQLite (the WAL-index header), and on PostgreSQL as soon
// as its notification arrives (the epoch listener), which the test waits
// for, at most ten seconds.
func TestKeptListsFollowEveryWrite(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.StartOpts(t, d, apptest.Options{})
		var campaignID int64 // set by the first step; the campaign's assets list needs it
		lists := map[string]string{
			"assets":          "/api/assets?limit=%d",
			"used assets":     "/api/assets?used=true&limit=%d",
			"headline assets": "/api/assets?field_type=HEADLINE&sort=text&limit=%d",
			"campaigns":       "/api/campaigns?limit=%d",
			"ad groups":       "/api/ad-groups?limit=%d",
			"keywords":        "/api/keywords?limit=%d",
			"ads":             "/api/ads?limit=%d",
			"asset groups":    "/api/asset-groups?limit=%d",
		}
		fresh := 300
		kept := map[string][]byte{}
		get := func(path string, limit int) []byte {
			return e.Must(t, 200, "GET", fmt.Sprintf(path, limit), nil).Body
		}
		// check compares every kept page with a freshly built one and
		// returns the lists whose kept page changed.
		check := func(step string) map[string]bool {
			t.Helper()
			changed := map[string]bool{}
			for name, path := range lists {
				got := get(path, 200)
				fresh++
				want := get(path, fresh)
				if !bytes.Equal(got, want) {
					t.Fatalf("%s: %s kept %s\nbuilt now: %s", step, name, got, want)
				}
				if again := get(path, 200); !bytes.Equal(again, got) {
					t.Fatalf("%s: %s answered %s, then %s", step, name, got, again)
				}
				if old, ok := kept[name]; !ok || !bytes.Equal(old, got) {
					changed[name] = true
				}
				kept[name] = got
			}
			// The campaign's assets take no parameter but the campaign:
			// the page built now comes from the service.
			if campaignID != 0 {
				got := e.Must(t, 200, "GET", fmt.Sprintf("/api/campaigns/%d/assets", campaignID), nil).Body
				items, err := e.App.Assets.CampaignAssets(context.Background(), campaignID)
				if err != nil {
					t.Fatal(err)
				}
				want, err := httpapi.EncodeJSON(struct {
					Items []assets.CampaignAsset `json:"items"`
				}{items})
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("%s: campaign assets kept %s\nbuilt now: %s", step, got, want)
				}
				if old, ok := kept["campaign assets"]; !ok || !bytes.Equal(old, got) {
					changed["campaign assets"] = true
				}
				kept["campaign assets"] = got
			}
			return changed
		}
		id := func(r *apptest.Response) (int64, string) {
			var v struct {
				ID      int64 `json:"id"`
				Version int64 `json:"version"`
			}
			r.JSON(t, &v)
			return v.ID, fmt.Sprintf(`"%d"`, v.Version)
		}
		text := func(s ...string) []map[string]string {
			var out []map[string]string
			for _, x := range s {
				out = append(out, map[string]string{"text": x})
			}
			return out
		}
		other := otherConnection(t, d)

		check("start")
		var groupID, adID, keywordID, assetID, pmaxID, assetGroupID int64
		var etag string
		steps := []struct {
			name  string
			write func()
			shows []string
		}{
			{"create a campaign", func() {
				campaignID, etag = id(e.Must(t, 201, "POST", "/api/campaigns", map[string]any{"name": "Winterreifen", "type": "SEARCH", "budget_micros": 10_000_000,
					"currency": "EUR", "languages": []string{"de"}, "locations": []string{"DE"}, "final_url": "https://www.reifen-mueller.example/"}))
			}, []string{"campaigns"}},
			{"change a campaign", func() {
				_, etag = id(e.Must(t, 200, "PATCH", fmt.Sprintf("/api/campaigns/%d", campaignID), map[string]any{"name": "Winterreifen 2027"}, "If-Match", etag))
			}, []string{"campaigns"}},
			{"create an ad group", func() {
				groupID, _ = id(e.Must(t, 201, "POST", "/api/ad-groups", map[string]any{"campaign_id": campaignID, "name": "Montage"}))
			}, []string{"ad groups"}},
			{"change an ad group", func() {
				e.Must(t, 200, "PATCH", fmt.Sprintf("/api/ad-groups/%d", groupID), map[string]any{"name": "Montage und Wuchten"})
			}, []string{"ad groups"}},
			{"create a keyword", func() {
				keywordID, _ = id(e.Must(t, 201, "POST", "/api/keywords", map[string]any{"ad_group_id": groupID, "text": "winterreifen montage", "match_type": "PHRASE"}))
			}, []string{"keywords"}},
			{"create an ad, its texts and links", func() {
				adID, _ = id(e.Must(t, 201, "POST", "/api/ads", map[string]any{"ad_group_id": groupID, "final_urls": []string{"https://www.reifen-mueller.example/"},
					"headlines": text("Winterreifen mit Montage", "Über 200 Marken", "Reifen Müller"), "descriptions": text("Winterreifen aller Marken.", "Montage in zwei Tagen.")}))
			}, []string{"ads", "assets", "used assets", "headline assets", "campaign assets"}},
			{"change an ad's texts", func() {
				e.Must(t, 200, "PATCH", fmt.Sprintf("/api/ads/%d", adID), map[string]any{"headlines": text("Winterreifen mit Montage", "Über 300 Marken", "Reifen Müller")})
			}, []string{"ads", "assets", "used assets", "headline assets", "campaign assets"}},
			{"change a keyword", func() {
				e.Must(t, 200, "PATCH", fmt.Sprintf("/api/keywords/%d", keywordID), map[string]any{"match_type": "EXACT"})
			}, []string{"keywords"}},
			{"create a text asset", func() {
				assetID, etag = id(e.Must(t, 201, "POST", "/api/assets", map[string]any{"text": "Reifenwechsel ohne Termin"}))
			}, []string{"assets"}},
			{"change an asset", func() {
				_, etag = id(e.Must(t, 200, "PATCH", fmt.Sprintf("/api/assets/%d", assetID), map[string]any{"name": "Ohne Termin"}, "If-Match", etag))
			}, []string{"assets"}},
			{"create a Performance Max campaign and asset group", func() {
				pmaxID, _ = id(e.Must(t, 201, "POST", "/api/campaigns", map[string]any{"name": "Reifen PMax", "type": "PERFORMANCE_MAX", "budget_micros": 10_000_000,
					"currency": "EUR", "languages": []string{"de"}, "locations": []string{"DE"}, "final_url": "https://www.reifen-mueller.example/"}))
				assetGroupID, _ = id(e.Must(t, 201, "POST", "/api/asset-groups", map[string]any{"campaign_id": pmaxID, "name": "Winter", "final_urls": []string{"https://www.reifen-mueller.example/"}}))
			}, []string{"campaigns", "asset groups"}},
			{"change an asset group", func() {
				e.Must(t, 200, "PATCH", fmt.Sprintf("/api/asset-groups/%d", assetGroupID), map[string]any{"name": "Winter 2027"})
			}, []string{"asset groups"}},
			{"another connection renames an asset", func() {
				if _, err := other.WriteDB().ExecContext(context.Background(), other.Q(`UPDATE assets SET name = 'Umbenannt' WHERE id = ?`), assetID); err != nil {
					t.Fatal(err)
				}
			}, []string{"assets"}},
			{"another connection renames a campaign", func() {
				if _, err := other.WriteDB().ExecContext(context.Background(), other.Q(`UPDATE campaigns SET name = 'Anders' WHERE id = ?`), pmaxID); err != nil {
					t.Fatal(err)
				}
			}, []string{"campaigns"}},
			{"delete an asset", func() {
				e.Must(t, 204, "DELETE", fmt.Sprintf("/api/assets/%d", assetID), nil)
			}, []string{"assets"}},
			{"delete an asset group", func() {
				e.Must(t, 204, "DELETE", fmt.Sprintf("/api/asset-groups/%d", assetGroupID), nil)
			}, []string{"asset groups"}},
			{"delete a keyword", func() {
				e.Must(t, 204, "DELETE", fmt.Sprintf("/api/keywords/%d", keywordID), nil)
			}, []string{"keywords"}},
			{"delete an ad and its links", func() {
				e.Must(t, 204, "DELETE", fmt.Sprintf("/api/ads/%d", adID), nil)
			}, []string{"ads", "used assets", "headline assets", "campaign assets"}},
			{"delete an ad group", func() {
				e.Must(t, 204, "DELETE", fmt.Sprintf("/api/ad-groups/%d", groupID), nil)
			}, []string{"ad groups"}},
			{"delete a campaign", func() {
				e.Must(t, 204, "DELETE", fmt.Sprintf("/api/campaigns/%d", pmaxID), nil)
			}, []string{"campaigns"}},
		}
		for _, s := range steps {
			s.write()
			if strings.HasPrefix(s.name, "another connection") {
				for _, l := range s.shows {
					for deadline := time.Now().Add(10 * time.Second); bytes.Equal(get(lists[l], 200), kept[l]); time.Sleep(5 * time.Millisecond) {
						if time.Now().After(deadline) {
							t.Fatalf("%s: the list of %s did not change within 10 s", s.name, l)
						}
					}
				}
			}
			changed := check(s.name)
			for _, l := range s.shows {
				if !changed[l] {
					t.Errorf("%s: the list of %s did not change", s.name, l)
				}
			}
		}
	})
}

// otherConnection opens the test's database a second time, as another
// process (the CLI, another instance) would.
func otherConnection(t *testing.T, d *db.DB) *db.DB {
	t.Helper()
	var o *db.DB
	var err error
	if d.Engine == db.SQLite {
		o, err = db.OpenSQLiteFile(context.Background(), d.Path, 1)
	} else {
		o, err = db.Open(context.Background(), db.Config{URL: d.DSN()})
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { o.Close() })
	return o
}
