package reporting

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/imaphub/imaphub/internal/platform/errs"
)

// BestTextsQuery asks for the texts that performed best recently: the
// examples of style generation shows a model when a brief asks for them.
type BestTextsQuery struct {
	// CampaignID limits the texts to one campaign of ours; 0 is every
	// campaign.
	CampaignID int64
	// Language keeps only texts in this language or a regional form of it
	// (de also takes de-AT); empty takes every language.
	Language string
	// PerField is the most texts per field type (headline, long headline,
	// description); default 5, at most 50.
	PerField int
	// Days is the window, ending yesterday; default 90.
	Days int
}

// TextPerformance is a text asset's performance in the window.
type TextPerformance struct {
	AssetID          int64
	Text             string
	FieldType        string
	PerformanceLabel string // the latest label Google gave it
	Impressions      int64
	Clicks           int64
}

// baseLanguage is the language part of a BCP 47 tag.
var baseLanguage = regexp.MustCompile(`^[a-z]{2,3}$`)

// bestTextsMinImpressions is the evidence a text needs before its
// click-through rate counts: below it, one lucky click makes a winner.
const bestTextsMinImpressions = 100

// BestTexts ranks the text assets of the headline, long headline and
// description fields by click-through rate over the window (ties: more
// clicks first), skips those Google's latest label calls LOW and those with
// too few impressions to judge, and returns the best PerField of each field
// type, best first. Demo data counts, so the demo account shows the loop.
func (s *Service) BestTexts(ctx context.Context, q BestTextsQuery) ([]TextPerformance, error) {
	if q.PerField == 0 {
		q.PerField = 5
	}
	if q.PerField < 1 || q.PerField > 50 {
		return nil, errs.Field("per_field", "must be between 1 and 50", q.PerField)
	}
	if q.Days == 0 {
		q.Days = 90
	}
	if q.Days < 1 || q.Days > 3*366 {
		return nil, errs.Field("days", "must be between 1 and 1098", q.Days)
	}
	if q.CampaignID < 0 {
		return nil, errs.Field("campaign_id", "must not be negative", q.CampaignID)
	}
	to := DayOf(s.now()) - 1
	from := to - Day(q.Days) + 1
	places := `SELECT p.* FROM report_asset_places p WHERE p.field_type IN ('HEADLINE', 'LONG_HEADLINE', 'DESCRIPTION')`
	var args []any
	if q.CampaignID != 0 {
		places += ` AND p.campaign_id = ?`
		args = append(args, q.CampaignID)
	}
	lang := ""
	if q.Language != "" {
		lang = strings.ToLower(strings.TrimSpace(q.Language))
		lang, _, _ = strings.Cut(lang, "-")
		if !baseLanguage.MatchString(lang) {
			return nil, errs.Field("language", "must be a language code such as de or en", q.Language)
		}
	}
	langWhere := ""
	if lang != "" {
		langWhere = " AND (lower(a.language) = ? OR lower(a.language) LIKE ?)"
		args = append(args, lang, lang+"-%")
	}
	places += ` AND p.asset_id IN (SELECT a.id FROM assets a WHERE a.type = 'TEXT'` + langWhere + `)`
	// Each place's sums over the range from its running sums (placeSumsSQL),
	// grouped by text and field type; the label is the latest day's.
	rng := Range{From: from, To: to}
	query := `SELECT ranked.asset_id, COALESCE(a.text, ''), ranked.field_type, ranked.label, ranked.imp, ranked.clk FROM (
		SELECT r.*, ROW_NUMBER() OVER (PARTITION BY r.field_type ORDER BY CAST(r.clk AS DOUBLE PRECISION) / r.imp DESC, r.clk DESC, r.asset_id) AS n
		FROM (` + assetSumsSQL(s.db.Engine, rng, places) + `) r
		WHERE r.imp >= ? AND r.label <> 4) ranked
	JOIN assets a ON a.id = ranked.asset_id
	WHERE ranked.n <= ? ORDER BY ranked.field_type, ranked.n`
	args = append(args, bestTextsMinImpressions, q.PerField)
	rows, err := s.db.Read().Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("best texts: %w", err)
	}
	defer rows.Close()
	var out []TextPerformance
	for rows.Next() {
		var t TextPerformance
		var label int
		if err := rows.Scan(&t.AssetID, &t.Text, &t.FieldType, &label, &t.Impressions, &t.Clicks); err != nil {
			return nil, fmt.Errorf("best texts: %w", err)
		}
		t.PerformanceLabel = labelName(label)
		out = append(out, t)
	}
	return out, rows.Err()
}
