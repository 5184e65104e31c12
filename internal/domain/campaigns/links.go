package campaigns

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/domain/policy/refusal"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// Links: which assets an ad or asset group uses, in which field type, pinned
// where, in which order. Every link write checks, in its transaction, that
// the campaign's state allows the change, the field type belongs to the
// owner's format and takes the asset's type, the cap of the field type, and
// the asset's content against the field's rules with the campaign's brief.

// Link links an asset to an ad or asset group for a person editing the
// campaign; appendAtEnd places it after the links of its field type.
func (s *Service) Link(ctx context.Context, in LinkInput, appendAtEnd bool) (la LinkedAsset, err error) {
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		l, err := s.linkTx(ctx, tx, in, appendAtEnd)
		if err != nil {
			return err
		}
		la, err = getLinked(ctx, tx, kindOf(in), ownerID(in), l.ID)
		return err
	})
	return la, err
}

func kindOf(in LinkInput) OwnerKind {
	if in.AdID != 0 {
		return AdOwner
	}
	return AssetGroupOwner
}

func ownerID(in LinkInput) int64 { return in.AdID + in.AssetGroupID }

// linkTx links an asset inside tx. Duplicates and caps are checked with
// reads first, so a refusal leaves the caller's transaction usable.
func (s *Service) linkTx(ctx context.Context, tx db.Conn, in LinkInput, appendAtEnd bool) (Link, error) {
	if (in.AdID == 0) == (in.AssetGroupID == 0) {
		return Link{}, errs.E(errs.Invalid, "a link needs exactly one of an ad and an asset group")
	}
	kind := kindOf(in)
	limit := kind.format().Max(in.FieldType)
	if limit == 0 {
		return Link{}, errs.Field("body.field_type", fmt.Sprintf("is not a field type of an %s", kind.noun()), in.FieldType)
	}
	var pinned *string
	if in.PinnedField != "" {
		if err := checkPin(kind, in.FieldType, in.PinnedField); err != nil {
			return Link{}, err
		}
		pinned = &in.PinnedField
	}
	if in.Position < 0 {
		return Link{}, errs.Field("body.position", "must not be negative", in.Position)
	}
	id := ownerID(in)
	o, err := lockOwner(ctx, tx, kind, id)
	if err != nil {
		return Link{}, err
	}
	if err := guardLinks(ctx, o); err != nil {
		return Link{}, err
	}
	a, err := s.assets.GetTx(ctx, tx, in.AssetID)
	if errs.Is(err, errs.NotFound) {
		return Link{}, notFound("body.asset_id", "asset", in.AssetID)
	}
	if err != nil {
		return Link{}, err
	}
	if want := assetTypeFor(in.FieldType); a.Type != want {
		return Link{}, errs.Field("body.asset_id", fmt.Sprintf("field type %s takes %s assets; asset %d is %s", in.FieldType, want, in.AssetID, a.Type), in.AssetID)
	}
	dup, err := linkExists(ctx, tx, kind, id, in.FieldType, in.AssetID)
	if err != nil {
		return Link{}, err
	}
	if dup {
		return Link{}, errs.Conflictf("asset %d is already linked to %s %d as %s", in.AssetID, kind.noun(), id, in.FieldType)
	}
	n, err := countLinks(ctx, tx, kind, id, in.FieldType)
	if err != nil {
		return Link{}, err
	}
	if n >= limit {
		return Link{}, errs.Conflictf("%s %d already has %d %s assets, the most it may have", kind.noun(), id, n, in.FieldType).
			With("cap", limit).With("field_type", string(in.FieldType))
	}
	if a.Type == assets.TypeText {
		err = checkLinkedText(ctx, tx, kind, o.CampaignID, in.FieldType, *a.Text)
	} else {
		err = s.checkLinkedImage(ctx, in.FieldType, a.ID)
	}
	if err != nil {
		return Link{}, err
	}
	pos := in.Position
	if appendAtEnd {
		if pos, err = nextPosition(ctx, tx, kind, id, in.FieldType); err != nil {
			return Link{}, err
		}
	}
	l := Link{AssetID: in.AssetID, CampaignID: o.CampaignID, AdGroupID: o.AdGroupID, FieldType: string(in.FieldType),
		PinnedField: pinned, Position: pos, CreatedAt: s.now()}
	if kind == AdOwner {
		l.AdID = &in.AdID
	} else {
		l.AssetGroupID = &in.AssetGroupID
	}
	if l.ID, err = insertLink(ctx, tx, l); err != nil {
		return Link{}, err
	}
	return l, nil
}

// assetTypeFor is the asset type a field type takes.
func assetTypeFor(f policy.Field) string {
	if policy.IsImage(f) {
		return assets.TypeImage
	}
	return assets.TypeText
}

func checkPin(kind OwnerKind, fieldType policy.Field, pin string) error {
	if !kind.format().Pins {
		return errs.Field("body.pinned_field", "asset group links cannot be pinned", pin)
	}
	if pins := policy.Pins(fieldType); !slices.Contains(pins, pin) {
		return errs.Field("body.pinned_field", fmt.Sprintf("a %s can be pinned to %v", fieldType, pins), pin)
	}
	return nil
}

// guardLinks refuses a link write to a campaign whose state does not allow
// it, with a 409 that carries the current state: people change links in
// draft and review, the generation job also while generating.
func guardLinks(ctx context.Context, o owner) error {
	if canEdit(ctx, o.CampaignState) {
		return nil
	}
	return errs.Conflictf("campaign %d is %s; its assets can only be changed while it is %s",
		o.CampaignID, o.CampaignState, joinOr(editableStates(ctx))).
		With("state", string(o.CampaignState)).With("campaign_id", o.CampaignID)
}

// editableStates lists the states in which the caller may change content.
func editableStates(ctx context.Context) []string {
	var out []string
	for _, s := range States {
		if canEdit(ctx, s) {
			out = append(out, string(s))
		}
	}
	return out
}

func joinOr(states []string) string {
	if len(states) < 2 {
		return strings.Join(states, "")
	}
	return strings.Join(states[:len(states)-1], ", ") + " or " + states[len(states)-1]
}

// UpdateLink changes the pin or position of a link of an ad or asset group.
func (s *Service) UpdateLink(ctx context.Context, kind OwnerKind, owner, linkID int64, c LinkChange) (la LinkedAsset, err error) {
	if c.Position != nil && *c.Position < 0 {
		return LinkedAsset{}, errs.Field("body.position", "must not be negative", *c.Position)
	}
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		o, err := lockOwner(ctx, tx, kind, owner)
		if err != nil {
			return err
		}
		if err := guardLinks(ctx, o); err != nil {
			return err
		}
		cur, err := getLinked(ctx, tx, kind, owner, linkID)
		if err != nil {
			return err
		}
		pinned, pos := cur.PinnedField, cur.Position
		if c.PinnedField != nil {
			pinned = nil
			if *c.PinnedField != "" {
				if err := checkPin(kind, policy.Field(cur.FieldType), *c.PinnedField); err != nil {
					return err
				}
				pinned = c.PinnedField
			}
		}
		if c.Position != nil {
			pos = *c.Position
		}
		if err := updateLink(ctx, tx, linkID, pinned, pos); err != nil {
			return err
		}
		la, err = getLinked(ctx, tx, kind, owner, linkID)
		return err
	})
	return la, err
}

// Unlink removes a link of an ad or asset group; the asset stays.
func (s *Service) Unlink(ctx context.Context, kind OwnerKind, owner, linkID int64) error {
	return s.db.InTx(ctx, func(tx db.Conn) error {
		o, err := lockOwner(ctx, tx, kind, owner)
		if err != nil {
			return err
		}
		if err := guardLinks(ctx, o); err != nil {
			return err
		}
		return deleteLink(ctx, tx, kind, owner, linkID)
	})
}

// Links lists the links of one ad or asset group with their assets, by field
// type and position.
func (s *Service) Links(ctx context.Context, kind OwnerKind, owner int64) (out []LinkedAsset, err error) {
	err = s.db.InReadTx(ctx, func(tx db.Conn) error {
		if err := ownerExists(ctx, tx, kind, owner); err != nil {
			return err
		}
		out, err = queryLinked(ctx, tx, `l.`+kind.column()+` = ?`, owner)
		return err
	})
	return out, err
}

// checkLinkedText applies the field's limits and the editorial rules, with
// the campaign's brief, to a text about to be linked. Asset groups are
// checked as Performance Max, which takes no ad customizers.
func checkLinkedText(ctx context.Context, tx db.Conn, kind OwnerKind, campaignID int64, fieldType policy.Field, text string) error {
	rules, err := textRulesTx(ctx, tx, campaignID)
	if err != nil {
		return err
	}
	var r policy.Result
	if kind == AdOwner {
		r = rules.checker.CheckText(fieldType, text)
	} else {
		r = rules.checker.CheckSet(policy.PerformanceMaxFormat, policy.Set{Items: []policy.Item{{Path: "text", Field: fieldType, Text: text}}}).Items[0].Result
	}
	var fields []errs.FieldError
	for _, v := range r.Errors() {
		fields = append(fields, refusal.Field("body.asset_id", text, v))
	}
	return refusal.Of(fields)
}

// checkLinkedImage applies the field's size, aspect-ratio and file rules to an
// image about to be linked. Only Performance Max asset groups take images, so
// it checks against that format, which also refuses GIF. The bytes are read
// because the frame count (E15, animation) is not stored with the asset.
func (s *Service) checkLinkedImage(ctx context.Context, fieldType policy.Field, assetID int64) error {
	c, err := s.assets.Content(ctx, assetID)
	if err != nil {
		return fmt.Errorf("read image %d: %w", assetID, err)
	}
	res := policy.PerformanceMaxFormat.CheckImage(fieldType, c.Data)
	var fields []errs.FieldError
	for _, v := range res.Violations {
		if v.Severity == policy.Error {
			fields = append(fields, refusal.Field("body.asset_id", nil, v))
		}
	}
	return refusal.Of(fields)
}
