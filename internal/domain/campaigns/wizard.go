package campaigns

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"

	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/platform/ai"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

// Wizard writes ad copy from a campaign's brief into its ad groups and asset
// groups: a new responsive search ad, the missing items of an existing one,
// or one item again. Copy comes from the assets slice's generator (a language
// model or the offline provider, validated by the policy engine in the loop)
// and is stored through the campaign service, so the checks of a person's
// write apply to it too.
type Wizard struct {
	campaigns *Service
	assets    *assets.Service
	gen       *assets.Generator
}

// NewWizard returns the wizard writing with provider p (ai.Select picks a
// configured model or the offline provider).
func NewWizard(c *Service, a *assets.Service, p ai.Provider) *Wizard {
	return NewWizardWith(c, a, assets.NewGenerator(p, assets.GeneratorOptions{}))
}

// NewWizardWith returns the wizard with a configured generator (budgets,
// retry policy).
func NewWizardWith(c *Service, a *assets.Service, g *assets.Generator) *Wizard {
	return &Wizard{campaigns: c, assets: a, gen: g}
}

// Generation modes.
const (
	ModeNew        = "new"        // a whole new set
	ModeFillGaps   = "fill_gaps"  // only the missing items of an existing set
	ModeRegenerate = "regenerate" // one item of an existing set
)

// GenerateInput says what to write.
type GenerateInput struct {
	Mode string `json:"mode" enum:"new,fill_gaps,regenerate" doc:"new: a new responsive search ad (asset group: a text set for an asset group without texts); fill_gaps: only the missing headlines, descriptions, paths or long headlines; regenerate: one item"`
	AdID int64  `json:"ad_id,omitempty" minimum:"0" doc:"The ad to complete or change (fill_gaps, regenerate on an ad group)"`
	Slot string `json:"slot,omitempty" maxLength:"40" doc:"regenerate: the item, e.g. headlines[3], descriptions[0], long_headlines[1], path1, path2"`
}

// AdGeneration is the ad as stored after a generation, with its report.
type AdGeneration struct {
	Ad     Ad                      `json:"ad"`
	Report assets.GenerationReport `json:"report"`
}

// AssetGroupGeneration is the asset group after a generation, with its report.
type AssetGroupGeneration struct {
	AssetGroup AssetGroup              `json:"asset_group"`
	Report     assets.GenerationReport `json:"report"`
}

// GenerationFailedError is a generation that stopped early with too little
// to store: no valid item at all, or a set below the minimum Google accepts
// (an ad needs 3 headlines and 2 descriptions; display paths do not count).
// The model was unreachable, or its answers broke the rules until the budget
// ran out. Nothing was stored; Report says why.
type GenerationFailedError struct {
	Report assets.GenerationReport
	Err    error
}

func (e *GenerationFailedError) Error() string {
	return "the language model wrote too little valid copy to store: " + e.Report.Summary()
}

// tooLittle reports whether a run that ended with genErr left nothing that
// may be stored: a set below the minimum, or no new item at all.
func tooLittle(genErr error, fresh assets.TextSet) bool {
	if genErr == nil {
		return false
	}
	if errors.Is(genErr, assets.ErrBelowMinimum) {
		return true
	}
	return len(fresh.Headlines)+len(fresh.LongHeadlines)+len(fresh.Descriptions)+len(fresh.Paths) == 0
}

func (e *GenerationFailedError) Unwrap() error { return e.Err }

// GenerateAd writes responsive search ad copy for an ad group from its
// campaign's brief. onEvent, when not nil, receives the loop's progress (a
// background job reports it). A run that wrote some but not all items stores
// the valid part when the ad then has at least the minimum set; the report
// says what is missing. Otherwise nothing is stored and the error is a
// *GenerationFailedError.
func (w *Wizard) GenerateAd(ctx context.Context, adGroupID int64, in GenerateInput, onEvent func(ai.Event)) (AdGeneration, error) {
	g, err := w.campaigns.GetAdGroup(ctx, adGroupID)
	if err != nil {
		return AdGeneration{}, err
	}
	c, brief, err := w.campaignBrief(ctx, g.CampaignID, assets.FormatRSA)
	if err != nil {
		return AdGeneration{}, err
	}
	existing, err := w.linkedTexts(ctx, "ad_group_id", g.ID)
	if err != nil {
		return AdGeneration{}, err
	}
	req := assets.GenerateRequest{Brief: brief, Format: assets.FormatRSA, Existing: existing, OnEvent: onEvent}

	var ad Ad
	replace := -1 // regenerate: index in the slot's items
	regenSlot := ""
	switch in.Mode {
	case ModeNew:
		if in.AdID != 0 || in.Slot != "" {
			return AdGeneration{}, errs.Field("body.mode", "new writes a new ad; ad_id and slot are for fill_gaps and regenerate", in.Mode)
		}
	case ModeFillGaps, ModeRegenerate:
		if in.AdID == 0 {
			return AdGeneration{}, errs.Field("body.ad_id", in.Mode+" needs the ad to change", in.AdID)
		}
		if ad, err = w.campaigns.GetAd(ctx, in.AdID); errs.Is(err, errs.NotFound) {
			return AdGeneration{}, errs.Field("body.ad_id", fmt.Sprintf("ad %d does not exist", in.AdID), in.AdID)
		} else if err != nil {
			return AdGeneration{}, err
		}
		if ad.AdGroupID != g.ID {
			return AdGeneration{}, errs.Field("body.ad_id", fmt.Sprintf("ad %d is not in ad group %d", ad.ID, g.ID), in.AdID)
		}
		req.Keep = assets.TextSet{Headlines: adTexts(ad.Headlines), Descriptions: adTexts(ad.Descriptions), Paths: nonEmpty(ad.Path1, ad.Path2)}
		if in.Mode == ModeFillGaps {
			if in.Slot != "" {
				return AdGeneration{}, errs.Field("body.slot", "fill_gaps fills every missing item; name a slot only to regenerate", in.Slot)
			}
			req.Want = gaps(assets.FormatRSA, req.Keep)
		} else {
			if regenSlot, replace, err = parseSlot(in.Slot, req.Keep, true); err != nil {
				return AdGeneration{}, err
			}
			req.Keep = without(req.Keep, regenSlot, replace)
			req.Want = []ai.Want{{Slot: regenSlot, Count: 1}}
		}
	default:
		return AdGeneration{}, errs.Field("body.mode", "must be new, fill_gaps or regenerate", in.Mode)
	}
	finalURL := c.Brief.LandingPage
	if finalURL == "" {
		finalURL = c.FinalURL
	}
	if in.Mode == ModeNew && finalURL == "" {
		return AdGeneration{}, errs.Field("campaign.final_url", "the ad needs a final URL: set the campaign's final_url or its brief's landing_page", "")
	}

	gen, genErr := w.gen.Generate(ctx, req)
	report := assets.ReportOf(gen.Report, genErr)
	if err := userError(genErr); err != nil {
		return AdGeneration{}, err
	}
	if tooLittle(genErr, gen.Set) {
		return AdGeneration{}, &GenerationFailedError{Report: report, Err: genErr}
	}
	// The texts are stored with their provenance in the ad's own
	// transaction: a refused or interrupted write leaves none behind.
	origin := originsOf(brief.Language, gen)
	switch in.Mode {
	case ModeNew:
		paths := append(slices.Clone(gen.Set.Paths), "", "")
		ad, err = w.campaigns.CreateAd(ctx, AdInput{AdGroupID: g.ID, FinalURLs: []string{finalURL}, Path1: paths[0], Path2: paths[1],
			Headlines: textInputs(nil, gen.Set.Headlines), Descriptions: textInputs(nil, gen.Set.Descriptions), origin: origin})
	default:
		patch := adPatch(ad, gen.Set, regenSlot, replace)
		patch.origin = origin
		ad, err = w.campaigns.UpdateAd(ctx, ad.ID, httpapi.ETag(ad.Version), patch)
	}
	if err != nil {
		return AdGeneration{}, err
	}
	return AdGeneration{Ad: ad, Report: report}, nil
}

// adPatch merges new items into an ad: appended after the ad's own (fill
// gaps), or in place of the regenerated one, keeping its pin.
func adPatch(ad Ad, set assets.TextSet, slot string, replace int) AdPatch {
	var p AdPatch
	merge := func(current []AdText, fresh []string, isSlot bool) []AdTextInput {
		if len(fresh) == 0 {
			return nil // unchanged: UpdateAd leaves a nil list alone
		}
		if isSlot && replace >= 0 {
			out := textInputs(current, nil)
			out[replace].Text = fresh[0]
			return out
		}
		return textInputs(current, fresh)
	}
	p.Headlines = merge(ad.Headlines, set.Headlines, slot == assets.SlotHeadlines)
	p.Descriptions = merge(ad.Descriptions, set.Descriptions, slot == assets.SlotDescriptions)
	paths := set.Paths
	switch {
	case slot == assets.SlotPaths && len(paths) == 1 && replace == 0:
		p.Path1 = &paths[0]
	case slot == assets.SlotPaths && len(paths) == 1 && replace == 1:
		p.Path2 = &paths[0]
	case ad.Path1 == "" && len(paths) > 0:
		p.Path1 = &paths[0]
		if len(paths) > 1 && ad.Path2 == "" {
			p.Path2 = &paths[1]
		}
	case ad.Path2 == "" && len(paths) > 0:
		p.Path2 = &paths[0]
	}
	return p
}

func textInputs(current []AdText, fresh []string) []AdTextInput {
	out := make([]AdTextInput, 0, len(current)+len(fresh))
	for _, t := range current {
		out = append(out, AdTextInput{Text: t.Text, PinnedField: t.PinnedField})
	}
	for _, t := range fresh {
		out = append(out, AdTextInput{Text: t})
	}
	return out
}

func adTexts(ts []AdText) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Text
	}
	return out
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// gaps is how many items each slot misses to a full set of format f.
func gaps(f assets.Format, keep assets.TextSet) []ai.Want {
	var out []ai.Want
	for _, w := range assets.FullSet(f) {
		if n := w.Count - len(keep.Slot(w.Slot)); n > 0 {
			out = append(out, ai.Want{Slot: w.Slot, Count: n})
		}
	}
	return out
}

var slotRE = regexp.MustCompile(`^(headlines|long_headlines|descriptions)\[(\d+)\]$`)

// parseSlot reads "headlines[3]" (or path1/path2 on an ad) and checks the
// item exists in set.
func parseSlot(s string, set assets.TextSet, ad bool) (string, int, error) {
	if ad && (s == "path1" || s == "path2") {
		i := int(s[4] - '1')
		if i >= len(set.Paths) {
			return "", 0, errs.Field("body.slot", s+" is empty; use fill_gaps to write it", s)
		}
		return assets.SlotPaths, i, nil
	}
	m := slotRE.FindStringSubmatch(s)
	if m == nil || (ad && m[1] == assets.SlotLongHeadlines) {
		want := "headlines[N], descriptions[N], path1 or path2"
		if !ad {
			want = "headlines[N], long_headlines[N] or descriptions[N]"
		}
		return "", 0, errs.Field("body.slot", "must name one item: "+want, s)
	}
	i, err := strconv.Atoi(m[2])
	if err != nil || i >= len(set.Slot(m[1])) {
		return "", 0, errs.Field("body.slot", fmt.Sprintf("there are %d %s", len(set.Slot(m[1])), m[1]), s)
	}
	return m[1], i, nil
}

// without is set minus item i of slot: the item being regenerated is not
// kept, but it stays among the existing texts, so it is not written again.
func without(set assets.TextSet, slot string, i int) assets.TextSet {
	items := slices.Delete(slices.Clone(set.Slot(slot)), i, i+1)
	switch slot {
	case assets.SlotHeadlines:
		set.Headlines = items
	case assets.SlotLongHeadlines:
		set.LongHeadlines = items
	case assets.SlotDescriptions:
		set.Descriptions = items
	case assets.SlotPaths:
		set.Paths = items
	}
	return set
}

// campaignBrief loads an editable campaign and the brief to write from. The
// brief's language defaults to the campaign's first language. A brief that
// cannot be written from is named as the campaign's field.
func (w *Wizard) campaignBrief(ctx context.Context, id int64, f assets.Format) (Campaign, assets.Brief, error) {
	c, err := w.campaigns.GetCampaign(ctx, id)
	if err != nil {
		return c, assets.Brief{}, err
	}
	if !canEdit(ctx, c.State) {
		return c, assets.Brief{}, notEditable(c.State)
	}
	b := assets.Brief(c.Brief)
	if b.Language == "" && len(c.Languages) > 0 {
		b.Language = c.Languages[0]
	}
	if err := b.Check(f); err != nil {
		return c, b, inCampaign(err)
	}
	return c, b, nil
}

// inCampaign points a brief error ("brief.product") at the campaign.
func inCampaign(err error) error {
	e := errs.As(err)
	if e == nil {
		return err
	}
	out := *e
	out.Fields = nil
	for _, f := range e.Fields {
		f.Location = "campaign." + f.Location
		out.Fields = append(out.Fields, f)
	}
	out.Message = "the campaign's brief cannot be written from: " + e.Message
	return &out
}

// userError returns a generation error that is the caller's to fix (a
// request the generator refused), or nil for loop failures.
func userError(err error) error {
	if e := errs.As(err); e != nil {
		return inCampaign(e)
	}
	if err != nil && !errors.Is(err, ai.ErrExhausted) {
		return err
	}
	return nil
}

// linkedTexts are the texts linked anywhere in an ad group or asset group:
// the generator treats them as taken.
func (w *Wizard) linkedTexts(ctx context.Context, column string, id int64) ([]string, error) {
	rows, err := w.campaigns.db.Read().Query(ctx, `SELECT a.text FROM asset_links l JOIN assets a ON a.id = l.asset_id
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

// originsOf records how each generated text was made, for storing it.
func originsOf(lang string, gen assets.Generation) textOrigins {
	out := textOrigins{}
	for _, slot := range []string{assets.SlotHeadlines, assets.SlotLongHeadlines, assets.SlotDescriptions} {
		for i, t := range gen.Set.Slot(slot) {
			out[assets.NormalizeText(t)] = textOrigin{provenance: gen.Provenance(slot, i), language: lang}
		}
	}
	return out
}

// assetGroupFields maps the generator's slots to asset group field types.
var assetGroupFields = map[string]string{
	assets.SlotHeadlines:     assets.FieldHeadline,
	assets.SlotLongHeadlines: assets.FieldLongHeadline,
	assets.SlotDescriptions:  assets.FieldDescription,
}

// GenerateAssetGroup writes Performance Max text for an asset group from its
// campaign's brief and links it with the right field types (and the brief's
// business name, when the group has none), in one transaction. Modes are as
// for ads; new needs a group without texts.
func (w *Wizard) GenerateAssetGroup(ctx context.Context, assetGroupID int64, in GenerateInput, onEvent func(ai.Event)) (AssetGroupGeneration, error) {
	ag, err := w.campaigns.GetAssetGroup(ctx, assetGroupID)
	if err != nil {
		return AssetGroupGeneration{}, err
	}
	_, brief, err := w.campaignBrief(ctx, ag.CampaignID, assets.FormatPMax)
	if err != nil {
		return AssetGroupGeneration{}, err
	}
	if in.AdID != 0 {
		return AssetGroupGeneration{}, errs.Field("body.ad_id", "an asset group has no ads", in.AdID)
	}
	var keep assets.TextSet
	links := map[string][]GroupAsset{}
	hasName := false
	for _, a := range ag.Assets {
		switch a.FieldType {
		case assets.FieldHeadline:
			keep.Headlines = append(keep.Headlines, a.Text)
		case assets.FieldLongHeadline:
			keep.LongHeadlines = append(keep.LongHeadlines, a.Text)
		case assets.FieldDescription:
			keep.Descriptions = append(keep.Descriptions, a.Text)
		case assets.FieldBusinessName:
			hasName = true
		}
		links[a.FieldType] = append(links[a.FieldType], a)
	}
	existing, err := w.linkedTexts(ctx, "asset_group_id", ag.ID)
	if err != nil {
		return AssetGroupGeneration{}, err
	}
	req := assets.GenerateRequest{Brief: brief, Format: assets.FormatPMax, Existing: existing, Keep: keep, OnEvent: onEvent}
	var replaced *GroupAsset
	switch in.Mode {
	case ModeNew:
		if len(keep.Headlines)+len(keep.LongHeadlines)+len(keep.Descriptions) > 0 {
			return AssetGroupGeneration{}, errs.Field("body.mode", fmt.Sprintf("asset group %d already has texts; use fill_gaps or regenerate", ag.ID), in.Mode)
		}
		req.Want = nil
	case ModeFillGaps:
		if in.Slot != "" {
			return AssetGroupGeneration{}, errs.Field("body.slot", "fill_gaps fills every missing item; name a slot only to regenerate", in.Slot)
		}
		req.Want = gaps(assets.FormatPMax, keep)
	case ModeRegenerate:
		slot, i, err := parseSlot(in.Slot, keep, false)
		if err != nil {
			return AssetGroupGeneration{}, err
		}
		replaced = &links[assetGroupFields[slot]][i]
		req.Keep = without(keep, slot, i)
		req.Want = []ai.Want{{Slot: slot, Count: 1}}
	default:
		return AssetGroupGeneration{}, errs.Field("body.mode", "must be new, fill_gaps or regenerate", in.Mode)
	}

	gen, genErr := w.gen.Generate(ctx, req)
	report := assets.ReportOf(gen.Report, genErr)
	if err := userError(genErr); err != nil {
		return AssetGroupGeneration{}, err
	}
	if tooLittle(genErr, gen.Set) {
		return AssetGroupGeneration{}, &GenerationFailedError{Report: report, Err: genErr}
	}
	err = w.campaigns.db.InTx(ctx, func(tx db.Conn) error {
		if _, err := editableCampaign(ctx, tx, ag.CampaignID); err != nil {
			return err
		}
		replacedAt := -1
		if replaced != nil {
			if err := tx.QueryRow(ctx, `SELECT position FROM asset_links WHERE id = ?`, replaced.LinkID).Scan(&replacedAt); err != nil {
				return fmt.Errorf("read regenerated link %d: %w", replaced.LinkID, err)
			}
			if _, err := tx.Exec(ctx, `DELETE FROM asset_links WHERE id = ? AND asset_group_id = ?`, replaced.LinkID, ag.ID); err != nil {
				return fmt.Errorf("unlink regenerated asset: %w", err)
			}
		}
		for _, slot := range []string{assets.SlotHeadlines, assets.SlotLongHeadlines, assets.SlotDescriptions} {
			field := assetGroupFields[slot]
			next := replacedAt
			if next < 0 {
				if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(position) + 1, 0) FROM asset_links WHERE asset_group_id = ? AND field_type = ?`, ag.ID, field).Scan(&next); err != nil {
					return fmt.Errorf("next %s position: %w", field, err)
				}
			}
			for i, t := range gen.Set.Slot(slot) {
				if err := w.linkText(ctx, tx, ag.ID, field, t, brief.Language, gen.Provenance(slot, i), next+i); err != nil {
					return fmt.Errorf("%s[%d]: %w", slot, i, err)
				}
			}
		}
		if !hasName {
			if err := w.linkText(ctx, tx, ag.ID, assets.FieldBusinessName, brief.BusinessName, brief.Language, assets.Provenance{Source: assets.SourceHuman}, 0); err != nil {
				return fmt.Errorf("business name: %w", err)
			}
		}
		return touchCampaign(ctx, tx, ag.CampaignID, w.campaigns.now())
	})
	if err != nil {
		return AssetGroupGeneration{}, err
	}
	ag, err = w.campaigns.GetAssetGroup(ctx, ag.ID)
	return AssetGroupGeneration{AssetGroup: ag, Report: report}, err
}

func (w *Wizard) linkText(ctx context.Context, tx db.Conn, groupID int64, field, text, lang string, p assets.Provenance, position int) error {
	a, _, err := w.assets.UpsertTextTx(ctx, tx, assets.TextInput{Text: text, Language: lang, Provenance: p})
	if err != nil {
		return err
	}
	_, err = w.assets.LinkTx(ctx, tx, assets.LinkInput{AssetID: a.ID, AssetGroupID: groupID, FieldType: field, Position: position})
	return err
}
