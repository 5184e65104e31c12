package demo

import (
	"context"

	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/platform/db"
)

// LargeConfig sizes the where-used data set: a library of Assets texts and
// campaigns over it whose ads use them (see campaigns.LargeGraph).
type LargeConfig struct {
	Assets             int // default 1,000,000
	Campaigns          int // default 1,000
	AdGroups           int // default 100,000
	Links              int // default 2,000,000; a multiple of campaigns.LinksPerAd × AdGroups
	KeywordsPerAdGroup int // default 5
	HotAds             int // default 1,000
	HotAdGroups        int // default 300
}

// DefaultLargeConfig is the acceptance data set of the where-used graph.
func DefaultLargeConfig() LargeConfig {
	return LargeConfig{Assets: 1_000_000, Campaigns: 1_000, AdGroups: 100_000, Links: 2_000_000, KeywordsPerAdGroup: 5, HotAds: 1_000, HotAdGroups: 300}
}

// LargeResult says what GenerateLarge wrote and which asset to query.
type LargeResult struct {
	HotAssetID                                        int64
	Campaigns, AdGroups, Keywords, Ads, Assets, Links int
}

func (c LargeConfig) graph(firstAsset int64) campaigns.LargeGraph {
	return campaigns.LargeGraph{FirstAsset: firstAsset, Assets: c.Assets, Campaigns: c.Campaigns, AdGroups: c.AdGroups, Links: c.Links,
		KeywordsPerAdGroup: c.KeywordsPerAdGroup, HotAds: c.HotAds, HotAdGroups: c.HotAdGroups}
}

// Check refuses shapes that cannot be built.
func (c LargeConfig) Check() error { return c.graph(1).Check() }

// GenerateLarge adds the where-used data set to d, next to whatever is
// there: the library writes the assets, the campaigns slice the campaigns,
// ad groups, keywords, ads and links over them. The hot asset is the first.
func GenerateLarge(ctx context.Context, d *db.DB, cfg LargeConfig, progress func(string)) (LargeResult, error) {
	if err := cfg.Check(); err != nil {
		return LargeResult{}, err
	}
	var first int64
	err := d.BulkLoad(ctx, func() error {
		var err error
		if first, err = assets.WriteLargeLibrary(ctx, d, cfg.Assets, progress); err != nil {
			return err
		}
		return assets.BulkLinks(ctx, d, func() error { return campaigns.WriteLargeGraph(ctx, d, cfg.graph(first), progress) })
	})
	if err != nil {
		return LargeResult{}, err
	}
	return LargeResult{
		HotAssetID: first,
		Campaigns:  cfg.Campaigns, AdGroups: cfg.AdGroups, Keywords: cfg.AdGroups * cfg.KeywordsPerAdGroup,
		Ads: cfg.Links / campaigns.LinksPerAd, Assets: cfg.Assets, Links: cfg.Links,
	}, nil
}
