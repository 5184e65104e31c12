package publishing_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/domain/publishing"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// editorSearch builds a search campaign whose texts put the file through
// its paces: umlauts and ß, Japanese, quotes, and names and texts that a
// spreadsheet would run as formulas.
func editorSearch(t *testing.T, a *campaigns.Service) int64 {
	t.Helper()
	ctx := context.Background()
	c, err := a.CreateCampaign(ctx, campaigns.CampaignInput{Name: "=SUM(A1) Winterreifen „Größe“", Type: campaigns.TypeSearch, BudgetMicros: 12_500_000,
		Currency: "EUR", Languages: []string{"de", "ja"}, Locations: []string{"DE", "AT", "1004234"}, FinalURL: "https://www.reifen-mueller.example/winter"})
	if err != nil {
		t.Fatal(err)
	}
	cpc := int64(1_230_000)
	groups := []struct {
		name     string
		cpc      *int64
		keywords []campaigns.KeywordInput
		ads      []campaigns.AdInput
	}{
		{"+49 89 123", &cpc, []campaigns.KeywordInput{{Text: "winterreifen größe", MatchType: "EXACT"}, {Text: "reifen müller", MatchType: "PHRASE"},
			{Text: "gebraucht", MatchType: "BROAD", Negative: true}, {Text: "sommerreifen", MatchType: "EXACT", Negative: true, Status: "PAUSED"}},
			[]campaigns.AdInput{{FinalURLs: []string{"https://www.reifen-mueller.example/winter"}, Path1: "winter", Path2: "größe",
				Headlines: []campaigns.AdTextInput{{Text: "Winterreifen für Größe 16", PinnedField: "HEADLINE_1"}, {Text: "-20 % auf Winterreifen"},
					{Text: "Reifen \"Premium\" mit Montage"}, {Text: "Straßentauglich und günstig", PinnedField: "HEADLINE_3"}},
				Descriptions: []campaigns.AdTextInput{{Text: "Winterreifen aller Marken, montiert in Ihrer Nähe.", PinnedField: "DESCRIPTION_2"},
					{Text: "Über 200 Marken auf Lager – Lieferung in zwei Tagen."}}}}},
		{"-20 % @home", nil, []campaigns.KeywordInput{{Text: "冬用タイヤ", MatchType: "BROAD", Status: "PAUSED"}},
			[]campaigns.AdInput{{FinalURLs: []string{"https://www.reifen-mueller.example/ja"}, Status: "PAUSED",
				Headlines:    []campaigns.AdTextInput{{Text: "冬用タイヤ取付込み"}, {Text: "全ブランド在庫あり"}, {Text: "ミュラータイヤ"}},
				Descriptions: []campaigns.AdTextInput{{Text: "冬用タイヤを取付込みでお届けします。"}, {Text: "全国どこでも二日でお届け。"}}}}},
		{"@home", nil, nil, nil},
	}
	for _, g := range groups {
		ag, err := a.CreateAdGroup(ctx, campaigns.AdGroupInput{CampaignID: c.ID, Name: g.name, CPCBidMicros: g.cpc})
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range g.keywords {
			k.AdGroupID = ag.ID
			if _, err := a.CreateKeyword(ctx, k); err != nil {
				t.Fatal(err)
			}
		}
		for _, ad := range g.ads {
			ad.AdGroupID = ag.ID
			if _, err := a.CreateAd(ctx, ad); err != nil {
				t.Fatal(err)
			}
		}
	}
	return c.ID
}

// editorPMax builds a Performance Max campaign with two asset groups.
func editorPMax(t *testing.T, a *campaigns.Service) int64 {
	t.Helper()
	ctx := context.Background()
	c, err := a.CreateCampaign(ctx, campaigns.CampaignInput{Name: "@home Reifen Müller PMax", Type: campaigns.TypePMax, BudgetMicros: 40_000_000,
		Currency: "EUR", Languages: []string{"de"}, Locations: []string{"DE"}})
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"=Winter", "Ganzjahr \"Premium\""} {
		g, err := a.CreateAssetGroup(ctx, campaigns.AssetGroupInput{CampaignID: c.ID, Name: name, FinalURLs: []string{"https://www.reifen-mueller.example/"},
			Path1: "reifen", Path2: "größe"})
		if err != nil {
			t.Fatal(err)
		}
		texts := campaigns.AssetGroupTexts{
			Headlines: []campaigns.GroupTextInput{{Text: fmt.Sprintf("Winterreifen %d", i)}, {Text: "-20 % auf Reifen"}, {Text: "Größe 16 bis 22"}},
			LongHeadlines: []campaigns.GroupTextInput{{Text: "Winterreifen aller Marken, montiert in Ihrer Nähe"},
				{Text: "Reifen \"Premium\" für jede Straße, mit Montage"}},
			Descriptions: []campaigns.GroupTextInput{{Text: "Montage inklusive."}, {Text: "Über 200 Marken auf Lager, Lieferung in zwei Tagen."}},
			BusinessName: &campaigns.GroupTextInput{Text: "Reifen Müller"},
		}
		if i == 1 {
			texts.BusinessName = nil
		}
		if _, err := a.ReplaceAssetGroupTexts(ctx, g.ID, 0, texts); err != nil {
			t.Fatal(err)
		}
	}
	return c.ID
}

func exportEditor(t *testing.T, e *apptest.Env, id int64) []byte {
	t.Helper()
	r := e.DoAs(t, auth.Viewer, "GET", fmt.Sprintf("/api/campaigns/%d/export?format=editor", id), nil)
	if r.Status != 200 {
		t.Fatalf("export: %d %s", r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-16" {
		t.Errorf("Content-Type %q", ct)
	}
	cd := r.Header.Get("Content-Disposition")
	if !strings.HasPrefix(cd, fmt.Sprintf(`attachment; filename="campaign-%d`, id)) || !strings.HasSuffix(cd, `.csv"`) ||
		strings.ContainsAny(strings.TrimSuffix(strings.TrimPrefix(cd, `attachment; filename="`), `"`), "\"=;/\\ „“@+") {
		t.Errorf("Content-Disposition %q", cd)
	}
	return r.Body
}

type importReport struct {
	Imported   bool  `json:"imported"`
	CampaignID int64 `json:"campaign_id"`
	Encoding   string
	Separator  string
	Errors     int
	Warnings   int
	Rows       []struct {
		Row      int
		Entity   string
		Name     string
		Status   string
		Problems []struct {
			Severity, Column, Message, Code, Value string
		}
	}
}

func (r importReport) lines() []string {
	var out []string
	for _, row := range r.Rows {
		for _, p := range row.Problems {
			out = append(out, fmt.Sprintf("row %d: %s: %s: %s", row.Row, p.Severity, p.Column, p.Message))
		}
	}
	return out
}

func importEditor(t *testing.T, e *apptest.Env, body []byte, query string, want int) importReport {
	t.Helper()
	r := e.DoAs(t, auth.Editor, "POST", "/api/campaigns/import?format=editor"+query, body, "Content-Type", "text/csv")
	if r.Status != want {
		t.Fatalf("import: %d, want %d: %.2000s", r.Status, want, r.Body)
	}
	var rep importReport
	if want == 201 {
		r.JSON(t, &rep)
		return rep
	}
	var problem struct {
		Report *importReport
	}
	r.JSON(t, &problem)
	if problem.Report != nil {
		rep = *problem.Report
	}
	return rep
}

// stored counts the rows of every table an import writes.
func stored(t *testing.T, d *db.DB) string {
	t.Helper()
	var out []string
	for _, table := range []string{"campaigns", "ad_groups", "keywords", "ads", "asset_groups", "asset_links", "assets"} {
		var n int
		if err := d.Read().QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s=%d", table, n))
	}
	return strings.Join(out, " ")
}

// Export → import → export gives the same bytes, for a search and a
// Performance Max campaign; the import is a new draft with the same tree.
func TestEditorFileRoundTripGivesTheSameBytes(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		ctx := context.Background()
		for _, c := range []struct {
			name  string
			build func(*testing.T, *campaigns.Service) int64
			rows  int
		}{{"search", editorSearch, 1 + 3 + 3 + 5 + 2}, {"pmax", editorPMax, 1 + 1 + 2}} {
			t.Run(c.name, func(t *testing.T) {
				id := c.build(t, e.App.Campaigns)
				first := exportEditor(t, e, id)
				if !bytes.HasPrefix(first, []byte{0xFF, 0xFE}) {
					t.Fatalf("no UTF-16LE BOM: % x", first[:4])
				}
				text := decodeUTF16LE(first)
				if n := strings.Count(text, "\r\n"); n != c.rows+1 {
					t.Errorf("%d lines, want %d:\n%s", n, c.rows+1, text)
				}
				for _, want := range []string{"Campaign\tCampaign Type\tNetworks\tBudget\t", "\tHeadline 15\tHeadline 1 position\t"} {
					if !strings.Contains(text, want) {
						t.Errorf("file lacks %q", want)
					}
				}
				before := e.App.Campaigns
				tree, err := before.Tree(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				// The name is unique: the original goes before its copy comes in.
				if err := before.DeleteCampaign(ctx, id, 0); err != nil {
					t.Fatal(err)
				}
				rep := importEditor(t, e, first, "", 201)
				if !rep.Imported || rep.CampaignID == 0 || rep.Errors != 0 || rep.Warnings != 0 || rep.Encoding != "UTF-16LE" || rep.Separator != "tab" || len(rep.Rows) != c.rows {
					t.Fatalf("report: %+v", rep)
				}
				again := exportEditor(t, e, rep.CampaignID)
				if !bytes.Equal(first, again) {
					t.Fatalf("the second export differs:\n%s\n---\n%s", text, decodeUTF16LE(again))
				}
				copied, err := before.Tree(ctx, rep.CampaignID)
				if err != nil {
					t.Fatal(err)
				}
				if copied.Campaign.State != campaigns.Draft || copied.Campaign.Name != tree.Campaign.Name || copied.Campaign.BudgetMicros != tree.Campaign.BudgetMicros ||
					fmt.Sprint(copied.Counts) != fmt.Sprint(tree.Counts) || copied.Campaign.FinalURL != tree.Campaign.FinalURL {
					t.Errorf("copy %+v %v, original %+v %v", copied.Campaign, copied.Counts, tree.Campaign, tree.Counts)
				}
			})
		}
	})
}

func decodeUTF16LE(b []byte) string {
	b = bytes.TrimPrefix(b, []byte{0xFF, 0xFE})
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	return string(utf16.Decode(u))
}

// Cells that look like formulas are neutralised in the file a spreadsheet
// opens, and the import takes them back exactly.
func TestEditorExportDefusesFormulas(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		text := decodeUTF16LE(exportEditor(t, e, editorSearch(t, e.App.Campaigns)))
		for _, want := range []string{"\n'=SUM(A1) Winterreifen „Größe“\t", "\t'+49 89 123\t1.23\tStandard\tEnabled\t", "\t'-20 % auf Winterreifen\t",
			"\t'-20 % @home\t", "\t'@home\t", "\t\"Reifen \"\"Premium\"\" mit Montage\"\t", "\twinterreifen größe\tExact\t",
			"\tgebraucht\tNegative Broad\t", "\tsommerreifen\tNegative Exact\t\t", "\t冬用タイヤ\tBroad\t", "\t12.50\tDaily\tde;ja\tMaximize clicks\t\t\tPaused\t",
			"\t2276\tGermany\t", "\t2040\tAustria\t", "\t1004234\t\t", "Responsive search ad\tWinterreifen für Größe 16\t'-20 % auf Winterreifen\t"} {
			if !strings.Contains(text, want) {
				t.Errorf("file lacks %q:\n%s", want, text)
			}
		}
		for _, line := range strings.Split(text, "\r\n") {
			for _, cell := range strings.Split(line, "\t") {
				if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
					t.Errorf("cell %q would run as a formula", cell)
				}
			}
		}
	})
}

// A hand-written UTF-8 comma-separated file with lower-case headers, Editor's
// keyword punctuation and a few columns IMAP Hub does not keep is imported,
// with warnings for what is not kept.
func TestEditorImportReadsAHandWrittenCommaFile(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		file := strings.Join([]string{
			"campaign,campaign type,daily budget,languages,start date,ad group,keyword,criterion type,ad type,headline 1,headline 1 position,headline 2,headline 3,description 1,description 2,final url,labels",
			"Sommer 2026,search,\"12,5\",DE,2026-05-01,,,,,,,,,,,,",
			"Sommer 2026,,,,,Sommerreifen,,,,,,,,,,,",
			"Sommer 2026,,,,,Sommerreifen,[sommerreifen 17 zoll],,,,,,,,,,",
			"Sommer 2026,,,,,Sommerreifen,\"\"\"sommerreifen kaufen\"\"\",,,,,,,,,,",
			"Sommer 2026,,,,,Sommerreifen,reifen,negative phrase,,,,,,,,,",
			"Sommer 2026,,,,,Sommerreifen,,,responsive search ad,Sommerreifen günstig,1,\"Reifen \"\"Premium\"\"\",Über 200 Marken,\"Sommerreifen, montiert\ttab\nund Zeile.\",Lieferung in zwei Tagen.,https://www.reifen-mueller.example/sommer,x,extra",
		}, "\n") + "\n"
		rep := importEditor(t, e, []byte(file), "&currency=CHF", 201)
		if !rep.Imported || rep.Encoding != "UTF-8" || rep.Separator != "comma" || rep.Errors != 0 {
			t.Fatalf("%+v\n%s", rep, strings.Join(rep.lines(), "\n"))
		}
		got := strings.Join(rep.lines(), "\n")
		for _, want := range []string{"row 1: warning: labels: not a Google Ads Editor column", "row 2: warning: Start Date: not kept",
			"row 7: warning: : 1 cells beyond the last column"} {
			if !strings.Contains(got, want) {
				t.Errorf("report lacks %q:\n%s", want, got)
			}
		}
		tree, err := e.App.Campaigns.Tree(context.Background(), rep.CampaignID)
		if err != nil {
			t.Fatal(err)
		}
		c := tree.Campaign
		if c.Name != "Sommer 2026" || c.BudgetMicros != 12_500_000 || c.Currency != "CHF" || fmt.Sprint(c.Languages) != "[de]" || c.State != campaigns.Draft || len(tree.AdGroups) != 1 {
			t.Fatalf("%+v", tree)
		}
		g := tree.AdGroups[0]
		var kws []string
		for _, k := range g.Keywords {
			kws = append(kws, fmt.Sprintf("%s/%s/%t", k.Text, k.MatchType, k.Negative))
		}
		if strings.Join(kws, " ") != "sommerreifen 17 zoll/EXACT/false sommerreifen kaufen/PHRASE/false reifen/PHRASE/true" {
			t.Errorf("keywords %v", kws)
		}
		ad := g.Ads[0]
		if ad.Headlines[0].PinnedField != "HEADLINE_1" || ad.Headlines[1].Text != `Reifen "Premium"` || ad.Descriptions[0].Text != "Sommerreifen, montiert tab und Zeile." {
			t.Errorf("ad %+v", ad)
		}
	})
}

// Rows with errors refuse the whole import with every problem by row and
// column, and nothing is stored.
func TestEditorImportRefusesAFileWithErrorsAndStoresNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		editorSearch(t, e.App.Campaigns)
		before := stored(t, d)
		long := "Winterreifen günstig online kaufen" // 34 wide
		header := "Campaign\tCampaign Type\tBudget\tLocation ID\tAd Group\tKeyword\tCriterion Type\tAd type\tHeadline 1\tHeadline 2\tHeadline 3\tHeadline 3 position\tDescription 1\tDescription 2\tFinal URL\tStatus"
		rows := []string{
			"Winter\tSearch\tzwölf\t\t\t\t\t\t\t\t\t\t\t\t\t",
			"Winter\t\t\t99\t\t\t\t\t\t\t\t\t\t\t\t",
			"Winter\t\t\t\tGruppe\t\t\t\t\t\t\t\t\t\t\t",
			"Winter\t\t\t\tGruppe\twinter=reifen\tExact\t\t\t\t\t\t\t\t\t",
			"Winter\t\t\t\tGruppe\treifen\tFuzzy\t\t\t\t\t\t\t\t\t",
			"Winter\t\t\t\tGruppe\t\t\tResponsive search ad\tWinterreifen\tMontage inklusive\t" + long + "\t4\tWinterreifen mit Montage.\tLieferung in zwei Tagen.\thttps://www.reifen-mueller.example/\tEnabled",
			"Winter\t\t\t\tGruppe\t\t\tResponsive search ad\tWinterreifen\tMontage inklusive\tTop-Marken\t\tWinterreifen mit Montage.\tLieferung in zwei Tagen.\tftp://x\tLive",
			"Anders\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t",
			"Winter\t\t\t\tGruppe\t\t\t\t\t\t\t\t\t\t\t",
		}
		file := []byte(header + "\r\n" + strings.Join(rows, "\r\n") + "\r\n")
		for _, enc := range []struct {
			name string
			data []byte
		}{{"utf-8", file}, {"utf-16le", utf16LEBytes(string(file))}} {
			t.Run(enc.name, func(t *testing.T) {
				rep := importEditor(t, e, enc.data, "", 422)
				got := strings.Join(rep.lines(), "\n")
				for _, want := range []string{
					`row 2: error: Budget: "zwölf" is not an amount`,
					"row 3: error: Location ID: not a Google geo target id",
					`row 5: error: Keyword: contains '='`,
					"row 6: error: Criterion Type: must be Broad, Phrase or Exact",
					"row 7: error: Headline 3 position: must be empty (not pinned) or a position from 1 to 3",
					"row 7: error: Headline 3: Headline is 34 characters wide; the limit is 30.",
					"row 8: error: Status: must be Enabled or Paused",
					"row 8: error: Final URL: must be an absolute http:// or https:// URL",
					`row 9: error: Campaign: this file holds more than one campaign ("Winter" and "Anders")`,
					`row 10: error: Ad Group: a second row for the ad group "Gruppe" (the first is row 4)`,
				} {
					if !strings.Contains(got, want) {
						t.Errorf("report lacks %q:\n%s", want, got)
					}
				}
				if rep.Imported || rep.CampaignID != 0 || rep.Errors < 10 {
					t.Errorf("%+v", rep)
				}
				if after := stored(t, d); after != before {
					t.Errorf("stored %s, before %s", after, before)
				}
			})
		}
	})
}

func utf16LEBytes(s string) []byte {
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

// Hostile files get a clear error and store nothing: binary garbage, a file
// over the limit, a header without rows, 10,000 rows, a quote left open, a
// row with 40 headlines, a name that is taken, a banned text.
func TestEditorImportRefusesHostileFiles(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		editorSearch(t, e.App.Campaigns)
		before := stored(t, d)
		var forty []string
		var fortyHeader []string
		for i := 1; i <= 40; i++ {
			fortyHeader = append(fortyHeader, fmt.Sprintf("Headline %d", i))
			forty = append(forty, fmt.Sprintf("Überschrift %d", i))
		}
		for _, c := range []struct {
			name   string
			body   []byte
			status int
			want   string
		}{
			{"binary", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 422, "NUL byte"},
			{"50 MB", bytes.Repeat([]byte("Winter\tx\r\n"), 5<<20), 413, "at most 16 MiB"},
			{"header only", []byte("Campaign\tKeyword\r\n"), 422, "no rows below it"},
			{"10,000 rows", []byte("Campaign\tAd Group\r\n" + strings.Repeat("Winter\tGruppe\r\n", 10_000)), 422, "more than 5000 rows"},
			{"open quote", []byte("Campaign\tKeyword\r\nWinter\t\"reifen\r\nWinter\tx\r\n"), 422, "is not closed"},
			{"no header", []byte("Winter\t\tSearch\r\nWinter\tGruppe\r\n"), 422, "no Campaign column"},
			{"40 headlines", []byte("Campaign\tAd Group\t" + strings.Join(fortyHeader, "\t") + "\r\nWinter\t\t\r\nWinter\tGruppe\t" + strings.Join(forty, "\t") + "\r\n"), 422,
				"row 3: error: Headline 16: an ad or asset group takes at most 15 headlines"},
			{"taken name", []byte("Campaign\tBudget\r\n=SUM(A1) Winterreifen „Größe“\t1\r\n"), 422, `row 2: error: Campaign: a campaign named "=SUM(A1) Winterreifen „Größe“" already exists`},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := e.DoAs(t, auth.Editor, "POST", "/api/campaigns/import?format=editor", c.body, "Content-Type", "text/csv")
				if r.Status != c.status {
					t.Fatalf("%d, want %d: %.500s", r.Status, c.status, r.Body)
				}
				var problem struct {
					Detail string
					Report *importReport
				}
				r.JSON(t, &problem)
				got := problem.Detail
				if problem.Report != nil {
					got += "\n" + strings.Join(problem.Report.lines(), "\n")
				}
				if !strings.Contains(got, c.want) {
					t.Errorf("answer lacks %q:\n%s", c.want, got)
				}
				if after := stored(t, d); after != before {
					t.Errorf("stored %s, before %s", after, before)
				}
			})
		}
	})
}

// The import is for editors, the export for everyone who reads campaigns;
// a form upload works like a raw body.
func TestEditorFileRolesAndMultipart(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		id := editorPMax(t, e.App.Campaigns)
		file := exportEditor(t, e, id)
		if r := e.DoAs(t, auth.Viewer, "POST", "/api/campaigns/import?format=editor", file, "Content-Type", "text/csv"); r.Status != 403 {
			t.Errorf("a viewer imported: %d", r.Status)
		}
		if r := e.DoAs(t, auth.Anonymous, "GET", fmt.Sprintf("/api/campaigns/%d/export?format=editor", id), nil); r.Status != 401 {
			t.Errorf("anonymous export: %d", r.Status)
		}
		if r := e.DoAs(t, auth.Viewer, "GET", fmt.Sprintf("/api/campaigns/%d/export?format=csv", id), nil); r.Status != 422 {
			t.Errorf("format=csv: %d", r.Status)
		}
		var form bytes.Buffer
		w := multipart.NewWriter(&form)
		fw, _ := w.CreateFormFile("file", "campaign.csv")
		fw.Write(file)
		w.Close()
		r := e.DoAs(t, auth.Editor, "POST", "/api/campaigns/import?format=editor&name=Kopie", form.Bytes(), "Content-Type", w.FormDataContentType())
		if r.Status != 201 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		var rep importReport
		if err := json.Unmarshal(r.Body, &rep); err != nil || !rep.Imported {
			t.Fatalf("%s", r.Body)
		}
		c, err := e.App.Campaigns.GetCampaign(context.Background(), rep.CampaignID)
		if err != nil || c.Name != "Kopie" || c.Type != campaigns.TypePMax {
			t.Errorf("%+v %v", c, err)
		}
		_ = publishing.MaxEditorRows
	})
}
