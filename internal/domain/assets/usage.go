package assets

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// Where-used is paged: the first answer holds the counts of every kind of
// place, the first page of each list and a cursor per list that continues; a
// list's next pages come one at a time. Every list is read in the order of an
// index, so a page costs a range scan of its own length:
//
//   - campaigns by id, ad groups by (campaign, id), ads by (campaign, ad group,
//     ad, field type): the order of the covering index asset_links_usage;
//   - asset groups by (campaign, id, field type): the order of the partial
//     index asset_links_group_usage of the links from asset groups;
//   - keywords by (campaign, ad group, text in byte order, match type,
//     negative): the ad groups' order, then the order of the keywords' unique
//     index within each ad group (see usageKeywordList).
//
// A cursor is the key of the last item of a page; the next page starts
// with a row-value comparison on the index's columns, which both engines
// seek to instead of scanning from the start of the cursor's campaign (an
// ad's key continues within the ad: an ad id belongs to one campaign and ad
// group). Every key is unique, so paging is keyset pagination: each place that exists from the first page to
// the last is returned exactly once, in that order; a place added behind the
// cursor while paging is returned when its page comes, one added before it is
// not (the counts of a fresh first read include it); a removed place is
// returned only if its page was read before the removal.

// Usage lists, named as in the JSON document.
const (
	UsageCampaigns   = "campaigns"
	UsageAdGroups    = "ad_groups"
	UsageAds         = "ads"
	UsageAssetGroups = "asset_groups"
	UsageKeywords    = "keywords"
)

// Page sizes of where-used lists.
const (
	DefaultUsageLimit = 25
	MaxUsageLimit     = 200
)

// usageKey is the position after the last item of a page of one list: the
// fields of its key, tied to the list and the asset it was made for.
type usageKey struct {
	List     string `json:"l"`
	Asset    int64  `json:"a"`
	Campaign int64  `json:"c,omitempty"`
	Group    int64  `json:"g,omitempty"`
	ID       int64  `json:"i,omitempty"`
	Field    string `json:"f,omitempty"`
	Text     string `json:"t,omitempty"`
	Match    string `json:"m,omitempty"`
	Negative bool   `json:"n,omitempty"`
}

func (k usageKey) encode() string {
	b, _ := json.Marshal(k)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeUsageCursor reads a cursor a client sent back for list of asset; ""
// is the first page (nil). Anything but a cursor this API made for the same
// list and asset is a 400 naming query.cursor.
func decodeUsageCursor(s, list string, asset int64) (*usageKey, error) {
	if s == "" {
		return nil, nil
	}
	bad := func(why string) error {
		return &errs.Error{Code: errs.BadRequest, Message: "query.cursor: " + why,
			Fields: []errs.FieldError{{Location: "query.cursor", Message: why, Value: s}}}
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	var k usageKey
	if err == nil {
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.DisallowUnknownFields()
		err = dec.Decode(&k)
	}
	if err != nil || !k.complete() {
		return nil, bad("not a cursor returned by this API")
	}
	if k.List != list {
		return nil, bad(fmt.Sprintf("cursor was made for the list %q, not %q", k.List, list))
	}
	if k.Asset != asset {
		return nil, bad(fmt.Sprintf("cursor was made for asset %d, not %d", k.Asset, asset))
	}
	return &k, nil
}

// complete reports whether k holds every field its list's key needs.
func (k usageKey) complete() bool {
	if k.Asset <= 0 || k.Campaign <= 0 {
		return false
	}
	switch k.List {
	case UsageCampaigns:
		return true
	case UsageAdGroups:
		return k.Group > 0
	case UsageAds:
		return k.Group > 0 && k.ID > 0 && k.Field != ""
	case UsageAssetGroups:
		return k.ID > 0 && k.Field != ""
	case UsageKeywords:
		return k.Group > 0 && k.Text != "" && k.Match != ""
	}
	return false
}

// usageList describes one list: its page query and the key of an item.
type usageList[T any] struct {
	name string
	// page returns the statement of a page: its rows are the items in order
	// ($1 is the asset, $2 the row limit); after adds the keyset condition on
	// the cursor, whose values follow from $3. Its columns are ints integers
	// (i1, i2, …) then strs texts (s1, …), which make turns into an item.
	page       func(pg, after bool) string
	ints, strs int
	make       func(i []int64, s []sql.NullString) T
	args       func(k *usageKey) []any
	key        func(item T) usageKey
	// more, when set, completes a page that page's statement left short
	// although more items follow (see moreKeywords).
	more func(ctx context.Context, q db.Conn, assetID int64, after *usageKey, items []T, limit int) ([]T, error)
}

// p renders a statement for the engine: placeholders ($n on PostgreSQL, ?n
// on SQLite), {links}, asset_links read through asset_links_usage, and
// {group_links}, the links from asset groups read through their partial index
// asset_links_group_usage (asset, campaign, asset group, field type). SQLite
// is told the index: for DISTINCT it may otherwise pick an index that gives
// the order without the asset and scan every link of the library.
func p(pg bool, q string) string {
	if pg {
		return strings.NewReplacer("{links}", "asset_links", "{group_links}", "asset_links").Replace(q)
	}
	return strings.NewReplacer("{links}", "asset_links INDEXED BY asset_links_usage", "{group_links}", "asset_links INDEXED BY asset_links_group_usage", "$", "?").Replace(q)
}

var usageCampaignList = usageList[UsageCampaign]{
	name: UsageCampaigns,
	page: func(pg, after bool) string {
		keyset := ""
		if after {
			keyset = " AND campaign_id > $3"
		}
		return p(pg, `SELECT c.id AS i1, c.name AS s1, c.type AS s2, c.state AS s3
			FROM (SELECT DISTINCT campaign_id FROM {links} WHERE asset_id = $1`+keyset+` ORDER BY campaign_id LIMIT $2) u
			JOIN campaigns c ON c.id = u.campaign_id ORDER BY u.campaign_id`)
	},
	ints: 1, strs: 3,
	make: func(i []int64, s []sql.NullString) UsageCampaign {
		return UsageCampaign{ID: i[0], Name: s[0].String, Type: s[1].String, State: s[2].String}
	},
	args: func(k *usageKey) []any { return []any{k.Campaign} },
	key:  func(c UsageCampaign) usageKey { return usageKey{Campaign: c.ID} },
}

var usageAdGroupList = usageList[UsageAdGroup]{
	name: UsageAdGroups,
	page: func(pg, after bool) string {
		keyset := ""
		if after {
			keyset = " AND (campaign_id, ad_group_id) > ($3, $4)"
		}
		return p(pg, `SELECT g.id AS i1, g.campaign_id AS i2, g.name AS s1
			FROM (SELECT DISTINCT campaign_id, ad_group_id FROM {links} WHERE asset_id = $1 AND ad_group_id IS NOT NULL`+keyset+`
				ORDER BY campaign_id, ad_group_id LIMIT $2) u
			JOIN ad_groups g ON g.id = u.ad_group_id ORDER BY u.campaign_id, u.ad_group_id`)
	},
	ints: 2, strs: 1,
	make: func(i []int64, s []sql.NullString) UsageAdGroup {
		return UsageAdGroup{ID: i[0], CampaignID: i[1], Name: s[0].String}
	},
	args: func(k *usageKey) []any { return []any{k.Campaign, k.Group} },
	key:  func(g UsageAdGroup) usageKey { return usageKey{Campaign: g.CampaignID, Group: g.ID} },
}

// The ads of a link are ordered by asset_group_id too, always NULL for an
// ad's link, so the order is the index's and needs no sort.
var usageAdList = usageList[UsageAd]{
	name: UsageAds,
	page: func(pg, after bool) string {
		keyset := ""
		if after {
			keyset = ` AND (campaign_id, ad_group_id, ad_id) >= ($3, $4, $5) AND NOT (ad_id = $5 AND field_type <= $6)`
		}
		return p(pg, `SELECT ad_id AS i1, campaign_id AS i2, ad_group_id AS i3, field_type AS s1, pinned_field AS s2
			FROM {links} WHERE asset_id = $1 AND ad_id IS NOT NULL`+keyset+`
			ORDER BY campaign_id, ad_group_id, ad_id, asset_group_id, field_type LIMIT $2`)
	},
	ints: 3, strs: 2,
	make: func(i []int64, s []sql.NullString) UsageAd {
		a := UsageAd{ID: i[0], CampaignID: i[1], AdGroupID: i[2], FieldType: s[0].String}
		if s[1].Valid {
			pin := s[1].String
			a.PinnedField = &pin
		}
		return a
	},
	args: func(k *usageKey) []any { return []any{k.Campaign, k.Group, k.ID, k.Field} },
	key: func(a UsageAd) usageKey {
		return usageKey{Campaign: a.CampaignID, Group: a.AdGroupID, ID: a.ID, Field: a.FieldType}
	},
}

var usageAssetGroupList = usageList[UsageAssetGroup]{
	name: UsageAssetGroups,
	page: func(pg, after bool) string {
		keyset := ""
		if after {
			keyset = ` AND (campaign_id, asset_group_id, field_type) > ($3, $4, $5)`
		}
		return p(pg, `SELECT g.id AS i1, g.campaign_id AS i2, g.name AS s1, l.field_type AS s2
			FROM (SELECT campaign_id, asset_group_id, field_type FROM {group_links}
				WHERE asset_id = $1 AND asset_group_id IS NOT NULL`+keyset+`
				ORDER BY campaign_id, asset_group_id, field_type LIMIT $2) l
			JOIN asset_groups g ON g.id = l.asset_group_id ORDER BY l.campaign_id, l.asset_group_id, l.field_type`)
	},
	ints: 2, strs: 2,
	make: func(i []int64, s []sql.NullString) UsageAssetGroup {
		return UsageAssetGroup{ID: i[0], CampaignID: i[1], Name: s[0].String, FieldType: s[1].String}
	},
	args: func(k *usageKey) []any { return []any{k.Campaign, k.ID, k.Field} },
	key: func(g UsageAssetGroup) usageKey {
		return usageKey{Campaign: g.CampaignID, ID: g.ID, Field: g.FieldType}
	},
}

// Keywords: those of the ad groups that use the asset, in the order of those
// ad groups' list (campaign, ad group), then by text in byte order, match
// type and negative. A page reads a batch of the next limit+1 ad groups (a
// range scan of asset_links_usage, as the ad groups' page) and their
// keywords through the keywords' unique index (ad group, text, match type,
// negative), so its cost is bounded by the page size, not by how many ad
// groups use the asset. When those groups have fewer keywords than the page
// needs, moreKeywords reads the next batches.
var usageKeywordList = usageList[UsageKeyword]{
	name: UsageKeywords,
	page: func(pg, after bool) string {
		groups, keyset := "", ""
		if after {
			groups = " AND (campaign_id, ad_group_id) >= ($3, $4)"
			keyset = ` WHERE (k.ad_group_id <> $4 OR k.text` + collateC(pg) + ` > $5` + collateC(pg) + `
				OR (k.text = $5 AND (k.match_type > $6 OR (k.match_type = $6 AND k.negative > $7))))`
		}
		negative := `k.negative`
		if pg {
			negative = `CAST(k.negative AS INTEGER)`
		}
		return p(pg, `SELECT k.id AS i1, g.campaign_id AS i2, k.ad_group_id AS i3, `+negative+` AS i4, k.text AS s1, k.match_type AS s2
			FROM (SELECT DISTINCT campaign_id, ad_group_id FROM {links} WHERE asset_id = $1 AND ad_group_id IS NOT NULL`+groups+`
				ORDER BY campaign_id, ad_group_id LIMIT $2) g
			JOIN keywords k ON k.ad_group_id = g.ad_group_id`+keyset+`
			ORDER BY g.campaign_id, g.ad_group_id, k.text`+collateC(pg)+`, k.match_type, k.negative LIMIT $2`)
	},
	ints: 4, strs: 2,
	make: func(i []int64, s []sql.NullString) UsageKeyword {
		return UsageKeyword{ID: i[0], CampaignID: i[1], AdGroupID: i[2], Negative: i[3] != 0, Text: s[0].String, MatchType: s[1].String}
	},
	args: func(k *usageKey) []any { return []any{k.Campaign, k.Group, k.Text, k.Match, k.Negative} },
	key: func(k UsageKeyword) usageKey {
		return usageKey{Campaign: k.CampaignID, Group: k.AdGroupID, Text: k.Text, Match: k.MatchType, Negative: k.Negative}
	},
}

func init() { usageKeywordList.more = moreKeywords }

// moreKeywords completes a page of keywords read from the batch of limit+1
// ad groups starting at from (nil: the asset's first ad group): while the
// page has fewer than limit+1 items and that batch was full, it reads the
// keywords of the next batch.
func moreKeywords(ctx context.Context, q db.Conn, assetID int64, from *usageKey, items []UsageKeyword, limit int) ([]UsageKeyword, error) {
	pg := q.Engine() == db.Postgres
	start := usageKey{}
	if from != nil {
		start = *from
	}
	for len(items) <= limit {
		// The batch's size and its last ad group.
		rows, err := q.Query(ctx, p(pg, `SELECT DISTINCT campaign_id, ad_group_id FROM {links} WHERE asset_id = $1 AND ad_group_id IS NOT NULL
			AND (campaign_id, ad_group_id) >= ($2, $3) ORDER BY campaign_id, ad_group_id LIMIT $4`), assetID, start.Campaign, start.Group, limit+1)
		if err != nil {
			return nil, fmt.Errorf("where-used of asset %d, keywords: %w", assetID, err)
		}
		n := 0
		var campaign, group int64
		for rows.Next() {
			if err := rows.Scan(&campaign, &group); err != nil {
				rows.Close()
				return nil, fmt.Errorf("where-used of asset %d, keywords: %w", assetID, err)
			}
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("where-used of asset %d, keywords: %w", assetID, err)
		}
		if n <= limit {
			return items, nil
		}
		// The next batch starts after the last ad group of this one; every
		// keyword of its first group follows the empty text.
		start = usageKey{Campaign: campaign, Group: group + 1}
		page, err := readUsagePage(ctx, q, usageKeywordList, assetID, &start, limit)
		if err != nil {
			return nil, err
		}
		items = append(items, page...)
	}
	return items, nil
}

func collateC(pg bool) string {
	if pg {
		return ` COLLATE "C"`
	}
	return ""
}

// usagePage reads one page of list after cursor (nil: the first page).
func usagePage[T any](ctx context.Context, q db.Conn, list usageList[T], assetID int64, after *usageKey, limit int) (UsagePage[T], error) {
	items, err := readUsagePage(ctx, q, list, assetID, after, limit)
	if err == nil && list.more != nil {
		items, err = list.more(ctx, q, assetID, after, items, limit)
	}
	// An empty page is checked against the assets: an unknown asset is
	// not found.
	if err == nil && len(items) == 0 {
		var one int
		err = q.QueryRow(ctx, p(q.Engine() == db.Postgres, `SELECT 1 FROM assets WHERE id = $1`), assetID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return UsagePage[T]{}, notFound("path.id", "asset", assetID)
		}
	}
	if err != nil {
		return UsagePage[T]{}, fmt.Errorf("where-used of asset %d, %s: %w", assetID, list.name, err)
	}
	var page UsagePage[T]
	page.Items, page.NextCursor = cut(list, assetID, items, limit)
	return page, nil
}

// readUsagePage runs list's page statement after cursor: up to limit+1
// items.
func readUsagePage[T any](ctx context.Context, q db.Conn, list usageList[T], assetID int64, after *usageKey, limit int) ([]T, error) {
	args := []any{assetID, limit + 1}
	if after != nil {
		args = append(args, list.args(after)...)
	}
	rows, err := q.Query(ctx, list.page(q.Engine() == db.Postgres, after != nil), args...)
	if err != nil {
		return nil, fmt.Errorf("where-used of asset %d, %s: %w", assetID, list.name, err)
	}
	defer rows.Close()
	items := make([]T, 0, limit+1)
	var r usageRow
	dest := r.dest(list.ints, list.strs)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("where-used of asset %d, %s: %w", assetID, list.name, err)
		}
		items = append(items, list.make(r.ints(), r.s[:]))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("where-used of asset %d, %s: %w", assetID, list.name, err)
	}
	return items, nil
}

// cut trims items read with one extra row to limit and returns the cursor of
// the next page when there is one.
func cut[T any](list usageList[T], assetID int64, items []T, limit int) ([]T, string) {
	if items == nil {
		items = []T{}
	}
	if len(items) <= limit {
		return items, ""
	}
	items = items[:limit]
	k := list.key(items[limit-1])
	k.List, k.Asset = list.name, assetID
	return items, k.encode()
}

// usageRow holds a row of a list's columns: integers, then texts.
type usageRow struct {
	i [usageInts]sql.NullInt64
	s [usageStrs]sql.NullString
	n [usageInts]int64
}

// The columns of the widest list.
const usageInts, usageStrs = 4, 3

func (r *usageRow) dest(ints, strs int) []any {
	dest := make([]any, 0, ints+strs)
	for k := range ints {
		dest = append(dest, &r.i[k])
	}
	for k := range strs {
		dest = append(dest, &r.s[k])
	}
	return dest
}

func (r *usageRow) ints() []int64 {
	for k := range r.i {
		r.n[k] = r.i[k].Int64
	}
	return r.n[:]
}

// usageBranch is list's first page as a branch of usageFirst's statement:
// the list's number, then its columns padded to the widest list's.
func usageBranch(n int, page string, ints, strs int) string {
	cols := []string{strconv.Itoa(n)}
	for k := 1; k <= usageInts; k++ {
		if k <= ints {
			cols = append(cols, "x.i"+strconv.Itoa(k))
		} else {
			cols = append(cols, "CAST(NULL AS BIGINT)")
		}
	}
	for k := 1; k <= usageStrs; k++ {
		if k <= strs {
			cols = append(cols, "x.s"+strconv.Itoa(k))
		} else {
			cols = append(cols, "CAST(NULL AS TEXT)")
		}
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM (" + page + ") x"
}

// usageFirstSQL is usageFirst's statement per engine (false: SQLite).
var usageFirstSQL = map[bool]string{}

func init() {
	for _, pg := range []bool{false, true} {
		// The seven counters take two rows (lists 0 and 6), so every row
		// has the columns of the widest list only: each column costs a
		// call into SQLite per row, a NULL one too.
		counts := p(pg, `SELECT 0, COALESCE(n.ad_links, 0), COALESCE(n.group_links, 0), COALESCE(n.campaigns, 0), COALESCE(n.ad_groups, 0),
				CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS TEXT)
			FROM assets LEFT JOIN asset_usage n ON n.asset_id = assets.id WHERE assets.id = $1
		UNION ALL SELECT 6, COALESCE(n.ads, 0), COALESCE(n.asset_groups, 0), COALESCE(n.keywords, 0), CAST(NULL AS BIGINT),
				CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS TEXT)
			FROM assets LEFT JOIN asset_usage n ON n.asset_id = assets.id WHERE assets.id = $1`)
		usageFirstSQL[pg] = strings.Join([]string{counts,
			usageBranch(1, usageCampaignList.page(pg, false), usageCampaignList.ints, usageCampaignList.strs),
			usageBranch(2, usageAdGroupList.page(pg, false), usageAdGroupList.ints, usageAdGroupList.strs),
			usageBranch(3, usageAdList.page(pg, false), usageAdList.ints, usageAdList.strs),
			usageBranch(4, usageAssetGroupList.page(pg, false), usageAssetGroupList.ints, usageAssetGroupList.strs),
			usageBranch(5, usageKeywordList.page(pg, false), usageKeywordList.ints, usageKeywordList.strs),
		}, "\nUNION ALL ")
	}
}

// usageFirst reads the first where-used answer of an asset in one
// statement, so the counts and the pages are of the same moment: the counts
// from the asset's row of asset_usage (kept by triggers in the transaction of
// every change to links and keywords, migration 0019; no row: never linked,
// every count zero), and the first limit items of every list (one more, to
// know whether another page follows), each an index range scan that stops
// after its page, as one UNION ALL of plain rows tagged with their list (the
// lists built as JSON in the database cost twice the reading, and a
// statement per list a round trip each on PostgreSQL).
func usageFirst(ctx context.Context, d *db.DB, assetID int64, limit int) (Usage, error) {
	q := d.Read()
	rows, err := q.Query(ctx, usageFirstSQL[q.Engine() == db.Postgres], assetID, limit+1)
	if err != nil {
		return Usage{}, fmt.Errorf("where-used of asset %d: %w", assetID, err)
	}
	defer rows.Close()
	u := Usage{AssetID: assetID, Limit: limit, Campaigns: []UsageCampaign{}, AdGroups: []UsageAdGroup{}, Ads: []UsageAd{},
		AssetGroups: []UsageAssetGroup{}, Keywords: []UsageKeyword{}}
	var list int
	var r usageRow
	dest := append([]any{&list}, r.dest(usageInts, usageStrs)...)
	found := false
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return Usage{}, fmt.Errorf("where-used of asset %d: %w", assetID, err)
		}
		n := r.ints()
		switch list {
		case 0:
			found = true
			u.Totals.Ads, u.Totals.AssetGroups, u.Counts.Campaigns, u.Counts.AdGroups = int(n[0]), int(n[1]), int(n[2]), int(n[3])
		case 6:
			u.Counts.Ads, u.Counts.AssetGroups, u.Counts.Keywords = int(n[0]), int(n[1]), int(n[2])
		case 1:
			u.Campaigns = append(u.Campaigns, usageCampaignList.make(n, r.s[:]))
		case 2:
			u.AdGroups = append(u.AdGroups, usageAdGroupList.make(n, r.s[:]))
		case 3:
			u.Ads = append(u.Ads, usageAdList.make(n, r.s[:]))
		case 4:
			u.AssetGroups = append(u.AssetGroups, usageAssetGroupList.make(n, r.s[:]))
		case 5:
			u.Keywords = append(u.Keywords, usageKeywordList.make(n, r.s[:]))
		}
	}
	if err := rows.Err(); err != nil {
		return Usage{}, fmt.Errorf("where-used of asset %d: %w", assetID, err)
	}
	rows.Close()
	if !found {
		return Usage{}, notFound("path.id", "asset", assetID)
	}
	c := &u.Counts
	c.Links = u.Totals.Ads + u.Totals.AssetGroups
	u.Totals.Campaigns, u.Totals.AdGroups, u.Totals.Keywords = c.Campaigns, c.AdGroups, c.Keywords
	// The keywords were read from the ad groups of the ad groups' first
	// page (limit+1 of them). Short of a page while the counter says more
	// exist, the next batches of ad groups are read, in a statement of
	// their own.
	if len(u.Keywords) <= limit && len(u.Keywords) < c.Keywords && len(u.AdGroups) > limit {
		if u.Keywords, err = moreKeywords(ctx, q, assetID, nil, u.Keywords, limit); err != nil {
			return Usage{}, err
		}
	}
	u.Campaigns, u.Next.Campaigns = cut(usageCampaignList, assetID, u.Campaigns, limit)
	u.AdGroups, u.Next.AdGroups = cut(usageAdGroupList, assetID, u.AdGroups, limit)
	u.Ads, u.Next.Ads = cut(usageAdList, assetID, u.Ads, limit)
	u.AssetGroups, u.Next.AssetGroups = cut(usageAssetGroupList, assetID, u.AssetGroups, limit)
	u.Keywords, u.Next.Keywords = cut(usageKeywordList, assetID, u.Keywords, limit)
	return u, nil
}
