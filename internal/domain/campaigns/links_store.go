package campaigns

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// owner is the parent chain of an ad or asset group, read (and on PostgreSQL
// locked) at the start of a link write.
type owner struct {
	CampaignID    int64
	AdGroupID     *int64
	CampaignState State
}

// lockOwner reads the campaign state of an ad or asset group and locks the
// rows for the rest of the transaction on PostgreSQL: the owner's row, so
// concurrent link writes to it queue and the caps hold, and the campaign's,
// so its state cannot change before commit. The campaign is locked for
// update, not shared: every link write moves the campaign's version (a
// trigger), and two writers that both held it shared would each wait for the
// other to let go before that update — a deadlock. On SQLite the write
// transaction is already exclusive, which is why the locking clause is
// PostgreSQL's alone.
func lockOwner(ctx context.Context, tx db.Conn, kind OwnerKind, id int64) (owner, error) {
	var o owner
	var query string
	if kind == AdOwner {
		o.AdGroupID = new(int64)
		query = `SELECT g.campaign_id, c.state, x.ad_group_id FROM ads x JOIN ad_groups g ON g.id = x.ad_group_id JOIN campaigns c ON c.id = g.campaign_id WHERE x.id = ?`
	} else {
		query = `SELECT c.id, c.state, 0 FROM asset_groups x JOIN campaigns c ON c.id = x.campaign_id WHERE x.id = ?`
	}
	if tx.Engine() == db.Postgres {
		query += ` FOR NO KEY UPDATE OF x, c`
	}
	var adGroup int64
	err := tx.QueryRow(ctx, query, id).Scan(&o.CampaignID, &o.CampaignState, &adGroup)
	if errors.Is(err, sql.ErrNoRows) {
		return owner{}, notFound("path.id", kind.noun(), id)
	}
	if err != nil {
		return owner{}, fmt.Errorf("read %s %d: %w", kind.noun(), id, err)
	}
	if o.AdGroupID != nil {
		*o.AdGroupID = adGroup
	}
	return o, nil
}

// notFound is a 404 naming the request field that pointed at the missing
// row.
func notFound(location, what string, id int64) error {
	return &errs.Error{Code: errs.NotFound, Message: fmt.Sprintf("%s %d not found", what, id),
		Fields: []errs.FieldError{{Location: location, Message: what + " not found", Value: id}}}
}

func countLinks(ctx context.Context, tx db.Conn, kind OwnerKind, id int64, fieldType policy.Field) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT count(*) FROM asset_links WHERE `+kind.column()+` = ? AND field_type = ?`, id, fieldType).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count links: %w", err)
	}
	return n, nil
}

func linkExists(ctx context.Context, tx db.Conn, kind OwnerKind, id int64, fieldType policy.Field, assetID int64) (bool, error) {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM asset_links WHERE `+kind.column()+` = ? AND field_type = ? AND asset_id = ?`, id, fieldType, assetID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("find link: %w", err)
	}
	return true, nil
}

func nextPosition(ctx context.Context, tx db.Conn, kind OwnerKind, id int64, fieldType policy.Field) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(position) + 1, 0) FROM asset_links WHERE `+kind.column()+` = ? AND field_type = ?`, id, fieldType).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("next position: %w", err)
	}
	return n, nil
}

func insertLink(ctx context.Context, tx db.Conn, l Link) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO asset_links (asset_id, campaign_id, ad_group_id, ad_id, asset_group_id, field_type, pinned_field, position, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		l.AssetID, l.CampaignID, l.AdGroupID, l.AdID, l.AssetGroupID, l.FieldType, l.PinnedField, l.Position, l.CreatedAt).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert link: %w", err)
	}
	return id, nil
}

func updateLink(ctx context.Context, tx db.Conn, linkID int64, pinned *string, position int) error {
	if _, err := tx.Exec(ctx, `UPDATE asset_links SET pinned_field = ?, position = ? WHERE id = ?`, pinned, position, linkID); err != nil {
		return fmt.Errorf("update link %d: %w", linkID, err)
	}
	return nil
}

func deleteLink(ctx context.Context, tx db.Conn, kind OwnerKind, owner, linkID int64) error {
	res, err := tx.Exec(ctx, `DELETE FROM asset_links WHERE id = ? AND `+kind.column()+` = ?`, linkID, owner)
	if err != nil {
		return fmt.Errorf("delete link %d: %w", linkID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("path.link_id", "link", linkID)
	}
	return nil
}

// fieldLink is a link as replacing an owner's texts sees it.
type fieldLink struct {
	id, assetID int64
	pinned      string
	position    int
}

// fieldLinks lists the links of one field type of an ad or asset group.
func fieldLinks(ctx context.Context, tx db.Conn, kind OwnerKind, id int64, fieldType policy.Field) ([]fieldLink, error) {
	rows, err := tx.Query(ctx, `SELECT id, asset_id, COALESCE(pinned_field, ''), position FROM asset_links
		WHERE `+kind.column()+` = ? AND field_type = ? ORDER BY position, id`, id, fieldType)
	if err != nil {
		return nil, fmt.Errorf("read %s links: %w", fieldType, err)
	}
	defer rows.Close()
	var out []fieldLink
	for rows.Next() {
		var l fieldLink
		if err := rows.Scan(&l.id, &l.assetID, &l.pinned, &l.position); err != nil {
			return nil, fmt.Errorf("read %s links: %w", fieldType, err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

const linkedColumns = `l.id, l.asset_id, l.campaign_id, l.ad_group_id, l.ad_id, l.asset_group_id, l.field_type, l.pinned_field, l.position, l.created_at,
	a.type, a.content_hash, a.text, a.mime_type, a.width, a.height`

func scanLinked(row scanner) (LinkedAsset, error) {
	var la LinkedAsset
	var width, height sql.NullInt64
	err := row.Scan(&la.ID, &la.AssetID, &la.CampaignID, &la.AdGroupID, &la.AdID, &la.AssetGroupID, &la.FieldType, &la.PinnedField, &la.Position, &la.CreatedAt,
		&la.AssetType, &la.ContentHash, &la.Text, &la.MimeType, &width, &height)
	if err != nil {
		return LinkedAsset{}, err
	}
	if width.Valid {
		w, h := int(width.Int64), int(height.Int64)
		la.Width, la.Height = &w, &h
	}
	la.CreatedAt = la.CreatedAt.UTC()
	return la, nil
}

func queryLinked(ctx context.Context, q db.Conn, where string, args ...any) ([]LinkedAsset, error) {
	rows, err := q.Query(ctx, `SELECT `+linkedColumns+` FROM asset_links l JOIN assets a ON a.id = l.asset_id WHERE `+where+`
		ORDER BY l.ad_id, l.asset_group_id, l.field_type, l.position, l.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("read links: %w", err)
	}
	defer rows.Close()
	out := []LinkedAsset{}
	for rows.Next() {
		la, err := scanLinked(rows)
		if err != nil {
			return nil, fmt.Errorf("read links: %w", err)
		}
		out = append(out, la)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read links: %w", err)
	}
	return out, nil
}

func getLinked(ctx context.Context, q db.Conn, kind OwnerKind, ownerID, linkID int64) (LinkedAsset, error) {
	links, err := queryLinked(ctx, q, `l.id = ? AND l.`+kind.column()+` = ?`, linkID, ownerID)
	if err != nil {
		return LinkedAsset{}, err
	}
	if len(links) == 0 {
		return LinkedAsset{}, notFound("path.link_id", "link", linkID)
	}
	return links[0], nil
}

// ownerExists tells a missing ad or asset group (404) from one without links.
func ownerExists(ctx context.Context, q db.Conn, kind OwnerKind, id int64) error {
	table := "ads"
	if kind != AdOwner {
		table = "asset_groups"
	}
	var one int
	err := q.QueryRow(ctx, `SELECT 1 FROM `+table+` WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("path.id", kind.noun(), id)
	}
	if err != nil {
		return fmt.Errorf("read %s %d: %w", kind.noun(), id, err)
	}
	return nil
}

// linkedTexts are the texts linked anywhere in an ad group (column
// "ad_group_id") or asset group ("asset_group_id"), in link order.
func linkedTexts(ctx context.Context, q db.Conn, column string, id int64) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT a.text FROM asset_links l JOIN assets a ON a.id = l.asset_id
		WHERE l.`+column+` = ? AND a.type = 'TEXT' ORDER BY l.id`, id)
	if err != nil {
		return nil, fmt.Errorf("texts of %s %d: %w", column, id, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("texts of %s %d: %w", column, id, err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
