package site_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// addPage stores a published static page and applies the change to the site.
func (e *env) addPage(slug, title string, nav int, commentsOpen bool) *news.Article {
	e.t.Helper()
	p := &news.Article{Kind: news.KindPage, Slug: slug, Title: title,
		BodyMarkdown: "Who we are.", BodyHTML: "<p>Who we are, the page " + slug + ".</p>",
		Status: news.StatusPublished, PublishedAt: e.clock.Now().Add(-time.Hour), NavPosition: nav,
		CommentsClosed: !commentsOpen, Author: &news.Author{Name: "Anna Petrova"}}
	if err := e.db.CreateArticle(context.Background(), p); err != nil {
		e.t.Fatal(err)
	}
	if err := e.srv.Sync(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// A page is at /{slug}/ without date, section, byline, neighbours or comments; it is in
// the sitemap and the footer's navigation (in its order), never on the front page, in
// archives or in feeds; its dated address and slashless one lead to it.
func TestStaticPageIsServedAtItsSlug(t *testing.T) {
	e := newEnv(t, 3, nil)
	// Warm the caches the page must reach: the front page, the feed, the sitemap, a story.
	for _, u := range []string{"/", "/feed.xml", "/sitemap.xml", e.url(e.arts[2])} {
		e.get(u)
	}
	about := e.addPage("about", "About the Gazette", 2, false)
	e.addPage("ethics", "Our ethics", 1, false)
	e.addPage("contact", "Contact", 0, false)

	p := e.get("/about/")
	if p.status != 200 {
		t.Fatalf("/about/: %d", p.status)
	}
	mustContain(t, "the page", p.body, "<h1 class=\"headline\">About the Gazette</h1>", "Who we are, the page about.")
	mustNotContain(t, "the page", p.body, `class="kicker"`, "class=\"byline", `id="comments"`, "post-navigation",
		"article:published_time", "NewsArticle", "Share this story")
	// The footer's navigation: the pages that asked for a place, in its order.
	ethics, aboutLink := strings.Index(p.body, `<a href="/ethics/">Our ethics</a>`), strings.Index(p.body, `<a href="/about/">About the Gazette</a>`)
	if ethics < 0 || aboutLink < 0 || ethics > aboutLink {
		t.Errorf("navigation: ethics at %d, about at %d; want both, ethics first", ethics, aboutLink)
	}
	if strings.Contains(p.body, `href="/contact/"`) {
		t.Errorf("a page without a place in the navigation is in it")
	}
	// Every other page shows the navigation too (cached before the pages existed).
	mustContain(t, "a story", e.get(e.url(e.arts[2])).body, `<a href="/about/">About the Gazette</a>`)

	// Feeds have no navigation: no page at all. HTML lists: the navigation's link only.
	for _, u := range []string{"/feed.xml", "/atom.xml", "/feed.json", "/section/world/feed.xml", "/news-sitemap.xml"} {
		mustNotContain(t, u, e.get(u).body, "/about/", "/ethics/", "/contact/", "Who we are")
	}
	for _, u := range []string{"/", "/section/world/", "/tag/diplomacy/", "/author/anna-petrova/"} {
		body := e.get(u).body
		if n := strings.Count(body, `"/about/"`); n != 1 || strings.Contains(body, "/contact/") || strings.Contains(body, "Who we are") {
			t.Errorf("%s: /about/ %d times (want the navigation's only), or another page listed", u, n)
		}
	}
	sm := e.get("/sitemap.xml").body
	mustContain(t, "the sitemap", sm, e.http.URL+"/about/", e.http.URL+"/contact/")

	// /about and the page's address with a date lead to /about/.
	if r := e.get("/about"); r.status != 301 || r.header.Get("Location") != "/about/" {
		t.Errorf("/about: %d %q", r.status, r.header.Get("Location"))
	}
	dated := "/" + about.PublishedAt.Format("2006/01/02") + "/about/"
	if r := e.get(dated); r.status != 301 || r.header.Get("Location") != "/about/" {
		t.Errorf("%s: %d %q", dated, r.status, r.header.Get("Location"))
	}
	// A story's slug at the top level leads to its dated address (WordPress's /%postname%/).
	if r := e.get("/" + e.arts[0].Slug + "/"); r.status != 301 || !strings.HasSuffix(e.url(e.arts[0]), r.header.Get("Location")) {
		t.Errorf("a story's slug at the top: %d %q", r.status, r.header.Get("Location"))
	}

	// Unpublishing drops the page and its place in every page's navigation.
	about.Status = news.StatusDraft
	if err := e.db.UpdateArticle(context.Background(), about); err != nil {
		t.Fatal(err)
	}
	e.srv.Sync(context.Background())
	if r := e.get("/about/"); r.status != 404 {
		t.Errorf("an unpublished page: %d", r.status)
	}
	if body := e.get(e.url(e.arts[2])).body; strings.Contains(body, `href="/about/"`) {
		t.Errorf("an unpublished page stays in the navigation")
	}
	if strings.Contains(e.get("/sitemap.xml").body, "/about/") {
		t.Errorf("an unpublished page stays in the sitemap")
	}
}

// Comments on a page are off unless the editor turns them on: then the page shows
// the form.
func TestStaticPageCommentsOnlyWhenTurnedOn(t *testing.T) {
	e := newEnv(t, 1, nil)
	e.addPage("ethics", "Ethics", 0, false)
	e.addPage("letters", "Letters to the editor", 0, true)
	mustNotContain(t, "a page with comments off", e.get("/ethics/").body, `id="comments"`, `name="token"`)
	mustContain(t, "a page with comments on", e.get("/letters/").body, `id="comments"`, `name="token"`)

	// A reader's comment on it is kept and shown there, at the page's own address.
	letters, err := e.db.ArticleBySlug(context.Background(), "letters")
	if err != nil {
		t.Fatal(err)
	}
	r := e.post("/comments/", e.commentForm(letters, "Tom Reader", "tom@reader.example", "A letter to the editor."))
	if loc := r.header.Get("Location"); r.status != 303 || !strings.HasPrefix(loc, "/letters/") {
		t.Fatalf("a comment on a page: %d %q", r.status, loc)
	}
	c, _ := e.db.Comments(context.Background(), news.CommentQuery{ArticleID: letters.ID})
	if len(c) != 1 {
		t.Fatalf("comments stored: %d", len(c))
	}
	if c[0].Status != news.CommentApproved { // held for moderation: a moderator approves it
		if err := e.db.SetCommentStatus(context.Background(), c[0].ID, news.CommentApproved); err != nil {
			t.Fatal(err)
		}
		e.srv.Sync(context.Background())
	}
	mustContain(t, "the page after the comment", e.get("/letters/").body, "A letter to the editor.", "One comment on")
	// Comments closed: a post is refused.
	ethics, _ := e.db.ArticleBySlug(context.Background(), "ethics")
	form := e.commentForm(letters, "Tom Reader", "tom@reader.example", "Another.")
	form.Set("article", fmt.Sprint(ethics.ID))
	e.post("/comments/", form)
	if c, _ := e.db.Comments(context.Background(), news.CommentQuery{ArticleID: ethics.ID}); len(c) != 0 {
		t.Errorf("a comment was kept on a page whose comments are closed")
	}
}
