package assets_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

type finding struct {
	Code      string `json:"code"`
	Severity  string `json:"severity"`
	Message   string `json:"message"`
	MessageDE string `json:"message_de"`
	Start     int    `json:"start"`
	End       int    `json:"end"`
}

type verdict struct {
	Valid             bool      `json:"valid"`
	Width             int       `json:"width"`
	Limit             int       `json:"limit"`
	Violations        []finding `json:"violations"`
	Warnings          []finding `json:"warnings"`
	ViolationsOmitted int       `json:"violations_omitted"`
	WarningsOmitted   int       `json:"warnings_omitted"`
}

type problemField struct {
	Location string `json:"location"`
	Code     string `json:"code"`
	Start    *int   `json:"start"`
	End      *int   `json:"end"`
}

func problemFields(t *testing.T, r *apptest.Response) []problemField {
	t.Helper()
	var p struct {
		Errors []problemField `json:"errors"`
	}
	r.JSON(t, &p)
	return p.Errors
}

// message is the policy's own message for the first finding of code in text.
func message(t *testing.T, f policy.Field, text, code, lang string) string {
	t.Helper()
	for _, v := range policy.CheckText(f, text).Violations {
		if v.Code == code {
			return v.Message(lang)
		}
	}
	t.Fatalf("%q has no %s", text, code)
	return ""
}

func TestValidateOverHTTP(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		body := map[string]any{
			"items": []map[string]any{
				{"field": "HEADLINE", "text": "Jetzt KAUFEN!!", "language": "de"},
				{"field": "HEADLINE", "text": "Bei ReifenDirekt kaufen", "language": "de"},
				{"field": "LONG_HEADLINE", "text": "Winterreifen kaufen"},
				{"field": "DESCRIPTION", "text": "Billige Reifen, billig geliefert."},
			},
			"allow": []string{"ReifenDirekt"}, "banned": []string{"billig"},
		}
		// A viewer may check texts: nothing is written.
		r := e.DoAs(t, auth.Viewer, "POST", "/api/validate", body)
		if r.Status != http.StatusOK {
			t.Fatalf("validate: %d %s", r.Status, r.Body)
		}
		var en struct{ Items []verdict }
		r.JSON(t, &en)
		if len(en.Items) != 4 {
			t.Fatalf("%d results for 4 items", len(en.Items))
		}
		caps := en.Items[0]
		if caps.Valid || caps.Width != 14 || caps.Limit != 30 || len(caps.Violations) != 3 || len(caps.Warnings) != 0 {
			t.Fatalf("Jetzt KAUFEN!! = %+v", caps)
		}
		v := caps.Violations[0]
		if v.Code != "E1_ALL_CAPS" || v.Severity != "error" || v.Start != 6 || v.End != 12 {
			t.Errorf("first finding %+v, want E1_ALL_CAPS at 6-12", v)
		}
		if want := message(t, policy.Headline, "Jetzt KAUFEN!!", "E1_ALL_CAPS", "en"); v.Message != want {
			t.Errorf("English message %q, want %q", v.Message, want)
		}
		if want := message(t, policy.Headline, "Jetzt KAUFEN!!", "E1_ALL_CAPS", "de"); v.MessageDE != want || want == v.Message {
			t.Errorf("message_de %q, want the German %q", v.MessageDE, want)
		}
		if !en.Items[1].Valid || len(en.Items[1].Violations) != 0 {
			t.Errorf("allowlisted ReifenDirekt refused: %+v", en.Items[1])
		}
		// Without the allowlist the same spelling is mixed case.
		var plain struct{ Items []verdict }
		e.DoAs(t, auth.Viewer, "POST", "/api/validate", map[string]any{"items": body["items"].([]map[string]any)[1:2]}).JSON(t, &plain)
		if len(plain.Items) != 1 || plain.Items[0].Valid {
			t.Errorf("ReifenDirekt without the allowlist: %+v", plain.Items)
		}
		if lh := en.Items[2]; !lh.Valid || len(lh.Warnings) != 1 || lh.Warnings[0].Code != "LONG_HEADLINE_SHORT" || lh.Warnings[0].Severity != "warning" {
			t.Errorf("short long headline = %+v, want valid with a warning", lh)
		}
		if d := en.Items[3]; d.Valid || len(d.Violations) != 1 || d.Violations[0].Code != "BANNED_TERM" || d.Violations[0].Start != 16 {
			t.Errorf("banned term = %+v, want BANNED_TERM on the whole word billig only", d)
		}

		var de struct{ Items []verdict }
		e.Must(t, http.StatusOK, "POST", "/api/validate?lang=de", body).JSON(t, &de)
		v = de.Items[0].Violations[0]
		if want := message(t, policy.Headline, "Jetzt KAUFEN!!", "E1_ALL_CAPS", "de"); v.Message != want || v.MessageDE != "" {
			t.Errorf("lang=de: message %q, message_de %q; want %q and none", v.Message, v.MessageDE, want)
		}

		for _, c := range []struct {
			name, query string
			body        any
			location    string
		}{
			{"image field", "", map[string]any{"items": []map[string]any{{"field": "HEADLINE", "text": "a"}, {"field": "HEADLINE", "text": "b"}, {"field": "PATH", "text": "c"}, {"field": "LOGO", "text": "d"}}}, "body.items[3].field"},
			{"lower-case field", "", map[string]any{"items": []map[string]any{{"field": "headline", "text": "a"}}}, "body.items[0].field"},
			{"unknown language", "", map[string]any{"items": []map[string]any{{"field": "HEADLINE", "text": "a", "language": "xx-invalid-tag-"}}}, "body.items[0].language"},
			{"blank banned term", "", map[string]any{"items": []map[string]any{{"field": "HEADLINE", "text": "a"}}, "banned": []string{" "}}, "body.banned"},
			{"no items", "", map[string]any{"items": []map[string]any{}}, "body.items"},
			{"message language", "?lang=fr", body, "query.lang"},
		} {
			r := e.Do(t, "POST", "/api/validate"+c.query, c.body)
			fields := problemFields(t, r)
			if r.Status != http.StatusUnprocessableEntity || len(fields) == 0 || fields[0].Location != c.location {
				t.Errorf("%s: %d %s; want 422 naming %s", c.name, r.Status, r.Body, c.location)
			}
		}
		items := make([]map[string]any, 1001)
		for i := range items {
			items[i] = map[string]any{"field": "HEADLINE", "text": "Laufschuhe"}
		}
		e.Must(t, http.StatusUnprocessableEntity, "POST", "/api/validate", map[string]any{"items": items})
		e.Must(t, http.StatusOK, "POST", "/api/validate", map[string]any{"items": items[:1000]})
	})
}

// answerLimit is the most bytes POST /api/validate answers (maxValidateAnswer).
const answerLimit = 2 << 20

// TestValidateAnswerIsBounded sends the requests that answer the most per
// byte: texts in which every character is a finding ("{", "!", a symbol),
// each finding answered with two messages. Unbounded, 1 MB of them came back
// as 250 MB. The answer stays within answerLimit, and within twice the
// request once the request is a megabyte; every finding is either listed or
// counted, listed ones are the first of each item in item order, and valid
// still judges them all.
func TestValidateAnswerIsBounded(t *testing.T) {
	type item struct{ field, text string }
	repeat := func(it item, n int) []item {
		items := make([]item, n)
		for i := range items {
			items[i] = it
		}
		return items
	}
	legit := repeat(item{"HEADLINE", "Jetzt KAUFEN!!"}, 1000)
	cases := []struct {
		name  string
		items []item
	}{
		{"1000 paths of 1000 '{'", repeat(item{"PATH", strings.Repeat("{", 1000)}, 1000)},
		{"1000 headlines of 500 '★ '", repeat(item{"HEADLINE", strings.Repeat("★ ", 500)}, 1000)},
		{"1000 paths of 40 '{'", repeat(item{"PATH", strings.Repeat("{", 40)}, 1000)},
		{"ordinary headlines after ten texts of findings", append(repeat(item{"DESCRIPTION", strings.Repeat("!", 1000)}, 10), legit[:990]...)},
	}
	verdicts := map[item]policy.Result{} // the items repeat a few texts
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		check := func(t *testing.T, items []item) (in, out int, got []verdict) {
			t.Helper()
			list := make([]map[string]string, len(items))
			for i, it := range items {
				list[i] = map[string]string{"field": it.field, "text": it.text}
			}
			body, err := json.Marshal(map[string]any{"items": list})
			if err != nil {
				t.Fatal(err)
			}
			r := e.Must(t, http.StatusOK, "POST", "/api/validate", body)
			var answer struct{ Items []verdict }
			r.JSON(t, &answer)
			if len(answer.Items) != len(items) {
				t.Fatalf("%d results for %d items", len(answer.Items), len(items))
			}
			exhausted := false // a finding was left out for want of room: none is listed after it
			for i, v := range answer.Items {
				want, ok := verdicts[items[i]]
				if !ok {
					want = policy.CheckText(policy.Field(items[i].field), items[i].text)
					verdicts[items[i]] = want
				}
				errors, warnings := want.Errors(), len(want.Violations)-len(want.Errors())
				if v.Valid != (len(errors) == 0) || len(v.Violations)+v.ViolationsOmitted != len(errors) || len(v.Warnings)+v.WarningsOmitted != warnings {
					t.Fatalf("item %d: valid %v, %d+%d violations, %d+%d warnings; the checker finds %d and %d",
						i, v.Valid, len(v.Violations), v.ViolationsOmitted, len(v.Warnings), v.WarningsOmitted, len(errors), warnings)
				}
				if len(v.Violations) > policy.MaxListedFindings || len(v.Warnings) > policy.MaxListedFindings {
					t.Fatalf("item %d lists %d violations and %d warnings", i, len(v.Violations), len(v.Warnings))
				}
				if exhausted && len(v.Violations)+len(v.Warnings) > 0 {
					t.Fatalf("item %d lists findings after an earlier item's were left out", i)
				}
				for j, f := range v.Violations {
					if f.Code != errors[j].Code || f.Start != errors[j].Start || f.End != errors[j].End || f.Message == "" || f.MessageDE == "" {
						t.Fatalf("item %d, violation %d: %+v, want %s at %d-%d", i, j, f, errors[j].Code, errors[j].Start, errors[j].End)
					}
				}
				if listed := min(len(errors), policy.MaxListedFindings); i == 0 && len(v.Violations) != listed {
					t.Fatalf("the first item lists %d of its %d violations, want %d", len(v.Violations), len(errors), listed)
				}
				exhausted = exhausted || len(v.Violations) < min(len(errors), policy.MaxListedFindings)
			}
			return len(body), len(r.Body), answer.Items
		}
		for _, c := range cases {
			in, out, got := check(t, c.items)
			t.Logf("%s: %d bytes in, %d bytes out (%.1fx)", c.name, in, out, float64(out)/float64(in))
			if out > answerLimit || (in >= 1<<20 && out > 2*in) {
				t.Errorf("%s: %d bytes answered %d; the limit is %d bytes, and twice the request above 1 MiB", c.name, in, out, answerLimit)
			}
			if c.name == "ordinary headlines after ten texts of findings" {
				for i, v := range got[10:] {
					if len(v.Violations) != 3 || v.ViolationsOmitted != 0 {
						t.Fatalf("headline %d after the texts of findings: %d listed, %d omitted", i, len(v.Violations), v.ViolationsOmitted)
					}
				}
			}
		}
		// A thousand ordinary headlines, three findings each, are answered
		// in full.
		in, out, got := check(t, legit)
		t.Logf("1000 ordinary headlines: %d bytes in, %d bytes out", in, out)
		for i, v := range got {
			if len(v.Violations) != 3 || v.ViolationsOmitted != 0 {
				t.Fatalf("headline %d: %d listed, %d omitted", i, len(v.Violations), v.ViolationsOmitted)
			}
		}
	})
}

func TestTextAssetWithCharactersNoFieldTakesIsRefused(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		for _, c := range []struct {
			text, code string
			start, end int
		}{
			{"Hotels 🏨 in Berlin", "EMOJI", 7, 8},
			{"ﾎﾃﾙ予約", "HALF_WIDTH_KATAKANA", 0, 3},
			// The campaign tree separates texts with \x1e and \x1f.
			{"Reifen\x1eMüller", "INVALID_CHARACTER", 6, 7},
			{"Buy {KeyWord:} Now", "MALFORMED_PLACEHOLDER", 4, 14},
		} {
			r := e.Do(t, "POST", "/api/assets", map[string]any{"text": c.text})
			fields := problemFields(t, r)
			if r.Status != http.StatusUnprocessableEntity || len(fields) == 0 {
				t.Errorf("%q: %d %s; want 422", c.text, r.Status, r.Body)
				continue
			}
			f := fields[0]
			if f.Location != "body.text" || f.Code != c.code || f.Start == nil || *f.Start != c.start || *f.End != c.end {
				t.Errorf("%q: %+v, want %s at body.text %d-%d", c.text, f, c.code, c.start, c.end)
			}
		}
		// Field rules wait for the link: a text too long for a headline, in
		// capitals and with an exclamation mark, is a valid asset.
		e.Must(t, http.StatusCreated, "POST", "/api/assets", map[string]any{"text": "WINTERREIFEN VON ALLEN TOP-MARKEN JETZT GÜNSTIG!"})
		var n int
		if err := d.Read().QueryRow(t.Context(), `SELECT count(*) FROM assets`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d assets (%v), want only the last one", n, err)
		}
	})
}

func idOf(t *testing.T, r *apptest.Response) int64 {
	t.Helper()
	var v struct {
		ID int64 `json:"id"`
	}
	r.JSON(t, &v)
	if v.ID <= 0 {
		t.Fatalf("no id in %s", r.Body)
	}
	return v.ID
}
