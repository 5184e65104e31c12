package app_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// docs/security.md names the test behind every defence: each name must be a
// test (or fuzz target) that exists, so the document cannot drift from the
// code. Web tests are named by file and checked to exist.
func TestSecurityDocNamesTestsThatExist(t *testing.T) {
	root := filepath.Join("..", "..")
	doc, err := os.ReadFile(filepath.Join(root, "docs", "security.md"))
	if err != nil {
		t.Fatal(err)
	}
	var code strings.Builder
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git") {
			return filepath.SkipDir
		}
		if strings.HasSuffix(path, "_test.go") {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			code.Write(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	names := regexp.MustCompile("`((?:Test|Fuzz)[A-Z][A-Za-z0-9]*)`").FindAllStringSubmatch(string(doc), -1)
	if len(names) < 40 {
		t.Fatalf("only %d test names in docs/security.md", len(names))
	}
	for _, m := range names {
		if !strings.Contains(code.String(), "func "+m[1]+"(") {
			t.Errorf("docs/security.md names %s, which no test defines", m[1])
		}
	}
	for _, m := range regexp.MustCompile("`(web/[^`]+\\.(?:ts|mjs))`").FindAllStringSubmatch(string(doc), -1) {
		if _, err := os.Stat(filepath.Join(root, m[1])); err != nil {
			t.Errorf("docs/security.md names %s: %v", m[1], err)
		}
	}
}
