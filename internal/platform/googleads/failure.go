package googleads

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrorCode is the one member of a GoogleAdsError's errorCode oneof: the
// error enum's category and value, e.g. criterionError / INVALID_KEYWORD_TEXT.
type ErrorCode struct {
	Category string // lowerCamel name of the oneof member, e.g. "criterionError"
	Value    string // the enum value name, e.g. "INVALID_KEYWORD_TEXT"
}

func (c ErrorCode) String() string { return c.Category + "." + c.Value }

// UnmarshalJSON reads {"criterionError": "INVALID_KEYWORD_TEXT"}.
func (c *ErrorCode) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	for k, v := range m {
		c.Category = k
		var s string
		if json.Unmarshal(v, &s) == nil {
			c.Value = s
		} else {
			c.Value = string(v) // an enum sent by number
		}
	}
	return nil
}

// PathElement is one step of an error location: a proto field name
// (snake_case, as Google sends it) and, for a repeated field, the index.
type PathElement struct {
	Name  string
	Index *int
}

// FieldPath is where an error sits in the request, e.g.
// mutate_operations[12].ad_group_ad_operation.create.ad.responsive_search_ad.headlines[3].text.
type FieldPath []PathElement

func (p FieldPath) String() string { return p.join(0) }

func (p FieldPath) join(from int) string {
	var b strings.Builder
	for i, e := range p[from:] {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(e.Name)
		if e.Index != nil {
			fmt.Fprintf(&b, "[%d]", *e.Index)
		}
	}
	return b.String()
}

// OperationIndex is the index of the operation the error belongs to (the
// first element, mutate_operations[i] or operations[i]).
func (p FieldPath) OperationIndex() (int, bool) {
	if len(p) == 0 || p[0].Index == nil || (p[0].Name != "mutate_operations" && p[0].Name != "operations") {
		return 0, false
	}
	return *p[0].Index, true
}

// Field is the path inside the resource the operation creates, updates or
// removes, e.g. ad.responsive_search_ad.headlines[3].text; empty when the
// error is about the operation as a whole.
func (p FieldPath) Field() string {
	if _, ok := p.OperationIndex(); !ok {
		return p.String()
	}
	i := 1
	if i < len(p) && strings.HasSuffix(p[i].Name, "_operation") {
		i++
	}
	if i < len(p) && (p[i].Name == "create" || p[i].Name == "update" || p[i].Name == "remove" || p[i].Name == "update_mask") {
		i++
	}
	if i >= len(p) {
		return ""
	}
	return p.join(i)
}

// UnmarshalJSON reads {"fieldPathElements": [{"fieldName": "x", "index": 3}]};
// an index may arrive as a number or a string.
func (p *FieldPath) UnmarshalJSON(b []byte) error {
	var raw struct {
		FieldPathElements []struct {
			FieldName string          `json:"fieldName"`
			Index     json.RawMessage `json:"index"`
		} `json:"fieldPathElements"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*p = (*p)[:0]
	for _, e := range raw.FieldPathElements {
		el := PathElement{Name: e.FieldName}
		if len(e.Index) > 0 && string(e.Index) != "null" {
			s := strings.Trim(string(e.Index), `"`)
			n, err := strconv.Atoi(s)
			if err != nil {
				return fmt.Errorf("field path index %s: %w", e.Index, err)
			}
			el.Index = &n
		}
		*p = append(*p, el)
	}
	return nil
}

// QuotaErrorDetails says which rate was exceeded and how long to wait.
type QuotaErrorDetails struct {
	RateScope  string        // ACCOUNT or DEVELOPER
	RateName   string        // e.g. "Number of operations for basic access"
	RetryDelay time.Duration // zero when Google names none
}

// GoogleAdsError is one error of a GoogleAdsFailure.
type GoogleAdsError struct {
	Code     ErrorCode
	Message  string
	Trigger  string // the value that caused it, when Google names it
	Location FieldPath
	Quota    *QuotaErrorDetails
}

func (e GoogleAdsError) String() string {
	s := e.Code.String()
	if len(e.Location) > 0 {
		s += " at " + e.Location.String()
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Trigger != "" {
		s += fmt.Sprintf(" (value %q)", truncate(e.Trigger, 80))
	}
	return s
}

// UnmarshalJSON reads the REST shape of google.ads.googleads.vN.errors.GoogleAdsError.
func (e *GoogleAdsError) UnmarshalJSON(b []byte) error {
	var raw struct {
		ErrorCode ErrorCode                  `json:"errorCode"`
		Message   string                     `json:"message"`
		Trigger   map[string]json.RawMessage `json:"trigger"`
		Location  FieldPath                  `json:"location"`
		Details   struct {
			QuotaErrorDetails *struct {
				RateScope  string `json:"rateScope"`
				RateName   string `json:"rateName"`
				RetryDelay string `json:"retryDelay"`
			} `json:"quotaErrorDetails"`
		} `json:"details"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*e = GoogleAdsError{Code: raw.ErrorCode, Message: raw.Message, Location: raw.Location}
	for _, v := range raw.Trigger { // a oneof: stringValue, int64Value, boolValue, …
		var s string
		if json.Unmarshal(v, &s) == nil {
			e.Trigger = s
		} else {
			e.Trigger = string(v)
		}
	}
	if q := raw.Details.QuotaErrorDetails; q != nil {
		e.Quota = &QuotaErrorDetails{RateScope: q.RateScope, RateName: q.RateName}
		if q.RetryDelay != "" {
			d, err := parseProtoDuration(q.RetryDelay)
			if err != nil {
				return fmt.Errorf("quotaErrorDetails.retryDelay: %w", err)
			}
			e.Quota.RetryDelay = d
		}
	}
	return nil
}

// parseProtoDuration reads the JSON form of google.protobuf.Duration ("1.5s").
func parseProtoDuration(s string) (time.Duration, error) {
	num, ok := strings.CutSuffix(s, "s")
	if !ok {
		return 0, fmt.Errorf("duration %q: want seconds such as \"1.5s\"", s)
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("duration %q: want seconds such as \"1.5s\"", s)
	}
	return time.Duration(f * float64(time.Second)), nil
}

// FieldViolation is a google.rpc.BadRequest entry: the API could not read a
// part of the request (unknown field, bad enum value, wrong JSON type).
type FieldViolation struct {
	Field       string `json:"field"`
	Description string `json:"description"`
}

// PartialFailure holds the errors of the operations that failed in a
// partial-failure mutate; the other operations were applied.
type PartialFailure struct {
	Code    int
	Message string
	Errors  []GoogleAdsError
}

// ByOperation groups the errors by operation index; errors that name no
// operation are under -1.
func (p *PartialFailure) ByOperation() map[int][]GoogleAdsError {
	out := map[int][]GoogleAdsError{}
	for _, e := range p.Errors {
		i, ok := e.Location.OperationIndex()
		if !ok {
			i = -1
		}
		out[i] = append(out[i], e)
	}
	return out
}
