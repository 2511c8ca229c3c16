package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxFileBytes is the largest file other than an image the library stores (a PDF,
// a recording): what one copy may cost in disk and time.
const MaxFileBytes = 200 << 20

// fileTypes are the files other than images the library stores as they are, by the
// extension their name keeps: the type they are served with, and the signature their
// first bytes must have (so that a file named .pdf that is not one is refused, not
// served as one).
var fileTypes = map[string]struct {
	ctype string
	is    func(head []byte) bool
}{
	".pdf": {"application/pdf", prefix("%PDF-")},
	".mp3": {"audio/mpeg", func(h []byte) bool {
		return bytes.HasPrefix(h, []byte("ID3")) || len(h) > 1 && h[0] == 0xff && h[1]&0xe0 == 0xe0
	}},
	".m4a":  {"audio/mp4", isoMedia},
	".ogg":  {"audio/ogg", prefix("OggS")},
	".wav":  {"audio/wav", func(h []byte) bool { return len(h) >= 12 && string(h[:4]) == "RIFF" && string(h[8:12]) == "WAVE" }},
	".mp4":  {"video/mp4", isoMedia},
	".webm": {"video/webm", prefix("\x1a\x45\xdf\xa3")},
}

func prefix(p string) func([]byte) bool {
	return func(h []byte) bool { return bytes.HasPrefix(h, []byte(p)) }
}

// isoMedia is the ISO base media file format's (MP4, M4A): an "ftyp" box first.
func isoMedia(h []byte) bool { return len(h) >= 8 && string(h[4:8]) == "ftyp" }

// FileType is the type the library stores and serves a file with the extension ext
// (".pdf", any case) as; ok false for one it does not store (images go through
// Process instead).
func FileType(ext string) (ctype string, ok bool) {
	t, ok := fileTypes[strings.ToLower(ext)]
	return t.ctype, ok
}

// StoreFile stores the file r, named with the extension ext, as a new library file
// kept as it is (not an image: see FileType), and returns its name and size in
// bytes. It refuses (an *Error) a type not kept, bytes that are not of the type,
// and a file over MaxFileBytes; nothing is stored then. Reading stops when ctx ends.
func StoreFile(ctx context.Context, files Files, ext string, r io.Reader) (name string, size int64, err error) {
	t, ok := fileTypes[strings.ToLower(ext)]
	if !ok {
		return "", 0, &Error{fmt.Sprintf("Files of type %q are not kept in the library.", ext)}
	}
	r = &ctxReader{ctx: ctx, r: r}
	head := make([]byte, 512)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", 0, err
	}
	head = head[:n]
	if !t.is(head) {
		return "", 0, &Error{fmt.Sprintf("The file is not a %s file, as its name says.", strings.TrimPrefix(strings.ToLower(ext), "."))}
	}
	name = newName() + strings.ToLower(ext)
	tooBig := &Error{fmt.Sprintf("The file is larger than the %d MB the library keeps.", MaxFileBytes>>20)}
	err = files.Create(name, func(w io.Writer) error {
		if _, err := w.Write(head); err != nil {
			return err
		}
		m, err := io.Copy(w, io.LimitReader(r, MaxFileBytes+1-int64(len(head))))
		size = int64(len(head)) + m
		if err != nil {
			return err
		}
		if size > MaxFileBytes {
			return tooBig
		}
		return nil
	})
	if err != nil {
		return "", 0, err
	}
	return name, size, nil
}
