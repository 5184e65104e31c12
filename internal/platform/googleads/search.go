package googleads

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/imaphub/imaphub/internal/platform/errs"
)

// AccessibleCustomers is customers:listAccessibleCustomers' answer: the
// accounts the Google user of the refresh token can reach directly.
type AccessibleCustomers struct {
	ResourceNames []string // customers/1234567890
	RequestID     string
}

// CustomerIDs are the ids of ResourceNames.
func (a AccessibleCustomers) CustomerIDs() []string {
	out := make([]string, 0, len(a.ResourceNames))
	for _, r := range a.ResourceNames {
		out = append(out, strings.TrimPrefix(r, "customers/"))
	}
	return out
}

// ListAccessibleCustomers calls customers:listAccessibleCustomers. It needs
// no customer and ignores the login customer.
func (c *Client) ListAccessibleCustomers(ctx context.Context) (AccessibleCustomers, error) {
	res, err := c.call(ctx, callSpec{name: "customers:listAccessibleCustomers", method: "GET", path: "/customers:listAccessibleCustomers", idempotent: true})
	if err != nil {
		return AccessibleCustomers{}, err
	}
	var out struct {
		ResourceNames []string `json:"resourceNames"`
	}
	if err := json.Unmarshal(res.body, &out); err != nil {
		return AccessibleCustomers{}, fmt.Errorf("googleads: listAccessibleCustomers answer (request-id %s): %w", res.requestID, err)
	}
	return AccessibleCustomers{ResourceNames: out.ResourceNames, RequestID: res.requestID}, nil
}

// SearchPage is one page of googleAds:search, or one batch of
// googleAds:searchStream.
type SearchPage struct {
	Rows []Row
	// FieldMask lists the selected fields in lowerCamelCase paths.
	FieldMask string
	RequestID string
}

// SearchResult is every row of a query.
type SearchResult struct {
	Rows       []Row
	FieldMask  string
	RequestIDs []string // one per page or stream
}

// Search runs a GAQL query with googleAds:search and follows nextPageToken
// to the end. GAQL keeps proto names (campaign.advertising_channel_type);
// rows come back in lowerCamelCase, int64 values as strings (Int64).
func (c *Client) Search(ctx context.Context, customerID, query string) (*SearchResult, error) {
	out := &SearchResult{}
	err := c.SearchPages(ctx, customerID, query, func(p SearchPage) error {
		out.Rows = append(out.Rows, p.Rows...)
		out.FieldMask = p.FieldMask
		out.RequestIDs = append(out.RequestIDs, p.RequestID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SearchPages runs a GAQL query with googleAds:search and hands each page to
// fn as it arrives; an error from fn stops the search and is returned.
func (c *Client) SearchPages(ctx context.Context, customerID, query string, fn func(SearchPage) error) error {
	cid, err := checkQuery(customerID, query)
	if err != nil {
		return err
	}
	pageToken := ""
	for {
		reqBody := map[string]string{"query": query}
		if pageToken != "" {
			reqBody["pageToken"] = pageToken
		}
		body, _ := json.Marshal(reqBody)
		res, err := c.call(ctx, callSpec{name: "googleAds:search", method: "POST", path: "/customers/" + cid + "/googleAds:search", body: body, customerID: cid, idempotent: true})
		if err != nil {
			return err
		}
		var page struct {
			Results       []Row  `json:"results"`
			NextPageToken string `json:"nextPageToken"`
			FieldMask     string `json:"fieldMask"`
		}
		if err := json.Unmarshal(res.body, &page); err != nil {
			return fmt.Errorf("googleads: googleAds:search answer (request-id %s): %w", res.requestID, err)
		}
		if err := fn(SearchPage{Rows: page.Results, FieldMask: page.FieldMask, RequestID: res.requestID}); err != nil {
			return err
		}
		if page.NextPageToken == "" {
			return nil
		}
		if page.NextPageToken == pageToken {
			return fmt.Errorf("googleads: googleAds:search answered the same page token twice (request-id %s)", res.requestID)
		}
		pageToken = page.NextPageToken
	}
}

// SearchStream runs a GAQL query with googleAds:searchStream: one call whose
// answer holds every row, in batches. A stream cut midway is tried again as a
// whole (a query changes nothing).
func (c *Client) SearchStream(ctx context.Context, customerID, query string) (*SearchResult, error) {
	cid, err := checkQuery(customerID, query)
	if err != nil {
		return nil, err
	}
	body, _ := json.Marshal(map[string]string{"query": query})
	res, err := c.call(ctx, callSpec{name: "googleAds:searchStream", method: "POST", path: "/customers/" + cid + "/googleAds:searchStream", body: body, customerID: cid, idempotent: true})
	if err != nil {
		return nil, err
	}
	var batches []struct {
		Results   []Row  `json:"results"`
		FieldMask string `json:"fieldMask"`
		RequestID string `json:"requestId"`
	}
	if err := json.Unmarshal(res.body, &batches); err != nil {
		return nil, fmt.Errorf("googleads: googleAds:searchStream answer (request-id %s): %w", res.requestID, err)
	}
	out := &SearchResult{RequestIDs: []string{res.requestID}}
	for _, b := range batches {
		out.Rows = append(out.Rows, b.Results...)
		if b.FieldMask != "" {
			out.FieldMask = b.FieldMask
		}
	}
	return out, nil
}

func checkQuery(customerID, query string) (string, error) {
	cid, err := NormalizeCustomerID(customerID)
	if err != nil {
		return "", errs.Field("customer_id", err.Error(), customerID)
	}
	if strings.TrimSpace(query) == "" {
		return "", errs.Field("query", "a search needs a GAQL query", nil)
	}
	return cid, nil
}

// Quote writes s as a GAQL string literal, for values in WHERE clauses.
func Quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "'" + r.Replace(s) + "'"
}
