//go:build browser

package admin_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"broadsheet/internal/browsertest"
	"broadsheet/internal/news"
)

// In Chromium at 1280 and 390 px: a contributor opens their story in review and sees it
// read-only, with "Withdraw to edit" on the screen (axe-core: nothing serious);
// pressing it makes the story a draft and opens it in the editor.
func TestWithdrawInABrowser(t *testing.T) {
	e := newEnv(t)
	e.clock.Real()
	co := e.addUser(news.RoleContributor)
	ctx := browsertest.Start(t)
	signInAs(t, ctx, e, co.Email)
	for _, w := range widths {
		a := e.storyOf(co, "Waiting for review "+w.name, news.StatusReview, time.Time{})
		browsertest.Do(t, ctx, viewport(w), chromedp.Navigate(fmt.Sprintf("%s/admin/articles/%d", e.http.URL, a.ID)),
			chromedp.WaitVisible(chromedp.CSS("iframe.preview-frame")))
		if n := browsertest.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#title, textarea").length`)); n != 0 {
			t.Errorf("%s px: the read-only view has %d editable fields", w.name, n)
		}
		// The button is on the screen, whole, at this width.
		fits := browsertest.Get(t, ctx, chromedp.Evaluate[bool](`(() => {
			const b = [...document.querySelectorAll("button")].find(b => b.textContent === "Withdraw to edit");
			if (!b) return false;
			const r = b.getBoundingClientRect();
			return r.width >= 24 && r.height >= 24 && r.left >= 0 && r.right <= document.documentElement.clientWidth;
		})()`))
		if !fits {
			t.Errorf("%s px: no whole Withdraw to edit button on the screen", w.name)
		}
		browsertest.CheckAxe(t, ctx, "a contributor's story in review, read-only, at "+w.name+" px")
		if over, culprit := sideways(t, ctx); over > 0 {
			t.Errorf("the read-only story in review at %s px scrolls sideways by %d: %s", w.name, over, culprit)
		}
		shoot(t, ctx, "i8-readonly-review-"+w.name)

		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`form[action$="/withdraw"] button`)), chromedp.WaitVisible(chromedp.ID("title")))
		flash := browsertest.Get(t, ctx, chromedp.Evaluate[string](`(document.querySelector(".flash") || {}).textContent || ""`))
		if !strings.Contains(flash, "Withdrawn from review") || e.stored(a.ID).Status != news.StatusDraft {
			t.Errorf("%s px: after Withdraw to edit: %q, %s", w.name, flash, e.stored(a.ID).Status)
		}
		browsertest.CheckAxe(t, ctx, "the withdrawn story in the editor at "+w.name+" px")
	}
}
