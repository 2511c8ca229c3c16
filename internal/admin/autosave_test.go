package admin_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/admin"
	"broadsheet/internal/news"
)

// A save sent after the session ended is kept, and given back after signing in.
func TestSaveAfterSessionEndedIsKept(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	path := fmt.Sprintf("/admin/articles/%d", e.article.ID)
	token := b.csrf()
	e.clock.Add(admin.SessionIdle + time.Hour)
	form := url.Values{"csrf": {token}, "action": {"save"}, "title": {"A story, rewritten at length"}, "body": {"Two hours of careful work."}}
	r := b.post(path, form)
	loc := r.header.Get("Location")
	if r.status != 303 || !strings.HasPrefix(loc, "/admin/login?expired=1&next=") {
		t.Fatalf("save after the session ended: %d to %q", r.status, loc)
	}
	if a := e.stored(e.article.ID); a.Title != "A story" {
		t.Fatalf("the article changed without a session: %q", a.Title)
	}
	if page := b.get(loc); !strings.Contains(page.body, "your changes were kept aside") {
		t.Error("the sign-in page does not say the changes were kept")
	}
	next, _ := url.QueryUnescape(strings.TrimPrefix(loc, "/admin/login?expired=1&next="))
	r = b.post("/admin/login", url.Values{"email": {"editor@newsroom.example"}, "password": {password}, "next": {next}})
	if r.status != 303 || r.header.Get("Location") != next {
		t.Fatalf("sign in: %d to %q, want %q", r.status, r.header.Get("Location"), next)
	}
	page := b.get(next)
	if !strings.Contains(page.body, "Your changes were kept while you signed in again") || !strings.Contains(page.body, `value="A story, rewritten at length"`) ||
		!strings.Contains(page.body, "Two hours of careful work.") {
		t.Fatalf("the editor after signing in:\n%s", page.body)
	}
	// A forged form after the session ended is not kept.
	e.clock.Add(admin.SessionIdle + time.Hour)
	form.Set("csrf", "forged")
	if r := b.post(path, form); r.status != 401 {
		t.Errorf("a forged save after the session ended: %d", r.status)
	}
}

func TestAutosaveIsOfferedBack(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	path := fmt.Sprintf("/admin/articles/%d", e.article.ID)
	b.write(path, "save", map[string]string{"title": "A story", "body": "Saved text."})
	e.clock.Add(time.Minute)
	revs := e.revisions(e.article.ID)
	r := b.post(path+"/autosave", url.Values{"csrf": {b.csrf()}, "title": {"A story"}, "body": {"Text typed since, not saved yet."}})
	if r.status != 200 || !strings.Contains(r.body, `"saved"`) {
		t.Fatalf("autosave: %d %s", r.status, r.body)
	}
	if strings.Contains(e.stored(e.article.ID).BodyMarkdown, "not saved yet") || e.revisions(e.article.ID) != revs {
		t.Error("an autosave changed the article or made a revision")
	}
	if page := b.get(path).body; !strings.Contains(page, "An autosave from") {
		t.Error("the editor does not offer the autosave back")
	}
	if page := b.get(path + "?restore=autosave").body; !strings.Contains(page, "Text typed since, not saved yet.") {
		t.Error("restoring the autosave does not fill the form")
	}
	b.write(path, "save", map[string]string{"title": "A story", "body": "Text typed since, now saved."})
	if page := b.get(path).body; strings.Contains(page, "An autosave from") {
		t.Error("the autosave is still offered after saving")
	}
	if r := b.post(path+"/autosave", url.Values{"csrf": {"forged"}, "body": {"x"}}); r.status != 403 {
		t.Errorf("forged autosave: %d", r.status)
	}
	e.addUser(news.RoleContributor)
	c := e.browser()
	c.login("contributor@newsroom.example")
	if r := c.post(path+"/autosave", url.Values{"csrf": {c.csrf()}, "body": {"x"}}); r.status != 403 {
		t.Errorf("a contributor autosaves someone else's article: %d", r.status)
	}
}
