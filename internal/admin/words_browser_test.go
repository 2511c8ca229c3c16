//go:build browser

package admin_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"broadsheet/internal/browsertest"
	"broadsheet/internal/news"
)

// splitWords lists the words of the elements matching sel that the page shows broken
// across two lines ("publishe/d", "Ångströ/m", "/section/busine/ss/").
func splitWords(t *testing.T, ctx context.Context, sel string) []string {
	t.Helper()
	return browsertest.Get(t, ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`(() => {
		const out = [];
		for (const el of document.querySelectorAll(%q)) {
			const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
			for (let n = walk.nextNode(); n; n = walk.nextNode()) {
				for (const m of n.data.matchAll(/\S+/g)) {
					const r = document.createRange();
					r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
					const tops = new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top)));
					if (tops.size > 1) out.push(m[0]);
				}
			}
		}
		return out;
	})()`, sel)))
}

// At 1280 px the admin's tables do not break ordinary words in the middle: a comment's
// author and email in the queue, an article's status, a section's address. Under the
// body's overflow-wrap: anywhere (which keeps a 300-letter word from widening the page)
// a table gave every word-breakable column its narrowest width, and the queue read
// "Zoë Ångströ/m", "reader54@exa/mple.net", the article list "publishe/d", the
// sections "/section/technolo/gy/".
func TestAdminTablesKeepWordsWhole(t *testing.T) {
	e := newEnv(t)
	e.clock.Real()
	e.addUser(news.RoleAdministrator)
	c := e.addComment("reader54@example.net", "h", news.CommentPending, "The ferry timetable changed last week, your article says otherwise and nobody has fixed it.")
	c.AuthorName = "Zoë Ångström"
	if err := e.db.UpdateComment(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Technology", "Business"} {
		if err := e.db.CreateSection(t.Context(), &news.Section{Name: name, Slug: news.Slugify(name)}); err != nil {
			t.Fatal(err)
		}
	}
	long := &news.Article{Slug: "youth-council", Title: "Youth council asks for a seat on the transport committee", BodyHTML: "<p>b</p>",
		Status: news.StatusPublished, PublishedAt: e.clock.Now(), Author: &news.Author{Name: "Tomás Ferreira", Slug: "tomas-ferreira"}}
	if err := e.db.CreateArticle(t.Context(), long); err != nil {
		t.Fatal(err)
	}
	ctx := browsertest.Start(t)
	browsertest.Do(t, ctx, chromedp.EmulateViewport(1280, 900))
	signInAs(t, ctx, e, "administrator@newsroom.example")
	for _, s := range []struct{ path, cells string }{
		{"/admin/comments?status=pending", "table.queue tbody td:nth-child(2)"},
		{"/admin/articles", "table.article-list tbody td:nth-child(3)"},
		{"/admin/sections", "table.queue tbody td:first-child"},
	} {
		browsertest.Do(t, ctx, chromedp.Navigate(e.http.URL+s.path), chromedp.WaitVisible(chromedp.CSS("table tbody")))
		if split := splitWords(t, ctx, s.cells); len(split) > 0 {
			t.Errorf("%s at 1280 px breaks words across lines: %q", s.path, split)
		}
	}
}

// A confirmation's "Cancel" sits level with the button beside it (it stood at the row's
// top, half a button above the button's words), at both widths.
func TestConfirmationCancelIsLevelWithItsButton(t *testing.T) {
	e := newEnv(t)
	e.clock.Real()
	e.addUser(news.RoleModerator)
	spam := e.addComment("spam@spam.example", "h", news.CommentSpam, "Buy cheap watches")
	ctx := browsertest.Start(t)
	for _, w := range widths {
		browsertest.Do(t, ctx, viewport(w))
		if w.name == "1280" {
			signInAs(t, ctx, e, "moderator@newsroom.example")
		}
		browsertest.Do(t, ctx, chromedp.Navigate(e.http.URL+"/admin/comments?status=spam"), chromedp.WaitVisible(chromedp.CSS("table.queue")),
			chromedp.Click(chromedp.ID(fmt.Sprintf("sel-%d", spam.ID))), chromedp.SetValue(chromedp.ID("bulk"), "delete"),
			chromedp.Click(chromedp.CSS("button[name=apply]")), chromedp.WaitVisible(chromedp.ID("confirm-lead")))
		off := browsertest.Get(t, ctx, chromedp.Evaluate[float64](`(() => {
			const f = document.querySelector("main form.actions");
			// The words, not the boxes: a flex row stretches the link's box to the button's height.
			const words = el => { const r = document.createRange(); r.selectNodeContents(el); return r.getBoundingClientRect(); };
			const b = words(f.querySelector("button")), a = words(f.querySelector("a"));
			return Math.abs((b.top + b.bottom) / 2 - (a.top + a.bottom) / 2);
		})()`))
		if off > 3 {
			t.Errorf("at %s px the confirmation's Cancel is %.0f px off its button's middle", w.name, off)
		}
		browsertest.CheckAxe(t, ctx, "delete confirmation at "+w.name)
	}
}
