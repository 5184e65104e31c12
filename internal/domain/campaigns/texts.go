package campaigns

import (
	"context"
	"fmt"
	"slices"

	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/domain/policy/refusal"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// Texts of an ad or asset group: one transaction makes an owner's texts of a
// field type exactly the list given — each text stored once in the library,
// the links that keep their asset kept (with the pin and position the list
// gives them), the others removed, the new ones linked with every check a
// single link gets. A person's tile edit and the generation's writes both go
// through it.

// ReplaceAdTexts makes an ad's headlines and descriptions exactly t (and its
// display paths, when t gives them), in one transaction, after checking the
// ad as it will be with the campaign's brief. ifVersion, when not 0, must be
// the ad's version (412 otherwise).
func (s *Service) ReplaceAdTexts(ctx context.Context, id, ifVersion int64, t AdTexts) (Ad, error) {
	err := s.db.InTx(ctx, func(tx db.Conn) error {
		// Locked first, so the version read next is the one this write
		// changes: a concurrent replacement waits and then sees it moved.
		if _, err := lockOwner(ctx, tx, AdOwner, id); err != nil {
			return err
		}
		a, err := getAd(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := editableCampaign(ctx, tx, a.CampaignID); err != nil {
			return err
		}
		if err := checkVersion(ifVersion, a.Version); err != nil {
			return err
		}
		rules, err := textRulesTx(ctx, tx, a.CampaignID)
		if err != nil {
			return err
		}
		if t.Path1 != nil {
			a.Path1 = *t.Path1
		}
		if t.Path2 != nil {
			a.Path2 = *t.Path2
		}
		ad := rsaOf(a, policyTexts(t.Headlines), policyTexts(t.Descriptions))
		sent := adParts{headlines: true, descriptions: true, paths: t.Path1 != nil || t.Path2 != nil}
		if err := checkRSA(rules.checker, ad, sent); err != nil {
			return err
		}
		if err := s.replaceAdTextsTx(ctx, tx, id, rules.language, nonNilTexts(t.Headlines), nonNilTexts(t.Descriptions)); err != nil {
			return err
		}
		if err := updateAd(ctx, tx, a, s.now()); err != nil {
			return err
		}
		return touchCampaign(ctx, tx, a.CampaignID, s.now())
	})
	if err != nil {
		return Ad{}, err
	}
	return s.GetAd(ctx, id)
}

// replaceAdTextsTx replaces the headlines and the descriptions of an ad that
// are given (nil leaves a list as it is).
func (s *Service) replaceAdTextsTx(ctx context.Context, tx db.Conn, adID int64, language string, headlines, descriptions []AdTextInput) error {
	for _, part := range []struct {
		field    policy.Field
		texts    []AdTextInput
		location string
	}{{policy.Headline, headlines, "body.headlines"}, {policy.Description, descriptions, "body.descriptions"}} {
		if part.texts == nil {
			continue
		}
		writes := make([]textWrite, len(part.texts))
		for i, t := range part.texts {
			writes[i] = textWrite{text: t.Text, pin: t.PinnedField, provenance: t.Provenance, location: fmt.Sprintf("%s[%d]", part.location, i)}
		}
		if err := s.replaceTextsTx(ctx, tx, AdOwner, adID, part.field, writes, language); err != nil {
			return err
		}
	}
	return nil
}

// ReplaceAssetGroupTexts makes an asset group's headlines, long headlines,
// descriptions and business name exactly t, in one transaction, after
// checking them with the campaign's brief; its images stay. ifVersion, when
// not 0, must be the asset group's version (412 otherwise).
func (s *Service) ReplaceAssetGroupTexts(ctx context.Context, id, ifVersion int64, t AssetGroupTexts) (AssetGroup, error) {
	err := s.db.InTx(ctx, func(tx db.Conn) error {
		if _, err := lockOwner(ctx, tx, AssetGroupOwner, id); err != nil {
			return err
		}
		g, err := getAssetGroup(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := editableCampaign(ctx, tx, g.CampaignID); err != nil {
			return err
		}
		if err := checkVersion(ifVersion, g.Version); err != nil {
			return err
		}
		rules, err := textRulesTx(ctx, tx, g.CampaignID)
		if err != nil {
			return err
		}
		lists := groupTextLists(t)
		if err := checkAssetGroupTexts(rules.checker, lists); err != nil {
			return err
		}
		for _, l := range lists {
			writes := make([]textWrite, len(l.texts))
			for i, gt := range l.texts {
				writes[i] = textWrite{text: gt.Text, provenance: gt.Provenance, location: l.location(i)}
			}
			if err := s.replaceTextsTx(ctx, tx, AssetGroupOwner, id, l.field, writes, rules.language); err != nil {
				return err
			}
		}
		if _, err := updateAssetGroup(ctx, tx, g, s.now()); err != nil {
			return err
		}
		return touchCampaign(ctx, tx, g.CampaignID, s.now())
	})
	if err != nil {
		return AssetGroup{}, err
	}
	return s.GetAssetGroup(ctx, id)
}

// groupTextList is one field type's texts of an asset group, named as the
// request names them.
type groupTextList struct {
	field policy.Field
	name  string // headlines, long_headlines, descriptions, business_name
	list  bool   // a list ("headlines[2]") rather than one value ("business_name")
	texts []GroupTextInput
}

func (l groupTextList) path(i int) string {
	if l.list {
		return fmt.Sprintf("%s[%d]", l.name, i)
	}
	return l.name
}

func (l groupTextList) location(i int) string { return "body." + l.path(i) }

func groupTextLists(t AssetGroupTexts) []groupTextList {
	var name []GroupTextInput
	if t.BusinessName != nil {
		name = []GroupTextInput{*t.BusinessName}
	}
	out := []groupTextList{
		{field: policy.Headline, list: true, texts: t.Headlines},
		{field: policy.LongHeadline, list: true, texts: t.LongHeadlines},
		{field: policy.Description, list: true, texts: t.Descriptions},
		{field: policy.BusinessName, texts: name},
	}
	for i := range out {
		out[i].name = policy.SlotName(out[i].field)
	}
	return out
}

// checkAssetGroupTexts runs the Performance Max checks over an asset group's
// texts and refuses the errors at the request's fields: each text's own
// findings, a repeated text, more texts of a field type than the format
// takes. Too few is not refused (a draft may be incomplete; approval needs
// the minimum), nor are the set's rules that need images or URLs.
func checkAssetGroupTexts(c *policy.Checker, lists []groupTextList) error {
	var items []policy.Item
	at := map[string]string{}
	for _, l := range lists {
		for i, t := range l.texts {
			p := l.path(i)
			items = append(items, policy.Item{Path: p, Field: l.field, Text: assets.NormalizeText(t.Text)})
			at[p] = "body." + p + ".text"
		}
	}
	res := c.CheckSet(policy.PerformanceMaxFormat, policy.Set{Items: items})
	var fields []errs.FieldError
	for _, it := range res.Items {
		for _, v := range it.Errors() {
			fields = append(fields, refusal.Field(at[it.Path], it.Text, v))
		}
	}
	for _, v := range res.Violations {
		switch {
		case v.Severity != policy.Error:
		case v.Code == policy.CodeDuplicate:
			it, _ := res.Item(v.Path)
			fields = append(fields, refusal.Field(at[v.Path], it.Text, v))
		case v.Code == policy.CodeTooMany:
			fields = append(fields, errs.FieldError{Location: "body." + policy.SlotName(v.Args.Field), Message: v.Message("en"), Value: v.Args.Count, Code: v.Code})
		}
	}
	return refusal.Of(fields)
}

// textWrite is one text of a replacement, at its position.
type textWrite struct {
	text, pin  string
	provenance *assets.Provenance // nil: a person's text
	location   string             // where the request has it, e.g. body.headlines[2]
}

// replaceTextsTx makes the texts of one field type of an ad or asset group
// exactly ts, in order (position i for ts[i]). Each text is stored once in
// the library, in the campaign's copy language; a link whose asset stays
// keeps its id, taking the pin and position ts gives it; links of other
// assets are removed before new ones are linked, so the caps count what the
// owner will hold.
func (s *Service) replaceTextsTx(ctx context.Context, tx db.Conn, kind OwnerKind, id int64, field policy.Field, ts []textWrite, language string) error {
	o, err := lockOwner(ctx, tx, kind, id)
	if err != nil {
		return err
	}
	if err := guardLinks(ctx, o); err != nil {
		return err
	}
	assetIDs := make([]int64, len(ts))
	for i, t := range ts {
		in := assets.TextInput{Text: t.text, Language: language, Provenance: assets.Provenance{Source: assets.SourceHuman}}
		if t.provenance != nil {
			in.Provenance = *t.provenance
		}
		a, _, err := s.assets.UpsertTextTx(ctx, tx, in)
		if err != nil {
			return relocate(err, t.location+".text")
		}
		assetIDs[i] = a.ID
	}
	current, err := fieldLinks(ctx, tx, kind, id, field)
	if err != nil {
		return err
	}
	kept := map[int64]fieldLink{} // by asset id
	for _, l := range current {
		if _, dup := kept[l.assetID]; !dup && slices.Contains(assetIDs, l.assetID) {
			kept[l.assetID] = l
			continue
		}
		if err := deleteLink(ctx, tx, kind, id, l.id); err != nil {
			return err
		}
	}
	for i, t := range ts {
		if l, ok := kept[assetIDs[i]]; ok {
			// A text given twice is linked a second time below and
			// refused as a duplicate.
			delete(kept, assetIDs[i])
			if l.pinned == t.pin && l.position == i {
				continue
			}
			var pin *string
			if t.pin != "" {
				if err := checkPin(kind, field, t.pin); err != nil {
					return relocate(err, t.location+".pinned_field")
				}
				pin = &t.pin
			}
			if err := updateLink(ctx, tx, l.id, pin, i); err != nil {
				return err
			}
			continue
		}
		in := LinkInput{AssetID: assetIDs[i], FieldType: field, PinnedField: t.pin, Position: i}
		if kind == AdOwner {
			in.AdID = id
		} else {
			in.AssetGroupID = id
		}
		if _, err := s.linkTx(ctx, tx, in, false); err != nil {
			return relocate(err, t.location)
		}
	}
	return nil
}

// relocate points the fields of a user error from a link or the asset
// library at the place in this request that caused it.
func relocate(err error, location string) error {
	e := errs.As(err)
	if e == nil {
		return err
	}
	out := *e
	out.Fields = nil
	for _, f := range e.Fields {
		f.Location = location
		out.Fields = append(out.Fields, f)
	}
	if len(out.Fields) == 0 {
		out.Fields = []errs.FieldError{{Location: location, Message: e.Message}}
	}
	out.Message = location + ": " + e.Message
	return &out
}

// TextsInAdGroup are the texts linked anywhere in an ad group, in link order:
// what generation treats as taken there.
func (s *Service) TextsInAdGroup(ctx context.Context, adGroupID int64) ([]string, error) {
	return linkedTexts(ctx, s.db.Read(), "ad_group_id", adGroupID)
}

// TextsInAssetGroup are the texts linked in an asset group, in link order.
func (s *Service) TextsInAssetGroup(ctx context.Context, assetGroupID int64) ([]string, error) {
	return linkedTexts(ctx, s.db.Read(), "asset_group_id", assetGroupID)
}
