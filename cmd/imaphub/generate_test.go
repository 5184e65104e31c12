package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/domain/generation"
	"github.com/imaphub/imaphub/internal/platform/ai/aitest"
)

const briefJSON = `{"product": "Winterreifen", "audience": "Autofahrer in Bayern", "language": "de",
 "selling_points": ["Kostenlose Montage in über 40 Filialen", "Reifeneinlagerung für eine Saison inklusive"],
 "keywords": ["winterreifen kaufen", "reifenwechsel"], "brand_terms": ["Reifen Müller"], "business_name": "Reifen Müller"}`

func writeBrief(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "brief.json")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func noLLM(t *testing.T) {
	for _, k := range []string{"IMAPHUB_LLM_BASE_URL", "IMAPHUB_LLM_API_KEY", "IMAPHUB_LLM_API_KEY_FILE", "IMAPHUB_LLM_MODEL", "IMAPHUB_LLM_MODE"} {
		t.Setenv(k, "")
	}
}

func TestGenerateOfflineRSAAndPMax(t *testing.T) {
	noLLM(t)
	path := writeBrief(t, briefJSON)
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"generate", "--brief", path, "--format", "rsa"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s%s", code, out.String(), errOut.String())
	}
	// Two selling points and two keywords support fewer than 15 headlines:
	// the offline writer invents none, and a set above the minimum is a
	// result with a warning that says what is missing and how to get more.
	for _, want := range []string{"Headlines (", "Descriptions (4 of 4)", "Paths (2 of 2)", "provider   offline (no language model configured)", "prompt rsa/v2"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(errOut.String(), "offline provider") {
		t.Errorf("stderr does not say the copy is offline: %q", errOut.String())
	}
	if !strings.Contains(out.String(), "Headlines (15 of 15)") &&
		!strings.Contains(errOut.String(), "warning: the set is usable but not full: short of a full set by") && !strings.Contains(errOut.String(), "IMAPHUB_LLM_MODEL") {
		t.Errorf("a short set without a warning naming what is missing and how to get more: %q", errOut.String())
	}

	out.Reset()
	generateStdin = strings.NewReader(briefJSON)
	t.Cleanup(func() { generateStdin = os.Stdin })
	if code := run(context.Background(), []string{"generate", "--brief", "-", "--format", "pmax", "--json"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var res struct {
		Format string                      `json:"format"`
		Set    generation.TextSet          `json:"set"`
		Report generation.GenerationReport `json:"report"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("--json output: %v\n%s", err, out.String())
	}
	if res.Format != "pmax" || len(res.Set.Headlines) < 3 || len(res.Set.LongHeadlines) < 1 || len(res.Set.Descriptions) < 2 ||
		res.Set.BusinessName != "Reifen Müller" || res.Report.Provider != "offline" || len(res.Report.BelowMinimum) > 0 {
		t.Errorf("--json result %+v", res)
	}
}

func TestGenerateUnusableInputIsExit2NamingTheField(t *testing.T) {
	noLLM(t)
	for _, tc := range []struct {
		args  []string
		brief string
		want  string
	}{
		{[]string{"--format", "rsa"}, "", "--brief is required"},
		{[]string{"--format", "banner"}, briefJSON, "--format"},
		{[]string{"--format", "rsa"}, `{"product": "Reifen", "language": "de", "selling_point": ["x"]}`, `"selling_point" is not a brief field`},
		{[]string{"--format", "rsa"}, `{"product": "Reifen", "language": "de", "keywords": "winterreifen"}`, "keywords: must be a list of strings"},
		{[]string{"--format", "rsa"}, `{"language": "de"}`, "product: must say what is advertised"},
		{[]string{"--format", "pmax"}, `{"product": "Reifen", "language": "de"}`, "business_name: is required"},
		{[]string{"--format", "rsa"}, `{"product": "Reifen", "language": "de"`, "not JSON"},
	} {
		args := append([]string{"generate"}, tc.args...)
		if tc.brief != "" {
			args = append(args, "--brief", writeBrief(t, tc.brief))
		}
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, errOut.String(), tc.want)
		}
	}
}

// A model that never writes a valid headline: exit 1, and the valid part
// and the report with the rejected candidates are printed.
func TestGenerateFailedRunIsExit1WithPartialSetAndReport(t *testing.T) {
	srv := aitest.NewServer(aitest.Fill(func(field string, n int) string {
		if field == "headlines" {
			return fmt.Sprintf("Winterkomplettradangebote für Ihren Pkw %d", n)
		}
		if field == "paths" {
			return fmt.Sprintf("Reifen-%d", n)
		}
		return fmt.Sprintf("Winterreifen mit Montage in der Filiale Nummer %d.", n)
	}))
	defer srv.Close()
	t.Setenv("IMAPHUB_LLM_BASE_URL", srv.URL)
	t.Setenv("IMAPHUB_LLM_API_KEY", "sk-test")
	t.Setenv("IMAPHUB_LLM_MODEL", "scripted")
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"generate", "--brief", writeBrief(t, briefJSON), "--format", "rsa"}, &out, &errOut)
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errOut.String())
	}
	for _, want := range []string{"Headlines (0 of 15)", "Descriptions (4 of 4)", "missing    15 headlines", "TOO_LONG", "provider   openai", "tokens"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(errOut.String(), "offline") {
		t.Errorf("a configured model is reported as offline: %s", errOut.String())
	}
	// Valid paths and descriptions are no ad without headlines.
	if msg := errOut.String(); !strings.Contains(msg, "below the minimum set Google accepts") || !strings.Contains(msg, "needs at least 3 headlines (has 0)") || !strings.Contains(msg, "TOO_LONG ×") {
		t.Errorf("stderr does not say the minimum is not met: %s", msg)
	}
}

// A run that stops early with at least the minimum is a result: exit 0, with
// a warning that says what is missing, not that the set is unusable.
func TestGenerateIncompleteRunAboveTheMinimumIsAResult(t *testing.T) {
	srv := aitest.NewServer(aitest.Fill(func(field string, n int) string {
		switch {
		case field == "headlines" && n < 4:
			return fmt.Sprintf("Winterreifen Angebot %d", n)
		case field == "headlines":
			return fmt.Sprintf("Winterkomplettradangebote für Ihren Pkw %d", n)
		case field == "paths":
			return fmt.Sprintf("Reifen-%d", n)
		}
		return fmt.Sprintf("Winterreifen mit Montage in der Filiale Nummer %d.", n)
	}))
	defer srv.Close()
	t.Setenv("IMAPHUB_LLM_BASE_URL", srv.URL)
	t.Setenv("IMAPHUB_LLM_API_KEY", "sk-test")
	t.Setenv("IMAPHUB_LLM_MODEL", "scripted")
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"generate", "--brief", writeBrief(t, briefJSON), "--format", "rsa"}, &out, &errOut)
	if code != 0 || !strings.Contains(out.String(), "Headlines (4 of 15)") || !strings.Contains(errOut.String(), "imaphub generate: warning: the set is usable but not full: short of a full set by 11 headlines") || strings.Contains(errOut.String(), "below the minimum") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr: %s", code, out.String(), errOut.String())
	}
}

// A provider that refuses the request: its own message is printed.
func TestGenerateRefusedRequestPrintsTheProvidersMessage(t *testing.T) {
	srv := aitest.NewServer(aitest.Script(aitest.Reply{Status: 400, ErrorType: "invalid_request_error", Content: "Invalid schema for response_format 'ad_copy'"}))
	defer srv.Close()
	t.Setenv("IMAPHUB_LLM_BASE_URL", srv.URL)
	t.Setenv("IMAPHUB_LLM_API_KEY", "sk-test")
	t.Setenv("IMAPHUB_LLM_MODEL", "scripted")
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"generate", "--brief", writeBrief(t, briefJSON), "--format", "rsa", "--json"}, &out, &errOut)
	var res struct {
		Report generation.GenerationReport `json:"report"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	const want = "HTTP 400 Bad Request: Invalid schema for response_format 'ad_copy' (invalid_request_error)"
	if code != 1 || !strings.Contains(errOut.String(), want) || !strings.Contains(res.Report.ProviderError, want) || len(res.Report.BelowMinimum) != 2 {
		t.Errorf("exit %d, stderr %s, report %+v", code, errOut.String(), res.Report)
	}
}
