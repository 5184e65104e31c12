package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/imaphub/imaphub/internal/app"
	"github.com/imaphub/imaphub/internal/demo"
)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	scale := fs.String("scale", "small", "small: the demo account with its metrics; large: the where-used benchmark data set (1,000,000 assets, 100,000 ad groups, 2,000,000 links); "+
		"metrics: the reports benchmark data set (10,000,000 daily metric rows over 200 campaigns, 20,000 ad groups, 400,000 asset places)")
	if ok, code := flags(fs, args, stderr); !ok {
		return code
	}
	if *scale != "small" && *scale != "large" && *scale != "metrics" {
		fmt.Fprintf(stderr, "imaphub demo: --scale=%q: want small, large or metrics\n", *scale)
		return 2
	}
	a, err := openApp(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "imaphub demo:", err)
		return 1
	}
	defer a.DB.Close()
	if *scale == "large" {
		start := time.Now()
		res, err := demo.GenerateLarge(ctx, a.DB, demo.DefaultLargeConfig(), func(msg string) { fmt.Fprintln(stderr, msg) })
		if err != nil {
			fmt.Fprintln(stderr, "imaphub demo --scale large:", err)
			return 1
		}
		fmt.Fprintf(stdout, "generated the large data set in %s; the hot asset is %d (GET /api/assets/%d/usage)\n", time.Since(start).Round(time.Second), res.HotAssetID, res.HotAssetID)
		return 0
	}
	if *scale == "metrics" {
		res, err := demo.GenerateMetrics(ctx, a.DB, demo.DefaultMetricsScaleConfig(), time.Now(), func(msg string) { fmt.Fprintln(stderr, msg) })
		if err != nil {
			fmt.Fprintln(stderr, "imaphub demo --scale metrics:", err)
			return 1
		}
		m := res.Metrics
		fmt.Fprintf(stdout, "generated %d metric rows (%d entity, %d asset; %d a day) for %s to %s in %s (%.0f rows/s), after the graph in %s; campaigns %d–%d, the hot asset is %d (GET /api/assets/%d/report)\n",
			m.Rows+m.AssetRows, m.Rows, m.AssetRows, m.PerDay, m.From, m.To, res.MetricsTook.Round(time.Second), float64(m.Rows+m.AssetRows)/res.MetricsTook.Seconds(),
			res.GraphTook.Round(time.Second), res.FirstCampaign, res.LastCampaign, res.Graph.HotAssetID, res.Graph.HotAssetID)
		return 0
	}
	empty, err := demo.Empty(ctx, a.DB)
	if err != nil {
		fmt.Fprintln(stderr, "imaphub demo:", err)
		return 1
	}
	if !empty {
		fmt.Fprintln(stderr, "imaphub demo: the database already holds campaigns; the demo account loads only into an empty database")
		return 1
	}
	sum, err := demo.Load(ctx, a.Campaigns, a.Assets)
	if err != nil {
		fmt.Fprintln(stderr, "imaphub demo:", err)
		return 1
	}
	fmt.Fprintf(stdout, "loaded the demo account: %d campaigns, %d ad groups, %d keywords, %d ads, %d asset groups, %d asset links\n",
		sum.Campaigns, sum.AdGroups, sum.Keywords, sum.Ads, sum.AssetGroups, sum.Links)
	m, err := demo.LoadMetrics(ctx, a.Campaigns, a.Reports, time.Now())
	if err != nil {
		fmt.Fprintln(stderr, "imaphub demo:", err)
		return 1
	}
	fmt.Fprintf(stdout, "loaded demo metrics: %d rows, %s to %s\n", m.Rows, m.From, m.To)
	return 0
}

// loadDemoIfEmpty loads the demo account when the database has no campaign,
// and the demo metrics up to yesterday whenever the demo campaigns are there
// (a database the demo was loaded into days ago gets the days since; the
// days loaded before stay as they were).
func loadDemoIfEmpty(ctx context.Context, a *app.App) (bool, error) {
	empty, err := demo.Empty(ctx, a.DB)
	if err != nil {
		return false, err
	}
	if empty {
		if _, err := demo.Load(ctx, a.Campaigns, a.Assets); err != nil {
			return false, err
		}
	}
	if _, err := demo.LoadMetrics(ctx, a.Campaigns, a.Reports, time.Now()); err != nil {
		return false, err
	}
	return empty, nil
}
