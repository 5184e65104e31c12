package reporting

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

// RangeParams are the dates every report takes.
type RangeParams struct {
	From string `query:"from" required:"true" doc:"First day, YYYY-MM-DD (in the account's time zone, as Google reports)" example:"2026-03-01"`
	To   string `query:"to" required:"true" doc:"Last day, inclusive; at most three years after from" example:"2026-03-31"`
}

func (p RangeParams) parse() (Range, error) { return NewRange(p.From, p.To) }

// FormatParam chooses JSON or a CSV download.
type FormatParam struct {
	Format string `query:"format" enum:"json,csv" default:"json" doc:"csv downloads the table as RFC 4180 CSV (cells that a spreadsheet would run as a formula are prefixed with ')"`
}

// IntervalParam is a series' bucket.
type IntervalParam struct {
	Interval string `query:"interval" enum:"day,week,month" default:"day" doc:"Bucket of the series: day, ISO week (Monday first) or month; a bucket starting before from is dated from"`
}

// CompareParam asks for the previous period.
type CompareParam struct {
	Compare string `query:"compare" enum:"previous" doc:"previous adds the period of the same length right before"`
}

// tableOutput is a report as JSON, or its table as a CSV download.
type tableOutput struct {
	Status             int
	ContentType        string `header:"Content-Type"`
	ETag               string `header:"ETag"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               any
}

// respond answers v as JSON, or with format=csv the table as an attachment
// named name.csv.
func respond(format string, v any, name string, csvTable func() *table) *tableOutput {
	if format != "csv" {
		return &tableOutput{Status: http.StatusOK, Body: v}
	}
	return &tableOutput{Status: http.StatusOK, ContentType: "text/csv; charset=utf-8",
		ContentDisposition: `attachment; filename="` + name + `.csv"`, Body: csvTable().bytes()}
}

// tableOp declares the op's 200 answer: T as JSON, or CSV.
func tableOp[T any](api *httpapi.API, op huma.Operation) huma.Operation {
	schema := api.OpenAPI().Components.Schemas.Schema(reflect.TypeFor[T](), true, "")
	op.Responses = map[string]*huma.Response{
		"200": {
			Description: "The report; with format=csv its table as a CSV attachment",
			Headers:     map[string]*huma.Param{"ETag": {Description: "The JSON answer's tag, for If-None-Match", Schema: &huma.Schema{Type: "string"}}},
			Content: map[string]*huma.MediaType{
				"application/json": {Schema: schema},
				"text/csv":         {Schema: &huma.Schema{Type: "string"}},
			},
		},
		"304": {Description: "Not modified: If-None-Match names the current answer"},
	}
	return op
}

// RowsOf is a report table.
type RowsOf[T any] struct {
	Rows []T `json:"rows" nullable:"false"`
}

// RegisterRoutes publishes the report operations. Every one needs the
// viewer role, like reading campaigns.
func RegisterRoutes(api *httpapi.API, s *Service) {
	tags := []string{"reports"}
	cache := &reportCache{s: s, c: newAnswerCache(answerCacheBytes)}
	httpapi.Register(api, auth.Viewer, tableOp[CampaignReport](api, huma.Operation{OperationID: "get-campaign-report", Method: http.MethodGet,
		Path: "/api/campaigns/{id}/report", Summary: "A campaign's totals and series",
		Description: "Totals and a series with a point per day, week or month (zeros where there is no data) over from … to, optionally with the previous period. " +
			"This shape is a contract: totals, and series of points with a date, at the top level. CSV: the series.", Tags: tags}),
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			RangeParams
			IntervalParam
			CompareParam
			FormatParam
			CacheParams
		}) (*tableOutput, error) {
			q, err := reportQuery(in.RangeParams, in.Interval, in.Compare)
			if err != nil {
				return nil, err
			}
			return cache.serve(ctx, fmt.Sprintf("campaign-report %d %+v", in.ID, q), in.Format, in.CacheParams, func() (*tableOutput, error) {
				rep, err := s.CampaignReport(ctx, in.ID, q)
				if err != nil {
					return nil, err
				}
				return respond(in.Format, rep, fmt.Sprintf("campaign-%d-%s-%s", in.ID, rep.From, rep.To), func() *table { return seriesTable(rep.Series, rep.Previous) }), nil
			})
		})

	httpapi.Register(api, auth.Viewer, tableOp[RowsOf[EntityRow]](api, huma.Operation{OperationID: "get-campaign-report-rows", Method: http.MethodGet,
		Path: "/api/campaigns/{id}/report/rows", Summary: "A campaign's ad groups, ads, keywords or asset groups with their totals",
		Description: "One row per entity of the level that has data in the range, by cost (highest first). name is the ad group's or asset group's name, the keyword's text or the ad's first headline.", Tags: tags}),
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			Level string `query:"level" required:"true" enum:"ad_group,ad,keyword,asset_group"`
			RangeParams
			FormatParam
			CacheParams
		}) (*tableOutput, error) {
			r, err := in.parse()
			if err != nil {
				return nil, err
			}
			return cache.serve(ctx, fmt.Sprintf("campaign-rows %d %s %+v", in.ID, in.Level, r), in.Format, in.CacheParams, func() (*tableOutput, error) {
				rows, err := s.CampaignRows(ctx, in.ID, Level(in.Level), r)
				if err != nil {
					return nil, err
				}
				return respond(in.Format, RowsOf[EntityRow]{Rows: nonNil(rows)}, fmt.Sprintf("campaign-%d-%s-%s-%s", in.ID, in.Level, r.From, r.To), func() *table {
					t := newTable(append([]string{"id", "google_id", "name", "match_type", "ad_group_id", "ad_group_name"}, measuresHeader...)...)
					for _, row := range rows {
						t.optInt(row.ID).int(row.GoogleID).text(row.Name).text(row.MatchType).optInt(row.AdGroupID).text(row.AdGroupName).measures(row.Measures).end()
					}
					return t
				}), nil
			})
		})

	httpapi.Register(api, auth.Viewer, tableOp[RowsOf[AssetRow]](api, huma.Operation{OperationID: "get-campaign-report-assets", Method: http.MethodGet,
		Path: "/api/campaigns/{id}/report/assets", Summary: "A campaign's best or worst assets per field type",
		Description: "Our assets in the campaign with impressions in the range, ranked per field type by click-through rate (ties: conversions, then impressions); limit rows per field type.", Tags: tags}),
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			RangeParams
			FieldType string `query:"field_type" pattern:"^[A-Z0-9_]{1,64}$" doc:"Only this field type (HEADLINE, DESCRIPTION, LONG_HEADLINE, …)"`
			Order     string `query:"order" enum:"best,worst" default:"best"`
			Limit     int    `query:"limit" minimum:"1" maximum:"500" default:"10" doc:"Rows per field type"`
			FormatParam
			CacheParams
		}) (*tableOutput, error) {
			r, err := in.parse()
			if err != nil {
				return nil, err
			}
			return cache.serve(ctx, fmt.Sprintf("campaign-assets %d %+v %q %q %d", in.ID, r, in.FieldType, in.Order, in.Limit), in.Format, in.CacheParams, func() (*tableOutput, error) {
				rows, err := s.CampaignAssets(ctx, in.ID, AssetRankQuery{Range: r, FieldType: in.FieldType, Order: Ranking(in.Order), Limit: in.Limit})
				if err != nil {
					return nil, err
				}
				return respond(in.Format, RowsOf[AssetRow]{Rows: nonNil(rows)}, fmt.Sprintf("campaign-%d-assets-%s-%s", in.ID, r.From, r.To), func() *table { return assetTable(rows) }), nil
			})
		})

	httpapi.Register(api, auth.Viewer, tableOp[AssetReport](api, huma.Operation{OperationID: "get-asset-report", Method: http.MethodGet,
		Path: "/api/assets/{id}/report", Summary: "An asset's performance in total and in every place it is used",
		Description: "Totals and series over every place, and one row per place (ad or asset group and field type): every place the asset is linked, with zeros where there is no data, and places it was removed from that have data. CSV: the places.", Tags: tags}),
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			RangeParams
			IntervalParam
			FormatParam
			CacheParams
		}) (*tableOutput, error) {
			q, err := reportQuery(in.RangeParams, in.Interval, "")
			if err != nil {
				return nil, err
			}
			return cache.serve(ctx, fmt.Sprintf("asset-report %d %+v", in.ID, q), in.Format, in.CacheParams, func() (*tableOutput, error) {
				rep, err := s.AssetReport(ctx, in.ID, q)
				if err != nil {
					return nil, err
				}
				return respond(in.Format, rep, fmt.Sprintf("asset-%d-%s-%s", in.ID, rep.From, rep.To), func() *table {
					t := newTable(append([]string{"campaign_id", "campaign_name", "ad_group_id", "ad_group_name", "ad_id", "asset_group_id", "asset_group_name",
						"field_type", "linked", "performance_label"}, measuresHeader...)...)
					for _, p := range rep.Places {
						t.optInt(p.CampaignID).text(p.CampaignName).optInt(p.AdGroupID).text(p.AdGroupName).optInt(p.AdID).optInt(p.AssetGroupID).text(p.AssetGroupName).
							text(p.FieldType).text(strconv.FormatBool(p.Linked)).text(p.PerformanceLabel).measures(p.Measures).end()
					}
					return t
				}), nil
			})
		})

	httpapi.Register(api, auth.Viewer, tableOp[EntityReport](api, huma.Operation{OperationID: "get-entity-report", Method: http.MethodGet,
		Path: "/api/reports/entities/{level}/{id}", Summary: "An ad group's, ad's, keyword's or asset group's totals and series",
		Description: "CSV: the series.", Tags: tags}),
		func(ctx context.Context, in *struct {
			Level string `path:"level" enum:"ad_group,ad,keyword,asset_group"`
			httpapi.IDParam
			RangeParams
			IntervalParam
			FormatParam
			CacheParams
		}) (*tableOutput, error) {
			q, err := reportQuery(in.RangeParams, in.Interval, "")
			if err != nil {
				return nil, err
			}
			return cache.serve(ctx, fmt.Sprintf("entity-report %s %d %+v", in.Level, in.ID, q), in.Format, in.CacheParams, func() (*tableOutput, error) {
				rep, err := s.EntityReport(ctx, Level(in.Level), in.ID, q)
				if err != nil {
					return nil, err
				}
				return respond(in.Format, rep, fmt.Sprintf("%s-%d-%s-%s", in.Level, in.ID, rep.From, rep.To), func() *table { return seriesTable(rep.Series, nil) }), nil
			})
		})

	httpapi.Register(api, auth.Viewer, tableOp[RowsOf[CampaignRow]](api, huma.Operation{OperationID: "report-campaigns", Method: http.MethodGet,
		Path: "/api/reports/campaigns", Summary: "Every campaign's totals",
		Description: "One row per campaign (zeros without data), by cost (highest first), optionally only those targeting a language and with the previous period's totals.", Tags: tags}),
		func(ctx context.Context, in *struct {
			RangeParams
			Language string `query:"language" maxLength:"35" doc:"Only campaigns targeting this language (BCP 47, e.g. de)"`
			CompareParam
			FormatParam
			CacheParams
		}) (*tableOutput, error) {
			r, err := in.parse()
			if err != nil {
				return nil, err
			}
			return cache.serve(ctx, fmt.Sprintf("campaigns %+v %q %q", r, in.Language, in.Compare), in.Format, in.CacheParams, func() (*tableOutput, error) {
				rows, err := s.Campaigns(ctx, CampaignsQuery{Range: r, Language: in.Language, Compare: in.Compare == "previous"})
				if err != nil {
					return nil, err
				}
				return respond(in.Format, RowsOf[CampaignRow]{Rows: nonNil(rows)}, fmt.Sprintf("campaigns-%s-%s", r.From, r.To), func() *table {
					header := append([]string{"campaign_id", "name", "state", "currency", "languages"}, measuresHeader...)
					if in.Compare != "" {
						header = append(header, prefixed("previous_")...)
					}
					t := newTable(header...)
					for _, row := range rows {
						t.int(row.CampaignID).text(row.Name).text(row.State).text(row.Currency).text(strings.Join(row.Languages, " ")).measures(row.Measures)
						if row.Previous != nil {
							t.measures(*row.Previous)
						}
						t.end()
					}
					return t
				}), nil
			})
		})

	httpapi.Register(api, auth.Viewer, tableOp[RowsOf[AssetRow]](api, huma.Operation{OperationID: "report-assets", Method: http.MethodGet,
		Path: "/api/reports/assets", Summary: "Our assets' totals per field type",
		Description: "One row per asset and field type with data in the range, by cost (highest first); for the asset library and the review tiles.", Tags: tags}),
		func(ctx context.Context, in *struct {
			RangeParams
			CampaignID int64  `query:"campaign_id" minimum:"0" doc:"Only in this campaign"`
			FieldType  string `query:"field_type" pattern:"^[A-Z0-9_]{1,64}$"`
			Language   string `query:"language" maxLength:"35" doc:"Only assets in this language (BCP 47, e.g. de)"`
			IDs        string `query:"ids" maxLength:"10000" doc:"Only these assets: ids separated by commas, at most 500" example:"1,2,3"`
			FormatParam
			CacheParams
		}) (*tableOutput, error) {
			r, err := in.parse()
			if err != nil {
				return nil, err
			}
			ids, err := parseIDs(in.IDs)
			if err != nil {
				return nil, err
			}
			return cache.serve(ctx, fmt.Sprintf("assets %+v %d %q %q %v", r, in.CampaignID, in.FieldType, in.Language, ids), in.Format, in.CacheParams, func() (*tableOutput, error) {
				rows, err := s.Assets(ctx, AssetsQuery{Range: r, CampaignID: in.CampaignID, FieldType: in.FieldType, Language: in.Language, IDs: ids})
				if err != nil {
					return nil, err
				}
				return respond(in.Format, RowsOf[AssetRow]{Rows: nonNil(rows)}, fmt.Sprintf("assets-%s-%s", r.From, r.To), func() *table { return assetTable(rows) }), nil
			})
		})
}

// reportQuery reads a report's range, interval and comparison.
func reportQuery(p RangeParams, interval, compare string) (ReportQuery, error) {
	r, err := p.parse()
	if err != nil {
		return ReportQuery{}, err
	}
	iv, err := ParseInterval(interval)
	if err != nil {
		return ReportQuery{}, err
	}
	return ReportQuery{Range: r, Interval: iv, Compare: compare == "previous"}, nil
}

// parseIDs reads "1,2,3".
func parseIDs(s string) ([]int64, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) > maxAssetIDs {
		return nil, errs.Field("query.ids", fmt.Sprintf("at most %d ids", maxAssetIDs), len(parts))
	}
	ids := make([]int64, 0, len(parts))
	for _, p := range parts {
		id, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
		if err != nil || id <= 0 {
			return nil, errs.Field("query.ids", "asset ids (numbers > 0) separated by commas", s)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// seriesTable is a series as CSV, with the previous period's points side
// by side when there is one: the n-th bucket of each in one row. Weeks and
// months can split the two periods into different numbers of buckets (the
// 31 days before March span the end of January and February); the shorter
// side's cells stay empty in the rows it lacks, so no bucket is left out.
func seriesTable(series []Point, prev *PeriodReport) *table {
	header := append([]string{"date"}, measuresHeader...)
	n := len(series)
	if prev != nil {
		header = append(append(header, "previous_date"), prefixed("previous_")...)
		n = max(n, len(prev.Series))
	}
	t := newTable(header...)
	empty := func() { t.row = append(t.row, make([]string, 1+len(measuresHeader))...) }
	for i := range n {
		if i < len(series) {
			t.text(series[i].Date.String()).measures(series[i].Measures)
		} else {
			empty()
		}
		if prev != nil {
			if i < len(prev.Series) {
				t.text(prev.Series[i].Date.String()).measures(prev.Series[i].Measures)
			} else {
				empty()
			}
		}
		t.end()
	}
	return t
}

func assetTable(rows []AssetRow) *table {
	t := newTable(append([]string{"asset_id", "text", "field_type", "performance_label"}, measuresHeader...)...)
	for _, row := range rows {
		t.int(row.AssetID).text(row.Text).text(row.FieldType).text(row.PerformanceLabel).measures(row.Measures).end()
	}
	return t
}

// nonNil answers an empty list as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
