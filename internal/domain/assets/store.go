package assets

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
	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

// assetColumns are read by scanAsset, in this order. The usage count is a
// range count on asset_links_usage, cheap per row.
const assetColumns = `a.id, a.type, a.content_hash, a.name, a.text, a.language, a.mime_type, a.width, a.height, a.size_bytes,
	a.provenance, a.version, a.created_at, a.updated_at,
	(SELECT count(*) FROM asset_links u WHERE u.asset_id = a.id)`

type scanner interface{ Scan(dest ...any) error }

func scanAsset(row scanner, extra ...any) (Asset, error) {
	var a Asset
	var prov []byte
	var width, height sql.NullInt64
	dest := append([]any{&a.ID, &a.Type, &a.ContentHash, &a.Name, &a.Text, &a.Language, &a.MimeType, &width, &height, &a.SizeBytes,
		&prov, &a.Version, &a.CreatedAt, &a.UpdatedAt, &a.UsageCount}, extra...)
	if err := row.Scan(dest...); err != nil {
		return Asset{}, err
	}
	if width.Valid {
		w, h := int(width.Int64), int(height.Int64)
		a.Width, a.Height = &w, &h
	}
	if err := json.Unmarshal(prov, &a.Provenance); err != nil {
		return Asset{}, fmt.Errorf("asset %d: provenance: %w", a.ID, err)
	}
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, nil
}

// dbTime is the form every timestamp of this slice is written in: UTC, at the
// microsecond precision PostgreSQL keeps, so a value read back compares equal
// and SQLite's text timestamps sort in time order.
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func getAsset(ctx context.Context, q db.Conn, id int64) (Asset, error) {
	a, err := scanAsset(q.QueryRow(ctx, `SELECT `+assetColumns+` FROM assets a WHERE a.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Asset{}, notFound("path.id", "asset", id)
	}
	if err != nil {
		return Asset{}, fmt.Errorf("read asset %d: %w", id, err)
	}
	return a, nil
}

func notFound(location, what string, id int64) error {
	return &errs.Error{Code: errs.NotFound, Message: fmt.Sprintf("%s %d not found", what, id),
		Fields: []errs.FieldError{{Location: location, Message: what + " not found", Value: id}}}
}

// newAsset is a row to insert; exactly one of the text and image parts is set.
type newAsset struct {
	Type, Hash, Name, Language string
	Text, SearchText           *string
	MimeType                   *string
	Width, Height              *int
	Size                       *int64
	Provenance                 Provenance
}

// insertAsset inserts a unless an asset with the same type and hash exists,
// and returns the id of the one that exists afterwards. ON CONFLICT DO NOTHING
// rather than catching the unique violation: on PostgreSQL a failed statement
// would abort the caller's whole transaction (UpsertTextTx runs in the
// campaigns slice's).
func insertAsset(ctx context.Context, tx db.Conn, a newAsset, now time.Time) (id int64, created bool, err error) {
	prov, err := json.Marshal(a.Provenance)
	if err != nil {
		return 0, false, fmt.Errorf("encode provenance: %w", err)
	}
	err = tx.QueryRow(ctx, `INSERT INTO assets (type, content_hash, name, text, search_text, language, mime_type, width, height, size_bytes, provenance, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (type, content_hash) DO NOTHING RETURNING id`,
		a.Type, a.Hash, a.Name, a.Text, a.SearchText, a.Language, a.MimeType, a.Width, a.Height, a.Size, string(prov), now, now).Scan(&id)
	if err == nil {
		return id, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, false, fmt.Errorf("insert %s asset: %w", strings.ToLower(a.Type), err)
	}
	if err := tx.QueryRow(ctx, `SELECT id FROM assets WHERE type = ? AND content_hash = ?`, a.Type, a.Hash).Scan(&id); err != nil {
		return 0, false, fmt.Errorf("find existing %s asset: %w", strings.ToLower(a.Type), err)
	}
	return id, false, nil
}

// assetUpdate holds the editable fields of an asset; nil means unchanged.
type assetUpdate struct {
	Name, Language *string
	AppendEdits    []Edit
	IfVersion      int64 // 0: no precondition
}

func updateAsset(ctx context.Context, tx db.Conn, id int64, u assetUpdate, now time.Time) error {
	var version int64
	var prov []byte
	var name, language string
	err := tx.QueryRow(ctx, `SELECT version, provenance, name, language FROM assets WHERE id = ?`, id).Scan(&version, &prov, &name, &language)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("path.id", "asset", id)
	}
	if err != nil {
		return fmt.Errorf("read asset %d: %w", id, err)
	}
	if u.IfVersion != 0 && u.IfVersion != version {
		return httpapi.StaleVersion(u.IfVersion, version)
	}
	var p Provenance
	if err := json.Unmarshal(prov, &p); err != nil {
		return fmt.Errorf("asset %d: provenance: %w", id, err)
	}
	for _, e := range u.AppendEdits {
		e.At = dbTime(e.At)
		p.Edits = append(p.Edits, e)
	}
	if u.Name != nil {
		name = *u.Name
	}
	if u.Language != nil {
		language = *u.Language
	}
	newProv, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode provenance: %w", err)
	}
	// The version in the WHERE clause makes the write conditional even when a
	// concurrent writer got in between the read above and this statement.
	res, err := tx.Exec(ctx, `UPDATE assets SET name = ?, language = ?, provenance = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND version = ?`, name, language, string(newProv), now, id, version)
	if err != nil {
		return fmt.Errorf("update asset %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return httpapi.StaleVersion(u.IfVersion, version+1)
	}
	return nil
}

// deleteAsset removes an unused asset and returns what was deleted, so the
// caller can remove an image's blob after commit.
func deleteAsset(ctx context.Context, tx db.Conn, id int64) (Asset, error) {
	a, err := getAsset(ctx, tx, id)
	if err != nil {
		return Asset{}, err
	}
	if a.UsageCount > 0 {
		return Asset{}, stillUsed(id, a.UsageCount)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM assets WHERE id = ?`, id); err != nil {
		// A link committed between the count and the delete: the foreign key
		// (ON DELETE RESTRICT) refuses, and the answer is the same 409.
		if kind, _ := db.Violation(err); kind == db.ForeignKey {
			var n int
			_ = tx.QueryRow(ctx, `SELECT count(*) FROM asset_links WHERE asset_id = ?`, id).Scan(&n)
			return Asset{}, stillUsed(id, n)
		}
		return Asset{}, fmt.Errorf("delete asset %d: %w", id, err)
	}
	return a, nil
}

func stillUsed(id int64, n int) error {
	return errs.Conflictf("asset %d is still linked from %d ads or asset groups; unlink it first (see /api/assets/%d/usage)", id, n, id).
		With("usage_count", n)
}

// ListFilter selects and orders assets for a list page.
type ListFilter struct {
	Type, Language, Query, FieldType string
	Used                             *bool
	Sort                             string // created, -created, text, -text
	Limit                            int
	After                            *httpapi.Cursor
}

var sortColumns = map[string]string{
	"created": "a.created_at",
	"text":    "COALESCE(a.text, '')",
}

func listAssets(ctx context.Context, q db.Conn, f ListFilter) ([]Asset, *httpapi.Cursor, error) {
	s := httpapi.ParseSort(f.Sort)
	column, ok := sortColumns[s.Key]
	if !ok {
		return nil, nil, errs.Field("query.sort", "unknown sort", f.Sort)
	}
	var where []string
	var args []any
	if f.Type != "" {
		where, args = append(where, "a.type = ?"), append(args, f.Type)
	}
	if f.Language != "" {
		where, args = append(where, "a.language = ?"), append(args, f.Language)
	}
	if f.Query != "" {
		where, args = append(where, `a.search_text LIKE ? ESCAPE '\'`), append(args, "%"+db.EscapeLike(searchFold(NormalizeText(f.Query)))+"%")
	}
	if f.Used != nil {
		not := "NOT "
		if *f.Used {
			not = ""
		}
		where = append(where, not+"EXISTS (SELECT 1 FROM asset_links u WHERE u.asset_id = a.id)")
	}
	if f.FieldType != "" {
		where, args = append(where, "EXISTS (SELECT 1 FROM asset_links u WHERE u.asset_id = a.id AND u.field_type = ?)"), append(args, f.FieldType)
	}
	var after any
	if f.After != nil {
		switch s.Key {
		case "created":
			t, err := time.Parse(time.RFC3339Nano, f.After.Value)
			if err != nil {
				return nil, nil, errs.Field("query.cursor", "not a cursor returned by this API", f.After.Value)
			}
			after = dbTime(t)
		default:
			after = f.After.Value
		}
	}
	keyset, kargs, orderBy := httpapi.Keyset(column, s.Desc, f.After, after)
	if keyset != "" {
		where, args = append(where, keyset), append(args, kargs...)
	}
	query := `SELECT ` + assetColumns + ` FROM assets a`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY " + orderBy + " LIMIT ?"
	args = append(args, f.Limit+1)
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("list assets: %w", err)
	}
	defer rows.Close()
	items := []Asset{}
	for rows.Next() {
		a, err := scanAsset(rows)
		if err != nil {
			return nil, nil, fmt.Errorf("list assets: %w", err)
		}
		items = append(items, a)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("list assets: %w", err)
	}
	if len(items) <= f.Limit {
		return items, nil, nil
	}
	items = items[:f.Limit]
	last := items[len(items)-1]
	next := &httpapi.Cursor{Sort: f.Sort, ID: last.ID}
	switch s.Key {
	case "created":
		next.Value = last.CreatedAt.Format(time.RFC3339Nano)
	case "text":
		if last.Text != nil {
			next.Value = *last.Text
		}
	}
	return items, next, nil
}

func campaignAssets(ctx context.Context, q db.Conn, campaignID int64) ([]CampaignAsset, error) {
	var one int
	err := q.QueryRow(ctx, `SELECT 1 FROM campaigns WHERE id = ?`, campaignID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("path.id", "campaign", campaignID)
	}
	if err != nil {
		return nil, fmt.Errorf("read campaign %d: %w", campaignID, err)
	}
	// One row per (asset, field type), merged below: both engines group the
	// same way without an engine-specific string aggregate.
	rows, err := q.Query(ctx, `SELECT `+assetColumns+`, l.field_type, count(*)
		FROM asset_links l JOIN assets a ON a.id = l.asset_id
		WHERE l.campaign_id = ?
		GROUP BY a.id, l.field_type
		ORDER BY a.id, l.field_type`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("assets of campaign %d: %w", campaignID, err)
	}
	defer rows.Close()
	out := []CampaignAsset{}
	for rows.Next() {
		var fieldType string
		var n int
		a, err := scanAsset(rows, &fieldType, &n)
		if err != nil {
			return nil, fmt.Errorf("assets of campaign %d: %w", campaignID, err)
		}
		if len(out) == 0 || out[len(out)-1].ID != a.ID {
			out = append(out, CampaignAsset{Asset: a, FieldTypes: []string{}})
		}
		last := &out[len(out)-1]
		last.Links += n
		last.FieldTypes = append(last.FieldTypes, fieldType)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("assets of campaign %d: %w", campaignID, err)
	}
	return out, nil
}
