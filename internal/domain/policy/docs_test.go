package policy

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestDocumentedExamples keeps docs/policy.md honest: every text rule's
// failing example must produce its code and the passing example must not,
// and every code the package defines must be documented.
func TestDocumentedExamples(t *testing.T) {
	doc, err := os.ReadFile("../../../docs/policy.md")
	if err != nil {
		t.Fatal(err)
	}
	options := map[string]Options{
		CodeBannedTerm:           {Banned: []string{"billig"}},
		CodeBusinessNameMismatch: {BusinessName: "Best Buy"},
	}
	example := regexp.MustCompile("^`([^`]*)`")
	rows := 0
	for _, line := range strings.Split(string(doc), "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(strings.ReplaceAll(line, `\|`, "¦"), " | ")
		if len(cells) != 7 {
			continue // set and image tables
		}
		code := strings.Trim(cells[0], "| `")
		field, err := ParseField(cells[2])
		if err != nil {
			continue // no text example (NOT_A_TEXT_FIELD)
		}
		fails, passes := example.FindStringSubmatch(cells[5]), example.FindStringSubmatch(strings.TrimSuffix(cells[6], " |"))
		if fails == nil || passes == nil {
			t.Errorf("%s: examples not in backticks: %q / %q", code, cells[5], cells[6])
			continue
		}
		c, err := NewChecker(options[code])
		if err != nil {
			t.Fatal(err)
		}
		bad := strings.ReplaceAll(fails[1], "·", " ")
		good := strings.ReplaceAll(passes[1], "·", " ")
		if got := codes(c.CheckText(field, bad).Violations); !slices.Contains(got, code) {
			t.Errorf("%s: failing example %q gives %v", code, bad, got)
		}
		if r := c.CheckText(field, good); len(r.Violations) != 0 {
			t.Errorf("%s: passing example %q gives %v", code, good, codes(r.Violations))
		}
		rows++
	}
	if rows < 35 {
		t.Fatalf("only %d documented text rules found", rows)
	}

	src, err := os.ReadFile("codes.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`Code\w+\s+= "(\w+)"`).FindAllStringSubmatch(string(src), -1) {
		if !strings.Contains(string(doc), "`"+m[1]+"`") {
			t.Errorf("code %s is not documented in docs/policy.md", m[1])
		}
	}
}
