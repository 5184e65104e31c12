package campaigns_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// bulkCampaign is a German search campaign with two ad groups of one ad
// each; it returns the campaign id and the two ad ids.
func bulkCampaign(t *testing.T, e *apptest.Env, name string) (int64, [2]int64) {
	t.Helper()
	g1 := searchAdGroup(t, e, name, map[string]any{"language": "de", "banned_terms": []string{"billig"}, "business_name": "Reifen Müller"})
	var group struct {
		CampaignID int64 `json:"campaign_id"`
	}
	e.Must(t, http.StatusOK, "GET", fmt.Sprintf("/api/ad-groups/%d", g1), nil).JSON(t, &group)
	g2 := idOf(t, e.Must(t, http.StatusCreated, "POST", "/api/ad-groups", map[string]any{"campaign_id": group.CampaignID, "name": "Sommer"}))
	a1 := idOf(t, e.Must(t, http.StatusCreated, "POST", "/api/ads", ad(g1, "Winterreifen", "Reifen Müller", "Sicher durch den Winter")))
	a2 := idOf(t, e.Must(t, http.StatusCreated, "POST", "/api/ads", ad(g2, "Sommerreifen", "Reifen Müller", "Sicher durch den Sommer")))
	return group.CampaignID, [2]int64{a1, a2}
}

func grid(t *testing.T, e *apptest.Env, campaignID int64) (campaigns.TextGrid, string) {
	t.Helper()
	var g campaigns.TextGrid
	r := e.Must(t, http.StatusOK, "GET", fmt.Sprintf("/api/campaigns/%d/texts", campaignID), nil)
	r.JSON(t, &g)
	return g, r.Header.Get("ETag")
}

// rowOf finds the text of an owner's field type.
func rowOf(t *testing.T, g campaigns.TextGrid, owner int64, field, text string) campaigns.TextRow {
	t.Helper()
	for _, r := range g.Texts {
		if r.OwnerID == owner && r.FieldType == field && r.Text == text {
			return r
		}
	}
	t.Fatalf("no %s %q in owner %d: %+v", field, text, owner, g.Texts)
	return campaigns.TextRow{}
}

// gridTexts lists an owner's texts of a field type in position order.
func gridTexts(g campaigns.TextGrid, owner int64, field string) []string {
	var out []string
	for _, r := range g.Texts {
		if r.OwnerID == owner && r.FieldType == field {
			out = append(out, r.Text)
		}
	}
	return out
}

func setState(t *testing.T, d *db.DB, campaignID int64, state string) {
	t.Helper()
	err := d.InTx(t.Context(), func(tx db.Conn) error {
		_, err := tx.Exec(t.Context(), `UPDATE campaigns SET state = ? WHERE id = ?`, state, campaignID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func auditRows(t *testing.T, d *db.DB, action string, entityID int64) int {
	t.Helper()
	var n int
	err := d.Read().QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE action = ? AND entity = 'campaigns' AND entity_id = ?`, action, fmt.Sprint(entityID)).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A bulk edit changes, adds and removes texts in several ads in one request
// and one transaction: all of it or, when one item is refused, none of it —
// the refusal names the item and the place it edits, and no audit row is
// written for what did not happen.
func TestBulkEditTextsIsAllOrNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		cid, ads := bulkCampaign(t, e, "Bulk")
		g, etag := grid(t, e, cid)
		if len(g.Owners) != 2 || len(g.Texts) != 10 || g.Language != "de" {
			t.Fatalf("grid: %d owners, %d texts, language %q", len(g.Owners), len(g.Texts), g.Language)
		}
		if i := slices.IndexFunc(g.Fields, func(f campaigns.TextField) bool { return f.FieldType == "HEADLINE" }); i < 0 || g.Fields[i].Max != 15 || g.Fields[i].Limit != 30 {
			t.Errorf("fields: %+v", g.Fields)
		}
		path := fmt.Sprintf("/api/campaigns/%d/texts/bulk", cid)
		w := rowOf(t, g, ads[0], "HEADLINE", "Sicher durch den Winter")
		s := rowOf(t, g, ads[1], "HEADLINE", "Sicher durch den Sommer")
		kept := rowOf(t, g, ads[0], "HEADLINE", "Winterreifen")

		// One banned term among good items: 422 at that item, naming the ad
		// and the headline, and nothing changes.
		bad := map[string]any{"items": []map[string]any{
			{"op": "edit", "link_id": w.LinkID, "text": "Sicher im Winter"},
			{"op": "edit", "link_id": s.LinkID, "text": "Billig durch den Sommer"},
			{"op": "add", "ad_id": ads[1], "field_type": "HEADLINE", "text": "Montage vor Ort"},
		}}
		r := e.Must(t, http.StatusUnprocessableEntity, "POST", path, bad, "If-Match", etag)
		fields := problemFields(t, r)
		wantRefusal(t, fields, "body.items[1].text", "BANNED_TERM", 0, 6)
		if len(fields) != 1 || !strings.Contains(fields[0].Message, fmt.Sprintf("ad %d in ad group \"Sommer\", headline 3", ads[1])) {
			t.Errorf("refusal does not name the place: %+v", fields)
		}
		after, etag2 := grid(t, e, cid)
		if etag2 != etag || len(after.Texts) != 10 || gridTexts(after, ads[0], "HEADLINE")[2] != "Sicher durch den Winter" {
			t.Fatalf("a refused bulk edit changed the campaign: %s → %s, %+v", etag, etag2, after.Texts)
		}
		if n := auditRows(t, d, "bulk-edit-campaign-texts", cid); n != 0 {
			t.Errorf("%d audit rows for a refused edit", n)
		}

		// Fixed, the same edit applies at once: edits keep position and pin,
		// the added text goes to the end, the removed one goes.
		good := map[string]any{"items": []map[string]any{
			{"op": "edit", "link_id": w.LinkID, "text": "Sicher im Winter"},
			{"op": "edit", "link_id": s.LinkID, "text": "Sicher im Sommer"},
			{"op": "add", "ad_id": ads[1], "field_type": "HEADLINE", "text": "Montage vor Ort"},
			{"op": "remove", "link_id": rowOf(t, g, ads[0], "DESCRIPTION", "Montage bei über 300 Partnern in Ihrer Nähe.").LinkID},
		}}
		r = e.Must(t, http.StatusOK, "POST", path, good, "If-Match", etag)
		var res campaigns.BulkTextsResult
		r.JSON(t, &res)
		if got := strings.Join(gridTexts(res.Grid, ads[0], "HEADLINE"), "|"); got != "Winterreifen|Reifen Müller|Sicher im Winter" {
			t.Errorf("ad 1 headlines: %s", got)
		}
		if got := strings.Join(gridTexts(res.Grid, ads[1], "HEADLINE"), "|"); got != "Sommerreifen|Reifen Müller|Sicher im Sommer|Montage vor Ort" {
			t.Errorf("ad 2 headlines: %s", got)
		}
		if got := gridTexts(res.Grid, ads[0], "DESCRIPTION"); len(got) != 1 {
			t.Errorf("ad 1 descriptions: %q", got)
		}
		if res.Items[0].LinkID != rowOf(t, res.Grid, ads[0], "HEADLINE", "Sicher im Winter").LinkID ||
			res.Items[2].LinkID != rowOf(t, res.Grid, ads[1], "HEADLINE", "Montage vor Ort").LinkID || res.Items[3].LinkID != 0 {
			t.Errorf("item links %+v do not point at the texts", res.Items)
		}
		if rowOf(t, res.Grid, ads[0], "HEADLINE", "Winterreifen").LinkID != kept.LinkID {
			t.Error("an untouched text got a new link")
		}
		if r.Header.Get("ETag") == etag || r.Header.Get("ETag") != fmt.Sprintf(`"%d"`, res.Grid.Version) {
			t.Errorf("ETag %q after the edit, grid version %d", r.Header.Get("ETag"), res.Grid.Version)
		}
		if n := auditRows(t, d, "bulk-edit-campaign-texts", cid); n != 1 {
			t.Errorf("%d audit rows after one applied edit, want 1", n)
		}
		var summary string
		if err := d.Read().QueryRow(t.Context(), `SELECT summary FROM audit_log WHERE action = 'bulk-edit-campaign-texts'`).Scan(&summary); err != nil || !strings.Contains(summary, "Montage vor Ort") {
			t.Errorf("audit summary %q (%v) does not record the items", summary, err)
		}

		// Too many: the 16th headline is refused at the item that adds it.
		var many []map[string]any
		for i := range 12 {
			many = append(many, map[string]any{"op": "add", "ad_id": ads[1], "field_type": "HEADLINE", "text": fmt.Sprintf("Angebot Nummer %d", i)})
		}
		r = e.Must(t, http.StatusUnprocessableEntity, "POST", path, map[string]any{"items": many}, "If-Match", r.Header.Get("ETag"))
		wantRefusal(t, problemFields(t, r), "body.items[11]", "TOO_MANY", -1, -1)

		// Items that do not fit the campaign are named too.
		other, otherAds := bulkCampaign(t, e, "Andere")
		_, etag = grid(t, e, cid)
		otherGrid, _ := grid(t, e, other)
		r = e.Must(t, http.StatusUnprocessableEntity, "POST", path, map[string]any{"items": []map[string]any{
			{"op": "edit", "link_id": otherGrid.Texts[0].LinkID, "text": "Fremd"},
			{"op": "add", "ad_id": otherAds[0], "field_type": "HEADLINE", "text": "Fremd"},
			{"op": "add", "ad_id": ads[0], "field_type": "LONG_HEADLINE", "text": "Lang"},
			{"op": "edit", "text": "ohne Link"},
		}}, "If-Match", etag)
		locations := map[string]bool{}
		for _, f := range problemFields(t, r) {
			locations[f.Location] = true
		}
		if !locations["body.items[3].link_id"] {
			t.Errorf("an edit without a link is not named: %v", locations)
		}
		r = e.Must(t, http.StatusUnprocessableEntity, "POST", path, map[string]any{"items": []map[string]any{
			{"op": "edit", "link_id": otherGrid.Texts[0].LinkID, "text": "Fremd"},
			{"op": "add", "ad_id": otherAds[0], "field_type": "HEADLINE", "text": "Fremd"},
			{"op": "add", "ad_id": ads[0], "field_type": "LONG_HEADLINE", "text": "Lang"},
		}}, "If-Match", etag)
		locations = map[string]bool{}
		for _, f := range problemFields(t, r) {
			locations[f.Location] = true
		}
		for _, want := range []string{"body.items[0].link_id", "body.items[1].ad_id", "body.items[2].field_type"} {
			if !locations[want] {
				t.Errorf("no refusal at %s: %v", want, locations)
			}
		}
	})
}

// A bulk edit is based on the campaign's version: without If-Match it is
// refused (428), with a stale one too (412), and of two edits sent on the
// same version exactly one applies. A viewer may read the grid but not edit.
func TestBulkEditTextsConcurrencyAndRoles(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		cid, ads := bulkCampaign(t, e, "Versionen")
		g, etag := grid(t, e, cid)
		path := fmt.Sprintf("/api/campaigns/%d/texts/bulk", cid)
		w := rowOf(t, g, ads[0], "HEADLINE", "Sicher durch den Winter")
		edit := func(text string) map[string]any {
			return map[string]any{"items": []map[string]any{{"op": "edit", "link_id": w.LinkID, "text": text}}}
		}
		e.Must(t, http.StatusPreconditionRequired, "POST", path, edit("Ohne Version"))

		if r := e.DoAs(t, auth.Viewer, "POST", path, edit("Als Betrachter"), "If-Match", etag); r.Status != http.StatusForbidden {
			t.Errorf("viewer: %d %s", r.Status, r.Body)
		}
		if r := e.DoAs(t, auth.Viewer, "GET", fmt.Sprintf("/api/campaigns/%d/texts", cid), nil); r.Status != http.StatusOK {
			t.Errorf("viewer cannot read the grid: %d", r.Status)
		}
		if r := e.DoAs(t, auth.Editor, "POST", path, edit("Als Redakteur"), "If-Match", etag); r.Status != http.StatusOK {
			t.Fatalf("editor: %d %s", r.Status, r.Body)
		}
		r := e.Must(t, http.StatusPreconditionFailed, "POST", path, edit("Veraltet"), "If-Match", etag)
		if !strings.Contains(string(r.Body), "current_etag") {
			t.Errorf("stale: %s", r.Body)
		}

		// Two edits on one version, several rounds: one 200 and one 412 each.
		for round := range 6 {
			g, etag = grid(t, e, cid)
			link := g.Texts[2].LinkID
			statuses := make(chan int, 2)
			var wg sync.WaitGroup
			for i := range 2 {
				wg.Go(func() {
					body := map[string]any{"items": []map[string]any{
						{"op": "edit", "link_id": link, "text": fmt.Sprintf("Runde %d-%d", round, i)},
						{"op": "add", "ad_id": ads[1], "field_type": "DESCRIPTION", "text": fmt.Sprintf("Neue Beschreibung %d-%d.", round, i)},
					}}
					statuses <- e.Do(t, "POST", path, body, "If-Match", etag).Status
				})
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
			g, _ = grid(t, e, cid)
			if n := len(gridTexts(g, ads[1], "DESCRIPTION")); n != 3 {
				t.Fatalf("round %d: %d descriptions in ad 2, want 3 (one edit applied, whole)", round, n)
			}
			// The description added is removed again for the next round.
			last := g.Texts[len(g.Texts)-1]
			e.Must(t, http.StatusOK, "POST", path, map[string]any{"items": []map[string]any{{"op": "remove", "link_id": last.LinkID}}}, "If-Match", fmt.Sprintf(`"%d"`, g.Version))
		}

		// A campaign that cannot be edited refuses with its state.
		_, etag = grid(t, e, cid)
		e.Event(t, http.StatusOK, cid, "archive")
		_, etag = grid(t, e, cid)
		if r := e.Must(t, http.StatusConflict, "POST", path, edit("Archiviert"), "If-Match", etag); r.Map(t)["state"] != "archived" {
			t.Errorf("archived: %s", r.Body)
		}
	})
}

// Performance Max texts: descriptions and long headlines are edited and
// added like an ad's, and a second business name is too many.
func TestBulkEditAssetGroupTexts(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		c := newCampaign("PMax Bulk", "PERFORMANCE_MAX")
		c["brief"] = map[string]any{"language": "de", "business_name": "Reifen Müller"}
		cid := idOf(t, e.Must(t, http.StatusCreated, "POST", "/api/campaigns", c))
		gid := idOf(t, e.Must(t, http.StatusCreated, "POST", "/api/asset-groups", map[string]any{"campaign_id": cid, "name": "Winter", "final_urls": []string{"https://reifen-mueller.example/"}}))
		e.Must(t, http.StatusOK, "PUT", fmt.Sprintf("/api/asset-groups/%d/texts", gid), map[string]any{
			"headlines": textItems("Winterreifen", "Reifen Müller"), "long_headlines": textItems("Winterreifen von Reifen Müller, montiert in Ihrer Nähe"),
			"descriptions": textItems("Top-Marken zu fairen Preisen."), "business_name": map[string]any{"text": "Reifen Müller"},
		})
		g, etag := grid(t, e, cid)
		if len(g.Owners) != 1 || g.Owners[0].Kind != campaigns.AssetGroupOwner || len(g.Texts) != 5 {
			t.Fatalf("grid: %+v", g)
		}
		path := fmt.Sprintf("/api/campaigns/%d/texts/bulk", cid)
		r := e.Must(t, http.StatusUnprocessableEntity, "POST", path, map[string]any{"items": []map[string]any{
			{"op": "add", "asset_group_id": gid, "field_type": "BUSINESS_NAME", "text": "Müller GmbH"},
		}}, "If-Match", etag)
		wantRefusal(t, problemFields(t, r), "body.items[0]", "TOO_MANY", -1, -1)
		r = e.Must(t, http.StatusOK, "POST", path, map[string]any{"items": []map[string]any{
			{"op": "edit", "link_id": rowOf(t, g, gid, "DESCRIPTION", "Top-Marken zu fairen Preisen.").LinkID, "text": "Top-Marken, fair im Preis."},
			{"op": "add", "asset_group_id": gid, "field_type": "LONG_HEADLINE", "text": "Sicher durch den Winter mit Reifen von Reifen Müller"},
		}}, "If-Match", etag)
		var res campaigns.BulkTextsResult
		r.JSON(t, &res)
		if got := gridTexts(res.Grid, gid, "DESCRIPTION"); len(got) != 1 || got[0] != "Top-Marken, fair im Preis." {
			t.Errorf("descriptions: %q", got)
		}
		if got := gridTexts(res.Grid, gid, "LONG_HEADLINE"); len(got) != 2 {
			t.Errorf("long headlines: %q", got)
		}
	})
}

// "Change everywhere": a shared text is replaced in every place that uses it,
// in every campaign, in one transaction — after the person saw how many
// places; a different count now, a frozen campaign or a refused place changes
// nothing anywhere.
func TestReplaceTextEverywhere(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		c1, ads1 := bulkCampaign(t, e, "Überall 1")
		c2, ads2 := bulkCampaign(t, e, "Überall 2")
		g1, _ := grid(t, e, c1)
		shared := rowOf(t, g1, ads1[0], "HEADLINE", "Reifen Müller").AssetID
		path := fmt.Sprintf("/api/assets/%d/replace-everywhere", shared)

		r := e.Must(t, http.StatusPreconditionFailed, "POST", path, map[string]any{"text": "Reifen Müller GmbH", "places": 3})
		if r.Map(t)["places"] != float64(4) {
			t.Errorf("stale count: %s", r.Body)
		}
		r = e.Must(t, http.StatusUnprocessableEntity, "POST", path, map[string]any{"text": "Reifen Müller billig", "places": 4})
		fields := problemFields(t, r)
		if len(fields) != 4 || fields[0].Location != "body.text" || fields[0].Code != "BANNED_TERM" || !strings.Contains(fields[0].Message, "headline 2") {
			t.Errorf("refusal: %+v", fields)
		}
		if e.DoAs(t, auth.Viewer, "POST", path, map[string]any{"text": "Reifen Müller GmbH", "places": 4}).Status != http.StatusForbidden {
			t.Error("a viewer changed a text everywhere")
		}

		setState(t, d, c2, "approved")
		r = e.Must(t, http.StatusConflict, "POST", path, map[string]any{"text": "Reifen Müller GmbH", "places": 4})
		if r.Map(t)["campaign_id"] != float64(c2) {
			t.Errorf("frozen campaign: %s", r.Body)
		}
		for _, cid := range []int64{c1, c2} {
			g, _ := grid(t, e, cid)
			if n := len(gridTexts(g, g.Owners[0].ID, "HEADLINE")); n != 3 || gridTexts(g, g.Owners[0].ID, "HEADLINE")[1] != "Reifen Müller" {
				t.Fatalf("campaign %d changed by a refused replacement: %+v", cid, g.Texts)
			}
		}
		setState(t, d, c2, "review")

		var out campaigns.TextPlaces
		e.Must(t, http.StatusOK, "POST", path, map[string]any{"text": "Reifen Müller GmbH", "places": 4}).JSON(t, &out)
		if out.Places != 4 || len(out.Texts) != 4 {
			t.Errorf("answer: %+v", out)
		}
		for _, c := range []struct {
			id  int64
			ads [2]int64
		}{{c1, ads1}, {c2, ads2}} {
			g, _ := grid(t, e, c.id)
			for _, a := range c.ads {
				if got := gridTexts(g, a, "HEADLINE"); got[1] != "Reifen Müller GmbH" {
					t.Errorf("campaign %d ad %d: %q", c.id, a, got)
				}
			}
		}
		var n int
		if err := d.Read().QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE action = 'replace-text-everywhere' AND entity_id = ?`, fmt.Sprint(shared)).Scan(&n); err != nil || n != 1 {
			t.Errorf("%d audit rows (%v), want 1", n, err)
		}
	})
}

// A bulk edit and a tile's edit of one ad of the same campaign, at the same
// time, queue instead of deadlocking (PostgreSQL): the bulk edit locks the
// owners before the campaign, as a single owner's write does. The tile's
// edit always applies; the bulk edit applies or finds its version stale.
func TestBulkEditAndTileEditTogether(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		cid, ads := bulkCampaign(t, e, "Zusammen")
		descriptions := textItems("Top-Marken zu fairen Preisen, geliefert in 2 Tagen.", "Montage bei über 300 Partnern in Ihrer Nähe.")
		for round := range 8 {
			g, etag := grid(t, e, cid)
			var items []map[string]any
			for _, a := range ads {
				items = append(items, map[string]any{"op": "edit", "link_id": rowOf(t, g, a, "HEADLINE", "Reifen Müller").LinkID, "text": fmt.Sprintf("Reifen Müller %d", round)})
			}
			var bulk, tile int
			var wg sync.WaitGroup
			wg.Go(func() {
				bulk = e.Do(t, "POST", fmt.Sprintf("/api/campaigns/%d/texts/bulk", cid), map[string]any{"items": items}, "If-Match", etag).Status
			})
			wg.Go(func() {
				body := map[string]any{"headlines": textItems(gridTexts(g, ads[0], "HEADLINE")[0], "Reifen Müller", fmt.Sprintf("Runde %d", round)), "descriptions": descriptions}
				tile = e.Do(t, "PUT", fmt.Sprintf("/api/ads/%d/texts", ads[1]), body).Status
			})
			wg.Wait()
			if tile != http.StatusOK || (bulk != http.StatusOK && bulk != http.StatusPreconditionFailed) {
				t.Fatalf("round %d: bulk %d, tile %d", round, bulk, tile)
			}
			// Back to the starting texts for the next round.
			g, etag = grid(t, e, cid)
			var back []map[string]any
			for _, r := range g.Texts {
				if strings.HasPrefix(r.Text, "Reifen Müller ") {
					back = append(back, map[string]any{"op": "edit", "link_id": r.LinkID, "text": "Reifen Müller"})
				}
			}
			if len(back) > 0 {
				e.Must(t, http.StatusOK, "POST", fmt.Sprintf("/api/campaigns/%d/texts/bulk", cid), map[string]any{"items": back}, "If-Match", etag)
			}
			e.Must(t, http.StatusOK, "PUT", fmt.Sprintf("/api/ads/%d/texts", ads[1]), map[string]any{"headlines": textItems("Sommerreifen", "Reifen Müller", "Sicher durch den Sommer"), "descriptions": descriptions})
		}
	})
}

// A text the request does not touch is not its doing: when the brief has
// banned a word since a text was stored, editing another text of the same
// ad still applies, while editing that text into something still banned is
// refused at the item.
func TestBulkEditJudgesOnlyWhatItChanges(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		cid, ads := bulkCampaign(t, e, "Später verboten")
		e.Must(t, http.StatusOK, "PATCH", fmt.Sprintf("/api/campaigns/%d", cid), map[string]any{"brief": map[string]any{"language": "de", "banned_terms": []string{"Winterreifen"}, "business_name": "Reifen Müller"}})
		g, etag := grid(t, e, cid)
		path := fmt.Sprintf("/api/campaigns/%d/texts/bulk", cid)
		r := e.Must(t, http.StatusOK, "POST", path, map[string]any{"items": []map[string]any{
			{"op": "edit", "link_id": rowOf(t, g, ads[0], "HEADLINE", "Sicher durch den Winter").LinkID, "text": "Sicher im Winter"},
		}}, "If-Match", etag)
		var res campaigns.BulkTextsResult
		r.JSON(t, &res)
		r = e.Must(t, http.StatusUnprocessableEntity, "POST", path, map[string]any{"items": []map[string]any{
			{"op": "edit", "link_id": rowOf(t, res.Grid, ads[0], "HEADLINE", "Winterreifen").LinkID, "text": "Winterreifen jetzt"},
		}}, "If-Match", r.Header.Get("ETag"))
		wantRefusal(t, problemFields(t, r), "body.items[0].text", "BANNED_TERM", 0, 12)
	})
}
