package media

// Builders of real image files for the tests, made without allocating their decoded
// size: a GIF's frames are one small LZW block written again and again, a PNG's rows
// are streamed through compress/zlib, a JPEG's blocks are all-zero coefficients (two
// bits each), and a lossless WebP codes every pixel with zero bits.

import (
	"bytes"
	"compress/lzw"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"io"
)

// gifFrame is one image descriptor of a built GIF.
type gifFrame struct {
	x, y, w, h  int
	lct         bool // its own 256-colour table
	interlaced  bool
	transparent bool // a graphic control extension naming a transparent index
}

// lzwZeros is the GIF image data (LZW, 8-bit literals, in sub-blocks with their
// terminator) of n zero pixels.
func lzwZeros(n int) []byte {
	var packed bytes.Buffer
	lw := lzw.NewWriter(&packed, lzw.LSB, 8)
	zero := make([]byte, 64<<10)
	for n > 0 {
		k := min(n, len(zero))
		lw.Write(zero[:k])
		n -= k
	}
	lw.Close()
	var out bytes.Buffer
	b := packed.Bytes()
	for len(b) > 0 {
		k := min(len(b), 255)
		out.WriteByte(byte(k))
		out.Write(b[:k])
		b = b[k:]
	}
	out.WriteByte(0)
	return out.Bytes()
}

// buildGIF is an animated GIF of a sw × sh screen with a 256-colour global table and
// the frames given, every pixel index 0.
func buildGIF(sw, sh int, frames []gifFrame) []byte {
	var b bytes.Buffer
	b.WriteString("GIF89a")
	binary.Write(&b, binary.LittleEndian, [2]uint16{uint16(sw), uint16(sh)})
	b.Write([]byte{0xF7, 0, 0})
	table := make([]byte, 3*256)
	for i := range 256 {
		table[3*i], table[3*i+1], table[3*i+2] = byte(i), byte(i), byte(255-i)
	}
	b.Write(table)
	if len(frames) > 1 {
		b.Write([]byte{0x21, 0xFF, 11})
		b.WriteString("NETSCAPE2.0")
		b.Write([]byte{3, 1, 0, 0, 0})
	}
	data := map[int][]byte{}
	for _, f := range frames {
		flags := byte(0)
		if f.transparent {
			flags = 1
		}
		b.Write([]byte{0x21, 0xF9, 4, flags, 10, 0, 7, 0})
		b.WriteByte(0x2C)
		binary.Write(&b, binary.LittleEndian, [4]uint16{uint16(f.x), uint16(f.y), uint16(f.w), uint16(f.h)})
		fields := byte(0)
		if f.lct {
			fields |= 0x87
		}
		if f.interlaced {
			fields |= 0x40
		}
		b.WriteByte(fields)
		if f.lct {
			b.Write(table)
		}
		b.WriteByte(8)
		n := f.w * f.h
		if data[n] == nil {
			data[n] = lzwZeros(n)
		}
		b.Write(data[n])
	}
	b.WriteByte(0x3B)
	return b.Bytes()
}

// sameFrames is n frames covering a w × h screen.
func sameFrames(n, w, h int) []gifFrame {
	fs := make([]gifFrame, n)
	for i := range fs {
		fs[i] = gifFrame{w: w, h: h}
	}
	return fs
}

func pngChunk(b *bytes.Buffer, typ string, data []byte) {
	binary.Write(b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	c := crc32.NewIEEE()
	c.Write([]byte(typ))
	c.Write(data)
	binary.Write(b, binary.BigEndian, c.Sum32())
}

// Adam7's passes: x offset, y offset, x step, y step.
var adam7 = [7][4]int{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}}

// buildPNG is a w × h PNG of the bit depth and colour type (PNG's numbers: 0 grey,
// 2 truecolour, 3 palette, 4 grey+alpha, 6 truecolour+alpha) whose rows are all
// zero, streamed through zlib; extra chunks go before IDAT.
func buildPNG(w, h, depth, ctype int, interlaced bool, extra map[string][]byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = byte(depth), byte(ctype)
	if interlaced {
		ihdr[12] = 1
	}
	pngChunk(&b, "IHDR", ihdr)
	if ctype == 3 {
		pngChunk(&b, "PLTE", make([]byte, 3*256))
	}
	for _, typ := range []string{"tRNS", "tEXt"} {
		if data, ok := extra[typ]; ok {
			pngChunk(&b, typ, data)
		}
	}
	channels := map[int]int{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
	rowBytes := func(pw int) int { return 1 + (pw*channels*depth+7)/8 }
	var idat bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&idat, zlib.BestSpeed)
	row := make([]byte, rowBytes(w))
	passes := [][4]int{{0, 0, 1, 1}}
	if interlaced {
		passes = adam7[:]
	}
	for _, p := range passes {
		pw, ph := (w-p[0]+p[2]-1)/p[2], (h-p[1]+p[3]-1)/p[3]
		if pw <= 0 || ph <= 0 {
			continue
		}
		for range ph {
			zw.Write(row[:rowBytes(pw)])
		}
	}
	zw.Close()
	pngChunk(&b, "IDAT", idat.Bytes())
	pngChunk(&b, "IEND", nil)
	return b.Bytes()
}

// jpegComp is a JPEG component: its identifier and sampling factors.
type jpegComp struct{ id, h, v byte }

var (
	compsGray = []jpegComp{{1, 1, 1}}
	comps420  = []jpegComp{{1, 2, 2}, {2, 1, 1}, {3, 1, 1}}
	compsCMYK = []jpegComp{{'C', 1, 1}, {'M', 1, 1}, {'Y', 1, 1}, {'K', 1, 1}}
)

// buildJPEG is a valid w × h JPEG, baseline or progressive, whose coefficients are
// all zero (a flat grey), coded with one-symbol Huffman tables: each block costs two
// bits. adobe ≥ 0 adds an Adobe APP14 segment with that colour transform.
func buildJPEG(w, h int, comps []jpegComp, progressive bool, adobe int) []byte {
	var b bytes.Buffer
	seg := func(marker byte, data []byte) {
		b.Write([]byte{0xFF, marker})
		binary.Write(&b, binary.BigEndian, uint16(len(data)+2))
		b.Write(data)
	}
	b.Write([]byte{0xFF, 0xD8})
	if adobe >= 0 {
		seg(0xEE, append([]byte("Adobe"), 0, 100, 0, 0, 0, 0, byte(adobe)))
	}
	seg(0xDB, append([]byte{0}, bytes.Repeat([]byte{1}, 64)...))
	sof := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), byte(len(comps))}
	for _, c := range comps {
		sof = append(sof, c.id, c.h<<4|c.v, 0)
	}
	if progressive {
		seg(0xC2, sof)
	} else {
		seg(0xC0, sof)
	}
	oneCode := func(class, symbol byte) []byte {
		d := []byte{class << 4, 1}
		d = append(d, make([]byte, 15)...)
		return append(d, symbol)
	}
	seg(0xC4, oneCode(0, 0)) // DC: difference category 0
	seg(0xC4, oneCode(1, 0)) // AC: end of block
	hmax, vmax := 1, 1
	for _, c := range comps {
		hmax, vmax = max(hmax, int(c.h)), max(vmax, int(c.v))
	}
	blocks := 0
	mxx, myy := (w+8*hmax-1)/(8*hmax), (h+8*vmax-1)/(8*vmax)
	for _, c := range comps {
		blocks += mxx * myy * int(c.h) * int(c.v)
	}
	zeros := func(bits int) { b.Write(make([]byte, bits/8+16)) }
	scan := func(cs []jpegComp, ss, se byte) {
		d := []byte{byte(len(cs))}
		for _, c := range cs {
			d = append(d, c.id, 0)
		}
		seg(0xDA, append(d, ss, se, 0))
	}
	if !progressive {
		scan(comps, 0, 63)
		zeros(2 * blocks)
	} else {
		scan(comps, 0, 0)
		zeros(blocks)
		for _, c := range comps {
			scan([]jpegComp{c}, 1, 63)
			zeros(blocks)
		}
	}
	b.Write([]byte{0xFF, 0xD9})
	return b.Bytes()
}

// bitWriter writes VP8L's least-significant-bit-first bit stream.
type bitWriter struct {
	out  []byte
	bits uint64
	n    uint
}

func (bw *bitWriter) write(v uint64, n uint) {
	bw.bits |= v << bw.n
	bw.n += n
	for bw.n >= 8 {
		bw.out = append(bw.out, byte(bw.bits))
		bw.bits >>= 8
		bw.n -= 8
	}
}

func (bw *bitWriter) bytes() []byte {
	if bw.n > 0 {
		bw.out = append(bw.out, byte(bw.bits))
	}
	return bw.out
}

// vp8lFlat is a VP8L image stream (without the 5-byte header when bare) of black
// pixels of that alpha: every Huffman code has one symbol, so every pixel costs no
// bits at all.
func vp8lFlat(w, h int, alpha byte, bare bool) []byte {
	var bw bitWriter
	if !bare {
		bw.write(0x2f, 8)
		bw.write(uint64(w-1), 14)
		bw.write(uint64(h-1), 14)
		bw.write(1, 1) // alpha is used
		bw.write(0, 3) // version
	}
	bw.write(0, 1)                                            // no transform
	bw.write(0, 1)                                            // no colour cache
	bw.write(0, 1)                                            // no meta Huffman image
	for _, sym := range []uint64{0, 0, 0, uint64(alpha), 0} { // green, red, blue, alpha, distance
		bw.write(1, 1) // simple code
		bw.write(0, 1) // one symbol
		bw.write(1, 1) // of 8 bits
		bw.write(sym, 8)
	}
	return bw.bytes()
}

func riffChunk(b *bytes.Buffer, typ string, data []byte) {
	b.WriteString(typ)
	binary.Write(b, binary.LittleEndian, uint32(len(data)))
	b.Write(data)
	if len(data)%2 == 1 {
		b.WriteByte(0)
	}
}

func riff(chunks func(b *bytes.Buffer)) []byte {
	var body bytes.Buffer
	body.WriteString("WEBP")
	chunks(&body)
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(body.Len()))
	io.Copy(&b, &body)
	return b.Bytes()
}

// webpLossless is a valid lossless WebP of w × h black pixels of that alpha, a few
// dozen bytes long.
func webpLossless(w, h int, alpha byte) []byte {
	return riff(func(b *bytes.Buffer) { riffChunk(b, "VP8L", vp8lFlat(w, h, alpha, false)) })
}

// webpLossyWithAlpha is an extended WebP of w × h with an alpha channel coded
// losslessly (valid) and a lossy frame whose header claims w × h and whose data is
// cut short: what a decoder allocates before it notices.
func webpLossyWithAlpha(w, h int) []byte {
	return riff(func(b *bytes.Buffer) {
		x := make([]byte, 10)
		x[0] = 1 << 4 // alpha
		x[4], x[5], x[6] = byte(w-1), byte((w-1)>>8), byte((w-1)>>16)
		x[7], x[8], x[9] = byte(h-1), byte((h-1)>>8), byte((h-1)>>16)
		riffChunk(b, "VP8X", x)
		riffChunk(b, "ALPH", append([]byte{1}, vp8lFlat(w, h, 255, true)...))
		frame := []byte{0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, byte(w), byte(w >> 8), byte(h), byte(h >> 8)}
		riffChunk(b, "VP8 ", append(frame, make([]byte, 64)...))
	})
}

// jpegScan is one scan of a built JPEG: the components it codes (indices into the
// frame's), its spectral selection and successive approximation (ITU T.81, B.2.3).
type jpegScan struct {
	comps          []int
	ss, se, ah, al byte
}

// progression is libjpeg's default script for a three-component progressive JPEG
// (jcparam.c, jpeg_simple_progression): 10 scans, the first of them interleaved.
var progression = []jpegScan{
	{comps: []int{0, 1, 2}, al: 1},
	{comps: []int{0}, ss: 1, se: 5, al: 2},
	{comps: []int{2}, ss: 1, se: 63, al: 1},
	{comps: []int{1}, ss: 1, se: 63, al: 1},
	{comps: []int{0}, ss: 6, se: 63, al: 2},
	{comps: []int{0}, ss: 1, se: 63, ah: 2, al: 1},
	{comps: []int{0, 1, 2}, ah: 1},
	{comps: []int{2}, ss: 1, se: 63, ah: 1},
	{comps: []int{1}, ss: 1, se: 63, ah: 1},
	{comps: []int{0}, ss: 1, se: 63, ah: 1},
}

// repeatScan is a first DC scan of component 0, then n times s: the file of a JPEG
// "saved in n passes".
func repeatScan(n int, s jpegScan) []jpegScan {
	scans := []jpegScan{{comps: []int{0}, al: 1}}
	for range n {
		scans = append(scans, s)
	}
	return scans
}

// jpegBits writes entropy-coded data: bits most significant first, a 0xFF byte
// followed by a stuffed 0x00 (T.81, F.1.2.3), padded with ones.
type jpegBits struct {
	out bytes.Buffer
	acc byte
	n   uint
}

func (w *jpegBits) write(v uint32, n uint) {
	for n > 0 {
		n--
		w.acc = w.acc<<1 | byte(v>>n)&1
		if w.n++; w.n == 8 {
			w.out.WriteByte(w.acc)
			if w.acc == 0xFF {
				w.out.WriteByte(0)
			}
			w.acc, w.n = 0, 0
		}
	}
}

func (w *jpegBits) pad() {
	for w.n != 0 {
		w.write(1, 1)
	}
}

// buildScansJPEG is a valid w × h JPEG (progressive or baseline) of the scans given,
// and a restart marker every restart MCUs when restart > 0, whose coefficients all
// stay zero, coded in the fewest bits image/jpeg accepts: one-symbol Huffman tables
// (1-bit codes), a bit for each DC difference or refinement, and the AC bands of
// 32,767 blocks at a time skipped by one end-of-band run (T.81, G.1.2.2: 15 bits),
// which the decoder carries from one scan to the next. A scan of AC bands thus
// costs a few bytes, however many blocks the decoder visits for it. The blocks are
// walked as image/jpeg's processSOS walks them.
func buildScansJPEG(w, h int, comps []jpegComp, progressive bool, restart int, scans []jpegScan) []byte {
	var b bytes.Buffer
	seg := func(marker byte, data []byte) {
		b.Write([]byte{0xFF, marker})
		binary.Write(&b, binary.BigEndian, uint16(len(data)+2))
		b.Write(data)
	}
	b.Write([]byte{0xFF, 0xD8})
	seg(0xDB, append([]byte{0}, bytes.Repeat([]byte{1}, 64)...))
	sof := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), byte(len(comps))}
	for _, c := range comps {
		sof = append(sof, c.id, c.h<<4|c.v, 0)
	}
	if progressive {
		seg(0xC2, sof)
	} else {
		seg(0xC0, sof)
	}
	oneCode := func(class, symbol byte) []byte {
		d := []byte{class << 4, 1}
		d = append(d, make([]byte, 15)...)
		return append(d, symbol)
	}
	seg(0xC4, oneCode(0, 0))    // DC: difference category 0
	seg(0xC4, oneCode(1, 0xE0)) // AC: a run of 2^14 + (14 bits) end-of-bands
	if restart > 0 {
		seg(0xDD, []byte{byte(restart >> 8), byte(restart)})
	}
	hv := func(c jpegComp) (int, int) {
		if len(comps) == 1 {
			return 1, 1
		}
		return int(c.h), int(c.v)
	}
	h0, v0 := hv(comps[0])
	mxx, myy := (w+8*h0-1)/(8*h0), (h+8*v0-1)/(8*v0)
	eobRun := 0
	for _, s := range scans {
		d := []byte{byte(len(s.comps))}
		for _, ci := range s.comps {
			d = append(d, comps[ci].id, 0)
		}
		seg(0xDA, append(d, s.ss, s.se, s.ah<<4|s.al))
		var bits jpegBits
		block := func() {
			if s.ss == 0 {
				bits.write(0, 1) // a DC difference of category 0, or a DC refinement bit
			}
			if s.se == 0 {
				return
			}
			if eobRun > 0 {
				eobRun--
				return
			}
			bits.write(0, 1)       // the run's symbol (0xE0)
			bits.write(0x3FFF, 14) // 2^14 + 2^14 - 1 = 32,767 blocks, this one included
			eobRun = 32767 - 1
		}
		mcu, blockCount, rst := 0, 0, 0
		for range myy {
			for range mxx {
				for _, ci := range s.comps {
					hi, vi := hv(comps[ci])
					for range hi * vi {
						if len(s.comps) == 1 {
							q := mxx * hi
							bx, by := blockCount%q, blockCount/q
							blockCount++
							if bx*8 >= w || by*8 >= h {
								continue
							}
						}
						block()
					}
				}
				mcu++
				if restart > 0 && mcu%restart == 0 && mcu < mxx*myy {
					bits.pad()
					bits.out.Write([]byte{0xFF, byte(0xD0 + rst%8)})
					rst++
					eobRun = 0
				}
			}
		}
		bits.pad()
		b.Write(bits.out.Bytes())
	}
	b.Write([]byte{0xFF, 0xD9})
	return b.Bytes()
}

// vp8lSubFlat writes a VP8L sub-image (a transform's data) of one colour: no colour
// cache, then five one-symbol codes (green, red, blue, alpha, distance).
func vp8lSubFlat(bw *bitWriter, syms [5]uint64) {
	bw.write(0, 1) // no colour cache
	for _, sym := range syms {
		bw.write(1, 1)
		bw.write(0, 1)
		bw.write(1, 1)
		bw.write(sym, 8)
	}
}

// webpTransformed is a lossless WebP of w × h with all four transforms VP8L has
// (predictor of that mode and cross-colour over 4 × 4 tiles, subtract-green, a
// 256-colour index), each undone over every pixel by the decoder; the pixels
// themselves cost no bits.
func webpTransformed(w, h int, mode uint64) []byte {
	var bw bitWriter
	bw.write(0x2f, 8)
	bw.write(uint64(w-1), 14)
	bw.write(uint64(h-1), 14)
	bw.write(1, 1)
	bw.write(0, 3)
	// predictor, bits 2
	bw.write(1, 1)
	bw.write(0, 2)
	bw.write(0, 3)
	vp8lSubFlat(&bw, [5]uint64{mode, 0, 0, 0, 0})
	// cross colour, bits 2
	bw.write(1, 1)
	bw.write(1, 2)
	bw.write(0, 3)
	vp8lSubFlat(&bw, [5]uint64{7, 9, 11, 0, 0})
	// subtract green
	bw.write(1, 1)
	bw.write(2, 2)
	// colour indexing, 256 colours
	bw.write(1, 1)
	bw.write(3, 2)
	bw.write(255, 8)
	vp8lSubFlat(&bw, [5]uint64{1, 2, 3, 4, 0})
	bw.write(0, 1) // no more transforms
	bw.write(0, 1) // no colour cache
	bw.write(0, 1) // no meta
	for _, sym := range []uint64{5, 0, 0, 255, 0} {
		bw.write(1, 1)
		bw.write(0, 1)
		bw.write(1, 1)
		bw.write(sym, 8)
	}
	return riff(func(b *bytes.Buffer) { riffChunk(b, "VP8L", bw.bytes()) })
}

// padJPEG is data with comment segments (COM) after its SOI, n bytes in all.
func padJPEG(data []byte, n int) []byte {
	var b bytes.Buffer
	b.Write(data[:2])
	for b.Len()+len(data)-2 < n {
		k := min(65533, n-(b.Len()+len(data)-2)-4)
		if k < 0 {
			break
		}
		b.Write([]byte{0xFF, 0xFE})
		binary.Write(&b, binary.BigEndian, uint16(k+2))
		b.Write(make([]byte, k))
	}
	b.Write(data[2:])
	return b.Bytes()
}
