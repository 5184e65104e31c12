package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/domain/reporting"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/googleads"
	"github.com/imaphub/imaphub/internal/platform/googleads/googleadstest"
)

// campaignTotals sums the fake's campaign rows of the days, from its
// generator.
func campaignTotals(t *testing.T, srv *googleadstest.Server, from, to string) googleadstest.Metrics {
	t.Helper()
	env := srv.Env()
	c, err := googleads.New(googleads.Config{APIURL: env[googleads.EnvAPIURL], APIVersion: env[googleads.EnvAPIVersion], TokenURL: env[googleads.EnvTokenURL],
		ClientID: env[googleads.EnvClientID], ClientSecret: env[googleads.EnvClientSecret], RefreshToken: env[googleads.EnvRefreshToken],
		LoginCustomerID: env[googleads.EnvLoginCustomerID], DeveloperToken: env[googleads.EnvDeveloperToken], CallTimeout: 10 * time.Second},
		googleads.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Search(context.Background(), googleadstest.ClientAccountID, "SELECT campaign.id FROM campaign")
	if err != nil {
		t.Fatal(err)
	}
	var sum googleadstest.Metrics
	start, _ := reporting.ParseDay(from)
	end, _ := reporting.ParseDay(to)
	for _, r := range res.Rows {
		for d := start; d <= end; d++ {
			m := googleadstest.DailyMetrics(r.Campaign.ResourceName, d.String())
			sum.Impressions += m.Impressions
			sum.Clicks += m.Clicks
			sum.Conversions += m.Conversions
		}
	}
	return sum
}

// The command downloads a range, prints each day and the totals Google
// reported, and a second run changes nothing; a refusal by Google exits 1
// with Google's error and the fix; bad usage and a missing connection exit
// 2 naming what to give.
func TestReportsDownloadCommand(t *testing.T) {
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			dir, url, _ := migratedDatabase(t, ctx, engine)
			srv := googleadsEnv(t, nil)
			srv.Populate(googleadstest.ClientAccountID, googleadstest.Population{SearchCampaigns: 2, AdGroups: 2, Keywords: 2, PMaxCampaigns: 1, AssetGroups: 1})
			t.Setenv("IMAPHUB_DATA_DIR", dir)
			t.Setenv("IMAPHUB_DATABASE_URL", url)
			t.Setenv("IMAPHUB_LOG_LEVEL", "warn")
			want := campaignTotals(t, srv, "2026-11-01", "2026-11-03")

			out, errOut, code := runCLI(t, "reports", "download", "--customer", "111-111-1111", "--from", "2026-11-01", "--to", "2026-11-03")
			if code != 0 {
				t.Fatalf("exit %d\n%s%s", code, out, errOut)
			}
			var rows int
			if _, err := fmt.Sscanf(out[strings.Index(out, "Downloaded "):], "Downloaded %d rows", &rows); err != nil || rows == 0 {
				t.Fatalf("no row count: %v\n%s", err, out)
			}
			for _, w := range []string{
				"Downloading reports of 111-111-1111, 2026-11-01 … 2026-11-03 (3 days).",
				"  1/3 2026-11-01: ", "  3/3 2026-11-03: ",
				fmt.Sprintf("Downloaded %d rows (%d new or changed)", rows, rows),
				"  keyword ", "  ad_asset ", "  asset_group_asset ",
				fmt.Sprintf("Campaign totals: %d impressions, %d clicks, cost ", want.Impressions, want.Clicks),
				fmt.Sprintf(", %g conversions", want.Conversions),
			} {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			out, _, code = runCLI(t, "reports", "download", "--customer", "1111111111", "--from", "2026-11-01", "--to", "2026-11-03")
			if code != 0 || !strings.Contains(out, fmt.Sprintf("Downloaded %d rows (0 new or changed)", rows)) {
				t.Errorf("second run: exit %d\n%s", code, out)
			}

			_, errOut, code = runCLI(t, "reports", "download", "--customer", "9999999999", "--from", "2026-11-01", "--to", "2026-11-01")
			if code != 1 || !strings.Contains(errOut, "imaphub reports download: download campaign of 2026-11-01 for customer 9999999999: googleads: googleAds:searchStream: 401 UNAUTHENTICATED: authenticationError.CUSTOMER_NOT_FOUND") ||
				!strings.Contains(errOut, "fix: ") {
				t.Errorf("refused account: exit %d\n%s", code, errOut)
			}
			for _, tc := range []struct {
				args []string
				want string
			}{
				{[]string{"--customer", "1111111111", "--to", "2026-11-01"}, "--from: give the day as YYYY-MM-DD"},
				{[]string{"--customer", "1111111111", "--from", "2026-11-03", "--to", "2026-11-01"}, "--to: is before from"},
				{[]string{"--customer", "11", "--from", "2026-11-01", "--to", "2026-11-01"}, "--customer: a Google Ads customer id is ten digits"},
				{[]string{"--customer", "1111111111", "--from", "2026-11-01", "--to", "2026-11-01", "--levels", "campaign,device"}, "--levels[1]: unknown level"},
				{[]string{"--from", "2026-11-01", "--to", "2026-11-01"}, "--customer: give the account"},
			} {
				_, errOut, code := runCLI(t, append([]string{"reports", "download"}, tc.args...)...)
				if code != 2 || !strings.Contains(errOut, tc.want) {
					t.Errorf("%v: exit %d, %s", tc.args, code, errOut)
				}
			}
			t.Setenv("IMAPHUB_REPORTS_LOOKBACK_DAYS", "a week")
			_, errOut, code = runCLI(t, "reports", "download", "--customer", "1111111111", "--from", "2026-11-01", "--to", "2026-11-01")
			if code != 2 || !strings.Contains(errOut, `IMAPHUB_REPORTS_LOOKBACK_DAYS="a week": want whole days from 0 to 90`) {
				t.Errorf("bad lookback setting: exit %d, %s", code, errOut)
			}
			t.Setenv("IMAPHUB_REPORTS_LOOKBACK_DAYS", "")
			t.Setenv("IMAPHUB_GOOGLEADS_CLIENT_ID", "")
			_, errOut, code = runCLI(t, "reports", "download", "--customer", "1111111111", "--from", "2026-11-01", "--to", "2026-11-01")
			if code != 2 || !strings.Contains(errOut, "IMAPHUB_GOOGLEADS_CLIENT_ID") {
				t.Errorf("not connected: exit %d, %s", code, errOut)
			}
		})
	}
}
