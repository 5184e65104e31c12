package publishing_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
	"github.com/imaphub/imaphub/internal/platform/googleads/googleadstest"
)

func solidPNG(t *testing.T, w, h int, c color.RGBA) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pmaxCampaign builds an approved Performance Max campaign with one asset
// group holding texts and the three images Google requires.
func (e *env) pmaxCampaign(t *testing.T, name string) int64 {
	t.Helper()
	ctx := context.Background()
	id := idOf(t, e.Must(t, 201, "POST", "/api/campaigns", map[string]any{"name": name, "type": "PERFORMANCE_MAX", "budget_micros": 40_000_000,
		"currency": "EUR", "languages": []string{"de"}, "locations": []string{"DE"}, "final_url": "https://www.reifen-mueller.example/"}))
	group := idOf(t, e.Must(t, 201, "POST", "/api/asset-groups", map[string]any{"campaign_id": id, "name": "Winterreifen",
		"final_urls": []string{"https://www.reifen-mueller.example/winter"}, "path1": "winter"}))
	e.Must(t, 200, "PUT", fmt.Sprintf("/api/asset-groups/%d/texts", group), map[string]any{
		"headlines": texts("Winterreifen", "Reifen mit Montage", "Top-Marken günstig"), "long_headlines": texts("Winterreifen aller Marken, montiert in Ihrer Nähe"),
		"descriptions": texts("Montage inklusive.", "Über 200 Marken auf Lager, Lieferung in zwei Tagen."), "business_name": map[string]any{"text": "Reifen Müller"}},
		"If-Match", e.Must(t, 200, "GET", fmt.Sprintf("/api/asset-groups/%d", group), nil).Header.Get("ETag"))
	for i, img := range []struct {
		field policy.Field
		w, h  int
	}{{policy.MarketingImage, 1200, 628}, {policy.SquareMarketingImage, 600, 600}, {policy.Logo, 128, 128}} {
		a, _, err := e.App.Assets.UploadImage(ctx, assets.ImageInput{Data: solidPNG(t, img.w, img.h, color.RGBA{uint8(40 * i), 90, 160, 255}), Name: string(img.field)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Campaigns.Link(ctx, campaigns.LinkInput{AssetID: a.ID, AssetGroupID: group, FieldType: img.field}, true); err != nil {
			t.Fatal(err)
		}
	}
	e.Event(t, 200, id, "submit")
	e.Event(t, 200, id, "approve")
	return id
}

// A Performance Max campaign is published with its text and image assets,
// the asset group and its links in one request; a second campaign using the
// same texts and images reuses the assets Google already holds.
func TestPerformanceMaxPublishesAssetsWithTheirGroup(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := start(t, d, 2)
		id := e.pmaxCampaign(t, "PMax Winter")
		e.chooseAccount(t, id)
		last(t, e.follow(t, e.publish(t, id, nil).Events), "completed")
		if s := state(t, e, id); s != "paused" {
			t.Errorf("campaign %s", s)
		}
		for res, want := range map[string]int{"campaign": 1, "asset_group": 1, "asset_group_asset": 10, "asset": 10} {
			if got := e.live(t, res); got != want {
				t.Errorf("%d %s at the fake, want %d", got, res, want)
			}
		}
		mutates := e.fake.RequestsTo("mutate")
		if !bytes.Contains(mutates[len(mutates)-1].Body, []byte(`"assetGroupOperation"`)) || !bytes.Contains(mutates[len(mutates)-1].Body, []byte(`"imageAsset"`)) {
			t.Errorf("the asset group's request: %.300s", mutates[len(mutates)-1].Body)
		}
	})
}

// An answer lost after Google applied a step (the fake drops the connection
// after handling it) is settled by looking the step's entities up: they are
// adopted, not created again, and the publish goes on.
func TestALostAnswerIsLookedUpNotSentAgain(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := start(t, d, 2)
		id, _ := e.searchCampaign(t, "Winter Verloren", "")
		e.chooseAccount(t, id)
		// The first mutate is the check; the second, the campaign step, is
		// applied and its answer lost.
		e.fake.Inject(googleadstest.Fault{Call: "mutate", Kind: googleadstest.FaultSlow, Delay: time.Millisecond},
			googleadstest.Fault{Call: "mutate", Kind: googleadstest.FaultLoseAnswer})
		events := e.follow(t, e.publish(t, id, nil).Events)
		last(t, events, "completed")
		settled := false
		for _, ev := range events {
			settled = settled || ev.event == "warning" && strings.Contains(ev.data, "outcome_unknown") && strings.Contains(ev.data, "to 5 changes was lost; 5 were found")
		}
		if !settled {
			t.Errorf("no settled lost answer in %v", events)
		}
		for res, want := range map[string]int{"campaign": 1, "campaign_budget": 1, "campaign_criterion": 3, "ad_group": 2, "ad_group_ad": 2} {
			if got := e.live(t, res); got != want {
				t.Errorf("%d %s at the fake, want %d", got, res, want)
			}
		}
		var status struct {
			Resources []struct{ Key string }
		}
		e.Must(t, 200, "GET", fmt.Sprintf("/api/campaigns/%d/google-ads", id), nil).JSON(t, &status)
		if len(status.Resources) != 13 {
			t.Errorf("%d resource names stored, want 13", len(status.Resources))
		}
	})
}
