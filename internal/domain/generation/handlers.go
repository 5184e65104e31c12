package generation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
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
