package campaigns_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

var strengthHeadlines = []string{
	"Winterreifen günstig kaufen", "Winterreifen mit Montage", "Über 300 Partnerwerkstätten",
	"Kostenlose Lieferung ab 50 €", "Alle Marken im Sortiment", "Reifenwechsel in 30 Minuten",
	"Testsieger 2025 bei Reifen", "Winterreifen-Angebote", "Seit 20 Jahren Reifenprofis",
	"Termin online buchen", "Sichere Fahrt im Winter", "Beratung vom Meister",
	"Kompletträder sofort lieferbar", "Bis zu 30 % sparen", "Radhaus Reifen-Shop",
}

var strengthDescriptions = []string{
	"Winterreifen aller Marken zu fairen Preisen. Jetzt online bestellen und Termin sichern.",
	"Montage in über 300 Partnerwerkstätten deutschlandweit. Schnell, sauber, zuverlässig.",
	"Kostenlose Lieferung ab 50 € Bestellwert. Bezahlen Sie bequem auf Rechnung.",
	"Über 20 Jahre Erfahrung und 50.000 zufriedene Kunden. Lassen Sie sich beraten.",
}

type adStrength struct {
	Rating  string `json:"rating"`
	Score   int    `json:"score"`
	Actions []struct {
		Code    string   `json:"code"`
		Count   int      `json:"count"`
		Items   []string `json:"items"`
		Keyword string   `json:"keyword"`
		Message struct {
			DE string `json:"de"`
			EN string `json:"en"`
		} `json:"message"`
	} `json:"actions"`
}

func (s adStrength) codes() []string {
	var out []string
	for _, a := range s.Actions {
		out = append(out, a.Code)
	}
	return out
}

func texts(list []string) []map[string]any {
	out := make([]map[string]any, len(list))
	for i, t := range list {
		out[i] = map[string]any{"text": t}
	}
	return out
}

// TestAdsCarryTheirStrength: every read of an ad — get, list, the tree, the
// answer to a write — carries the estimate for its stored texts and its ad
// group's enabled positive keywords, and it follows every change.
func TestAdsCarryTheirStrength(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		id := idOf(t, e.Must(t, 201, "POST", "/api/campaigns", newCampaign("Strength", "SEARCH")))
		g := idOf(t, e.Must(t, 201, "POST", "/api/ad-groups", map[string]any{"campaign_id": id, "name": "Winterreifen"}))
		e.Must(t, 201, "POST", "/api/keywords", map[string]any{"ad_group_id": g, "text": "winterreifen", "match_type": "PHRASE"})
		// A negative keyword is what the ad must not be shown for: never asked for.
		e.Must(t, 201, "POST", "/api/keywords", map[string]any{"ad_group_id": g, "text": "schneeketten", "match_type": "PHRASE", "negative": true})

		var ad struct {
			ID         int64      `json:"id"`
			AdStrength adStrength `json:"ad_strength"`
		}
		e.Must(t, 201, "POST", "/api/ads", map[string]any{"ad_group_id": g, "final_urls": []string{"https://x.example/"},
			"headlines": texts(strengthHeadlines[:3]), "descriptions": texts(strengthDescriptions[:2])}).JSON(t, &ad)
		if ad.AdStrength.Rating != "POOR" || !slices.Contains(ad.AdStrength.codes(), "ADD_HEADLINES") {
			t.Errorf("Google's minimum: %+v, want POOR with ADD_HEADLINES", ad.AdStrength)
		}
		for _, a := range ad.AdStrength.Actions {
			if a.Code == "ADD_HEADLINES" && (a.Count != 8 || a.Message.DE != "Fügen Sie 8 weitere Überschriften hinzu" || a.Message.EN != "Add 8 more headlines") {
				t.Errorf("ADD_HEADLINES = %+v", a)
			}
		}

		e.Must(t, 200, "PUT", fmt.Sprintf("/api/ads/%d/texts", ad.ID), map[string]any{
			"headlines": texts(strengthHeadlines), "descriptions": texts(strengthDescriptions)}).JSON(t, &ad)
		if ad.AdStrength.Rating != "EXCELLENT" || len(ad.AdStrength.Actions) != 0 {
			t.Errorf("15 distinct headlines: %+v, want EXCELLENT without actions", ad.AdStrength)
		}

		near := slices.Clone(strengthHeadlines)
		near[6] = "Günstige Winterreifen kaufen"
		e.Must(t, 200, "PUT", fmt.Sprintf("/api/ads/%d/texts", ad.ID), map[string]any{
			"headlines": texts(near), "descriptions": texts(strengthDescriptions)}).JSON(t, &ad)
		check := func(where string, s adStrength) {
			t.Helper()
			if s.Rating != "GOOD" {
				t.Errorf("%s: near-duplicate rated %s, want GOOD", where, s.Rating)
			}
			found := false
			for _, a := range s.Actions {
				if a.Code == "SIMILAR_TEXTS" && slices.Equal(a.Items, []string{"headlines[0]", "headlines[6]"}) && a.Message.EN == "Headlines 1 and 7 are too similar" {
					found = true
				}
				if a.Code == "INCLUDE_KEYWORDS" {
					t.Errorf("%s: asks for a keyword: %+v", where, a)
				}
			}
			if !found {
				t.Errorf("%s: near-duplicate not named: %+v", where, s)
			}
		}
		check("update answer", ad.AdStrength)
		e.Must(t, 200, "GET", fmt.Sprintf("/api/ads/%d", ad.ID), nil).JSON(t, &ad)
		check("get", ad.AdStrength)
		var list struct {
			Items []struct {
				AdStrength adStrength `json:"ad_strength"`
			} `json:"items"`
		}
		e.Must(t, 200, "GET", fmt.Sprintf("/api/ads?ad_group_id=%d", g), nil).JSON(t, &list)
		if len(list.Items) != 1 {
			t.Fatalf("list: %+v", list)
		}
		check("list", list.Items[0].AdStrength)
		var tree struct {
			AdGroups []struct {
				Ads []struct {
					AdStrength adStrength `json:"ad_strength"`
				} `json:"ads"`
			} `json:"ad_groups"`
		}
		e.Must(t, 200, "GET", fmt.Sprintf("/api/campaigns/%d/tree", id), nil).JSON(t, &tree)
		check("tree", tree.AdGroups[0].Ads[0].AdStrength)

		// A new keyword the headlines lack: the cached tree follows.
		e.Must(t, 201, "POST", "/api/keywords", map[string]any{"ad_group_id": g, "text": "Felgen", "match_type": "PHRASE"})
		e.Must(t, 200, "GET", fmt.Sprintf("/api/campaigns/%d/tree", id), nil).JSON(t, &tree)
		s := tree.AdGroups[0].Ads[0].AdStrength
		if i := slices.Index(s.codes(), "INCLUDE_KEYWORDS"); i < 0 || s.Actions[i].Keyword != "Felgen" {
			t.Errorf("tree after a new keyword: %+v, want INCLUDE_KEYWORDS naming Felgen", s)
		}
	})
}

// TestAssetGroupsCarryTheirStrength: asset groups are rated on breadth, so a
// group of texts without images is incomplete and says which images it
// lacks; the business name counts once it is given.
func TestAssetGroupsCarryTheirStrength(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		id := idOf(t, e.Must(t, 201, "POST", "/api/campaigns", newCampaign("PMax strength", "PERFORMANCE_MAX")))
		var g struct {
			ID         int64      `json:"id"`
			AdStrength adStrength `json:"ad_strength"`
		}
		e.Must(t, 201, "POST", "/api/asset-groups", map[string]any{"campaign_id": id, "name": "Winter", "final_urls": []string{"https://x.example/"}}).JSON(t, &g)
		if g.AdStrength.Rating != "INCOMPLETE" || !slices.Contains(g.AdStrength.codes(), "ADD_BUSINESS_NAME") {
			t.Errorf("new group: %+v, want INCOMPLETE asking for a business name", g.AdStrength)
		}
		e.Must(t, 200, "PUT", fmt.Sprintf("/api/asset-groups/%d/texts", g.ID), map[string]any{
			"headlines": texts(append(slices.Clone(strengthHeadlines[:11]), "Radhaus Reifen")), "long_headlines": texts([]string{
				"Winterreifen aller Marken mit Montage in über 300 Partnerwerkstätten",
				"Kostenlose Lieferung ab 50 € und Reifenwechsel in 30 Minuten"}),
			"descriptions":  texts(append(slices.Clone(strengthDescriptions[:3]), "Reifenwechsel in 30 Minuten, auch am Samstag.")),
			"business_name": map[string]any{"text": "Radhaus"}}).JSON(t, &g)
		want := []string{"ADD_LANDSCAPE_IMAGES", "ADD_SQUARE_IMAGES", "ADD_PORTRAIT_IMAGE", "ADD_LOGO", "ADD_LANDSCAPE_LOGO", "ADD_VIDEO"}
		for _, got := range []adStrength{g.AdStrength, func() adStrength {
			var tree struct {
				AssetGroups []struct {
					AdStrength adStrength `json:"ad_strength"`
				} `json:"asset_groups"`
			}
			e.Must(t, 200, "GET", fmt.Sprintf("/api/campaigns/%d/tree", id), nil).JSON(t, &tree)
			return tree.AssetGroups[0].AdStrength
		}()} {
			if got.Rating != "INCOMPLETE" || !slices.Equal(got.codes(), want) {
				t.Errorf("texts without images: %s %v, want INCOMPLETE %v", got.Rating, got.codes(), want)
			}
		}
	})
}

// TestRateUnsavedSets: POST /api/ad-strength rates what the review screen
// holds before it is saved, for any signed-in role, and refuses parts the
// set's type does not have, naming them.
func TestRateUnsavedSets(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		rsa := map[string]any{"type": "RESPONSIVE_SEARCH_AD", "language": "de", "keywords": []string{"winterreifen"},
			"headlines": texts(strengthHeadlines), "descriptions": texts(strengthDescriptions)}
		var s adStrength
		e.DoAs(t, auth.Viewer, "POST", "/api/ad-strength", rsa).JSON(t, &s)
		if s.Rating != "EXCELLENT" || s.Score < 85 {
			t.Errorf("viewer, full ad: %+v", s)
		}
		pinned := map[string]any{"type": "RESPONSIVE_SEARCH_AD", "language": "en",
			"headlines":    []map[string]any{{"text": "24/7 Emergency Plumber", "pin": "HEADLINE_1"}, {"text": "Licensed Local Plumbers"}, {"text": "Fixed Prices, No Call-Out Fee"}},
			"descriptions": texts([]string{"Emergency plumbers in Leeds day and night.", "Fixed prices agreed before we start."})}
		e.Must(t, 200, "POST", "/api/ad-strength", pinned).JSON(t, &s)
		if s.Rating != "POOR" || !slices.Contains(s.codes(), "FEWER_PINS") {
			t.Errorf("pinned minimum: %+v", s)
		}
		group := map[string]any{"type": "ASSET_GROUP", "language": "en", "business_name": "Northflow",
			"headlines": texts([]string{"Emergency Plumber", "Plumbers Near You", "Call Northflow"}), "long_headlines": []string{"Emergency plumbers in Leeds, day and night"},
			"descriptions": texts([]string{"Licensed engineers, 25 years of experience.", "Same-day boiler repair."}),
			"images":       []string{"MARKETING_IMAGE", "SQUARE_MARKETING_IMAGE", "LOGO"}, "videos": 1}
		e.Must(t, 200, "POST", "/api/ad-strength", group).JSON(t, &s)
		if s.Rating != "POOR" || slices.Contains(s.codes(), "ADD_VIDEO") || slices.Contains(s.codes(), "ADD_LOGO") {
			t.Errorf("minimal asset group: %+v", s)
		}

		with := func(base map[string]any, k string, v any) map[string]any {
			m := map[string]any{}
			for key, val := range base {
				m[key] = val
			}
			m[k] = v
			return m
		}
		bad := []struct {
			name     string
			body     any
			location string
		}{
			{"unknown type", with(rsa, "type", "DISPLAY"), "body.type"},
			{"16 headlines", with(rsa, "headlines", texts(append(slices.Clone(strengthHeadlines), "Noch eine"))), "body.headlines"},
			{"5 descriptions in an ad", with(rsa, "descriptions", texts(append(slices.Clone(strengthDescriptions), "Fünf."))), "body.descriptions"},
			{"headline pinned to a description slot", with(rsa, "headlines", []map[string]any{{"text": "x", "pin": "DESCRIPTION_1"}}), "body.headlines[0].pin"},
			{"images on an ad", with(rsa, "images", []string{"LOGO"}), "body.images"},
			{"long headlines on an ad", with(rsa, "long_headlines", []string{"x"}), "body.long_headlines"},
			{"pins in an asset group", with(group, "headlines", []map[string]any{{"text": "x", "pin": "HEADLINE_1"}}), "body.headlines[0].pin"},
			{"keywords on an asset group", with(group, "keywords", []string{"x"}), "body.keywords"},
			{"not an image field", with(group, "images", []string{"LOGO", "HEADLINE"}), "body.images[1]"},
			{"huge text", with(rsa, "headlines", texts([]string{strings.Repeat("x", 1001)})), "body.headlines[0].text"},
		}
		for _, c := range bad {
			r := e.Do(t, "POST", "/api/ad-strength", c.body)
			if r.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d, want 422: %s", c.name, r.Status, r.Body)
				continue
			}
			var p struct {
				Errors []struct{ Location string } `json:"errors"`
			}
			r.JSON(t, &p)
			if len(p.Errors) == 0 || p.Errors[0].Location != c.location {
				t.Errorf("%s: problem names %+v, want %s", c.name, p.Errors, c.location)
			}
		}
		if r := e.DoAs(t, auth.Anonymous, "POST", "/api/ad-strength", rsa); r.Status != http.StatusUnauthorized {
			t.Errorf("anonymous: %d, want 401", r.Status)
		}
	})
}
