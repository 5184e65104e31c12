package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The command writes the report and says what it found; bad input is exit 2.
func TestRunWritesTheReport(t *testing.T) {
	out := filepath.Join(t.TempDir(), "quality.md")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"-briefs", "../../internal/domain/generation/testdata/briefs", "-out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s%s", code, stdout.String(), stderr.String())
	}
	md, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "# Copy quality benchmark") || !strings.Contains(stdout.String(), "0 invalid, 0 cut mid-phrase") {
		t.Errorf("stdout %q, report:\n%s", stdout.String(), md)
	}
	if code := run(context.Background(), []string{"-briefs", t.TempDir(), "-out", out}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "no *.json briefs") {
		t.Errorf("empty brief directory: exit %d, %s", code, stderr.String())
	}
}
