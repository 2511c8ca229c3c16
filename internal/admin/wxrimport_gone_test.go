package admin_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// cancelAtEOF cancels a request's context once its body has been read whole, as
// net/http does when the client closes the connection after sending it.
type cancelAtEOF struct {
	r      io.Reader
	left   int
	cancel context.CancelFunc
}

func (c *cancelAtEOF) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.left -= n; c.left <= 0 || err == io.EOF {
		c.cancel()
	}
	return n, err
}

// An administrator who sends the whole file and then closes the tab (or whose
// connection drops before the answer) has still uploaded it: the upload is recorded
// and checked. The run's record was written with the request's context, so that
// write failed, the file was removed and the run stayed "arriving" for an hour and
// five minutes, refusing every other upload to the site meanwhile.
func TestImportUploadKeptWhenTheClientLeavesAfterTheBody(t *testing.T) {
	e, dir := importEnv(t, nil)
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	csrf := b.csrf()
	f, err := os.Open(themeUnitTest)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	body, ctype := uploadBody(t, csrf, "export.xml", f)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req := httptest.NewRequestWithContext(ctx, "POST", e.http.URL+"/admin/import", &cancelAtEOF{r: body, left: body.Len(), cancel: cancel})
	req.Header.Set("Content-Type", ctype)
	u, _ := url.Parse(e.http.URL + "/admin/import")
	for _, c := range b.client.Jar.Cookies(u) {
		req.AddCookie(c)
	}
	w := httptest.NewRecorder()
	e.admin.ServeHTTP(w, req)
	if w.Code != http.StatusSeeOther {
		t.Errorf("the upload was answered %d, not a redirect to its check:\n%s", w.Code, pageText(w.Body.String()))
	}
	e.admin.WaitImports()
	page := pageText(b.get("/admin/import").body)
	if !strings.Contains(page, "What export.xml holds") {
		t.Fatalf("after the upload the import page does not show what the file holds:\n%s", page)
	}
	if len(filesIn(t, dir)) != 1 {
		t.Errorf("the checked file is not kept for the import: %v", filesIn(t, dir))
	}
}

// A file still arriving is named in its run, so that if the server stops then, the
// next upload (which finds the run abandoned) removes it: the path was recorded only
// once the file had arrived, and a server stopped during an upload left up to
// --import-max-mb on disk that no record named.
func TestImportFileArrivingIsNamedInItsRun(t *testing.T) {
	e, dir := importEnv(t, nil)
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	csrf := b.csrf()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	done := make(chan struct{})
	go func() {
		defer close(done)
		req := bodyRequest(e, "POST", "/admin/import", pr)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		if r, err := b.client.Do(req); err == nil { // the body cut short: an error, or the refusal
			r.Body.Close()
		}
	}()
	mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("file", "export.xml")
	fw.Write([]byte(strings.Repeat("<!-- arriving -->\n", 1000)))
	var run *news.ImportRun
	for range 200 { // until the server has begun the run
		if r, err := e.db.LatestImportRun(t.Context()); err == nil && r.State == news.ImportUploading {
			run = r
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if run == nil {
		t.Fatal("no run began")
	}
	if run.Path == "" || filepath.Dir(run.Path) != dir {
		t.Errorf("the run of a file arriving names no file in the import folder: %q (folder %v)", run.Path, filesIn(t, dir))
	}
	pw.CloseWithError(io.ErrUnexpectedEOF)
	<-done
	for range 200 { // until the server has ended the run
		if r, err := e.db.LatestImportRun(t.Context()); err == nil && r.State != news.ImportUploading {
			run = r
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The upload cut short is the connection's doing, and the page says so: it said
	// the server could not save the file (and logged an error).
	if run.State != news.ImportFailed || !strings.Contains(run.Error, "did not arrive whole") {
		t.Errorf("an upload cut short ends %s: %q", run.State, run.Error)
	}
	if names := filesIn(t, dir); len(names) != 0 {
		t.Errorf("an upload cut short left files: %v", names)
	}
}

// A form whose file part ends without its boundary (a body declared shorter than the
// form, or cut by a proxy) did not arrive whole: the administrator is told so, not
// that the server could not save the file.
func TestImportOfATruncatedFormSaysItDidNotArrive(t *testing.T) {
	e, dir := importEnv(t, nil)
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	body, ctype := uploadBody(t, b.csrf(), "export.xml", strings.NewReader(strings.Repeat("<!-- a line of the export -->\n", 2000)))
	cut := body.Bytes()[:body.Len()/2]
	req := bodyRequest(e, "POST", "/admin/import", bytes.NewReader(cut))
	req.Header.Set("Content-Type", ctype)
	r := b.send(req)
	page := pageText(r.body)
	if r.status != http.StatusBadRequest || !strings.Contains(page, "did not arrive whole") || strings.Contains(page, "could not be saved on the server") {
		t.Errorf("a truncated form: %d\n%s", r.status, page)
	}
	if names := filesIn(t, dir); len(names) != 0 {
		t.Errorf("the truncated upload left files: %v", names)
	}
}
