package reporting

import (
	"cmp"
	"context"
	"database/sql/driver"
	"fmt"
	"io"
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

// writeRows writes the rows of entity and asset in the orders given, in tx
// (a transaction of db.InTxRaw), and counts the rows inserted or changed.
// Entity facts go to report_facts; asset facts of our assets to their
// places' running sums and the other asset facts to report_asset_facts
// (writeAssetRows). Per fact table it first reads the stored rows of the
// batch's ranges (customer, Google campaign[, level] and days: a few index
// range scans) and compares them with the batch in Go; then
//   - rows with a new key are inserted without ON CONFLICT: on PostgreSQL
//     by binary COPY straight into the table (heap pages filled many rows
//     at a time), on SQLite by one prepared single-row INSERT per row run
//     on the driver's connection (a one-row INSERT … VALUES needs no
//     statement journal, is parsed once per batch, and skips database/sql's
//     per-call work);
//   - rows whose values changed go through the upsert (keeping our ids the
//     new row does not know): on PostgreSQL copied into a temporary table
//     and upserted by one INSERT … SELECT, on SQLite one by one;
//   - rows stored with the same values are not written at all, so a
//     repeated download reads and compares only.
//
// The read and the writes must see the same rows: SQLite has one writer;
// on PostgreSQL the transaction first takes an advisory lock per account,
// so two imports of one account queue instead of both inserting a key.
func writeRows(ctx context.Context, tx db.Conn, customer int64, entity []factRow, entityOrder []int32, asset []assetFactRow, assetOrder []int32, cache *rollupCache) (int, error) {
	facts := importTable{name: "report_facts", columns: factColumns, upsert: factUpsert, cols: 15, order: entityOrder, ids: []int{6, 7, 8},
		row: func(i int, v []any) { entity[i].values(v) },
		key: func(i int, v []any) int { return entity[i].compareStored(v) },
		group: func(i int) (int64, string, int64) {
			r := &entity[i]
			return r.campaignGID, string(r.level), int64(r.day)
		}}
	if tx.Engine() == db.Postgres {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7401, hashtext(?))`, strconv.FormatInt(customer, 10)); err != nil {
			return 0, fmt.Errorf("lock the account's reports: %w", err)
		}
	}
	written := 0
	if len(entityOrder) > 0 {
		state, err := facts.read(ctx, tx, customer)
		if err == nil {
			written, err = facts.write(ctx, tx, customer, state)
		}
		if err != nil {
			return written, fmt.Errorf("import %s: %w", facts.name, err)
		}
	}
	if len(assetOrder) == 0 {
		return written, nil
	}
	n, err := writeAssetRows(ctx, tx, customer, asset, assetOrder, cache)
	return written + n, err
}

// read compares the stored rows of the batch's ranges with the batch: the
// state of each row in t.order (rowNew, rowChanged or rowUnchanged).
func (t importTable) read(ctx context.Context, tx db.Conn, customer int64) (state []uint8, err error) {
	err = onDriver(tx, func(c *pgx.Conn) error {
		state, err = t.readPostgres(ctx, c, customer)
		return err
	}, func(c driver.ConnPrepareContext) error {
		state, err = t.readSQLite(c, customer)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read stored rows: %w", err)
	}
	return state, nil
}

// write inserts the rows of t.order in state rowNew and upserts those in
// state rowChanged, and counts the rows written.
func (t importTable) write(ctx context.Context, tx db.Conn, customer int64, state []uint8) (written int, err error) {
	err = onDriver(tx, func(c *pgx.Conn) error {
		written, err = t.writePostgres(ctx, c, state)
		return err
	}, func(c driver.ConnPrepareContext) error {
		written, err = t.writeSQLite(ctx, c, customer, state)
		return err
	})
	return written, err
}

// onDriver runs pg or lite on the driver connection of tx (a transaction
// of db.InTxRaw), by its engine.
func onDriver(tx db.Conn, pg func(*pgx.Conn) error, lite func(driver.ConnPrepareContext) error) error {
	return tx.Raw(func(dc any) error {
		switch c := dc.(type) {
		case *stdlib.Conn:
			return pg(c.Conn())
		case driver.ConnPrepareContext:
			return lite(c)
		}
		return fmt.Errorf("unexpected driver connection %T", dc)
	})
}

// importTable is what writeRows writes to one table: the rows order names,
// row(i, v) putting row i's values in v in the order of columns. The first
// column is the customer, the last the demo flag (the same for a whole
// batch); ids are the columns of our ids (kept when a new row has none).
// key(i, v) compares row i's key with a stored row's values v (in the
// order of columns), as keyOrder sorted them; group(i) is row i's Google
// campaign, level ("" for assets) and day: the batch's rows of one
// campaign and level are one range of the table's key.
type importTable struct {
	name, columns, upsert string
	cols                  int
	ids                   []int
	order                 []int32
	row                   func(i int, v []any)
	key                   func(i int, v []any) int
	group                 func(i int) (campaign int64, level string, day int64)
	found                 func(k int, v []any) // when set, told each stored row of the batch (position in order, values)
}

// Row states after the read of the stored rows.
const (
	rowNew       = 0
	rowChanged   = 1
	rowUnchanged = 2
)

// keyRange is the days of one Google campaign (and level) a batch has.
type keyRange struct {
	campaign int64
	level    string
	from, to int64
}

// ranges are the batch's key ranges, in key order.
func (t importTable) ranges() []keyRange {
	var out []keyRange
	for _, i := range t.order {
		c, l, d := t.group(int(i))
		if n := len(out); n > 0 && out[n-1].campaign == c && out[n-1].level == l {
			out[n-1].from, out[n-1].to = min(out[n-1].from, d), max(out[n-1].to, d)
			continue
		}
		out = append(out, keyRange{campaign: c, level: l, from: d, to: d})
	}
	return out
}

// readQuery selects the stored rows of one key range (SQLite) or, on
// PostgreSQL, of every range given as arrays: one statement, an index range
// scan per range (OFFSET 0 keeps the ranges the outer side of the join).
func (t importTable) readQuery(pg bool) string {
	level := ""
	if t.name == "report_facts" {
		level = ` AND level = ?`
	}
	where := `customer_id = ? AND google_campaign_id = ?` + level + ` AND day BETWEEN ? AND ?`
	if !pg {
		return `SELECT ` + t.columns + ` FROM ` + t.name + ` WHERE ` + where
	}
	where = `customer_id = $1 AND google_campaign_id = r.c AND day BETWEEN r.lo AND r.hi`
	if level != "" {
		where += ` AND level = r.l`
	}
	return `SELECT f.* FROM unnest($2::bigint[], $3::text[], $4::int[], $5::int[]) AS r(c, l, lo, hi)
		CROSS JOIN LATERAL (SELECT ` + t.columns + ` FROM ` + t.name + ` WHERE ` + where + ` OFFSET 0) AS f`
}

// compare notes in state the batch row a stored row v (its values in the
// order of columns) has the key of, if any: changed when a value differs
// or the row knows one of our ids the stored row has not (or another one).
// nv is scratch space of cols values.
func (t importTable) compare(v, nv []any, state []uint8) {
	k, found := slices.BinarySearchFunc(t.order, v, func(i int32, v []any) int { return t.key(int(i), v) })
	if !found {
		return
	}
	if t.found != nil {
		t.found(k, v)
	}
	t.row(int(t.order[k]), nv)
	changed := false
	for j := 1; j < t.cols && !changed; j++ {
		if slices.Contains(t.ids, j) {
			changed = nv[j] != nil && !sameValue(nv[j], v[j])
			continue
		}
		changed = !sameValue(nv[j], v[j])
	}
	if changed {
		state[k] = rowChanged
	} else {
		state[k] = rowUnchanged
	}
}

// storedValue turns what a driver reads into the types row uses: int64,
// float64, string or nil.
func storedValue(v any) any {
	switch x := v.(type) {
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case []byte:
		return string(x)
	}
	return v
}

// sameValue compares a row's value with a stored one (a REAL that SQLite
// reads back as an integer included).
func sameValue(a, b any) bool {
	if af, ok := a.(float64); ok {
		switch bv := b.(type) {
		case float64:
			return af == bv
		case int64:
			return af == float64(bv)
		}
		return false
	}
	return a == b
}

func (r *factRow) compareStored(v []any) int {
	return cmp.Or(cmp.Compare(r.campaignGID, asInt(v[5])), cmp.Compare(string(r.level), asString(v[1])), cmp.Compare(int64(r.day), asInt(v[4])),
		cmp.Compare(r.parent, asInt(v[3])), cmp.Compare(r.gid, asInt(v[2])))
}

func (r *assetFactRow) compareStored(v []any) int {
	return cmp.Or(cmp.Compare(r.campaignGID, asInt(v[6])), cmp.Compare(int64(r.day), asInt(v[5])), cmp.Compare(r.group, asInt(v[1])),
		cmp.Compare(r.ad, asInt(v[2])), cmp.Compare(r.asset, asInt(v[3])), cmp.Compare(r.fieldType, asString(v[4])))
}

func asInt(v any) int64     { n, _ := v.(int64); return n }
func asString(v any) string { s, _ := v.(string); return s }

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

// writeSQLite inserts the new rows and upserts the changed ones (state), each with one prepared
// single-row statement on SQLite's driver connection. The customer and the
// demo flag are written into the statements (one per batch), the other
// values bound. Statements run without a context (one that can end costs
// modernc.org/sqlite a goroutine per call); ctx is checked between rows
// instead.
func (t importTable) writeSQLite(ctx context.Context, c driver.ConnPrepareContext, customer int64, state []uint8) (int, error) {
	if !slices.ContainsFunc(state, func(s uint8) bool { return s != rowUnchanged }) {
		return 0, nil
	}
	v := make([]any, t.cols)
	t.row(int(t.order[0]), v)
	demo, ok := v[t.cols-1].(int64)
	if !ok || demo < 0 || demo > 1 {
		return 0, fmt.Errorf("demo flag %v", v[t.cols-1])
	}
	insert := `INSERT INTO ` + t.name + ` (` + t.columns + `) VALUES (` + strconv.FormatInt(customer, 10) + `, ` +
		db.Placeholders(t.cols-2) + `, ` + strconv.FormatInt(demo, 10) + `)`
	written := 0
	for _, s := range []struct {
		state uint8
		query string
	}{{rowNew, insert}, {rowChanged, insert + t.upsert}} {
		n, err := t.execSQLite(ctx, c, s.query, customer, demo, func(k int) bool { return state[k] == s.state })
		written += n
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

// readSQLite compares the stored rows of the batch's ranges with the batch.
func (t importTable) readSQLite(c driver.ConnPrepareContext, customer int64) ([]uint8, error) {
	state := make([]uint8, len(t.order))
	st, err := c.PrepareContext(context.Background(), t.readQuery(false))
	if err != nil {
		return nil, err
	}
	defer st.Close()
	query, ok := st.(driver.StmtQueryContext)
	if !ok {
		return nil, fmt.Errorf("unexpected driver statement %T", st)
	}
	dest := make([]driver.Value, t.cols)
	v, nv := make([]any, t.cols), make([]any, t.cols)
	for _, r := range t.ranges() {
		args := []driver.NamedValue{{Ordinal: 1, Value: customer}, {Ordinal: 2, Value: r.campaign}}
		if r.level != "" {
			args = append(args, driver.NamedValue{Ordinal: 3, Value: r.level})
		}
		args = append(args, driver.NamedValue{Ordinal: len(args) + 1, Value: r.from}, driver.NamedValue{Ordinal: len(args) + 2, Value: r.to})
		rows, err := query.QueryContext(context.Background(), args)
		if err != nil {
			return nil, err
		}
		for {
			if err := rows.Next(dest); err != nil {
				rows.Close()
				if err == io.EOF {
					break
				}
				return nil, err
			}
			for j := range dest {
				v[j] = storedValue(dest[j])
			}
			t.compare(v, nv, state)
		}
	}
	return state, nil
}

// execSQLite runs query, a single-row statement, for the rows (in order)
// whose position take accepts, and counts the rows it changed.
func (t importTable) execSQLite(ctx context.Context, c driver.ConnPrepareContext, query string, customer, demo int64, take func(k int) bool) (int, error) {
	v := make([]any, t.cols)
	return execRows(ctx, c, query, len(t.order), func(k int, a []driver.NamedValue) ([]driver.NamedValue, error) {
		if !take(k) {
			return nil, nil
		}
		t.row(int(t.order[k]), v)
		if v[0] != any(customer) || v[t.cols-1] != any(demo) {
			return nil, fmt.Errorf("rows of several customers or demo flags in one batch")
		}
		a = a[:0]
		for j := 1; j < t.cols-1; j++ {
			a = append(a, driver.NamedValue{Ordinal: j, Value: v[j]})
		}
		return a, nil
	})
}

// execRows runs query, a single-row statement with ? placeholders, for n
// rows on SQLite's driver connection c: prepared once, args(i, a) giving
// row i's arguments in a's array (nil: the row is skipped), without
// database/sql's per-call work and without a context per call (one that
// can end costs modernc.org/sqlite a goroutine per call; ctx is checked
// between rows instead). It counts the rows changed.
func execRows(ctx context.Context, c driver.ConnPrepareContext, query string, n int,
	args func(i int, a []driver.NamedValue) ([]driver.NamedValue, error)) (int, error) {
	st, err := c.PrepareContext(context.Background(), query)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	exec, ok := st.(driver.StmtExecContext)
	if !ok {
		return 0, fmt.Errorf("unexpected driver statement %T", st)
	}
	a := make([]driver.NamedValue, 0, 24)
	written := 0
	for i := range n {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return written, err
			}
		}
		row, err := args(i, a)
		if err != nil {
			return written, err
		}
		if row == nil {
			continue
		}
		a = row
		res, err := exec.ExecContext(context.Background(), a)
		if err != nil {
			return written, err
		}
		changed, err := res.RowsAffected()
		if err != nil {
			return written, err
		}
		written += int(changed)
	}
	return written, nil
}

// writePostgres copies the new rows (state) straight into the table and
// the changed ones into a temporary table (emptied at every commit),
// upserted from there.
func (t importTable) writePostgres(ctx context.Context, c *pgx.Conn, state []uint8) (int, error) {
	names := strings.Split(t.columns, ",")
	for i := range names {
		names[i] = strings.TrimSpace(names[i])
	}
	var news, changed int
	for _, s := range state {
		switch s {
		case rowNew:
			news++
		case rowChanged:
			changed++
		}
	}
	written := 0
	if news > 0 {
		n, err := c.CopyFrom(ctx, pgx.Identifier{t.name}, names, t.source(state, rowNew))
		if err != nil {
			return 0, err
		}
		written += int(n)
	}
	if changed == 0 {
		return written, nil
	}
	in := t.name + "_in"
	if _, err := c.Exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS `+in+` ON COMMIT DELETE ROWS AS SELECT `+t.columns+` FROM `+t.name+` WITH NO DATA`); err != nil {
		return written, err
	}
	if _, err := c.CopyFrom(ctx, pgx.Identifier{in}, names, t.source(state, rowChanged)); err != nil {
		return written, err
	}
	tag, err := c.Exec(ctx, `INSERT INTO `+t.name+` (`+t.columns+`) SELECT `+t.columns+` FROM `+in+t.upsert)
	if err != nil {
		return written, err
	}
	return written + int(tag.RowsAffected()), nil
}

// readPostgres compares the stored rows of the batch's ranges with the
// batch.
func (t importTable) readPostgres(ctx context.Context, c *pgx.Conn, customer int64) ([]uint8, error) {
	state := make([]uint8, len(t.order))
	rs := t.ranges()
	camp, level, from, to := make([]int64, len(rs)), make([]string, len(rs)), make([]int32, len(rs)), make([]int32, len(rs))
	for i, r := range rs {
		camp[i], level[i], from[i], to[i] = r.campaign, r.level, int32(r.from), int32(r.to)
	}
	rows, err := c.Query(ctx, t.readQuery(true), customer, camp, level, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	v, nv := make([]any, t.cols), make([]any, t.cols)
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return nil, err
		}
		for j := range vals {
			v[j] = storedValue(vals[j])
		}
		t.compare(v, nv, state)
	}
	return state, rows.Err()
}

// source feeds COPY the rows in state s, one at a time from a reused slice.
func (t importTable) source(state []uint8, s uint8) *rowSource {
	return &rowSource{t: t, state: state, want: s, k: -1, v: make([]any, t.cols)}
}

type rowSource struct {
	t     importTable
	state []uint8
	want  uint8
	k     int
	v     []any
}

func (s *rowSource) Next() bool {
	for s.k++; s.k < len(s.t.order); s.k++ {
		if s.state[s.k] == s.want {
			return true
		}
	}
	return false
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
