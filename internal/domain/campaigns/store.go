package campaigns

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// The store is a set of functions over a db.Conn: the service opens the
// transaction, the store runs SQL inside it.

const campaignCols = `id, name, type, state, budget_micros, currency, languages, locations, final_url, brief, version, created_at, updated_at,
	bidding_strategy, target_cpa_micros, target_roas, start_date, end_date`

type scanner interface{ Scan(dest ...any) error }

func scanCampaign(row scanner) (Campaign, error) {
	var c Campaign
	var langs, locs, brief []byte
	var cpa sql.NullInt64
	var roas sql.NullFloat64
	var start, end sql.NullString
	err := row.Scan(&c.ID, &c.Name, &c.Type, &c.State, &c.BudgetMicros, &c.Currency, &langs, &locs, &c.FinalURL, &brief, &c.Version, &c.CreatedAt, &c.UpdatedAt,
		&c.BiddingStrategy, &cpa, &roas, &start, &end)
	if err != nil {
		return c, err
	}
	if cpa.Valid {
		c.TargetCPAMicros = &cpa.Int64
	}
	if roas.Valid {
		c.TargetROAS = &roas.Float64
	}
	c.StartDate, c.EndDate = start.String, end.String
	if err := unmarshalAll(langs, &c.Languages, locs, &c.Locations, brief, &c.Brief); err != nil {
		return c, fmt.Errorf("campaign %d: %w", c.ID, err)
	}
	c.AllowedEvents = AllowedEvents(c.State)
	return c, nil
}

func unmarshalAll(pairs ...any) error {
	for i := 0; i < len(pairs); i += 2 {
		if err := json.Unmarshal(pairs[i].([]byte), pairs[i+1]); err != nil {
			return err
		}
	}
	return nil
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only our own plain structs and slices are marshalled
	}
	return string(b)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func getCampaign(ctx context.Context, q db.Conn, id int64) (Campaign, error) {
	c, err := scanCampaign(q.QueryRow(ctx, `SELECT `+campaignCols+` FROM campaigns WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, errs.NotFoundf("campaign %d not found", id)
	}
	return c, err
}

func insertCampaign(ctx context.Context, tx db.Conn, c Campaign) (Campaign, error) {
	if c.BiddingStrategy == "" {
		// A campaign made without one (an Editor import, a draft) bids as
		// its type does by default.
		c.BiddingStrategy = defaultStrategy(c.Type)
	}
	return scanCampaign(tx.QueryRow(ctx, `INSERT INTO campaigns (name, type, state, budget_micros, currency, languages, locations, final_url, brief, created_at, updated_at,
		bidding_strategy, target_cpa_micros, target_roas, start_date, end_date)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+campaignCols,
		c.Name, c.Type, c.State, c.BudgetMicros, c.Currency, jsonText(nonNil(c.Languages)), jsonText(nonNil(c.Locations)), c.FinalURL, jsonText(c.Brief), c.CreatedAt, c.UpdatedAt,
		c.BiddingStrategy, c.TargetCPAMicros, c.TargetROAS, nullDate(c.StartDate), nullDate(c.EndDate)))
}

func updateCampaign(ctx context.Context, tx db.Conn, c Campaign, now time.Time) (Campaign, error) {
	return scanCampaign(tx.QueryRow(ctx, `UPDATE campaigns SET name = ?, state = ?, budget_micros = ?, currency = ?, languages = ?, locations = ?, final_url = ?, brief = ?,
		bidding_strategy = ?, target_cpa_micros = ?, target_roas = ?, start_date = ?, end_date = ?, version = version + 1, updated_at = ?
		WHERE id = ? RETURNING `+campaignCols,
		c.Name, c.State, c.BudgetMicros, c.Currency, jsonText(nonNil(c.Languages)), jsonText(nonNil(c.Locations)), c.FinalURL, jsonText(c.Brief),
		c.BiddingStrategy, c.TargetCPAMicros, c.TargetROAS, nullDate(c.StartDate), nullDate(c.EndDate), now, c.ID))
}

// transitionCampaign moves c to state `to` only if it is still in the state it
// was read in: two concurrent events cannot both win (PostgreSQL runs
// transactions side by side; SQLite serialises them anyway).
func transitionCampaign(ctx context.Context, tx db.Conn, c Campaign, to State, now time.Time) (Campaign, error) {
	out, err := scanCampaign(tx.QueryRow(ctx, `UPDATE campaigns SET state = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND state = ? RETURNING `+campaignCols, to, now, c.ID, c.State))
	if errors.Is(err, sql.ErrNoRows) {
		return c, errs.Conflictf("campaign %d changed state meanwhile; reload and try again", c.ID)
	}
	return out, err
}

// touchCampaign bumps the campaign's version when its content changes, so a
// client holding the campaign's ETag learns that the tree changed.
func touchCampaign(ctx context.Context, tx db.Conn, id int64, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE campaigns SET version = version + 1, updated_at = ? WHERE id = ?`, now, id)
	return err
}

// CampaignFilter selects campaigns in a list.
type CampaignFilter struct {
	State string
	Type  string
	Query string
}

var campaignSorts = map[string]string{"created": "id", "name": "name", "updated": "updated_at"}

func listCampaigns(ctx context.Context, q db.Conn, f CampaignFilter, p ListParams) ([]Campaign, error) {
	var where []string
	var args []any
	if f.State != "" {
		where, args = append(where, "state = ?"), append(args, f.State)
	}
	if f.Type != "" {
		where, args = append(where, "type = ?"), append(args, f.Type)
	}
	if f.Query != "" {
		where, args = append(where, "lower(name) LIKE ? ESCAPE '\\'"), append(args, likePattern(f.Query))
	}
	query, args := p.build(`SELECT `+campaignCols+` FROM campaigns`, where, args, campaignSorts)
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanCampaign)
}

func collect[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// likePattern turns user text into a case-insensitive substring pattern with
// LIKE's wildcards escaped.
func likePattern(s string) string {
	return "%" + db.EscapeLike(strings.ToLower(s)) + "%"
}

// --- ad groups

const adGroupCols = `id, campaign_id, name, status, cpc_bid_micros, version, created_at, updated_at`

func scanAdGroup(row scanner) (AdGroup, error) {
	var g AdGroup
	var bid sql.NullInt64
	err := row.Scan(&g.ID, &g.CampaignID, &g.Name, &g.Status, &bid, &g.Version, &g.CreatedAt, &g.UpdatedAt)
	if bid.Valid {
		g.CPCBidMicros = &bid.Int64
	}
	return g, err
}

func getAdGroup(ctx context.Context, q db.Conn, id int64) (AdGroup, error) {
	g, err := scanAdGroup(q.QueryRow(ctx, `SELECT `+adGroupCols+` FROM ad_groups WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return g, errs.NotFoundf("ad group %d not found", id)
	}
	return g, err
}

func insertAdGroup(ctx context.Context, tx db.Conn, g AdGroup) (AdGroup, error) {
	return scanAdGroup(tx.QueryRow(ctx, `INSERT INTO ad_groups (campaign_id, name, status, cpc_bid_micros, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING `+adGroupCols, g.CampaignID, g.Name, g.Status, g.CPCBidMicros, g.CreatedAt, g.UpdatedAt))
}

func updateAdGroup(ctx context.Context, tx db.Conn, g AdGroup, now time.Time) (AdGroup, error) {
	return scanAdGroup(tx.QueryRow(ctx, `UPDATE ad_groups SET name = ?, status = ?, cpc_bid_micros = ?, version = version + 1, updated_at = ?
		WHERE id = ? RETURNING `+adGroupCols, g.Name, g.Status, g.CPCBidMicros, now, g.ID))
}

// AdGroupFilter selects ad groups in a list.
type AdGroupFilter struct {
	CampaignID int64
	Status     string
	Query      string
}

var nameSorts = map[string]string{"created": "id", "name": "name", "updated": "updated_at"}

func listAdGroups(ctx context.Context, q db.Conn, f AdGroupFilter, p ListParams) ([]AdGroup, error) {
	var where []string
	var args []any
	if f.CampaignID != 0 {
		where, args = append(where, "campaign_id = ?"), append(args, f.CampaignID)
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if f.Query != "" {
		where, args = append(where, "lower(name) LIKE ? ESCAPE '\\'"), append(args, likePattern(f.Query))
	}
	query, args := p.build(`SELECT `+adGroupCols+` FROM ad_groups`, where, args, nameSorts)
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanAdGroup)
}

// --- keywords

const keywordCols = `id, ad_group_id, text, match_type, negative, status, version, created_at, updated_at`

func scanKeyword(row scanner) (Keyword, error) {
	var k Keyword
	err := row.Scan(&k.ID, &k.AdGroupID, &k.Text, &k.MatchType, &k.Negative, &k.Status, &k.Version, &k.CreatedAt, &k.UpdatedAt)
	return k, err
}

func getKeyword(ctx context.Context, q db.Conn, id int64) (Keyword, error) {
	k, err := scanKeyword(q.QueryRow(ctx, `SELECT `+keywordCols+` FROM keywords WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return k, errs.NotFoundf("keyword %d not found", id)
	}
	return k, err
}

func insertKeyword(ctx context.Context, tx db.Conn, k Keyword) (Keyword, error) {
	return scanKeyword(tx.QueryRow(ctx, `INSERT INTO keywords (ad_group_id, text, match_type, negative, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING `+keywordCols, k.AdGroupID, k.Text, k.MatchType, k.Negative, k.Status, k.CreatedAt, k.UpdatedAt))
}

func updateKeyword(ctx context.Context, tx db.Conn, k Keyword, now time.Time) (Keyword, error) {
	return scanKeyword(tx.QueryRow(ctx, `UPDATE keywords SET text = ?, match_type = ?, negative = ?, status = ?, version = version + 1, updated_at = ?
		WHERE id = ? RETURNING `+keywordCols, k.Text, k.MatchType, k.Negative, k.Status, now, k.ID))
}

// KeywordFilter selects keywords in a list.
type KeywordFilter struct {
	AdGroupID  int64
	CampaignID int64
	MatchType  string
	Negative   *bool
	Query      string
}

var keywordSorts = map[string]string{"created": "id", "text": "text", "updated": "updated_at"}

func listKeywords(ctx context.Context, q db.Conn, f KeywordFilter, p ListParams) ([]Keyword, error) {
	var where []string
	var args []any
	if f.AdGroupID != 0 {
		where, args = append(where, "ad_group_id = ?"), append(args, f.AdGroupID)
	}
	if f.CampaignID != 0 {
		where, args = append(where, "ad_group_id IN (SELECT id FROM ad_groups WHERE campaign_id = ?)"), append(args, f.CampaignID)
	}
	if f.MatchType != "" {
		where, args = append(where, "match_type = ?"), append(args, f.MatchType)
	}
	if f.Negative != nil {
		where, args = append(where, "negative = ?"), append(args, *f.Negative)
	}
	if f.Query != "" {
		where, args = append(where, "lower(text) LIKE ? ESCAPE '\\'"), append(args, likePattern(f.Query))
	}
	query, args := p.build(`SELECT `+keywordCols+` FROM keywords`, where, args, keywordSorts)
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanKeyword)
}

// --- ads

const adCols = `a.id, a.ad_group_id, g.campaign_id, a.final_urls, a.path1, a.path2, a.status, a.version, a.created_at, a.updated_at`

func scanAd(row scanner) (Ad, error) {
	var a Ad
	var urls []byte
	err := row.Scan(&a.ID, &a.AdGroupID, &a.CampaignID, &urls, &a.Path1, &a.Path2, &a.Status, &a.Version, &a.CreatedAt, &a.UpdatedAt)
	if err != nil {
		return a, err
	}
	a.Headlines, a.Descriptions = []AdText{}, []AdText{}
	return a, json.Unmarshal(urls, &a.FinalURLs)
}

func getAd(ctx context.Context, q db.Conn, id int64) (Ad, error) {
	a, err := scanAd(q.QueryRow(ctx, `SELECT `+adCols+` FROM ads a JOIN ad_groups g ON g.id = a.ad_group_id WHERE a.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, errs.NotFoundf("ad %d not found", id)
	}
	return a, err
}

func insertAd(ctx context.Context, tx db.Conn, a Ad) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO ads (ad_group_id, final_urls, path1, path2, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, a.AdGroupID, jsonText(a.FinalURLs), a.Path1, a.Path2, a.Status, a.CreatedAt, a.UpdatedAt).Scan(&id)
	return id, err
}

func updateAd(ctx context.Context, tx db.Conn, a Ad, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE ads SET final_urls = ?, path1 = ?, path2 = ?, status = ?, version = version + 1, updated_at = ? WHERE id = ?`,
		jsonText(a.FinalURLs), a.Path1, a.Path2, a.Status, now, a.ID)
	return err
}

// AdFilter selects ads in a list.
type AdFilter struct {
	AdGroupID  int64
	CampaignID int64
	Status     string
}

var adSorts = map[string]string{"created": "id", "updated": "updated_at"}

func listAds(ctx context.Context, q db.Conn, f AdFilter, p ListParams) ([]Ad, error) {
	var where []string
	var args []any
	if f.AdGroupID != 0 {
		where, args = append(where, "ad_group_id = ?"), append(args, f.AdGroupID)
	}
	if f.CampaignID != 0 {
		where, args = append(where, "campaign_id = ?"), append(args, f.CampaignID)
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	// The join sits in a derived table so filters and the keyset use plain names.
	query, args := p.build(`SELECT * FROM (SELECT `+adCols+` FROM ads a JOIN ad_groups g ON g.id = a.ad_group_id) ads_v`, where, args, adSorts)
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanAd)
}

// adTexts loads the headlines and descriptions of the given ads, in position
// order, and attaches them.
func attachAdTexts(ctx context.Context, q db.Conn, ads []Ad) error {
	if len(ads) == 0 {
		return nil
	}
	index := make(map[int64]int, len(ads))
	ids := make([]any, len(ads))
	for i, a := range ads {
		index[a.ID] = i
		ids[i] = a.ID
	}
	rows, err := q.Query(ctx, `SELECT l.ad_id, l.id, l.asset_id, s.text, l.field_type, COALESCE(l.pinned_field, '')
		FROM asset_links l JOIN assets s ON s.id = l.asset_id
		WHERE l.ad_id IN (`+db.Placeholders(len(ids))+`) ORDER BY l.ad_id, l.field_type, l.position, l.id`, ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var adID int64
		var t AdText
		var field string
		if err := rows.Scan(&adID, &t.LinkID, &t.AssetID, &t.Text, &field, &t.PinnedField); err != nil {
			return err
		}
		a := &ads[index[adID]]
		if field == "HEADLINE" {
			a.Headlines = append(a.Headlines, t)
		} else {
			a.Descriptions = append(a.Descriptions, t)
		}
	}
	return rows.Err()
}

// --- asset groups

const assetGroupCols = `id, campaign_id, name, final_urls, path1, path2, status, version, created_at, updated_at`

func scanAssetGroup(row scanner) (AssetGroup, error) {
	var g AssetGroup
	var urls []byte
	err := row.Scan(&g.ID, &g.CampaignID, &g.Name, &urls, &g.Path1, &g.Path2, &g.Status, &g.Version, &g.CreatedAt, &g.UpdatedAt)
	if err != nil {
		return g, err
	}
	return g, json.Unmarshal(urls, &g.FinalURLs)
}

func getAssetGroup(ctx context.Context, q db.Conn, id int64) (AssetGroup, error) {
	g, err := scanAssetGroup(q.QueryRow(ctx, `SELECT `+assetGroupCols+` FROM asset_groups WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return g, errs.NotFoundf("asset group %d not found", id)
	}
	return g, err
}

func insertAssetGroup(ctx context.Context, tx db.Conn, g AssetGroup) (AssetGroup, error) {
	return scanAssetGroup(tx.QueryRow(ctx, `INSERT INTO asset_groups (campaign_id, name, final_urls, path1, path2, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+assetGroupCols, g.CampaignID, g.Name, jsonText(g.FinalURLs), g.Path1, g.Path2, g.Status, g.CreatedAt, g.UpdatedAt))
}

func updateAssetGroup(ctx context.Context, tx db.Conn, g AssetGroup, now time.Time) (AssetGroup, error) {
	return scanAssetGroup(tx.QueryRow(ctx, `UPDATE asset_groups SET name = ?, final_urls = ?, path1 = ?, path2 = ?, status = ?, version = version + 1, updated_at = ?
		WHERE id = ? RETURNING `+assetGroupCols, g.Name, jsonText(g.FinalURLs), g.Path1, g.Path2, g.Status, now, g.ID))
}

// AssetGroupFilter selects asset groups in a list.
type AssetGroupFilter struct {
	CampaignID int64
	Status     string
	Query      string
}

func listAssetGroups(ctx context.Context, q db.Conn, f AssetGroupFilter, p ListParams) ([]AssetGroup, error) {
	var where []string
	var args []any
	if f.CampaignID != 0 {
		where, args = append(where, "campaign_id = ?"), append(args, f.CampaignID)
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if f.Query != "" {
		where, args = append(where, "lower(name) LIKE ? ESCAPE '\\'"), append(args, likePattern(f.Query))
	}
	query, args := p.build(`SELECT `+assetGroupCols+` FROM asset_groups`, where, args, nameSorts)
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanAssetGroup)
}

// deleteRow deletes one row of table by id; foreign keys cascade to children
// and links, and never to assets.
func deleteRow(ctx context.Context, tx db.Conn, table string, id int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE id = ?`, id)
	return err
}
