package api_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"broadsheet/internal/api"
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

// TestAPIUploadRecordedWhenTheClientLeaves: an image whose files were stored through
// POST /media is in the library even when the client left just after, never files on
// disk that no library item names.
func TestAPIUploadRecordedWhenTheClientLeaves(t *testing.T) {
	e := newEnv(t)
	author := e.token(t, news.RoleAuthor)
	dir := t.TempDir()
	lib := &cancelAfterStore{Files: media.Dir(dir)}
	srv := api.New(e.db, api.Config{BaseURL: baseURL, ArticlePath: e.site.ArticlePath, FeedIDBase: e.site.FeedIDBase,
		Now: func() time.Time { return now }, Location: e.site.Location, CommentPath: e.site.CommentPath,
		Secret: e.site.Secret(), Sync: e.site.Sync, Media: lib})

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("alt", "A small square")
	fw, _ := mw.CreateFormFile("file", "square.png")
	fw.Write(pngImage(12, 12))
	mw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	lib.mu.Lock()
	lib.cancel = cancel
	lib.mu.Unlock()
	req := httptest.NewRequestWithContext(ctx, "POST", baseURL+"/api/v1/media", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+author)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)

	files, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no file stored (%d %s): the test did not reach the record", rec.Code, rec.Body)
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
