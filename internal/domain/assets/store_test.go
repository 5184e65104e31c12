package assets

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"path/filepath"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// fixture is what every store and service test works with: a migrated
// database of one engine, the service on it, and helpers that insert the
// campaign graph and its links with plain SQL (the campaigns slice owns
// them and their API).
type fixture struct {
	t   testing.TB
	ctx context.Context
	d   *db.DB
	s   *Service
	n   int // makes generated names unique
}

func setup(t testing.TB, d *db.DB) *fixture {
	return &fixture{t: t, ctx: context.Background(), d: d, s: NewService(d, filepath.Join(t.TempDir(), "blobs"))}
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

func (f *fixture) text(s string) Asset {
	f.t.Helper()
	a, _, err := f.s.CreateText(f.ctx, TextInput{Text: s})
	if err != nil {
		f.t.Fatalf("create text %q: %v", s, err)
	}
	return a
}

func (f *fixture) image(data []byte) Asset {
	f.t.Helper()
	a, _, err := f.s.UploadImage(f.ctx, ImageInput{Data: data})
	if err != nil {
		f.t.Fatalf("upload image: %v", err)
	}
	return a
}

// linkInput is a link the fixture writes: links are the campaigns slice's to
// write and check, and the library only reads them.
type linkInput struct {
	AssetID, AdID, AssetGroupID int64
	FieldType                   policy.Field
	PinnedField                 string
}

// link inserts a link with plain SQL, after the owner's existing ones, and
// returns its id.
func (f *fixture) link(in linkInput) int64 {
	f.t.Helper()
	var campaignID int64
	var adGroupID, adID, groupID, pinned any
	if in.AdID != 0 {
		var g int64
		if err := f.d.Read().QueryRow(f.ctx, `SELECT g.campaign_id, a.ad_group_id FROM ads a JOIN ad_groups g ON g.id = a.ad_group_id WHERE a.id = ?`, in.AdID).Scan(&campaignID, &g); err != nil {
			f.t.Fatalf("ad %d: %v", in.AdID, err)
		}
		adGroupID, adID = g, in.AdID
	} else {
		if err := f.d.Read().QueryRow(f.ctx, `SELECT campaign_id FROM asset_groups WHERE id = ?`, in.AssetGroupID).Scan(&campaignID); err != nil {
			f.t.Fatalf("asset group %d: %v", in.AssetGroupID, err)
		}
		groupID = in.AssetGroupID
	}
	if in.PinnedField != "" {
		pinned = in.PinnedField
	}
	position := f.count(`SELECT count(*) FROM asset_links WHERE (ad_id = ? OR asset_group_id = ?) AND field_type = ?`, in.AdID, in.AssetGroupID, in.FieldType)
	return f.insert(`INSERT INTO asset_links (asset_id, campaign_id, ad_group_id, ad_id, asset_group_id, field_type, pinned_field, position, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.AssetID, campaignID, adGroupID, adID, groupID, in.FieldType, pinned, position, time.Now().UTC())
}

func (f *fixture) unlink(linkID int64) {
	f.t.Helper()
	f.exec(`DELETE FROM asset_links WHERE id = ?`, linkID)
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

func jpegBytes(t testing.TB, w, h int) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, h)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gifBytes(t testing.TB, w, h int) []byte {
	var b bytes.Buffer
	if err := gif.Encode(&b, image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.Black, color.White}), nil); err != nil {
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
