package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// fuzzWrite is one write endpoint the fuzzer sends bodies to. path may hold
// %d for the fixture's id; ifMatch names the entity whose current ETag goes
// in If-Match, "" for none.
type fuzzWrite struct {
	method, path, ifMatch string
	seeds                 []string
}

// fuzzBodies are the seeds every endpoint gets besides its own: hostile
// shapes of JSON.
var fuzzBodies = []string{
	``, `null`, `[]`, `"Größe"`, `{`, `{"name": "Winter`, `{"name": 1e999}`, `{"budget_micros": 99999999999999999999999}`,
	`{"budget_micros": -1}`, `{"budget_micros": 1.5}`, `{"name": "a", "name": "b"}`, "{\"name\": \"NUL \u0000 \\u0000\"}",
	"```json\n{\"name\": \"fenced\"}\n```", `{"headlines": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`,
	`{"name": "\ud800"}`, "{\"name\": \"\xff\xfe\"}", `{"unknown": true}`, `{"final_urls": "https://x.example"}`,
}

// fuzzWrites are campaign create and edit (the brief included), the
// generation of an ad, a text asset, an ad's edit and texts, and the ad
// group, keyword and ad creates.
var fuzzWrites = []fuzzWrite{
	{"POST", "/api/campaigns", "", []string{
		`{"name": "Winterreifen „Größe“ 🚗", "type": "SEARCH", "budget_micros": 12500000, "currency": "EUR", "languages": ["de"], "locations": ["DE", "1004234"], "final_url": "https://www.reifen-mueller.example/winter",
		  "brief": {"product": "Winterreifen", "selling_points": ["Montage inklusive", "Über 200 Marken"], "keywords": ["winterreifen größe"], "language": "de", "style_examples": "none"}}`,
		`{"name": "مرحبا ‏שלום", "type": "PERFORMANCE_MAX", "budget_micros": 1000000000000000, "currency": "JPY", "languages": ["ja", "ar"]}`,
	}},
	{"PATCH", "/api/campaigns/%d", "campaign", []string{
		`{"brief": {"product": "Sommerreifen", "audience": "Autofahrer in Köln", "tone": "freundlich", "banned_terms": ["billig"], "business_name": "Reifen Müller", "language": "de-AT"}}`,
		`{"budget_micros": 5000000, "locations": ["AT"], "final_url": "javascript:alert(1)"}`,
	}},
	{"POST", "/api/ad-groups/%d/generate", "", []string{`{"mode": "new"}`, `{"mode": "regenerate", "ad_id": %d, "slot": "headlines[3]"}`, `{"mode": "fill_gaps", "ad_id": 99999999999}`}},
	{"POST", "/api/assets", "", []string{`{"text": "Straßentauglich & günstig", "language": "de"}`, `{"text": "=HYPERLINK(\"http://x\")", "name": "@home"}`}},
	{"PATCH", "/api/ads/%d", "ad", []string{
		`{"headlines": [{"text": "Winterreifen für Größe 16", "pinned_field": "HEADLINE_1"}, {"text": "FLOWERS!!"}, {"text": "冬用タイヤ"}], "path1": "größe"}`,
		`{"status": "PAUSED", "final_urls": ["https://www.reifen-mueller.example/ja"]}`,
	}},
	{"PUT", "/api/ads/%d/texts", "", []string{`{"headlines": [{"text": "A"}, {"text": "B"}, {"text": "C"}], "descriptions": [{"text": "Eins."}, {"text": "Zwei."}]}`}},
	{"POST", "/api/ad-groups", "", []string{`{"campaign_id": %d, "name": "Straße", "cpc_bid_micros": 1230000}`}},
	{"POST", "/api/keywords", "", []string{`{"ad_group_id": %d, "text": "winterreifen größe", "match_type": "EXACT"}`, `{"ad_group_id": %d, "text": "[a]", "match_type": "BROAD", "negative": true}`}},
	{"POST", "/api/ads", "", []string{`{"ad_group_id": %d, "final_urls": ["https://www.reifen-mueller.example/"], "headlines": [{"text": "Eins"}, {"text": "Zwei"}, {"text": "Drei"}], "descriptions": [{"text": "Eins."}, {"text": "Zwei."}]}`}},
}

// FuzzAPIWrites sends any body to the real API's write endpoints (huma's
// decoding and validation, then the services, on SQLite). Whatever the body:
// the answer is never a 5xx; a refusal is an RFC 9457 problem whose listed
// errors each name where they are, and a 400 or 422 names at least one; and a
// refused request changes nothing in the campaign graph (its change counter
// stays where it was).
func FuzzAPIWrites(f *testing.F) {
	d := dbtest.Open(f, db.SQLite)
	e := apptest.StartOpts(f, d, apptest.Options{})
	fx := newFuzzFixture(f, e)
	for i, w := range fuzzWrites {
		for _, s := range append(w.seeds, fuzzBodies...) {
			if strings.Contains(s, "%d") {
				s = fmt.Sprintf(s, fx.ids["seed"])
			}
			f.Add([]byte(s), uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, body []byte, target uint8) {
		w := fuzzWrites[int(target)%len(fuzzWrites)]
		path := w.path
		if strings.Contains(path, "%d") {
			path = fmt.Sprintf(path, fx.idFor(path))
		}
		headers := []string{"Content-Type", "application/json"}
		if w.ifMatch != "" {
			headers = append(headers, "If-Match", fx.etag(t, w.ifMatch))
		}
		before, logged := epoch(t, d), len(e.Logs.String())
		r := e.DoAs(t, auth.Editor, w.method, path, body, headers...)
		if r.Status >= 500 || strings.Contains(e.Logs.String()[logged:], "panic") {
			t.Fatalf("%s %s %q: %d %s", w.method, path, body, r.Status, r.Body)
		}
		if r.Status < 300 {
			if !json.Valid(r.Body) {
				t.Fatalf("%s %s: %d with %q", w.method, path, r.Status, r.Body)
			}
			return
		}
		checkProblem(t, r)
		if after := epoch(t, d); after != before {
			t.Fatalf("%s %s %q refused with %d, but the graph changed (%d → %d): %s", w.method, path, body, r.Status, before, after, r.Body)
		}
	})
}

// fuzzFixture is a draft search campaign with a brief, an ad group and an ad.
type fuzzFixture struct {
	e   *apptest.Env
	ids map[string]int64
}

func newFuzzFixture(f *testing.F, e *apptest.Env) *fuzzFixture {
	fx := &fuzzFixture{e: e, ids: map[string]int64{}}
	id := func(r *apptest.Response) int64 {
		var v struct{ ID int64 }
		r.JSON(f, &v)
		return v.ID
	}
	fx.ids["campaign"] = id(e.Must(f, 201, "POST", "/api/campaigns", map[string]any{"name": "Fuzz Winterreifen", "type": "SEARCH", "budget_micros": 10_000_000,
		"currency": "EUR", "languages": []string{"de"}, "locations": []string{"DE"}, "final_url": "https://www.reifen-mueller.example/",
		"brief": map[string]any{"product": "Winterreifen mit Montage", "selling_points": []string{"Über 200 Marken", "Montage in 2 Tagen"},
			"keywords": []string{"winterreifen"}, "language": "de", "business_name": "Reifen Müller", "style_examples": "none"}}))
	fx.ids["ad_group"] = id(e.Must(f, 201, "POST", "/api/ad-groups", map[string]any{"campaign_id": fx.ids["campaign"], "name": "Winterreifen"}))
	text := func(s ...string) []map[string]string {
		var out []map[string]string
		for _, x := range s {
			out = append(out, map[string]string{"text": x})
		}
		return out
	}
	fx.ids["ad"] = id(e.Must(f, 201, "POST", "/api/ads", map[string]any{"ad_group_id": fx.ids["ad_group"], "final_urls": []string{"https://www.reifen-mueller.example/"},
		"headlines": text("Winterreifen mit Montage", "Über 200 Marken", "Reifen Müller"), "descriptions": text("Winterreifen aller Marken.", "Montage in zwei Tagen.")}))
	// Seeds name one id for every %d; the fixture's ids are all 1.
	fx.ids["seed"] = 1
	for k, v := range fx.ids {
		if v != 1 {
			f.Fatalf("fixture %s has id %d, the seeds assume 1", k, v)
		}
	}
	return fx
}

// idFor is the fixture id a path names: the ad for /api/ads/%d, the ad
// group for /api/ad-groups/%d, the campaign for /api/campaigns/%d.
func (fx *fuzzFixture) idFor(path string) int64 {
	switch {
	case strings.HasPrefix(path, "/api/ads/"):
		return fx.ids["ad"]
	case strings.HasPrefix(path, "/api/ad-groups/"):
		return fx.ids["ad_group"]
	}
	return fx.ids["campaign"]
}

func (fx *fuzzFixture) etag(t *testing.T, entity string) string {
	path := map[string]string{"campaign": "/api/campaigns/%d", "ad": "/api/ads/%d"}[entity]
	r := fx.e.Must(t, http.StatusOK, "GET", fmt.Sprintf(path, fx.ids[entity]), nil)
	return r.Header.Get("ETag")
}

// epoch is the campaign graph's change counter: every committed insert,
// update or delete of a campaign, ad group, keyword, ad, asset group, asset
// or link moves it.
func epoch(t *testing.T, d *db.DB) int64 {
	t.Helper()
	var v int64
	if err := d.Read().QueryRow(context.Background(), "SELECT v FROM graph_epoch WHERE id = 1").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// checkProblem: an error answer is an RFC 9457 problem; its listed errors
// each say where (body.…, path.…, header.…, query.…) and why; a 400 or 422
// lists at least one.
func checkProblem(t *testing.T, r *apptest.Response) {
	t.Helper()
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
	if (r.Status == http.StatusUnprocessableEntity || r.Status == http.StatusBadRequest) && len(p.Errors) == 0 {
		t.Fatalf("a %d names no field: %s", r.Status, r.Body)
	}
	for _, fe := range p.Errors {
		if fe.Message == "" || !strings.HasPrefix(fe.Location, "body") && !strings.HasPrefix(fe.Location, "path.") &&
			!strings.HasPrefix(fe.Location, "header.") && !strings.HasPrefix(fe.Location, "query.") {
			t.Fatalf("error %+v does not say where: %s", fe, r.Body)
		}
	}
}
