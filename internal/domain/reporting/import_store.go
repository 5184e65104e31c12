package reporting

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

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

// upsertChunk is the rows per INSERT statement: 19 parameters a row stays
// under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
const upsertChunk = 1000

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

// upserts are the prepared upsert statements of both tables: on SQLite by
// rows per statement (multi-row VALUES), on PostgreSQL one statement over
// arrays (unnest), which the server plans once instead of a statement of
// 19,000 parameters.
type upserts struct {
	facts, assets map[int]*sql.Stmt
}

// upsertStatements prepares the upserts on first use (outside any
// transaction, see db.PrepareWrite).
func (s *Service) upsertStatements(ctx context.Context) (*upserts, error) {
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	if s.stmts != nil {
		return s.stmts, nil
	}
	u := &upserts{facts: map[int]*sql.Stmt{}, assets: map[int]*sql.Stmt{}}
	sizes := statementRows
	if s.db.Engine == db.Postgres {
		sizes = []int{0}
	}
	for _, n := range sizes {
		q := `INSERT INTO report_facts (` + factColumns + `) ` + source(s.db.Engine, factKinds, n) + factUpsert
		st, err := s.db.PrepareWrite(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("prepare the report upsert: %w", err)
		}
		u.facts[n] = st
		q = `INSERT INTO report_asset_facts (` + assetFactColumns + `) ` + source(s.db.Engine, assetFactKinds, n) + assetFactUpsert
		if st, err = s.db.PrepareWrite(ctx, q); err != nil {
			return nil, fmt.Errorf("prepare the asset report upsert: %w", err)
		}
		u.assets[n] = st
	}
	s.stmts = u
	return u, nil
}

// Column kinds of the upserted rows, in column order.
type colKind byte

const (
	kInt     colKind = iota // BIGINT
	kOurID                  // BIGINT, 0 stored as NULL
	kText                   // TEXT
	kFloat                  // DOUBLE PRECISION
	kSmall                  // SMALLINT
	kInteger                // INTEGER
)

var (
	factKinds      = []colKind{kInt, kText, kInt, kInt, kInteger, kInt, kOurID, kOurID, kOurID, kInt, kInt, kInt, kFloat, kFloat, kSmall}
	assetFactKinds = []colKind{kInt, kInt, kInt, kInt, kText, kInteger, kInt, kOurID, kOurID, kOurID, kOurID, kOurID, kSmall, kInt, kInt, kInt, kFloat, kFloat, kSmall}
)

// source is the rows' part of an upsert: n rows of VALUES, or on
// PostgreSQL a SELECT over one array per column.
func source(engine db.Engine, kinds []colKind, n int) string {
	if engine != db.Postgres {
		return "VALUES " + values(len(kinds), n)
	}
	sqlType := map[colKind]string{kInt: "BIGINT", kOurID: "BIGINT", kText: "TEXT", kFloat: "DOUBLE PRECISION", kSmall: "SMALLINT", kInteger: "INTEGER"}
	var sel, arrays, names []string
	for i, k := range kinds {
		c := fmt.Sprintf("c%d", i)
		names = append(names, c)
		arrays = append(arrays, "CAST(? AS "+sqlType[k]+"[])")
		if k == kOurID {
			c = "NULLIF(" + c + ", 0)"
		}
		sel = append(sel, c)
	}
	return "SELECT " + strings.Join(sel, ", ") + " FROM unnest(" + strings.Join(arrays, ", ") + ") AS u(" + strings.Join(names, ", ") + ")"
}

// columns turns n rows into one array per column (PostgreSQL).
func columns(kinds []colKind, n int, row func(i int, args []any) []any) []any {
	out := make([]any, len(kinds))
	ints := make([][]int64, len(kinds))
	texts := make([][]string, len(kinds))
	floats := make([][]float64, len(kinds))
	for c, k := range kinds {
		switch k {
		case kText:
			texts[c] = make([]string, 0, n)
		case kFloat:
			floats[c] = make([]float64, 0, n)
		default:
			ints[c] = make([]int64, 0, n)
		}
	}
	args := make([]any, 0, len(kinds))
	for i := range n {
		args = row(i, args[:0])
		for c, v := range args {
			switch x := v.(type) {
			case string:
				texts[c] = append(texts[c], x)
			case float64:
				floats[c] = append(floats[c], x)
			case int64:
				ints[c] = append(ints[c], x)
			case int:
				ints[c] = append(ints[c], int64(x))
			case nil:
				ints[c] = append(ints[c], 0)
			}
		}
	}
	for c, k := range kinds {
		switch k {
		case kText:
			out[c] = texts[c]
		case kFloat:
			out[c] = floats[c]
		default:
			out[c] = ints[c]
		}
	}
	return out
}

func upsertFacts(ctx context.Context, tx db.Conn, stmts map[int]*sql.Stmt, rows []factRow) (int, error) {
	return upsertAll(ctx, tx, stmts, factKinds, len(rows), func(i int, args []any) []any {
		r := rows[i]
		return append(args, r.customer, string(r.level), r.gid, r.parent, int(r.day), r.campaignGID,
			nullID(r.campaign), nullID(r.adGroup), nullID(r.entity),
			r.m.Impressions, r.m.Clicks, r.m.CostMicros, r.m.Conversions, r.m.ConversionsValue, r.demo)
	})
}

func upsertAssetFacts(ctx context.Context, tx db.Conn, stmts map[int]*sql.Stmt, rows []assetFactRow) (int, error) {
	return upsertAll(ctx, tx, stmts, assetFactKinds, len(rows), func(i int, args []any) []any {
		r := rows[i]
		o := r.ours
		return append(args, r.customer, r.group, r.ad, r.asset, r.fieldType, int(r.day), r.campaignGID,
			nullID(o.CampaignID), nullID(o.AdGroupID), nullID(o.AdID), nullID(o.AssetGroupID), nullID(o.AssetID), r.label,
			r.m.Impressions, r.m.Clicks, r.m.CostMicros, r.m.Conversions, r.m.ConversionsValue, r.demo)
	})
}

// statementRows are the sizes of the upsert statements: a batch is written
// in full chunks and its rest in smaller fixed sizes, so a few prepared
// statements serve every batch.
var statementRows = []int{upsertChunk, 100, 10, 1}

func values(cols, rows int) string {
	row := "(" + db.Placeholders(cols) + ")"
	return strings.TrimSuffix(strings.Repeat(row+",", rows), ",")
}

// upsertAll writes n rows, row(i, args) appending row i's values: on
// PostgreSQL in one statement over arrays, on SQLite in statements of the
// sizes of statementRows.
func upsertAll(ctx context.Context, tx db.Conn, stmts map[int]*sql.Stmt, kinds []colKind, n int, row func(i int, args []any) []any) (int, error) {
	if n == 0 {
		return 0, nil
	}
	if tx.Engine() == db.Postgres {
		res, err := tx.ExecStmt(ctx, stmts[0], columns(kinds, n, row)...)
		if err != nil {
			return 0, err
		}
		k, err := res.RowsAffected()
		return int(k), err
	}
	written := 0
	args := make([]any, 0, upsertChunk*len(kinds))
	for lo := 0; lo < n; {
		size := 1
		for _, s := range statementRows {
			if s <= n-lo {
				size = s
				break
			}
		}
		args = args[:0]
		for i := lo; i < lo+size; i++ {
			args = row(i, args)
		}
		res, err := tx.ExecStmt(ctx, stmts[size], args...)
		if err != nil {
			return written, err
		}
		k, err := res.RowsAffected()
		if err != nil {
			return written, err
		}
		written += int(k)
		lo += size
	}
	return written, nil
}

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
