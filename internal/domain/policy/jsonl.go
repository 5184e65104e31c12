package policy

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// Exit codes of `imaphub validate --jsonl`.
const (
	ExitValid    = 0 // every line is valid
	ExitInvalid  = 1 // at least one line has an error
	ExitBadInput = 2 // a line could not be read as a request
)

// maxJSONLLine bounds one input line; a text asset is at most a few hundred
// bytes, so anything near this is not a text asset.
const maxJSONLLine = 1 << 20

// MaxListedFindings is how many violations, and how many warnings, an answer
// lists for one text (POST /api/validate, validate --jsonl); the rest are
// counted. A finding can come from a single character and its message takes
// a hundred bytes or more, so a long text made of findings ("★ ★ ★ …") would
// otherwise answer over a hundred times its size. 50 lists every finding of
// a text of the longest field (90 characters) with a finding at every other
// character; a shouting, symbol-strewn 84-character description has 29.
const MaxListedFindings = 50

type jsonlRequest struct {
	Field    *string `json:"field"`
	Text     *string `json:"text"`
	Language string  `json:"language"`
}

// jsonlViolation is the contract's violation shape: code, message, start,
// end (rune offsets).
type jsonlViolation struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
}

type jsonlResult struct {
	Valid      bool             `json:"valid"`
	Width      int              `json:"width"`
	Limit      int              `json:"limit"`
	Violations []jsonlViolation `json:"violations"`
	// Warnings are findings that do not make the text invalid. They are
	// kept out of "violations" so that valid is true exactly when the text
	// has no violation.
	Warnings []jsonlViolation `json:"warnings,omitempty"`
	// Each list holds at most MaxListedFindings; these count the rest.
	ViolationsOmitted int `json:"violations_omitted,omitempty"`
	WarningsOmitted   int `json:"warnings_omitted,omitempty"`
}

// RunJSONL implements `imaphub validate --jsonl`: it reads one request per
// line, {"field": "HEADLINE", "text": "…", "language": "de"} (language
// optional), and writes one result per line in the same order,
// {"valid", "width", "limit", "violations": [{"code", "message", "start",
// "end"}]}, with English messages; warnings, if any, follow in "warnings".
// Each list holds at most MaxListedFindings findings; the rest are counted in
// "violations_omitted" and "warnings_omitted" (present when not zero), and
// "valid" judges them all. Blank lines are skipped.
//
// It returns 0 when every text is valid and 1 when any is not. Input that is
// not a request — not JSON, not an object, an unknown or image field, a
// missing text, invalid UTF-8, an unknown language — stops the run: the
// results of the lines before it have been written (they are correct, and a
// consumer reading the stream has already seen them), "line N: reason" goes
// to errOut, and the return value is 2.
func RunJSONL(in io.Reader, out, errOut io.Writer) int {
	br := bufio.NewReaderSize(in, 64*1024)
	bw := bufio.NewWriter(out)
	defer bw.Flush()
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	checkers := map[string]*Checker{"": defaultChecker}
	status := ExitValid
	for lineNo := 1; ; lineNo++ {
		line, err := readLine(br)
		if err != nil && !errors.Is(err, io.EOF) {
			bw.Flush()
			fmt.Fprintf(errOut, "line %d: %v\n", lineNo, err)
			return ExitBadInput
		}
		if len(bytes.TrimSpace(line)) > 0 {
			res, reason := validateLine(line, checkers)
			if reason != "" {
				bw.Flush()
				fmt.Fprintf(errOut, "line %d: %s\n", lineNo, reason)
				return ExitBadInput
			}
			if !res.Valid {
				status = ExitInvalid
			}
			if werr := enc.Encode(res); werr != nil {
				fmt.Fprintf(errOut, "line %d: writing result: %v\n", lineNo, werr)
				return ExitBadInput
			}
		}
		if errors.Is(err, io.EOF) {
			if ferr := bw.Flush(); ferr != nil {
				fmt.Fprintf(errOut, "writing results: %v\n", ferr)
				return ExitBadInput
			}
			return status
		}
	}
}

// readLine returns one line without its line ending; at the end of input
// it returns the last (possibly empty) line with io.EOF.
func readLine(br *bufio.Reader) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		buf = append(buf, chunk...)
		if len(buf) > maxJSONLLine {
			return nil, fmt.Errorf("line longer than %d bytes", maxJSONLLine)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		buf = bytes.TrimSuffix(buf, []byte("\n"))
		buf = bytes.TrimSuffix(buf, []byte("\r"))
		return buf, err
	}
}

func validateLine(line []byte, checkers map[string]*Checker) (jsonlResult, string) {
	if !utf8.Valid(line) {
		return jsonlResult{}, "invalid UTF-8"
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	var req jsonlRequest
	if err := dec.Decode(&req); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return jsonlResult{}, fmt.Sprintf("%q must be a string", typeErr.Field)
		}
		return jsonlResult{}, "not a JSON object: " + err.Error()
	}
	if dec.More() {
		return jsonlResult{}, "more than one JSON value on the line"
	}
	if req.Field == nil {
		return jsonlResult{}, `missing "field"`
	}
	f, err := ParseField(*req.Field)
	if err != nil {
		return jsonlResult{}, err.Error()
	}
	if !IsText(f) {
		return jsonlResult{}, fmt.Sprintf("field %s is an image field; only text fields can be validated here", f)
	}
	if req.Text == nil {
		return jsonlResult{}, `missing "text"`
	}
	c, ok := checkers[req.Language]
	if !ok {
		c, err = NewChecker(Options{Language: req.Language})
		if err != nil {
			return jsonlResult{}, err.Error()
		}
		checkers[req.Language] = c
	}
	r := c.CheckText(f, *req.Text)
	res := jsonlResult{Valid: r.Valid, Width: r.Width, Limit: r.Limit, Violations: []jsonlViolation{},
		ViolationsOmitted: r.ErrorsOmitted, WarningsOmitted: r.WarningsOmitted}
	for _, v := range r.Violations {
		list, omitted := &res.Violations, &res.ViolationsOmitted
		if v.Severity == Warning {
			list, omitted = &res.Warnings, &res.WarningsOmitted
		}
		if len(*list) == MaxListedFindings {
			*omitted++
			continue
		}
		*list = append(*list, jsonlViolation{Code: v.Code, Message: v.Message("en"), Start: v.Start, End: v.End})
	}
	return res, ""
}
