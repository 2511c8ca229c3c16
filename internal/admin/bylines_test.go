package admin_test

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"broadsheet/internal/news"
)

// editorPost sends the editor's form as loaded (fields), with the byline given.
func editorPost(b *browser, path string, fields map[string]string, author string, coauthors ...string) resp {
	b.e.t.Helper()
	form := url.Values{}
	for k, v := range fields {
		form.Set(k, v)
	}
	form.Set("csrf", b.csrf())
	form.Set("action", "save")
	form.Set("author", author)
	form["coauthor"] = coauthors
	return b.post(path, form)
}

// An editor changes a story's author and adds two co-authors, chosen by name from the
// newsroom; the byline is stored in order, recorded in the history, and a name that
// is nobody's is refused with the form kept. A writer cannot change the byline, even
// of their own story (Co-Authors Plus), and a save based on the version before a
// byline change is a conflict.
func TestEditorChangesTheAuthorAndAddsCoAuthors(t *testing.T) {
	e := newEnv(t)
	e.addNamed("Ana Reyes", "ana@newsroom.example", news.RoleEditor)
	benUser := e.addNamed("Ben Okafor", "ben@newsroom.example", news.RoleAuthor)
	e.addNamed("Cara Lin", "cara@newsroom.example", news.RoleContributor)
	ctx := context.Background()
	// Dev Patel is a byline (an author) with no account: a former staffer's.
	a, _ := e.db.Article(ctx, e.article.ID)
	a.Author = &news.Author{Name: "Dev Patel"}
	if err := e.db.UpdateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/admin/articles/%d", a.ID)

	ana := e.browser()
	ana.login("ana@newsroom.example")
	fields, page := ana.openEditor(a.ID)
	for _, want := range []string{`name="author"`, `value="Dev Patel"`, `list="byline-names"`, `<datalist id="byline-names">`,
		`<option value="Ben Okafor">`, `<option value="Cara Lin">`, `<option value="Ana Reyes">`} {
		if !strings.Contains(page, want) {
			t.Errorf("the editor's byline control lacks %s", want)
		}
	}
	stale := fields["version"]

	if r := editorPost(ana, path, fields, "Ben Okafor", "Dev Patel", "Cara Lin"); r.status != 303 {
		t.Fatalf("the editor's byline save: %d\n%s", r.status, r.body)
	}
	got := e.stored(a.ID)
	if want := []string{"Ben Okafor", "Dev Patel", "Cara Lin"}; !reflect.DeepEqual(got.BylineNames(), want) {
		t.Fatalf("byline %v, want %v", got.BylineNames(), want)
	}
	revs, _, _ := e.db.RevisionPage(ctx, a.ID, 1, 0)
	if len(revs) != 1 || !reflect.DeepEqual(revs[0].Authors, got.BylineNames()) {
		t.Errorf("the history does not record the byline: %+v", revs)
	}

	// A name that is nobody's: refused, nothing saved, the typed names kept.
	fields, _ = ana.openEditor(a.ID)
	version := got.Version
	r := editorPost(ana, path, fields, "Ben Okafor", "Nobody Known")
	if r.status != 422 || !strings.Contains(r.body, "There is no author or user named “Nobody Known”") || !strings.Contains(r.body, `value="Nobody Known"`) {
		t.Errorf("an unknown name: %d, or the message or the typed name is missing", r.status)
	}
	if e.stored(a.ID).Version != version {
		t.Errorf("a refused byline was saved")
	}
	// Too many co-authors: refused.
	many := make([]string, news.MaxCoAuthors+1)
	for i := range many {
		many[i] = "Cara Lin"
	}
	many[0] = "Dev Patel"
	if r := editorPost(ana, path, fields, "Ben Okafor", append(many, "Ana Reyes")...); r.status != 303 {
		// Repeats count once: Ben, Dev, Cara and Ana is four names.
		t.Errorf("a byline with repeats: %d", r.status)
	}
	if want := []string{"Ben Okafor", "Dev Patel", "Cara Lin", "Ana Reyes"}; !reflect.DeepEqual(e.stored(a.ID).BylineNames(), want) {
		t.Errorf("byline with repeats %v, want %v", e.stored(a.ID).BylineNames(), want)
	}

	fields["version"] = fmt.Sprint(e.stored(a.ID).Version)
	var tooMany []string
	for i := range news.MaxCoAuthors + 1 {
		tooMany = append(tooMany, fmt.Sprintf("Writer %d", i))
	}
	if r := editorPost(ana, path, fields, "Ben Okafor", tooMany...); r.status != 422 || !strings.Contains(r.body, "at most") {
		t.Errorf("%d co-authors: %d, want refused", len(tooMany), r.status)
	}

	// A form from before the byline changes is a conflict that names the byline.
	fields["version"] = stale
	fields["title"] = "A late headline"
	if r := editorPost(ana, path, fields, "Dev Patel"); r.status != 409 || !strings.Contains(r.body, "Byline") {
		t.Errorf("a stale save over a byline change: %d (or no byline in the conflict)", r.status)
	}

	// A writer's own story: the byline is shown, not editable, and a forged field
	// changes nothing.
	ben := e.browser()
	ben.login("ben@newsroom.example")
	own := &news.Article{Slug: "bens-story", Title: "Ben's story", BodyMarkdown: "Text.", BodyHTML: "<p>Text.</p>", Status: news.StatusDraft,
		Author: &news.Author{Name: "Ben Okafor"}, OwnerID: benUser.ID}
	if err := e.db.CreateArticle(ctx, own); err != nil {
		t.Fatal(err)
	}
	fields, page = ben.openEditor(own.ID)
	if strings.Contains(page, `name="author"`) || !strings.Contains(page, "By Ben Okafor") {
		t.Errorf("a writer's editor offers the byline control, or does not show the byline")
	}
	fields["byline"] = "1"
	fields["title"] = "Ben's story, edited"
	if r := editorPost(ben, fmt.Sprintf("/admin/articles/%d", own.ID), fields, "Cara Lin", "Ana Reyes"); r.status != 303 {
		t.Fatalf("the writer's save: %d", r.status)
	}
	if got := e.stored(own.ID); got.Title != "Ben's story, edited" || !reflect.DeepEqual(got.BylineNames(), []string{"Ben Okafor"}) {
		t.Errorf("a writer's forged byline: %q by %v", got.Title, got.BylineNames())
	}
}
