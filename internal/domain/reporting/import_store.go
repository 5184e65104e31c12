package reporting

import (
	"cmp"
	"context"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// factKey is what identifies a row of report_facts besides the customer.
type factKey struct {
	campaignGID int64
	level       Level
	gid, parent int64
	day         Day
}

type factRow struct {
	factKey
	customer                  int64
	campaign, adGroup, entity int64 // ours; 0 stored as NULL
	m                         Metrics
	demo                      int
}

// assetFactKey is what identifies a row of report_asset_facts besides the
// customer.
type assetFactKey struct {
	campaignGID      int64
	group, ad, asset int64
	fieldType        string
	day              Day
}

type assetFactRow struct {
	assetFactKey
	customer int64
	ours     Ours
	label    int
	m        Metrics
	demo     int
}

// nullID stores an unknown id (0) as NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

const factColumns = `customer_id, level, google_id, google_parent_id, day, google_campaign_id, campaign_id, ad_group_id, entity_id,
	impressions, clicks, cost_micros, conversions, conversions_value, demo`

// A repeated download updates a row only when something changed, so a
// lookback over unchanged days writes nothing. Our ids are kept when the
// new row does not know them.
const factUpsert = ` ON CONFLICT (customer_id, google_campaign_id, level, day, google_parent_id, google_id) DO UPDATE SET
	campaign_id = COALESCE(excluded.campaign_id, report_facts.campaign_id),
	ad_group_id = COALESCE(excluded.ad_group_id, report_facts.ad_group_id),
	entity_id = COALESCE(excluded.entity_id, report_facts.entity_id),
	impressions = excluded.impressions, clicks = excluded.clicks, cost_micros = excluded.cost_micros,
	conversions = excluded.conversions, conversions_value = excluded.conversions_value, demo = excluded.demo
WHERE report_facts.impressions <> excluded.impressions OR report_facts.clicks <> excluded.clicks
	OR report_facts.cost_micros <> excluded.cost_micros OR report_facts.conversions <> excluded.conversions
	OR report_facts.conversions_value <> excluded.conversions_value OR report_facts.demo <> excluded.demo
	OR report_facts.campaign_id IS DISTINCT FROM COALESCE(excluded.campaign_id, report_facts.campaign_id)
	OR report_facts.ad_group_id IS DISTINCT FROM COALESCE(excluded.ad_group_id, report_facts.ad_group_id)
	OR report_facts.entity_id IS DISTINCT FROM COALESCE(excluded.entity_id, report_facts.entity_id)`

const assetFactColumns = `customer_id, google_group_id, google_ad_id, google_asset_id, field_type, day, google_campaign_id,
	campaign_id, ad_group_id, ad_id, asset_group_id, asset_id, performance_label,
	impressions, clicks, cost_micros, conversions, conversions_value, demo`

const assetFactUpsert = ` ON CONFLICT (customer_id, google_campaign_id, day, google_group_id, google_ad_id, google_asset_id, field_type) DO UPDATE SET
	campaign_id = COALESCE(excluded.campaign_id, report_asset_facts.campaign_id),
	ad_group_id = COALESCE(excluded.ad_group_id, report_asset_facts.ad_group_id),
	ad_id = COALESCE(excluded.ad_id, report_asset_facts.ad_id),
	asset_group_id = COALESCE(excluded.asset_group_id, report_asset_facts.asset_group_id),
	asset_id = COALESCE(excluded.asset_id, report_asset_facts.asset_id),
	performance_label = excluded.performance_label,
	impressions = excluded.impressions, clicks = excluded.clicks, cost_micros = excluded.cost_micros,
	conversions = excluded.conversions, conversions_value = excluded.conversions_value, demo = excluded.demo
WHERE report_asset_facts.impressions <> excluded.impressions OR report_asset_facts.clicks <> excluded.clicks
	OR report_asset_facts.cost_micros <> excluded.cost_micros OR report_asset_facts.conversions <> excluded.conversions
	OR report_asset_facts.conversions_value <> excluded.conversions_value OR report_asset_facts.demo <> excluded.demo
	OR report_asset_facts.performance_label <> excluded.performance_label
	OR report_asset_facts.campaign_id IS DISTINCT FROM COALESCE(excluded.campaign_id, report_asset_facts.campaign_id)
	OR report_asset_facts.ad_group_id IS DISTINCT FROM COALESCE(excluded.ad_group_id, report_asset_facts.ad_group_id)
	OR report_asset_facts.ad_id IS DISTINCT FROM COALESCE(excluded.ad_id, report_asset_facts.ad_id)
	OR report_asset_facts.asset_group_id IS DISTINCT FROM COALESCE(excluded.asset_group_id, report_asset_facts.asset_group_id)
	OR report_asset_facts.asset_id IS DISTINCT FROM COALESCE(excluded.asset_id, report_asset_facts.asset_id)`

// writeRows upserts the rows in tx (a transaction of db.InTxRaw) and counts
// the rows inserted or changed. Both tables are written in key order, so
// consecutive rows land on the same pages of the clustered table.
//   - SQLite: one single-row upsert per row, run on the driver's connection.
//     A one-row INSERT … VALUES needs no statement journal (SQLite keeps
//     one for every multi-row statement, to undo just that statement), is
//     parsed once per batch, and skips database/sql's per-call work.
//   - PostgreSQL: the rows are copied (COPY, binary) into a temporary table
//     and upserted from there by one INSERT … SELECT.
func writeRows(ctx context.Context, tx db.Conn, entity []factRow, asset []assetFactRow) (int, error) {
	slices.SortFunc(entity, func(a, b factRow) int { return a.compare(b.factKey) })
	slices.SortFunc(asset, func(a, b assetFactRow) int { return a.compare(b.assetFactKey) })
	written := 0
	err := tx.Raw(func(dc any) error {
		var err error
		switch c := dc.(type) {
		case *stdlib.Conn:
			written, err = copyUpsert(ctx, c.Conn(), entity, asset)
		case driver.ConnPrepareContext:
			written, err = execUpsert(ctx, c, entity, asset)
		default:
			err = fmt.Errorf("import report rows: unexpected driver connection %T", dc)
		}
		return err
	})
	return written, err
}

func (k factKey) compare(o factKey) int {
	return cmp.Or(cmp.Compare(k.campaignGID, o.campaignGID), cmp.Compare(k.level, o.level), cmp.Compare(k.day, o.day),
		cmp.Compare(k.parent, o.parent), cmp.Compare(k.gid, o.gid))
}

func (k assetFactKey) compare(o assetFactKey) int {
	return cmp.Or(cmp.Compare(k.campaignGID, o.campaignGID), cmp.Compare(k.day, o.day), cmp.Compare(k.group, o.group),
		cmp.Compare(k.ad, o.ad), cmp.Compare(k.asset, o.asset), cmp.Compare(k.fieldType, o.fieldType))
}

// values puts a row's values, in the order of
// factColumns and assetFactColumns, into v.
func (r *factRow) values(v []any) {
	v[0], v[1], v[2], v[3], v[4], v[5] = r.customer, string(r.level), r.gid, r.parent, int64(r.day), r.campaignGID
	v[6], v[7], v[8] = nullID(r.campaign), nullID(r.adGroup), nullID(r.entity)
	v[9], v[10], v[11], v[12], v[13], v[14] = r.m.Impressions, r.m.Clicks, r.m.CostMicros, r.m.Conversions, r.m.ConversionsValue, int64(r.demo)
}

func (r *assetFactRow) values(v []any) {
	o := &r.ours
	v[0], v[1], v[2], v[3], v[4], v[5], v[6] = r.customer, r.group, r.ad, r.asset, r.fieldType, int64(r.day), r.campaignGID
	v[7], v[8], v[9], v[10], v[11] = nullID(o.CampaignID), nullID(o.AdGroupID), nullID(o.AdID), nullID(o.AssetGroupID), nullID(o.AssetID)
	v[12], v[13], v[14], v[15], v[16], v[17], v[18] = int64(r.label), r.m.Impressions, r.m.Clicks, r.m.CostMicros, r.m.Conversions, r.m.ConversionsValue, int64(r.demo)
}

// execUpsert runs the single-row upserts on SQLite's driver connection. The
// statements run without a context (one that can end costs modernc.org/sqlite
// a goroutine per call); ctx is checked between rows instead.
func execUpsert(ctx context.Context, c driver.ConnPrepareContext, entity []factRow, asset []assetFactRow) (int, error) {
	n, err := execRows(ctx, c, `INSERT INTO report_facts (`+factColumns+`) VALUES (`+db.Placeholders(15)+`)`+factUpsert, 15, len(entity),
		func(i int, v []any) { entity[i].values(v) })
	if err != nil {
		return n, fmt.Errorf("import report rows: %w", err)
	}
	m, err := execRows(ctx, c, `INSERT INTO report_asset_facts (`+assetFactColumns+`) VALUES (`+db.Placeholders(19)+`)`+assetFactUpsert, 19, len(asset),
		func(i int, v []any) { asset[i].values(v) })
	if err != nil {
		return n + m, fmt.Errorf("import asset report rows: %w", err)
	}
	return n + m, nil
}

func execRows(ctx context.Context, c driver.ConnPrepareContext, query string, cols, n int, row func(i int, v []any)) (int, error) {
	if n == 0 {
		return 0, nil
	}
	st, err := c.PrepareContext(context.Background(), query)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	exec, ok := st.(driver.StmtExecContext)
	if !ok {
		return 0, fmt.Errorf("unexpected driver statement %T", st)
	}
	v := make([]any, cols)
	args := make([]driver.NamedValue, cols)
	written := 0
	for i := range n {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return written, err
			}
		}
		row(i, v)
		for j := range args {
			args[j] = driver.NamedValue{Ordinal: j + 1, Value: v[j]}
		}
		res, err := exec.ExecContext(context.Background(), args)
		if err != nil {
			return written, err
		}
		k, err := res.RowsAffected()
		if err != nil {
			return written, err
		}
		written += int(k)
	}
	return written, nil
}

// copyUpsert copies the rows into temporary tables (emptied at every
// commit) and upserts them from there.
func copyUpsert(ctx context.Context, c *pgx.Conn, entity []factRow, asset []assetFactRow) (int, error) {
	n, err := copyRows(ctx, c, "report_facts", factColumns, factUpsert, 15, len(entity), func(i int, v []any) { entity[i].values(v) })
	if err != nil {
		return n, fmt.Errorf("import report rows: %w", err)
	}
	m, err := copyRows(ctx, c, "report_asset_facts", assetFactColumns, assetFactUpsert, 19, len(asset), func(i int, v []any) { asset[i].values(v) })
	if err != nil {
		return n + m, fmt.Errorf("import asset report rows: %w", err)
	}
	return n + m, nil
}

func copyRows(ctx context.Context, c *pgx.Conn, table, columns, upsert string, cols, n int, row func(i int, v []any)) (int, error) {
	if n == 0 {
		return 0, nil
	}
	in := table + "_in"
	if _, err := c.Exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS `+in+` ON COMMIT DELETE ROWS AS SELECT `+columns+` FROM `+table+` WITH NO DATA`); err != nil {
		return 0, err
	}
	names := strings.Split(columns, ",")
	for i := range names {
		names[i] = strings.TrimSpace(names[i])
	}
	src := &rowSource{n: n, i: -1, row: row, v: make([]any, cols)}
	if _, err := c.CopyFrom(ctx, pgx.Identifier{in}, names, src); err != nil {
		return 0, err
	}
	tag, err := c.Exec(ctx, `INSERT INTO `+table+` (`+columns+`) SELECT `+columns+` FROM `+in+upsert)
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

// rowSource feeds COPY one row at a time from a reused slice.
type rowSource struct {
	n, i int
	row  func(i int, v []any)
	v    []any
}

func (s *rowSource) Next() bool {
	s.i++
	return s.i < s.n
}

func (s *rowSource) Values() ([]any, error) {
	s.row(s.i, s.v)
	return s.v, nil
}

func (s *rowSource) Err() error { return nil }

// recordCampaigns notes which of our campaigns each Google campaign is.
func recordCampaigns(ctx context.Context, tx db.Conn, customer int64, campaigns map[int64]int64) error {
	for gid, id := range campaigns {
		if _, err := tx.Exec(ctx, `INSERT INTO report_campaigns (customer_id, google_campaign_id, campaign_id) VALUES (?, ?, ?)
			ON CONFLICT (customer_id, google_campaign_id) DO UPDATE SET campaign_id = excluded.campaign_id
			WHERE report_campaigns.campaign_id <> excluded.campaign_id`, customer, gid, id); err != nil {
			return err
		}
	}
	return nil
}

// importSettings adjusts SQLite's one writer connection for an import and
// restore puts the settings back:
//   - the statement journal stays in memory: a multi-row upsert that
//     changes pages an earlier statement of its transaction changed copies
//     them to that journal first (to undo just that statement if it fails),
//     and past 64 KiB it spilled to a temporary file;
//   - the write-ahead log is checkpointed at 20,000 pages (80 MiB) instead
//     of 1,000: a download rewrites the same index pages batch after
//     batch, and each checkpoint copied them into the database again;
//   - the page cache holds at least 64 MiB (more when a bulk load set it).
//
// Together they took a million-row import from 18–19 s to 14 s.
func (s *Service) importSettings(ctx context.Context) (restore func(), err error) {
	if s.db.Engine != db.SQLite {
		return func() {}, nil
	}
	w := s.db.WriteDB()
	var cache, checkpoint int64
	if err := w.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache); err != nil {
		return nil, fmt.Errorf("import settings: %w", err)
	}
	if err := w.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&checkpoint); err != nil {
		return nil, fmt.Errorf("import settings: %w", err)
	}
	set := []string{`PRAGMA temp_store = MEMORY`, `PRAGMA wal_autocheckpoint = 20000`}
	if pages := cachePages(cache); pages < 65536*1024/4096 {
		set = append(set, `PRAGMA cache_size = -65536`)
	}
	for _, q := range set {
		if _, err := w.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("import settings: %w", err)
		}
	}
	return func() {
		ctx := context.WithoutCancel(ctx)
		_, _ = w.ExecContext(ctx, `PRAGMA temp_store = DEFAULT`)
		_, _ = w.ExecContext(ctx, fmt.Sprintf(`PRAGMA wal_autocheckpoint = %d`, checkpoint))
		_, _ = w.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = %d`, cache))
	}, nil
}

// cachePages is the pages of 4 KiB a cache_size setting means (negative:
// KiB).
func cachePages(cacheSize int64) int64 {
	if cacheSize < 0 {
		return -cacheSize * 1024 / 4096
	}
	return cacheSize
}
