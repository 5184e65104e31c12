package assets

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/ai"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// Brief is what copy is written from. It has the fields and JSON shape of
// campaigns.Brief (that slice converts its own type), so a brief file for
// `imaphub generate` is the same JSON as a campaign's brief.
type Brief struct {
	Product       string   `json:"product,omitempty"`
	Audience      string   `json:"audience,omitempty"`
	SellingPoints []string `json:"selling_points,omitempty"`
	Keywords      []string `json:"keywords,omitempty"`
	LandingPage   string   `json:"landing_page,omitempty"`
	Language      string   `json:"language,omitempty"`
	Tone          string   `json:"tone,omitempty"`
	BrandTerms    []string `json:"brand_terms,omitempty"`
	BannedTerms   []string `json:"banned_terms,omitempty"`
	BusinessName  string   `json:"business_name,omitempty"`
	Notes         string   `json:"notes,omitempty"`
}

// Format is the kind of text set a generation writes.
type Format string

const (
	// FormatRSA is a responsive search ad: 15 headlines, 4 descriptions and
	// the two display paths.
	FormatRSA Format = "rsa"
	// FormatPMax is the text of a Performance Max asset group: 15 headlines,
	// 5 long headlines, 5 descriptions and the brief's business name.
	FormatPMax Format = "pmax"
)

// Slot names: the JSON names the model writes and the API's slot addresses
// ("headlines[3]") use.
const (
	SlotHeadlines     = "headlines"
	SlotLongHeadlines = "long_headlines"
	SlotDescriptions  = "descriptions"
	SlotPaths         = "paths"
)

// slotSpec is one slot of a format: how many items a full set has, the
// policy field its items are checked as, and the rule told to the model.
type slotSpec struct {
	name  string
	count int
	field policy.Field
	rule  string
}

// formatSlots lists each format's slots in the order the model writes them.
// The rules must say "at most N characters": strict decoding cannot enforce
// lengths, so the model only learns them from the words.
var formatSlots = map[Format][]slotSpec{
	FormatRSA: {
		{SlotHeadlines, 15, policy.Headline, "each at most 30 characters, no exclamation mark"},
		{SlotDescriptions, 4, policy.Description, "each at most 90 characters, a complete sentence"},
		{SlotPaths, 2, policy.Path, "each at most 15 characters, one word or two joined by a hyphen, no spaces or slashes"},
	},
	FormatPMax: {
		{SlotHeadlines, 15, policy.Headline, "each at most 30 characters, no exclamation mark; at least one of at most 15 characters"},
		{SlotLongHeadlines, 5, policy.LongHeadline, "each at most 90 characters and at least 30, no exclamation mark"},
		{SlotDescriptions, 5, policy.Description, "each at most 90 characters, a complete sentence; at least one of at most 60 characters"},
	},
}

// promptVersions names the prompt each format is written with; the version
// is stored in every generated asset's provenance. Change it whenever
// systemPrompt or userPrompt change what the model is told.
var promptVersions = map[Format]string{FormatRSA: "rsa/v1", FormatPMax: "pmax/v1"}

// languageTag is a BCP 47 tag; unlike an asset's language, a brief's may not
// be empty, because it decides what language the copy is in.
var languageTag = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)

// ParseFormat accepts "rsa" and "pmax".
func ParseFormat(s string) (Format, error) {
	f := Format(s)
	if _, ok := formatSlots[f]; !ok {
		return "", fmt.Errorf("format %q: want rsa or pmax", s)
	}
	return f, nil
}

// FullSet is how many items of each slot a complete set of format f holds.
func FullSet(f Format) []ai.Want {
	var out []ai.Want
	for _, s := range formatSlots[f] {
		out = append(out, ai.Want{Slot: s.name, Count: s.count})
	}
	return out
}

// SlotField is the asset field type ("HEADLINE", …) of a slot's items.
func SlotField(slot string) string {
	for _, slots := range formatSlots {
		for _, s := range slots {
			if s.name == slot {
				return string(s.field)
			}
		}
	}
	return ""
}

// TextSet is generated copy. On a generation's result it holds only the new
// items; Keep in a request holds the items that stay.
type TextSet struct {
	Headlines     []string `json:"headlines"`
	LongHeadlines []string `json:"long_headlines,omitempty"`
	Descriptions  []string `json:"descriptions"`
	Paths         []string `json:"paths,omitempty"`
	BusinessName  string   `json:"business_name,omitempty"`
}

// Slot returns the items of one slot.
func (t TextSet) Slot(name string) []string {
	switch name {
	case SlotHeadlines:
		return t.Headlines
	case SlotLongHeadlines:
		return t.LongHeadlines
	case SlotDescriptions:
		return t.Descriptions
	case SlotPaths:
		return t.Paths
	}
	return nil
}

func (t *TextSet) setSlot(name string, items []string) {
	switch name {
	case SlotHeadlines:
		t.Headlines = items
	case SlotLongHeadlines:
		t.LongHeadlines = items
	case SlotDescriptions:
		t.Descriptions = items
	case SlotPaths:
		t.Paths = items
	}
}

// GenerateRequest is one generation.
type GenerateRequest struct {
	Brief  Brief
	Format Format
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
	Report   ai.Report
}

// Provenance is what is stored with the item i of slot: who wrote it, with
// which prompt, and in which attempt it passed ("valid" on the first call,
// "repaired" after a repair).
func (g Generation) Provenance(slot string, i int) Provenance {
	p := Provenance{Source: g.Source, Model: g.Model, PromptVersion: g.PromptVersion, Verdict: "valid"}
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

// Generator writes validated ad copy from briefs with one provider.
type Generator struct {
	provider ai.Provider
	opts     GeneratorOptions
}

// NewGenerator returns a generator using p (an OpenAI-compatible model, or
// the offline provider).
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
	slots, ok := formatSlots[req.Format]
	if !ok {
		return Generation{}, errs.Field("format", "must be rsa or pmax", req.Format)
	}
	checker, err := req.Brief.checker(req.Format)
	if err != nil {
		return Generation{}, err
	}
	want := req.Want
	if want == nil {
		want = FullSet(req.Format)
	}
	want, err = checkWant(slots, want, req.Keep)
	if err != nil {
		return Generation{}, err
	}
	version := promptVersions[req.Format]
	gen := Generation{Source: SourceLLM, Model: g.provider.Model(), PromptVersion: version, attempts: map[string][]int{}}
	if g.provider.Name() == OfflineName {
		gen.Source = SourceOffline
	}
	if req.Format == FormatPMax {
		gen.Set.BusinessName = req.Brief.BusinessName
	}
	if len(want) == 0 {
		gen.Report = ai.Report{Provider: g.provider.Name(), Model: g.provider.Model(), PromptVersion: version, Stop: ai.StopComplete}
		return gen, nil
	}

	v := &validator{format: req.Format, lang: req.Brief.Language, checker: checker, keep: req.Keep, existing: map[string]bool{}, total: map[string]int{}}
	for _, e := range req.Existing {
		v.existing[foldKey(e)] = true
	}
	var aiSlots []ai.Slot
	for _, w := range want {
		s := slotOf(slots, w.Slot)
		aiSlots = append(aiSlots, ai.Slot{Name: s.name, Count: w.Count, Rule: s.rule})
		v.total[s.name] = len(req.Keep.Slot(s.name)) + w.Count
	}
	system, user, err := prompts(req.Format, req.Brief, req.Keep, req.Existing)
	if err != nil {
		return Generation{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, g.opts.Timeout)
	defer cancel()
	lr := loopRequest{
		system: system, user: user, version: version,
		spec:   ai.Spec{Slots: aiSlots, ValidateItem: v.item, ValidateSet: v.set, Spare: spare},
		budget: ai.Budget{MaxRepairs: g.opts.MaxRepairs, MaxTokens: g.opts.MaxTokens, MaxCompletionTokens: 4000},
		retry:  g.opts.Retry,
		onEvent: func(e ai.Event) {
			if e.Kind == ai.EventItemAccepted {
				gen.attempts[e.Slot] = append(gen.attempts[e.Slot], e.Attempt)
			}
			if req.OnEvent != nil {
				req.OnEvent(e)
			}
		},
	}
	run, ok := runners[slotKey(aiSlots)]
	if !ok {
		return Generation{}, fmt.Errorf("generate %s: no target type for slots %s", req.Format, slotKey(aiSlots))
	}
	items, report, runErr := run(ctx, g.provider, lr)
	gen.Report = report
	for _, s := range aiSlots {
		gen.Set.setSlot(s.Name, items[s.Name])
	}
	if runErr != nil {
		err := fmt.Errorf("generate %s copy: %w", req.Format, runErr)
		if short := v.shortOfMinimum(merged(req.Keep, gen.Set)); len(short) > 0 {
			return gen, &BelowMinimumError{Format: req.Format, Short: short, Err: err}
		}
		return gen, err
	}
	return gen, nil
}

func slotOf(slots []slotSpec, name string) slotSpec {
	for _, s := range slots {
		if s.name == name {
			return s
		}
	}
	return slotSpec{}
}

// checkWant refuses slots the format does not have and counts that would
// overflow the set, and puts the wants in the format's slot order.
func checkWant(slots []slotSpec, want []ai.Want, keep TextSet) ([]ai.Want, error) {
	var out []ai.Want
	for _, s := range slots {
		for _, w := range want {
			if w.Slot != s.name || w.Count == 0 {
				continue
			}
			if w.Count < 0 || len(keep.Slot(s.name))+w.Count > s.count {
				return nil, errs.Field("slot", fmt.Sprintf("%s holds at most %d items; %d kept and %d asked for", s.name, s.count, len(keep.Slot(s.name)), w.Count), w.Slot)
			}
			out = append(out, w)
		}
	}
	for _, w := range want {
		if !slices.ContainsFunc(slots, func(s slotSpec) bool { return s.name == w.Slot }) {
			return nil, errs.Field("slot", "is not a slot of this format", w.Slot)
		}
	}
	return out, nil
}

// Check says whether the brief can be written from for format f; the error
// names the brief field.
func (b Brief) Check(f Format) error {
	_, err := b.checker(f)
	return err
}

func (b Brief) checker(f Format) (*policy.Checker, error) {
	if strings.TrimSpace(b.Product) == "" {
		return nil, errs.Field("brief.product", "must say what is advertised", b.Product)
	}
	if !languageTag.MatchString(b.Language) {
		return nil, errs.Field("brief.language", "must be a BCP 47 language tag such as de, en or ja", b.Language)
	}
	if len(b.BannedTerms) > policy.MaxBannedTerms {
		return nil, errs.Field("brief.banned_terms", fmt.Sprintf("has %d terms; Google Ads allows at most %d", len(b.BannedTerms), policy.MaxBannedTerms), len(b.BannedTerms))
	}
	for i, t := range b.BannedTerms {
		if strings.TrimSpace(t) == "" {
			return nil, errs.Field(fmt.Sprintf("brief.banned_terms[%d]", i), "must not be blank", t)
		}
	}
	c, err := policy.NewChecker(policy.Options{Language: b.Language, Allow: b.BrandTerms, Banned: b.BannedTerms, BusinessName: b.BusinessName, Keywords: b.Keywords})
	if err != nil {
		return nil, errs.Field("brief", err.Error(), nil)
	}
	if f == FormatPMax {
		if b.BusinessName == "" {
			return nil, errs.Field("brief.business_name", "is required for Performance Max: the asset group needs the verified business name", "")
		}
		if r := c.CheckText(policy.BusinessName, b.BusinessName); !r.Valid {
			return nil, errs.Field("brief.business_name", r.Violations[0].Message("en"), b.BusinessName)
		}
	}
	return c, nil
}

// foldKey is what makes two texts duplicates: equal after NormalizeText and
// case folding. Google refuses exact duplicates and warns about ones that
// differ in case, so the generator treats both as taken.
func foldKey(s string) string { return searchFold(NormalizeText(s)) }

// validator judges candidates with the policy engine inside the loop.
type validator struct {
	format   Format
	lang     string
	checker  *policy.Checker
	keep     TextSet
	existing map[string]bool
	total    map[string]int // kept + wanted items per slot
}

// item checks one candidate on its own: every policy error becomes a problem
// the model is shown in the repair message.
func (v *validator) item(slot string, _ int, value string) []ai.Problem {
	field := policy.Field(SlotField(slot))
	res := v.checker.CheckText(field, value)
	var ps []ai.Problem
	for _, vi := range res.Violations {
		if vi.Severity != policy.Error {
			continue
		}
		p := ai.Problem{Code: vi.Code, Message: vi.Message("en")}
		if vi.Code == policy.CodeTooLong {
			p.Width, p.Limit = res.Width, res.Limit
			p.Message = shortenAdvice(v.lang, res.Width-res.Limit)
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

// shortenAdvice tells the model how to shorten in the brief's language.
// German compounds are the usual reason a headline is too long, and the
// fixes a model reaches for first (cutting a word, inventing a hyphenation)
// are wrong, so the message names the right ones.
func shortenAdvice(lang string, over int) string {
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	switch base {
	case "de":
		return fmt.Sprintf("Shorten by at least %d characters without cutting a word: use a shorter synonym (Reifen instead of Winterkomplettradsätze), drop filler words (jetzt, einfach, ganz, wirklich, noch, direkt), or split a compound with a hyphen only where German spelling allows it (Winterreifen-Angebot); write a new text, not an abbreviation", over)
	case "ja", "zh", "ko":
		return fmt.Sprintf("Shorten by at least %d width: each Japanese, Chinese or Korean character counts 2, so a 30-wide headline holds 15 of them; rephrase more concisely, do not switch to half-width katakana", over)
	}
	return fmt.Sprintf("Shorten by at least %d characters: use a shorter synonym or drop filler words; do not abbreviate or cut a word", over)
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

// Rejected is a candidate the validators refused, for the report.
type Rejected struct {
	Attempt int    `json:"attempt"`
	Path    string `json:"path" doc:"Slot and index in the model's answer, e.g. headlines[3]"`
	Text    string `json:"text"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// MissingItems is a slot still short when a run ended.
type MissingItems struct {
	Slot  string `json:"slot"`
	Count int    `json:"count"`
}

// GenerationReport is the report of a run as the API and the CLI show it.
type GenerationReport struct {
	Provider         string   `json:"provider" doc:"openai, or offline when no language model is configured"`
	Model            string   `json:"model"`
	PromptVersion    string   `json:"prompt_version"`
	Stop             string   `json:"stop" doc:"complete, or why the loop gave up"`
	Complete         bool     `json:"complete"`
	Calls            int      `json:"calls"`
	Repairs          int      `json:"repairs"`
	TransportRetries int      `json:"transport_retries"`
	PromptTokens     int      `json:"prompt_tokens"`
	CompletionTokens int      `json:"completion_tokens"`
	CostUSD          *float64 `json:"cost_usd,omitempty" doc:"Absent unless every call reported its cost"`
	DurationMS       int64    `json:"duration_ms"`
	// Rejected is never null so clients can iterate without a check.
	Rejected []Rejected     `json:"rejected" nullable:"false"`
	Missing  []MissingItems `json:"missing,omitempty"`
	// BelowMinimum is set when the run stopped early and the set would be
	// below the minimum Google accepts; such a set is not stored.
	BelowMinimum  []Shortfall `json:"below_minimum,omitempty" doc:"What the set lacked to the minimum Google accepts (RSA: 3 headlines, 2 descriptions); such a set is not stored"`
	ProviderError string      `json:"provider_error,omitempty" doc:"The model provider's own error for the call that failed, e.g. HTTP 400 with its message"`
	Error         string      `json:"error,omitempty" doc:"Why the run failed, when it did"`
}

// ReportOf summarises a loop report for people; runErr is the generation's
// error, if any.
func ReportOf(r ai.Report, runErr error) GenerationReport {
	out := GenerationReport{
		Provider: r.Provider, Model: r.Model, PromptVersion: r.PromptVersion, Stop: string(r.Stop),
		Complete: r.Stop == ai.StopComplete, Calls: len(r.Attempts), Repairs: r.Repairs,
		PromptTokens: r.Usage.PromptTokens, CompletionTokens: r.Usage.CompletionTokens,
		DurationMS: r.Duration.Milliseconds(), Rejected: []Rejected{},
	}
	if r.Usage.CostReported {
		c := r.Usage.CostUSD
		out.CostUSD = &c
	}
	for _, a := range r.Attempts {
		out.TransportRetries += a.Retries
		if a.Error != "" {
			out.ProviderError = a.Error
		}
		for _, p := range a.Problems {
			out.Rejected = append(out.Rejected, Rejected{Attempt: a.Number, Path: p.Path, Text: p.Value, Code: p.Code, Message: p.Message})
		}
	}
	for _, m := range r.Missing {
		out.Missing = append(out.Missing, MissingItems{Slot: m.Slot, Count: m.Count})
	}
	var below *BelowMinimumError
	if errors.As(runErr, &below) {
		out.BelowMinimum = below.Short
	}
	if runErr != nil {
		out.Error = runErr.Error()
	}
	return out
}

// loopRequest is a run's input independent of the target type.
type loopRequest struct {
	system, user, version string
	spec                  ai.Spec
	budget                ai.Budget
	retry                 ai.RetryPolicy
	onEvent               func(ai.Event)
}

type runner func(context.Context, ai.Provider, loopRequest) (map[string][]string, ai.Report, error)

// runAs runs the loop for target T and returns its items by slot. The loop
// needs a Go type whose fields are exactly the slots asked for, so each
// combination of slots a generation can ask for has one (generate_slots.go).
func runAs[T any](ctx context.Context, p ai.Provider, r loopRequest) (map[string][]string, ai.Report, error) {
	res, err := ai.Run(ctx, p, ai.Request[T]{
		Name: "ad_copy", System: r.system, User: r.user, Spec: r.spec,
		PromptVersion: r.version, Budget: r.budget, Retry: r.retry, OnEvent: r.onEvent,
	})
	items := map[string][]string{}
	raw, mErr := json.Marshal(res.Value)
	if mErr == nil {
		mErr = json.Unmarshal(raw, &items)
	}
	return items, res.Report, errors.Join(err, mErr)
}

func slotKey(slots []ai.Slot) string {
	names := make([]string, len(slots))
	for i, s := range slots {
		names[i] = s.Name
	}
	return strings.Join(names, ",")
}
