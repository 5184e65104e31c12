package googleadstest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

type pageToken struct {
	Query  string `json:"q"`
	Offset int    `json:"o"`
}

// search answers googleAds:search and googleAds:searchStream.
func (c *callCtx) search() *apiError {
	var raw any
	dec := json.NewDecoder(bytes.NewReader(c.body))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return &apiError{status: "INVALID_ARGUMENT", message: "Invalid JSON payload received. " + err.Error(), details: []map[string]any{badRequest("", err.Error())}}
	}
	msgName := "SearchGoogleAdsRequest"
	if c.call == "searchStream" {
		msgName = "SearchGoogleAdsStreamRequest"
	}
	req, derr := decodeMessage(c.version, messages[msgName], raw, nil)
	if derr != nil {
		return &apiError{status: "INVALID_ARGUMENT", message: derr.message, details: []map[string]any{badRequest(derr.field, derr.message)}}
	}
	if _, set := req["page_size"]; set {
		return c.fail("INVALID_ARGUMENT", newErr(path{{"page_size", -1}}, "requestError", "PAGE_SIZE_NOT_SUPPORTED", "Setting the page size is not supported, and will be unavailable in a future version."))
	}
	query := str(req, "query")
	if strings.TrimSpace(query) == "" {
		return c.fail("INVALID_ARGUMENT", newErr(path{{"query", -1}}, "fieldError", "REQUIRED", "The required field was not present."))
	}
	q, qerr := parseGAQL(query)
	if qerr != nil {
		return c.fail("INVALID_ARGUMENT", *qerr)
	}
	offset := 0
	if tok := str(req, "page_token"); tok != "" {
		var pt pageToken
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || json.Unmarshal(b, &pt) != nil || pt.Query != query {
			return c.fail("INVALID_ARGUMENT", newErr(path{{"page_token", -1}}, "requestError", "INVALID_PAGE_TOKEN", "Next page token specified in user request is invalid.").withTrigger(tok))
		}
		offset = pt.Offset
	}
	if q.stats() {
		return c.searchStats(q, req, query, offset) // reports.go
	}
	c.f.mu.Lock()
	all := c.rows(q)
	var rows []row
	for _, r := range all {
		ok := true
		for _, cond := range q.where {
			ok = ok && cond.match(r)
		}
		if ok {
			rows = append(rows, r)
		}
	}
	for i := len(q.orderBy) - 1; i >= 0; i-- {
		o := q.orderBy[i]
		slices.SortStableFunc(rows, func(a, b row) int {
			va, _ := o.field.value(a)
			vb, _ := o.field.value(b)
			n := compare(va, vb)
			if o.desc {
				n = -n
			}
			return n
		})
	}
	if q.limit > 0 && len(rows) > q.limit {
		rows = rows[:q.limit]
	}
	encoded := make([]json.RawMessage, len(rows))
	for i, r := range rows {
		encoded[i] = q.rowJSON(r)
	}
	pageSize := c.f.pageSize
	c.f.mu.Unlock()

	if c.call == "searchStream" {
		var batches []map[string]any
		for start := 0; start < len(encoded) || start == 0; start += pageSize {
			end := min(start+pageSize, len(encoded))
			b := map[string]any{"fieldMask": q.fieldMask(), "requestId": c.requestID}
			if end > start {
				b["results"] = encoded[start:end]
			}
			batches = append(batches, b)
			if end >= len(encoded) {
				break
			}
		}
		writeJSON(c.w, http.StatusOK, batches)
		return nil
	}
	if offset > len(encoded) {
		offset = len(encoded)
	}
	end := min(offset+pageSize, len(encoded))
	out := map[string]any{"fieldMask": q.fieldMask()}
	if end > offset {
		out["results"] = encoded[offset:end]
	}
	if end < len(encoded) {
		b, _ := json.Marshal(pageToken{Query: query, Offset: end})
		out["nextPageToken"] = base64.RawURLEncoding.EncodeToString(b)
	}
	if set, _ := lookup(req, "search_settings.return_total_results_count"); set == true {
		out["totalResultsCount"] = strconv.Itoa(len(encoded))
	}
	writeJSON(c.w, http.StatusOK, out)
	return nil
}
