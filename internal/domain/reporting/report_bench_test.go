package reporting_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/demo"
	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/domain/reporting"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// benchToday is the day the benchmark data sets end before.
var benchToday = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// metricsBenchConfig is the data set of BenchmarkReports: the acceptance set
// of `imaphub demo --scale metrics` (10,000,000 rows) with
// IMAPHUB_BENCH_SCALE=large, otherwise about 1,400,000 rows over a tenth of
// its campaigns (the hot asset in the same 1,000 ads, 90 days).
func metricsBenchConfig() (demo.MetricsScaleConfig, string) {
	if os.Getenv("IMAPHUB_BENCH_SCALE") == "large" {
		return demo.DefaultMetricsScaleConfig(), "large"
	}
	return demo.MetricsScaleConfig{
		Graph:           demo.LargeConfig{Assets: 20_000, Campaigns: 20, AdGroups: 2_000, Links: 2_000 * 4 * campaigns.LinksPerAd, KeywordsPerAdGroup: 5, HotAds: 1_000, HotAdGroups: 300},
		ServingAdGroups: 13, Rows: 1_000_000, MinDays: 90,
	}, "small"
}

// BenchmarkReports generates the metrics data set on each engine (reporting
// the rows and rows per second), then measures the three dashboard
// questions over the last 90 days, in the service and through the HTTP API,
// and reports p50 and p95 per call. The bar at the large scale: p95 ≤ 50 ms.
//
//   - series: a campaign's daily series (the campaign report: totals and 90
//     points) of the first campaign;
//   - ranking: the asset ranking of that campaign (top 10 per field type);
//   - places: the hot asset's report: totals, series and its 1,000 places.
func BenchmarkReports(b *testing.B) {
	cfg, scale := metricsBenchConfig()
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		b.Run(string(engine)+"/"+scale, func(b *testing.B) {
			ctx := context.Background()
			d := dbtest.Open(b, engine)
			res, err := demo.GenerateMetrics(ctx, d, cfg, benchToday, nil)
			if err != nil {
				b.Fatal(err)
			}
			m := res.Metrics
			rows := m.Rows + m.AssetRows
			b.Run("generate", func(b *testing.B) {
				b.ReportMetric(float64(rows), "rows")
				b.ReportMetric(float64(int(m.To-m.From)+1), "days")
				b.ReportMetric(res.MetricsTook.Seconds(), "s")
				b.ReportMetric(float64(rows)/res.MetricsTook.Seconds(), "rows/s")
				b.ReportMetric(res.GraphTook.Seconds(), "s-graph")
			})
			s := reporting.NewService(d)
			r, err := reporting.RangeOf(m.To-89, m.To)
			if err != nil {
				b.Fatal(err)
			}
			campaign, hot := res.FirstCampaign, res.Graph.HotAssetID
			q := reporting.ReportQuery{Range: r, Interval: reporting.Daily}

			// The answers are complete before anything is timed.
			rep, err := s.CampaignReport(ctx, campaign, q)
			if err != nil || len(rep.Series) != 90 || rep.Totals.Impressions == 0 {
				b.Fatalf("campaign report: %d points, %d impressions, %v", len(rep.Series), rep.Totals.Impressions, err)
			}
			ranking, err := s.CampaignAssets(ctx, campaign, reporting.AssetRankQuery{Range: r})
			if err != nil || len(ranking) == 0 {
				b.Fatalf("asset ranking: %d rows, %v", len(ranking), err)
			}
			places, err := s.AssetReport(ctx, hot, q)
			if err != nil || len(places.Places) != cfg.Graph.HotAds || places.Totals.Impressions == 0 {
				b.Fatalf("hot asset: %d places (want %d), %v", len(places.Places), cfg.Graph.HotAds, err)
			}
			table, err := s.Assets(ctx, reporting.AssetsQuery{Range: r})
			if err != nil || len(table) == 0 {
				b.Fatalf("asset table: %d rows, %v", len(table), err)
			}
			b.Run("assets", func(b *testing.B) { b.ReportMetric(float64(len(table)), "rows") })

			calls := []struct {
				name string
				call func() error
				path string
			}{
				{"series", func() error { _, err := s.CampaignReport(ctx, campaign, q); return err },
					fmt.Sprintf("/api/campaigns/%d/report?from=%s&to=%s", campaign, r.From, r.To)},
				{"ranking", func() error {
					_, err := s.CampaignAssets(ctx, campaign, reporting.AssetRankQuery{Range: r})
					return err
				},
					fmt.Sprintf("/api/campaigns/%d/report/assets?from=%s&to=%s", campaign, r.From, r.To)},
				{"places", func() error { _, err := s.AssetReport(ctx, hot, q); return err },
					fmt.Sprintf("/api/assets/%d/report?from=%s&to=%s", hot, r.From, r.To)},
				// Every asset's totals per field type (the asset library's
				// figures), summed from every place's running sums.
				{"asset table", func() error { _, err := s.Assets(ctx, reporting.AssetsQuery{Range: r}); return err },
					fmt.Sprintf("/api/reports/assets?from=%s&to=%s", r.From, r.To)},
			}
			for _, c := range calls {
				b.Run(c.name+"/service", func(b *testing.B) { percentiles(b, c.call) })
			}
			e := apptest.Start(b, d)
			client := &http.Client{}
			for _, c := range calls {
				b.Run(c.name+"/http", func(b *testing.B) {
					percentiles(b, func() error { _, err := get(client, e.Server.URL+c.path, e.Tokens[auth.Viewer]); return err })
				})
			}
		})
	}
}

// percentiles runs call in b.Loop and reports the median and 95th
// percentile per call.
func percentiles(b *testing.B, call func() error) {
	var ds []time.Duration
	for b.Loop() {
		t := time.Now()
		if err := call(); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t))
	}
	slices.Sort(ds)
	pct := func(p float64) float64 { return float64(ds[int(float64(len(ds)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
}

// get fetches url with a bearer token and returns the body of a 200.
func get(c *http.Client, url, token string) ([]byte, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %d %s", url, resp.StatusCode, body)
	}
	return body, nil
}

// BenchmarkReportJSONThroughput serves a 1,000-row report (a campaign's
// 1,000 keywords with their totals over 30 days) through the product's HTTP
// API — sign-in by API token, the query, huma's JSON — and the same bytes
// from a bare net/http server encoding the same rows with encoding/json, in
// the same run with the same load: clients concurrent clients with
// keep-alive connections for a fixed time each. It reports both request
// rates and their ratio (the bar: ≥ 0.5).
func BenchmarkReportJSONThroughput(b *testing.B) {
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			ctx := context.Background()
			d := dbtest.Open(b, engine)
			// One campaign of 250 ad groups with 4 keywords each that serve
			// (the fifth is negative), 30 days.
			cfg := demo.MetricsScaleConfig{
				Graph:           demo.LargeConfig{Assets: 2_000, Campaigns: 1, AdGroups: 250, Links: 250 * campaigns.LinksPerAd, KeywordsPerAdGroup: 5, HotAds: 1, HotAdGroups: 1},
				ServingAdGroups: 250, Rows: 1, MinDays: 30,
			}
			res, err := demo.GenerateMetrics(ctx, d, cfg, benchToday, nil)
			if err != nil {
				b.Fatal(err)
			}
			m := res.Metrics
			e := apptest.Start(b, d)
			path := fmt.Sprintf("/api/campaigns/%d/report/rows?level=keyword&from=%s&to=%s", res.FirstCampaign, m.From, m.To)
			token := e.Tokens[auth.Viewer]
			clients := 4 * runtime.GOMAXPROCS(0)
			hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}}
			product, err := get(hc, e.Server.URL+path, token)
			if err != nil {
				b.Fatal(err)
			}
			var report reporting.RowsOf[reporting.EntityRow]
			if err := json.Unmarshal(product, &report); err != nil || len(report.Rows) != 1_000 {
				b.Fatalf("%d rows, %v", len(report.Rows), err)
			}
			bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if err := json.NewEncoder(w).Encode(report); err != nil {
					b.Error(err)
				}
			}))
			defer bare.Close()
			same, err := get(hc, bare.URL, "")
			if err != nil {
				b.Fatal(err)
			}
			if !bytes.Equal(bytes.TrimSpace(same), bytes.TrimSpace(product)) {
				b.Fatalf("the bare server's %d bytes differ from the product's %d", len(same), len(product))
			}
			b.Logf("%s: %d rows, %d bytes, %d clients", engine, len(report.Rows), len(product), clients)
			// What the query alone takes, one at a time: the share of a
			// request's time that is the database's.
			r, err := reporting.RangeOf(m.From, m.To)
			if err != nil {
				b.Fatal(err)
			}
			var query []time.Duration
			for range 20 {
				t := time.Now()
				if _, err := e.App.Reports.CampaignRows(ctx, res.FirstCampaign, reporting.LevelKeyword, r); err != nil {
					b.Fatal(err)
				}
				query = append(query, time.Since(t))
			}
			slices.Sort(query)
			var productRate, bareRate float64
			for b.Loop() {
				productRate = load(b, hc, e.Server.URL+path, token, clients, 2*time.Second)
				bareRate = load(b, hc, bare.URL, "", clients, 2*time.Second)
			}
			b.ReportMetric(float64(query[len(query)/2].Microseconds())/1000, "query-p50-ms")
			b.ReportMetric(productRate, "api-req/s")
			b.ReportMetric(bareRate, "bare-req/s")
			b.ReportMetric(productRate/bareRate, "ratio")
		})
	}
}

// load has clients goroutines fetch url back to back for d and returns the
// completed requests per second.
func load(b *testing.B, c *http.Client, url, token string, clients int, d time.Duration) float64 {
	var done atomic.Int64
	var wg sync.WaitGroup
	deadline := time.Now().Add(d)
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				if _, err := get(c, url, token); err != nil {
					b.Error(err)
					return
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	return float64(done.Load()) / time.Since(start).Seconds()
}
