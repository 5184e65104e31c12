package generation

import (
	"context"
	"fmt"

	"github.com/imaphub/imaphub/internal/platform/errs"
)

// Closing the loop: a brief can ask that the texts which performed best so
// far be shown to the model as examples of style (brief.style_examples):
// those of the campaign the copy is for, or of the whole account. Which
// assets were shown is kept in the provenance of every item written with
// them (assets.Provenance.StyleExamples).
//
// Performance is the reporting slice's business, which generation may not
// import: it declares what it needs here (StyleSource), and internal/app
// wires the reporting service in.

// Values of brief.style_examples.
const (
	StyleNone     = "none"     // no examples (also when the field is empty)
	StyleCampaign = "campaign" // the best texts of the campaign the copy is for
	StyleAccount  = "account"  // the best texts of every campaign
)

// styleExampleLimit is how many examples a prompt shows at most, per field
// type (the source decides how many per type).
const styleExampleLimit = 8

// StyleQuery asks for the best-performing texts.
type StyleQuery struct {
	// CampaignID limits the texts to one campaign; 0 is the whole account.
	CampaignID int64
	// Language is the brief's language: only texts in it are examples.
	Language string
	// Limit is the most texts per field type.
	Limit int
}

// StyleExample is one text that performed well, as the model sees it.
type StyleExample struct {
	AssetID   int64  `json:"-"`
	FieldType string `json:"field_type"`
	Text      string `json:"text"`
}

// StyleSource finds the best-performing texts, best first.
type StyleSource interface {
	BestTexts(ctx context.Context, q StyleQuery) ([]StyleExample, error)
}

// UseStyleSource sets where style examples come from. Without one, a brief
// asking for examples is written without them (the report's examples are
// empty).
func (s *Service) UseStyleSource(src StyleSource) { s.styles = src }

func checkStyleExamples(v string) error {
	switch v {
	case "", StyleNone, StyleCampaign, StyleAccount:
		return nil
	}
	return errs.Field("brief.style_examples", fmt.Sprintf("must be %s, %s or %s", StyleCampaign, StyleAccount, StyleNone), v)
}

// styleExamples are the examples the brief asks for, for copy in campaign
// campaignID.
func (s *Service) styleExamples(ctx context.Context, campaignID int64, b Brief) ([]StyleExample, error) {
	if s.styles == nil || b.StyleExamples == "" || b.StyleExamples == StyleNone {
		return nil, nil
	}
	q := StyleQuery{Language: b.Language, Limit: styleExampleLimit}
	if b.StyleExamples == StyleCampaign {
		q.CampaignID = campaignID
	}
	ex, err := s.styles.BestTexts(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("style examples: %w", err)
	}
	return ex, nil
}

// exampleIDs are the asset ids of the examples, in order, each once.
func exampleIDs(ex []StyleExample) []int64 {
	var out []int64
	seen := map[int64]bool{}
	for _, e := range ex {
		if e.AssetID != 0 && !seen[e.AssetID] {
			seen[e.AssetID] = true
			out = append(out, e.AssetID)
		}
	}
	return out
}
