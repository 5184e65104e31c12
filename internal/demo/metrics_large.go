package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/imaphub/imaphub/internal/domain/reporting"
	"github.com/imaphub/imaphub/internal/platform/db"
)

// MetricsScaleConfig sizes the reporting benchmark data set: a where-used
// graph (campaigns, ad groups, keywords, ads and their texts) and Rows daily
// metric rows over it, mostly keyword, ad and asset facts (see
// reporting.LargeMetrics for which entities serve).
type MetricsScaleConfig struct {
	Graph           LargeConfig
	ServingAdGroups int   // per campaign, besides those of the hot asset
	Rows            int64 // at least this many rows (whole days)
	MinDays         int   // at least this many days
}

// LargeMetricsCustomer is the made-up account of the benchmark data set.
const LargeMetricsCustomer = "555-000-1000"

// DefaultMetricsScaleConfig is the acceptance data set of the reports:
// 10,000,000 rows over 200 campaigns of 100 ad groups (4 ads, 5 keywords,
// 20 text places each), of which 13 per campaign serve, plus the 300 ad
// groups whose 1,000 ads use the hot asset: about 83,000 rows a day over
// 121 days.
func DefaultMetricsScaleConfig() MetricsScaleConfig {
	return MetricsScaleConfig{
		Graph:           LargeConfig{Assets: 200_000, Campaigns: 200, AdGroups: 20_000, Links: 400_000, KeywordsPerAdGroup: 5, HotAds: 1_000, HotAdGroups: 300},
		ServingAdGroups: 13, Rows: 10_000_000, MinDays: 90,
	}
}

// MetricsScaleResult says what GenerateMetrics wrote and what to query.
type MetricsScaleResult struct {
	Graph                       LargeResult
	Metrics                     reporting.LargeMetricsResult
	Customer                    string
	FirstCampaign, LastCampaign int64
	// GraphTook and MetricsTook are how long the graph and the metrics took.
	GraphTook, MetricsTook time.Duration
}

// GenerateMetrics adds the reporting benchmark data set to d, next to
// whatever is there: the where-used graph, then its metrics up to the day
// before today, marked as demo data.
func GenerateMetrics(ctx context.Context, d *db.DB, cfg MetricsScaleConfig, today time.Time, progress func(string)) (MetricsScaleResult, error) {
	if progress == nil {
		progress = func(string) {}
	}
	before, err := d.MaxID(ctx, "campaigns")
	if err != nil {
		return MetricsScaleResult{}, err
	}
	res := MetricsScaleResult{Customer: LargeMetricsCustomer, FirstCampaign: before + 1, LastCampaign: before + int64(cfg.Graph.Campaigns)}
	start := time.Now()
	if res.Graph, err = GenerateLarge(ctx, d, cfg.Graph, progress); err != nil {
		return res, err
	}
	res.GraphTook = time.Since(start)
	start = time.Now()
	err = d.BulkLoad(ctx, func() error {
		var err error
		res.Metrics, err = reporting.WriteLargeMetrics(ctx, d, reporting.LargeMetrics{
			Customer: LargeMetricsCustomer, FirstCampaign: res.FirstCampaign, LastCampaign: res.LastCampaign,
			ServingAdGroups: cfg.ServingAdGroups, HotAsset: res.Graph.HotAssetID, Rows: cfg.Rows, MinDays: cfg.MinDays,
			LastDay: reporting.DayOf(today) - 1,
		}, progress)
		return err
	})
	if err != nil {
		return res, fmt.Errorf("metrics data set: %w", err)
	}
	res.MetricsTook = time.Since(start)
	return res, nil
}
