package media

import (
	"bytes"
	"compress/lzw"
	"compress/zlib"
	"encoding/binary"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The worst cases of each format at the limits, processed whole (inspected, decoded,
// encoded again, variants made and stored): the largest file of each kind the
// budgets accept, of the content that costs most. Each reports, beside ns/op (wall
// time, which other processes lengthen), cpu-ns/op (the CPU time of the process, the
// garbage collector's included, on Linux) and est-ns/op (the estimate the budget compared with MaxImageWork): cpu-ns/op must
// stay below est-ns/op. Run with
//
//	go test -run '^$' -bench WorstCase -benchtime 1x ./internal/media/
func BenchmarkWorstCase(b *testing.B) {
	grey := []jpegComp{{1, 1, 1}}
	comps444 := []jpegComp{{1, 1, 1}, {2, 1, 1}, {3, 1, 1}}
	for _, bc := range []struct {
		name string
		data func(testing.TB) []byte
	}{
		// JPEG: the largest ordinary photo, and the most scans the budget lets
		// through of each kind, over the largest image the memory budget allows.
		{"JPEG/photo 50MP 4:2:0", func(tb testing.TB) []byte { return photoQ(tb, 8660, 5770, 85) }},
		// The same photo turned by its orientation and in Display P3: a phone's.
		{"JPEG/photo 50MP 4:2:0 turned, Display P3", func(tb testing.TB) []byte {
			return withSegments(photoQ(tb, 8660, 5770, 85), append([][]byte{exifSegment(6, false)},
				iccSegments(iccProfile("RGB ", displayP3, paraSRGB(), "Display P3", nil), 1)...)...)
		}},
		{"JPEG/progressive AC refinement scans", func(testing.TB) []byte {
			return fit(func(n int) []byte {
				return buildScansJPEG(6000, 6000, grey, true, 0, repeatScan(n, jpegScan{comps: []int{0}, ss: 1, se: 63, ah: 1}))
			})
		}},
		{"JPEG/progressive AC first scans", func(testing.TB) []byte {
			return fit(func(n int) []byte {
				return buildScansJPEG(6000, 6000, grey, true, 0, repeatScan(n, jpegScan{comps: []int{0}, ss: 1, se: 63}))
			})
		}},
		{"JPEG/progressive DC refinement scans 4:4:4", func(testing.TB) []byte {
			return fit(func(n int) []byte {
				return buildScansJPEG(3500, 3500, comps444, true, 0, repeatScan(n, jpegScan{comps: []int{0, 1, 2}, ah: 1}))
			})
		}},
		{"JPEG/baseline repeated scans 50MP 4:4:4", func(testing.TB) []byte {
			return fit(func(n int) []byte {
				scans := make([]jpegScan, n)
				for i := range scans {
					scans[i] = jpegScan{comps: []int{0, 1, 2}, se: 63}
				}
				return buildScansJPEG(8660, 5770, comps444, false, 0, scans)
			})
		}},
		{"JPEG/refused: 1,000 progressive scans", func(testing.TB) []byte {
			return buildScansJPEG(6000, 6000, grey, true, 0, repeatScan(1000, jpegScan{comps: []int{0}, ss: 1, se: 63}))
		}},
		// PNG: flat, and random of four values (which encoders take longest over)
		// filling the file, in 8 and 16 bits.
		{"PNG/RGBA flat", func(testing.TB) []byte {
			return fitSide(func(w, h int) []byte { return buildPNG(w, h, 8, 6, false, nil) })
		}},
		{"PNG/RGBA interlaced flat", func(testing.TB) []byte {
			return fitSide(func(w, h int) []byte { return buildPNG(w, h, 8, 6, true, nil) })
		}},
		{"PNG/RGBA random of 4 values", func(testing.TB) []byte {
			return fitSide(func(w, h int) []byte { return randomPNG(w, h, 8, 6, 4) })
		}},
		{"PNG/RGBA64 random of 4 values", func(testing.TB) []byte {
			return fitSide(func(w, h int) []byte { return randomPNG(w, h, 16, 6, 4) })
		}},
		{"PNG/grey random of 4 values", func(testing.TB) []byte {
			return fitSide(func(w, h int) []byte { return randomPNG(w, h, 8, 0, 4) })
		}},
		{"PNG/15 MB of small chunks", func(testing.TB) []byte {
			one := buildPNG(1000, 1000, 8, 2, false, nil)
			var b bytes.Buffer
			b.Write(one[:33]) // signature and IHDR
			for b.Len() < MaxBytes-len(one) {
				pngChunk(&b, "tEXt", []byte("a\x00"))
			}
			b.Write(one[33:])
			return b.Bytes()
		}},
		// GIF: the most frames of the largest size, and LZW strings that cluster in
		// compress/lzw's hash table, filling the file.
		{"GIF/1000 frames", func(testing.TB) []byte {
			return fitSide(func(w, h int) []byte { return buildGIF(w, h, sameFrames(MaxFrames, w, h)) })
		}},
		{"GIF/clustering LZW strings", func(testing.TB) []byte { return clusteringGIF(1000, 1000) }},
		{"GIF/1000 frames of a pixel", func(testing.TB) []byte { return buildGIF(100, 100, sameFrames(MaxFrames, 1, 1)) }},
		{"GIF/15 MB of LZW clear codes", func(testing.TB) []byte { return clearCodesGIF(MaxBytes * 250 / 256) }},
		// WebP: lossless with all four transforms; lossy noise from cwebp, when
		// installed.
		{"WebP/lossless, four transforms", func(testing.TB) []byte {
			return fitSide(func(w, h int) []byte { return webpTransformed(w, h, 13) })
		}},
		{"WebP/lossy noise", func(tb testing.TB) []byte { return cwebp(tb, 3600, 3600, "100", false) }},
		{"WebP/lossy noise with alpha", func(tb testing.TB) []byte { return cwebp(tb, 2800, 2800, "90", true) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			data := bc.data(b)
			p, err := inspect(data)
			if err != nil {
				p = &plan{} // refused from its headers: what refusing costs
			}
			dir := Dir(b.TempDir())
			var cpu int64
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				start := processCPU()
				im, err := Process(b.Context(), dir, bytes.NewReader(data))
				cpu += processCPU() - start
				if err != nil {
					b.Logf("%d bytes: %v", len(data), err)
					continue
				}
				dir.Remove(im.Name)
				for _, v := range im.Variants {
					dir.Remove(v.Name)
				}
			}
			b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(p.work), "est-ns/op")
			b.Logf("%d × %d, %d bytes, %d scans, %d frames: estimated %.2f s", p.width, p.height, len(data), p.scans, p.frames, float64(p.work)/1e9)
		})
	}
}

// fit is build(n) for the largest n whose work is within MaxImageWork (and whose
// memory and scans are within theirs).
func fit(build func(n int) []byte) []byte {
	ok := func(n int) bool {
		p, err := inspect(build(n))
		return err == nil && p.cost <= MaxImageMemory && p.work <= MaxImageWork
	}
	lo, hi := 1, MaxScans+1 // ok(lo), !ok(hi)
	for hi-lo > 1 {
		if mid := (lo + hi) / 2; ok(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return build(lo)
}

// fitSide is build(w, h) for the largest image of sides 3:2 (or a square, when
// that is larger) within every limit, and within MaxBytes.
func fitSide(build func(w, h int) []byte) []byte {
	ok := func(w int) bool {
		data := build(w, w*2/3)
		p, err := inspect(data)
		return len(data) <= MaxBytes && err == nil && p.cost <= MaxImageMemory && p.work <= MaxImageWork
	}
	lo, hi := 16, MaxSide // ok(lo), !ok(hi)
	for hi-lo > 16 {
		if mid := (lo + hi) / 2; ok(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return build(lo, lo*2/3)
}

// randomPNG is a PNG (as buildPNG's) of random bytes of the values 0 to n-1, whose
// rows are unfiltered.
func randomPNG(w, h, depth, ctype, n int) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = byte(depth), byte(ctype)
	pngChunk(&b, "IHDR", ihdr)
	channels := map[int]int{0: 1, 2: 3, 4: 2, 6: 4}[ctype]
	row := make([]byte, 1+(w*channels*depth+7)/8)
	rng := rand.New(rand.NewPCG(1, 2))
	var idat bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&idat, zlib.BestSpeed)
	for range h {
		for i := 1; i < len(row); i++ {
			row[i] = byte(rng.IntN(n))
		}
		zw.Write(row)
	}
	zw.Close()
	pngChunk(&b, "IDAT", idat.Bytes())
	pngChunk(&b, "IEND", nil)
	return b.Bytes()
}

// clusteringGIF is a GIF of w × h frames, as many as MaxBytes holds, whose pixels
// alternate between a value of 0, 64, 128 or 192 and any value: compress/lzw's
// writer keys its hash table by (code, next byte), and the strings of those four
// codes all hash into the same 256 slots, which it then probes linearly.
func clusteringGIF(w, h int) []byte {
	rng := rand.New(rand.NewPCG(3, 4))
	pix := make([]byte, w*h)
	for i := range pix {
		if i%2 == 0 {
			pix[i] = byte(64 * rng.IntN(4))
		} else {
			pix[i] = byte(rng.Uint32())
		}
	}
	var packed bytes.Buffer
	lw := lzw.NewWriter(&packed, lzw.LSB, 8)
	lw.Write(pix)
	lw.Close()
	var frame bytes.Buffer // a graphic control extension, an image descriptor, the LZW data
	frame.Write([]byte{0x21, 0xF9, 4, 0, 10, 0, 0, 0, 0x2C, 0, 0, 0, 0})
	binary.Write(&frame, binary.LittleEndian, [2]uint16{uint16(w), uint16(h)})
	frame.Write([]byte{0, 8})
	for p := packed.Bytes(); len(p) > 0; {
		k := min(len(p), 255)
		frame.WriteByte(byte(k))
		frame.Write(p[:k])
		p = p[k:]
	}
	frame.WriteByte(0)
	var b bytes.Buffer
	b.WriteString("GIF89a")
	binary.Write(&b, binary.LittleEndian, [2]uint16{uint16(w), uint16(h)})
	b.Write([]byte{0xF7, 0, 0})
	b.Write(make([]byte, 3*256))
	for n := 0; n < MaxFrames && b.Len()+frame.Len()+1 <= MaxBytes; n++ {
		b.Write(frame.Bytes())
	}
	b.WriteByte(0x3B)
	return b.Bytes()
}

// clearCodesGIF is a GIF of one pixel whose LZW data is n bytes, nearly all clear
// codes: each resets the decoder's table and outputs nothing.
func clearCodesGIF(n int) []byte {
	var bits []byte
	var acc uint32
	var nacc uint
	code := func(c uint32) { // 9 bits, least significant first
		acc |= c << nacc
		for nacc += 9; nacc >= 8; nacc -= 8 {
			bits = append(bits, byte(acc))
			acc >>= 8
		}
	}
	for len(bits) < n {
		code(256) // clear
	}
	code(0)   // the pixel
	code(257) // end of information
	if nacc > 0 {
		bits = append(bits, byte(acc))
	}
	var b bytes.Buffer
	b.WriteString("GIF89a")
	binary.Write(&b, binary.LittleEndian, [2]uint16{1, 1})
	b.Write([]byte{0xF7, 0, 0})
	b.Write(make([]byte, 3*256))
	b.Write([]byte{0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 8})
	for p := bits; len(p) > 0; {
		k := min(len(p), 255)
		b.WriteByte(byte(k))
		b.Write(p[:k])
		p = p[k:]
	}
	b.Write([]byte{0, 0x3B})
	return b.Bytes()
}

// cwebp is a w × h WebP of noise encoded by libwebp's cwebp at quality q (with a
// varying alpha channel when alpha), or skips the benchmark when cwebp is not
// installed.
func cwebp(tb testing.TB, w, h int, q string, alpha bool) []byte {
	if _, err := exec.LookPath("cwebp"); err != nil {
		tb.Skip("cwebp is not installed")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range m.Pix {
		m.Pix[i] = byte(rng.Uint32())
		if i%4 == 3 && !alpha {
			m.Pix[i] = 255
		}
	}
	dir := tb.TempDir()
	in, out := filepath.Join(dir, "in.png"), filepath.Join(dir, "out.webp")
	f, err := os.Create(in)
	if err != nil {
		tb.Fatal(err)
	}
	(&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(f, m)
	f.Close()
	if msg, err := exec.Command("cwebp", "-quiet", "-q", q, in, "-o", out).CombinedOutput(); err != nil {
		tb.Fatalf("cwebp: %v %s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}
