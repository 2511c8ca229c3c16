package admin_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
)

var savedRe = regexp.MustCompile(`^/admin/articles/(\d+)\?done=`)

// write posts the editor's form and returns the article's ID from the redirect (0 if
// it was refused) and the answer.
func (b *browser) write(path, action string, fields map[string]string) (int64, resp) {
	b.e.t.Helper()
	form := url.Values{"csrf": {b.csrf()}, "action": {action}}
	for k, v := range fields {
		form.Set(k, v)
	}
	r := b.post(path, form)
	var id int64
	if m := savedRe.FindStringSubmatch(r.header.Get("Location")); m != nil {
		fmt.Sscan(m[1], &id)
	}
	return id, r
}

func (e *env) stored(id int64) *news.Article {
	e.t.Helper()
	a, err := e.db.Article(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

func (e *env) revisions(id int64) int {
	revs, _ := e.db.Revisions(context.Background(), id)
	return len(revs)
}

func TestEditorialWorkflowByRole(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleContributor)
	e.addUser(news.RoleAuthor)
	e.addUser(news.RoleEditor)
	contrib, author, editor, reader := e.browser(), e.browser(), e.browser(), e.browser()
	contrib.login("contributor@newsroom.example")
	author.login("author@newsroom.example")
	editor.login("editor@newsroom.example")

	// A contributor writes a draft: saved, theirs, bylined, not public.
	story := map[string]string{"title": "Harbour \"dredging\" starts", "standfirst": "Work begins on Monday.",
		"body": "The dredgers arrive -- at last.\n\n> It's been a long wait.", "section": "City", "tags": "Port, Works"}
	id, r := contrib.write("/admin/articles", "save", story)
	if id == 0 {
		t.Fatalf("draft: %d\n%s", r.status, r.body)
	}
	a := e.stored(id)
	if a.Status != news.StatusDraft || a.Author == nil || a.Author.Name != "The contributor" || a.Slug != "harbour-dredging-starts" ||
		a.Section == nil || a.Section.Name != "City" || len(a.Tags) != 2 || !strings.Contains(a.BodyHTML, "<blockquote>") {
		t.Fatalf("draft stored as %+v", a)
	}
	if e.revisions(id) != 1 {
		t.Errorf("%d revisions after the first save", e.revisions(id))
	}
	path := fmt.Sprintf("/admin/articles/%d", id)
	// A contributor may not publish, through the button or by posting directly.
	if page := contrib.get(path).body; strings.Contains(page, `value="publish"`) {
		t.Error("the contributor is offered a Publish button")
	}
	if _, r := contrib.write(path, "publish", story); r.status != 403 {
		t.Errorf("contributor publishes: %d", r.status)
	}
	if a := e.stored(id); a.Status != news.StatusDraft || e.revisions(id) != 1 {
		t.Errorf("a refused publish changed the article: %s, %d revisions", a.Status, e.revisions(id))
	}
	if _, r := contrib.write(path, "submit", story); r.status != 303 || e.stored(id).Status != news.StatusReview {
		t.Fatalf("submit for review: %d, %s", r.status, e.stored(id).Status)
	}
	// Neither another contributor's nor an author may touch it.
	if r := author.get(path); r.status != 403 {
		t.Errorf("an author opens someone else's article: %d", r.status)
	}
	if _, r := author.write(path, "publish", story); r.status != 403 {
		t.Errorf("an author publishes someone else's article: %d", r.status)
	}
	// The editor publishes it; it is on the site at once.
	if _, r := editor.write(path, "publish", story); r.status != 303 {
		t.Fatalf("editor publishes: %d\n%s", r.status, r.body)
	}
	a = e.stored(id)
	if a.Status != news.StatusPublished || a.PublishedAt.IsZero() {
		t.Fatalf("after publishing: %s at %v", a.Status, a.PublishedAt)
	}
	front := reader.get("/").body
	if !strings.Contains(front, "Harbour “dredging” starts") {
		t.Error("the published article is not on the front page")
	}
	if page := reader.get(e.site.ArticlePath(a)).body; !strings.Contains(page, "By <a href=\"/author/the-contributor/\"") {
		t.Error("the article page lacks the contributor's byline")
	}
	// Once published, the contributor may not change it any more.
	if _, r := contrib.write(path, "save", story); r.status != 403 {
		t.Errorf("contributor edits a published article: %d", r.status)
	}
	// An author publishes their own article directly.
	own, r := author.write("/admin/articles", "publish", map[string]string{"title": "Own story", "body": "Text."})
	if own == 0 || e.stored(own).Status != news.StatusPublished {
		t.Fatalf("author publishes own: %d", r.status)
	}
	// Editing a published article later tells readers it was updated.
	e.clock.Add(2 * time.Hour)
	if _, r := author.write(fmt.Sprintf("/admin/articles/%d", own), "save", map[string]string{"title": "Own story", "body": "Text, corrected.",
		"published": e.stored(own).PublishedAt.In(time.UTC).Format("2006-01-02T15:04"), "correction": "Correction: a name was misspelt."}); r.status != 303 {
		t.Fatalf("update: %d", r.status)
	}
	if upd := e.stored(own); !upd.WasUpdated() || upd.CorrectionNote == "" {
		t.Errorf("an update after publication is not marked: %+v", upd)
	}
}

func TestSchedulingAndRestart(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	later := e.clock.Now().Add(3 * time.Hour)
	id, r := b.write("/admin/articles", "publish", map[string]string{"title": "Tomorrow's news", "body": "Text.",
		"published": later.Format("2006-01-02T15:04")})
	if id == 0 {
		t.Fatalf("schedule: %d\n%s", r.status, r.body)
	}
	a := e.stored(id)
	if a.Status != news.StatusScheduled || !a.PublishedAt.Equal(later.Truncate(time.Minute)) {
		t.Fatalf("scheduled as %s at %v", a.Status, a.PublishedAt)
	}
	if r := e.browser().get(e.site.ArticlePath(a)); r.status != 404 {
		t.Errorf("a scheduled article is public: %d", r.status)
	}
	e.browser().get("/") // cache the front page
	// The server "restarts" after the time: the scheduler's first run publishes it.
	e.clock.Add(4 * time.Hour)
	if n, err := e.db.PublishDue(context.Background(), e.clock.Now()); err != nil || n != 1 {
		t.Fatalf("publish due: %d, %v", n, err)
	}
	e.site.Sync(context.Background())
	if !strings.Contains(e.browser().get("/").body, "Tomorrow’s news") {
		t.Error("the front page does not show the article once it is live")
	}
}

func TestRevisionHistoryAndRestore(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleAuthor)
	b := e.browser()
	b.login("author@newsroom.example")
	id, _ := b.write("/admin/articles", "save", map[string]string{"title": "First headline", "body": "Line one.\n\nLine two."})
	path := fmt.Sprintf("/admin/articles/%d", id)
	b.write(path, "save", map[string]string{"title": "Second headline", "body": "Line one.\n\nLine two, changed."})
	h := b.get(path + "/history")
	if h.status != 200 || !strings.Contains(h.body, "<del>Headline: First headline</del>") || !strings.Contains(h.body, "<ins>Headline: Second headline</ins>") ||
		!strings.Contains(h.body, "<ins>Line two, changed.</ins>") || !strings.Contains(h.body, "The author") {
		t.Fatalf("history: %d\n%s", h.status, h.body)
	}
	revs, _ := e.db.Revisions(context.Background(), id)
	r := b.post(fmt.Sprintf("%s/restore/%d", path, revs[1].ID), url.Values{"csrf": {b.csrf()}})
	if r.status != 303 {
		t.Fatalf("restore: %d", r.status)
	}
	if a := e.stored(id); a.Title != "First headline" || a.BodyMarkdown != "Line one.\n\nLine two." || e.revisions(id) != 3 {
		t.Errorf("after restoring: %q, %d revisions", a.Title, e.revisions(id))
	}
}

func TestEditorRefusesBadInput(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	before, _ := e.db.CountArticles(context.Background(), news.ArticleQuery{WithTrash: true})
	for name, fields := range map[string]map[string]string{
		"no headline":   {"title": " ", "body": "Text"},
		"invalid UTF-8": {"title": "Caf\xe9", "body": "Text"},
		"bad time":      {"title": "A title", "body": "Text", "published": "tomorrow"},
		"taken slug":    {"title": "Taken", "body": "Text", "slug": "a-story"},
	} {
		id, r := b.write("/admin/articles", "save", fields)
		if id != 0 || r.status != 422 || !strings.Contains(r.body, "nothing was saved") && !strings.Contains(r.body, "Nothing was saved") {
			t.Errorf("%s: %d, id %d", name, r.status, id)
		}
		if name == "taken slug" && !strings.Contains(r.body, `value="Taken"`) {
			t.Errorf("%s: the headline typed was not kept", name)
		}
	}
	if after, _ := e.db.CountArticles(context.Background(), news.ArticleQuery{WithTrash: true}); after != before {
		t.Errorf("%d articles stored from bad input", after-before)
	}
	if r := b.post("/admin/articles", url.Values{"csrf": {"forged"}, "action": {"save"}, "title": {"Forged"}}); r.status != 403 {
		t.Errorf("forged token: %d", r.status)
	}
	// A slug made from the headline is numbered when taken.
	id, r := b.write("/admin/articles", "save", map[string]string{"title": "A story", "body": "Text"})
	if id == 0 {
		t.Fatalf("automatic slug for a taken headline: %d", r.status)
	}
	if slug := e.stored(id).Slug; slug != "a-story-2" {
		t.Errorf("automatic slug for a taken headline: %q", slug)
	}
	before++
	// Preview renders without saving.
	_, r = b.write("/admin/articles", "preview", map[string]string{"title": "Preview me", "body": "**Bold** move"})
	if r.status != 200 || !strings.Contains(r.body, "<strong>Bold</strong>") {
		t.Errorf("preview: %d", r.status)
	}
	if after, _ := e.db.CountArticles(context.Background(), news.ArticleQuery{WithTrash: true}); after != before {
		t.Error("a preview saved an article")
	}
}

func TestArticleListFilters(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	e.addUser(news.RoleContributor)
	ed, co := e.browser(), e.browser()
	ed.login("editor@newsroom.example")
	co.login("contributor@newsroom.example")
	co.write("/admin/articles", "save", map[string]string{"title": "Ferry timetable draft", "body": "x", "section": "City", "tags": "Transport"})
	ed.write("/admin/articles", "publish", map[string]string{"title": "Budget passes", "body": "x", "section": "Politics"})
	for query, want := range map[string][]string{
		"":                    {"Ferry timetable draft", "Budget passes", "A story"},
		"?status=draft":       {"Ferry timetable draft"},
		"?section=politics":   {"Budget passes"},
		"?tag=transport":      {"Ferry timetable draft"},
		"?q=budget":           {"Budget passes"},
		"?author=the+editor":  {"Budget passes"},
		"?tag=nothing":        {},
		"?status=draft&q=zzz": {},
	} {
		body := ed.get("/admin/articles" + query).body
		for _, title := range []string{"Ferry timetable draft", "Budget passes", "A story"} {
			listed := strings.Contains(body, ">"+title+"<")
			wanted := false
			for _, w := range want {
				wanted = wanted || w == title
			}
			if listed != wanted {
				t.Errorf("%q: %q listed %v, want %v", query, title, listed, wanted)
			}
		}
	}
	// The contributor sees the list but may open only their own draft.
	body := co.get("/admin/articles").body
	if !strings.Contains(body, ">Ferry timetable draft</a>") || strings.Contains(body, ">Budget passes</a>") {
		t.Error("the contributor's list links articles they may not edit")
	}
}

// Control characters pasted into the editor never reach a page: they are taken out,
// and the writer is told which.
func TestEditorRemovesControlCharacters(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	id, r := b.write("/admin/articles", "publish", map[string]string{"title": "Budget\u001d vote", "standfirst": "A\u000bB",
		"body": "Text\u0010 with\u0008 marks.", "tags": "Йошкар-Ола, \u0418\u0306ошкар-Ола"})
	if id == 0 {
		t.Fatalf("publish: %d\n%s", r.status, r.body)
	}
	done, _ := url.QueryUnescape(r.header.Get("Location"))
	if !strings.Contains(done, "4 invisible control characters (U+001D, U+000B, U+0010, U+0008) that no page can show were removed.") {
		t.Errorf("the writer is not told: %q", done)
	}
	a := e.stored(id)
	if a.Title != "Budget vote" || a.Standfirst != "AB" || a.BodyMarkdown != "Text with marks." {
		t.Errorf("stored %q / %q / %q", a.Title, a.Standfirst, a.BodyMarkdown)
	}
	// One tag, typed precomposed and decomposed, is one tag at one address.
	if len(a.Tags) != 1 || a.Tags[0].Slug != "йошкар-ола" {
		t.Errorf("tags %+v", a.Tags)
	}
	page := e.browser().get(e.site.ArticlePath(a)).body
	if strings.ContainsAny(page, "\u001d\u000b\u0010\u0008") {
		t.Error("a control character reached the page")
	}
}

// Saving an article without changing it changes neither its publication time (stored
// to the second, shown to the minute) nor tells readers it was updated; changing its
// text does.
func TestUnchangedSaveKeepsTheTime(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	e.clock.Add(45 * time.Second) // the publication time has seconds
	id, r := b.write("/admin/articles", "publish", map[string]string{"title": "Tram line 4 reopens", "body": "Text."})
	if id == 0 {
		t.Fatalf("publish: %d", r.status)
	}
	published := e.stored(id).PublishedAt
	if published.Second() != 45 {
		t.Fatalf("published at %v", published)
	}
	e.clock.Add(10 * time.Minute)
	// The editor's form as the browser sends it back: every field as shown.
	form := regexp.MustCompile(`name="published" type="datetime-local" value="([^"]*)"`).FindStringSubmatch(b.get(fmt.Sprintf("/admin/articles/%d", id)).body)
	if form == nil {
		t.Fatal("no publication time in the editor")
	}
	path := fmt.Sprintf("/admin/articles/%d", id)
	if _, r := b.write(path, "save", map[string]string{"title": "Tram line 4 reopens", "body": "Text.", "published": form[1]}); r.status != 303 {
		t.Fatalf("update: %d", r.status)
	}
	a := e.stored(id)
	if !a.PublishedAt.Equal(published) || a.WasUpdated() {
		t.Errorf("an unchanged save moved the time to %v (was %v) or marked it updated (%v)", a.PublishedAt, published, a.UpdatedAt)
	}
	if page := e.browser().get(e.site.ArticlePath(a)).body; strings.Contains(page, "Updated") {
		t.Error("readers are told of an update that changed nothing")
	}
	if _, r := b.write(path, "save", map[string]string{"title": "Tram line 4 reopens", "body": "Text, corrected.", "published": form[1]}); r.status != 303 {
		t.Fatalf("update: %d", r.status)
	}
	if a := e.stored(id); !a.PublishedAt.Equal(published) || !a.WasUpdated() {
		t.Errorf("a changed text: published %v, updated %v", a.PublishedAt, a.UpdatedAt)
	}
}
