package media

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"io"
	"math"
)

// A PNG without an ICC profile may still say what its numbers mean: an sRGB chunk
// (they are sRGB), or gAMA and cHRM chunks (the encoding exponent, and the
// chromaticities of the primaries and the white point; PNG 3rd edition, 11.3.2).
// Browsers build a colour space from gAMA and cHRM when both are present and no
// iCCP or sRGB chunk is (Blink's PNG decoder: "cHRM and gAMA tags are both
// present", matching Safari and Firefox; gAMA alone is ignored, a gamma without its
// primaries being a guess). Re-encoding drops the chunks, so the numbers are
// converted to sRGB through the same matrix/TRC model as an ICC profile's (icc.go).
//
// A cICP chunk (PNG 3rd edition, 11.3.2.6: the colour primaries, transfer function,
// matrix and range of ITU-T H.273, such as Display P3 or an HDR picture's BT.2100
// PQ) comes before all of them in browsers that read it (Chrome, Safari). Its
// numbers cannot all be converted to sRGB (an HDR picture has light sRGB lacks):
// they are kept, and the chunk written again in the stored PNG and every variant,
// with the ICC profile if there was one for browsers that do not read cICP.

// pngChroma is what a PNG's gAMA, cHRM and sRGB chunks say, as read (the first of
// each, before IDAT).
type pngChroma struct {
	cicp           []byte // cICP: its 4 bytes
	srgb           bool
	gamma          uint32    // gAMA: the encoding exponent × 100,000; 0 when absent
	chrm           [8]uint32 // cHRM: white x, y, red x, y, green x, y, blue x, y, each × 100,000
	hasGAMA, hasCH bool
}

// read records the chunk typ (c its data) in ch if it is one of them.
func (ch *pngChroma) read(typ string, c []byte) {
	switch {
	case typ == "cICP" && len(c) == 4 && ch.cicp == nil:
		ch.cicp = c
	case typ == "sRGB" && len(c) == 1:
		ch.srgb = true
	case typ == "gAMA" && len(c) == 4 && !ch.hasGAMA:
		ch.gamma, ch.hasGAMA = binary.BigEndian.Uint32(c), true
	case typ == "cHRM" && len(c) == 32 && !ch.hasCH:
		for i := range ch.chrm {
			ch.chrm[i] = binary.BigEndian.Uint32(c[4*i:])
		}
		ch.hasCH = true
	}
}

// d50 is the PCS white (ICC.1:2010, 7.2.16), where srgbColorants are.
var d50 = [3]float64{0.9642, 1, 0.8249}

// bradford is the Bradford cone response matrix (ICC.1:2010, annex E).
var bradford = [3][3]float64{{0.8951, 0.2664, -0.1614}, {-0.7502, 1.7135, 0.0367}, {0.0389, -0.0685, 1.0296}}

// colour is what the chunks make of the picture's colours for an image of
// components (1 grey, 3 RGB): colourConvert from gAMA and cHRM, or colourNone when
// they are absent, incomplete, overridden by an sRGB chunk or out of range (libpng
// drops such chunks, and browsers then show the numbers as sRGB).
func (ch *pngChroma) colour(components int) colour {
	if ch.srgb || !ch.hasGAMA || !ch.hasCH || ch.gamma == 0 || ch.gamma > 10_000_000 {
		return colour{}
	}
	xy := func(i int) (float64, float64) {
		return float64(ch.chrm[2*i]) / 100000, float64(ch.chrm[2*i+1]) / 100000
	}
	xyz := func(x, y float64) ([3]float64, bool) {
		if !(y > 0) || x < 0 || x+y > 1 {
			return [3]float64{}, false
		}
		return [3]float64{x / y, 1, (1 - x - y) / y}, true
	}
	var prim [3][3]float64 // columns: the primaries' XYZ at Y = 1
	for k := range 3 {
		v, ok := xyz(xy(k + 1))
		if !ok {
			return colour{}
		}
		for j := range 3 {
			prim[j][k] = v[j]
		}
	}
	white, ok := xyz(xy(0))
	inv, ok2 := invert(prim)
	if !ok || !ok2 {
		return colour{}
	}
	// Scale the primaries so that RGB (1, 1, 1) is the white point, then adapt the
	// white to D50 (Bradford, as ICC profiles' colorants are).
	var toXYZ [3][3]float64
	for k := range 3 {
		s := inv[k][0]*white[0] + inv[k][1]*white[1] + inv[k][2]*white[2]
		if !(s > 0) {
			return colour{}
		}
		for j := range 3 {
			toXYZ[j][k] = prim[j][k] * s
		}
	}
	adapt, ok := adaptation(white, d50)
	srgbInv, _ := invert(srgbColorants)
	if !ok {
		return colour{}
	}
	g := curve{kind: 0, params: [7]float64{100000 / float64(ch.gamma)}}
	c := colour{action: colourConvert, name: "PNG gAMA and cHRM", curves: [3]curve{g, g, g}, matrix: mul(srgbInv, mul(adapt, toXYZ))}
	if components == 1 {
		// Grey numbers are the white point's luminance: only the curve applies.
		c.gray, c.matrix = true, [3][3]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}
	}
	for _, row := range c.matrix {
		for _, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return colour{}
			}
		}
	}
	if c.isSRGB() {
		return colour{}
	}
	return c
}

// adaptation is the Bradford chromatic adaptation from white src to white dst.
func adaptation(src, dst [3]float64) ([3][3]float64, bool) {
	inv, ok := invert(bradford)
	if !ok {
		return [3][3]float64{}, false
	}
	var s, d [3]float64
	for i := range 3 {
		for j := range 3 {
			s[i] += bradford[i][j] * src[j]
			d[i] += bradford[i][j] * dst[j]
		}
		if !(s[i] > 0) {
			return [3][3]float64{}, false
		}
	}
	var scale [3][3]float64
	for i := range 3 {
		scale[i][i] = d[i] / s[i]
	}
	return mul(inv, mul(scale, bradford)), true
}

// withCICP writes what write writes (a PNG) with a cICP chunk of data after IHDR;
// data nil: write itself.
func withCICP(write func(io.Writer) error, data []byte) func(io.Writer) error {
	if data == nil {
		return write
	}
	var chunk bytes.Buffer
	pngChunkTo(&chunk, "cICP", data)
	return func(w io.Writer) error {
		return write(&inserter{w: w, at: 8 + 25, insert: chunk.Bytes()})
	}
}

// pngChunkTo writes a PNG chunk: length, type, data, CRC of type and data.
func pngChunkTo(b *bytes.Buffer, typ string, data []byte) {
	b.Write(binary.BigEndian.AppendUint32(nil, uint32(len(data))))
	b.WriteString(typ)
	b.Write(data)
	b.Write(binary.BigEndian.AppendUint32(nil, crc32.Update(crc32.ChecksumIEEE([]byte(typ)), crc32.IEEETable, data)))
}
