package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/domain/generation"
	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/ai"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// generateStdin is where `generate --brief -` reads; a variable so tests can
// feed it.
var generateStdin io.Reader = os.Stdin

// generateHelp is the usage text; the counts are the formats' (generation
// slots, policy minimums).
var generateHelp = func() string {
	count := func(f generation.Format) []any {
		var out []any
		for _, s := range generation.Slots(f) {
			out = append(out, s.Count)
		}
		return out
	}
	rsa, pmax := policy.RSAFormat, policy.PerformanceMaxFormat
	args := append(count(generation.FormatRSA), count(generation.FormatPMax)...)
	args = append(args, rsa.Min(policy.Headline), rsa.Min(policy.Description),
		pmax.Min(policy.Headline), pmax.ShortHeadline, pmax.Min(policy.LongHeadline), pmax.Min(policy.Description), pmax.ShortDescription)
	return fmt.Sprintf(`Usage: imaphub generate --brief FILE --format rsa|pmax [--json]

Writes a validated text set from a brief and prints it with a report (calls,
tokens, cost, rejected candidates with their reasons):

  rsa   responsive search ad: %d headlines, %d descriptions, %d display paths
  pmax  Performance Max asset group: %d headlines, %d long headlines,
        %d descriptions and the brief's business name

FILE (or - for standard input) is a JSON object in the shape of a campaign's
brief; unknown fields are refused:

  {"product": "Winterreifen", "audience": "Autofahrer in Bayern",
   "selling_points": ["Kostenlose Montage"], "keywords": ["winterreifen kaufen"],
   "landing_page": "https://example.de/winter", "language": "de",
   "tone": "sachlich", "brand_terms": ["Reifen Müller"], "banned_terms": ["billig"],
   "business_name": "Reifen Müller", "notes": "…"}

product and language are required; business_name is required for pmax.

The copy is written by the language model configured with IMAPHUB_LLM_BASE_URL,
IMAPHUB_LLM_API_KEY and IMAPHUB_LLM_MODEL; without them, by the offline
provider, which composes copy from the brief without a network (the output
says so). No database is opened, so candidates are not checked against the
assets already stored; the API's generate operations do that.

Exit status: 0 the set holds at least the minimum Google accepts (%d headlines
and %d descriptions for rsa, display paths not counted; %d headlines, one of at
most %d characters, %d long headline and %d descriptions, one of at most %d, for
pmax) — when it is short of a full set, a warning on standard error says what
is missing (the offline writer writes only what the brief's facts support); 1
generation failed or its valid part is below that minimum (the valid part and
the report are printed); 2 unusable input (the message names the field).

IMAPHUB_LLM_CALL_TIMEOUT (default 60s) bounds each model call; the whole run
is bounded at 2 minutes.

Flags:`, args...)
}()

// runGenerate is `imaphub generate`.
func runGenerate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	briefPath := fs.String("brief", "", "brief JSON file, or - for standard input (required)")
	formatName := fs.String("format", "", "rsa or pmax (required)")
	asJSON := fs.Bool("json", false, `print one JSON object {"format", "set", "report"} instead of text`)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), generateHelp)
		fs.PrintDefaults()
	}
	if ok, code := flags(fs, args, stderr); !ok {
		return code
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "imaphub generate: "+format+"\n", a...)
		return 2
	}
	if *briefPath == "" {
		return fail("--brief is required: a brief JSON file, or - for standard input")
	}
	format, err := generation.ParseFormat(*formatName)
	if err != nil {
		return fail("--format: %v", err)
	}
	brief, err := readBrief(*briefPath)
	if err != nil {
		return fail("%v", err)
	}
	if err := brief.Check(format); err != nil {
		return fail("%s", briefError(*briefPath, err))
	}
	vals, err := readGroup(groupLLM, os.LookupEnv, os.ReadFile)
	if err != nil {
		return fail("%v", err)
	}
	cfg, err := ai.ConfigFrom(vals.getenv)
	if err != nil {
		return fail("%v", err)
	}
	provider := ai.Select(cfg, generation.NewOfflineWriter())
	if provider.Name() == generation.OfflineName {
		fmt.Fprintln(stderr, "imaphub generate: no language model configured (IMAPHUB_LLM_MODEL is unset); the offline provider composes the copy from the brief")
	}

	gen, genErr := generation.NewGenerator(provider, generation.GeneratorOptions{}).Generate(ctx, generation.GenerateRequest{Brief: brief, Format: format})
	if e := errs.As(genErr); e != nil {
		return fail("%s", briefError(*briefPath, e))
	}
	report := generation.ReportOf(gen.Report, genErr)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(struct {
			Format generation.Format           `json:"format"`
			Set    generation.TextSet          `json:"set"`
			Report generation.GenerationReport `json:"report"`
		}{format, gen.Set, report}); err != nil {
			fmt.Fprintln(stderr, "imaphub generate:", err)
			return 1
		}
	} else {
		printSet(stdout, format, gen.Set)
		printReport(stdout, report)
	}
	if errors.Is(genErr, generation.ErrBelowMinimum) {
		fmt.Fprintln(stderr, "imaphub generate: failed: the valid copy is below the minimum set Google accepts, so it is not usable as an ad or asset group:", report.Summary())
		return 1
	}
	if errors.Is(genErr, ai.ErrExhausted) {
		// At least the minimum set: a usable ad or asset group, short of a
		// full one. That is a result, not a failure.
		fmt.Fprintln(stderr, "imaphub generate: warning: the set is usable but not full:", report.Summary())
		return 0
	}
	if genErr != nil {
		fmt.Fprintln(stderr, "imaphub generate: failed:", report.Summary())
		return 1
	}
	return 0
}

// readBrief decodes a brief strictly: an unknown or mistyped field is named,
// because a typo ("selling_point") would otherwise silently write copy
// without it.
func readBrief(path string) (generation.Brief, error) {
	var raw []byte
	var err error
	if path == "-" {
		raw, err = io.ReadAll(generateStdin)
	} else {
		raw, err = os.ReadFile(path)
	}
	if err != nil {
		return generation.Brief{}, fmt.Errorf("--brief: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var b campaigns.Brief
	if err := dec.Decode(&b); err != nil {
		var te *json.UnmarshalTypeError
		var se *json.SyntaxError
		switch {
		case errors.As(err, &te):
			return generation.Brief{}, fmt.Errorf("%s: %s: must be %s, not a JSON %s", path, te.Field, jsonKind(te.Type.String()), te.Value)
		case errors.As(err, &se):
			return generation.Brief{}, fmt.Errorf("%s: not JSON at byte %d: %v", path, se.Offset, se)
		case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
			return generation.Brief{}, fmt.Errorf("%s: not JSON: the brief object is incomplete or empty", path)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return generation.Brief{}, fmt.Errorf("%s: %s is not a brief field", path, strings.TrimPrefix(err.Error(), "json: unknown field "))
		}
		return generation.Brief{}, fmt.Errorf("%s: %w", path, err)
	}
	if dec.More() {
		return generation.Brief{}, fmt.Errorf("%s: more than one JSON value; give one brief object", path)
	}
	return generation.Brief(b), nil
}

func jsonKind(goType string) string {
	switch goType {
	case "string":
		return "a string"
	case "[]string":
		return "a list of strings"
	}
	return goType
}

// briefError names the field of a brief the generator refused.
func briefError(path string, err error) string {
	if e := errs.As(err); e != nil && len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s: %s", path, strings.TrimPrefix(e.Fields[0].Location, "brief."), e.Fields[0].Message)
	}
	return fmt.Sprintf("%s: %v", path, err)
}

func printSet(w io.Writer, f generation.Format, set generation.TextSet) {
	title := "Responsive search ad"
	if f == generation.FormatPMax {
		title = "Performance Max text"
	}
	fmt.Fprintln(w, title)
	fmt.Fprintln(w)
	for _, slot := range generation.Slots(f) {
		items := set.Slot(slot.Name)
		fmt.Fprintf(w, "%s (%d of %d)\n", slot.Title, len(items), slot.Count)
		for i, t := range items {
			fmt.Fprintf(w, "  %2d  %s  [%d/%d]\n", i+1, t, policy.Width(t), slot.Limit())
		}
		fmt.Fprintln(w)
	}
	if f == generation.FormatPMax {
		fmt.Fprintf(w, "Business name: %s\n\n", set.BusinessName)
	}
}

func printReport(w io.Writer, r generation.GenerationReport) {
	provider := r.Provider
	if r.Provider == generation.OfflineName {
		provider += " (no language model configured)"
	}
	cost := "not reported"
	if r.CostUSD != nil {
		cost = fmt.Sprintf("$%.4f", *r.CostUSD)
	}
	fmt.Fprintln(w, "Report")
	fmt.Fprintf(w, "  provider   %s, model %s, prompt %s\n", provider, r.Model, r.PromptVersion)
	fmt.Fprintf(w, "  result     %s\n", r.Stop)
	fmt.Fprintf(w, "  calls      %d (%d repairs, %d transport retries)\n", r.Calls, r.Repairs, r.TransportRetries)
	fmt.Fprintf(w, "  tokens     %d prompt + %d completion\n", r.PromptTokens, r.CompletionTokens)
	fmt.Fprintf(w, "  cost       %s\n", cost)
	fmt.Fprintf(w, "  duration   %d ms\n", r.DurationMS)
	for _, m := range r.Missing {
		fmt.Fprintf(w, "  missing    %d %s\n", m.Count, m.Slot)
	}
	fmt.Fprintf(w, "  rejected   %d candidates\n", len(r.Rejected))
	for _, c := range r.Rejected {
		text := ""
		if c.Text != "" {
			text = fmt.Sprintf(" %q", c.Text)
		}
		fmt.Fprintf(w, "    call %d %s%s: %s — %s\n", c.Attempt, c.Path, text, c.Code, c.Message)
	}
}
