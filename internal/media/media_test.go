package media

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func picture(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	return img
}

// jpegWithEXIF is a JPEG carrying an EXIF segment with GPS-like text after its SOI.
func jpegWithEXIF(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, picture(64, 48), nil); err != nil {
		t.Fatal(err)
	}
	payload := append([]byte("Exif\x00\x00"), []byte("GPSLatitude 51.5072 N; Camera: Secret Phone")...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	data := buf.Bytes()
	return append(append(append([]byte{}, data[:2]...), append(seg, payload...)...), data[2:]...)
}

// pngClaiming is a valid PNG whose header claims w × h pixels.
func pngClaiming(t *testing.T, w, h uint32) []byte {
	var buf bytes.Buffer
	png.Encode(&buf, picture(1, 1))
	b := buf.Bytes()
	// IHDR starts at byte 8: length(4) type(4) width(4) height(4) ... crc(4).
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func TestProcessStripsMetadataAndMakesVariants(t *testing.T) {
	dir := Dir(t.TempDir())
	im, err := Process(t.Context(), dir, bytes.NewReader(jpegWithEXIF(t)))
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := os.ReadFile(filepath.Join(string(dir), im.Name))
	if bytes.Contains(stored, []byte("Exif")) || bytes.Contains(stored, []byte("GPSLatitude")) || bytes.Contains(stored, []byte("Secret Phone")) {
		t.Error("the stored JPEG keeps its EXIF data")
	}
	if im.ContentType != "image/jpeg" || im.Width != 64 || im.Height != 48 || len(im.Variants) != 0 {
		t.Errorf("stored as %+v", im)
	}

	var big bytes.Buffer
	png.Encode(&big, picture(2000, 1000))
	im, err = Process(t.Context(), dir, &big)
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Variants) != 3 || im.ContentType != "image/png" {
		t.Fatalf("variants of a 2000-pixel image: %+v", im.Variants)
	}
	for i, w := range []int{480, 960, 1600} {
		v := im.Variants[i]
		f, err := dir.Open(v.Name)
		if err != nil {
			t.Fatal(err)
		}
		cfg, _, err := image.DecodeConfig(f)
		f.Close()
		if err != nil || cfg.Width != w || cfg.Height != w/2 || v.Width != w {
			t.Errorf("variant %d: %dx%d, %v", w, cfg.Width, cfg.Height, err)
		}
	}
	if got := im.Srcset("/media/"); !strings.Contains(got, "/media/"+im.Variants[0].Name+" 480w") || !strings.HasSuffix(got, im.Name+" 2000w") {
		t.Errorf("srcset %q", got)
	}
}

func TestProcessKeepsAnimation(t *testing.T) {
	pal := []color.Color{color.Black, color.White}
	anim := &gif.GIF{LoopCount: 0}
	for i := 0; i < 3; i++ {
		anim.Image = append(anim.Image, image.NewPaletted(image.Rect(0, 0, 10, 10), pal))
		anim.Delay = append(anim.Delay, 10)
	}
	var buf bytes.Buffer
	gif.EncodeAll(&buf, anim)
	dir := Dir(t.TempDir())
	im, err := Process(t.Context(), dir, &buf)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := dir.Open(im.Name)
	defer f.Close()
	g, err := gif.DecodeAll(f)
	if err != nil || len(g.Image) != 3 {
		t.Errorf("animation: %v frames, %v", len(g.Image), err)
	}
}

func TestProcessRefusesWhatIsNotASafeImage(t *testing.T) {
	dir := Dir(t.TempDir())
	for name, data := range map[string][]byte{
		"a script named .jpg":   []byte("#!/bin/sh\nrm -rf /\n"),
		"HTML":                  []byte("<html><script>alert(1)</script></html>"),
		"empty":                 {},
		"decompression bomb":    pngClaiming(t, 100000, 100000),
		"too large a file":      bytes.Repeat([]byte{0xFF}, MaxBytes+10),
		"truncated JPEG":        jpegWithEXIF(t)[:200],
		"SVG (can hold script)": []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`),
	} {
		_, err := Process(t.Context(), dir, bytes.NewReader(data))
		var me *Error
		if err == nil || !asError(err, &me) || me.Reason == "" {
			t.Errorf("%s: %v, want a clear refusal", name, err)
		}
	}
	left, _ := os.ReadDir(string(dir))
	if len(left) != 0 {
		t.Errorf("refused uploads left %d files", len(left))
	}
}

func asError(err error, target **Error) bool {
	e, ok := err.(*Error)
	if ok {
		*target = e
	}
	return ok
}

func TestHandlerServesStoredFilesSafely(t *testing.T) {
	dir := Dir(t.TempDir())
	im, err := Process(t.Context(), dir, bytes.NewReader(jpegWithEXIF(t)))
	if err != nil {
		t.Fatal(err)
	}
	h := Handler(dir)
	for path, want := range map[string]int{"/media/" + im.Name: 200, "/media/nothing.jpg": 404, "/media/..%2f..%2fetc%2fpasswd": 404, "/media/x.html": 404} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != want {
			t.Errorf("%s: %d, want %d", path, rec.Code, want)
		}
		if want == 200 && (rec.Header().Get("Content-Type") != "image/jpeg" || rec.Header().Get("X-Content-Type-Options") != "nosniff" ||
			!strings.Contains(rec.Header().Get("Content-Security-Policy"), "sandbox")) {
			t.Errorf("headers %v", rec.Header())
		}
	}
}
