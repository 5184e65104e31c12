package assets

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/binary"
	"hash/adler32"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// Hostile image files, built byte by byte where an encoder would not make
// them.

// pngChunk appends one PNG chunk with its CRC.
func pngChunk(b *bytes.Buffer, typ string, data []byte) {
	binary.Write(b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	binary.Write(b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// grayPNG is a w×h 8-bit grey PNG whose image data is idat (already
// compressed).
func grayPNG(w, h int, idat []byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8] = 8 // bit depth; colour type 0 (grey), no interlace
	pngChunk(&b, "IHDR", ihdr)
	pngChunk(&b, "IDAT", idat)
	pngChunk(&b, "IEND", nil)
	return b.Bytes()
}

// pngBomb is a valid w×h PNG of one colour: every row compresses to almost
// nothing, so 10000×10000 (100 megapixels) fits in about 100 KB.
func pngBomb(t testing.TB, w, h int) []byte {
	t.Helper()
	// Deflating 10^8 bytes takes long under the race detector; a block of
	// rows compressed once and repeated is the same stream: a block ended by
	// a sync flush refers to nothing before it and ends on a byte.
	const rows = 100
	if h%rows != 0 {
		t.Fatalf("pngBomb: the height must be a multiple of %d", rows)
	}
	raw := make([]byte, rows*(1+w)) // per row a filter byte, then w black pixels
	var block bytes.Buffer
	fw, err := flate.NewWriter(&block, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(raw)
	if err := fw.Flush(); err != nil {
		t.Fatal(err)
	}
	z := bytes.NewBuffer([]byte{0x78, 0xDA}) // zlib, deflate at best compression
	sum := adler32.New()
	for range h / rows {
		z.Write(block.Bytes())
		sum.Write(raw)
	}
	z.Write([]byte{0x03, 0x00}) // the final block: empty
	z.Write(sum.Sum(nil))
	return grayPNG(w, h, z.Bytes())
}

// jpegClaiming is a small real JPEG whose frame header (SOF0) is changed to
// claim w×h.
func jpegClaiming(t testing.TB, w, h int) []byte {
	t.Helper()
	data := jpegBytes(t, 8, 8)
	i := bytes.Index(data, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0 marker")
	}
	// marker, length (2), precision (1), height (2), width (2)
	binary.BigEndian.PutUint16(data[i+5:], uint16(h))
	binary.BigEndian.PutUint16(data[i+7:], uint16(w))
	return data
}

// gifOfFrames is a valid GIF with n frames of w×h.
func gifOfFrames(t testing.TB, w, h, n int) []byte {
	t.Helper()
	frame := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.Black, color.White})
	g := &gif.GIF{}
	for range n {
		g.Image = append(g.Image, frame)
		g.Delay = append(g.Delay, 10)
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, g); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// noisePNG is a w×h PNG of random grey pixels, so its image data is long
// enough to be cut or damaged in the middle.
func noisePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	raw := make([]byte, 0, (1+w)*h)
	for range h {
		raw = append(raw, 0)
		for range w {
			raw = append(raw, byte(r.Uint32()))
		}
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(raw)
	zw.Close()
	return grayPNG(w, h, z.Bytes())
}

func TestHostileImagesAreRefusedAndNothingIsStored(t *testing.T) {
	good := noisePNG(t, 300, 300)
	damaged := bytes.Clone(good)
	damaged[len(damaged)/2] ^= 0xFF // inside IDAT: the chunk's CRC no longer matches
	goodGIF := gifOfFrames(t, 300, 300, 1)
	goodJPEG := jpegBytes(t, 300, 300)

	bigGIF := gifOfFrames(t, 4000, 4000, 1) // 16 megapixels: within the budget
	bomb := pngBomb(t, 10000, 10000)
	if len(bomb) > 400<<10 {
		t.Fatalf("the bomb is %d bytes; it should be a few hundred KB", len(bomb))
	}
	cases := []struct {
		name string
		data []byte
		code string
	}{
		// A header alone claiming 60000×60000: 3.6 gigapixels, 14 GB decoded.
		{"PNG header claiming 60000x60000", grayPNG(60000, 60000, nil), policy.CodeImageTooManyPixels},
		{"10000x10000 PNG of one colour", bomb, policy.CodeImageTooManyPixels},
		{"JPEG claiming 65000x65000", jpegClaiming(t, 65000, 65000), policy.CodeImageTooManyPixels},
		// 16 megapixels a frame is within the budget; two frames are not.
		{"GIF of 2 frames of 4000x4000", gifOfFrames(t, 4000, 4000, 2), policy.CodeImageTooManyPixels},
		{"GIF of 1001 frames of 1x1", gifOfFrames(t, 1, 1, policy.MaxImageFrames+1), policy.CodeImageTooManyFrames},
		// Valid headers, broken pixel data.
		{"PNG cut short", good[:len(good)*2/3], policy.CodeImageUnreadable},
		{"PNG with a damaged chunk", damaged, policy.CodeImageUnreadable},
		{"JPEG cut short", goodJPEG[:len(goodJPEG)/2], policy.CodeImageUnreadable},
		{"GIF cut short", goodGIF[:len(goodGIF)/2], policy.CodeImageUnreadable},
	}
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		a, _ := setupAPI(t, d)
		for _, c := range cases {
			r := a.upload("hostile", c.data, "image/png")
			var p struct {
				Detail string
				Errors []struct{ Location, Code, Message string }
			}
			r.json(t, &p)
			if r.status != http.StatusUnprocessableEntity || len(p.Errors) != 1 || p.Errors[0].Location != "body.file" || p.Errors[0].Code != c.code || p.Errors[0].Message == "" {
				t.Errorf("%s (%d bytes): %d %s; want 422 with %s at body.file", c.name, len(c.data), r.status, r.body, c.code)
			}
		}
		if n := a.count(`SELECT count(*) FROM assets`); n != 0 {
			t.Errorf("refused uploads left %d rows", n)
		}
		if files := blobFiles(t, a.s.blobDir); len(files) != 0 {
			t.Errorf("refused uploads left blob files %v", files)
		}

		// The same formats, whole and within the budget, are stored; a GIF
		// of 16 megapixels in one frame too.
		for _, data := range [][]byte{good, goodJPEG, goodGIF, bigGIF} {
			if r := a.upload("", data, "image/png"); r.status != http.StatusCreated {
				t.Errorf("valid image (%d bytes): %d %s", len(data), r.status, r.body)
			}
		}
		if files := blobFiles(t, a.s.blobDir); len(files) != 4 {
			t.Errorf("blob files %v, want the 4 valid images", files)
		}
	})
}

// blobFiles lists every file under dir (temporary files included).
func blobFiles(t testing.TB, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			if path == dir {
				return fs.SkipDir // nothing was ever written
			}
			return err
		}
		if !e.IsDir() {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
