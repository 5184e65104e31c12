package quality

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/imaphub/imaphub/internal/domain/generation"
	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/domain/policy/strength"
	"github.com/imaphub/imaphub/internal/platform/ai"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// Case is one brief of the benchmark, named after its file.
type Case struct {
	Name  string
	Brief generation.Brief
}

// LoadCases reads every *.json brief in dir, in name order. A brief is the
// JSON of `imaphub generate --brief`; unknown fields are refused.
func LoadCases(dir string) ([]Case, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no *.json briefs in %s", dir)
	}
	slices.Sort(files)
	var out []Case
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		var b generation.Brief
		if err := dec.Decode(&b); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		out = append(out, Case{Name: strings.TrimSuffix(filepath.Base(f), ".json"), Brief: b})
	}
	return out, nil
}

// Writer is one way of writing copy under test.
type Writer struct {
	Name string
	// Generator writes for a case; a scripted model is set up per brief.
	Generator func(Case) (*generation.Generator, func(), error)
	// Phrases are the words the writer may add to the brief's (calls to
	// action, connectors).
	Phrases func(lang string) []string
}

// Offline is the offline writer.
func Offline() Writer {
	return Writer{
		Name: "offline writer",
		Generator: func(Case) (*generation.Generator, func(), error) {
			return generation.NewGenerator(generation.NewOfflineWriter(), generation.GeneratorOptions{}), func() {}, nil
		},
		Phrases: generation.OfflinePhrases,
	}
}

// SetResult is one generated set and what was measured on it.
type SetResult struct {
	Case   string
	Lang   string
	Format generation.Format
	Writer string
	Set    generation.TextSet
	// Usable: the set holds at least Google's minimum.
	Usable  bool
	Error   string
	Missing []generation.MissingItems
	Texts   int
	// Invalid, Cuts, Invented and RepeatedClosings describe defects, one
	// line each ("headlines[2] "…": reason").
	Invalid          []string
	Cuts             []string
	Invented         []string
	RepeatedClosings []string
	Rating           strength.Rating
	Score            int
	NearDuplicates   int // pairs of texts of one field that are near-duplicates
	Pairs            int
	KeywordsCovered  int // keywords found in at least one headline
	Keywords         int
}

// Run generates every case in both formats with w and measures the sets.
func Run(ctx context.Context, w Writer, cases []Case) ([]SetResult, error) {
	var out []SetResult
	for _, c := range cases {
		for _, f := range []generation.Format{generation.FormatRSA, generation.FormatPMax} {
			g, done, err := w.Generator(c)
			if err != nil {
				return nil, err
			}
			gen, genErr := g.Generate(ctx, generation.GenerateRequest{Brief: c.Brief, Format: f})
			done()
			if errs.As(genErr) != nil {
				return nil, fmt.Errorf("%s: %w", c.Name, genErr)
			}
			out = append(out, measure(c, f, w, gen, genErr))
		}
	}
	return out, nil
}

func measure(c Case, f generation.Format, w Writer, gen generation.Generation, genErr error) SetResult {
	b := c.Brief
	r := SetResult{Case: c.Name, Lang: b.Language, Format: f, Writer: w.Name, Set: gen.Set,
		Usable: genErr == nil || errors.Is(genErr, ai.ErrExhausted) && !errors.Is(genErr, generation.ErrBelowMinimum)}
	rep := generation.ReportOf(gen.Report, genErr)
	r.Missing = rep.Missing
	if genErr != nil && !r.Usable {
		r.Error = rep.Summary()
	}
	checker, err := policy.NewChecker(policy.Options{Language: b.Language, Allow: b.BrandTerms, Banned: b.BannedTerms, BusinessName: b.BusinessName, Keywords: b.Keywords})
	if err != nil {
		r.Error = err.Error()
		return r
	}
	vocab := Vocabulary(b, w.Phrases(b.Language))
	for _, s := range generation.Slots(f) {
		for i, t := range gen.Set.Slot(s.Name) {
			r.Texts++
			path := fmt.Sprintf("%s[%d] %q", s.Name, i, t)
			for _, v := range checker.CheckText(s.Field, t).Violations {
				if v.Severity == policy.Error {
					r.Invalid = append(r.Invalid, path+": "+v.Code)
				}
			}
			if s.Field == policy.Path {
				continue
			}
			for _, cut := range Cuts(b, t) {
				r.Cuts = append(r.Cuts, path+": "+cut)
			}
			if inv := Invented(b.Language, vocab, t); len(inv) > 0 {
				r.Invented = append(r.Invented, path+": "+strings.Join(inv, ", "))
			}
		}
	}
	r.RepeatedClosings = RepeatedClosings(gen.Set.Descriptions)
	for _, texts := range [][]string{gen.Set.Headlines, gen.Set.LongHeadlines, gen.Set.Descriptions} {
		for i := range texts {
			for j := i + 1; j < len(texts); j++ {
				r.Pairs++
				if strength.Similar(texts[i], texts[j]) {
					r.NearDuplicates++
				}
			}
		}
	}
	r.Keywords = len(b.Keywords)
	for _, k := range b.Keywords {
		if slices.ContainsFunc(gen.Set.Headlines, func(h string) bool { return strength.KeywordIn(h, k) }) {
			r.KeywordsCovered++
		}
	}
	sc := strength.Context{Keywords: b.Keywords, Language: b.Language}
	var res strength.AdStrength
	if f == generation.FormatRSA {
		ad := policy.RSA{Headlines: pins(gen.Set.Headlines), Descriptions: pins(gen.Set.Descriptions), FinalURLs: []string{"https://example.com/"}}
		if len(gen.Set.Paths) > 0 {
			ad.Path1 = gen.Set.Paths[0]
		}
		if len(gen.Set.Paths) > 1 {
			ad.Path2 = gen.Set.Paths[1]
		}
		res = strength.RateRSA(ad, sc)
	} else {
		// The benchmark rates the text: the asset group is given the
		// recommended images and a video, so they do not hold it back.
		sc.Videos = 1
		res = strength.RateAssetGroup(policy.AssetGroupText{Headlines: gen.Set.Headlines, LongHeadlines: gen.Set.LongHeadlines,
			Descriptions: gen.Set.Descriptions, BusinessName: gen.Set.BusinessName, FinalURLs: []string{"https://example.com/"},
			Images: []policy.Field{policy.MarketingImage, policy.MarketingImage, policy.MarketingImage, policy.SquareMarketingImage,
				policy.SquareMarketingImage, policy.SquareMarketingImage, policy.PortraitMarketingImage, policy.Logo, policy.LandscapeLogo}}, sc)
	}
	r.Rating, r.Score = res.Rating, res.Score
	return r
}

func pins(texts []string) []policy.PinnedText {
	out := make([]policy.PinnedText, len(texts))
	for i, t := range texts {
		out[i] = policy.PinnedText{Text: t}
	}
	return out
}
