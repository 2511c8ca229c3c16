package media

// Pictures come out as they went in: turned as their EXIF orientation says, in the
// colours their ICC profile means, and moving when they moved.

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"strings"
	"testing"
)

// --- builders ------------------------------------------------------------------

// exifTIFF is an EXIF TIFF structure whose IFD0 holds a Make (pointing after the
// directory) and then the Orientation o, in either byte order.
func exifTIFF(o int, bigEndian bool) []byte {
	var order binary.AppendByteOrder = binary.LittleEndian
	b := []byte("II*\x00\x08\x00\x00\x00")
	if bigEndian {
		order = binary.BigEndian
		b = []byte("MM\x00*\x00\x00\x00\x08")
	}
	entry := func(tag, typ uint16, count, value uint32) {
		b = order.AppendUint16(b, tag)
		b = order.AppendUint16(b, typ)
		b = order.AppendUint32(b, count)
		if typ == 3 && count == 1 {
			b = order.AppendUint16(b, uint16(value))
			b = append(b, 0, 0)
		} else {
			b = order.AppendUint32(b, value)
		}
	}
	b = order.AppendUint16(b, 2)
	entry(0x010F, 2, 6, 8+2+2*12+4) // Make, after the directory
	entry(0x0112, 3, 1, uint32(o))
	b = order.AppendUint32(b, 0) // no IFD1
	return append(b, "Phone\x00"...)
}

// withSegments is a JPEG with the segments (marker, payload) inserted after SOI.
func withSegments(jpg []byte, segs ...[]byte) []byte {
	out := append([]byte{}, jpg[:2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, jpg[2:]...)
}

func segment(marker byte, payload []byte) []byte {
	return append([]byte{0xFF, marker, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}, payload...)
}

func exifSegment(o int, bigEndian bool) []byte {
	return segment(0xE1, append([]byte("Exif\x00\x00"), exifTIFF(o, bigEndian)...))
}

// iccSegments is the profile in parts APP2 segments of about equal size.
func iccSegments(profile []byte, parts int) [][]byte {
	var out [][]byte
	size := (len(profile) + parts - 1) / parts
	for seq := 1; len(profile) > 0; seq++ {
		k := min(size, len(profile))
		payload := append([]byte("ICC_PROFILE\x00"), byte(seq), byte(parts))
		out = append(out, segment(0xE2, append(payload, profile[:k]...)))
		profile = profile[k:]
	}
	return out
}

// Colorants (the PCS's XYZ, D50) of real profiles: Apple's Display P3 and Adobe
// RGB (1998), as their profiles give them; rows X, Y, Z, columns red, green, blue.
var (
	displayP3 = [3][3]float64{{0.515121, 0.291977, 0.157104}, {0.241196, 0.692245, 0.066574}, {-0.001053, 0.041885, 0.784073}}
	adobeRGB  = [3][3]float64{{0.609741, 0.205276, 0.149185}, {0.311111, 0.625671, 0.063217}, {0.019470, 0.060867, 0.744568}}
)

func s15(v float64) []byte {
	return binary.BigEndian.AppendUint32(nil, uint32(int32(math.Round(v*65536))))
}

// paraSRGB is sRGB's curve as a parametric curve (function type 3), as Display P3's
// profile has it.
func paraSRGB() []byte {
	b := append([]byte("para"), 0, 0, 0, 0, 0, 3, 0, 0)
	for _, v := range []float64{2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045} {
		b = append(b, s15(v)...)
	}
	return b
}

// curvGamma is a pure gamma curve (curv with one entry, u8Fixed8), as Adobe RGB's.
func curvGamma(g float64) []byte {
	return append([]byte("curv\x00\x00\x00\x00\x00\x00\x00\x01"), byte(int(g*256)>>8), byte(int(g*256)), 0, 0)
}

// iccProfile is an ICC v2 display profile: RGB (or GRAY when trc is one curve for
// kTRC) with the colorants and one tone curve for every channel, and extra tags.
func iccProfile(space string, colorants [3][3]float64, trc []byte, desc string, extra map[string][]byte) []byte {
	type tag struct {
		sig  string
		data []byte
	}
	descTag := append([]byte("desc\x00\x00\x00\x00"), binary.BigEndian.AppendUint32(nil, uint32(len(desc)+1))...)
	descTag = append(append(descTag, desc...), 0)
	descTag = append(descTag, make([]byte, 4+4+2+1+67)...) // empty Unicode and ScriptCode parts
	tags := []tag{{"desc", descTag}}
	if space == "RGB " {
		for i, sig := range []string{"rXYZ", "gXYZ", "bXYZ"} {
			d := []byte("XYZ \x00\x00\x00\x00")
			for j := range 3 {
				d = append(d, s15(colorants[j][i])...)
			}
			tags = append(tags, tag{sig, d})
		}
		tags = append(tags, tag{"rTRC", trc}, tag{"gTRC", trc}, tag{"bTRC", trc})
	} else if trc != nil {
		tags = append(tags, tag{"kTRC", trc})
	}
	for sig, d := range extra {
		tags = append(tags, tag{sig, d})
	}
	head := make([]byte, 128)
	copy(head[4:], "none")
	binary.BigEndian.PutUint32(head[8:], 0x02100000)
	copy(head[12:], "mntr")
	copy(head[16:], space)
	copy(head[20:], "XYZ ")
	copy(head[36:], "acsp")
	table := binary.BigEndian.AppendUint32(nil, uint32(len(tags)))
	var body []byte
	off := 128 + 4 + 12*len(tags)
	for _, t := range tags {
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
		table = append(table, t.sig...)
		table = binary.BigEndian.AppendUint32(table, uint32(off+len(body)))
		table = binary.BigEndian.AppendUint32(table, uint32(len(t.data)))
		body = append(body, t.data...)
	}
	p := append(append(head, table...), body...)
	binary.BigEndian.PutUint32(p, uint32(len(p)))
	return p
}

// iccpChunk is a PNG iCCP chunk's data holding the profile.
func iccpChunk(profile []byte) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(profile)
	zw.Close()
	return append([]byte("ICC profile\x00\x00"), z.Bytes()...)
}

// flatJPEG is a w × h JPEG of one colour, at quality 100.
func flatJPEG(t testing.TB, w, h int, c color.RGBA) []byte {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(m.Pix); i += 4 {
		m.Pix[i], m.Pix[i+1], m.Pix[i+2], m.Pix[i+3] = c.R, c.G, c.B, 255
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// decodeStored decodes a stored file.
func decodeStored(t *testing.T, dir Dir, name string) image.Image {
	t.Helper()
	f, err := dir.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

func rgb8(c color.Color) [3]int {
	r, g, b, _ := color.NRGBAModel.Convert(c).RGBA()
	return [3]int{int(r >> 8), int(g >> 8), int(b >> 8)}
}

func near(a, b [3]int, tol int) bool {
	for i := range 3 {
		if a[i]-b[i] > tol || b[i]-a[i] > tol {
			return false
		}
	}
	return true
}

// --- orientation ---------------------------------------------------------------

// shown is where a browser honouring EXIF shows stored pixel (x, y) of a w × h
// picture, from the words of Exif 2.32's table for tag 0x0112 (where the 0th row
// and the 0th column of the stored image lie when it is shown).
func shown(o, w, h, x, y int) (int, int) {
	switch o {
	case 2: // row 0 at the top, column 0 at the right
		return w - 1 - x, y
	case 3: // bottom, right
		return w - 1 - x, h - 1 - y
	case 4: // bottom, left
		return x, h - 1 - y
	case 5: // row 0 on the left, column 0 at the top
		return y, x
	case 6: // row 0 on the right, column 0 at the top
		return h - 1 - y, x
	case 7: // row 0 on the right, column 0 at the bottom
		return h - 1 - y, w - 1 - x
	case 8: // row 0 on the left, column 0 at the bottom
		return y, w - 1 - x
	}
	return x, y
}

// Quadrant colours of the picture as shown: no two alike, so every turn and mirror
// moves some colour.
var quadrants = [2][2]color.RGBA{{{220, 30, 30, 255}, {30, 200, 30, 255}}, {{30, 30, 220, 255}, {240, 240, 240, 255}}}

// storedAs is a stored w × h picture that shows, under orientation o, the four
// quadrant colours where they belong.
func storedAs(o, w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	W, H := w, h
	if o >= 5 {
		W, H = h, w
	}
	for y := range h {
		for x := range w {
			dx, dy := shown(o, w, h, x, y)
			m.SetRGBA(x, y, quadrants[2*dy/H][2*dx/W])
		}
	}
	return m
}

// checkQuadrants checks that m shows the quadrant colours where they belong.
func checkQuadrants(t *testing.T, what string, m image.Image) {
	t.Helper()
	b := m.Bounds()
	for qy := range 2 {
		for qx := range 2 {
			x, y := b.Min.X+b.Dx()*(2*qx+1)/4, b.Min.Y+b.Dy()*(2*qy+1)/4
			if got, want := rgb8(m.At(x, y)), rgb8(quadrants[qy][qx]); !near(got, want, 40) {
				t.Errorf("%s: quadrant (%d, %d) shows %v, want %v", what, qx, qy, got, want)
			}
		}
	}
}

// A phone's 1200 × 600 JPEG with each EXIF orientation is stored, and its variants
// made, as a browser honouring the orientation shows it: turned, with the sizes of
// the turned picture in the Image and in srcset, and no EXIF left.
func TestProcessTurnsPicturesAsTheirEXIFOrientationSays(t *testing.T) {
	dir := Dir(t.TempDir())
	for o := 1; o <= 8; o++ {
		t.Run(fmt.Sprint("orientation ", o), func(t *testing.T) {
			var b bytes.Buffer
			if err := jpeg.Encode(&b, storedAs(o, 1200, 600), &jpeg.Options{Quality: 95}); err != nil {
				t.Fatal(err)
			}
			data := withSegments(b.Bytes(), exifSegment(o, o%2 == 0))
			im, err := Process(t.Context(), dir, bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			W, H, widths := 1200, 600, []int{480, 960}
			if o >= 5 {
				W, H, widths = 600, 1200, []int{480}
			}
			if im.Width != W || im.Height != H || len(im.Variants) != len(widths) {
				t.Fatalf("stored as %d × %d with %d variants, want %d × %d with %d", im.Width, im.Height, len(im.Variants), W, H, len(widths))
			}
			m := decodeStored(t, dir, im.Name)
			if m.Bounds().Dx() != W || m.Bounds().Dy() != H {
				t.Errorf("the stored file is %v", m.Bounds())
			}
			checkQuadrants(t, "the stored file", m)
			for i, v := range im.Variants {
				vm := decodeStored(t, dir, v.Name)
				if v.Width != widths[i] || v.Height != widths[i]*H/W || vm.Bounds() != image.Rect(0, 0, v.Width, v.Height) {
					t.Errorf("variant %d: said %d × %d, is %v", widths[i], v.Width, v.Height, vm.Bounds())
				}
				checkQuadrants(t, fmt.Sprint("the ", widths[i], " variant"), vm)
			}
			if srcset := im.Srcset("/m/"); !strings.Contains(srcset, fmt.Sprintf("%s %dw", im.Name, W)) ||
				!strings.Contains(srcset, fmt.Sprintf("%s %dw", im.Variants[0].Name, 480)) {
				t.Errorf("srcset %q", srcset)
			}
			stored, _ := dir.Open(im.Name)
			defer stored.Close()
			var raw bytes.Buffer
			raw.ReadFrom(stored)
			if bytes.Contains(raw.Bytes(), []byte("Exif")) || bytes.Contains(raw.Bytes(), []byte("Phone")) {
				t.Error("the stored file keeps its EXIF")
			}
		})
	}
}

// Every kind of decoded image turns the same way: 4:2:2 and 4:1:1 JPEG (whose
// chroma is subsampled across, and down once turned), grey, RGB JPEG (RGBA), and
// PNGs of 8 and 16 bits and of a palette with the orientation in an eXIf chunk.
func TestEveryKindOfImageTurns(t *testing.T) {
	dir := Dir(t.TempDir())
	encodeJPEG := func(m image.Image) []byte {
		var b bytes.Buffer
		if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 95}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	ycbcr := func(m *image.RGBA, r image.YCbCrSubsampleRatio) *image.YCbCr {
		y := image.NewYCbCr(m.Rect, r)
		for py := range m.Rect.Dy() {
			for px := range m.Rect.Dx() {
				c := m.RGBAAt(px, py)
				yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
				y.Y[y.YOffset(px, py)] = yy
				y.Cb[y.COffset(px, py)], y.Cr[y.COffset(px, py)] = cb, cr
			}
		}
		return y
	}
	pngWithEXIF := func(m image.Image, o int) []byte {
		var b bytes.Buffer
		if err := png.Encode(&b, m); err != nil {
			t.Fatal(err)
		}
		raw := b.Bytes()
		var out bytes.Buffer
		out.Write(raw[:33])
		pngChunk(&out, "eXIf", exifTIFF(o, true))
		out.Write(raw[33:])
		return out.Bytes()
	}
	for o := 2; o <= 8; o++ {
		src := storedAs(o, 300, 200)
		for name, data := range map[string][]byte{
			"JPEG 4:2:2":    withSegments(encodeJPEG(ycbcr(src, image.YCbCrSubsampleRatio422)), exifSegment(o, false)),
			"JPEG 4:1:1":    withSegments(encodeJPEG(ycbcr(src, image.YCbCrSubsampleRatio411)), exifSegment(o, false)),
			"PNG RGBA":      pngWithEXIF(src, o),
			"PNG 16-bit":    pngWithEXIF(to64(src), o),
			"PNG palette":   pngWithEXIF(toPaletted(src), o),
			"JPEG in grey":  nil, // checked below: a grey picture shows no colours
			"JPEG from RGB": nil,
		} {
			if data == nil {
				continue
			}
			t.Run(fmt.Sprint(name, " ", o), func(t *testing.T) {
				im, err := Process(t.Context(), dir, bytes.NewReader(data))
				if err != nil {
					t.Fatal(err)
				}
				W, H := 300, 200
				if o >= 5 {
					W, H = 200, 300
				}
				m := decodeStored(t, dir, im.Name)
				if im.Width != W || im.Height != H || m.Bounds().Dx() != W || m.Bounds().Dy() != H {
					t.Fatalf("stored %v, said %d × %d", m.Bounds(), im.Width, im.Height)
				}
				checkQuadrants(t, name, m)
			})
		}
	}
	// Grey: the white quadrant is the brightest, wherever it lands.
	gray := image.NewGray(image.Rect(0, 0, 300, 200))
	src := storedAs(6, 300, 200)
	for i := range gray.Pix {
		gray.Pix[i] = color.GrayModel.Convert(src.RGBAAt(i%300, i/300)).(color.Gray).Y
	}
	im, err := Process(t.Context(), dir, bytes.NewReader(withSegments(encodeJPEG(gray), exifSegment(6, true))))
	if err != nil {
		t.Fatal(err)
	}
	m := decodeStored(t, dir, im.Name)
	if im.Width != 200 || im.Height != 300 || rgb8(m.At(150, 225))[0] < 200 || rgb8(m.At(50, 75))[0] > 150 {
		t.Errorf("grey JPEG turned to %v: bottom right %v, top left %v", m.Bounds(), m.At(150, 225), m.At(50, 75))
	}
}

func to64(m *image.RGBA) *image.RGBA64 {
	d := image.NewRGBA64(m.Rect)
	for y := range m.Rect.Dy() {
		for x := range m.Rect.Dx() {
			d.Set(x, y, m.At(x, y))
		}
	}
	return d
}

func toPaletted(m *image.RGBA) *image.Paletted {
	var pal color.Palette
	for _, row := range quadrants {
		for _, c := range row {
			pal = append(pal, c)
		}
	}
	d := image.NewPaletted(m.Rect, pal)
	for y := range m.Rect.Dy() {
		for x := range m.Rect.Dx() {
			d.Set(x, y, m.At(x, y))
		}
	}
	return d
}

// Hostile or broken EXIF never panics, loops or turns a picture: it is read as
// orientation 1.
func TestEXIFOrientationParserIsStrict(t *testing.T) {
	valid := exifTIFF(6, false)
	if got := exifOrientation(valid); got != 6 {
		t.Fatalf("valid: %d", got)
	}
	if got := exifOrientation(exifTIFF(3, true)); got != 3 {
		t.Fatalf("big-endian: %d", got)
	}
	cases := map[string][]byte{
		"empty":               nil,
		"header only":         valid[:8],
		"cut inside an entry": valid[:8+2+12+5],
		"bad byte order":      append([]byte("XX"), valid[2:]...),
		"bad magic":           append([]byte("II\x2b\x00"), valid[4:]...),
		"IFD past the end":    append([]byte("II*\x00\xff\xff\xff\x7f"), valid[8:]...),
		"IFD inside header":   append([]byte("II*\x00\x02\x00\x00\x00"), valid[8:]...),
		"65535 entries":       append(append([]byte("II*\x00\x08\x00\x00\x00"), 0xff, 0xff), make([]byte, 100)...),
		"orientation 9":       exifTIFF(9, false),
		"orientation 0":       exifTIFF(0, false),
	}
	long := append([]byte{}, valid...)
	binary.LittleEndian.PutUint16(long[8+2+12+2:], 4) // Orientation as a LONG
	cases["wrong type"] = long
	for name, b := range cases {
		if got := exifOrientation(b); got != 1 {
			t.Errorf("%s: orientation %d", name, got)
		}
	}
	// In a file: processed as stored.
	jpg := flatJPEG(t, 40, 20, color.RGBA{10, 20, 30, 255})
	for name, b := range cases {
		data := withSegments(jpg, segment(0xE1, append([]byte("Exif\x00\x00"), b...)))
		im, err := Process(t.Context(), Dir(t.TempDir()), bytes.NewReader(data))
		if err != nil || im.Width != 40 {
			t.Errorf("%s: %v, %+v", name, err, im)
		}
	}
}

func FuzzEXIFOrientation(f *testing.F) {
	f.Add(exifTIFF(6, false))
	f.Add(exifTIFF(8, true))
	f.Fuzz(func(t *testing.T, b []byte) {
		if o := exifOrientation(b); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
	})
}

// --- colour --------------------------------------------------------------------

// toSRGB8 is what encoded RGB numbers of a space with these D65 primaries (rows X,
// Y, Z of linear RGB → XYZ) and curve are in sRGB, clipped: computed in D65 from
// the published matrices, independently of the D50 profiles the code reads.
func toSRGB8(rgbToXYZ [3][3]float64, decode func(float64) float64, c [3]int) [3]int {
	xyzToSRGB := [3][3]float64{{3.2404542, -1.5371385, -0.4985314}, {-0.9692660, 1.8760108, 0.0415560}, {0.0556434, -0.2040259, 1.0572252}}
	var lin, xyz [3]float64
	for i := range 3 {
		lin[i] = decode(float64(c[i]) / 255)
	}
	for i := range 3 {
		for j := range 3 {
			xyz[i] += rgbToXYZ[i][j] * lin[j]
		}
	}
	var out [3]int
	for i := range 3 {
		var l float64
		for j := range 3 {
			l += xyzToSRGB[i][j] * xyz[j]
		}
		l = max(0, min(1, l))
		v := 12.92 * l
		if l > 0.0031308 {
			v = 1.055*math.Pow(l, 1/2.4) - 0.055
		}
		out[i] = int(math.Round(255 * v))
	}
	return out
}

var (
	p3ToXYZ    = [3][3]float64{{0.4865709, 0.2656677, 0.1982173}, {0.2289746, 0.6917385, 0.0792869}, {0, 0.0451134, 1.0439444}}
	adobeToXYZ = [3][3]float64{{0.5767309, 0.1855540, 0.1881852}, {0.2973769, 0.6273491, 0.0752741}, {0.0270343, 0.0706872, 0.9911085}}
	srgbCurve  = func(v float64) float64 {
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	adobeCurve = func(v float64) float64 { return math.Pow(v, 563.0/256) }
)

// storedColour processes data and gives the colour of the middle of its stored
// file and of every variant, and the stored file's bytes.
func storedColour(t *testing.T, data []byte) ([][3]int, []byte) {
	t.Helper()
	dir := Dir(t.TempDir())
	im, err := Process(t.Context(), dir, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var out [][3]int
	for _, name := range append([]string{im.Name}, variantNames(im)...) {
		m := decodeStored(t, dir, name)
		b := m.Bounds()
		out = append(out, rgb8(m.At(b.Dx()/2, b.Dy()/2)))
	}
	f, _ := dir.Open(im.Name)
	defer f.Close()
	var raw bytes.Buffer
	raw.ReadFrom(f)
	return out, raw.Bytes()
}

func variantNames(im *Image) []string {
	var names []string
	for _, v := range im.Variants {
		names = append(names, v.Name)
	}
	return names
}

// A Display P3 photo comes out in sRGB: the numbers a browser reads as sRGB show
// the colours the P3 numbers meant (sRGB's red, which in P3 is about (234, 51, 35),
// comes out (255, 0, 0); P3's own red, outside sRGB, comes out clipped to it; a mid
// colour within a JPEG step), in the stored file and every variant, and no profile
// is left. So for Adobe RGB (a gamma curve) split over several APP2 segments, and
// for a P3 PNG (iCCP) of 8 and 16 bits.
func TestProcessConvertsColourProfilesToSRGB(t *testing.T) {
	p3 := iccProfile("RGB ", displayP3, paraSRGB(), "Display P3", nil)
	adobe := iccProfile("RGB ", adobeRGB, curvGamma(563.0/256), "Adobe RGB (1998)", nil)
	for _, tc := range []struct {
		name    string
		profile []byte
		parts   int
		toXYZ   [3][3]float64
		curve   func(float64) float64
		colours [][3]int
	}{
		{"Display P3", p3, 1, p3ToXYZ, srgbCurve, [][3]int{{234, 51, 35}, {255, 0, 0}, {200, 120, 60}, {40, 90, 160}, {128, 128, 128}}},
		{"Adobe RGB in 3 segments", adobe, 3, adobeToXYZ, adobeCurve, [][3]int{{0, 255, 0}, {180, 140, 100}, {60, 70, 200}}},
	} {
		for _, c := range tc.colours {
			t.Run(fmt.Sprintf("%s %v", tc.name, c), func(t *testing.T) {
				jpg := flatJPEG(t, 1000, 100, color.RGBA{uint8(c[0]), uint8(c[1]), uint8(c[2]), 255})
				// The numbers the JPEG holds, a step or so from those encoded.
				in, _ := jpeg.Decode(bytes.NewReader(jpg))
				want := toSRGB8(tc.toXYZ, tc.curve, rgb8(in.At(500, 50)))
				got, stored := storedColour(t, withSegments(jpg, iccSegments(tc.profile, tc.parts)...))
				for i, g := range got {
					if !near(g, want, 3) {
						t.Errorf("file %d: %v, want %v (the numbers as they came: %v)", i, g, want, c)
					}
				}
				if len(got) != 3 {
					t.Errorf("%d files", len(got))
				}
				if bytes.Contains(stored, []byte("ICC_PROFILE")) {
					t.Error("the profile is still embedded in converted pixels")
				}
			})
		}
	}
	// sRGB's red in P3 numbers, in a PNG of 8 and of 16 bits.
	want := toSRGB8(p3ToXYZ, srgbCurve, [3]int{234, 51, 35})
	for _, depth := range []int{8, 16} {
		var m image.Image
		c := color.NRGBA{234, 51, 35, 255}
		if depth == 8 {
			n := image.NewNRGBA(image.Rect(0, 0, 600, 50))
			for i := 0; i < len(n.Pix); i += 4 {
				copy(n.Pix[i:], []byte{c.R, c.G, c.B, c.A})
			}
			m = n
		} else {
			n := image.NewRGBA64(image.Rect(0, 0, 600, 50))
			for y := range 50 {
				for x := range 600 {
					n.Set(x, y, c)
				}
			}
			m = n
		}
		var b bytes.Buffer
		png.Encode(&b, m)
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(p3)
		zw.Close()
		var data bytes.Buffer
		data.Write(b.Bytes()[:33])
		pngChunk(&data, "iCCP", append([]byte("Display P3\x00\x00"), z.Bytes()...))
		data.Write(b.Bytes()[33:])
		got, stored := storedColour(t, data.Bytes())
		for i, g := range got {
			if !near(g, want, 1) {
				t.Errorf("%d-bit PNG, file %d: %v, want %v", depth, i, g, want)
			}
		}
		if bytes.Contains(stored, []byte("iCCP")) {
			t.Errorf("%d-bit PNG: the profile is still embedded", depth)
		}
	}
}

// A profile the matrix/TRC model cannot convert (lookup tables: A2B0) is kept, the
// same bytes in the stored file and every variant, with the numbers unchanged; an
// sRGB profile converts nothing; a CMYK profile on a CMYK JPEG, and profiles that
// are broken or absurd, are refused with words, never mis-coloured or a panic.
func TestProcessKeepsOrRefusesProfilesItCannotConvert(t *testing.T) {
	lut := iccProfile("RGB ", displayP3, paraSRGB(), "Printer RGB", map[string][]byte{"A2B0": append([]byte("mAB \x00\x00\x00\x00"), make([]byte, 24)...)})
	jpg := flatJPEG(t, 1000, 100, color.RGBA{234, 51, 35, 255})
	dir := Dir(t.TempDir())
	im, err := Process(t.Context(), dir, bytes.NewReader(withSegments(jpg, iccSegments(lut, 2)...)))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range append([]string{im.Name}, variantNames(im)...) {
		f, _ := dir.Open(name)
		var raw bytes.Buffer
		raw.ReadFrom(f)
		f.Close()
		var m meta
		if err := jpegMeta(raw.Bytes(), &m); err != nil || !bytes.Equal(m.profile, lut) {
			t.Errorf("%s: the profile is not kept whole (%v, %d bytes)", name, err, len(m.profile))
		}
		pic := decodeStored(t, dir, name)
		if got := rgb8(pic.At(pic.Bounds().Dx()/2, pic.Bounds().Dy()/2)); !near(got, [3]int{234, 51, 35}, 3) {
			t.Errorf("%s: %v, want the numbers unchanged", name, got)
		}
	}

	srgb := iccProfile("RGB ", srgbColorants, paraSRGB(), "sRGB IEC61966-2.1", nil)
	if c, err := readProfile(srgb, 3, "JPEG"); err != nil || c.action != colourNone {
		t.Errorf("sRGB: %v, %v", c.action, err)
	}

	// A CMYK JPEG with its press profile.
	cmyk := iccProfile("CMYK", [3][3]float64{}, nil, "Coated FOGRA39", map[string][]byte{"A2B0": make([]byte, 32)})
	_, err = Process(t.Context(), dir, bytes.NewReader(withSegments(buildJPEG(64, 64, compsCMYK, false, 0), iccSegments(cmyk, 1)...)))
	if e, ok := err.(*Error); !ok || !strings.Contains(e.Reason, "CMYK") || !strings.Contains(e.Reason, "FOGRA39") {
		t.Errorf("CMYK with a profile: %v", err)
	}

	p3 := iccProfile("RGB ", displayP3, paraSRGB(), "Display P3", nil)
	tagCount := append([]byte{}, p3...)
	binary.BigEndian.PutUint32(tagCount[128:], 1<<30)
	tagPastEnd := append([]byte{}, p3...)
	binary.BigEndian.PutUint32(tagPastEnd[132+12+4:], 1<<31)
	hugeCurve := iccProfile("RGB ", displayP3, []byte("curv\x00\x00\x00\x00\xff\xff\xff\xff\x00\x00"), "Display P3", nil)
	sizeLie := append([]byte{}, p3...)
	binary.BigEndian.PutUint32(sizeLie, 1<<31)
	parts := iccSegments(p3, 3)
	for name, segs := range map[string][][]byte{
		"a billion tags":          {segment(0xE2, append([]byte("ICC_PROFILE\x00\x01\x01"), tagCount...))},
		"a tag past the end":      {segment(0xE2, append([]byte("ICC_PROFILE\x00\x01\x01"), tagPastEnd...))},
		"4 billion curve points":  iccSegments(hugeCurve, 1),
		"a size it does not have": {segment(0xE2, append([]byte("ICC_PROFILE\x00\x01\x01"), sizeLie...))},
		"a part missing":          {parts[0], parts[2]},
		"a part repeated":         {parts[0], parts[1], parts[1], parts[2]},
		"a part numbered 0":       {segment(0xE2, append([]byte("ICC_PROFILE\x00\x00\x01"), p3...))},
		"cut short":               {segment(0xE2, append([]byte("ICC_PROFILE\x00\x01\x01"), p3[:100]...))},
	} {
		_, err := Process(t.Context(), dir, bytes.NewReader(withSegments(jpg, segs...)))
		if e, ok := err.(*Error); !ok || !strings.Contains(e.Reason, "colour profile") {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A profile larger than maxProfile, inflated from a small iCCP chunk.
	var b bytes.Buffer
	png.Encode(&b, image.NewNRGBA(image.Rect(0, 0, 4, 4)))
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(make([]byte, maxProfile+1))
	zw.Close()
	var bomb bytes.Buffer
	bomb.Write(b.Bytes()[:33])
	pngChunk(&bomb, "iCCP", append([]byte("x\x00\x00"), z.Bytes()...))
	bomb.Write(b.Bytes()[33:])
	if _, err := Process(t.Context(), dir, bytes.NewReader(bomb.Bytes())); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("inflating profile: %v", err)
	}
}

// --- animation -----------------------------------------------------------------

// A 4-frame 1200 × 400 GIF keeps its frames, delays and disposal, and gets no
// still variants: srcset offers only the animation, which no screen width turns
// into a still. A still GIF still gets its variants.
func TestAnimatedGIFGetsNoStillVariants(t *testing.T) {
	pal := color.Palette{color.Black, color.White, color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 255, 255}}
	anim := &gif.GIF{LoopCount: 0}
	for i := range 4 {
		f := image.NewPaletted(image.Rect(0, 0, 1200, 400), pal)
		for j := range f.Pix {
			f.Pix[j] = uint8(i)
		}
		anim.Image = append(anim.Image, f)
		anim.Delay = append(anim.Delay, 10*(i+1))
		anim.Disposal = append(anim.Disposal, gif.DisposalBackground)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, anim); err != nil {
		t.Fatal(err)
	}
	dir := Dir(t.TempDir())
	im, err := Process(t.Context(), dir, bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Variants) != 0 || im.Srcset("/m/") != "/m/"+im.Name+" 1200w" {
		t.Errorf("variants %+v, srcset %q", im.Variants, im.Srcset("/m/"))
	}
	f, _ := dir.Open(im.Name)
	defer f.Close()
	g, err := gif.DecodeAll(f)
	if err != nil || len(g.Image) != 4 {
		t.Fatalf("%v frames, %v", len(g.Image), err)
	}
	for i := range 4 {
		if g.Delay[i] != 10*(i+1) || g.Disposal[i] != gif.DisposalBackground {
			t.Errorf("frame %d: delay %d, disposal %d", i, g.Delay[i], g.Disposal[i])
		}
	}
	// The estimate counts no variants either.
	p, err := inspect(buf.Bytes())
	if err != nil || p.cost > int64(len(buf.Bytes()))+baseCost+4*(1200*400+gifFrameCost+gifFrameSlices)+4*paletteCost+paletteCost {
		t.Errorf("estimate %d, %v", p.cost, err)
	}
}

// An animated WebP is refused in words, not stored as its first frame: with the
// extended header's animation flag, or with frames (ANMF) but no flag.
func TestAnimatedWebPIsRefused(t *testing.T) {
	vp8x := func(flags byte) []byte {
		x := make([]byte, 10)
		x[0] = flags
		x[4], x[7] = 99, 99 // 100 × 100
		return x
	}
	frame := append(make([]byte, 16), "VP8L"...)
	frame = binary.LittleEndian.AppendUint32(frame, uint32(len(vp8lFlat(100, 100, 255, false))))
	frame = append(frame, vp8lFlat(100, 100, 255, false)...)
	for name, data := range map[string][]byte{
		"flagged": riff(func(b *bytes.Buffer) {
			riffChunk(b, "VP8X", vp8x(0x02))
			riffChunk(b, "ANIM", make([]byte, 6))
			riffChunk(b, "ANMF", frame)
			riffChunk(b, "ANMF", frame)
		}),
		"frames without the flag": riff(func(b *bytes.Buffer) {
			riffChunk(b, "VP8X", vp8x(0))
			riffChunk(b, "ANMF", frame)
			riffChunk(b, "VP8L", vp8lFlat(100, 100, 255, false))
		}),
	} {
		_, err := Process(t.Context(), Dir(t.TempDir()), bytes.NewReader(data))
		if e, ok := err.(*Error); !ok || !strings.Contains(e.Reason, "Animated WebP") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// apng is a 600 × 200 PNG with an animation control chunk (acTL) of frames frames
// before its image data, the default image the first frame when framed, and the
// other frames in fcTL and fdAT chunks after it, as APNG encoders write them.
func apng(t *testing.T, frames int, framed bool) []byte {
	var p bytes.Buffer
	if err := png.Encode(&p, storedAs(1, 600, 200)); err != nil {
		t.Fatal(err)
	}
	pb := p.Bytes()
	end := bytes.LastIndex(pb, []byte("IEND")) - 4
	fctl := func(seq int) []byte {
		c := binary.BigEndian.AppendUint32(nil, uint32(seq))
		c = binary.BigEndian.AppendUint32(c, 600)
		c = binary.BigEndian.AppendUint32(c, 200)
		return append(c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 100, 0, 0)
	}
	idat := pb[33+8 : end-4] // the one IDAT's data, as png.Encode writes a small image
	var b bytes.Buffer
	b.Write(pb[:33])
	pngChunk(&b, "acTL", binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, uint32(frames)), 0))
	seq := 0
	if framed {
		pngChunk(&b, "fcTL", fctl(seq))
		seq++
	}
	b.Write(pb[33:end])
	for range frames - btoi(framed) {
		pngChunk(&b, "fcTL", fctl(seq))
		pngChunk(&b, "fdAT", append(binary.BigEndian.AppendUint32(nil, uint32(seq+1)), idat...))
		seq += 2
	}
	b.Write(pb[end:])
	return b.Bytes()
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// An animated PNG (APNG) moves in every browser, and image/png decodes only its
// default image: it is refused in words, not stored as a still; so when its default
// image is no frame of the animation. A one-frame APNG is a still and is accepted.
func TestAnimatedPNGIsRefused(t *testing.T) {
	for name, data := range map[string][]byte{
		"4 frames":                      apng(t, 4, true),
		"2 frames":                      apng(t, 2, true),
		"a default image outside":       apng(t, 1, false),
		"2 frames, the default outside": apng(t, 2, false),
	} {
		if _, err := png.Decode(bytes.NewReader(data)); err != nil {
			t.Fatalf("%s: image/png cannot read it: %v", name, err)
		}
		_, err := Process(t.Context(), Dir(t.TempDir()), bytes.NewReader(data))
		if e, ok := err.(*Error); !ok || !strings.Contains(e.Reason, "Animated PNG") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := Process(t.Context(), Dir(t.TempDir()), bytes.NewReader(apng(t, 1, true))); err != nil {
		t.Errorf("a one-frame APNG: %v", err)
	}
}

// chromaPNG is a 600 × 50 PNG of one colour (8 bits RGB, or grey) with the chunks
// (type, data) before its image data.
func chromaPNG(t *testing.T, c [3]int, grey bool, chunks ...any) []byte {
	var m image.Image
	if grey {
		g := image.NewGray(image.Rect(0, 0, 600, 50))
		for i := range g.Pix {
			g.Pix[i] = uint8(c[0])
		}
		m = g
	} else {
		n := image.NewRGBA(image.Rect(0, 0, 600, 50))
		for i := 0; i < len(n.Pix); i += 4 {
			n.Pix[i], n.Pix[i+1], n.Pix[i+2], n.Pix[i+3] = uint8(c[0]), uint8(c[1]), uint8(c[2]), 255
		}
		m = n
	}
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	out.Write(b.Bytes()[:33])
	for i := 0; i < len(chunks); i += 2 {
		pngChunk(&out, chunks[i].(string), chunks[i+1].([]byte))
	}
	out.Write(b.Bytes()[33:])
	return out.Bytes()
}

// u32s is the numbers as PNG writes them (4 bytes, big-endian, each).
func u32s(v ...uint32) []byte {
	var b []byte
	for _, x := range v {
		b = binary.BigEndian.AppendUint32(b, x)
	}
	return b
}

// A PNG whose gAMA and cHRM chunks say what its numbers mean (as Photoshop's Save
// for Web and many converters write them) is shown by browsers through them; the
// numbers come out in sRGB, as an ICC profile's do: Adobe RGB primaries with a 2.2
// gamma, checked against the published D65 matrices, and sRGB's primaries with a
// pure 2.2 gamma (darker shadows than sRGB's curve). An sRGB chunk, or gAMA
// without cHRM (which browsers ignore), changes nothing.
func TestPNGGammaAndChromaticitiesAreConvertedToSRGB(t *testing.T) {
	adobeCHRM := u32s(31270, 32900, 64000, 33000, 21000, 71000, 15000, 6000)
	srgbCHRM := u32s(31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000)
	gamma22 := func(v float64) float64 { return math.Pow(v, 1/0.45455) }
	srgbToXYZ := [3][3]float64{{0.4124564, 0.3575761, 0.1804375}, {0.2126729, 0.7151522, 0.0721750}, {0.0193339, 0.1191920, 0.9503041}}
	for _, c := range [][3]int{{0, 255, 0}, {200, 120, 60}, {40, 90, 160}, {12, 12, 12}} {
		for name, tc := range map[string]struct {
			data []byte
			want [3]int
		}{
			"Adobe RGB primaries, gamma 2.2": {chromaPNG(t, c, false, "gAMA", u32s(45455), "cHRM", adobeCHRM), toSRGB8(adobeToXYZ, gamma22, c)},
			"sRGB primaries, gamma 2.2":      {chromaPNG(t, c, false, "cHRM", srgbCHRM, "gAMA", u32s(45455)), toSRGB8(srgbToXYZ, gamma22, c)},
			"an sRGB chunk first":            {chromaPNG(t, c, false, "sRGB", []byte{0}, "gAMA", u32s(45455), "cHRM", adobeCHRM), c},
			"gAMA alone":                     {chromaPNG(t, c, false, "gAMA", u32s(100000)), c},
			"a white point of y = 0":         {chromaPNG(t, c, false, "gAMA", u32s(45455), "cHRM", u32s(31270, 0, 64000, 33000, 21000, 71000, 15000, 6000)), c},
		} {
			got, stored := storedColour(t, tc.data)
			for i, g := range got {
				if !near(g, tc.want, 1) {
					t.Errorf("%s %v, file %d: %v, want %v", name, c, i, g, tc.want)
				}
			}
			if bytes.Contains(stored, []byte("gAMA")) || bytes.Contains(stored, []byte("cHRM")) {
				t.Errorf("%s: the chunks are still in the stored file", name)
			}
		}
	}
	// A grey PNG with a linear gamma: mid-grey's light is sRGB's 188.
	got, _ := storedColour(t, chromaPNG(t, [3]int{128, 128, 128}, true, "gAMA", u32s(100000), "cHRM", srgbCHRM))
	if want := toSRGB8(srgbToXYZ, func(v float64) float64 { return v }, [3]int{128, 128, 128}); !near(got[0], want, 1) {
		t.Errorf("grey, linear: %v, want %v", got[0], want)
	}
}

// pngChunkData is the data of the first chunk of the type in a PNG, and whether
// there is one.
func pngChunkData(data []byte, typ string) ([]byte, bool) {
	for i := 8; i+12 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[i:]))
		if i+12+n > len(data) {
			break
		}
		if string(data[i+4:i+8]) == typ {
			return data[i+8 : i+8+n], true
		}
		i += 12 + n
	}
	return nil, false
}

// A PNG with a cICP chunk (Display P3 here, or an HDR picture's PQ) is shown by
// browsers that read it through that chunk, before any profile or gAMA: its numbers
// are kept, and the chunk is in the stored file and every variant (with the ICC
// profile, kept too, for browsers that do not read cICP), not dropped.
func TestPNGCICPIsKept(t *testing.T) {
	c := [3]int{234, 51, 35}
	p3 := iccProfile("RGB ", displayP3, paraSRGB(), "Display P3", nil)
	for name, data := range map[string][]byte{
		"cICP alone":         chromaPNG(t, c, false, "cICP", []byte{12, 13, 0, 1}),
		"cICP and a profile": chromaPNG(t, c, false, "cICP", []byte{12, 13, 0, 1}, "iCCP", iccpChunk(p3)),
		"cICP and gAMA":      chromaPNG(t, c, false, "cICP", []byte{12, 13, 0, 1}, "gAMA", u32s(45455), "cHRM", u32s(31270, 32900, 64000, 33000, 21000, 71000, 15000, 6000)),
	} {
		dir := Dir(t.TempDir())
		im, err := Process(t.Context(), dir, bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(im.Variants) == 0 {
			t.Fatalf("%s: no variants", name)
		}
		for _, file := range append([]string{im.Name}, variantNames(im)...) {
			f, _ := dir.Open(file)
			var raw bytes.Buffer
			raw.ReadFrom(f)
			f.Close()
			if got, ok := pngChunkData(raw.Bytes(), "cICP"); !ok || !bytes.Equal(got, []byte{12, 13, 0, 1}) {
				t.Errorf("%s, %s: cICP %v, %v", name, file, got, ok)
			}
			if _, ok := pngChunkData(raw.Bytes(), "iCCP"); ok != strings.Contains(name, "profile") {
				t.Errorf("%s, %s: iCCP there: %v", name, file, ok)
			}
			m := decodeStored(t, dir, file)
			if got := rgb8(m.At(m.Bounds().Dx()/2, m.Bounds().Dy()/2)); got != c {
				t.Errorf("%s, %s: %v, want the numbers kept, %v", name, file, got, c)
			}
		}
	}
}
