package admin_test

import (
	"context"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"

	"broadsheet/internal/admin"
	"broadsheet/internal/media"
	"broadsheet/internal/news"
)

// fullDisk is a media folder on a disk that fills up: every file's write fails with
// ENOSPC after its first bytes, as a full filesystem answers.
type fullDisk struct{ media.Dir }

func (d fullDisk) Create(name string, write func(io.Writer) error) error {
	return d.Dir.Create(name, func(w io.Writer) error {
		return write(&enospcWriter{w: w, left: 4096})
	})
}

type enospcWriter struct {
	w    io.Writer
	left int
}

func (e *enospcWriter) Write(p []byte) (int, error) {
	if len(p) > e.left {
		n, _ := e.w.Write(p[:e.left])
		e.left = 0
		return n, &os.PathError{Op: "write", Path: "media/.upload-x", Err: syscall.ENOSPC}
	}
	e.left -= len(p)
	return e.w.Write(p)
}

// An upload onto a full disk is answered 507 saying the disk is full and that nothing
// was uploaded (it was "could not be stored", a 500, which reads as "try again");
// nothing is stored and no file is left.
func TestUploadOnAFullDisk(t *testing.T) {
	dir := t.TempDir()
	e := newEnvWith(t, func(c *admin.Config) { c.Media = fullDisk{media.Dir(dir)} })
	e.addUser(news.RoleContributor)
	b := e.browser()
	b.login("contributor@newsroom.example")
	r := b.multipartPost("/admin/media", map[string]string{"csrf": b.csrf(), "alt": "The harbour at dawn"}, "file", "p.png", pngImage(1200, 800))
	if r.status != 507 || !strings.Contains(r.body, "disk is full") || !strings.Contains(r.body, "Nothing was uploaded") {
		t.Errorf("an upload onto a full disk: %d\n%s", r.status, firstLine(r.body, "disk is full"))
	}
	if items, _ := e.db.MediaLibrary(context.Background(), 10); len(items) != 0 {
		t.Errorf("%d items stored", len(items))
	}
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Errorf("the media folder holds %d files", len(files))
	}
}
