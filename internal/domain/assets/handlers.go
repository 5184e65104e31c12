package assets

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

// Request and response shapes of the asset operations.

type assetOutput struct {
	Status   int
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     Asset
}

func newAssetOutput(a Asset, status int) *assetOutput {
	out := &assetOutput{Status: status, ETag: httpapi.ETag(a.Version), Body: a}
	if status == http.StatusCreated {
		out.Location = "/api/assets/" + strconv.FormatInt(a.ID, 10)
	}
	return out
}

type createTextInput struct {
	Body struct {
		Text       string      `json:"text" minLength:"1" maxLength:"5000" doc:"The text; stored NFC-normalised with whitespace runs folded to one space"`
		Language   string      `json:"language,omitempty" maxLength:"35" doc:"BCP 47 tag, e.g. de or en-GB"`
		Name       string      `json:"name,omitempty" maxLength:"255"`
		Provenance *Provenance `json:"provenance,omitempty" doc:"Where the text came from; default source human"`
	}
}

type uploadImageInput struct {
	RawBody huma.MultipartFormFiles[struct {
		File huma.FormFile `form:"file" required:"true" doc:"PNG, JPEG or GIF, at most 5120 KB and within the pixel limit; the type is read from the bytes"`
		Name string        `form:"name" required:"false" maxLength:"255" doc:"A name for the library"`
	}]
}

type idInput struct {
	ID int64 `path:"id" minimum:"1"`
}

type updateInput struct {
	ID      int64  `path:"id" minimum:"1"`
	IfMatch string `header:"If-Match" doc:"ETag of the version the change is based on; 412 when it is stale"`
	Body    struct {
		Name        *string `json:"name,omitempty" maxLength:"255"`
		Language    *string `json:"language,omitempty" maxLength:"35"`
		AppendEdits []Edit  `json:"append_edits,omitempty" maxItems:"100" doc:"Human edits to add to the provenance record"`
	}
}

type listInput struct {
	httpapi.PageParams
	Sort      string    `query:"sort" enum:"created,-created,text,-text" default:"-created" doc:"Order; text sorts images (no text) first"`
	Type      string    `query:"type" enum:"TEXT,IMAGE"`
	Language  string    `query:"language" maxLength:"35"`
	Q         string    `query:"q" maxLength:"200" doc:"Substring of the text, case-insensitive"`
	Used      string    `query:"used" enum:"true,false" doc:"Only assets that are (true) or are not (false) linked anywhere"`
	FieldType linkField `query:"field_type" doc:"Only assets linked in this field type"`
}

type usageInput struct {
	ID    int64 `path:"id" minimum:"1"`
	Limit int   `query:"limit" minimum:"1" maximum:"200" default:"25" doc:"Items per list at most"`
}

type usagePageInput struct {
	ID     int64  `path:"id" minimum:"1"`
	Cursor string `query:"cursor" maxLength:"2000" doc:"Opaque cursor: the list's entry in next of /usage, or next_cursor of the previous page; empty for the first page"`
	Limit  int    `query:"limit" minimum:"1" maximum:"200" default:"25" doc:"Items per page"`
}

type usagePageOutput[T any] struct {
	Body UsagePage[T]
}

// registerUsageList publishes the pages of one where-used list.
func registerUsageList[T any](api *httpapi.API, id, list, summary, order string, page func(context.Context, int64, string, int) (UsagePage[T], error)) {
	httpapi.Register(api, auth.Viewer, huma.Operation{
		OperationID: id, Method: http.MethodGet, Path: "/api/assets/{id}/usage/" + list, Tags: []string{"assets"},
		Summary: summary,
		Description: order + " Keyset pages: every place that exists while paging is returned exactly once; a cursor made for another list or asset, " +
			"or not made by this API, is refused with 400 naming query.cursor.",
	}, func(ctx context.Context, in *usagePageInput) (*usagePageOutput[T], error) {
		p, err := page(ctx, in.ID, in.Cursor, in.Limit)
		if err != nil {
			return nil, err
		}
		return &usagePageOutput[T]{Body: p}, nil
	})
}

type contentInput struct {
	ID          int64  `path:"id" minimum:"1"`
	IfNoneMatch string `header:"If-None-Match"`
}

type contentOutput struct {
	Status       int
	ContentType  string `header:"Content-Type"`
	ETag         string `header:"ETag"`
	CacheControl string `header:"Cache-Control"`
	Body         []byte
}

// jsonOutput sends a JSON document the database already encoded.
type jsonOutput struct {
	ContentType string `header:"Content-Type"`
	Body        []byte
}

type itemsOutput[T any] struct {
	Body struct {
		Items []T `json:"items" nullable:"false"`
	}
}

// linkField is a field type an ad or asset group links assets in; its
// schema lists the policy's, so the API cannot drift from it.
type linkField string

func (linkField) Schema(huma.Registry) *huma.Schema {
	return httpapi.EnumSchema(policy.LinkFields()...)
}

// uploadLimit caps a multipart upload before it is parsed: huma applies
// MaxBodyBytes to JSON bodies only. The slack covers the form's own bytes.
const uploadLimit = MaxImageBytes + 64<<10

// RegisterRoutes publishes the asset operations on api.
func RegisterRoutes(api *httpapi.API, s *Service) {
	tags := []string{"assets"}
	schemas := api.OpenAPI().Components.Schemas
	assetSchema := schemas.Schema(reflect.TypeFor[Asset](), true, "")

	httpapi.Register(api, auth.Editor, huma.Operation{
		OperationID: "create-text-asset", Method: http.MethodPost, Path: "/api/assets", Tags: tags,
		Summary:       "Create a text asset",
		Description:   "Texts are deduplicated on their normalised form (Unicode NFC, whitespace folded). 201 creates the asset; 200 returns the asset that already has this text, unchanged (name, language and provenance of the request are then ignored).",
		DefaultStatus: http.StatusCreated,
		Responses:     map[string]*huma.Response{"200": existingAssetResponse(assetSchema)},
	}, func(ctx context.Context, in *createTextInput) (*assetOutput, error) {
		ti := TextInput{Text: in.Body.Text, Language: in.Body.Language, Name: in.Body.Name}
		if in.Body.Provenance != nil {
			ti.Provenance = *in.Body.Provenance
		}
		a, created, err := s.CreateText(ctx, ti)
		if err != nil {
			return nil, err
		}
		return newAssetOutput(a, createdStatus(created)), nil
	})

	httpapi.Register(api, auth.Editor, huma.Operation{
		OperationID: "upload-image-asset", Method: http.MethodPost, Path: "/api/assets/images", Tags: tags,
		Summary: "Upload an image asset",
		Description: "Multipart form with the image in `file` and an optional `name`. Images are deduplicated on their bytes: 201 creates the asset; 200 returns the asset of identical bytes, unchanged. " +
			"The image is decoded in full before anything is stored. Refused with 422 naming body.file and the rule code (docs/policy.md): anything but PNG, JPEG or GIF, or pixel data that does not decode (IMAGE_UNREADABLE); " +
			fmt.Sprintf("more than %d megapixels, every frame of a GIF counted (IMAGE_TOO_MANY_PIXELS), or a GIF of more than %d frames (IMAGE_TOO_MANY_FRAMES), both read from the header before decoding.", policy.MaxImagePixels/1_000_000, policy.MaxImageFrames),
		DefaultStatus: http.StatusCreated,
		Responses:     map[string]*huma.Response{"200": existingAssetResponse(assetSchema)},
		Middlewares:   huma.Middlewares{limitUpload(api.API)},
	}, func(ctx context.Context, in *uploadImageInput) (*assetOutput, error) {
		form := in.RawBody.Data()
		defer form.File.Close()
		data, err := io.ReadAll(io.LimitReader(form.File, MaxImageBytes+1))
		if err != nil {
			return nil, &errs.Error{Code: errs.BadRequest, Message: "body.file: could not be read", Fields: []errs.FieldError{{Location: "body.file", Message: "could not be read"}}}
		}
		a, created, err := s.UploadImage(ctx, ImageInput{Data: data, Name: form.Name})
		if err != nil {
			return nil, err
		}
		return newAssetOutput(a, createdStatus(created)), nil
	})

	// A page of the library reads assets and asset_links only, both in the
	// graph epoch: it is kept until the graph changes.
	pages := httpapi.NewPageCache[listInput](s.db)
	httpapi.Register(api, auth.Viewer, huma.Operation{
		OperationID: "list-assets", Method: http.MethodGet, Path: "/api/assets", Tags: tags,
		Summary:   "List assets",
		Responses: httpapi.ListResponses[Asset](api),
	}, func(ctx context.Context, in *listInput) (*httpapi.JSONOutput, error) {
		after, err := httpapi.DecodeCursor(in.Cursor, in.Sort)
		if err != nil {
			return nil, err
		}
		return pages.Get(ctx, *in, func(ctx context.Context) (any, error) {
			f := ListFilter{Type: in.Type, Language: in.Language, Query: in.Q, FieldType: string(in.FieldType), Sort: in.Sort, Limit: in.Limit, After: after}
			if in.Used != "" {
				used := in.Used == "true"
				f.Used = &used
			}
			items, next, err := s.List(ctx, f)
			if err != nil {
				return nil, err
			}
			return httpapi.NewListBody(items, next), nil
		})
	})

	httpapi.Register(api, auth.Viewer, huma.Operation{
		OperationID: "get-asset", Method: http.MethodGet, Path: "/api/assets/{id}", Tags: tags,
		Summary: "Get an asset",
	}, func(ctx context.Context, in *idInput) (*assetOutput, error) {
		a, err := s.Get(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return newAssetOutput(a, http.StatusOK), nil
	})

	httpapi.Register(api, auth.Editor, huma.Operation{
		OperationID: "update-asset", Method: http.MethodPatch, Path: "/api/assets/{id}", Tags: tags,
		Summary:     "Update an asset's name, language or provenance edits",
		Description: "The content (text or image bytes) is the asset's identity and cannot change: create a new asset instead. Edits in append_edits are added to the provenance record.",
	}, func(ctx context.Context, in *updateInput) (*assetOutput, error) {
		version, err := httpapi.IfMatch(in.IfMatch)
		if err != nil {
			return nil, err
		}
		a, err := s.Update(ctx, in.ID, Update{Name: in.Body.Name, Language: in.Body.Language, AppendEdits: in.Body.AppendEdits, IfVersion: version})
		if err != nil {
			return nil, err
		}
		return newAssetOutput(a, http.StatusOK), nil
	})

	httpapi.Register(api, auth.Editor, huma.Operation{
		OperationID: "delete-asset", Method: http.MethodDelete, Path: "/api/assets/{id}", Tags: tags,
		Summary:     "Delete an unused asset",
		Description: "409 with usage_count while ads or asset groups still link to it.",
	}, func(ctx context.Context, in *idInput) (*struct{}, error) {
		return nil, s.Delete(ctx, in.ID)
	})

	binary := &huma.Schema{Type: "string", Format: "binary"}
	contentTypes := map[string]*huma.MediaType{}
	for _, ct := range []string{"image/png", "image/jpeg", "image/gif", "text/plain"} {
		contentTypes[ct] = &huma.MediaType{Schema: binary}
	}
	httpapi.Register(api, auth.Viewer, huma.Operation{
		OperationID: "get-asset-content", Method: http.MethodGet, Path: "/api/assets/{id}/content", Tags: tags,
		Summary:     "Download an asset's content",
		Description: "The image bytes (or the text as text/plain). The ETag is the content hash; the content of an asset never changes, so it may be cached forever.",
		Responses:   map[string]*huma.Response{"200": {Description: "The content", Content: contentTypes}},
	}, func(ctx context.Context, in *contentInput) (*contentOutput, error) {
		c, err := s.Content(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		out := &contentOutput{Status: http.StatusOK, ContentType: c.MimeType, ETag: `"` + c.Hash + `"`,
			CacheControl: "private, max-age=31536000, immutable", Body: c.Data}
		if etagMatches(in.IfNoneMatch, out.ETag) {
			out.Status, out.Body, out.ContentType = http.StatusNotModified, nil, ""
		}
		return out, nil
	})

	usageSchema := schemas.Schema(reflect.TypeFor[Usage](), true, "")
	httpapi.Register(api, auth.Viewer, huma.Operation{
		OperationID: "get-asset-usage", Method: http.MethodGet, Path: "/api/assets/{id}/usage", Tags: tags,
		Summary: "Where an asset is used",
		Description: "The graph around an asset: how many campaigns, ad groups, ads, asset groups and keywords (of those ad groups) use it, " +
			"the first page of each list, and in `next` the cursor of each list that continues (GET /api/assets/{id}/usage/{list}?cursor=…). " +
			"counts.campaigns > 1 means campaigns share the asset. The answer is bounded: at most `limit` items per list.",
		Responses: map[string]*huma.Response{"200": {Description: "The where-used graph, first pages", Content: map[string]*huma.MediaType{"application/json": {Schema: usageSchema}}}},
	}, func(ctx context.Context, in *usageInput) (*jsonOutput, error) {
		doc, err := s.WhereUsedJSON(ctx, in.ID, in.Limit)
		if err != nil {
			return nil, err
		}
		return &jsonOutput{ContentType: "application/json", Body: doc}, nil
	})
	registerUsageList(api, "list-asset-usage-campaigns", UsageCampaigns, "Campaigns that use an asset", "Ordered by id.", s.UsageCampaigns)
	registerUsageList(api, "list-asset-usage-ad-groups", UsageAdGroups, "Ad groups whose ads use an asset", "Ordered by campaign and id.", s.UsageAdGroups)
	registerUsageList(api, "list-asset-usage-ads", UsageAds, "Ads that use an asset", "One item per link, ordered by campaign, ad group, ad and field type.", s.UsageAds)
	registerUsageList(api, "list-asset-usage-asset-groups", UsageAssetGroups, "Asset groups that use an asset", "One item per link, ordered by campaign, asset group and field type.", s.UsageAssetGroups)
	registerUsageList(api, "list-asset-usage-keywords", UsageKeywords, "Keywords of the ad groups that use an asset", "Ordered by ad group, text (byte order), match type and negative.", s.UsageKeywords)

	// Read from assets and asset_links: kept until the graph changes.
	campaignAssets := httpapi.NewPageCache[int64](s.db)
	httpapi.Register(api, auth.Viewer, huma.Operation{
		OperationID: "list-campaign-assets", Method: http.MethodGet, Path: "/api/campaigns/{id}/assets", Tags: tags,
		Summary:   "Assets a campaign uses, with link counts",
		Responses: httpapi.BodyResponses[itemsOutput[CampaignAsset]](api),
	}, func(ctx context.Context, in *idInput) (*httpapi.JSONOutput, error) {
		return campaignAssets.Get(ctx, in.ID, func(ctx context.Context) (any, error) {
			items, err := s.CampaignAssets(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			out := itemsOutput[CampaignAsset]{}
			out.Body.Items = items
			return out.Body, nil
		})
	})
}

func existingAssetResponse(schema *huma.Schema) *huma.Response {
	return &huma.Response{
		Description: "The content already existed: this is that asset, unchanged",
		Content:     map[string]*huma.MediaType{"application/json": {Schema: schema}},
	}
}

func createdStatus(created bool) int {
	if created {
		return http.StatusCreated
	}
	return http.StatusOK
}

// etagMatches reports whether an If-None-Match header names etag.
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// limitUpload refuses an upload larger than uploadLimit before the form is
// parsed, and caps what is read when the size is not announced.
func limitUpload(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		r, w := humago.Unwrap(ctx)
		if r.ContentLength > uploadLimit {
			_ = huma.WriteErr(api, ctx, http.StatusRequestEntityTooLarge,
				fmt.Sprintf("body: larger than the limit of %d bytes (images may be at most 5120 KB)", uploadLimit))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, uploadLimit)
		next(ctx)
	}
}
