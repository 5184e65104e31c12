package policy

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func runJSONL(input string) (string, string, int) {
	var out, errOut bytes.Buffer
	code := RunJSONL(strings.NewReader(input), &out, &errOut)
	return out.String(), errOut.String(), code
}

func TestRunJSONLContract(t *testing.T) {
	in := `{"field": "HEADLINE", "text": "Buy Running Shoes"}
{"field":"HEADLINE","text":"FLOWERS!!"}
{"field":"HEADLINE","text":"東京のホテル","language":"ja"}
{"field":"LONG_HEADLINE","text":"Laufschuhe"}
`
	out, errOut, code := runJSONL(in)
	if code != ExitInvalid || errOut != "" {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
	want := `{"valid":true,"width":17,"limit":30,"violations":[]}
{"valid":false,"width":9,"limit":30,"violations":[{"code":"E1_ALL_CAPS","message":"\"FLOWERS\" is written in capitals; capitals are only allowed for abbreviations, coupon codes and allowlisted brand names.","start":0,"end":7},{"code":"E8_EXCLAMATION","message":"Headline cannot contain an exclamation mark.","start":7,"end":8},{"code":"E2_REPEATED_PUNCTUATION","message":"Punctuation or symbols repeated: \"!!\".","start":7,"end":9}]}
{"valid":true,"width":12,"limit":30,"violations":[]}
{"valid":true,"width":10,"limit":90,"violations":[],"warnings":[{"code":"LONG_HEADLINE_SHORT","message":"Long headline is only 10 characters wide; Google recommends at least 30.","start":0,"end":10}]}
`
	if out != want {
		t.Fatalf("output:\n%s\nwant:\n%s", out, want)
	}
}

func TestRunJSONLAllValid(t *testing.T) {
	out, _, code := runJSONL("{\"field\":\"DESCRIPTION\",\"text\":\"Jetzt 20 % sparen.\",\"language\":\"de\"}\r\n\n{\"field\":\"PATH\",\"text\":\"Laufschuhe\"}")
	if code != ExitValid {
		t.Fatalf("code %d", code)
	}
	if n := strings.Count(out, "\n"); n != 2 {
		t.Fatalf("%d output lines for 2 requests (blank line skipped): %q", n, out)
	}
	var r struct {
		Valid      *bool           `json:"valid"`
		Width      *int            `json:"width"`
		Limit      *int            `json:"limit"`
		Violations json.RawMessage `json:"violations"`
	}
	if err := json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &r); err != nil || r.Valid == nil || !*r.Valid ||
		*r.Width != 18 || *r.Limit != 90 || string(r.Violations) != "[]" {
		t.Fatalf("decoded %+v, %v", r, err)
	}
	if _, _, code := runJSONL(""); code != ExitValid {
		t.Fatalf("empty input: %d", code)
	}
}

func TestRunJSONLBadInput(t *testing.T) {
	good := `{"field":"HEADLINE","text":"Laufschuhe"}` + "\n"
	for _, tc := range []struct {
		name, line, reason string
	}{
		{"not json", `field=HEADLINE`, "line 2: not a JSON object"},
		{"array", `["HEADLINE","x"]`, "line 2: not a JSON object"},
		{"unknown field", `{"field":"HEADLIN","text":"x"}`, `line 2: unknown field type "HEADLIN"`},
		{"lower-case field", `{"field":"headline","text":"x"}`, `line 2: unknown field type "headline"`},
		{"image field", `{"field":"LOGO","text":"x"}`, "line 2: field LOGO is an image field"},
		{"missing field", `{"text":"x"}`, `line 2: missing "field"`},
		{"missing text", `{"field":"HEADLINE"}`, `line 2: missing "text"`},
		{"text not a string", `{"field":"HEADLINE","text":5}`, `line 2: "text" must be a string`},
		{"invalid utf-8", "{\"field\":\"HEADLINE\",\"text\":\"\xff\"}", "line 2: invalid UTF-8"},
		{"two objects", `{"field":"HEADLINE","text":"a"} {"field":"HEADLINE","text":"b"}`, "line 2: more than one JSON value"},
		{"bad language", `{"field":"HEADLINE","text":"a","language":"??"}`, `line 2: language "??"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runJSONL(good + tc.line + "\n" + good)
			if code != ExitBadInput {
				t.Fatalf("code %d", code)
			}
			if !strings.HasPrefix(errOut, tc.reason) {
				t.Fatalf("stderr %q, want prefix %q", errOut, tc.reason)
			}
			// The line before the bad one has been answered; nothing after it.
			if strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, `{"valid":true`) {
				t.Fatalf("stdout %q", out)
			}
		})
	}
}

func TestRunJSONLEmptyTextIsInvalidNotUnusable(t *testing.T) {
	out, _, code := runJSONL(`{"field":"HEADLINE","text":""}`)
	if code != ExitInvalid || !strings.Contains(out, `"code":"EMPTY"`) {
		t.Fatalf("code %d, out %q", code, out)
	}
}

// TestRunJSONLListsABoundedNumberOfFindings feeds texts made of findings
// (every "}" and every "!" is one): a line lists at most MaxListedFindings
// violations and counts the rest, so a line of a megabyte no longer answers
// with 136 MB, one message per character.
func TestRunJSONLListsABoundedNumberOfFindings(t *testing.T) {
	exactly := "}" // a text of exactly MaxListedFindings findings
	for len(CheckText(Path, exactly).Errors()) < MaxListedFindings {
		exactly += "a}"
	}
	texts := []string{strings.Repeat("{", 300_000), strings.Repeat("a!", 5_000), exactly}
	var in strings.Builder
	for _, text := range texts {
		line, _ := json.Marshal(map[string]string{"field": "PATH", "text": text})
		in.Write(line)
		in.WriteByte('\n')
	}
	out, errOut, code := runJSONL(in.String())
	if code != ExitInvalid || errOut != "" {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(texts) {
		t.Fatalf("%d result lines for %d requests", len(lines), len(texts))
	}
	for i, text := range texts {
		var r struct {
			Valid             bool              `json:"valid"`
			Violations        []json.RawMessage `json:"violations"`
			ViolationsOmitted int               `json:"violations_omitted"`
			WarningsOmitted   *int              `json:"warnings_omitted"`
		}
		if err := json.Unmarshal([]byte(lines[i]), &r); err != nil {
			t.Fatal(err)
		}
		checked := CheckText(Path, text)
		found := len(checked.Errors()) + checked.ErrorsOmitted
		listed := min(found, MaxListedFindings)
		if r.Valid || len(r.Violations) != listed || r.ViolationsOmitted != found-listed || r.WarningsOmitted != nil {
			t.Errorf("text %d (%d findings): valid %v, %d listed, %d omitted; want %d listed and %d omitted",
				i, found, r.Valid, len(r.Violations), r.ViolationsOmitted, listed, found-listed)
		}
		if i == 2 && (found != MaxListedFindings || strings.Contains(lines[i], "omitted")) {
			t.Errorf("a text of exactly %d findings (%d) says something was omitted: %s", MaxListedFindings, found, lines[i])
		}
	}
	// The long line: its answer is its first findings and short quotes of
	// its text, not one message per character.
	if n := len(lines[0]); n > 4*len(texts[0]) {
		t.Errorf("a line of %d bytes answered with %d", len(texts[0]), n)
	}
	if n := len(lines[1]); n > 16<<10 {
		t.Errorf("a line of 10,000 characters answered with %d bytes", n)
	}
}
