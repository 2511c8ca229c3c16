package media

import (
	"bytes"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"testing"
)

// photo is a w × h baseline JPEG (quality 90, 4:2:0) of photo-like content: smooth
// light, edges and grain, so that decoding and encoding it cost what a real
// photograph's do (a flat image would code to almost nothing).
func photo(tb testing.TB, w, h int) []byte { return photoQ(tb, w, h, 90) }

// photoQ is photo at JPEG quality q.
func photoQ(tb testing.TB, w, h, q int) []byte {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	rng := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			v := 60 + 120*x/w + 40*y/h + rng.IntN(24)
			if (x/97+y/61)%5 == 0 {
				v -= 50 // shapes with edges
			}
			img.Y[y*img.YStride+x] = uint8(max(0, min(255, v)))
		}
	}
	for y := range (h + 1) / 2 {
		for x := range (w + 1) / 2 {
			img.Cb[y*img.CStride+x] = uint8(100 + 60*x/w + rng.IntN(8))
			img.Cr[y*img.CStride+x] = uint8(150 - 50*y/h + rng.IntN(8))
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkProcessPhoto processes a phone's photo (12 megapixels, 4000 × 3000):
// inspected, decoded, encoded again, its three srcset variants made and all stored.
func BenchmarkProcessPhoto(b *testing.B) {
	data := photo(b, 4000, 3000)
	dir := Dir(b.TempDir())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		im, err := Process(b.Context(), dir, bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		dir.Remove(im.Name)
		for _, v := range im.Variants {
			dir.Remove(v.Name)
		}
	}
}
