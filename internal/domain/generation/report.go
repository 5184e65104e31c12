package generation

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/domain/policy/strength"
	"github.com/imaphub/imaphub/internal/platform/ai"
)

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
	BelowMinimum  []Shortfall `json:"below_minimum,omitempty"` // doc: TransformSchema
	ProviderError string      `json:"provider_error,omitempty" doc:"The model provider's own error for the call that failed, e.g. HTTP 400 with its message"`
	Error         string      `json:"error,omitempty" doc:"Why the run failed, when it did"`
	// AdStrength is the estimate for the ad or asset group as stored after
	// the run, with its ad group's keywords.
	AdStrength *strength.AdStrength `json:"ad_strength,omitempty" doc:"Estimated Ad Strength of the ad or asset group as stored after the run; absent when nothing was stored"`
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

// Summary says in one line why a run fell short, for problem documents, job
// events, logs and the CLI: what the set lacks to the minimum, the
// provider's error or why the loop stopped, and the rejected candidates'
// reasons counted by rule.
func (r GenerationReport) Summary() string {
	var parts []string
	if len(r.BelowMinimum) > 0 {
		parts = append(parts, "below the minimum set: needs "+joinShort(r.BelowMinimum))
	}
	if len(r.Missing) > 0 && len(r.BelowMinimum) == 0 {
		missing := make([]string, len(r.Missing))
		for i, m := range r.Missing {
			missing[i] = fmt.Sprintf("%d %s", m.Count, m.Slot)
		}
		parts = append(parts, "short of a full set by "+strings.Join(missing, ", "))
	}
	switch {
	case r.ProviderError != "":
		parts = append(parts, r.ProviderError)
	case !r.Complete && r.Provider == OfflineName:
		// The offline writer wrote every text the brief's facts support; it
		// invents nothing to fill the set.
		parts = append(parts, "the offline writer wrote every text the brief supports; a language model (IMAPHUB_LLM_MODEL) or more selling points and keywords in the brief give more")
	case !r.Complete:
		parts = append(parts, "the model stopped at "+r.Stop)
	}
	if len(r.Rejected) > 0 {
		count := map[string]int{}
		var codes []string
		for _, c := range r.Rejected {
			if count[c.Code] == 0 {
				codes = append(codes, c.Code)
			}
			count[c.Code]++
		}
		slices.SortStableFunc(codes, func(a, b string) int { return count[b] - count[a] })
		reasons := make([]string, len(codes))
		for i, c := range codes {
			reasons[i] = fmt.Sprintf("%s ×%d", c, count[c])
		}
		parts = append(parts, fmt.Sprintf("%d candidates rejected: %s", len(r.Rejected), strings.Join(reasons, ", ")))
	}
	return strings.Join(parts, "; ")
}

// TransformSchema describes below_minimum with the policy's minimum.
func (GenerationReport) TransformSchema(_ huma.Registry, s *huma.Schema) *huma.Schema {
	s.Properties["below_minimum"].Description = fmt.Sprintf("What the set lacked to the minimum Google accepts (RSA: %d headlines, %d descriptions); such a set is not stored",
		policy.RSAFormat.Min(policy.Headline), policy.RSAFormat.Min(policy.Description))
	return s
}
