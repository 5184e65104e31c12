package campaigns

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

// registerBulkRoutes publishes the text grid of a campaign, its bulk edit,
// and the change of a text everywhere it is used.
func registerBulkRoutes(api *httpapi.API, s *Service) {
	httpapi.Register(api, auth.Viewer, huma.Operation{
		OperationID: "get-campaign-texts", Method: http.MethodGet, Path: "/api/campaigns/{id}/texts", Tags: []string{"campaigns"},
		Summary:     "Every text of a campaign, for bulk editing",
		Description: "The headlines, descriptions, long headlines and business names of every ad or asset group of the campaign, with the owners (also those without texts) and the caps of each field type. The ETag is the campaign's, which a bulk edit sends as If-Match.",
	}, func(ctx context.Context, in *httpapi.IDParam) (*entityOutput[TextGrid], error) {
		g, err := s.Texts(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return output(g, g.Version, ""), nil
	})

	httpapi.Register(api, auth.Editor, huma.Operation{
		OperationID: "bulk-edit-campaign-texts", Method: http.MethodPost, Path: "/api/campaigns/{id}/texts/bulk", Tags: []string{"campaigns"},
		Summary: "Edit, add and remove many texts of a campaign in one transaction",
		Description: "Applies every item or none. Each ad or asset group an item touches is checked whole, as the items leave it, with the campaign's brief " +
			"(the checks of replacing an ad's or asset group's texts, caps included); a refusal names the item and the place it edits " +
			"(body.items[3].text: ad 12 in ad group \"Winter\", headline 2: …). An edited text gets a new link (the answer gives each item's link). " +
			"If-Match with the campaign's ETag (from GET /api/campaigns/{id}/texts) is required: 428 without it, 412 when the campaign changed since. " +
			"Only while the campaign is draft or review (409 with its state).",
	}, func(ctx context.Context, in *struct {
		httpapi.IDParam
		httpapi.RequiredIfMatchParam
		Body struct {
			Items []BulkTextItem `json:"items" minItems:"1" maxItems:"2000" nullable:"false"`
		}
	}) (*entityOutput[BulkTextsResult], error) {
		version, err := httpapi.RequireIfMatch(in.IfMatch)
		if err != nil {
			return nil, err
		}
		r, err := s.BulkEditTexts(ctx, in.ID, version, in.Body.Items)
		if err != nil {
			return nil, err
		}
		return output(r, r.Grid.Version, ""), nil
	})

	httpapi.Register(api, auth.Editor, huma.Operation{
		OperationID: "replace-text-everywhere", Method: http.MethodPost, Path: "/api/assets/{id}/replace-everywhere", Tags: []string{"assets"},
		Summary: "Change a text in every ad and asset group that uses it",
		Description: "Texts are stored once and shared, so this replaces the text in every place that uses it (each keeps its pin and position; the old text stays in the library). " +
			"places is the number of places the person was shown (where-used); 412 when it is different now. All campaigns using it must be editable (409 naming one that is not), " +
			"and every place is checked as a bulk edit checks it (422 at body.text, naming the place). One transaction: all places change or none.",
	}, func(ctx context.Context, in *struct {
		httpapi.IDParam
		Body struct {
			Text   string `json:"text" minLength:"1" maxLength:"1000"`
			Places int    `json:"places" minimum:"1" doc:"How many places the person agreed to change"`
		}
	}) (*struct{ Body TextPlaces }, error) {
		r, err := s.ReplaceTextEverywhere(ctx, in.ID, in.Body.Text, in.Body.Places)
		if err != nil {
			return nil, err
		}
		return &struct{ Body TextPlaces }{r}, nil
	})
}
