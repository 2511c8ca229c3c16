package api_test

// The admin API's cases for the OpenAPI walk (openapi_test.go): each write operation
// of the document called with answers it documents, each checked against its schema.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// send is do with a body.
func (e *env) send(t testing.TB, method, path string, header map[string]string, body []byte) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, e.http.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, out
}

type writeCase struct {
	what  string
	token string
	path  map[string]string // and the Idempotency-Key header's value (keyed)
	body  []byte
	ctype string // "" for application/json
	want  int
}

// keyed is a create's path values with an Idempotency-Key header (the walk sends the
// value under that name as the header).
func keyed(key string) map[string]string { return map[string]string{"Idempotency-Key": key} }

func jsonBody(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// writeCases gives each write operation of the document its calls; each is made when
// the walk reaches it, on articles and comments made for it.
func (e *env) writeCases() map[string]func(t *testing.T) []writeCase {
	ctx := context.Background()
	draft := func(t *testing.T, title string) *news.Article {
		t.Helper()
		e.token(t, news.RoleEditor) // makes the administrator
		a := &news.Article{Slug: news.Slugify(title), Title: title, BodyMarkdown: "Text.", BodyHTML: "<p>Text.</p>",
			Status: news.StatusDraft, OwnerID: e.admin.ID, Author: &news.Author{Name: "Chief Editor"}}
		if err := e.db.CreateArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	id := func(a *news.Article) map[string]string { return map[string]string{"id": fmt.Sprint(a.ID)} }
	v := func(a *news.Article) []byte { return jsonBody(map[string]any{"version": a.Version}) }
	moves := func(op string, ready func(t *testing.T) *news.Article, extra map[string]any) func(t *testing.T) []writeCase {
		return func(t *testing.T) []writeCase {
			editor, contributor := e.token(t, news.RoleEditor), e.token(t, news.RoleContributor)
			a := ready(t)
			body := map[string]any{"version": a.Version}
			for k, x := range extra {
				body[k] = x
			}
			stale := map[string]any{"version": a.Version + 5}
			for k, x := range extra {
				stale[k] = x
			}
			cases := []writeCase{
				{"stale", editor, id(a), jsonBody(stale), "", 409},
				{"unknown field", editor, id(a), []byte(`{"version":1,"colour":"red"}`), "", 400},
				{"missing", editor, map[string]string{"id": "999999"}, jsonBody(body), "", 404},
				{"bad ID", editor, map[string]string{"id": "abc"}, jsonBody(body), "", 400},
			}
			if op != "submit" {
				cases = append(cases, writeCase{"contributor", contributor, id(a), jsonBody(body), "", 403})
			}
			return append(cases, writeCase{"editor", editor, id(a), jsonBody(body), "", 200})
		}
	}
	publishedAs := func(t *testing.T, title string) *news.Article {
		a := draft(t, title)
		a.Status, a.PublishedAt = news.StatusPublished, now.Add(-time.Hour)
		if err := e.db.UpdateArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	published := func(t *testing.T) *news.Article { return publishedAs(t, "Walked to unpublish") }
	made := 0
	moderation := func(t *testing.T) []writeCase {
		made++
		moderator, author := e.token(t, news.RoleModerator), e.token(t, news.RoleAuthor)
		c := &news.Comment{ArticleID: e.public[2].ID, Status: news.CommentPending, AuthorName: "Walker", Body: fmt.Sprint("Hello ", made),
			BodyHTML: "<p>Hello</p>", CreatedAt: now.Add(-time.Minute)}
		if err := e.db.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		cid := map[string]string{"id": fmt.Sprint(c.ID)}
		return []writeCase{
			{"author", author, cid, nil, "", 403},
			{"missing", moderator, map[string]string{"id": "999999"}, nil, "", 404},
			{"bad ID", moderator, map[string]string{"id": "abc"}, nil, "", 400},
			{"moderator", moderator, cid, nil, "", 200},
		}
	}
	return map[string]func(t *testing.T) []writeCase{
		"createArticle": func(t *testing.T) []writeCase {
			editor, moderator, author := e.token(t, news.RoleEditor), e.token(t, news.RoleModerator), e.token(t, news.RoleAuthor)
			good := jsonBody(map[string]any{"headline": "Walked", "body_markdown": "A *walk*.", "tags": []string{"Walks"}})
			return []writeCase{
				{"moderator", moderator, nil, good, "", 403},
				{"unknown field", editor, nil, []byte(`{"headline":"x","colour":"red"}`), "", 400},
				{"blank headline", editor, nil, jsonBody(map[string]any{"headline": " "}), "", 422},
				{"form body", editor, nil, []byte("headline=x"), "application/x-www-form-urlencoded", 415},
				{"too large", editor, nil, jsonBody(map[string]any{"headline": "x", "body_markdown": string(make([]byte, 3<<20))}), "", 413},
				{"editor", editor, nil, good, "", 201},
				{"a page", editor, nil, jsonBody(map[string]any{"kind": "page", "headline": "About us", "nav_position": 1}), "", 201},
				{"keyed", editor, keyed("walk-1"), jsonBody(map[string]any{"headline": "Keyed walk"}), "", 201},
				{"keyed again", editor, keyed("walk-1"), jsonBody(map[string]any{"headline": "Keyed walk"}), "", 201},
				{"key reused", editor, keyed("walk-1"), jsonBody(map[string]any{"headline": "Other walk"}), "", 422},
				{"bad key", editor, keyed(strings.Repeat("k", 300)), good, "", 400},
				{"byline by an author", author, nil, jsonBody(map[string]any{"headline": "Bylined walk", "byline": []string{"Someone Else"}}), "", 403},
			}
		},
		"updateArticle": func(t *testing.T) []writeCase {
			editor, author := e.token(t, news.RoleEditor), e.token(t, news.RoleAuthor)
			a := draft(t, "Walked to update")
			return []writeCase{
				{"no version", editor, id(a), jsonBody(map[string]any{"headline": "x"}), "", 422},
				{"stale", editor, id(a), jsonBody(map[string]any{"version": a.Version + 1, "headline": "x"}), "", 409},
				{"someone else's", author, map[string]string{"id": fmt.Sprint(e.public[4].ID)}, jsonBody(map[string]any{"version": e.public[4].Version, "headline": "x"}), "", 403},
				{"missing", editor, map[string]string{"id": "999999"}, v(a), "", 404},
				{"editor", editor, id(a), jsonBody(map[string]any{"version": a.Version, "standfirst": "Walked."}), "", 200},
			}
		},
		"publishArticle":   moves("publish", func(t *testing.T) *news.Article { return draft(t, "Walked to publish") }, nil),
		"scheduleArticle":  moves("schedule", func(t *testing.T) *news.Article { return draft(t, "Walked to schedule") }, map[string]any{"published_at": now.Add(3 * time.Hour).Format(time.RFC3339)}),
		"unpublishArticle": moves("unpublish", published, nil),
		"submitArticle":    moves("submit", func(t *testing.T) *news.Article { return draft(t, "Walked to submit") }, nil),
		"uploadMedia": func(t *testing.T) []writeCase {
			author, moderator := e.token(t, news.RoleAuthor), e.token(t, news.RoleModerator)
			form := func(alt string) ([]byte, string) {
				var buf bytes.Buffer
				mw := multipart.NewWriter(&buf)
				mw.WriteField("alt", alt)
				fw, _ := mw.CreateFormFile("file", "walk.png")
				fw.Write(pngImage(640, 480))
				mw.Close()
				return buf.Bytes(), mw.FormDataContentType()
			}
			good, ctype := form("A walk")
			noAlt, ctype2 := form("")
			return []writeCase{
				{"moderator", moderator, nil, good, ctype, 403},
				{"no alt", author, nil, noAlt, ctype2, 422},
				{"not multipart", author, nil, []byte("x"), "text/plain", 400},
				{"author", author, nil, good, ctype, 201},
			}
		},
		"trashArticle": func(t *testing.T) []writeCase {
			editor, contributor := e.token(t, news.RoleEditor), e.token(t, news.RoleContributor)
			a := publishedAs(t, "Walked to the trash")
			return []writeCase{
				{"contributor", contributor, id(a), nil, "", 403},
				{"missing", editor, map[string]string{"id": "999999"}, nil, "", 404},
				{"bad ID", editor, map[string]string{"id": "abc"}, nil, "", 400},
				{"editor", editor, id(a), nil, "", 200},
				{"again", editor, id(a), nil, "", 410},
			}
		},
		"restoreArticle": func(t *testing.T) []writeCase {
			editor := e.token(t, news.RoleEditor)
			a := publishedAs(t, "Walked back from the trash")
			a.Status = news.StatusTrash
			if err := e.db.UpdateArticle(ctx, a); err != nil {
				t.Fatal(err)
			}
			return []writeCase{
				{"stale", editor, id(a), jsonBody(map[string]any{"version": a.Version + 5}), "", 409},
				{"no version", editor, id(a), []byte(`{}`), "", 422},
				{"missing", editor, map[string]string{"id": "999999"}, v(a), "", 404},
				{"editor", editor, id(a), v(a), "", 200},
			}
		},
		"approveComment": moderation,
		"spamComment":    moderation,
		"trashComment":   moderation,
	}
}
