package campaigns

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/server"
)

// fixture is what the link tests work with: a migrated database of one
// engine, the campaign service and the asset library on it, and helpers that
// insert the campaign graph with plain SQL, so a test sets up any state
// (approved, generating) in one line.
type fixture struct {
	t   testing.TB
	ctx context.Context
	d   *db.DB
	s   *Service
	lib *assets.Service
	n   int // makes generated names unique
}

func setup(t testing.TB, d *db.DB) *fixture {
	lib := assets.NewService(d, filepath.Join(t.TempDir(), "blobs"))
	return &fixture{t: t, ctx: context.Background(), d: d, s: NewService(d, lib), lib: lib}
}

func (f *fixture) insert(query string, args ...any) int64 {
	f.t.Helper()
	var id int64
	err := f.d.InTx(f.ctx, func(tx db.Conn) error {
		return tx.QueryRow(f.ctx, query+" RETURNING id", args...).Scan(&id)
	})
	if err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
	return id
}

func (f *fixture) exec(query string, args ...any) {
	f.t.Helper()
	if err := f.d.InTx(f.ctx, func(tx db.Conn) error { _, err := tx.Exec(f.ctx, query, args...); return err }); err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
}

func (f *fixture) count(query string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.d.Read().QueryRow(f.ctx, query, args...).Scan(&n); err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
	return n
}

func (f *fixture) campaign(typ, state string) int64 {
	f.n++
	now := time.Now().UTC()
	return f.insert(`INSERT INTO campaigns (name, type, state, budget_micros, currency, created_at, updated_at) VALUES (?, ?, ?, 1000000, 'EUR', ?, ?)`,
		fmt.Sprintf("Campaign %d", f.n), typ, state, now, now)
}

func (f *fixture) adGroup(campaignID int64) int64 {
	f.n++
	now := time.Now().UTC()
	return f.insert(`INSERT INTO ad_groups (campaign_id, name, created_at, updated_at) VALUES (?, ?, ?, ?)`, campaignID, fmt.Sprintf("Ad group %d", f.n), now, now)
}

func (f *fixture) ad(adGroupID int64) int64 {
	now := time.Now().UTC()
	return f.insert(`INSERT INTO ads (ad_group_id, final_urls, created_at, updated_at) VALUES (?, '["https://example.com"]', ?, ?)`, adGroupID, now, now)
}

func (f *fixture) assetGroup(campaignID int64) int64 {
	f.n++
	now := time.Now().UTC()
	return f.insert(`INSERT INTO asset_groups (campaign_id, name, final_urls, created_at, updated_at) VALUES (?, ?, '["https://example.com"]', ?, ?)`,
		campaignID, fmt.Sprintf("Asset group %d", f.n), now, now)
}

func (f *fixture) keyword(adGroupID int64, text, match string, negative bool) int64 {
	now := time.Now().UTC()
	return f.insert(`INSERT INTO keywords (ad_group_id, text, match_type, negative, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
		adGroupID, text, match, negative, now, now)
}

// searchAd returns a new ad in a new ad group of a new search campaign.
func (f *fixture) searchAd(state string) (campaignID, adGroupID, adID int64) {
	campaignID = f.campaign("SEARCH", state)
	adGroupID = f.adGroup(campaignID)
	return campaignID, adGroupID, f.ad(adGroupID)
}

func (f *fixture) text(s string) assets.Asset {
	f.t.Helper()
	a, _, err := f.lib.CreateText(f.ctx, assets.TextInput{Text: s})
	if err != nil {
		f.t.Fatalf("create text %q: %v", s, err)
	}
	return a
}

func (f *fixture) image(data []byte) assets.Asset {
	f.t.Helper()
	a, _, err := f.lib.UploadImage(f.ctx, assets.ImageInput{Data: data})
	if err != nil {
		f.t.Fatalf("upload image: %v", err)
	}
	return a
}

func (f *fixture) link(in LinkInput) LinkedAsset {
	f.t.Helper()
	la, err := f.s.Link(f.ctx, in, true)
	if err != nil {
		f.t.Fatalf("link %+v: %v", in, err)
	}
	return la
}

// pngBytes encodes a w×h PNG whose pixels depend on seed, so different seeds
// give different content hashes.
func pngBytes(t testing.TB, w, h int, seed uint8) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{R: seed, G: 1, B: 2, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// wantErr fails unless err is an *errs.Error with code naming location
// (location "" skips the field check).
func wantErr(t testing.TB, err error, code errs.Code, location string) *errs.Error {
	t.Helper()
	e := errs.As(err)
	if e == nil || e.Code != code {
		t.Fatalf("error = %v, want %s", err, code)
	}
	if location != "" && (len(e.Fields) == 0 || e.Fields[0].Location != location) {
		t.Fatalf("error %v names %+v, want %s", err, e.Fields, location)
	}
	return e
}

func ptr[T any](v T) *T { return &v }

// api is a real HTTP server with the asset and campaign operations on the
// fixture's database.
type api struct {
	*fixture
	url string
}

func setupAPI(t *testing.T, d *db.DB) *api {
	f := setup(t, d)
	srv := server.New(server.Config{})
	assets.RegisterRoutes(srv.API, f.lib)
	RegisterRoutes(srv.API, f.s)
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return &api{fixture: f, url: hs.URL}
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// problem returns the first error location and the extension members.
func (r reply) problem(t testing.TB) (location string, doc map[string]any) {
	t.Helper()
	r.json(t, &doc)
	if errs, _ := doc["errors"].([]any); len(errs) > 0 {
		location, _ = errs[0].(map[string]any)["location"].(string)
	}
	return location, doc
}

func (a *api) send(method, path, body string, header ...string) reply {
	a.t.Helper()
	req, err := http.NewRequest(method, a.url+path, bytes.NewReader([]byte(body)))
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}
