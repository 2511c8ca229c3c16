package admin_test

// Releasing an import run whose server stopped: the import screen names who began it
// and when, an administrator releases it after confirming, and a run that is alive
// (it beat lately, or this very server works on it) is never released.

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

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
