package campaigns

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"

	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/domain/policy/refusal"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// Bulk text editing: every text of a campaign as one grid, and many edits of
// it — changed texts, new texts, removed texts, in any ads and asset groups
// of the campaign — applied in one transaction after every owner they touch
// is checked as it will be. One refused item refuses the whole request, and
// each refusal names the item (body.items[3].text) and the place it edits.

// Bulk edit operations.
const (
	BulkEdit   = "edit"
	BulkAdd    = "add"
	BulkRemove = "remove"
)

// TextGrid is every text of a campaign: what the bulk editor shows.
type TextGrid struct {
	CampaignID int64  `json:"campaign_id"`
	Name       string `json:"name"`
	Type       string `json:"type" enum:"SEARCH,PERFORMANCE_MAX"`
	State      State  `json:"state"`
	Language   string `json:"language" doc:"Copy language of the campaign's texts (BCP 47)"`
	Version    int64  `json:"version" doc:"The campaign's version; the ETag a bulk edit sends as If-Match"`
	// Owners lists every ad and asset group, also those without texts, so
	// texts can be pasted into them.
	Owners []TextOwner `json:"owners" nullable:"false"`
	Texts  []TextRow   `json:"texts" nullable:"false"`
	// Fields are the text field types each owner kind takes, with their caps.
	Fields []TextField `json:"fields" nullable:"false"`
}

// TextOwner is an ad or asset group of the grid.
type TextOwner struct {
	Kind      OwnerKind `json:"kind" enum:"ad,asset_group"`
	ID        int64     `json:"id"`
	AdGroupID int64     `json:"ad_group_id,omitempty"`
	Name      string    `json:"name" doc:"The ad group's name (ads) or the asset group's name"`
}

// TextRow is one text of an ad or asset group.
type TextRow struct {
	LinkID      int64     `json:"link_id"`
	AssetID     int64     `json:"asset_id"`
	OwnerKind   OwnerKind `json:"owner_kind" enum:"ad,asset_group"`
	OwnerID     int64     `json:"owner_id"`
	FieldType   string    `json:"field_type"`
	PinnedField string    `json:"pinned_field,omitempty"`
	Position    int       `json:"position"`
	Text        string    `json:"text"`
}

// TextField is a text field type of an owner kind, with the most texts of it
// an owner may have and the width of one text.
type TextField struct {
	OwnerKind OwnerKind `json:"owner_kind" enum:"ad,asset_group"`
	FieldType string    `json:"field_type"`
	Max       int       `json:"max"`
	Limit     int       `json:"limit" doc:"Width limit of one text"`
}

// BulkTextItem is one change of a bulk edit.
type BulkTextItem struct {
	Op           string `json:"op" enum:"edit,add,remove" doc:"edit: give link_id a new text; add: a new text at the end of ad_id's or asset_group_id's field_type; remove: unlink link_id"`
	LinkID       int64  `json:"link_id,omitempty" minimum:"0" doc:"The text to edit or remove"`
	Text         string `json:"text,omitempty" maxLength:"1000" doc:"The new text (edit, add)"`
	AdID         int64  `json:"ad_id,omitempty" minimum:"0" doc:"The ad a new text goes to (add)"`
	AssetGroupID int64  `json:"asset_group_id,omitempty" minimum:"0" doc:"The asset group a new text goes to (add)"`
	FieldType    string `json:"field_type,omitempty" doc:"The field type of a new text (add)"`
}

// BulkTextsResult is the grid after a bulk edit and, per item, the link its
// text has now (0 for a removal).
type BulkTextsResult struct {
	Items []BulkItemResult `json:"items" nullable:"false"`
	Grid  TextGrid         `json:"grid"`
}

// BulkItemResult is the outcome of one item.
type BulkItemResult struct {
	LinkID int64 `json:"link_id" doc:"The link now holding the item's text; an edited text has a new link"`
}

// Texts returns the campaign's text grid.
func (s *Service) Texts(ctx context.Context, campaignID int64) (g TextGrid, err error) {
	err = s.db.InReadTx(ctx, func(q db.Conn) error {
		c, err := getCampaign(ctx, q, campaignID)
		if err != nil {
			return err
		}
		g, err = textGrid(ctx, q, c)
		return err
	})
	return g, err
}

// BulkEditTexts applies items to the texts of a campaign in one transaction.
// ifVersion is the campaign's version the edits were made on (412 when it
// moved since).
func (s *Service) BulkEditTexts(ctx context.Context, campaignID, ifVersion int64, items []BulkTextItem) (BulkTextsResult, error) {
	changes, err := bulkChanges(items)
	if err != nil {
		return BulkTextsResult{}, err
	}
	var out BulkTextsResult
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		if err := lockCampaignTexts(ctx, tx, campaignID); err != nil {
			return err
		}
		c, err := editableCampaign(ctx, tx, campaignID)
		if err != nil {
			return err
		}
		if err := checkVersion(ifVersion, c.Version); err != nil {
			return err
		}
		links, err := s.applyTextChangesTx(ctx, tx, c, changes)
		if err != nil {
			return err
		}
		if c, err = getCampaign(ctx, tx, campaignID); err != nil {
			return err
		}
		out.Items = make([]BulkItemResult, len(links))
		for i, l := range links {
			out.Items[i].LinkID = l
		}
		out.Grid, err = textGrid(ctx, tx, c)
		return err
	})
	return out, err
}

// bulkChanges turns a request's items into changes, refusing items whose
// fields do not fit their operation.
func bulkChanges(items []BulkTextItem) ([]textChange, error) {
	var fields []errs.FieldError
	bad := func(i int, field, msg string, v any) {
		fields = append(fields, errs.FieldError{Location: fmt.Sprintf("body.items[%d].%s", i, field), Message: msg, Value: v})
	}
	out := make([]textChange, len(items))
	for i, it := range items {
		c := textChange{op: it.Op, linkID: it.LinkID, text: it.Text, at: fmt.Sprintf("body.items[%d]", i)}
		switch it.Op {
		case BulkEdit, BulkRemove:
			if it.LinkID == 0 {
				bad(i, "link_id", "is required to "+it.Op+" a text", it.LinkID)
			}
		case BulkAdd:
			if (it.AdID == 0) == (it.AssetGroupID == 0) {
				bad(i, "ad_id", "give exactly one of ad_id and asset_group_id", it.AdID)
			}
			c.kind, c.ownerID = AdOwner, it.AdID
			if it.AssetGroupID != 0 {
				c.kind, c.ownerID = AssetGroupOwner, it.AssetGroupID
			}
			c.field = policy.Field(it.FieldType)
		}
		out[i] = c
	}
	if len(fields) > 0 {
		return nil, refusal.Of(fields)
	}
	return out, nil
}

// textChange is one change of texts, at its place in the request.
type textChange struct {
	op      string
	linkID  int64 // edit, remove
	kind    OwnerKind
	ownerID int64 // add
	field   policy.Field
	text    string
	at      string // e.g. body.items[3]
}

// listKey names one field type's text list of an ad or asset group.
type listKey struct {
	kind  OwnerKind
	owner int64
	field policy.Field
}

// gridEntry is a text of a list as the changes leave it.
type gridEntry struct {
	text, pin string
	change    int // index of the change that made it, or -1
	removed   bool
}

// applyTextChangesTx applies changes to the texts of campaign c, whose owners
// the caller has locked: every list a change touches is checked whole, as
// the changes leave it, and then written. It returns the link of each
// change's text (0 for a removal).
func (s *Service) applyTextChangesTx(ctx context.Context, tx db.Conn, c Campaign, changes []textChange) ([]int64, error) {
	g, err := textGrid(ctx, tx, c)
	if err != nil {
		return nil, err
	}
	lists := map[listKey][]gridEntry{}
	type place struct {
		list  listKey
		index int
	}
	linkAt := map[int64]place{}
	for _, r := range g.Texts {
		k := listKey{r.OwnerKind, r.OwnerID, policy.Field(r.FieldType)}
		linkAt[r.LinkID] = place{k, len(lists[k])}
		lists[k] = append(lists[k], gridEntry{text: r.Text, pin: r.PinnedField, change: -1})
	}
	owners := map[listKey]TextOwner{} // field empty: the owner itself
	for _, o := range g.Owners {
		owners[listKey{kind: o.Kind, owner: o.ID}] = o
	}
	var fields []errs.FieldError
	var touched []listKey
	touch := func(k listKey) {
		if !slices.Contains(touched, k) {
			touched = append(touched, k)
		}
	}
	for i, ch := range changes {
		switch ch.op {
		case BulkEdit, BulkRemove:
			at, ok := linkAt[ch.linkID]
			if !ok {
				fields = append(fields, errs.FieldError{Location: ch.at + ".link_id", Message: fmt.Sprintf("link %d is not a text of campaign %d", ch.linkID, c.ID), Value: ch.linkID})
				continue
			}
			k := at.list
			e := &lists[k][at.index]
			if e.change >= 0 {
				fields = append(fields, errs.FieldError{Location: ch.at + ".link_id", Message: fmt.Sprintf("link %d is already changed by %s", ch.linkID, changes[e.change].at), Value: ch.linkID})
				continue
			}
			e.change = i
			if ch.op == BulkEdit {
				e.text = ch.text
			} else {
				e.removed = true
			}
			touch(k)
		case BulkAdd:
			o, ok := owners[listKey{kind: ch.kind, owner: ch.ownerID}]
			if !ok {
				loc := ".ad_id"
				if ch.kind == AssetGroupOwner {
					loc = ".asset_group_id"
				}
				fields = append(fields, errs.FieldError{Location: ch.at + loc, Message: fmt.Sprintf("%s %d is not in campaign %d", ch.kind.noun(), ch.ownerID, c.ID), Value: ch.ownerID})
				continue
			}
			if !policy.IsText(ch.field) || o.Kind.format().Max(ch.field) == 0 {
				fields = append(fields, errs.FieldError{Location: ch.at + ".field_type", Message: fmt.Sprintf("is not a text field type of an %s", o.Kind.noun()), Value: string(ch.field)})
				continue
			}
			k := listKey{o.Kind, o.ID, ch.field}
			lists[k] = append(lists[k], gridEntry{text: ch.text, change: i})
			touch(k)
		}
	}
	if len(fields) > 0 {
		return nil, refusal.Of(fields)
	}
	slices.SortFunc(touched, func(a, b listKey) int {
		return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.owner, b.owner), cmp.Compare(a.field, b.field))
	})
	live := func(k listKey) []gridEntry {
		var out []gridEntry
		for _, e := range lists[k] {
			if !e.removed {
				out = append(out, e)
			}
		}
		return out
	}

	rules, err := textRulesTx(ctx, tx, c.ID)
	if err != nil {
		return nil, err
	}
	// Each owner is checked once, with every list of it as it will be.
	var checked []listKey
	for _, k := range touched {
		o := listKey{kind: k.kind, owner: k.owner}
		if slices.Contains(checked, o) {
			continue
		}
		checked = append(checked, o)
		place := placeName(owners[o])
		err := s.checkOwnerTexts(ctx, tx, rules.checker, o, live, touched)
		for _, f := range refusedFields(err) {
			if f, ok := relocateFinding(f, o, live, changes, place); ok {
				fields = append(fields, f)
			}
		}
		if err != nil && errs.As(err) == nil {
			return nil, err
		}
	}
	if len(fields) > 0 {
		return nil, refusal.Of(fields)
	}

	linkOf := make([]int64, len(changes))
	for _, k := range touched {
		entries := live(k)
		writes := make([]textWrite, len(entries))
		for j, e := range entries {
			writes[j] = textWrite{text: e.text, pin: e.pin, location: "body.items"}
			if e.change >= 0 {
				writes[j].location = changes[e.change].at
			}
		}
		if err := s.replaceTextsTx(ctx, tx, k.kind, k.owner, k.field, writes, rules.language); err != nil {
			return nil, err
		}
		now, err := fieldLinks(ctx, tx, k.kind, k.owner, k.field)
		if err != nil {
			return nil, err
		}
		for j, e := range entries {
			if e.change >= 0 && j < len(now) {
				linkOf[e.change] = now[j].id
			}
		}
	}
	for _, o := range checked {
		if err := s.touchOwner(ctx, tx, o); err != nil {
			return nil, err
		}
	}
	return linkOf, touchCampaign(ctx, tx, c.ID, s.now())
}

// checkOwnerTexts runs the format's checks over every text list of an owner
// as the changes leave it; the error's fields are at the request paths of
// the replace operations (body.headlines[2].text).
func (s *Service) checkOwnerTexts(ctx context.Context, tx db.Conn, c *policy.Checker, o listKey, live func(listKey) []gridEntry, touched []listKey) error {
	if o.kind == AdOwner {
		a, err := getAd(ctx, tx, o.owner)
		if err != nil {
			return err
		}
		pinned := func(f policy.Field) []policy.PinnedText {
			var out []policy.PinnedText
			for _, e := range live(listKey{o.kind, o.owner, f}) {
				out = append(out, policy.PinnedText{Text: assets.NormalizeText(e.text), Pin: e.pin})
			}
			return out
		}
		sent := adParts{
			headlines:    slices.Contains(touched, listKey{o.kind, o.owner, policy.Headline}),
			descriptions: slices.Contains(touched, listKey{o.kind, o.owner, policy.Description}),
		}
		return checkRSA(c, rsaOf(a, pinned(policy.Headline), pinned(policy.Description)), sent)
	}
	var t AssetGroupTexts
	texts := func(f policy.Field) []GroupTextInput {
		out := []GroupTextInput{}
		for _, e := range live(listKey{o.kind, o.owner, f}) {
			out = append(out, GroupTextInput{Text: e.text})
		}
		return out
	}
	t.Headlines, t.LongHeadlines, t.Descriptions = texts(policy.Headline), texts(policy.LongHeadline), texts(policy.Description)
	lists := groupTextLists(t)
	// The business name is one value; more than one is refused as too many.
	names := &lists[len(lists)-1]
	names.texts = texts(policy.BusinessName)
	names.list = len(names.texts) > 1
	return checkAssetGroupTexts(c, lists)
}

// touchOwner moves the version of an ad or asset group whose texts changed.
func (s *Service) touchOwner(ctx context.Context, tx db.Conn, o listKey) error {
	if o.kind == AdOwner {
		a, err := getAd(ctx, tx, o.owner)
		if err != nil {
			return err
		}
		return updateAd(ctx, tx, a, s.now())
	}
	g, err := getAssetGroup(ctx, tx, o.owner)
	if err != nil {
		return err
	}
	_, err = updateAssetGroup(ctx, tx, g, s.now())
	return err
}

func refusedFields(err error) []errs.FieldError {
	if e := errs.As(err); e != nil {
		return e.Fields
	}
	return nil
}

// replacePath matches the locations the replace checks refuse at:
// body.headlines[2].text, body.business_name.text, body.long_headlines.
var replacePath = regexp.MustCompile(`^body\.([a-z_]+)(?:\[(\d+)\])?(\..+)?$`)

// itemFindings are codes about a text by itself; the others are about the
// set (a duplicate, too many, pins), which a change can cause at a text it
// did not touch.
func itemFinding(code string) bool {
	switch code {
	case policy.CodeDuplicate, policy.CodeTooMany, policy.CodeInvalidPin, policy.CodePinInfeasible:
		return false
	}
	return true
}

// relocateFinding moves a finding of an owner's check to the change that
// caused it (body.items[3].text), its message naming the place and field. A
// finding of a text by itself that no change touched is not this request's
// doing (the brief may have changed since the text was stored): ok is false.
func relocateFinding(f errs.FieldError, o listKey, live func(listKey) []gridEntry, changes []textChange, place string) (errs.FieldError, bool) {
	m := replacePath.FindStringSubmatch(f.Location)
	if m == nil {
		f.Message = place + ": " + f.Message
		f.Location = "body.items"
		return f, true
	}
	field := policy.Headline
	if o.kind == AdOwner && m[1] == "descriptions" {
		field = policy.Description
	} else if fd, ok := policy.SlotField(m[1]); ok {
		field = fd
	}
	entries := live(listKey{o.kind, o.owner, field})
	what := fieldName(field)
	if m[2] == "" && m[3] == "" { // the whole list: too many
		f.Location = "body.items"
		for _, e := range slices.Backward(entries) {
			if e.change >= 0 {
				f.Location = changes[e.change].at
				break
			}
		}
		f.Message = fmt.Sprintf("%s, %s: %s", place, what, f.Message)
		return f, true
	}
	j := 0
	if m[2] != "" {
		j, _ = strconv.Atoi(m[2])
	}
	if j >= len(entries) {
		return f, true
	}
	e := entries[j]
	if e.change < 0 && itemFinding(f.Code) {
		return f, false
	}
	f.Location = "body.items"
	if e.change >= 0 {
		f.Location = changes[e.change].at + m[3]
	}
	f.Message = fmt.Sprintf("%s, %s %d: %s", place, what, j+1, f.Message)
	return f, true
}

// fieldName is a field type as the messages name it.
func fieldName(f policy.Field) string {
	switch f {
	case policy.Headline:
		return "headline"
	case policy.LongHeadline:
		return "long headline"
	case policy.Description:
		return "description"
	case policy.BusinessName:
		return "business name"
	}
	return string(f)
}

// placeName names an ad or asset group in a message.
func placeName(o TextOwner) string {
	if o.Kind == AdOwner {
		return fmt.Sprintf("ad %d in ad group %q", o.ID, o.Name)
	}
	return fmt.Sprintf("asset group %q", o.Name)
}
