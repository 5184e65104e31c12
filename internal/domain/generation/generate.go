package generation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/domain/policy/strength"
	"github.com/imaphub/imaphub/internal/platform/ai"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// GenerateRequest is one generation.
type GenerateRequest struct {
	Brief Brief
	// AccountSpellings are the account's own brand spellings, allowed as
	// written besides the brief's brand terms.
	AccountSpellings []string
	Format           Format
	// Want is how many new items each slot needs; nil means a full set
	// (FullSet). Fill-the-gaps asks for the missing counts, regenerating one
	// item asks for one.
	Want []ai.Want
	// Keep are the items that stay in the set. New items must differ from
	// them, and set rules (Performance Max's short headline) count them.
	Keep TextSet
	// Existing are the texts already linked in the same ad group or asset
	// group. A candidate whose normalised text equals one of them (ignoring
	// case) is a duplicate; the prompt lists them so the model does not
	// propose them.
	Existing []string
	// Examples are the best-performing texts the brief asked to show as
	// examples of style, best first. The prompt shows them as data; an item
	// equal to one of them is refused like a duplicate.
	Examples []StyleExample
	// OnEvent receives the loop's progress synchronously.
	OnEvent func(ai.Event)
}

// Generation is the result of a run: the new valid items, how each was
// produced, and the report. On failure it holds the valid part.
type Generation struct {
	Set TextSet
	// Source is "llm" or "offline"; Model and PromptVersion as in the report.
	Source        string
	Model         string
	PromptVersion string
	// attempts[slot][i] is the call that produced Set's item i of slot.
	attempts map[string][]int
	// examples are the asset ids of the style examples the prompt showed.
	examples []int64
	Report   ai.Report
	// Strength is the estimated Ad Strength of the set the run leaves (the
	// kept items and the new ones) with the brief's keywords.
	Strength strength.AdStrength
}

// Provenance is what is stored with the item i of slot: who wrote it, with
// which prompt, and in which attempt it passed ("valid" on the first call,
// "repaired" after a repair).
func (g Generation) Provenance(slot string, i int) assets.Provenance {
	p := assets.Provenance{Source: g.Source, Model: g.Model, PromptVersion: g.PromptVersion, Verdict: "valid", StyleExamples: g.examples}
	if a := g.attempts[slot]; i < len(a) {
		p.Attempts = a[i]
		if a[i] > 1 {
			p.Verdict = "repaired"
		}
	}
	return p
}

// Complete reports whether every wanted item was written.
func (g Generation) Complete() bool { return g.Report.Stop == ai.StopComplete }

// GeneratorOptions bound every run of a Generator. Zero values mean the
// defaults stated per field.
type GeneratorOptions struct {
	// Timeout bounds one run. Default 2 minutes.
	Timeout time.Duration
	// MaxRepairs is the loop's repair budget. Default 3.
	MaxRepairs int
	// MaxTokens caps prompt plus completion tokens of one run. Default 60,000.
	MaxTokens int
	// Retry is the transport retry policy; zero means the loop's default.
	Retry ai.RetryPolicy
}

// WriterInput is a generation as data: what a provider that writes without a
// language model (OfflineWriter) reads from every call's Input, so it needs
// no prompt. Taken are the texts the set must differ from: those already
// used where the copy goes and the items kept.
type WriterInput struct {
	Brief  Brief
	Format Format
	Taken  []string
}

// Generator writes validated ad copy from briefs with one provider.
type Generator struct {
	provider ai.Provider
	opts     GeneratorOptions
}

// NewGenerator returns a generator using p (an OpenAI-compatible model, or
// the offline writer).
func NewGenerator(p ai.Provider, opts GeneratorOptions) *Generator {
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Minute
	}
	if opts.MaxTokens <= 0 {
		opts.MaxTokens = 60_000
	}
	return &Generator{provider: p, opts: opts}
}

// Provider names the provider in use ("offline" when no model is set up).
func (g *Generator) Provider() ai.Provider { return g.provider }

// Source is the provenance source of the copy it writes: assets.SourceOffline
// for the offline writer, assets.SourceLLM for a model.
func (g *Generator) Source() string {
	if g.provider.Name() == OfflineName {
		return assets.SourceOffline
	}
	return assets.SourceLLM
}

// spare is the share of extra candidates asked per call. A model rejects
// some items (mostly width); 30 % extra absorbs that without a repair call,
// keeping calls per RSA set below 1.6 on average (TestCallsPerSet).
const spare = 0.3

// Generate writes the wanted items. The error is a user error (*errs.Error
// naming the brief field) for an unusable request, or matches ai.ErrExhausted
// when the loop gave up; the Generation then holds the valid part and the
// report. When the loop gave up and the kept items plus the valid part are
// below the format's minimum, the error also matches ErrBelowMinimum: that
// part must not be stored.
func (g *Generator) Generate(ctx context.Context, req GenerateRequest) (Generation, error) {
	if _, ok := slots[req.Format]; !ok {
		return Generation{}, errs.Field("format", "must be rsa or pmax", req.Format)
	}
	checker, err := req.Brief.checker(req.Format, req.AccountSpellings...)
	if err != nil {
		return Generation{}, err
	}
	want := req.Want
	if want == nil {
		want = FullSet(req.Format)
	}
	want, err = checkWant(req.Format, want, req.Keep)
	if err != nil {
		return Generation{}, err
	}
	version := promptVersions[req.Format]
	if len(req.Examples) > 0 {
		version += examplesVersion
	}
	gen := Generation{Source: g.Source(), Model: g.provider.Model(), PromptVersion: version, attempts: map[string][]int{}, examples: exampleIDs(req.Examples)}
	if req.Format == FormatPMax {
		gen.Set.BusinessName = req.Brief.BusinessName
	}
	if len(want) == 0 {
		gen.Report = ai.Report{Provider: g.provider.Name(), Model: g.provider.Model(), PromptVersion: version, Stop: ai.StopComplete}
		gen.Strength = rate(req.Format, merged(req.Keep, gen.Set), req.Brief)
		return gen, nil
	}

	v := &validator{format: req.Format, lang: req.Brief.Language, checker: checker, keep: req.Keep, existing: map[string]bool{}, total: map[string]int{},
		nearDuplicates: gen.Source == assets.SourceLLM}
	for _, e := range req.Existing {
		v.existing[foldKey(e)] = true
	}
	for _, e := range req.Examples {
		v.existing[foldKey(e.Text)] = true
	}
	var aiSlots []ai.Slot
	for _, w := range want {
		s, _ := slotOf(req.Format, w.Slot)
		aiSlots = append(aiSlots, ai.Slot{Name: s.Name, Count: w.Count, Rule: s.Rule})
		v.total[s.Name] = len(req.Keep.Slot(s.Name)) + w.Count
	}
	taken := takenTexts(req.Keep, req.Existing)
	system, user, err := prompts(req.Format, req.Brief, taken, req.Examples)
	if err != nil {
		return Generation{}, err
	}
	repairSys, repairUser, err := repairPrompts(req.Brief, taken)
	if err != nil {
		return Generation{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, g.opts.Timeout)
	defer cancel()
	res, runErr := ai.Run(ctx, g.provider, ai.Request{
		Name: "ad_copy", System: system, User: user, RepairSystem: repairSys, RepairUser: repairUser, PromptVersion: version,
		Input:  WriterInput{Brief: req.Brief, Format: req.Format, Taken: taken},
		Spec:   ai.Spec{Slots: aiSlots, ValidateItem: v.item, ValidateSet: v.set, Related: related(req.Brief.Keywords), Spare: spare},
		Budget: ai.Budget{MaxRepairs: g.opts.MaxRepairs, MaxTokens: g.opts.MaxTokens, MaxCompletionTokens: 4000},
		Retry:  g.opts.Retry,
		OnEvent: func(e ai.Event) {
			if e.Kind == ai.EventItemAccepted {
				gen.attempts[e.Slot] = append(gen.attempts[e.Slot], e.Attempt)
			}
			if req.OnEvent != nil {
				req.OnEvent(e)
			}
		},
	})
	gen.Report = res.Report
	for _, s := range aiSlots {
		gen.Set.setSlot(s.Name, res.Items[s.Name])
	}
	if runErr != nil && errors.Is(runErr, ai.ErrExhausted) && !errors.Is(runErr, context.Canceled) &&
		gen.keepNearDuplicates(v, aiSlots) && len(v.shortOfMinimum(merged(req.Keep, gen.Set))) == 0 {
		runErr = nil
	}
	gen.Strength = rate(req.Format, merged(req.Keep, gen.Set), req.Brief)
	if runErr != nil {
		err := fmt.Errorf("generate %s copy: %w", req.Format, runErr)
		if short := v.shortOfMinimum(merged(req.Keep, gen.Set)); len(short) > 0 {
			return gen, &BelowMinimumError{Format: req.Format, Short: short, Err: err}
		}
		return gen, err
	}
	return gen, nil
}

// checkWant refuses slots the format does not have and counts that would
// overflow the set, and puts the wants in the format's slot order.
func checkWant(f Format, want []ai.Want, keep TextSet) ([]ai.Want, error) {
	var out []ai.Want
	for _, s := range slots[f] {
		for _, w := range want {
			if w.Slot != s.Name || w.Count == 0 {
				continue
			}
			if w.Count < 0 || len(keep.Slot(s.Name))+w.Count > s.Count {
				return nil, errs.Field("slot", fmt.Sprintf("%s holds at most %d items; %d kept and %d asked for", s.Name, s.Count, len(keep.Slot(s.Name)), w.Count), w.Slot)
			}
			out = append(out, w)
		}
	}
	for _, w := range want {
		if _, ok := slotOf(f, w.Slot); !ok {
			return nil, errs.Field("slot", "is not a slot of this format", w.Slot)
		}
	}
	return out, nil
}

// foldKey is what makes two texts duplicates: equal after normalising and
// case folding (assets.FoldedText). Google refuses exact duplicates and warns
// about ones that differ in case, so the generator treats both as taken.
func foldKey(s string) string { return assets.FoldedText(s) }

// validator judges candidates with the policy engine inside the loop.
type validator struct {
	format   Format
	lang     string
	checker  *policy.Checker
	keep     TextSet
	existing map[string]bool
	total    map[string]int // kept + wanted items per slot
	// nearDuplicates: refuse a text that means the same as one the set
	// already has (strength.Similar), so the model replaces it. Only for a
	// language model: the offline writer has no other phrasing to offer.
	nearDuplicates bool
}

// item checks one candidate on its own: every policy error becomes a problem
// the model is shown in the repair message.
func (v *validator) item(slot string, _ int, value string) []ai.Problem {
	res := v.checker.CheckText(slotField(slot), value)
	var ps []ai.Problem
	for _, vi := range res.Violations {
		if vi.Severity != policy.Error {
			continue
		}
		p := ai.Problem{Code: vi.Code, Message: vi.Message("en")}
		if vi.Code == policy.CodeTooLong {
			p.Width, p.Limit = res.Width, res.Limit
			p.Advice = shortenAdvice(v.lang)
		}
		ps = append(ps, p)
	}
	if strings.ContainsAny(value, "{}") && !slices.ContainsFunc(ps, func(p ai.Problem) bool { return strings.Contains(p.Code, "PLACEHOLDER") }) {
		// Generated copy is plain text: a placeholder needs a person to
		// set up its customizer or keyword list.
		ps = append(ps, ai.Problem{Code: policy.CodePlaceholderNotAllowed, Message: "write plain text without {…} placeholders"})
	}
	if slot == SlotPaths && strings.ContainsAny(value, " \u00a0\u3000") {
		ps = append(ps, ai.Problem{Code: "PATH_SPACE", Message: "a display path is part of a URL and cannot contain spaces; join two words with a hyphen or use one"})
	}
	return ps
}

// shortenAdvice tells the model how to shorten in the brief's language,
// once for every item over its limit (each item's line shows how far over
// it is). German compounds are the usual reason a headline is too long, and
// the fixes a model reaches for first (cutting a word, inventing a
// hyphenation) are wrong, so the advice names the right ones.
func shortenAdvice(lang string) string {
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	switch base {
	case "de":
		return "Shorten without cutting words: shorter synonyms (Reifen for Winterkomplettradsätze), no filler (jetzt, einfach), hyphens only where German spelling allows, no abbreviations"
	case "ja", "zh", "ko":
		return "Shorten: each Japanese, Chinese or Korean character counts 2, so a 30-wide headline holds 15 of them; rephrase more concisely, do not switch to half-width katakana"
	}
	return "Shorten: use a shorter synonym or drop filler words; do not abbreviate or cut a word"
}

// set checks a candidate against the set: duplicates of accepted, kept and
// stored texts, and Performance Max's rule that at least one headline be at
// most 15 and one description at most 60 wide — enforced on the last free
// place so the model keeps its freedom until then.
func (v *validator) set(accepted map[string][]string, slot, value string) []ai.Problem {
	key := foldKey(value)
	if v.existing[key] {
		return []ai.Problem{{Code: policy.CodeDuplicate, Message: "this text is already used in this ad group or asset group; write a different one"}}
	}
	for i, a := range accepted[slot] {
		if foldKey(a) == key {
			return []ai.Problem{{Code: policy.CodeDuplicate, Message: fmt.Sprintf("repeats accepted %s[%d]", slot, i)}}
		}
	}
	for _, k := range v.keep.Slot(slot) {
		if foldKey(k) == key {
			return []ai.Problem{{Code: policy.CodeDuplicate, Message: "repeats a text the set already has"}}
		}
	}
	if p, ok := v.nearDuplicate(accepted, slot, value); ok {
		return []ai.Problem{p}
	}
	if v.format != FormatPMax {
		return nil
	}
	short, code := 0, ""
	switch slot {
	case SlotHeadlines:
		short, code = policy.PerformanceMaxFormat.ShortHeadline, policy.CodeShortHeadlineMissing
	case SlotDescriptions:
		short, code = policy.PerformanceMaxFormat.ShortDescription, policy.CodeShortDescriptionMissing
	default:
		return nil
	}
	have := append(slices.Clone(v.keep.Slot(slot)), accepted[slot]...)
	if len(have) != v.total[slot]-1 || policy.Width(value) <= short {
		return nil
	}
	for _, h := range have {
		if policy.Width(h) <= short {
			return nil
		}
	}
	w := policy.Width(value)
	return []ai.Problem{{Code: code, Width: w, Limit: short, Message: fmt.Sprintf("Performance Max needs at least one of these of at most %d characters and none is yet; write this one that short", short)}}
}

// related tells a repair which kept texts to list: those a rewrite of a
// rejected text, made of its words and the brief's keywords, could repeat
// (strength.CouldRepeat). The set check still compares every answer with
// all kept texts.
func related(keywords []string) func(slot, kept, rejected string) bool {
	return func(_, kept, rejected string) bool {
		return strength.CouldRepeat(kept, append([]string{rejected}, keywords...)...)
	}
}

// CodeNearDuplicate is the repair code of a candidate that says what an
// accepted or kept text of its slot already says.
const CodeNearDuplicate = "NEAR_DUPLICATE"

// nearDuplicate refuses a headline, long headline or description that means
// the same as one the set already has: Google counts it as no new text, and
// it holds the ad strength at Good. The message names the other text by its
// place, not its words, and asks for a different message.
func (v *validator) nearDuplicate(accepted map[string][]string, slot, value string) (ai.Problem, bool) {
	if !v.nearDuplicates || (slot != SlotHeadlines && slot != SlotLongHeadlines && slot != SlotDescriptions) {
		return ai.Problem{}, false
	}
	advice := "write one with a different message (another selling point, the price, delivery, service or trust), not the same words reordered, inflected or swapped for synonyms"
	for _, k := range v.keep.Slot(slot) {
		if strength.Similar(k, value) {
			return ai.Problem{Code: CodeNearDuplicate, Message: "says what a text the set already has says; " + advice}, true
		}
	}
	for i, a := range accepted[slot] {
		if strength.Similar(a, value) {
			return ai.Problem{Code: CodeNearDuplicate, Message: fmt.Sprintf("says what accepted %s[%d] says; %s", slot, i, advice)}, true
		}
	}
	return ai.Problem{}, false
}

// keepNearDuplicates fills the places the model could not fill with distinct
// texts with the near-duplicates it was asked to replace, first rejected
// first: they passed every policy check, and a near-duplicate costs ad
// strength, not validity, so it must never make a run fail. It reports
// whether every slot is now full; the report's missing counts follow.
func (g *Generation) keepNearDuplicates(v *validator, slots []ai.Slot) bool {
	if !v.nearDuplicates {
		return false
	}
	missing := map[string]int{}
	for _, m := range g.Report.Missing {
		missing[m.Slot] = m.Count
	}
	for _, a := range g.Report.Attempts {
		for _, p := range a.Problems {
			slot, _, _ := strings.Cut(p.Path, "[")
			if p.Code != CodeNearDuplicate || missing[slot] == 0 {
				continue
			}
			items := g.Set.Slot(slot)
			if slices.ContainsFunc(items, func(t string) bool { return foldKey(t) == foldKey(p.Value) }) {
				continue
			}
			g.Set.setSlot(slot, append(slices.Clone(items), p.Value))
			g.attempts[slot] = append(g.attempts[slot], a.Number)
			missing[slot]--
		}
	}
	g.Report.Missing = nil
	for _, s := range slots {
		if n := missing[s.Name]; n > 0 {
			g.Report.Missing = append(g.Report.Missing, ai.Want{Slot: s.Name, Count: n})
		}
	}
	if len(g.Report.Missing) > 0 {
		return false
	}
	g.Report.Stop = ai.StopComplete
	return true
}

// rate estimates the Ad Strength of a generated set with the brief's
// keywords, as the API will show it once stored.
func rate(f Format, set TextSet, b Brief) strength.AdStrength {
	ctx := strength.Context{Keywords: b.Keywords, Language: b.Language}
	if f == FormatPMax {
		return strength.RateAssetGroup(policy.AssetGroupText{Headlines: set.Headlines, LongHeadlines: set.LongHeadlines,
			Descriptions: set.Descriptions, BusinessName: set.BusinessName}, ctx)
	}
	return strength.RateRSA(policy.RSA{Headlines: pinless(set.Headlines), Descriptions: pinless(set.Descriptions)}, ctx)
}
