//go:build browser

package admin_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"broadsheet/internal/browsertest"
	"broadsheet/internal/news"
)

// An editor at 1280 and 390 px pages the article list, filters it by part of an
// accented name, chooses two stories and trashes them in bulk, and trashes one from
// its row; the list, its filtered and paged forms and a refusal pass axe-core, never
// scroll sideways, and are saved as screenshots under /tmp/shots.
func TestArticleListInABrowser(t *testing.T) {
	e := newEnv(t)
	e.clock.Real()
	e.addUser(news.RoleEditor)
	arts := e.addArticles(60, 0)
	zoe := &news.Article{Slug: "cafe", Title: "Café society and a headline long enough to wrap on a phone screen", BodyMarkdown: "x", BodyHTML: "<p>x</p>",
		Status: news.StatusDraft, Author: &news.Author{Name: "Zoë Ångström", Slug: "zoe-angstrom"}}
	if err := e.db.CreateArticle(t.Context(), zoe); err != nil {
		t.Fatal(err)
	}
	ctx := browsertest.Start(t)
	signInAs(t, ctx, e, "editor@newsroom.example")
	check := func(what string) {
		browsertest.CheckAxe(t, ctx, what)
		if scrollsSideways(t, ctx) {
			t.Errorf("%s: the page scrolls sideways", what)
		}
	}
	for _, size := range []struct {
		name string
		w, h int64
	}{{"1280", 1280, 900}, {"390", 390, 844}} {
		browsertest.Do(t, ctx, chromedp.EmulateViewport(size.w, size.h))
		browsertest.Do(t, ctx, chromedp.Navigate(e.http.URL+"/admin/articles"), chromedp.WaitVisible(chromedp.CSS("table.article-list")))
		check("article list, " + size.name)
		shoot(t, ctx, "lists-articles-"+size.name)
		// The next page, through the pager.
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`a[rel="next"]`)), chromedp.WaitVisible(chromedp.CSS(`a[rel="prev"]`)))
		if n := browsertest.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("table.article-list tbody tr").length`)); n != 12 {
			t.Errorf("%s: the second page has %d rows, want 12 of 62", size.name, n)
		}
		check("article list, page 2, " + size.name)
		// By part of the author's name, typed without accents.
		browsertest.Do(t, ctx, chromedp.Navigate(e.http.URL+"/admin/articles"), chromedp.WaitVisible(chromedp.ID("f-author")),
			chromedp.SendKeys(chromedp.ID("f-author"), "zoe angs"), chromedp.Click(chromedp.CSS(`.filters button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`#f-author[value="zoe angs"]`))) // the filtered page, sent back with the filter
		if rows := browsertest.Get(t, ctx, chromedp.Text(chromedp.CSS("table.article-list tbody"))); !strings.Contains(rows, "Café society") || strings.Contains(rows, "Story ") {
			t.Errorf("%s: filtered by “zoe angs”: %q", size.name, rows)
		}
		check("article list filtered, " + size.name)
		shoot(t, ctx, "lists-articles-filtered-"+size.name)
	}
	// Two chosen and trashed in bulk; one trashed from its row.
	browsertest.Do(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(e.http.URL+"/admin/articles"), chromedp.WaitVisible(chromedp.CSS("table.article-list")),
		chromedp.Click(chromedp.ID(fmt.Sprintf("pick-%d", arts[1].ID))), chromedp.Click(chromedp.ID(fmt.Sprintf("pick-%d", arts[2].ID))),
		chromedp.SetValue(chromedp.ID("bulk-action"), "trash"), chromedp.Click(chromedp.CSS(`button[name="apply"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	if flash := browsertest.Get(t, ctx, chromedp.Text(chromedp.CSS(".flash"))); !strings.Contains(flash, "Moved to the trash: 2 articles.") {
		t.Errorf("after the bulk trash: %q", flash)
	}
	for _, a := range arts[1:3] {
		if e.stored(a.ID).Status != news.StatusTrash {
			t.Errorf("%q was not trashed", a.Title)
		}
	}
	browsertest.Do(t, ctx, chromedp.Navigate(e.http.URL+"/admin/articles"), chromedp.WaitVisible(chromedp.CSS("table.article-list")),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`button[name="trash"][value="%d"]`, arts[4].ID))), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if flash := browsertest.Get(t, ctx, chromedp.Text(chromedp.CSS(".flash"))); !strings.Contains(flash, "Moved to the trash: 1 article.") || e.stored(arts[4].ID).Status != news.StatusTrash {
		t.Errorf("after a row's Trash: %q", flash)
	}
	// A refusal: the story changed after the list was loaded.
	browsertest.Do(t, ctx, chromedp.Navigate(e.http.URL+"/admin/articles"), chromedp.WaitVisible(chromedp.CSS("table.article-list")))
	changed := e.stored(arts[5].ID)
	changed.Title = "Changed meanwhile"
	if err := e.db.UpdateArticle(t.Context(), changed); err != nil {
		t.Fatal(err)
	}
	for _, size := range []struct {
		name string
		w, h int64
	}{{"1280", 1280, 900}, {"390", 390, 844}} {
		browsertest.Do(t, ctx, chromedp.EmulateViewport(size.w, size.h), chromedp.Navigate(e.http.URL+"/admin/articles"), chromedp.WaitVisible(chromedp.CSS("table.article-list")))
		browsertest.Get(t, ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { document.querySelector('input[name="v%d"]').value = "1"; return true })()`, arts[5].ID)))
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf(`button[name="trash"][value="%d"]`, arts[5].ID))), chromedp.WaitVisible(chromedp.ID("form-error")))
		if msg := browsertest.Get(t, ctx, chromedp.Text(chromedp.ID("form-error"))); !strings.Contains(msg, "changed by someone else") {
			t.Errorf("the stale trash: %q", msg)
		}
		check("article list with a refusal, " + size.name)
		shoot(t, ctx, "lists-articles-refused-"+size.name)
	}
	if e.stored(arts[5].ID).Status == news.StatusTrash {
		t.Error("a stale trash moved the story")
	}
}
