package media

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"slices"
	"strings"
)

// Colour: an image's numbers mean what its embedded ICC profile says, and a browser
// reads the numbers of an image without one as sRGB (CSS Color 4, "untagged images
// are sRGB"). Since re-encoding drops every piece of metadata, the pixels are
// converted to sRGB first, as Ghost (sharp's default) and WordPress 6.x's Imagick
// path do: the web's default, no profile to carry in every variant, and every
// browser, feed reader and e-mail client shows the same colours.
//
// The conversion is the ICC's own matrix/TRC model (ICC.1:2010, F.3), which every
// RGB camera, phone and display profile uses (Display P3, Adobe RGB (1998),
// ProPhoto, sRGB itself) and every grey profile (a single TRC): each channel made
// linear through its tone curve (curv or para), the three made CIE XYZ (D50, the
// PCS) through the profile's colorants, then linear sRGB through the inverse of
// sRGB's own colorants, clipped (relative colorimetric: an out-of-gamut P3 red
// becomes sRGB's reddest, (255, 0, 0)), and encoded with sRGB's curve. It is our
// code rather than a library's: github.com/mandykoh/prism, the Go colour-management
// library, is not served by the module proxy, recognises profiles by their
// description (three known spaces) rather than by their colorants and curves, and
// works a pixel at a time through interfaces; the model is a 3 × 3 matrix and
// three curves, turned here into tables (8- or 16-bit in, 14-bit linear out) so a
// pixel costs a few look-ups.
//
// Profiles of other kinds cannot be converted by this model: an RGB or grey profile
// with lookup tables (A2B0: a printer's or a LUT-based sRGB v4 profile) is kept and
// embedded again in the stored file and every variant (the numbers are unchanged,
// so a browser shows them as before); a CMYK (or Lab, or other) profile on the
// CMYK JPEG it describes is refused, as the stored file is RGB and no CMYK
// conversion here would be faithful. A profile whose colour space does not match
// the image (an RGB profile on a grey JPEG) is ignored, as browsers ignore it.

// Bounds on a profile's structure, beyond its size (maxProfile).
const (
	maxProfileTags = 100   // real profiles have 9 to 30 tags
	maxCurvePoints = 65536 // a sampled curve's points (curv, 16 bits each)
)

// sRGB's colorants in the PCS (D50, Bradford-adapted), as the sRGB IEC61966-2.1
// profile gives them: the columns of linear sRGB → XYZ.
var srgbColorants = [3][3]float64{
	{0.4360747, 0.3850649, 0.1430804},
	{0.2225045, 0.7168786, 0.0606169},
	{0.0139322, 0.0971045, 0.7141733},
}

// colourAction is what is to be done with an image's colours.
type colourAction int

const (
	colourNone    colourAction = iota // no profile, sRGB, or a profile for another kind of image: numbers kept
	colourConvert                     // converted to sRGB by transform
	colourKeep                        // numbers kept, profile embedded again
)

// colour is what readProfile decided for an image.
type colour struct {
	action  colourAction
	gray    bool          // a grey profile (one curve)
	curves  [3]curve      // linearising tone curves (one for grey)
	matrix  [3][3]float64 // linear profile RGB → linear sRGB
	profile []byte        // for colourKeep
	cicp    []byte        // for colourKeep: a PNG's cICP chunk, written again (chroma.go)
	name    string        // the profile's description, for messages
}

// readProfile parses an ICC profile (ICC.1:2010, clause 7) for an image whose
// components are RGB (3), grey (1) or CMYK (4), and decides what to do with it.
func readProfile(profile []byte, components int, format string) (colour, error) {
	if profile == nil {
		return colour{}, nil
	}
	damaged := func(why string) (colour, error) {
		return colour{}, profileError(format, "is damaged ("+why+")")
	}
	if len(profile) < 132 {
		return damaged("it is too short")
	}
	size := int64(binary.BigEndian.Uint32(profile))
	if size < 132 || size > int64(len(profile)) {
		return damaged("its size is wrong")
	}
	p := profile[:size]
	space, pcs := string(p[16:20]), string(p[20:24])
	tags := map[string][]byte{}
	n := int64(binary.BigEndian.Uint32(p[128:]))
	if n > maxProfileTags || 132+12*n > size {
		return damaged(fmt.Sprintf("it claims %d tags", n))
	}
	for k := range n {
		e := p[132+12*k:]
		sig := string(e[:4])
		off, sz := int64(binary.BigEndian.Uint32(e[4:])), int64(binary.BigEndian.Uint32(e[8:]))
		if off < 128 || sz < 8 || off+sz > size {
			return damaged("a tag lies outside it")
		}
		tags[sig] = p[off : off+sz]
	}
	c := colour{name: description(tags["desc"])}
	switch {
	case space == "RGB " && components == 3, space == "GRAY" && components == 1:
	case space == "CMYK" && components == 4, components == 4:
		return colour{}, &Error{fmt.Sprintf("This %s is in CMYK with a print colour profile (%s), which cannot be converted faithfully for the web. Export it as an RGB (sRGB) image and upload it again.",
			format, c.displayName(space))}
	default:
		return colour{}, nil // a profile for another kind of image: ignored, as browsers do
	}
	keep := colour{action: colourKeep, profile: profile[:size], name: c.name}
	if pcs != "XYZ " || tags["A2B0"] != nil || tags["A2B1"] != nil || tags["A2B2"] != nil {
		return keep, nil // lookup tables: kept
	}
	if space == "GRAY" {
		k, ok, err := readCurve(tags["kTRC"])
		if err != nil {
			return damaged(err.Error())
		}
		if !ok {
			return keep, nil
		}
		c.action, c.gray, c.curves[0] = colourConvert, true, k
		c.matrix = [3][3]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}} // grey stays grey: Y in, Y out
		if k.isSRGB() {
			return colour{}, nil
		}
		return c, nil
	}
	var prof [3][3]float64
	for i, tag := range []string{"rXYZ", "gXYZ", "bXYZ"} {
		t := tags[tag]
		if t == nil {
			return keep, nil
		}
		if len(t) < 20 || string(t[:4]) != "XYZ " {
			return damaged("a colorant is malformed")
		}
		for j := range 3 {
			prof[j][i] = s15f16(t[8+4*j:])
		}
	}
	for i, tag := range []string{"rTRC", "gTRC", "bTRC"} {
		k, ok, err := readCurve(tags[tag])
		if err != nil {
			return damaged(err.Error())
		}
		if !ok {
			return keep, nil
		}
		c.curves[i] = k
	}
	inv, ok := invert(srgbColorants)
	if !ok {
		panic("sRGB's colorants are singular")
	}
	c.matrix = mul(inv, prof)
	c.action = colourConvert
	if c.isSRGB() {
		return colour{}, nil // sRGB itself: nothing to convert
	}
	return c, nil
}

func (c *colour) displayName(space string) string {
	if c.name != "" {
		return "“" + c.name + "”"
	}
	return strings.TrimSpace(space)
}

// description reads a desc tag: textDescriptionType (v2) or the first record of
// multiLocalizedUnicodeType (v4), for messages only.
func description(t []byte) string {
	switch {
	case len(t) >= 12 && string(t[:4]) == "desc":
		n := int64(binary.BigEndian.Uint32(t[8:]))
		if n > 0 && 12+n <= int64(len(t)) && n <= 200 {
			return strings.TrimRight(string(t[12:12+n]), "\x00")
		}
	case len(t) >= 28 && string(t[:4]) == "mluc":
		sz, off := int64(binary.BigEndian.Uint32(t[20:])), int64(binary.BigEndian.Uint32(t[24:]))
		if sz <= 400 && off+sz <= int64(len(t)) {
			u := t[off : off+sz]
			r := make([]rune, 0, len(u)/2)
			for i := 0; i+1 < len(u); i += 2 {
				r = append(r, rune(binary.BigEndian.Uint16(u[i:])))
			}
			return strings.ToValidUTF8(string(r), "")
		}
	}
	return ""
}

func s15f16(b []byte) float64 { return float64(int32(binary.BigEndian.Uint32(b))) / 65536 }

// curve is a tone curve: encoded value in [0, 1] → linear in [0, 1].
type curve struct {
	kind   int        // -1 identity, 0 to 4 a parametric function (ICC.1:2010, table 68), 5 sampled
	params [7]float64 // g, a, b, c, d, e, f
	table  []float64  // sampled: evenly spaced points over [0, 1]
}

// readCurve reads a curv or para tag; ok is false when the tag is absent.
func readCurve(t []byte) (curve, bool, error) {
	if t == nil {
		return curve{}, false, nil
	}
	switch string(t[:4]) {
	case "curv":
		if len(t) < 12 {
			return curve{}, false, fmt.Errorf("a tone curve is cut short")
		}
		n := int64(binary.BigEndian.Uint32(t[8:]))
		switch {
		case n == 0:
			return curve{kind: -1}, true, nil
		case n == 1:
			if len(t) < 14 {
				return curve{}, false, fmt.Errorf("a tone curve is cut short")
			}
			g := float64(binary.BigEndian.Uint16(t[12:])) / 256
			return curve{kind: 0, params: [7]float64{g}}, true, nil
		case n > maxCurvePoints || 12+2*n > int64(len(t)):
			return curve{}, false, fmt.Errorf("a tone curve claims %d points", n)
		}
		c := curve{kind: 5, table: make([]float64, n)}
		for i := range c.table {
			c.table[i] = float64(binary.BigEndian.Uint16(t[12+2*i:])) / 65535
		}
		return c, true, nil
	case "para":
		if len(t) < 12 {
			return curve{}, false, fmt.Errorf("a tone curve is cut short")
		}
		fn := int(binary.BigEndian.Uint16(t[8:]))
		count := [5]int{1, 3, 4, 5, 7}
		if fn > 4 || int64(len(t)) < 12+4*int64(count[fn]) {
			return curve{}, false, fmt.Errorf("a tone curve is malformed")
		}
		c := curve{kind: fn}
		for i := range count[fn] {
			c.params[i] = s15f16(t[12+4*i:])
		}
		return c, true, nil
	}
	return curve{}, false, nil // another kind of curve: the profile is kept, not converted
}

func (c *curve) equal(d *curve) bool {
	return c.kind == d.kind && c.params == d.params && slices.Equal(c.table, d.table)
}

// at is the curve's linear value of encoded x in [0, 1], clipped to [0, 1].
func (c *curve) at(x float64) float64 {
	g, a, b, cc, d, e, f := c.params[0], c.params[1], c.params[2], c.params[3], c.params[4], c.params[5], c.params[6]
	pow := func(v float64) float64 {
		if v <= 0 {
			return 0
		}
		return math.Pow(v, g)
	}
	var y float64
	switch c.kind {
	case -1:
		y = x
	case 0:
		y = pow(x)
	case 1:
		if a != 0 && x >= -b/a {
			y = pow(a*x + b)
		}
	case 2:
		y = cc
		if a != 0 && x >= -b/a {
			y = pow(a*x+b) + cc
		}
	case 3:
		y = cc * x
		if x >= d {
			y = pow(a*x + b)
		}
	case 4:
		y = cc*x + f
		if x >= d {
			y = pow(a*x+b) + e
		}
	case 5:
		pos := x * float64(len(c.table)-1)
		i := int(pos)
		if i >= len(c.table)-1 {
			y = c.table[len(c.table)-1]
		} else {
			y = c.table[i] + (pos-float64(i))*(c.table[i+1]-c.table[i])
		}
	}
	if !(y > 0) { // and NaN
		return 0
	}
	return min(y, 1)
}

// srgbDecode and srgbEncode are sRGB's own curve (IEC 61966-2-1).
func srgbDecode(v float64) float64 {
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

func srgbEncode(l float64) float64 {
	if l <= 0.0031308 {
		return 12.92 * l
	}
	return 1.055*math.Pow(l, 1/2.4) - 0.055
}

// isSRGB is whether the curve is sRGB's, within a tenth of an 8-bit step.
func (c *curve) isSRGB() bool {
	for i := range 256 {
		v := float64(i) / 255
		if math.Abs(srgbEncode(c.at(v))-v) > 0.1/255 {
			return false
		}
	}
	return true
}

// isSRGB is whether converting would change no 8-bit value: sRGB's colorants and
// curves.
func (c *colour) isSRGB() bool {
	for i := range 3 {
		for j := range 3 {
			id := 0.0
			if i == j {
				id = 1
			}
			if math.Abs(c.matrix[i][j]-id) > 1e-3 {
				return false
			}
		}
		if !c.curves[i].isSRGB() {
			return false
		}
	}
	return true
}

func mul(a, b [3][3]float64) (m [3][3]float64) {
	for i := range 3 {
		for j := range 3 {
			for k := range 3 {
				m[i][j] += a[i][k] * b[k][j]
			}
		}
	}
	return m
}

func invert(m [3][3]float64) (inv [3][3]float64, ok bool) {
	det := m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) - m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) + m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
	if math.Abs(det) < 1e-12 {
		return inv, false
	}
	for i := range 3 {
		for j := range 3 {
			a, b := (j+1)%3, (j+2)%3
			c, d := (i+1)%3, (i+2)%3
			inv[i][j] = (m[a][c]*m[b][d] - m[a][d]*m[b][c]) / det
		}
	}
	return inv, true
}

// Tables of a conversion.
const encodeSteps = 1 << 14 // linear values are quantised to 14 bits before encoding: a fifth of an 8-bit step at black

// transform is a colour conversion made into tables.
type transform struct {
	gray  bool
	lin8  [3][256]float32    // 8-bit encoded → linear
	lin16 *[3][65536]float32 // 16-bit encoded → linear, made for 16-bit images
	m     [3][3]float32
	enc8  [encodeSteps]uint8 // linear (quantised) → sRGB 8-bit
	enc16 *[encodeSteps]uint16
	gray8 [256]uint8 // a grey profile's 8-bit conversion, whole
	c     *colour
}

// zlibReadCost is what inflating a PNG's profile allocates besides the profile.
const zlibReadCost = 64 << 10

// transformCost is what newTransform and a 16-bit image's tables allocate, at most.
const transformCost = 4<<10 + encodeSteps*3 + 3*65536*4 + 64<<10

func newTransform(c *colour) *transform {
	t := &transform{gray: c.gray, c: c}
	for i := range encodeSteps {
		t.enc8[i] = uint8(math.Round(255 * srgbEncode(float64(i)/(encodeSteps-1))))
	}
	for k := range 3 {
		cv := &c.curves[k]
		if c.gray {
			cv = &c.curves[0]
		}
		for i := range 256 {
			t.lin8[k][i] = float32(cv.at(float64(i) / 255))
		}
		for j := range 3 {
			t.m[k][j] = float32(c.matrix[k][j])
		}
	}
	for i := range 256 {
		t.gray8[i] = t.encode(t.lin8[0][i])
	}
	return t
}

// with16 adds the 16-bit tables.
func (t *transform) with16() {
	if t.lin16 != nil {
		return
	}
	t.lin16, t.enc16 = new([3][65536]float32), new([encodeSteps]uint16)
	for k := range 3 {
		cv := &t.c.curves[k]
		if t.gray {
			cv = &t.c.curves[0]
		}
		if k > 0 && (t.gray || cv.equal(&t.c.curves[k-1])) {
			t.lin16[k] = t.lin16[k-1] // one curve for the three channels, as most profiles have
			continue
		}
		for i := range 65536 {
			t.lin16[k][i] = float32(cv.at(float64(i) / 65535))
		}
	}
	for i := range encodeSteps {
		t.enc16[i] = uint16(math.Round(65535 * srgbEncode(float64(i)/(encodeSteps-1))))
	}
}

func quantise(l float32) int {
	i := int(l*(encodeSteps-1) + 0.5) // tables and matrix are finite: no NaN
	if uint(i) >= encodeSteps {
		if i < 0 {
			return 0
		}
		return encodeSteps - 1
	}
	return i
}

func (t *transform) encode(l float32) uint8 { return t.enc8[quantise(l)] }

// rgb8 converts one 8-bit pixel.
func (t *transform) rgb8(r, g, b uint8) (uint8, uint8, uint8) {
	lr, lg, lb := t.lin8[0][r], t.lin8[1][g], t.lin8[2][b]
	m := &t.m
	return t.enc8[quantise(m[0][0]*lr+m[0][1]*lg+m[0][2]*lb)],
		t.enc8[quantise(m[1][0]*lr+m[1][1]*lg+m[1][2]*lb)],
		t.enc8[quantise(m[2][0]*lr+m[2][1]*lg+m[2][2]*lb)]
}

func (t *transform) rgb16(r, g, b uint16) (uint16, uint16, uint16) {
	lr, lg, lb := t.lin16[0][r], t.lin16[1][g], t.lin16[2][b]
	m := &t.m
	return t.enc16[quantise(m[0][0]*lr+m[0][1]*lg+m[0][2]*lb)],
		t.enc16[quantise(m[1][0]*lr+m[1][1]*lg+m[1][2]*lb)],
		t.enc16[quantise(m[2][0]*lr+m[2][1]*lg+m[2][2]*lb)]
}

// apply converts img's pixels to sRGB in place, and returns the image (a palette's
// colours are converted, a CMYK image is never given). Colours with alpha are
// converted unpremultiplied.
func (t *transform) apply(img image.Image) image.Image {
	switch m := img.(type) {
	case *image.YCbCr:
		t.ycbcr(m)
	case *image.RGBA:
		p := m.Pix
		for i := 0; i+4 <= len(p); i += 4 {
			q := p[i : i+4 : i+4]
			switch a := q[3]; a {
			case 0:
			case 0xff:
				q[0], q[1], q[2] = t.rgb8(q[0], q[1], q[2])
			default:
				un := func(v uint8) uint8 { return uint8(min(255, (uint32(v)*255+uint32(a)/2)/uint32(a))) }
				r, g, b := t.rgb8(un(q[0]), un(q[1]), un(q[2]))
				pre := func(v uint8) uint8 { return uint8((uint32(v)*uint32(a) + 127) / 255) }
				q[0], q[1], q[2] = pre(r), pre(g), pre(b)
			}
		}
	case *image.NRGBA:
		p := m.Pix
		for i := 0; i+4 <= len(p); i += 4 {
			q := p[i : i+4 : i+4]
			q[0], q[1], q[2] = t.rgb8(q[0], q[1], q[2])
		}
	case *image.RGBA64, *image.NRGBA64:
		t.with16()
		var p []byte
		premultiplied := false
		if r, ok := m.(*image.RGBA64); ok {
			p, premultiplied = r.Pix, true
		} else {
			p = m.(*image.NRGBA64).Pix
		}
		for i := 0; i+8 <= len(p); i += 8 {
			q := p[i : i+8 : i+8]
			r, g, b, a := binary.BigEndian.Uint16(q), binary.BigEndian.Uint16(q[2:]), binary.BigEndian.Uint16(q[4:]), binary.BigEndian.Uint16(q[6:])
			if premultiplied {
				if a == 0 {
					continue
				}
				un := func(v uint16) uint16 { return uint16(min(65535, (uint32(v)*65535+uint32(a)/2)/uint32(a))) }
				r, g, b = un(r), un(g), un(b)
			}
			r, g, b = t.rgb16(r, g, b)
			if premultiplied {
				pre := func(v uint16) uint16 { return uint16((uint32(v)*uint32(a) + 32767) / 65535) }
				r, g, b = pre(r), pre(g), pre(b)
			}
			binary.BigEndian.PutUint16(q, r)
			binary.BigEndian.PutUint16(q[2:], g)
			binary.BigEndian.PutUint16(q[4:], b)
		}
	case *image.Gray:
		for i, v := range m.Pix {
			m.Pix[i] = t.gray8[v]
		}
	case *image.Gray16:
		t.with16()
		for i := 0; i+2 <= len(m.Pix); i += 2 {
			l := t.lin16[0][binary.BigEndian.Uint16(m.Pix[i:])]
			binary.BigEndian.PutUint16(m.Pix[i:], t.enc16[quantise(l)])
		}
	case *image.Paletted:
		for i, c := range m.Palette {
			n := color.NRGBAModel.Convert(c).(color.NRGBA)
			if t.gray {
				n.R, n.G, n.B = t.gray8[n.R], t.gray8[n.G], t.gray8[n.B]
			} else {
				n.R, n.G, n.B = t.rgb8(n.R, n.G, n.B)
			}
			m.Palette[i] = n
		}
	}
	return img
}

// ycbcr converts a YCbCr image in its planes: each pixel made RGB with its chroma,
// converted, made YCbCr again; its luma kept, and each chroma sample the mean of the
// pixels it covers (what encoding the converted RGB image with the same subsampling
// would keep).
func (t *transform) ycbcr(m *image.YCbCr) {
	b := m.Rect
	sx, sy := subsampling(m.SubsampleRatio)
	cx0 := b.Min.X / sx
	cw := (b.Max.X+sx-1)/sx - cx0
	sums := make([]int32, 3*cw)
	flush := func(crow int) {
		for k := range cw {
			s := sums[3*k : 3*k+3 : 3*k+3]
			if s[2] == 0 {
				continue
			}
			i := crow*m.CStride + k
			m.Cb[i] = uint8((s[0] + s[2]/2) / s[2])
			m.Cr[i] = uint8((s[1] + s[2]/2) / s[2])
		}
		clear(sums)
	}
	crow := -1
	w := b.Dx()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		if r := y/sy - b.Min.Y/sy; r != crow {
			if crow >= 0 {
				flush(crow)
			}
			crow = r
		}
		ys := m.Y[m.YOffset(b.Min.X, y):][:w]
		cbs, crs := m.Cb[crow*m.CStride:][:cw], m.Cr[crow*m.CStride:][:cw]
		for i := range ys {
			k := (b.Min.X+i)/sx - cx0
			// color.YCbCrToRGB's arithmetic (JFIF), inlined.
			yy1 := int32(ys[i]) * 0x10101
			cb1, cr1 := int32(cbs[k])-128, int32(crs[k])-128
			r := clip8((yy1 + 91881*cr1) >> 16)
			g := clip8((yy1 - 22554*cb1 - 46802*cr1) >> 16)
			bl := clip8((yy1 + 116130*cb1) >> 16)
			if t.gray {
				r, g, bl = t.gray8[r], t.gray8[g], t.gray8[bl]
			} else {
				r, g, bl = t.rgb8(r, g, bl)
			}
			yy, cb, cr := color.RGBToYCbCr(r, g, bl)
			ys[i] = yy
			s := sums[3*k : 3*k+3 : 3*k+3]
			s[0] += int32(cb)
			s[1] += int32(cr)
			s[2]++
		}
	}
	if crow >= 0 {
		flush(crow)
	}
}

func clip8(v int32) uint8 { return uint8(min(max(v, 0), 255)) }

// withProfile writes what write writes with the ICC profile inserted where the
// format keeps it: APP2 segments after a JPEG's SOI, an iCCP chunk after a PNG's
// IHDR. profile nil: write itself.
func withProfile(write func(io.Writer) error, profile []byte, asPNG bool) func(io.Writer) error {
	if profile == nil {
		return write
	}
	var insert bytes.Buffer
	at := 2 // after SOI
	if asPNG {
		at = 8 + 25 // signature, IHDR
		var z bytes.Buffer
		zw, _ := zlib.NewWriterLevel(&z, zlib.BestSpeed)
		zw.Write(profile)
		zw.Close()
		pngChunkTo(&insert, "iCCP", append([]byte("ICC profile\x00\x00"), z.Bytes()...))
	} else {
		const chunk = 65535 - 2 - 14
		count := (len(profile) + chunk - 1) / chunk // at most 65, as maxProfile bounds the profile
		for seq := 1; len(profile) > 0; seq++ {
			k := min(chunk, len(profile))
			insert.Write([]byte{0xFF, 0xE2, byte((k + 16) >> 8), byte(k + 16)})
			insert.WriteString("ICC_PROFILE\x00")
			insert.Write([]byte{byte(seq), byte(count)})
			insert.Write(profile[:k])
			profile = profile[k:]
		}
	}
	return func(w io.Writer) error {
		return write(&inserter{w: w, at: at, insert: insert.Bytes()})
	}
}

// inserter passes bytes through, with insert written once at bytes have passed.
type inserter struct {
	w      io.Writer
	at     int
	insert []byte
	n      int
}

func (s *inserter) Write(p []byte) (int, error) {
	written := 0
	if s.insert != nil && s.n+len(p) >= s.at {
		k := s.at - s.n
		if _, err := s.w.Write(p[:k]); err != nil {
			return 0, err
		}
		if _, err := s.w.Write(s.insert); err != nil {
			return k, err
		}
		s.insert, s.n, written, p = nil, s.at, k, p[k:]
	}
	n, err := s.w.Write(p)
	s.n += n
	return written + n, err
}
