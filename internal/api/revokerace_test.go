package api_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"broadsheet/internal/news"
)

// sendSlowly starts a request whose body arrives in two parts: the first now, the
// rest after between() ran (a slow connection, an upload of many megabytes). It
// returns the answer's status and body.
func (e *env) sendSlowly(t *testing.T, path, token, ctype string, body []byte, between func()) (int, string) {
	t.Helper()
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", e.http.URL+path, pr)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+token)
	req.ContentLength = int64(len(body))
	type answer struct {
		status int
		body   string
	}
	done := make(chan answer, 1)
	go func() {
		res, err := e.http.Client().Do(req)
		if err != nil {
			done <- answer{0, err.Error()}
			return
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		done <- answer{res.StatusCode, string(b)}
	}()
	half := len(body) / 2
	pw.Write(body[:half])
	between()
	pw.Write(body[half:])
	pw.Close()
	a := <-done
	return a.status, a.body
}

// revokeLast revokes the newest token.
func (e *env) revokeLast(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	toks, err := e.db.APITokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	for _, tok := range toks {
		id = max(id, tok.ID)
	}
	if err := e.db.RevokeAPIToken(ctx, id); err != nil {
		t.Fatal(err)
	}
}

// A token revoked while its request's body is still arriving (a slow connection, a
// large upload) is refused: nothing is written after the revocation. The token was
// checked only when the request began, so such a request wrote after its revocation.
func TestAdminAPIRevokedWhileTheBodyArrives(t *testing.T) {
	e := newEnv(t)
	tok := e.token(t, news.RoleEditor)
	st, body := e.sendSlowly(t, "/api/v1/articles", tok, "application/json",
		[]byte(`{"headline":"Written after the revocation","body_markdown":"`+strings.Repeat("Text. ", 2000)+`"}`), func() { e.revokeLast(t) })
	if st != http.StatusUnauthorized || !strings.Contains(body, "revoked") {
		t.Errorf("a create whose token was revoked meanwhile: %d %s", st, body)
	}
	if n := e.countHeadline(t, "Written after the revocation"); n != 0 {
		t.Errorf("%d articles written after the revocation", n)
	}

	up := e.token(t, news.RoleEditor)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("alt", "Uploaded after the revocation")
	fw, _ := mw.CreateFormFile("file", "photo.png")
	fw.Write(pngImage(800, 600))
	mw.Close()
	st, body = e.sendSlowly(t, "/api/v1/media", up, mw.FormDataContentType(), buf.Bytes(), func() { e.revokeLast(t) })
	if st != http.StatusUnauthorized || !strings.Contains(body, "revoked") {
		t.Errorf("an upload whose token was revoked meanwhile: %d %s", st, body)
	}
	if all, _ := e.db.MediaLibrary(context.Background(), 10); len(all) != 0 {
		t.Errorf("%d library items made after the revocation", len(all))
	}
}
