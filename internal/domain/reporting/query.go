package reporting

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// Every total, series, ranking and comparison is one SQL aggregation over
// the fact tables; Go only fills the days without data with zeros (a chart
// needs a continuous axis) and derives the ratios from the summed counts.
//
// Indexes, checked with EXPLAIN QUERY PLAN (SQLite) and EXPLAIN (ANALYZE,
// BUFFERS) (PostgreSQL) over 1,773,900 facts (30 campaigns × 730 days; per
// campaign and day 81 rows, 60 of them assets in 5 ad groups; 600 assets):
//   - a campaign's series, totals and rows by level: report_campaigns_ours
//     finds the Google campaign(s), then one range of report_facts' key
//     (customer, Google campaign, level, day): on SQLite a SEARCH of the
//     table itself (WITHOUT ROWID), on PostgreSQL an index scan of
//     report_facts_key over rows stored next to each other;
//   - a campaign's asset ranking and one asset in every place: the asset
//     rollups (rollup.go), 2 or 3 rows of running sums per place found by
//     key, whatever the days; the asset's series a range of
//     report_asset_days; asset_links_usage the places it is linked;
//   - one ad group's, ad's, keyword's or asset group's series: a range of
//     report_facts_entity (level, entity_id, day), then 90 rows by key.
// On that set, on a machine shared with other work (load average 7–10 on
// 2 cores), 60 runs each, p95 SQLite / PostgreSQL: a campaign's daily
// series over 90 days 1.0 / 3.3 ms; its asset ranking 8.4 / 6.1 ms; one
// asset in every place 3.2 / 10.5 ms. None of these grows with the table:
// each reads one index range of the campaign's or the asset's days.

// maxRangeYears bounds a report's date range.
const maxRangeYears = 3

// Range is an inclusive range of days.
type Range struct {
	From Day `json:"from"`
	To   Day `json:"to"`
}

// NewRange reads from and to (YYYY-MM-DD, inclusive). Errors name the
// parameter: query.from or query.to.
func NewRange(from, to string) (Range, error) {
	f, err := ParseDay(from)
	if err != nil {
		return Range{}, errs.Field("query.from", "a date YYYY-MM-DD", from)
	}
	t, err := ParseDay(to)
	if err != nil {
		return Range{}, errs.Field("query.to", "a date YYYY-MM-DD", to)
	}
	return RangeOf(f, t)
}

// RangeOf checks a range: from ≤ to, at most three years.
func RangeOf(from, to Day) (Range, error) {
	if from <= 0 || from > maxDay {
		return Range{}, errs.Field("query.from", "outside 1970-01-02 … 2199-12-31", from.String())
	}
	if to <= 0 || to > maxDay {
		return Range{}, errs.Field("query.to", "outside 1970-01-02 … 2199-12-31", to.String())
	}
	if to < from {
		return Range{}, errs.Field("query.to", "before from ("+from.String()+")", to.String())
	}
	if to.Time().After(from.Time().AddDate(maxRangeYears, 0, 0)) {
		return Range{}, errs.Field("query.to", fmt.Sprintf("at most %d years after from (%s)", maxRangeYears, from), to.String())
	}
	return Range{From: from, To: to}, nil
}

// Days is the number of days in the range.
func (r Range) Days() int { return int(r.To-r.From) + 1 }

// Previous is the range of the same length right before r.
func (r Range) Previous() Range {
	n := Day(r.Days())
	return Range{From: r.From - n, To: r.From - 1}
}

// Interval is the bucket of a series.
type Interval string

const (
	Daily   Interval = "day"
	Weekly  Interval = "week" // ISO weeks, Monday to Sunday
	Monthly Interval = "month"
)

// ParseInterval reads day, week or month ("" is day).
func ParseInterval(s string) (Interval, error) {
	switch Interval(s) {
	case "", Daily:
		return Daily, nil
	case Weekly, Monthly:
		return Interval(s), nil
	}
	return "", errs.Field("query.interval", "day, week or month", s)
}

// bucket is the first day of d's bucket.
func (iv Interval) bucket(d Day) Day {
	switch iv {
	case Weekly:
		return d - (d+3)%7 // 1970-01-01 was a Thursday
	case Monthly:
		t := d.Time()
		return DayOf(t.AddDate(0, 0, 1-t.Day()))
	}
	return d
}

// bucketSQL is the SQL of the first day of the bucket of the integer day
// column col, equal to bucket.
func (iv Interval) bucketSQL(engine db.Engine, col string) string {
	switch iv {
	case Weekly:
		return "(" + col + " - (" + col + " + 3) % 7)"
	case Monthly:
		if engine == db.Postgres {
			return "(CAST(date_trunc('month', DATE '1970-01-01' + " + col + ") AS DATE) - DATE '1970-01-01')"
		}
		return "(CAST(strftime('%s', " + col + " * 86400, 'unixepoch', 'start of month') AS INTEGER) / 86400)"
	}
	return col
}

// Measures are summed metrics with the ratios derived from them; a ratio is
// null when its denominator is 0.
type Measures struct {
	Metrics
	// CTR is clicks / impressions.
	CTR *float64 `json:"ctr" nullable:"true" doc:"clicks / impressions"`
	// AverageCPCMicros is cost / clicks.
	AverageCPCMicros *float64 `json:"average_cpc_micros" nullable:"true" doc:"cost_micros / clicks"`
	// ConversionRate is conversions / clicks.
	ConversionRate *float64 `json:"conversion_rate" nullable:"true" doc:"conversions / clicks"`
	// CostPerConversionMicros is cost / conversions.
	CostPerConversionMicros *float64 `json:"cost_per_conversion_micros" nullable:"true" doc:"cost_micros / conversions"`
	// ROAS is conversion value / cost (in currency units, not micros).
	ROAS *float64 `json:"roas" nullable:"true" doc:"conversions_value / (cost_micros / 1,000,000)"`
}

// MeasuresOf derives the ratios of m.
func MeasuresOf(m Metrics) Measures {
	ratio := func(num, den float64) *float64 {
		if den == 0 {
			return nil
		}
		v := num / den
		return &v
	}
	// Sums of fractional conversions carry binary noise (60591.409999999996):
	// Google reports them to at most 6 decimals, so that is what is kept.
	m.Conversions = roundMicro(m.Conversions)
	m.ConversionsValue = roundMicro(m.ConversionsValue)
	return Measures{
		Metrics:                 m,
		CTR:                     ratio(float64(m.Clicks), float64(m.Impressions)),
		AverageCPCMicros:        ratio(float64(m.CostMicros), float64(m.Clicks)),
		ConversionRate:          ratio(m.Conversions, float64(m.Clicks)),
		CostPerConversionMicros: ratio(float64(m.CostMicros), m.Conversions),
		ROAS:                    ratio(m.ConversionsValue, float64(m.CostMicros)/1e6),
	}
}

func roundMicro(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// Point is one bucket of a series: its first day (the range's first day for
// a bucket that starts before it) and its measures.
type Point struct {
	Date Day `json:"date"`
	Measures
}

// sumsSQL sums the metrics of the facts aliased f, in the order scanned by
// scanMetrics.
const sumsSQL = `CAST(COALESCE(SUM(f.impressions), 0) AS BIGINT) AS imp, CAST(COALESCE(SUM(f.clicks), 0) AS BIGINT) AS clk,
	CAST(COALESCE(SUM(f.cost_micros), 0) AS BIGINT) AS cost, COALESCE(SUM(f.conversions), 0) AS conv, COALESCE(SUM(f.conversions_value), 0) AS val`

// metricDest are the scan destinations of sumsSQL.
func metricDest(m *Metrics) []any {
	return []any{&m.Impressions, &m.Clicks, &m.CostMicros, &m.Conversions, &m.ConversionsValue}
}

// labelSQL is the latest (and of one day the best) performance label of the
// grouped asset facts aliased f.
const labelSQL = `COALESCE(MAX(f.day * 8 + f.performance_label), 0) % 8`

// factSource is the facts one report reads: FROM and WHERE (without the
// day range), their arguments, and the table's day column.
type factSource struct {
	from, where string
	args        []any
	// sums is the SELECT list of the sums (default sumsSQL).
	sums string
}

func (src factSource) sumsSQL() string {
	if src.sums != "" {
		return src.sums
	}
	return sumsSQL
}

// campaignFacts are a campaign's own rows (level campaign), reached by its
// Google campaigns.
func campaignFacts(campaignID int64) factSource {
	return factSource{
		from:  `report_campaigns rc JOIN report_facts f ON f.customer_id = rc.customer_id AND f.google_campaign_id = rc.google_campaign_id`,
		where: `rc.campaign_id = ? AND f.level = 'campaign'`,
		args:  []any{campaignID},
	}
}

// entityFacts are the rows of one of our ad groups, ads, keywords or asset
// groups.
func entityFacts(level Level, id int64) factSource {
	return factSource{from: `report_facts f`, where: `f.level = ? AND f.entity_id = ?`, args: []any{string(level), id}}
}

// assetDays are the sums of one of our assets per day over every place it
// is used (a rollup of its facts, see rollup.go).
func assetDays(assetID int64) factSource {
	return factSource{from: `report_asset_days f`, where: `f.asset_id = ?`, args: []any{assetID}, sums: microSumsSQL}
}

// microSumsSQL is sumsSQL over rollups, which sum conversions in
// millionths.
const microSumsSQL = `CAST(COALESCE(SUM(f.impressions), 0) AS BIGINT) AS imp, CAST(COALESCE(SUM(f.clicks), 0) AS BIGINT) AS clk,
	CAST(COALESCE(SUM(f.cost_micros), 0) AS BIGINT) AS cost, CAST(COALESCE(SUM(f.conversions_micro), 0) AS DOUBLE PRECISION) / 1000000 AS conv,
	CAST(COALESCE(SUM(f.value_micro), 0) AS DOUBLE PRECISION) / 1000000 AS val`

// period sums the source's facts over r: totals, and the series by
// interval with every bucket present. demo is whether any row is demo data.
func (s *Service) period(ctx context.Context, c db.Conn, src factSource, r Range, iv Interval) (totals Measures, series []Point, demo bool, err error) {
	var m Metrics
	var isDemo int64
	q := `SELECT ` + src.sumsSQL() + `, COALESCE(MAX(f.demo), 0) FROM ` + src.from + ` WHERE ` + src.where + ` AND f.day BETWEEN ? AND ?`
	args := append(append([]any{}, src.args...), int(r.From), int(r.To))
	if err = c.QueryRow(ctx, q, args...).Scan(append(metricDest(&m), &isDemo)...); err != nil {
		return Measures{}, nil, false, fmt.Errorf("report totals: %w", err)
	}
	series, err = s.series(ctx, c, src, r, iv)
	if err != nil {
		return Measures{}, nil, false, err
	}
	return MeasuresOf(m), series, isDemo != 0, nil
}

// addSums adds b's metrics to a's.
func addSums(a, b Metrics) Metrics {
	a.Impressions += b.Impressions
	a.Clicks += b.Clicks
	a.CostMicros += b.CostMicros
	a.Conversions += b.Conversions
	a.ConversionsValue += b.ConversionsValue
	return a
}

// series sums the source's facts over r by interval, with every bucket
// present.
func (s *Service) series(ctx context.Context, c db.Conn, src factSource, r Range, iv Interval) ([]Point, error) {
	args := append(append([]any{}, src.args...), int(r.From), int(r.To))
	b := iv.bucketSQL(c.Engine(), "f.day")
	q := `SELECT ` + b + ` AS bucket, ` + src.sumsSQL() + ` FROM ` + src.from + ` WHERE ` + src.where + ` AND f.day BETWEEN ? AND ? GROUP BY ` + b + ` ORDER BY bucket`
	rows, err := c.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("report series: %w", err)
	}
	defer rows.Close()
	byBucket := map[Day]Metrics{}
	for rows.Next() {
		var d int64
		var bm Metrics
		if err = rows.Scan(append([]any{&d}, metricDest(&bm)...)...); err != nil {
			return nil, fmt.Errorf("report series: %w", err)
		}
		byBucket[Day(d)] = bm
	}
	if err = rows.Err(); err != nil {
		return nil, fmt.Errorf("report series: %w", err)
	}
	return axis(r, iv, byBucket), nil
}

// axis is every bucket of r in order, with the sums found for it (zeros
// where none).
func axis(r Range, iv Interval, byBucket map[Day]Metrics) []Point {
	var out []Point
	last := Day(-1 << 40)
	for d := r.From; d <= r.To; d++ {
		b := iv.bucket(d)
		if b == last {
			continue
		}
		last = b
		out = append(out, Point{Date: max(b, r.From), Measures: MeasuresOf(byBucket[b])})
	}
	return out
}

// readOnly runs fn in one read snapshot, so every query of a report sees
// the same import.
func (s *Service) readOnly(ctx context.Context, fn func(c db.Conn) error) error {
	return s.db.InReadTx(ctx, fn)
}

// notFound turns sql.ErrNoRows into a 404 naming what is missing.
func notFound(err error, what string, id int64) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errs.NotFoundf("%s %d not found", what, id)
	}
	return err
}

// inList is "?, ?, …" and the ids as arguments.
func inList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return db.Placeholders(len(ids)), args
}

// languageSQL filters campaigns aliased c to those targeting a language.
func languageSQL(engine db.Engine) string {
	if engine == db.Postgres {
		return `c.languages @> jsonb_build_array(CAST(? AS TEXT))`
	}
	return `EXISTS (SELECT 1 FROM json_each(c.languages) j WHERE j.value = ?)`
}

// checkFieldType checks an optional field type filter.
func checkFieldType(s string) error {
	if s != "" && !validFieldType(s) {
		return errs.Field("query.field_type", "Google's asset field type, e.g. HEADLINE", s)
	}
	return nil
}

// checkLanguage checks an optional language filter (BCP 47, e.g. de).
func checkLanguage(s string) error {
	if s == "" {
		return nil
	}
	if len(s) > 35 || strings.IndexFunc(s, func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '-'
	}) >= 0 {
		return errs.Field("query.language", "a BCP 47 language, e.g. de", s)
	}
	return nil
}
