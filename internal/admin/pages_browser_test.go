//go:build browser

package admin_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"broadsheet/internal/browsertest"
	"broadsheet/internal/news"
)

// pagesFixture adds 25 published pages, one in the navigation and one with a long
// title, enough for a second page of the list at 20 a page; it returns the first.
func pagesFixture(t *testing.T, e *env) *news.Article {
	t.Helper()
	var first *news.Article
	for i := 1; i <= 25; i++ {
		p := &news.Article{Kind: news.KindPage, Slug: fmt.Sprintf("page-%d", i), Title: fmt.Sprintf("Page %d", i),
			BodyMarkdown: "Text.", BodyHTML: "<p>Text.</p>", Status: news.StatusPublished,
			PublishedAt: e.clock.Now().Add(-time.Duration(i) * time.Hour), CommentsClosed: true}
		if i == 1 {
			p.Title, p.NavPosition = "Corrections policy: how we correct, clarify and update what we publish, and when we say so", 1
			first = p
		}
		if err := e.db.CreateArticle(t.Context(), p); err != nil {
			t.Fatal(err)
		}
	}
	return first
}

// pagesPages are the pages' screens' HTML, for the Nu checker
// (TestAdminPagesAreValidHTML); b is an administrator's browser.
func pagesPages(t *testing.T, e *env, b *browser) map[string]string {
	t.Helper()
	p := pagesFixture(t, e)
	return map[string]string{
		"pages": b.get("/admin/pages").body, "pages-2": b.get("/admin/pages?n=20&status=published").body,
		"new-page": b.get("/admin/pages/new").body, "edit-page": b.get(fmt.Sprintf("/admin/articles/%d", p.ID)).body,
		"page-refused": b.post("/admin/articles", url.Values{"csrf": {b.csrf()}, "action": {"save"}, "kind": {"page"},
			"title": {"Feeds"}, "slug": {"feed"}, "body": {"Our feeds."}}).body,
	}
}

// The Pages list and the page editor in Chromium at a desktop's and a phone's width:
// axe-core finds nothing serious and nothing scrolls sideways; the editor pages the
// list, writes a new page with a place in the navigation and publishes it, and a
// reserved address is refused with the text kept.
func TestPagesInABrowser(t *testing.T) {
	e := newEnv(t)
	e.clock.Real()
	e.addUser(news.RoleEditor)
	first := pagesFixture(t, e)
	ctx := browsertest.Start(t)
	signInAs(t, ctx, e, "editor@newsroom.example")
	check := func(what string) {
		t.Helper()
		browsertest.CheckAxe(t, ctx, what)
		if over, culprit := sideways(t, ctx); over > 0 {
			t.Errorf("%s scrolls sideways by %d px: %s", what, over, culprit)
		}
	}
	for _, w := range widths {
		browsertest.Do(t, ctx, viewport(w), chromedp.Navigate(e.http.URL+"/admin/pages?n=20"), chromedp.WaitVisible(chromedp.CSS("table.article-list")))
		check("the Pages list at " + w.name + " px")
		shoot(t, ctx, "pages-list-"+w.name)
		rows := browsertest.Get(t, ctx, chromedp.Text(chromedp.CSS("table.article-list tbody")))
		if !strings.Contains(rows, "Corrections policy") || strings.Contains(rows, "A story") {
			t.Errorf("%s px: the list's rows: %q", w.name, rows)
		}
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`a[rel="next"]`)), chromedp.WaitVisible(chromedp.CSS(`a[rel="prev"]`)))
		if n := browsertest.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("table.article-list tbody tr").length`)); n != 5 {
			t.Errorf("%s px: the second page has %d rows, want 5 of 25", w.name, n)
		}
		browsertest.Do(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/admin/articles/%d", e.http.URL, first.ID)), chromedp.WaitVisible(chromedp.ID("nav-position")))
		check("the page editor at " + w.name + " px")
		shoot(t, ctx, "pages-editor-"+w.name)
		browsertest.Do(t, ctx, chromedp.Navigate(e.http.URL+"/admin/pages/new"), chromedp.WaitVisible(chromedp.ID("title")))
		check("the new page at " + w.name + " px")
	}

	// A reserved address: refused, the text kept, the message at the form.
	browsertest.Do(t, ctx, viewport(widths[1]), chromedp.Navigate(e.http.URL+"/admin/pages/new"), chromedp.WaitVisible(chromedp.ID("title")),
		chromedp.SendKeys(chromedp.ID("title"), "Our feeds"), chromedp.SendKeys(chromedp.ID("slug"), "feed"),
		chromedp.SetValue(chromedp.ID("body"), "How to follow us."),
		chromedp.Click(chromedp.CSS(`.editor-foot button[value="save"]`)), chromedp.WaitVisible(chromedp.ID("form-error")))
	if msg := browsertest.Get(t, ctx, chromedp.Text(chromedp.ID("form-error"))); !strings.Contains(msg, "/feed/ is one the site itself uses") {
		t.Errorf("the reserved slug's message: %q", msg)
	}
	if body := browsertest.Get(t, ctx, chromedp.Value(chromedp.ID("body"))); body != "How to follow us." {
		t.Errorf("the refused form's body: %q", body)
	}
	check("the refused page at 390 px")

	// A new page, second in the navigation, published from the editor.
	browsertest.Do(t, ctx, viewport(widths[0]), chromedp.Navigate(e.http.URL+"/admin/pages/new"), chromedp.WaitVisible(chromedp.ID("title")),
		chromedp.SendKeys(chromedp.ID("title"), "Contact"), chromedp.SetValue(chromedp.ID("body"), "Write to us."),
		chromedp.SetValue(chromedp.ID("nav-position"), "2"),
		chromedp.Click(chromedp.CSS(`.editor-foot button[value="publish"]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	p, err := e.db.ArticleBySlug(t.Context(), "contact")
	if err != nil || !p.IsPage() || p.Status != news.StatusPublished || p.NavPosition != 2 || !p.CommentsClosed {
		t.Fatalf("the page published from the browser: %+v %v", p, err)
	}
	browsertest.Do(t, ctx, chromedp.Navigate(e.http.URL+"/contact/"), chromedp.WaitVisible(chromedp.CSS(".site-pages")))
	nav := browsertest.Get(t, ctx, chromedp.Text(chromedp.CSS(".site-pages")))
	if i, j := strings.Index(nav, "Corrections policy"), strings.Index(nav, "Contact"); i < 0 || j < i {
		t.Errorf("the site's navigation: %q", nav)
	}
	for _, w := range widths {
		browsertest.Do(t, ctx, viewport(w), chromedp.Navigate(e.http.URL+"/contact/"), chromedp.WaitVisible(chromedp.CSS(".site-pages")))
		check("the public page at " + w.name + " px")
		shoot(t, ctx, "pages-public-"+w.name)
	}
}
