package policy

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
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

// pngOfRows writes a w×h 8-bit grey PNG by hand, every row black, so that a
// large image costs the test almost no memory: 10000x10000 is about 100 KB.
// header=true leaves the image data out (a header alone).
func pngOfRows(t testing.TB, w, h int, header bool) []byte {
	t.Helper()
	chunk := func(b *bytes.Buffer, typ string, data []byte) {
		binary.Write(b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		binary.Write(b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8] = 8
	chunk(&b, "IHDR", ihdr)
	if !header {
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		row := make([]byte, 1+w)
		for range h {
			zw.Write(row)
		}
		zw.Close()
		chunk(&b, "IDAT", z.Bytes())
	}
	chunk(&b, "IEND", nil)
	return b.Bytes()
}

// withDecodeHook runs hook inside every decode until the test ends.
func withDecodeHook(t *testing.T, hook func()) {
	t.Helper()
	whileDecoding = hook
	t.Cleanup(func() { whileDecoding = nil })
}

func TestImagesOverThePixelBudgetAreRefusedBeforeDecoding(t *testing.T) {
	jpegClaiming := func(w, h int) []byte {
		data := encodeJPEG(t, 8, 8)
		i := bytes.Index(data, []byte{0xFF, 0xC0}) // SOF0: length, precision, height, width
		binary.BigEndian.PutUint16(data[i+5:], uint16(h))
		binary.BigEndian.PutUint16(data[i+7:], uint16(w))
		return data
	}
	cases := []struct {
		name  string
		data  []byte
		code  string
		en    string
		de    string
		facts ImageInfo
	}{
		{"PNG header claiming 60000x60000", pngOfRows(t, 60000, 60000, true), CodeImageTooManyPixels,
			"The image is 60000x60000 pixels, 3600 megapixels; images may have at most 25 megapixels.",
			"Das Bild hat 60000x60000 Pixel, 3600 Megapixel; erlaubt sind höchstens 25 Megapixel.",
			ImageInfo{"png", 60000, 60000, 1}},
		{"PNG bomb 10000x10000", pngOfRows(t, 10000, 10000, false), CodeImageTooManyPixels, "", "", ImageInfo{"png", 10000, 10000, 1}},
		{"one pixel over", pngOfRows(t, 5000, 5001, true), CodeImageTooManyPixels, "", "", ImageInfo{"png", 5000, 5001, 1}},
		{"JPEG claiming 65000x65000", jpegClaiming(65000, 65000), CodeImageTooManyPixels, "", "", ImageInfo{"jpeg", 65000, 65000, 1}},
		{"GIF of 3 frames of 3000x3000", encodeGIF(t, 3000, 3000, 3), CodeImageTooManyPixels,
			"The image is 3000x3000 pixels in 3 frames, 27 megapixels in all; images may have at most 25 megapixels.",
			"Das Bild hat 3000x3000 Pixel in 3 Einzelbildern, insgesamt 27 Megapixel; erlaubt sind höchstens 25 Megapixel.",
			ImageInfo{"gif", 3000, 3000, 3}},
		{"GIF of 1001 frames", encodeGIF(t, 2, 2, MaxImageFrames+1), CodeImageTooManyFrames,
			"The GIF has 1001 frames; images may have at most 1000.",
			"Das GIF hat 1001 Einzelbilder; erlaubt sind höchstens 1000.",
			ImageInfo{"gif", 2, 2, 1001}},
	}
	withDecodeHook(t, func() { t.Error("an image over the budget was decoded") })
	for _, c := range cases {
		info, vs := ReadImage(c.data)
		if len(vs) != 1 || vs[0].Code != c.code || info != c.facts {
			t.Errorf("%s (%d bytes): %+v %v; want %s and %+v", c.name, len(c.data), info, vs, c.code, c.facts)
			continue
		}
		if c.en != "" && (vs[0].Message("en") != c.en || vs[0].Message("de") != c.de) {
			t.Errorf("%s: messages %q / %q", c.name, vs[0].Message("en"), vs[0].Message("de"))
		}
		// Linking checks the stored bytes the same way: a letterbox check
		// would otherwise decode the bomb.
		r := CheckImage(MarketingImage, c.data)
		if r.Valid || !slices.Equal(codes(r.Violations), []string{c.code}) || r.Violations[0].Args.Field != MarketingImage || r.Width != c.facts.Width {
			t.Errorf("%s: CheckImage = %+v", c.name, r)
		}
	}
}

func TestImagesWithinThePixelBudgetAreDecoded(t *testing.T) {
	decodes := 0
	withDecodeHook(t, func() { decodes++ })
	for _, c := range []struct {
		name  string
		data  []byte
		facts ImageInfo
	}{
		{"PNG of exactly 25 megapixels", pngOfRows(t, 5000, 5000, false), ImageInfo{"png", 5000, 5000, 1}},
		{"GIF of 2 frames of 3000x3000", encodeGIF(t, 3000, 3000, 2), ImageInfo{"gif", 3000, 3000, 2}},
		{"GIF of 1000 frames", encodeGIF(t, 2, 2, MaxImageFrames), ImageInfo{"gif", 2, 2, 1000}},
		{"JPEG", encodeJPEG(t, 1200, 628), ImageInfo{"jpeg", 1200, 628, 1}},
	} {
		if info, vs := ReadImage(c.data); len(vs) != 0 || info != c.facts {
			t.Errorf("%s: %+v %v; want %+v", c.name, info, vs, c.facts)
		}
	}
	if decodes != 4 {
		t.Errorf("%d decodes, want 4", decodes)
	}
}

func TestImagesWithDamagedPixelDataAreUnreadable(t *testing.T) {
	noise := image.NewGray(image.Rect(0, 0, 300, 300))
	for i := range noise.Pix {
		noise.Pix[i] = uint8(i * 7919 % 251)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, noise); err != nil {
		t.Fatal(err)
	}
	pngData := b.Bytes()
	damaged := bytes.Clone(pngData)
	damaged[len(damaged)/2] ^= 0xFF // inside the image data: its CRC fails
	jpegData := encodeJPEG(t, 600, 600)
	gifData := encodeGIF(t, 300, 300, 2)
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"PNG cut short", pngData[:len(pngData)*2/3]},
		{"PNG with a damaged chunk", damaged},
		{"JPEG cut short", jpegData[:len(jpegData)/2]},
		{"GIF cut in its second frame", gifData[:len(gifData)-20]},
		{"GIF without its trailer", gifData[:len(gifData)-1]},
	} {
		if _, _, err := image.DecodeConfig(bytes.NewReader(c.data)); err != nil {
			t.Fatalf("%s: the header should be valid: %v", c.name, err)
		}
		if info, vs := ReadImage(c.data); !slices.Equal(codes(vs), []string{CodeImageUnreadable}) || info != (ImageInfo{}) {
			t.Errorf("%s: %+v %v; want IMAGE_UNREADABLE", c.name, info, vs)
		}
		if r := CheckImage(SquareMarketingImage, c.data); !slices.Equal(codes(r.Violations), []string{CodeImageUnreadable}) || r.Format != "" {
			t.Errorf("%s: CheckImage = %+v", c.name, r)
		}
	}
}

// TestDecodesShareOneMemoryBudget decodes many images at once under a small
// budget: the reservations held together never pass it, so parallel uploads
// queue rather than multiply memory. Each decode waits inside (up to a
// moment) for the others to join it, which they all would without the budget.
func TestDecodesShareOneMemoryBudget(t *testing.T) {
	data := encodePNG(t, 200, 200)
	cost := decodeCost("png", data, ImageInfo{"png", 200, 200, 1})
	saved := decodeBudget
	decodeBudget = newMemoryBudget(cost * 5 / 2) // room for two at a time
	t.Cleanup(func() { decodeBudget = saved })

	const n = 6
	var mu sync.Mutex
	inside, peak := 0, int64(0)
	all := make(chan struct{})
	withDecodeHook(t, func() {
		mu.Lock()
		inside++
		peak = max(peak, decodeBudget.held.Load())
		if inside == n {
			close(all)
		}
		mu.Unlock()
		select {
		case <-all:
		case <-time.After(50 * time.Millisecond):
		}
	})
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if _, vs := ReadImage(data); len(vs) != 0 {
				t.Errorf("decode refused: %v", vs)
			}
		})
	}
	wg.Wait()
	if peak > decodeBudget.capacity || peak < cost {
		t.Fatalf("decodes held %d bytes at once; the budget is %d (one decode: %d)", peak, decodeBudget.capacity, cost)
	}
	if held := decodeBudget.held.Load(); held != 0 {
		t.Fatalf("%d bytes still held after every decode ended", held)
	}

	// An image that costs more than the whole budget is decoded alone
	// rather than never.
	decodeBudget = newMemoryBudget(cost / 2)
	if _, vs := ReadImage(data); len(vs) != 0 {
		t.Fatalf("an image over the whole budget: %v", vs)
	}
}

// TestDecodeCostBoundsWhatTheDecoderAllocates measures the decoders: what
// they allocate stays within the cost reserved for them.
func TestDecodeCostBoundsWhatTheDecoderAllocates(t *testing.T) {
	rgba64 := image.NewNRGBA64(image.Rect(0, 0, 800, 600))
	rgba64.Set(1, 1, color.NRGBA64{R: 1, G: 2, B: 3, A: 4})
	var b bytes.Buffer
	if err := png.Encode(&b, rgba64); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"8-bit grey PNG", pngOfRows(t, 1000, 1000, false)},
		{"16-bit RGBA PNG", b.Bytes()},
		{"RGBA PNG", photo(t, 800, 600, 0, true)},
		{"JPEG", encodeJPEG(t, 1000, 1000)},
		{"GIF of 20 frames", encodeGIF(t, 300, 300, 20)},
		{"GIF of 1000 frames of 1x1", encodeGIF(t, 1, 1, 1000)},
		{"PNG of 1x1", encodePNG(t, 1, 1)},
		{"PNG of one row", pngOfRows(t, 100000, 1, false)},
		{"JPEG of 1x1", encodeJPEG(t, 1, 1)},
	} {
		info, _ := ReadImage(c.data)
		cost := decodeCost(info.Format, c.data, info)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if _, vs := ReadImage(c.data); len(vs) != 0 {
			t.Fatalf("%s: %v", c.name, vs)
		}
		runtime.ReadMemStats(&after)
		t.Logf("%s: %d allocated, %d reserved", c.name, after.TotalAlloc-before.TotalAlloc, cost)
		if got := int64(after.TotalAlloc - before.TotalAlloc); got > cost {
			t.Errorf("%s: the decode allocated %d bytes, more than its reserved %d", c.name, got, cost)
		}
	}
}
