package media

import (
	"fmt"
	"image"
	"testing"
)

// BenchmarkLooks measures, per megapixel, what applying an image's looks adds:
// converting it to sRGB by its profile (in place) and turning it by its EXIF
// orientation (a copy), for the kinds of image decoders make. The work budget's
// iccPixel and orientPixel bound these (cpu-ns/pixel), iccSetupWork the tables.
func BenchmarkLooks(b *testing.B) {
	const w, h = 1000, 1000 // a megapixel
	c, err := readProfile(iccProfile("RGB ", displayP3, paraSRGB(), "Display P3", nil), 3, "JPEG")
	if err != nil || c.action != colourConvert {
		b.Fatal(c.action, err)
	}
	kinds := map[string]func() image.Image{
		"YCbCr 4:2:0": func() image.Image { return image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420) },
		"RGBA":        func() image.Image { return image.NewRGBA(image.Rect(0, 0, w, h)) },
		"NRGBA64":     func() image.Image { return image.NewNRGBA64(image.Rect(0, 0, w, h)) },
	}
	for name, make := range kinds {
		img := make()
		if m, ok := img.(*image.RGBA); ok {
			for i := range m.Pix {
				m.Pix[i] = byte(i * 7)
			}
		}
		b.Run("sRGB/"+name, func(b *testing.B) {
			t := newTransform(&c)
			t.apply(img) // the 16-bit tables, once
			start := processCPU()
			for b.Loop() {
				t.apply(img)
			}
			b.ReportMetric(float64(processCPU()-start)/float64(b.N)/(w*h), "cpu-ns/pixel")
		})
		for _, o := range []int{3, 6} {
			b.Run(fmt.Sprintf("orientation %d/%s", o, name), func(b *testing.B) {
				start := processCPU()
				for b.Loop() {
					orient(img, o)
				}
				b.ReportMetric(float64(processCPU()-start)/float64(b.N)/(w*h), "cpu-ns/pixel")
			})
		}
	}
	// A 48-megapixel phone photo: turning it misses the cache at every pixel.
	big := image.NewYCbCr(image.Rect(0, 0, 8064, 6048), image.YCbCrSubsampleRatio420)
	b.Run("sRGB/YCbCr 4:2:0 48MP", func(b *testing.B) {
		t := newTransform(&c)
		start := processCPU()
		for b.Loop() {
			t.apply(big)
		}
		b.ReportMetric(float64(processCPU()-start)/float64(b.N)/(8064*6048), "cpu-ns/pixel")
	})
	b.Run("orientation 6/YCbCr 4:2:0 48MP", func(b *testing.B) {
		start := processCPU()
		for b.Loop() {
			orient(big, 6)
		}
		b.ReportMetric(float64(processCPU()-start)/float64(b.N)/(8064*6048), "cpu-ns/pixel")
	})
	b.Run("profile tables", func(b *testing.B) {
		start := processCPU()
		for b.Loop() {
			newTransform(&c).with16()
		}
		b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
	})
}
