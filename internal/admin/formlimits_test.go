package admin_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// multipartText is a multipart form whose "body" field holds n bytes of text, streamed
// (the sender holds none of it), after the form token and a headline.
func multipartText(e *env, path, csrf string, n int64, headers ...string) *http.Request {
	head := "--B\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrf +
		"\r\n--B\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nHeavy" +
		"\r\n--B\r\nContent-Disposition: form-data; name=\"action\"\r\n\r\nsave" +
		"\r\n--B\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\n"
	tail := "\r\n--B--\r\n"
	req := bodyRequest(e, "POST", path, io.MultiReader(strings.NewReader(head), &endless{n}, strings.NewReader(tail)))
	req.ContentLength = int64(len(head)+len(tail)) + n
	req.Header.Set("Content-Type", "multipart/form-data; boundary=B")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return req
}

// A multipart form holds at most about 1 MB of text, like a urlencoded one, counted
// while it is read, and past it the answer is 413 in plain words, without the text.
// Before, multipart forms could carry 11 MB of text and a refused save sent it all
// back: 60 such saves at once from one contributor took the server to 4.3 GB.
func TestFormTextIsBoundedWhateverTheEncoding(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleContributor)
	b := e.browser()
	b.login("contributor@newsroom.example")
	csrf := b.csrf()
	const n, text = 6, 10 << 20
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for _, path := range []string{"/admin/articles", "/admin/media", "/admin/articles/autosave", "/admin/preview", "/admin/articles/autosave", "/admin/articles"} {
		resp, err := b.client.Do(multipartText(e, path, csrf, text))
		if err != nil {
			continue // the server may close the connection on a body it will not read
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 413 || !strings.Contains(string(page), "more than 1 MB of text") || !strings.Contains(string(page), "nothing was saved") || len(page) > 64<<10 {
			t.Errorf("%s with %d MB of text: %d, %d bytes back", path, text>>20, resp.StatusCode, len(page))
		}
	}
	runtime.ReadMemStats(&after)
	grew := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d multipart forms of %d MB of text allocated %d KB in all", n, text>>20, grew>>10)
	if grew > n*12<<20 { // a form whose 10 MB were read would take more than twice that
		t.Errorf("%d forms of %d MB of text allocated %d MB", n, text>>20, grew>>20)
	}
	// Many small fields weigh the same as one large one.
	var many bytes.Buffer
	mw := multipart.NewWriter(&many)
	mw.WriteField("csrf", csrf)
	for i := range 3000 {
		mw.WriteField(fmt.Sprintf("f%d", i), strings.Repeat("y", 400))
	}
	mw.Close()
	req := bodyRequest(e, "POST", "/admin/articles", &many)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if r := b.send(req); r.status != 413 || !strings.Contains(r.body, "more than 1 MB of text") {
		t.Errorf("3,000 fields of 400 bytes: %d", r.status)
	}
	// A urlencoded form past the bound is told the same, not that it is an upload.
	if r := b.post("/admin/articles", url.Values{"csrf": {csrf}, "action": {"save"}, "title": {"x"}, "body": {strings.Repeat("z", 2<<20)}}); r.status != 413 ||
		!strings.Contains(r.body, "more than 1 MB of text") {
		t.Errorf("a urlencoded form of 2 MB: %d", r.status)
	}
	// A form within the bound still saves.
	if id, r := b.write("/admin/articles", "save", map[string]string{"title": "Just right", "body": strings.Repeat("Words. ", 1000)}); id == 0 {
		t.Errorf("a form of 7 KB: %d", r.status)
	}
}

// The media library's words are text like any other: a refused upload does not send
// a megabyte of alt text back.
func TestMediaWordsAreBounded(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleContributor)
	b := e.browser()
	b.login("contributor@newsroom.example")
	r := b.multipartPost("/admin/media", map[string]string{"csrf": b.csrf(), "alt": strings.Repeat("A long look. ", 70000)}, "file", "photo.png", pngImage(40, 30))
	if r.status != 422 || !strings.Contains(r.body, "at most 1000 characters") || len(r.body) > 64<<10 {
		t.Errorf("an upload with 900 KB of alt text: %d, %d bytes back", r.status, len(r.body))
	}
	if items, _ := e.db.MediaLibrary(context.Background(), 10); len(items) != 0 {
		t.Errorf("%d items in the library", len(items))
	}
}

// An autosave past its bound is refused before the form is encoded: the encoding of
// text that is all escapes is three times its size.
func TestAutosaveRefusesBeforeEncoding(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", b.csrf())
	mw.WriteField("title", "Escapes")
	mw.WriteField("body", strings.Repeat("é", 1<<19+20000)) // 1 MiB and 40 KB, all escapes
	mw.Close()
	form := buf.Bytes()
	const n = 8
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range n {
		req := bodyRequest(e, "POST", "/admin/articles/autosave", bytes.NewReader(form))
		req.Header.Set("Content-Type", mw.FormDataContentType())
		if r := b.send(req); r.status != 422 || !strings.Contains(r.body, "Not autosaved") {
			t.Fatalf("an autosave of 1 MiB and 40 KB: %d", r.status)
		}
	}
	runtime.ReadMemStats(&after)
	per := (after.TotalAlloc - before.TotalAlloc) / n
	t.Logf("an oversized autosave allocated %d KB", per>>10)
	if per > 7<<20 && !raceEnabled {
		t.Errorf("an oversized autosave allocated %d MB", per>>20)
	}
}

// rawPost writes a request's head and the first part of its body on a connection of
// its own (to srv), and returns the connection for the test to cut or leave hanging.
func rawPost(t *testing.T, srv, path, cookie, contentType string, declared int, first string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nCookie: broadsheet_session=%s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s",
		path, strings.TrimPrefix(srv, "http://"), cookie, contentType, declared, first)
	return conn
}

func readAnswer(t *testing.T, conn net.Conn) (int, string) {
	t.Helper()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(page)
}

// An upload that does not arrive — the connection cut, or too slow for the server's
// deadline — is told so, not that its form came from another session. Before, a 14.7
// MB upload on a slow line was cut at the deadline and answered 403 "Form expired… not
// sent from your current session".
func TestFormThatDidNotArriveIsToldSo(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleContributor)
	b := e.browser()
	b.login("contributor@newsroom.example")
	cookie, csrf := b.sessionCookie(), b.csrf()
	first := "--B\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrf +
		"\r\n--B\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\nA photo" +
		"\r\n--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n" +
		strings.Repeat("\xff", 100<<10)
	const declared = 14 << 20

	// Cut: the sender stops half way and closes its side.
	conn := rawPost(t, e.http.URL, "/admin/media", cookie, "multipart/form-data; boundary=B", declared, first)
	conn.(*net.TCPConn).CloseWrite()
	if status, page := readAnswer(t, conn); status != 408 || !strings.Contains(page, "did not arrive") || strings.Contains(page, "current session") {
		t.Errorf("an upload cut half way: %d", status)
	}

	// Too slow: a server whose read deadline (cmd/broadsheet's) passes mid-upload.
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.NewResponseController(w).SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		e.admin.ServeHTTP(w, r)
	}))
	defer slow.Close()
	conn = rawPost(t, slow.URL, "/admin/media", cookie, "multipart/form-data; boundary=B", declared, first)
	if status, page := readAnswer(t, conn); status != 408 || !strings.Contains(page, "did not arrive") || strings.Contains(page, "current session") {
		t.Errorf("an upload past the read deadline: %d", status)
	}
	// The same for a plain form, and for a sign-in.
	conn = rawPost(t, slow.URL, "/admin/articles", cookie, "application/x-www-form-urlencoded", 5000, "csrf="+csrf+"&title=Half")
	if status, page := readAnswer(t, conn); status != 408 || !strings.Contains(page, "did not arrive") {
		t.Errorf("a save past the read deadline: %d", status)
	}
	conn = rawPost(t, slow.URL, "/admin/login", "", "application/x-www-form-urlencoded", 5000, "email=contributor%40newsroom.example&password=")
	if status, page := readAnswer(t, conn); status != 408 || !strings.Contains(page, "did not arrive") {
		t.Errorf("a sign-in past the read deadline: %d", status)
	}
	if items, _ := e.db.MediaLibrary(context.Background(), 10); len(items) != 0 {
		t.Errorf("%d items in the library", len(items))
	}
	// A form that arrived whole with another session's token is still refused as such.
	if r := b.post("/admin/articles", url.Values{"csrf": {"not-this-session"}, "title": {"x"}}); r.status != 403 || !strings.Contains(r.body, "current session") {
		t.Errorf("a form with a wrong token: %d", r.status)
	}
}
