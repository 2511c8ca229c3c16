package admin_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"broadsheet/internal/news"
)

// The sequence: an editor replies to a pending comment. The comment is
// approved with the reply (WordPress's "Approve and Reply"), readers see both, the
// reply under the comment it answers and marked as the newsroom's. Before, the reply
// was published on its own and the comment stayed pending: "Thanks, …" with no one.
func TestStaffReplyApprovesItsParent(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	path := fmt.Sprintf("/admin/comments/%d", e.pending.ID)
	page := b.get(path + "/edit").body
	if !strings.Contains(page, `<button type="submit">Approve and reply</button>`) || !strings.Contains(page, "replying approves it") {
		t.Error("the reply's button to a pending comment does not say that it approves it")
	}
	r := b.post(path+"/reply", url.Values{"csrf": {b.csrf()}, "body": {"Thanks, we are letting you in."}})
	if r.status != 303 {
		t.Fatalf("reply: %d\n%s", r.status, r.body)
	}
	if got := b.told(r); got != "Comment approved and reply published." {
		t.Errorf("told %q", got)
	}
	if e.status(e.pending.ID) != news.CommentApproved {
		t.Fatalf("the comment replied to is %s", e.status(e.pending.ID))
	}
	replies, _ := e.db.Comments(t.Context(), news.CommentQuery{Email: "editor@newsroom.example"})
	if len(replies) != 1 || replies[0].ParentID != e.pending.ID || replies[0].Status != news.CommentApproved {
		t.Fatalf("the reply: %+v", replies)
	}
	reply := replies[0]

	// The reader's page: the comment, then the reply nested under it, with the mark.
	article := e.browser().get(e.site.ArticlePath(e.article)).body
	parent := regexp.MustCompile(fmt.Sprintf(`(?s)<li id="comment-%d" class="comment">.*?Please let me in.*?<ol class="children">\s*<li id="comment-%d" class="comment byuser staff">(.*?)</li>`,
		e.pending.ID, reply.ID)).FindStringSubmatch(article)
	if parent == nil {
		t.Fatalf("the reply is not under the comment it answers:\n%s", article)
	}
	if !regexp.MustCompile(`<b class="comment-author"><bdi>The editor</bdi></b> <span class="staff-mark">Staff</span>`).MatchString(parent[1]) {
		t.Errorf("the staff reply carries no staff mark beside the name:\n%s", parent[1])
	}
	if strings.Count(article, `class="staff-mark"`) != 1 {
		t.Error("a reader's comment carries the staff mark")
	}
	if strings.Contains(article, "editor@newsroom.example") {
		t.Error("the staff member's email is on the page")
	}

	// The admin's queue marks it too; the reader's comment, not.
	queue := b.get("/admin/comments?status=approved").body
	row := regexp.MustCompile(fmt.Sprintf(`(?s)<tr id="c%d">.*?</tr>`, reply.ID)).FindString(queue)
	if !strings.Contains(row, `<span class="staff-mark">Staff</span>`) {
		t.Errorf("the queue does not mark the staff reply:\n%s", row)
	}
	if other := regexp.MustCompile(fmt.Sprintf(`(?s)<tr id="c%d">.*?</tr>`, e.pending.ID)).FindString(queue); strings.Contains(other, "staff-mark") {
		t.Error("the queue marks a reader's comment as staff")
	}

	// Replying to an approved comment publishes the reply, and says only that.
	approvedPage := b.get(path + "/edit").body
	if !strings.Contains(approvedPage, `<button type="submit">Publish the reply</button>`) {
		t.Error("the reply's button to an approved comment")
	}
	if r := b.post(path+"/reply", url.Values{"csrf": {b.csrf()}, "body": {"And welcome."}}); b.told(r) != "Reply published." {
		t.Error("a reply to an approved comment is not confirmed as such")
	}
}

// A comment in spam or the trash takes no reply, as in WordPress: the moderator is told
// to approve it first, nothing is published or changed, and the reply typed comes back.
func TestNoReplyToSpamOrTrash(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	for _, st := range []news.CommentStatus{news.CommentSpam, news.CommentTrash} {
		c := e.addComment(string(st)+"@example.net", "h", st, "Buy things "+string(st))
		path := fmt.Sprintf("/admin/comments/%d", c.ID)
		if page := b.get(path + "/edit").body; strings.Contains(page, "/reply") || !strings.Contains(page, "Approve it first") {
			t.Errorf("%s: the page offers a reply", st)
		}
		r := b.post(path+"/reply", url.Values{"csrf": {b.csrf()}, "body": {"Typed <reply> & kept"}})
		if r.status != 409 || !strings.Contains(r.body, "Approve the comment first") || !strings.Contains(r.body, "Typed &lt;reply&gt; &amp; kept</textarea>") {
			t.Errorf("%s: %d\n%s", st, r.status, r.body)
		}
		if e.status(c.ID) != st {
			t.Errorf("the comment in %s moved to %s", st, e.status(c.ID))
		}
	}
	if n, _ := e.db.CountComments(t.Context(), news.CommentQuery{Email: "editor@newsroom.example"}); n != 0 {
		t.Errorf("%d replies stored", n)
	}
	// A refused text keeps what was typed too, and approves nothing.
	path := fmt.Sprintf("/admin/comments/%d", e.pending.ID)
	r := b.post(path+"/reply", url.Values{"csrf": {b.csrf()}, "body": {"Hello <script>x</script>"}})
	if r.status != 422 || !strings.Contains(r.body, "Hello &lt;script&gt;x&lt;/script&gt;</textarea>") || e.status(e.pending.ID) != news.CommentPending {
		t.Errorf("a refused reply: %d, comment %s", r.status, e.status(e.pending.ID))
	}
}

// Only a role that may moderate replies from the admin (a reply approves its parent):
// an author's reply is refused and the comment stays waiting.
func TestReplyNeedsModeration(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleAuthor)
	b := e.browser()
	b.login("author@newsroom.example")
	r := b.post(fmt.Sprintf("/admin/comments/%d/reply", e.pending.ID), url.Values{"csrf": {b.csrf()}, "body": {"Thanks"}})
	if r.status != 403 || e.status(e.pending.ID) != news.CommentPending {
		t.Errorf("an author's reply: %d, comment %s", r.status, e.status(e.pending.ID))
	}
	if n, _ := e.db.CountComments(t.Context(), news.CommentQuery{Email: "author@newsroom.example"}); n != 0 {
		t.Error("an author's reply was stored")
	}
}

// A staff reply to a waiting reply whose own parent waits too: "Thanks Zoë" to Zoë's
// "I agree with Tom" while Tom's comment is pending. Approving Zoë alone would show
// readers "I agree with Tom" with no Tom, the same orphan one level up; the edit page
// names Tom's comment as approved with it, and after the reply readers see Tom, Zoë
// under him and the reply under her.
func TestStaffReplyApprovesTheWaitingThreadAboveIt(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleModerator)
	tom := e.addComment("tom@example.net", "h1", news.CommentPending, "The 7:15 ferry is gone")
	zoe := &news.Comment{ArticleID: e.article.ID, ParentID: tom.ID, Status: news.CommentPending, AuthorName: "Zoë",
		AuthorEmail: "zoe@example.net", Body: "I agree with Tom", BodyHTML: "<p>I agree with Tom</p>", CreatedAt: e.clock.Now()}
	if err := e.db.CreateComment(t.Context(), zoe); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.login("moderator@newsroom.example")
	path := fmt.Sprintf("/admin/comments/%d", zoe.ID)
	page := b.get(path + "/edit").body
	help := regexp.MustCompile(`(?s)<div class="help" id="reply-help">(.*?)</div>`).FindStringSubmatch(page)
	if help == nil || !strings.Contains(help[1], "a comment that is waiting too; that one is approved with it") ||
		!strings.Contains(help[1], fmt.Sprintf(`<a href="/admin/comments/%d/edit"><bdi>Reader tom@example.net</bdi></a>: <q>The 7:15 ferry is gone</q>`, tom.ID)) {
		t.Errorf("the reply's help does not name the waiting comment approved with it:\n%v", help)
	}
	r := b.post(path+"/reply", url.Values{"csrf": {b.csrf()}, "body": {"Thanks Zoë, we have corrected it."}})
	if r.status != 303 {
		t.Fatalf("reply: %d\n%s", r.status, r.body)
	}
	if got := b.told(r); got != "Comment approved with the 1 waiting comment it answers, and reply published." {
		t.Errorf("told %q", got)
	}
	for _, c := range []*news.Comment{tom, zoe} {
		if st := e.status(c.ID); st != news.CommentApproved {
			t.Errorf("%s's comment is %s after the reply, want approved", c.AuthorName, st)
		}
	}
	article := e.browser().get(e.site.ArticlePath(e.article)).body
	if !regexp.MustCompile(fmt.Sprintf(`(?s)<li id="comment-%d" class="comment">.*?The 7:15 ferry is gone.*?<ol class="children">\s*<li id="comment-%d" class="comment">.*?I agree with Tom.*?<ol class="children">\s*<li id="comment-\d+" class="comment byuser staff">.*?Thanks Zoë`,
		tom.ID, zoe.ID)).MatchString(article) {
		t.Errorf("the reader's page does not show Tom, Zoë under him and the reply under her:\n%s", article)
	}
}

// "Approve and reply" pressed twice (or ten requests at once with the same reply): one
// reply is published, and the later presses are told it already was.
func TestStaffReplyPressedTwicePublishesOnce(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleModerator)
	b := e.browser()
	b.login("moderator@newsroom.example")
	path := fmt.Sprintf("/admin/comments/%d/reply", e.pending.ID)
	form := url.Values{"csrf": {b.csrf()}, "body": {"Thanks, we are letting you in."}}
	var wg sync.WaitGroup
	codes := make([]int, 10)
	for i := range codes {
		wg.Add(1)
		go func() { defer wg.Done(); codes[i] = b.post(path, form).status }()
	}
	wg.Wait()
	for _, c := range codes {
		if c != 303 {
			t.Errorf("a press of Approve and reply answered %d, want 303 (%v)", c, codes)
		}
	}
	replies, _ := e.db.Comments(t.Context(), news.CommentQuery{Email: "moderator@newsroom.example"})
	if len(replies) != 1 {
		t.Errorf("ten presses of one reply published %d replies, want 1", len(replies))
	}
	if got := b.told(b.post(path, form)); got != "This reply was already published; it was not published again." {
		t.Errorf("a press after the reply was published: told %q", got)
	}
}
