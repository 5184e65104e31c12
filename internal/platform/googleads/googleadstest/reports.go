package googleadstest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"hash/fnv"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Statistics. The fake reports metrics for what is stored (created by
// mutates or by Populate) as Google does over googleAds:search and
// searchStream:
//
//	SELECT campaign.id, segments.date, metrics.clicks, … FROM keyword_view
//	WHERE segments.date BETWEEN '2026-11-01' AND '2026-11-14'
//
// Report resources are campaign, ad_group, ad_group_ad, keyword_view (the
// keywords of ad_group_criterion), asset_group, ad_group_ad_asset_view (each
// headline and description of a responsive search ad, as an asset with
// field_type and performance_label) and asset_group_asset (with
// performance_label). Metrics are impressions, clicks, cost_micros,
// conversions, conversions_value, ctr and average_cpc; the segment is date.
// With segments.date selected, each entity has a row per day with
// impressions (days without are left out, as Google leaves them out), and
// WHERE must bound segments.date on both sides (BETWEEN, >= and <=, =, or
// DURING); without it, a row per entity sums the days filtered on (every day
// with statistics when none is). Invalid queries are refused with Google's
// queryError codes.
//
// A day's metrics of an entity come from DailyMetrics, a deterministic
// function of the row's resource name and the date, so a test computes
// what a download must hold on its own; SetConversions changes a past day
// (late conversions). Days with statistics are those of the stats window
// (SetStatsWindow; default 2024-01-01 up to today by the fake's clock) that
// are not after today.

// Metrics are one day's statistics of one report row.
type Metrics struct {
	Impressions, Clicks, CostMicros int64
	Conversions, ConversionsValue   float64
}

// DailyMetrics is what the fake reports for the report row named
// resourceName (the resource name of the FROM resource's row, e.g.
// customers/1111111111/keywordViews/20000000008~20000000015) on date
// (YYYY-MM-DD), unless SetConversions changed it. Zero impressions mean no
// row that day. Conversions are multiples of 0.25 and values multiples of
// 0.25 too, so sums in float64 are exact.
func DailyMetrics(resourceName, date string) Metrics {
	h := fnv.New64a()
	h.Write([]byte(resourceName))
	h.Write([]byte{'|'})
	h.Write([]byte(date))
	x := mix(h.Sum64())
	if x%10 == 0 {
		return Metrics{}
	}
	var m Metrics
	m.Impressions = 1 + int64(x>>8%5000)
	m.Clicks = m.Impressions * int64(x>>24%12) / 100
	m.CostMicros = m.Clicks * (50_000 + int64(x>>32%2_000_000))
	m.Conversions = float64(int64(mix(x)%uint64(4*(m.Clicks/10)+1))) / 4
	m.ConversionsValue = m.Conversions * float64(20+int64(x>>48%80))
	return m
}

func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// performanceLabel is Google's label of an asset in an ad or asset group:
// fixed per asset link, as Google reports the current label on every day.
func performanceLabel(viewName string) string {
	h := fnv.New64a()
	h.Write([]byte(viewName))
	labels := []string{"BEST", "GOOD", "GOOD", "LOW", "LEARNING", "PENDING"}
	return labels[mix(h.Sum64())%uint64(len(labels))]
}

// PerformanceLabel is the label the fake reports for an asset link (the
// resource name of its ad_group_ad_asset_view or asset_group_asset row).
func PerformanceLabel(resourceName string) string { return performanceLabel(resourceName) }

// reportState is the fake's statistics configuration.
type reportState struct {
	from, to    string // stats window, YYYY-MM-DD; "" for the defaults
	conversions map[string][2]float64
	cuts        []int // searchStream answers to cut after n batches, in order
	// failIn counts down the searchStream calls until failTimes of them
	// fail with INTERNAL.
	failIn, failTimes int
	// rows caches the rows of report queries while the store is the same
	// (a mutate swaps in a new store; Populate clears it).
	rows      map[string][]statsRow
	rowsStore *store
}

// SetStatsWindow sets the days with statistics (YYYY-MM-DD, inclusive; ""
// keeps the default: 2024-01-01, today).
func (f *Fake) SetStatsWindow(from, to string) {
	f.mu.Lock()
	f.reports.from, f.reports.to = from, to
	f.mu.Unlock()
}

// SetConversions changes the conversions a row reports for one day, as
// Google does when conversions arrive late: the next download of that day
// sees the new figures.
func (f *Fake) SetConversions(resourceName, date string, conversions, value float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.reports.conversions == nil {
		f.reports.conversions = map[string][2]float64{}
	}
	f.reports.conversions[resourceName+"|"+date] = [2]float64{conversions, value}
}

// CutStream makes the next searchStream answer stop after the given number
// of batches without closing the JSON array, as a connection lost midway
// leaves it.
func (f *Fake) CutStream(afterBatches int) {
	f.mu.Lock()
	f.reports.cuts = append(f.reports.cuts, afterBatches)
	f.mu.Unlock()
}

// FailStreams makes the searchStream calls of statistics from the n-th
// one after this (counting from 1) fail with INTERNAL, times in a row, as a
// Google in trouble midway through a long download does.
func (f *Fake) FailStreams(n, times int) {
	f.mu.Lock()
	f.reports.failIn, f.reports.failTimes = n, times
	f.mu.Unlock()
}

// statsResources are the report resources and the resources each row
// reaches (in the order rows are followed).
var statsResources = map[string][]string{
	"campaign":               {"campaign_budget", "customer"},
	"ad_group":               {"campaign", "customer"},
	"ad_group_ad":            {"ad_group", "campaign", "customer"},
	"keyword_view":           {"ad_group_criterion", "ad_group", "campaign", "customer"},
	"asset_group":            {"campaign", "customer"},
	"ad_group_ad_asset_view": {"ad_group_ad", "asset", "ad_group", "campaign", "customer"},
	"asset_group_asset":      {"asset_group", "asset", "campaign", "customer"},
}

var (
	metricsDef  = &resourceDef{msg: "Metrics", gaql: "metrics"}
	segmentsDef = &resourceDef{msg: "Segments", gaql: "segments"}
)

func init() {
	add := func(name, spec string) { messages[name] = parseMessage(name, spec) }
	enums["AssetPerformanceLabel"] = []string{"UNSPECIFIED", "UNKNOWN", "PENDING", "LEARNING", "LOW", "GOOD", "BEST"}
	add("KeywordView", `resource_name string output`)
	add("AdGroupAdAssetView", `
		resource_name string output
		ad_group_ad string output
		asset string output
		field_type enum:AssetFieldType output
		enabled bool output
		performance_label enum:AssetPerformanceLabel output`)
	add("Metrics", `
		clicks int64
		conversions double
		conversions_value double
		cost_micros int64
		impressions int64
		ctr double
		average_cpc double`)
	add("Segments", `date string`)
	aga := messages["AssetGroupAsset"]
	aga.fields["performance_label"] = &fieldDef{name: "performance_label", kind: kEnum, enum: "AssetPerformanceLabel", outputOnly: true}
	aga.order = append(aga.order, "performance_label")
	resourceDefs = append(resourceDefs,
		&resourceDef{"KeywordView", "keyword_view", "keywordViews", 2},
		&resourceDef{"AdGroupAdAssetView", "ad_group_ad_asset_view", "adGroupAdAssetViews", 4})
	attributed["keyword_view"] = statsResources["keyword_view"]
	attributed["ad_group_ad_asset_view"] = statsResources["ad_group_ad_asset_view"]
}

// statField checks a metrics.* or segments.* field of a query.
func (q *gaqlQuery) statField(raw, res, rest string) (gaqlField, *adsError) {
	def := metricsDef
	if res == "segments" {
		def = segmentsDef
	}
	if _, ok := statsResources[q.from.gaql]; !ok {
		code := "PROHIBITED_METRIC_IN_SELECT_OR_WHERE_CLAUSE"
		if res == "segments" {
			code = "PROHIBITED_SEGMENT_IN_SELECT_OR_WHERE_CLAUSE"
		}
		return gaqlField{}, queryErr(code, "Cannot select or filter on "+raw+" for resource "+q.from.gaql+".", raw)
	}
	if f, ok := fieldAt(messages[def.msg], rest); !ok || f.kind == kMessage {
		return gaqlField{}, queryErr("UNRECOGNIZED_FIELD", "Query contains one or more unrecognized fields.", raw)
	}
	return gaqlField{raw: raw, resource: def, path: rest}, nil
}

// stats reports whether a query asks for statistics.
func (q *gaqlQuery) stats() bool {
	for _, f := range q.fields {
		if f.resource == metricsDef || f.resource == segmentsDef {
			return true
		}
	}
	for _, c := range q.where {
		if c.field.resource == metricsDef || c.field.resource == segmentsDef {
			return true
		}
	}
	// The views exist only as statistics.
	return q.from.gaql == "keyword_view" || q.from.gaql == "ad_group_ad_asset_view"
}

func (q *gaqlQuery) selects(res *resourceDef, path string) bool {
	return slices.ContainsFunc(q.fields, func(f gaqlField) bool { return f.resource == res && f.path == path })
}

const dateLayout = "2006-01-02"

// dateRange reads the days the WHERE clause allows: lo and hi inclusive,
// "" where unbounded. DURING becomes BETWEEN on the fake's today.
func (q *gaqlQuery) dateRange(today time.Time) (lo, hi string, err *adsError) {
	for i := range q.where {
		c := &q.where[i]
		if c.field.resource != segmentsDef || c.field.path != "date" {
			continue
		}
		if c.op == "DURING" {
			a, b, ok := during(c.values[0].(string), today)
			if !ok {
				return "", "", queryErr("INVALID_VALUE_WITH_DURING_OPERATOR", "Invalid value with DURING operator.", c.values[0].(string))
			}
			c.op, c.values = "BETWEEN", []any{a, b}
		}
		for _, v := range c.values {
			s, ok := v.(string)
			if _, perr := time.Parse(dateLayout, s); !ok || perr != nil {
				code := "INVALID_DATE_FORMAT"
				if c.op == "BETWEEN" {
					code = "INVALID_VALUE_WITH_BETWEEN_OPERATOR"
				}
				return "", "", queryErr(code, "Date is not in the format YYYY-MM-DD.", toText(v))
			}
		}
		raise := func(s string) {
			if lo == "" || s > lo {
				lo = s
			}
		}
		lower := func(s string) {
			if hi == "" || s < hi {
				hi = s
			}
		}
		switch c.op {
		case "=":
			raise(c.values[0].(string))
			lower(c.values[0].(string))
		case ">=", ">":
			raise(c.values[0].(string))
		case "<=", "<":
			lower(c.values[0].(string))
		case "BETWEEN":
			raise(c.values[0].(string))
			lower(c.values[1].(string))
		case "IN":
			min, max := c.values[0].(string), c.values[0].(string)
			for _, v := range c.values {
				min, max = minStr(min, v.(string)), maxStr(max, v.(string))
			}
			raise(min)
			lower(max)
		default:
			return "", "", queryErr("OPERATOR_FIELD_MISMATCH", "Invalid operator for segments.date.", c.op)
		}
	}
	if lo != "" && hi != "" && lo > hi {
		return "", "", queryErr("DATE_RANGE_TOO_NARROW", "Filters on date have a start date after the end date.", lo+" > "+hi)
	}
	return lo, hi, nil
}

func minStr(a, b string) string {
	if b < a {
		return b
	}
	return a
}

func maxStr(a, b string) string {
	if b > a {
		return b
	}
	return a
}

func during(name string, today time.Time) (string, string, bool) {
	d := func(days int) string { return today.AddDate(0, 0, days).Format(dateLayout) }
	switch strings.ToUpper(name) {
	case "TODAY":
		return d(0), d(0), true
	case "YESTERDAY":
		return d(-1), d(-1), true
	case "LAST_7_DAYS":
		return d(-7), d(-1), true
	case "LAST_14_DAYS":
		return d(-14), d(-1), true
	case "LAST_30_DAYS":
		return d(-30), d(-1), true
	case "THIS_MONTH":
		first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
		return first.Format(dateLayout), d(0), true
	case "LAST_MONTH":
		first := time.Date(today.Year(), today.Month()-1, 1, 0, 0, 0, 0, time.UTC)
		return first.Format(dateLayout), first.AddDate(0, 1, -1).Format(dateLayout), true
	}
	return "", "", false
}

// statsRow is an entity of a report resource with what it reaches; its
// resource part is encoded once and written with every day's metrics.
type statsRow struct {
	name  string // resource name of the FROM resource's row
	r     row
	parts json.RawMessage // the selected resource fields, "{…}"
}

// statsRows lists the rows of a report resource. Called with f.mu held.
func (c *callCtx) statsRows(q *gaqlQuery) []statsRow {
	f, cust := c.f, c.customerID
	var out []statsRow
	addRow := func(main *entity, set row) {
		r := row{q.from.gaql: main}
		for k, v := range set {
			r[k] = v
		}
		for _, res := range statsResources[q.from.gaql] {
			if r[res] == nil {
				r[res] = f.follow(r, res, cust)
			}
		}
		out = append(out, statsRow{name: main.name, r: r, parts: q.rowJSON(r)})
	}
	switch q.from.gaql {
	case "keyword_view":
		for _, crit := range f.store.list(cust, resourceByGAQL("ad_group_criterion")) {
			if str(crit.v, "type") != "KEYWORD" || crit.v["negative"] == true {
				continue
			}
			view := &entity{def: resourceByGAQL("keyword_view"), customer: cust,
				name: nameOf(cust, "keywordViews", lastID(str(crit.v, "ad_group")), lastID(crit.name))}
			view.v = map[string]any{"resource_name": view.name}
			addRow(view, row{"ad_group_criterion": crit})
		}
	case "ad_group_ad_asset_view":
		for _, ad := range f.store.list(cust, resourceByGAQL("ad_group_ad")) {
			rsa, _ := lookup(ad.v, "ad.responsive_search_ad")
			m, _ := rsa.(map[string]any)
			adID, _ := num(ad.v, "ad.id")
			for _, part := range []struct{ field, fieldType string }{{"headlines", "HEADLINE"}, {"descriptions", "DESCRIPTION"}} {
				list, _ := m[part.field].([]any)
				for _, item := range list {
					text := str(item.(map[string]any), "text")
					asset := textAsset(cust, text)
					name := nameOf(cust, "adGroupAdAssetViews", lastID(str(ad.v, "ad_group")), itoa(adID), lastID(asset.name), part.fieldType)
					view := &entity{def: resourceByGAQL("ad_group_ad_asset_view"), customer: cust, name: name, v: map[string]any{
						"resource_name": name, "ad_group_ad": ad.name, "asset": asset.name, "field_type": part.fieldType,
						"enabled": ad.status() != "REMOVED", "performance_label": performanceLabel(name)}}
					addRow(view, row{"ad_group_ad": ad, "asset": asset})
				}
			}
		}
	case "asset_group_asset":
		for _, e := range f.store.list(cust, q.from) {
			cp := *e
			cp.v = clone(e.v).(map[string]any)
			cp.v["performance_label"] = performanceLabel(e.name)
			addRow(&cp, nil)
		}
	default:
		for _, e := range f.store.list(cust, q.from) {
			addRow(e, nil)
		}
	}
	return out
}

// textAsset is the asset Google keeps for a text of a responsive search
// ad: one per account and text, with an id derived from both.
func textAsset(customer, text string) *entity {
	h := fnv.New64a()
	h.Write([]byte(customer + "|" + text))
	id := 30_000_000_000 + int64(h.Sum64()%9_000_000_000)
	name := nameOf(customer, "assets", itoa(id))
	return &entity{def: resourceByGAQL("asset"), customer: customer, name: name,
		v: map[string]any{"resource_name": name, "id": id, "type": "TEXT", "text_asset": map[string]any{"text": text}}}
}

// searchStats answers a query with statistics: search pages or a stream of
// batches written as they are made, so an answer of millions of rows is
// never held whole.
func (c *callCtx) searchStats(q *gaqlQuery, req map[string]any, query string, offset int) *apiError {
	f := c.f
	f.mu.Lock()
	today := f.now().UTC()
	rs := f.reports
	conv := make(map[string][2]float64, len(rs.conversions))
	for k, v := range rs.conversions {
		conv[k] = v
	}
	cut := -1
	if c.call == "searchStream" && len(f.reports.cuts) > 0 {
		cut, f.reports.cuts = f.reports.cuts[0], f.reports.cuts[1:]
	}
	pageSize := f.pageSize
	fail := false
	if c.call == "searchStream" && f.reports.failTimes > 0 {
		if f.reports.failIn--; f.reports.failIn <= 0 {
			fail, f.reports.failIn = true, 1
			f.reports.failTimes--
		}
	}
	f.mu.Unlock()
	if fail {
		return c.fail("INTERNAL", newErr(nil, "internalError", "INTERNAL_ERROR", "An internal error has occurred."))
	}

	lo, hi, qerr := q.dateRange(today)
	if qerr != nil {
		return c.fail("INVALID_ARGUMENT", *qerr)
	}
	byDate := q.selects(segmentsDef, "date")
	if byDate && (lo == "" || hi == "") {
		return c.fail("INVALID_ARGUMENT", *queryErr("EXPECTED_FILTERS_ON_DATE_RANGE",
			"Filters on date are required when segments.date is selected: a finite range (BETWEEN, or both >= and <=, or DURING).", "segments.date"))
	}
	winFrom, winTo := rs.from, rs.to
	if winFrom == "" {
		winFrom = "2024-01-01"
	}
	if todayS := today.Format(dateLayout); winTo == "" || winTo > todayS {
		winTo = todayS
	}
	lo = maxStr(lo, winFrom)
	if hi == "" || hi > winTo {
		hi = winTo
	}
	// The days are filtered here; the other conditions on each row.
	var dateConds, rowConds []gaqlCond
	for _, c := range q.where {
		if c.field.resource == segmentsDef {
			dateConds = append(dateConds, c)
		} else {
			rowConds = append(rowConds, c)
		}
	}
	var days []string
	if lo <= hi {
		start, _ := time.Parse(dateLayout, lo)
		end, _ := time.Parse(dateLayout, hi)
		for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
			date := d.Format(dateLayout)
			r := row{"segments": &entity{v: map[string]any{"date": date}}}
			if !slices.ContainsFunc(dateConds, func(c gaqlCond) bool { return !c.match(r) }) {
				days = append(days, date)
			}
		}
	}

	f.mu.Lock()
	if f.reports.rowsStore != f.store {
		f.reports.rows, f.reports.rowsStore = map[string][]statsRow{}, f.store
	}
	key := c.customerID + "|" + q.from.gaql + "|" + q.fieldMask()
	base, cached := f.reports.rows[key]
	if !cached {
		base = c.statsRows(q)
		f.reports.rows[key] = base
	}
	f.mu.Unlock()

	metricsOf := func(name, date string) Metrics {
		m := DailyMetrics(name, date)
		if v, ok := conv[name+"|"+date]; ok && m.Impressions > 0 {
			m.Conversions, m.ConversionsValue = v[0], v[1]
		}
		return m
	}
	var metricFields []string
	for _, fl := range q.fields {
		if fl.resource == metricsDef {
			metricFields = append(metricFields, fl.path)
		}
	}
	emit := func(yield func(json.RawMessage) bool) {
		var buf []byte
		out := func(sr statsRow, date string, m Metrics) bool {
			if len(rowConds) > 0 {
				r := maps.Clone(sr.r) // the cached row is shared by concurrent answers
				r["metrics"] = &entity{v: m.values()}
				for _, cond := range rowConds {
					if !cond.match(r) {
						return true
					}
				}
			}
			buf = appendStatsRow(buf[:0], sr.parts, metricFields, m, date)
			return yield(buf)
		}
		if byDate {
			for _, date := range days {
				for _, sr := range base {
					m := metricsOf(sr.name, date)
					if m.Impressions == 0 {
						continue
					}
					if !out(sr, date, m) {
						return
					}
				}
			}
			return
		}
		for _, sr := range base {
			var sum Metrics
			for _, date := range days {
				m := metricsOf(sr.name, date)
				sum.Impressions += m.Impressions
				sum.Clicks += m.Clicks
				sum.CostMicros += m.CostMicros
				sum.Conversions += m.Conversions
				sum.ConversionsValue += m.ConversionsValue
			}
			if !out(sr, "", sum) {
				return
			}
		}
	}
	if len(q.orderBy) > 0 || c.call == "search" {
		var all []json.RawMessage
		emit(func(b json.RawMessage) bool { all = append(all, slices.Clone(b)); return true })
		if len(q.orderBy) > 0 {
			// Order on the decoded rows' values: re-read what was written.
			idx := make([]int, len(all))
			vals := make([]map[string]any, len(all))
			for i, b := range all {
				idx[i] = i
				var v map[string]any
				_ = json.Unmarshal(b, &v)
				vals[i] = v
			}
			slices.SortStableFunc(idx, func(a, b int) int {
				for _, o := range q.orderBy {
					va, _ := lookup(vals[a], camelPath(o.field.raw))
					vb, _ := lookup(vals[b], camelPath(o.field.raw))
					n := compare(numeric(va), numeric(vb))
					if o.desc {
						n = -n
					}
					if n != 0 {
						return n
					}
				}
				return 0
			})
			sorted := make([]json.RawMessage, len(all))
			for i, j := range idx {
				sorted[i] = all[j]
			}
			all = sorted
		}
		if q.limit > 0 && len(all) > q.limit {
			all = all[:q.limit]
		}
		if c.call == "searchStream" {
			c.writeStream(q, func(yield func(json.RawMessage) bool) {
				for _, b := range all {
					if !yield(b) {
						return
					}
				}
			}, pageSize, cut)
			return nil
		}
		return c.writePage(q, req, query, all, offset, pageSize)
	}
	limited := emit
	if q.limit > 0 {
		limited = func(yield func(json.RawMessage) bool) {
			n := 0
			emit(func(b json.RawMessage) bool {
				n++
				return yield(b) && n < q.limit
			})
		}
	}
	c.writeStream(q, limited, pageSize, cut)
	return nil
}

func camelPath(raw string) string {
	segs := strings.Split(raw, ".")
	for i, s := range segs {
		segs[i] = camel(s)
	}
	return strings.Join(segs, ".")
}

// numeric reads an int64 written as a string back as a number for ordering.
func numeric(v any) any {
	switch x := v.(type) {
	case string:
		if n, err := strconv.ParseInt(x, 10, 64); err == nil {
			return n
		}
	case float64:
		return x
	}
	return v
}

func (m Metrics) values() map[string]any {
	return map[string]any{"impressions": m.Impressions, "clicks": m.Clicks, "cost_micros": m.CostMicros,
		"conversions": m.Conversions, "conversions_value": m.ConversionsValue, "ctr": m.double("ctr"), "average_cpc": m.double("average_cpc")}
}

// double is a metric of type double by its proto name.
func (m Metrics) double(name string) float64 {
	switch name {
	case "conversions":
		return m.Conversions
	case "conversions_value":
		return m.ConversionsValue
	case "ctr":
		if m.Impressions > 0 {
			return float64(m.Clicks) / float64(m.Impressions)
		}
	case "average_cpc":
		if m.Clicks > 0 {
			return float64(m.CostMicros) / float64(m.Clicks)
		}
	}
	return 0
}

// appendStatsRow writes a row: its resource parts, then metrics (int64 as
// strings, doubles as numbers) and segments.
func appendStatsRow(b []byte, parts json.RawMessage, metricFields []string, m Metrics, date string) []byte {
	b = append(b, parts[:len(parts)-1]...)
	sep := func() {
		if len(b) > 1 {
			b = append(b, ',')
		}
	}
	if len(metricFields) > 0 {
		sep()
		b = append(b, `"metrics":{`...)
		for i, name := range metricFields {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '"')
			b = append(b, camel(name)...)
			b = append(b, `":`...)
			str := func(n int64) {
				b = append(b, '"')
				b = strconv.AppendInt(b, n, 10)
				b = append(b, '"')
			}
			switch name {
			case "impressions":
				str(m.Impressions)
			case "clicks":
				str(m.Clicks)
			case "cost_micros":
				str(m.CostMicros)
			default:
				b = strconv.AppendFloat(b, m.double(name), 'g', -1, 64)
			}
		}
		b = append(b, '}')
	}
	if date != "" {
		sep()
		b = append(b, `"segments":{"date":"`...)
		b = append(b, date...)
		b = append(b, `"}`...)
	}
	return append(b, '}')
}

// writeStream answers searchStream: a JSON array of batches of pageSize
// rows, each batch sent as soon as it is full; cut ≥ 0 stops after that many
// batches with the array left open and the connection closed.
func (c *callCtx) writeStream(q *gaqlQuery, rows func(yield func(json.RawMessage) bool), pageSize, cut int) {
	w := c.w
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	mask, _ := json.Marshal(q.fieldMask())
	rid, _ := json.Marshal(c.requestID)
	var b bytes.Buffer
	b.WriteByte('[')
	if cut == 0 {
		_, _ = w.Write(b.Bytes())
		_ = rc.Flush()
		panic(http.ErrAbortHandler)
	}
	batches, inBatch := 0, 0
	closeBatch := func() bool {
		if inBatch > 0 {
			b.WriteString(`],`)
		} else {
			b.WriteByte('{')
		}
		b.WriteString(`"fieldMask":`)
		b.Write(mask)
		b.WriteString(`,"requestId":`)
		b.Write(rid)
		b.WriteByte('}')
		batches++
		inBatch = 0
		_, err := w.Write(b.Bytes())
		b.Reset()
		_ = rc.Flush()
		if err != nil {
			return false
		}
		if batches == cut {
			panic(http.ErrAbortHandler) // the connection ends midway
		}
		return true
	}
	ok := true
	rows(func(r json.RawMessage) bool {
		if inBatch == 0 {
			if batches > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`{"results":[`)
		} else {
			b.WriteByte(',')
		}
		b.Write(r)
		inBatch++
		if inBatch == pageSize {
			ok = closeBatch()
		}
		return ok
	})
	if !ok {
		return
	}
	if inBatch > 0 || batches == 0 {
		if !closeBatch() {
			return
		}
	}
	b.WriteByte(']')
	_, _ = w.Write(b.Bytes())
}

// writePage answers googleAds:search with one page of rows.
func (c *callCtx) writePage(q *gaqlQuery, req map[string]any, query string, encoded []json.RawMessage, offset, pageSize int) *apiError {
	if offset > len(encoded) {
		offset = len(encoded)
	}
	end := min(offset+pageSize, len(encoded))
	out := map[string]any{"fieldMask": q.fieldMask()}
	if end > offset {
		out["results"] = encoded[offset:end]
	}
	if end < len(encoded) {
		b, _ := json.Marshal(pageToken{Query: query, Offset: end})
		out["nextPageToken"] = base64.RawURLEncoding.EncodeToString(b)
	}
	if set, _ := lookup(req, "search_settings.return_total_results_count"); set == true {
		out["totalResultsCount"] = strconv.Itoa(len(encoded))
	}
	writeJSON(c.w, http.StatusOK, out)
	return nil
}

// Population is what Populate creates in an account.
type Population struct {
	// SearchCampaigns each hold AdGroups ad groups, each with one
	// responsive search ad (three headlines, two descriptions) and Keywords
	// keywords.
	SearchCampaigns, AdGroups, Keywords int
	// PMaxCampaigns each hold AssetGroups asset groups, each linking three
	// headlines and two descriptions.
	PMaxCampaigns, AssetGroups int
}

// Populate stores campaigns in an account directly, as if they had been
// made at Google, so reports of any size can be asked for. Texts repeat
// across ad groups as a real account's do.
func (f *Fake) Populate(customer string, p Population) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := f.store
	f.reports.rows = nil
	f.reports.rowsStore = nil
	put := func(gaql string, v map[string]any, ids ...string) *entity {
		def := resourceByGAQL(gaql)
		e := &entity{def: def, customer: customer, name: nameOf(customer, def.collection, ids...), v: v}
		v["resource_name"] = e.name
		st.put(e)
		return e
	}
	texts := func(kind string, n, seed int) []any {
		var out []any
		for i := range n {
			out = append(out, map[string]any{"text": kind + " " + itoa(int64(seed%50)) + "-" + itoa(int64(i))})
		}
		return out
	}
	for c := range p.SearchCampaigns {
		id := st.newID()
		camp := put("campaign", map[string]any{"id": id, "name": "Search " + itoa(int64(c+1)), "status": "ENABLED", "advertising_channel_type": "SEARCH"}, itoa(id))
		for g := range p.AdGroups {
			gid := st.newID()
			ag := put("ad_group", map[string]any{"id": gid, "name": "Ad group " + itoa(int64(g+1)), "status": "ENABLED", "type": "SEARCH_STANDARD", "campaign": camp.name}, itoa(gid))
			adID := st.newID()
			put("ad_group_ad", map[string]any{"ad_group": ag.name, "status": "ENABLED", "ad": map[string]any{"id": adID, "resource_name": nameOf(customer, "ads", itoa(adID)),
				"type": "RESPONSIVE_SEARCH_AD", "final_urls": []any{"https://example.com/"},
				"responsive_search_ad": map[string]any{"headlines": texts("Headline", 3, c*p.AdGroups+g), "descriptions": texts("Description", 2, c*p.AdGroups+g)}}},
				itoa(gid), itoa(adID))
			for k := range p.Keywords {
				kid := st.newID()
				text := "keyword " + itoa(int64(g)) + " " + itoa(int64(k))
				put("ad_group_criterion", map[string]any{"criterion_id": kid, "ad_group": ag.name, "status": "ENABLED", "negative": false, "type": "KEYWORD",
					"display_name": text, "keyword": map[string]any{"text": text, "match_type": "PHRASE"}}, itoa(gid), itoa(kid))
			}
		}
	}
	for c := range p.PMaxCampaigns {
		id := st.newID()
		camp := put("campaign", map[string]any{"id": id, "name": "Performance Max " + itoa(int64(c+1)), "status": "ENABLED", "advertising_channel_type": "PERFORMANCE_MAX"}, itoa(id))
		for g := range p.AssetGroups {
			gid := st.newID()
			ag := put("asset_group", map[string]any{"id": gid, "name": "Asset group " + itoa(int64(g+1)), "status": "ENABLED", "campaign": camp.name, "final_urls": []any{"https://example.com/"}}, itoa(gid))
			for i, fieldType := range []string{"HEADLINE", "HEADLINE", "HEADLINE", "DESCRIPTION", "DESCRIPTION"} {
				aid := st.newID()
				text := strings.ToLower(fieldType) + " " + itoa(int64(c)) + "-" + itoa(int64(g)) + "-" + itoa(int64(i))
				asset := put("asset", map[string]any{"id": aid, "type": "TEXT", "text_asset": map[string]any{"text": text}}, itoa(aid))
				put("asset_group_asset", map[string]any{"asset_group": ag.name, "asset": asset.name, "field_type": fieldType, "status": "ENABLED"}, itoa(gid), itoa(aid), fieldType)
			}
		}
	}
}
