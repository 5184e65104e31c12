package generation

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"

	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/ai"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// Service writes ad copy from a campaign's brief into its ad groups and asset
// groups — the use cases behind the campaign wizard: a new responsive search
// ad, the missing items of an existing one, or one item again; an asset
// group's texts likewise. Copy comes from the Generator (a language model or
// the offline writer, validated by the policy engine in the loop) and is
// stored through the campaigns slice, so the checks of a person's write apply
// to it too.
type Service struct {
	targets Targets
	store   CopyStore
	gen     *Generator
	styles  StyleSource // nil: no style examples
}

// NewService returns the service writing with provider p (ai.Select picks a
// configured model or the offline writer).
func NewService(c Campaigns, p ai.Provider) *Service {
	return NewServiceWith(c, NewGenerator(p, GeneratorOptions{}))
}

// NewServiceWith returns the service with a configured generator (budgets,
// retry policy).
func NewServiceWith(c Campaigns, g *Generator) *Service {
	return &Service{targets: c, store: c, gen: g}
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
	Ad     campaigns.Ad     `json:"ad"`
	Report GenerationReport `json:"report"`
}

// AssetGroupGeneration is the asset group after a generation, with its report.
type AssetGroupGeneration struct {
	AssetGroup campaigns.AssetGroup `json:"asset_group"`
	Report     GenerationReport     `json:"report"`
}

// GenerationFailedError is a generation that stopped early with too little
// to store: no valid item at all, or a set below the minimum Google accepts
// (an ad needs 3 headlines and 2 descriptions; display paths do not count).
// The model was unreachable, or its answers broke the rules until the budget
// ran out. Nothing was stored; Report says why.
type GenerationFailedError struct {
	Report GenerationReport
	Err    error
}

func (e *GenerationFailedError) Error() string {
	return "the language model wrote too little valid copy to store: " + e.Report.Summary()
}

// tooLittle reports whether a run that ended with genErr left nothing that
// may be stored: a set below the minimum, or no new item at all.
func tooLittle(genErr error, fresh TextSet) bool {
	if genErr == nil {
		return false
	}
	if errors.Is(genErr, ErrBelowMinimum) {
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
func (s *Service) GenerateAd(ctx context.Context, adGroupID int64, in GenerateInput, onEvent func(ai.Event)) (AdGeneration, error) {
	g, err := s.targets.GetAdGroup(ctx, adGroupID)
	if err != nil {
		return AdGeneration{}, err
	}
	c, brief, err := s.campaignBrief(ctx, g.CampaignID, FormatRSA)
	if err != nil {
		return AdGeneration{}, err
	}
	existing, err := s.targets.TextsInAdGroup(ctx, g.ID)
	if err != nil {
		return AdGeneration{}, err
	}
	examples, err := s.styleExamples(ctx, c.ID, brief)
	if err != nil {
		return AdGeneration{}, err
	}
	account, err := s.targets.BrandSpellings(ctx)
	if err != nil {
		return AdGeneration{}, err
	}
	req := GenerateRequest{Brief: brief, AccountSpellings: account, Format: FormatRSA, Existing: existing, Examples: examples, OnEvent: onEvent}

	var ad campaigns.Ad
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
		if ad, err = s.targets.GetAd(ctx, in.AdID); errs.Is(err, errs.NotFound) {
			return AdGeneration{}, errs.Field("body.ad_id", fmt.Sprintf("ad %d does not exist", in.AdID), in.AdID)
		} else if err != nil {
			return AdGeneration{}, err
		}
		if ad.AdGroupID != g.ID {
			return AdGeneration{}, errs.Field("body.ad_id", fmt.Sprintf("ad %d is not in ad group %d", ad.ID, g.ID), in.AdID)
		}
		req.Keep = adSet(ad)
		if in.Mode == ModeFillGaps {
			if in.Slot != "" {
				return AdGeneration{}, errs.Field("body.slot", "fill_gaps fills every missing item; name a slot only to regenerate", in.Slot)
			}
			req.Want = gaps(FormatRSA, req.Keep)
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

	gen, genErr := s.gen.Generate(ctx, req)
	report := ReportOf(gen.Report, genErr)
	if err := userError(genErr); err != nil {
		return AdGeneration{}, err
	}
	if tooLittle(genErr, gen.Set) {
		return AdGeneration{}, &GenerationFailedError{Report: report, Err: genErr}
	}
	// The texts are stored with their provenance in the ad's own
	// transaction: a refused or interrupted write leaves none behind.
	switch in.Mode {
	case ModeNew:
		paths := append(slices.Clone(gen.Set.Paths), "", "")
		ad, err = s.store.CreateAd(ctx, campaigns.AdInput{AdGroupID: g.ID, FinalURLs: []string{finalURL}, Path1: paths[0], Path2: paths[1],
			Headlines: textInputs(nil, gen, SlotHeadlines), Descriptions: textInputs(nil, gen, SlotDescriptions)})
	default:
		ad, err = s.store.ReplaceAdTexts(ctx, ad.ID, ad.Version, mergedAdTexts(ad, gen, regenSlot, replace))
	}
	if err != nil {
		return AdGeneration{}, err
	}
	report.AdStrength = ad.AdStrength
	return AdGeneration{Ad: ad, Report: report}, nil
}

// adSet is an ad's texts as a text set.
func adSet(ad campaigns.Ad) TextSet {
	return TextSet{Headlines: adTexts(ad.Headlines), Descriptions: adTexts(ad.Descriptions), Paths: nonEmpty(ad.Path1, ad.Path2)}
}

// mergedAdTexts merges new items into an ad's texts: appended after the ad's
// own (fill gaps), or in place of the regenerated one, keeping its pin.
// Display paths are given only where they change.
func mergedAdTexts(ad campaigns.Ad, gen Generation, slot string, replace int) campaigns.AdTexts {
	merge := func(current []campaigns.AdText, name string) []campaigns.AdTextInput {
		fresh := textInputs(nil, gen, name)
		if slot == name && replace >= 0 && len(fresh) > 0 {
			out := textInputs(current, Generation{}, name)
			out[replace] = campaigns.AdTextInput{Text: fresh[0].Text, PinnedField: out[replace].PinnedField, Provenance: fresh[0].Provenance}
			return out
		}
		return append(textInputs(current, Generation{}, name), fresh...)
	}
	t := campaigns.AdTexts{Headlines: merge(ad.Headlines, SlotHeadlines), Descriptions: merge(ad.Descriptions, SlotDescriptions)}
	paths := gen.Set.Paths
	switch {
	case slot == SlotPaths && len(paths) == 1 && replace == 0:
		t.Path1 = &paths[0]
	case slot == SlotPaths && len(paths) == 1 && replace == 1:
		t.Path2 = &paths[0]
	case ad.Path1 == "" && len(paths) > 0:
		t.Path1 = &paths[0]
		if len(paths) > 1 && ad.Path2 == "" {
			t.Path2 = &paths[1]
		}
	case ad.Path2 == "" && len(paths) > 0:
		t.Path2 = &paths[0]
	}
	return t
}

// textInputs are an ad's current texts of a slot, with their pins, then the
// items gen wrote for it, with their provenance.
func textInputs(current []campaigns.AdText, gen Generation, slot string) []campaigns.AdTextInput {
	fresh := gen.Set.Slot(slot)
	out := make([]campaigns.AdTextInput, 0, len(current)+len(fresh))
	for _, t := range current {
		out = append(out, campaigns.AdTextInput{Text: t.Text, PinnedField: t.PinnedField})
	}
	for i, t := range fresh {
		p := gen.Provenance(slot, i)
		out = append(out, campaigns.AdTextInput{Text: t, Provenance: &p})
	}
	return out
}

func adTexts(ts []campaigns.AdText) []string {
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
func gaps(f Format, keep TextSet) []ai.Want {
	var out []ai.Want
	for _, w := range FullSet(f) {
		if n := w.Count - len(keep.Slot(w.Slot)); n > 0 {
			out = append(out, ai.Want{Slot: w.Slot, Count: n})
		}
	}
	return out
}

// slotItem is the address of one item of a slot: "headlines[3]".
var slotItem = regexp.MustCompile(`^([a-z_]+)\[(\d+)\]$`)

// parseSlot reads "headlines[3]" (or path1/path2 on an ad) and checks the
// item exists in set.
func parseSlot(s string, set TextSet, ad bool) (string, int, error) {
	if ad && (s == "path1" || s == "path2") {
		i := int(s[4] - '1')
		if i >= len(set.Paths) {
			return "", 0, errs.Field("body.slot", s+" is empty; use fill_gaps to write it", s)
		}
		return SlotPaths, i, nil
	}
	format, want := FormatPMax, "headlines[N], long_headlines[N] or descriptions[N]"
	if ad {
		format, want = FormatRSA, "headlines[N], descriptions[N], path1 or path2"
	}
	m := slotItem.FindStringSubmatch(s)
	if m == nil {
		return "", 0, errs.Field("body.slot", "must name one item: "+want, s)
	}
	if slot, ok := slotOf(format, m[1]); !ok || slot.Name == SlotPaths {
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
func without(set TextSet, slot string, i int) TextSet {
	set.setSlot(slot, slices.Delete(slices.Clone(set.Slot(slot)), i, i+1))
	return set
}

// campaignBrief loads an editable campaign and the brief to write from. The
// brief's language defaults to the campaign's first language. A brief that
// cannot be written from is named as the campaign's field.
func (s *Service) campaignBrief(ctx context.Context, id int64, f Format) (campaigns.Campaign, Brief, error) {
	c, err := s.targets.EditableCampaign(ctx, id)
	if err != nil {
		return c, Brief{}, err
	}
	b := Brief(c.Brief)
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

// GenerateAssetGroup writes Performance Max text for an asset group from its
// campaign's brief and links it with the right field types (and the brief's
// business name, when the group has none), in one transaction. Modes are as
// for ads; new needs a group without texts.
func (s *Service) GenerateAssetGroup(ctx context.Context, assetGroupID int64, in GenerateInput, onEvent func(ai.Event)) (AssetGroupGeneration, error) {
	ag, err := s.targets.GetAssetGroup(ctx, assetGroupID)
	if err != nil {
		return AssetGroupGeneration{}, err
	}
	_, brief, err := s.campaignBrief(ctx, ag.CampaignID, FormatPMax)
	if err != nil {
		return AssetGroupGeneration{}, err
	}
	if in.AdID != 0 {
		return AssetGroupGeneration{}, errs.Field("body.ad_id", "an asset group has no ads", in.AdID)
	}
	texts := groupTexts(ag)
	keep := texts.set()
	existing, err := s.targets.TextsInAssetGroup(ctx, ag.ID)
	if err != nil {
		return AssetGroupGeneration{}, err
	}
	examples, err := s.styleExamples(ctx, ag.CampaignID, brief)
	if err != nil {
		return AssetGroupGeneration{}, err
	}
	account, err := s.targets.BrandSpellings(ctx)
	if err != nil {
		return AssetGroupGeneration{}, err
	}
	req := GenerateRequest{Brief: brief, AccountSpellings: account, Format: FormatPMax, Existing: existing, Keep: keep, Examples: examples, OnEvent: onEvent}
	replace, regenSlot := -1, ""
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
		req.Want = gaps(FormatPMax, keep)
	case ModeRegenerate:
		if regenSlot, replace, err = parseSlot(in.Slot, keep, false); err != nil {
			return AssetGroupGeneration{}, err
		}
		req.Keep = without(keep, regenSlot, replace)
		req.Want = []ai.Want{{Slot: regenSlot, Count: 1}}
	default:
		return AssetGroupGeneration{}, errs.Field("body.mode", "must be new, fill_gaps or regenerate", in.Mode)
	}

	gen, genErr := s.gen.Generate(ctx, req)
	report := ReportOf(gen.Report, genErr)
	if err := userError(genErr); err != nil {
		return AssetGroupGeneration{}, err
	}
	if tooLittle(genErr, gen.Set) {
		return AssetGroupGeneration{}, &GenerationFailedError{Report: report, Err: genErr}
	}
	out := texts.merge(gen, regenSlot, replace)
	if out.BusinessName == nil {
		human := assets.Provenance{Source: assets.SourceHuman}
		out.BusinessName = &campaigns.GroupTextInput{Text: brief.BusinessName, Provenance: &human}
	}
	ag, err = s.store.ReplaceAssetGroupTexts(ctx, ag.ID, ag.Version, out)
	if err != nil {
		return AssetGroupGeneration{}, err
	}
	report.AdStrength = ag.AdStrength
	return AssetGroupGeneration{AssetGroup: ag, Report: report}, nil
}

// groupTextLists are an asset group's texts by generator slot, and its
// business name.
type groupTextLists struct {
	slots        map[string][]string
	businessName *string
}

func groupTexts(ag campaigns.AssetGroup) groupTextLists {
	out := groupTextLists{slots: map[string][]string{}}
	for _, a := range ag.Assets {
		f := policy.Field(a.FieldType)
		switch {
		case f == policy.BusinessName:
			name := a.Text
			out.businessName = &name
		case a.Type == assets.TypeText:
			slot := policy.SlotName(f)
			out.slots[slot] = append(out.slots[slot], a.Text)
		}
	}
	return out
}

// set is the group's texts as a text set: what a generation keeps.
func (g groupTextLists) set() TextSet {
	var t TextSet
	for _, s := range Slots(FormatPMax) {
		t.setSlot(s.Name, g.slots[s.Name])
	}
	return t
}

// merge is the group's texts with the new items: appended after its own
// (new, fill gaps), or in place of the regenerated one.
func (g groupTextLists) merge(gen Generation, slot string, replace int) campaigns.AssetGroupTexts {
	lists := map[string][]campaigns.GroupTextInput{}
	for _, s := range Slots(FormatPMax) {
		var list []campaigns.GroupTextInput
		for _, t := range g.slots[s.Name] {
			list = append(list, campaigns.GroupTextInput{Text: t})
		}
		for i, t := range gen.Set.Slot(s.Name) {
			p := gen.Provenance(s.Name, i)
			item := campaigns.GroupTextInput{Text: t, Provenance: &p}
			if s.Name == slot && replace >= 0 {
				list[replace] = item
				continue
			}
			list = append(list, item)
		}
		lists[s.Name] = list
	}
	out := campaigns.AssetGroupTexts{Headlines: lists[SlotHeadlines], LongHeadlines: lists[SlotLongHeadlines], Descriptions: lists[SlotDescriptions]}
	if g.businessName != nil {
		out.BusinessName = &campaigns.GroupTextInput{Text: *g.businessName}
	}
	return out
}
