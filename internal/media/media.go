// Package media takes images uploaded by the newsroom and makes them safe to serve:
// the format is read from the bytes (never from the name), the size and the pixel
// count are bounded (a decompression bomb is refused before it is decoded), every
// image is decoded and encoded again (which drops EXIF, GPS and any other metadata),
// and smaller variants are made once, at upload, for srcset. Files are kept behind the
// Files interface; Dir keeps them in a directory.
package media

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	xdraw "golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // decoding only: WebP uploads are stored as JPEG or PNG
)

// Limits on uploads.
const (
	MaxBytes  = 15 << 20   // a camera's full-size JPEG fits
	MaxPixels = 50_000_000 // about 8,660 × 5,770; more is refused before decoding
	MaxSide   = 20_000
)

// Widths of the variants made for srcset (only those narrower than the original).
var Widths = []int{480, 960, 1600}

// Error is an upload refused, with the words for the person who sent it.
type Error struct{ Reason string }

func (e *Error) Error() string { return e.Reason }

// Files keeps media files by name; later storage (object stores) implements it too.
type Files interface {
	Create(name string, data []byte) error
	Open(name string) (fs.File, error)
}

// Dir keeps files in a directory.
type Dir string

// Create writes the file whole or not at all (through a temporary file and a rename).
func (d Dir) Create(name string, data []byte) error {
	if strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return fmt.Errorf("media: bad file name %q", name)
	}
	if err := os.MkdirAll(string(d), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(string(d), ".upload-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(string(d), name))
}

// Open opens a stored file.
func (d Dir) Open(name string) (fs.File, error) {
	if strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return nil, fs.ErrNotExist
	}
	return os.Open(filepath.Join(string(d), name))
}

// Variant is one stored size of an image.
type Variant struct {
	Name          string
	Width, Height int
}

// Image is an accepted upload: the main file and its smaller variants, widest last.
type Image struct {
	ContentType string
	Width       int
	Height      int
	Bytes       int
	Name        string
	Variants    []Variant
}

// Srcset is the srcset attribute's value for the image under the URL prefix.
func (im *Image) Srcset(prefix string) string {
	var parts []string
	for _, v := range im.Variants {
		parts = append(parts, fmt.Sprintf("%s%s %dw", prefix, v.Name, v.Width))
	}
	parts = append(parts, fmt.Sprintf("%s%s %dw", prefix, im.Name, im.Width))
	return strings.Join(parts, ", ")
}

// Process checks an upload, cleans it and stores it with its variants under fresh
// names. It refuses, with an *Error, anything that is not a JPEG, PNG, GIF or WebP
// image within the limits.
func Process(files Files, r io.Reader) (*Image, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	if len(data) > MaxBytes {
		return nil, &Error{fmt.Sprintf("The file is larger than %d MB.", MaxBytes>>20)}
	}
	if len(data) == 0 {
		return nil, &Error{"The file is empty."}
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, &Error{"This file is not a JPEG, PNG, GIF or WebP image, whatever its name says."}
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxSide || cfg.Height > MaxSide || cfg.Width*cfg.Height > MaxPixels {
		return nil, &Error{fmt.Sprintf("The image is %d × %d pixels; at most %d million pixels are accepted.", cfg.Width, cfg.Height, MaxPixels/1_000_000)}
	}
	var (
		img     image.Image
		encoded []byte
		ext     string
		ctype   string
	)
	switch format {
	case "gif":
		// All frames, so that an animation stays one; comments and other
		// extensions are not written again.
		g, err := gif.DecodeAll(bytes.NewReader(data))
		if err != nil {
			return nil, &Error{"The GIF image could not be read: " + err.Error()}
		}
		var buf bytes.Buffer
		if err := gif.EncodeAll(&buf, &gif.GIF{Image: g.Image, Delay: g.Delay, LoopCount: g.LoopCount, Disposal: g.Disposal, Config: g.Config}); err != nil {
			return nil, err
		}
		img, encoded, ext, ctype = g.Image[0], buf.Bytes(), ".gif", "image/gif"
	case "jpeg", "png", "webp":
		img, _, err = image.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, &Error{"The image could not be read: " + err.Error()}
		}
		if encoded, ext, ctype, err = encode(img, format == "png" || (format == "webp" && !opaque(img))); err != nil {
			return nil, err
		}
	default:
		return nil, &Error{"Only JPEG, PNG, GIF and WebP images are accepted."}
	}
	base := newName()
	out := &Image{ContentType: ctype, Width: cfg.Width, Height: cfg.Height, Bytes: len(encoded), Name: base + ext}
	for _, w := range Widths {
		if w >= cfg.Width {
			break
		}
		h := max(1, cfg.Height*w/cfg.Width)
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		xdraw.CatmullRom.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Over, nil)
		small, vext, _, err := encode(dst, ext == ".png" || ext == ".gif" && !opaque(img))
		if err != nil {
			return nil, err
		}
		v := Variant{Name: fmt.Sprintf("%s-%d%s", base, w, vext), Width: w, Height: h}
		if err := files.Create(v.Name, small); err != nil {
			return nil, fmt.Errorf("store image variant: %w", err)
		}
		out.Variants = append(out.Variants, v)
	}
	if err := files.Create(out.Name, encoded); err != nil {
		return nil, fmt.Errorf("store image: %w", err)
	}
	return out, nil
}

// encode writes img as PNG (lossless, for graphics and transparency) or JPEG.
func encode(img image.Image, asPNG bool) ([]byte, string, string, error) {
	var buf bytes.Buffer
	if asPNG {
		if err := png.Encode(&buf, img); err != nil {
			return nil, "", "", err
		}
		return buf.Bytes(), ".png", "image/png", nil
	}
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		return nil, "", "", err
	}
	return buf.Bytes(), ".jpg", "image/jpeg", nil
}

func opaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}

func newName() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// ContentType gives a stored file's type from its name, which Process chose.
func ContentType(name string) (string, error) {
	switch filepath.Ext(name) {
	case ".jpg":
		return "image/jpeg", nil
	case ".png":
		return "image/png", nil
	case ".gif":
		return "image/gif", nil
	}
	return "", errors.New("not a media file")
}

// Handler serves stored files under their names: with the type their name gives (never
// sniffed), cached for a year (names are never reused), and in a sandbox should a
// browser open one as a document.
func Handler(files Files) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := path.Base(r.URL.Path)
		ctype, err := ContentType(name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		f, err := files.Open(name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		h := w.Header()
		h.Set("Content-Type", ctype)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		if rs, ok := f.(io.ReadSeeker); ok {
			http.ServeContent(w, r, name, time.Time{}, rs)
			return
		}
		io.Copy(w, f)
	})
}
