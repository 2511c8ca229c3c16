//go:build browser

package admin_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"broadsheet/internal/browsertest"
	"broadsheet/internal/news"
)

// openQueue signs the editor in, in a browser of w × h px, straight to the pending
// comments, and gives the check of a screen: axe-core, no sideways scroll, and a
// screenshot, /tmp/shots/<shots>-<name>-<w>.png.
func openQueue(t *testing.T, e *env, size string, w, h int64, shots string) (context.Context, func(name string)) {
	t.Helper()
	ctx := browsertest.Start(t)
	browsertest.Do(t, ctx, chromedp.EmulateViewport(w, h),
		chromedp.Navigate(e.http.URL+"/admin/login?next=%2Fadmin%2Fcomments%3Fstatus%3Dpending"),
		chromedp.WaitVisible(chromedp.ID("password")),
		chromedp.SendKeys(chromedp.ID("email"), "editor@newsroom.example"),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS("form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("table.queue")))
	return ctx, func(name string) {
		t.Helper()
		browsertest.CheckAxe(t, ctx, name+", "+size)
		if scrollsSideways(t, ctx) {
			t.Errorf("%s, %s: the page scrolls sideways", name, size)
		}
		shoot(t, ctx, fmt.Sprintf("%s-%s-%d", shots, name, w))
	}
}

// A moderator in Chromium, on a desktop and on a phone: spams two comments, approves
// two others, and each time the banner says what was just done (never the previous
// action), a reload shows nothing and no address carries the message; then replies to a
// waiting comment with "Approve and reply", and the reader's page shows the comment with
// the reply under it, marked as the newsroom's. Every screen passes axe-core and none
// scrolls sideways.
func TestModeratorQueueAndReplyInABrowser(t *testing.T) {
	for _, size := range []struct {
		name string
		w, h int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			e := newEnv(t)
			e.clock.Real()
			e.addUser(news.RoleEditor)
			var c [4]*news.Comment
			for i := range c {
				c[i] = e.addComment(fmt.Sprintf("reader%d@example.net", i), "h", news.CommentPending, fmt.Sprintf("Waiting comment number %d", i))
			}
			ctx, screen := openQueue(t, e, size.name, size.w, size.h, "i8-queue")
			apply := func(action string, ids ...int64) string {
				t.Helper()
				for _, id := range ids {
					browsertest.Do(t, ctx, chromedp.Click(chromedp.ID(fmt.Sprintf("sel-%d", id))))
				}
				// The message of the action before goes first, so that the wait is for the new page's.
				browsertest.Do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll(".flash").forEach(e => e.remove())`),
					chromedp.SetValue(chromedp.ID("bulk"), action),
					chromedp.Click(chromedp.CSS(`button[name=apply]`)),
					chromedp.WaitVisible(chromedp.CSS(".flash")))
				return browsertest.Get(t, ctx, chromedp.Text(chromedp.CSS(".flash")))
			}
			if got := apply("spam", c[0].ID, c[1].ID); got != "2 comments marked as spam." {
				t.Errorf("after marking two as spam: %q", got)
			}
			got := apply("approved", c[2].ID, c[3].ID)
			if got != "2 comments approved." || strings.Contains(got, "spam") {
				t.Errorf("after approving two: %q", got)
			}
			screen("queue-after-approve")
			if loc := browsertest.Get(t, ctx, chromedp.Location()); strings.Contains(loc, "done") || strings.Contains(loc, "approved") {
				t.Errorf("the address carries the message: %s", loc)
			}
			browsertest.Do(t, ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("main h1")))
			if n := browsertest.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll(".flash").length`)); n != 0 {
				t.Error("a reload shows the message again")
			}
			browsertest.Do(t, ctx, chromedp.Navigate(e.http.URL+"/admin/comments?done=%3Cb%3Ex%3C%2Fb%3E"), chromedp.WaitVisible(chromedp.CSS("main h1")))
			if n := browsertest.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll(".flash, main b").length`)); n != 0 {
				t.Error("a link's ?done= put text into the page")
			}

			// Approve and reply.
			waiting := e.addComment("tom@example.net", "h", news.CommentPending, "Is the tram running tonight?")
			browsertest.Do(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/admin/comments/%d/edit", e.http.URL, waiting.ID)), chromedp.WaitVisible(chromedp.ID("reply")))
			screen("reply-pending")
			browsertest.Do(t, ctx, chromedp.SendKeys(chromedp.ID("reply"), "Thanks Tom, it runs until midnight."),
				chromedp.Click(chromedp.CSS(`form[action$="/reply"] button`)),
				chromedp.WaitVisible(chromedp.CSS(".flash")))
			if got := browsertest.Get(t, ctx, chromedp.Text(chromedp.CSS(".flash"))); got != "Comment approved and reply published." {
				t.Errorf("after replying: %q", got)
			}
			if e.status(waiting.ID) != news.CommentApproved {
				t.Fatal("the comment replied to was not approved")
			}
			browsertest.Do(t, ctx, chromedp.Navigate(e.http.URL+"/admin/comments?status=approved"), chromedp.WaitVisible(chromedp.CSS("table.queue")))
			if n := browsertest.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("table.queue .staff-mark").length`)); n != 1 {
				t.Errorf("%d staff marks in the queue, want 1", n)
			}
			screen("queue-staff-reply")

			// The reader's page: the comment, the reply under it, the mark in words.
			browsertest.Do(t, ctx, chromedp.Navigate(e.http.URL+e.site.ArticlePath(e.article)), chromedp.WaitVisible(chromedp.ID("comments")))
			mark := browsertest.Get(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(
				`(() => { const r = document.querySelector("#comment-%d .children .staff-mark"); return r && r.checkVisibility() ? r.closest("li").querySelector(".comment-author").innerText + " | " + r.innerText : "" })()`, waiting.ID)))
			if mark != "The editor | STAFF" && mark != "The editor | Staff" {
				t.Errorf("the reply under Tom's comment, with its mark: %q", mark)
			}
			screen("article-staff-reply")
		})
	}
}

// queueAndReplyPages are the queue's and the comment page's states of issue 8 (a reply
// to a pending comment, a refused reply, the confirmation, the queue and the reader's
// page with a staff reply), for TestAdminPagesAreValidHTML. It approves e.pending.
func queueAndReplyPages(t *testing.T, e *env, b *browser) map[string]string {
	spam := e.addComment("spam@example.net", "h", news.CommentSpam, "Buy things")
	pages := map[string]string{
		"reply-pending": b.get(fmt.Sprintf("/admin/comments/%d/edit", e.pending.ID)).body,
		"reply-refused": b.post(fmt.Sprintf("/admin/comments/%d/reply", spam.ID), url.Values{"csrf": {b.csrf()}, "body": {"Kept"}}).body,
	}
	r := b.post(fmt.Sprintf("/admin/comments/%d/reply", e.pending.ID), url.Values{"csrf": {b.csrf()}, "body": {"Thanks, welcome."}})
	pages["reply-done"] = b.get(r.header.Get("Location")).body
	pages["queue-staff"] = b.get("/admin/comments?status=approved").body
	pages["article-staff"] = e.browser().get(e.site.ArticlePath(e.article)).body
	if !strings.Contains(pages["article-staff"], "staff-mark") || !strings.Contains(pages["reply-done"], `class="flash"`) ||
		!strings.Contains(pages["reply-pending"], "Approve and reply") || !strings.Contains(pages["reply-refused"], "Kept</textarea>") {
		t.Fatal("the pages to check lack what they should show")
	}
	return pages
}
