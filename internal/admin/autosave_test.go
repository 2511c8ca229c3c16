package admin_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
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
	r := b.post(path+"/autosave", url.Values{"csrf": {b.csrf()}, "title": {"A story"}, "body": {"Text typed since, not saved yet."},
		"version": {fmt.Sprint(e.stored(e.article.ID).Version)}})
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

// sessionCookie is the value of b's session cookie (what a thief would copy).
func (b *browser) sessionCookie() string {
	b.e.t.Helper()
	u, _ := url.Parse(b.e.http.URL + "/admin/")
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == "broadsheet_session" {
			return c.Value
		}
	}
	b.e.t.Fatal("no session cookie")
	return ""
}

// lateSave posts an editor's save with a copied session cookie and form token.
func (e *env) lateSave(path, cookie, token, title string) resp {
	e.t.Helper()
	form := url.Values{"csrf": {token}, "action": {"save"}, "title": {title}, "body": {strings.Repeat("Text of the late save. ", 100)}}
	return e.browser().post(path, form, "Cookie", "broadsheet_session="+cookie)
}

// A save that arrives with a session that was ended on purpose — signed out, signed
// out everywhere, a password change, a disabled account — or that ended by time too
// long ago, or whose user may not edit the article, keeps nothing: it is refused as
// any write without a session. Before, such saves were kept for anyone who had once
// had the cookie (40 of 1 MB added 43.6 MB to the database in 0.8 s).
func TestDeadSessionsKeepNothing(t *testing.T) {
	path := func(e *env) string { return fmt.Sprintf("/admin/articles/%d", e.article.ID) }
	for _, c := range []struct {
		name string
		role news.Role
		end  func(e *env, b *browser, token string)
	}{
		{"signed out", news.RoleEditor, func(e *env, b *browser, token string) {
			b.post("/admin/logout", url.Values{"csrf": {token}})
		}},
		{"signed out everywhere", news.RoleEditor, func(e *env, b *browser, token string) {
			other := e.browser()
			other.login("editor@newsroom.example")
			other.post("/admin/account/sessions", url.Values{"csrf": {other.csrf()}})
		}},
		{"password changed", news.RoleEditor, func(e *env, b *browser, token string) {
			other := e.browser()
			other.login("editor@newsroom.example")
			if r := other.post("/admin/account/password", url.Values{"csrf": {other.csrf()}, "current": {password}, "new": {"a brand new password"}}); r.status != 303 {
				e.t.Fatalf("change password: %d", r.status)
			}
		}},
		{"account disabled", news.RoleEditor, func(e *env, b *browser, token string) {
			disable(e, "editor@newsroom.example")
		}},
		{"ended by time, then signed out everywhere", news.RoleEditor, func(e *env, b *browser, token string) {
			e.clock.Add(admin.SessionIdle + time.Hour)
			other := e.browser()
			other.login("editor@newsroom.example")
			other.post("/admin/account/sessions", url.Values{"csrf": {other.csrf()}})
		}},
		{"ended by time, then disabled", news.RoleEditor, func(e *env, b *browser, token string) {
			e.clock.Add(admin.SessionIdle + time.Hour)
			disable(e, "editor@newsroom.example")
		}},
		{"ended by time more than a day ago", news.RoleEditor, func(e *env, b *browser, token string) {
			e.clock.Add(admin.SessionIdle + admin.KeepAfterEnd + time.Hour)
		}},
		{"ended by time, on an article its user may not edit", news.RoleContributor, func(e *env, b *browser, token string) {
			e.clock.Add(admin.SessionIdle + time.Hour)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			u := e.addUser(c.role)
			b := e.browser()
			b.login(u.Email)
			cookie, token := b.sessionCookie(), b.csrf()
			c.end(e, b, token)
			r := e.lateSave(path(e), cookie, token, "Headline planted by whoever holds the cookie")
			if r.status != 401 || r.header.Get("Location") != "" || !strings.Contains(r.body, "nothing was changed") {
				t.Errorf("a save with the dead session: %d to %q", r.status, r.header.Get("Location"))
			}
			if a := e.stored(e.article.ID); a.Title != "A story" {
				t.Errorf("the article changed: %q", a.Title)
			}
		})
	}
}

func disable(e *env, email string) {
	e.t.Helper()
	boss := e.browser()
	if _, err := e.db.UserByEmail(context.Background(), "administrator@newsroom.example"); err != nil {
		e.addUser(news.RoleAdministrator)
	}
	boss.login("administrator@newsroom.example")
	u, _ := e.db.UserByEmail(context.Background(), email)
	if r := boss.post(fmt.Sprintf("/admin/users/%d", u.ID), url.Values{"csrf": {boss.csrf()}, "role": {string(u.Role)}, "disabled": {"1"}}); r.status != 303 {
		e.t.Fatalf("disable %s: %d", email, r.status)
	}
}

// A kept save is its user's: another editor who opens its recover link sees the
// article as stored, and the link still works for its user afterwards.
func TestKeptSaveGoesOnlyToItsUser(t *testing.T) {
	e := newEnv(t)
	ed := e.addUser(news.RoleEditor)
	other := &news.User{Email: "other.editor@newsroom.example", Name: "Other Editor", Role: news.RoleEditor, PasswordHash: ed.PasswordHash}
	if err := e.db.CreateUser(context.Background(), other); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.login(ed.Email)
	cookie, token := b.sessionCookie(), b.csrf()
	e.clock.Add(admin.SessionIdle + time.Hour)
	r := e.lateSave(fmt.Sprintf("/admin/articles/%d", e.article.ID), cookie, token, "The editor's late headline")
	if r.status != 303 {
		t.Fatalf("a late save of a session ended by time: %d", r.status)
	}
	next, _ := url.QueryUnescape(strings.TrimPrefix(r.header.Get("Location"), "/admin/login?expired=1&next="))
	if !strings.Contains(next, "recover=") {
		t.Fatalf("no recover link in %q", r.header.Get("Location"))
	}
	o := e.browser()
	o.login(other.Email)
	if page := o.get(next); page.status != 200 || strings.Contains(page.body, "The editor's late headline") || strings.Contains(page.body, "Your changes were kept") ||
		!strings.Contains(page.body, `value="A story"`) {
		t.Errorf("another editor opening the recover link: %d, the kept headline shown: %v", page.status, strings.Contains(page.body, "The editor's late headline"))
	}
	b.login(ed.Email)
	if page := b.get(next); !strings.Contains(page.body, `value="The editor&#39;s late headline"`) || !strings.Contains(page.body, "Your changes were kept") {
		t.Error("its user opening the recover link after another did does not get the kept save")
	}
}

// Kept saves are capped: at most 1 MB of text each, 10 per user (the oldest go).
func TestKeptSavesAreCapped(t *testing.T) {
	e := newEnv(t)
	ed := e.addUser(news.RoleEditor)
	b := e.browser()
	b.login(ed.Email)
	cookie, token := b.sessionCookie(), b.csrf()
	e.clock.Add(admin.SessionIdle + time.Hour)
	path := fmt.Sprintf("/admin/articles/%d", e.article.ID)
	var links []string
	for i := range 12 {
		r := e.lateSave(path, cookie, token, fmt.Sprintf("Late headline number %d", i))
		if r.status != 303 {
			t.Fatalf("late save %d: %d", i, r.status)
		}
		next, _ := url.QueryUnescape(strings.TrimPrefix(r.header.Get("Location"), "/admin/login?expired=1&next="))
		links = append(links, next)
	}
	big := url.Values{"csrf": {token}, "action": {"save"}, "title": {"Too long to keep"}, "body": {strings.Repeat("x", 1<<20)}}
	r := e.browser().send(multipartRequest(e, path, big, "Cookie", "broadsheet_session="+cookie))
	if r.status != 413 || !strings.Contains(r.body, "could not be kept aside") || r.header.Get("Location") != "" {
		t.Errorf("a late save with more than 1 MB of text: %d", r.status)
	}
	b.login(ed.Email)
	// An autosave is capped the same way, and says so.
	if r := b.send(multipartRequest(e, path+"/autosave", url.Values{"csrf": {b.csrf()}, "title": {"Big"}, "body": {strings.Repeat("x", 1<<20)}})); r.status != 422 || !strings.Contains(r.body, "Save the article to keep it") {
		t.Errorf("an autosave with more than 1 MB of text: %d", r.status)
	}
	for i, link := range links {
		page := b.get(link).body
		kept := strings.Contains(page, fmt.Sprintf(`value="Late headline number %d"`, i))
		if want := i >= 2; kept != want {
			t.Errorf("late save %d of 12 given back: %v, want %v", i+1, kept, want)
		}
	}
}

// multipartRequest builds the editor's multipart form with extra headers (pairs).
func multipartRequest(e *env, path string, form url.Values, headers ...string) *http.Request {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, k := range []string{"csrf", "action", "title", "body"} {
		for _, v := range form[k] {
			mw.WriteField(k, v)
		}
	}
	mw.Close()
	req := bodyRequest(e, "POST", path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return req
}
