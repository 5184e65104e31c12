package db

import (
	"context"
	"fmt"
	"strings"
)

// Bulk loading: benchmark data sets of millions of rows are generated inside
// the database from a number series, in chunked transactions, so memory stays
// flat and SQLite's write-ahead log does not grow with the whole set. The
// series and the after-load maintenance differ per engine; both live here so
// the slices that load data write their INSERTs once.

// BulkLoad runs load with settings for writing many rows: on SQLite a 256 MiB
// page cache (rows arriving in scrambled index order would otherwise turn
// every insert into page I/O), restored afterwards.
func (d *DB) BulkLoad(ctx context.Context, load func() error) error {
	if d.Engine == SQLite {
		if _, err := d.write.ExecContext(ctx, "PRAGMA cache_size = -262144"); err != nil {
			return fmt.Errorf("bulk load: page cache: %w", err)
		}
		defer d.write.ExecContext(context.WithoutCancel(ctx), "PRAGMA cache_size = -2000")
	}
	return load()
}

// FillSeries runs insert, an INSERT … SELECT … FROM s, for i = 1..n in
// transactions of chunk rows each, where s(i) is a number series. progress,
// when not nil, is told the rows done after each chunk.
func (d *DB) FillSeries(ctx context.Context, n, chunk int, insert string, progress func(done int)) error {
	series := `WITH RECURSIVE s(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM s WHERE i < ?) `
	if d.Engine == Postgres {
		series = `WITH s(i) AS (SELECT generate_series(CAST(? AS BIGINT), CAST(? AS BIGINT))) `
	}
	for lo := 1; lo <= n; lo += chunk {
		hi := min(lo+chunk-1, n)
		if err := d.InTx(ctx, func(tx Conn) error {
			_, err := tx.Exec(ctx, series+insert, lo, hi)
			return err
		}); err != nil {
			return fmt.Errorf("rows %d–%d: %w", lo, hi, err)
		}
		if progress != nil {
			progress(hi)
		}
	}
	return nil
}

// MaxID is the highest id in table, 0 when it is empty.
func (d *DB) MaxID(ctx context.Context, table string) (int64, error) {
	var n int64
	if err := d.Read().QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&n); err != nil {
		return 0, fmt.Errorf("highest id of %s: %w", table, err)
	}
	return n, nil
}

// AfterBulkLoad makes tables that rows with explicit ids were loaded into
// ready for use: on PostgreSQL their id sequences move past those ids and
// VACUUM (ANALYZE) refreshes statistics and the visibility map (so covering
// indexes serve index-only scans); on SQLite ANALYZE refreshes statistics.
func (d *DB) AfterBulkLoad(ctx context.Context, tables ...string) error {
	if d.Engine == SQLite {
		for _, t := range tables {
			if _, err := d.write.ExecContext(ctx, `ANALYZE `+t); err != nil {
				return fmt.Errorf("analyze %s: %w", t, err)
			}
		}
		return nil
	}
	for _, t := range tables {
		if _, err := d.write.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), (SELECT MAX(id) FROM `+t+`))`); err != nil {
			return fmt.Errorf("sequence of %s: %w", t, err)
		}
	}
	if _, err := d.write.ExecContext(ctx, `VACUUM (ANALYZE) `+strings.Join(tables, ", ")); err != nil {
		return fmt.Errorf("vacuum %s: %w", strings.Join(tables, ", "), err)
	}
	return nil
}
