package assets

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// LargeConfig sizes the where-used data set. Every ad uses five text assets
// (three headlines, two descriptions), so Links/5 ads are spread evenly over
// the ad groups; the hot asset replaces the first headline of HotAds ads in
// HotAdGroups ad groups spread over the campaigns.
type LargeConfig struct {
	Assets             int // default 1,000,000
	Campaigns          int // default 1,000
	AdGroups           int // default 100,000
	Links              int // default 2,000,000; a multiple of 5 × AdGroups
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

const linksPerAd = 5 // three headlines and two descriptions: a valid RSA

func (c LargeConfig) check() error {
	switch {
	case c.Assets < linksPerAd+1 || c.Campaigns < 1 || c.AdGroups < c.Campaigns || c.KeywordsPerAdGroup < 0 || c.HotAdGroups < 1 || c.HotAds < c.HotAdGroups:
		return fmt.Errorf("large data set: config %+v: need assets > %d, ad groups ≥ campaigns ≥ 1, hot ads ≥ hot ad groups ≥ 1", c, linksPerAd)
	case c.Links%(linksPerAd*c.AdGroups) != 0:
		return fmt.Errorf("large data set: %d links is not a multiple of %d per ad × %d ad groups", c.Links, linksPerAd, c.AdGroups)
	case c.HotAdGroups > c.AdGroups:
		return fmt.Errorf("large data set: %d hot ad groups but only %d ad groups", c.HotAdGroups, c.AdGroups)
	case (c.HotAds+c.HotAdGroups-1)/c.HotAdGroups > c.Links/linksPerAd/c.AdGroups:
		return fmt.Errorf("large data set: %d hot ads do not fit in %d ad groups of %d ads", c.HotAds, c.HotAdGroups, c.Links/linksPerAd/c.AdGroups)
	}
	return nil
}

// GenerateLarge adds the where-used data set to d (next to whatever is
// there) and returns the hot asset's id. Rows are generated inside the
// database from a number series (generate_series on PostgreSQL, a recursive
// CTE on SQLite) in chunked transactions, so memory stays flat and the SQLite
// write-ahead log does not grow with the whole set. Text assets carry real
// content hashes: PostgreSQL computes them, on SQLite Go does.
func GenerateLarge(ctx context.Context, d *db.DB, cfg LargeConfig, progress func(string)) (LargeResult, error) {
	if err := cfg.check(); err != nil {
		return LargeResult{}, err
	}
	if progress == nil {
		progress = func(string) {}
	}
	g := &generator{ctx: ctx, d: d, cfg: cfg, progress: progress}
	if d.Engine == db.SQLite {
		// Links arrive in asset order scrambled across 2M index entries; the
		// default 2 MB page cache would turn every insert into page I/O.
		if err := g.pragma("cache_size = -262144"); err != nil {
			return LargeResult{}, err
		}
		defer g.pragma("cache_size = -2000")
	}
	if err := g.offsets(); err != nil {
		return LargeResult{}, err
	}
	steps := []func() error{g.campaigns, g.adGroups, g.keywords, g.ads, g.assets, g.links, g.hot, g.finish}
	for _, step := range steps {
		if err := step(); err != nil {
			return LargeResult{}, err
		}
	}
	return LargeResult{
		HotAssetID: g.off["assets"] + 1,
		Campaigns:  cfg.Campaigns, AdGroups: cfg.AdGroups, Keywords: cfg.AdGroups * cfg.KeywordsPerAdGroup,
		Ads: cfg.Links / linksPerAd, Assets: cfg.Assets, Links: cfg.Links,
	}, nil
}

type generator struct {
	ctx      context.Context
	d        *db.DB
	cfg      LargeConfig
	progress func(string)
	off      map[string]int64 // highest id per table before generation
}

// chunk is the rows per statement and transaction.
const chunk = 100_000

// base is the created_at of the generated rows, written as a literal both
// engines read as a timestamp (and SQLite's driver parses back).
const base = "2026-01-01 00:00:00+00:00"

func (g *generator) pragma(p string) error {
	_, err := g.d.WriteDB().ExecContext(g.ctx, "PRAGMA "+p)
	if err != nil {
		return fmt.Errorf("large data set: pragma %s: %w", p, err)
	}
	return nil
}

func (g *generator) offsets() error {
	g.off = map[string]int64{}
	for _, t := range []string{"campaigns", "ad_groups", "keywords", "ads", "assets", "asset_links"} {
		var n int64
		if err := g.d.Read().QueryRow(g.ctx, `SELECT COALESCE(MAX(id), 0) FROM `+t).Scan(&n); err != nil {
			return fmt.Errorf("large data set: highest id of %s: %w", t, err)
		}
		g.off[t] = n
	}
	return nil
}

// fill runs insert (an INSERT … SELECT … FROM s) for i = 1..n in chunks,
// where s(i) is a number series. Placeholders {name} in insert are replaced
// by the offset of table name; integers are inlined, not user input.
func (g *generator) fill(what string, n int, insert string) error {
	for name, off := range g.off {
		insert = strings.ReplaceAll(insert, "{"+name+"}", strconv.FormatInt(off, 10))
	}
	series := `WITH RECURSIVE s(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM s WHERE i < ?) `
	if g.d.Engine == db.Postgres {
		series = `WITH s(i) AS (SELECT generate_series(CAST(? AS BIGINT), CAST(? AS BIGINT))) `
	}
	for lo := 1; lo <= n; lo += chunk {
		hi := min(lo+chunk-1, n)
		if err := g.d.InTx(g.ctx, func(tx db.Conn) error {
			_, err := tx.Exec(g.ctx, series+insert, lo, hi)
			return err
		}); err != nil {
			return fmt.Errorf("large data set: %s %d–%d: %w", what, lo, hi, err)
		}
		g.progress(fmt.Sprintf("%s: %d/%d", what, hi, n))
	}
	return nil
}

func (g *generator) campaigns() error {
	return g.fill("campaigns", g.cfg.Campaigns, `INSERT INTO campaigns (id, name, type, state, budget_micros, currency, created_at, updated_at)
		SELECT {campaigns} + i, 'Large campaign ' || ({campaigns} + i), 'SEARCH', 'draft', 10000000, 'EUR', '`+base+`', '`+base+`' FROM s`)
}

// campaignOf is the SQL of the campaign id of 0-based ad group number expr:
// ad groups are spread evenly and contiguously over the campaigns.
func (g *generator) campaignOf(expr string) string {
	return fmt.Sprintf("({campaigns} + 1 + ((%s) * %d) / %d)", expr, g.cfg.Campaigns, g.cfg.AdGroups)
}

func (g *generator) adGroups() error {
	return g.fill("ad groups", g.cfg.AdGroups, `INSERT INTO ad_groups (id, campaign_id, name, created_at, updated_at)
		SELECT {ad_groups} + i, `+g.campaignOf("i - 1")+`, 'Ad group ' || ({ad_groups} + i), '`+base+`', '`+base+`' FROM s`)
}

func (g *generator) keywords() error {
	k := g.cfg.KeywordsPerAdGroup
	if k == 0 {
		return nil
	}
	return g.fill("keywords", g.cfg.AdGroups*k, fmt.Sprintf(`INSERT INTO keywords (id, ad_group_id, text, match_type, negative, created_at, updated_at)
		SELECT {keywords} + i, {ad_groups} + 1 + (i - 1) / %[1]d, 'keyword ' || ({ad_groups} + 1 + (i - 1) / %[1]d) || ' ' || ((i - 1) %% %[1]d + 1),
			CASE (i - 1) %% %[1]d %% 3 WHEN 0 THEN 'EXACT' WHEN 1 THEN 'PHRASE' ELSE 'BROAD' END,
			((i - 1) %% %[1]d = 4), '`+base+`', '`+base+`' FROM s`, k))
}

func (g *generator) adsPerGroup() int { return g.cfg.Links / linksPerAd / g.cfg.AdGroups }

func (g *generator) ads() error {
	return g.fill("ads", g.cfg.Links/linksPerAd, fmt.Sprintf(`INSERT INTO ads (id, ad_group_id, final_urls, created_at, updated_at)
		SELECT {ads} + i, {ad_groups} + 1 + (i - 1) / %d, '["https://example.com/large"]', '`+base+`', '`+base+`' FROM s`, g.adsPerGroup()))
}

// assets writes the hot asset (the first) and Assets-1 others, created one
// second apart so lists sorted by creation have distinct keys.
func (g *generator) assets() error {
	if g.d.Engine == db.Postgres {
		return g.fill("assets", g.cfg.Assets, `INSERT INTO assets (id, type, content_hash, text, search_text, language, provenance, created_at, updated_at)
			SELECT {assets} + i, 'TEXT', encode(sha256(convert_to(t, 'UTF8')), 'hex'), t, lower(t), 'en', '{"source":"import"}', c, c
			FROM (SELECT i, CASE WHEN i = 1 THEN 'Large data set: the hot asset ' ELSE 'Large data set text ' END || ({assets} + i) AS t,
				CAST('`+base+`' AS TIMESTAMPTZ) + i * INTERVAL '1 second' AS c FROM s) x`)
	}
	start, _ := time.Parse("2006-01-02 15:04:05-07:00", base)
	const rows = 500
	const prefix = `INSERT INTO assets (id, type, content_hash, text, search_text, language, provenance, created_at, updated_at) VALUES `
	valuesFor := func(n int) string {
		return prefix + strings.TrimSuffix(strings.Repeat(`(?, 'TEXT', ?, ?, ?, 'en', '{"source":"import"}', ?, ?),`, n), ",")
	}
	full := valuesFor(rows)
	for lo := 1; lo <= g.cfg.Assets; lo += chunk {
		hi := min(lo+chunk-1, g.cfg.Assets)
		err := g.d.InTx(g.ctx, func(tx db.Conn) error {
			args := make([]any, 0, rows*6)
			flush := func(n int) error {
				q := full
				if n < rows {
					q = valuesFor(n)
				}
				_, err := tx.Exec(g.ctx, q, args...)
				args = args[:0]
				return err
			}
			for i := lo; i <= hi; i++ {
				text := "Large data set text " + strconv.FormatInt(g.off["assets"]+int64(i), 10)
				if i == 1 {
					text = "Large data set: the hot asset " + strconv.FormatInt(g.off["assets"]+1, 10)
				}
				c := start.Add(time.Duration(i) * time.Second)
				args = append(args, g.off["assets"]+int64(i), TextHash(text), text, searchFold(text), c, c)
				if len(args) == rows*6 {
					if err := flush(rows); err != nil {
						return err
					}
				}
			}
			if len(args) > 0 {
				return flush(len(args) / 6)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("large data set: assets %d–%d: %w", lo, hi, err)
		}
		g.progress(fmt.Sprintf("assets: %d/%d", hi, g.cfg.Assets))
	}
	return nil
}

// links writes five links per ad. Slot s of link number j uses asset
// 2 + (j·P mod (Assets-1)) — P coprime to Assets-1 makes that a permutation,
// so the five assets of one ad differ and uses spread over the library.
func (g *generator) links() error {
	m := int64(g.cfg.Assets - 1)
	p := int64(1)
	for _, prime := range []int64{1_000_003, 7_919, 104_729, 15_485_863} {
		if gcd(prime, m) == 1 {
			p = prime
			break
		}
	}
	per := g.adsPerGroup()
	group := fmt.Sprintf("((i - 1) / %d / %d)", linksPerAd, per) // 0-based ad group number
	return g.fill("asset links", g.cfg.Links, fmt.Sprintf(`INSERT INTO asset_links (id, asset_id, campaign_id, ad_group_id, ad_id, field_type, position, created_at)
		SELECT {asset_links} + i, {assets} + 2 + ((i - 1) * %[1]d) %% %[2]d, %[3]s, {ad_groups} + 1 + %[4]s, {ads} + 1 + (i - 1) / %[5]d,
			CASE WHEN (i - 1) %% %[5]d < 3 THEN 'HEADLINE' ELSE 'DESCRIPTION' END,
			CASE WHEN (i - 1) %% %[5]d < 3 THEN (i - 1) %% %[5]d ELSE (i - 1) %% %[5]d - 3 END, '`+base+`' FROM s`,
		p, m, g.campaignOf(group), group, linksPerAd))
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// hot points the first headline of HotAds ads at the hot asset: the first
// ads of HotAdGroups ad groups taken at an even stride.
func (g *generator) hot() error {
	per := g.adsPerGroup()
	stride := g.cfg.AdGroups / g.cfg.HotAdGroups
	each, extra := g.cfg.HotAds/g.cfg.HotAdGroups, g.cfg.HotAds%g.cfg.HotAdGroups
	var ids []string
	for h := range g.cfg.HotAdGroups {
		n := each
		if h < extra {
			n++
		}
		for k := range n {
			ad := int64(h*stride*per + k)
			ids = append(ids, strconv.FormatInt(g.off["asset_links"]+1+ad*linksPerAd, 10))
		}
	}
	err := g.d.InTx(g.ctx, func(tx db.Conn) error {
		for lo := 0; lo < len(ids); lo += 500 {
			hi := min(lo+500, len(ids))
			if _, err := tx.Exec(g.ctx, `UPDATE asset_links SET asset_id = ? WHERE id IN (`+strings.Join(ids[lo:hi], ",")+`)`, g.off["assets"]+1); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("large data set: link the hot asset: %w", err)
	}
	g.progress(fmt.Sprintf("hot asset %d: linked from %d ads in %d ad groups", g.off["assets"]+1, len(ids), g.cfg.HotAdGroups))
	return nil
}

// finish moves PostgreSQL's id sequences past the explicit ids and refreshes
// planner statistics; on PostgreSQL VACUUM also sets the visibility map, so
// where-used is an index-only scan of asset_links_usage.
func (g *generator) finish() error {
	tables := []string{"campaigns", "ad_groups", "keywords", "ads", "assets", "asset_links"}
	if g.d.Engine == db.SQLite {
		g.progress("analyze")
		if _, err := g.d.WriteDB().ExecContext(g.ctx, `ANALYZE`); err != nil {
			return fmt.Errorf("large data set: analyze: %w", err)
		}
		return nil
	}
	for _, t := range tables {
		if _, err := g.d.WriteDB().ExecContext(g.ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), (SELECT MAX(id) FROM `+t+`))`); err != nil {
			return fmt.Errorf("large data set: sequence of %s: %w", t, err)
		}
	}
	g.progress("vacuum analyze")
	if _, err := g.d.WriteDB().ExecContext(g.ctx, `VACUUM (ANALYZE) `+strings.Join(tables, ", ")); err != nil {
		return fmt.Errorf("large data set: vacuum: %w", err)
	}
	return nil
}
