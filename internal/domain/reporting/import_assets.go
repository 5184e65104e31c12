package reporting

import (
	"context"
	"fmt"
	"slices"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// writeAssetRows writes a batch's asset facts (rows in order) in tx and
// counts the facts inserted or changed. A fact of one of our assets is
// stored once, as its place's day in the running sums; a fact of an asset
// that is not ours waits in report_asset_facts until its asset is known.
// Both are read first for the batch's ranges, then each fact is
//   - left alone when stored with the same values, label, demo flag and ids
//     (ids the new fact does not know are kept, as the upsert keeps them);
//   - written to report_asset_facts (insert or upsert) when its asset is
//     still unknown;
//   - else an operation on its place: a new day, a changed day, or — when
//     its ids changed, or its asset became known — a day leaving the old
//     place (or report_asset_facts) for the new one (applyPlaceOps).
//
// Conversions of our assets' facts are compared in millionths, the
// precision the running sums keep.
func writeAssetRows(ctx context.Context, tx db.Conn, customer int64, rows []assetFactRow, order []int32, cache *rollupCache) (int, error) {
	// Stored ids of the facts waiting in report_asset_facts, by position.
	waiting := map[int]Ours{}
	t := importTable{name: "report_asset_facts", columns: assetFactColumns, upsert: assetFactUpsert, cols: 19, order: order, ids: []int{7, 8, 9, 10, 11},
		row: func(i int, v []any) { rows[i].values(v) },
		key: func(i int, v []any) int { return rows[i].compareStored(v) },
		group: func(i int) (int64, string, int64) {
			r := &rows[i]
			return r.campaignGID, "", int64(r.day)
		},
		found: func(k int, v []any) {
			waiting[k] = Ours{CampaignID: asInt(v[7]), AdGroupID: asInt(v[8]), AdID: asInt(v[9]), AssetGroupID: asInt(v[10]), AssetID: asInt(v[11])}
		}}
	if err := cache.check(ctx, tx); err != nil {
		return 0, err
	}
	state, err := t.read(ctx, tx, customer)
	if err != nil {
		return 0, fmt.Errorf("import %s: %w", t.name, err)
	}
	placed, err := readPlaced(ctx, tx, customer, t, rows, cache)
	if err != nil {
		return 0, fmt.Errorf("import asset facts: %w", err)
	}
	written := 0
	var ops []placeFact
	var unwait []int // positions of facts leaving report_asset_facts for a place
	for k, i := range order {
		r := &rows[i]
		now := factSums(tx.Engine(), r)
		code := int64(r.day)*8 + int64(r.label)
		if p, ok := placed[k]; ok {
			to := r.placeAt(keepOurs(r.ours, p.key.ours()))
			state[k] = rowUnchanged
			if to == p.key && now == p.sums && code == p.code {
				continue
			}
			written++
			if to == p.key {
				ops = append(ops, placeFact{key: to, place: p.place, kind: opUpdate,
					runningRow: runningRow{day: r.day, code: code, sums: now.minus(&p.sums)}})
				continue
			}
			ops = append(ops, placeFact{key: p.key, place: p.place, kind: opDelete,
				runningRow: runningRow{day: r.day, code: p.code, sums: sums{}.minus(&p.sums)}})
			ops = append(ops, placeFact{key: to, kind: opInsert, runningRow: runningRow{day: r.day, code: code, sums: now}})
			continue
		}
		ours := r.ours
		if state[k] != rowNew {
			ours = keepOurs(ours, waiting[k]) // waiting in report_asset_facts
		}
		if ours.AssetID == 0 {
			continue // stays in report_asset_facts (state says how)
		}
		if state[k] != rowNew {
			unwait = append(unwait, k)
		}
		state[k] = rowUnchanged
		written++
		ops = append(ops, placeFact{key: r.placeAt(ours), kind: opInsert, runningRow: runningRow{day: r.day, code: code, sums: now}})
	}
	n, err := t.write(ctx, tx, customer, state)
	written += n
	if err != nil {
		return written, fmt.Errorf("import %s: %w", t.name, err)
	}
	for _, k := range unwait {
		r := &rows[order[k]]
		if _, err := tx.Exec(ctx, `DELETE FROM report_asset_facts WHERE customer_id = ? AND google_campaign_id = ? AND day = ?
			AND google_group_id = ? AND google_ad_id = ? AND google_asset_id = ? AND field_type = ?`,
			customer, r.campaignGID, int64(r.day), r.group, r.ad, r.asset, r.fieldType); err != nil {
			return written, fmt.Errorf("import asset facts: place a waiting fact: %w", err)
		}
	}
	if err := applyPlaceOps(ctx, tx, customer, ops, cache); err != nil {
		return written, err
	}
	return written, nil
}

// keepOurs are a new fact's ids, each stored one kept where the fact does
// not know it (as the upsert of report_asset_facts keeps them).
func keepOurs(now, stored Ours) Ours {
	keep := func(now, stored int64) int64 {
		if now != 0 {
			return now
		}
		return stored
	}
	return Ours{CampaignID: keep(now.CampaignID, stored.CampaignID), AdGroupID: keep(now.AdGroupID, stored.AdGroupID), AdID: keep(now.AdID, stored.AdID),
		KeywordID: keep(now.KeywordID, stored.KeywordID), AssetGroupID: keep(now.AssetGroupID, stored.AssetGroupID), AssetID: keep(now.AssetID, stored.AssetID)}
}

// placeAt is the place of the fact r with our ids o.
func (r *assetFactRow) placeAt(o Ours) placeIdent {
	return placeIdent{campaignGID: r.campaignGID, group: r.group, ad: r.ad, googleAsset: r.asset, fieldType: r.fieldType,
		campaign: o.CampaignID, adGroup: o.AdGroupID, adID: o.AdID, assetGroup: o.AssetGroupID, asset: o.AssetID}
}

// ours are the place's ids as a fact's.
func (k placeIdent) ours() Ours {
	return Ours{CampaignID: k.campaign, AdGroupID: k.adGroup, AdID: k.adID, AssetGroupID: k.assetGroup, AssetID: k.asset}
}

// placedFact is a fact stored as a place's day: its values (n = 1) and
// code.
type placedFact struct {
	key   placeIdent
	place int64
	code  int64
	sums
}

// readPlaced finds the facts of t's rows (order positions) stored as days
// of their places: per Google campaign and range of days of the batch, the
// running sums of the campaign's places over those days and each place's
// last row before them in the first day's block (a day's values are the
// difference from the row before it in its block). A campaign whose places
// the cache knows, each with its latest day before the range, is not read:
// a daily download reads nothing here. SQLite reads a range a statement;
// PostgreSQL every range in one (unnest of the ranges, LATERAL per place).
func readPlaced(ctx context.Context, tx db.Conn, customer int64, t importTable, rows []assetFactRow, cache *rollupCache) (map[int]placedFact, error) {
	ranges := t.ranges()
	campaigns := make([]int64, len(ranges))
	for i, r := range ranges {
		campaigns[i] = r.campaign
	}
	if err := loadPlaces(ctx, tx, customer, campaigns, cache); err != nil {
		return nil, fmt.Errorf("places: %w", err)
	}
	ranges = slices.DeleteFunc(ranges, func(rg keyRange) bool { return !placesMayHold(cache, rg) })
	if len(ranges) == 0 {
		return nil, nil
	}
	from := map[int64]int64{} // Google campaign → the first day of its range
	for _, rg := range ranges {
		from[rg.campaign] = rg.from
	}
	// The batch's rows by key: stored rows come by place, not in key order.
	position := make(map[assetFactKey]int, len(t.order))
	for k, i := range t.order {
		position[rows[i].assetFactKey] = k
	}
	out := map[int]placedFact{}
	var prev runningRow
	// take notes a row of running sums; rows come by place and day.
	take := func(r runningRow) error {
		before := prev
		prev = r
		if before.place != r.place || before.day/rollupBlock != r.day/rollupBlock {
			before = runningRow{}
		}
		key, ok := cache.idents[r.place]
		if !ok {
			return fmt.Errorf("place %d is not among the places read", r.place)
		}
		if int64(r.day) < from[key.campaignGID] {
			return nil // the row before the range
		}
		k, found := position[assetFactKey{campaignGID: key.campaignGID, group: key.group, ad: key.ad, asset: key.googleAsset, fieldType: key.fieldType, day: r.day}]
		if found {
			out[k] = placedFact{key: key, place: r.place, code: r.code, sums: r.sums.minus(&before.sums)}
		}
		return nil
	}
	const cols = `d.place_id, d.day, d.code, d.n, d.demo, d.impressions, d.clicks, d.cost_micros, d.conversions_micro, d.value_micro`
	read := func(query string, args ...any) error {
		res, err := tx.Query(ctx, query, args...)
		if err != nil {
			return err
		}
		defer res.Close()
		for res.Next() {
			var r runningRow
			if err := res.Scan(&r.place, &r.day, &r.code, &r.n, &r.demo, &r.imp, &r.clk, &r.cost, &r.conv, &r.val); err != nil {
				return err
			}
			if err := take(r); err != nil {
				return err
			}
		}
		return res.Err()
	}
	if tx.Engine() == db.Postgres {
		camp, lo, first, last := make([]int64, len(ranges)), make([]int64, len(ranges)), make([]int64, len(ranges)), make([]int64, len(ranges))
		for i, rg := range ranges {
			camp[i], lo[i], first[i], last[i] = rg.campaign, rg.from/rollupBlock*rollupBlock, rg.from, rg.to
		}
		err := read(`WITH r (c, lo, first, last) AS (SELECT * FROM unnest(?::bigint[], ?::int[], ?::int[], ?::int[]))
			SELECT `+cols+` FROM r JOIN report_asset_places p ON p.customer_id = ? AND p.google_campaign_id = r.c
				CROSS JOIN LATERAL (SELECT * FROM report_asset_place_days y WHERE y.place_id = p.id AND y.day BETWEEN r.lo AND r.first - 1
					ORDER BY y.day DESC LIMIT 1) d
			UNION ALL
			SELECT `+cols+` FROM r JOIN report_asset_places p ON p.customer_id = ? AND p.google_campaign_id = r.c
				JOIN report_asset_place_days d ON d.place_id = p.id AND d.day BETWEEN r.first AND r.last
			ORDER BY 1, 2`, camp, lo, first, last, customer, customer)
		if err != nil {
			return nil, fmt.Errorf("read stored running sums: %w", err)
		}
		return out, nil
	}
	for _, rg := range ranges {
		prev = runningRow{}
		err := read(`SELECT `+cols+` FROM report_asset_places p JOIN report_asset_place_days d ON d.place_id = p.id AND d.day = (SELECT MAX(y.day)
				FROM report_asset_place_days y WHERE y.place_id = p.id AND y.day BETWEEN ? AND ?)
			WHERE p.customer_id = ? AND p.google_campaign_id = ?
			UNION ALL
			SELECT `+cols+` FROM report_asset_places p JOIN report_asset_place_days d ON d.place_id = p.id AND d.day BETWEEN ? AND ?
			WHERE p.customer_id = ? AND p.google_campaign_id = ?
			ORDER BY 1, 2`, rg.from/rollupBlock*rollupBlock, rg.from-1, customer, rg.campaign, rg.from, rg.to, customer, rg.campaign)
		if err != nil {
			return nil, fmt.Errorf("read stored running sums: %w", err)
		}
	}
	return out, nil
}

// placesMayHold reports whether the places of the range's Google campaign
// may hold a day of the range: unless the cache knows every place's latest
// day and each comes before the range.
func placesMayHold(cache *rollupCache, rg keyRange) bool {
	for _, place := range cache.loaded[rg.campaign] {
		last, known := cache.last[place]
		if !known || int64(last.day) >= rg.from {
			return true
		}
	}
	return false
}
