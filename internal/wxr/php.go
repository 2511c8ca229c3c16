package wxr

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// PHP's serialize() format, as WordPress stores arrays in post metadata
// (maybe_serialize): N; b:1; i:42; d:0.5; s:5:"bytes"; a:2:{key;value;key;value;}.
// Only these are read: objects (O:, C:), enums (E:) and references (r:, R:) are refused,
// as WordPress's own metadata never holds them and they are what PHP object injection
// is made of. The reader is bounded: nesting at most MaxPHPDepth, at most MaxPHPValues
// values, and an array's declared length is trusted for nothing but a check.

// MaxPHPDepth is the deepest nesting of arrays Unserialize reads.
const MaxPHPDepth = 32

// MaxPHPValues is the most values (scalars and arrays) Unserialize reads in one input.
const MaxPHPValues = 100_000

// PHPArray is a PHP array: its entries in order. A key is an int64 or a string.
type PHPArray []PHPEntry

// PHPEntry is one key and value of a PHPArray. Value is nil (N), bool, int64,
// float64, string or PHPArray.
type PHPEntry struct {
	Key   any
	Value any
}

// Get returns the value of the string key k (PHP's "1" and 1 are the same key).
func (a PHPArray) Get(k string) (any, bool) {
	for _, e := range a {
		switch key := e.Key.(type) {
		case string:
			if key == k {
				return e.Value, true
			}
		case int64:
			if strconv.FormatInt(key, 10) == k {
				return e.Value, true
			}
		}
	}
	return nil, false
}

// PHPError is why a serialized value cannot be read: the byte offset in the input and
// the reason.
type PHPError struct {
	Offset int
	Msg    string
}

func (e *PHPError) Error() string {
	return fmt.Sprintf("PHP serialized value: at byte %d: %s", e.Offset, e.Msg)
}

// Unserialize reads one PHP serialized value that is the whole of s (space around
// allowed). It returns nil, bool, int64, float64, string (PHP strings are bytes: the
// lengths count bytes, and the result is not checked for UTF-8) or PHPArray, or a
// *PHPError.
func Unserialize(s string) (any, error) {
	u := &unserializer{s: s}
	u.i = len(s) - len(strings.TrimLeft(s, " \t\r\n"))
	v, err := u.value(0)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(s[u.i:]) != "" {
		return nil, u.errorf("text after the value")
	}
	return v, nil
}

type unserializer struct {
	s      string
	i      int
	values int
}

func (u *unserializer) errorf(format string, args ...any) error {
	return &PHPError{Offset: u.i, Msg: fmt.Sprintf(format, args...)}
}

func (u *unserializer) expect(c byte) error {
	if u.i >= len(u.s) {
		return u.errorf("the value ends early (%q expected)", c)
	}
	if u.s[u.i] != c {
		return u.errorf("%q where %q was expected", u.s[u.i], c)
	}
	u.i++
	return nil
}

// until returns the text up to the next c and moves past c.
func (u *unserializer) until(c byte) (string, error) {
	j := strings.IndexByte(u.s[u.i:], c)
	if j < 0 {
		return "", u.errorf("the value ends early (%q expected)", c)
	}
	t := u.s[u.i : u.i+j]
	u.i += j + 1
	return t, nil
}

func (u *unserializer) value(depth int) (any, error) {
	u.values++
	if u.values > MaxPHPValues {
		return nil, u.errorf("more than %d values", MaxPHPValues)
	}
	if u.i >= len(u.s) {
		return nil, u.errorf("a value was expected")
	}
	kind := u.s[u.i]
	u.i++
	if kind == 'N' {
		return nil, u.expect(';')
	}
	if err := u.expect(':'); err != nil {
		return nil, err
	}
	switch kind {
	case 'b':
		t, err := u.until(';')
		if err != nil {
			return nil, err
		}
		switch t {
		case "0":
			return false, nil
		case "1":
			return true, nil
		}
		return nil, u.errorf("boolean %q", clip(t, 20))
	case 'i':
		t, err := u.until(';')
		if err != nil {
			return nil, err
		}
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil {
			return nil, u.errorf("integer %q", clip(t, 20))
		}
		return n, nil
	case 'd':
		t, err := u.until(';')
		if err != nil {
			return nil, err
		}
		switch t {
		case "INF":
			return math.Inf(1), nil
		case "-INF":
			return math.Inf(-1), nil
		case "NAN":
			return math.NaN(), nil
		}
		f, err := strconv.ParseFloat(t, 64)
		if err != nil {
			return nil, u.errorf("number %q", clip(t, 20))
		}
		return f, nil
	case 's':
		n, err := u.length()
		if err != nil {
			return nil, err
		}
		if err := u.expect('"'); err != nil {
			return nil, err
		}
		if n > len(u.s)-u.i {
			return nil, u.errorf("a string of %d bytes where %d remain (the length is wrong, as when a file's text was re-encoded)", n, len(u.s)-u.i)
		}
		t := u.s[u.i : u.i+n]
		u.i += n
		if err := u.expect('"'); err != nil {
			return nil, err
		}
		return t, u.expect(';')
	case 'a':
		if depth >= MaxPHPDepth {
			return nil, u.errorf("arrays nested more than %d deep", MaxPHPDepth)
		}
		n, err := u.length()
		if err != nil {
			return nil, err
		}
		if err := u.expect('{'); err != nil {
			return nil, err
		}
		// Each entry takes at least 4 bytes ("i:0;N;" is 6): a declared length past
		// what the input can hold is refused before anything is allocated for it.
		if n > (len(u.s)-u.i)/4 {
			return nil, u.errorf("an array of %d entries in %d bytes", n, len(u.s)-u.i)
		}
		a := make(PHPArray, 0, n)
		for range n {
			ko := u.i
			k, err := u.value(depth + 1)
			if err != nil {
				return nil, err
			}
			switch k.(type) {
			case int64, string:
			default:
				return nil, &PHPError{Offset: ko, Msg: "an array key that is neither an integer nor a string"}
			}
			v, err := u.value(depth + 1)
			if err != nil {
				return nil, err
			}
			a = append(a, PHPEntry{Key: k, Value: v})
		}
		return a, u.expect('}')
	case 'O', 'C', 'E', 'r', 'R':
		return nil, &PHPError{Offset: u.i - 2, Msg: fmt.Sprintf("%q values (objects, enums, references) are not read", kind)}
	}
	return nil, &PHPError{Offset: u.i - 2, Msg: fmt.Sprintf("unknown type %q", kind)}
}

// length reads a non-negative decimal length and the colon after it.
func (u *unserializer) length() (int, error) {
	t, err := u.until(':')
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(t)
	if err != nil || n < 0 || len(t) > 10 {
		return 0, u.errorf("length %q", clip(t, 20))
	}
	return n, nil
}

// ParseAttachmentMetadata reads the meta _wp_attachment_metadata: the PHP serialized
// array wp_generate_attachment_metadata writes. "" gives (nil, nil); a value that is
// not an array, or does not unserialize, an error. Numbers WordPress stored as strings
// ("1200") are read as numbers; a field of the wrong type is an error.
func ParseAttachmentMetadata(s string) (*AttachmentMetadata, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	v, err := Unserialize(s)
	if err != nil {
		return nil, err
	}
	a, ok := v.(PHPArray)
	if !ok {
		return nil, errors.New("not an array")
	}
	md := &AttachmentMetadata{}
	var ferr error
	num := func(a PHPArray, k string) int64 {
		v, ok := a.Get(k)
		if !ok || ferr != nil {
			return 0
		}
		n, ok := phpNumber(v)
		if !ok {
			ferr = fmt.Errorf("%q is not a number", k)
		}
		return n
	}
	str := func(a PHPArray, k string) string {
		v, ok := a.Get(k)
		if !ok || v == nil || ferr != nil {
			return ""
		}
		switch v := v.(type) {
		case string:
			return v
		case int64:
			return strconv.FormatInt(v, 10)
		case float64:
			return strconv.FormatFloat(v, 'g', -1, 64)
		case bool:
			if v {
				return "1"
			}
			return ""
		}
		ferr = fmt.Errorf("%q is not text", k)
		return ""
	}
	md.Width = int(num(a, "width"))
	md.Height = int(num(a, "height"))
	md.File = str(a, "file")
	md.FileSize = num(a, "filesize")
	md.OriginalImage = str(a, "original_image")
	if v, ok := a.Get("sizes"); ok {
		sizes, ok := v.(PHPArray)
		if !ok {
			return nil, errors.New(`"sizes" is not an array`)
		}
		md.Sizes = make(map[string]ImageSize, len(sizes))
		for _, e := range sizes {
			name, _ := e.Key.(string)
			sa, ok := e.Value.(PHPArray)
			if name == "" || !ok {
				return nil, errors.New(`an entry of "sizes" is not a named array`)
			}
			md.Sizes[name] = ImageSize{File: str(sa, "file"), Width: int(num(sa, "width")), Height: int(num(sa, "height")),
				MimeType: str(sa, "mime-type"), FileSize: num(sa, "filesize")}
		}
	}
	if v, ok := a.Get("image_meta"); ok {
		im, ok := v.(PHPArray)
		if !ok {
			return nil, errors.New(`"image_meta" is not an array`)
		}
		md.ImageMeta = ImageMeta{
			Aperture: str(im, "aperture"), Credit: str(im, "credit"), Camera: str(im, "camera"),
			Caption: str(im, "caption"), CreatedTimestamp: str(im, "created_timestamp"),
			Copyright: str(im, "copyright"), FocalLength: str(im, "focal_length"), ISO: str(im, "iso"),
			ShutterSpeed: str(im, "shutter_speed"), Title: str(im, "title"), Orientation: str(im, "orientation"),
		}
		if kw, ok := im.Get("keywords"); ok {
			ka, ok := kw.(PHPArray)
			if !ok {
				return nil, errors.New(`"keywords" is not an array`)
			}
			for _, e := range ka {
				if s, ok := e.Value.(string); ok {
					md.ImageMeta.Keywords = append(md.ImageMeta.Keywords, s)
				}
			}
		}
	}
	if ferr != nil {
		return nil, ferr
	}
	return md, nil
}

// phpNumber reads an integer PHP stored as int, float or numeric string; false for
// anything else, a negative number or one past 2^47 (no picture or file is that large).
func phpNumber(v any) (int64, bool) {
	var n int64
	switch v := v.(type) {
	case int64:
		n = v
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, false
		}
		n = int64(v)
	case string:
		i, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return 0, false
		}
		n = i
	case nil:
		return 0, true
	default:
		return 0, false
	}
	if n < 0 || n > math.MaxInt32*int64(1<<16) {
		return 0, false
	}
	return n, true
}
