package admin_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/auth"
	"broadsheet/internal/news"
)

// An upload whose session ends while the image is still arriving (the account signed
// out everywhere, or disabled, by an administrator) stores nothing: the session is
// checked again before the library item is written. It was checked only when the
// request began, so a slow upload was kept after its writer was signed out.
func TestUploadWhoseSessionEndsMeanwhileStoresNothing(t *testing.T) {
	e := newEnv(t)
	u := e.addUser(news.RoleContributor)
	b := e.browser()
	b.login("contributor@newsroom.example")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", b.csrf())
	mw.WriteField("alt", "The harbour at dawn")
	fw, _ := mw.CreateFormFile("file", "p.png")
	fw.Write(pngImage(1200, 800))
	mw.Close()
	body := buf.Bytes()
	// Six minutes on, the request's check of the session records that it saw it
	// (TouchSession): the session is ended only once the check passed, whatever the
	// order in which the server and the test run.
	e.clock.Add(6 * time.Minute)
	hash := auth.HashToken(b.sessionCookie())
	checked := func() bool {
		s, err := e.db.Session(context.Background(), hash, e.clock.Now())
		return err == nil && !s.LastSeen.Before(e.clock.Now().Add(-time.Second))
	}
	pr, pw := io.Pipe()
	req := bodyRequest(e, "POST", "/admin/media", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.ContentLength = int64(len(body))
	done := make(chan resp, 1)
	go func() { done <- b.send(req) }()
	pw.Write(body[:len(body)/2])
	for wait := time.Now(); !checked(); time.Sleep(5 * time.Millisecond) {
		if time.Since(wait) > time.Minute { // a bound for the test, not a figure asserted
			t.Fatal("the upload's session was never checked")
		}
	}
	if err := e.db.DeleteUserSessions(context.Background(), u.ID, ""); err != nil {
		t.Fatal(err)
	}
	pw.Write(body[len(body)/2:])
	pw.Close()
	r := <-done
	if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "Nothing was uploaded") {
		t.Errorf("an upload whose session ended meanwhile: %d\n%s", r.status, firstLine(r.body, "session"))
	}
	if items, _ := e.db.MediaLibrary(context.Background(), 10); len(items) != 0 {
		t.Errorf("%d items stored after the session ended", len(items))
	}
}
