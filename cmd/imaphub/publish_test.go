package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/app"
	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/platform/db"
)

// approvedCampaign builds an approved search campaign of n ad groups, each
// with two keywords and an ad; headline, when set, is the first ad's first
// headline.
func approvedCampaign(t *testing.T, ctx context.Context, a *app.App, name string, n int, headline string) (int64, []int64) {
	t.Helper()
	c, err := a.Campaigns.CreateCampaign(ctx, campaigns.CampaignInput{Name: name, Type: campaigns.TypeSearch, BudgetMicros: 20_000_000, Currency: "EUR",
		Languages: []string{"de"}, Locations: []string{"DE"}, FinalURL: "https://www.reifen-mueller.example/"})
	if err != nil {
		t.Fatal(err)
	}
	var ads []int64
	for i := 1; i <= n; i++ {
		g, err := a.Campaigns.CreateAdGroup(ctx, campaigns.AdGroupInput{CampaignID: c.ID, Name: fmt.Sprintf("Gruppe %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"winterreifen gruppe " + strconv.Itoa(i), "reifen gruppe " + strconv.Itoa(i)} {
			if _, err := a.Campaigns.CreateKeyword(ctx, campaigns.KeywordInput{AdGroupID: g.ID, Text: k, MatchType: "PHRASE"}); err != nil {
				t.Fatal(err)
			}
		}
		first := fmt.Sprintf("Winterreifen Gruppe %d", i)
		if i == 1 && headline != "" {
			first = headline
		}
		ad, err := a.Campaigns.CreateAd(ctx, campaigns.AdInput{AdGroupID: g.ID, FinalURLs: []string{"https://www.reifen-mueller.example/winter"},
			Headlines:    []campaigns.AdTextInput{{Text: first}, {Text: "Montage inklusive"}, {Text: "Alle Marken auf Lager"}},
			Descriptions: []campaigns.AdTextInput{{Text: "Winterreifen aller Marken mit Montage vor Ort."}, {Text: "Bestellen Sie online, wir montieren in Ihrer Nähe."}}})
		if err != nil {
			t.Fatal(err)
		}
		ads = append(ads, ad.ID)
	}
	for _, ev := range []campaigns.Event{campaigns.EventSubmit, campaigns.EventApprove} {
		cur, err := a.Campaigns.GetCampaign(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Campaigns.Transition(ctx, c.ID, ev, cur.Version); err != nil {
			t.Fatal(err)
		}
	}
	return c.ID, ads
}

// The command line's dry run prints the plan and each problem at our entity
// and field and exits 1; fixed, it exits 0; the publish then prints its steps
// and the result and exits 0.
func TestPublishCommandDryRunAndPublish(t *testing.T) {
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			dir, url, d := migratedDatabase(t, ctx, engine)
			a, err := app.New(ctx, d, app.Options{DataDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			id, ads := approvedCampaign(t, ctx, a, "Winter CLI", 2, "{KeyWord:Winterreifen günstig kaufen}")
			googleadsEnv(t, nil)
			t.Setenv("IMAPHUB_DATA_DIR", dir)
			t.Setenv("IMAPHUB_DATABASE_URL", url)
			t.Setenv("IMAPHUB_LOG_LEVEL", "warn")
			campaign := strconv.FormatInt(id, 10)

			out, errOut, code := runCLI(t, "publish", "--campaign", campaign, "--customer", "111-111-1111", "--validate-only", "--lang", "de")
			for _, want := range []string{
				`Account 111-111-1111 "Reifen Müller" chosen for campaign ` + campaign,
				"Dry run of campaign " + campaign + " in account 111-111-1111: 12 operations (create 1 budget, 1 campaign, 1 language, 1 location, 2 ad groups, 4 keywords, 2 ads)",
				`  2. ad group "Gruppe 1": 4 operations`,
				"Problems (1):",
				fmt.Sprintf(`  Anzeige %d, headlines[0]: zu lang für Google Ads (adError.TOO_LONG) — "{KeyWord:Winterreifen günstig kaufen}"`, ads[0]),
			} {
				if !strings.Contains(out, want) {
					t.Errorf("dry run output lacks %q:\n%s%s", want, out, errOut)
				}
			}
			if code != 1 {
				t.Errorf("dry run with a problem exits %d", code)
			}

			if _, err := a.Campaigns.Transition(ctx, id, campaigns.EventReopen, versionOf(t, ctx, a, id)); err != nil {
				t.Fatal(err)
			}
			ad, err := a.Campaigns.GetAd(ctx, ads[0])
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Campaigns.ReplaceAdTexts(ctx, ad.ID, ad.Version, campaigns.AdTexts{
				Headlines:    []campaigns.AdTextInput{{Text: "Winterreifen günstig kaufen"}, {Text: "Montage inklusive"}, {Text: "Alle Marken auf Lager"}},
				Descriptions: []campaigns.AdTextInput{{Text: "Winterreifen aller Marken mit Montage vor Ort."}, {Text: "Bestellen Sie online, wir montieren in Ihrer Nähe."}}}); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Campaigns.Transition(ctx, id, campaigns.EventApprove, versionOf(t, ctx, a, id)); err != nil {
				t.Fatal(err)
			}
			out, errOut, code = runCLI(t, "publish", "--campaign", campaign, "--validate-only")
			if code != 0 || !strings.Contains(out, "Google Ads accepts every change.") {
				t.Errorf("dry run of the fixed campaign: exit %d\n%s%s", code, out, errOut)
			}

			out, errOut, code = runCLI(t, "publish", "--campaign", campaign)
			for _, want := range []string{
				`Publishing campaign ` + campaign + ` "Winter CLI"`,
				"  Publishing 1/3: campaign Winter CLI",
				"  Publishing 3/3: ad group Gruppe 2",
				"Published: campaign " + campaign + " is paused (PAUSED at Google Ads) in account 111-111-1111.",
				"12 operations: create 1 budget, 1 campaign, 1 language, 1 location, 2 ad groups, 4 keywords, 2 ads",
				"Google Ads: https://ads.google.com/aw/campaigns?campaignId=",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("publish output lacks %q:\n%s%s", want, out, errOut)
				}
			}
			if code != 0 {
				t.Errorf("publish exits %d\n%s", code, errOut)
			}
			// Published, it cannot be published again until edited.
			if _, errOut, code := runCLI(t, "publish", "--campaign", campaign); code != 1 || !strings.Contains(errOut, "not allowed while the campaign is paused") {
				t.Errorf("second publish: exit %d: %s", code, errOut)
			}
		})
	}
}

// Without credentials the command says what to set and exits 2.
func TestPublishCommandWithoutGoogleAds(t *testing.T) {
	googleadsEnv(t, map[string]string{"IMAPHUB_GOOGLEADS_REFRESH_TOKEN": ""})
	_, errOut, code := runCLI(t, "publish", "--campaign", "1")
	if code != 2 || !strings.Contains(errOut, "Google Ads is not connected: set IMAPHUB_GOOGLEADS_REFRESH_TOKEN") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

func versionOf(t *testing.T, ctx context.Context, a *app.App, id int64) int64 {
	t.Helper()
	c, err := a.Campaigns.GetCampaign(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Version
}
