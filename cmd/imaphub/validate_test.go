package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// validateFile writes input to a file and runs `imaphub validate --jsonl FILE`
// through the command table, as the binary does.
func validateFile(t *testing.T, input string) (stdout, stderr string, code int) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "texts.jsonl")
	if err := os.WriteFile(file, []byte(input), 0o600); err != nil {
		t.Fatal(err)
	}
	return runCLI(t, "validate", "--jsonl", file)
}

func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), code
}

type cliResult struct {
	Valid      bool `json:"valid"`
	Width      int  `json:"width"`
	Limit      int  `json:"limit"`
	Violations []struct {
		Code       string `json:"code"`
		Message    string `json:"message"`
		Start, End int
	} `json:"violations"`
}

func decodeLines(t *testing.T, out string) []cliResult {
	t.Helper()
	var rs []cliResult
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		var r cliResult
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("output line %q is not JSON: %v", line, err)
		}
		rs = append(rs, r)
	}
	return rs
}

func TestValidateAllValidExitsZero(t *testing.T) {
	out, errOut, code := validateFile(t, `{"field":"HEADLINE","text":"Winterreifen online kaufen","language":"de"}
{"field":"DESCRIPTION","text":"Top-Marken zu fairen Preisen, geliefert in 2 Tagen."}
`)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q; want 0 and nothing", code, errOut)
	}
	rs := decodeLines(t, out)
	if len(rs) != 2 || !rs[0].Valid || rs[0].Width != 26 || rs[0].Limit != 30 || rs[1].Limit != 90 || rs[1].Violations == nil {
		t.Fatalf("results %+v", rs)
	}
}

func TestValidateInvalidTextExitsOne(t *testing.T) {
	out, errOut, code := validateFile(t, `{"field":"HEADLINE","text":"Laufschuhe"}
{"field":"HEADLINE","text":"Jetzt KAUFEN!!","language":"de"}
`)
	if code != 1 || errOut != "" {
		t.Fatalf("exit %d, stderr %q; want 1 and nothing", code, errOut)
	}
	rs := decodeLines(t, out)
	if len(rs) != 2 || !rs[0].Valid || rs[1].Valid {
		t.Fatalf("results %+v; want the first valid and the second not", rs)
	}
	got := map[string][2]int{}
	for _, v := range rs[1].Violations {
		got[v.Code] = [2]int{v.Start, v.End}
		if v.Message == "" {
			t.Errorf("%s without a message", v.Code)
		}
	}
	want := map[string][2]int{"E1_ALL_CAPS": {6, 12}, "E8_EXCLAMATION": {12, 13}, "E2_REPEATED_PUNCTUATION": {12, 14}}
	for code, span := range want {
		if got[code] != span {
			t.Errorf("%s at %v, want %v (all: %v)", code, got[code], span, got)
		}
	}
}

func TestValidateUnusableInputExitsTwo(t *testing.T) {
	out, errOut, code := validateFile(t, `{"field":"HEADLINE","text":"Laufschuhe"}
{"field":"HEADLINE","text":"Jetzt KAUFEN!!"}
{"field":"HEADLINES","text":"Laufschuhe"}
{"field":"HEADLINE","text":"never read"}
`)
	if code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	if !strings.HasPrefix(errOut, "line 3: ") || !strings.Contains(errOut, "HEADLINES") {
		t.Errorf("stderr %q does not name line 3 and the field", errOut)
	}
	// The lines before the bad one have been answered; nothing after it.
	if rs := decodeLines(t, out); len(rs) != 2 || !rs[0].Valid || rs[1].Valid {
		t.Errorf("results before the bad line: %+v", rs)
	}
}

func TestValidateArguments(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"missing file", []string{"validate", "--jsonl", filepath.Join(t.TempDir(), "nope.jsonl")}, 2, "nope.jsonl"},
		{"without --jsonl", []string{"validate", "texts.jsonl"}, 2, "--jsonl is required"},
		{"two files", []string{"validate", "--jsonl", "a", "b"}, 2, `unexpected argument "b"`},
		{"unknown flag", []string{"validate", "--csv"}, 2, "not defined: -csv"},
	}
	for _, c := range cases {
		out, errOut, code := runCLI(t, c.args...)
		if code != c.code || !strings.Contains(errOut, c.stderr) || out != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want %d with %q", c.name, code, out, errOut, c.code, c.stderr)
		}
	}
}

func TestValidateReadsStandardInput(t *testing.T) {
	input := `{"field":"PATH","text":"schuhe/sale"}` + "\n"
	for _, args := range [][]string{{"validate", "--jsonl", "-"}, {"validate", "--jsonl"}} {
		stdin = strings.NewReader(input)
		out, errOut, code := runCLI(t, args...)
		if code != 1 || errOut != "" || !strings.Contains(out, `"code":"PATH_SLASH"`) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 1 with PATH_SLASH", args, code, out, errOut)
		}
	}
	stdin = os.Stdin
}
