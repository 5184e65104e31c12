package reporting

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// ReportQuery is what a report covers.
type ReportQuery struct {
	Range
	Interval Interval
	// Compare adds the previous period of the same length.
	Compare bool
}

// PeriodReport is the totals and series of a previous period.
type PeriodReport struct {
	From   Day      `json:"from"`
	To     Day      `json:"to"`
	Totals Measures `json:"totals"`
	Series []Point  `json:"series" nullable:"false"`
}

// CampaignReport is a campaign's totals and series (the contract shape:
// totals, and series of points with a date).
type CampaignReport struct {
	CampaignID int64    `json:"campaign_id"`
	From       Day      `json:"from"`
	To         Day      `json:"to"`
	Interval   Interval `json:"interval" enum:"day,week,month"`
	Currency   string   `json:"currency" doc:"ISO 4217 code of the account currency the micros are in"`
	Demo       bool     `json:"demo" doc:"The numbers are demo data, not from Google Ads"`
	Totals     Measures `json:"totals"`
	Series     []Point  `json:"series" nullable:"false" doc:"One point per day, ISO week or month of the range, zeros where there is no data"`
	// Previous is the period of the same length right before (compare=previous).
	Previous *PeriodReport `json:"previous,omitempty"`
}

// CampaignReport sums a campaign's own facts over q.
func (s *Service) CampaignReport(ctx context.Context, campaignID int64, q ReportQuery) (CampaignReport, error) {
	out := CampaignReport{CampaignID: campaignID, From: q.From, To: q.To, Interval: q.Interval}
	if out.Interval == "" {
		out.Interval = Daily
	}
	err := s.readOnly(ctx, func(c db.Conn) error {
		if err := c.QueryRow(ctx, `SELECT currency FROM campaigns WHERE id = ?`, campaignID).Scan(&out.Currency); err != nil {
			return notFound(err, "campaign", campaignID)
		}
		src := campaignFacts(campaignID)
		var err error
		if out.Totals, out.Series, out.Demo, err = s.period(ctx, c, src, q.Range, out.Interval); err != nil {
			return err
		}
		if q.Compare {
			p := q.Previous()
			prev := &PeriodReport{From: p.From, To: p.To}
			var demo bool
			if prev.Totals, prev.Series, demo, err = s.period(ctx, c, src, p, out.Interval); err != nil {
				return err
			}
			out.Demo = out.Demo || demo
			out.Previous = prev
		}
		return nil
	})
	return out, err
}

// EntityReport is the totals and series of one ad group, ad, keyword or
// asset group.
type EntityReport struct {
	Level    Level    `json:"level" enum:"ad_group,ad,keyword,asset_group"`
	ID       int64    `json:"id"`
	From     Day      `json:"from"`
	To       Day      `json:"to"`
	Interval Interval `json:"interval" enum:"day,week,month"`
	Demo     bool     `json:"demo"`
	Totals   Measures `json:"totals"`
	Series   []Point  `json:"series" nullable:"false"`
}

// EntityReport sums the facts of our entity id at level over q's range.
func (s *Service) EntityReport(ctx context.Context, level Level, id int64, q ReportQuery) (EntityReport, error) {
	table, err := entityTable(level)
	if err != nil {
		return EntityReport{}, err
	}
	out := EntityReport{Level: level, ID: id, From: q.From, To: q.To, Interval: q.Interval}
	if out.Interval == "" {
		out.Interval = Daily
	}
	err = s.readOnly(ctx, func(c db.Conn) error {
		var one int
		if err := c.QueryRow(ctx, `SELECT 1 FROM `+table+` WHERE id = ?`, id).Scan(&one); err != nil {
			return notFound(err, string(level), id)
		}
		var err error
		out.Totals, out.Series, out.Demo, err = s.period(ctx, c, entityFacts(level, id), q.Range, out.Interval)
		return err
	})
	return out, err
}

// entityTable is our table of the entities of a level below the campaign.
func entityTable(level Level) (string, error) {
	switch level {
	case LevelAdGroup:
		return "ad_groups", nil
	case LevelAd:
		return "ads", nil
	case LevelKeyword:
		return "keywords", nil
	case LevelAssetGroup:
		return "asset_groups", nil
	}
	return "", errs.Field("path.level", "ad_group, ad, keyword or asset_group", string(level))
}

// EntityRow is the totals of one ad group, ad, keyword or asset group of a
// campaign.
type EntityRow struct {
	// ID is our id of the entity, null when Google reports one we did not
	// publish.
	ID *int64 `json:"id" nullable:"true"`
	// GoogleID is Google's id (a keyword's criterion id).
	GoogleID int64 `json:"google_id"`
	// Name is the ad group's or asset group's name, the keyword's text, the
	// ad's first headline; empty when not ours.
	Name string `json:"name"`
	// MatchType is a keyword's match type.
	MatchType string `json:"match_type,omitempty"`
	// AdGroupID and AdGroupName are the ad group of an ad or keyword.
	AdGroupID   *int64 `json:"ad_group_id,omitempty"`
	AdGroupName string `json:"ad_group_name,omitempty"`
	Measures
}

// CampaignRows sums the facts of every entity of a level in a campaign over
// r, by cost (highest first).
func (s *Service) CampaignRows(ctx context.Context, campaignID int64, level Level, r Range) ([]EntityRow, error) {
	var name string
	switch level {
	case LevelAdGroup:
		name = `(SELECT g.name FROM ad_groups g WHERE g.id = x.entity_id)`
	case LevelAd:
		name = `(SELECT a.text FROM asset_links l JOIN assets a ON a.id = l.asset_id
			WHERE l.ad_id = x.entity_id AND l.field_type = 'HEADLINE' ORDER BY l.position, l.id LIMIT 1)`
	case LevelKeyword:
		name = `(SELECT k.text FROM keywords k WHERE k.id = x.entity_id)`
	case LevelAssetGroup:
		name = `(SELECT g.name FROM asset_groups g WHERE g.id = x.entity_id)`
	default:
		return nil, errs.Field("query.level", "ad_group, ad, keyword or asset_group", string(level))
	}
	q := `WITH x AS (
		SELECT f.google_parent_id, f.google_id, MAX(f.entity_id) AS entity_id, MAX(f.ad_group_id) AS ad_group_id, ` + sumsSQL + `
		FROM report_campaigns rc JOIN report_facts f ON f.customer_id = rc.customer_id AND f.google_campaign_id = rc.google_campaign_id
		WHERE rc.campaign_id = ? AND f.level = ? AND f.day BETWEEN ? AND ?
		GROUP BY f.google_parent_id, f.google_id)
	SELECT x.*, COALESCE(` + name + `, ''),
		COALESCE((SELECT k.match_type FROM keywords k WHERE ? = 'keyword' AND k.id = x.entity_id), ''),
		COALESCE((SELECT g.name FROM ad_groups g WHERE g.id = x.ad_group_id), '')
	FROM x ORDER BY 7 DESC, x.google_parent_id, x.google_id`
	var out []EntityRow
	err := s.readOnly(ctx, func(c db.Conn) error {
		var one int
		if err := c.QueryRow(ctx, `SELECT 1 FROM campaigns WHERE id = ?`, campaignID).Scan(&one); err != nil {
			return notFound(err, "campaign", campaignID)
		}
		rows, err := c.Query(ctx, q, campaignID, string(level), int(r.From), int(r.To), string(level))
		if err != nil {
			return fmt.Errorf("report rows: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var row EntityRow
			var parent int64
			var m Metrics
			dest := append([]any{&parent, &row.GoogleID, &row.ID, &row.AdGroupID}, metricDest(&m)...)
			if err := rows.Scan(append(dest, &row.Name, &row.MatchType, &row.AdGroupName)...); err != nil {
				return fmt.Errorf("report rows: %w", err)
			}
			if level == LevelAdGroup || level == LevelAssetGroup {
				row.AdGroupID, row.AdGroupName = nil, ""
			}
			row.Measures = MeasuresOf(m)
			out = append(out, row)
		}
		return rows.Err()
	})
	return out, err
}

// CampaignsQuery filters the campaign table.
type CampaignsQuery struct {
	Range
	// Language keeps campaigns targeting it (BCP 47, e.g. de).
	Language string
	Compare  bool
}

// CampaignRow is one campaign's totals in the campaign table.
type CampaignRow struct {
	CampaignID int64    `json:"campaign_id"`
	Name       string   `json:"name"`
	State      string   `json:"state"`
	Currency   string   `json:"currency"`
	Languages  []string `json:"languages" nullable:"false"`
	Measures
	// Previous is the totals of the period before (compare=previous).
	Previous *Measures `json:"previous,omitempty"`
}

// Campaigns sums every campaign's own facts over q's range, by cost
// (highest first); campaigns without data have zeros.
func (s *Service) Campaigns(ctx context.Context, q CampaignsQuery) ([]CampaignRow, error) {
	if err := checkLanguage(q.Language); err != nil {
		return nil, err
	}
	sums := func() string {
		return `SELECT rc.campaign_id, ` + sumsSQL + ` FROM report_campaigns rc JOIN report_facts f
			ON f.customer_id = rc.customer_id AND f.google_campaign_id = rc.google_campaign_id AND f.level = 'campaign' AND f.day BETWEEN ? AND ?
			GROUP BY rc.campaign_id`
	}
	cols := func(a string) string {
		return `COALESCE(` + a + `.imp, 0), COALESCE(` + a + `.clk, 0), COALESCE(` + a + `.cost, 0), COALESCE(` + a + `.conv, 0), COALESCE(` + a + `.val, 0)`
	}
	named := `(campaign_id, imp, clk, cost, conv, val)`
	prev := q.Previous()
	var rowsOut []CampaignRow
	err := s.readOnly(ctx, func(c db.Conn) error {
		query := `WITH m` + named + ` AS (` + sums() + `), p` + named + ` AS (` + sums() + `)
			SELECT c.id, c.name, c.state, c.currency, c.languages, ` + cols("m") + `, ` + cols("p") + `
			FROM campaigns c LEFT JOIN m ON m.campaign_id = c.id LEFT JOIN p ON p.campaign_id = c.id`
		args := []any{int(q.From), int(q.To), int(prev.From), int(prev.To)}
		if !q.Compare {
			args[2], args[3] = 1, 0 // an empty range: nothing to sum
		}
		if q.Language != "" {
			query += ` WHERE ` + languageSQL(c.Engine())
			args = append(args, q.Language)
		}
		query += ` ORDER BY 8 DESC, c.id`
		rows, err := c.Query(ctx, query, args...)
		if err != nil {
			return fmt.Errorf("campaign report: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var row CampaignRow
			var langs string
			var m, pm Metrics
			dest := append([]any{&row.CampaignID, &row.Name, &row.State, &row.Currency, &langs}, metricDest(&m)...)
			if err := rows.Scan(append(dest, metricDest(&pm)...)...); err != nil {
				return fmt.Errorf("campaign report: %w", err)
			}
			if err := json.Unmarshal([]byte(langs), &row.Languages); err != nil {
				return fmt.Errorf("campaign %d languages: %w", row.CampaignID, err)
			}
			row.Measures = MeasuresOf(m)
			if q.Compare {
				p := MeasuresOf(pm)
				row.Previous = &p
			}
			rowsOut = append(rowsOut, row)
		}
		return rows.Err()
	})
	return rowsOut, err
}
