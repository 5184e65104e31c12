package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// Kept answers: a read whose answer depends on the campaign graph alone (a
// list of assets, of campaigns) keeps its encoded JSON per process until the
// graph epoch moves (db.GraphCache), so a repeated request costs one epoch
// read and a copy of bytes instead of row stepping and reflection.

// keptPageBytes bounds the JSON each kept list holds per process.
const keptPageBytes = 32 << 20

// PageCache keeps the encoded pages of one list under its normalized
// parameters K (a comparable struct of every input that shapes the answer).
type PageCache[K comparable] struct {
	c *db.GraphCache[K, []byte]
}

// NewPageCache returns an empty cache of a list's pages.
func NewPageCache[K comparable](d *db.DB) *PageCache[K] {
	return &PageCache[K]{c: db.NewGraphBytesCache[K](d, keptPageBytes)}
}

// NewEpochPageCache returns an empty cache of a list's pages that are kept
// while the integer the query epoch reads is unchanged (see
// db.NewEpochBytesCache).
func NewEpochPageCache[K comparable](d *db.DB, epoch string) *PageCache[K] {
	return &PageCache[K]{c: db.NewEpochBytesCache[K](d, keptPageBytes, epoch)}
}

// Get returns key's page as JSON: kept when it was encoded since the graph
// last changed, otherwise built now (and kept).
func (p *PageCache[K]) Get(ctx context.Context, key K, build func(context.Context) (any, error)) (*JSONOutput, error) {
	body, err := p.c.Get(ctx, key, func(ctx context.Context) ([]byte, error) {
		v, err := build(ctx)
		if err != nil {
			return nil, err
		}
		return EncodeJSON(v)
	})
	if err != nil {
		return nil, err
	}
	return NewJSONOutput(body), nil
}

// JSONOutput answers 200 with JSON that is already encoded. The body is
// written by a function, so the operation's documented response is the one
// given to Register (see ListResponses), not a schema of bytes.
type JSONOutput struct {
	Body func(huma.Context)
}

// NewJSONOutput sends body as application/json.
func NewJSONOutput(body []byte) *JSONOutput {
	return &JSONOutput{Body: func(ctx huma.Context) {
		ctx.SetHeader("Content-Type", "application/json")
		ctx.SetHeader("Content-Length", strconv.Itoa(len(body)))
		ctx.SetStatus(http.StatusOK)
		_, _ = ctx.BodyWriter().Write(body)
	}}
}

// EncodeJSON encodes v as huma encodes a response body: without HTML
// escaping, with a final newline.
func EncodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode answer: %w", err)
	}
	return buf.Bytes(), nil
}

// ListResponses documents the 200 answer of a list of T sent as a
// JSONOutput: the same schema, under the same name, as a ListOutput[T].
func ListResponses[T any](api *API) map[string]*huma.Response {
	return BodyResponses[ListOutput[T]](api)
}

// BodyResponses documents the 200 answer of an operation that sends the
// Body of O as a JSONOutput: the schema, under the name, huma gives an
// output O.
func BodyResponses[O any](api *API) map[string]*huma.Response {
	out := reflect.TypeFor[O]()
	f, _ := out.FieldByName("Body")
	schema := api.OpenAPI().Components.Schemas.Schema(f.Type, true, out.Name()+"Body")
	return map[string]*huma.Response{"200": {
		Description: "OK",
		Content:     map[string]*huma.MediaType{"application/json": {Schema: schema}},
	}}
}

// NewListBody is the body of a ListOutput[T]: the form a kept page encodes.
func NewListBody[T any](items []T, next string) any {
	var out ListOutput[T]
	out.Body.Items, out.Body.NextCursor = items, next
	return out.Body
}
