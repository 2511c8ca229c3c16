package api_test

// Idempotency-Key beyond the first answer: a replay tells what became of what the
// first request made (an article trashed since), and uploads take a key too.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"

	"broadsheet/internal/news"
)

// TestAdminAPIIdempotentReplayAfterTrash: a create's key sent again after the article
// went to the trash answers the article as it is now (in the trash, today's version),
// marked as a replay, never as the live draft it was; nothing new is made.
func TestAdminAPIIdempotentReplayAfterTrash(t *testing.T) {
	e := newEnv(t)
	editor := e.token(t, news.RoleEditor)
	body := map[string]any{"headline": "Bridge closure", "body_markdown": "All week."}
	const key = `"bridge-closure-1"`
	st, raw := e.postKeyed(t, editor, key, body)
	var made staffArticle
	if st != http.StatusCreated || json.Unmarshal(raw, &made) != nil || made.Status != "draft" {
		t.Fatalf("create: %d %s", st, raw)
	}
	e.want(t, 200, "DELETE", fmt.Sprintf("/api/v1/articles/%d", made.ID), editor, nil, nil)

	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", e.http.URL+"/api/v1/articles", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+editor)
	req.Header.Set("Idempotency-Key", key)
	res, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ = io.ReadAll(res.Body)
	res.Body.Close()
	var again staffArticle
	if err := json.Unmarshal(raw, &again); err != nil {
		t.Fatalf("replay: %d %s", res.StatusCode, raw)
	}
	if res.StatusCode != http.StatusCreated || again.ID != made.ID {
		t.Errorf("replay: %d article %d, want 201 and article %d", res.StatusCode, again.ID, made.ID)
	}
	if again.Status != "trash" || again.Version == made.Version {
		t.Errorf("the replay after the trash says status %q version %d; the article is in the trash at version %d",
			again.Status, again.Version, e.stored(t, made.ID).Version)
	}
	if res.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("the replay is not marked Idempotent-Replayed: %q", res.Header.Get("Idempotent-Replayed"))
	}
	if n := e.countHeadline(t, "Bridge closure"); n != 1 {
		t.Errorf("the replay made another article: %d stored", n)
	}
}

// uploadKeyed sends an image upload with an Idempotency-Key; each call frames the form
// with a new multipart boundary, as curl -F does.
func (e *env) uploadKeyed(t testing.TB, token, key string, fields map[string]string, data []byte) (int, []byte) {
	st, raw, _ := e.uploadKeyedType(t, token, key, fields, data)
	return st, raw
}

// uploadKeyedType is uploadKeyed with the answer's Content-Type.
func (e *env) uploadKeyedType(t testing.TB, token, key string, fields map[string]string, data []byte) (int, []byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "photo.png")
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", e.http.URL+"/api/v1/media", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := e.http.Client().Do(req)
	if err != nil {
		t.Error(err)
		return 0, nil, ""
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, raw, res.Header.Get("Content-Type")
}

// TestAdminAPIUploadIdempotencyKey: ten uploads sent at once with one key make one
// library item (each answered with it, or 409 while it was being made); the same
// upload again gets it again; the key with another image or other words is 422
// problem+json; an item deleted since is 410.
func TestAdminAPIUploadIdempotencyKey(t *testing.T) {
	e := newEnv(t)
	author := e.token(t, news.RoleAuthor)
	img := pngImage(640, 480)
	fields := map[string]string{"alt": "The ferry at the quay", "caption": "Morning"}
	const key = "ferry-photo-1"
	var wg sync.WaitGroup
	statuses := make([]int, 10)
	bodies := make([][]byte, 10)
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], bodies[i] = e.uploadKeyed(t, author, key, fields, img)
		}()
	}
	wg.Wait()
	library := func() []*news.Media {
		all, err := e.db.MediaLibrary(context.Background(), 100)
		if err != nil {
			t.Fatal(err)
		}
		return all
	}
	if n := len(library()); n != 1 {
		t.Fatalf("ten concurrent uploads with one Idempotency-Key made %d library items (answers %v)", n, statuses)
	}
	var made struct {
		ID  int64  `json:"id"`
		URL string `json:"url"`
	}
	for i, st := range statuses {
		switch st {
		case http.StatusCreated:
			var m struct {
				ID int64 `json:"id"`
			}
			json.Unmarshal(bodies[i], &m)
			if made.ID != 0 && m.ID != made.ID {
				t.Errorf("two different items answered: %d and %d", made.ID, m.ID)
			}
			json.Unmarshal(bodies[i], &made)
		case http.StatusConflict:
		default:
			t.Errorf("copy %d: %d %s", i, st, bodies[i])
		}
	}
	if made.ID == 0 {
		t.Fatalf("no copy was answered with the item: %v", statuses)
	}
	if st, raw := e.uploadKeyed(t, author, key, fields, img); st != http.StatusCreated || !strings.Contains(string(raw), fmt.Sprintf(`"id":%d,`, made.ID)) {
		t.Errorf("the same upload again: %d %s, want 201 and item %d", st, raw, made.ID)
	}
	// The key with another image, or with other words.
	for what, send := range map[string]func() (int, []byte, string){
		"another image": func() (int, []byte, string) { return e.uploadKeyedType(t, author, key, fields, pngImage(641, 480)) },
		"another alt": func() (int, []byte, string) {
			return e.uploadKeyedType(t, author, key, map[string]string{"alt": "A ferry", "caption": "Morning"}, img)
		},
	} {
		res, raw, ct := send()
		var p struct {
			Status int    `json:"status"`
			Detail string `json:"detail"`
		}
		if res != http.StatusUnprocessableEntity || json.Unmarshal(raw, &p) != nil || p.Status != 422 || !strings.Contains(p.Detail, "Idempotency-Key") || ct != "application/problem+json" {
			t.Errorf("the key with %s: %d %s %s, want a 422 problem naming the key", what, res, ct, raw)
		}
	}
	if n := len(library()); n != 1 {
		t.Errorf("the key reused with other uploads: the library holds %d items, want 1", n)
	}
	if err := e.db.DeleteMedia(context.Background(), made.ID); err != nil {
		t.Fatal(err)
	}
	if st, raw := e.uploadKeyed(t, author, key, fields, img); st != http.StatusGone || len(library()) != 0 {
		t.Errorf("the key after its item was deleted: %d %s, want 410 and nothing uploaded", st, raw)
	}
}

// TestAdminAPIIdempotentReplayOfOwnSubmission: a contributor's token makes a draft and
// sends it for review (where its role may no longer edit it); the replay of the create
// answers that story as it is now (in review), never a 404.
func TestAdminAPIIdempotentReplayOfOwnSubmission(t *testing.T) {
	e := newEnv(t)
	contributor := e.token(t, news.RoleContributor)
	body := map[string]any{"headline": "Night buses", "body_markdown": "New routes."}
	st, raw := e.postKeyed(t, contributor, "night-buses", body)
	var made staffArticle
	if st != http.StatusCreated || json.Unmarshal(raw, &made) != nil {
		t.Fatalf("create: %d %s", st, raw)
	}
	e.want(t, 200, "POST", fmt.Sprintf("/api/v1/articles/%d/submit", made.ID), contributor, map[string]any{"version": made.Version}, nil)
	st, raw = e.postKeyed(t, contributor, "night-buses", body)
	var again staffArticle
	if st != http.StatusCreated || json.Unmarshal(raw, &again) != nil || again.ID != made.ID || again.Status != "review" {
		t.Errorf("the replay of a story since submitted: %d %s, want 201 and the story in review", st, raw)
	}
	if n := e.countHeadline(t, "Night buses"); n != 1 {
		t.Errorf("%d stories made", n)
	}
}

// TestAdminAPIKeyedUploadRefusedByRole: a role that may not upload is refused with a
// key as without one (403, before its body is read: even one past the size limit is
// told the role is the reason), and nothing is kept.
func TestAdminAPIKeyedUploadRefusedByRole(t *testing.T) {
	e := newEnv(t)
	moderator := e.token(t, news.RoleModerator)
	if st, raw := e.uploadKeyed(t, moderator, "mod-1", map[string]string{"alt": "Boats"}, pngImage(64, 48)); st != http.StatusForbidden {
		t.Errorf("a moderator's keyed upload: %d %s", st, raw)
	}
	huge := bytes.Repeat([]byte{0}, 16<<20)
	if st, raw := e.uploadKeyed(t, moderator, "mod-2", map[string]string{"alt": "Boats"}, huge); st != http.StatusForbidden {
		t.Errorf("a moderator's keyed upload past the size limit: %d %s, want 403 (the role), not the body's size", st, raw)
	}
	if all, _ := e.db.MediaLibrary(context.Background(), 10); len(all) != 0 {
		t.Errorf("the library holds %d items", len(all))
	}
}

// TestAdminAPIUploadReplayAfterDeleteNotAnotherItem: SQLite gives a deleted row's ID
// to the next row when it was the highest, so a library item deleted and followed by
// another upload leaves its ID to someone else's image. The key's replay is still
// 410 (what it uploaded is gone), never 201 with the other image as if it were its.
func TestAdminAPIUploadReplayAfterDeleteNotAnotherItem(t *testing.T) {
	e := newEnv(t)
	author := e.token(t, news.RoleAuthor)
	fields := map[string]string{"alt": "The ferry at the quay"}
	img := pngImage(64, 48)
	st, raw := e.uploadKeyed(t, author, "ferry-1", fields, img)
	var made struct {
		ID int64 `json:"id"`
	}
	if st != http.StatusCreated || json.Unmarshal(raw, &made) != nil {
		t.Fatalf("upload: %d %s", st, raw)
	}
	if err := e.db.DeleteMedia(context.Background(), made.ID); err != nil {
		t.Fatal(err)
	}
	other := e.token(t, news.RoleEditor)
	res, raw := e.upload(t, other, map[string]string{"alt": "A private photo of the mayor"}, pngImage(80, 60))
	var next struct {
		ID int64 `json:"id"`
	}
	if res.StatusCode != http.StatusCreated || json.Unmarshal(raw, &next) != nil {
		t.Fatalf("another upload: %d %s", res.StatusCode, raw)
	}
	if next.ID != made.ID {
		t.Skipf("the store gave the next upload ID %d, not the deleted %d: nothing to check", next.ID, made.ID)
	}
	if st, raw := e.uploadKeyed(t, author, "ferry-1", fields, img); st != http.StatusGone || strings.Contains(string(raw), "mayor") {
		t.Errorf("the key's replay after its item was deleted and its ID reused: %d %s, want 410", st, raw)
	}
}

// TestAdminAPIKeyedUploadFingerprintCost: the fingerprint of a keyed upload reads its
// fields where the form keeps them, never a quoted copy: a 10 MB field of bytes that
// quote four times over (as a 10 MB "alt" would be) costs about what the same upload
// costs without a key, not 40 MB more.
func TestAdminAPIKeyedUploadFingerprintCost(t *testing.T) {
	e := newEnv(t)
	author := e.token(t, news.RoleAuthor)
	field := string(bytes.Repeat([]byte{0x01}, 10<<20))
	send := func(key string) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		st, raw := e.uploadKeyed(t, author, key, map[string]string{"alt": "x", "notes": field}, pngImage(8, 8))
		runtime.ReadMemStats(&after)
		if st >= 500 {
			t.Fatalf("upload: %d %s", st, raw)
		}
		return after.TotalAlloc - before.TotalAlloc
	}
	plain, keyed := send(""), send("big-1")
	t.Logf("a 10 MB field: %d MB allocated without a key, %d MB with one", plain>>20, keyed>>20)
	if keyed > plain+8<<20 {
		t.Errorf("a keyed upload with a 10 MB field allocated %d MB, the same without a key %d MB", keyed>>20, plain>>20)
	}
}

// TestAdminAPIKeyedCreateRefusedByRole: a role that may write no article is refused a
// keyed create as an unkeyed one, before its body is read (one past the size limit is
// told the role is the reason, as a keyed upload is).
func TestAdminAPIKeyedCreateRefusedByRole(t *testing.T) {
	e := newEnv(t)
	moderator := e.token(t, news.RoleModerator)
	huge := map[string]any{"headline": "Boats", "body_markdown": strings.Repeat("a", 3<<20)}
	if st, raw := e.postKeyed(t, moderator, "mod-1", huge); st != http.StatusForbidden {
		t.Errorf("a moderator's keyed create past the size limit: %d %.200s, want 403 (the role), not the body's size", st, raw)
	}
}
