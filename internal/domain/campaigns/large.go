package campaigns

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/db"
)

// LargeGraph shapes the campaigns of the where-used benchmark data set over a
// library of Assets text assets with ids FirstAsset… (the first is the hot
// asset). Every ad uses LinksPerAd of them (the minimum headlines and
// descriptions of a responsive search ad), so Links/LinksPerAd ads are
// spread evenly over the ad groups; the hot asset replaces the first
// headline of HotAds ads in HotAdGroups ad groups spread over the campaigns.
type LargeGraph struct {
	FirstAsset         int64
	Assets             int
	Campaigns          int
	AdGroups           int
	Links              int // a multiple of LinksPerAd × AdGroups
	KeywordsPerAdGroup int
	HotAds             int
	HotAdGroups        int
}

// LinksPerAd is how many texts each ad of the data set uses: the fewest
// headlines and descriptions a valid responsive search ad holds.
var LinksPerAd = policy.RSAFormat.Min(policy.Headline) + policy.RSAFormat.Min(policy.Description)

// Check refuses shapes that cannot be built.
func (g LargeGraph) Check() error {
	per := LinksPerAd
	switch {
	case g.Assets < per+1 || g.Campaigns < 1 || g.AdGroups < g.Campaigns || g.KeywordsPerAdGroup < 0 || g.HotAdGroups < 1 || g.HotAds < g.HotAdGroups:
		return fmt.Errorf("large data set: config %+v: need assets > %d, ad groups ≥ campaigns ≥ 1, hot ads ≥ hot ad groups ≥ 1", g, per)
	case g.Links%(per*g.AdGroups) != 0:
		return fmt.Errorf("large data set: %d links is not a multiple of %d per ad × %d ad groups", g.Links, per, g.AdGroups)
	case g.HotAdGroups > g.AdGroups:
		return fmt.Errorf("large data set: %d hot ad groups but only %d ad groups", g.HotAdGroups, g.AdGroups)
	case (g.HotAds+g.HotAdGroups-1)/g.HotAdGroups > g.Links/per/g.AdGroups:
		return fmt.Errorf("large data set: %d hot ads do not fit in %d ad groups of %d ads", g.HotAds, g.HotAdGroups, g.Links/per/g.AdGroups)
	}
	return nil
}

// largeTables are the tables WriteLargeGraph fills.
var largeTables = []string{"campaigns", "ad_groups", "keywords", "ads", "asset_links"}

// largeChunk is the rows per statement and transaction.
const largeChunk = 100_000

// largeBase is the created_at of generated rows, a literal both engines read
// as a timestamp.
const largeBase = "2026-01-01 00:00:00+00:00"

// WriteLargeGraph adds the campaigns, ad groups, keywords, ads and links of g
// next to whatever is there. Rows are generated inside the database from a
// number series in chunked transactions (db.FillSeries). Run it within
// d.BulkLoad, after the library holds the assets.
func WriteLargeGraph(ctx context.Context, d *db.DB, g LargeGraph, progress func(string)) error {
	if err := g.Check(); err != nil {
		return err
	}
	if progress == nil {
		progress = func(string) {}
	}
	w := &graphWriter{ctx: ctx, d: d, g: g, progress: progress, off: map[string]int64{}}
	for _, t := range largeTables {
		n, err := d.MaxID(ctx, t)
		if err != nil {
			return fmt.Errorf("large data set: %w", err)
		}
		w.off[t] = n
	}
	for _, step := range []func() error{w.campaigns, w.adGroups, w.keywords, w.ads, w.links, w.hot} {
		if err := step(); err != nil {
			return err
		}
	}
	progress("analyze")
	if err := d.AfterBulkLoad(ctx, largeTables...); err != nil {
		return fmt.Errorf("large data set: %w", err)
	}
	return nil
}

type graphWriter struct {
	ctx      context.Context
	d        *db.DB
	g        LargeGraph
	progress func(string)
	off      map[string]int64 // highest id per table before generation
}

// fill runs insert (an INSERT … SELECT … FROM s) for i = 1..n. Placeholders
// {name} in insert are replaced by the offset of table name, {assets} by the
// id before the first asset; integers are inlined, not user input.
func (w *graphWriter) fill(what string, n int, insert string) error {
	for name, off := range w.off {
		insert = strings.ReplaceAll(insert, "{"+name+"}", strconv.FormatInt(off, 10))
	}
	insert = strings.ReplaceAll(insert, "{assets}", strconv.FormatInt(w.g.FirstAsset-1, 10))
	err := w.d.FillSeries(w.ctx, n, largeChunk, insert, func(done int) { w.progress(fmt.Sprintf("%s: %d/%d", what, done, n)) })
	if err != nil {
		return fmt.Errorf("large data set: %s: %w", what, err)
	}
	return nil
}

func (w *graphWriter) campaigns() error {
	return w.fill("campaigns", w.g.Campaigns, `INSERT INTO campaigns (id, name, type, state, budget_micros, currency, created_at, updated_at)
		SELECT {campaigns} + i, 'Large campaign ' || ({campaigns} + i), 'SEARCH', 'draft', 10000000, 'EUR', '`+largeBase+`', '`+largeBase+`' FROM s`)
}

// campaignOf is the SQL of the campaign id of 0-based ad group number expr:
// ad groups are spread evenly and contiguously over the campaigns.
func (w *graphWriter) campaignOf(expr string) string {
	return fmt.Sprintf("({campaigns} + 1 + ((%s) * %d) / %d)", expr, w.g.Campaigns, w.g.AdGroups)
}

func (w *graphWriter) adGroups() error {
	return w.fill("ad groups", w.g.AdGroups, `INSERT INTO ad_groups (id, campaign_id, name, created_at, updated_at)
		SELECT {ad_groups} + i, `+w.campaignOf("i - 1")+`, 'Ad group ' || ({ad_groups} + i), '`+largeBase+`', '`+largeBase+`' FROM s`)
}

func (w *graphWriter) keywords() error {
	k := w.g.KeywordsPerAdGroup
	if k == 0 {
		return nil
	}
	return w.fill("keywords", w.g.AdGroups*k, fmt.Sprintf(`INSERT INTO keywords (id, ad_group_id, text, match_type, negative, created_at, updated_at)
		SELECT {keywords} + i, {ad_groups} + 1 + (i - 1) / %[1]d, 'keyword ' || ({ad_groups} + 1 + (i - 1) / %[1]d) || ' ' || ((i - 1) %% %[1]d + 1),
			CASE (i - 1) %% %[1]d %% 3 WHEN 0 THEN 'EXACT' WHEN 1 THEN 'PHRASE' ELSE 'BROAD' END,
			((i - 1) %% %[1]d = 4), '`+largeBase+`', '`+largeBase+`' FROM s`, k))
}

func (w *graphWriter) adsPerGroup() int { return w.g.Links / LinksPerAd / w.g.AdGroups }

func (w *graphWriter) ads() error {
	return w.fill("ads", w.g.Links/LinksPerAd, fmt.Sprintf(`INSERT INTO ads (id, ad_group_id, final_urls, created_at, updated_at)
		SELECT {ads} + i, {ad_groups} + 1 + (i - 1) / %d, '["https://example.com/large"]', '`+largeBase+`', '`+largeBase+`' FROM s`, w.adsPerGroup()))
}

// links writes LinksPerAd links per ad: the minimum headlines, then the
// minimum descriptions. Link number j uses asset 2 + (j·P mod (Assets-1)) —
// P coprime to Assets-1 makes that a permutation, so the assets of one ad
// differ and uses spread over the library.
func (w *graphWriter) links() error {
	m := int64(w.g.Assets - 1)
	p := int64(1)
	for _, prime := range []int64{1_000_003, 7_919, 104_729, 15_485_863} {
		if gcd(prime, m) == 1 {
			p = prime
			break
		}
	}
	headlines := policy.RSAFormat.Min(policy.Headline)
	group := fmt.Sprintf("((i - 1) / %d / %d)", LinksPerAd, w.adsPerGroup()) // 0-based ad group number
	return w.fill("asset links", w.g.Links, fmt.Sprintf(`INSERT INTO asset_links (id, asset_id, campaign_id, ad_group_id, ad_id, field_type, position, created_at)
		SELECT {asset_links} + i, {assets} + 2 + ((i - 1) * %[1]d) %% %[2]d, %[3]s, {ad_groups} + 1 + %[4]s, {ads} + 1 + (i - 1) / %[5]d,
			CASE WHEN (i - 1) %% %[5]d < %[6]d THEN '%[7]s' ELSE '%[8]s' END,
			CASE WHEN (i - 1) %% %[5]d < %[6]d THEN (i - 1) %% %[5]d ELSE (i - 1) %% %[5]d - %[6]d END, '`+largeBase+`' FROM s`,
		p, m, w.campaignOf(group), group, LinksPerAd, headlines, policy.Headline, policy.Description))
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// hot points the first headline of HotAds ads at the hot asset: the first
// ads of HotAdGroups ad groups taken at an even stride.
func (w *graphWriter) hot() error {
	per := w.adsPerGroup()
	stride := w.g.AdGroups / w.g.HotAdGroups
	each, extra := w.g.HotAds/w.g.HotAdGroups, w.g.HotAds%w.g.HotAdGroups
	var ids []string
	for h := range w.g.HotAdGroups {
		n := each
		if h < extra {
			n++
		}
		for k := range n {
			ad := int64(h*stride*per + k)
			ids = append(ids, strconv.FormatInt(w.off["asset_links"]+1+ad*int64(LinksPerAd), 10))
		}
	}
	err := w.d.InTx(w.ctx, func(tx db.Conn) error {
		for lo := 0; lo < len(ids); lo += 500 {
			hi := min(lo+500, len(ids))
			if _, err := tx.Exec(w.ctx, `UPDATE asset_links SET asset_id = ? WHERE id IN (`+strings.Join(ids[lo:hi], ",")+`)`, w.g.FirstAsset); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("large data set: link the hot asset: %w", err)
	}
	w.progress(fmt.Sprintf("hot asset %d: linked from %d ads in %d ad groups", w.g.FirstAsset, len(ids), w.g.HotAdGroups))
	return nil
}
