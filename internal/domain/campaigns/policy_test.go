package campaigns_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// problemField is one entry of a problem document's errors.
type problemField struct {
	Location string `json:"location"`
	Message  string `json:"message"`
	Code     string `json:"code"`
	Start    *int   `json:"start"`
	End      *int   `json:"end"`
}

func problemFields(t *testing.T, r *apptest.Response) []problemField {
	t.Helper()
	var p struct {
		Errors []problemField `json:"errors"`
	}
	r.JSON(t, &p)
	return p.Errors
}

// wantRefusal fails unless fields hold code at location, with the span
// [start, end) when start >= 0 (and no span otherwise).
func wantRefusal(t *testing.T, fields []problemField, location, code string, start, end int) {
	t.Helper()
	for _, f := range fields {
		if f.Location != location || f.Code != code {
			continue
		}
		if f.Message == "" {
			t.Errorf("%s at %s has no message", code, location)
		}
		switch {
		case start < 0 && (f.Start != nil || f.End != nil):
			t.Errorf("%s at %s: span %v-%v, want none", code, location, *f.Start, *f.End)
		case start >= 0 && (f.Start == nil || f.End == nil || *f.Start != start || *f.End != end):
			t.Errorf("%s at %s: span %v-%v, want %d-%d", code, location, f.Start, f.End, start, end)
		}
		return
	}
	t.Errorf("no %s at %s in %+v", code, location, fields)
}

// searchAdGroup creates a German search campaign with brief and an ad group.
func searchAdGroup(t *testing.T, e *apptest.Env, name string, brief map[string]any) int64 {
	t.Helper()
	c := newCampaign(name, "SEARCH")
	c["brief"] = brief
	id := idOf(t, e.Must(t, http.StatusCreated, "POST", "/api/campaigns", c))
	return idOf(t, e.Must(t, http.StatusCreated, "POST", "/api/ad-groups", map[string]any{"campaign_id": id, "name": "Reifen"}))
}

func ad(group int64, headlines ...string) map[string]any {
	hs := make([]map[string]any, len(headlines))
	for i, h := range headlines {
		hs[i] = map[string]any{"text": h}
	}
	return map[string]any{"ad_group_id": group, "final_urls": []string{"https://reifen-mueller.example/"}, "headlines": hs,
		"descriptions": []map[string]any{{"text": "Top-Marken zu fairen Preisen, geliefert in 2 Tagen."}, {"text": "Montage bei über 300 Partnern in Ihrer Nähe."}}}
}

func TestAdWritesRunThePolicyChecks(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		g := searchAdGroup(t, e, "Winterreifen", map[string]any{"language": "de", "brand_terms": []string{"ReifenDirekt", "ASAP"},
			"banned_terms": []string{"billig"}, "business_name": "Reifen Müller", "keywords": []string{"winterreifen"}})

		// 34 wide: the span starts where the 30th column is passed.
		r := e.Must(t, http.StatusUnprocessableEntity, "POST", "/api/ads", ad(g, "Winterreifen", "Winterreifen günstig online kaufen", "Reifen Müller"))
		wantRefusal(t, problemFields(t, r), "body.headlines[1].text", "TOO_LONG", 30, 34)

		r = e.Must(t, http.StatusUnprocessableEntity, "POST", "/api/ads", ad(g, "Winterreifen", "Reifen Müller", "Jetzt KAUFEN!!"))
		fields := problemFields(t, r)
		wantRefusal(t, fields, "body.headlines[2].text", "E1_ALL_CAPS", 6, 12)
		wantRefusal(t, fields, "body.headlines[2].text", "E8_EXCLAMATION", 12, 13)
		wantRefusal(t, fields, "body.headlines[2].text", "E2_REPEATED_PUNCTUATION", 12, 14)

		// A banned term of the brief, matched whatever its case.
		r = e.Must(t, http.StatusUnprocessableEntity, "POST", "/api/ads", ad(g, "Winterreifen", "Billig Reifen kaufen", "Reifen Müller"))
		wantRefusal(t, problemFields(t, r), "body.headlines[1].text", "BANNED_TERM", 0, 6)

		// Set-level findings land on the item that has to change.
		r = e.Must(t, http.StatusUnprocessableEntity, "POST", "/api/ads", ad(g, "Winterreifen", "Reifen Müller", "Winterreifen"))
		wantRefusal(t, problemFields(t, r), "body.headlines[2].text", "DUPLICATE", 0, 12)
		pinned := ad(g, "Winterreifen", "Reifen Müller", "Sicher durch den Winter")
		for _, h := range pinned["headlines"].([]map[string]any) {
			h["pinned_field"] = "HEADLINE_1"
		}
		r = e.Must(t, http.StatusUnprocessableEntity, "POST", "/api/ads", pinned)
		wantRefusal(t, problemFields(t, r), "body.headlines[2].pinned_field", "PIN_INFEASIBLE", -1, -1)
		pinned["headlines"].([]map[string]any)[1]["pinned_field"] = "DESCRIPTION_1"
		r = e.Must(t, http.StatusUnprocessableEntity, "POST", "/api/ads", pinned)
		wantRefusal(t, problemFields(t, r), "body.headlines[1].pinned_field", "INVALID_PIN", -1, -1)
		withPath := ad(g, "Winterreifen", "Reifen Müller", "Sicher durch den Winter")
		withPath["path1"] = "reifen/winter"
		r = e.Must(t, http.StatusUnprocessableEntity, "POST", "/api/ads", withPath)
		wantRefusal(t, problemFields(t, r), "body.path1", "PATH_SLASH", 6, 7)
		if n := count(t, d, "ads"); n != 0 {
			t.Fatalf("%d ads stored after refused writes", n)
		}

		// Brand terms of the brief are written as the brand writes them; they
		// extend the policy's built-in brand spellings (eBay, PayPal, …).
		id := idOf(t, e.Must(t, http.StatusCreated, "POST", "/api/ads", ad(g, "Gebraucht bei ReifenDirekt", "Lieferung ASAP", "Reifen Müller")))
		other := searchAdGroup(t, e, "Ohne Marken", map[string]any{"language": "de"})
		r = e.Must(t, http.StatusUnprocessableEntity, "POST", "/api/ads", ad(other, "Gebraucht bei ReifenDirekt", "Lieferung ASAP", "Reifen Müller"))
		wantRefusal(t, problemFields(t, r), "body.headlines[0].text", "E1_MIXED_CASE", 14, 26)

		// A draft may be incomplete: two headlines and no description.
		draft := ad(g, "Winterreifen", "Reifen Müller")
		delete(draft, "descriptions")
		e.Must(t, http.StatusCreated, "POST", "/api/ads", draft)

		// An update is checked as the whole ad it makes.
		path := fmt.Sprintf("/api/ads/%d", id)
		r = e.Must(t, http.StatusUnprocessableEntity, "PATCH", path, map[string]any{
			"headlines": []map[string]any{{"text": "Winterreifen"}, {"text": "Reifen Müller"}, {"text": "Reifen billig kaufen"}}})
		wantRefusal(t, problemFields(t, r), "body.headlines[2].text", "BANNED_TERM", 7, 13)
		r = e.Must(t, http.StatusUnprocessableEntity, "PATCH", path, map[string]any{
			"descriptions": []map[string]any{{"text": "Top-Marken zu fairen Preisen."}, {"text": "Top-Marken zu fairen Preisen."}}})
		wantRefusal(t, problemFields(t, r), "body.descriptions[1].text", "DUPLICATE", 0, 29)
		got := e.Must(t, http.StatusOK, "GET", path, nil).Map(t)
		if h := got["headlines"].([]any); h[0].(map[string]any)["text"] != "Gebraucht bei ReifenDirekt" || len(got["descriptions"].([]any)) != 2 {
			t.Errorf("refused updates changed the ad: %v", got)
		}
		e.Must(t, http.StatusOK, "PATCH", path, map[string]any{"path1": "winterreifen", "path2": "ebay"})
		r = e.Must(t, http.StatusUnprocessableEntity, "PATCH", path, map[string]any{"path1": "", "path2": "ebay"})
		wantRefusal(t, problemFields(t, r), "body.path2", "PATH2_WITHOUT_PATH1", 0, 4)
	})
}

func TestBriefTermsMustBeUsableByTheChecks(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		c := newCampaign("Leerer Begriff", "SEARCH")
		c["brief"] = map[string]any{"brand_terms": []string{"Reifen Müller", " "}}
		r := e.Must(t, http.StatusUnprocessableEntity, "POST", "/api/campaigns", c)
		if f := problemFields(t, r); len(f) != 1 || f[0].Location != "body.brief.brand_terms" {
			t.Errorf("blank brand term: %s", r.Body)
		}
	})
}

func TestAssetGroupPathsRunThePolicyChecks(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		c := newCampaign("PMax", "PERFORMANCE_MAX")
		c["brief"] = map[string]any{"banned_terms": []string{"gratis"}}
		id := idOf(t, e.Must(t, http.StatusCreated, "POST", "/api/campaigns", c))
		group := map[string]any{"campaign_id": id, "name": "Winter", "final_urls": []string{"https://reifen-mueller.example/"}}
		for _, tc := range []struct{ path1, path2, location, code string }{
			{"reifen/winter", "", "body.path1", "PATH_SLASH"},
			{"gratis", "", "body.path1", "BANNED_TERM"},
			{"", "winter", "body.path2", "PATH2_WITHOUT_PATH1"},
			// 10 characters pass the schema's maxLength; at 2 columns each they are 20 wide.
			{"冬用タイヤ通販サイト", "", "body.path1", "TOO_LONG"},
			{" reifen", "", "body.path1", "E9_EXTRA_SPACE"},
		} {
			group["path1"], group["path2"] = tc.path1, tc.path2
			r := e.Do(t, "POST", "/api/asset-groups", group)
			if r.Status != http.StatusUnprocessableEntity {
				t.Errorf("paths %q %q: status %d, want 422", tc.path1, tc.path2, r.Status)
				continue
			}
			found := false
			for _, f := range problemFields(t, r) {
				found = found || (f.Location == tc.location && f.Code == tc.code)
			}
			if !found {
				t.Errorf("paths %q %q: no %s at %s: %s", tc.path1, tc.path2, tc.code, tc.location, r.Body)
			}
		}
		group["path1"], group["path2"] = "winterreifen", "angebote"
		e.Must(t, http.StatusCreated, "POST", "/api/asset-groups", group)
	})
}
