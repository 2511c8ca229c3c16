package media

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// allocated is what f allocates in all (runtime.MemStats.TotalAlloc), an upper bound
// of what it holds at once.
func allocated(f func()) int64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return int64(after.TotalAlloc - before.TotalAlloc)
}

var neededRe = regexp.MustCompile(`need ([0-9.]+) (MB|GB) of memory`)

// needed is the memory a refusal says is needed, in bytes.
func needed(reason string) int64 {
	m := neededRe.FindStringSubmatch(reason)
	if m == nil {
		return 0
	}
	f, _ := strconv.ParseFloat(m[1], 64)
	if m[2] == "GB" {
		return int64(f * (1 << 30))
	}
	return int64(f * (1 << 20))
}

func files(t *testing.T, dir Dir) []string {
	t.Helper()
	entries, err := os.ReadDir(string(dir))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// Files whose processing would need far more memory than allowed are refused from
// their headers, in words that say what is too large and what to do, having
// allocated little more than the file itself.
func TestProcessRefusesBombsBeforeDecoding(t *testing.T) {
	sizes := []gifFrame{}
	for i := range 60 {
		if i%2 == 0 {
			sizes = append(sizes, gifFrame{w: 3000, h: 3000})
		} else {
			sizes = append(sizes, gifFrame{x: 500, y: 500, w: 1000, h: 1000, lct: true, transparent: true})
		}
	}
	const px = 7000 * 7000
	for _, tc := range []struct {
		name    string
		data    []byte
		want    []string
		atLeast int64 // what the refusal must say is needed, at least: the decoded pixels
	}{
		{"an animated GIF bomb: 100 frames of 7000 × 7000", buildGIF(7000, 7000, sameFrames(100, 7000, 7000)),
			[]string{"This animated GIF has 100 frames of 7000 × 7000 pixels: processing it would need ", " GB of memory, and at most 256 MB is allowed. Make it smaller or with fewer frames."}, 100 * px},
		{"an animated GIF of frames of two sizes", buildGIF(3000, 3000, sizes),
			[]string{"This animated GIF has 60 frames (the largest 3000 × 3000 pixels): processing it would need", "MB of memory, and at most 256 MB is allowed"}, 30*9_000_000 + 30*1_000_000},
		{"a GIF of many tiny frames", buildGIF(10, 10, sameFrames(MaxFrames+1, 1, 1)),
			[]string{fmt.Sprintf("This animated GIF has %d frames; at most %d are accepted.", MaxFrames+1, MaxFrames)}, 0},
		{"a 16-bit RGBA PNG of 7000 × 7000", buildPNG(7000, 7000, 16, 6, false, nil),
			[]string{"This 16-bit PNG image of 7000 × 7000 pixels would need ", " MB of memory to process, and at most 256 MB is allowed. Save it with 8 bits per channel, or make it smaller."}, 8 * px},
		{"a 16-bit grey+alpha PNG", buildPNG(7000, 7000, 16, 4, false, nil),
			[]string{"16-bit PNG image of 7000 × 7000 pixels would need"}, 8 * px},
		{"a 16-bit grey PNG with a transparent colour", buildPNG(7000, 7000, 16, 0, false, map[string][]byte{"tRNS": {0, 0}}),
			[]string{"16-bit PNG image of 7000 × 7000 pixels would need"}, 8 * px},
		{"an interlaced RGBA PNG", buildPNG(7000, 7000, 8, 6, true, nil),
			[]string{"interlaced PNG image of 7000 × 7000 pixels would need", "Save it without interlacing"}, 4 * px},
		{"a CMYK JPEG at the pixel limit", buildJPEG(8660, 5770, compsCMYK, false, 0),
			[]string{"This CMYK JPEG image of 8660 × 5770 pixels would need", "Save it in RGB"}, 8 * 8660 * 5770},
		{"a progressive JPEG at the pixel limit", buildJPEG(8660, 5770, comps420, true, -1),
			[]string{"This progressive JPEG image of 8660 × 5770 pixels would need", "baseline"}, 6 * 8660 * 5770},
		{"a lossless WebP of 34 bytes", webpLossless(7000, 7000, 255),
			[]string{"This lossless WebP image of 7000 × 7000 pixels would need"}, 4 * px},
		{"a lossy WebP with alpha", webpLossyWithAlpha(7000, 7000),
			[]string{"This WebP image with transparency of 7000 × 7000 pixels would need"}, 2 * px},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := Dir(t.TempDir())
			var err error
			alloc := allocated(func() { _, err = Process(t.Context(), dir, bytes.NewReader(tc.data)) })
			var refused *Error
			if !errors.As(err, &refused) {
				t.Fatalf("not refused: %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(refused.Reason, w) {
					t.Errorf("the refusal says %q; want %q", refused.Reason, w)
				}
			}
			if need := needed(refused.Reason); need < tc.atLeast {
				t.Errorf("the refusal says %d MB are needed; decoding alone needs %d MB", need>>20, tc.atLeast>>20)
			}
			if limit := int64(len(tc.data)) + 8<<20; alloc > limit {
				t.Errorf("refusing it allocated %d MB", alloc>>20)
			}
			if left := files(t, dir); len(left) != 0 {
				t.Errorf("stored %v", left)
			}
		})
	}
}

// Every kind of image within the limits is processed within its estimate: what
// processing it allocates in all never exceeds what inspect said it would.
func TestProcessStaysWithinItsEstimate(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		name  string
		data  []byte
		ctype string
	}{
		{"baseline JPEG 4:2:0", buildJPEG(2400, 1600, comps420, false, -1), "image/jpeg"},
		{"grey JPEG", buildJPEG(2400, 1600, compsGray, false, -1), "image/jpeg"},
		{"progressive JPEG", buildJPEG(2400, 1600, comps420, true, -1), "image/jpeg"},
		{"progressive JPEG from an encoder", read("video-001.progressive.jpeg"), "image/jpeg"},
		{"CMYK JPEG", buildJPEG(2400, 1600, compsCMYK, false, 0), "image/jpeg"},
		{"YCCK JPEG", buildJPEG(2400, 1600, compsCMYK, false, 2), "image/jpeg"},
		{"CMYK JPEG from an encoder", read("video-001.cmyk.jpeg"), "image/jpeg"},
		{"RGB JPEG", buildJPEG(2400, 1600, []jpegComp{{'R', 1, 1}, {'G', 1, 1}, {'B', 1, 1}}, false, -1), "image/jpeg"},
		{"RGBA PNG", buildPNG(2400, 1600, 8, 6, false, nil), "image/png"},
		{"16-bit RGB PNG", buildPNG(2400, 1600, 16, 2, false, nil), "image/png"},
		{"16-bit grey+alpha PNG", buildPNG(2400, 1600, 16, 4, false, nil), "image/png"},
		{"16-bit grey PNG", buildPNG(2400, 1600, 16, 0, false, nil), "image/png"},
		{"interlaced PNG", buildPNG(2400, 1600, 8, 6, true, nil), "image/png"},
		{"palette PNG", buildPNG(2400, 1600, 8, 3, false, nil), "image/png"},
		{"grey PNG with a transparent colour", buildPNG(2400, 1600, 4, 0, false, map[string][]byte{"tRNS": {0, 0}}), "image/png"},
		{"animated GIF", buildGIF(1000, 800, []gifFrame{{w: 1000, h: 800, lct: true, interlaced: true}, {x: 10, y: 10, w: 300, h: 200, transparent: true}, {w: 1000, h: 800}}), "image/gif"},
		{"GIF of many small frames", buildGIF(600, 400, sameFrames(MaxFrames, 60, 40)), "image/gif"},
		{"GIF from an encoder", read("video-001.interlaced.gif"), "image/gif"},
		{"lossless WebP", webpLossless(2400, 1600, 255), "image/jpeg"},
		{"lossless WebP with alpha", webpLossless(2400, 1600, 128), "image/png"},
		{"lossy WebP", read("video-001.lossy.webp"), "image/jpeg"},
		{"lossy WebP with alpha", read("yellow_rose.lossy-with-alpha.webp"), "image/png"},
		// Turned by their orientation, converted by their profile, or both.
		{"JPEG 4:2:0 turned", withSegments(buildJPEG(2400, 1600, comps420, false, -1), exifSegment(6, false)), "image/jpeg"},
		{"JPEG 4:1:1 turned", withSegments(buildJPEG(2400, 1600, []jpegComp{{1, 4, 1}, {2, 1, 1}, {3, 1, 1}}, false, -1), exifSegment(8, false)), "image/jpeg"},
		{"progressive JPEG turned, Display P3", withSegments(buildJPEG(2400, 1600, comps420, true, -1),
			append([][]byte{exifSegment(5, true)}, iccSegments(iccProfile("RGB ", displayP3, paraSRGB(), "Display P3", nil), 2)...)...), "image/jpeg"},
		{"grey JPEG, grey profile", withSegments(buildJPEG(2400, 1600, compsGray, false, -1), iccSegments(iccProfile("GRAY", [3][3]float64{}, curvGamma(1.8), "Gray Gamma 1.8", nil), 1)...), "image/jpeg"},
		{"16-bit PNG turned, Display P3", buildPNG(2400, 1600, 16, 6, false, map[string][]byte{"eXIf": exifTIFF(7, false), "iCCP": iccpChunk(iccProfile("RGB ", displayP3, paraSRGB(), "Display P3", nil))}), "image/png"},
		{"PNG, profile kept", buildPNG(2400, 1600, 8, 2, false, map[string][]byte{"iCCP": iccpChunk(iccProfile("RGB ", displayP3, paraSRGB(), "LUT", map[string][]byte{"A2B0": make([]byte, 64<<10)}))}), "image/png"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := inspect(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			dir := Dir(t.TempDir())
			var im *Image
			alloc := allocated(func() { im, err = Process(t.Context(), dir, bytes.NewReader(tc.data)) })
			if err != nil {
				t.Fatal(err)
			}
			if alloc > p.cost && !raceEnabled || p.cost > MaxImageMemory {
				t.Errorf("allocated %.1f MB; estimated %.1f MB", float64(alloc)/(1<<20), float64(p.cost)/(1<<20))
			}
			t.Logf("allocated %.1f MB of %.1f MB estimated", float64(alloc)/(1<<20), float64(p.cost)/(1<<20))
			if im.ContentType != tc.ctype {
				t.Errorf("stored as %s", im.ContentType)
			}
			f, err := dir.Open(im.Name)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			cfg, _, err := image.DecodeConfig(f)
			if w, h := p.shownSize(); err != nil || cfg.Width != w || cfg.Height != h {
				t.Errorf("stored %d × %d (%v), want %d × %d", cfg.Width, cfg.Height, err, w, h)
			}
		})
	}
}

// The mishaps and tricks of the same kind: truncated files, frames outside the
// picture, a file of extensions, endless image data. Each is refused before it is
// decoded, or decoded within its estimate.
func TestProcessMalformedAndTruncatedFiles(t *testing.T) {
	anim := buildGIF(1000, 800, sameFrames(3, 1000, 800))
	var comments bytes.Buffer // a GIF with a million comment extensions
	comments.Write(anim[:len(anim)-1])
	for range 1_000_000 {
		comments.Write([]byte{0x21, 0xFE, 1, 'x', 0})
	}
	comments.WriteByte(0x3B)
	outside := buildGIF(100, 100, []gifFrame{{w: 100, h: 100}, {x: 50, y: 50, w: 7000, h: 7000}})
	// A 10 × 10 PNG whose zlib stream goes on: 14 MB stored, or 1 GB compressed.
	endless := func(level, n int) []byte {
		head := buildPNG(10, 10, 8, 2, false, nil)
		var b bytes.Buffer
		b.Write(head[:33]) // signature and IHDR
		var idat bytes.Buffer
		zw, _ := zlib.NewWriterLevel(&idat, level)
		zero := make([]byte, 1<<20)
		for range n {
			zw.Write(zero)
		}
		zw.Close()
		pngChunk(&b, "IDAT", idat.Bytes())
		pngChunk(&b, "IEND", nil)
		return b.Bytes()
	}
	photo := buildJPEG(2400, 1600, comps420, true, -1)
	rgba := buildPNG(2400, 1600, 8, 6, false, nil)
	for _, tc := range []struct {
		name    string
		data    []byte
		want    string
		decoded bool // refused by the decoder (within its estimate), not from the headers
	}{
		{"a GIF cut inside a frame", anim[:len(anim)/2], "This GIF file could not be read: it is cut short", false},
		{"a GIF without its trailer", anim[:len(anim)-1], "This GIF file could not be read: it is cut short", false},
		{"a GIF frame larger than the picture", outside, "Frame 2 of this GIF (7000 × 7000 pixels at 50, 50) lies outside its 100 × 100 picture", false},
		{"a GIF with an unknown block", append(append([]byte{}, anim[:len(anim)-1]...), 0x99), "unknown block", false},
		{"a small PNG with 14 MB of image data", endless(zlib.NoCompression, 14), "could not be read", true},
		{"a small PNG with 1 GB of compressed image data", endless(zlib.BestCompression, 1024), "could not be read", true},
		{"a PNG cut inside its image data", rgba[:len(rgba)/2], "could not be read", true},
		{"a progressive JPEG cut short", photo[:len(photo)/3], "could not be read", true},
		{"a JPEG without a frame header", []byte("\xff\xd8\xff\xd9"), "This JPEG file could not be read", false},
		{"a WebP cut before its image", webpLossless(100, 100, 255)[:24], "This WebP file could not be read", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := Dir(t.TempDir())
			var err error
			alloc := allocated(func() { _, err = Process(t.Context(), dir, bytes.NewReader(tc.data)) })
			var refused *Error
			if !errors.As(err, &refused) || !strings.Contains(refused.Reason, tc.want) {
				t.Fatalf("%v; want a refusal saying %q", err, tc.want)
			}
			limit := int64(len(tc.data)) + 4<<20
			if tc.decoded {
				p, err := inspect(tc.data)
				if err != nil {
					t.Fatal(err)
				}
				limit = p.cost
			}
			if alloc > limit {
				t.Errorf("allocated %.1f MB, more than %.1f MB", float64(alloc)/(1<<20), float64(limit)/(1<<20))
			}
			if left := files(t, dir); len(left) != 0 {
				t.Errorf("stored %v", left)
			}
		})
	}

	t.Run("a GIF of a million comments", func(t *testing.T) {
		p, err := inspect(comments.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		dir := Dir(t.TempDir())
		var im *Image
		alloc := allocated(func() { im, err = Process(t.Context(), dir, bytes.NewReader(comments.Bytes())) })
		if err != nil || alloc > p.cost {
			t.Fatalf("%v; allocated %.1f MB of %.1f MB", err, float64(alloc)/(1<<20), float64(p.cost)/(1<<20))
		}
		f, _ := dir.Open(im.Name)
		defer f.Close()
		g, err := gif.DecodeAll(f)
		if err != nil || len(g.Image) != 3 {
			t.Fatalf("stored %v", err)
		}
		if st, _ := os.Stat(filepath.Join(string(dir), im.Name)); st.Size() > int64(len(anim)) {
			t.Errorf("the comments were kept: %d bytes", st.Size())
		}
	})
}
