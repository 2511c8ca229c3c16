package api_test

// The admin API's bylines, featured images, trash and Idempotency-Key, over real HTTP
// on a real SQLite file.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"testing"

	"broadsheet/internal/news"
)

// postKeyed POSTs a JSON body to /api/v1/articles with an Idempotency-Key.
func (e *env) postKeyed(t testing.TB, token, key string, body any) (int, []byte) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, err := http.NewRequest("POST", e.http.URL+"/api/v1/articles", bytes.NewReader(b))
	if err != nil {
		t.Error(err)
		return 0, nil
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Idempotency-Key", key)
	res, err := e.http.Client().Do(req)
	if err != nil {
		t.Error(err)
		return 0, nil
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}

// countHeadline counts the stored articles (any status) with the headline.
func (e *env) countHeadline(t testing.TB, headline string) int {
	t.Helper()
	arts, err := e.db.Articles(context.Background(), news.ArticleQuery{WithTrash: true, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range arts {
		if a.Title == headline {
			n++
		}
	}
	return n
}

// TestAdminAPIIdempotencyKey: ten copies of a create sent at once with one key make one
// article (each copy answered with it, or 409 while it was being made); the same
// request again gets the same answer; the key with another body is 422; another
// token's same key is its own.
func TestAdminAPIIdempotencyKey(t *testing.T) {
	e := newEnv(t)
	editor := e.token(t, news.RoleEditor)
	body := map[string]any{"headline": "Ferry timetable changes", "body_markdown": "From Monday."}
	const key = `"ferry-2026-11-30-a"`
	var wg sync.WaitGroup
	statuses := make([]int, 10)
	bodies := make([][]byte, 10)
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], bodies[i] = e.postKeyed(t, editor, key, body)
		}()
	}
	wg.Wait()
	if n := e.countHeadline(t, "Ferry timetable changes"); n != 1 {
		t.Fatalf("ten concurrent POSTs with one Idempotency-Key made %d articles (answers %v)", n, statuses)
	}
	var made staffArticle
	for i, st := range statuses {
		switch st {
		case http.StatusCreated:
			var a staffArticle
			json.Unmarshal(bodies[i], &a)
			if made.ID != 0 && a.ID != made.ID {
				t.Errorf("two different articles answered: %d and %d", made.ID, a.ID)
			}
			made = a
		case http.StatusConflict:
		default:
			t.Errorf("copy %d: %d %s", i, st, bodies[i])
		}
	}
	if made.ID == 0 {
		t.Fatalf("no copy was answered with the article: %v", statuses)
	}
	// Each copy told to wait, retried after the answer, gets the article; nothing new.
	for i, st := range append(statuses, http.StatusConflict) {
		if st != http.StatusConflict {
			continue
		}
		st, again := e.postKeyed(t, editor, key, body)
		var a staffArticle
		json.Unmarshal(again, &a)
		if st != http.StatusCreated || a.ID != made.ID || e.countHeadline(t, "Ferry timetable changes") != 1 {
			t.Errorf("copy %d retried: %d article %d, want 201 and article %d again: %s", i, st, a.ID, made.ID, again)
		}
	}
	// The key with another request.
	other := map[string]any{"headline": "Another story", "body_markdown": "x"}
	if st, b := e.postKeyed(t, editor, key, other); st != http.StatusUnprocessableEntity || e.countHeadline(t, "Another story") != 0 {
		t.Errorf("the key with another body: %d %s, want 422 and nothing made", st, b)
	}
	// Another token's key of the same name is another key (with another body: not 422).
	if st, b := e.postKeyed(t, e.token(t, news.RoleEditor), key, other); st != http.StatusCreated || e.countHeadline(t, "Another story") != 1 {
		t.Errorf("another token with the same key: %d %s", st, b)
	}
	// A refused request frees its key for the corrected one.
	if st, _ := e.postKeyed(t, editor, "fix-me", map[string]any{"headline": " "}); st != http.StatusUnprocessableEntity {
		t.Errorf("blank headline: %d", st)
	}
	if st, _ := e.postKeyed(t, editor, "fix-me", map[string]any{"headline": "Fixed"}); st != http.StatusCreated {
		t.Errorf("the corrected request with the refused one's key: %d, want 201", st)
	}
	if st, b := e.postKeyed(t, editor, "", body); st != http.StatusBadRequest {
		t.Errorf("an empty key: %d %s", st, b)
	}
}

// TestAdminAPIByline: only an editor's token changes a byline (an author's own story
// included), to authors' or users' names; an unknown name is refused.
func TestAdminAPIByline(t *testing.T) {
	e := newEnv(t)
	editor, author := e.token(t, news.RoleEditor), e.token(t, news.RoleAuthor)
	var mine staffArticle
	e.want(t, 201, "POST", "/api/v1/articles", author, map[string]any{"headline": "Harbour works", "body_markdown": "x"}, &mine)
	if names := e.stored(t, mine.ID).BylineNames(); !slices.Equal(names, []string{"Chief Editor"}) {
		t.Fatalf("a new story's byline %v, want its writer's", names)
	}
	other := e.public[3].Author.Name
	e.want(t, 403, "PATCH", fmt.Sprintf("/api/v1/articles/%d", mine.ID), author,
		map[string]any{"version": mine.Version, "byline": []string{other}}, nil)
	e.want(t, 403, "POST", "/api/v1/articles", author, map[string]any{"headline": "Bylined", "byline": []string{other}}, nil)
	if names := e.stored(t, mine.ID).BylineNames(); !slices.Equal(names, []string{"Chief Editor"}) {
		t.Errorf("an author's token changed a byline to %v", names)
	}
	// Sent as it is, the byline is no change: allowed.
	e.want(t, 200, "PATCH", fmt.Sprintf("/api/v1/articles/%d", mine.ID), author,
		map[string]any{"version": mine.Version, "byline": []string{"Chief Editor"}, "standfirst": "Works begin."}, &mine)
	e.want(t, 200, "PATCH", fmt.Sprintf("/api/v1/articles/%d", mine.ID), editor,
		map[string]any{"version": mine.Version, "byline": []string{other, "Chief Editor"}}, &mine)
	if names := e.stored(t, mine.ID).BylineNames(); !slices.Equal(names, []string{other, "Chief Editor"}) {
		t.Errorf("the editor's byline: %v", names)
	}
	e.want(t, 422, "PATCH", fmt.Sprintf("/api/v1/articles/%d", mine.ID), editor,
		map[string]any{"version": mine.Version, "byline": []string{"Nobody We Know"}}, nil)
	e.want(t, 422, "PATCH", fmt.Sprintf("/api/v1/articles/%d", mine.ID), editor,
		map[string]any{"version": mine.Version, "byline": []string{" "}}, nil)
}

// TestAdminAPIFeaturedImage: a library image becomes the featured image with its
// description; a deleted one, or one without a description, is refused; 0 removes it.
func TestAdminAPIFeaturedImage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	editor := e.token(t, news.RoleEditor)
	var a staffArticle
	e.want(t, 201, "POST", "/api/v1/articles", editor, map[string]any{"headline": "Quay", "body_markdown": "x"}, &a)
	quay := &news.Media{Name: "quay.jpg", ContentType: "image/jpeg", Width: 1200, Height: 800, Bytes: 1000, Alt: "The quay", Caption: "Quay"}
	gone := &news.Media{Name: "gone.jpg", ContentType: "image/jpeg", Width: 1200, Height: 800, Bytes: 1000, Alt: "Gone"}
	bare := &news.Media{Name: "bare.jpg", ContentType: "image/jpeg", Width: 1200, Height: 800, Bytes: 1000}
	for _, m := range []*news.Media{quay, gone, bare} {
		if err := e.db.CreateMedia(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.db.DeleteMedia(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/api/v1/articles/%d", a.ID)
	e.want(t, 422, "PATCH", path, editor, map[string]any{"version": a.Version, "featured_media": gone.ID}, nil)
	e.want(t, 422, "PATCH", path, editor, map[string]any{"version": a.Version, "featured_media": bare.ID}, nil)
	if e.stored(t, a.ID).FeaturedImage != nil {
		t.Fatal("a refused image was saved")
	}
	e.want(t, 200, "PATCH", path, editor, map[string]any{"version": a.Version, "featured_media": quay.ID}, &a)
	if img := e.stored(t, a.ID).FeaturedImage; img == nil || img.URL != "/media/quay.jpg" || img.Alt != "The quay" {
		t.Errorf("featured image %+v, want the library's quay.jpg", img)
	}
	e.want(t, 200, "PATCH", path, editor, map[string]any{"version": a.Version, "featured_media": 0}, &a)
	if img := e.stored(t, a.ID).FeaturedImage; img != nil {
		t.Errorf("featured_media 0 kept %+v", img)
	}
}

// TestAdminAPITrash: DELETE moves a story to the trash (readers lose it), force is
// refused, a second DELETE is 410, restore brings it back as it was; a contributor may
// not trash another's story.
func TestAdminAPITrash(t *testing.T) {
	e := newEnv(t)
	editor, contributor := e.token(t, news.RoleEditor), e.token(t, news.RoleContributor)
	story := e.public[2]
	path := fmt.Sprintf("/api/v1/articles/%d", story.ID)
	e.want(t, 200, "GET", path, "", nil, nil)
	e.want(t, 403, "DELETE", path+"?force=true", editor, nil, nil)
	if e.stored(t, story.ID).Status != news.StatusPublished {
		t.Fatal("DELETE with force changed the story")
	}
	e.want(t, 403, "DELETE", path, contributor, nil, nil) // not theirs
	var trashed staffArticle
	e.want(t, 200, "DELETE", path, editor, nil, &trashed)
	if trashed.Status != "trash" || e.stored(t, story.ID).Status != news.StatusTrash {
		t.Fatalf("DELETE: %+v", trashed)
	}
	e.want(t, 404, "GET", path, "", nil, nil)
	e.want(t, 410, "DELETE", path, editor, nil, nil)
	e.want(t, 409, "POST", path+"/restore", editor, map[string]any{"version": trashed.Version - 1}, nil)
	var back staffArticle
	e.want(t, 200, "POST", path+"/restore", editor, map[string]any{"version": trashed.Version}, &back)
	if back.Status != "published" {
		t.Errorf("restored as %s, want published as before", back.Status)
	}
	e.want(t, 200, "GET", path, "", nil, nil)
	e.want(t, 409, "POST", path+"/restore", editor, map[string]any{"version": back.Version}, nil)
	// Without a token: 401, as every write.
	e.want(t, 401, "DELETE", path, "", nil, nil)
}
