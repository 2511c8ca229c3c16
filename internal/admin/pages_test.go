package admin_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"broadsheet/internal/news"
)

// A page goes through the articles' workflow from its own screens: a contributor's
// page waits for review, an editor publishes it at /{slug}/ with a place in the
// navigation, a reserved slug is refused with the form kept, and its history restores.
func TestPagesWorkflowAndEditor(t *testing.T) {
	e := newEnv(t)
	e.addSections("World")
	e.addUser(news.RoleContributor)
	e.addUser(news.RoleEditor)
	contrib, editor, reader := e.browser(), e.browser(), e.browser()
	contrib.login("contributor@newsroom.example")
	editor.login("editor@newsroom.example")

	// The new page's editor: no time, section or tags; a place in the navigation;
	// comments closed.
	form := contrib.get("/admin/pages/new")
	if form.status != 200 {
		t.Fatalf("/admin/pages/new: %d", form.status)
	}
	mustHave(t, "the new page's editor", form.body, "<h1>New page</h1>", `name="kind" value="page"`, `name="nav_position"`,
		`name="comments_closed" value="1" checked`, `aria-current="page">Pages</a>`)
	mustLack(t, "the new page's editor", form.body, `name="published"`, `name="section"`, `name="tags"`)

	// A reserved address is refused, with what was typed kept.
	fields := map[string]string{"kind": "page", "title": "Feed", "slug": "feed", "body": "Our feeds, explained.", "nav_position": "2"}
	id, r := contrib.write("/admin/articles", "save", fields)
	if id != 0 || r.status != 422 || !strings.Contains(r.body, "/feed/ is one the site itself uses") || !strings.Contains(r.body, "Our feeds, explained.") {
		t.Fatalf("a page at /feed/: id %d, %d\n%s", id, r.status, r.body)
	}
	fields["slug"], fields["title"] = "section", "Sections"
	if id, r := contrib.write("/admin/articles", "save", fields); id != 0 || r.status != 422 {
		t.Errorf("a page at /section/: id %d, %d", id, r.status)
	}

	// An unsaved page is previewed as readers will see it: the page's template.
	pv := contrib.post("/admin/articles/preview", url.Values{"csrf": {contrib.csrf()}, "kind": {"page"}, "title": {"Ethics"}, "body": {"We correct."}})
	if pv.status != 200 || !strings.Contains(pv.body, "static-page") || strings.Contains(pv.body, "Share this story") {
		t.Errorf("a new page's preview: %d, page template %v", pv.status, strings.Contains(pv.body, "static-page"))
	}

	// A contributor's page is saved as a draft and submitted: it waits for review. (The
	// form sends the comments box as the editor showed it: checked.)
	fields = map[string]string{"kind": "page", "title": "About us", "body": "We report the news.", "nav_position": "1",
		"section": "World", "tags": "Ignored", "comments_closed": "1"}
	id, r = contrib.write("/admin/articles", "save", fields)
	if id == 0 {
		t.Fatalf("a contributor's page: %d\n%s", r.status, r.body)
	}
	p := e.stored(id)
	if !p.IsPage() || p.Slug != "about-us" || p.NavPosition != 1 || p.Section != nil || len(p.Tags) != 0 || !p.CommentsClosed || p.Status != news.StatusDraft {
		t.Fatalf("stored page: kind %q slug %q nav %d section %v tags %v closed %v %s", p.Kind, p.Slug, p.NavPosition, p.Section, p.Tags, p.CommentsClosed, p.Status)
	}
	path := fmt.Sprintf("/admin/articles/%d", id)
	edit := contrib.get(path).body
	mustHave(t, "the page's editor", edit, "<h1>Edit page</h1>", `value="submit"`)
	mustLack(t, "the page's editor", edit, `value="publish"`, `name="published"`, `name="section"`)
	if _, r := contrib.write(path, "publish", fields); r.status != 403 || e.stored(id).Status != news.StatusDraft {
		t.Errorf("a contributor publishes a page: %d, %s", r.status, e.stored(id).Status)
	}
	if _, r := contrib.write(path, "submit", fields); r.status != 303 || e.stored(id).Status != news.StatusReview {
		t.Fatalf("submit the page: %d %s", r.status, e.stored(id).Status)
	}
	if r := reader.get("/about-us/"); r.status != 404 {
		t.Errorf("a page in review is public: %d", r.status)
	}

	// The editor publishes it: at /about-us/, in the navigation, in no list.
	fields["body"] = "We report the news, fairly."
	if _, r := editor.write(path, "publish", fields); r.status != 303 {
		t.Fatalf("the editor publishes: %d\n%s", r.status, r.body)
	}
	page := reader.get("/about-us/")
	if page.status != 200 || !strings.Contains(page.body, "We report the news, fairly.") || !strings.Contains(page.body, `<a href="/about-us/">About us</a>`) {
		t.Fatalf("the published page: %d\n%s", page.status, page.body)
	}
	if front := reader.get("/").body; strings.Contains(front, "We report the news") || !strings.Contains(front, `<a href="/about-us/">About us</a>`) {
		t.Errorf("the front page lists the page, or lacks its navigation link")
	}
	// The editor's "View on the site" is the page's address.
	mustHave(t, "the published page's editor", editor.get(path).body, `<a href="/about-us/">View on the site</a>`)

	if pv := editor.get(path + "/preview"); pv.status != 200 || !strings.Contains(pv.body, "static-page") {
		t.Errorf("the saved page's preview: %d", pv.status)
	}
	// The Pages list has it; the Articles list does not.
	list := editor.get("/admin/pages")
	mustHave(t, "the Pages list", list.body, "<h1>Pages</h1>", ">About us</a>", "1 page", `href="/admin/pages/new"`)
	if arts := editor.get("/admin/articles").body; strings.Contains(arts, ">About us</a>") || !strings.Contains(arts, ">A story</a>") {
		t.Errorf("the Articles list shows the page, or lost the story")
	}

	// History: restoring the first version brings its text back to the page.
	if h := editor.get(path + "/history"); h.status != 200 || !strings.Contains(h.body, "fairly") {
		t.Fatalf("the page's history: %d", h.status)
	}
	revs, _, _ := e.db.RevisionPage(context.Background(), id, 10, 0)
	r = editor.post(fmt.Sprintf("%s/restore/%d", path, revs[len(revs)-1].ID), url.Values{"csrf": {editor.csrf()}, "version": {fmt.Sprint(e.stored(id).Version)}})
	if r.status != 303 {
		t.Fatalf("restore: %d\n%s", r.status, r.body)
	}
	if p := e.stored(id); p.BodyMarkdown != "We report the news." || !p.IsPage() {
		t.Errorf("after the restore: %q, kind %q", p.BodyMarkdown, p.Kind)
	}
	if body := reader.get("/about-us/").body; !strings.Contains(body, "We report the news.") {
		t.Errorf("the restored text is not on the page")
	}

	// Out of the navigation, then to the trash (back to the Pages list) and out again.
	fields["nav_position"] = "0"
	if _, r := editor.write(path, "save", fields); r.status != 303 {
		t.Fatalf("out of the navigation: %d\n%s", r.status, r.body)
	}
	if body := reader.get("/").body; strings.Contains(body, `href="/about-us/"`) {
		t.Errorf("a page taken out of the navigation is still in it")
	}
	fields["nav_position"] = "1000"
	if _, r := editor.write(path, "save", fields); r.status != 422 || e.stored(id).NavPosition != 0 {
		t.Errorf("a place past the bound: %d, stored %d", r.status, e.stored(id).NavPosition)
	}
	delete(fields, "nav_position")
	if _, r := editor.write(path, "trash", fields); r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/admin/pages") {
		t.Fatalf("trash: %d %q", r.status, r.header.Get("Location"))
	}
	if r := reader.get("/about-us/"); r.status != 404 {
		t.Errorf("a trashed page is public: %d", r.status)
	}
	if r := editor.post(path+"/untrash", url.Values{"csrf": {editor.csrf()}}); r.status != 303 || e.stored(id).Status != news.StatusPublished {
		t.Errorf("untrash: %d %s", r.status, e.stored(id).Status)
	}
	// A row's Trash on the Pages list comes back to the Pages list, with its query.
	r = editor.post("/admin/articles/bulk", url.Values{"csrf": {editor.csrf()}, "back": {"/admin/pages?n=20"},
		"trash": {fmt.Sprint(id)}, "v" + fmt.Sprint(id): {fmt.Sprint(e.stored(id).Version)}})
	if loc := r.header.Get("Location"); r.status != 303 || loc != "/admin/pages?n=20" || e.stored(id).Status != news.StatusTrash {
		t.Errorf("trash from the Pages list: %d %q, %s", r.status, loc, e.stored(id).Status)
	}
}

func mustLack(t *testing.T, what, body string, bads ...string) {
	t.Helper()
	for _, b := range bads {
		if strings.Contains(body, b) {
			t.Errorf("%s has %q", what, b)
		}
	}
}
