package campaigns

import (
	"slices"
	"strings"
	"time"

	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

// ListParams is a page request: sort order, position and size.
type ListParams struct {
	Sort  string // e.g. "name" or "-created"
	After *httpapi.Cursor
	Limit int
}

// NewListParams checks a page request against the sorts a list offers.
func NewListParams(sort, cursor string, limit int) (ListParams, error) {
	if sort == "" {
		sort = "created"
	}
	c, err := httpapi.DecodeCursor(cursor, sort)
	if err != nil {
		return ListParams{}, err
	}
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	return ListParams{Sort: sort, After: c, Limit: limit}, nil
}

// build appends filters, the keyset condition, ORDER BY and LIMIT (one more
// than asked, to learn whether another page follows).
func (p ListParams) build(base string, where []string, args []any, sorts map[string]string) (string, []any) {
	s := httpapi.ParseSort(p.Sort)
	col, ok := sorts[s.Key]
	if !ok {
		col = "id"
	}
	var value any
	if p.After != nil {
		value = p.After.Value
		if col == "updated_at" {
			t, _ := time.Parse(time.RFC3339Nano, p.After.Value)
			value = t
		}
	}
	kw, kargs, order := httpapi.Keyset(col, s.Desc, p.After, value)
	if kw != "" {
		where = append(where, kw)
		args = append(args, kargs...)
	}
	q := base
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY " + order + " LIMIT ?"
	args = append(args, p.Limit+1)
	return q, args
}

// checkSort refuses a sort key the list does not offer.
func checkSort(sort string, sorts map[string]string) error {
	if _, ok := sorts[httpapi.ParseSort(sort).Key]; !ok && sort != "" {
		keys := make([]string, 0, len(sorts))
		for k := range sorts {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return errs.Field("query.sort", "unknown sort; use one of "+strings.Join(keys, ", ")+" (prefix - for descending)", sort)
	}
	return nil
}

// Page is one page of a list and the cursor to the next.
type Page[T any] struct {
	Items      []T
	NextCursor string
}

// paginate trims the extra row and makes the next cursor from the last item.
func paginate[T any](items []T, p ListParams, key func(T) (value string, id int64)) Page[T] {
	if len(items) <= p.Limit {
		return Page[T]{Items: items}
	}
	items = items[:p.Limit]
	v, id := key(items[len(items)-1])
	return Page[T]{Items: items, NextCursor: httpapi.Cursor{Sort: p.Sort, Value: v, ID: id}.Encode()}
}

func timeKey(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
