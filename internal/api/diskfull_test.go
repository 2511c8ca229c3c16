package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"broadsheet/internal/api"
	"broadsheet/internal/media"
	"broadsheet/internal/news"
)

// fullDisk is a media folder on a disk that fills up: every file's write fails with
// ENOSPC after its first bytes, as a full filesystem answers (what a small tmpfs did
// to `serve --media-dir` by hand).
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

// An upload through the API onto a full disk is refused with 507 Insufficient Storage
// saying so and that nothing was uploaded (it was a 500 "could not answer", which
// tells a client to retry at once and an operator nothing); nothing is stored, no file
// is left behind.
func TestAdminAPIUploadOnAFullDisk(t *testing.T) {
	e := newEnv(t)
	tok := e.token(t, news.RoleAuthor)
	full := api.New(e.db, api.Config{BaseURL: baseURL, ArticlePath: e.site.ArticlePath, FeedIDBase: e.site.FeedIDBase,
		Cache: e.site.Cache(), Now: func() time.Time { return now }, Location: e.site.Location, CommentPath: e.site.CommentPath,
		Secret: e.site.Secret(), Sync: e.site.Sync, Media: fullDisk{media.Dir(e.mediaDir)}})
	e.http.Close()
	e.http = httptest.NewServer(full)
	res, raw := e.upload(t, tok, map[string]string{"alt": "Boats in the harbour"}, pngImage(1200, 800))
	var p struct {
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}
	json.Unmarshal(raw, &p)
	if res.StatusCode != http.StatusInsufficientStorage || p.Status != 507 || !strings.Contains(p.Detail, "full") || !strings.Contains(p.Detail, "Nothing was") {
		t.Errorf("an upload onto a full disk: %d %s", res.StatusCode, raw)
	}
	if all, _ := e.db.MediaLibrary(context.Background(), 10); len(all) != 0 {
		t.Errorf("the library holds %d images", len(all))
	}
	if files, _ := os.ReadDir(e.mediaDir); len(files) != 0 {
		t.Errorf("the media folder holds %d files", len(files))
	}
}
