package campaigns_test

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// seedTree builds a campaign of groups ad groups, each with keywords keywords
// and ads responsive search ads of 15 headlines and 4 descriptions.
func seedTree(tb testing.TB, s *campaigns.Service, groups, keywords, ads int) int64 {
	tb.Helper()
	ctx := context.Background()
	c, err := s.CreateCampaign(ctx, campaigns.CampaignInput{Name: "Tree benchmark", Type: campaigns.TypeSearch, BudgetMicros: 1, Currency: "EUR"})
	if err != nil {
		tb.Fatal(err)
	}
	for g := 0; g < groups; g++ {
		ag, err := s.CreateAdGroup(ctx, campaigns.AdGroupInput{CampaignID: c.ID, Name: fmt.Sprintf("Gruppe %d", g)})
		if err != nil {
			tb.Fatal(err)
		}
		for k := 0; k < keywords; k++ {
			if _, err := s.CreateKeyword(ctx, campaigns.KeywordInput{AdGroupID: ag.ID, Text: fmt.Sprintf("winterreifen %d %d", g, k), MatchType: "PHRASE"}); err != nil {
				tb.Fatal(err)
			}
		}
		for a := 0; a < ads; a++ {
			in := campaigns.AdInput{AdGroupID: ag.ID, FinalURLs: []string{"https://example.com/"}, Status: "ENABLED"}
			for h := 0; h < 15; h++ {
				in.Headlines = append(in.Headlines, campaigns.AdTextInput{Text: fmt.Sprintf("Winterreifen %d-%d-%d", g, a, h)})
			}
			for d := 0; d < 4; d++ {
				in.Descriptions = append(in.Descriptions, campaigns.AdTextInput{Text: fmt.Sprintf("Beschreibung %d-%d-%d mit Text.", g, a, d)})
			}
			if _, err := s.CreateAd(ctx, in); err != nil {
				tb.Fatal(err)
			}
		}
	}
	return c.ID
}

// BenchmarkCampaignTree measures GET /api/campaigns/{id}/tree for 50 ad
// groups × 20 keywords × 3 RSAs (1,000 keywords, 150 ads, 2,850 texts): the
// uncached read, the service call (cached until the graph changes) and the
// whole request through real HTTP (JSON encoding and sign-in included).
func BenchmarkCampaignTree(b *testing.B) {
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			d := dbtest.Open(b, engine)
			e := apptest.Start(b, d)
			id := seedTree(b, e.App.Campaigns, 50, 20, 3)
			ctx := context.Background()
			b.Run("uncached", func(b *testing.B) {
				var lat []time.Duration
				for b.Loop() {
					start := time.Now()
					t, err := campaigns.LoadTree(e.App.Campaigns, ctx, id)
					lat = append(lat, time.Since(start))
					if err != nil || len(t.AdGroups) != 50 {
						b.Fatal(err)
					}
				}
				reportPercentiles(b, lat)
			})
			b.Run("service", func(b *testing.B) {
				var lat []time.Duration
				for b.Loop() {
					start := time.Now()
					t, err := e.App.Campaigns.Tree(ctx, id)
					lat = append(lat, time.Since(start))
					if err != nil || len(t.AdGroups) != 50 {
						b.Fatal(err)
					}
				}
				reportPercentiles(b, lat)
			})
			b.Run("http", func(b *testing.B) {
				path := fmt.Sprintf("/api/campaigns/%d/tree", id)
				for b.Loop() {
					e.Must(b, http.StatusOK, "GET", path, nil)
				}
			})
		})
	}
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
