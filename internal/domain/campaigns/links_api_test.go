package campaigns_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

func TestLinkRunsFieldChecksWithTheBrief(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := apptest.Start(t, d)
		campaign := idOf(t, e.Must(t, http.StatusCreated, "POST", "/api/campaigns", map[string]any{
			"name": "PMax", "type": "PERFORMANCE_MAX", "budget_micros": 1_000_000, "currency": "EUR", "languages": []string{"de"},
			"brief": map[string]any{"banned_terms": []string{"gratis"}, "business_name": "Reifen Müller"}}))
		group := idOf(t, e.Must(t, http.StatusCreated, "POST", "/api/asset-groups", map[string]any{
			"campaign_id": campaign, "name": "Winter", "final_urls": []string{"https://reifen-mueller.example/"}}))
		link := func(assetID int64, field string) *apptest.Response {
			return e.Do(t, "POST", fmt.Sprintf("/api/asset-groups/%d/assets", group), map[string]any{"asset_id": assetID, "field_type": field})
		}
		text := func(s string) int64 {
			return idOf(t, e.Must(t, http.StatusCreated, "POST", "/api/assets", map[string]any{"text": s}))
		}

		for _, c := range []struct {
			text, field, code string
			start, end        int
		}{
			{"Winterreifen gratis geliefert", "HEADLINE", "BANNED_TERM", 13, 19},
			{"Winterreifen von allen Top-Marken", "HEADLINE", "TOO_LONG", 30, 33},
			{"Reifen Mueller", "BUSINESS_NAME", "E13_BUSINESS_NAME_MISMATCH", 0, 14},
			// Performance Max takes no ad customizers (reference §1.2).
			{"Reifen für {KeyWord:Ihr Auto}", "HEADLINE", "PLACEHOLDER_NOT_ALLOWED", 11, 29},
		} {
			r := link(text(c.text), c.field)
			fields := problemFields(t, r)
			if r.Status != http.StatusUnprocessableEntity || len(fields) == 0 {
				t.Errorf("%q as %s: %d %s; want 422", c.text, c.field, r.Status, r.Body)
				continue
			}
			f := fields[0]
			if f.Location != "body.asset_id" || f.Code != c.code || f.Start == nil || *f.Start != c.start || *f.End != c.end {
				t.Errorf("%q as %s: %+v; want %s at %d-%d", c.text, c.field, f, c.code, c.start, c.end)
			}
		}
		e.Must(t, http.StatusCreated, "POST", fmt.Sprintf("/api/asset-groups/%d/assets", group),
			map[string]any{"asset_id": text("Reifen Müller"), "field_type": "BUSINESS_NAME"})

		animated := upload(t, e, animatedGIF(t, 1200, 628))
		r := link(animated, "MARKETING_IMAGE")
		codes := map[string]bool{}
		for _, f := range problemFields(t, r) {
			codes[f.Code] = f.Location == "body.asset_id" && f.Start == nil
		}
		if r.Status != http.StatusUnprocessableEntity || !codes["E15_ANIMATED_IMAGE"] || !codes["IMAGE_FORMAT_NOT_ALLOWED"] {
			t.Errorf("animated GIF as MARKETING_IMAGE: %d %s; want E15_ANIMATED_IMAGE and IMAGE_FORMAT_NOT_ALLOWED at body.asset_id", r.Status, r.Body)
		}
		r = link(upload(t, e, pngImage(t, 1200, 700)), "MARKETING_IMAGE")
		if f := problemFields(t, r); r.Status != http.StatusUnprocessableEntity || len(f) != 1 || f[0].Code != "IMAGE_ASPECT_RATIO" {
			t.Errorf("1200x700 as MARKETING_IMAGE: %d %s; want IMAGE_ASPECT_RATIO", r.Status, r.Body)
		}
		e.Must(t, http.StatusCreated, "POST", fmt.Sprintf("/api/asset-groups/%d/assets", group),
			map[string]any{"asset_id": upload(t, e, pngImage(t, 1200, 628)), "field_type": "MARKETING_IMAGE"})
	})
}

func upload(t *testing.T, e *apptest.Env, data []byte) int64 {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	part, err := w.CreateFormFile("file", "image.bin")
	if err != nil {
		t.Fatal(err)
	}
	part.Write(data)
	w.Close()
	return idOf(t, e.Must(t, http.StatusCreated, "POST", "/api/assets/images", b.Bytes(), "Content-Type", w.FormDataContentType()))
}

func pngImage(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{R: uint8(w), G: uint8(h), A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func animatedGIF(t *testing.T, w, h int) []byte {
	t.Helper()
	palette := color.Palette{color.Black, color.White}
	anim := &gif.GIF{}
	for i := range 2 {
		frame := image.NewPaletted(image.Rect(0, 0, w, h), palette)
		frame.SetColorIndex(i, i, 1)
		anim.Image = append(anim.Image, frame)
		anim.Delay = append(anim.Delay, 50)
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, anim); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
