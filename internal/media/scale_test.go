package media

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"

	xdraw "golang.org/x/image/draw"
)

// The streamed variants are the pictures x/image's Catmull-Rom scaler made before
// (which needed 32 bytes for each source row × variant column), to within rounding.
func TestVariantsMatchCatmullRom(t *testing.T) {
	const w, h = 1703, 1151
	src := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			a := uint8(255)
			if x > w/2 {
				a = uint8(y * 255 / h) // a translucent half
			}
			src.SetNRGBA(x, y, color.NRGBA{uint8(x * 7), uint8(y * 3), uint8((x ^ y) & 0xff), a})
		}
	}
	ss, err := scaleVariants(t.Context(), src, src.Bounds(), Widths)
	if err != nil || len(ss) != 3 {
		t.Fatalf("%d variants, %v", len(ss), err)
	}
	for _, s := range ss {
		got := s.dst
		want := image.NewRGBA(got.Rect)
		xdraw.CatmullRom.Scale(want, want.Rect, src, src.Bounds(), xdraw.Src, nil)
		worst := 0
		for i := range got.Pix {
			worst = max(worst, abs(int(got.Pix[i])-int(want.Pix[i])))
		}
		if worst > 2 || got.Rect.Dy() != h*got.Rect.Dx()/w {
			t.Errorf("%d × %d: a channel differs by %d", got.Rect.Dx(), got.Rect.Dy(), worst)
		}
		if s.opaque {
			t.Errorf("%d wide: said opaque", got.Rect.Dx())
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// A still GIF's variants show its frame where it lies on the screen, the rest
// transparent, rather than the frame stretched over the whole picture.
func TestGIFVariantsShowTheFirstFrameInPlace(t *testing.T) {
	data := buildGIF(2000, 1000, []gifFrame{{x: 1000, y: 500, w: 1000, h: 500}})
	dir := Dir(t.TempDir())
	im, err := Process(t.Context(), dir, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Variants) != 3 || im.Width != 2000 || im.Height != 1000 {
		t.Fatalf("%+v", im)
	}
	for _, v := range im.Variants {
		f, err := dir.Open(v.Name)
		if err != nil {
			t.Fatal(err)
		}
		m, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		b := m.Bounds()
		if b.Dx() != v.Width || b.Dy() != v.Width/2 {
			t.Errorf("%s is %v", v.Name, b)
		}
		// The frame is colour 0 of the table, (0, 0, 255): in the bottom right quarter.
		if _, _, _, a := m.At(b.Dx()/4, b.Dy()/4).RGBA(); a != 0 {
			t.Errorf("%s: the top left, outside the first frame, is not transparent", v.Name)
		}
		if r, g, bl, a := m.At(3*b.Dx()/4, 3*b.Dy()/4).RGBA(); a != 0xffff || bl != 0xffff || r != 0 || g != 0 {
			t.Errorf("%s: the first frame's place shows %d %d %d %d", v.Name, r, g, bl, a)
		}
	}
}
