package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/app"
	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// openAPIDocument is the published contract of the product as wired.
func openAPIDocument(t *testing.T) map[string]any {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Open(t, db.SQLite)
	a, err := app.New(ctx, d, app.Options{DataDir: t.TempDir(), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(a.Server().API.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func names[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

// TestAPIFormatRulesComeFromThePolicy: every enum of the published contract
// that names field types or pin positions is one of the policy's lists, and
// every count or width of a format that the contract bounds is the policy's.
// A list or number written by hand that differs from the policy fails here.
func TestAPIFormatRulesComeFromThePolicy(t *testing.T) {
	doc := openAPIDocument(t)
	known := map[string]bool{}
	for _, f := range policy.Fields() {
		known[string(f)] = true
	}
	for _, p := range policy.AllPins() {
		known[p] = true
	}
	allowed := map[string][]string{
		"link field types":            names(policy.LinkFields()),
		"responsive search ad fields": names(policy.RSAFormat.Fields()),
		"Performance Max fields":      names(policy.PerformanceMaxFormat.Fields()),
		"pins":                        policy.AllPins(),
		"pins or none":                append([]string{""}, policy.AllPins()...),
	}
	used := map[string]int{}
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if enum, ok := v["enum"].([]any); ok {
				var values []string
				relevant := false
				for _, e := range enum {
					s := fmt.Sprint(e)
					values = append(values, s)
					relevant = relevant || known[s]
				}
				if relevant {
					match := ""
					for name, list := range allowed {
						if slices.Equal(values, list) {
							match = name
						}
					}
					if match == "" {
						t.Errorf("%s: enum %v is none of the policy's lists", at, values)
					}
					used[match]++
				}
			}
			for k, x := range v {
				walk(at+"/"+k, x)
			}
		case []any:
			for i, x := range v {
				walk(fmt.Sprintf("%s/%d", at, i), x)
			}
		}
	}
	walk("", doc)
	for name := range allowed {
		if used[name] == 0 {
			t.Errorf("no enum of the contract lists the %s; the walk no longer sees them", name)
		}
	}

	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	bound := func(schema, property, keyword string, want int) {
		t.Helper()
		s, ok := schemas[schema].(map[string]any)
		if !ok {
			t.Errorf("no schema %s", schema)
			return
		}
		p, ok := s["properties"].(map[string]any)[property].(map[string]any)
		if !ok {
			t.Errorf("%s has no property %s", schema, property)
			return
		}
		if got, _ := p[keyword].(float64); int(got) != want {
			t.Errorf("%s.%s: %s %v, want the policy's %d", schema, property, keyword, p[keyword], want)
		}
	}
	rsa, pmax := policy.RSAFormat, policy.PerformanceMaxFormat
	for _, s := range []string{"AdInput", "AdPatch", "AdTexts"} {
		bound(s, "headlines", "maxItems", rsa.Max(policy.Headline))
		bound(s, "descriptions", "maxItems", rsa.Max(policy.Description))
	}
	bound("AssetGroupTexts", "headlines", "maxItems", pmax.Max(policy.Headline))
	bound("AssetGroupTexts", "long_headlines", "maxItems", pmax.Max(policy.LongHeadline))
	bound("AssetGroupTexts", "descriptions", "maxItems", pmax.Max(policy.Description))
	for _, s := range []string{"AdInput", "AdPatch", "AdTexts", "AssetGroupInput", "AssetGroupPatch"} {
		bound(s, "path1", "maxLength", policy.Limit(policy.Path))
		bound(s, "path2", "maxLength", policy.Limit(policy.Path))
	}
	bound("Brief", "banned_terms", "maxItems", policy.MaxBannedTerms)
	bound("Brief", "business_name", "maxLength", policy.Limit(policy.BusinessName))
	bound("KeywordInput", "text", "maxLength", policy.Limit(policy.Keyword))
	bound("KeywordPatch", "text", "maxLength", policy.Limit(policy.Keyword))
}

// TestSchemaChecksAreThePolicysLists: the database refuses field types and
// pins outside the policy's lists, in both engines' schemas (SQL cannot read
// the policy, so this test holds them equal).
func TestSchemaChecksAreThePolicysLists(t *testing.T) {
	inList := regexp.MustCompile(`(field_type|pinned_field) IN \(([^)]*)\)`)
	for _, engine := range []string{"sqlite", "postgres"} {
		raw, err := os.ReadFile(filepath.Join("..", "migrations", engine, "0001_campaign_graph.sql"))
		if err != nil {
			t.Fatal(err)
		}
		var fieldLists, pinLists [][]string
		for _, m := range inList.FindAllStringSubmatch(string(raw), -1) {
			var values []string
			for v := range strings.SplitSeq(m[2], ",") {
				values = append(values, strings.Trim(strings.TrimSpace(v), "'"))
			}
			if m[1] == "pinned_field" {
				pinLists = append(pinLists, values)
			} else {
				fieldLists = append(fieldLists, values)
			}
		}
		if len(fieldLists) == 0 || !slices.Equal(fieldLists[0], names(policy.LinkFields())) {
			t.Errorf("%s: asset_links.field_type CHECK lists %v, want the policy's %v", engine, fieldLists, policy.LinkFields())
		}
		if len(fieldLists) < 2 || !slices.Equal(fieldLists[1], names(policy.RSAFormat.Fields())) {
			t.Errorf("%s: ad links' field_type CHECK lists %v, want the policy's %v", engine, fieldLists, policy.RSAFormat.Fields())
		}
		want := [][]string{policy.Pins(policy.Headline), policy.Pins(policy.Description)}
		if !slices.EqualFunc(pinLists, want, slices.Equal) {
			t.Errorf("%s: pinned_field CHECKs list %v, want the policy's %v", engine, pinLists, want)
		}
	}
}
