package campaigns

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/server"
)

// UpsertTextTx runs in the campaigns slice's transaction: a duplicate must not
// break that transaction (PostgreSQL aborts a transaction after a failed
// statement), and a rollback must take every row with it.
func TestUpsertTextTxInCallerTransaction(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		kept := f.text("Kept headline")
		_, _, adID := f.searchAd("draft")
		boom := errors.New("caller fails later")
		err := d.InTx(f.ctx, func(tx db.Conn) error {
			a, created, err := f.lib.UpsertTextTx(f.ctx, tx, assets.TextInput{Text: "Kept  headline"})
			if err != nil || created || a.ID != kept.ID {
				t.Fatalf("duplicate in tx: %+v created=%v err=%v", a, created, err)
			}
			for i, text := range []string{"New one", "New two"} {
				a, created, err := f.lib.UpsertTextTx(f.ctx, tx, assets.TextInput{Text: text})
				if err != nil || !created {
					t.Fatalf("%q: created=%v err=%v", text, created, err)
				}
				if _, err := f.s.linkTx(f.ctx, tx, LinkInput{AssetID: a.ID, AdID: adID, FieldType: policy.Headline, Position: i}, false); err != nil {
					t.Fatalf("link %q: %v", text, err)
				}
			}
			// A refused link is a read, so the transaction is still usable.
			_, err = f.s.linkTx(f.ctx, tx, LinkInput{AssetID: kept.ID, AdID: adID, FieldType: policy.MarketingImage}, false)
			wantErr(t, err, errs.Invalid, "body.field_type")
			if _, _, err := f.lib.UpsertTextTx(f.ctx, tx, assets.TextInput{Text: "After refusal"}); err != nil {
				t.Fatalf("transaction unusable after a refused link: %v", err)
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v", err)
		}
		if n := f.count(`SELECT count(*) FROM assets`); n != 1 {
			t.Fatalf("%d assets after rollback, want only the one created before", n)
		}
		if n := f.count(`SELECT count(*) FROM asset_links`); n != 0 {
			t.Fatalf("%d links after rollback, want 0", n)
		}
	})
}
func TestLinkRules(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		text := f.text("Headline")
		img := f.image(pngBytes(t, 600, 314, 3))
		campaignID, adGroupID, adID := f.searchAd("review")
		pmax := f.campaign("PERFORMANCE_MAX", "draft")
		agID := f.assetGroup(pmax)

		la := f.link(LinkInput{AssetID: text.ID, AdID: adID, FieldType: policy.Headline, PinnedField: "HEADLINE_1"})
		if la.CampaignID != campaignID || *la.AdGroupID != adGroupID || *la.AdID != adID || la.AssetGroupID != nil || *la.PinnedField != "HEADLINE_1" || *la.Text != "Headline" {
			t.Fatalf("link %+v: parents or content wrong", la)
		}
		gl := f.link(LinkInput{AssetID: img.ID, AssetGroupID: agID, FieldType: policy.MarketingImage})
		if gl.CampaignID != pmax || gl.AdGroupID != nil || *gl.Width != 600 {
			t.Fatalf("asset group link %+v", gl)
		}

		cases := []struct {
			name     string
			in       LinkInput
			code     errs.Code
			location string
		}{
			{"image as headline", LinkInput{AssetID: img.ID, AdID: adID, FieldType: policy.Description}, errs.Invalid, "body.asset_id"},
			{"text as image", LinkInput{AssetID: text.ID, AssetGroupID: agID, FieldType: policy.Logo}, errs.Invalid, "body.asset_id"},
			{"unknown asset", LinkInput{AssetID: 999999, AdID: adID, FieldType: policy.Headline}, errs.NotFound, "body.asset_id"},
			{"unknown ad", LinkInput{AssetID: text.ID, AdID: 999999, FieldType: policy.Headline}, errs.NotFound, "path.id"},
			{"unknown asset group", LinkInput{AssetID: text.ID, AssetGroupID: 999999, FieldType: policy.Headline}, errs.NotFound, "path.id"},
			{"duplicate", LinkInput{AssetID: text.ID, AdID: adID, FieldType: policy.Headline}, errs.Conflict, ""},
			{"long headline on an ad", LinkInput{AssetID: text.ID, AdID: adID, FieldType: policy.LongHeadline}, errs.Invalid, "body.field_type"},
			{"description pin on a headline", LinkInput{AssetID: f.text("Other").ID, AdID: adID, FieldType: policy.Headline, PinnedField: "DESCRIPTION_1"}, errs.Invalid, "body.pinned_field"},
			{"pin in an asset group", LinkInput{AssetID: text.ID, AssetGroupID: agID, FieldType: policy.Headline, PinnedField: "HEADLINE_1"}, errs.Invalid, "body.pinned_field"},
			{"both owners", LinkInput{AssetID: text.ID, AdID: adID, AssetGroupID: agID, FieldType: policy.Headline}, errs.Invalid, ""},
		}
		for _, c := range cases {
			_, err := f.s.Link(f.ctx, c.in, true)
			if e := errs.As(err); e == nil || e.Code != c.code || (c.location != "" && e.Fields[0].Location != c.location) {
				t.Errorf("%s: error %v, want %s at %q", c.name, err, c.code, c.location)
			}
		}

		// The same text as HEADLINE and DESCRIPTION of one ad is two links.
		f.link(LinkInput{AssetID: text.ID, AdID: adID, FieldType: policy.Description})

		// Pin edits.
		got, err := f.s.UpdateLink(f.ctx, "ad", adID, la.ID, LinkChange{PinnedField: ptr("HEADLINE_2"), Position: ptr(4)})
		if err != nil || *got.PinnedField != "HEADLINE_2" || got.Position != 4 {
			t.Fatalf("repin: %+v %v", got, err)
		}
		got, err = f.s.UpdateLink(f.ctx, "ad", adID, la.ID, LinkChange{PinnedField: ptr("")})
		if err != nil || got.PinnedField != nil || got.Position != 4 {
			t.Fatalf("unpin: %+v %v", got, err)
		}
		_, err = f.s.UpdateLink(f.ctx, "ad", adID, la.ID, LinkChange{PinnedField: ptr("DESCRIPTION_2")})
		wantErr(t, err, errs.Invalid, "body.pinned_field")
		_, err = f.s.UpdateLink(f.ctx, "asset_group", agID, la.ID, LinkChange{Position: ptr(1)})
		wantErr(t, err, errs.NotFound, "path.link_id")

		// Campaign state guard: nothing changes once the campaign is approved.
		f.exec(`UPDATE campaigns SET state = 'approved' WHERE id = ?`, campaignID)
		for name, err := range map[string]error{
			"link": func() error {
				_, err := f.s.Link(f.ctx, LinkInput{AssetID: f.text("Late").ID, AdID: adID, FieldType: policy.Headline}, true)
				return err
			}(),
			"unlink": f.s.Unlink(f.ctx, "ad", adID, la.ID),
			"pin": func() error {
				_, err := f.s.UpdateLink(f.ctx, "ad", adID, la.ID, LinkChange{Position: ptr(1)})
				return err
			}(),
		} {
			e := wantErr(t, err, errs.Conflict, "")
			if e.Extra["state"] != "approved" {
				t.Errorf("%s: extra %v, want state approved", name, e.Extra)
			}
		}
		// The generation job writes while generating; people do not.
		f.exec(`UPDATE campaigns SET state = 'generating' WHERE id = ?`, campaignID)
		late := f.text("Generated")
		_, err = f.s.Link(f.ctx, LinkInput{AssetID: late.ID, AdID: adID, FieldType: policy.Headline}, true)
		wantErr(t, err, errs.Conflict, "")
		if err := d.InTx(f.ctx, func(tx db.Conn) error {
			_, err := f.s.linkTx(AsGenerationJob(f.ctx), tx, LinkInput{AssetID: late.ID, AdID: adID, FieldType: policy.Headline, Position: 3}, false)
			return err
		}); err != nil {
			t.Fatalf("a link written by the generation job while generating: %v", err)
		}

		links, err := f.s.Links(f.ctx, "ad", adID)
		if err != nil {
			t.Fatal(err)
		}
		var got3 []string
		for _, l := range links {
			got3 = append(got3, l.FieldType+":"+*l.Text)
		}
		if want := []string{"DESCRIPTION:Headline", "HEADLINE:Generated", "HEADLINE:Headline"}; !slices.Equal(got3, want) {
			t.Fatalf("links of the ad = %v, want %v (by field type, then position)", got3, want)
		}
		_, err = f.s.Links(f.ctx, "ad", 999999)
		wantErr(t, err, errs.NotFound, "path.id")
	})
}
func TestLinkCaps(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		_, _, adID := f.searchAd("draft")
		agID := f.assetGroup(f.campaign("PERFORMANCE_MAX", "draft"))
		fill := func(in LinkInput, n int, image bool) {
			t.Helper()
			for i := range n {
				var a assets.Asset
				if image {
					a = f.image(pngBytes(t, 128, 128, uint8(i)))
				} else {
					// Lower case: a field type name in capitals breaks E1.
					a = f.text(strings.ToLower(string(in.FieldType)) + " text " + string(rune('A'+i)))
				}
				in.AssetID = a.ID
				f.link(in)
			}
		}
		over := func(in LinkInput, image bool, cap int) {
			t.Helper()
			if image {
				in.AssetID = f.image(pngBytes(t, 128, 128, 200)).ID
			} else {
				in.AssetID = f.text("one too many " + strings.ToLower(string(in.FieldType))).ID
			}
			_, err := f.s.Link(f.ctx, in, true)
			e := wantErr(t, err, errs.Conflict, "")
			if e.Extra["cap"] != cap || e.Extra["field_type"] != string(in.FieldType) {
				t.Fatalf("%s: extra %v, want cap %d", in.FieldType, e.Extra, cap)
			}
		}
		fill(LinkInput{AdID: adID, FieldType: policy.Headline}, 15, false)
		over(LinkInput{AdID: adID, FieldType: policy.Headline}, false, 15)
		fill(LinkInput{AdID: adID, FieldType: policy.Description}, 4, false)
		over(LinkInput{AdID: adID, FieldType: policy.Description}, false, 4)
		fill(LinkInput{AssetGroupID: agID, FieldType: policy.BusinessName}, 1, false)
		over(LinkInput{AssetGroupID: agID, FieldType: policy.BusinessName}, false, 1)
		fill(LinkInput{AssetGroupID: agID, FieldType: policy.Logo}, 5, true)
		over(LinkInput{AssetGroupID: agID, FieldType: policy.Logo}, true, 5)

		links, err := f.s.Links(f.ctx, "ad", adID)
		if err != nil || len(links) != 19 {
			t.Fatalf("%d links, %v; want 19", len(links), err)
		}
		if links[4].FieldType != string(policy.Headline) || links[4].Position != 0 || links[18].Position != 14 {
			t.Fatalf("positions not appended in order: first headline at %d, last at %d", links[4].Position, links[18].Position)
		}
	})
}
func TestLinksAndUsageOverHTTP(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		a := setupAPI(t, d)
		text := a.text("Headline one")
		img := a.image(pngBytes(t, 600, 314, 1))
		campaignID, adGroupID, adID := a.searchAd("draft")
		agID := a.assetGroup(a.campaign("PERFORMANCE_MAX", "draft"))
		a.keyword(adGroupID, "shoes", "BROAD", false)

		r := a.send("POST", fmt.Sprintf("/api/ads/%d/assets", adID), fmt.Sprintf(`{"asset_id":%d,"field_type":"HEADLINE","pinned_field":"HEADLINE_1"}`, text.ID))
		if r.status != http.StatusCreated {
			t.Fatalf("link: %d %s", r.status, r.body)
		}
		var la LinkedAsset
		r.json(t, &la)
		if la.CampaignID != campaignID || *la.AdGroupID != adGroupID || r.header.Get("Location") != fmt.Sprintf("/api/ads/%d/assets/%d", adID, la.ID) {
			t.Fatalf("link %s %v", r.body, r.header)
		}
		r = a.send("POST", fmt.Sprintf("/api/ads/%d/assets", adID), fmt.Sprintf(`{"asset_id":%d,"field_type":"HEADLINE"}`, text.ID))
		if r.status != http.StatusConflict {
			t.Fatalf("duplicate link: %d %s", r.status, r.body)
		}
		r = a.send("POST", fmt.Sprintf("/api/ads/%d/assets", adID), fmt.Sprintf(`{"asset_id":%d,"field_type":"DESCRIPTION"}`, img.ID))
		if loc, _ := r.problem(t); r.status != http.StatusUnprocessableEntity || loc != "body.asset_id" {
			t.Fatalf("image as description: %d %s", r.status, r.body)
		}
		r = a.send("POST", "/api/ads/999999/assets", fmt.Sprintf(`{"asset_id":%d,"field_type":"HEADLINE"}`, text.ID))
		if loc, _ := r.problem(t); r.status != http.StatusNotFound || loc != "path.id" {
			t.Fatalf("unknown ad: %d %s", r.status, r.body)
		}
		r = a.send("POST", fmt.Sprintf("/api/asset-groups/%d/assets", agID), fmt.Sprintf(`{"asset_id":%d,"field_type":"MARKETING_IMAGE"}`, img.ID))
		if r.status != http.StatusCreated {
			t.Fatalf("asset group link: %d %s", r.status, r.body)
		}
		r = a.send("POST", fmt.Sprintf("/api/asset-groups/%d/assets", agID), fmt.Sprintf(`{"asset_id":%d,"field_type":"HEADLINE","pinned_field":"HEADLINE_1"}`, text.ID))
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("pinned asset group link: %d %s", r.status, r.body)
		}

		r = a.send("PATCH", fmt.Sprintf("/api/ads/%d/assets/%d", adID, la.ID), `{"pinned_field":""}`)
		var unpinned LinkedAsset
		r.json(t, &unpinned)
		if r.status != http.StatusOK || unpinned.PinnedField != nil || unpinned.ID != la.ID {
			t.Fatalf("unpin: %d %s", r.status, r.body)
		}
		var list struct{ Items []LinkedAsset }
		r = a.send("GET", fmt.Sprintf("/api/ads/%d/assets", adID), "")
		r.json(t, &list)
		if r.status != http.StatusOK || len(list.Items) != 1 || *list.Items[0].Text != "Headline one" {
			t.Fatalf("ad assets: %d %s", r.status, r.body)
		}

		// The linked asset cannot be deleted; the answer says how often it is used.
		r = a.send("DELETE", fmt.Sprintf("/api/assets/%d", text.ID), "")
		if _, doc := r.problem(t); r.status != http.StatusConflict || doc["usage_count"] != 1.0 {
			t.Fatalf("delete linked: %d %s", r.status, r.body)
		}

		r = a.send("GET", fmt.Sprintf("/api/assets/%d/usage", text.ID), "")
		var u assets.Usage
		r.json(t, &u)
		if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" || u.Counts.Ads != 1 || len(u.Keywords) != 1 || u.Keywords[0].Text != "shoes" {
			t.Fatalf("usage: %d %v %s", r.status, r.header, r.body)
		}
		r = a.send("GET", fmt.Sprintf("/api/campaigns/%d/assets", campaignID), "")
		var ca struct{ Items []assets.CampaignAsset }
		r.json(t, &ca)
		if r.status != http.StatusOK || len(ca.Items) != 1 || ca.Items[0].ID != text.ID {
			t.Fatalf("campaign assets: %d %s", r.status, r.body)
		}

		// Approved campaigns are frozen.
		a.exec(`UPDATE campaigns SET state = 'approved' WHERE id = ?`, campaignID)
		r = a.send("DELETE", fmt.Sprintf("/api/ads/%d/assets/%d", adID, la.ID), "")
		if _, doc := r.problem(t); r.status != http.StatusConflict || doc["state"] != "approved" {
			t.Fatalf("unlink in approved: %d %s", r.status, r.body)
		}
		a.exec(`UPDATE campaigns SET state = 'review' WHERE id = ?`, campaignID)
		if r = a.send("DELETE", fmt.Sprintf("/api/ads/%d/assets/%d", adID, la.ID), ""); r.status != http.StatusNoContent {
			t.Fatalf("unlink: %d %s", r.status, r.body)
		}
		if r = a.send("DELETE", fmt.Sprintf("/api/assets/%d", text.ID), ""); r.status != http.StatusNoContent {
			t.Fatalf("delete: %d %s", r.status, r.body)
		}
	})
}
func TestAssetTypeFor(t *testing.T) {
	for field, want := range map[policy.Field]string{policy.Headline: assets.TypeText, policy.BusinessName: assets.TypeText, policy.Logo: assets.TypeImage, policy.MarketingImage: assets.TypeImage} {
		if got := assetTypeFor(field); got != want {
			t.Errorf("%s takes %s, want %s", field, got, want)
		}
	}
}

func TestLinkAndTextOperationsDeclareRoles(t *testing.T) {
	srv := server.New(server.Config{})
	registerLinkRoutes(srv.API, nil)
	registerTextRoutes(srv.API, nil)
	want := map[string]auth.Role{
		"link-ad-asset": auth.Editor, "link-asset-group-asset": auth.Editor,
		"list-ad-assets": auth.Viewer, "list-asset-group-assets": auth.Viewer, "unlink-ad-asset": auth.Editor,
		"unlink-asset-group-asset": auth.Editor, "update-ad-asset-link": auth.Editor, "update-asset-group-asset-link": auth.Editor,
		"replace-ad-texts": auth.Editor, "replace-asset-group-texts": auth.Editor,
	}
	ops := srv.API.Roles.Operations()
	if len(ops) != len(want) {
		t.Fatalf("registered %v, want %d operations", ops, len(want))
	}
	for id, role := range want {
		if got, ok := srv.API.Roles.Role(id); !ok || got != role {
			t.Errorf("%s: role %v (declared %v), want %v", id, got, ok, role)
		}
	}
}
