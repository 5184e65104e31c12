package reporting

import (
	"context"
	"fmt"

	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// Ranking orders assets: best first or worst first.
type Ranking string

const (
	Best  Ranking = "best"
	Worst Ranking = "worst"
)

// rankSQL orders grouped asset sums (columns imp, clk, conv, asset_id):
// by click-through rate, then conversions, then impressions (more evidence
// first either way), then id. Only assets with impressions are ranked.
func rankSQL(r Ranking) string {
	ctr := `CAST(clk AS DOUBLE PRECISION) / imp`
	if r == Worst {
		return ctr + ` ASC, conv ASC, imp DESC, asset_id`
	}
	return ctr + ` DESC, conv DESC, imp DESC, asset_id`
}

// maxRanked bounds an asset ranking's rows per field type.
const maxRanked = 500

// AssetRankQuery asks for a campaign's best or worst assets.
type AssetRankQuery struct {
	Range
	// FieldType keeps one field type (HEADLINE, DESCRIPTION, …); empty
	// ranks each field type separately.
	FieldType string
	Order     Ranking
	// Limit is the rows per field type (default 10).
	Limit int
}

// AssetRow is one of our assets' totals in one field type.
type AssetRow struct {
	AssetID   int64  `json:"asset_id"`
	Text      string `json:"text" doc:"The text, or an image's name"`
	FieldType string `json:"field_type"`
	// PerformanceLabel is Google's latest label (BEST, GOOD, LOW, LEARNING,
	// PENDING, UNKNOWN), empty when none was reported.
	PerformanceLabel string `json:"performance_label"`
	Measures
}

// CampaignAssets ranks our assets in a campaign over q's range, per field
// type, by click-through rate (see rankSQL).
func (s *Service) CampaignAssets(ctx context.Context, campaignID int64, q AssetRankQuery) ([]AssetRow, error) {
	if err := checkFieldType(q.FieldType); err != nil {
		return nil, err
	}
	if q.Order == "" {
		q.Order = Best
	}
	if q.Order != Best && q.Order != Worst {
		return nil, errs.Field("query.order", "best or worst", string(q.Order))
	}
	if q.Limit == 0 {
		q.Limit = 10
	}
	if q.Limit < 1 || q.Limit > maxRanked {
		return nil, errs.Field("query.limit", fmt.Sprintf("between 1 and %d", maxRanked), q.Limit)
	}
	filter, args := "", []any{campaignID}
	if q.FieldType != "" {
		filter = ` AND p.field_type = ?`
		args = append(args, q.FieldType)
	}
	args = append(args, q.Limit)
	// The campaign's places (by its Google campaigns), each summed from
	// its running sums (placeSumsSQL), then grouped by asset.
	places := `SELECT p.* FROM report_campaigns rc JOIN report_asset_places p ON p.customer_id = rc.customer_id AND p.google_campaign_id = rc.google_campaign_id
		WHERE rc.campaign_id = ?` + filter
	var out []AssetRow
	err := s.readOnly(ctx, func(c db.Conn) error {
		query := `WITH t AS (` + assetSumsSQL(c.Engine(), q.Range, places) + `),
	r AS (SELECT t.*, ROW_NUMBER() OVER (PARTITION BY field_type ORDER BY ` + rankSQL(q.Order) + `) AS n FROM t WHERE imp > 0)
	SELECT r.asset_id, (SELECT COALESCE(a.text, a.name, '') FROM assets a WHERE a.id = r.asset_id), r.field_type, r.label,
		r.imp, r.clk, r.cost, r.conv, r.val
	FROM r WHERE r.n <= ? AND EXISTS (SELECT 1 FROM assets a WHERE a.id = r.asset_id) ORDER BY r.field_type, r.n`
		// The texts of the ranked rows only, by key: a join let PostgreSQL
		// hash the whole asset library for twenty rows.
		var one int
		if err := c.QueryRow(ctx, `SELECT 1 FROM campaigns WHERE id = ?`, campaignID).Scan(&one); err != nil {
			return notFound(err, "campaign", campaignID)
		}
		var err error
		out, err = scanAssetRows(ctx, c, query, args, true)
		return err
	})
	return out, err
}

// scanAssetRows reads asset_id, [text,] field_type, label and the sums.
func scanAssetRows(ctx context.Context, c db.Conn, query string, args []any, withText bool) ([]AssetRow, error) {
	rows, err := c.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("asset report: %w", err)
	}
	defer rows.Close()
	var out []AssetRow
	for rows.Next() {
		var row AssetRow
		var label int
		var m Metrics
		dest := []any{&row.AssetID}
		if withText {
			dest = append(dest, &row.Text)
		}
		dest = append(dest, &row.FieldType, &label)
		if err := rows.Scan(append(dest, metricDest(&m)...)...); err != nil {
			return nil, fmt.Errorf("asset report: %w", err)
		}
		row.PerformanceLabel = labelName(label)
		row.Measures = MeasuresOf(m)
		out = append(out, row)
	}
	return out, rows.Err()
}

// Place is one place an asset is used (an ad, or an asset group, in a field
// type) with its totals there.
type Place struct {
	CampaignID     *int64 `json:"campaign_id" nullable:"true" doc:"Null for a campaign Google reports that we did not publish"`
	CampaignName   string `json:"campaign_name"`
	AdGroupID      *int64 `json:"ad_group_id" nullable:"true"`
	AdGroupName    string `json:"ad_group_name"`
	AdID           *int64 `json:"ad_id" nullable:"true"`
	AssetGroupID   *int64 `json:"asset_group_id" nullable:"true"`
	AssetGroupName string `json:"asset_group_name"`
	FieldType      string `json:"field_type"`
	// Linked is whether the asset is linked there now; a place it was
	// removed from keeps its numbers.
	Linked           bool   `json:"linked"`
	PerformanceLabel string `json:"performance_label"`
	Measures
}

// AssetReport is one asset's totals and series over every place, and its
// totals in each place.
type AssetReport struct {
	AssetID  int64    `json:"asset_id"`
	Text     string   `json:"text"`
	Type     string   `json:"type" enum:"TEXT,IMAGE"`
	From     Day      `json:"from"`
	To       Day      `json:"to"`
	Interval Interval `json:"interval" enum:"day,week,month"`
	Demo     bool     `json:"demo"`
	Totals   Measures `json:"totals"`
	Series   []Point  `json:"series" nullable:"false"`
	// Places are every place the asset is linked and every place it has
	// numbers, with zeros where there are none.
	Places []Place `json:"places" nullable:"false"`
}

// AssetReport sums an asset's facts over q's range, in total, as a series
// and per place it is used (where-used joined with the facts), from the
// rollups (rollup.go): the series from the asset's sums per day, each
// place's totals from its running sums; the totals are the sums of the
// places.
func (s *Service) AssetReport(ctx context.Context, assetID int64, q ReportQuery) (AssetReport, error) {
	out := AssetReport{AssetID: assetID, From: q.From, To: q.To, Interval: q.Interval}
	if out.Interval == "" {
		out.Interval = Daily
	}
	// Each place with numbers (its sums from placeSumsSQL) and each place
	// the asset is linked now (a row of zeros), grouped by place.
	places := `SELECT p.* FROM report_asset_places p WHERE p.asset_id = ?`
	err := s.readOnly(ctx, func(c db.Conn) error {
		query := `SELECT k.c, COALESCE(cp.name, ''), k.g, COALESCE(ag1.name, ''), k.ad, k.ag, COALESCE(ag2.name, ''), k.ft, k.linked, k.label,
		k.imp, k.clk, k.cost, k.conv, k.val, k.demo
	FROM (SELECT x.campaign_id AS c, x.ad_group_id AS g, x.ad_id AS ad, x.asset_group_id AS ag, x.field_type AS ft, MAX(x.linked) AS linked,
			` + placeAggSQL(q.Range) + `
		FROM (SELECT 0 AS linked, s.* FROM (` + placeSumsSQL(c.Engine(), q.Range, places) + `) s
			UNION ALL
			SELECT 1, COALESCE(l.campaign_id, 0), COALESCE(l.ad_group_id, 0), COALESCE(l.ad_id, 0), COALESCE(l.asset_group_id, 0), l.asset_id, l.field_type,
				0, NULL, 0, 0, 0, 0, 0, 0, 0
			FROM asset_links l WHERE l.asset_id = ?) x
		GROUP BY x.campaign_id, x.ad_group_id, x.ad_id, x.asset_group_id, x.field_type
		HAVING MAX(x.linked) = 1 OR SUM(x.sg * x.n) > 0) k
	LEFT JOIN campaigns cp ON cp.id = k.c LEFT JOIN ad_groups ag1 ON ag1.id = k.g LEFT JOIN asset_groups ag2 ON ag2.id = k.ag
	ORDER BY k.c, k.g, k.ad, k.ag, k.ft`
		if err := c.QueryRow(ctx, `SELECT type, COALESCE(text, name, '') FROM assets WHERE id = ?`, assetID).Scan(&out.Type, &out.Text); err != nil {
			return notFound(err, "asset", assetID)
		}
		var err error
		if out.Series, err = s.series(ctx, c, assetDays(assetID), q.Range, out.Interval); err != nil {
			return err
		}
		rows, err := c.Query(ctx, query, assetID, assetID)
		if err != nil {
			return fmt.Errorf("asset places: %w", err)
		}
		defer rows.Close()
		out.Places = []Place{}
		// The totals are the sums of the places: every fact of the asset
		// in the range is in exactly one place.
		var total Metrics
		for rows.Next() {
			var p Place
			var camp, group, ad, assetGroup, linked, demo int64
			var label int
			var m Metrics
			dest := []any{&camp, &p.CampaignName, &group, &p.AdGroupName, &ad, &assetGroup, &p.AssetGroupName, &p.FieldType, &linked, &label}
			if err := rows.Scan(append(append(dest, metricDest(&m)...), &demo)...); err != nil {
				return fmt.Errorf("asset places: %w", err)
			}
			total = addSums(total, m)
			out.Demo = out.Demo || demo != 0
			p.CampaignID, p.AdGroupID, p.AdID, p.AssetGroupID = optID(camp), optID(group), optID(ad), optID(assetGroup)
			p.Linked = linked != 0
			p.PerformanceLabel = labelName(label)
			p.Measures = MeasuresOf(m)
			out.Places = append(out.Places, p)
		}
		out.Totals = MeasuresOf(total)
		return rows.Err()
	})
	return out, err
}

func optID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// maxAssetIDs bounds the ids of one asset table request.
const maxAssetIDs = 500

// AssetsQuery filters the asset table.
type AssetsQuery struct {
	Range
	CampaignID int64
	FieldType  string
	// Language keeps assets of that language (the library's).
	Language string
	// IDs keeps those assets (at most 500).
	IDs []int64
}

// Assets sums each of our assets' facts per field type over q's range, by
// cost (highest first). Assets without facts in the range are left out.
func (s *Service) Assets(ctx context.Context, q AssetsQuery) ([]AssetRow, error) {
	if err := checkFieldType(q.FieldType); err != nil {
		return nil, err
	}
	if err := checkLanguage(q.Language); err != nil {
		return nil, err
	}
	if len(q.IDs) > maxAssetIDs {
		return nil, errs.Field("query.ids", fmt.Sprintf("at most %d ids", maxAssetIDs), len(q.IDs))
	}
	// The places of q's assets (of a campaign: by its Google campaigns),
	// each summed from its running sums (placeSumsSQL), then grouped by
	// asset and field type.
	places := `SELECT p.* FROM report_asset_places p WHERE 1 = 1`
	var args []any
	if q.CampaignID != 0 {
		places = `SELECT p.* FROM report_campaigns rc JOIN report_asset_places p ON p.customer_id = rc.customer_id AND p.google_campaign_id = rc.google_campaign_id
		WHERE rc.campaign_id = ?`
		args = append(args, q.CampaignID)
	}
	if q.FieldType != "" {
		places += ` AND p.field_type = ?`
		args = append(args, q.FieldType)
	}
	if len(q.IDs) > 0 {
		list, ids := inList(q.IDs)
		places += ` AND p.asset_id IN (` + list + `)`
		args = append(args, ids...)
	}
	if q.Language != "" {
		places += ` AND p.asset_id IN (SELECT a.id FROM assets a WHERE a.language = ?)`
		args = append(args, q.Language)
	}
	var out []AssetRow
	err := s.readOnly(ctx, func(c db.Conn) error {
		query := `WITH t AS (` + assetSumsSQL(c.Engine(), q.Range, places) + `)
	SELECT t.asset_id, COALESCE(a.text, a.name, ''), t.field_type, t.label, t.imp, t.clk, t.cost, t.conv, t.val
	FROM t JOIN assets a ON a.id = t.asset_id WHERE t.facts > 0 ORDER BY t.cost DESC, t.asset_id, t.field_type`
		var err error
		out, err = scanAssetRows(ctx, c, query, args, true)
		return err
	})
	return out, err
}
