package googleads

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
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

// String is "category.VALUE"; a code Google did not name (an error without
// errorCode, or one in a shape this client cannot read) is "unknown".
func (c ErrorCode) String() string {
	switch {
	case c.Category == "" && c.Value == "":
		return "unknown"
	case c.Category == "":
		return c.Value
	case c.Value == "":
		return c.Category
	}
	return c.Category + "." + c.Value
}

// UnmarshalJSON reads {"criterionError": "INVALID_KEYWORD_TEXT"}. The oneof
// has one member; of several, the first by name counts, so that the same
// answer always reads the same.
func (c *ErrorCode) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*c = ErrorCode{}
	if k, v, ok := firstMember(m); ok {
		c.Category, c.Value = k, oneofText(v)
	}
	return nil
}

// firstMember is the member of m first by name.
func firstMember(m map[string]json.RawMessage) (string, json.RawMessage, bool) {
	if len(m) == 0 {
		return "", nil, false
	}
	keys := slices.Sorted(maps.Keys(m))
	return keys[0], m[keys[0]], true
}

// oneofText is a oneof's value as text: a string as it is, anything else
// (an enum sent by number, an int64Value) as its JSON, cut short.
func oneofText(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	return truncate(string(v), 200)
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
// first element, mutate_operations[i] or operations[i]). A negative index,
// which no operation has, names none: callers index their requests with it.
func (p FieldPath) OperationIndex() (int, bool) {
	if len(p) == 0 || p[0].Index == nil || *p[0].Index < 0 || (p[0].Name != "mutate_operations" && p[0].Name != "operations") {
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
// Each part is read on its own: a location, trigger or retry delay in a shape
// this client does not know is left out, not the error (nor the other errors
// of the answer) with it. Only an error that is not a JSON object at all is
// refused.
func (e *GoogleAdsError) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*e = GoogleAdsError{}
	if v, ok := raw["errorCode"]; ok && json.Unmarshal(v, &e.Code) != nil {
		e.Code = ErrorCode{Value: oneofText(v)}
	}
	if v, ok := raw["message"]; ok {
		e.Message = oneofText(v)
	}
	if v, ok := raw["location"]; ok && json.Unmarshal(v, &e.Location) != nil {
		e.Location = nil
	}
	var trigger map[string]json.RawMessage // a oneof: stringValue, int64Value, boolValue, …
	if json.Unmarshal(raw["trigger"], &trigger) == nil {
		if _, v, ok := firstMember(trigger); ok {
			e.Trigger = oneofText(v)
		}
	}
	var details struct {
		QuotaErrorDetails *struct {
			RateScope  any `json:"rateScope"`
			RateName   any `json:"rateName"`
			RetryDelay any `json:"retryDelay"`
		} `json:"quotaErrorDetails"`
	}
	if json.Unmarshal(raw["details"], &details) == nil && details.QuotaErrorDetails != nil {
		q := details.QuotaErrorDetails
		e.Quota = &QuotaErrorDetails{RateScope: text(q.RateScope), RateName: text(q.RateName)}
		if d, ok := q.RetryDelay.(string); ok {
			// An unreadable delay is no delay: the client's own backoff.
			e.Quota.RetryDelay, _ = parseProtoDuration(d)
		}
	}
	return nil
}

// text is a JSON value Google sends as a string, "" when it is not one.
func text(v any) string {
	s, _ := v.(string)
	return s
}

// maxProtoDuration is the longest retry delay taken as Google wrote it:
// 10,000 years of seconds as protobuf allows would overflow a Duration,
// and a wait beyond a day is the same answer for a caller (too long).
const maxProtoDuration = 24 * time.Hour

// parseProtoDuration reads the JSON form of google.protobuf.Duration
// ("1.5s"), at most maxProtoDuration.
func parseProtoDuration(s string) (time.Duration, error) {
	num, ok := strings.CutSuffix(s, "s")
	if !ok {
		return 0, fmt.Errorf("duration %q: want seconds such as \"1.5s\"", s)
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || !(f >= 0) || strings.ContainsAny(num, "xXpPnNiI_") {
		return 0, fmt.Errorf("duration %q: want seconds such as \"1.5s\"", s)
	}
	if f >= maxProtoDuration.Seconds() {
		return maxProtoDuration, nil
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
