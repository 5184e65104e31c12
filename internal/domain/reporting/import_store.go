package reporting

import (
	"cmp"
	"context"
	"database/sql/driver"
	"fmt"
	"slices"
	"strconv"
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

// keyOrder is the order in which rows are written: their indices sorted by
// key (compare), of rows with equal keys only the last. Rows written in key
// order land on the same pages of the clustered table one after another.
func keyOrder(n int, compare func(i, j int) int) []int32 {
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Or(compare(int(a), int(b)), cmp.Compare(a, b)) })
	out := order[:0]
	for k, i := range order {
		if k+1 < len(order) && compare(int(i), int(order[k+1])) == 0 {
			continue // a later row has the same key
		}
		out = append(out, i)
	}
	return out
}

// writeRows upserts the rows of entity and asset in the orders given, in tx
// (a transaction of db.InTxRaw), and counts the rows inserted or changed.
//   - SQLite: one single-row upsert per row, run on the driver's connection.
//     A one-row INSERT … VALUES needs no statement journal (SQLite keeps
//     one for every multi-row statement, to undo just that statement), is
//     parsed once per batch, and skips database/sql's per-call work.
//   - PostgreSQL: the rows are copied (COPY, binary) into a temporary table
//     and upserted from there by one INSERT … SELECT.
func writeRows(ctx context.Context, tx db.Conn, customer int64, entity []factRow, entityOrder []int32, asset []assetFactRow, assetOrder []int32) (int, error) {
	facts := importTable{name: "report_facts", columns: factColumns, upsert: factUpsert, cols: 15, order: entityOrder,
		row: func(i int, v []any) { entity[i].values(v) }}
	assetFacts := importTable{name: "report_asset_facts", columns: assetFactColumns, upsert: assetFactUpsert, cols: 19, order: assetOrder,
		row: func(i int, v []any) { asset[i].values(v) }}
	written := 0
	err := tx.Raw(func(dc any) error {
		for _, t := range []importTable{facts, assetFacts} {
			var n int
			var err error
			switch c := dc.(type) {
			case *stdlib.Conn:
				n, err = t.copy(ctx, c.Conn())
			case driver.ConnPrepareContext:
				n, err = t.exec(ctx, c, customer)
			default:
				err = fmt.Errorf("unexpected driver connection %T", dc)
			}
			written += n
			if err != nil {
				return fmt.Errorf("import %s: %w", t.name, err)
			}
		}
		return nil
	})
	return written, err
}

// importTable is what writeRows writes to one table: the rows order names, row(i,
// v) putting row i's values in v in the order of columns. The first column
// is the customer, the last the demo flag (the same for a whole batch).
type importTable struct {
	name, columns, upsert string
	cols                  int
	order                 []int32
	row                   func(i int, v []any)
}

func (k *factKey) compare(o *factKey) int {
	return cmp.Or(cmp.Compare(k.campaignGID, o.campaignGID), cmp.Compare(k.level, o.level), cmp.Compare(k.day, o.day),
		cmp.Compare(k.parent, o.parent), cmp.Compare(k.gid, o.gid))
}

func (k *assetFactKey) compare(o *assetFactKey) int {
	return cmp.Or(cmp.Compare(k.campaignGID, o.campaignGID), cmp.Compare(k.day, o.day), cmp.Compare(k.group, o.group),
		cmp.Compare(k.ad, o.ad), cmp.Compare(k.asset, o.asset), cmp.Compare(k.fieldType, o.fieldType))
}

// values puts a row's values, in the order of factColumns or
// assetFactColumns, into v.
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

// exec runs one single-row upsert per row on SQLite's driver connection.
// The customer and the demo flag are written into the statement (one per
// batch), the other values bound. The statement runs without a context
// (one that can end costs modernc.org/sqlite a goroutine per call); ctx is
// checked between rows instead.
func (t importTable) exec(ctx context.Context, c driver.ConnPrepareContext, customer int64) (int, error) {
	if len(t.order) == 0 {
		return 0, nil
	}
	v := make([]any, t.cols)
	t.row(int(t.order[0]), v)
	demo, ok := v[t.cols-1].(int64)
	if !ok || demo < 0 || demo > 1 {
		return 0, fmt.Errorf("demo flag %v", v[t.cols-1])
	}
	q := `INSERT INTO ` + t.name + ` (` + t.columns + `) VALUES (` + strconv.FormatInt(customer, 10) + `, ` +
		db.Placeholders(t.cols-2) + `, ` + strconv.FormatInt(demo, 10) + `)` + t.upsert
	st, err := c.PrepareContext(context.Background(), q)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	exec, ok := st.(driver.StmtExecContext)
	if !ok {
		return 0, fmt.Errorf("unexpected driver statement %T", st)
	}
	args := make([]driver.NamedValue, t.cols-2)
	written := 0
	for k, i := range t.order {
		if k%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return written, err
			}
		}
		t.row(int(i), v)
		if v[0] != any(customer) || v[t.cols-1] != any(demo) {
			return written, fmt.Errorf("rows of several customers or demo flags in one batch")
		}
		for j := range args {
			args[j] = driver.NamedValue{Ordinal: j + 1, Value: v[j+1]}
		}
		res, err := exec.ExecContext(context.Background(), args)
		if err != nil {
			return written, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return written, err
		}
		written += int(n)
	}
	return written, nil
}

// copy copies the rows into a temporary table (emptied at every commit)
// and upserts them from there.
func (t importTable) copy(ctx context.Context, c *pgx.Conn) (int, error) {
	if len(t.order) == 0 {
		return 0, nil
	}
	in := t.name + "_in"
	if _, err := c.Exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS `+in+` ON COMMIT DELETE ROWS AS SELECT `+t.columns+` FROM `+t.name+` WITH NO DATA`); err != nil {
		return 0, err
	}
	names := strings.Split(t.columns, ",")
	for i := range names {
		names[i] = strings.TrimSpace(names[i])
	}
	src := &rowSource{t: t, k: -1, v: make([]any, t.cols)}
	if _, err := c.CopyFrom(ctx, pgx.Identifier{in}, names, src); err != nil {
		return 0, err
	}
	tag, err := c.Exec(ctx, `INSERT INTO `+t.name+` (`+t.columns+`) SELECT `+t.columns+` FROM `+in+t.upsert)
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

// rowSource feeds COPY one row at a time from a reused slice.
type rowSource struct {
	t importTable
	k int
	v []any
}

func (s *rowSource) Next() bool {
	s.k++
	return s.k < len(s.t.order)
}

func (s *rowSource) Values() ([]any, error) {
	s.t.row(int(s.t.order[s.k]), s.v)
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
//   - the write-ahead log is checkpointed at 20,000 pages (80 MiB) instead
//     of 1,000: a download rewrites the same index pages batch after
//     batch, and each checkpoint copied them into the database again;
//   - the page cache holds at least 64 MiB (more when a bulk load set it).
//
// (The single-row upserts of writeRows keep no statement journal, so the
// import no longer needs temp_store = MEMORY.)
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
	set := []string{`PRAGMA wal_autocheckpoint = 20000`}
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
