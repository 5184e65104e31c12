package reporting

import (
	"context"
	"fmt"
	"strings"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// LargeMetrics shapes the metrics of the reporting benchmark data set
// (`imaphub demo --scale metrics`): daily facts over the campaigns with ids
// FirstCampaign…LastCampaign and everything in them, generated inside the
// database from the campaign graph (the where-used data set, see
// campaigns.LargeGraph), so every fact names a real place.
//
// Like a real account, not everything serves: every campaign has a row each
// day, but within a campaign only its first ServingAdGroups ad groups (by
// id) serve, plus every ad group with an ad using HotAsset (a headline that
// runs everywhere: "one asset in all its places" then has many places, all
// with data). A serving ad group has rows for itself, its ads, its
// keywords (negatives never serve) and every asset of its ads, every day.
// Days are as many as it takes to reach Rows, ending on LastDay.
type LargeMetrics struct {
	Customer                    string // the account the rows are filed under
	FirstCampaign, LastCampaign int64
	ServingAdGroups             int
	HotAsset                    int64
	Rows                        int64
	LastDay                     Day
	DaysPerTransaction          int // default 5
	MinDays                     int // at least this many days, default 1
	MaxDays                     int // at most this many days, default 3 years
}

// LargeMetricsResult says what WriteLargeMetrics wrote.
type LargeMetricsResult struct {
	Rows, AssetRows int64 // entity facts and asset facts (report_facts, report_asset_fact_rows)
	From, To        Day
	PerDay          int64
}

// The metrics of a row are functions of its ids and day, in integer
// arithmetic both engines compute alike: a base per entity, a weekly curve
// (Saturdays and Sundays are quiet; day 0, 1970-01-01, was a Thursday, so
// day % 7 is 2 on Saturdays) and a yearly one (winter tyres peak around day
// 300 of the year; the day of the year is counted in four-year cycles) in
// percent.
const (
	largeWeek   = `(CASE s.day % 7 WHEN 2 THEN 70 WHEN 3 THEN 78 WHEN 1 THEN 93 ELSE 100 + s.day % 7 END)`
	largeDoy    = `(((s.day * 4 + 2) % 1461) / 4)`
	largeSeason = `(60 + CASE WHEN ABS(` + largeDoy + ` - 300) < 60 THEN (60 - ABS(` + largeDoy + ` - 300)) * 150 / 60 ELSE 0 END)`
)

// largeFigures is the SELECT list of the metrics of an entity whose id is
// the SQL expression id, at level seed salt and base impressions base.
func largeFigures(id string, salt, base int) string {
	h := func(mul int) string {
		return fmt.Sprintf("((%s * %d + s.day * %d + %d) %% 1000)", id, mul, 40503+mul, salt)
	}
	imp := fmt.Sprintf("(%d + %s * %d / 1000) * %s * %s / 10000", base/2, h(2654435), base, largeWeek, largeSeason)
	clicks := fmt.Sprintf("(%s) * (10 + %s %% 60) / 1000", imp, h(97))
	return fmt.Sprintf(`%[1]s, %[2]s, (%[2]s) * (300000 + %[3]s * 900), CAST((%[2]s) * (%[4]s %% 9) AS DOUBLE PRECISION) / 100,
		CAST((%[2]s) * (%[4]s %% 9) * (150 + %[5]s %% 120) AS DOUBLE PRECISION) / 100`, imp, clicks, h(31), h(7), h(13))
}

// largeServing is the derived table of the serving ad groups (id,
// campaign_id) of the campaigns.
const largeServing = `(SELECT id, campaign_id FROM (SELECT g.id, g.campaign_id, ROW_NUMBER() OVER (PARTITION BY g.campaign_id ORDER BY g.id) AS n
		FROM ad_groups g WHERE g.campaign_id BETWEEN {first} AND {last}) r
	WHERE n <= {serving} OR id IN (SELECT ad_group_id FROM asset_links WHERE asset_id = {hot} AND ad_group_id IS NOT NULL))`

// WriteLargeMetrics adds the data set's facts, marked as demo data, and
// maps its campaigns' Google ids (their own ids) in report_campaigns. Run it
// within d.BulkLoad, after the graph is there; progress, when not nil, is
// told each step.
func WriteLargeMetrics(ctx context.Context, d *db.DB, cfg LargeMetrics, progress func(string)) (LargeMetricsResult, error) {
	customer, err := parseCustomer(cfg.Customer)
	if err != nil {
		return LargeMetricsResult{}, err
	}
	if cfg.FirstCampaign < 1 || cfg.LastCampaign < cfg.FirstCampaign || cfg.ServingAdGroups < 0 || cfg.Rows < 1 || cfg.LastDay < 1 || cfg.LastDay > maxDay {
		return LargeMetricsResult{}, fmt.Errorf("large metrics: config %+v: need 1 ≤ first ≤ last campaign, serving ad groups ≥ 0, rows ≥ 1 and a last day", cfg)
	}
	if cfg.DaysPerTransaction < 1 {
		cfg.DaysPerTransaction = 5
	}
	if cfg.MinDays < 1 {
		cfg.MinDays = 1
	}
	if cfg.MaxDays < 1 {
		cfg.MaxDays = 3 * 366
	}
	if progress == nil {
		progress = func(string) {}
	}
	subst := strings.NewReplacer("{first}", fmt.Sprint(cfg.FirstCampaign), "{last}", fmt.Sprint(cfg.LastCampaign),
		"{serving}", fmt.Sprint(cfg.ServingAdGroups), "{hot}", fmt.Sprint(cfg.HotAsset), "{customer}", fmt.Sprint(customer))
	serving := subst.Replace(largeServing)

	// Rows a day: the campaigns, and per serving ad group itself, its ads,
	// its keywords and its ads' assets.
	var perDay int64
	err = d.Read().QueryRow(ctx, subst.Replace(`SELECT (SELECT count(*) FROM campaigns WHERE id BETWEEN {first} AND {last})
		+ (SELECT count(*) FROM `+serving+` sg)
		+ (SELECT count(*) FROM ads a WHERE a.ad_group_id IN (SELECT id FROM `+serving+` sg))
		+ (SELECT count(*) FROM keywords k WHERE NOT k.negative AND k.ad_group_id IN (SELECT id FROM `+serving+` sg))
		+ (SELECT count(*) FROM asset_links l WHERE l.ad_id IS NOT NULL AND l.ad_group_id IN (SELECT id FROM `+serving+` sg))`)).Scan(&perDay)
	if err != nil {
		return LargeMetricsResult{}, fmt.Errorf("large metrics: count the serving entities: %w", err)
	}
	if perDay == 0 {
		return LargeMetricsResult{}, fmt.Errorf("large metrics: campaigns %d–%d hold nothing to report on", cfg.FirstCampaign, cfg.LastCampaign)
	}
	days := int((cfg.Rows + perDay - 1) / perDay)
	days = min(max(days, cfg.MinDays), cfg.MaxDays)
	first := cfg.LastDay - Day(days) + 1
	if first < 1 {
		return LargeMetricsResult{}, fmt.Errorf("large metrics: %d days end before 1970", days)
	}
	res := LargeMetricsResult{From: first, To: cfg.LastDay, PerDay: perDay}

	err = d.InTx(ctx, func(tx db.Conn) error {
		_, err := tx.Exec(ctx, subst.Replace(`INSERT INTO report_campaigns (customer_id, google_campaign_id, campaign_id)
			SELECT {customer}, id, id FROM campaigns WHERE id BETWEEN {first} AND {last}
			ON CONFLICT (customer_id, google_campaign_id) DO NOTHING`))
		return err
	})
	if err != nil {
		return res, fmt.Errorf("large metrics: report campaigns: %w", err)
	}

	// The day series s(i) becomes s.day. Each level is one INSERT … SELECT
	// per transaction of DaysPerTransaction days.
	days0 := fmt.Sprintf("(SELECT %d + i AS day FROM s) s", int(first)-1)
	factCols := `customer_id, google_campaign_id, level, day, google_parent_id, google_id, campaign_id, ad_group_id, entity_id,
		impressions, clicks, cost_micros, conversions, conversions_value, demo`
	steps := []struct {
		what, insert string
	}{
		{"campaigns", `INSERT INTO report_facts (` + factCols + `)
			SELECT {customer}, c.id, 'campaign', s.day, c.id, c.id, c.id, NULL, c.id, ` + largeFigures("c.id", 1, 40000) + `, 1
			FROM ` + days0 + ` CROSS JOIN campaigns c WHERE c.id BETWEEN {first} AND {last}
			ON CONFLICT DO NOTHING`},
		{"ad groups", `INSERT INTO report_facts (` + factCols + `)
			SELECT {customer}, sg.campaign_id, 'ad_group', s.day, sg.campaign_id, sg.id, sg.campaign_id, sg.id, sg.id, ` + largeFigures("sg.id", 2, 2000) + `, 1
			FROM ` + days0 + ` CROSS JOIN ` + serving + ` sg WHERE sg.id > 0
			ON CONFLICT DO NOTHING`},
		{"ads", `INSERT INTO report_facts (` + factCols + `)
			SELECT {customer}, sg.campaign_id, 'ad', s.day, sg.id, a.id, sg.campaign_id, sg.id, a.id, ` + largeFigures("a.id", 3, 500) + `, 1
			FROM ` + days0 + ` CROSS JOIN ` + serving + ` sg JOIN ads a ON a.ad_group_id = sg.id WHERE a.id > 0
			ON CONFLICT DO NOTHING`},
		{"keywords", `INSERT INTO report_facts (` + factCols + `)
			SELECT {customer}, sg.campaign_id, 'keyword', s.day, sg.id, k.id, sg.campaign_id, sg.id, k.id, ` + largeFigures("k.id", 4, 400) + `, 1
			FROM ` + days0 + ` CROSS JOIN ` + serving + ` sg JOIN keywords k ON k.ad_group_id = sg.id WHERE NOT k.negative
			ON CONFLICT DO NOTHING`},
		// Google's label of an asset: the hot asset is BEST, the others
		// LEARNING, LOW, GOOD or BEST by their id.
		{"asset places", `INSERT INTO report_asset_facts (customer_id, google_campaign_id, day, google_group_id, google_ad_id, google_asset_id, field_type,
				campaign_id, ad_group_id, ad_id, asset_group_id, asset_id, performance_label, impressions, clicks, cost_micros, conversions, conversions_value, demo)
			SELECT {customer}, sg.campaign_id, s.day, sg.id, l.ad_id, l.asset_id, l.field_type, sg.campaign_id, sg.id, l.ad_id, NULL, l.asset_id,
				CASE WHEN l.asset_id = {hot} THEN 6 ELSE 3 + l.asset_id % 4 END, ` + largeFigures("(l.asset_id + l.ad_id)", 5, 160) + `, 1
			FROM ` + days0 + ` CROSS JOIN ` + serving + ` sg JOIN asset_links l ON l.ad_group_id = sg.id WHERE l.ad_id IS NOT NULL
			ON CONFLICT DO NOTHING`},
	}
	err = withoutSecondaryIndexes(ctx, d, []string{"report_facts", "report_asset_facts"}, progress, func() error {
		for _, st := range steps {
			progress(fmt.Sprintf("%s: %d days", st.what, days))
			what := st.what
			err := d.FillSeries(ctx, days, cfg.DaysPerTransaction, subst.Replace(st.insert), func(done int) {
				progress(fmt.Sprintf("%s: %d/%d days", what, done, days))
			})
			if err != nil {
				return fmt.Errorf("large metrics: %s: %w", st.what, err)
			}
		}
		return nil
	})
	// The facts of our assets become their places' running sums (they are
	// stored there only), and cached reports are stale, even when the load
	// stopped half way. The campaigns are new: their places hold nothing yet.
	progress("asset rollups")
	berr := d.InTx(ctx, func(tx db.Conn) error {
		var campaigns []int64
		for c := cfg.FirstCampaign; c <= cfg.LastCampaign; c++ {
			campaigns = append(campaigns, c)
		}
		if err := refreshAssetRollups(ctx, tx, customer, campaigns, first, cfg.LastDay); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM report_asset_facts WHERE customer_id = ? AND google_campaign_id BETWEEN ? AND ? AND asset_id IS NOT NULL`,
			customer, cfg.FirstCampaign, cfg.LastCampaign); err != nil {
			return fmt.Errorf("asset rollups: placed facts: %w", err)
		}
		return bumpEpoch(ctx, tx)
	})
	if err == nil && berr != nil {
		err = fmt.Errorf("large metrics: %w", berr)
	}
	if err != nil {
		return res, err
	}
	progress("analyze")
	if err := afterLargeMetrics(ctx, d); err != nil {
		return res, err
	}
	for _, c := range []struct {
		table string
		n     *int64
	}{{"report_facts", &res.Rows}, {"(SELECT customer_id, day, google_campaign_id FROM report_asset_facts UNION ALL SELECT p.customer_id, d.day, p.google_campaign_id FROM report_asset_places p JOIN report_asset_place_days d ON d.place_id = p.id) a", &res.AssetRows}} {
		if err := d.Read().QueryRow(ctx, `SELECT count(*) FROM `+c.table+` WHERE customer_id = ? AND day BETWEEN ? AND ? AND google_campaign_id BETWEEN ? AND ?`,
			customer, int(first), int(cfg.LastDay), cfg.FirstCampaign, cfg.LastCampaign).Scan(c.n); err != nil {
			return res, fmt.Errorf("large metrics: count %s: %w", c.table, err)
		}
	}
	return res, nil
}

// afterLargeMetrics refreshes the planner's statistics of the fact tables
// (they have no id sequences to move).
func afterLargeMetrics(ctx context.Context, d *db.DB) error {
	tables := []string{"report_campaigns", "report_facts", "report_asset_facts", "report_asset_places", "report_asset_place_days", "report_asset_days"}
	q := `ANALYZE `
	if d.Engine == db.Postgres {
		q = `VACUUM (ANALYZE) `
	}
	for _, t := range tables {
		if _, err := d.WriteDB().ExecContext(ctx, q+t); err != nil {
			return fmt.Errorf("large metrics: analyze %s: %w", t, err)
		}
	}
	return nil
}

// withoutSecondaryIndexes runs load with the secondary indexes of tables
// dropped, and creates them again afterwards from their stored definitions
// (also when load failed): millions of rows arriving in day order would
// otherwise land all over an index led by the asset or entity, and one
// sorted build is many times faster. The keys stay (they cluster the
// tables on SQLite and are the imports' conflict targets). A process killed
// during load leaves the tables without those indexes: the reports stay
// right, only slower, until the data set is generated again or the indexes
// are created by hand from internal/migrations.
func withoutSecondaryIndexes(ctx context.Context, d *db.DB, tables []string, progress func(string), load func() error) error {
	names, defs, err := secondaryIndexes(ctx, d, tables)
	if err != nil {
		return err
	}
	for _, n := range names {
		if _, err := d.WriteDB().ExecContext(ctx, `DROP INDEX `+n); err != nil {
			return fmt.Errorf("large metrics: drop index %s for the load: %w", n, err)
		}
	}
	loadErr := load()
	ctx = context.WithoutCancel(ctx)
	for i, def := range defs {
		progress("index " + names[i])
		if _, err := d.WriteDB().ExecContext(ctx, def); err != nil {
			return fmt.Errorf("large metrics: create index %s again: %w (load: %v)", names[i], err, loadErr)
		}
	}
	return loadErr
}

// secondaryIndexes are the names and CREATE statements of the indexes of
// tables that back no key or constraint.
func secondaryIndexes(ctx context.Context, d *db.DB, tables []string) (names, defs []string, err error) {
	in := make([]any, len(tables))
	for i, t := range tables {
		in[i] = t
	}
	q := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (` + db.Placeholders(len(tables)) + `) ORDER BY name`
	if d.Engine == db.Postgres {
		q = `SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() AND i.tablename IN (` + db.Placeholders(len(tables)) + `)
			AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.connamespace = to_regnamespace(current_schema())) ORDER BY i.indexname`
	}
	rows, err := d.Read().Query(ctx, q, in...)
	if err != nil {
		return nil, nil, fmt.Errorf("large metrics: read the indexes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var n, def string
		if err := rows.Scan(&n, &def); err != nil {
			return nil, nil, fmt.Errorf("large metrics: read the indexes: %w", err)
		}
		names, defs = append(names, n), append(defs, def)
	}
	return names, defs, rows.Err()
}
