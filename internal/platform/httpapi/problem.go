package httpapi

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"

	"github.com/imaphub/imaphub/internal/platform/auth"
)

// Problem is an RFC 9457 problem document. Errors names each offending field;
// Code is a stable machine-readable reason; Extra carries extension members
// such as the current state and allowed events of a refused transition.
type Problem struct {
	Type     string         `json:"type,omitempty" doc:"A URI reference that identifies the problem type"`
	Title    string         `json:"title,omitempty" doc:"A short summary of the problem type"`
	Status   int            `json:"status,omitempty" doc:"HTTP status code"`
	Detail   string         `json:"detail,omitempty" doc:"What went wrong, for people"`
	Instance string         `json:"instance,omitempty"`
	Code     string         `json:"code,omitempty" doc:"Stable machine-readable reason"`
	Errors   []*FieldDetail `json:"errors,omitempty" doc:"The offending fields (at most MaxProblemErrors)"`
	// ErrorsOmitted counts offending fields beyond the listed ones.
	ErrorsOmitted int            `json:"errors_omitted,omitempty" doc:"How many more offending fields there are than errors lists"`
	Extra         map[string]any `json:"-"`
	// Headers go out with the problem (Retry-After of a 429).
	Headers http.Header `json:"-"`
}

// GetHeaders hands huma the headers to send with the problem.
func (p *Problem) GetHeaders() http.Header { return p.Headers }

// MaxProblemErrors bounds the fields a problem lists: a small request of many
// bad items must not turn into a large answer.
const MaxProblemErrors = 20

// capErrors keeps the first MaxProblemErrors fields and counts the rest.
func (p *Problem) capErrors() *Problem {
	if n := len(p.Errors); n > MaxProblemErrors {
		p.ErrorsOmitted = n - MaxProblemErrors
		p.Errors = p.Errors[:MaxProblemErrors:MaxProblemErrors]
	}
	return p
}

// FieldDetail is one offending field of a problem.
type FieldDetail struct {
	Location string `json:"location,omitempty" doc:"Where the error is, e.g. body.name, path.id, header.If-Match"`
	Message  string `json:"message" doc:"Why the value is refused"`
	Value    any    `json:"value,omitempty" doc:"The refused value"`
	Code     string `json:"code,omitempty" doc:"Stable rule code"`
	Start    *int   `json:"start,omitempty" doc:"Start of the offending span (code points)"`
	End      *int   `json:"end,omitempty" doc:"End of the offending span (code points, exclusive)"`
}

func (p *Problem) Error() string  { return p.Detail }
func (p *Problem) GetStatus() int { return p.Status }

// ContentType makes problems go out as application/problem+json.
func (p *Problem) ContentType(ct string) string {
	if ct == "application/json" {
		return "application/problem+json"
	}
	return ct
}

// MarshalJSON flattens Extra into the top level, as RFC 9457 extension members.
func (p *Problem) MarshalJSON() ([]byte, error) {
	type plain Problem
	base, err := json.Marshal((*plain)(p))
	if err != nil || len(p.Extra) == 0 {
		return base, err
	}
	extra, err := json.Marshal(p.Extra)
	if err != nil {
		return nil, err
	}
	if len(base) == 2 { // "{}"
		return extra, nil
	}
	out := make([]byte, 0, len(base)+len(extra))
	out = append(out, base[:len(base)-1]...)
	out = append(out, ',')
	out = append(out, extra[1:]...)
	return out, nil
}

// maxEchoRunes is the longest refused text a problem repeats back.
const maxEchoRunes = 200

// echoValue is what a problem may repeat of a refused value: never a secret,
// never a whole object, array or body (they may hold secrets beside the
// refused field, and would multiply the answer), and texts cut short.
func echoValue(location string, v any) any {
	name := location[strings.LastIndexByte(location, '.')+1:]
	if location == "body" || auth.SecretField(name) {
		return nil
	}
	switch t := v.(type) {
	case string:
		if utf8.RuneCountInString(t) > maxEchoRunes {
			return string([]rune(t)[:maxEchoRunes]) + "…"
		}
		return t
	case nil, bool, int, int64, float64, json.Number:
		return t
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64, reflect.Bool:
		return v
	case reflect.String:
		return echoValue(location, rv.String())
	}
	return nil
}

var missingProperty = regexp.MustCompile(`^expected required property (\S+) to be present$`)

// newProblem replaces huma.NewError so validation failures of huma itself
// come out in the same shape as ours.
func newProblem(status int, msg string, errList ...error) huma.StatusError {
	p := &Problem{Status: status, Title: http.StatusText(status), Detail: msg}
	for _, e := range errList {
		if e == nil {
			continue
		}
		if d, ok := e.(huma.ErrorDetailer); ok {
			hd := d.ErrorDetail()
			fd := &FieldDetail{Location: hd.Location, Message: hd.Message, Value: echoValue(hd.Location, hd.Value)}
			// huma reports a missing property at its parent object; name the
			// property itself, which is what a client has to add.
			if m := missingProperty.FindStringSubmatch(hd.Message); m != nil {
				fd.Location = hd.Location + "." + m[1]
				fd.Value = nil
			}
			p.Errors = append(p.Errors, fd)
			continue
		}
		p.Errors = append(p.Errors, &FieldDetail{Message: e.Error()})
	}
	// A lifecycle event without If-Match is 428, as RequireIfMatch answers
	// when the header is present but names no version.
	if status == http.StatusUnprocessableEntity && len(p.Errors) == 1 && p.Errors[0].Location == "header.If-Match" && strings.HasPrefix(p.Errors[0].Message, "required") {
		p.Status, p.Title, p.Code = http.StatusPreconditionRequired, http.StatusText(http.StatusPreconditionRequired), "precondition_required"
		p.Detail = "header.If-Match: required; send the ETag of the version you reviewed (from GET or the last change)"
		p.Errors[0].Message, p.Errors[0].Value = "required", nil
		return p
	}
	// huma refuses an empty body naming no field; name it, as every other
	// refused body does.
	if status == http.StatusBadRequest && len(p.Errors) == 0 && msg == "request body is required" {
		p.Errors = append(p.Errors, &FieldDetail{Location: "body", Message: "required: the request has no body"})
	}
	if status == http.StatusUnprocessableEntity || status == http.StatusBadRequest {
		p.Detail = summarise(msg, p.Errors)
	}
	return p.capErrors()
}

// summarise puts the first field and reason into the detail line, so a person
// reading only the detail learns which field is wrong.
func summarise(msg string, fields []*FieldDetail) string {
	if len(fields) == 0 {
		return msg
	}
	f := fields[0]
	var b strings.Builder
	b.WriteString(msg)
	b.WriteString(": ")
	if f.Location != "" {
		b.WriteString(f.Location)
		b.WriteString(": ")
	}
	b.WriteString(f.Message)
	if len(fields) > 1 {
		b.WriteString(" (and more, see errors)")
	}
	return b.String()
}
