package campaigns

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

// Request and response shapes of the link operations.

// ownerInput names an ad or asset group in the path.
type ownerInput struct {
	ID int64 `path:"id" minimum:"1"`
}

type itemsOutput[T any] struct {
	Body struct {
		Items []T `json:"items" nullable:"false"`
	}
}

type linkAdInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		AssetID     int64       `json:"asset_id" minimum:"1"`
		FieldType   adLinkField `json:"field_type"`
		PinnedField pin         `json:"pinned_field,omitempty" doc:"Fixes the text to a position"`
		Position    *int        `json:"position,omitempty" minimum:"0" doc:"Order within the field type; default after the existing ones"`
	}
}

type linkAssetGroupInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		AssetID   int64               `json:"asset_id" minimum:"1"`
		FieldType assetGroupLinkField `json:"field_type"`
		Position  *int                `json:"position,omitempty" minimum:"0" doc:"Order within the field type; default after the existing ones"`
	}
}

type linkOutput struct {
	Status   int
	Location string `header:"Location"`
	Body     LinkedAsset
}

type linkIDInput struct {
	ID     int64 `path:"id" minimum:"1"`
	LinkID int64 `path:"link_id" minimum:"1"`
}

type updateAdLinkInput struct {
	ID     int64 `path:"id" minimum:"1"`
	LinkID int64 `path:"link_id" minimum:"1"`
	Body   struct {
		PinnedField *pinOrNone `json:"pinned_field,omitempty" doc:"New pin; empty string removes it"`
		Position    *int       `json:"position,omitempty" minimum:"0"`
	}
}

type updateAssetGroupLinkInput struct {
	ID     int64 `path:"id" minimum:"1"`
	LinkID int64 `path:"link_id" minimum:"1"`
	Body   struct {
		Position *int `json:"position,omitempty" minimum:"0"`
	}
}

// Field types and pins of links: the schema of each lists what the policy
// defines, so the API cannot drift from it.
type (
	// adLinkField is a field type of a responsive search ad.
	adLinkField string
	// assetGroupLinkField is a field type of a Performance Max asset group.
	assetGroupLinkField string
	// pin is a position a text of an ad may be pinned to.
	pin string
	// pinOrNone is a pin, or "" for none.
	pinOrNone string
)

func (adLinkField) Schema(huma.Registry) *huma.Schema {
	return httpapi.EnumSchema(policy.RSAFormat.Fields()...)
}

func (assetGroupLinkField) Schema(huma.Registry) *huma.Schema {
	return httpapi.EnumSchema(policy.PerformanceMaxFormat.Fields()...)
}

func (pin) Schema(huma.Registry) *huma.Schema { return httpapi.EnumSchema(policy.AllPins()...) }

func (pinOrNone) Schema(huma.Registry) *huma.Schema {
	return httpapi.EnumSchema(append([]string{""}, policy.AllPins()...)...)
}

// capsOf lists the caps of a format's field types: "HEADLINE 15, …".
func capsOf(f *policy.Format) string {
	parts := make([]string, len(f.Ranges))
	for i, r := range f.Ranges {
		parts[i] = fmt.Sprintf("%s %d", r.Field, r.Max)
	}
	return strings.Join(parts, ", ")
}

// registerLinkRoutes publishes the operations that link assets to ads and
// asset groups, pin and order them, and remove them. They are tagged with the
// asset library, where people meet them.
func registerLinkRoutes(api *httpapi.API, s *Service) {
	tags := []string{"assets"}
	rsa := policy.RSAFormat
	httpapi.Register(api, auth.Editor, huma.Operation{
		OperationID: "link-ad-asset", Method: http.MethodPost, Path: "/api/ads/{id}/assets", Tags: tags,
		Summary: "Link an asset to a responsive search ad",
		Description: fmt.Sprintf("At most %d headlines and %d descriptions per ad (409 naming the cap); only while the campaign is draft or review (409 with its state).",
			rsa.Max(policy.Headline), rsa.Max(policy.Description)),
		DefaultStatus: http.StatusCreated,
	}, func(ctx context.Context, in *linkAdInput) (*linkOutput, error) {
		b := in.Body
		la, err := s.Link(ctx, LinkInput{AssetID: b.AssetID, AdID: in.ID, FieldType: policy.Field(b.FieldType), PinnedField: string(b.PinnedField), Position: deref(b.Position)}, b.Position == nil)
		if err != nil {
			return nil, err
		}
		return &linkOutput{Status: http.StatusCreated, Location: fmt.Sprintf("/api/ads/%d/assets/%d", in.ID, la.ID), Body: la}, nil
	})

	httpapi.Register(api, auth.Editor, huma.Operation{
		OperationID: "link-asset-group-asset", Method: http.MethodPost, Path: "/api/asset-groups/{id}/assets", Tags: tags,
		Summary:       "Link an asset to a Performance Max asset group",
		Description:   "Caps per asset group: " + capsOf(policy.PerformanceMaxFormat) + ". Image field types take IMAGE assets, the others TEXT assets.",
		DefaultStatus: http.StatusCreated,
	}, func(ctx context.Context, in *linkAssetGroupInput) (*linkOutput, error) {
		b := in.Body
		la, err := s.Link(ctx, LinkInput{AssetID: b.AssetID, AssetGroupID: in.ID, FieldType: policy.Field(b.FieldType), Position: deref(b.Position)}, b.Position == nil)
		if err != nil {
			return nil, err
		}
		return &linkOutput{Status: http.StatusCreated, Location: fmt.Sprintf("/api/asset-groups/%d/assets/%d", in.ID, la.ID), Body: la}, nil
	})

	for _, o := range []struct {
		kind           OwnerKind
		path, noun, id string
	}{
		{AdOwner, "/api/ads/{id}/assets", "an ad", "ad"},
		{AssetGroupOwner, "/api/asset-groups/{id}/assets", "an asset group", "asset-group"},
	} {
		httpapi.Register(api, auth.Viewer, huma.Operation{
			OperationID: "list-" + o.id + "-assets", Method: http.MethodGet, Path: o.path, Tags: tags,
			Summary: "List the assets of " + o.noun + ", by field type and position",
		}, func(ctx context.Context, in *ownerInput) (*itemsOutput[LinkedAsset], error) {
			items, err := s.Links(ctx, o.kind, in.ID)
			if err != nil {
				return nil, err
			}
			out := &itemsOutput[LinkedAsset]{}
			out.Body.Items = items
			return out, nil
		})
		httpapi.Register(api, auth.Editor, huma.Operation{
			OperationID: "unlink-" + o.id + "-asset", Method: http.MethodDelete, Path: o.path + "/{link_id}", Tags: tags,
			Summary: "Remove an asset from " + o.noun + " (the asset stays in the library)",
		}, func(ctx context.Context, in *linkIDInput) (*struct{}, error) {
			return nil, s.Unlink(ctx, o.kind, in.ID, in.LinkID)
		})
	}

	httpapi.Register(api, auth.Editor, huma.Operation{
		OperationID: "update-ad-asset-link", Method: http.MethodPatch, Path: "/api/ads/{id}/assets/{link_id}", Tags: tags,
		Summary: "Pin, unpin or reorder an asset of an ad",
	}, func(ctx context.Context, in *updateAdLinkInput) (*linkOutput, error) {
		la, err := s.UpdateLink(ctx, AdOwner, in.ID, in.LinkID, LinkChange{PinnedField: (*string)(in.Body.PinnedField), Position: in.Body.Position})
		if err != nil {
			return nil, err
		}
		return &linkOutput{Status: http.StatusOK, Body: la}, nil
	})

	httpapi.Register(api, auth.Editor, huma.Operation{
		OperationID: "update-asset-group-asset-link", Method: http.MethodPatch, Path: "/api/asset-groups/{id}/assets/{link_id}", Tags: tags,
		Summary: "Reorder an asset of an asset group",
	}, func(ctx context.Context, in *updateAssetGroupLinkInput) (*linkOutput, error) {
		la, err := s.UpdateLink(ctx, AssetGroupOwner, in.ID, in.LinkID, LinkChange{Position: in.Body.Position})
		if err != nil {
			return nil, err
		}
		return &linkOutput{Status: http.StatusOK, Body: la}, nil
	})
}

// registerTextRoutes publishes the operations that replace the texts of an
// ad or asset group in one request.
func registerTextRoutes(api *httpapi.API, s *Service) {
	httpapi.Register(api, auth.Editor, huma.Operation{
		OperationID: "replace-ad-texts", Method: http.MethodPut, Path: "/api/ads/{id}/texts", Tags: []string{"ads"},
		Summary: "Replace the headlines and descriptions of a responsive search ad",
		Description: "Makes the ad's headlines and descriptions exactly the lists given, in order and with their pins, in one transaction. " +
			"Each text is stored once in the asset library (a new one in the campaign's copy language); a text the ad already uses keeps its link, " +
			"texts no longer given are unlinked (their assets stay in the library). The ad as it will be is checked with the campaign's brief first, " +
			"and a refusal names the item (body.headlines[2].text). Only while the campaign is draft or review (409 with its state). " +
			"Send If-Match with the ad's ETag to refuse a lost update (412 when the ad changed since).",
	}, func(ctx context.Context, in *struct {
		httpapi.IDParam
		httpapi.IfMatchParam
		Body AdTexts
	}) (*entityOutput[Ad], error) {
		version, err := httpapi.IfMatch(in.IfMatch)
		if err != nil {
			return nil, err
		}
		a, err := s.ReplaceAdTexts(ctx, in.ID, version, in.Body)
		if err != nil {
			return nil, err
		}
		return output(a, a.Version, ""), nil
	})
	httpapi.Register(api, auth.Editor, huma.Operation{
		OperationID: "replace-asset-group-texts", Method: http.MethodPut, Path: "/api/asset-groups/{id}/texts", Tags: []string{"asset groups"},
		Summary: "Replace the texts of a Performance Max asset group",
		Description: "Makes the asset group's headlines, long headlines, descriptions and business name exactly the ones given, in order, in one transaction; " +
			"its images stay as they are. Texts are stored and linked as for an ad's texts, and checked first with the campaign's brief as Performance Max " +
			"takes them (at most " + capsOf(textFormat(policy.PerformanceMaxFormat)) + "; a refusal names the item, e.g. body.long_headlines[1].text). " +
			"Fewer texts than Google's minimum are accepted: approval requires the minimum. Only while the campaign is draft or review (409 with its state). " +
			"Send If-Match with the asset group's ETag to refuse a lost update (412 when the group changed since).",
	}, func(ctx context.Context, in *struct {
		httpapi.IDParam
		httpapi.IfMatchParam
		Body AssetGroupTexts
	}) (*entityOutput[AssetGroup], error) {
		version, err := httpapi.IfMatch(in.IfMatch)
		if err != nil {
			return nil, err
		}
		g, err := s.ReplaceAssetGroupTexts(ctx, in.ID, version, in.Body)
		if err != nil {
			return nil, err
		}
		return output(g, g.Version, ""), nil
	})
}

// textFormat is f with its text field types only.
func textFormat(f *policy.Format) *policy.Format {
	out := &policy.Format{Name: f.Name}
	for _, r := range f.Ranges {
		if policy.IsText(r.Field) {
			out.Ranges = append(out.Ranges, r)
		}
	}
	return out
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}
