package policy

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/gif"
	_ "image/jpeg" // registers JPEG for DecodeConfig and Decode
	_ "image/png"
	"math"
	"sync/atomic"

	"golang.org/x/sync/semaphore"
)

// ImageResult is the verdict on one image, with the facts the caller stores
// alongside the asset.
type ImageResult struct {
	Valid bool `json:"valid"`
	// Format is the encoding sniffed from the bytes: "png", "jpeg" or "gif".
	Format string `json:"format,omitempty"`
	// MIMEType is the IANA type ("image/png"); AdsMIMEType Google's enum
	// value ("IMAGE_PNG") for ImageAsset.mime_type.
	MIMEType    string      `json:"mimeType,omitempty"`
	AdsMIMEType string      `json:"adsMimeType,omitempty"`
	Width       int         `json:"width"`
	Height      int         `json:"height"`
	Bytes       int         `json:"bytes"`
	Frames      int         `json:"frames"`
	Violations  []Violation `json:"violations"`
}

var mimeTypes = map[string][2]string{
	"png":  {"image/png", "IMAGE_PNG"},
	"jpeg": {"image/jpeg", "IMAGE_JPEG"},
	"gif":  {"image/gif", "IMAGE_GIF"},
}

// aspectTolerance: "aspect ratio must match (+-1%)" in the proto comments.
const aspectTolerance = 0.01

// MaxImagePixels is the most pixels an image may have, counted over every
// frame of a GIF, before it is decoded. Google sets no pixel limit, only the
// 5120 KB file limit; its largest recommended size is 1080x1920 (2.1
// megapixels, Demand Gen 9:16). 25 megapixels takes the largest pictures a
// 5120 KB file plausibly holds — a 24-megapixel 6000x4000 camera photo, a
// 12-megapixel phone photo — and refuses decompression bombs: a 10000x10000
// PNG of one colour is 100 megapixels in about 100 KB.
const MaxImagePixels = 25_000_000

// MaxImageFrames bounds the frames of a GIF. Each decoded frame costs memory
// besides its pixels (up to 4 KB for its own copy of the palette), so a file
// of many tiny frames is a bomb the pixel count does not see: 5120 KB holds
// about 150,000 frames of 1x1. No field takes an animation (E15), so the limit
// only has to leave room for a real one.
const MaxImageFrames = 1000

// ImageInfo is what reading an image's bytes establishes.
type ImageInfo struct {
	// Format is the encoding sniffed from the bytes: "png", "jpeg" or "gif".
	Format        string
	Width, Height int
	Frames        int
}

// ReadImage reads an image the way every image check does, without a field's
// rules: the header first, and a refusal before any pixel is decoded when the
// image has more than MaxImagePixels pixels or MaxImageFrames frames; then the
// whole image is decoded, so a file whose header is valid but whose pixel
// data is cut short or damaged is refused as unreadable. The memory all
// decodes in the process hold at once is bounded (decodeMemory): parallel
// uploads wait for each other rather than multiply it. The violations name
// no field.
func ReadImage(data []byte) (ImageInfo, []Violation) {
	info, _, vs := decodeImage(data)
	return info, vs
}

// CheckImage checks an image for field f. The format is read from the
// bytes, never from a file name. The image is read with ReadImage (pixel
// budget, then a full decode); size, ratio and animation come from the
// header, and the decoded pixels of a marketing image are looked at for
// letterboxing (E16).
func CheckImage(f Field, data []byte) ImageResult {
	res := ImageResult{Bytes: len(data), Violations: []Violation{}}
	spec, ok := imageSpecs[f]
	if !ok {
		res.Violations = append(res.Violations, Violation{Code: CodeNotImageField, Args: Args{Field: f}})
		return res
	}
	info, img, vs := decodeImage(data)
	if info.Format != "" {
		res.Format, res.Width, res.Height, res.Frames = info.Format, info.Width, info.Height, info.Frames
		res.MIMEType, res.AdsMIMEType = mimeTypes[info.Format][0], mimeTypes[info.Format][1]
	}
	if len(vs) > 0 {
		for i := range vs {
			vs[i].Args.Field = f
		}
		res.Violations = vs
		return res
	}
	res.Violations = checkImageSpec(f, spec, res, spec.MaxBytes)
	if letterboxFields[f] && res.Frames == 1 {
		if px, topBottom, found := letterbox(img); found {
			sides := "left and right"
			if topBottom {
				sides = "top and bottom"
			}
			res.Violations = append(res.Violations, Violation{Code: CodeLetterbox, Args: Args{Field: f, Count: px, Text: sides}})
		}
	}
	res.Valid = validOf(res.Violations)
	return res
}

// decodeImage is ReadImage, also returning the decoded image (the first
// frame of a GIF). Info carries the header's facts even when the image is
// refused for its size; it is empty when the header cannot be read.
func decodeImage(data []byte) (ImageInfo, image.Image, []Violation) {
	unreadable := []Violation{{Code: CodeImageUnreadable}}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return ImageInfo{}, nil, unreadable
	}
	info := ImageInfo{Format: format, Width: cfg.Width, Height: cfg.Height, Frames: 1}
	if format == "gif" {
		if info.Frames = gifFrames(data); info.Frames == 0 {
			return ImageInfo{}, nil, unreadable // a GIF header with no image after it
		}
	}
	if info.Frames > MaxImageFrames {
		return info, nil, []Violation{{Code: CodeImageTooManyFrames, Args: Args{Count: info.Frames, Max: MaxImageFrames}}}
	}
	// Dimensions are below 2^31 (PNG) or 2^16 (JPEG, GIF), frames at most
	// MaxImageFrames: the product fits an int64.
	pixels := int64(info.Width) * int64(info.Height) * int64(info.Frames)
	if pixels > MaxImagePixels {
		a := Args{Text: fmt.Sprintf("%dx%d", info.Width, info.Height), Count: int((pixels + 999_999) / 1_000_000), Max: MaxImagePixels / 1_000_000}
		if info.Frames > 1 {
			a.Other = fmt.Sprint(info.Frames)
		}
		return info, nil, []Violation{{Code: CodeImageTooManyPixels, Args: a}}
	}
	release := decodeBudget.hold(decodeCost(format, data, info))
	defer release()
	var img image.Image
	if format == "gif" {
		g, err := gif.DecodeAll(bytes.NewReader(data))
		if err != nil || len(g.Image) != info.Frames {
			return ImageInfo{}, nil, unreadable
		}
		img = g.Image[0]
	} else if img, _, err = image.Decode(bytes.NewReader(data)); err != nil {
		return ImageInfo{}, nil, unreadable
	}
	return info, img, nil
}

// decodeMemory bounds the memory that full decodes hold at once in the
// process: the worst single image within MaxImagePixels (a progressive CMYK
// JPEG, about 20 bytes a pixel) fits, and is then decoded alone; ordinary
// images (a 1200x1200 PNG costs at most 23 MB) decode side by side.
const decodeMemory = 512 << 20

var decodeBudget = newMemoryBudget(decodeMemory)

// decodeCost is an upper bound of the memory decoding an image takes, read
// from its header:
//   - PNG: 4 bytes a pixel, 8 at 16 bits a channel, twice that when
//     interlaced (the decoder builds each pass as an image of its own), plus
//     two rows being unfiltered;
//   - JPEG: 20 bytes a pixel, for a progressive CMYK file: 4 for the image
//     and 16 for the coefficients of four components;
//   - GIF: 1 byte a pixel of each frame, plus each frame's palette and LZW
//     decoder;
//
// and decodeOverhead for the decoder's own buffers and tables.
func decodeCost(format string, data []byte, info ImageInfo) int64 {
	pixels := int64(info.Width) * int64(info.Height) * int64(info.Frames)
	switch format {
	case "png":
		// IHDR is the first chunk: bit depth at byte 24, interlace method at 28.
		perPixel := int64(4)
		if data[24] == 16 {
			perPixel = 8
		}
		if data[28] != 0 {
			perPixel *= 2
		}
		return (pixels+2*int64(info.Width))*perPixel + decodeOverhead
	case "jpeg":
		return pixels*20 + decodeOverhead
	}
	return pixels + int64(info.Frames)*gifFrameOverhead + decodeOverhead
}

// Measured with Go 1.26 (TestDecodeCostBoundsWhatTheDecoderAllocates), with
// room to spare: a PNG decoder allocates about 50 KB besides the pixels, a
// GIF decoder about 25 KB a frame.
const (
	decodeOverhead   = 256 << 10
	gifFrameOverhead = 32 << 10
)

// memoryBudget is a weighted semaphore over bytes, first come first served.
type memoryBudget struct {
	sem      *semaphore.Weighted
	capacity int64
	// held is what the decodes running now have reserved.
	held atomic.Int64
}

func newMemoryBudget(capacity int64) *memoryBudget {
	return &memoryBudget{sem: semaphore.NewWeighted(capacity), capacity: capacity}
}

// whileDecoding, when set by a test, runs while a decode holds its
// reservation.
var whileDecoding func()

// hold reserves cost bytes, waiting while other decodes hold too much, and
// returns the release. A cost above the capacity reserves all of it.
func (b *memoryBudget) hold(cost int64) (release func()) {
	cost = min(max(cost, 1), b.capacity)
	_ = b.sem.Acquire(context.Background(), cost) // fails only when the context ends
	b.held.Add(cost)
	if whileDecoding != nil {
		whileDecoding()
	}
	return func() {
		b.held.Add(-cost)
		b.sem.Release(cost)
	}
}

func checkImageSpec(f Field, spec ImageSpec, res ImageResult, maxBytes int) []Violation {
	vs := []Violation{}
	size := fmt.Sprintf("%dx%d", res.Width, res.Height)
	if res.Bytes > maxBytes {
		vs = append(vs, Violation{Code: CodeImageFileTooLarge, Args: Args{Field: f, Count: ceilKB(res.Bytes), Max: maxBytes / 1024}})
	}
	if res.Width < spec.MinWidth || res.Height < spec.MinHeight {
		vs = append(vs, Violation{Code: CodeImageTooSmall, Args: Args{Field: f, Text: size,
			Other: fmt.Sprintf("%dx%d", spec.MinWidth, spec.MinHeight)}})
	}
	want := float64(spec.AspectW) / float64(spec.AspectH)
	got := float64(res.Width) / float64(res.Height)
	if math.Abs(got-want)/want > aspectTolerance {
		vs = append(vs, Violation{Code: CodeImageAspectRatio, Args: Args{Field: f, Text: size, Other: ratioLabel(spec)}})
	}
	if res.Frames > 1 {
		vs = append(vs, Violation{Code: CodeAnimatedImage, Args: Args{Field: f, Count: res.Frames}})
	}
	return vs
}

func ceilKB(n int) int { return (n + 1023) / 1024 }

func ratioLabel(s ImageSpec) string {
	if s.AspectH == 100 {
		return fmt.Sprintf("%.2f:1", float64(s.AspectW)/100)
	}
	return fmt.Sprintf("%d:%d", s.AspectW, s.AspectH)
}

// CheckImage checks an image for a field of this format: the field must be
// part of the format, the encoding accepted (Performance Max takes JPEG and
// PNG only) and the file within the format's size limit (Demand Gen logos:
// 150 KB).
func (f *Format) CheckImage(field Field, data []byte) ImageResult {
	res := CheckImage(field, data)
	if res.Format == "" {
		return res
	}
	if _, ok := f.rangeOf(field); !ok {
		res.Violations = append(res.Violations, Violation{Code: CodeFieldNotAllowed, Args: Args{Field: field}})
	}
	if len(f.ImageFormats) > 0 && indexOf(f.ImageFormats, res.Format) < 0 {
		res.Violations = append(res.Violations, Violation{Code: CodeImageFormatNotAllowed, Args: Args{Field: field, Text: res.AdsMIMEType}})
	}
	if max, ok := f.ImageMaxBytes[field]; ok && res.Bytes > max && res.Bytes <= imageSpecs[field].MaxBytes {
		res.Violations = append(res.Violations, Violation{Code: CodeImageFileTooLarge, Args: Args{Field: field, Count: ceilKB(res.Bytes), Max: max / 1024}})
	}
	res.Valid = validOf(res.Violations)
	return res
}

// gifFrames counts the image descriptors of a GIF without decoding pixels:
// E15 rejects animated images, and an animation is a GIF with more than one
// frame.
func gifFrames(b []byte) int {
	if len(b) < 13 {
		return 0
	}
	i := 13
	if flags := b[10]; flags&0x80 != 0 {
		i += 3 << (flags&7 + 1) // global colour table
	}
	frames := 0
	for i < len(b) {
		switch b[i] {
		case 0x21: // extension: introducer, label, data sub-blocks
			i = skipSubBlocks(b, i+2)
		case 0x2C: // image descriptor
			frames++
			if i+10 > len(b) {
				return frames
			}
			flags := b[i+9]
			i += 10
			if flags&0x80 != 0 {
				i += 3 << (flags&7 + 1) // local colour table
			}
			i = skipSubBlocks(b, i+1) // LZW minimum code size, then image data
		default: // 0x3B trailer, or garbage after the last frame
			return frames
		}
	}
	return frames
}

func skipSubBlocks(b []byte, i int) int {
	for i < len(b) {
		n := int(b[i])
		i++
		if n == 0 {
			return i
		}
		i += n
	}
	return i
}
