package site_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
	"broadsheet/internal/render"
	"broadsheet/internal/site"
)

func TestCachedPagesCarryETagAndGzip(t *testing.T) {
	e := newEnv(t, 3, nil)
	u := e.http.URL + "/"
	first := e.get(u)
	etag := first.header.Get("Etag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if p := e.get(u, "If-None-Match", etag); p.status != 304 || p.body != "" {
		t.Errorf("If-None-Match with the current ETag: %d, %d bytes", p.status, len(p.body))
	}
	zipped := e.get(u, "Accept-Encoding", "gzip")
	if zipped.header.Get("Content-Encoding") != "gzip" || !strings.Contains(zipped.header.Get("Vary"), "Accept-Encoding") {
		t.Fatalf("gzip not served: %v", zipped.header)
	}
	zr, err := gzip.NewReader(strings.NewReader(zipped.body))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !bytes.Equal(plain, []byte(first.body)) {
		t.Errorf("the gzipped page differs from the plain one")
	}
	if p := e.get(u, "Accept-Encoding", "gzip;q=0"); p.header.Get("Content-Encoding") != "" {
		t.Errorf("gzip sent to a client that refused it")
	}
	if e.srv.CachedPages() == 0 {
		t.Errorf("nothing cached")
	}
}

// Every page that shows an article changes as soon as the write that changed it
// returns: the article, its neighbours' boxes, the lists and the feeds.
func TestEditingAnArticleRefreshesEveryPageThatShowsIt(t *testing.T) {
	e := newEnv(t, 5, nil)
	ctx := context.Background()
	a := e.arts[2]
	pages := map[string]string{
		"article": e.url(a), "previous": e.url(e.arts[1]), "next": e.url(e.arts[3]),
		"front": "/", "section": "/section/world/", "tag": "/tag/diplomacy/", "author": "/author/james-miller/",
		"feed": "/feed.xml", "section feed": "/section/world/atom.xml",
	}
	unrelated := e.url(e.arts[4]) // shows neither story 3 nor its neighbours
	for _, u := range pages {
		mustContain(t, u, e.get(u).body, "Story number 3")
	}
	e.get(unrelated)
	cachedBefore := e.srv.CachedPages()

	a.Title = "A corrected headline"
	a.Standfirst = "A new standfirst."
	if err := e.db.UpdateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if e.srv.CachedPages() == 0 || e.srv.CachedPages() >= cachedBefore {
		t.Errorf("cached pages %d → %d: want only the pages that show the article dropped", cachedBefore, e.srv.CachedPages())
	}
	for name, u := range pages {
		body := e.get(u).body
		mustContain(t, name, body, "A corrected headline")
		mustNotContain(t, name, body, "Story number 3’s headline", "Story number 3's headline")
	}
}

func TestPublishingBetweenTwoArticlesUpdatesBothNeighbours(t *testing.T) {
	e := newEnv(t, 2, nil)
	ctx := context.Background()
	older, newer := e.arts[0], e.arts[1]
	mustContain(t, "older", e.get(e.url(older)).body, "Story number 2’s headline")
	mustContain(t, "newer", e.get(e.url(newer)).body, "Story number 1’s headline")
	body, _ := render.Markdown("Between the two.")
	between := &news.Article{Slug: "in-between", Title: "The story in between", Standfirst: "Published between the two.",
		BodyMarkdown: "Between the two.", BodyHTML: body, Status: news.StatusPublished,
		PublishedAt: older.PublishedAt.Add(12 * time.Hour)}
	if err := e.db.CreateArticle(ctx, between); err != nil {
		t.Fatal(err)
	}
	e.srv.Sync(ctx)
	mustContain(t, "older, next box", e.get(e.url(older)).body, "The story in between", "Published between the two.")
	mustContain(t, "newer, previous box", e.get(e.url(newer)).body, "The story in between")
	mustContain(t, "front page", e.get("/").body, "The story in between")
}

// A write made by another process (the CLI, another node) reaches the cache through the
// change log, which Run follows.
func TestWritesFromElsewhereReachTheCache(t *testing.T) {
	e := newEnv(t, 4, func(c *site.Config) { c.PollInterval = 20 * time.Millisecond })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go e.srv.Run(ctx)
	a := e.arts[3] // no comments
	mustContain(t, "before", e.get(e.url(a)).body, "Be the first to comment")
	c := &news.Comment{ArticleID: a.ID, Status: news.CommentApproved, AuthorName: "From the shell", Body: "Approved elsewhere", BodyHTML: "<p>Approved elsewhere</p>"}
	if err := e.db.CreateComment(ctx, c); err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		if strings.Contains(e.get(e.url(a)).body, "Approved elsewhere") {
			break
		}
		if i == 500 {
			t.Fatal("the comment never reached the cached page")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestSettingsChangeEveryPage(t *testing.T) {
	e := newEnv(t, 2, nil)
	mustContain(t, "front", e.get("/").body, "The Test Gazette")
	e.db.SetSettings(context.Background(), map[string]string{"title": "The Renamed Gazette"})
	e.srv.Sync(context.Background())
	for _, u := range []string{"/", e.url(e.arts[0]), "/feed.xml"} {
		mustContain(t, u, e.get(u).body, "The Renamed Gazette")
	}
}

func TestPageCacheOffStillServes(t *testing.T) {
	e := newEnv(t, 3, func(c *site.Config) { c.PageCache = false })
	mustContain(t, "article", e.get(e.url(e.arts[1])).body, "Story number 2’s headline")
	if e.srv.CachedPages() != 0 {
		t.Errorf("pages cached with the cache off")
	}
}

// The comment form's token carries the time each reader loaded the page, though the page
// is cached: two loads 5 s apart carry different tokens, and the minimum fill time
// counts from the second load for a post made with the second token.
func TestFormTokenCountsFromEachReadersLoad(t *testing.T) {
	e := newEnv(t, 2, func(c *site.Config) { c.CommentMinTime = 3 * time.Second })
	a := e.arts[1]
	first := e.get(e.url(a))
	e.sneak(`UPDATE articles SET title = 'Changed behind the cache' WHERE id = ?`, a.ID)
	e.clock.Add(5 * time.Second)
	second := e.get(e.url(a), "Accept-Encoding", "gzip")
	zr, err := gzip.NewReader(strings.NewReader(second.body))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gzipped article page: %v", err)
	}
	second.body = string(body)
	if strings.Contains(second.body, "Changed behind the cache") {
		t.Fatal("the second load was rendered afresh: the page is not served from the cache")
	}
	t1, t2 := tokenRe.FindStringSubmatch(first.body), tokenRe.FindStringSubmatch(second.body)
	if t1 == nil || t2 == nil || t1[1] == t2[1] {
		t.Fatalf("tokens of two loads 5 s apart: %v and %v", t1, t2)
	}
	post := func(token string) page {
		return e.post("/comments/", url.Values{"article": {fmt.Sprint(a.ID)}, "parent": {"0"}, "token": {token},
			"author": {"Quick Reader"}, "email": {"quick@readers.example"}, "comment": {"Fast thoughts."}, "subject": {""}},
			"X-Forwarded-For", "198.51.100.20")
	}
	e.clock.Add(time.Second) // 6 s after the first load, 1 s after the second
	if p := post(t2[1]); p.status != 422 || !strings.Contains(p.body, "That was quick") {
		t.Errorf("a post 1 s after its own load: %d", p.status)
	}
	if p := post(t1[1]); p.status != 303 {
		t.Errorf("a post 6 s after its own load: %d", p.status)
	}
}

// No query makes the server render what the cache holds: only a pending comment's own
// link, with its signature, is a page made for one reader.
func TestQueriesDoNotBypassTheCache(t *testing.T) {
	e := newEnv(t, 3, nil)
	a := e.arts[1]
	cs, _ := e.db.ApprovedComments(context.Background(), a.ID)
	reply := fmt.Sprintf("%s?replytocom=%d", e.url(a), cs[0].ID)
	e.get(e.url(a))
	e.get(reply)
	e.sneak(`UPDATE articles SET title = 'Changed behind the cache' WHERE id = ?`, a.ID)
	for _, q := range []string{"", "?utm_source=x", "?replytocom=" + fmt.Sprint(cs[0].ID), "?replytocom=" + fmt.Sprint(cs[0].ID) + "&x=1",
		"?unapproved=1&moderation-hash=forged", "?unapproved=abc", "?moderation-hash=x&unapproved=" + fmt.Sprint(cs[0].ID)} {
		p := e.get(e.url(a) + q)
		if p.status != 200 || strings.Contains(p.body, "Changed behind the cache") {
			t.Errorf("%s: %d, rendered afresh instead of served from the cache", q, p.status)
		}
	}
	// A made-up address is the one 404 page, rendered once.
	for _, path := range []string{"/no-such-page", "/section/none/", "/2025/01/01/nothing/"} {
		if p := e.get(path); p.status != 404 || !strings.Contains(p.body, "Page not found") {
			t.Errorf("%s: %d", path, p.status)
		}
	}
}
