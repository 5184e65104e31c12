package policy

import (
	"bytes"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"slices"
	"strings"
	"testing"
)

func encodePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, h)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeGIF(t testing.TB, w, h, frames int) []byte {
	t.Helper()
	g := &gif.GIF{}
	for i := range frames {
		img := image.NewPaletted(image.Rect(0, 0, w, h), palette.Plan9)
		img.Set(i%w, 0, color.White)
		g.Image = append(g.Image, img)
		g.Delay = append(g.Delay, 10)
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, g); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCheckImage(t *testing.T) {
	big := append(encodePNG(t, 1200, 1200), make([]byte, 5*1024*1024)...) // trailing bytes: a large file
	cases := []struct {
		name   string
		field  Field
		data   []byte
		want   []string
		format string
	}{
		{"landscape 1200x628 png", MarketingImage, encodePNG(t, 1200, 628), nil, "png"},
		{"landscape minimum 600x314", MarketingImage, encodePNG(t, 600, 314), nil, "png"},
		{"landscape too small", MarketingImage, encodePNG(t, 573, 300), []string{CodeImageTooSmall}, "png"},
		{"landscape wrong ratio", MarketingImage, encodePNG(t, 1200, 700), []string{CodeImageAspectRatio}, "png"},
		{"landscape within 1 %", MarketingImage, encodePNG(t, 1210, 628), nil, "png"},
		{"square jpeg", SquareMarketingImage, encodeJPEG(t, 300, 300), nil, "jpeg"},
		{"square off by 2 %", SquareMarketingImage, encodeJPEG(t, 306, 300), []string{CodeImageAspectRatio}, "jpeg"},
		{"portrait 4:5", PortraitMarketingImage, encodePNG(t, 960, 1200), nil, "png"},
		{"tall portrait 9:16", TallPortraitMarketingImage, encodePNG(t, 600, 1067), nil, "png"},
		{"tall portrait too small", TallPortraitMarketingImage, encodePNG(t, 540, 960), []string{CodeImageTooSmall}, "png"},
		{"logo", Logo, encodePNG(t, 128, 128), nil, "png"},
		{"logo too small", Logo, encodePNG(t, 100, 100), []string{CodeImageTooSmall}, "png"},
		{"landscape logo", LandscapeLogo, encodePNG(t, 1200, 300), nil, "png"},
		{"landscape logo square", LandscapeLogo, encodePNG(t, 512, 512), []string{CodeImageAspectRatio}, "png"},
		{"static gif", SquareMarketingImage, encodeGIF(t, 300, 300, 1), nil, "gif"},
		{"animated gif", SquareMarketingImage, encodeGIF(t, 300, 300, 3), []string{CodeAnimatedImage}, "gif"},
		{"file too large", Logo, big, []string{CodeImageFileTooLarge}, "png"},
		{"not an image", Logo, []byte("GIF89a but not really"), []string{CodeImageUnreadable}, ""},
		{"empty", Logo, nil, []string{CodeImageUnreadable}, ""},
		{"text field", Headline, encodePNG(t, 10, 10), []string{CodeNotImageField}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := CheckImage(tc.field, tc.data)
			want := tc.want
			if want == nil {
				want = []string{}
			}
			if got := codes(r.Violations); !slices.Equal(got, want) {
				t.Fatalf("codes %v, want %v (%+v)", got, want, r)
			}
			if r.Valid != (len(want) == 0) || r.Format != tc.format || r.Bytes != len(tc.data) {
				t.Fatalf("result %+v", r)
			}
		})
	}
}

func TestCheckImageReportsFacts(t *testing.T) {
	r := CheckImage(MarketingImage, encodeJPEG(t, 1200, 628))
	if r.Width != 1200 || r.Height != 628 || r.MIMEType != "image/jpeg" || r.AdsMIMEType != "IMAGE_JPEG" || r.Frames != 1 {
		t.Fatalf("got %+v", r)
	}
	r = CheckImage(SquareMarketingImage, encodeGIF(t, 300, 300, 4))
	if r.Frames != 4 || r.AdsMIMEType != "IMAGE_GIF" {
		t.Fatalf("got %+v", r)
	}
	v := r.Violations[0]
	if v.Message("en") != "Animated images are not allowed (4 frames)." || v.Message("de") != "Animierte Bilder sind nicht erlaubt (4 Einzelbilder)." {
		t.Fatalf("messages %q / %q", v.Message("en"), v.Message("de"))
	}
	v = CheckImage(Logo, encodePNG(t, 100, 100)).Violations[0]
	if v.Message("en") != "Logo is 100x100 pixels; the minimum is 128x128." {
		t.Fatalf("message %q", v.Message("en"))
	}
}

func TestFormatCheckImage(t *testing.T) {
	gifData := encodeGIF(t, 1200, 628, 1)
	if r := PerformanceMaxFormat.CheckImage(MarketingImage, gifData); r.Valid || !slices.Equal(codes(r.Violations), []string{CodeImageFormatNotAllowed}) {
		t.Fatalf("PMax GIF: %+v", r)
	}
	if r := ResponsiveDisplayFormat.CheckImage(MarketingImage, gifData); !r.Valid {
		t.Fatalf("RDA GIF: %+v", r)
	}
	// A Demand Gen logo may be at most 150 KB; the same file is fine for PMax.
	logo := append(encodePNG(t, 1200, 1200), make([]byte, 200*1024)...)
	if r := DemandGenFormat.CheckImage(Logo, logo); r.Valid || !slices.Equal(codes(r.Violations), []string{CodeImageFileTooLarge}) {
		t.Fatalf("Demand Gen logo: %+v", r)
	}
	if r := PerformanceMaxFormat.CheckImage(Logo, logo); !r.Valid {
		t.Fatalf("PMax logo: %+v", r)
	}
	if r := PerformanceMaxFormat.CheckImage(TallPortraitMarketingImage, encodePNG(t, 600, 1067)); r.Valid {
		t.Fatal("PMax accepted a tall portrait image")
	}
}

func TestGIFFramesOnTruncatedInput(t *testing.T) {
	data := encodeGIF(t, 20, 20, 3)
	for n := range len(data) {
		if f := gifFrames(data[:n]); f < 0 || f > 3 {
			t.Fatalf("gifFrames(prefix %d) = %d", n, f)
		}
	}
}

// photo draws w×h pixels of varied content (no row or column is one colour),
// with bars of one colour and thickness bar on two opposite edges.
func photo(t *testing.T, w, h, bar int, topBottom bool) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x + y) % 256), 255}
			inBar := (topBottom && (y < bar || y >= h-bar)) || (!topBottom && (x < bar || x >= w-bar))
			if inBar {
				c = color.RGBA{0, 0, 0, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestLetterboxedImagesAreRefused(t *testing.T) {
	has := func(r ImageResult, code string) bool {
		for _, v := range r.Violations {
			if v.Code == code {
				return true
			}
		}
		return false
	}
	cases := []struct {
		name  string
		field Field
		data  []byte
		want  bool
	}{
		{"bars top and bottom", MarketingImage, photo(t, 1200, 628, 60, true), true},
		{"bars left and right", SquareMarketingImage, photo(t, 600, 600, 80, false), true},
		{"thin edge line", MarketingImage, photo(t, 1200, 628, 4, true), false},
		{"fills the frame", MarketingImage, photo(t, 1200, 628, 0, true), false},
		{"a logo on a plain background", Logo, photo(t, 600, 600, 80, false), false},
	}
	for _, c := range cases {
		r := CheckImage(c.field, c.data)
		if has(r, CodeLetterbox) != c.want {
			t.Errorf("%s: E16_LETTERBOX = %v, want %v (%+v)", c.name, !c.want, c.want, r.Violations)
		}
		if c.want && r.Valid {
			t.Errorf("%s: letterboxed image counted valid", c.name)
		}
	}
	r := CheckImage(MarketingImage, photo(t, 1200, 628, 60, true))
	for _, v := range r.Violations {
		if v.Code == CodeLetterbox {
			if de := v.Message("de"); !strings.Contains(de, "oben und unten") || !strings.Contains(de, "60 Pixeln") {
				t.Errorf("German message: %q", de)
			}
		}
	}
}
