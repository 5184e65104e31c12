package assets_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/demo"
	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
	"github.com/imaphub/imaphub/internal/platform/server"
)

// benchConfig is the data set of BenchmarkWhereUsed: a tenth of the
// acceptance set by default, the full set with IMAPHUB_BENCH_SCALE=large.
// The hot asset is the same in both: 1,000 ads across 300 ad groups.
func benchConfig() (demo.LargeConfig, string) {
	if os.Getenv("IMAPHUB_BENCH_SCALE") == "large" {
		return demo.DefaultLargeConfig(), "large"
	}
	return demo.LargeConfig{Assets: 100_000, Campaigns: 100, AdGroups: 10_000, Links: 200_000, KeywordsPerAdGroup: 5, HotAds: 1_000, HotAdGroups: 300}, "small"
}

// BenchmarkWhereUsed measures the where-used answer of the hot asset and
// reports p50 and p99 per call: the first page of every list with the counts
// read right after a graph change (the cache is empty: every call pays the
// query), from the cache, through HTTP, and a next page of the ads and of the
// keywords. Acceptance bar at the large scale: the first read after a graph
// change p99 ≤ 2 ms on both engines, at the default page size.
func BenchmarkWhereUsed(b *testing.B) {
	cfg, scale := benchConfig()
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		b.Run(string(engine)+"/"+scale, func(b *testing.B) {
			ctx := context.Background()
			d := dbtest.Open(b, engine)
			start := time.Now()
			res, err := demo.GenerateLarge(ctx, d, cfg, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: generated %d assets, %d ad groups, %d links in %s", engine, res.Assets, res.AdGroups, res.Links, time.Since(start).Round(time.Second))
			s := assets.NewService(d, b.TempDir())
			u, err := s.WhereUsed(ctx, res.HotAssetID)
			if err != nil || u.Counts.Ads != cfg.HotAds || u.Counts.AdGroups != cfg.HotAdGroups || u.Next.Ads == "" || u.Next.Keywords == "" {
				b.Fatalf("hot asset usage %+v, %v", u.Counts, err)
			}
			doc, _ := s.WhereUsedJSON(ctx, res.HotAssetID, assets.DefaultUsageLimit)
			b.Logf("%s: first answer %d bytes", engine, len(doc))

			// A graph change the hot asset's answer shows: one of its ad
			// groups is renamed, which moves the graph epoch.
			group := u.AdGroups[0].ID
			rename := 0
			change := func() {
				rename++
				err := d.InTx(ctx, func(tx db.Conn) error {
					_, err := tx.Exec(ctx, `UPDATE ad_groups SET name = ? WHERE id = ?`, fmt.Sprintf("Hot ad group, renamed %d", rename), group)
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.Run("uncached", func(b *testing.B) {
				latencies(b, nil, func() error {
					_, err := assets.UsageFirst(ctx, d, res.HotAssetID, assets.DefaultUsageLimit)
					return err
				})
			})
			b.Run("first-read-after-change", func(b *testing.B) {
				latencies(b, change, func() error { _, err := s.WhereUsedJSON(ctx, res.HotAssetID, assets.DefaultUsageLimit); return err })
			})
			// The same at twice the default page size, whose cost follows
			// the rows it reads.
			b.Run("first-read-after-change-limit-50", func(b *testing.B) {
				latencies(b, change, func() error { _, err := s.WhereUsedJSON(ctx, res.HotAssetID, 50); return err })
			})
			b.Run("cached", func(b *testing.B) {
				latencies(b, nil, func() error { _, err := s.WhereUsedJSON(ctx, res.HotAssetID, assets.DefaultUsageLimit); return err })
			})
			b.Run("next-page-ads", func(b *testing.B) {
				latencies(b, nil, func() error {
					_, err := s.UsageAds(ctx, res.HotAssetID, u.Next.Ads, assets.DefaultUsageLimit)
					return err
				})
			})
			b.Run("next-page-keywords", func(b *testing.B) {
				latencies(b, nil, func() error {
					_, err := s.UsageKeywords(ctx, res.HotAssetID, u.Next.Keywords, assets.DefaultUsageLimit)
					return err
				})
			})
			b.Run("http", func(b *testing.B) {
				srv := server.New(server.Config{})
				assets.RegisterRoutes(srv.API, s)
				hs := httptest.NewServer(srv.Handler())
				defer hs.Close()
				url := fmt.Sprintf("%s/api/assets/%d/usage", hs.URL, res.HotAssetID)
				latencies(b, nil, func() error {
					resp, err := http.Get(url)
					if err != nil {
						return err
					}
					defer resp.Body.Close()
					if _, err := io.Copy(io.Discard, resp.Body); err != nil {
						return err
					}
					if resp.StatusCode != http.StatusOK {
						return fmt.Errorf("status %d", resp.StatusCode)
					}
					return nil
				})
			})
		})
	}
}

// latencies runs call in b.Loop and reports the median and 99th percentile
// of call alone; before, when set, runs untimed ahead of each call.
func latencies(b *testing.B, before func(), call func() error) {
	var ds []time.Duration
	for b.Loop() {
		if before != nil {
			b.StopTimer()
			before()
			b.StartTimer()
		}
		t := time.Now()
		if err := call(); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t))
	}
	slices.Sort(ds)
	pct := func(p float64) float64 { return float64(ds[int(float64(len(ds)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
