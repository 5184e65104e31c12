package generation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
	"github.com/imaphub/imaphub/internal/platform/jobs"
)

// RegisterRoutes publishes the generation operations for one ad group or
// asset group. They run the generation within the request; the generation
// job (Jobs) runs the same Service methods in the background.
func RegisterRoutes(api *httpapi.API, s *Service) {
	tags := []string{"generation"}
	rsa, pmax := policy.RSAFormat, policy.PerformanceMaxFormat
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "generate-ad", Method: http.MethodPost, Path: "/api/ad-groups/{id}/generate",
		Summary: "Write a responsive search ad from the brief",
		Description: "Writes validated copy from the campaign's brief: a new ad (mode new), the missing items of an ad (fill_gaps), or one item again " +
			"(regenerate, with slot such as headlines[3]). Texts already used in the ad group are not proposed again. The campaign must be in draft or review. " +
			fmt.Sprintf("When the model wrote only part of the set, the valid part is stored and report.complete is false, provided the ad then has at least %d headlines and %d descriptions ",
				rsa.Min(policy.Headline), rsa.Min(policy.Description)) +
			"(display paths do not count); otherwise nothing is stored and the answer is 502 with the report, saying what was missing and why candidates were rejected.",
		Tags: tags},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			Body GenerateInput
		}) (*struct{ Body AdGeneration }, error) {
			out, err := s.GenerateAd(ctx, in.ID, in.Body, nil)
			logGeneration(ctx, api.Logger, "ad_group", in.ID, out.Report, err)
			if err != nil {
				return nil, generationProblem(err)
			}
			return &struct{ Body AdGeneration }{out}, nil
		})
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "generate-asset-group", Method: http.MethodPost, Path: "/api/asset-groups/{id}/generate",
		Summary: "Write Performance Max text from the brief",
		Description: "Writes validated headlines, long headlines and descriptions from the campaign's brief and links them to the asset group, with the brief's " +
			"business name when the group has none. Modes as for ad groups; new needs a group without texts, regenerate takes slot such as long_headlines[1]. " +
			fmt.Sprintf("A run that stopped early stores its valid part only when the group then has Performance Max's minimum texts (%d headlines, one of at most %d characters, "+
				"%d long headline, %d descriptions, one of at most %d); otherwise the answer is 502 with the report.",
				pmax.Min(policy.Headline), pmax.ShortHeadline, pmax.Min(policy.LongHeadline), pmax.Min(policy.Description), pmax.ShortDescription),
		Tags: tags},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			Body GenerateInput
		}) (*struct{ Body AssetGroupGeneration }, error) {
			out, err := s.GenerateAssetGroup(ctx, in.ID, in.Body, nil)
			logGeneration(ctx, api.Logger, "asset_group", in.ID, out.Report, err)
			if err != nil {
				return nil, generationProblem(err)
			}
			return &struct{ Body AssetGroupGeneration }{out}, nil
		})
}

// generationProblem answers a generation that wrote too little to store with
// 502: the request was fine, the model behind us failed. The detail says what
// was missing and why candidates were rejected; the report goes along.
func generationProblem(err error) error {
	var failed *GenerationFailedError
	if !errors.As(err, &failed) {
		return err
	}
	return &httpapi.Problem{Status: http.StatusBadGateway, Title: http.StatusText(http.StatusBadGateway), Code: "generation_failed",
		Detail: failed.Error(), Extra: map[string]any{"report": failed.Report}}
}

// logGeneration logs a run that stopped early, with the provider's own error
// (a refused request's explanation is only in its answer's body).
func logGeneration(ctx context.Context, log *slog.Logger, target string, id int64, report GenerationReport, err error) {
	if log == nil {
		log = slog.Default()
	}
	var failed *GenerationFailedError
	switch {
	case errors.As(err, &failed):
		log.WarnContext(ctx, "generation failed, nothing stored", target, id, "reason", failed.Report.Summary(), "err", failed.Report.Error)
	case err == nil && report.Error != "":
		log.WarnContext(ctx, "generation incomplete, valid part stored", target, id, "reason", report.Summary(), "err", report.Error)
	}
}

// StartGenerationInput picks what a generation job writes for.
type StartGenerationInput struct {
	AdGroupID    int64 `json:"ad_group_id,omitempty" minimum:"0" doc:"Only this ad group"`
	AssetGroupID int64 `json:"asset_group_id,omitempty" minimum:"0" doc:"Only this asset group"`
}

// GenerationStarted is the answer to starting a generation.
type GenerationStarted struct {
	Job      jobs.Job           `json:"job"`
	Campaign campaigns.Campaign `json:"campaign"`
	Events   string             `json:"events" doc:"Server-sent events of the job's progress"`
}

// RegisterRoutes publishes POST /api/campaigns/{id}/generate.
func (g *Jobs) RegisterRoutes(api *httpapi.API) {
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "campaign-generate", Method: http.MethodPost, Path: "/api/campaigns/{id}/generate",
		Summary:     "Generate the campaign's copy in the background",
		Description: "Moves the campaign to generating and starts a job that writes responsive search ads (search) or asset group texts (Performance Max) for every ad group or asset group — or only the one named — creating one from the brief when there is none. Watch it at the returned events URL; the campaign then moves to review, or to failed. A lifecycle event: If-Match with the campaign's ETag is required (428 without it, 412 when the campaign changed since). 409 when the campaign's state does not allow it.",
		Tags:        []string{"lifecycle"}, DefaultStatus: http.StatusAccepted},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			httpapi.RequiredIfMatchParam
			Body *StartGenerationInput
		}) (*struct {
			Location string `header:"Location"`
			Body     GenerationStarted
		}, error) {
			args := GenerateArgs{CampaignID: in.ID}
			if in.Body != nil {
				args.AdGroupID, args.AssetGroupID = in.Body.AdGroupID, in.Body.AssetGroupID
			}
			if args.AdGroupID != 0 && args.AssetGroupID != 0 {
				return nil, errs.Field("body.asset_group_id", "name an ad group or an asset group, not both", args.AssetGroupID)
			}
			var uid int64
			if p := auth.FromContext(ctx); p != nil {
				uid = p.UserID
			}
			version, err := httpapi.RequireIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			j, c, err := g.Start(ctx, args, uid, version)
			if err != nil {
				return nil, err
			}
			out := &struct {
				Location string `header:"Location"`
				Body     GenerationStarted
			}{Location: fmt.Sprintf("/api/jobs/%d", j.ID)}
			out.Body = GenerationStarted{Job: j, Campaign: c, Events: fmt.Sprintf("/api/jobs/%d/events", j.ID)}
			return out, nil
		})
}
