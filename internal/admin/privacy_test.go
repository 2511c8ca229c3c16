package admin_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// An administrator exports a commenter's data as a JSON download and, after a
// confirmation that says what will go, erases it: the page then shows "Comment removed."
// where her comment was, with the reply under it. Nobody else may do either, and
// neither works without the session's form token.
func TestAdminExportsAndErasesACommenter(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	mk := func(status news.CommentStatus, name, email, body string, parent int64) *news.Comment {
		c := &news.Comment{ArticleID: e.article.ID, ParentID: parent, Status: status, AuthorName: name, AuthorEmail: email,
			Body: body, BodyHTML: "<p>" + body + "</p>", IPHash: "c0ffee" + name, UserAgent: "Agent of " + name, CreatedAt: e.clock.Now().Add(-time.Hour)}
		if err := e.db.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	hers := mk(news.CommentApproved, "Ines Privata", "ines@example.net", "I can see the works from my window at 3 Kade.", 0)
	trashed := mk(news.CommentTrash, "Ines Privata", "INES@example.net", "My address is 3 Kade, flat 2.", 0)
	reply := mk(news.CommentApproved, "Paul Replier", "paul@example.org", "Same from my street.", hers.ID)
	page := e.site.ArticlePath(e.article)
	if body := e.browser().get(page).body; !strings.Contains(body, "3 Kade") { // and now in the page cache
		t.Fatal("her comment is not on the page to begin with")
	}

	for _, role := range []news.Role{news.RoleEditor, news.RoleAuthor} {
		u := e.addUser(role)
		b := e.browser()
		b.login(u.Email)
		csrf := b.csrf()
		if r := b.get("/admin/privacy"); r.status != http.StatusForbidden {
			t.Errorf("%s: privacy page %d, want 403", role, r.status)
		}
		for _, path := range []string{"/admin/privacy/export", "/admin/privacy/erase"} {
			r := b.post(path, url.Values{"csrf": {csrf}, "email": {"ines@example.net"}, "confirm": {"yes"}})
			if r.status != http.StatusForbidden || strings.Contains(r.body, "3 Kade") {
				t.Errorf("%s: %s answered %d", role, path, r.status)
			}
		}
	}
	if c, _ := e.db.Comment(ctx, trashed.ID); c == nil {
		t.Fatal("a refused erasure erased")
	}

	admin := e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login(admin.Email)
	csrf := b.csrf()
	if r := b.get("/admin/privacy"); r.status != 200 || !strings.Contains(r.body, "Erase…") || !strings.Contains(r.body, `href="/admin/privacy" aria-current="page"`) {
		t.Fatalf("privacy page: %d", r.status)
	}
	if r := b.post("/admin/privacy/export", url.Values{"email": {"ines@example.net"}}); r.status != http.StatusForbidden || strings.Contains(r.body, "3 Kade") {
		t.Errorf("export without the form token: %d", r.status)
	}
	if r := b.post("/admin/privacy/export", url.Values{"csrf": {csrf}, "email": {"  "}}); r.status != http.StatusBadRequest {
		t.Errorf("export of no address: %d", r.status)
	}

	r := b.post("/admin/privacy/export", url.Values{"csrf": {csrf}, "email": {"Ines@Example.NET"}})
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("export: %d %q", r.status, r.header.Get("Content-Type"))
	}
	if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || strings.Contains(strings.ToLower(cd), "ines") {
		t.Errorf("Content-Disposition %q: want an attachment that names no commenter", cd)
	}
	if cc := r.header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control %q: the export must not be kept by any cache", cc)
	}
	var p news.PersonalData
	if err := json.Unmarshal([]byte(r.body), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Comments) != 2 || p.Comments[0].Article.URL != e.http.URL+page || !strings.Contains(r.body, "flat 2") {
		t.Errorf("export: %d comments, article %+v", len(p.Comments), p.Comments[0].Article)
	}

	// The first step only asks.
	r = b.post("/admin/privacy/erase", url.Values{"csrf": {csrf}, "email": {"ines@example.net"}})
	if r.status != 200 || !strings.Contains(r.body, "Erase for good") || !strings.Contains(r.body, "2 comment(s)") {
		t.Fatalf("erase, first step: %d\n%s", r.status, r.body)
	}
	if c, _ := e.db.Comment(ctx, trashed.ID); c == nil {
		t.Fatal("the first step erased without a confirmation")
	}
	r = b.post("/admin/privacy/erase", url.Values{"csrf": {csrf}, "email": {"ines@example.net"}, "confirm": {"yes"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("erase: %d\n%s", r.status, r.body)
	}
	if done := b.get(r.header.Get("Location")); !strings.Contains(done.body, "2 comments erased") {
		t.Errorf("the page after the erasure does not say what was erased")
	}
	if c, _ := e.db.Comment(ctx, trashed.ID); c != nil {
		t.Error("her trashed comment is still stored")
	}
	body := e.browser().get(page).body
	if strings.Contains(body, "3 Kade") || strings.Contains(body, "Ines Privata") {
		t.Error("the article page still shows her")
	}
	if !strings.Contains(body, `class="comment removed"`) || !strings.Contains(body, news.CommentRemovedText) || !strings.Contains(body, reply.Body) {
		t.Error("the page lacks the placeholder or the reply")
	}
	if !strings.Contains(body, "One comment on") {
		t.Error("the placeholder is counted as a comment")
	}
}
