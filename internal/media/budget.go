package media

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"slices"
	"strings"
)

// Memory budget of one upload. Before a pixel is decoded, inspect reads the file's
// headers (a GIF's whole block structure, without its LZW data) and adds up every
// allocation that processing it will make, as Go's decoders and encoders really make
// them: each decoded frame at its bytes per pixel, the decoders' scratch (a
// progressive JPEG's coefficients, an interlaced PNG's passes, a WebP's alpha plane),
// conversions, the encoders' buffers and per-pixel garbage, and the srcset variants.
// The sum, an upper bound of what is held at once, must stay within MaxImageMemory.
// The same walk over the headers estimates the CPU time processing takes (work.go).
const (
	// MaxImageMemory is what processing one upload may allocate in all: enough for
	// a 50-million-pixel baseline JPEG or 8-bit RGBA PNG, not for a GIF of many
	// large frames or a 16-bit PNG of that size.
	MaxImageMemory = 256 << 20
	// MaxFrames is the most frames an animated GIF may have: each costs its decoder
	// and encoder state even when tiny, and a thousand frames at 10 a second make
	// more than a minute and a half of animation. (X's media API accepts 350.)
	MaxFrames = 1000
)

// Costs of the fixed parts, measured on Go 1.26 (runtime.MemStats.TotalAlloc).
const (
	baseCost       = 1 << 20         // headers, readers, small tables
	pngEncodeCost  = 1536 << 10      // png.Encode: zlib's compressor (~1.1 MiB), row buffers aside
	jpegEncodeCost = 64 << 10        // jpeg.Encode: tables and a bufio.Writer
	gifFrameCost   = 24<<10 + 72<<10 // per frame: lzw.Reader (20.5 KiB, in a 24 KiB size class) and lzw.Writer (66 KiB, in 72 KiB of pages), both garbage after
	gifFrameSlices = 256             // per frame: the Paletted header and its entries in Image, Delay, Disposal, grown by doubling
	paletteCost    = 256 * 20        // a 256-colour palette: 16-byte interfaces and their boxed colours
)

// plan is what inspect learns of an upload before decoding it.
type plan struct {
	format        string // "jpeg", "png", "gif" or "webp"
	width, height int    // the picture (a GIF's logical screen)
	what          string // the kind in plain words: "progressive JPEG", "16-bit PNG", …
	advice        string // how to bring it within the budget
	cost          int64  // bytes processing it allocates, at most

	frames         int // GIF: image descriptors
	frameW, frameH int // GIF: the largest frame
	sameFrames     bool
	mayBePNG       bool // stored as PNG (or may be: a WebP with alpha), variants too

	work        int64 // nanoseconds of the reference machine processing it takes, at most (work.go)
	scans       int   // JPEG: scans
	progressive bool  // JPEG: progressive

	// What the picture looks like (meta.go, icc.go, orient.go).
	components int                       // colour components of the decoded image: 1 grey, 3 RGB, 4 CMYK
	decoded    int64                     // bytes of the decoded image, as orient copies it
	ycbcr      bool                      // decoded as image.YCbCr
	ratio      image.YCbCrSubsampleRatio // its chroma subsampling
	meta       meta
	colour     colour
}

// shownSize is the picture's size once turned by its orientation.
func (p *plan) shownSize() (int, int) { return orientedSize(p.meta.orientation, p.width, p.height) }

// refuse is the error for a file whose headers are not what the format requires.
func refuse(format, why string) *Error {
	return &Error{fmt.Sprintf("This %s file could not be read: %s.", format, why)}
}

// inspect sniffs the format from the first bytes (as image.DecodeConfig does, for the
// four accepted formats only) and reads the headers into a plan with its cost.
func inspect(data []byte) (*plan, error) {
	var p *plan
	var err error
	switch {
	case bytes.HasPrefix(data, []byte("\xff\xd8")):
		p, err = inspectJPEG(data)
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		p, err = inspectPNG(data)
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		p, err = inspectGIF(data)
	case len(data) >= 15 && string(data[:4]) == "RIFF" && string(data[8:15]) == "WEBPVP8":
		p, err = inspectWebP(data)
	default:
		return nil, &Error{"This file is not a JPEG, PNG, GIF or WebP image, whatever its name says."}
	}
	if err != nil {
		return nil, err
	}
	w, h := p.width, p.height
	if w <= 0 || h <= 0 || w > MaxSide || h > MaxSide || w*h > MaxPixels {
		return nil, &Error{fmt.Sprintf("The image is %d × %d pixels; at most %d million pixels are accepted.", w, h, MaxPixels/1_000_000)}
	}
	if p.format == "gif" && p.frames > MaxFrames {
		return nil, &Error{fmt.Sprintf("This animated GIF has %d frames; at most %d are accepted. Shorten it or drop frames.", p.frames, MaxFrames)}
	}
	if p.format == "jpeg" && p.scans > MaxScans {
		return nil, p.tooManyScans()
	}
	if err := p.readLooks(data); err != nil {
		return nil, err
	}
	// An animated GIF gets no still variants: a browser would pick one and the
	// picture would stop moving (see process).
	if p.format != "gif" || p.frames == 1 {
		vw, vh := p.shownSize()
		p.cost += variantsCost(vw, vh, p.mayBePNG || p.format == "gif")
		p.work += variantsWork(vw, vh, p.mayBePNG || p.format == "gif")
	}
	p.cost += int64(len(data)) + baseCost
	return p, nil
}

// readLooks reads the orientation and the colour profile, and adds to the plan what
// applying them costs: a profile's tables and its conversion (in place), or the
// profile embedded again in every file; the turned copy of the decoded image.
func (p *plan) readLooks(data []byte) error {
	var err error
	if p.meta, err = readMeta(p.format, data); err != nil {
		return err
	}
	if p.colour, err = readProfile(p.meta.profile, p.components, strings.ToUpper(p.format)); err != nil {
		return err
	}
	if p.meta.profile == nil {
		p.colour = p.meta.chroma.colour(p.components) // a PNG's gAMA and cHRM, if any
	}
	if p.meta.chroma.cicp != nil {
		// A PNG's cICP chunk comes before every other colour chunk: the numbers
		// are kept, with the chunk and any profile, as browsers without cICP read it.
		var profile []byte
		if p.colour.action != colourNone {
			profile = p.meta.profile
		}
		p.colour = colour{action: colourKeep, profile: profile, cicp: p.meta.chroma.cicp}
	}
	pixels := int64(p.width) * int64(p.height)
	// The profile joined or inflated (io.ReadAll grows its buffer: three times its
	// size at most, with the zlib reader).
	profile := int64(len(p.meta.profile))
	if profile > 0 {
		p.cost += 3*profile + zlibReadCost
	}
	switch p.colour.action {
	case colourConvert:
		p.cost += transformCost
		p.work += iccSetupWork + pixels*iccPixel
	case colourKeep:
		// Written again into the file and each variant (compressed for a PNG).
		p.cost += profile*(1+int64(len(Widths))) + (1+int64(len(Widths)))*pngEncodeCost
		p.work += profile * (1 + int64(len(Widths))) * pngEncodeByte
	}
	if p.meta.orientation > 1 {
		p.cost += orientedCost(p.meta.orientation, p.decoded, pixels, p.ratio, p.ycbcr)
		p.work += pixels * orientPixel
	}
	return nil
}

// tooCostly is the refusal of a plan over the budget, in words a contributor
// understands.
func (p *plan) tooCostly() *Error {
	need, limit := size(p.cost), size(MaxImageMemory)
	if p.format == "gif" && p.frames > 1 {
		frames := fmt.Sprintf("%d frames of %d × %d pixels", p.frames, p.frameW, p.frameH)
		if !p.sameFrames {
			frames = fmt.Sprintf("%d frames (the largest %d × %d pixels)", p.frames, p.frameW, p.frameH)
		}
		return &Error{fmt.Sprintf("This animated GIF has %s: processing it would need %s of memory, and at most %s is allowed. %s",
			frames, need, limit, p.advice)}
	}
	return &Error{fmt.Sprintf("This %s of %d × %d pixels would need %s of memory to process, and at most %s is allowed. %s",
		p.what, p.width, p.height, need, limit, p.advice)}
}

// size writes a byte count for people, in binary units (as most systems show them).
func size(n int64) string {
	switch {
	case n >= 10<<30:
		return fmt.Sprintf("%d GB", n>>30)
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	default:
		return fmt.Sprintf("%d MB", (n+1<<20-1)>>20)
	}
}

// variantsCost is what making the srcset variants allocates: each variant's RGBA
// image (all are made in one pass over the source), the scaler's weights and rows
// (see scaleVariants), a source row, and each variant's encoder.
func variantsCost(w, h int, asPNG bool) int64 {
	var c int64
	for _, vw := range Widths {
		if vw >= w {
			break
		}
		vh := max(1, h*vw/w)
		c += int64(vw) * int64(vh) * 4
		c += scalerCost(vw, w) + scalerCost(vh, h) + int64(ringRows(vh, h))*int64(vw)*16
		if asPNG {
			c += pngEncodeCost + 6*int64(1+4*vw)
		} else {
			c += jpegEncodeCost
		}
	}
	if c > 0 {
		c += int64(w) * (4 + 16) // the source row, in bytes and in floats
	}
	return c
}

// --- GIF ---------------------------------------------------------------------

// inspectGIF walks the GIF's blocks as image/gif's decoder does (GIF89a, sections
// 17-27): header, logical screen, colour tables, extensions and image descriptors,
// skipping every data sub-block. gif.DecodeAll keeps one *image.Paletted per image
// descriptor (1 byte a pixel), and an interlaced frame is copied once more.
func inspectGIF(data []byte) (*plan, error) {
	const name = "GIF"
	if len(data) < 13 {
		return nil, refuse(name, "it ends inside its header")
	}
	p := &plan{format: "gif", what: "GIF image", width: int(binary.LittleEndian.Uint16(data[6:])), height: int(binary.LittleEndian.Uint16(data[8:])),
		sameFrames: true, advice: "Make it smaller or with fewer frames."}
	i := 13
	hasGlobal := data[10]&0x80 != 0
	if hasGlobal {
		i += 3 << (1 + data[10]&7)
		p.cost += paletteCost
	}
	transparent := false
	var coded int64 // bytes of LZW data
	for {
		if i >= len(data) {
			return nil, refuse(name, "it is cut short (it ends before its trailer)")
		}
		b := data[i]
		i++
		switch b {
		case 0x3B: // trailer: the decoder stops here
			if p.frames == 0 {
				return nil, refuse(name, "it has no image")
			}
			if p.frames == 1 {
				p.advice = "Make it smaller."
			}
			p.work += int64(len(data))*gifFileByte + coded*gifCodedByte
			return p, nil
		case 0x21: // extension
			if i >= len(data) {
				return nil, refuse(name, "it is cut short")
			}
			label := data[i]
			i++
			switch label {
			case 0xF9: // graphic control: fixed size, its transparency applies to the next frame
				if i+6 > len(data) {
					return nil, refuse(name, "it is cut short")
				}
				if data[i] != 4 || data[i+5] != 0 {
					return nil, refuse(name, "a graphic control extension is malformed")
				}
				transparent = data[i+1]&1 != 0
				i += 6
				continue
			case 0x01: // plain text: a 13-byte header, then sub-blocks
				i += 13
			case 0xFE: // comment: sub-blocks only
			case 0xFF: // application: a sized identifier, then sub-blocks
				if i >= len(data) {
					return nil, refuse(name, "it is cut short")
				}
				i += 1 + int(data[i])
			default:
				return nil, refuse(name, fmt.Sprintf("it has an unknown extension (0x%02x)", label))
			}
			var ok bool
			if i, ok = skipSubBlocks(data, i); !ok {
				return nil, refuse(name, "it is cut short")
			}
		case 0x2C: // image descriptor
			if i+9 > len(data) {
				return nil, refuse(name, "it is cut short")
			}
			d := data[i : i+9]
			x, y := int(binary.LittleEndian.Uint16(d[0:])), int(binary.LittleEndian.Uint16(d[2:]))
			w, h := int(binary.LittleEndian.Uint16(d[4:])), int(binary.LittleEndian.Uint16(d[6:]))
			fields := d[8]
			i += 9
			if x+w > p.width || y+h > p.height {
				return nil, &Error{fmt.Sprintf("Frame %d of this GIF (%d × %d pixels at %d, %d) lies outside its %d × %d picture, so it cannot be read.",
					p.frames+1, w, h, x, y, p.width, p.height)}
			}
			p.frames++
			if p.frames == 1 {
				p.frameW, p.frameH = w, h
			} else if w != p.frameW || h != p.frameH {
				p.sameFrames = false
			}
			if w*h > p.frameW*p.frameH {
				p.frameW, p.frameH = w, h
			}
			pixels := int64(w) * int64(h)
			p.cost += pixels + gifFrameCost + gifFrameSlices
			p.work += gifFrameWork + pixels*(gifPixelDecode+gifPixelEncode)
			if fields&0x40 != 0 {
				p.cost += pixels // uninterlacing copies the frame
				p.work += pixels * gifPixelDecode
			}
			if fields&0x80 != 0 {
				i += 3 << (1 + fields&7)
				p.cost += paletteCost
			} else if !hasGlobal {
				return nil, refuse(name, "a frame has no colour table")
			} else if transparent {
				p.cost += paletteCost // the global table is copied to mark the transparent colour
			}
			transparent = false
			if i >= len(data) {
				return nil, refuse(name, "it is cut short")
			}
			if lit := data[i]; lit < 2 || lit > 8 {
				return nil, refuse(name, "a frame's LZW code size is out of range")
			}
			from := i
			var ok bool
			if i, ok = skipSubBlocks(data, i+1); !ok {
				return nil, refuse(name, "it is cut short (inside a frame)")
			}
			coded += int64(i - from)
		default:
			return nil, refuse(name, fmt.Sprintf("it has an unknown block (0x%02x)", b))
		}
	}
}

// skipSubBlocks steps over data sub-blocks (a length byte, then that many bytes)
// up to and past the zero-length terminator.
func skipSubBlocks(data []byte, i int) (int, bool) {
	for i < len(data) {
		n := int(data[i])
		i++
		if n == 0 {
			return i, true
		}
		i += n
	}
	return i, false
}

// --- PNG ---------------------------------------------------------------------

// inspectPNG reads IHDR and the chunks before the first IDAT (a tRNS there turns
// grey and truecolour images into NRGBA or NRGBA64). image/png decodes to:
// palette → Paletted (1 byte a pixel); grey ≤ 8 bits → Gray (1); grey 16 → Gray16
// (2); truecolour 8 → RGBA (4); grey+alpha 8, truecolour+alpha 8 → NRGBA (4); any
// 16-bit colour or alpha → RGBA64 or NRGBA64 (8). An interlaced PNG is decoded pass by
// pass, each pass an image of its own: together as large as the image.
func inspectPNG(data []byte) (*plan, error) {
	const name = "PNG"
	if len(data) < 33 || string(data[12:16]) != "IHDR" || binary.BigEndian.Uint32(data[8:]) != 13 {
		return nil, refuse(name, "its header is missing")
	}
	w, h := binary.BigEndian.Uint32(data[16:]), binary.BigEndian.Uint32(data[20:])
	depth, ctype, interlaced := int(data[24]), int(data[25]), data[28] == 1
	p := &plan{format: "png", width: int(min(w, 1<<30)), height: int(min(h, 1<<30)), mayBePNG: true}
	// Look for tRNS, and an animation's control chunks, among the chunks before the
	// image data.
	trns := false
	frames, framedIDAT := int64(-1), false // acTL's frame count; an fcTL before IDAT
	for i := 33; i+8 <= len(data); {
		n := int64(binary.BigEndian.Uint32(data[i:]))
		typ := string(data[i+4 : i+8])
		if typ == "IDAT" || typ == "IEND" {
			break
		}
		switch typ {
		case "tRNS":
			trns = true
		case "acTL":
			frames = 0 // malformed counts as animated: browsers may still play it
			if n == 8 && i+16 <= len(data) {
				frames = int64(binary.BigEndian.Uint32(data[i+8:]))
			}
		case "fcTL":
			framedIDAT = true
		}
		i += 12 + int(min(n, int64(len(data))))
	}
	// An animated PNG (APNG, PNG 3rd edition 11.3.6) is shown moving by every
	// browser, and image/png decodes only its default image: stored, it would be a
	// still. A one-frame APNG whose default image is that frame is a still.
	if frames >= 0 && (frames != 1 || !framedIDAT) {
		return nil, animatedPNG
	}
	var bpp, garbage int // decoded bytes a pixel; what png.Encode's At path allocates a pixel
	switch ctype {
	case 0: // grey
		bpp = 1
		if depth == 16 {
			bpp, garbage = 2, 2
		}
		if trns {
			bpp = 4
			if depth == 16 {
				bpp, garbage = 8, 8
			}
		}
	case 2, 4, 6: // truecolour, grey+alpha, truecolour+alpha
		bpp = 4
		if depth == 16 {
			bpp, garbage = 8, 8
		}
	case 3:
		bpp = 1
		p.cost += paletteCost
	default:
		return nil, refuse(name, fmt.Sprintf("its colour type (%d) is not one PNG defines", ctype))
	}
	pixels := int64(p.width) * int64(p.height)
	p.cost += pixels * int64(bpp+garbage)
	p.decoded, p.components = pixels*int64(bpp), 3
	if ctype == 0 || ctype == 4 {
		p.components = 1
	}
	channels := map[int]int{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
	row := int64(1 + (p.width*channels*depth+7)/8)
	p.cost += 2*row + pngEncodeCost + 6*(1+int64(p.width)*8)
	// Inflating and unfiltering the rows (an interlaced image's passes have a filter
	// byte a row each: at most 15 rows for every 8 of the image), converting them,
	// and encoding the image again at the same bytes a pixel.
	raw := row * int64(p.height)
	if interlaced {
		raw += 2 * int64(p.height)
	}
	p.work += int64(len(data))*pngFileByte + raw*pngRawByte + pixels*int64(bpp)*pngImageByte +
		pngEncodeWork(pixels, int64(bpp), int64(len(data)))
	p.what, p.advice = "PNG image", "Make it smaller."
	if depth == 16 {
		p.what, p.advice = "16-bit PNG image", "Save it with 8 bits per channel, or make it smaller."
	}
	if interlaced {
		p.cost += pixels * int64(bpp)
		p.work += pixels * int64(bpp) * pngImageByte // each pass merged into the image
		p.what, p.advice = "interlaced "+p.what, "Save it without interlacing, or make it smaller."
	}
	return p, nil
}

// --- JPEG --------------------------------------------------------------------

// inspectJPEG walks the file as image/jpeg's decoder does (ITU T.81, annex B): each
// segment by its length, and after each scan header its entropy-coded data, which
// the decoder never reads past a marker other than RSTn (a 0xFF in the data is
// stuffed as 0xFF00), up to EOI. It takes the frame header (SOF0, SOF1 or SOF2) and
// every scan header, and counts the blocks each scan visits (see work.go).
//
// image/jpeg allocates, for an image of MCUs rounded up: grey → Gray; three
// components → YCbCr at the chroma subsampling (and an RGBA copy when the components
// are RGB); four → YCbCr, a black plane and a CMYK copy; a progressive JPEG keeps
// every component's coefficients, a 256-byte block for each 8 × 8 samples.
func inspectJPEG(data []byte) (*plan, error) {
	const name = "JPEG"
	p := &plan{format: "jpeg", what: "JPEG image", advice: "Make it smaller."}
	var comps [][3]int // id, h, v
	var coded [4]bool  // the components a scan codes: a progressive image transforms their blocks at the end
	jfif, inScan := false, false
	rgb := false // three components that may be RGB, not YCbCr: image/jpeg converts them
	entropy := 0 // bytes of entropy-coded data
	for i := 2; ; {
		// Markers may be preceded by fill bytes; other bytes between segments, and a
		// scan's entropy-coded data, are skipped as the decoder does.
		from := i
		if k := bytes.IndexByte(data[i:], 0xFF); k >= 0 {
			i += k
		} else {
			i = len(data)
		}
		for i < len(data) && data[i] == 0xFF {
			i++
		}
		if i < len(data) {
			i++ // the marker
		}
		if inScan {
			entropy += i - from
		}
		if i >= len(data) {
			break
		}
		marker := data[i-1]
		if marker == 0x00 || (marker >= 0xD0 && marker <= 0xD7) {
			continue // a stuffed 0xFF, or a restart, in a scan (or stray, which the decoder skips too)
		}
		if marker == 0xD9 {
			break // EOI: the decoder reads no further
		}
		inScan = false
		if i+2 > len(data) {
			return nil, refuse(name, "it is cut short")
		}
		n := int(binary.BigEndian.Uint16(data[i:])) - 2
		i += 2
		if n < 0 || i+n > len(data) {
			return nil, refuse(name, "a segment runs past the end of the file")
		}
		seg := data[i : i+n]
		i += n
		switch {
		case marker == 0xC0 || marker == 0xC1 || marker == 0xC2:
			if comps != nil {
				return nil, refuse(name, "it has two frame headers")
			}
			if n < 6 || seg[0] != 8 {
				return nil, refuse(name, "only 8-bit JPEG is supported")
			}
			p.height, p.width = int(binary.BigEndian.Uint16(seg[1:])), int(binary.BigEndian.Uint16(seg[3:]))
			nc := int(seg[5])
			if (nc != 1 && nc != 3 && nc != 4) || n != 6+3*nc {
				return nil, refuse(name, "its number of colour components is not supported")
			}
			for c := range nc {
				hv := seg[7+3*c]
				h, v := int(hv>>4), int(hv&15)
				if h < 1 || h > 4 || v < 1 || v > 4 {
					return nil, refuse(name, "its sampling factors are out of range")
				}
				comps = append(comps, [3]int{int(seg[6+3*c]), h, v})
			}
			p.progressive = marker == 0xC2
		case marker == 0xE0:
			if p.scans == 0 && bytes.HasPrefix(seg, []byte("JFIF\x00")) {
				jfif = true
			}
		case marker == 0xDA:
			if comps == nil {
				return nil, refuse(name, "a scan comes before the frame header")
			}
			if p.scans == 0 {
				rgb = !jfif && mayBeRGB(data, comps)
				p.cost += jpegCost(p.width, p.height, comps, p.progressive, rgb, p)
			}
			if err := scanWork(p, comps, seg, &coded); err != nil {
				return nil, err
			}
			inScan = true
		case marker == 0xC4 || marker == 0xDB || marker == 0xDD || marker >= 0xE0 && marker <= 0xEF || marker == 0xFE:
		default:
			return nil, refuse(name, fmt.Sprintf("it uses a coding this server cannot read (marker 0x%02x)", marker))
		}
	}
	if p.scans == 0 {
		return nil, refuse(name, "it ends before its first scan")
	}
	if !p.progressive && p.scans > len(comps) {
		p.advice = "Save it again as an ordinary JPEG (in one scan), or make it smaller."
	}
	p.work += int64(len(data)-entropy)*jpegSegmentByte + int64(entropy)*jpegEntropyByte
	pixels := int64(p.width) * int64(p.height)
	if p.progressive {
		mxx, myy := jpegMCUs(p.width, p.height, comps)
		for c, cp := range comps {
			if coded[c] {
				p.work += mxx * myy * jpegBlocks(comps, cp) * jpegReconstruct
			}
		}
	}
	if len(comps) == 4 {
		p.work += 2 * pixels * convertPixel // applyBlack, then cmykToRGBA
	} else if rgb {
		p.work += pixels * convertPixel
	}
	p.work += pixels * jpegEncodePixel
	return p, nil
}

// jpegMCUs is how many MCUs across and down image/jpeg decodes (the first
// component's sampling sets them; a single component is never interleaved).
func jpegMCUs(w, h int, comps [][3]int) (mxx, myy int64) {
	h0, v0 := comps[0][1], comps[0][2]
	if len(comps) == 1 {
		h0, v0 = 1, 1
	}
	return int64((w + 8*h0 - 1) / (8 * h0)), int64((h + 8*v0 - 1) / (8 * v0))
}

// jpegBlocks is how many blocks of component c each MCU has.
func jpegBlocks(comps [][3]int, c [3]int) int64 {
	if len(comps) == 1 {
		return 1
	}
	return int64(c[1] * c[2])
}

// scanWork adds to p the scan whose header is seg: image/jpeg's processSOS visits,
// for each MCU, every block of every component the scan codes (in a scan of one
// component, the blocks of the MCUs' area, skipping at little cost those outside
// the picture). A baseline block is decoded and transformed at once; a progressive
// one is copied out of the coefficients and back, and a refinement scan of AC
// coefficients (Ah > 0, Ss > 0) walks the band of every block, bits or none.
func scanWork(p *plan, comps [][3]int, seg []byte, coded *[4]bool) error {
	if len(seg) < 1 || len(seg) != 4+2*int(seg[0]) || seg[0] == 0 || int(seg[0]) > len(comps) {
		return refuse("JPEG", "a scan header is malformed")
	}
	ns := int(seg[0])
	mxx, myy := jpegMCUs(p.width, p.height, comps)
	var blocks int64
	for k := range ns {
		c := slices.IndexFunc(comps, func(c [3]int) bool { return c[0] == int(seg[1+2*k]) })
		if c < 0 {
			return refuse("JPEG", "a scan names a colour component the frame does not have")
		}
		coded[c] = true
		blocks += jpegBlocks(comps, comps[c])
	}
	ss, se, ah := int64(seg[1+2*ns]), int64(seg[2+2*ns]), seg[3+2*ns]>>4
	visit := int64(jpegBlockWork)
	if p.progressive {
		visit = jpegProgVisit
		if ah != 0 && ss > 0 {
			visit += jpegProgCoef * max(0, min(se, 63)-ss+1)
		}
	}
	p.scans++
	p.work += jpegScanWork + mxx*myy*blocks*visit
	return nil
}

// mayBeRGB is whether image/jpeg could convert a three-component image to RGBA: when
// the components are named R, G, B, or an Adobe segment (anywhere: segments may
// follow a scan) gives colour transform 0.
func mayBeRGB(data []byte, comps [][3]int) bool {
	if len(comps) != 3 {
		return false
	}
	if comps[0][0] == 'R' && comps[1][0] == 'G' && comps[2][0] == 'B' {
		return true
	}
	for i := 0; ; {
		j := bytes.Index(data[i:], []byte("\xff\xee"))
		if j < 0 {
			return false
		}
		i += j + 2
		if s := data[i:]; len(s) >= 14 && string(s[2:7]) == "Adobe" && s[13] == 0 {
			return true
		}
	}
}

// jpegCost is what image/jpeg allocates for the frame (reader.go, scan.go: makeImg,
// applyBlack, convertToRGB, progCoeffs), and how the result is encoded again.
func jpegCost(w, h int, comps [][3]int, progressive, rgb bool, p *plan) int64 {
	h0, v0 := comps[0][1], comps[0][2]
	if len(comps) == 1 {
		h0, v0 = 1, 1 // a single component is never interleaved
		comps = [][3]int{{comps[0][0], 1, 1}}
	}
	mxx, myy := int64((w+8*h0-1)/(8*h0)), int64((h+8*v0-1)/(8*v0))
	W, H := 8*int64(h0)*mxx, 8*int64(v0)*myy
	pixels := int64(w) * int64(h)
	var c int64
	p.components = len(comps)
	switch len(comps) {
	case 1:
		c = W * H
		p.decoded = c
	default:
		// Chroma planes as image.NewYCbCr sizes them for the ratio.
		hr, vr := int64(h0/comps[1][1]), int64(v0/comps[1][2])
		if hr < 1 {
			hr = 1
		}
		if vr < 1 {
			vr = 1
		}
		cw, ch := (W+hr-1)/hr, (H+vr-1)/vr
		c = W*H + 2*cw*ch
		p.decoded, p.ycbcr = c, true
		p.ratio = map[[2]int64]image.YCbCrSubsampleRatio{{1, 2}: image.YCbCrSubsampleRatio440, {2, 1}: image.YCbCrSubsampleRatio422,
			{2, 2}: image.YCbCrSubsampleRatio420, {4, 1}: image.YCbCrSubsampleRatio411, {4, 2}: image.YCbCrSubsampleRatio410}[[2]int64{hr, vr}]
		if len(comps) == 4 {
			c += 64*int64(comps[3][1])*mxx*int64(comps[3][2])*myy + 4*pixels
			p.what, p.advice = "CMYK JPEG image", "Save it in RGB, or make it smaller."
			p.decoded, p.ycbcr = 4*pixels, false
		} else if rgb {
			c += 4 * pixels
			p.decoded, p.ycbcr = 4*pixels, false
		}
	}
	if progressive {
		for _, cp := range comps {
			c += 256 * mxx * myy * int64(cp[1]) * int64(cp[2])
		}
		p.what, p.advice = "progressive "+p.what, "Save it as a baseline (not progressive) JPEG, or make it smaller."
	}
	return c + jpegEncodeCost
}

// --- WebP --------------------------------------------------------------------

// animatedWebP refuses an animated WebP. golang.org/x/image/webp decodes stills
// only; storing the file as it came would serve bytes no decoder of ours has read
// (the metadata kept, and the libwebp flaw CVE-2023-4863 was reached through exactly
// such a file), and the one Go library that decodes and encodes animation
// (github.com/gen2brain/webp) runs libwebp compiled to WebAssembly in a runtime, or
// the system's libwebp, outside the memory and work budgets measured here. Every
// tool that makes WebP animations exports GIF too.
var animatedWebP = &Error{"Animated WebP images are not accepted: an animation would be stored as a still. Upload the animation as a GIF."}

// animatedPNG refuses an animated PNG, for the reasons animatedWebP gives (no
// decoder of ours reads its frames).
var animatedPNG = &Error{"Animated PNG images are not accepted: an animation would be stored as a still. Upload the animation as a GIF."}

// inspectWebP reads the RIFF chunks as golang.org/x/image/webp does: a lossy frame
// (VP8) decodes to YCbCr 4:2:0 in whole 16-pixel macroblocks, plus its partitions
// copied from the file; an ALPH chunk adds a byte a pixel, and 4 more while it is
// decoded when it is coded losslessly; a lossless frame (VP8L) decodes to NRGBA, with
// a second buffer when it uses a colour-indexing transform and small sub-images.
func inspectWebP(data []byte) (*plan, error) {
	const name = "WebP"
	p := &plan{format: "webp", what: "WebP image", advice: "Make it smaller.", work: int64(len(data)) * webpFileByte, components: 3}
	extended, alpha, alphaCompressed := false, false, false
	encodeCost := func() int64 {
		if p.mayBePNG {
			return pngEncodeCost + 6*(1+4*int64(p.width))
		}
		return jpegEncodeCost
	}
	// encodeWork is what encoding the decoded image again takes: as an NRGBA PNG
	// when it may have transparency, as a JPEG when it has none.
	encodeWork := func() int64 {
		pixels := int64(p.width) * int64(p.height)
		if p.mayBePNG {
			return pixels*convertPixel + pngEncodeWork(pixels, 4, 0)
		}
		return pixels * jpegEncodePixel
	}
	for i := 12; ; {
		if i+8 > len(data) {
			return nil, refuse(name, "it ends before its image")
		}
		typ, n := string(data[i:i+4]), int64(binary.LittleEndian.Uint32(data[i+4:]))
		i += 8
		if n > int64(len(data)-i) {
			return nil, refuse(name, "a chunk runs past the end of the file")
		}
		c := data[i : i+int(n)]
		i += int(n + n&1)
		switch typ {
		case "VP8X":
			if n != 10 {
				return nil, refuse(name, "its extended header is malformed")
			}
			extended = true
			if c[0]&0x02 != 0 {
				return nil, animatedWebP
			}
			alpha = c[0]&0x10 != 0
			p.width = 1 + int(c[4]) | int(c[5])<<8 | int(c[6])<<16
			p.height = 1 + int(c[7]) | int(c[8])<<8 | int(c[9])<<16
		case "ANIM", "ANMF": // frames, even without the extended header's flag
			return nil, animatedWebP
		case "ALPH":
			if len(c) > 0 && c[0]&3 == 1 {
				alphaCompressed = true
			}
		case "VP8 ":
			if len(c) < 10 || string(c[3:6]) != "\x9d\x01\x2a" {
				return nil, refuse(name, "its lossy frame header is malformed")
			}
			w, h := int(binary.LittleEndian.Uint16(c[6:])&0x3fff), int(binary.LittleEndian.Uint16(c[8:])&0x3fff)
			if !extended {
				p.width, p.height = w, h
			} else if w != p.width || h != p.height {
				return nil, refuse(name, "its frame and canvas sizes differ")
			}
			mbw, mbh := int64(w+15)/16, int64(h+15)/16
			p.cost += 384*mbw*mbh + 4*mbw*mbh + n
			p.decoded, p.ycbcr, p.ratio = 384*mbw*mbh, true, image.YCbCrSubsampleRatio420
			p.work += 256*mbw*mbh*vp8Pixel + n*vp8Byte
			if alpha {
				pixels := int64(w) * int64(h)
				p.cost += pixels + 4*pixels // the alpha plane; an NRGBA copy for the PNG it becomes
				p.work += pixels * convertPixel
				if alphaCompressed {
					p.cost += 4*pixels + pixels/4
					p.work += pixels * vp8lPixel
				}
				p.what, p.mayBePNG = "WebP image with transparency", true
				p.decoded, p.ycbcr = max(p.decoded, 4*pixels), false
			}
			p.cost += encodeCost()
			p.work += encodeWork()
			return p, nil
		case "VP8L":
			if len(c) < 5 || c[0] != 0x2f {
				return nil, refuse(name, "its lossless header is malformed")
			}
			bits := binary.LittleEndian.Uint32(c[1:])
			w, h := int(bits&0x3fff)+1, int(bits>>14&0x3fff)+1
			if !extended {
				p.width, p.height = w, h
			} else if w != p.width || h != p.height {
				return nil, refuse(name, "its frame and canvas sizes differ")
			}
			pixels := int64(w) * int64(h)
			p.cost += 8*pixels + pixels/4 + n
			p.decoded = 4 * pixels
			p.work += pixels * vp8lPixel
			p.what, p.mayBePNG = "lossless WebP image", true
			p.cost += encodeCost()
			p.work += encodeWork()
			return p, nil
		}
	}
}
