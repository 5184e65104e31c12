package generation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/domain/reporting"
	"github.com/imaphub/imaphub/internal/platform/ai/aitest"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// styleCampaign creates a search campaign whose brief asks for style
// examples from where ("" leaves the field out), an ad group and an ad with
// the headlines given, and returns the campaign, the ad group and the ad.
func styleCampaign(t *testing.T, e *apptest.Env, name, where string, headlines ...string) (int64, int64, campaigns.Ad) {
	t.Helper()
	c := wizardCampaign(name, "SEARCH")
	if where != "" {
		c["brief"].(map[string]any)["style_examples"] = where
	}
	campaignID := idOf(t, e.Must(t, http.StatusCreated, "POST", "/api/campaigns", c))
	groupID := idOf(t, e.Must(t, http.StatusCreated, "POST", "/api/ad-groups", map[string]any{"campaign_id": campaignID, "name": "Winterreifen"}))
	var hs []map[string]any
	for _, h := range headlines {
		hs = append(hs, map[string]any{"text": h})
	}
	var ad campaigns.Ad
	e.Must(t, http.StatusCreated, "POST", "/api/ads", map[string]any{"ad_group_id": groupID, "final_urls": []string{"https://reifen-mueller.example/"},
		"headlines":    hs,
		"descriptions": []map[string]any{{"text": "Kostenlose Montage in über 40 Filialen."}, {"text": "Reifeneinlagerung für eine Saison inklusive."}}}).JSON(t, &ad)
	return campaignID, groupID, ad
}

// perform imports yesterday's performance of the ad's headlines: clicks of
// 1,000 impressions each (a negative count: 50 impressions and -n clicks,
// too few to judge), with Google's label.
func perform(t *testing.T, d *db.DB, campaignID int64, ad campaigns.Ad, clicks map[string]int64, labels map[string]string) {
	t.Helper()
	im, err := reporting.NewService(d).NewImporter("555-000-0001", reporting.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	yesterday := reporting.DayOf(time.Now().UTC()) - 1
	var facts []reporting.Fact
	for _, h := range ad.Headlines {
		c, ok := clicks[h.Text]
		if !ok {
			continue
		}
		imp := int64(1000)
		if c < 0 {
			imp, c = 50, -c
		}
		facts = append(facts, reporting.Fact{Level: reporting.LevelAdAsset, Day: yesterday, CampaignID: 7000 + campaignID, AdGroupID: 8000 + ad.AdGroupID, AdID: 9000 + ad.ID,
			AssetID: 10_000 + h.AssetID, FieldType: "HEADLINE", AssetText: h.Text, PerformanceLabel: labels[h.Text],
			Metrics: reporting.Metrics{Impressions: imp, Clicks: c, CostMicros: c * 500_000},
			Ours:    reporting.Ours{CampaignID: campaignID, AdGroupID: ad.AdGroupID, AdID: ad.ID, AssetID: h.AssetID}})
	}
	if _, err := im.Write(context.Background(), facts); err != nil {
		t.Fatal(err)
	}
}

func assetOf(t *testing.T, ad campaigns.Ad, text string) int64 {
	t.Helper()
	for _, h := range ad.Headlines {
		if h.Text == text {
			return h.AssetID
		}
	}
	t.Fatalf("no headline %q in ad %d", text, ad.ID)
	return 0
}

// Closing the loop: a brief asking for style examples gets the
// best-performing texts of its campaign (or of the account) into the prompt,
// as data, best first, without texts Google labels LOW or texts with too few
// impressions to judge; an item copying one is refused; and the provenance
// of every item written names the assets shown. Without the field, nothing
// changes.
func TestGenerationShowsTheBestTextsAsStyleExamples(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		// Every answer's first headline is campaign B's best text.
		fill := aitest.Fill(func(field string, n int) string {
			switch field {
			case "headlines":
				return fmt.Sprintf("Winterreifen Modell %d", n)
			case "descriptions":
				return fmt.Sprintf("Modell %d der Serie %d mit Montage.", n, n*7)
			}
			return fmt.Sprintf("Modell-%d", n)
		})
		srv := aitest.NewServer(aitest.ResponderFunc(func(r aitest.Request) aitest.Reply {
			reply := fill.Respond(r)
			var answer map[string][]string
			if err := json.Unmarshal([]byte(reply.Content), &answer); err != nil || len(answer["headlines"]) == 0 {
				return reply
			}
			answer["headlines"][0] = "Markenreifen sofort lieferbar"
			reply.Content = aitest.JSON(answer)
			return reply
		}))
		t.Cleanup(srv.Close)
		e := apptest.StartOpts(t, d, apptest.Options{Workers: 2, LLM: apptest.ScriptedModel(srv.URL)})

		campA, groupA, adA := styleCampaign(t, e, "Winter A", "campaign", "Winterreifen mit Montage", "Reifen Müller seit 1982", "Reifen für jedes Auto", "Zu wenig gesehen")
		perform(t, d, campA, adA, map[string]int64{"Winterreifen mit Montage": 120, "Reifen Müller seit 1982": 90, "Reifen für jedes Auto": 40, "Zu wenig gesehen": -45},
			map[string]string{"Winterreifen mit Montage": "BEST", "Reifen Müller seit 1982": "LOW", "Reifen für jedes Auto": "GOOD"})
		campB, _, adB := styleCampaign(t, e, "Winter B", "", "Markenreifen sofort lieferbar", "Reifen Müller", "Reifenwechsel im Herbst")
		perform(t, d, campB, adB, map[string]int64{"Markenreifen sofort lieferbar": 200, "Reifenwechsel im Herbst": 20}, nil)
		best, good, lowA, thin := assetOf(t, adA, "Winterreifen mit Montage"), assetOf(t, adA, "Reifen für jedes Auto"), assetOf(t, adA, "Reifen Müller seit 1982"), assetOf(t, adA, "Zu wenig gesehen")
		bestB, midB := assetOf(t, adB, "Markenreifen sofort lieferbar"), assetOf(t, adB, "Reifenwechsel im Herbst")

		examplesOf := func(call int) string {
			t.Helper()
			reqs := srv.Requests()
			user := reqs[call].Messages[1].Content
			_, after, ok := strings.Cut(user, "<examples>")
			if !ok {
				return ""
			}
			block, _, _ := strings.Cut(after, "</examples>")
			if !strings.Contains(reqs[call].Messages[0].Content, "never copy one of them") {
				t.Errorf("system prompt without the examples rule:\n%s", reqs[call].Messages[0].Content)
			}
			return block
		}

		// The campaign's: best first, neither the LOW one nor the one seen
		// 50 times, nor the other campaign's.
		gen, _ := generateAd(t, e, http.StatusOK, groupA, map[string]any{"mode": "new"})
		block := examplesOf(0)
		iBest, iGood := strings.Index(block, `"Winterreifen mit Montage"`), strings.Index(block, `"Reifen für jedes Auto"`)
		if iBest < 0 || iGood < iBest || strings.Contains(block, "seit 1982") || strings.Contains(block, "Zu wenig") || strings.Contains(block, "Markenreifen") {
			t.Fatalf("examples of campaign A:\n%s", block)
		}
		p := provenanceOf(t, e, gen.Ad.Headlines[len(gen.Ad.Headlines)-1].AssetID)
		if !slices.Equal(p.StyleExamples, []int64{best, good}) || p.PromptVersion != "rsa/v2+examples" {
			t.Errorf("provenance %+v, want style examples [%d %d] (not %d, %d)", p, best, good, lowA, thin)
		}
		if gen.Report.PromptVersion != "rsa/v2+examples" {
			t.Errorf("report %+v", gen.Report)
		}

		// The account's: the other campaign's best text comes first, and the
		// model copying it is refused as a duplicate.
		_, groupC, _ := styleCampaign(t, e, "Winter C", "account", "Sicher durch den Winter", "Reifen Müller", "Winterreifen online")
		calls := len(srv.Requests())
		gen, _ = generateAd(t, e, http.StatusOK, groupC, map[string]any{"mode": "new"})
		block = examplesOf(calls)
		if i := strings.Index(block, `"Markenreifen sofort lieferbar"`); i < 0 || i > strings.Index(block, `"Winterreifen mit Montage"`) || strings.Contains(block, "seit 1982") {
			t.Fatalf("examples of the account:\n%s", block)
		}
		if slices.Contains(texts(gen.Ad.Headlines), "Markenreifen sofort lieferbar") {
			t.Errorf("an example was copied: %q", texts(gen.Ad.Headlines))
		}
		dup := false
		for _, r := range gen.Report.Rejected {
			dup = dup || r.Code == "DUPLICATE"
		}
		if !dup {
			t.Errorf("copying an example was not refused: %+v", gen.Report.Rejected)
		}
		p = provenanceOf(t, e, gen.Ad.Headlines[len(gen.Ad.Headlines)-1].AssetID)
		if !slices.Equal(p.StyleExamples, []int64{bestB, best, good, midB}) {
			t.Errorf("account provenance %v, want [%d %d %d %d]", p.StyleExamples, bestB, best, good, midB)
		}

		// No field (or none): no examples, and the prompt version of before.
		_, groupD, _ := styleCampaign(t, e, "Winter D", "none", "Winterreifen im Test", "Reifen Müller", "Reifen für den Winter")
		calls = len(srv.Requests())
		gen, _ = generateAd(t, e, http.StatusOK, groupD, map[string]any{"mode": "new"})
		if strings.Contains(srv.Requests()[calls].Messages[1].Content, "<examples>") {
			t.Error("examples without the brief asking")
		}
		if p := provenanceOf(t, e, gen.Ad.Headlines[len(gen.Ad.Headlines)-1].AssetID); len(p.StyleExamples) != 0 || p.PromptVersion != "rsa/v2" {
			t.Errorf("provenance without examples %+v", p)
		}

		// A brief asking for something else is refused, naming the field.
		c := wizardCampaign("Winter E", "SEARCH")
		c["brief"].(map[string]any)["style_examples"] = "everything"
		if r := e.Do(t, "POST", "/api/campaigns", c); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "style_examples") {
			t.Errorf("style_examples everything: %d %s", r.Status, r.Body)
		}
	})
}
