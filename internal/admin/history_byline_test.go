package admin_test

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// An editor adds a co-author, then publishes with another: the history shows each
// byline change among the field changes ("Byline: A and B → A, B and C") and in the
// summary, also beside a status change; restoring the first version brings back the
// byline saved with it, not the current one.
func TestHistoryShowsAndRestoresTheByline(t *testing.T) {
	e := newEnv(t)
	e.addNamed("Ana Reyes", "ana@newsroom.example", news.RoleEditor)
	e.addNamed("Ben Okafor", "ben@newsroom.example", news.RoleAuthor)
	e.addNamed("Cara Lin", "cara@newsroom.example", news.RoleContributor)
	ana := e.browser()
	ana.login("ana@newsroom.example")
	id := e.article.ID
	e.save(e.stored(id), func(a *news.Article) { a.Status = news.StatusDraft })
	path := fmt.Sprintf("/admin/articles/%d", id)

	fields, _ := ana.openEditor(id)
	if r := editorPost(ana, path, fields, "Ana Reyes", "Ben Okafor"); r.status != 303 {
		t.Fatalf("first byline: %d", r.status)
	}
	fields, _ = ana.openEditor(id)
	if r := editorPost(ana, path, fields, "Ana Reyes", "Ben Okafor", "Cara Lin"); r.status != 303 {
		t.Fatalf("second byline: %d", r.status)
	}
	// Publish, moving Cara first: the status and the byline in one version.
	fields, _ = ana.openEditor(id)
	form := url.Values{}
	for k, v := range fields {
		form.Set(k, v)
	}
	form.Set("csrf", ana.csrf())
	form.Set("action", "publish")
	form.Set("author", "Cara Lin")
	form["coauthor"] = []string{"Ana Reyes", "Ben Okafor"}
	if r := ana.post(path, form); r.status != 303 || e.stored(id).Status != news.StatusPublished {
		t.Fatalf("publish: %d", r.status)
	}

	revs := e.revisionsOf(id)
	h := ana.get(path + "/history").body
	added := entry(t, h, revs[1].ID)
	if !strings.Contains(added, `<p class="summary">The byline changed.</p>`) {
		t.Errorf("a byline-only change's summary does not say the byline changed:\n%s", added)
	}
	if got := words(added); !strings.Contains(got, "Byline: Ana Reyes and Ben Okafor → became Ana Reyes, Ben Okafor and Cara Lin") {
		t.Errorf("the byline change is not shown as old → new:\n%s", got)
	}
	if !strings.Contains(added, "<ins>Cara Lin</ins>") || strings.Contains(added, "<del>") {
		t.Errorf("the added co-author is not marked added:\n%s", added)
	}
	published := entry(t, h, revs[0].ID)
	if !strings.Contains(published, "Status changed from draft to published. The ") || !strings.Contains(published, "byline changed too.") ||
		!strings.Contains(words(published), "Byline: Ana Reyes, Ben Okafor and Cara Lin → became Cara Lin, Ana Reyes and Ben Okafor") {
		t.Errorf("the publication's entry does not show its byline change:\n%s", words(published))
	}

	// Restore the version with two authors: its byline comes back.
	old := revs[2]
	if !reflect.DeepEqual(old.Authors, []string{"Ana Reyes", "Ben Okafor"}) {
		t.Fatalf("the version to restore holds %v", old.Authors)
	}
	r := ana.post(fmt.Sprintf("%s/restore/%d", path, old.ID), url.Values{"csrf": {ana.csrf()}, "version": {fmt.Sprint(e.stored(id).Version)}})
	if r.status != 303 {
		t.Fatalf("restore: %d\n%s", r.status, r.body)
	}
	if got := e.stored(id).BylineNames(); !reflect.DeepEqual(got, []string{"Ana Reyes", "Ben Okafor"}) {
		t.Errorf("after restoring, the byline is %v, want the version's [Ana Reyes Ben Okafor]", got)
	}
	if got := words(entry(t, ana.get(path+"/history").body, e.revisionsOf(id)[0].ID)); !strings.Contains(got, "Byline: Cara Lin, Ana Reyes and Ben Okafor → became Ana Reyes and Ben Okafor") {
		t.Errorf("the restore's entry does not show the byline restored:\n%s", got)
	}
}

// words is a page's text with its runs of white space made one space.
func words(page string) string { return strings.Join(strings.Fields(text(page)), " ") }

// A writer restoring a version of their own story gets its words back but keeps the
// byline an editor gave it (only an editor changes a byline, Co-Authors Plus), and is
// told so.
func TestWritersRestoreKeepsTheByline(t *testing.T) {
	e := newEnv(t)
	e.addNamed("Ana Reyes", "ana@newsroom.example", news.RoleEditor)
	ben := e.addNamed("Ben Okafor", "ben@newsroom.example", news.RoleAuthor)
	story := e.storyOf(ben, "Ben's story", news.StatusDraft, time.Time{})
	e.save(e.stored(story.ID), func(a *news.Article) { a.Title = "Ben's story, first" })
	ed := e.browser()
	ed.login("ana@newsroom.example")
	path := fmt.Sprintf("/admin/articles/%d", story.ID)
	fields, _ := ed.openEditor(story.ID)
	if r := editorPost(ed, path, fields, "Ben Okafor", "Ana Reyes"); r.status != 303 {
		t.Fatalf("the editor's byline: %d", r.status)
	}
	revs := e.revisionsOf(story.ID)
	old := revs[len(revs)-1]
	wb := e.browser()
	wb.login("ben@newsroom.example")
	r := wb.post(fmt.Sprintf("%s/restore/%d", path, old.ID), url.Values{"csrf": {wb.csrf()}, "version": {fmt.Sprint(e.stored(story.ID).Version)}})
	if r.status != 303 {
		t.Fatalf("the writer's restore: %d", r.status)
	}
	if msg := wb.told(r); !strings.Contains(msg, "The byline was kept as it is (Ben Okafor and Ana Reyes): only an editor may change a byline.") {
		t.Errorf("the writer is not told the byline was kept: %q", msg)
	}
	got := e.stored(story.ID)
	if got.Title != old.Title || !reflect.DeepEqual(got.BylineNames(), []string{"Ben Okafor", "Ana Reyes"}) {
		t.Errorf("after the writer's restore: %q by %v", got.Title, got.BylineNames())
	}
}
