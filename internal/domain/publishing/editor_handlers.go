package publishing

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"reflect"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

// editorContentType is how an Editor file is served: Editor's own encoding.
const editorContentType = "text/csv; charset=utf-16"

// importBodyLimit caps an import request: the file and a multipart form's
// own bytes.
const importBodyLimit = MaxEditorFileBytes + 64<<10

type editorExportOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

type editorImportInput struct {
	Format      string `query:"format" enum:"editor" required:"true" doc:"editor: a Google Ads Editor file"`
	Name        string `query:"name" maxLength:"255" doc:"The new campaign's name; default the file's"`
	Currency    string `query:"currency" pattern:"^[A-Z]{3}$" doc:"The account's currency (Editor files give amounts without one); default EUR"`
	ContentType string `header:"Content-Type"`
	RawBody     []byte
}

// RegisterEditorRoutes publishes the Google Ads Editor file operations.
func RegisterEditorRoutes(api *httpapi.API, e *Editor) {
	tags := []string{"publishing"}
	httpapi.Register(api, auth.Viewer, huma.Operation{OperationID: "export-campaign", Method: http.MethodGet, Path: "/api/campaigns/{id}/export",
		Summary: "Download a campaign as a Google Ads Editor file",
		Description: "format=editor: the file Google Ads Editor exports and imports — UTF-16LE with a byte-order mark, tab-separated, CRLF line ends, the standard English column headers; " +
			"a row for the campaign, each location, ad group, keyword, responsive search ad (headlines and descriptions with their pin positions) and Performance Max asset group (its texts; images are not part of the file). " +
			"A cell starting with = + - @, a tab or a carriage return is prefixed with ' so a spreadsheet shows it as text instead of running it as a formula; the import removes exactly that prefix.",
		Tags: tags,
		Responses: map[string]*huma.Response{"200": {Description: "The file, as an attachment",
			Content: map[string]*huma.MediaType{"text/csv": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}}},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			Format string `query:"format" enum:"editor" required:"true" doc:"editor: a Google Ads Editor file"`
		}) (*editorExportOutput, error) {
			body, name, err := e.ExportEditor(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return &editorExportOutput{ContentType: editorContentType, ContentDisposition: `attachment; filename="` + name + `"`, Body: body}, nil
		})

	reportSchema := api.OpenAPI().Components.Schemas.Schema(reflect.TypeFor[ImportReport](), true, "")
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "import-campaign", Method: http.MethodPost, Path: "/api/campaigns/import",
		Summary: "Import a Google Ads Editor file as a new draft campaign",
		Description: fmt.Sprintf("The file as the body (any content type) or as the field file of a multipart form; at most %d MiB and %d rows. ", MaxEditorFileBytes>>20, MaxEditorRows) +
			"UTF-16 (LE or BE) with a byte-order mark or UTF-8, tab- or comma-separated; headers in English, case, spaces and underscores ignored. " +
			"One campaign per file; it becomes a new draft (an existing campaign is never changed), checked as every write is (each text by the policy). " +
			"201 answers the report, row by row, and the new campaign's id. A file with any error is refused as a whole and nothing is stored: 422 with the report in the member report " +
			"(and the first errors as errors[], located \"row 7, Headline 3\"); warnings (unknown columns, settings IMAP Hub does not keep) do not refuse it. " +
			"A file that cannot be read as a table (encoding, quotes, size) is a 422 at body.file; a body over the limit is 413.",
		Tags: tags, DefaultStatus: http.StatusCreated, MaxBodyBytes: importBodyLimit,
		// The body is read by importedFile, whichever of the two forms it has.
		SkipValidateBody: true,
		RequestBody: &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
			"text/csv": {Schema: &huma.Schema{Type: "string", Format: "binary"}},
			"multipart/form-data": {Schema: &huma.Schema{Type: "object", Required: []string{"file"},
				Properties: map[string]*huma.Schema{"file": {Type: "string", Format: "binary", Description: "The Editor file"}}}},
		}},
		Responses:   map[string]*huma.Response{"422": {Description: "The file cannot be read, or has errors (the report is in the member report); nothing was stored", Content: map[string]*huma.MediaType{"application/problem+json": {Schema: &huma.Schema{Type: "object", Properties: map[string]*huma.Schema{"report": reportSchema}}}}}},
		Middlewares: huma.Middlewares{limitImport(api.API)},
	}, func(ctx context.Context, in *editorImportInput) (*struct{ Body ImportReport }, error) {
		data, err := importedFile(in.ContentType, in.RawBody)
		if err != nil {
			return nil, err
		}
		rep, err := e.ImportEditor(ctx, data, ImportOptions{Name: in.Name, Currency: in.Currency})
		if err != nil {
			return nil, err
		}
		return &struct{ Body ImportReport }{rep}, nil
	})
}

// importedFile is the file of an import request: the body, or the field
// file of a multipart form.
func importedFile(contentType string, body []byte) ([]byte, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" {
		return body, nil
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, errs.Field("body.file", "the form has no field file holding the Editor file", nil)
		}
		if err != nil {
			return nil, errs.Field("body.file", "the multipart form cannot be read: "+err.Error(), nil)
		}
		if p.FormName() != "file" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(p, MaxEditorFileBytes+1))
		if err != nil {
			return nil, errs.Field("body.file", "the multipart form cannot be read: "+err.Error(), nil)
		}
		return data, nil
	}
}

// limitImport refuses a body announced larger than the limit before any of it
// is read.
func limitImport(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		r, _ := humago.Unwrap(ctx)
		if r.ContentLength > importBodyLimit {
			_ = huma.WriteErr(api, ctx, http.StatusRequestEntityTooLarge,
				fmt.Sprintf("body: %d bytes; an Editor file may be at most %d MiB", r.ContentLength, MaxEditorFileBytes>>20))
			return
		}
		next(ctx)
	}
}
