// Package media takes images uploaded by the newsroom and makes them safe to serve:
// the format is read from the bytes (never from the name), the size and the pixel
// count are bounded, and before a pixel is decoded the memory that decoding,
// re-encoding and scaling the image will take is estimated from its headers (every
// frame of a GIF, the bit depth of a PNG, the components and coding of a JPEG, the
// kind of a WebP) and anything over MaxImageMemory is refused: a decompression bomb
// costs a few header reads. So is the CPU time processing will take (every scan of a
// JPEG and the blocks it visits, every GIF frame, the pixels through each decoder
// and encoder), and anything over MaxImageWork is refused: a JPEG of a thousand
// progressive scans costs a walk over its markers. Images are processed at most
// MaxProcessing at once and within MaxProcessingMemory together; the rest wait,
// while their client waits; a decoder stops at its next read of 1 KiB once the
// client has left. Every image is decoded and encoded again (which drops EXIF, GPS
// and any other metadata), after what of the metadata changes the picture has been
// applied to the pixels: the EXIF orientation turns them, and an ICC profile's
// colours are converted to sRGB (or the profile kept, or the image refused; see
// icc.go). Smaller variants are made once, at upload, for srcset; an animated GIF
// gets none. Files are kept behind the Files interface; Dir keeps them in a
// directory.
package media

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
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

	"golang.org/x/image/webp" // decoding only: WebP uploads are stored as JPEG or PNG
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
	// Create stores a new file: write is called once with a writer to it, and the
	// file exists, whole, only if write and the storing succeed.
	Create(name string, write func(io.Writer) error) error
	Open(name string) (fs.File, error)
	// Remove deletes a stored file (Process removes what it stored of an image it
	// could not finish).
	Remove(name string) error
}

// Dir keeps files in a directory.
type Dir string

func validName(name string) bool {
	return name != "" && !strings.ContainsAny(name, `/\`) && !strings.HasPrefix(name, ".")
}

// Create writes the file whole or not at all: through a temporary file, synced, then
// renamed into place. Files are created 0644 and folders 0755, less the process's
// umask (as cp, tar and nginx's own uploads do), so that a web server running as
// another user can serve the folder directly; os.CreateTemp's 0600 would not let it.
func (d Dir) Create(name string, write func(io.Writer) error) error {
	if !validName(name) {
		return fmt.Errorf("media: bad file name %q", name)
	}
	if err := os.MkdirAll(string(d), 0o755); err != nil {
		return err
	}
	tmp, err := createTemp(string(d))
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriterSize(tmp, 64<<10)
	if err := write(bw); err != nil {
		tmp.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	// Renamed while still open, so still locked: closed first, the temporary file was
	// free for RemoveAbandoned to take for a dead process's and remove before its
	// rename.
	if err := os.Rename(tmp.Name(), filepath.Join(string(d), name)); err != nil {
		tmp.Close()
		return err
	}
	return tmp.Close()
}

// tempPrefix starts the names of files being stored.
const tempPrefix = ".upload-"

// createTemp creates a new file of a random name starting with "." (never served:
// validName refuses it) in dir, with mode 0644 less the umask, locked as being written
// (lockTemp) so that RemoveAbandoned leaves it alone while this process lives.
func createTemp(dir string) (*os.File, error) {
	for range 10 {
		path := filepath.Join(dir, tempPrefix+newName())
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		locked, err := lockTemp(f)
		if err != nil {
			f.Close()
			os.Remove(path)
			return nil, fmt.Errorf("media: lock a temporary file: %w", err)
		}
		// Between the creation and the lock, RemoveAbandoned may have taken the file
		// for a dead process's: it holds the lock, or removed the name already.
		if st, err := os.Stat(path); !locked || err != nil || !sameFile(f, st) {
			f.Close()
			continue
		}
		return f, nil
	}
	return nil, fmt.Errorf("media: no free temporary name in %s", dir)
}

func sameFile(f *os.File, st os.FileInfo) bool {
	fst, err := f.Stat()
	return err == nil && os.SameFile(fst, st)
}

// RemoveAbandoned removes the temporary files of stores that will never finish: the
// process writing them was killed or crashed (no process holds their lock, and they
// have not been written for 10 minutes; where locks do not exist, untouched for a
// day). Stores under way, in this process or
// another sharing the folder, are left alone. It returns how many it removed; a
// folder that does not exist has none.
//
// The folder is read in batches, unsorted: a large library's holds a million files (an
// image and its sizes), and os.ReadDir's whole sorted list of them held about 120 bytes
// a file, each hour.
func (d Dir) RemoveAbandoned() (int, error) {
	dir, err := os.Open(string(d))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("media: %w", err)
	}
	defer dir.Close()
	n := 0
	for {
		entries, err := dir.ReadDir(512)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), tempPrefix) && e.Type().IsRegular() && d.removeAbandoned(e.Name()) {
				n++
			}
		}
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("media: %w", err)
		}
	}
}

// removeAbandoned removes the temporary file name if no process writes it any longer,
// and reports whether it did.
func (d Dir) removeAbandoned(name string) bool {
	path := filepath.Join(string(d), name)
	f, err := os.Open(path)
	if err != nil {
		return false // removed meanwhile: its store ended
	}
	defer f.Close()
	// The file is removed while its lock is held, and only if the name is still the
	// file locked.
	st, err := os.Stat(path)
	return err == nil && sameFile(f, st) && abandoned(f, st) && os.Remove(path) == nil
}

// Open opens a stored file.
func (d Dir) Open(name string) (fs.File, error) {
	if !validName(name) {
		return nil, fs.ErrNotExist
	}
	return os.Open(filepath.Join(string(d), name))
}

// Remove deletes a stored file.
func (d Dir) Remove(name string) error {
	if !validName(name) {
		return fs.ErrNotExist
	}
	return os.Remove(filepath.Join(string(d), name))
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

// Remove deletes the image's files (its own and its variants') from files: what
// Process stored, when the library item naming them could not be recorded. Errors
// are ignored: a file already gone is what is wanted.
func (im *Image) Remove(files Files) {
	for _, v := range im.Variants {
		files.Remove(v.Name)
	}
	files.Remove(im.Name)
}

// Process checks an upload, cleans it and stores it with its variants under fresh
// names. It refuses, with an *Error, anything that is not a JPEG, PNG, GIF or WebP
// image within the limits (an animated WebP or PNG, a CMYK JPEG with its print profile, a
// damaged colour profile included), or whose processing would need more than MaxImageMemory
// or take more than MaxImageWork (a JPEG of more than MaxScans scans, too);
// with ErrBusy when MaxWaiting uploads already wait for their turn. While it waits
// for its turn, or while it works, it gives up when ctx ends (the client left),
// storing nothing, and returns ctx's error.
func Process(ctx context.Context, files Files, r io.Reader) (*Image, error) {
	data, err := readUpload(r)
	if err != nil {
		return nil, err
	}
	p, err := inspect(data)
	if err != nil {
		return nil, err
	}
	if p.cost > MaxImageMemory {
		return nil, p.tooCostly()
	}
	if p.work > MaxImageWork {
		return nil, p.tooSlow()
	}
	if err := checkConfig(data, p); err != nil {
		return nil, err
	}
	release, err := processing.acquire(ctx, p.cost)
	if err != nil {
		if errors.Is(err, ErrBusy) {
			return nil, ErrBusy
		}
		return nil, fmt.Errorf("media: upload given up while waiting to be processed: %w", err)
	}
	defer release()
	return process(ctx, files, data, p)
}

// readUpload reads the whole upload, into a buffer of its exact size when r can tell
// it (a multipart file, a bytes.Reader), refusing more than MaxBytes unread.
func readUpload(r io.Reader) ([]byte, error) {
	tooLarge := &Error{fmt.Sprintf("The file is larger than %d MB.", MaxBytes>>20)}
	var data []byte
	if n, ok := remaining(r); ok {
		if n > MaxBytes {
			return nil, tooLarge
		}
		data = make([]byte, n)
		if _, err := io.ReadFull(r, data); err != nil {
			return nil, fmt.Errorf("read upload: %w", err)
		}
		var more [1]byte
		if k, _ := r.Read(more[:]); k > 0 {
			return nil, errors.New("read upload: the file grew while it was read")
		}
	} else {
		var err error
		if data, err = io.ReadAll(io.LimitReader(r, MaxBytes+1)); err != nil {
			return nil, fmt.Errorf("read upload: %w", err)
		}
		if len(data) > MaxBytes {
			return nil, tooLarge
		}
	}
	if len(data) == 0 {
		return nil, &Error{"The file is empty."}
	}
	return data, nil
}

// remaining is how many bytes a seekable r has left.
func remaining(r io.Reader) (int64, bool) {
	s, ok := r.(io.Seeker)
	if !ok {
		return 0, false
	}
	cur, err := s.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, false
	}
	end, err := s.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, false
	}
	if _, err := s.Seek(cur, io.SeekStart); err != nil {
		return 0, false
	}
	return end - cur, true
}

// checkConfig asks the format's own decoder for the image's size, which must be what
// inspect read: the plan is then about the image that will be decoded.
func checkConfig(data []byte, p *plan) error {
	decodeConfig := map[string]func(io.Reader) (image.Config, error){
		"gif": gif.DecodeConfig, "jpeg": jpeg.DecodeConfig, "png": png.DecodeConfig, "webp": webp.DecodeConfig,
	}[p.format]
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil {
		return &Error{fmt.Sprintf("The %s image could not be read (%v); it may be damaged.", strings.ToUpper(p.format), err)}
	}
	if cfg.Width != p.width || cfg.Height != p.height {
		return &Error{fmt.Sprintf("The %s image's headers disagree about its size; it may be damaged.", strings.ToUpper(p.format))}
	}
	return nil
}

// process decodes, encodes again and stores the image and its variants.
func process(ctx context.Context, files Files, data []byte, p *plan) (*Image, error) {
	in := &ctxReader{ctx: ctx, r: bytes.NewReader(data)}
	var (
		src        image.Image     // what the variants are made from
		canvas     image.Rectangle // the area shown
		write      func(io.Writer) error
		ext, ctype string
		profile    []byte // an ICC profile to embed again in every file (colourKeep)
	)
	switch p.format {
	case "gif":
		// All frames, so that an animation stays one; comments and other
		// extensions are not written again.
		g, err := gif.DecodeAll(in)
		if err != nil {
			return nil, unreadable(ctx, "GIF", err)
		}
		canvas = image.Rect(0, 0, g.Config.Width, g.Config.Height)
		if len(g.Image) == 1 {
			// An animation gets no still variants: srcset would offer browsers a
			// single frame, which they pick on narrower screens, and the picture
			// would stop moving there. Scaled animations were measured against
			// this: see ARCHITECTURE.md (270 ms of CPU a 1200 × 400 frame).
			src = g.Image[0]
		}
		write = func(w io.Writer) error {
			err := gif.EncodeAll(w, &gif.GIF{Image: g.Image, Delay: g.Delay, LoopCount: g.LoopCount, Disposal: g.Disposal,
				Config: g.Config, BackgroundIndex: g.BackgroundIndex})
			g.Image = nil // only the first frame is needed from here on
			return err
		}
		ext, ctype = ".gif", "image/gif"
	case "jpeg", "png", "webp":
		decode := map[string]func(io.Reader) (image.Image, error){"jpeg": jpeg.Decode, "png": png.Decode, "webp": webp.Decode}[p.format]
		img, err := decode(in)
		if err != nil {
			return nil, unreadable(ctx, strings.ToUpper(p.format), err)
		}
		asPNG := p.format == "png"
		switch m := img.(type) {
		case *image.CMYK: // a four-component JPEG
			img = cmykToRGBA(m) // in place: jpeg.Encode has a fast path for RGBA, none for CMYK
		case *image.NYCbCrA: // a lossy WebP with an alpha channel
			if m.Opaque() {
				img = &m.YCbCr
			} else {
				n := image.NewNRGBA(m.Bounds())
				draw.Draw(n, n.Rect, m, m.Rect.Min, draw.Src)
				img, asPNG = n, true
			}
		case *image.NRGBA:
			if p.format != "webp" {
				break
			}
			// A lossless WebP: a JPEG when opaque, where non-premultiplied colours
			// are premultiplied ones, and jpeg.Encode has a fast path for RGBA.
			if m.Opaque() {
				img = &image.RGBA{Pix: m.Pix, Stride: m.Stride, Rect: m.Rect}
			} else {
				asPNG = true
			}
		}
		// Colours made sRGB, or the profile kept; then the pixels turned as the EXIF
		// orientation says, before the metadata is dropped (meta.go, icc.go).
		switch p.colour.action {
		case colourConvert:
			img = newTransform(&p.colour).apply(img)
		case colourKeep:
			profile = p.colour.profile
		}
		img = orient(img, p.meta.orientation)
		src, canvas = img, img.Bounds()
		if asPNG {
			write, ext, ctype = writePNG(img), ".png", "image/png"
		} else {
			write, ext, ctype = writeJPEG(img), ".jpg", "image/jpeg"
		}
	default:
		return nil, &Error{"Only JPEG, PNG, GIF and WebP images are accepted."}
	}

	base := newName()
	width, height := p.shownSize()
	out := &Image{ContentType: ctype, Width: width, Height: height, Name: base + ext}
	// looks puts into a file what of the metadata is kept: the colour profile
	// (colourKeep) and, in a PNG, the cICP chunk.
	looks := func(write func(io.Writer) error, ext string) func(io.Writer) error {
		write = withProfile(write, profile, ext == ".png")
		if ext == ".png" {
			write = withCICP(write, p.colour.cicp)
		}
		return write
	}
	write = looks(write, ext)
	var stored []string
	fail := func(err error) (*Image, error) {
		for _, name := range stored {
			files.Remove(name)
		}
		return nil, err
	}
	n, err := store(ctx, files, out.Name, write)
	if err != nil {
		return fail(fmt.Errorf("store image: %w", err))
	}
	stored, out.Bytes = append(stored, out.Name), n
	var scaled []*scaler
	if src != nil {
		scaled, err = scaleVariants(ctx, src, canvas, Widths)
	}
	if err != nil {
		return fail(fmt.Errorf("scale image: %w", err))
	}
	for _, s := range scaled {
		v := Variant{Width: s.dst.Rect.Dx(), Height: s.dst.Rect.Dy()}
		write, vext := writeJPEG(s.dst), ".jpg"
		if ext == ".png" || ext == ".gif" && !s.opaque {
			write, vext = writePNG(s.dst), ".png"
		}
		write = looks(write, vext)
		v.Name = fmt.Sprintf("%s-%d%s", base, v.Width, vext)
		if _, err := store(ctx, files, v.Name, write); err != nil {
			return fail(fmt.Errorf("store image variant: %w", err))
		}
		stored = append(stored, v.Name)
		out.Variants = append(out.Variants, v)
	}
	return out, nil
}

// unreadable is the error for an image its decoder refused, or ctx's when it ended.
func unreadable(ctx context.Context, format string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("media: processing given up: %w", ctx.Err())
	}
	return &Error{fmt.Sprintf("The %s image could not be read (%v); it may be damaged or cut short.", format, err)}
}

// store creates name with what write writes, counting the bytes; writing fails once
// ctx ends, which stops any encoder.
func store(ctx context.Context, files Files, name string, write func(io.Writer) error) (int, error) {
	var n int
	err := files.Create(name, func(w io.Writer) error {
		cw := &ctxWriter{ctx: ctx, w: w}
		err := write(cw)
		n = cw.n
		return err
	})
	return n, err
}

func writeJPEG(img image.Image) func(io.Writer) error {
	return func(w io.Writer) error { return jpeg.Encode(w, img, &jpeg.Options{Quality: 85}) }
}

// writePNG encodes at BestSpeed: compress/flate's other levels search hash chains
// (128 candidates a byte at the default level), and content made for it (random
// bytes of a few values) takes 280 ns a byte, 14 seconds for an image that fits an
// upload; BestSpeed's single probe takes at most 10. Files are about 6% larger.
func writePNG(img image.Image) func(io.Writer) error {
	return func(w io.Writer) error { return (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(w, img) }
}

// cmykToRGBA converts a CMYK image to RGBA in its own pixels (both 4 bytes a pixel).
func cmykToRGBA(m *image.CMYK) *image.RGBA {
	p := m.Pix
	for i := 0; i+4 <= len(p); i += 4 {
		p[i], p[i+1], p[i+2] = color.CMYKToRGB(p[i], p[i+1], p[i+2], p[i+3])
		p[i+3] = 0xff
	}
	return &image.RGBA{Pix: p, Stride: m.Stride, Rect: m.Rect}
}

// ctxReader fails its reads once ctx ends, which stops any decoder at its next read.
// It gives at most ctxReadSize bytes a read, so that a decoder asks again soon: the
// work a decoder does between two reads is the work of the bytes it got, and a byte
// of a progressive JPEG may stand for thousands of blocks (the work budget bounds
// the whole; a read of 1 KiB holds about one scan of the costliest JPEG allowed).
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

const ctxReadSize = 1 << 10

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	if len(p) > ctxReadSize {
		p = p[:ctxReadSize]
	}
	return c.r.Read(p)
}

type ctxWriter struct {
	ctx context.Context
	w   io.Writer
	n   int
}

func (c *ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.w.Write(p)
	c.n += n
	return n, err
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
	if t, ok := FileType(filepath.Ext(name)); ok { // StoreFile's
		return t, nil
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
