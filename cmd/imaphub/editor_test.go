package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/app"
	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/platform/db"
)

// export writes the Editor file, import reads it into a new draft whose
// export is the same file; a file with errors exits 1 with the report and
// stores nothing; bad usage exits 2 naming what to give.
func TestEditorExportAndImportCommands(t *testing.T) {
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			dir, url, d := migratedDatabase(t, ctx, engine)
			a, err := app.New(ctx, d, app.Options{DataDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			id, _ := approvedCampaign(t, ctx, a, "=Winter CLI „Größe“", 2, "")
			t.Setenv("IMAPHUB_DATA_DIR", dir)
			t.Setenv("IMAPHUB_DATABASE_URL", url)
			t.Setenv("IMAPHUB_LOG_LEVEL", "warn")
			campaign := strconv.FormatInt(id, 10)
			first := filepath.Join(t.TempDir(), "winter.csv")

			_, errOut, code := runCLI(t, "export", "--campaign", campaign, "--format", "editor", "-o", first)
			if code != 0 {
				t.Fatalf("export: %d %s", code, errOut)
			}
			b, err := os.ReadFile(first)
			if err != nil || !bytes.HasPrefix(b, []byte{0xFF, 0xFE}) {
				t.Fatalf("%v % x", err, b[:min(4, len(b))])
			}
			// An approved campaign is exported as it is; its copy is a draft.
			if err := a.Campaigns.DeleteCampaign(ctx, id, 0); err != nil {
				t.Fatal(err)
			}
			out, errOut, code := runCLI(t, "import", "--format", "editor", first)
			m := regexp.MustCompile(`Imported as draft campaign (\d+) \(10 rows, 0 warnings\)`).FindStringSubmatch(out)
			if code != 0 || m == nil {
				t.Fatalf("import: %d %s %s", code, out, errOut)
			}
			second := filepath.Join(t.TempDir(), "again.csv")
			if _, errOut, code := runCLI(t, "export", "--campaign", m[1], "--format", "editor", "-o", second); code != 0 {
				t.Fatalf("export: %s", errOut)
			}
			if again, _ := os.ReadFile(second); !bytes.Equal(again, b) {
				t.Errorf("the second export differs")
			}
			c, err := a.Campaigns.GetCampaign(ctx, mustInt(m[1]))
			if err != nil || c.State != campaigns.Draft {
				t.Errorf("%+v %v", c, err)
			}

			bad := filepath.Join(t.TempDir(), "bad.csv")
			os.WriteFile(bad, []byte("campaign,ad group,headline 1,headline 2,headline 3,final url\nSommer,,,,,\nSommer,Gruppe,Winterreifen günstig online kaufen,Montage,Marken,https://www.reifen-mueller.example/\n"), 0o600)
			before, _ := a.Campaigns.ListCampaigns(ctx, campaigns.CampaignFilter{}, campaigns.ListParams{Limit: 100})
			out, _, code = runCLI(t, "import", "--format", "editor", bad)
			if code != 1 || !strings.Contains(out, "row 3: Headline 1: Headline is 34 characters wide; the limit is 30.") ||
				!strings.Contains(out, "Refused: 1 errors, 0 warnings in 2 rows; nothing was imported.") {
				t.Errorf("bad file: %d\n%s", code, out)
			}
			after, _ := a.Campaigns.ListCampaigns(ctx, campaigns.CampaignFilter{}, campaigns.ListParams{Limit: 100})
			if len(after.Items) != len(before.Items) {
				t.Errorf("a refused import stored a campaign")
			}
			garbage := filepath.Join(t.TempDir(), "garbage.png")
			os.WriteFile(garbage, []byte("\x89PNG\r\n\x1a\n\x00\x00"), 0o600)
			if _, errOut, code := runCLI(t, "import", "--format", "editor", garbage); code != 1 || !strings.Contains(errOut, "NUL byte") {
				t.Errorf("garbage: %d %s", code, errOut)
			}
			for _, c := range []struct {
				args []string
				want string
			}{
				{[]string{"export", "--format", "editor", "-o", first}, "--campaign"},
				{[]string{"export", "--campaign", campaign, "--format", "csv", "-o", first}, "the one format is editor"},
				{[]string{"export", "--campaign", campaign, "--format", "editor"}, "-o: give the file"},
				{[]string{"import", "--format", "editor"}, "give one file"},
				{[]string{"import", bad}, "the one format is editor"},
			} {
				if _, errOut, code := runCLI(t, c.args...); code != 2 || !strings.Contains(errOut, c.want) {
					t.Errorf("%v: %d %s", c.args, code, errOut)
				}
			}
		})
	}
}
