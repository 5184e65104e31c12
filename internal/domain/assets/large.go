package assets

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// largeChunk is the rows per statement and transaction of a large data set.
const largeChunk = 100_000

// largeBase is the created_at of generated rows, written as a literal both
// engines read as a timestamp (and SQLite's driver parses back).
const largeBase = "2026-01-01 00:00:00+00:00"

// largeText is the text of asset i (1-based) of a large library whose ids
// start after offset: the first is the hot asset of the where-used benchmark.
func largeText(offset int64, i int) string {
	if i == 1 {
		return "Large data set: the hot asset " + strconv.FormatInt(offset+1, 10)
	}
	return "Large data set text " + strconv.FormatInt(offset+int64(i), 10)
}

// WriteLargeLibrary adds n text assets to the library for the where-used
// benchmark data set, next to whatever is there, created one second apart so
// lists sorted by creation have distinct keys, and returns the id of the
// first. Texts carry real content hashes, so they deduplicate like any other:
// PostgreSQL computes them, on SQLite Go does. Run it within d.BulkLoad.
func WriteLargeLibrary(ctx context.Context, d *db.DB, n int, progress func(string)) (first int64, err error) {
	if progress == nil {
		progress = func(string) {}
	}
	off, err := d.MaxID(ctx, "assets")
	if err != nil {
		return 0, fmt.Errorf("large library: %w", err)
	}
	if d.Engine == db.Postgres {
		err = d.FillSeries(ctx, n, largeChunk, fmt.Sprintf(`INSERT INTO assets (id, type, content_hash, text, search_text, language, provenance, created_at, updated_at)
			SELECT %[1]d + i, 'TEXT', encode(sha256(convert_to(t, 'UTF8')), 'hex'), t, lower(t), 'en', '{"source":"import"}', c, c
			FROM (SELECT i, CASE WHEN i = 1 THEN 'Large data set: the hot asset ' ELSE 'Large data set text ' END || (%[1]d + i) AS t,
				CAST('`+largeBase+`' AS TIMESTAMPTZ) + i * INTERVAL '1 second' AS c FROM s) x`, off),
			func(done int) { progress(fmt.Sprintf("assets: %d/%d", done, n)) })
	} else {
		err = writeLargeTexts(ctx, d, off, n, progress)
	}
	if err != nil {
		return 0, fmt.Errorf("large library: %w", err)
	}
	if err := d.AfterBulkLoad(ctx, "assets"); err != nil {
		return 0, fmt.Errorf("large library: %w", err)
	}
	return off + 1, nil
}

// writeLargeTexts inserts the texts from Go in multi-row statements: SQLite
// has no SHA-256 function.
func writeLargeTexts(ctx context.Context, d *db.DB, off int64, n int, progress func(string)) error {
	start, _ := time.Parse("2006-01-02 15:04:05-07:00", largeBase)
	const rows = 500
	const prefix = `INSERT INTO assets (id, type, content_hash, text, search_text, language, provenance, created_at, updated_at) VALUES `
	valuesFor := func(n int) string {
		return prefix + strings.TrimSuffix(strings.Repeat(`(?, 'TEXT', ?, ?, ?, 'en', '{"source":"import"}', ?, ?),`, n), ",")
	}
	full := valuesFor(rows)
	for lo := 1; lo <= n; lo += largeChunk {
		hi := min(lo+largeChunk-1, n)
		err := d.InTx(ctx, func(tx db.Conn) error {
			args := make([]any, 0, rows*6)
			flush := func(k int) error {
				q := full
				if k < rows {
					q = valuesFor(k)
				}
				_, err := tx.Exec(ctx, q, args...)
				args = args[:0]
				return err
			}
			for i := lo; i <= hi; i++ {
				text := largeText(off, i)
				c := start.Add(time.Duration(i) * time.Second)
				args = append(args, off+int64(i), TextHash(text), text, searchFold(text), c, c)
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
			return fmt.Errorf("assets %d–%d: %w", lo, hi, err)
		}
		progress(fmt.Sprintf("assets: %d/%d", hi, n))
	}
	return nil
}

// usageTriggers are PostgreSQL's triggers of the where-used counters
// (migration 0019).
var usageTriggers = []struct{ table, name string }{
	{"asset_links", "asset_usage_links_insert"}, {"asset_links", "asset_usage_links_update"}, {"asset_links", "asset_usage_links_delete"},
	{"keywords", "asset_usage_keywords_insert"}, {"keywords", "asset_usage_keywords_update"}, {"keywords", "asset_usage_keywords_delete"},
}

// BulkLinks runs load, which writes links and keywords of a benchmark data
// set in bulk, and leaves the where-used counters exact. On PostgreSQL the
// counters' triggers are off meanwhile (for every session: run it where no
// one else writes the graph) and every asset is counted afresh afterwards,
// in one pass instead of per statement; SQLite's row triggers stay on.
func BulkLinks(ctx context.Context, d *db.DB, load func() error) (err error) {
	if d.Engine != db.Postgres {
		return load()
	}
	switchTriggers := func(how string) error {
		for _, t := range usageTriggers {
			if _, err := d.WriteDB().ExecContext(ctx, `ALTER TABLE `+t.table+` `+how+` TRIGGER `+t.name); err != nil {
				return fmt.Errorf("%s where-used trigger %s: %w", strings.ToLower(how), t.name, err)
			}
		}
		return nil
	}
	if err := switchTriggers("DISABLE"); err != nil {
		return err
	}
	defer func() {
		if e := switchTriggers("ENABLE"); e != nil && err == nil {
			err = e
		}
		if err == nil {
			err = RecountUsage(context.WithoutCancel(ctx), d)
		}
	}()
	return load()
}

// RecountUsage counts every asset's where-used counters afresh from the
// links and keywords, as migration 0019 filled them.
func RecountUsage(ctx context.Context, d *db.DB) error {
	err := d.InTx(ctx, func(tx db.Conn) error {
		if _, err := tx.Exec(ctx, `DELETE FROM asset_usage`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `WITH k AS (SELECT ad_group_id, count(*) AS n FROM keywords GROUP BY ad_group_id),
			g AS (SELECT DISTINCT asset_id, ad_group_id FROM asset_links WHERE ad_group_id IS NOT NULL),
			kw AS (SELECT g.asset_id, sum(k.n) AS n FROM g JOIN k ON k.ad_group_id = g.ad_group_id GROUP BY g.asset_id),
			l AS (SELECT asset_id, count(ad_id) AS ad_links, count(asset_group_id) AS group_links, count(DISTINCT campaign_id) AS campaigns,
					count(DISTINCT ad_group_id) AS ad_groups, count(DISTINCT ad_id) AS ads, count(DISTINCT asset_group_id) AS asset_groups
				FROM asset_links GROUP BY asset_id)
			INSERT INTO asset_usage (asset_id, ad_links, group_links, campaigns, ad_groups, ads, asset_groups, keywords)
			SELECT l.asset_id, l.ad_links, l.group_links, l.campaigns, l.ad_groups, l.ads, l.asset_groups, COALESCE(kw.n, 0)
			FROM l LEFT JOIN kw ON kw.asset_id = l.asset_id`)
		return err
	})
	if err != nil {
		return fmt.Errorf("count where-used afresh: %w", err)
	}
	if d.Engine == db.Postgres {
		if _, err := d.WriteDB().ExecContext(ctx, `VACUUM (ANALYZE) asset_usage`); err != nil {
			return fmt.Errorf("vacuum asset_usage: %w", err)
		}
	}
	return nil
}
