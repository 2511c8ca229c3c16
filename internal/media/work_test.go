package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// JPEGs whose decoding would take long for their size — scans repeated, each
// visiting every block of the image for a few bytes — are refused from their
// headers, by their number of scans or by the work they take, in words that say what
// to do; refusing them decodes nothing (what it allocates is about the file).
func TestProcessRefusesJPEGsOfManyScans(t *testing.T) {
	grey := []jpegComp{{1, 1, 1}}
	comps444 := []jpegComp{{1, 1, 1}, {2, 1, 1}, {3, 1, 1}}
	acFirst := jpegScan{comps: []int{0}, ss: 1, se: 63}
	acRefine := jpegScan{comps: []int{0}, ss: 1, se: 63, ah: 1}
	baseline := func(n int, comps []int) []jpegScan {
		scans := make([]jpegScan, n)
		for i := range scans {
			scans[i] = jpegScan{comps: comps, se: 63}
		}
		return scans
	}
	for _, tc := range []struct {
		name string
		data []byte
		want []string
	}{
		// The tester's file: 60 KB, 12 seconds to decode.
		{"1,000 progressive scans of 6000 × 6000", buildScansJPEG(6000, 6000, grey, true, 0, repeatScan(1000, acFirst)),
			[]string{"This JPEG is saved in 1,001 progressive passes; at most 100 are accepted", "Save it as a baseline (not progressive) JPEG and upload it again."}},
		{"successive-approximation refinement scans", buildScansJPEG(6000, 6000, grey, true, 0, repeatScan(200, acRefine)),
			[]string{"This JPEG is saved in 201 progressive passes; at most 100 are accepted"}},
		{"DC refinement scans of three components", buildScansJPEG(1000, 1000, comps444, true, 0, repeatScan(150, jpegScan{comps: []int{0, 1, 2}, ah: 1})),
			[]string{"This JPEG is saved in 151 progressive passes"}},
		// Restart markers and stuffed 0xFF bytes in every scan's data: the scans are
		// all found behind them.
		{"scans with restart markers", buildScansJPEG(1000, 1000, grey, true, 16, repeatScan(150, acFirst)),
			[]string{"This JPEG is saved in 151 progressive passes"}},
		{"a baseline JPEG of 150 scans", buildScansJPEG(2000, 2000, grey, false, 0, baseline(150, []int{0})),
			[]string{"This JPEG is saved in 150 scans; at most 100 are accepted", "Save it again as an ordinary JPEG"}},
		// Within MaxScans, beyond the work allowed.
		{"90 refinement scans of 6000 × 6000", buildScansJPEG(6000, 6000, grey, true, 0, repeatScan(89, acRefine)),
			[]string{"This progressive JPEG image of 6000 × 6000 pixels is saved in 90 passes: processing it could take about ",
				" seconds, and at most 8 seconds are allowed. Save it as a baseline (not progressive) JPEG, or make it smaller."}},
		{"a baseline JPEG of 8 scans at the pixel limit", buildScansJPEG(8660, 5770, comps444, false, 0, baseline(8, []int{0, 1, 2})),
			[]string{"This JPEG image of 8660 × 5770 pixels is saved in 8 scans: processing it could take about ", "Save it again as an ordinary JPEG (in one scan), or make it smaller."}},
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
			if limit := int64(len(tc.data)) + 4<<20; alloc > limit {
				t.Errorf("refusing it allocated %.1f MB: it was decoded", float64(alloc)/(1<<20))
			}
			if left := files(t, dir); len(left) != 0 {
				t.Errorf("stored %v", left)
			}
		})
	}
}

// Ordinary JPEGs pass both budgets, up to the limits: an encoder's progressive file,
// libjpeg's ten-scan progression, the largest photo accepted; those of a sensible
// size are processed.
func TestProcessAcceptsOrdinaryJPEGs(t *testing.T) {
	real, err := os.ReadFile(filepath.Join("testdata", "video-001.progressive.jpeg"))
	if err != nil {
		t.Fatal(err)
	}
	// In a file from an encoder, no 0xFF 0xDA occurs but as a scan's marker.
	if p, err := inspect(real); err != nil || p.scans != bytes.Count(real, []byte{0xFF, 0xDA}) || p.scans < 2 {
		t.Errorf("counted %v scans (%v) of an encoder's progressive JPEG; it has %d", p, err, bytes.Count(real, []byte{0xFF, 0xDA}))
	}
	for _, tc := range []struct {
		name    string
		data    []byte
		process bool
	}{
		{"an encoder's progressive JPEG", real, true},
		{"libjpeg's progression of 10 scans", buildScansJPEG(2400, 1600, comps420, true, 0, progression), true},
		{"libjpeg's progression, restart markers every row", buildScansJPEG(2400, 1600, comps420, true, 150, progression), true},
		{"non-interleaved baseline, a scan a component", buildScansJPEG(2400, 1600, comps420, false, 0,
			[]jpegScan{{comps: []int{0}, se: 63}, {comps: []int{1}, se: 63}, {comps: []int{2}, se: 63}}), true},
		{"libjpeg's progression at 24 megapixels", buildScansJPEG(6000, 4000, comps420, true, 0, progression), false},
		{"a baseline JPEG of the most pixels and bytes, in 4:4:4", padJPEG(buildJPEG(8660, 5770, []jpegComp{{1, 1, 1}, {2, 1, 1}, {3, 1, 1}}, false, -1), MaxBytes), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := inspect(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if p.cost > MaxImageMemory || p.work > MaxImageWork {
				t.Fatalf("%d × %d in %d scans: %d MB and %.1f s, over the budgets", p.width, p.height, p.scans, p.cost>>20, float64(p.work)/1e9)
			}
			if !tc.process {
				return
			}
			dir := Dir(t.TempDir())
			im, err := Process(t.Context(), dir, bytes.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			f, err := dir.Open(im.Name)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if m, err := jpeg.Decode(f); err != nil || m.Bounds().Dx() != p.width || m.Bounds().Dy() != p.height {
				t.Errorf("stored %v (%v), want %d × %d", m.Bounds(), err, p.width, p.height)
			}
		})
	}
}

// Images of the other formats whose processing would take more than MaxImageWork
// are refused from their headers, with the reason.
func TestProcessRefusesOtherImagesOfTooMuchWork(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		// 60 bytes; 28 megapixels, each of which goes through four transforms and is
		// encoded again as PNG.
		{"a lossless WebP of four transforms", webpTransformed(6400, 4400, 13),
			"This lossless WebP image of 6400 × 4400 pixels could take about "},
		{"an RGBA PNG at the pixel limit", buildPNG(8660, 5770, 8, 6, false, nil),
			"This PNG image of 8660 × 5770 pixels could take about "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := Dir(t.TempDir())
			var err error
			alloc := allocated(func() { _, err = Process(t.Context(), dir, bytes.NewReader(tc.data)) })
			var refused *Error
			if !errors.As(err, &refused) || !strings.Contains(refused.Reason, tc.want) ||
				!strings.Contains(refused.Reason, fmt.Sprintf("seconds to process, and at most %d seconds are allowed. Make it smaller.", MaxImageWork/1e9)) {
				t.Fatalf("%v; want a refusal saying %q", err, tc.want)
			}
			if limit := int64(len(tc.data)) + 4<<20; alloc > limit {
				t.Errorf("refusing it allocated %.1f MB: it was decoded", float64(alloc)/(1<<20))
			}
			if left := files(t, dir); len(left) != 0 {
				t.Errorf("stored %v", left)
			}
		})
	}
}

// leaving is a context whose client leaves (it is cancelled) the n-th time anyone
// asks whether it has, as decoders do through ctxReader at each read: a client
// leaving in the middle of decoding.
type leaving struct {
	context.Context
	n      atomic.Int64
	cancel context.CancelFunc
}

func leaveAt(parent context.Context, n int64) *leaving {
	ctx, cancel := context.WithCancel(parent)
	c := &leaving{Context: ctx, cancel: cancel}
	c.n.Store(n)
	return c
}

func (c *leaving) Err() error {
	if c.n.Add(-1) == 0 {
		c.cancel()
	}
	return c.Context.Err()
}

// A decoder stops at its next read once the client leaves: of an image whose file
// opens with 256 KB of metadata, a client leaving while it is read costs the
// metadata read so far, never the decoded image.
func TestDecodingStopsWhenTheClientLeaves(t *testing.T) {
	meta := bytes.Repeat([]byte("metadata "), 256<<10/9)
	for _, tc := range []struct {
		name  string
		data  []byte
		image int64 // bytes the decoded image takes
	}{
		{"JPEG", padJPEG(buildJPEG(4000, 4000, []jpegComp{{1, 1, 1}}, false, -1), 256<<10), 4000 * 4000},
		{"PNG", buildPNG(4000, 4000, 8, 0, false, map[string][]byte{"tEXt": append([]byte("Comment\x00"), meta...)}), 4000 * 4000},
		{"GIF", func() []byte {
			g := buildGIF(4000, 4000, sameFrames(1, 4000, 4000))
			var b bytes.Buffer
			b.Write(g[:13+3*256])
			b.Write([]byte{0x21, 0xFE})
			for m := meta; len(m) > 0; m = m[min(len(m), 255):] {
				b.WriteByte(byte(min(len(m), 255)))
				b.Write(m[:min(len(m), 255)])
			}
			b.WriteByte(0)
			b.Write(g[13+3*256:])
			return b.Bytes()
		}(), 4000 * 4000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := Dir(t.TempDir())
			ctx := leaveAt(t.Context(), 3)
			var err error
			alloc := allocated(func() { _, err = Process(ctx, dir, bytes.NewReader(tc.data)) })
			var refused *Error
			if !errors.Is(err, context.Canceled) || errors.As(err, &refused) {
				t.Fatalf("%v; want the client's leaving", err)
			}
			if alloc >= int64(len(tc.data))+tc.image/2 {
				t.Errorf("allocated %.1f MB after the client left: the image was decoded", float64(alloc)/(1<<20))
			}
			if left := files(t, dir); len(left) != 0 {
				t.Errorf("stored %v", left)
			}
		})
	}
}
