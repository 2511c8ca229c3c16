//go:build browser

package admin_test

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/chromedp/chromedp"

	"broadsheet/internal/browsertest"
	"broadsheet/internal/news"
)

// bylinePages are the byline's screens for the Nu checker: a refused byline (the
// names kept), and a writer's editor (the byline shown, not editable).
func bylinePages(t *testing.T, e *env, b *browser) map[string]string {
	t.Helper()
	path := fmt.Sprintf("/admin/articles/%d", e.article.ID)
	refused := b.post(path, url.Values{"csrf": {b.csrf()}, "action": {"save"}, "title": {"A story"}, "body": {"The text."},
		"version": {fmt.Sprint(e.stored(e.article.ID).Version)}, "byline": {"1"}, "author": {"Nobody Known"}, "coauthor": {"Someone Else", ""}})
	if refused.status != 422 {
		t.Errorf("a refused byline: %d", refused.status)
	}
	writer := e.addNamed("Wes Writer", "wes@newsroom.example", news.RoleAuthor)
	own := &news.Article{Slug: "wes-story", Title: "Wes's story", BodyMarkdown: "Text.", BodyHTML: "<p>Text.</p>",
		Status: news.StatusDraft, OwnerID: writer.ID, Author: &news.Author{Name: "Wes Writer"},
		CoAuthors: []*news.Author{{Name: "Ana Reyes"}}}
	if err := e.db.CreateArticle(t.Context(), own); err != nil {
		t.Fatal(err)
	}
	wb := e.browser()
	wb.login("wes@newsroom.example")
	return map[string]string{"byline-refused": refused.body, "byline-writer": wb.get(fmt.Sprintf("/admin/articles/%d", own.ID)).body}
}

// An editor, at desktop and phone widths, changes a story's author and adds two
// co-authors by typing their names (offered by the datalist) and saves; the byline is
// stored in order. The control passes axe-core's WCAG 2.2 AA rules and does not make
// the page scroll sideways. Screenshots go to /tmp/shots/bylines-*.png.
func TestBylineControlInABrowser(t *testing.T) {
	e := newEnv(t)
	e.clock.Real()
	e.addNamed("Ana Reyes", "ana@newsroom.example", news.RoleEditor)
	e.addNamed("Ben Okafor", "ben@newsroom.example", news.RoleAuthor)
	e.addNamed("Cara Lin", "cara@newsroom.example", news.RoleContributor)
	ctx := browsertest.Start(t)
	signInAs(t, ctx, e, "ana@newsroom.example")
	editor := fmt.Sprintf("%s/admin/articles/%d", e.http.URL, e.article.ID)
	for _, size := range []struct {
		name   string
		w      int64
		byline []string
	}{{"1280", 1280, []string{"Ben Okafor", "Ana Reyes", "Cara Lin"}}, {"390", 390, []string{"Cara Lin", "Ben Okafor", "Ana Reyes"}}} {
		browsertest.Do(t, ctx, chromedp.EmulateViewport(size.w, 900), chromedp.Navigate(editor), chromedp.WaitVisible(chromedp.ID("author")))
		browsertest.CheckAxe(t, ctx, "the editor's byline at "+size.name)
		if scrollsSideways(t, ctx) {
			t.Errorf("%s px: the editor scrolls sideways", size.name)
		}
		if n := browsertest.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#byline-names option").length`)); n < 3 {
			t.Errorf("%s px: the byline offers %d names", size.name, n)
		}
		browsertest.Do(t, ctx, chromedp.ScrollIntoView(chromedp.CSS(".byline-box")))
		shoot(t, ctx, "bylines-editor-"+size.name)
		os.WriteFile(filepath.Join("/tmp/shots", "bylines-control-"+size.name+".png"), browsertest.Get(t, ctx, chromedp.Screenshot(chromedp.CSS(".byline-box"))), 0o644)
		// The person replaces the author and fills two co-author fields, then saves.
		// Any message already on the page goes first, so that the one waited for after
		// the click is the save's (the 390 px save was once read before it was made).
		browsertest.Get(t, ctx, chromedp.Evaluate[bool](`(() => { for (const id of ["author", "coauthor-1", "coauthor-2"]) document.getElementById(id).value = ""; document.querySelectorAll(".flash").forEach(f => f.remove()); return true })()`))
		browsertest.Do(t, ctx,
			chromedp.SendKeys(chromedp.ID("author"), size.byline[0]),
			chromedp.SendKeys(chromedp.ID("coauthor-1"), size.byline[1]),
			chromedp.SendKeys(chromedp.ID("coauthor-2"), size.byline[2]),
			chromedp.Click(chromedp.CSS(`.publish-box button[value=save]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
		if got := e.stored(e.article.ID).BylineNames(); !reflect.DeepEqual(got, size.byline) {
			t.Errorf("%s px: the byline saved %v, want %v", size.name, got, size.byline)
		}
		if v := browsertest.Get(t, ctx, chromedp.Evaluate[string](`document.getElementById("coauthor-2").value`)); v != size.byline[2] {
			t.Errorf("%s px: after the save the second co-author field holds %q", size.name, v)
		}
		browsertest.CheckAxe(t, ctx, "the editor after a byline save at "+size.name)
	}
}
