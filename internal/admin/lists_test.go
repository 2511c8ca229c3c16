package admin_test

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// addArticles stores n articles: every third a draft without a publication time, the
// others published two at a time in the same second (ties the order breaks by ID).
func (e *env) addArticles(n int, owner int64) []*news.Article {
	e.t.Helper()
	var out []*news.Article
	first, _ := e.db.CountArticles(context.Background(), news.ArticleQuery{WithTrash: true})
	for i := range n {
		a := &news.Article{Slug: fmt.Sprintf("story-%d-%d", first, i), Title: fmt.Sprintf("Story %d", i), BodyMarkdown: "Text.", BodyHTML: "<p>Text.</p>",
			Status: news.StatusPublished, PublishedAt: e.clock.t.Add(-time.Duration(i/2) * time.Minute), OwnerID: owner}
		if i%3 == 0 {
			a.Status, a.PublishedAt = news.StatusDraft, time.Time{}
		}
		if err := e.db.CreateArticle(context.Background(), a); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

var (
	rowRe  = regexp.MustCompile(`<tr id="a(\d+)">`)
	nextRe = regexp.MustCompile(`<a href="([^"]+)" rel="next">`)
	prevRe = regexp.MustCompile(`<a href="([^"]+)" rel="prev">`)
)

func rowIDs(body string) []string {
	var ids []string
	for _, m := range rowRe.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// 450 articles (drafts without a time among them, ties of time) page through, newest
// first, 50 a page: every article once, none twice, forwards and backwards, and a story
// written while someone pages does not push a row onto the next page twice.
func TestArticleListPagesByKeyset(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	e.addArticles(449, 0) // and e.article: 450
	b := e.browser()
	b.login("editor@newsroom.example")
	want := map[string]bool{}
	all, _ := e.db.Articles(t.Context(), news.ArticleQuery{})
	for _, a := range all {
		want[fmt.Sprint(a.ID)] = true
	}
	if len(want) != 450 {
		t.Fatalf("%d articles stored", len(want))
	}
	var seen []string
	var pages []string
	var fresh *news.Article
	addr := "/admin/articles?n=50"
	for addr != "" {
		r := b.get(addr)
		if r.status != 200 {
			t.Fatalf("%s: %d", addr, r.status)
		}
		if len(pages) == 0 && !strings.Contains(r.body, "450 articles") {
			t.Error("the list does not say how many articles there are")
		}
		ids := rowIDs(r.body)
		if len(ids) == 0 || len(ids) > 50 {
			t.Fatalf("%s: %d rows", addr, len(ids))
		}
		if len(pages) == 2 { // someone publishes a story while the list is paged
			fresh = &news.Article{Slug: "fresh", Title: "Fresh", BodyMarkdown: "x", BodyHTML: "<p>x</p>", Status: news.StatusPublished, PublishedAt: e.clock.t.Add(time.Minute)}
			if err := e.db.CreateArticle(t.Context(), fresh); err != nil {
				t.Fatal(err)
			}
		}
		seen = append(seen, ids...)
		pages = append(pages, strings.Join(ids, " "))
		addr = ""
		if m := nextRe.FindStringSubmatch(r.body); m != nil {
			addr = html.UnescapeString(m[1])
		}
		if len(pages) > 20 {
			t.Fatal("the pages do not end")
		}
	}
	if len(pages) != 9 {
		t.Errorf("%d pages of 50 for 450 articles", len(pages))
	}
	counted := map[string]int{}
	for _, id := range seen {
		counted[id]++
		if counted[id] > 1 {
			t.Errorf("article %s listed twice", id)
		}
	}
	for id := range want {
		if counted[id] == 0 {
			t.Errorf("article %s never listed", id)
		}
	}
	// The order is the store's: newest first, drafts last.
	order := make([]string, 0, len(all))
	for _, a := range all {
		order = append(order, fmt.Sprint(a.ID))
	}
	if !slices.Equal(seen, order) {
		t.Error("the pages are not in the list's order")
	}
	// Backwards from the last page, through the "Newer" links: the same rows in the
	// same order, now with the fresh story first.
	r := b.get("/admin/articles?n=50&after=" + lastKey(all[len(all)-51]))
	var back []string
	for i := 0; ; i++ {
		ids := rowIDs(r.body)
		if len(ids) == 0 || len(ids) > 50 || i > 20 {
			t.Fatalf("backwards, page %d has %d rows", i, len(ids))
		}
		back = append(ids, back...)
		m := prevRe.FindStringSubmatch(r.body)
		if m == nil {
			break
		}
		r = b.get(html.UnescapeString(m[1]))
	}
	if want := append([]string{fmt.Sprint(fresh.ID)}, order...); !slices.Equal(back, want) {
		t.Errorf("backwards, the rows differ:\n%q\nwant\n%q", back, want)
	}
	// A page size is bounded, and a made-up key is the first page.
	if ids := rowIDs(b.get("/admin/articles?n=100000").body); len(ids) != 200 {
		t.Errorf("n=100000 listed %d rows, want the bound, 200", len(ids))
	}
	if r := b.get("/admin/articles?after=x.y"); r.status != 200 || len(rowIDs(r.body)) != 50 {
		t.Errorf("a key that does not parse: %d, %d rows", r.status, len(rowIDs(r.body)))
	}
}

func lastKey(a *news.Article) string {
	if a.PublishedAt.IsZero() {
		return fmt.Sprintf(".%d", a.ID)
	}
	return fmt.Sprintf("%d.%d", a.PublishedAt.Unix(), a.ID)
}

// Filters by part of a name: without case or accents, and a typed % or _ is itself,
// never a wildcard.
func TestArticleListFiltersByPartOfAName(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	add := func(title, author, tag string) {
		a := &news.Article{Slug: news.Slugify(title), Title: title, BodyMarkdown: "x", BodyHTML: "<p>x</p>", Status: news.StatusDraft,
			Author: &news.Author{Name: author, Slug: news.Slugify(author)}, Tags: []*news.Tag{{Name: tag}}}
		if err := e.db.CreateArticle(t.Context(), a); err != nil {
			t.Fatal(err)
		}
	}
	add("Café society", "Zoë Ångström", "Élections")
	add("Rates up 5%", "Ann_Lee", "100% local")
	add("Rates up 5 points", "Annxlee", "1000 local")
	add("STRASSE closed", "Bo Rhee", "roads")
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"author=zoe", []string{"Café society"}},
		{"author=ANGSTR", []string{"Café society"}},
		{"author=" + url.QueryEscape("Zoë Å"), []string{"Café society"}},
		{"author=n_l", []string{"Rates up 5%"}},
		{"author=" + url.QueryEscape("ann_"), []string{"Rates up 5%"}},
		{"author=" + url.QueryEscape("%"), nil},
		{"q=cafe", []string{"Café society"}},
		{"q=" + url.QueryEscape("5%"), []string{"Rates up 5%"}},
		{"q=" + url.QueryEscape("straße"), []string{"STRASSE closed"}},
		{"tag=elect", []string{"Café society"}},
		{"tag=" + url.QueryEscape("0% l"), []string{"Rates up 5%"}},
		{"tag=" + url.QueryEscape("_"), nil},
	} {
		body := b.get("/admin/articles?" + c.query).body
		var got []string
		for _, title := range []string{"Café society", "Rates up 5%", "Rates up 5 points", "STRASSE closed", "A story"} {
			if strings.Contains(body, ">"+html.EscapeString(title)+"</a></strong>") {
				got = append(got, title)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: listed %q, want %q", c.query, got, c.want)
		}
	}
}

// A row has View (the public address when live, the preview otherwise), Edit, Trash,
// and its approved comments counted; Trash sent with the version the row was loaded
// with is refused when the story changed since (409, nothing moved), done otherwise.
func TestArticleRowActions(t *testing.T) {
	e := newEnv(t)
	ed := e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	draft := &news.Article{Slug: "in-the-works", Title: "In the works", BodyMarkdown: "Soon.", BodyHTML: "<p>Soon.</p>", Status: news.StatusDraft, OwnerID: ed.ID}
	if err := e.db.CreateArticle(t.Context(), draft); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		c := &news.Comment{ArticleID: e.article.ID, Status: news.CommentApproved, AuthorName: fmt.Sprint("Reader ", i), AuthorEmail: "r@example.net",
			Body: fmt.Sprint("Fine ", i), BodyHTML: fmt.Sprint("<p>Fine ", i, "</p>"), CreatedAt: e.clock.t}
		if err := e.db.CreateComment(t.Context(), c); err != nil {
			t.Fatal(err)
		}
	}
	body := b.get("/admin/articles").body
	row := func(id int64) string {
		i := strings.Index(body, fmt.Sprintf(`<tr id="a%d">`, id))
		if i < 0 {
			t.Fatalf("no row for article %d", id)
		}
		return body[i : i+strings.Index(body[i:], "</tr>")]
	}
	live := row(e.article.ID)
	if !strings.Contains(live, `href="`+e.site.ArticlePath(e.article)+`">View`) {
		t.Errorf("a live story's row has no View link to its address:\n%s", live)
	}
	if !strings.Contains(live, "<td>2<span") {
		t.Errorf("the live story's row does not count its 2 approved comments (the pending one is not):\n%s", live)
	}
	dr := row(draft.ID)
	if !strings.Contains(dr, fmt.Sprintf(`href="/admin/articles/%d/preview">Preview`, draft.ID)) || !strings.Contains(dr, fmt.Sprintf(`href="/admin/articles/%d">Edit`, draft.ID)) ||
		!strings.Contains(dr, fmt.Sprintf(`name="trash" value="%d"`, draft.ID)) {
		t.Errorf("a draft's row lacks Preview, Edit or Trash:\n%s", dr)
	}
	if p := b.get(fmt.Sprintf("/admin/articles/%d/preview", draft.ID)); p.status != 200 || !strings.Contains(html.UnescapeString(p.body), "<p>Soon.</p>") { // in the frame's srcdoc
		t.Errorf("preview: %d", p.status)
	}
	loaded := draft.Version
	// Someone saves the draft after the list was loaded.
	changed := e.stored(draft.ID)
	changed.Title = "In the works, retitled"
	if err := e.db.UpdateArticle(t.Context(), changed); err != nil {
		t.Fatal(err)
	}
	trash := func(version int64) resp {
		return b.post("/admin/articles/bulk", url.Values{"csrf": {b.csrf()}, "trash": {fmt.Sprint(draft.ID)}, fmt.Sprintf("v%d", draft.ID): {fmt.Sprint(version)}, "back": {"/admin/articles?q=works"}})
	}
	r := trash(loaded)
	if r.status != 409 || !strings.Contains(r.body, "changed by someone else") {
		t.Errorf("trash with a stale version: %d\n%s", r.status, r.body)
	}
	if got := e.stored(draft.ID); got.Status != news.StatusDraft {
		t.Errorf("a stale trash moved the story to %s", got.Status)
	}
	r = trash(e.stored(draft.ID).Version)
	if r.status != 303 || r.header.Get("Location") != "/admin/articles?q=works" {
		t.Errorf("trash: %d %s", r.status, r.header.Get("Location"))
	}
	if got := e.stored(draft.ID); got.Status != news.StatusTrash {
		t.Errorf("trashed story is %s", got.Status)
	}
	// The message that follows describes this action, once, and no address carries it.
	if page := b.get(r.header.Get("Location")).body; !strings.Contains(page, "trash") {
		t.Errorf("the list after a trash does not say so")
	}
	if page := b.get(r.header.Get("Location")).body; strings.Contains(page, `class="flash"`) {
		t.Errorf("the message is shown again on reload")
	}
	// A form without its token changes nothing.
	if r := b.post("/admin/articles/bulk", url.Values{"action": {"restore"}, "ids": {fmt.Sprint(draft.ID)}, fmt.Sprintf("v%d", draft.ID): {fmt.Sprint(e.stored(draft.ID).Version)}}); r.status != 403 || e.stored(draft.ID).Status != news.StatusTrash {
		t.Errorf("a restore without the form token: %d", r.status)
	}
}

// Bulk actions with allowed and refused articles mixed: each is checked on its own
// (User.CanMove, its state); the allowed ones move, the refused are named with why.
func TestBulkArticlesMixed(t *testing.T) {
	e := newEnv(t)
	au := e.addUser(news.RoleAuthor)
	b := e.browser()
	b.login("author@newsroom.example")
	mine := &news.Article{Slug: "mine", Title: "My scoop", BodyMarkdown: "News.", BodyHTML: "<p>News.</p>", Status: news.StatusDraft, OwnerID: au.ID}
	empty := &news.Article{Slug: "empty", Title: "My empty draft", Status: news.StatusDraft, OwnerID: au.ID}
	for _, a := range []*news.Article{mine, empty} {
		if err := e.db.CreateArticle(t.Context(), a); err != nil {
			t.Fatal(err)
		}
	}
	form := func(action string, arts ...*news.Article) url.Values {
		f := url.Values{"csrf": {b.csrf()}, "action": {action}}
		for _, a := range arts {
			f.Add("ids", fmt.Sprint(a.ID))
			f.Set(fmt.Sprintf("v%d", a.ID), fmt.Sprint(e.stored(a.ID).Version))
		}
		return f
	}
	// e.article is someone else's published story: an author may not touch it.
	r := b.post("/admin/articles/bulk", form("publish", mine, empty, e.article))
	if r.status != 403 {
		t.Errorf("a bulk publish with refusals: %d, want 403", r.status)
	}
	for _, want := range []string{"Published (or scheduled, when their time is to come): 1 article.", "“My empty draft” has no body yet", "“A story” was left as it is: your role (author) may not make it published"} {
		if !strings.Contains(html.UnescapeString(r.body), want) {
			t.Errorf("the answer does not say %q", want)
		}
	}
	if got := e.stored(mine.ID); got.Status != news.StatusPublished || got.PublishedAt.IsZero() {
		t.Errorf("own draft after a bulk publish: %s", got.Status)
	}
	if got := e.stored(empty.ID); got.Status != news.StatusDraft {
		t.Errorf("an empty draft was moved to %s", got.Status)
	}
	r = b.post("/admin/articles/bulk", form("trash", mine, e.article))
	if r.status != 403 || e.stored(mine.ID).Status != news.StatusTrash || e.stored(e.article.ID).Status != news.StatusPublished {
		t.Errorf("bulk trash: %d, mine %s, theirs %s", r.status, e.stored(mine.ID).Status, e.stored(e.article.ID).Status)
	}
	// Restored, it is published again, as it was before the trash (preview.go).
	if r := b.post("/admin/articles/bulk", form("restore", mine)); r.status != 303 || e.stored(mine.ID).Status != news.StatusPublished {
		t.Errorf("restore: %d, %s", r.status, e.stored(mine.ID).Status)
	}
	// Back to a draft, for what follows.
	if m := e.stored(mine.ID); true {
		m.Status = news.StatusDraft
		if err := e.db.UpdateArticle(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	// An editor may unpublish anyone's; a story not published is named, not moved.
	e.addUser(news.RoleEditor)
	ed := e.browser()
	ed.login("editor@newsroom.example")
	f := url.Values{"csrf": {ed.csrf()}, "action": {"unpublish"}, "ids": {fmt.Sprint(e.article.ID), fmt.Sprint(mine.ID)},
		fmt.Sprintf("v%d", e.article.ID): {fmt.Sprint(e.stored(e.article.ID).Version)}, fmt.Sprintf("v%d", mine.ID): {fmt.Sprint(e.stored(mine.ID).Version)}}
	r = ed.post("/admin/articles/bulk", f)
	if r.status != 422 || e.stored(e.article.ID).Status != news.StatusUnpublished || !strings.Contains(html.UnescapeString(r.body), "“My scoop” is not published") {
		t.Errorf("editor's unpublish: %d, %s", r.status, e.stored(e.article.ID).Status)
	}
	// The public page follows at once.
	if got := e.browser().get(e.site.ArticlePath(e.article)); got.status != 404 {
		t.Errorf("the unpublished story still answers %d", got.status)
	}
	// An unknown action, or none chosen, changes nothing.
	if r := ed.post("/admin/articles/bulk", url.Values{"csrf": {ed.csrf()}, "action": {"delete"}, "ids": {fmt.Sprint(mine.ID)}}); r.status != 422 {
		t.Errorf("an unknown action: %d", r.status)
	}
}

// The moderator moderates comments (approve, spam, trash, reply, block) and is refused
// on every article write and on users and settings.
func TestModeratorRole(t *testing.T) {
	e := newEnv(t)
	mod := e.addUser(news.RoleModerator)
	b := e.browser()
	b.login("moderator@newsroom.example")
	dash := b.get("/admin/").body
	if !strings.Contains(dash, `href="/admin/comments"`) || strings.Contains(dash, `href="/admin/articles"`) || strings.Contains(dash, `href="/admin/media"`) || strings.Contains(dash, `href="/admin/sections"`) {
		t.Error("the moderator's menu should offer comments and neither articles, media nor sections")
	}
	id := fmt.Sprint(e.pending.ID)
	for _, step := range []struct {
		path string
		form url.Values
		want news.CommentStatus
	}{
		{"/admin/comments/" + id, url.Values{"action": {"spam"}}, news.CommentSpam},
		{"/admin/comments/" + id, url.Values{"action": {"trash"}}, news.CommentTrash},
		{"/admin/comments", url.Values{"bulk": {"approved"}, "ids": {id}}, news.CommentApproved},
	} {
		step.form.Set("csrf", b.csrf())
		if r := b.post(step.path, step.form); r.status != 303 || e.commentStatus() != step.want {
			t.Errorf("%s %v: %d, comment %s", step.path, step.form, r.status, e.commentStatus())
		}
	}
	if r := b.post("/admin/comments/"+id+"/reply", url.Values{"csrf": {b.csrf()}, "body": {"Thank you for this."}}); r.status != 303 {
		t.Errorf("reply: %d", r.status)
	}
	replies, _ := e.db.Comments(t.Context(), news.CommentQuery{ArticleID: e.article.ID})
	replied := false
	for _, c := range replies {
		replied = replied || (c.Body == "Thank you for this." && c.ParentID == e.pending.ID)
	}
	if !replied {
		t.Error("the moderator's reply was not stored")
	}
	// Every article write, and users and settings, refused; nothing changed.
	own := &news.Article{Slug: "was-theirs", Title: "Written before", BodyMarkdown: "x", BodyHTML: "<p>x</p>", Status: news.StatusDraft, OwnerID: mod.ID}
	if err := e.db.CreateArticle(t.Context(), own); err != nil {
		t.Fatal(err)
	}
	before := e.stored(e.article.ID).Version
	for _, w := range []struct{ path string }{
		{"/admin/articles"}, {fmt.Sprintf("/admin/articles/%d", e.article.ID)}, {fmt.Sprintf("/admin/articles/%d", own.ID)},
		{"/admin/articles/bulk"}, {"/admin/articles/autosave"}, {fmt.Sprintf("/admin/articles/%d/restore/1", e.article.ID)},
		{"/admin/media"}, {"/admin/sections"}, {"/admin/users"}, {"/admin/settings"}, {"/admin/privacy/erase"},
	} {
		f := url.Values{"csrf": {b.csrf()}, "action": {"publish"}, "title": {"Mine"}, "body": {"Mine"}, "trash": {fmt.Sprint(e.article.ID)},
			"version": {fmt.Sprint(before)}, fmt.Sprintf("v%d", e.article.ID): {fmt.Sprint(before)}, "name": {"X"}, "email": {"x@x.example"},
			"role": {"administrator"}, "password": {password}, "title_": {"T"}}
		if r := b.post(w.path, f); r.status != 403 {
			t.Errorf("moderator POST %s: %d, want 403", w.path, r.status)
		}
	}
	for _, p := range []string{"/admin/articles", "/admin/articles/new", fmt.Sprintf("/admin/articles/%d", own.ID), fmt.Sprintf("/admin/articles/%d/preview", own.ID), "/admin/users", "/admin/settings", "/admin/media"} {
		if r := b.get(p); r.status != 403 {
			t.Errorf("moderator GET %s: %d, want 403", p, r.status)
		}
	}
	if got := e.stored(e.article.ID); got.Version != before || got.Status != news.StatusPublished {
		t.Errorf("the moderator changed a story: version %d, %s", got.Version, got.Status)
	}
	if got := e.stored(own.ID); got.Status != news.StatusDraft || got.Title != "Written before" {
		t.Error("the moderator changed its own old draft")
	}
	if _, err := e.db.UserByEmail(t.Context(), "x@x.example"); err == nil {
		t.Error("the moderator added a user")
	}
	if me, _ := e.db.User(t.Context(), mod.ID); me.Role != news.RoleModerator {
		t.Error("the moderator changed its role")
	}
}

// Administrators make moderators from the users screen, which offers the role.
func TestAdministratorsAssignModerator(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	if !strings.Contains(b.get("/admin/users").body, `<option value="moderator">moderator</option>`) {
		t.Error("the users screen does not offer the moderator role")
	}
	if r := b.post("/admin/users", url.Values{"csrf": {b.csrf()}, "name": {"Mo Derator"}, "email": {"mo@newsroom.example"}, "role": {"moderator"}, "password": {password}}); r.status != 303 {
		t.Fatalf("add a moderator: %d", r.status)
	}
	u, err := e.db.UserByEmail(t.Context(), "mo@newsroom.example")
	if err != nil || u.Role != news.RoleModerator {
		t.Fatalf("stored: %v %v", u, err)
	}
	if !strings.Contains(b.get("/admin/users").body, `<option value="moderator" selected>moderator</option>`) {
		t.Error("the users screen does not show the moderator's role")
	}
}

// The users screen pages (50 a page) and finds an account by part of its name or
// email, without case or accents, a typed _ being itself.
func TestUsersScreenPagesAndFilters(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleAdministrator)
	for i := range 60 {
		name := fmt.Sprintf("Writer %02d", i)
		if i == 7 {
			name = "Zoë Ångström"
		}
		if i == 8 {
			name = "Ann_Lee"
		}
		if err := e.db.CreateUser(t.Context(), &news.User{Email: fmt.Sprintf("w%d@newsroom.example", i), Name: name, Role: news.RoleAuthor, PasswordHash: "$argon2id$x"}); err != nil {
			t.Fatal(err)
		}
	}
	b := e.browser()
	b.login("administrator@newsroom.example")
	first := b.get("/admin/users").body
	if n := strings.Count(first, `<tr id="u`); n != 50 || !strings.Contains(first, "61 accounts") || !strings.Contains(first, `href="/admin/users?page=2" rel="next"`) {
		t.Errorf("first page: %d rows", n)
	}
	if n := strings.Count(b.get("/admin/users?page=2").body, `<tr id="u`); n != 11 {
		t.Errorf("second page: %d rows, want 11", n)
	}
	for q, want := range map[string]int{"zoe": 1, "ANGSTR": 1, "n_l": 1, "_": 1, "%": 0, "w7@": 1} {
		if n := strings.Count(b.get("/admin/users?q="+url.QueryEscape(q)).body, `<tr id="u`); n != want {
			t.Errorf("q=%s: %d rows, want %d", q, n, want)
		}
	}
}
