package media

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
)

// The metadata that changes how a picture looks, read before it is dropped: the EXIF
// orientation (the camera stores the sensor's rows and says how to turn them) and
// the ICC colour profile (the numbers of a Display P3 photo are P3, not sRGB). Every
// other piece of metadata (GPS, camera, comments) is still dropped by re-encoding.
//
// Where each format keeps them:
//   - JPEG: EXIF in the first APP1 segment starting "Exif\0\0" (Exif 2.32, 4.7.2);
//     the profile in APP2 segments starting "ICC_PROFILE\0", a sequence number and a
//     count each, joined in order (ICC.1:2010, annex B.4);
//   - PNG: an eXIf chunk (PNG 3rd edition, or the 2017 extension) and an iCCP chunk
//     (a name, then the zlib-compressed profile), both before the image data;
//   - WebP: the EXIF and ICCP chunks of the extended format (RIFF container spec).
//
// Orientation is applied in every format that carries it, as libvips, ImageMagick's
// -auto-orient and the phone that took the picture do; browsers honour it in JPEG
// (CSS image-orientation: from-image, the default since 2020) and Safari in PNG
// too. Once the pixels are turned and the tag dropped, every browser shows the same
// picture. A GIF carries neither (its rare ICC application extension is ignored,
// as browsers ignore it).
//
// The parsers are strict and bounded: every offset is checked against the bytes it
// points into, IFD0 is the only directory read (no pointer is followed, so no loop
// is possible), and a profile is at most maxProfile bytes however it is stored.

// maxProfile is the largest ICC profile accepted, assembled or inflated: an RGB
// camera or display profile is 0.5 to 4 KB, a printer's LUT profile up to about
// 2 MB.
const maxProfile = 4 << 20

// meta is what an upload's metadata says about how to show it.
type meta struct {
	orientation int       // EXIF orientation, 1 (as stored) to 8
	profile     []byte    // the embedded ICC profile, whole, or nil
	chroma      pngChroma // a PNG's cICP, sRGB, gAMA and cHRM chunks (chroma.go)
}

// readMeta finds the orientation and the ICC profile of a file of the given format
// (as inspect named it). A profile that cannot be put together (a missing or
// repeated chunk, too large, not inflatable) is refused: what the picture's colours
// are cannot be known. Unreadable EXIF is ignored, as browsers ignore it.
func readMeta(format string, data []byte) (meta, error) {
	m := meta{orientation: 1}
	switch format {
	case "jpeg":
		return m, jpegMeta(data, &m)
	case "png":
		return m, pngMeta(data, &m)
	case "webp":
		return m, webpMeta(data, &m)
	}
	return m, nil
}

// profileError is the refusal of an image whose colour profile cannot be read.
func profileError(format, why string) *Error {
	return &Error{fmt.Sprintf("The colour profile embedded in this %s %s, so its colours cannot be shown as they were meant. Save it again with an sRGB profile (or none) and upload it again.", format, why)}
}

func jpegMeta(data []byte, m *meta) error {
	var chunks [][]byte // ICC chunks by sequence number - 1
	total, count := 0, 0
	gotEXIF := false
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			return nil // not a marker: inspectJPEG judges the file
		}
		marker := data[i+1]
		if marker == 0xFF { // fill
			i++
			continue
		}
		if marker == 0xD8 || marker == 0x01 || marker >= 0xD0 && marker <= 0xD7 { // no length
			i += 2
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // the first scan, or the end: metadata comes before
			break
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			break
		}
		seg := data[i+4 : i+2+n]
		i += 2 + n
		switch {
		case marker == 0xE1 && !gotEXIF && bytes.HasPrefix(seg, []byte("Exif\x00\x00")):
			gotEXIF = true
			m.orientation = exifOrientation(seg[6:])
		case marker == 0xE2 && bytes.HasPrefix(seg, []byte("ICC_PROFILE\x00")) && len(seg) >= 14:
			seq, n := int(seg[12]), int(seg[13])
			switch {
			case n == 0 || seq == 0 || seq > n:
				return profileError("JPEG", "is damaged (a part is numbered outside its count)")
			case count == 0:
				count, chunks = n, make([][]byte, n)
			case n != count:
				return profileError("JPEG", "is damaged (its parts disagree about how many there are)")
			}
			if chunks[seq-1] != nil {
				return profileError("JPEG", "is damaged (a part is repeated)")
			}
			chunks[seq-1] = seg[14:]
			if total += len(seg) - 14; total > maxProfile {
				return profileError("JPEG", fmt.Sprintf("is larger than %d MB", maxProfile>>20))
			}
		}
	}
	if count == 0 {
		return nil
	}
	profile := make([]byte, 0, total)
	for _, c := range chunks {
		if c == nil {
			return profileError("JPEG", "is incomplete (a part is missing)")
		}
		profile = append(profile, c...)
	}
	m.profile = profile
	return nil
}

func pngMeta(data []byte, m *meta) error {
	gotEXIF, gotICC := false, false
	for i := 8; i+12 <= len(data); {
		n := int64(binary.BigEndian.Uint32(data[i:]))
		typ := string(data[i+4 : i+8])
		if typ == "IDAT" || typ == "IEND" || n > int64(len(data)-i-12) {
			break
		}
		c := data[i+8 : i+8+int(n)]
		i += 12 + int(n)
		m.chroma.read(typ, c)
		switch {
		case typ == "eXIf" && !gotEXIF:
			gotEXIF = true
			m.orientation = exifOrientation(bytes.TrimPrefix(c, []byte("Exif\x00\x00")))
		case typ == "iCCP" && !gotICC:
			gotICC = true
			// A name of 1 to 79 bytes, a NUL, the compression method (0: zlib).
			k := bytes.IndexByte(c, 0)
			if k < 1 || k > 79 || k+2 > len(c) || c[k+1] != 0 {
				return profileError("PNG", "is damaged (its chunk is malformed)")
			}
			zr, err := zlib.NewReader(bytes.NewReader(c[k+2:]))
			if err != nil {
				return profileError("PNG", "is damaged (it cannot be decompressed)")
			}
			profile, err := io.ReadAll(io.LimitReader(zr, maxProfile+1))
			if err != nil {
				return profileError("PNG", "is damaged (it cannot be decompressed)")
			}
			if len(profile) > maxProfile {
				return profileError("PNG", fmt.Sprintf("is larger than %d MB", maxProfile>>20))
			}
			m.profile = profile
		}
	}
	return nil
}

func webpMeta(data []byte, m *meta) error {
	gotEXIF, gotICC := false, false
	for i := 12; i+8 <= len(data); {
		typ, n := string(data[i:i+4]), int64(binary.LittleEndian.Uint32(data[i+4:]))
		i += 8
		if n > int64(len(data)-i) {
			break // inspectWebP judges the file
		}
		c := data[i : i+int(n)]
		i += int(n + n&1)
		switch {
		case typ == "EXIF" && !gotEXIF:
			gotEXIF = true
			m.orientation = exifOrientation(bytes.TrimPrefix(c, []byte("Exif\x00\x00")))
		case typ == "ICCP" && !gotICC:
			gotICC = true
			if len(c) > maxProfile {
				return profileError("WebP", fmt.Sprintf("is larger than %d MB", maxProfile>>20))
			}
			m.profile = c
		}
	}
	return nil
}

// exifOrientation reads the Orientation tag (0x0112, a SHORT, count 1) of IFD0 of a
// TIFF structure (Exif 2.32, 4.6.2 and 4.6.4): 1 to 8, or 1 when it is absent,
// malformed or out of range. Only IFD0 is read, each entry bounds-checked.
func exifOrientation(b []byte) int {
	if len(b) < 8 {
		return 1
	}
	var order binary.ByteOrder
	switch string(b[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 1
	}
	if order.Uint16(b[2:]) != 42 {
		return 1
	}
	off := int64(order.Uint32(b[4:]))
	if off < 8 || off+2 > int64(len(b)) {
		return 1
	}
	n := int64(order.Uint16(b[off:]))
	for k := range n {
		e := off + 2 + 12*k
		if e+12 > int64(len(b)) {
			return 1
		}
		tag, typ, count := order.Uint16(b[e:]), order.Uint16(b[e+2:]), order.Uint32(b[e+4:])
		if tag != 0x0112 {
			continue
		}
		if typ != 3 || count != 1 {
			return 1
		}
		if v := int(order.Uint16(b[e+8:])); v >= 1 && v <= 8 {
			return v
		}
		return 1
	}
	return 1
}
