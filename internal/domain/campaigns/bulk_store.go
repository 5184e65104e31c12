package campaigns

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/domain/policy/refusal"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// textGrid reads every text of campaign c, its ads and asset groups, and the
// text field types they take, in q.
func textGrid(ctx context.Context, q db.Conn, c Campaign) (TextGrid, error) {
	g := TextGrid{CampaignID: c.ID, Name: c.Name, Type: c.Type, State: c.State, Version: c.Version,
		Owners: []TextOwner{}, Texts: []TextRow{}, Fields: []TextField{}}
	rules, err := textRulesTx(ctx, q, c.ID)
	if err != nil {
		return g, err
	}
	g.Language = rules.language
	kind := AdOwner
	query := `SELECT x.id, g.id, g.name FROM ads x JOIN ad_groups g ON g.id = x.ad_group_id WHERE g.campaign_id = ? ORDER BY g.id, x.id`
	if c.Type == TypePMax {
		kind = AssetGroupOwner
		query = `SELECT id, 0, name FROM asset_groups WHERE campaign_id = ? ORDER BY id`
	}
	rows, err := q.Query(ctx, query, c.ID)
	if err != nil {
		return g, fmt.Errorf("owners of campaign %d: %w", c.ID, err)
	}
	defer rows.Close()
	order := map[int64]int{}
	for rows.Next() {
		o := TextOwner{Kind: kind}
		if err := rows.Scan(&o.ID, &o.AdGroupID, &o.Name); err != nil {
			return g, fmt.Errorf("owners of campaign %d: %w", c.ID, err)
		}
		order[o.ID] = len(g.Owners)
		g.Owners = append(g.Owners, o)
	}
	if err := rows.Err(); err != nil {
		return g, fmt.Errorf("owners of campaign %d: %w", c.ID, err)
	}
	rows.Close()

	f := kind.format()
	for _, field := range f.Fields() {
		if policy.IsText(field) {
			g.Fields = append(g.Fields, TextField{OwnerKind: kind, FieldType: string(field), Max: f.Max(field), Limit: policy.Limit(field)})
		}
	}
	fieldOrder := func(t string) int {
		return slices.IndexFunc(g.Fields, func(x TextField) bool { return x.FieldType == t })
	}

	rows, err = q.Query(ctx, `SELECT l.id, l.asset_id, COALESCE(l.ad_id, l.asset_group_id), l.field_type, COALESCE(l.pinned_field, ''), l.position, a.text
		FROM asset_links l JOIN assets a ON a.id = l.asset_id WHERE l.campaign_id = ? AND a.type = 'TEXT'`, c.ID)
	if err != nil {
		return g, fmt.Errorf("texts of campaign %d: %w", c.ID, err)
	}
	defer rows.Close()
	for rows.Next() {
		r := TextRow{OwnerKind: kind}
		if err := rows.Scan(&r.LinkID, &r.AssetID, &r.OwnerID, &r.FieldType, &r.PinnedField, &r.Position, &r.Text); err != nil {
			return g, fmt.Errorf("texts of campaign %d: %w", c.ID, err)
		}
		g.Texts = append(g.Texts, r)
	}
	if err := rows.Err(); err != nil {
		return g, fmt.Errorf("texts of campaign %d: %w", c.ID, err)
	}
	slices.SortFunc(g.Texts, func(a, b TextRow) int {
		return cmp.Or(cmp.Compare(order[a.OwnerID], order[b.OwnerID]), cmp.Compare(fieldOrder(a.FieldType), fieldOrder(b.FieldType)),
			cmp.Compare(a.Position, b.Position), cmp.Compare(a.LinkID, b.LinkID))
	})
	return g, nil
}

// lockCampaignTexts locks, on PostgreSQL, every ad or asset group of a
// campaign in id order and then the campaign: the order a single owner's
// write (lockOwner: the owner, then its campaign) also takes, so a bulk edit
// and a tile's edit queue instead of deadlocking. SQLite's write transaction
// is already exclusive.
func lockCampaignTexts(ctx context.Context, tx db.Conn, campaignID int64) error {
	if tx.Engine() != db.Postgres {
		return nil
	}
	for _, q := range []string{
		`SELECT x.id FROM ads x JOIN ad_groups g ON g.id = x.ad_group_id WHERE g.campaign_id = ? ORDER BY x.id FOR NO KEY UPDATE OF x`,
		`SELECT id FROM asset_groups WHERE campaign_id = ? ORDER BY id FOR NO KEY UPDATE`,
		`SELECT id FROM campaigns WHERE id = ? FOR NO KEY UPDATE`,
	} {
		rows, err := tx.Query(ctx, q, campaignID)
		if err != nil {
			return fmt.Errorf("lock campaign %d: %w", campaignID, err)
		}
		for rows.Next() {
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("lock campaign %d: %w", campaignID, err)
		}
	}
	return nil
}

// TextPlaces is where a text asset is used: each link, in its campaign.
type TextPlaces struct {
	AssetID int64     `json:"asset_id"`
	Places  int       `json:"places" doc:"How many ads and asset groups use the text, counting each field type once"`
	Texts   []TextRow `json:"texts" nullable:"false"`
}

// ReplaceTextEverywhere gives every place that uses text asset assetID the
// text instead, in one transaction over all their campaigns. places is the
// number of places the person was shown and agreed to change; when the asset
// is used in a different number of places now, nothing changes (412). Each
// place is checked as for a bulk edit; a place in a campaign that cannot be
// edited refuses the whole change (409 naming it).
func (s *Service) ReplaceTextEverywhere(ctx context.Context, assetID int64, text string, places int) (TextPlaces, error) {
	out := TextPlaces{AssetID: assetID, Texts: []TextRow{}}
	err := s.db.InTx(ctx, func(tx db.Conn) error {
		a, err := s.assets.GetTx(ctx, tx, assetID)
		if err != nil {
			return err
		}
		if a.Text == nil {
			return errs.Field("path.id", fmt.Sprintf("asset %d is an image; only a text can be changed everywhere", assetID), assetID)
		}
		campaignIDs, err := campaignsUsing(ctx, tx, assetID)
		if err != nil {
			return err
		}
		var changes []struct {
			c     Campaign
			links []int64
		}
		n := 0
		for _, id := range campaignIDs {
			if err := lockCampaignTexts(ctx, tx, id); err != nil {
				return err
			}
			c, err := getCampaign(ctx, tx, id)
			if err != nil {
				return err
			}
			if !canEdit(ctx, c.State) {
				return errs.Conflictf("campaign %q (%d) is %s; its texts can only be changed while it is %s", c.Name, c.ID, c.State, joinOr(editableStates(ctx))).
					With("campaign_id", c.ID).With("state", string(c.State))
			}
			g, err := textGrid(ctx, tx, c)
			if err != nil {
				return err
			}
			var links []int64
			for _, r := range g.Texts {
				if r.AssetID == assetID {
					links = append(links, r.LinkID)
				}
			}
			n += len(links)
			changes = append(changes, struct {
				c     Campaign
				links []int64
			}{c, links})
		}
		if n != places {
			return &errs.Error{Code: errs.PreconditionFailed,
				Message: fmt.Sprintf("body.places: the text is used in %d places now, not %d; reload where-used and try again", n, places),
				Fields:  []errs.FieldError{{Location: "body.places", Message: fmt.Sprintf("the text is used in %d places now", n), Value: places}},
				Extra:   map[string]any{"places": n}}
		}
		var refused []errs.FieldError
		for _, ch := range changes {
			items := make([]textChange, len(ch.links))
			for i, l := range ch.links {
				items[i] = textChange{op: BulkEdit, linkID: l, text: text, at: "body"}
			}
			ids, err := s.applyTextChangesTx(ctx, tx, ch.c, items)
			if e := errs.As(err); e != nil && e.Code == errs.Invalid {
				// Every place's refusals are named, not the first campaign's
				// alone; the transaction rolls back whatever passed.
				refused = append(refused, e.Fields...)
				continue
			}
			if err != nil {
				return err
			}
			c, err := getCampaign(ctx, tx, ch.c.ID)
			if err != nil {
				return err
			}
			g, err := textGrid(ctx, tx, c)
			if err != nil {
				return err
			}
			for _, r := range g.Texts {
				if slices.Contains(ids, r.LinkID) {
					out.Texts = append(out.Texts, r)
				}
			}
		}
		out.Places = n
		return refusal.Of(refused)
	})
	return out, err
}

// campaignsUsing lists the campaigns with a link to an asset, by id.
func campaignsUsing(ctx context.Context, q db.Conn, assetID int64) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT DISTINCT campaign_id FROM asset_links WHERE asset_id = ? ORDER BY campaign_id`, assetID)
	if err != nil {
		return nil, fmt.Errorf("campaigns using asset %d: %w", assetID, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("campaigns using asset %d: %w", assetID, err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
