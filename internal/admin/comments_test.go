package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
)

func (e *env) addComment(email, ip string, status news.CommentStatus, body string) *news.Comment {
	e.t.Helper()
	c := &news.Comment{ArticleID: e.article.ID, Status: status, AuthorName: "Reader " + email, AuthorEmail: email, IPHash: ip,
		Body: body, BodyHTML: "<p>" + body + "</p>", CreatedAt: e.clock.Now()}
	if err := e.db.CreateComment(context.Background(), c); err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) status(id int64) news.CommentStatus {
	c, err := e.db.Comment(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c.Status
}

func TestBulkModeration(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	two := e.addComment("two@example.net", "h2", news.CommentPending, "Second")
	three := e.addComment("three@example.net", "h3", news.CommentPending, "Third")
	// A reader has the page now, so it is in the page cache: what follows must drop it.
	if page := e.browser().get(e.site.ArticlePath(e.article)).body; strings.Contains(page, "Second") {
		t.Fatal("a pending comment is on the page")
	}
	r := b.post("/admin/comments", url.Values{"csrf": {b.csrf()}, "bulk": {"approved"}, "apply": {"1"},
		"ids": {fmt.Sprint(e.pending.ID), fmt.Sprint(two.ID)}, "back": {"/admin/comments?status=pending"}})
	if r.status != 303 || r.header.Get("Location") != "/admin/comments?status=pending" {
		t.Fatalf("bulk approve: %d to %q", r.status, r.header.Get("Location"))
	}
	if done := b.told(r); done != "2 comments approved." {
		t.Errorf("bulk approve: told %q", done)
	}
	if e.status(e.pending.ID) != news.CommentApproved || e.status(two.ID) != news.CommentApproved || e.status(three.ID) != news.CommentPending {
		t.Error("bulk approve changed the wrong comments")
	}
	page := e.browser().get(e.site.ArticlePath(e.article)).body
	if !strings.Contains(page, "Second") || strings.Contains(page, "Third") {
		t.Error("the article page does not show exactly the approved comments")
	}
	if r := b.post("/admin/comments", url.Values{"csrf": {b.csrf()}, "one": {fmt.Sprintf("%d:spam", three.ID)}}); r.status != 303 || e.status(three.ID) != news.CommentSpam {
		t.Errorf("one row's button: %d, %s", r.status, e.status(three.ID))
	}
	if r := b.post("/admin/comments", url.Values{"csrf": {b.csrf()}, "bulk": {"deleted"}, "ids": {fmt.Sprint(two.ID)}}); r.status != 400 {
		t.Errorf("unknown bulk action: %d", r.status)
	}
}

func TestEditReplyHistoryAndBlock(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	approved := e.addComment("rude@example.net", "iphash-rude", news.CommentApproved, "Some rude words")
	path := fmt.Sprintf("/admin/comments/%d", approved.ID)
	e.site.Sync(context.Background())
	if page := e.browser().get(e.site.ArticlePath(e.article)).body; !strings.Contains(page, "Some rude words") {
		t.Fatal("the approved comment is not on the page") // and the page is cached now
	}
	if r := b.get(path + "/edit"); r.status != 200 || !strings.Contains(r.body, "All comments from this email (1)") {
		t.Fatalf("comment page: %d", r.status)
	}
	if r := b.post(path+"/edit", url.Values{"csrf": {b.csrf()}, "author": {"Reader"}, "email": {"rude@example.net"}, "body": {"<script>x</script>"}}); r.status != 422 {
		t.Errorf("edit with a script: %d", r.status)
	}
	if r := b.post(path+"/edit", url.Values{"csrf": {b.csrf()}, "author": {"Reader"}, "email": {"rude@example.net"}, "body": {"Some [edited] words"}}); r.status != 303 {
		t.Fatalf("edit: %d", r.status)
	}
	if r := b.post(path+"/reply", url.Values{"csrf": {b.csrf()}, "body": {"Please keep it civil."}}); r.status != 303 {
		t.Fatalf("reply: %d", r.status)
	}
	page := e.browser().get(e.site.ArticlePath(e.article)).body
	if !strings.Contains(page, "Some [edited] words") || strings.Contains(page, "rude words") {
		t.Error("the article page does not show the edited comment")
	}
	if !strings.Contains(page, "Please keep it civil.") || !strings.Contains(page, "The editor") || strings.Contains(page, "editor@newsroom.example") {
		t.Error("the staff reply is not shown under the staff member's name (without their email)")
	}
	// History: every comment from the email.
	e.addComment("rude@example.net", "iphash-rude", news.CommentPending, "More rudeness")
	if r := b.get(fmt.Sprintf("/admin/comments?from=%d", approved.ID)); !strings.Contains(r.body, "More rudeness") || !strings.Contains(r.body, "Some [edited] words") {
		t.Error("the commenter's history lacks their comments")
	}
	// No link of the admin carries a commenter's email: a URL stays in browser histories
	// and in the logs of a proxy in front of the admin.
	for _, p := range []string{path + "/edit", "/admin/comments?status=approved", "/admin/comments?status=pending", fmt.Sprintf("/admin/comments?from=%d", approved.ID)} {
		for _, href := range regexp.MustCompile(`(?:href|action)="([^"]*)"`).FindAllStringSubmatch(b.get(p).body, -1) {
			if strings.Contains(strings.ToLower(href[1]), "rude%40") || strings.Contains(strings.ToLower(href[1]), "rude@") {
				t.Errorf("%s links to %s, which carries the commenter's email", p, href[1])
			}
		}
	}
	if r := b.get("/admin/comments?from=999999"); r.status != http.StatusNotFound {
		t.Errorf("history of a comment that does not exist: %d, want 404", r.status)
	}
	// Blocking the email sends their waiting comments, and their next one, to spam.
	// The first post asks, saying what a block does, and blocks nothing yet.
	if r := b.post("/admin/comments/blocks", url.Values{"csrf": {b.csrf()}, "comment": {fmt.Sprint(approved.ID)}, "kind": {"email"}}); r.status != 200 ||
		!strings.Contains(r.body, "Block this commenter?") || !strings.Contains(r.body, "to spam") {
		t.Fatalf("block without a confirmation: %d, want the question", r.status)
	}
	if blocked, _ := e.db.IsBlocked(context.Background(), "rude@example.net", ""); blocked {
		t.Fatal("blocked before the confirmation")
	}
	if r := b.post("/admin/comments/blocks", url.Values{"csrf": {b.csrf()}, "comment": {fmt.Sprint(approved.ID)}, "kind": {"email"}, "confirm": {"1"}}); r.status != 303 {
		t.Fatalf("block: %d", r.status)
	}
	if waiting, _ := e.db.Comments(context.Background(), news.CommentQuery{Email: "rude@example.net", Status: news.CommentPending}); len(waiting) != 0 {
		t.Errorf("%d comments of the blocked commenter still wait", len(waiting))
	}
	blocked, _ := e.db.IsBlocked(context.Background(), "rude@example.net", "")
	if !blocked {
		t.Fatal("not blocked")
	}
	if r := b.get("/admin/comments/blocks"); !strings.Contains(r.body, "rude@example.net") {
		t.Error("the block is not listed")
	}
	if r := b.post("/admin/comments/blocks/remove", url.Values{"csrf": {b.csrf()}, "kind": {"email"}, "value": {"rude@example.net"}}); r.status != 303 {
		t.Errorf("unblock: %d", r.status)
	}
}

// A blocked commenter's new comment, posted on the public site, goes to spam.
func TestBlockedCommenterPostsToSpam(t *testing.T) {
	e := newEnv(t)
	e.db.Block(context.Background(), news.Block{Kind: "email", Value: "troll@example.net"})
	reader := e.browser()
	page := reader.get(e.site.ArticlePath(e.article)).body
	m := regexpToken.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no form token")
	}
	e.clock.Add(10 * time.Second) // a person's pause before posting
	r := reader.post("/comments/", url.Values{"article": {fmt.Sprint(e.article.ID)}, "parent": {"0"}, "token": {m[1]},
		"author": {"Troll"}, "email": {"TROLL@example.net"}, "comment": {"Trolling again"}})
	if r.status != 303 {
		t.Fatalf("post: %d", r.status)
	}
	spam, _ := e.db.Comments(context.Background(), news.CommentQuery{Status: news.CommentSpam})
	if len(spam) != 1 || spam[0].Body != "Trolling again" {
		t.Errorf("spam: %+v", spam)
	}
}

var regexpToken = regexp.MustCompile(`name="token" value="([^"]+)"`)
