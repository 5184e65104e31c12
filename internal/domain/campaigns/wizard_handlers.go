package campaigns

import (
	"context"
	"errors"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

// RegisterWizardRoutes publishes the generation operations. They run the
// generation within the request; the job system will run the same Wizard
// methods in the background.
func RegisterWizardRoutes(api *httpapi.API, s *Wizard) {
	tags := []string{"generation"}
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "generate-ad", Method: http.MethodPost, Path: "/api/ad-groups/{id}/generate",
		Summary: "Write a responsive search ad from the brief",
		Description: "Writes validated copy from the campaign's brief: a new ad (mode new), the missing items of an ad (fill_gaps), or one item again " +
			"(regenerate, with slot such as headlines[3]). Texts already used in the ad group are not proposed again. The campaign must be in draft or review. " +
			"When the model wrote only part of the set, the valid part is stored and report.complete is false; when it wrote nothing valid, the answer is 502 with the report.",
		Tags: tags},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			Body GenerateInput
		}) (*struct{ Body AdGeneration }, error) {
			out, err := s.GenerateAd(ctx, in.ID, in.Body, nil)
			if err != nil {
				return nil, generationProblem(err)
			}
			return &struct{ Body AdGeneration }{out}, nil
		})
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "generate-asset-group", Method: http.MethodPost, Path: "/api/asset-groups/{id}/generate",
		Summary: "Write Performance Max text from the brief",
		Description: "Writes validated headlines, long headlines and descriptions from the campaign's brief and links them to the asset group, with the brief's " +
			"business name when the group has none. Modes as for ad groups; new needs a group without texts, regenerate takes slot such as long_headlines[1].",
		Tags: tags},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			Body GenerateInput
		}) (*struct{ Body AssetGroupGeneration }, error) {
			out, err := s.GenerateAssetGroup(ctx, in.ID, in.Body, nil)
			if err != nil {
				return nil, generationProblem(err)
			}
			return &struct{ Body AssetGroupGeneration }{out}, nil
		})
}

// generationProblem answers a generation that wrote nothing with 502: the
// request was fine, the model behind us failed. The report goes along so the
// client sees the rejected candidates.
func generationProblem(err error) error {
	var failed *GenerationFailedError
	if !errors.As(err, &failed) {
		return err
	}
	return &httpapi.Problem{Status: http.StatusBadGateway, Title: http.StatusText(http.StatusBadGateway), Code: "generation_failed",
		Detail: "the language model wrote no valid copy: " + failed.Report.Stop, Extra: map[string]any{"report": failed.Report}}
}
