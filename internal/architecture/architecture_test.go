package architecture

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/imaphub/imaphub/"

// root is the repository, seen from this package's directory.
var root = filepath.Join("..", "..")

// slices are the business slices and what each may import inside the
// module, besides platform packages (which any slice may use, except where
// forbidden below). A slice uses another only through that one's exported
// types and the interfaces it declares itself; its tables are its own.
var sliceImports = map[string][]string{
	"internal/domain/policy":     {},
	"internal/domain/assets":     {"internal/domain/policy"},
	"internal/domain/campaigns":  {"internal/domain/policy", "internal/domain/assets"},
	"internal/domain/generation": {"internal/domain/policy", "internal/domain/assets", "internal/domain/campaigns"},
	// Brings approved campaigns to Google Ads (and runs jobs to do it).
	"internal/domain/publishing": {"internal/domain/policy", "internal/domain/assets", "internal/domain/campaigns"},
	// Step 4's slice: facts and rollups of what Google Ads reports.
	"internal/domain/reporting": {"internal/domain/policy", "internal/domain/assets", "internal/domain/campaigns"},
}

// forbiddenPlatform are platform packages (and outside modules) a package
// may not import: the policy rules are pure (policy/refusal turns them into
// API errors), and campaigns and assets neither call a model nor run jobs.
var forbiddenPlatform = map[string][]string{
	"internal/domain/policy":    {"internal/platform/", "github.com/riverqueue/"},
	"internal/domain/assets":    {"internal/platform/ai", "internal/platform/jobs", "github.com/riverqueue/"},
	"internal/domain/campaigns": {"internal/platform/ai", "internal/platform/jobs", "github.com/riverqueue/"},
}

// tableOwners names the package whose SQL may write each table. Triggers
// (graph_epoch, job_epoch, versions moved by link writes, the where-used
// counters of asset_usage kept by link and keyword writes) are part of the
// schema; job_epoch's trigger on River's table is installed by
// platform/jobs, after River's migrations.
var tableOwners = map[string]string{
	"campaigns": "internal/domain/campaigns", "ad_groups": "internal/domain/campaigns", "keywords": "internal/domain/campaigns",
	"ads": "internal/domain/campaigns", "asset_groups": "internal/domain/campaigns", "asset_links": "internal/domain/campaigns",
	"brand_spellings": "internal/domain/campaigns",
	"assets":          "internal/domain/assets", "asset_usage": "internal/domain/assets",
	"users": "internal/platform/auth", "api_tokens": "internal/platform/auth", "sessions": "internal/platform/auth",
	"login_failures": "internal/platform/auth", "audit_log": "internal/platform/auth", "auth_epoch": "internal/platform/auth",
	"server_secrets": "internal/platform/auth",
	"job_events":     "internal/platform/jobs", "job_owners": "internal/platform/jobs", "job_attempts": "internal/platform/jobs",
	"job_epoch":       "internal/platform/jobs",
	"publish_targets": "internal/domain/publishing", "google_ads_resources": "internal/domain/publishing",
	"published_snapshots": "internal/domain/publishing", "publish_runs": "internal/domain/publishing",
	"report_campaigns": "internal/domain/reporting", "report_facts": "internal/domain/reporting",
	"report_asset_facts":      "internal/domain/reporting",
	"report_asset_places":     "internal/domain/reporting",
	"report_asset_place_days": "internal/domain/reporting",
	"report_asset_days":       "internal/domain/reporting",
	"report_epoch":            "internal/domain/reporting",
	"graph_epoch":             "internal/migrations",
	"schema_migrations":       "internal/platform/db",
}

type goPackage struct {
	dir     string              // relative to the root, slash-separated
	imports map[string][]string // import path → files importing it
	files   []*ast.File
	names   []string
}

// loadPackages parses every non-test Go file under internal/ and cmd/.
func loadPackages(t *testing.T) map[string]*goPackage {
	t.Helper()
	pkgs := map[string]*goPackage{}
	fset := token.NewFileSet()
	for _, top := range []string{"internal", "cmd"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly|parser.ParseComments)
			if err != nil {
				return err
			}
			full, err := parser.ParseFile(fset, p, nil, 0)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, filepath.Dir(p))
			dir := filepath.ToSlash(rel)
			pkg := pkgs[dir]
			if pkg == nil {
				pkg = &goPackage{dir: dir, imports: map[string][]string{}}
				pkgs[dir] = pkg
			}
			for _, imp := range f.Imports {
				ip, _ := strconv.Unquote(imp.Path.Value)
				pkg.imports[ip] = append(pkg.imports[ip], filepath.Base(p))
			}
			pkg.files = append(pkg.files, full)
			pkg.names = append(pkg.names, filepath.Base(p))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(pkgs) < 20 {
		t.Fatalf("found only %d packages under %s", len(pkgs), root)
	}
	return pkgs
}

// sliceOf returns the slice a package belongs to (itself or a package below
// it), or "".
func sliceOf(dir string) string {
	for s := range sliceImports {
		if dir == s || strings.HasPrefix(dir, s+"/") {
			return s
		}
	}
	return ""
}

func TestImportsFollowTheLayers(t *testing.T) {
	for _, pkg := range loadPackages(t) {
		for ip, files := range pkg.imports {
			inModule, local := strings.CutPrefix(ip, module)
			where := pkg.dir + " (" + strings.Join(files, ", ") + ")"
			switch {
			// Infrastructure knows no business.
			case strings.HasPrefix(pkg.dir, "internal/platform/") && local &&
				(strings.HasPrefix(inModule, "internal/domain/") || strings.HasPrefix(inModule, "internal/app") || strings.HasPrefix(inModule, "internal/demo") || strings.HasPrefix(inModule, "cmd/")):
				t.Errorf("%s imports %s: platform packages import no business slice and no wiring", where, inModule)
			case sliceOf(pkg.dir) != "":
				from := sliceOf(pkg.dir)
				for _, f := range forbiddenPlatform[pkg.dir] {
					if strings.HasPrefix(inModule, f) || strings.HasPrefix(ip, f) {
						t.Errorf("%s imports %s, which the %s slice may not use", where, ip, path.Base(from))
					}
				}
				if to := sliceOf(inModule); local && to != "" && to != from && !slices.Contains(sliceImports[from], to) {
					t.Errorf("%s imports %s: the %s slice may use only %v", where, inModule, path.Base(from), sliceImports[from])
				}
				if local && (strings.HasPrefix(inModule, "internal/app") || strings.HasPrefix(inModule, "internal/demo") || strings.HasPrefix(inModule, "cmd/")) {
					t.Errorf("%s imports %s: slices import no wiring", where, inModule)
				}
			}
		}
	}
}

var (
	sqlWrite = regexp.MustCompile(`(?i)\b(?:INSERT\s+INTO|DELETE\s+FROM|UPDATE)\s+([a-z_][a-z0-9_]*)(?:\s+SET\b|\s*\(|\s+(?:VALUES|SELECT|WHERE|AS|DEFAULT)\b|\s*$|\s+[a-z_]+\s+SET\b)`)
	anySQL   = regexp.MustCompile(`(?i)^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\s`)
)

// sqlIn returns the SQL string literals of a package's files.
func sqlIn(pkg *goPackage) []string {
	var out []string
	for _, f := range pkg.files {
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err == nil && (anySQL.MatchString(s) || sqlWrite.MatchString(s)) {
				out = append(out, s)
			}
			return true
		})
	}
	return out
}

func TestEachTableIsWrittenByItsOwnerOnly(t *testing.T) {
	pkgs := loadPackages(t)
	writes := 0
	for _, pkg := range pkgs {
		for _, q := range sqlIn(pkg) {
			for _, m := range sqlWrite.FindAllStringSubmatch(q, -1) {
				table := strings.ToLower(m[1])
				if table == "set" || strings.HasPrefix(table, "river_") {
					continue // "DO UPDATE SET"; River writes its own tables
				}
				writes++
				owner, known := tableOwners[table]
				switch {
				case !known:
					t.Errorf("%s writes %s, a table with no owner in tableOwners: %.80q", pkg.dir, table, q)
				case owner != pkg.dir:
					t.Errorf("%s writes %s, which belongs to %s: %.80q", pkg.dir, table, owner, q)
				}
			}
		}
	}
	if writes < 40 {
		t.Errorf("found only %d SQL writes: the scan is not seeing the stores", writes)
	}
}

// Every table the migrations create has an owner, so a new table cannot
// slip past the rule above.
func TestEveryTableHasAnOwner(t *testing.T) {
	create := regexp.MustCompile(`(?i)CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_]*)`)
	var tables []string
	for _, engine := range []string{"sqlite", "postgres"} {
		files, err := filepath.Glob(filepath.Join(root, "internal", "migrations", engine, "*.sql"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no %s migrations: %v", engine, err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range create.FindAllStringSubmatch(string(b), -1) {
				tables = append(tables, strings.ToLower(m[1]))
			}
		}
	}
	sort.Strings(tables)
	for _, table := range slices.Compact(tables) {
		if _, ok := tableOwners[table]; !ok {
			t.Errorf("table %s has no owner in tableOwners", table)
		}
	}
}

// The commands wire and print; they run no SQL of their own.
func TestCommandsRunNoSQL(t *testing.T) {
	for _, pkg := range loadPackages(t) {
		if !strings.HasPrefix(pkg.dir, "cmd/") && pkg.dir != "internal/app" {
			continue
		}
		for _, q := range sqlIn(pkg) {
			t.Errorf("%s runs SQL itself: %.80q", pkg.dir, q)
		}
	}
}
