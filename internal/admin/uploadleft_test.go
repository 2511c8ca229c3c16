package admin_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"broadsheet/internal/admin"
	"broadsheet/internal/media"
	"broadsheet/internal/news"
)

// cancelAfterStore is a media library that ends the request (cancel) once a file is
// stored: a client that leaves between the files and their record.
type cancelAfterStore struct {
	media.Files
	mu     sync.Mutex
	cancel func()
}

func (c *cancelAfterStore) Create(name string, write func(io.Writer) error) error {
	err := c.Files.Create(name, write)
	c.mu.Lock()
	if c.cancel != nil {
		c.cancel()
	}
	c.mu.Unlock()
	return err
}

// TestUploadRecordedWhenTheClientLeaves: an image whose files were stored is in the
// library even when its uploader's connection ended just after, never files on disk
// that no library item names (and that nobody could ever delete from the admin).
func TestUploadRecordedWhenTheClientLeaves(t *testing.T) {
	dir := t.TempDir()
	lib := &cancelAfterStore{Files: media.Dir(dir)}
	e := newEnvWith(t, func(c *admin.Config) { c.Media = lib })
	e.files = lib
	u := e.addUser(news.RoleContributor)
	b := e.browser()
	b.login(u.Email)
	csrf, cookie := b.csrf(), b.sessionCookie()

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", csrf)
	mw.WriteField("alt", "A small square")
	fw, _ := mw.CreateFormFile("file", "square.png")
	fw.Write(pngImage(12, 12))
	mw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	lib.mu.Lock()
	lib.cancel = cancel
	lib.mu.Unlock()
	req := httptest.NewRequestWithContext(ctx, "POST", e.http.URL+"/admin/media", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: "broadsheet_session", Value: cookie})
	rec := httptest.NewRecorder()
	e.admin.ServeHTTP(rec, req)

	files, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no file stored (%d): the test did not reach the record", rec.Code)
	}
	items, err := e.db.MediaLibrary(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	named := ""
	for _, m := range items {
		named += " " + m.Name + " " + m.Srcset
	}
	for _, f := range files {
		if !strings.Contains(named, f.Name()) {
			t.Errorf("%s is on disk but no library item names it (answer %d)", f.Name(), rec.Code)
		}
	}
}
