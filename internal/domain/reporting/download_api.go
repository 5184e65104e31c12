package reporting

import (
	"context"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
	"github.com/imaphub/imaphub/internal/platform/jobs"
)

// DownloadInput asks for a download of an account's reports.
type DownloadInput struct {
	CustomerID string `json:"customer_id" maxLength:"12" doc:"The Google Ads account, ten digits (dashes allowed)" example:"111-111-1111"`
	From       Day    `json:"from" doc:"First day, YYYY-MM-DD (the account's time zone)"`
	To         Day    `json:"to" doc:"Last day, YYYY-MM-DD, at most today; at most three years after from"`
}

// DownloadStarted is the answer to a download request.
type DownloadStarted struct {
	Job    jobs.Job `json:"job"`
	Events string   `json:"events" doc:"Server-sent events of the job's progress"`
}

// RegisterRoutes publishes POST /api/reports/downloads.
func (j *DownloadJobs) RegisterRoutes(api *httpapi.API) {
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "report-download", Method: http.MethodPost, Path: "/api/reports/downloads",
		Summary: "Download an account's Google Ads reports for a range of days in the background",
		Description: "Starts a job that downloads, per day, the campaign, ad group, ad, keyword, asset group and asset reports of the account over googleAds:searchStream " +
			"and stores them (upserted by day and entity: downloading a range again changes only what Google changed). Watch it at the returned events URL " +
			"(\"Downloading 3/14: 2026-11-03 (keyword)\"). Every connected account is also downloaded daily: yesterday and the lookback window (IMAPHUB_REPORTS_LOOKBACK_DAYS). " +
			"409 while a download of the same range runs; 503 (code google_ads_not_connected) when Google Ads is not configured, naming the settings to make.",
		Tags: []string{"reports"}, DefaultStatus: http.StatusAccepted, Errors: []int{http.StatusConflict, http.StatusServiceUnavailable}},
		func(ctx context.Context, in *struct{ Body DownloadInput }) (*struct {
			Location string `header:"Location"`
			Body     DownloadStarted
		}, error) {
			var uid int64
			if p := auth.FromContext(ctx); p != nil {
				uid = p.UserID
			}
			job, err := j.Start(ctx, DownloadArgs{CustomerID: in.Body.CustomerID, From: in.Body.From, To: in.Body.To}, uid)
			if e := errs.As(err); e != nil && e.Code == errs.Invalid {
				return nil, e.Under("body") // the request's fields are in its body
			}
			if err != nil {
				return nil, err
			}
			out := &struct {
				Location string `header:"Location"`
				Body     DownloadStarted
			}{Location: fmt.Sprintf("/api/jobs/%d", job.ID)}
			out.Body = DownloadStarted{Job: job, Events: fmt.Sprintf("/api/jobs/%d/events", job.ID)}
			return out, nil
		})
}
