package policy

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif" // registers GIF for DecodeConfig
	_ "image/jpeg"
	_ "image/png"
	"math"
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

// CheckImage checks an image for field f. The format is read from the
// bytes, never from a file name. Size, ratio and animation come from the
// header; marketing images are decoded in full for the letterbox check (E16).
func CheckImage(f Field, data []byte) ImageResult {
	res := ImageResult{Bytes: len(data), Violations: []Violation{}}
	spec, ok := imageSpecs[f]
	if !ok {
		res.Violations = append(res.Violations, Violation{Code: CodeNotImageField, Args: Args{Field: f}})
		return res
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		res.Violations = append(res.Violations, Violation{Code: CodeImageUnreadable, Args: Args{Field: f}})
		return res
	}
	res.Format, res.Width, res.Height = format, cfg.Width, cfg.Height
	res.MIMEType, res.AdsMIMEType = mimeTypes[format][0], mimeTypes[format][1]
	res.Frames = 1
	if format == "gif" {
		if res.Frames = gifFrames(data); res.Frames == 0 {
			// a GIF header with no image after it
			return ImageResult{Bytes: len(data), Violations: []Violation{{Code: CodeImageUnreadable, Args: Args{Field: f}}}}
		}
	}
	res.Violations = checkImageSpec(f, spec, res, spec.MaxBytes)
	if letterboxFields[f] && res.Frames == 1 {
		if px, topBottom, found := letterbox(data); found {
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
