package media

import (
	"fmt"
	"strconv"
	"time"
)

// Work budget of one upload: the CPU time processing it takes, estimated from the same
// headers as its memory (see budget.go) before a pixel is decoded, and refused past
// MaxImageWork. Memory alone does not bound time: a progressive JPEG may code its
// image in any number of scans, and image/jpeg visits every block of a component
// once per scan that codes it, even when the scan spends a few bits on 32,767 blocks
// at once (an end-of-band run, ITU T.81 G.1.2.2); a baseline JPEG may repeat its
// scans too. A 60 KB file of 1,000 such scans over a 6000 × 6000 image takes 12
// seconds to decode (libjpeg-turbo's report "Two Issues with the JPEG Standard",
// LJT-01-003, describes the same loophole in libjpeg). The estimate counts, as the
// decoders and encoders do their work:
//
//   - JPEG: every block each scan visits, at the cost of the scan's kind (a baseline
//     block is decoded and transformed; a progressive one is copied in and out, and
//     a refinement scan walks its band), the bytes of entropy-coded data, and the
//     final transform of a progressive image;
//   - PNG: inflating and unfiltering the rows, converting them to the image;
//   - GIF: each frame's set-up and pixels, the bytes of LZW data;
//   - WebP: pixels and coded bytes of a lossy frame, pixels of a lossless one (with
//     its transforms) and of a losslessly coded alpha plane;
//
// then encoding the result again (JPEG, or PNG at BestSpeed, or every GIF frame) and
// making the srcset variants. Every constant below is an upper bound of what was
// measured on the reference machine (2-core AMD EPYC, Go 1.26, CPU time) over
// ordinary and hostile content alike; BenchmarkWorstCase checks each format's worst
// case against its estimate.
const (
	// MaxImageWork is the most work one upload may take, in nanoseconds of one core
	// of the reference machine: what the largest ordinary photo is estimated to need
	// (a baseline JPEG of MaxPixels in 4:4:4, of MaxBytes: 6.4 seconds) with a
	// little to spare. The real time is below the estimate (the constants are
	// bounds): a 50-megapixel photo takes 3.1 seconds of CPU, and the costliest
	// upload accepted of any format, 4.5 (BenchmarkWorstCase).
	MaxImageWork = int64(8 * time.Second)
	// MaxScans is the most scans a JPEG may have. Encoders write 1 to 3 (baseline)
	// or about 10 (libjpeg's default progression: 10 for colour, 6 for grey, 18 for
	// CMYK); libjpeg-turbo's own fuzz targets refuse more than 100
	// (fuzz/decompress.cc, TJPARAM_SCANLIMIT), its tjbench -limitscans more than 500.
	MaxScans = 100
)

// Costs, in nanoseconds of the reference machine.
const (
	// JPEG (image/jpeg, scan.go and reader.go).
	jpegSegmentByte = 6    // a byte of a segment (tables, metadata) or of fill
	jpegEntropyByte = 40   // a byte of entropy-coded data: up to 8 Huffman symbols
	jpegScanWork    = 1000 // a scan's set-up
	jpegBlockWork   = 300  // a baseline block: decoded, dequantised, transformed, stored
	jpegProgVisit   = 30   // a progressive block in a scan: its coefficients copied in and out
	jpegProgCoef    = 1    // a coefficient of a refinement scan's band, walked for each block
	jpegReconstruct = 350  // a progressive block transformed once all scans are read (its coefficients allocated)
	convertPixel    = 20   // a pixel converted between colour models (RGB, CMYK, NYCbCrA)

	// PNG (image/png).
	pngFileByte  = 60 // a byte of the file: chunks, whose header, data and CRC the decoder reads unbuffered (40 measured, of 14-byte chunks)
	pngRawByte   = 8  // a byte of filtered rows: inflated (a literal or part of a match) and unfiltered
	pngImageByte = 4  // a byte of the decoded image: converted from the rows

	// GIF (image/gif, compress/lzw).
	gifFileByte    = 10     // a byte of the file: sub-blocks, LZW codes (clear codes output nothing)
	gifFrameWork   = 50_000 // a frame's decoder and encoder (an LZW writer of 66 KiB, tables)
	gifPixelDecode = 6      // a pixel of a frame, decoded (and its copy when interlaced)
	gifPixelEncode = 15     // a pixel of a frame, encoded again by LZW
	// gifCodedByte is what hostile content adds to encoding again, per byte of LZW data
	// the file holds: compress/lzw's writer probes a hash table linearly, and a frame
	// whose strings cluster in it makes each pixel probe hundreds of slots (97 ns a
	// pixel measured against 10). Such content is nearly incompressible, so the
	// file's own LZW data bounds how many pixels of it there are.
	gifCodedByte = 150

	// WebP (golang.org/x/image/webp, vp8 and vp8l).
	webpFileByte = 6   // a byte of the file: RIFF chunks
	vp8Pixel     = 6   // a pixel of a lossy frame: prediction, transform, filter
	vp8Byte      = 150 // a byte of a lossy frame: its coefficient tokens
	vp8lPixel    = 70  // a pixel of a lossless image or alpha plane, its transforms applied

	// Encoding again and the variants.
	jpegEncodePixel = 40 // jpeg.Encode, a pixel (noise; a photo takes half)
	pngEncodeByte   = 40 // png.Encode at BestSpeed, a byte of a pixel as written: filter choice, deflate
	// png.Encode takes 1.5 ns a byte of flat content and 30 of noise: it tries the
	// five filters of a row until one sums less than the best, and deflate finds
	// long matches or skips ahead. Content takes the longer the less it compresses,
	// so an uploaded PNG's own compressed size bounds what encoding it again takes:
	// 12 ns a byte of pixels and 70 a byte of the file bound every content measured
	// (flat, sparse, random of a few values, noise; 8 and 16 bits).
	pngEncodeRawByte  = 12
	pngEncodeFileByte = 70
	scaleRowPixel     = 15 // scaleVariants, a pixel of the canvas: converted to a row of floats
	// Applying an image's looks (BenchmarkLooks, CPU time): converting a pixel to
	// sRGB by its profile takes 11 to 15 ns (YCbCr to RGB and back, tables, a 3 × 3
	// matrix), building the tables 5 ms (3 × 65,536 curve points for a 16-bit
	// image), turning a pixel 3 to 6 ns, and 13 when it is transposed in an image
	// too large for the cache (48 megapixels).
	iccPixel     = 20
	iccSetupWork = int64(30 * time.Millisecond)
	orientPixel  = 15
	scalePixel   = 15 // scaleVariants, a pixel of the canvas, for each variant made from it
)

// pngEncodeWork is what encoding a PNG of pixels × bpp bytes again takes, whose
// content came in a file of fileBytes (0: not from a PNG, bounded by bytes alone).
func pngEncodeWork(pixels, bpp, fileBytes int64) int64 {
	bound := pixels * bpp * pngEncodeByte
	if fileBytes > 0 {
		bound = min(bound, pixels*bpp*pngEncodeRawByte+fileBytes*pngEncodeFileByte)
	}
	return bound
}

// variantsWork is what making the srcset variants of a w × h canvas takes: one pass
// over its rows, each scaled for every variant, and each variant encoded.
func variantsWork(w, h int, asPNG bool) int64 {
	var n, encode int64
	for _, vw := range Widths {
		if vw >= w {
			break
		}
		n++
		vh := int64(max(1, h*vw/w))
		if asPNG {
			encode += pngEncodeWork(int64(vw)*vh, 4, 0)
		} else {
			encode += int64(vw) * vh * jpegEncodePixel
		}
	}
	if n == 0 {
		return 0
	}
	return int64(w)*int64(h)*(scaleRowPixel+n*scalePixel) + encode
}

// tooSlow is the refusal of a plan over the work budget, in words a contributor
// understands. The estimate is a bound ("could take"), in the reference machine's
// seconds.
func (p *plan) tooSlow() *Error {
	took, limit := duration(p.work), strconv.Itoa(int(MaxImageWork/int64(time.Second)))
	switch {
	case p.format == "jpeg" && p.scans > 3:
		passes := "scans"
		if p.progressive {
			passes = "passes"
		}
		return &Error{fmt.Sprintf("This %s of %d × %d pixels is saved in %s %s: processing it could take %s, and at most %s seconds are allowed. %s",
			p.what, p.width, p.height, thousands(p.scans), passes, took, limit, p.advice)}
	case p.format == "gif" && p.frames > 1:
		return &Error{fmt.Sprintf("This animated GIF has %s frames (the largest %d × %d pixels): processing it could take %s, and at most %s seconds are allowed. %s",
			thousands(p.frames), p.frameW, p.frameH, took, limit, p.advice)}
	}
	return &Error{fmt.Sprintf("This %s of %d × %d pixels could take %s to process, and at most %s seconds are allowed. %s",
		p.what, p.width, p.height, took, limit, p.advice)}
}

// tooManyScans is the refusal of a JPEG of more than MaxScans scans.
func (p *plan) tooManyScans() *Error {
	if p.progressive {
		return &Error{fmt.Sprintf("This JPEG is saved in %s progressive passes; at most %d are accepted (an ordinary progressive JPEG has about 10), as decoding each takes time. Save it as a baseline (not progressive) JPEG and upload it again.",
			thousands(p.scans), MaxScans)}
	}
	return &Error{fmt.Sprintf("This JPEG is saved in %s scans; at most %d are accepted (an ordinary JPEG has one to three), as decoding each takes time. Save it again as an ordinary JPEG and upload it again.",
		thousands(p.scans), MaxScans)}
}

// duration says an estimated work in words, rounded up (so that a work over the
// limit never reads as the limit): "about 40 seconds", "about 3 minutes".
func duration(ns int64) string {
	s := (ns + int64(time.Second) - 1) / int64(time.Second)
	switch {
	case s < 120:
		return fmt.Sprintf("about %d seconds", s)
	case s < 120*60:
		return fmt.Sprintf("about %d minutes", (s+59)/60)
	default:
		return fmt.Sprintf("about %s hours", thousands(int((s+3599)/3600)))
	}
}

// thousands writes n with a comma between thousands: 32,767.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
