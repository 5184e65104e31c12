package quality

import (
	"fmt"
	"slices"
	"strings"

	"github.com/imaphub/imaphub/internal/domain/generation"
	"github.com/imaphub/imaphub/internal/domain/policy/strength"
)

// Totals sums the measurements of a group of sets.
type Totals struct {
	Sets, Usable, Texts, Invalid, Cuts, Invented, RepeatedClosings int
	NearDuplicates, Pairs, KeywordsCovered, Keywords               int
	Ratings                                                        map[strength.Rating]int
}

// Sum adds up results.
func Sum(rs []SetResult) Totals {
	t := Totals{Ratings: map[strength.Rating]int{}}
	for _, r := range rs {
		t.Sets++
		if r.Usable {
			t.Usable++
		}
		t.Texts += r.Texts
		t.Invalid += len(r.Invalid)
		t.Cuts += len(r.Cuts)
		t.Invented += len(r.Invented)
		t.RepeatedClosings += len(r.RepeatedClosings)
		t.NearDuplicates += r.NearDuplicates
		t.Pairs += r.Pairs
		t.KeywordsCovered += r.KeywordsCovered
		t.Keywords += r.Keywords
		t.Ratings[r.Rating]++
	}
	return t
}

func pct(n, of int) string {
	if of == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f %%", 100*float64(n)/float64(of))
}

func (t Totals) distribution() string {
	var parts []string
	for _, r := range strength.Ratings {
		if n := t.Ratings[r]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", strings.ToLower(string(r)), n))
		}
	}
	return strings.Join(parts, ", ")
}

// Markdown writes the benchmark report: totals per writer and format, then
// every set, then every defect found.
func Markdown(results []SetResult, briefs string) string {
	var b strings.Builder
	b.WriteString("# Copy quality benchmark\n\n")
	b.WriteString("Written by `make quality` (`go run ./cmd/quality`); do not edit by hand. Every brief in `" + briefs + "` is written as a responsive search ad and as a Performance Max asset group by the offline writer (the provider used without a language model) and by a scripted model (a deterministic stand-in behind a real OpenAI-protocol server, so the model path — prompt, transport, validation loop, repairs — is measured; it is not a language model's writing). The numbers are deterministic.\n\n")
	b.WriteString("- **valid**: share of kept texts the policy engine accepts (must be 100 %).\n")
	b.WriteString("- **usable**: sets holding at least Google's minimum (RSA 3 headlines, 2 descriptions; Performance Max 3 headlines, 1 long headline, 2 descriptions, one short of each).\n")
	b.WriteString("- **cut mid-phrase**: texts that start a selling point without holding it (or one of its listed items) whole, or end on a word that ends no phrase (must be 0).\n")
	b.WriteString("- **invented**: texts with a word that is neither in the brief's facts (product, selling points, keywords, business name, brand terms) nor among the writer's calls to action and connectors (German and English).\n")
	b.WriteString("- **repeated closing**: descriptions of one set ending in the same sentence.\n")
	b.WriteString("- **near-duplicates**: pairs of texts of one field that the Ad Strength estimator counts as near-duplicates (`strength.Similar`), of all pairs.\n")
	b.WriteString("- **keyword coverage**: keywords found in at least one headline (`strength.KeywordIn`: inflections and compounds count).\n")
	b.WriteString("- **ad strength**: the estimator's rating (`internal/domain/policy/strength`); asset groups are rated as if they had the recommended images and a video, so the rating is the text's.\n\n")

	b.WriteString("## Summary\n\n")
	b.WriteString("| writer | format | sets | usable | texts | valid | cut mid-phrase | invented | repeated closing | near-duplicates | keyword coverage | ad strength |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	var writers []string
	for _, r := range results {
		if !slices.Contains(writers, r.Writer) {
			writers = append(writers, r.Writer)
		}
	}
	for _, w := range writers {
		for _, f := range []generation.Format{generation.FormatRSA, generation.FormatPMax} {
			var group []SetResult
			for _, r := range results {
				if r.Writer == w && r.Format == f {
					group = append(group, r)
				}
			}
			t := Sum(group)
			fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %s | %d | %d | %d | %s | %s | %s |\n", w, f, t.Sets, t.Usable, t.Texts,
				pct(t.Texts-t.Invalid, t.Texts), t.Cuts, t.Invented, t.RepeatedClosings, pct(t.NearDuplicates, t.Pairs), pct(t.KeywordsCovered, t.Keywords), t.distribution())
		}
	}

	b.WriteString("\n## Sets\n\n")
	b.WriteString("| brief | language | writer | format | headlines | long headlines | descriptions | missing | ad strength | score | keyword coverage |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range results {
		var missing []string
		for _, m := range r.Missing {
			missing = append(missing, fmt.Sprintf("%d %s", m.Count, m.Slot))
		}
		long := "–"
		if r.Format == generation.FormatPMax {
			long = fmt.Sprint(len(r.Set.LongHeadlines))
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %d | %s | %d | %s | %s | %d | %d/%d |\n", r.Case, r.Lang, r.Writer, r.Format, len(r.Set.Headlines), long,
			len(r.Set.Descriptions), strings.Join(missing, ", "), strings.ToLower(string(r.Rating)), r.Score, r.KeywordsCovered, r.Keywords)
	}

	b.WriteString("\n## Defects\n\n")
	any := false
	for _, r := range results {
		var lines []string
		if r.Error != "" {
			lines = append(lines, "not usable: "+r.Error)
		}
		for _, group := range []struct {
			name  string
			items []string
		}{{"invalid", r.Invalid}, {"cut", r.Cuts}, {"invented", r.Invented}, {"repeated closing", r.RepeatedClosings}} {
			for _, it := range group.items {
				lines = append(lines, group.name+": "+it)
			}
		}
		if len(lines) == 0 {
			continue
		}
		any = true
		fmt.Fprintf(&b, "- %s, %s, %s:\n", r.Case, r.Writer, r.Format)
		for _, l := range lines {
			fmt.Fprintf(&b, "  - %s\n", strings.ReplaceAll(l, "|", "\\|"))
		}
	}
	if !any {
		b.WriteString("None.\n")
	}
	return b.String()
}
