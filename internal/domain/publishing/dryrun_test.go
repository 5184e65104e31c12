package publishing_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

type dryRun struct {
	Valid      bool
	CustomerID string `json:"customer_id"`
	Operations int
	Steps      []struct{ Kind, Name string }
	Problems   []struct {
		Entity *struct {
			Type string
			ID   int64
		}
		Field, Where, Code, Message, Value string
		GoogleMessage                      string `json:"google_message"`
	}
	RequestIDs []string `json:"request_ids"`
	RunID      int64    `json:"run_id"`
}

// A dry run sends everything with validateOnly and maps each problem to our
// entity and field, in English or German: a headline our rules let through
// but the fake refuses as too long (it counts a keyword insertion's braces)
// is "ad N, headlines[0]", a language Google Ads cannot target is
// "campaign N, languages[1]". Nothing is created; the dry run is in the
// history.
func TestDryRunMapsEachProblemToOurEntityAndField(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := start(t, d, 0)
		id, ads := e.searchCampaign(t, "Winter Probe", "{KeyWord:Winterreifen günstig kaufen}")
		path := fmt.Sprintf("/api/campaigns/%d", id)
		e.Event(t, 200, id, "reopen")
		etag := e.Must(t, 200, "GET", path, nil).Header.Get("ETag")
		e.Must(t, 200, "PATCH", path, map[string]any{"languages": []string{"de", "xx"}}, "If-Match", etag)
		e.Must(t, 409, "POST", path+"/dry-run", nil) // no account chosen yet
		e.chooseAccount(t, id)
		if s := e.DoAs(t, auth.Viewer, "POST", path+"/dry-run", nil).Status; s != 403 {
			t.Errorf("a viewer ran a dry run: %d", s)
		}
		for _, tc := range []struct {
			lang, query, header                    string
			adWhere, adMessage, langWhere, langMsg string
		}{
			{"en", "", "", fmt.Sprintf("ad %d, headlines[0]", ads[0]), "too long for Google Ads",
				fmt.Sprintf("campaign %d, languages[1]", id), "Google Ads cannot target the language xx"},
			{"de", "?lang=de", "", fmt.Sprintf("Anzeige %d, headlines[0]", ads[0]), "zu lang für Google Ads",
				fmt.Sprintf("Kampagne %d, languages[1]", id), "Google Ads kann die Sprache xx nicht ausrichten"},
			{"de", "", "de-DE,de;q=0.9,en;q=0.5", fmt.Sprintf("Anzeige %d, headlines[0]", ads[0]), "zu lang für Google Ads",
				fmt.Sprintf("Kampagne %d, languages[1]", id), "Google Ads kann die Sprache xx nicht ausrichten"},
		} {
			var headers []string
			if tc.header != "" {
				headers = []string{"Accept-Language", tc.header}
			}
			var got dryRun
			e.DoAs(t, auth.Editor, "POST", path+"/dry-run"+tc.query, nil, headers...).JSON(t, &got)
			if got.Valid || got.CustomerID != "1111111111" || got.Operations != 13 || len(got.Steps) != 3 || len(got.RequestIDs) != 2 || got.RunID == 0 {
				t.Errorf("%s: dry run %+v", tc.lang, got)
			}
			if len(got.Problems) != 2 {
				t.Fatalf("%s: problems %+v", tc.lang, got.Problems)
			}
			for _, p := range got.Problems {
				switch {
				case p.Code == "adError.TOO_LONG":
					if p.Entity == nil || p.Entity.Type != "ad" || p.Entity.ID != ads[0] || p.Field != "headlines[0]" || p.Where != tc.adWhere ||
						p.Message != tc.adMessage || p.Value != "{KeyWord:Winterreifen günstig kaufen}" || p.GoogleMessage == "" {
						t.Errorf("%s: headline problem %+v", tc.lang, p)
					}
				case p.Code == "imaphub.UNKNOWN_LANGUAGE":
					if p.Entity == nil || p.Entity.Type != "campaign" || p.Field != "languages[1]" || p.Where != tc.langWhere || p.Message != tc.langMsg {
						t.Errorf("%s: language problem %+v", tc.lang, p)
					}
				default:
					t.Errorf("%s: unexpected problem %+v", tc.lang, p)
				}
			}
		}
		if n := e.live(t, "campaign"); n != 0 {
			t.Errorf("a dry run created %d campaigns", n)
		}
		var history struct {
			Items []struct {
				Kind, Outcome string
				Problems      []struct{ Code, Where string }
			}
		}
		e.Must(t, 200, "GET", path+"/publish-runs?lang=de", nil).JSON(t, &history)
		if len(history.Items) != 3 || history.Items[0].Kind != "dry_run" || history.Items[0].Outcome != "failed" ||
			!slices.ContainsFunc(history.Items[0].Problems, func(p struct{ Code, Where string }) bool {
				return p.Code == "adError.TOO_LONG" && p.Where == fmt.Sprintf("Anzeige %d, headlines[0]", ads[0])
			}) {
			t.Errorf("history: %+v", history)
		}
		// The same campaign fixed passes.
		etag = e.Must(t, 200, "GET", path, nil).Header.Get("ETag")
		e.Must(t, 200, "PATCH", path, map[string]any{"languages": []string{"de"}}, "If-Match", etag)
		e.Must(t, 200, "PUT", fmt.Sprintf("/api/ads/%d/texts", ads[0]), map[string]any{"headlines": texts("Winterreifen günstig kaufen", "Montage inklusive", "Alle Marken auf Lager"),
			"descriptions": texts("Winterreifen aller Marken mit Montage vor Ort.", "Bestellen Sie online, wir montieren in Ihrer Nähe.")},
			"If-Match", e.Must(t, 200, "GET", fmt.Sprintf("/api/ads/%d", ads[0]), nil).Header.Get("ETag"))
		var ok dryRun
		e.DoAs(t, auth.Editor, "POST", path+"/dry-run", map[string]any{}).JSON(t, &ok)
		if !ok.Valid || len(ok.Problems) != 0 {
			t.Errorf("fixed campaign: %+v", ok)
		}
	})
}
