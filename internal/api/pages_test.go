package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"broadsheet/internal/news"
)

type apiPage struct {
	ID            int64  `json:"id"`
	Slug          string `json:"slug"`
	URL           string `json:"url"`
	Title         string `json:"title"`
	BodyHTML      string `json:"body_html"`
	NavPosition   int    `json:"nav_position"`
	CommentStatus string `json:"comment_status"`
}

// TestPagesListedAndFetched: published pages are listed in the navigation's order and
// answer by ID and slug; a draft page never appears; a page is no article and an
// article no page.
func TestPagesListedAndFetched(t *testing.T) {
	e := newEnv(t)
	pages := e.addPages(t) // ethics (nav 1), about (nav 2), colophon (out), draft
	var list struct {
		Items      []apiPage `json:"items"`
		NextCursor *string   `json:"next_cursor"`
	}
	e.get(t, "/api/v1/pages", http.StatusOK, &list)
	var slugs []string
	for _, p := range list.Items {
		slugs = append(slugs, p.Slug)
	}
	if got := strings.Join(slugs, " "); got != "ethics about colophon" || list.NextCursor != nil {
		t.Fatalf("pages listed: %q (next %v), want the navigation's order and no draft", got, list.NextCursor)
	}
	if p := list.Items[2]; p.URL != baseURL+"/colophon/" || p.NavPosition != 0 || p.CommentStatus != "open" {
		t.Errorf("colophon: %+v", p)
	}
	// Paged one at a time, the cursor goes on in the same order.
	var seen []string
	path := "/api/v1/pages?limit=1"
	for range 5 {
		list.NextCursor = nil
		e.get(t, path, http.StatusOK, &list)
		for _, p := range list.Items {
			seen = append(seen, p.Slug)
		}
		if list.NextCursor == nil {
			break
		}
		path = "/api/v1/pages?limit=1&cursor=" + *list.NextCursor
	}
	if got := strings.Join(seen, " "); got != "ethics about colophon" {
		t.Errorf("paged: %q", got)
	}

	var one apiPage
	e.get(t, fmt.Sprintf("/api/v1/pages/%d", pages[1].ID), http.StatusOK, &one)
	if one.Slug != "about" || one.Title != "About us" || one.NavPosition != 2 || one.CommentStatus != "closed" || !strings.Contains(one.BodyHTML, "About us body") {
		t.Errorf("page by ID: %+v", one)
	}
	one = apiPage{}
	e.get(t, "/api/v1/pages/by-slug/ethics", http.StatusOK, &one)
	if one.ID != pages[0].ID || one.URL != baseURL+"/ethics/" {
		t.Errorf("page by slug: %+v", one)
	}

	draft := pages[3]
	e.get(t, fmt.Sprintf("/api/v1/pages/%d", draft.ID), http.StatusNotFound, nil)
	e.get(t, "/api/v1/pages/by-slug/"+draft.Slug, http.StatusNotFound, nil)

	// A page is no article, an article no page.
	art := e.public[0]
	for _, p := range []string{fmt.Sprintf("/api/v1/articles/%d", pages[1].ID), "/api/v1/articles/by-slug/about",
		fmt.Sprintf("/api/v1/pages/%d", art.ID), "/api/v1/pages/by-slug/" + art.Slug} {
		res, body := e.do(t, "GET", p, nil)
		if res.StatusCode != http.StatusNotFound || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %s, want a 404 problem", p, res.StatusCode, body)
		}
	}
	// A page's comments are read at the comments' address, as an article's.
	c := &news.Comment{ArticleID: pages[2].ID, Status: news.CommentApproved, AuthorName: "Page Reader",
		AuthorEmail: "page@readers.example", Body: "Nice", BodyHTML: "<p>Nice colophon</p>", CreatedAt: e.now}
	if err := e.db.CreateComment(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if err := e.site.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, body := e.do(t, "GET", fmt.Sprintf("/api/v1/articles/%d/comments", pages[2].ID), nil); !strings.Contains(string(body), "Nice colophon") || strings.Contains(string(body), "page@readers") {
		t.Errorf("a page's comments: %.300s", body)
	}
	var withCount struct {
		CommentCount int `json:"comment_count"`
	}
	e.get(t, "/api/v1/pages/by-slug/colophon", http.StatusOK, &withCount)
	if withCount.CommentCount != 1 {
		t.Errorf("colophon's comment_count %d, want 1", withCount.CommentCount)
	}
	var bySlug struct {
		Items []apiPage `json:"items"`
	}
	e.get(t, "/api/v1/articles?slug=about", http.StatusOK, &bySlug)
	if len(bySlug.Items) != 0 {
		t.Errorf("?slug= of a page lists it as an article")
	}
	if _, body := e.do(t, "GET", "/api/v1/articles?limit=100", nil); strings.Contains(string(body), `"about"`) {
		t.Errorf("a page is listed among the articles")
	}
	for _, p := range []string{"/api/v1/pages", "/api/v1/pages/by-slug/" + draft.Slug} {
		if _, body := e.do(t, "GET", p, nil); strings.Contains(string(body), "Secret Draft Page") {
			t.Errorf("%s shows the draft page", p)
		}
	}
	// CORS and conditional GET, as every read.
	res, _ := e.do(t, "GET", "/api/v1/pages", nil)
	if res.Header.Get("Access-Control-Allow-Origin") != "*" || res.Header.Get("ETag") == "" {
		t.Errorf("headers: %v", res.Header)
	}
	if r304, _ := e.do(t, "GET", "/api/v1/pages", map[string]string{"If-None-Match": res.Header.Get("ETag")}); r304.StatusCode != http.StatusNotModified {
		t.Errorf("a matching ETag: %d", r304.StatusCode)
	}
}

// TestPagesCacheInvalidatedByAnEdit: the pages' answers are cached and dropped when a
// page is edited, published or moved in the navigation.
func TestPagesCacheInvalidatedByAnEdit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	pages := e.addPages(t)
	about := pages[1]
	paths := []string{"/api/v1/pages", fmt.Sprintf("/api/v1/pages/%d", about.ID), "/api/v1/pages/by-slug/about"}
	before := e.site.CachedPages()
	for _, p := range paths {
		e.get(t, p, http.StatusOK, nil)
	}
	if n := e.site.CachedPages(); n != before+len(paths) {
		t.Fatalf("%d answers cached of %d", n-before, len(paths))
	}
	// Served from the cache: a write behind the change log's back is not seen.
	e.rawExec(t, `UPDATE articles SET title = 'Unlogged' WHERE id = ?`, about.ID)
	for _, p := range paths {
		if _, body := e.do(t, "GET", p, nil); strings.Contains(string(body), "Unlogged") {
			t.Fatalf("%s was not served from the cache", p)
		}
	}
	edit, _ := e.db.Article(ctx, about.ID)
	edit.Title, edit.NavPosition, edit.Version = "About the newsroom", 0, news.AnyVersion
	if err := e.db.UpdateArticle(ctx, edit); err != nil {
		t.Fatal(err)
	}
	if err := e.site.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if _, body := e.do(t, "GET", p, nil); !strings.Contains(string(body), "About the newsroom") {
			t.Errorf("%s after the edit: %.200s", p, body)
		}
	}
	// Out of the navigation now: after Ethics and, by title, before Colophon.
	var list struct {
		Items []apiPage `json:"items"`
	}
	e.get(t, "/api/v1/pages", http.StatusOK, &list)
	if len(list.Items) != 3 || list.Items[1].Slug != "about" || list.Items[1].NavPosition != 0 {
		t.Errorf("after leaving the navigation: %+v", list.Items)
	}
	// The draft published: listed on the next request.
	draft, _ := e.db.Article(ctx, pages[3].ID)
	draft.Status, draft.Version = news.StatusPublished, news.AnyVersion
	if err := e.db.UpdateArticle(ctx, draft); err != nil {
		t.Fatal(err)
	}
	if err := e.site.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if _, body := e.do(t, "GET", "/api/v1/pages", nil); !strings.Contains(string(body), "secret-page") {
		t.Errorf("a page published is not listed: %.300s", body)
	}
}
