package assets

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
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
//   - keywords by (ad group, text in byte order, match type, negative): the
//     order of the keywords' unique index.
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
	DefaultUsageLimit = 50
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
	if k.Asset <= 0 || (k.Campaign <= 0 && k.List != UsageKeywords) {
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
	// page returns the statement of a page: its rows are the items in order,
	// one JSON object each ($1 is the asset, $2 the row limit); after adds
	// the keyset condition on the cursor, whose values follow from $3.
	page func(pg, after bool) string
	args func(k *usageKey) []any
	key  func(item T) usageKey
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

func jsonObject(pg bool, fields ...string) string {
	if pg {
		return "json_build_object(" + strings.Join(fields, ", ") + ")"
	}
	return "json_object(" + strings.Join(fields, ", ") + ")"
}

var usageCampaignList = usageList[UsageCampaign]{
	name: UsageCampaigns,
	page: func(pg, after bool) string {
		keyset := ""
		if after {
			keyset = " AND campaign_id > $3"
		}
		return p(pg, `SELECT `+jsonObject(pg, `'id', c.id`, `'name', c.name`, `'type', c.type`, `'state', c.state`)+` AS item
			FROM (SELECT DISTINCT campaign_id FROM {links} WHERE asset_id = $1`+keyset+` ORDER BY campaign_id LIMIT $2) u
			JOIN campaigns c ON c.id = u.campaign_id ORDER BY u.campaign_id`)
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
		return p(pg, `SELECT `+jsonObject(pg, `'id', g.id`, `'campaign_id', g.campaign_id`, `'name', g.name`)+` AS item
			FROM (SELECT DISTINCT campaign_id, ad_group_id FROM {links} WHERE asset_id = $1 AND ad_group_id IS NOT NULL`+keyset+`
				ORDER BY campaign_id, ad_group_id LIMIT $2) u
			JOIN ad_groups g ON g.id = u.ad_group_id ORDER BY u.campaign_id, u.ad_group_id`)
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
		return p(pg, `SELECT `+jsonObject(pg, `'id', ad_id`, `'campaign_id', campaign_id`, `'ad_group_id', ad_group_id`, `'field_type', field_type`, `'pinned_field', pinned_field`)+` AS item
			FROM {links} WHERE asset_id = $1 AND ad_id IS NOT NULL`+keyset+`
			ORDER BY campaign_id, ad_group_id, ad_id, asset_group_id, field_type LIMIT $2`)
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
		return p(pg, `SELECT `+jsonObject(pg, `'id', g.id`, `'campaign_id', g.campaign_id`, `'name', g.name`, `'field_type', l.field_type`)+` AS item
			FROM (SELECT campaign_id, asset_group_id, field_type FROM {group_links}
				WHERE asset_id = $1 AND asset_group_id IS NOT NULL`+keyset+`
				ORDER BY campaign_id, asset_group_id, field_type LIMIT $2) l
			JOIN asset_groups g ON g.id = l.asset_group_id ORDER BY l.campaign_id, l.asset_group_id, l.field_type`)
	},
	args: func(k *usageKey) []any { return []any{k.Campaign, k.ID, k.Field} },
	key: func(g UsageAssetGroup) usageKey {
		return usageKey{Campaign: g.CampaignID, ID: g.ID, Field: g.FieldType}
	},
}

// Keywords: those of the ad groups that use the asset, in the order of the
// keywords' unique index, (ad group, text, match type, negative), so SQLite
// walks the ad groups in order and stops after a page without sorting; the
// campaign is looked up for the page's rows only. Text compares in byte order
// on both engines.
var usageKeywordList = usageList[UsageKeyword]{
	name: UsageKeywords,
	page: func(pg, after bool) string {
		keyset := ""
		if after {
			keyset = ` AND k.ad_group_id >= $3 AND (k.ad_group_id > $3 OR k.text` + collateC(pg) + ` > $4` + collateC(pg) + `
				OR (k.text = $4 AND (k.match_type > $5 OR (k.match_type = $5 AND k.negative > $6))))`
		}
		negative := `'negative', k.negative`
		if !pg {
			negative = `'negative', json(CASE WHEN k.negative THEN 'true' ELSE 'false' END)`
		}
		// PostgreSQL is given the ad groups as an array, so it looks their
		// keywords up by index instead of walking the whole keywords index
		// in order and probing each one.
		groups := `IN (SELECT ad_group_id FROM {links} WHERE asset_id = $1 AND ad_group_id IS NOT NULL)`
		if pg {
			groups = `= ANY (ARRAY(SELECT DISTINCT ad_group_id FROM asset_links WHERE asset_id = $1 AND ad_group_id IS NOT NULL))`
		}
		return p(pg, `SELECT `+jsonObject(pg, `'id', k.id`, `'campaign_id', g.campaign_id`, `'ad_group_id', k.ad_group_id`, `'text', k.text`, `'match_type', k.match_type`, negative)+` AS item
			FROM (SELECT k.id, k.ad_group_id, k.text, k.match_type, k.negative FROM keywords k
				WHERE k.ad_group_id `+groups+keyset+`
				ORDER BY k.ad_group_id, k.text`+collateC(pg)+`, k.match_type, k.negative LIMIT $2) k
			JOIN ad_groups g ON g.id = k.ad_group_id
			ORDER BY k.ad_group_id, k.text`+collateC(pg)+`, k.match_type, k.negative`)
	},
	args: func(k *usageKey) []any { return []any{k.Group, k.Text, k.Match, k.Negative} },
	key: func(k UsageKeyword) usageKey {
		return usageKey{Group: k.AdGroupID, Text: k.Text, Match: k.MatchType, Negative: k.Negative}
	},
}

func collateC(pg bool) string {
	if pg {
		return ` COLLATE "C"`
	}
	return ""
}

// usagePage reads one page of list after cursor (nil: the first page).
func usagePage[T any](ctx context.Context, q db.Conn, list usageList[T], assetID int64, after *usageKey, limit int) (UsagePage[T], error) {
	pg := q.Engine() == db.Postgres
	agg := `json_group_array(json(item))`
	if pg {
		agg = `COALESCE(json_agg(item), '[]')::text`
	}
	args := []any{assetID, limit + 1}
	if after != nil {
		args = append(args, list.args(after)...)
	}
	var doc []byte
	err := q.QueryRow(ctx, `SELECT (SELECT `+agg+` FROM (`+list.page(pg, after != nil)+`) x) FROM assets WHERE id = `+p(pg, "$1"), args...).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return UsagePage[T]{}, notFound("path.id", "asset", assetID)
	}
	if err != nil {
		return UsagePage[T]{}, fmt.Errorf("where-used of asset %d, %s: %w", assetID, list.name, err)
	}
	var page UsagePage[T]
	if err := json.Unmarshal(doc, &page.Items); err != nil {
		return UsagePage[T]{}, fmt.Errorf("where-used of asset %d, %s: decode: %w", assetID, list.name, err)
	}
	page.Items, page.NextCursor = cut(list, assetID, page.Items, limit)
	return page, nil
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

// usageFirst reads the first where-used answer of an asset in one statement,
// so the counts and the pages are of the same moment: the counts from the
// asset's row of asset_usage (kept by triggers in the transaction of every
// change to links and keywords, migration 0019; no row: never linked, every
// count zero), and the first limit items of every list (one more, to know
// whether another page follows), each an index range scan that stops after
// its page.
func usageFirst(ctx context.Context, q db.Conn, assetID int64, limit int) (Usage, error) {
	pg := q.Engine() == db.Postgres
	arr := func(page string) string { return `(SELECT json_group_array(json(item)) FROM (` + page + `) x)` }
	if pg {
		arr = func(page string) string { return `(SELECT COALESCE(json_agg(item), '[]')::text FROM (` + page + `) x)` }
	}
	// A list its counter says is empty is not read.
	list := func(counter, page string) string {
		return `CASE WHEN n.` + counter + ` > 0 THEN ` + arr(page) + ` ELSE '[]' END`
	}
	query := `SELECT COALESCE(n.ad_links, 0), COALESCE(n.group_links, 0), COALESCE(n.campaigns, 0), COALESCE(n.ad_groups, 0),
			COALESCE(n.ads, 0), COALESCE(n.asset_groups, 0), COALESCE(n.keywords, 0),
			` + list("campaigns", usageCampaignList.page(pg, false)) + `, ` + list("ad_groups", usageAdGroupList.page(pg, false)) + `, ` +
		list("ad_links", usageAdList.page(pg, false)) + `, ` + list("group_links", usageAssetGroupList.page(pg, false)) + `, ` +
		list("keywords", usageKeywordList.page(pg, false)) + `
		FROM assets LEFT JOIN asset_usage n ON n.asset_id = assets.id WHERE assets.id = ` + p(pg, "$1")
	u := Usage{AssetID: assetID}
	var cj, gj, aj, sj, kj []byte
	c := &u.Counts
	err := q.QueryRow(ctx, query, assetID, limit+1).Scan(&u.Totals.Ads, &u.Totals.AssetGroups, &c.Campaigns, &c.AdGroups, &c.Ads, &c.AssetGroups, &c.Keywords, &cj, &gj, &aj, &sj, &kj)
	if errors.Is(err, sql.ErrNoRows) {
		return Usage{}, notFound("path.id", "asset", assetID)
	}
	if err != nil {
		return Usage{}, fmt.Errorf("where-used of asset %d: %w", assetID, err)
	}
	for _, x := range []struct {
		doc []byte
		v   any
	}{{cj, &u.Campaigns}, {gj, &u.AdGroups}, {aj, &u.Ads}, {sj, &u.AssetGroups}, {kj, &u.Keywords}} {
		if err := json.Unmarshal(x.doc, x.v); err != nil {
			return Usage{}, fmt.Errorf("where-used of asset %d: decode: %w", assetID, err)
		}
	}
	c.Links = u.Totals.Ads + u.Totals.AssetGroups
	u.Totals.Campaigns, u.Totals.AdGroups, u.Totals.Keywords = c.Campaigns, c.AdGroups, c.Keywords
	u.Limit = limit
	u.Campaigns, u.Next.Campaigns = cut(usageCampaignList, assetID, u.Campaigns, limit)
	u.AdGroups, u.Next.AdGroups = cut(usageAdGroupList, assetID, u.AdGroups, limit)
	u.Ads, u.Next.Ads = cut(usageAdList, assetID, u.Ads, limit)
	u.AssetGroups, u.Next.AssetGroups = cut(usageAssetGroupList, assetID, u.AssetGroups, limit)
	u.Keywords, u.Next.Keywords = cut(usageKeywordList, assetID, u.Keywords, limit)
	return u, nil
}
