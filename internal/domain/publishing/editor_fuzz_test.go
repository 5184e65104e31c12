package publishing_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// FuzzEditorImport sends any bytes to the real import endpoint (HTTP, the
// wired product, SQLite; the import's SQL is the campaigns slice's, which
// its own tests run on both engines). Whatever the file:
//   - the answer is never a 5xx: 201 with a report, or a 4xx problem;
//   - a refusal stores nothing and is an RFC 9457 problem naming the file
//     (body, body.file) or the rows and columns at fault; its report, like
//     an import's, has one entry a row, in order, whose counts and statuses
//     add up;
//   - an accepted file exports with every formula-leading cell neutralised,
//     and that export imports again and exports to the same bytes.
func FuzzEditorImport(f *testing.F) {
	d := dbtest.Open(f, db.SQLite)
	e := apptest.StartOpts(f, d, apptest.Options{})
	f.Add([]byte("Campaign\tCampaign Type\tBudget\tAd Group\tKeyword\tCriterion Type\tHeadline 1\tHeadline 2\tHeadline 3\tDescription 1\tDescription 2\tFinal URL\r\n" +
		"Winterreifen Größe\tSearch\t12.50\t\t\t\t\t\t\t\t\t\r\n" +
		"Winterreifen Größe\t\t\tStraße\t\t\t\t\t\t\t\t\r\n" +
		"Winterreifen Größe\t\t\tStraße\twinterreifen größe\tExact\t\t\t\t\t\t\r\n" +
		"Winterreifen Größe\t\t\tStraße\t\t\tWinterreifen für Größe 16\tStraßentauglich & günstig\t-20 % auf Reifen\tÜber 200 Marken in Ihrer Nähe.\tMontage in 2 Tagen.\thttps://www.reifen-mueller.example/winter\r\n"))
	f.Add([]byte("campaign,budget,ad group,keyword\n\"=HYPERLINK(\"\"http://x\"\")\",1,@home,+49 89 123\n"))
	f.Add([]byte("Campaign\tBudget\r\n'=SUM(A1)\t5\r\n"))
	f.Add([]byte("Campaign\tBudget\tHeadline 1\r\nשלום 🚀\t1e309\t\u202eRTL\x00\r\n"))
	f.Add([]byte("Campaign\tBudget\r\nX\t99999999999999999999999999\r\n"))
	f.Add(utf16LEBytes("Campaign\tCampaign Type\tBudget\tAsset Group\tHeadline 1\tLong headline 1\tDescription 1\tBusiness name\r\nPMax Müller\tPerformance Max\t40\t\t\t\t\t\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		before := stored(t, d)
		r := e.DoAs(t, auth.Editor, "POST", "/api/campaigns/import?format=editor", data, "Content-Type", "text/csv")
		if r.Status >= 500 {
			t.Fatalf("import of %q: %d %s", data, r.Status, r.Body)
		}
		if r.Status != 201 {
			checkRefusal(t, r, "body", "row ")
			var problem struct{ Report *importReport }
			r.JSON(t, &problem)
			if problem.Report != nil {
				checkImportReport(t, *problem.Report, false)
			}
			if after := stored(t, d); after != before {
				t.Fatalf("a refused import stored %s, before %s", after, before)
			}
			return
		}
		var rep importReport
		r.JSON(t, &rep)
		checkImportReport(t, rep, true)
		first := exportEditor(t, e, rep.CampaignID)
		checkDefused(t, first)
		ctx := context.Background()
		if err := e.App.Campaigns.DeleteCampaign(ctx, rep.CampaignID, 0); err != nil {
			t.Fatal(err)
		}
		again := importEditor(t, e, first, "", 201)
		second := exportEditor(t, e, again.CampaignID)
		if !bytes.Equal(first, second) {
			t.Fatalf("export → import → export differs:\n%s\n---\n%s", decodeUTF16LE(first), decodeUTF16LE(second))
		}
		if err := e.App.Campaigns.DeleteCampaign(ctx, again.CampaignID, 0); err != nil {
			t.Fatal(err)
		}
	})
}

// checkRefusal: a 4xx is an RFC 9457 problem whose every listed error names
// where it is, a location starting with one of locations.
func checkRefusal(t *testing.T, r *apptest.Response, locations ...string) {
	t.Helper()
	if r.Status < 400 || r.Status >= 500 {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("%d as %q: %s", r.Status, ct, r.Body)
	}
	var p struct {
		Status int
		Title  string
		Detail string
		Errors []struct {
			Location string
			Message  string
		}
	}
	r.JSON(t, &p)
	if p.Status != r.Status || p.Title == "" || p.Detail == "" {
		t.Fatalf("problem %+v of a %d", p, r.Status)
	}
	if r.Status == 422 && len(p.Errors) == 0 {
		t.Fatalf("a 422 names no field: %s", r.Body)
	}
	for _, fe := range p.Errors {
		if fe.Message == "" || !slices.ContainsFunc(locations, func(l string) bool { return strings.HasPrefix(fe.Location, l) }) {
			t.Fatalf("error %+v names none of %q: %s", fe, locations, r.Body)
		}
	}
}

// checkImportReport: one entry a row, in the file's order (the header, row 1,
// first when it has findings), statuses and counts agreeing with the findings.
func checkImportReport(t *testing.T, rep importReport, imported bool) {
	t.Helper()
	if rep.Imported != imported || imported != (rep.CampaignID > 0) || imported && rep.Errors > 0 || !imported && rep.Errors == 0 {
		t.Fatalf("report imported %v, campaign %d, %d errors", rep.Imported, rep.CampaignID, rep.Errors)
	}
	if !slices.Contains([]string{"UTF-16LE", "UTF-16BE", "UTF-8"}, rep.Encoding) || !slices.Contains([]string{"tab", "comma"}, rep.Separator) {
		t.Fatalf("encoding %q, separator %q", rep.Encoding, rep.Separator)
	}
	errors, warnings, last := 0, 0, 0
	for k, row := range rep.Rows {
		if row.Row <= last || row.Row == 1 && (k > 0 || row.Entity != "header") || row.Row > 1 && row.Entity == "header" {
			t.Fatalf("row %d (%s) after row %d", row.Row, row.Entity, last)
		}
		last = row.Row
		status := "ok"
		for _, p := range row.Problems {
			switch {
			case p.Message == "":
				t.Fatalf("row %d: a finding without a message", row.Row)
			case p.Severity == "error":
				errors++
				status = "error"
			case p.Severity == "warning":
				warnings++
				if status == "ok" {
					status = "warning"
				}
			default:
				t.Fatalf("row %d: severity %q", row.Row, p.Severity)
			}
		}
		if row.Status != status {
			t.Fatalf("row %d is %q with findings %+v", row.Row, row.Status, row.Problems)
		}
	}
	if errors != rep.Errors || warnings != rep.Warnings {
		t.Fatalf("report counts %d errors and %d warnings, its rows %d and %d", rep.Errors, rep.Warnings, errors, warnings)
	}
}

// checkDefused: no cell of an exported file starts as a formula would.
func checkDefused(t *testing.T, file []byte) {
	t.Helper()
	r := csv.NewReader(strings.NewReader(decodeUTF16LE(file)))
	r.Comma, r.FieldsPerRecord = '\t', -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("our export does not read as tab-separated values: %v", err)
	}
	for i, row := range rows {
		for j, c := range row {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Fatalf("row %d, column %d of the export starts a formula: %q", i+1, j+1, c)
			}
		}
	}
	if len(rows) < 2 {
		t.Fatalf("the export has %d rows", len(rows))
	}
}
