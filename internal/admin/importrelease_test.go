package admin_test

// Releasing an import run whose server stopped: the import screen names who began it
// and when, an administrator releases it after confirming, and a run that is alive
// (it beat lately, or this very server works on it) is never released.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"broadsheet/internal/admin"
	"broadsheet/internal/news"
)

// stuckRun records an import run left running by a server that stopped: begun by
// starter, its last heartbeat when it began, at the test clock's time minus ago.
func stuckRun(t *testing.T, e *env, starter *news.User, ago time.Duration) *news.ImportRun {
	t.Helper()
	at := e.clock.Now().Add(-ago)
	run := &news.ImportRun{Kind: "wxr", State: news.ImportRunning, UserID: starter.ID, FileName: "oldsite.xml", Node: "crashed-host/4242/abc",
		Path: "/nonexistent/broadsheet-wxr-stuck.xml", Bytes: 1 << 20, ExpiresAt: e.clock.Now().Add(time.Hour)}
	if _, _, err := e.db.BeginImportRun(t.Context(), run, at); err != nil {
		t.Fatal(err)
	}
	return run
}

func TestReleaseStuckImport(t *testing.T) {
	e, _ := importEnv(t, nil)
	e.addUser(news.RoleAdministrator)
	e.addUser(news.RoleEditor)
	hash, _ := e.db.UserByEmail(t.Context(), "administrator@newsroom.example")
	starter := &news.User{Email: "mira@newsroom.example", Name: "Mira Okafor", Role: news.RoleAdministrator, PasswordHash: hash.PasswordHash}
	if err := e.db.CreateUser(t.Context(), starter); err != nil {
		t.Fatal(err)
	}
	admin := e.browser()
	admin.login("administrator@newsroom.example")
	csrf := admin.csrf()
	run := stuckRun(t, e, starter, 10*time.Minute)
	release := fmt.Sprintf("/admin/import/%d/release", run.ID)
	state := func() news.ImportState {
		got, err := e.db.ImportRun(t.Context(), run.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.State
	}

	// The page says the run has stopped, who began it and when, and offers the release.
	page := admin.get("/admin/import")
	text := pageText(page.body)
	if !strings.Contains(page.body, `action="`+release+`"`) || !strings.Contains(text, "sign of life for this import for 10 minutes") ||
		!strings.Contains(text, "by Mira Okafor") || !strings.Contains(text, "It was begun") {
		t.Fatalf("the import page does not offer to release the stuck run (%s):\n%s", release, page.body)
	}
	if r := admin.uploadFile(csrf, themeUnitTest); r.status != http.StatusConflict {
		t.Fatalf("an upload while the stuck run holds the site: %d", r.status)
	}

	// Refused: an editor, a forged form, a press without the confirmation.
	editor := e.browser()
	editor.login("editor@newsroom.example")
	if r := editor.post(release, url.Values{"csrf": {editor.csrf()}, "confirm": {"yes"}}); r.status != http.StatusForbidden {
		t.Errorf("an editor's release: %d", r.status)
	}
	if r := admin.post(release, url.Values{"csrf": {"forged"}, "confirm": {"yes"}}); r.status != http.StatusForbidden {
		t.Errorf("a release with a forged token: %d", r.status)
	}
	if r := admin.post(release, url.Values{"csrf": {csrf}}); r.status != http.StatusSeeOther || !strings.Contains(admin.told(r), "Nothing was released") {
		t.Errorf("a release not confirmed: %d", r.status)
	}
	if s := state(); s != news.ImportRunning {
		t.Fatalf("a refused release left the run %s", s)
	}

	// Confirmed: released, the run says by whom, and the site takes a new file at once.
	r := admin.post(release, url.Values{"csrf": {csrf}, "confirm": {"yes"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("release: %d %s", r.status, pageText(r.body))
	}
	if told := admin.told(r); !strings.Contains(told, "oldsite.xml") || !strings.Contains(told, "was released") {
		t.Errorf("the release's confirmation: %q", told)
	}
	got, _ := e.db.ImportRun(t.Context(), run.ID)
	if got.State != news.ImportFailed || !strings.Contains(got.Error, "Released by The administrator") {
		t.Errorf("the released run: %s %q", got.State, got.Error)
	}
	if r := admin.uploadFile(csrf, themeUnitTest); r.status != http.StatusSeeOther {
		t.Errorf("an upload after the release: %d", r.status)
	}
}

// A run that beat lately is alive: no release offered, and a forged release refused.
func TestReleaseRefusedForALiveImport(t *testing.T) {
	e, _ := importEnv(t, nil)
	e.addUser(news.RoleAdministrator)
	admin := e.browser()
	admin.login("administrator@newsroom.example")
	csrf := admin.csrf()
	run := stuckRun(t, e, e.addUser(news.RoleAuthor), 10*time.Minute)
	if err := e.db.BeatImportRun(t.Context(), run.ID, e.clock.Now().Add(-30*time.Second)); err != nil {
		t.Fatal(err)
	}
	release := fmt.Sprintf("/admin/import/%d/release", run.ID)
	if page := admin.get("/admin/import"); strings.Contains(page.body, release) {
		t.Errorf("the page offers to release a run that beat 30 seconds ago")
	}
	r := admin.post(release, url.Values{"csrf": {csrf}, "confirm": {"yes"}})
	if told := admin.told(r); !strings.Contains(told, "not released") {
		t.Errorf("releasing a live run: %q", told)
	}
	if got, _ := e.db.ImportRun(t.Context(), run.ID); got.State != news.ImportRunning {
		t.Errorf("a live run was released: %s", got.State)
	}
}

// A run this server works on (here a file still arriving) is never released, even
// when its heartbeat looks old by the clock.
func TestReleaseRefusedForThisServersImport(t *testing.T) {
	e, _ := importEnv(t, nil)
	e.addUser(news.RoleAdministrator)
	admin := e.browser()
	admin.login("administrator@newsroom.example")
	csrf := admin.csrf()

	// The upload form's token and the start of a file, then the body waits.
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	req := bodyRequest(e, "POST", "/admin/import", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if res, err := admin.client.Do(req); err == nil { // cut short below: an error
			res.Body.Close()
		}
	}()
	go func() {
		mw.WriteField("csrf", csrf)
		fw, _ := mw.CreateFormFile("file", "arriving.xml")
		fw.Write(bytes.Repeat([]byte("<!-- a slow export -->\n"), 4096))
	}()
	var run *news.ImportRun
	for range 500 {
		if r, err := e.db.LatestImportRun(t.Context()); err == nil && r.State == news.ImportUploading {
			run = r
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if run == nil {
		pw.CloseWithError(io.ErrUnexpectedEOF)
		t.Fatal("the upload did not begin")
	}
	e.clock.Add(10 * time.Minute) // no beat written meanwhile: silent by the store's measure

	r := admin.post(fmt.Sprintf("/admin/import/%d/release", run.ID), url.Values{"csrf": {csrf}, "confirm": {"yes"}})
	told := admin.told(r)
	got, _ := e.db.ImportRun(t.Context(), run.ID)
	pw.CloseWithError(io.ErrUnexpectedEOF)
	<-done
	if got.State != news.ImportUploading || !strings.Contains(told, "running on this server") {
		t.Errorf("releasing this server's own upload: the run is %s, told %q", got.State, told)
	}
}

// TestReleasedImportWritesNothing: a run released while its import was still on its
// way to the write (here held copying an attachment from the uploads folder, as a
// large folder would; another server's release, whose clock or a long write elsewhere
// made the run look silent) writes nothing: the release said "nothing of it was
// written", and the slot it freed may already hold another import.
func TestReleasedImportWritesNothing(t *testing.T) {
	uploads := t.TempDir()
	if err := os.MkdirAll(filepath.Join(uploads, "2020", "01"), 0o755); err != nil {
		t.Fatal(err)
	}
	pipe := filepath.Join(uploads, "2020", "01", "minutes.pdf")
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	e, _ := importEnv(t, func(c *admin.Config) { c.WXRUploads = uploads })
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	csrf := b.csrf()
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old site</title><link>https://old.example/</link><wp:wxr_version>1.2</wp:wxr_version>
<item><title>Minutes</title><wp:post_id>7</wp:post_id><wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type>
<wp:attachment_url>https://old.example/wp-content/uploads/2020/01/minutes.pdf</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>2020/01/minutes.pdf</wp:meta_value></wp:postmeta></item>
<item><title>Released story</title><link>https://old.example/released/</link><dc:creator>alice</dc:creator>
<content:encoded><![CDATA[<p>Hello</p>]]></content:encoded><wp:post_id>5</wp:post_id>
<wp:post_date_gmt>2020-01-02 03:04:05</wp:post_date_gmt><wp:post_name>released-story</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
</channel></rss>
`
	if r := b.upload(csrf, "old.xml", strings.NewReader(doc)); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.status, pageText(r.body))
	}
	e.admin.WaitImports()
	m := startForm.FindStringSubmatch(b.get("/admin/import").body)
	if m == nil {
		t.Fatal("no confirmation form")
	}
	if r := b.post(m[1], url.Values{"csrf": {csrf}}); r.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d", r.status)
	}
	// The import now waits at the pipe, before its transaction. Another server
	// releases the run (its clock says the heartbeat is old).
	run, err := e.db.LatestImportRun(t.Context())
	if err != nil || run.State != news.ImportRunning {
		t.Fatalf("the run: %+v %v", run, err)
	}
	if _, err := e.db.ReleaseImportRun(t.Context(), run.ID, e.clock.Now().Add(time.Hour), "Released by another server.", e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	w, err := os.OpenFile(pipe, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("%PDF-1.4\n%%EOF\n"))
	w.Close()
	e.admin.WaitImports()
	if _, err := e.db.ArticleBySlug(t.Context(), "released-story"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("the released run's import wrote its story (%v): the release said nothing of it was written", err)
	}
	if got, err := e.db.ImportRun(t.Context(), run.ID); err != nil || got.State != news.ImportFailed {
		t.Errorf("the released run: %+v %v", got, err)
	}
}
