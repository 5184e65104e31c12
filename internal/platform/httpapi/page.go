package httpapi

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/imaphub/imaphub/internal/platform/errs"
)

// PageParams are the query parameters every list accepts.
type PageParams struct {
	Cursor string `query:"cursor" doc:"Opaque cursor: the next_cursor of the previous page"`
	Limit  int    `query:"limit" minimum:"1" maximum:"500" default:"50" doc:"Items per page"`
}

// Cursor is the position after the last item of a page: the value of the sort
// column and the id (the tie-breaker), tied to the sort it was made for.
type Cursor struct {
	Sort  string `json:"s"`
	Value string `json:"v,omitempty"`
	ID    int64  `json:"i"`
}

// Encode returns the opaque form sent to clients.
func (c Cursor) Encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor reads a cursor sent back by a client. An empty string means the
// first page (nil). A cursor made for another sort order is refused: resuming
// it would skip or repeat items.
func DecodeCursor(s, sort string) (*Cursor, error) {
	if s == "" {
		return nil, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	var c Cursor
	if err == nil {
		err = json.Unmarshal(raw, &c)
	}
	if err != nil || c.ID <= 0 {
		return nil, errs.Field("query.cursor", "not a cursor returned by this API", s)
	}
	if c.Sort != sort {
		return nil, errs.Field("query.cursor", fmt.Sprintf("cursor was made for sort %q, not %q", c.Sort, sort), s)
	}
	return &c, nil
}

// Sort is a parsed sort parameter: a column key and a direction.
type Sort struct {
	Key  string
	Desc bool
}

// ParseSort reads "name" or "-name".
func ParseSort(s string) Sort {
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		return Sort{Key: rest, Desc: true}
	}
	return Sort{Key: s}
}

// Keyset returns the SQL (with ? placeholders) that continues after cursor in
// the order of column and then id, and the ORDER BY clause. column is trusted
// text from the store, never user input.
func Keyset(column string, desc bool, after *Cursor, value any) (where string, args []any, orderBy string) {
	dir, cmp := "ASC", ">"
	if desc {
		dir, cmp = "DESC", "<"
	}
	if column == "id" {
		orderBy = "id " + dir
		if after != nil {
			where = "id " + cmp + " ?"
			args = []any{after.ID}
		}
		return
	}
	orderBy = column + " " + dir + ", id " + dir
	if after != nil {
		where = "(" + column + " " + cmp + " ? OR (" + column + " = ? AND id " + cmp + " ?))"
		args = []any{value, value, after.ID}
	}
	return
}

// ListOutput is the body of every list response.
type ListOutput[T any] struct {
	Body struct {
		Items      []T    `json:"items" nullable:"false"`
		NextCursor string `json:"next_cursor,omitempty" doc:"Present when more items follow"`
	}
}

// ETag is the entity tag of a row version.
func ETag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// IfMatch reads an If-Match header against the version of a row. An empty
// header is no condition (0, nil); "*" matches any existing row (0, nil).
func IfMatch(header string) (int64, error) {
	h := strings.TrimSpace(header)
	if h == "" || h == "*" {
		return 0, nil
	}
	if strings.Contains(h, ",") {
		return 0, &errs.Error{Code: errs.BadRequest, Message: "header.If-Match: send exactly one ETag", Fields: []errs.FieldError{{Location: "header.If-Match", Message: "send exactly one ETag", Value: header}}}
	}
	h = strings.TrimPrefix(h, "W/")
	v, err := strconv.ParseInt(strings.Trim(h, `"`), 10, 64)
	if err != nil || v <= 0 || !strings.HasPrefix(h, `"`) || !strings.HasSuffix(h, `"`) {
		return 0, &errs.Error{Code: errs.BadRequest, Message: "header.If-Match: not an ETag of this API", Fields: []errs.FieldError{{Location: "header.If-Match", Message: "not an ETag of this API", Value: header}}}
	}
	return v, nil
}

// RequireIfMatch reads the If-Match header of a write that must name the
// version it is based on: absent, or "*", is 428.
func RequireIfMatch(header string) (int64, error) {
	v, err := IfMatch(header)
	if err == nil && v == 0 {
		return 0, &errs.Error{Code: errs.PreconditionRequired,
			Message: "header.If-Match: required; send the ETag of the version you reviewed (from GET or the last change)",
			Fields:  []errs.FieldError{{Location: "header.If-Match", Message: "required"}}}
	}
	return v, err
}

// StaleVersion is the error for a write conditioned on version sent (the
// If-Match it came with) when the entity is at version current: it names
// both ETags.
func StaleVersion(sent, current int64) error {
	return &errs.Error{
		Code:    errs.PreconditionFailed,
		Message: fmt.Sprintf("header.If-Match: %s is stale; the current ETag is %s (reload and apply your change again)", ETag(sent), ETag(current)),
		Fields:  []errs.FieldError{{Location: "header.If-Match", Message: "stale ETag", Value: ETag(sent)}},
		Extra:   map[string]any{"current_etag": ETag(current)},
	}
}

// IDParam is the numeric id in an operation's path.
type IDParam struct {
	ID int64 `path:"id" minimum:"1" doc:"Numeric id"`
}

// RequiredIfMatchParam carries the If-Match header of a write that must name
// the version it is based on (lifecycle events); see RequireIfMatch.
type RequiredIfMatchParam struct {
	IfMatch string `header:"If-Match" required:"true" doc:"ETag of the version the event is meant for; 428 without it, 412 when the entity changed since"`
}

// IfMatchParam carries the optional If-Match header of a write.
type IfMatchParam struct {
	IfMatch string `header:"If-Match" doc:"ETag from a previous read; the write fails with 412 if the entity changed since"`
}
