package reporting

import (
	"cmp"
	"context"
	"database/sql/driver"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// The facts of our assets are stored once, as their places' running sums
// (report_asset_place_days): a day's values are the difference from the
// place's previous row in its block. An import turns its asset rows into
// operations on places (writeAssetRows): a new fact is a new day row, a
// changed one moves its day's row by the difference, and a fact whose ids
// changed (ids learnt later) leaves its old place for the new one.
// applyPlaceOps carries them out: the running sums after each changed day
// in its block move by the same difference, and the asset day sums by it.
// Nothing is read back but the running sums the operations land between.

// placeIdent is a place of report_asset_places besides the customer: an
// asset fact's Google ids and field type, and our ids (0: none).
type placeIdent struct {
	campaignGID, group, ad, googleAsset int64
	fieldType                           string
	campaign, adGroup, adID, assetGroup int64
	asset                               int64
}

// sums are running sums of report_asset_place_days, or one fact's values
// (n = 1) to add to them.
type sums struct {
	n, demo, imp, clk, cost, conv, val int64
}

func (s *sums) add(o *sums) {
	s.n, s.demo, s.imp, s.clk, s.cost, s.conv, s.val = s.n+o.n, s.demo+o.demo, s.imp+o.imp, s.clk+o.clk, s.cost+o.cost, s.conv+o.conv, s.val+o.val
}

func (s sums) plus(o *sums) sums { s.add(o); return s }

func (s sums) minus(o *sums) sums {
	return sums{s.n - o.n, s.demo - o.demo, s.imp - o.imp, s.clk - o.clk, s.cost - o.cost, s.conv - o.conv, s.val - o.val}
}

// runningRow is a row of report_asset_place_days.
type runningRow struct {
	place int64
	day   Day
	code  int64
	sums
}

// Kinds of operations on a place's day.
const (
	opInsert = iota // a fact on a day the place has no row for
	opUpdate        // the fact of a stored day changed (its values, its label)
	opDelete        // the fact of a stored day left the place
)

// placeFact is an operation on a place's day: sums is what the day's
// values change by (a new fact's values, n = 1; for opDelete the stored
// fact's values negated, n = -1), code the day's code after it.
type placeFact struct {
	key   placeIdent
	place int64 // report_asset_places.id (0: found or added by placeIDs)
	kind  uint8
	runningRow
}

// factSums are an asset fact's values as the running sums count them. The
// sums in millionths are rounded as the database rounds them
// (refreshAssetRollups, microSQL): SQLite's ROUND away from zero,
// PostgreSQL's round of a double to the even neighbour.
func factSums(engine db.Engine, r *assetFactRow) sums {
	round := math.Round
	if engine == db.Postgres {
		round = math.RoundToEven
	}
	return sums{n: 1, demo: int64(r.demo), imp: r.m.Impressions, clk: r.m.Clicks, cost: r.m.CostMicros,
		conv: int64(round(r.m.Conversions * 1e6)), val: int64(round(r.m.ConversionsValue * 1e6))}
}

// applyPlaceOps carries out ops, the operations of a batch on places of
// customer (at most one per place and day), in tx: places not stored yet
// are added, the running sums written and the asset day sums moved.
func applyPlaceOps(ctx context.Context, tx db.Conn, customer int64, ops []placeFact, cache *rollupCache) error {
	if len(ops) == 0 {
		return nil
	}
	if err := placeIDs(ctx, tx, customer, ops, cache); err != nil {
		return fmt.Errorf("asset rollups: places: %w", err)
	}
	slices.SortFunc(ops, func(a, b placeFact) int { return cmp.Or(cmp.Compare(a.place, b.place), cmp.Compare(a.day, b.day)) })
	inserts, updates, deletes, err := runningSums(ctx, tx, ops, cache)
	if err != nil {
		return err
	}
	if err := writeRunning(ctx, tx, inserts, updates, deletes); err != nil {
		return fmt.Errorf("asset rollups: running sums: %w", err)
	}
	if err := addAssetDays(ctx, tx, customer, ops); err != nil {
		return fmt.Errorf("asset rollups: asset days: %w", err)
	}
	return nil
}

// rollupCache is what an Importer knows of its account's rollups from its
// own batches: the places of the Google campaigns it has read, and each
// place's row of running sums of its latest day. It holds while the
// reporting epoch is the one the importer's last batch committed (every
// change of facts moves it, in the change's transaction); check, at the
// start of a batch's asset rows, drops it otherwise. A daily download or a
// backfill so reads no running sums at all: each new day comes after the
// place's latest.
type rollupCache struct {
	epoch   int64
	known   bool                 // epoch is the one the importer's last batch committed
	start   int64                // the epoch check read in the running batch
	checked bool                 // check ran in the running batch
	places  map[placeIdent]int64 // of the campaigns in loaded
	idents  map[int64]placeIdent // the same places by id
	loaded  map[int64][]int64    // Google campaigns whose places are all in places → their place ids
	last    map[int64]runningRow // place → its row of its latest day (day -1: it has none)
}

func (c *rollupCache) reset() { *c = rollupCache{} }

// check reads the reporting epoch in tx and drops what the cache holds
// unless it is still the one the importer committed last. On PostgreSQL
// tx holds the account's lock (writeRows), so no other import of the
// account runs until it ends.
func (c *rollupCache) check(ctx context.Context, tx db.Conn) error {
	epoch, err := factsEpoch(ctx, tx)
	if err != nil {
		return err
	}
	if !c.known || epoch != c.epoch {
		c.reset()
	}
	c.start, c.checked = epoch, true
	return nil
}

// committed notes the epoch the importer's batch moved to. The cache holds
// on only when check ran in the batch and nobody else moved the epoch
// between that read and the batch's own move.
func (c *rollupCache) committed(epoch int64) {
	if !c.checked || epoch != c.start+1 {
		c.reset()
		return
	}
	c.epoch, c.known, c.checked = epoch, true, false
}

// loadPlaces reads the places of the Google campaigns given that the cache
// has not read yet.
func loadPlaces(ctx context.Context, tx db.Conn, customer int64, campaigns []int64, cache *rollupCache) error {
	if cache.places == nil {
		cache.places, cache.idents, cache.loaded, cache.last = map[placeIdent]int64{}, map[int64]placeIdent{}, map[int64][]int64{}, map[int64]runningRow{}
	}
	var missing []int64
	for _, gid := range campaigns {
		if _, ok := cache.loaded[gid]; !ok && !slices.Contains(missing, gid) {
			missing = append(missing, gid)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	for _, gid := range missing {
		cache.loaded[gid] = []int64{}
	}
	rows, err := tx.QueryOnce(ctx, `SELECT id, google_campaign_id, google_group_id, google_ad_id, google_asset_id, field_type,
		campaign_id, ad_group_id, ad_id, asset_group_id, asset_id
		FROM report_asset_places WHERE customer_id = ? AND google_campaign_id IN (`+idList(missing)+`)`, customer)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var k placeIdent
		if err := rows.Scan(&id, &k.campaignGID, &k.group, &k.ad, &k.googleAsset, &k.fieldType,
			&k.campaign, &k.adGroup, &k.adID, &k.assetGroup, &k.asset); err != nil {
			return err
		}
		cache.note(id, k)
	}
	return rows.Err()
}

// note adds a place of a loaded campaign.
func (c *rollupCache) note(id int64, k placeIdent) {
	c.places[k], c.idents[id] = id, k
	c.loaded[k.campaignGID] = append(c.loaded[k.campaignGID], id)
}

// placeIDs sets the place of every operation that has none, reading the
// places of the Google campaigns the cache has not read yet and adding the
// places not stored (known to have no rows).
func placeIDs(ctx context.Context, tx db.Conn, customer int64, facts []placeFact, cache *rollupCache) error {
	var campaigns []int64
	for i := range facts {
		campaigns = append(campaigns, facts[i].key.campaignGID)
	}
	if err := loadPlaces(ctx, tx, customer, campaigns, cache); err != nil {
		return err
	}
	for i := range facts {
		f := &facts[i]
		if f.place != 0 {
			continue
		}
		id, ok := cache.places[f.key]
		if !ok {
			k := &f.key
			if err := tx.QueryRow(ctx, `INSERT INTO report_asset_places (customer_id, google_campaign_id, google_group_id, google_ad_id,
				google_asset_id, field_type, campaign_id, ad_group_id, ad_id, asset_group_id, asset_id)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, customer, k.campaignGID, k.group, k.ad, k.googleAsset, k.fieldType,
				k.campaign, k.adGroup, k.adID, k.assetGroup, k.asset).Scan(&id); err != nil {
				return err
			}
			cache.note(id, f.key)
			cache.last[id] = runningRow{place: id, day: -1}
		}
		f.place = id
	}
	return nil
}

// span is the operations on one place in one block of running sums
// (facts[from:to], by day), and the stored rows they change.
type span struct {
	from, to int
	read     bool         // the stored rows were read (the cache did not tell)
	seed     *runningRow  // the place's last row in the block before the first operation's day
	later    []runningRow // its rows from that day to the block's end, by day
}

// runningSums works out the rows of running sums to insert (a new fact's
// day), to update (a changed fact's day, and the stored rows after an
// operation in its block, moved by the operations before them) and to
// delete (a fact that left the place), from facts (by place and day). What
// the operations land between is read in one statement — the place's last
// row before the first operation's day in each block, its rows from there
// to the block's end, and its latest row — unless the cache knows the
// place's latest row and it comes before the first operation's day (then
// every operation is an insert). An insert on a stored day, or an update or
// delete of a day not stored, is an error: the batch's read of the stored
// facts and the running sums disagree.
func runningSums(ctx context.Context, tx db.Conn, facts []placeFact, cache *rollupCache) (inserts, updates, deletes []runningRow, err error) {
	type spanKey struct {
		place int64
		block Day
	}
	var spans []span
	index := map[spanKey]int{}
	var values strings.Builder
	read := false // whether the current place's stored rows are read
	for i := range facts {
		f := &facts[i]
		newPlace := i == 0 || facts[i-1].place != f.place
		if !newPlace && facts[i-1].day == f.day {
			return nil, nil, nil, fmt.Errorf("running sums: place %d day %d changed twice in one batch", f.place, f.day)
		}
		if !newPlace && facts[i-1].day/rollupBlock == f.day/rollupBlock {
			spans[len(spans)-1].to = i + 1
			continue
		}
		if newPlace {
			last, known := cache.last[f.place]
			read = !known || last.day >= f.day
		}
		block := f.day / rollupBlock * rollupBlock
		s := span{from: i, to: i + 1, read: read}
		if !read {
			if last := cache.last[f.place]; last.day >= block {
				s.seed = &last
			}
		} else {
			index[spanKey{f.place, block}] = len(spans)
			if values.Len() > 0 {
				values.WriteString(", ")
			}
			fmt.Fprintf(&values, "(%d, %d, %d, %d)", f.place, block, f.day, block+rollupBlock-1)
		}
		spans = append(spans, s)
	}
	// latest: a read place's latest stored row (absent: it has none).
	latest := map[int64]runningRow{}
	if values.Len() > 0 {
		cols := `d.day, d.code, d.n, d.demo, d.impressions, d.clicks, d.cost_micros, d.conversions_micro, d.value_micro`
		rows, err := tx.QueryOnce(ctx, `WITH r (p, lo, mid, hi) AS (VALUES `+values.String()+`)
			SELECT r.p, r.lo, 0, `+cols+` FROM r JOIN report_asset_place_days d ON d.place_id = r.p AND d.day = (SELECT MAX(y.day)
				FROM report_asset_place_days y WHERE y.place_id = r.p AND y.day BETWEEN r.lo AND r.mid - 1)
			UNION ALL
			SELECT r.p, r.lo, 1, `+cols+` FROM r JOIN report_asset_place_days d ON d.place_id = r.p AND d.day BETWEEN r.mid AND r.hi
			UNION ALL
			SELECT r.p, r.lo, 2, `+cols+` FROM r JOIN report_asset_place_days d ON d.place_id = r.p AND d.day = (SELECT MAX(y.day)
				FROM report_asset_place_days y WHERE y.place_id = r.p)`)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("read running sums: %w", err)
		}
		for rows.Next() {
			var r runningRow
			var block Day
			var part int
			if err := rows.Scan(&r.place, &block, &part, &r.day, &r.code, &r.n, &r.demo, &r.imp, &r.clk, &r.cost, &r.conv, &r.val); err != nil {
				rows.Close()
				return nil, nil, nil, fmt.Errorf("read running sums: %w", err)
			}
			s := &spans[index[spanKey{r.place, block}]]
			switch part {
			case 0:
				s.seed = &r
			case 1:
				s.later = append(s.later, r)
			default:
				latest[r.place] = r
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, nil, fmt.Errorf("read running sums: %w", err)
		}
	}
	conflict := func(f *placeFact, what string) error {
		return fmt.Errorf("running sums: place %d day %d: %s", f.place, f.day, what)
	}
	dropped := map[int64]bool{} // places that lost a day: their latest row is not known
	for _, s := range spans {
		place := facts[s.from].place
		last, known := cache.last[place]
		if s.read {
			last, known = latest[place]
		}
		slices.SortFunc(s.later, func(a, b runningRow) int { return cmp.Compare(a.day, b.day) })
		// base: the stored running sums at the last stored day so far;
		// added: what the operations so far changed them by.
		var base, added sums
		if s.seed != nil {
			base = s.seed.sums
		}
		note := func(r runningRow) {
			if !known || r.day >= last.day {
				last, known = r, true
			}
		}
		fs, later := facts[s.from:s.to], s.later
		for len(fs) > 0 || len(later) > 0 {
			switch {
			case len(fs) > 0 && len(later) > 0 && fs[0].day == later[0].day:
				f, r := &fs[0], later[0]
				added.add(&f.sums)
				base = r.sums
				switch f.kind {
				case opUpdate:
					r.sums, r.code = r.sums.plus(&added), f.code
					updates = append(updates, r)
					note(r)
				case opDelete:
					deletes = append(deletes, r)
					dropped[place] = true
				default:
					return nil, nil, nil, conflict(f, "a new fact on a day with a stored one")
				}
				fs, later = fs[1:], later[1:]
			case len(later) > 0 && (len(fs) == 0 || later[0].day < fs[0].day):
				r := later[0]
				base, r.sums = r.sums, r.sums.plus(&added)
				if added != (sums{}) {
					updates = append(updates, r)
				}
				note(r)
				later = later[1:]
			default:
				f := &fs[0]
				if f.kind != opInsert {
					return nil, nil, nil, conflict(f, "a change of a day not stored")
				}
				added.add(&f.sums)
				r := runningRow{place: f.place, day: f.day, code: f.code, sums: base.plus(&added)}
				inserts = append(inserts, r)
				note(r)
				fs = fs[1:]
			}
		}
		if known {
			cache.last[place] = last
		}
	}
	for place := range dropped {
		delete(cache.last, place)
	}
	return inserts, updates, deletes, nil
}

// writeRunning inserts the new rows of running sums, updates the stored
// ones and deletes those of days a fact left: on SQLite a prepared
// statement per row, on PostgreSQL the new rows by COPY and the changed
// and deleted ones in one statement each from arrays.
func writeRunning(ctx context.Context, tx db.Conn, inserts, updates, deletes []runningRow) error {
	if tx.Engine() == db.Postgres {
		return tx.Raw(func(dc any) error {
			c, ok := dc.(*stdlib.Conn)
			if !ok {
				return fmt.Errorf("unexpected driver connection %T", dc)
			}
			if len(deletes) > 0 {
				a := runningArrays(deletes)
				if _, err := c.Conn().Exec(ctx, `DELETE FROM report_asset_place_days d USING unnest($1::bigint[], $2::int[]) AS u (place_id, day)
					WHERE d.place_id = u.place_id AND d.day = u.day`, a[0], a[1]); err != nil {
					return err
				}
			}
			if len(inserts) > 0 {
				if _, err := c.Conn().CopyFrom(ctx, pgx.Identifier{"report_asset_place_days"},
					[]string{"place_id", "day", "code", "n", "demo", "impressions", "clicks", "cost_micros", "conversions_micro", "value_micro"},
					pgx.CopyFromSlice(len(inserts), func(i int) ([]any, error) {
						r := &inserts[i]
						return []any{r.place, int64(r.day), r.code, r.n, r.demo, r.imp, r.clk, r.cost, r.conv, r.val}, nil
					})); err != nil {
					return err
				}
			}
			if len(updates) == 0 {
				return nil
			}
			a := runningArrays(updates)
			_, err := c.Conn().Exec(ctx, `UPDATE report_asset_place_days d SET code = u.code, n = u.n, demo = u.demo, impressions = u.imp,
				clicks = u.clk, cost_micros = u.cost, conversions_micro = u.conv, value_micro = u.val
				FROM unnest($1::bigint[], $2::int[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[])
					AS u (place_id, day, n, demo, imp, clk, cost, conv, val, code)
				WHERE d.place_id = u.place_id AND d.day = u.day`, a...)
			return err
		})
	}
	err := execEach(ctx, tx, `DELETE FROM report_asset_place_days WHERE place_id = ? AND day = ?`, len(deletes),
		func(i int, a []driver.NamedValue) []driver.NamedValue {
			return setArgs(a, deletes[i].place, int64(deletes[i].day))
		})
	if err != nil {
		return err
	}
	err = execEach(ctx, tx, `INSERT INTO report_asset_place_days (place_id, day, code, n, demo, impressions, clicks, cost_micros,
		conversions_micro, value_micro) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, len(inserts), func(i int, a []driver.NamedValue) []driver.NamedValue {
		r := &inserts[i]
		return setArgs(a, r.place, int64(r.day), r.code, r.n, r.demo, r.imp, r.clk, r.cost, r.conv, r.val)
	})
	if err != nil {
		return err
	}
	return execEach(ctx, tx, `UPDATE report_asset_place_days SET code = ?, n = ?, demo = ?, impressions = ?, clicks = ?, cost_micros = ?,
		conversions_micro = ?, value_micro = ? WHERE place_id = ? AND day = ?`, len(updates), func(i int, a []driver.NamedValue) []driver.NamedValue {
		r := &updates[i]
		return setArgs(a, r.code, r.n, r.demo, r.imp, r.clk, r.cost, r.conv, r.val, r.place, int64(r.day))
	})
}

// execEach runs query, a single-row statement with ? placeholders, for n
// rows on SQLite's driver connection of tx (execRows; args(i, a) returns
// row i's arguments in a's array).
func execEach(ctx context.Context, tx db.Conn, query string, n int, args func(i int, a []driver.NamedValue) []driver.NamedValue) error {
	if n == 0 {
		return nil
	}
	return tx.Raw(func(dc any) error {
		c, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		_, err := execRows(ctx, c, query, n, func(i int, a []driver.NamedValue) ([]driver.NamedValue, error) { return args(i, a), nil })
		return err
	})
}

// setArgs makes values a statement's arguments, in order, in a's array.
func setArgs(a []driver.NamedValue, values ...int64) []driver.NamedValue {
	a = a[:0]
	for j, v := range values {
		a = append(a, driver.NamedValue{Ordinal: j + 1, Value: v})
	}
	return a
}

// runningArrays are rows' place, day, sums (n, demo, impressions, clicks,
// cost, conversions, value) and code as columns.
func runningArrays(rows []runningRow) []any {
	place, day := make([]int64, len(rows)), make([]int32, len(rows))
	cols := make([][]int64, 8)
	for j := range cols {
		cols[j] = make([]int64, len(rows))
	}
	for i := range rows {
		r := &rows[i]
		place[i], day[i] = r.place, int32(r.day)
		cols[0][i], cols[1][i], cols[2][i], cols[3][i], cols[4][i], cols[5][i], cols[6][i], cols[7][i] = r.n, r.demo, r.imp, r.clk, r.cost, r.conv, r.val, r.code
	}
	out := []any{place, day}
	for _, c := range cols {
		out = append(out, c)
	}
	return out
}

// addAssetDays moves the assets' day sums by what the operations changed.
// An asset's day that a fact left and that no fact holds any more is
// deleted (its sums are all zero then).
func addAssetDays(ctx context.Context, tx db.Conn, customer int64, facts []placeFact) error {
	type assetDay struct {
		asset int64
		day   Day
	}
	byDay := map[assetDay]*sums{}
	var keys, left []assetDay
	for i := range facts {
		f := &facts[i]
		k := assetDay{f.key.asset, f.day}
		s := byDay[k]
		if s == nil {
			s = &sums{}
			byDay[k] = s
			keys = append(keys, k)
		}
		s.add(&f.sums)
		if f.kind == opDelete {
			left = append(left, k)
		}
	}
	keys = slices.DeleteFunc(keys, func(k assetDay) bool { s := *byDay[k]; s.n, s.demo = 0, 0; return s == sums{} })
	slices.SortFunc(keys, func(a, b assetDay) int { return cmp.Or(cmp.Compare(a.asset, b.asset), cmp.Compare(a.day, b.day)) })
	const upsert = ` ON CONFLICT (asset_id, day, customer_id) DO UPDATE SET impressions = report_asset_days.impressions + excluded.impressions,
		clicks = report_asset_days.clicks + excluded.clicks, cost_micros = report_asset_days.cost_micros + excluded.cost_micros,
		conversions_micro = report_asset_days.conversions_micro + excluded.conversions_micro,
		value_micro = report_asset_days.value_micro + excluded.value_micro`
	if tx.Engine() == db.Postgres && len(keys) > 0 {
		rows := make([]runningRow, len(keys))
		for i, k := range keys {
			rows[i] = runningRow{place: k.asset, day: k.day, sums: *byDay[k]}
		}
		a := runningArrays(rows)
		if _, err := tx.Exec(ctx, `INSERT INTO report_asset_days (asset_id, day, customer_id, impressions, clicks, cost_micros, conversions_micro, value_micro)
			SELECT u.asset_id, u.day, ?, u.imp, u.clk, u.cost, u.conv, u.val
			FROM unnest(?::bigint[], ?::int[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])
				AS u (asset_id, day, imp, clk, cost, conv, val)`+upsert,
			customer, a[0], a[1], a[4], a[5], a[6], a[7], a[8]); err != nil {
			return err
		}
	} else if tx.Engine() != db.Postgres {
		if err := execEach(ctx, tx, `INSERT INTO report_asset_days (asset_id, day, customer_id, impressions, clicks, cost_micros, conversions_micro, value_micro)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`+upsert, len(keys), func(i int, a []driver.NamedValue) []driver.NamedValue {
			k := keys[i]
			s := byDay[k]
			return setArgs(a, k.asset, int64(k.day), customer, s.imp, s.clk, s.cost, s.conv, s.val)
		}); err != nil {
			return err
		}
	}
	for _, k := range left {
		if _, err := tx.Exec(ctx, `DELETE FROM report_asset_days WHERE asset_id = ? AND day = ? AND customer_id = ?
			AND NOT EXISTS (SELECT 1 FROM report_asset_places p JOIN report_asset_place_days d ON d.place_id = p.id
				WHERE p.asset_id = ? AND p.customer_id = ? AND d.day = ?)`, k.asset, int64(k.day), customer, k.asset, customer, int64(k.day)); err != nil {
			return err
		}
	}
	return nil
}
