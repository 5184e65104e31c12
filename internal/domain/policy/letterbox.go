package policy

import (
	"image"
	"image/color"
)

// E16 (image quality): Google refuses images "that don't take up the entire
// space of the chosen image size" — a picture letterboxed or pillarboxed
// with uniform bars to reach the required aspect ratio. The check looks for
// bars of one colour on both opposite edges, each at least letterboxShare of
// the side, around content that is not uniform. Logos are exempt: a logo on a
// plain background is normal.
const letterboxShare = 0.05

// colourTolerance is how far (per 8-bit channel) pixels of a bar may differ:
// JPEG compression never leaves a flat area perfectly flat.
const colourTolerance = 12

var letterboxFields = map[Field]bool{MarketingImage: true, SquareMarketingImage: true, PortraitMarketingImage: true, TallPortraitMarketingImage: true}

// letterbox reports the bars it finds in a decoded image: the bar width in
// pixels and whether they are at the top and bottom (true) or at the left and
// right (false).
func letterbox(img image.Image) (px int, topBottom, found bool) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	row := func(y int) color.Color { return img.At(b.Min.X, b.Min.Y+y) }
	col := func(x int) color.Color { return img.At(b.Min.X+x, b.Min.Y) }
	uniformRow := func(y int, c color.Color) bool {
		for x := 0; x < w; x++ {
			if !near(img.At(b.Min.X+x, b.Min.Y+y), c) {
				return false
			}
		}
		return true
	}
	uniformCol := func(x int, c color.Color) bool {
		for y := 0; y < h; y++ {
			if !near(img.At(b.Min.X+x, b.Min.Y+y), c) {
				return false
			}
		}
		return true
	}
	// Bars at the top and bottom.
	top, topColour := 0, row(0)
	for top < h && uniformRow(top, topColour) {
		top++
	}
	if top == h {
		return 0, false, false // one flat colour: no content to frame
	}
	bottom, bottomColour := 0, row(h-1)
	for bottom < h && uniformRow(h-1-bottom, bottomColour) {
		bottom++
	}
	if min(top, bottom) >= int(letterboxShare*float64(h)) && near(topColour, bottomColour) && top > 0 {
		return min(top, bottom), true, true
	}
	// Bars at the left and right.
	left, leftColour := 0, col(0)
	for left < w && uniformCol(left, leftColour) {
		left++
	}
	right, rightColour := 0, col(w-1)
	for right < w && uniformCol(w-1-right, rightColour) {
		right++
	}
	if min(left, right) >= int(letterboxShare*float64(w)) && near(leftColour, rightColour) && left > 0 {
		return min(left, right), false, true
	}
	return 0, false, false
}

func near(a, b color.Color) bool {
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	d := func(x, y uint32) bool {
		x, y = x>>8, y>>8
		if x > y {
			return x-y <= colourTolerance
		}
		return y-x <= colourTolerance
	}
	return d(r1, r2) && d(g1, g2) && d(b1, b2) && d(a1, a2)
}
