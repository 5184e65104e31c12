package generation_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/domain/generation"
	"github.com/imaphub/imaphub/internal/platform/ai"
	"github.com/imaphub/imaphub/internal/platform/ai/aitest"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

func wizardCampaign(name, typ string) map[string]any {
	c := newCampaign(name, typ)
	c["brief"] = map[string]any{"product": "Winterreifen", "audience": "Autofahrer in Bayern", "language": "de",
		"selling_points": []string{"Kostenlose Montage in über 40 Filialen", "Reifeneinlagerung für eine Saison inklusive", "Markenreifen von Continental und Michelin",
			"Reifenwechsel ab 25 Euro", "Termin in 24 Stunden", "Über 40 Filialen in Bayern"},
		"keywords":    []string{"winterreifen kaufen", "reifenwechsel", "winterreifen montage", "ganzjahresreifen", "reifen einlagern", "allwetterreifen", "reifenservice bayern"},
		"brand_terms": []string{"Reifen Müller"}, "business_name": "Reifen Müller", "banned_terms": []string{"billig"}}
	return c
}

// wizardAdGroup creates a search campaign with the wizard's brief and an ad
// group in it.
func wizardAdGroup(t *testing.T, e *apptest.Env, name string) (campaignID, adGroupID int64) {
	t.Helper()
	campaignID = idOf(t, e.Must(t, http.StatusCreated, "POST", "/api/campaigns", wizardCampaign(name, "SEARCH")))
	adGroupID = idOf(t, e.Must(t, http.StatusCreated, "POST", "/api/ad-groups", map[string]any{"campaign_id": campaignID, "name": "Winterreifen"}))
	return campaignID, adGroupID
}

func generateAd(t *testing.T, e *apptest.Env, want, adGroupID int64, body map[string]any) (generation.AdGeneration, *apptest.Response) {
	t.Helper()
	r := e.DoAs(t, auth.Editor, "POST", fmt.Sprintf("/api/ad-groups/%d/generate", adGroupID), body)
	if int64(r.Status) != want {
		t.Fatalf("generate %v: status %d, want %d: %s", body, r.Status, want, r.Body)
	}
	var out generation.AdGeneration
	if want == http.StatusOK {
		r.JSON(t, &out)
	}
	return out, r
}

func texts(ts []campaigns.AdText) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Text
	}
	return out
}

func provenanceOf(t *testing.T, e *apptest.Env, assetID int64) assets.Provenance {
	t.Helper()
	var a assets.Asset
	e.Must(t, http.StatusOK, "GET", fmt.Sprintf("/api/assets/%d", assetID), nil).JSON(t, &a)
	return a.Provenance
}

func TestGenerateAdOfflineNewFillGapsRegenerate(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		campaignID, groupID := wizardAdGroup(t, e, "Winter")

		// Viewers may not generate.
		if r := e.DoAs(t, auth.Viewer, "POST", fmt.Sprintf("/api/ad-groups/%d/generate", groupID), map[string]any{"mode": "new"}); r.Status != http.StatusForbidden {
			t.Errorf("viewer: status %d", r.Status)
		}

		gen, _ := generateAd(t, e, http.StatusOK, groupID, map[string]any{"mode": "new"})
		if len(gen.Ad.Headlines) != 15 || len(gen.Ad.Descriptions) != 4 || gen.Ad.Path1 == "" || gen.Ad.Path2 == "" {
			t.Fatalf("generated ad %+v", gen.Ad)
		}
		if gen.Report.Provider != "offline" || !gen.Report.Complete || gen.Report.PromptVersion != "rsa/v2" {
			t.Errorf("report %+v", gen.Report)
		}
		if gen.Ad.FinalURLs[0] != "https://reifen-mueller.example/winter" || gen.Ad.AdGroupID != groupID {
			t.Errorf("ad %+v", gen.Ad)
		}
		p := provenanceOf(t, e, gen.Ad.Headlines[0].AssetID)
		if p.Source != "offline" || p.Model != "imaphub-offline/2" || p.PromptVersion != "rsa/v2" || p.Attempts < 1 || p.Verdict == "" {
			t.Errorf("stored provenance %+v", p)
		}

		// Fill the gaps of a hand-written ad in another ad group: its texts
		// stay with their pins, the new ones differ from every text used
		// ("Winterreifen" is the offline provider's first headline).
		_, group2 := wizardAdGroup(t, e, "Winter 2")
		hand := e.Must(t, http.StatusCreated, "POST", "/api/ads", map[string]any{"ad_group_id": group2, "final_urls": []string{"https://reifen-mueller.example/"},
			"headlines":    []map[string]any{{"text": "Winterreifen vom Fachmann", "pinned_field": "HEADLINE_1"}, {"text": "Winterreifen"}, {"text": "Reifen Müller"}},
			"descriptions": []map[string]any{{"text": "Kostenlose Montage in über 40 Filialen."}, {"text": "Reifeneinlagerung für eine Saison inklusive."}}})
		adID := idOf(t, hand)
		filled, _ := generateAd(t, e, http.StatusOK, group2, map[string]any{"mode": "fill_gaps", "ad_id": adID})
		hs := texts(filled.Ad.Headlines)
		if len(hs) != 15 || len(filled.Ad.Descriptions) != 4 || filled.Ad.Path1 == "" {
			t.Fatalf("filled ad: %d headlines, %d descriptions, path1 %q", len(hs), len(filled.Ad.Descriptions), filled.Ad.Path1)
		}
		if !slices.Equal(hs[:3], []string{"Winterreifen vom Fachmann", "Winterreifen", "Reifen Müller"}) || filled.Ad.Headlines[0].PinnedField != "HEADLINE_1" {
			t.Errorf("the ad's own headlines changed: %q, pin %q", hs[:3], filled.Ad.Headlines[0].PinnedField)
		}
		seen := map[string]bool{}
		for _, h := range hs {
			if seen[strings.ToLower(h)] {
				t.Errorf("duplicate headline %q", h)
			}
			seen[strings.ToLower(h)] = true
		}
		if p := provenanceOf(t, e, filled.Ad.Headlines[0].AssetID); p.Source != "human" {
			t.Errorf("the hand-written headline's provenance became %+v", p)
		}
		if p := provenanceOf(t, e, filled.Ad.Headlines[3].AssetID); p.Source != "offline" {
			t.Errorf("a filled headline's provenance is %+v", p)
		}

		// Regenerate one headline: only it changes, to a text not used before.
		before := hs
		regen, _ := generateAd(t, e, http.StatusOK, group2, map[string]any{"mode": "regenerate", "ad_id": adID, "slot": "headlines[5]"})
		after := texts(regen.Ad.Headlines)
		if len(after) != 15 || after[5] == before[5] || slices.Contains(before, after[5]) {
			t.Errorf("regenerated headline 5: %q → %q", before[5], after[5])
		}
		for i := range after {
			if i != 5 && after[i] != before[i] {
				t.Errorf("headline %d changed: %q → %q", i, before[i], after[i])
			}
		}
		if regen.Report.Calls != 1 {
			t.Errorf("regenerating one item took %d calls", regen.Report.Calls)
		}

		// Input errors name the field.
		for _, tc := range []struct {
			body     map[string]any
			location string
		}{
			{map[string]any{"mode": "fill_gaps"}, "body.ad_id"},
			{map[string]any{"mode": "regenerate", "ad_id": adID, "slot": "headlines[99]"}, "body.slot"},
			{map[string]any{"mode": "regenerate", "ad_id": adID, "slot": "titles"}, "body.slot"},
			{map[string]any{"mode": "fill_gaps", "ad_id": gen.Ad.ID}, "body.ad_id"}, // an ad of another group
		} {
			_, r := generateAd(t, e, http.StatusUnprocessableEntity, group2, tc.body)
			if !strings.Contains(string(r.Body), `"location":"`+tc.location+`"`) {
				t.Errorf("%v: problem does not name %s: %s", tc.body, tc.location, r.Body)
			}
		}

		// Outside draft and review the campaign's content is frozen.
		e.Event(t, http.StatusOK, campaignID, "archive")
		generateAd(t, e, http.StatusConflict, groupID, map[string]any{"mode": "new"})
	})
}

// With a model configured, generation goes through the real client to the
// model; a candidate equal to a text already used in the ad group is refused
// and the repair is not needed because the spare candidates cover it.
func TestGenerateAdWithModelDedupsAgainstStoredAssets(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		srv := aitest.NewServer(aitest.Fill(func(field string, n int) string {
			switch {
			case field == "headlines" && n == 0:
				return "Winterreifen online kaufen" // stored below
			case field == "headlines":
				return fmt.Sprintf("Winterreifen Modell %c", 'A'+n)
			case field == "descriptions":
				return fmt.Sprintf("Modell %c der Serie %d mit Montage.", 'A'+n, n*7)
			}
			return fmt.Sprintf("Modell-%c", 'A'+n)
		}))
		t.Cleanup(srv.Close)
		e := apptest.StartOpts(t, d, apptest.Options{Workers: 2, LLM: apptest.ScriptedModel(srv.URL)})
		_, groupID := wizardAdGroup(t, e, "Winter")
		e.Must(t, http.StatusCreated, "POST", "/api/ads", map[string]any{"ad_group_id": groupID, "final_urls": []string{"https://reifen-mueller.example/"},
			"headlines":    []map[string]any{{"text": "Winterreifen online kaufen"}, {"text": "Reifenwechsel"}, {"text": "Reifen Müller"}},
			"descriptions": []map[string]any{{"text": "Kostenlose Montage in über 40 Filialen."}, {"text": "Reifeneinlagerung inklusive."}}})

		gen, _ := generateAd(t, e, http.StatusOK, groupID, map[string]any{"mode": "new"})
		if slices.Contains(texts(gen.Ad.Headlines), "Winterreifen online kaufen") || len(gen.Ad.Headlines) != 15 {
			t.Errorf("headlines %q", texts(gen.Ad.Headlines))
		}
		if len(gen.Report.Rejected) != 1 || gen.Report.Rejected[0].Code != "DUPLICATE" || gen.Report.Provider != "openai" || gen.Report.Calls != 1 {
			t.Errorf("report %+v", gen.Report)
		}
		if gen.Report.PromptTokens == 0 || gen.Report.CompletionTokens == 0 {
			t.Errorf("no token usage in %+v", gen.Report)
		}
		// The report records the strength of the ad as stored.
		if gen.Report.AdStrength == nil || gen.Ad.AdStrength == nil || gen.Report.AdStrength.Rating != gen.Ad.AdStrength.Rating ||
			gen.Report.AdStrength.Score != gen.Ad.AdStrength.Score {
			t.Errorf("report strength %+v, ad strength %+v", gen.Report.AdStrength, gen.Ad.AdStrength)
		}
		p := provenanceOf(t, e, gen.Ad.Headlines[0].AssetID)
		if p.Source != "llm" || p.Model != "scripted" || p.PromptVersion != "rsa/v2" || p.Attempts != 1 || p.Verdict != "valid" {
			t.Errorf("provenance %+v", p)
		}
		// The stored text was named to the model as taken, inside the data block.
		user := srv.Requests()[0].Messages[1].Content
		if !strings.Contains(user, "<existing>") || !strings.Contains(user, `"Winterreifen online kaufen"`) {
			t.Errorf("prompt does not list the stored texts:\n%s", user)
		}
	})
}

// A model that never writes valid copy ends in 502 with the report; nothing
// is stored.
func TestGenerateAdWithModelThatFailsIsBadGateway(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		srv := aitest.NewServer(aitest.Fill(func(field string, n int) string {
			return fmt.Sprintf("JETZT ZUGREIFEN NUMMER %d!!!", n)
		}))
		t.Cleanup(srv.Close)
		e := apptest.StartOpts(t, d, apptest.Options{Workers: 2, LLM: apptest.ScriptedModel(srv.URL)})
		_, groupID := wizardAdGroup(t, e, "Winter")
		_, r := generateAd(t, e, http.StatusBadGateway, groupID, map[string]any{"mode": "new"})
		m := r.Map(t)
		rep, _ := m["report"].(map[string]any)
		if m["code"] != "generation_failed" || rep == nil || rep["complete"] != false || len(rep["rejected"].([]any)) == 0 {
			t.Errorf("problem %s", r.Body)
		}
		if n := count(t, d, "ads"); n != 0 {
			t.Errorf("%d ads stored after a failed generation", n)
		}
	})
}

func TestGenerateAssetGroupOffline(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		cid := idOf(t, e.Must(t, http.StatusCreated, "POST", "/api/campaigns", wizardCampaign("PMax Winter", "PERFORMANCE_MAX")))
		gid := idOf(t, e.Must(t, http.StatusCreated, "POST", "/api/asset-groups", map[string]any{"campaign_id": cid, "name": "Winter", "final_urls": []string{"https://reifen-mueller.example/"}}))
		path := fmt.Sprintf("/api/asset-groups/%d/generate", gid)

		var gen generation.AssetGroupGeneration
		e.Must(t, http.StatusOK, "POST", path, map[string]any{"mode": "new"}).JSON(t, &gen)
		byField := map[string][]campaigns.GroupAsset{}
		for _, a := range gen.AssetGroup.Assets {
			byField[a.FieldType] = append(byField[a.FieldType], a)
		}
		// The offline writer writes the headlines the brief supports, at
		// least the minimum; the report says what a full set would add.
		if n := len(byField["HEADLINE"]); n < 3 || n < 15 && len(gen.Report.Missing) == 0 || len(byField["LONG_HEADLINE"]) != 5 || len(byField["DESCRIPTION"]) != 5 || len(byField["BUSINESS_NAME"]) != 1 {
			t.Fatalf("linked: %d headlines, %d long headlines, %d descriptions, %d business names", len(byField["HEADLINE"]), len(byField["LONG_HEADLINE"]), len(byField["DESCRIPTION"]), len(byField["BUSINESS_NAME"]))
		}
		if byField["BUSINESS_NAME"][0].Text != "Reifen Müller" || gen.Report.PromptVersion != "pmax/v2" {
			t.Errorf("business name %q, report %+v", byField["BUSINESS_NAME"][0].Text, gen.Report)
		}
		if p := provenanceOf(t, e, byField["LONG_HEADLINE"][0].AssetID); p.Source != "offline" || p.PromptVersion != "pmax/v2" {
			t.Errorf("long headline provenance %+v", p)
		}

		// A second "new" would overflow the group.
		if r := e.Do(t, "POST", path, map[string]any{"mode": "new"}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "body.mode") {
			t.Errorf("second new: %d %s", r.Status, r.Body)
		}

		// Regenerate one long headline: it is replaced in place.
		old := byField["LONG_HEADLINE"][1].Text
		var regen generation.AssetGroupGeneration
		e.Must(t, http.StatusOK, "POST", path, map[string]any{"mode": "regenerate", "slot": "long_headlines[1]"}).JSON(t, &regen)
		var longs []string
		for _, a := range regen.AssetGroup.Assets {
			if a.FieldType == "LONG_HEADLINE" {
				longs = append(longs, a.Text)
			}
		}
		if len(longs) != 5 || slices.Contains(longs, old) || longs[0] != byField["LONG_HEADLINE"][0].Text {
			t.Errorf("long headlines after regenerating [1] (was %q): %q", old, longs)
		}
	})
}

// startWithModel starts the product with a scripted model server as its
// language model.
func startWithModel(t *testing.T, d *db.DB, r aitest.Responder) (*apptest.Env, *aitest.Server) {
	t.Helper()
	return startWithModelConfig(t, d, r, func(*ai.Config) {})
}

// startWithModelConfig is startWithModel with a change to the model's
// configuration.
func startWithModelConfig(t *testing.T, d *db.DB, r aitest.Responder, change func(*ai.Config)) (*apptest.Env, *aitest.Server) {
	t.Helper()
	srv := aitest.NewServer(r)
	t.Cleanup(srv.Close)
	llm := apptest.ScriptedModel(srv.URL)
	change(&llm)
	return apptest.StartOpts(t, d, apptest.Options{Workers: 2, LLM: llm}), srv
}

const tooLongHeadline = "Winterkomplettradangebote für Ihren Pkw"

// germanCopy writes valid items, except the slots in bad, which get texts
// too long for any of them; ok items of a bad slot stay valid.
func germanCopy(bad map[string]int) aitest.Responder {
	return aitest.Fill(func(field string, n int) string {
		if ok, isBad := bad[field]; isBad && n >= ok {
			return fmt.Sprintf("%s, %s und %s %d", tooLongHeadline, tooLongHeadline, tooLongHeadline, n)
		}
		switch field {
		case "headlines":
			return fmt.Sprintf("Winterreifen Angebot %d", n)
		case "long_headlines":
			return fmt.Sprintf("Angebot %d aus Serie %d von Reifen Müller", n, n*7)
		case "descriptions":
			return fmt.Sprintf("Angebot %d, Serie %d, mit Montage.", n, n*7)
		}
		return fmt.Sprintf("Reifen-%d", n)
	})
}

// A run that stops below the minimum set stores nothing and answers 502
// saying what was missing and why the candidates were rejected. Display paths
// are valid items but no part of the minimum.
func TestGenerationBelowTheMinimumStoresNothing(t *testing.T) {
	for _, tc := range []struct {
		name  string
		bad   map[string]int
		ad    bool // fill the gaps of a hand-written ad instead of a new one
		wants []string
	}{
		{"no valid headline or description", map[string]int{"headlines": 0, "descriptions": 0}, false,
			[]string{"at least 3 headlines (has 0)", "at least 2 descriptions (has 0)", "TOO_LONG ×"}},
		{"two valid headlines", map[string]int{"headlines": 2}, false, []string{"at least 3 headlines (has 2)"}},
		{"fill gaps: one headline short", map[string]int{"headlines": 1}, true, []string{"at least 3 headlines (has 2)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dbtest.Run(t, func(t *testing.T, d *db.DB) {
				e, _ := startWithModel(t, d, germanCopy(tc.bad))
				_, groupID := wizardAdGroup(t, e, "Winter "+tc.name)
				body := map[string]any{"mode": "new"}
				var hand map[string]any
				if tc.ad {
					r := e.Must(t, http.StatusCreated, "POST", "/api/ads", map[string]any{"ad_group_id": groupID, "final_urls": []string{"https://reifen-mueller.example/"},
						"headlines": []map[string]any{{"text": "Reifen Müller"}}, "descriptions": []map[string]any{{"text": "Kostenlose Montage in über 40 Filialen."}, {"text": "Reifeneinlagerung inklusive."}}})
					hand = r.Map(t)
					body = map[string]any{"mode": "fill_gaps", "ad_id": idOf(t, r)}
				}
				ads := count(t, d, "ads")
				links := count(t, d, "asset_links")
				_, r := generateAd(t, e, http.StatusBadGateway, groupID, body)
				m := r.Map(t)
				rep, _ := m["report"].(map[string]any)
				detail, _ := m["detail"].(string)
				if m["code"] != "generation_failed" || rep == nil || rep["below_minimum"] == nil || !strings.HasPrefix(detail, "the language model wrote too little valid copy to store: below the minimum set") {
					t.Fatalf("problem %s", r.Body)
				}
				for _, want := range tc.wants {
					if !strings.Contains(detail, want) {
						t.Errorf("detail lacks %q: %s", want, detail)
					}
				}
				if n, l := count(t, d, "ads"), count(t, d, "asset_links"); n != ads || l != links {
					t.Errorf("stored %d ads and %d links after a generation below the minimum", n-ads, l-links)
				}
				if hand != nil {
					after := e.Must(t, http.StatusOK, "GET", fmt.Sprintf("/api/ads/%d", int64(hand["id"].(float64))), nil).Map(t)
					if after["version"] != hand["version"] {
						t.Errorf("the hand-written ad changed: %v → %v", hand["version"], after["version"])
					}
				}
				if !strings.Contains(e.Logs.String(), "generation failed, nothing stored") {
					t.Errorf("not logged:\n%s", e.Logs.String())
				}
			})
		})
	}
}

// An asset group gets its texts only with Performance Max's minimum: without
// a valid long headline nothing is linked.
func TestAssetGroupGenerationBelowTheMinimumStoresNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e, _ := startWithModel(t, d, germanCopy(map[string]int{"long_headlines": 0}))
		cid := idOf(t, e.Must(t, http.StatusCreated, "POST", "/api/campaigns", wizardCampaign("PMax ohne lange Titel", "PERFORMANCE_MAX")))
		gid := idOf(t, e.Must(t, http.StatusCreated, "POST", "/api/asset-groups", map[string]any{"campaign_id": cid, "name": "Winter", "final_urls": []string{"https://reifen-mueller.example/"}}))
		r := e.Do(t, "POST", fmt.Sprintf("/api/asset-groups/%d/generate", gid), map[string]any{"mode": "new"})
		if r.Status != http.StatusBadGateway || !strings.Contains(string(r.Body), "at least 1 long_headlines (has 0)") {
			t.Fatalf("generate: %d %s", r.Status, r.Body)
		}
		if n := count(t, d, "asset_links"); n != 0 {
			t.Errorf("%d links stored", n)
		}
	})
}

// The model's answers that the provider refuses or delays reach the report
// and the log: its own error message, a wait longer than the run has, and a
// call that hangs past the call timeout (IMAPHUB_LLM_CALL_TIMEOUT; cut and
// asked again).
func TestGenerationWithHostileModelServer(t *testing.T) {
	t.Run("refused request", func(t *testing.T) {
		dbtest.Run(t, func(t *testing.T, d *db.DB) {
			e, _ := startWithModel(t, d, aitest.Script(aitest.Reply{Status: http.StatusBadRequest, ErrorType: "invalid_request_error",
				Content: "Invalid schema for response_format 'ad_copy': In context=(), 'required' is required to be supplied"}))
			_, groupID := wizardAdGroup(t, e, "Winter refused")
			_, r := generateAd(t, e, http.StatusBadGateway, groupID, map[string]any{"mode": "new"})
			const want = "HTTP 400 Bad Request: Invalid schema for response_format 'ad_copy'"
			var p struct {
				Detail string
				Report struct {
					ProviderError string `json:"provider_error"`
					Error         string
				}
			}
			r.JSON(t, &p)
			if !strings.Contains(p.Detail, want) || !strings.Contains(p.Report.ProviderError, want) || !strings.Contains(p.Report.Error, "invalid_request_error") {
				t.Errorf("problem %s", r.Body)
			}
			if !strings.Contains(e.Logs.String(), "Invalid schema for response_format") {
				t.Errorf("the provider's message is not in the log:\n%s", e.Logs.String())
			}
		})
	})
	t.Run("rate limit longer than the run", func(t *testing.T) {
		dbtest.Run(t, func(t *testing.T, d *db.DB) {
			e, srv := startWithModel(t, d, aitest.Script(aitest.Reply{Status: http.StatusTooManyRequests, RetryAfter: "300", Content: "Rate limit reached for requests"}))
			_, groupID := wizardAdGroup(t, e, "Winter limited")
			_, r := generateAd(t, e, http.StatusBadGateway, groupID, map[string]any{"mode": "new"})
			if !strings.Contains(string(r.Body), "the provider asked to wait 5m0s before the next call (Retry-After)") || len(srv.Requests()) != 1 {
				t.Errorf("%d requests; problem %s", len(srv.Requests()), r.Body)
			}
		})
	})
	t.Run("hanging call", func(t *testing.T) {
		dbtest.Run(t, func(t *testing.T, d *db.DB) {
			valid := germanCopy(nil)
			var calls atomic.Int32
			e, srv := startWithModelConfig(t, d, aitest.ResponderFunc(func(r aitest.Request) aitest.Reply {
				if calls.Add(1) == 1 {
					return aitest.Reply{Hang: true}
				}
				return valid.Respond(r)
			}), func(c *ai.Config) { c.CallTimeout = 200 * time.Millisecond })
			_, groupID := wizardAdGroup(t, e, "Winter slow")
			gen, _ := generateAd(t, e, http.StatusOK, groupID, map[string]any{"mode": "new"})
			if !gen.Report.Complete || gen.Report.TransportRetries != 1 || len(srv.Requests()) != 2 || len(gen.Ad.Headlines) != 15 {
				t.Errorf("requests %d, report %+v", len(srv.Requests()), gen.Report)
			}
		})
	})
}
