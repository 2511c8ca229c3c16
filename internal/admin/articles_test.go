package admin_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"

	xhtml "golang.org/x/net/html"
)

var (
	savedRe       = regexp.MustCompile(`^/admin/articles/(\d+)$`) // a save's redirect to its editor
	articlePathRe = regexp.MustCompile(`^/admin/articles/(\d+)$`)
)

// write posts the editor's form and returns the article's ID from the redirect (0 if
// it was refused) and the answer.
func (b *browser) write(path, action string, fields map[string]string) (int64, resp) {
	b.e.t.Helper()
	form := url.Values{"csrf": {b.csrf()}, "action": {action}}
	// An existing article's form carries the version it was loaded from: unless the
	// test says otherwise, the form was loaded just now.
	if m := articlePathRe.FindStringSubmatch(path); m != nil && fields["version"] == "" {
		var id int64
		fmt.Sscan(m[1], &id)
		form.Set("version", fmt.Sprint(b.e.stored(id).Version))
	}
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

// addSections adds sections as an editor would on the sections screen.
func (e *env) addSections(names ...string) {
	e.t.Helper()
	for _, n := range names {
		if err := e.db.CreateSection(context.Background(), &news.Section{Name: n}); err != nil {
			e.t.Fatal(err)
		}
	}
	e.site.Sync(context.Background())
}

func (e *env) revisions(id int64) int {
	_, n, _ := e.db.RevisionPage(context.Background(), id, 0, 0)
	return n
}

func TestEditorialWorkflowByRole(t *testing.T) {
	e := newEnv(t)
	e.addSections("City")
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
	if h.status != 200 || !strings.Contains(h.body, `Headline:</span> <span class="was"><del>First</del> headline</span>`) ||
		!strings.Contains(h.body, `<span class="now"><ins>Second</ins> headline</span>`) ||
		!strings.Contains(h.body, "Line two<ins>, changed</ins>.") || !strings.Contains(h.body, "The author") {
		t.Fatalf("history: %d\n%s", h.status, h.body)
	}
	revs, _, _ := e.db.RevisionPage(context.Background(), id, 10, 0)
	r := b.post(fmt.Sprintf("%s/restore/%d", path, revs[1].ID), url.Values{"csrf": {b.csrf()}, "version": {fmt.Sprint(e.stored(id).Version)}})
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
	e.addSections("City", "Politics")
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
	if done := b.told(r); !strings.Contains(done, "4 invisible control characters (U+001D, U+000B, U+0010, U+0008) that no page can show were removed.") {
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

// A section is in every page's navigation: only those who may manage sections add one,
// on the Sections screen. An article form names a section that exists (the editor's
// list offers no other): one it names that does not exist is refused for every role,
// and none is created — so a form loaded before its section was deleted cannot bring
// the section back.
func TestArticleFormsAddNoSections(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.addSections("City")
	for _, role := range []news.Role{news.RoleContributor, news.RoleAuthor, news.RoleEditor} {
		e.addUser(role)
		b := e.browser()
		b.login(string(role) + "@newsroom.example")
		id, r := b.write("/admin/articles", "save", map[string]string{"title": "Spam", "body": "x", "section": "BUY CHEAP PILLS"})
		if id != 0 || r.status != 422 || !strings.Contains(r.body, "There is no section “BUY CHEAP PILLS”") || !strings.Contains(r.body, "Spam") {
			t.Errorf("%s: a draft naming a new section: %d, id %d", role, r.status, id)
		}
		if id, _ := b.write("/admin/articles", "save", map[string]string{"title": "Local", "body": "x", "section": "City"}); id == 0 {
			t.Errorf("%s: an existing section refused", role)
		}
	}
	if _, err := e.db.SectionBySlug(ctx, "buy-cheap-pills"); err == nil {
		t.Error("the section was created")
	}
	if page := e.browser().get("/").body; strings.Contains(page, "BUY CHEAP") {
		t.Error("the navigation shows it")
	}
}

// The history of an article saved many times with a megabyte of text is a bounded
// page, however the versions differ; and a writer saving in a loop is held back.
func TestHistoryAndSavesAreBounded(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	ctx := context.Background()
	a := e.article
	for i := range 30 {
		var body strings.Builder
		for l := range 2000 {
			fmt.Fprintf(&body, "Line %d of version %d, with some words to make it long enough to weigh.\n", l, i*(l%2))
		}
		a.BodyMarkdown = body.String()
		if err := e.db.UpdateArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r := b.get(fmt.Sprintf("/admin/articles/%d/history", a.ID))
	runtime.ReadMemStats(&after)
	if r.status != 200 || !strings.Contains(r.body, "more changed lines, not shown") || !strings.Contains(r.body, "See every change of this version") ||
		!strings.Contains(r.body, "Older versions") {
		t.Fatalf("history: %d", r.status)
	}
	if len(r.body) > 1<<20 {
		t.Errorf("the history page is %d bytes", len(r.body))
	}
	t.Logf("the history page: %d bytes, %d MB allocated", len(r.body), (after.TotalAlloc-before.TotalAlloc)>>20)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 128<<20 {
		t.Errorf("showing the history allocated %d MB", alloc>>20)
	}
	// Saves: a burst, then the writer is asked to wait, with the text kept.
	saved, held := 0, 0
	for i := range 40 {
		_, r := b.write(fmt.Sprintf("/admin/articles/%d", a.ID), "save", map[string]string{"title": "A story", "body": fmt.Sprintf("Version %d", i)})
		switch r.status {
		case 303:
			saved++
		case 429:
			held++
			if !strings.Contains(r.body, "You are saving very often") || !strings.Contains(r.body, fmt.Sprintf("Version %d", i)) {
				t.Fatalf("the held save's answer:\n%.300s", r.body)
			}
		default:
			t.Fatalf("save %d: %d", i, r.status)
		}
	}
	if saved != 30 || held != 10 {
		t.Errorf("%d saves went through and %d were held; the burst is 30", saved, held)
	}
}

// The editor gives back the text as stored, as a browser reads the form (a line break
// right after <textarea> is dropped by HTML parsers), so an unchanged save of a body
// that begins with a blank line, or of an imported body with CRLF line breaks, is no
// update; restoring an older version of a published article is one.
func TestUpdatedMeansTheTextChanged(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	ctx := context.Background()
	a := &news.Article{Slug: "imported", Title: "Imported", BodyMarkdown: "\nFirst line.\r\nSecond line.\r\n", BodyHTML: "<p>First line.\nSecond line.</p>",
		Status: news.StatusPublished, PublishedAt: e.clock.Now().Add(-48 * time.Hour), Source: "wp", SourceID: "1"}
	if err := e.db.CreateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/admin/articles/%d", a.ID)
	form := browserForm(t, b.get(path).body)
	if _, r := b.write(path, "save", form); r.status != 303 {
		t.Fatalf("save: %d", r.status)
	}
	if got := e.stored(a.ID); got.WasUpdated() {
		t.Errorf("an unchanged save marked the article updated (body %q)", got.BodyMarkdown)
	}
	revs, _, _ := e.db.RevisionPage(ctx, a.ID, 10, 0)
	form["body"] = "A new text."
	delete(form, "version") // loaded again after the first save
	if _, r := b.write(path, "save", form); r.status != 303 {
		t.Fatalf("save: %d", r.status)
	}
	e.clock.Add(time.Hour)
	if r := b.post(fmt.Sprintf("%s/restore/%d", path, revs[len(revs)-1].ID), url.Values{"csrf": {b.csrf()}, "version": {fmt.Sprint(e.stored(a.ID).Version)}}); r.status != 303 {
		t.Fatalf("restore: %d", r.status)
	}
	if got := e.stored(a.ID); !got.WasUpdated() || !got.UpdatedAt.Equal(e.clock.Now()) {
		t.Errorf("restoring an older text: updated at %v", got.UpdatedAt)
	}
}

// browserForm reads the editor's fields as a browser would submit them.
func browserForm(t *testing.T, page string) map[string]string {
	t.Helper()
	doc, err := xhtml.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	var walk func(n *xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode {
			attr := func(k string) string {
				for _, a := range n.Attr {
					if a.Key == k {
						return a.Val
					}
				}
				return ""
			}
			switch name := attr("name"); {
			case name == "" || name == "csrf" || name == "action":
			case n.Data == "textarea":
				text := ""
				if n.FirstChild != nil {
					text = n.FirstChild.Data
				}
				out[name] = strings.ReplaceAll(text, "\n", "\r\n") // as browsers send it
			case n.Data == "input" && (attr("type") == "text" || attr("type") == "datetime-local" || attr("type") == "hidden" || attr("type") == ""):
				out[name] = attr("value")
			case n.Data == "select":
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					for _, a := range c.Attr {
						if a.Key == "selected" {
							for _, v := range c.Attr {
								if v.Key == "value" {
									out[name] = v.Val
								}
							}
						}
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// Autosaves are limited per writer too: a script cannot write megabytes in a loop.
func TestAutosavesAreLimited(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleContributor)
	b := e.browser()
	b.login("contributor@newsroom.example")
	held := 0
	for i := range 30 {
		if r := b.post("/admin/articles/autosave", url.Values{"csrf": {b.csrf()}, "title": {"Draft"}, "body": {fmt.Sprint("Text ", i)}}); r.status == 429 {
			held++
		} else if r.status != 200 {
			t.Fatalf("autosave %d: %d", i, r.status)
		}
	}
	if held != 10 {
		t.Errorf("%d of 30 quick autosaves held back; the burst is 20", held)
	}
}

// The editor counts the history in English: "1 revision", "2 revisions".
func TestEditorCountsRevisions(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	path := fmt.Sprintf("/admin/articles/%d", e.article.ID)
	if page := b.get(path).body; !strings.Contains(page, "History (1 revision)") {
		t.Errorf("one revision: %s", page[strings.Index(page, "Status:"):][:200])
	}
	form, _ := b.openEditor(e.article.ID)
	form["title"] = "A story, renamed"
	b.write(path, "save", form)
	if page := b.get(path).body; !strings.Contains(page, "History (2 revisions)") {
		t.Errorf("two revisions: %s", page[strings.Index(page, "Status:"):][:200])
	}
}
