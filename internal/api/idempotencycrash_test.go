package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"broadsheet/internal/api"
	"broadsheet/internal/media"
	"broadsheet/internal/news"
	"broadsheet/internal/sqlite"
)

// lostAnswer is a store on which the keyed create's answer is never kept: what a server
// killed (kill -9) between the create's commit and FinishIdempotent leaves, or a
// FinishIdempotent failing (a full disk, a busy database). The key's claim stays "in
// flight" until its lease ends.
type lostAnswer struct{ *sqlite.DB }

func (lostAnswer) FinishIdempotent(context.Context, int64, string, news.IdempotentReply) error {
	return errors.New("killed before the answer was kept")
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// replayedOf sends the keyed create again and reports whether it is marked replayed.
func replayedOf(t *testing.T, e *env, token, key string, body any) bool {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", e.http.URL+"/api/v1/articles", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Idempotency-Key", key)
	res, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode == http.StatusCreated && res.Header.Get("Idempotent-Replayed") == "true"
}

// serveAPI puts the env's site behind an API on store, at the clock given.
func (e *env) serveAPI(t *testing.T, store api.Store, at time.Time) {
	t.Helper()
	srv := api.New(store, api.Config{BaseURL: baseURL, ArticlePath: e.site.ArticlePath, FeedIDBase: e.site.FeedIDBase,
		Cache: e.site.Cache(), Now: func() time.Time { return at }, Location: e.site.Location, CommentPath: e.site.CommentPath,
		Secret: e.site.Secret(), Sync: e.site.Sync, Media: media.Dir(e.mediaDir)})
	e.http.Close()
	e.http = httptest.NewServer(srv)
	t.Cleanup(e.http.Close)
}

// A keyed create whose answer was lost (the server killed after its commit) makes no
// second article when the client sends it again after the claim's lease: the retry is
// answered with the article the first made (201, marked replayed). The key's record
// and the article were two writes, and the lease's end took the silent claim for a
// request that had changed nothing: the retry ran again, refused as "another article
// has the slug" (409, the client never learning its article), or, the first one's
// slug changed meanwhile, made a second article.
func TestAdminAPIKeyedCreateAfterALostAnswerMakesNoSecond(t *testing.T) {
	e := newEnv(t)
	editor := e.token(t, news.RoleEditor)
	body := map[string]any{"headline": "Tunnel reopens", "body_markdown": "At dawn."}
	const key = `"tunnel-1"`
	e.serveAPI(t, lostAnswer{e.db}, now)
	st, raw := e.postKeyed(t, editor, key, body)
	var made staffArticle
	if st != http.StatusCreated || json.Unmarshal(raw, &made) != nil || made.ID == 0 {
		t.Fatalf("create: %d %s", st, raw)
	}
	// The client never got that answer; it retries, after the claim's lease.
	e.serveAPI(t, e.db, now.Add(news.IdempotencyLease+time.Minute))
	st, raw = e.postKeyed(t, editor, key, body)
	var again staffArticle
	if st != http.StatusCreated || json.Unmarshal(raw, &again) != nil || again.ID != made.ID {
		t.Errorf("the retry: %d %s; want 201 and article %d", st, raw, made.ID)
	}
	if n := e.countHeadline(t, "Tunnel reopens"); n != 1 {
		t.Errorf("%d articles stored, want 1", n)
	}
	// Its answer is kept now: the same request again is a replay of it.
	st, raw = e.postKeyed(t, editor, key, body)
	if json.Unmarshal(raw, &again); st != http.StatusCreated || again.ID != made.ID {
		t.Errorf("the next retry: %d %s", st, raw)
	}
	if again.ID == made.ID && !replayedOf(t, e, editor, key, body) {
		t.Error("the retry is not marked Idempotent-Replayed")
	}
	// A lost create whose article was renamed meanwhile: the retry made a second one.
	later := now.Add(news.IdempotencyLease + time.Minute)
	e.serveAPI(t, lostAnswer{e.db}, later)
	closes := map[string]any{"headline": "Tunnel closes", "body_markdown": "At dusk."}
	var first staffArticle
	st, raw = e.postKeyed(t, editor, `"tunnel-2"`, closes)
	if st != http.StatusCreated || json.Unmarshal(raw, &first) != nil {
		t.Fatalf("create: %d %s", st, raw)
	}
	e.want(t, 200, "PATCH", "/api/v1/articles/"+itoa(first.ID), editor, map[string]any{"version": first.Version, "slug": "tunnel-shut"}, nil)
	e.serveAPI(t, e.db, later.Add(news.IdempotencyLease+time.Minute))
	st, raw = e.postKeyed(t, editor, `"tunnel-2"`, closes)
	if n := e.countHeadline(t, "Tunnel closes"); st != http.StatusCreated || n != 1 {
		t.Errorf("the retry after a rename: %d %s, %d articles", st, raw, n)
	}
}

// The same for a keyed upload: its retry after a lost answer gets the library item
// the first made, and stores no second copy of its files. It made a second item.
func TestAdminAPIKeyedUploadAfterALostAnswerMakesNoSecond(t *testing.T) {
	e := newEnv(t)
	author := e.token(t, news.RoleAuthor)
	img := pngImage(900, 600)
	fields := map[string]string{"alt": "The quay at noon"}
	const key = `"quay-1"`
	e.serveAPI(t, lostAnswer{e.db}, now)
	st, raw := e.uploadKeyed(t, author, key, fields, img)
	var made struct {
		ID int64 `json:"id"`
	}
	if st != http.StatusCreated || json.Unmarshal(raw, &made) != nil || made.ID == 0 {
		t.Fatalf("upload: %d %s", st, raw)
	}
	files, _ := os.ReadDir(e.mediaDir)
	e.serveAPI(t, e.db, now.Add(news.IdempotencyLease+time.Minute))
	st, raw = e.uploadKeyed(t, author, key, fields, img)
	var again struct {
		ID int64 `json:"id"`
	}
	if st != http.StatusCreated || json.Unmarshal(raw, &again) != nil || again.ID != made.ID {
		t.Errorf("the retry: %d %s; want 201 and item %d", st, raw, made.ID)
	}
	if all, _ := e.db.MediaLibrary(context.Background(), 10); len(all) != 1 {
		t.Errorf("the library holds %d items, want 1", len(all))
	}
	if now, _ := os.ReadDir(e.mediaDir); len(now) != len(files) {
		t.Errorf("the media folder holds %d files, %d before the retry", len(now), len(files))
	}
}
