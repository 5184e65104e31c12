package assets

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

func TestTextVariantsAreOneAsset(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		first, created, err := f.s.CreateText(f.ctx, TextInput{Text: "Café  Berlin", Language: "de", Name: "first",
			Provenance: Provenance{Source: SourceLLM, Model: "m1", PromptVersion: "rsa-3", Attempts: 2, Verdict: "valid"}})
		if err != nil || !created {
			t.Fatalf("first create: created=%v err=%v", created, err)
		}
		if *first.Text != "Café Berlin" || first.ContentHash != TextHash("Café Berlin") {
			t.Fatalf("stored text %q hash %s, want the normalised form and its hash", *first.Text, first.ContentHash)
		}
		for _, variant := range []string{"Cafe\u0301\tBerlin", "\u00a0Café\u2003Berlin \n", "Café Berlin"} {
			got, created, err := f.s.CreateText(f.ctx, TextInput{Text: variant, Name: "other", Language: "en"})
			if err != nil {
				t.Fatalf("%q: %v", variant, err)
			}
			if created || got.ID != first.ID {
				t.Fatalf("%q: id %d created %v, want existing id %d", variant, got.ID, created, first.ID)
			}
			if got.Name != "first" || got.Language != "de" || got.Provenance.Model != "m1" {
				t.Fatalf("%q: existing asset changed to %+v", variant, got)
			}
		}
		if n := f.count(`SELECT count(*) FROM assets`); n != 1 {
			t.Fatalf("%d assets, want 1", n)
		}
		if _, _, err := f.s.CreateText(f.ctx, TextInput{Text: " \t\u3000"}); err == nil {
			t.Fatal("whitespace-only text accepted")
		} else {
			wantErr(t, err, errs.Invalid, "body.text")
		}
		_, _, err = f.s.CreateText(f.ctx, TextInput{Text: "x", Provenance: Provenance{Source: "oracle"}})
		wantErr(t, err, errs.Invalid, "body.provenance.source")
	})
}

func TestImageUploadStoresBlobOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		data := pngBytes(t, 40, 30, 1)
		a, created, err := f.s.UploadImage(f.ctx, ImageInput{Data: data, Name: "hero"})
		if err != nil || !created {
			t.Fatalf("upload: created=%v err=%v", created, err)
		}
		if a.Type != TypeImage || *a.MimeType != "image/png" || *a.Width != 40 || *a.Height != 30 || *a.SizeBytes != int64(len(data)) || a.Text != nil {
			t.Fatalf("asset %+v", a)
		}
		if a.ContentHash != bytesHash(data) {
			t.Fatalf("hash %s, want sha256 of the bytes", a.ContentHash)
		}
		path := f.s.blobPath(a.ContentHash)
		if filepath.Base(path) != a.ContentHash || filepath.Base(filepath.Dir(path)) != a.ContentHash[:2] || filepath.Base(filepath.Dir(filepath.Dir(path))) != "sha256" {
			t.Fatalf("blob path %s not under the hash's first two hex digits", path)
		}
		onDisk, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(onDisk, data) {
			t.Fatalf("blob: %v (equal=%v)", err, bytes.Equal(onDisk, data))
		}
		again, created, err := f.s.UploadImage(f.ctx, ImageInput{Data: data, Name: "other"})
		if err != nil || created || again.ID != a.ID || again.Name != "hero" {
			t.Fatalf("second upload: id %d created %v err %v, want existing %d", again.ID, created, err, a.ID)
		}
		c, err := f.s.Content(f.ctx, a.ID)
		if err != nil || c.MimeType != "image/png" || !bytes.Equal(c.Data, data) || c.Hash != a.ContentHash {
			t.Fatalf("content: %v %s", err, c.MimeType)
		}

		for name, tc := range map[string]struct {
			data []byte
			mime string
		}{"jpeg": {jpegBytes(t, 8, 9), "image/jpeg"}, "gif": {gifBytes(t, 5, 6), "image/gif"}} {
			a := f.image(tc.data)
			if *a.MimeType != tc.mime {
				t.Errorf("%s: mime %s, want %s", name, *a.MimeType, tc.mime)
			}
		}

		before := f.count(`SELECT count(*) FROM assets`)
		for name, data := range map[string][]byte{
			"text":      []byte("just some text, not an image"),
			"empty":     nil,
			"truncated": data[:20],
			"too large": append(bytes.Clone(data), make([]byte, MaxImageBytes)...),
		} {
			_, _, err := f.s.UploadImage(f.ctx, ImageInput{Data: data})
			if e := errs.As(err); e == nil || e.Code != errs.Invalid || e.Fields[0].Location != "body.file" {
				t.Errorf("%s: error %v, want 422 naming body.file", name, err)
			}
		}
		if n := f.count(`SELECT count(*) FROM assets`); n != before {
			t.Fatalf("refused uploads left %d rows", n-before)
		}
	})
}

func TestDeleteRefusesLinkedAsset(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		text := f.text("Linked headline")
		img := f.image(pngBytes(t, 300, 300, 7))
		_, _, adID := f.searchAd("draft")
		agID := f.assetGroup(f.campaign("PERFORMANCE_MAX", "draft"))
		la := f.link(linkInput{AssetID: text.ID, AdID: adID, FieldType: policy.Headline})
		f.link(linkInput{AssetID: img.ID, AssetGroupID: agID, FieldType: policy.SquareMarketingImage})

		for _, a := range []Asset{text, img} {
			e := wantErr(t, f.s.Delete(f.ctx, a.ID), errs.Conflict, "")
			if e.Extra["usage_count"] != 1 {
				t.Fatalf("usage_count = %v, want 1", e.Extra["usage_count"])
			}
			if _, err := f.s.Get(f.ctx, a.ID); err != nil {
				t.Fatalf("refused delete removed asset %d: %v", a.ID, err)
			}
		}
		if _, err := os.Stat(f.s.blobPath(img.ContentHash)); err != nil {
			t.Fatalf("refused delete removed the blob: %v", err)
		}
		if n := f.count(`SELECT count(*) FROM asset_links`); n != 2 {
			t.Fatalf("%d links, want 2", n)
		}

		f.unlink(la)
		if err := f.s.Delete(f.ctx, text.ID); err != nil {
			t.Fatalf("delete unlinked: %v", err)
		}
		wantErr(t, f.s.Delete(f.ctx, text.ID), errs.NotFound, "path.id")

		// Deleting the asset group cascades to its links; then the image goes, blob included.
		f.exec(`DELETE FROM asset_groups WHERE id = ?`, agID)
		if err := f.s.Delete(f.ctx, img.ID); err != nil {
			t.Fatalf("delete image: %v", err)
		}
		if _, err := os.Stat(f.s.blobPath(img.ContentHash)); !os.IsNotExist(err) {
			t.Fatalf("blob still there after delete: %v", err)
		}
		// The same bytes uploaded again get a new row and a new blob.
		again := f.image(pngBytes(t, 300, 300, 7))
		if _, err := os.Stat(f.s.blobPath(again.ContentHash)); err != nil {
			t.Fatalf("re-upload: %v", err)
		}
	})
}

func TestDeletingAnAdRemovesItsLinksNotTheAsset(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		a := f.text("Shared headline")
		_, agID, ad1 := f.searchAd("draft")
		ad2 := f.ad(agID)
		f.link(linkInput{AssetID: a.ID, AdID: ad1, FieldType: policy.Headline})
		f.link(linkInput{AssetID: a.ID, AdID: ad2, FieldType: policy.Headline})
		f.exec(`DELETE FROM ads WHERE id = ?`, ad1)
		if n := f.count(`SELECT count(*) FROM asset_links WHERE ad_id = ?`, ad1); n != 0 {
			t.Fatalf("%d links of the deleted ad remain", n)
		}
		got, err := f.s.Get(f.ctx, a.ID)
		if err != nil || got.UsageCount != 1 {
			t.Fatalf("asset after ad delete: %+v, %v; want it kept with 1 use", got, err)
		}
	})
}

func TestWhereUsedGraph(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		hot := f.text("Hot headline")
		other := f.text("Other headline")
		img := f.image(pngBytes(t, 128, 128, 9))

		c1 := f.campaign("SEARCH", "draft")
		g1 := f.adGroup(c1)
		g2 := f.adGroup(c1)
		a1, a2, a3 := f.ad(g1), f.ad(g1), f.ad(g2)
		k1 := f.keyword(g1, "running shoes", "EXACT", false)
		k2 := f.keyword(g1, "cheap", "BROAD", true)
		k3 := f.keyword(g2, "trail shoes", "PHRASE", false)
		k4 := f.keyword(g1, "Zoo", "EXACT", false) // byte order puts it first on both engines
		c2 := f.campaign("PERFORMANCE_MAX", "review")
		ag := f.assetGroup(c2)
		// Not using the hot asset: must not appear.
		c3 := f.campaign("SEARCH", "draft")
		g3 := f.adGroup(c3)
		a4 := f.ad(g3)
		f.keyword(g3, "unrelated", "EXACT", false)

		f.link(linkInput{AssetID: hot.ID, AdID: a1, FieldType: policy.Headline, PinnedField: "HEADLINE_1"})
		f.link(linkInput{AssetID: hot.ID, AdID: a1, FieldType: policy.Description})
		f.link(linkInput{AssetID: hot.ID, AdID: a2, FieldType: policy.Headline})
		f.link(linkInput{AssetID: hot.ID, AdID: a3, FieldType: policy.Headline})
		f.link(linkInput{AssetID: hot.ID, AssetGroupID: ag, FieldType: policy.LongHeadline})
		f.link(linkInput{AssetID: other.ID, AdID: a4, FieldType: policy.Headline})
		f.link(linkInput{AssetID: img.ID, AssetGroupID: ag, FieldType: policy.Logo})

		got, err := f.s.WhereUsed(f.ctx, hot.ID)
		if err != nil {
			t.Fatal(err)
		}
		name := func(table string, id int64) string {
			var s string
			if err := d.Read().QueryRow(f.ctx, `SELECT name FROM `+table+` WHERE id = ?`, id).Scan(&s); err != nil {
				t.Fatal(err)
			}
			return s
		}
		want := Usage{
			AssetID: hot.ID,
			Counts:  UsageCounts{Links: 5, Campaigns: 2, AdGroups: 2, Ads: 3, AssetGroups: 1, Keywords: 4},
			Totals:  UsageTotals{Campaigns: 2, AdGroups: 2, Ads: 4, AssetGroups: 1, Keywords: 4},
			Limit:   DefaultUsageLimit,
			Campaigns: []UsageCampaign{
				{ID: c1, Name: name("campaigns", c1), Type: "SEARCH", State: "draft"},
				{ID: c2, Name: name("campaigns", c2), Type: "PERFORMANCE_MAX", State: "review"},
			},
			AdGroups: []UsageAdGroup{{ID: g1, CampaignID: c1, Name: name("ad_groups", g1)}, {ID: g2, CampaignID: c1, Name: name("ad_groups", g2)}},
			Ads: []UsageAd{
				{ID: a1, CampaignID: c1, AdGroupID: g1, FieldType: "DESCRIPTION"},
				{ID: a1, CampaignID: c1, AdGroupID: g1, FieldType: "HEADLINE", PinnedField: ptr("HEADLINE_1")},
				{ID: a2, CampaignID: c1, AdGroupID: g1, FieldType: "HEADLINE"},
				{ID: a3, CampaignID: c1, AdGroupID: g2, FieldType: "HEADLINE"},
			},
			AssetGroups: []UsageAssetGroup{{ID: ag, CampaignID: c2, Name: name("asset_groups", ag), FieldType: "LONG_HEADLINE"}},
			Keywords: []UsageKeyword{
				{ID: k4, CampaignID: c1, AdGroupID: g1, Text: "Zoo", MatchType: "EXACT"},
				{ID: k2, CampaignID: c1, AdGroupID: g1, Text: "cheap", MatchType: "BROAD", Negative: true},
				{ID: k1, CampaignID: c1, AdGroupID: g1, Text: "running shoes", MatchType: "EXACT"},
				{ID: k3, CampaignID: c1, AdGroupID: g2, Text: "trail shoes", MatchType: "PHRASE"},
			},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("where-used (-want +got):\n%s", diff)
		}

		// An asset used only by an asset group has no ad groups or keywords.
		got, err = f.s.WhereUsed(f.ctx, img.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Counts != (UsageCounts{Links: 1, Campaigns: 1, AssetGroups: 1}) || len(got.AdGroups) != 0 || len(got.Keywords) != 0 || got.Ads == nil {
			t.Fatalf("image usage %+v", got)
		}
		unused := f.text("Unused")
		got, err = f.s.WhereUsed(f.ctx, unused.ID)
		if err != nil || got.Counts != (UsageCounts{}) || got.Campaigns == nil || len(got.Campaigns) != 0 {
			t.Fatalf("unused asset: %+v, %v; want empty lists", got, err)
		}
		_, err = f.s.WhereUsed(f.ctx, 999999)
		wantErr(t, err, errs.NotFound, "path.id")

		// Which assets campaign 2 uses.
		ca, err := f.s.CampaignAssets(f.ctx, c2)
		if err != nil || len(ca) != 2 {
			t.Fatalf("campaign assets: %+v, %v", ca, err)
		}
		if ca[0].ID != hot.ID || ca[0].Links != 1 || !slices.Equal(ca[0].FieldTypes, []string{"LONG_HEADLINE"}) || ca[1].ID != img.ID {
			t.Fatalf("campaign assets: %+v", ca)
		}
		ca, err = f.s.CampaignAssets(f.ctx, c1)
		if err != nil || len(ca) != 1 || ca[0].Links != 4 || !slices.Equal(ca[0].FieldTypes, []string{"DESCRIPTION", "HEADLINE"}) {
			t.Fatalf("campaign 1 assets: %+v, %v", ca, err)
		}
	})
}

func TestListWalksEveryAssetOnceInEachSort(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		// A clock that repeats each instant twice, so sorting by created
		// depends on the id tie-breaker.
		base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		tick := 0
		f.s.now = func() time.Time { tick++; return base.Add(time.Duration(tick/2) * 1500 * time.Microsecond) }
		texts := []string{"Größe zählt", "apple", "Banana", "banana", "cherry", "Zebra", "äpfel", "same", "same2", "Mango", "kiwi", "Laufschuhe GRÖSSE 42"}
		var ids []int64
		for _, s := range texts {
			ids = append(ids, f.text(s).ID)
		}
		for i := range 5 {
			ids = append(ids, f.image(pngBytes(t, 3, 3, uint8(i))).ID)
		}
		for _, sort := range []string{"created", "-created", "text", "-text"} {
			var seen []int64
			var prev *Asset
			cursor := ""
			for pages := 0; ; pages++ {
				if pages > 20 {
					t.Fatalf("%s: too many pages", sort)
				}
				after, err := decodeCursorForTest(cursor, sort)
				if err != nil {
					t.Fatal(err)
				}
				items, next, err := f.s.List(f.ctx, ListFilter{Sort: sort, Limit: 4, After: after})
				if err != nil {
					t.Fatalf("%s: %v", sort, err)
				}
				for i := range items {
					if prev != nil && !inOrder(*prev, items[i], sort) {
						t.Fatalf("%s: %d before %d out of order", sort, prev.ID, items[i].ID)
					}
					prev = &items[i]
					seen = append(seen, items[i].ID)
				}
				if next == "" {
					break
				}
				cursor = next
			}
			got, want := slices.Sorted(slices.Values(seen)), slices.Sorted(slices.Values(ids))
			if !slices.Equal(got, want) {
				t.Fatalf("%s: walked %v, want each of %v once", sort, seen, want)
			}
		}

		// Filters.
		_, _, adID := f.searchAd("draft")
		f.link(linkInput{AssetID: ids[1], AdID: adID, FieldType: policy.Headline})
		f.link(linkInput{AssetID: ids[2], AdID: adID, FieldType: policy.Description})
		if _, err := f.s.Update(f.ctx, ids[2], Update{Language: ptr("en")}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name string
			f    ListFilter
			want []int64
		}{
			{"q folds case beyond ASCII", ListFilter{Query: "GRÖSSE"}, []int64{ids[0], ids[11]}},
			{"q is a substring", ListFilter{Query: "anan"}, []int64{ids[2], ids[3]}},
			{"q escapes LIKE wildcards", ListFilter{Query: "sam_"}, nil},
			{"used", ListFilter{Used: ptr(true)}, []int64{ids[1], ids[2]}},
			{"field type", ListFilter{FieldType: string(policy.Description)}, []int64{ids[2]}},
			{"language", ListFilter{Language: "en"}, []int64{ids[2]}},
			{"type", ListFilter{Type: TypeImage}, ids[12:]},
		} {
			c.f.Sort, c.f.Limit = "created", 100
			items, _, err := f.s.List(f.ctx, c.f)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			var got []int64
			for _, a := range items {
				got = append(got, a.ID)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			}
		}
		items, _, err := f.s.List(f.ctx, ListFilter{Sort: "created", Limit: 100, Used: ptr(false)})
		if err != nil || len(items) != len(ids)-2 {
			t.Fatalf("unused: %d items, %v", len(items), err)
		}
	})
}

func inOrder(a, b Asset, sort string) bool {
	key := func(x Asset) string {
		if sort == "created" || sort == "-created" {
			return x.CreatedAt.Format("2006-01-02T15:04:05.000000")
		}
		if x.Text == nil {
			return ""
		}
		return *x.Text
	}
	ka, kb := key(a), key(b)
	if sort[0] == '-' {
		return ka > kb || (ka == kb && a.ID > b.ID)
	}
	// Text order is the database's collation, which need not be byte order
	// on PostgreSQL: only check ties and the created order strictly.
	if sort == "text" {
		return ka != kb || a.ID < b.ID
	}
	return ka < kb || (ka == kb && a.ID < b.ID)
}

func TestUpdateChecksVersionAndAppendsEdits(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		a := f.text("Editable")
		got, err := f.s.Update(f.ctx, a.ID, Update{Name: ptr("Hero"), AppendEdits: []Edit{{By: "ann", Before: "Edtiable", Note: "typo"}}, IfVersion: a.Version})
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != a.Version+1 || got.Name != "Hero" || len(got.Provenance.Edits) != 1 || got.Provenance.Edits[0].At.IsZero() || *got.Text != "Editable" {
			t.Fatalf("updated %+v", got)
		}
		_, err = f.s.Update(f.ctx, a.ID, Update{Name: ptr("Stale"), IfVersion: a.Version})
		e := wantErr(t, err, errs.PreconditionFailed, "header.If-Match")
		if e.Extra["current_etag"] != `"2"` {
			t.Fatalf("current etag %v", e.Extra["current_etag"])
		}
		got, _ = f.s.Update(f.ctx, a.ID, Update{AppendEdits: []Edit{{Note: "second"}}})
		if got.Name != "Hero" || len(got.Provenance.Edits) != 2 || got.Provenance.Edits[1].Note != "second" {
			t.Fatalf("second update %+v", got)
		}
		_, err = f.s.Update(f.ctx, a.ID, Update{Language: ptr("not a language")})
		wantErr(t, err, errs.Invalid, "body.language")
		_, err = f.s.Update(f.ctx, 999999, Update{Name: ptr("x")})
		wantErr(t, err, errs.NotFound, "path.id")
	})
}
