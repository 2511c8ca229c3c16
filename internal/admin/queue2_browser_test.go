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

// queueToolsPages are the queue's screens of issue 8 §3 for the Nu checker: a searched
// tab, spam with its links as text and "Empty spam", a reply beside the comment it
// answers, a spam comment's page, the page of a waiting reply to a waiting comment (its
// reply approves both, and says so), and the confirmations (delete, empty, block).
func queueToolsPages(t *testing.T, e *env, b *browser) map[string]string {
	t.Helper()
	now := e.clock.Now()
	parent := e.queueComment("Tom", "tom@example.net", news.CommentApproved, "The budget should be published in full", "", now, 0)
	e.queueComment("Ann", "ann@example.net", news.CommentPending, "Thanks Tom, agreed", "", now.Add(time.Minute), parent.ID)
	waiting := e.queueComment("Rita", "rita@example.net", news.CommentPending, "The ferry is late again", "", now, 0)
	waitingReply := e.queueComment("Sam", "sam@example.net", news.CommentPending, "Agreed, Rita", "", now.Add(time.Minute), waiting.ID)
	spam := e.queueComment("Spammer", "sp@example.net", news.CommentSpam, "Buy pills",
		`<p>Buy <a href="https://pills.example/buy" rel="nofollow ugc">cheap pills</a></p>`, now, 0)
	search := b.post("/admin/comments/search", url.Values{"csrf": {b.csrf()}, "status": {"pending"}, "q": {"tom"}})
	return map[string]string{
		"queue-searched":         b.get(search.header.Get("Location")).body,
		"queue-spam":             b.get("/admin/comments?status=spam").body,
		"queue-reply":            b.get("/admin/comments?status=pending").body,
		"comment-waiting-thread": b.get(fmt.Sprintf("/admin/comments/%d/edit", waitingReply.ID)).body,
		"comment-spam":           b.get(fmt.Sprintf("/admin/comments/%d/edit?back=%%2Fadmin%%2Fcomments%%3Fstatus%%3Dspam", spam.ID)).body,
		"confirm-delete":         b.post("/admin/comments", url.Values{"csrf": {b.csrf()}, "one": {fmt.Sprintf("%d:delete", spam.ID)}}).body,
		"confirm-empty":          b.post("/admin/comments/empty", url.Values{"csrf": {b.csrf()}, "status": {"spam"}}).body,
		"confirm-block":          b.post("/admin/comments/blocks", url.Values{"csrf": {b.csrf()}, "comment": {fmt.Sprint(spam.ID)}, "kind": {"email"}}).body,
		"queue-paged":            b.get("/admin/comments?status=approved&after=" + url.QueryEscape(fmt.Sprintf("%d.%d", now.Add(time.Hour).Unix(), 1<<40))).body,
	}
}

// A moderator in Chromium, on a desktop and on a phone: ticks the header's box (every
// row is ticked), sends the page to spam, finds a comment by searching, sees a spam
// link as text, opens the comment and comes back to the tab, and empties spam after
// the confirmation. Every screen passes axe-core and none scrolls sideways.
func TestQueueToolsInABrowser(t *testing.T) {
	for _, size := range []struct {
		name string
		w, h int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			e := newEnv(t)
			e.clock.Real()
			e.addUser(news.RoleEditor)
			now := time.Now().UTC().Truncate(time.Second)
			parent := e.queueComment("Tom Reader", "tom@example.net", news.CommentApproved, "The council should publish the budget in full before the vote.", "", now.Add(-time.Hour), 0)
			e.queueComment("Ann", "ann@example.net", news.CommentPending, "Thanks Tom, agreed: the figures matter.", "", now, parent.ID)
			e.queueComment("Pill Seller", "pills@example.net", news.CommentPending, "Buy [cheap pills](https://pills.example/buy) today",
				`<p>Buy <a href="https://pills.example/buy" rel="nofollow ugc">cheap pills</a> today</p>`, now.Add(-time.Minute), 0)
			ctx, screen := openQueue(t, e, size.name, size.w, size.h, "i8-queue2")
			text := func(sel string) string { return browsertest.Get(t, ctx, chromedp.Text(chromedp.CSS(sel))) }
			if tab := text(`.tabs a[aria-current=page]`); !strings.Contains(tab, "Pending (3)") {
				t.Errorf("the pending tab says %q", tab)
			}
			if !strings.Contains(text("table.queue"), "In reply to Tom Reader") {
				t.Error("the reply's row does not show the comment it answers")
			}
			screen("pending")
			// The header's box ticks every row; then the page goes to spam.
			browsertest.Do(t, ctx, chromedp.Click(chromedp.ID("select-all")))
			if n := browsertest.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('input[name=ids]:checked').length`)); n != 3 {
				t.Fatalf("the header's box ticked %d rows, want 3", n)
			}
			browsertest.Do(t, ctx, chromedp.SetValue(chromedp.ID("bulk"), "spam"),
				chromedp.Click(chromedp.CSS(`button[name=apply]`)),
				chromedp.WaitVisible(chromedp.CSS(".flash")))
			if got := text(".flash"); got != "3 comments marked as spam." {
				t.Errorf("after select-all and spam: %q", got)
			}
			// Spam: its links are text, and a search finds the seller by name.
			browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`a[href="/admin/comments?status=spam"]`)),
				chromedp.WaitVisible(chromedp.CSS("table.queue")))
			if n := browsertest.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('.comment-text a').length`)); n != 0 {
				t.Errorf("%d links in spam comments are clickable", n)
			}
			screen("spam")
			browsertest.Do(t, ctx, chromedp.SendKeys(chromedp.ID("queue-q"), "pill sel"),
				chromedp.Click(chromedp.CSS(`.queue-search button[type=submit]`)),
				chromedp.WaitVisible(chromedp.CSS(`.clear-search`)))
			if loc := browsertest.Get(t, ctx, chromedp.Location()); strings.Contains(loc, "pill") {
				t.Errorf("the search's text is in the address %s", loc)
			}
			if n := browsertest.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('table.queue tbody tr').length`)); n != 1 {
				t.Errorf("the search found %d rows, want 1", n)
			}
			screen("searched")
			// The comment's page: its buttons, and the way back to the searched tab.
			searched := browsertest.Get(t, ctx, chromedp.Location())
			browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`td.actions a[href*="/edit"]`)),
				chromedp.WaitVisible(chromedp.CSS(".back-link a")))
			screen("comment")
			browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(".back-link a")), chromedp.WaitVisible(chromedp.CSS("table.queue")))
			if loc := browsertest.Get(t, ctx, chromedp.Location()); loc != searched {
				t.Errorf("back from the comment to %s, want %s", loc, searched)
			}
			// Empty spam asks, then empties.
			browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`.queue-empty button`)),
				chromedp.WaitVisible(chromedp.CSS("#confirm-lead")))
			screen("confirm-empty")
			browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`main form button.danger`)),
				chromedp.WaitVisible(chromedp.CSS(".flash")))
			if got := text(".flash"); !strings.HasPrefix(got, "Spam emptied: 3 comments deleted permanently.") {
				t.Errorf("after emptying spam: %q", got)
			}
		})
	}
}
