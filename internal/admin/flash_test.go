package admin_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/admin"
	"broadsheet/internal/news"
	"broadsheet/internal/site"
)

// bulk sends the queue's bulk action for ids, from the list at back.
func (b *browser) bulk(action, back string, ids ...int64) resp {
	b.e.t.Helper()
	form := url.Values{"csrf": {b.csrf()}, "bulk": {action}, "apply": {"1"}, "back": {back}}
	for _, id := range ids {
		form.Add("ids", fmt.Sprint(id))
	}
	return b.post("/admin/comments", form)
}

// The sequence: spam two, then approve two others. The banner describes the
// action just taken, a reload shows nothing, and no address carries a message. Before,
// the first message rode along in the address ("?done=2 comments: spam.") and came
// back after the approval.
func TestQueueSaysTheActionJustTaken(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	var c [4]*news.Comment
	for i := range c {
		c[i] = e.addComment(fmt.Sprintf("r%d@example.net", i), "h", news.CommentPending, fmt.Sprintf("Comment %d", i))
	}
	const queue = "/admin/comments?status=pending"
	r := b.bulk("spam", queue, c[0].ID, c[1].ID)
	if r.status != 303 || r.header.Get("Location") != queue {
		t.Fatalf("spam: %d to %q", r.status, r.header.Get("Location"))
	}
	if got := b.told(r); got != "2 comments marked as spam." {
		t.Errorf("after marking two as spam the banner says %q", got)
	}
	// The queue the spam action led to, where the moderator now is, is the form's back.
	r = b.bulk("approved", queue, c[2].ID, c[3].ID)
	if r.status != 303 || r.header.Get("Location") != queue {
		t.Fatalf("approve: %d to %q", r.status, r.header.Get("Location"))
	}
	page := b.get(r.header.Get("Location")).body
	if got := flashText(page); got != "2 comments approved." || strings.Contains(page, "spam.") {
		t.Errorf("after approving two the banner says %q", got)
	}
	if e.status(c[2].ID) != news.CommentApproved || e.status(c[0].ID) != news.CommentSpam {
		t.Error("the actions did not do what they said")
	}
	if got := flashText(b.get(queue).body); got != "" {
		t.Errorf("a reload shows %q again", got)
	}
	// One comment, with a row's button; a comment gone meanwhile; nothing selected.
	r = b.post("/admin/comments", url.Values{"csrf": {b.csrf()}, "one": {fmt.Sprintf("%d:trash", c[2].ID)}, "back": {queue}})
	if got := b.told(r); got != "1 comment moved to the Trash." {
		t.Errorf("one comment trashed: %q", got)
	}
	if got := b.told(b.bulk("pending", queue, c[3].ID, 999999)); got != "1 comment unapproved. 1 other no longer exists." {
		t.Errorf("one of two unapproved: %q", got)
	}
	if got := b.told(b.bulk("approved", queue)); got != "No comment was selected, so nothing was changed." {
		t.Errorf("nothing selected: %q", got)
	}
}

// No link can put text into an admin page: ?done= (or any other parameter) shows
// nothing, escaped or not.
func TestLinksCarryNoMessage(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	for _, p := range []string{"/admin/", "/admin/comments", "/admin/comments?status=spam", "/admin/articles", "/admin/settings",
		"/admin/users", "/admin/sections", "/admin/media", "/admin/account", "/admin/privacy", "/admin/comments/blocks",
		fmt.Sprintf("/admin/comments/%d/edit", e.pending.ID)} {
		sep := "?"
		if strings.Contains(p, "?") {
			sep = "&"
		}
		r := b.get(p + sep + "done=" + url.QueryEscape("<b>x</b> Your password expired: sign in at evil.example"))
		if r.status != 200 {
			t.Errorf("%s: %d", p, r.status)
			continue
		}
		if got := flashText(r.body); got != "" || strings.Contains(r.body, "evil.example") || strings.Contains(r.body, "&lt;b&gt;x") {
			t.Errorf("%s with ?done= shows %q", p, got)
		}
	}
}

// Every write of the admin answers with a 303 to an address without its message, and
// the page it leads to says what was done, once.
func TestEveryConfirmationIsShownOnce(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	ctx := context.Background()
	sec := &news.Section{Name: "City"}
	if err := e.db.CreateSection(ctx, sec); err != nil {
		t.Fatal(err)
	}
	blockable := e.addComment("troll@example.net", "iphash", news.CommentApproved, "Troll words")
	settings := url.Values{"title": {"The Evening Post"}, "per_page": {"5"}}
	type write struct {
		name, path string
		form       url.Values
		want       string
	}
	for _, w := range []write{
		{"settings", "/admin/settings", settings, "Settings saved."},
		{"a section", "/admin/sections", url.Values{"name": {"Sport"}}, "Sport added."},
		{"a section's change", fmt.Sprintf("/admin/sections/%d", sec.ID), url.Values{"name": {"The City"}, "description": {""}, "position": {"1"}}, "The City saved."},
		{"a user", "/admin/users", url.Values{"email": {"new@newsroom.example"}, "name": {"New Writer"}, "role": {"author"}, "password": {password}}, "New Writer added as author."},
		{"other sessions", "/admin/account/sessions", url.Values{}, "Signed out everywhere else."},
		{"a comment's edit", fmt.Sprintf("/admin/comments/%d/edit", blockable.ID), url.Values{"author": {"Reader"}, "email": {"troll@example.net"}, "body": {"Edited words"}}, "Comment saved."},
		{"a block", "/admin/comments/blocks", url.Values{"comment": {fmt.Sprint(blockable.ID)}, "kind": {"email"}, "confirm": {"1"}}, "Blocked: 0 comments waiting for approval sent to spam."},
		{"an unblock", "/admin/comments/blocks/remove", url.Values{"kind": {"email"}, "value": {"troll@example.net"}}, "Unblocked."},
	} {
		w.form.Set("csrf", b.csrf())
		r := b.post(w.path, w.form)
		loc := r.header.Get("Location")
		if r.status != 303 || strings.Contains(loc, "done") || strings.Contains(loc, "=") && !strings.Contains(loc, "status=") {
			t.Errorf("%s: %d to %q", w.name, r.status, loc)
			continue
		}
		if got := b.told(r); got != w.want {
			t.Errorf("%s: told %q, want %q", w.name, got, w.want)
		}
		if got := flashText(b.get(loc).body); got != "" {
			t.Errorf("%s: shown again on reload: %q", w.name, got)
		}
	}
}

// The message is the session's own and short-lived: its cookie, copied into another
// session's browser or read after its time, shows nothing; it names nothing in plain.
func TestFlashIsTheSessionsOwn(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	ed, other := e.browser(), e.browser()
	ed.login("editor@newsroom.example")
	other.login("editor@newsroom.example")
	two := e.addComment("two@example.net", "h2", news.CommentPending, "Second")
	r := ed.bulk("spam", "/admin/comments", e.pending.ID, two.ID)
	var flash *http.Cookie
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "broadsheet_flash" {
			flash = c
		}
	}
	if flash == nil || !flash.HttpOnly || flash.Path != "/admin" || flash.MaxAge <= 0 || flash.MaxAge > 300 {
		t.Fatalf("the message's cookie: %+v", flash)
	}
	if strings.Contains(flash.Value, "spam") || strings.Contains(r.header.Get("Location"), "spam") {
		t.Errorf("the message is readable in the answer's header: %s", flash.Value)
	}
	u, _ := url.Parse(e.http.URL + "/admin/")
	other.client.Jar.SetCookies(u, []*http.Cookie{{Name: flash.Name, Value: flash.Value, Path: "/admin"}})
	if got := flashText(other.get("/admin/comments").body); got != "" {
		t.Errorf("another session shows the message: %q", got)
	}
	// Its own session, after its time: nothing either.
	e.clock.Add(10 * time.Minute)
	if got := flashText(ed.get("/admin/comments").body); got != "" {
		t.Errorf("a message kept past its time is shown: %q", got)
	}
}

// Two servers on one database (as behind a load balancer): the write answered by one,
// the page by the other, which shows the message.
func TestFlashAcrossServers(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	ctx := context.Background()
	other := httptest.NewUnstartedServer(nil)
	base := "http://" + other.Listener.Addr().String()
	srv, err := site.New(ctx, e.db, site.Config{BaseURL: base, Now: e.clock.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	adm, err := admin.New(e.db, srv, srv.Secret(), admin.Config{BaseURL: base, ArticlePath: srv.ArticlePath, Location: srv.Location, Now: e.clock.Now,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	other.Config.Handler = adm
	other.Start()
	t.Cleanup(other.Close)

	two := e.addComment("two@example.net", "h2", news.CommentPending, "Second")
	r := b.bulk("approved", "/admin/comments", e.pending.ID, two.ID)
	// Both servers are on 127.0.0.1, so the browser sends them the same cookies.
	req, _ := http.NewRequest("GET", other.URL+r.header.Get("Location"), nil)
	page := b.send(req)
	if got := flashText(page.body); page.status != 200 || got != "2 comments approved." {
		t.Errorf("the other server: %d, shows %q", page.status, got)
	}
	if got := flashText(b.get(r.header.Get("Location")).body); got != "" {
		t.Errorf("the first server shows it again: %q", got)
	}
}
