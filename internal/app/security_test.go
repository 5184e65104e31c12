package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

// No API answer may be kept by a cache: they carry new tokens, personal data
// and unpublished drafts.
func TestAPIAnswersAreNotStored(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		for _, c := range []struct {
			method, path string
			body         any
		}{
			{"GET", "/api/me", nil},
			{"POST", "/api/tokens", map[string]any{"name": "cache test"}},
			{"GET", "/api/users", nil},
			{"GET", "/api/audit", nil},
			{"GET", "/api/campaigns", nil},
			{"GET", "/api/nothing-here", nil},
		} {
			r := e.Do(t, c.method, c.path, c.body)
			if got := r.Header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("%s %s (%d): Cache-Control %q, want no-store", c.method, c.path, r.Status, got)
			}
		}
	})
}

// Without a metrics token or listener, /metrics is for admins only.
func TestMetricsNeedAnAdmin(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		for role, want := range map[auth.Role]int{auth.Anonymous: 401, auth.Viewer: 403, auth.Publisher: 403, auth.Admin: 200} {
			r := e.DoAs(t, role, "GET", "/metrics", nil)
			if r.Status != want {
				t.Errorf("%s: status %d, want %d", role, r.Status, want)
			}
			if want == 200 && !strings.Contains(string(r.Body), "go_goroutines") {
				t.Errorf("admin got no metrics: %.200s", r.Body)
			}
		}
	})
}

// A refused request never echoes a secret it carried, nor the whole body.
func TestProblemsDoNotEchoSecrets(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		const secret = "Sup3r-S3cret-Passw0rd"
		long := strings.Repeat(secret, 60) // beyond the password's maxLength
		for _, c := range []struct {
			path string
			body string
		}{
			{"/api/auth/login", `{"email":42,"password":"` + secret + `"}`},
			{"/api/auth/login", `{"email":"a@example.com","password":"` + long + `"}`},
			{"/api/auth/login", `{"email":"a@example.com","password":42,"note":"` + secret + `"}`},
			{"/api/auth/login", `{"email":"a@example.com","password":{"value":"` + secret + `"}}`},
			{"/api/auth/login", `["` + secret + `"]`},
			{"/api/auth/login", `{"email":"a@example.com","password":"` + secret + `","extra":{"deep":"x"}}`},
			{"/api/auth/login", `{"email":"a@example.com","password":"` + secret + `"`},
			{"/api/users", `{"email":"new@example.com","role":"boss","password":"` + secret + `"}`},
			{"/api/users", `{"email":"not an email","role":"viewer","password":"` + secret + `"}`},
			{"/api/users", `{"email":"short@example.com","role":"viewer","password":"` + secret[:3] + `"}`},
		} {
			r := e.DoAs(t, auth.Admin, "POST", c.path, c.body)
			if r.Status < 400 {
				t.Errorf("%s %s: status %d, want a refusal", c.path, c.body[:min(len(c.body), 60)], r.Status)
			}
			if strings.Contains(string(r.Body), secret) || strings.Contains(string(r.Body), secret[:3]+`"`) {
				t.Errorf("%s: answer %d echoes the secret: %s", c.path, r.Status, r.Body)
			}
		}
	})
}

// Control characters and lone surrogate escapes are refused in every string
// field, naming the field, and what was stored stays as it was.
func TestTextHygiene(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		campaign := `{"name":"Winter","type":"SEARCH","budget_micros":1000000,"currency":"EUR","languages":["de"],"locations":["DE"],"final_url":"https://example.com/","brief":{"product":"Reifen","notes":"Zeile 1\nZeile 2"}}`
		r := e.Must(t, 201, "POST", "/api/campaigns", campaign)
		id := strings.TrimPrefix(r.Header.Get("Location"), "/api/campaigns/")
		etag := r.Header.Get("ETag")
		for _, c := range []struct {
			method, path, body, location string
		}{
			{"POST", "/api/campaigns", strings.Replace(campaign, `"Winter"`, `"Winter\u0000Sale"`, 1), "body.name"},
			{"POST", "/api/campaigns", strings.Replace(campaign, `"Winter"`, `"Winter\ud800"`, 1), "body.name"},
			{"POST", "/api/campaigns", strings.Replace(campaign, `"Winter"`, `"Winter\nSale"`, 1), "body.name"},
			{"POST", "/api/campaigns", strings.Replace(campaign, `"Reifen"`, `"Rei\u001bfen"`, 1), "body.brief.product"},
			{"PATCH", "/api/campaigns/" + id, `{"name":"Sommer\u0085"}`, "body.name"},
			{"PATCH", "/api/campaigns/" + id, `{"brief":{"selling_points":["gut","\udfff"]}}`, "body.brief.selling_points[1]"},
			{"POST", "/api/assets", `{"text":"Winterreifen\u0000"}`, "body.text"},
			{"POST", "/api/validate", `{"items":[{"field":"HEADLINE","text":"ok"},{"field":"HEADLINE","text":"a\ud83db"}]}`, "body.items[1].text"},
			{"POST", "/api/tokens", `{"name":"ci\u0000"}`, "body.name"},
			{"GET", "/api/assets?q=reifen%00", "", "query.q"},
			{"GET", "/api/assets?q=%ED%A0%80", "", "query.q"},
		} {
			var body any
			if c.body != "" {
				body = c.body
			}
			r := e.Do(t, c.method, c.path, body, "If-Match", etag)
			if r.Status != 422 || !strings.Contains(string(r.Body), `"location":"`+c.location+`"`) {
				t.Errorf("%s %s %s: %d %s; want 422 naming %s", c.method, c.path, c.body, r.Status, r.Body, c.location)
			}
		}
		var got struct {
			Name  string `json:"name"`
			Brief struct {
				Notes string `json:"notes"`
			} `json:"brief"`
		}
		e.Must(t, 200, "GET", "/api/campaigns/"+id, nil).JSON(t, &got)
		if got.Name != "Winter" || got.Brief.Notes != "Zeile 1\nZeile 2" {
			t.Errorf("stored campaign changed: %+v", got)
		}
	})
}

// A lifecycle event names the version it is meant for: without If-Match it
// is 428, and after any change to the campaign or anything in it, 412.
func TestLifecycleEventsNeedTheReviewedVersion(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		r := e.Must(t, 201, "POST", "/api/campaigns", `{"name":"Winter","type":"SEARCH","budget_micros":1000000,"currency":"EUR","languages":["de"],"locations":["DE"],"final_url":"https://example.com/","brief":{"product":"Reifen"}}`)
		cid := strings.TrimPrefix(r.Header.Get("Location"), "/api/campaigns/")
		g := e.Must(t, 201, "POST", "/api/ad-groups", `{"campaign_id":`+cid+`,"name":"Reifen"}`)
		gid := strings.TrimPrefix(g.Header.Get("Location"), "/api/ad-groups/")
		e.Must(t, 201, "POST", "/api/ads", `{"ad_group_id":`+gid+`,"final_urls":["https://example.com/"],"headlines":[{"text":"Winterreifen kaufen"},{"text":"Reifen Müller"},{"text":"Montage inklusive"}],"descriptions":[{"text":"Kostenlose Montage in über 40 Filialen."},{"text":"Jetzt Termin buchen."}]}`)
		etag := e.Must(t, 200, "GET", "/api/campaigns/"+cid, nil).Header.Get("ETag")
		events := "/api/campaigns/" + cid + "/"
		state := func() string {
			var c struct{ State string }
			e.Must(t, 200, "GET", "/api/campaigns/"+cid, nil).JSON(t, &c)
			return c.State
		}

		for _, h := range [][]string{nil, {"If-Match", "*"}, {"If-Match", ""}} {
			if r := e.Do(t, "POST", events+"submit", nil, h...); r.Status != 428 || !strings.Contains(string(r.Body), "header.If-Match") {
				t.Errorf("submit with %q: %d %s, want 428", h, r.Status, r.Body)
			}
		}
		etag = e.Must(t, 200, "POST", events+"submit", nil, "If-Match", etag).Header.Get("ETag")

		// The reviewer saw etag; someone else changes the budget, then a keyword.
		reviewed := etag
		etag = e.Must(t, 200, "PATCH", "/api/campaigns/"+cid, `{"budget_micros":9000000000}`, "If-Match", etag).Header.Get("ETag")
		if r := e.Do(t, "POST", events+"approve", nil, "If-Match", reviewed); r.Status != 412 {
			t.Errorf("approve of a campaign whose budget changed since review: %d %s, want 412", r.Status, r.Body)
		}
		reviewed = etag
		e.Must(t, 201, "POST", "/api/keywords", `{"ad_group_id":`+gid+`,"text":"reifen billig","match_type":"BROAD"}`)
		if r := e.Do(t, "POST", events+"approve", nil, "If-Match", reviewed); r.Status != 412 {
			t.Errorf("approve after a keyword was added since review: %d %s, want 412", r.Status, r.Body)
		}
		// A pin set by someone else, and a removed text, move the version too.
		var tree struct {
			AdGroups []struct {
				Ads []struct {
					ID        int64
					Headlines []struct {
						LinkID int64 `json:"link_id"`
					}
				}
			} `json:"ad_groups"`
		}
		for _, change := range []string{"pin", "unlink"} {
			reviewed = e.Must(t, 200, "GET", "/api/campaigns/"+cid+"/tree", nil).Header.Get("ETag")
			e.Must(t, 200, "GET", "/api/campaigns/"+cid+"/tree", nil).JSON(t, &tree)
			ad := tree.AdGroups[0].Ads[0]
			link := fmt.Sprintf("/api/ads/%d/assets/%d", ad.ID, ad.Headlines[0].LinkID)
			if change == "pin" {
				e.Must(t, 200, "PATCH", link, `{"pinned_field":"HEADLINE_1"}`)
			} else {
				var text struct{ ID int64 }
				e.Must(t, 201, "POST", "/api/assets", `{"text":"Reifen vom Fachmann"}`).JSON(t, &text)
				e.Must(t, 201, "POST", fmt.Sprintf("/api/ads/%d/assets", ad.ID), fmt.Sprintf(`{"asset_id":%d,"field_type":"HEADLINE"}`, text.ID))
				reviewed = e.Must(t, 200, "GET", "/api/campaigns/"+cid, nil).Header.Get("ETag")
				e.Must(t, 204, "DELETE", link, nil)
			}
			if r := e.Do(t, "POST", events+"approve", nil, "If-Match", reviewed); r.Status != 412 {
				t.Errorf("approve after a %s since review: %d %s, want 412", change, r.Status, r.Body)
			}
		}
		if s := state(); s != "review" {
			t.Fatalf("state %s after refused approvals", s)
		}
		etag = e.Must(t, 200, "GET", "/api/campaigns/"+cid, nil).Header.Get("ETag")
		e.Must(t, 200, "POST", events+"approve", nil, "If-Match", etag)
		if s := state(); s != "approved" {
			t.Errorf("state %s, want approved", s)
		}
	})
}

// An audit entry commits with its change or neither does: when the audit log
// refuses the entry, the change is rolled back; a refused change leaves no
// entry; a create's entry names the created entity.
func TestAuditEntryCommitsWithItsChange(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		count := func(q string) int {
			var n int
			if err := d.Read().QueryRow(context.Background(), q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		campaign := `{"name":"Audited","type":"SEARCH","budget_micros":1000000,"currency":"EUR","languages":["de"],"locations":["DE"]}`
		r := e.DoAs(t, auth.Editor, "POST", "/api/campaigns", campaign)
		id := strings.TrimPrefix(r.Header.Get("Location"), "/api/campaigns/")
		if r.Status != 201 || count(`SELECT count(*) FROM audit_log WHERE action = 'create-campaign' AND entity = 'campaigns' AND entity_id = '`+id+`' AND actor = 'editor@example.com' AND status = 201`) != 1 {
			t.Fatalf("create %d: no audit entry naming campaign %s", r.Status, id)
		}
		// Refused (duplicate name): nothing stored, nothing audited.
		e.DoAs(t, auth.Editor, "POST", "/api/campaigns", campaign)
		if n := count(`SELECT count(*) FROM audit_log WHERE action = 'create-campaign'`); n != 1 {
			t.Errorf("%d create entries after a refused create, want 1", n)
		}
		// A read-only POST changes nothing and leaves no entry.
		e.Must(t, 200, "POST", "/api/validate", `{"items":[{"field":"HEADLINE","text":"Winterreifen"}]}`)
		if n := count(`SELECT count(*) FROM audit_log WHERE action = 'validate-texts'`); n != 0 {
			t.Errorf("%d entries for a validation that changed nothing", n)
		}

		inject := `CREATE TRIGGER audit_down BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'injected audit failure'); END`
		if d.Engine == db.Postgres {
			inject = `CREATE FUNCTION audit_down() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected audit failure'; END; $$;
				CREATE TRIGGER audit_down BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_down()`
		}
		if _, err := d.WriteDB().Exec(inject); err != nil {
			t.Fatal(err)
		}
		r = e.DoAs(t, auth.Editor, "POST", "/api/campaigns", strings.Replace(campaign, "Audited", "Unaudited", 1))
		if r.Status != 500 {
			t.Errorf("create while the audit log fails: %d %s, want 500", r.Status, r.Body)
		}
		etag := e.Must(t, 200, "GET", "/api/campaigns/"+id, nil).Header.Get("ETag")
		e.DoAs(t, auth.Editor, "PATCH", "/api/campaigns/"+id, `{"budget_micros":5000000}`, "If-Match", etag)
		if n := count(`SELECT count(*) FROM campaigns WHERE name = 'Unaudited' OR budget_micros = 5000000`); n != 0 {
			t.Errorf("%d changes committed without their audit entry", n)
		}
	})
}

// A small request with many bad fields gets a small answer: a problem lists
// at most httpapi.MaxProblemErrors fields and counts the rest.
func TestProblemsDoNotAmplify(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		body := `{"items":[` + strings.TrimSuffix(strings.Repeat(`{},`, 1000), ",") + `]}`
		r := e.Do(t, "POST", "/api/validate", body)
		var p struct {
			Errors        []any `json:"errors"`
			ErrorsOmitted int   `json:"errors_omitted"`
		}
		r.JSON(t, &p)
		if r.Status != 422 || len(p.Errors) != httpapi.MaxProblemErrors || len(p.Errors)+p.ErrorsOmitted < 1000 {
			t.Errorf("%d: %d errors listed, %d omitted", r.Status, len(p.Errors), p.ErrorsOmitted)
		}
		if len(r.Body) > 2*len(body) {
			t.Errorf("a %d-byte request answered %d bytes", len(body), len(r.Body))
		}
	})
}
