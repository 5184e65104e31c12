package demo

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"sync"
)

// Brand colours of the demo advertiser.
var (
	navy   = color.RGBA{0x12, 0x2b, 0x4a, 0xff}
	orange = color.RGBA{0xf2, 0x8c, 0x28, 0xff}
	snow   = color.RGBA{0xf4, 0xf7, 0xfb, 0xff}
	tyre   = color.RGBA{0x22, 0x22, 0x26, 0xff}
)

// pictures keeps each drawn picture: the same arguments always give the same
// bytes, and drawing plus maximum PNG compression is most of what loading
// the demo account costs, which a process (the test binaries above all) may
// do many times.
var pictures sync.Map // picture → []byte

type picture struct {
	w, h, seed int
	logo       bool
}

// drawPNG is the picture of drawTyre for these arguments, drawn once per
// process; the caller gets its own copy.
func drawPNG(w, h int, seed int, logo bool) []byte {
	key := picture{w, h, seed, logo}
	if b, ok := pictures.Load(key); ok {
		return bytes.Clone(b.([]byte))
	}
	b := drawTyre(w, h, seed, logo)
	pictures.Store(key, b)
	return bytes.Clone(b)
}

// drawTyre renders a w×h picture of a tyre on a winter gradient, with the
// tyre's size and position varied by seed so each picture has its own bytes.
// Everything is computed here: the demo needs no download.
func drawTyre(w, h int, seed int, logo bool) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	cx, cy := float64(w)*(0.5+0.12*math.Sin(float64(seed))), float64(h)/2
	r := math.Min(float64(w), float64(h)) * 0.36
	if logo {
		cx = float64(w) / 2
	}
	for y := 0; y < h; y++ {
		t := float64(y) / float64(h)
		for x := 0; x < w; x++ {
			var c color.RGBA
			if logo {
				c = snow
			} else {
				c = mix(navy, snow, t*0.85)
			}
			dx, dy := float64(x)-cx, float64(y)-cy
			d := math.Hypot(dx, dy)
			switch {
			case d < r*0.42:
				c = orange
			case d < r*0.55:
				c = snow
			case d < r:
				c = tyre
				// tread blocks around the outer ring
				a := math.Atan2(dy, dx)
				if d > r*0.82 && int(math.Floor((a+math.Pi)/(2*math.Pi)*36))%2 == 0 {
					c = mix(tyre, snow, 0.25)
				}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.DefaultCompression}
	if err := enc.Encode(&buf, img); err != nil {
		panic(err) // encoding an in-memory RGBA image cannot fail
	}
	return buf.Bytes()
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	l := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t) }
	return color.RGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), 0xff}
}
