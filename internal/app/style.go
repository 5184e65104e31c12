package app

import (
	"context"

	"github.com/imaphub/imaphub/internal/domain/generation"
	"github.com/imaphub/imaphub/internal/domain/reporting"
)

// styleExamples gives generation the best-performing texts from reporting
// (generation may not import reporting; it declares generation.StyleSource).
type styleExamples struct{ reports *reporting.Service }

func (s styleExamples) BestTexts(ctx context.Context, q generation.StyleQuery) ([]generation.StyleExample, error) {
	best, err := s.reports.BestTexts(ctx, reporting.BestTextsQuery{CampaignID: q.CampaignID, Language: q.Language, PerField: q.Limit})
	if err != nil {
		return nil, err
	}
	out := make([]generation.StyleExample, len(best))
	for i, b := range best {
		out[i] = generation.StyleExample{AssetID: b.AssetID, FieldType: b.FieldType, Text: b.Text}
	}
	return out, nil
}
