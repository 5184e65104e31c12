package reporting

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// The asset places (migrations 0017, 0022): report_asset_places (one row
// per place), report_asset_place_days (each place's running sums within
// blocks of rollupBlock days, which are also where a fact of one of our
// assets is stored: its day's values are the difference from the row
// before) and report_asset_days (each asset's sums per day). An import
// keeps them up to date in its transaction (writeAssetRows,
// applyPlaceOps); report_asset_facts holds only the facts of assets that
// are not ours.

// rollupBlock is the length of the blocks of running sums, in days. A
// range's totals in one place read 2 + (range days / rollupBlock) rows at
// most; an import of some days rewrites the running sums of those days up
// to the end of their block.
const rollupBlock = 128

// placeKey joins the asset facts aliased f with their place aliased p.
const placeKey = `p.customer_id = f.customer_id AND p.google_campaign_id = f.google_campaign_id
	AND p.google_group_id = f.google_group_id AND p.google_ad_id = f.google_ad_id AND p.google_asset_id = f.google_asset_id
	AND p.field_type = f.field_type AND p.campaign_id = COALESCE(f.campaign_id, 0) AND p.ad_group_id = COALESCE(f.ad_group_id, 0)
	AND p.ad_id = COALESCE(f.ad_id, 0) AND p.asset_group_id = COALESCE(f.asset_group_id, 0) AND p.asset_id = f.asset_id`

// microSQL is a fractional column in millionths, an integer.
func microSQL(col string) string {
	return `CAST(ROUND(` + col + ` * 1000000) AS BIGINT)`
}

// refreshAssetRollups turns the facts of our assets that were written to
// report_asset_facts in the Google campaigns given, on the days from…to,
// into their places' running sums and their assets' day sums, in one
// window function over those facts; the caller then deletes them from
// report_asset_facts (the large generator, which writes millions of facts
// by INSERT … SELECT). The running sums of those campaigns' places from
// day from to the end of to's block are made again from report_asset_facts
// alone, and the asset day sums of the days from…to of the assets those
// facts name: their places must hold no other day there (new campaigns).
func refreshAssetRollups(ctx context.Context, tx db.Conn, customer int64, campaigns []int64, from, to Day) error {
	if from > to || len(campaigns) == 0 {
		return nil
	}
	// Every Google campaign of the customer with asset facts: an asset's
	// day sums span them.
	all, err := assetFactCampaigns(ctx, tx, customer)
	if err != nil {
		return err
	}
	blockStart := from / rollupBlock * rollupBlock
	end := to/rollupBlock*rollupBlock + rollupBlock - 1
	r := strings.NewReplacer("{customer}", strconv.FormatInt(customer, 10), "{campaigns}", idList(campaigns), "{all}", idList(all),
		"{from}", strconv.Itoa(int(from)), "{to}", strconv.Itoa(int(to)), "{start}", strconv.Itoa(int(blockStart)),
		"{before}", strconv.Itoa(int(from)-1), "{end}", strconv.Itoa(int(end)), "{block}", strconv.Itoa(rollupBlock))
	facts := `f.customer_id = {customer} AND f.google_campaign_id IN ({campaigns}) AND f.asset_id IS NOT NULL`
	// The assets of the changed facts: their day sums span every campaign.
	touched := `SELECT g.asset_id FROM report_asset_facts g WHERE g.customer_id = {customer} AND g.google_campaign_id IN ({campaigns})
		AND g.asset_id IS NOT NULL AND g.day BETWEEN {from} AND {to}`
	places := `SELECT p.id FROM report_asset_places p WHERE p.customer_id = {customer} AND p.google_campaign_id IN ({campaigns})`
	// The running sums of the block of from up to the day before: the
	// place's last row there, found by key.
	seed := `SELECT d.place_id, d.day, d.code, d.n, d.demo, d.impressions, d.clicks, d.cost_micros, d.conversions_micro, d.value_micro
		FROM report_asset_places p JOIN report_asset_place_days d ON d.place_id = p.id AND d.day = (SELECT MAX(y.day) FROM report_asset_place_days y
			WHERE y.place_id = p.id AND y.day BETWEEN {start} AND {before})
		WHERE p.customer_id = {customer} AND p.google_campaign_id IN ({campaigns})`
	if tx.Engine() == db.Postgres {
		seed = `SELECT d.place_id, d.day, d.code, d.n, d.demo, d.impressions, d.clicks, d.cost_micros, d.conversions_micro, d.value_micro
		FROM report_asset_places p CROSS JOIN LATERAL (SELECT * FROM report_asset_place_days y
			WHERE y.place_id = p.id AND y.day BETWEEN {start} AND {before} ORDER BY y.day DESC LIMIT 1) d
		WHERE p.customer_id = {customer} AND p.google_campaign_id IN ({campaigns})`
	}
	if from == blockStart {
		seed = ``
	} else {
		seed = ` UNION ALL ` + seed
	}
	steps := []struct{ what, q string }{
		{"places", `INSERT INTO report_asset_places (customer_id, google_campaign_id, google_group_id, google_ad_id, google_asset_id, field_type,
				campaign_id, ad_group_id, ad_id, asset_group_id, asset_id)
			SELECT DISTINCT f.customer_id, f.google_campaign_id, f.google_group_id, f.google_ad_id, f.google_asset_id, f.field_type,
				COALESCE(f.campaign_id, 0), COALESCE(f.ad_group_id, 0), COALESCE(f.ad_id, 0), COALESCE(f.asset_group_id, 0), f.asset_id
			FROM report_asset_facts f WHERE ` + facts + ` AND f.day BETWEEN {from} AND {to}
			ON CONFLICT (customer_id, google_campaign_id, google_group_id, google_ad_id, google_asset_id, field_type,
				campaign_id, ad_group_id, ad_id, asset_group_id, asset_id) DO NOTHING`},
		{"clear running sums", `DELETE FROM report_asset_place_days WHERE place_id IN (` + places + `) AND day BETWEEN {from} AND {end}`},
		{"running sums", `INSERT INTO report_asset_place_days (place_id, day, code, n, demo, impressions, clicks, cost_micros, conversions_micro, value_micro)
			SELECT place_id, day, code, n, demo, imp, clk, cost, conv, val FROM (
				SELECT place_id, day, code, SUM(n) OVER w AS n, SUM(demo) OVER w AS demo, SUM(imp) OVER w AS imp, SUM(clk) OVER w AS clk,
					SUM(cost) OVER w AS cost, SUM(conv) OVER w AS conv, SUM(val) OVER w AS val
				FROM (
					SELECT p.id AS place_id, f.day, f.day * 8 + f.performance_label AS code, 1 AS n, f.demo, f.impressions AS imp, f.clicks AS clk,
						f.cost_micros AS cost, ` + microSQL("f.conversions") + ` AS conv, ` + microSQL("f.conversions_value") + ` AS val
					FROM report_asset_facts f JOIN report_asset_places p ON ` + placeKey + `
					WHERE ` + facts + ` AND f.day BETWEEN {from} AND {end}` + seed + `) s
				WINDOW w AS (PARTITION BY place_id, day / {block} ORDER BY day ROWS UNBOUNDED PRECEDING)) r
			WHERE day >= {from}`},
		{"clear asset days", `DELETE FROM report_asset_days WHERE customer_id = {customer} AND day BETWEEN {from} AND {to}
			AND asset_id IN (` + touched + `)`},
		{"asset days", `INSERT INTO report_asset_days (asset_id, day, customer_id, impressions, clicks, cost_micros, conversions_micro, value_micro)
			SELECT f.asset_id, f.day, f.customer_id, SUM(f.impressions), SUM(f.clicks), SUM(f.cost_micros),
				SUM(` + microSQL("f.conversions") + `), SUM(` + microSQL("f.conversions_value") + `)
			FROM report_asset_facts f WHERE f.customer_id = {customer} AND f.google_campaign_id IN ({all}) AND f.day BETWEEN {from} AND {to}
				AND f.asset_id IN (` + touched + `)
			GROUP BY f.asset_id, f.day, f.customer_id`},
	}
	for _, st := range steps {
		if _, err := tx.ExecOnce(ctx, r.Replace(st.q)); err != nil {
			return fmt.Errorf("asset rollups: %s: %w", st.what, err)
		}
	}
	return nil
}

// idList is ids as SQL text for IN (…), comma-separated; NULL (which
// matches nothing) for none.
func idList(ids []int64) string {
	if len(ids) == 0 {
		return "NULL"
	}
	list := make([]string, len(ids))
	for i, id := range ids {
		list[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(list, ", ")
}

// assetFactCampaigns are the Google campaigns customer has asset facts in,
// one seek of the facts' key each.
func assetFactCampaigns(ctx context.Context, tx db.Conn, customer int64) ([]int64, error) {
	var out []int64
	last := int64(0)
	for {
		var next *int64
		if err := tx.QueryRow(ctx, `SELECT MIN(google_campaign_id) FROM report_asset_facts WHERE customer_id = ? AND google_campaign_id > ?`,
			customer, last).Scan(&next); err != nil {
			return nil, fmt.Errorf("asset rollups: campaigns: %w", err)
		}
		if next == nil {
			return out, nil
		}
		out = append(out, *next)
		last = *next
	}
}

// placeSumsSQL is a query of the places (columns id, customer_id, …, of
// report_asset_places) selected by places, each with its sums over r as
// rows to add up: x.sg (1 or -1) times the running sums of the rows found
// (x.n, x.demo, x.impressions, …, x.code), with the place's columns. The
// range's sums in a place are: minus the last row before r in r's first
// block, plus the last row of each block from r's first to before its last,
// plus the last row up to r.To in r's last block.
func placeSumsSQL(engine db.Engine, r Range, places string) string {
	first, last := r.From/rollupBlock, r.To/rollupBlock
	var w []string
	if r.From > first*rollupBlock {
		w = append(w, fmt.Sprintf("(%d, %d, -1)", first*rollupBlock, r.From-1))
	}
	for b := first; b < last; b++ {
		w = append(w, fmt.Sprintf("(%d, %d, 1)", b*rollupBlock, b*rollupBlock+rollupBlock-1))
	}
	w = append(w, fmt.Sprintf("(%d, %d, 1)", last*rollupBlock, r.To))
	cols := `p.campaign_id, p.ad_group_id, p.ad_id, p.asset_group_id, p.asset_id, p.field_type, w.sg,
		d.code, d.n, d.demo, d.impressions, d.clicks, d.cost_micros, d.conversions_micro, d.value_micro`
	if engine == db.Postgres {
		return `SELECT ` + cols + ` FROM (` + places + `) p CROSS JOIN (VALUES ` + strings.Join(w, ", ") + `) w(lo, hi, sg)
			CROSS JOIN LATERAL (SELECT * FROM report_asset_place_days y WHERE y.place_id = p.id AND y.day BETWEEN w.lo AND w.hi
				ORDER BY y.day DESC LIMIT 1) d`
	}
	return `SELECT ` + cols + ` FROM (` + places + `) p CROSS JOIN (SELECT column1 AS lo, column2 AS hi, column3 AS sg FROM (VALUES ` + strings.Join(w, ", ") + `)) w
		JOIN report_asset_place_days d ON d.place_id = p.id AND d.day = (SELECT MAX(y.day) FROM report_asset_place_days y
			WHERE y.place_id = p.id AND y.day BETWEEN w.lo AND w.hi)`
}

// assetSumsSQL is a query of each asset's sums per field type over r in
// the places selected by places (see placeSumsSQL): columns asset_id,
// field_type and those of placeAggSQL.
func assetSumsSQL(engine db.Engine, r Range, places string) string {
	return `SELECT x.asset_id, x.field_type, ` + placeAggSQL(r) + `
		FROM (` + placeSumsSQL(engine, r, places) + `) x GROUP BY x.asset_id, x.field_type`
}

// placeAggSQL sums rows of placeSumsSQL aliased x in a GROUP BY: the
// columns of sumsSQL, then label (of labelSQL), demo (0 or 1) and facts (the
// facts summed).
func placeAggSQL(r Range) string {
	return `CAST(SUM(x.sg * x.impressions) AS BIGINT) AS imp, CAST(SUM(x.sg * x.clicks) AS BIGINT) AS clk,
		CAST(SUM(x.sg * x.cost_micros) AS BIGINT) AS cost, CAST(SUM(x.sg * x.conversions_micro) AS DOUBLE PRECISION) / 1000000 AS conv,
		CAST(SUM(x.sg * x.value_micro) AS DOUBLE PRECISION) / 1000000 AS val,
		COALESCE(MAX(CASE WHEN x.sg > 0 AND x.code >= ` + strconv.Itoa(int(r.From)*8) + ` THEN x.code END), 0) % 8 AS label,
		CASE WHEN SUM(x.sg * x.demo) > 0 THEN 1 ELSE 0 END AS demo, SUM(x.sg * x.n) AS facts`
}
