package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"broadsheet/internal/auth"
	"broadsheet/internal/news"
	"broadsheet/internal/render"
)

// addNamed adds a newsroom account with a name of its own.
func (e *env) addNamed(name, email string, role news.Role) *news.User {
	e.t.Helper()
	hash, err := auth.HashPassword(password)
	if err != nil {
		e.t.Fatal(err)
	}
	u := &news.User{Email: email, Name: name, Role: role, PasswordHash: hash}
	if err := e.db.CreateUser(context.Background(), u); err != nil {
		e.t.Fatal(err)
	}
	return u
}

func hidden(t *testing.T, page, name string) string {
	t.Helper()
	m := regexp.MustCompile(`name="` + name + `" value="([^"]*)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no %s field in the page", name)
	}
	return m[1]
}

// openEditor loads the editor as a browser would, and returns the form it would send:
// every field as shown, with the version it was loaded from.
func (b *browser) openEditor(id int64) (map[string]string, string) {
	b.e.t.Helper()
	page := b.get(fmt.Sprintf("/admin/articles/%d", id))
	if page.status != 200 {
		b.e.t.Fatalf("editor: %d", page.status)
	}
	form := browserForm(b.e.t, page.body)
	form["version"] = hidden(b.e.t, page.body, "version")
	return form, page.body
}

type twoEditors struct {
	e          *env
	ana, ben   *browser
	path       string
	anaForm    map[string]string
	benForm    map[string]string
	correction string
}

// twoEditorsOpen is the start: Ana and Ben open the same published story.
func twoEditorsOpen(t *testing.T) *twoEditors {
	e := newEnv(t)
	e.addNamed("Ana Reyes", "ana@newsroom.example", news.RoleEditor)
	e.addNamed("Ben Okafor", "ben@newsroom.example", news.RoleEditor)
	x := &twoEditors{e: e, ana: e.browser(), ben: e.browser(), path: fmt.Sprintf("/admin/articles/%d", e.article.ID),
		correction: "Correction: an earlier version named the wrong tram line."}
	x.ana.login("ana@newsroom.example")
	x.ben.login("ben@newsroom.example")
	x.anaForm, _ = x.ana.openEditor(e.article.ID)
	x.benForm, _ = x.ben.openEditor(e.article.ID)
	return x
}

// anaSaves: at 12:02, Ana adds a correction and a paragraph and saves.
func (x *twoEditors) anaSaves(t *testing.T) {
	x.e.clock.Add(2 * time.Minute)
	x.anaForm["correction"] = x.correction
	x.anaForm["body"] += "\r\n\r\nA paragraph Ana added."
	if _, r := x.ana.write(x.path, "save", x.anaForm); r.status != 303 {
		t.Fatalf("Ana's save: %d\n%s", r.status, r.body)
	}
}

// The scenario: the second save, from the form loaded before the first, is not
// applied: it gets the conflict, naming who saved and when, with the correction in the
// diff and everything Ben typed still in the form; the page keeps the correction.
func TestTwoEditorsSecondSaveGetsTheConflict(t *testing.T) {
	x := twoEditorsOpen(t)
	x.anaSaves(t)
	x.ben.e.clock.Add(time.Minute)
	x.benForm["title"] = "Tram line 4 back in service"
	_, r := x.ben.write(x.path, "save", x.benForm)
	if r.status != 409 {
		t.Fatalf("Ben's save from the old form: %d, want 409 (the correction would be lost)", r.status)
	}
	if testing.Verbose() {
		t.Log(r.body[strings.Index(r.body, "<main"):])
	}
	if !strings.Contains(r.body, "Ana Reyes saved this story at 12:02") {
		t.Errorf("the conflict does not name who saved and when:\n%s", r.body)
	}
	diff := r.body[strings.Index(r.body, `class="conflict"`):]
	if !strings.Contains(diff, "<h3>Correction or update note</h3>") || !strings.Contains(diff, "<ins>"+html.EscapeString(x.correction)+"</ins>") ||
		!strings.Contains(diff, "<ins>A paragraph Ana added.</ins>") {
		t.Errorf("the conflict's diff does not show the correction and the paragraph:\n%s", diff)
	}
	if strings.Contains(diff, "<h3>Headline") {
		t.Error("the diff shows the headline, which only Ben changed, as changed since his version")
	}
	if !strings.Contains(r.body, `value="Tram line 4 back in service"`) {
		t.Error("Ben's typed headline is not in the conflict's form")
	}
	for _, button := range []string{`value="theirs"`, `value="mine"`, `value="merge"`} {
		if !strings.Contains(r.body, `name="action" `+button) {
			t.Errorf("the conflict has no %s button", button)
		}
	}
	a := x.e.stored(x.e.article.ID)
	if a.CorrectionNote != x.correction || a.Title != "A story" {
		t.Errorf("after the refused save: title %q, correction %q", a.Title, a.CorrectionNote)
	}
	if page := x.e.browser().get(x.e.site.ArticlePath(a)).body; !strings.Contains(page, html.EscapeString("an earlier version named the wrong tram line")) {
		t.Error("the public page lost the correction")
	}

	// Different fields: merging keeps Ana's correction and paragraph and Ben's headline.
	x.e.clock.Add(time.Minute)
	merge := browserForm(t, r.body)
	merge["version"], merge["conflict_version"], merge["conflict_action"] = hidden(t, r.body, "version"), hidden(t, r.body, "conflict_version"), hidden(t, r.body, "conflict_action")
	if _, r := x.ben.write(x.path, "merge", merge); r.status != 303 {
		t.Fatalf("merge: %d\n%s", r.status, r.body)
	}
	a = x.e.stored(x.e.article.ID)
	if a.Title != "Tram line 4 back in service" || a.CorrectionNote != x.correction || !strings.Contains(a.BodyMarkdown, "A paragraph Ana added.") {
		t.Errorf("after the merge: title %q, correction %q, body %q", a.Title, a.CorrectionNote, a.BodyMarkdown)
	}
	if page := x.e.browser().get(x.e.site.ArticlePath(a)).body; !strings.Contains(page, "Tram line 4 back in service") ||
		!strings.Contains(page, "wrong tram line") {
		t.Error("the public page does not show both editors' changes")
	}
}

func conflictForm(t *testing.T, page string) map[string]string {
	t.Helper()
	f := browserForm(t, page)
	f["version"], f["conflict_version"], f["conflict_action"] = hidden(t, page, "version"), hidden(t, page, "conflict_version"), hidden(t, page, "conflict_action")
	return f
}

// "Save mine over theirs" is an explicit save based on the version the conflict showed;
// "Keep theirs" shows the current version with the editor's text beside it to copy; a
// save that comes after the conflict was shown makes "mine" a conflict again.
func TestConflictChoices(t *testing.T) {
	x := twoEditorsOpen(t)
	x.anaSaves(t)
	x.benForm["title"] = "Ben's headline"
	x.benForm["body"] = "Ben rewrote the whole text."
	_, r := x.ben.write(x.path, "save", x.benForm)
	if r.status != 409 {
		t.Fatalf("Ben's save: %d", r.status)
	}
	if strings.Contains(r.body, `value="merge"`) || !strings.Contains(r.body, "Merging is not offered: you and they both changed the body") {
		t.Error("a merge is offered although both changed the body")
	}
	// A forged merge of conflicting changes is refused too.
	if _, again := x.ben.write(x.path, "merge", conflictForm(t, r.body)); again.status != 409 {
		t.Errorf("a merge of changes to the same field: %d, want 409", again.status)
	}
	if a := x.e.stored(x.e.article.ID); a.Title != "A story" {
		t.Fatalf("the refused merge wrote %q", a.Title)
	}

	theirs := x.ben.post(x.path, url.Values{"csrf": {x.ben.csrf()}, "action": {"theirs"}, "version": {hidden(t, r.body, "version")},
		"title": {"Ben's headline"}, "body": {"Ben rewrote the whole text."}})
	if theirs.status != 200 || !strings.Contains(theirs.body, "Your text, not saved") || !strings.Contains(theirs.body, "Ben rewrote the whole text.") {
		t.Errorf("keep theirs: %d, without Ben's text to copy", theirs.status)
	}
	if f := browserForm(t, theirs.body); f["title"] != "A story" || f["correction"] != x.correction ||
		hidden(t, theirs.body, "version") != fmt.Sprint(x.e.stored(x.e.article.ID).Version) {
		t.Errorf("keep theirs: the form is not the current version: %v", f)
	}

	// Ana saves once more after the conflict was shown: "mine" is stale again.
	x.e.clock.Add(time.Minute)
	form, _ := x.ana.openEditor(x.e.article.ID)
	form["seo"] = "Trams again"
	x.ana.write(x.path, "save", form)
	if _, again := x.ben.write(x.path, "mine", conflictForm(t, r.body)); again.status != 409 {
		t.Fatalf("mine, after another save: %d, want 409", again.status)
	} else {
		r = again
	}
	if _, done := x.ben.write(x.path, "mine", conflictForm(t, r.body)); done.status != 303 {
		t.Fatalf("mine: %d\n%s", done.status, done.body)
	}
	if a := x.e.stored(x.e.article.ID); a.Title != "Ben's headline" || a.BodyMarkdown != "Ben rewrote the whole text." {
		t.Errorf("after save mine: %q %q", a.Title, a.BodyMarkdown)
	}
}

// Every button of the form carries and checks the version: none writes from an old
// form, and neither does a form that names no version, nor the history's restore.
func TestEveryWriteFromAnOldFormIsRefused(t *testing.T) {
	for _, action := range []string{"save", "unpublish", "trash", "publish", "submit"} {
		t.Run(action, func(t *testing.T) {
			x := twoEditorsOpen(t)
			x.anaSaves(t)
			_, r := x.ben.write(x.path, action, x.benForm)
			if r.status != 409 {
				t.Errorf("%s from an old form: %d, want 409", action, r.status)
			}
			if a := x.e.stored(x.e.article.ID); a.Status != news.StatusPublished || a.CorrectionNote != x.correction {
				t.Errorf("%s from an old form wrote: %s, %q", action, a.Status, a.CorrectionNote)
			}
		})
	}
	x := twoEditorsOpen(t)
	delete(x.benForm, "version")
	if r := x.ben.post(x.path, url.Values{"csrf": {x.ben.csrf()}, "action": {"save"}, "title": {"No version"}, "body": {"x"}}); r.status != 409 {
		t.Errorf("a save naming no version: %d, want 409", r.status)
	}
	// Restore from the trash, from a form loaded before Ana's save.
	form, _ := x.ana.openEditor(x.e.article.ID)
	x.ana.write(x.path, "trash", form)
	old, _ := x.ben.openEditor(x.e.article.ID)
	form, _ = x.ana.openEditor(x.e.article.ID)
	x.ana.write(x.path, "restore", form)
	x.ana.write(x.path, "trash", map[string]string{"title": "A story", "body": "The text."})
	if _, r := x.ben.write(x.path, "restore", old); r.status != 409 || x.e.stored(x.e.article.ID).Status != news.StatusTrash {
		t.Errorf("restore from an old form: %d", r.status)
	}
	// The history's restore carries the version its page was shown at.
	hist := x.ben.get(x.path + "/history").body
	action := regexp.MustCompile(`action="(/admin/articles/\d+/restore/\d+)"`).FindStringSubmatch(hist)
	if action == nil {
		t.Fatal("no restore button")
	}
	x.ana.write(x.path, "restore", map[string]string{"title": "A story", "body": "The text."})
	before := x.e.stored(x.e.article.ID)
	if r := x.ben.post(action[1], url.Values{"csrf": {x.ben.csrf()}, "version": {hidden(t, hist, "version")}}); r.status != 409 ||
		!strings.Contains(r.body, "Ana Reyes saved this story") {
		t.Errorf("a restore from an old history page: %d", r.status)
	}
	if after := x.e.stored(x.e.article.ID); after.Version != before.Version {
		t.Error("a restore from an old history page wrote")
	}
}

// Saves from one version at once, as from several tabs: exactly one is applied.
func TestConcurrentSavesFromOneVersion(t *testing.T) {
	x := twoEditorsOpen(t)
	const n = 6
	var wg sync.WaitGroup
	statuses := make([]int, n)
	csrf := x.ana.csrf()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			form := url.Values{"csrf": {csrf}, "action": {"save"}, "version": {x.anaForm["version"]}}
			for k, v := range x.anaForm {
				if k != "version" {
					form.Set(k, v)
				}
			}
			form.Set("title", fmt.Sprint("Headline ", i))
			statuses[i] = x.ana.post(x.path, form).status
		}()
	}
	wg.Wait()
	won := 0
	for _, s := range statuses {
		switch s {
		case 303:
			won++
		case 409:
		default:
			t.Errorf("a save answered %d", s)
		}
	}
	if won != 1 {
		t.Errorf("%d of %d saves from one version were applied, want 1 (%v)", won, n, statuses)
	}
}

// An autosave from an old version is not taken for the story's text: the answer names
// who saved and when; the text is kept for its writer, and given back it still leads
// to the conflict, never over Ana's save.
func TestAutosaveFromAnOldVersion(t *testing.T) {
	x := twoEditorsOpen(t)
	x.anaSaves(t)
	form := url.Values{"csrf": {x.ben.csrf()}}
	for k, v := range x.benForm {
		form.Set(k, v)
	}
	form.Set("title", "Ben's unsaved headline")
	r := x.ben.post(x.path+"/autosave", form)
	var answer map[string]string
	json.Unmarshal([]byte(r.body), &answer)
	if r.status != 409 || answer["conflict"] != "Ana Reyes saved this story at 12:02 UTC; your changes are not saved — review the conflict." {
		t.Fatalf("autosave from an old version: %d %s", r.status, r.body)
	}
	if a := x.e.stored(x.e.article.ID); a.Title != "A story" || a.CorrectionNote != x.correction {
		t.Errorf("the autosave changed the story: %q %q", a.Title, a.CorrectionNote)
	}
	page := x.ben.get(x.path).body
	if !strings.Contains(page, "typed on an older version of this story") {
		t.Error("the editor does not offer back the text of the refused autosave")
	}
	restored := x.ben.get(x.path + "?restore=autosave").body
	f := browserForm(t, restored)
	f["version"] = hidden(t, restored, "version")
	if f["title"] != "Ben's unsaved headline" || f["version"] != x.benForm["version"] {
		t.Fatalf("the restored autosave: %q from version %s", f["title"], f["version"])
	}
	if _, r := x.ben.write(x.path, "save", f); r.status != 409 {
		t.Errorf("saving the restored autosave: %d, want the conflict", r.status)
	}
	if a := x.e.stored(x.e.article.ID); a.CorrectionNote != x.correction {
		t.Error("the restored autosave's save lost the correction")
	}
}

// Presence: who else has the story open, shown on load (no script needed) and by the
// heartbeat; gone two minutes after the last sign; never shown to readers; the
// heartbeat is CSRF-checked and rate limited.
func TestPresence(t *testing.T) {
	x := twoEditorsOpen(t) // Ana opened it at 12:00, then Ben
	_, page := x.ben.openEditor(x.e.article.ID)
	if !strings.Contains(page, "Ana Reyes is also editing this story (since 12:00 UTC).") {
		t.Error("Ben's editor does not say that Ana has the story open")
	}
	if strings.Contains(page, "Ben Okafor is also editing") {
		t.Error("Ben is told that he is editing")
	}
	beat := func(b *browser, version string) (int, map[string]any) {
		r := b.post(x.path+"/presence", url.Values{"csrf": {b.csrf()}, "version": {version}})
		var out map[string]any
		json.Unmarshal([]byte(r.body), &out)
		return r.status, out
	}
	x.e.clock.Add(90 * time.Second)
	status, out := beat(x.ana, x.anaForm["version"])
	if status != 200 || !strings.Contains(fmt.Sprint(out["editors"]), "Ben Okafor is also editing this story (since 12:00 UTC).") || out["conflict"] != nil {
		t.Errorf("Ana's heartbeat: %d %v", status, out)
	}
	// Ben's tab stops beating; two minutes after his last sign he is gone.
	x.e.clock.Add(60 * time.Second)
	beat(x.ana, x.anaForm["version"])
	x.e.clock.Add(61 * time.Second)
	if _, out := beat(x.ana, x.anaForm["version"]); fmt.Sprint(out["editors"]) != "[]" {
		t.Errorf("Ben is still shown after two minutes without a heartbeat: %v", out["editors"])
	}
	// The heartbeat tells a form based on an old version who saved since.
	x.anaSaves(t)
	if _, out := beat(x.ben, x.benForm["version"]); out["conflict"] != "Ana Reyes saved this story at "+x.e.clock.Now().Format("15:04")+" UTC; your changes are not saved — review the conflict." {
		t.Errorf("Ben's heartbeat after Ana's save: %v", out)
	}
	// Readers never see it.
	if reader := x.e.browser().get(x.e.site.ArticlePath(x.e.stored(x.e.article.ID))).body; strings.Contains(reader, "editing this story") {
		t.Error("a reader's page shows who is editing")
	}
	// Forged heartbeats and strangers are refused; a tab that closes says so.
	if r := x.ben.post(x.path+"/presence", url.Values{"csrf": {"forged"}}); r.status != 403 {
		t.Errorf("a forged heartbeat: %d", r.status)
	}
	if r := x.ben.post(x.path+"/presence", url.Values{"csrf": {x.ben.csrf()}, "leave": {"1"}}); r.status != 204 {
		t.Errorf("leaving: %d", r.status)
	}
	if _, page := x.ana.openEditor(x.e.article.ID); strings.Contains(page, "Ben Okafor is also editing") {
		t.Error("Ben is still shown after closing his tab")
	}
	limited := false
	for range 30 {
		if status, _ := beat(x.ana, x.anaForm["version"]); status == 429 {
			limited = true
			break
		}
	}
	if !limited {
		t.Error("heartbeats in a loop are never limited")
	}
}

// The scenario on a story that came in by an import (or with the demo): such a
// story has no revision of the version both forms were loaded from. The second save
// still gets a conflict that shows only what the first editor changed, offers the merge,
// and does not tell Ben he changed the body and the correction, which he never touched;
// the merge keeps Ana's correction and paragraph and Ben's headline.
func TestTwoEditorsOnAnImportedStory(t *testing.T) {
	x := twoEditorsOpen(t)
	ctx := context.Background()
	body, _ := render.Markdown("The trams run again.")
	imported := &news.Article{Slug: "tram-line-4-reopens", Title: "Tram line 4 reopens", BodyMarkdown: "The trams run again.", BodyHTML: body,
		Status: news.StatusPublished, PublishedAt: x.e.clock.t.Add(-time.Hour), Source: "corpus", SourceID: "tram-4"}
	if _, err := x.e.db.Import(ctx, []news.ImportItem{{Article: imported}}); err != nil {
		t.Fatal(err)
	}
	stored, err := x.e.db.ArticleBySlug(ctx, "tram-line-4-reopens")
	if err != nil {
		t.Fatal(err)
	}
	x.path = fmt.Sprintf("/admin/articles/%d", stored.ID)
	x.anaForm, _ = x.ana.openEditor(stored.ID)
	x.benForm, _ = x.ben.openEditor(stored.ID)
	x.anaSaves(t)
	x.e.clock.Add(time.Minute)
	x.benForm["title"] = "Tram line 4 back in service"
	_, r := x.ben.write(x.path, "save", x.benForm)
	if r.status != 409 {
		t.Fatalf("Ben's save from the old form: %d, want 409", r.status)
	}
	diff := r.body[strings.Index(r.body, `class="conflict"`):]
	if strings.Contains(diff, "you changed it too") {
		t.Errorf("the conflict says Ben changed fields he never touched:\n%s", diff)
	}
	if strings.Contains(diff, "<h3>Headline") || !strings.Contains(diff, "<ins>A paragraph Ana added.</ins>") {
		t.Errorf("the conflict does not show what changed since Ben's version, and only that:\n%s", diff)
	}
	if !strings.Contains(r.body, `name="action" value="merge"`) {
		t.Fatalf("no merge offered although the two changed different fields:\n%s", diff)
	}
	x.e.clock.Add(time.Minute)
	if _, r := x.ben.write(x.path, "merge", conflictForm(t, r.body)); r.status != 303 {
		t.Fatalf("merge: %d\n%s", r.status, r.body)
	}
	a := x.e.stored(stored.ID)
	if a.Title != "Tram line 4 back in service" || a.CorrectionNote != x.correction || !strings.Contains(a.BodyMarkdown, "A paragraph Ana added.") {
		t.Errorf("after the merge: title %q, correction %q, body %q", a.Title, a.CorrectionNote, a.BodyMarkdown)
	}
}

// When the version a form came from is not known (it names none, or the version is
// past the kept history), the conflict shows how the current version differs from the
// form, and does not claim the editor changed each of those fields.
func TestConflictFromAnUnknownVersionClaimsNothing(t *testing.T) {
	x := twoEditorsOpen(t)
	x.anaSaves(t)
	x.benForm["version"] = "0" // names none
	x.benForm["title"] = "Tram line 4 back in service"
	_, r := x.ben.write(x.path, "save", x.benForm)
	if r.status != 409 {
		t.Fatalf("a save naming no version: %d, want 409", r.status)
	}
	diff := r.body[strings.Index(r.body, `class="conflict"`):]
	if !strings.Contains(diff, "<h3>Correction or update note") {
		t.Fatalf("the conflict does not show the correction as differing:\n%s", diff)
	}
	if strings.Contains(diff, "you changed it too") {
		t.Errorf("the conflict says Ben changed what it cannot know he changed:\n%s", diff)
	}
}

// "Ben is also editing" goes as soon as Ben may no longer be there: when he signs out
// (not two minutes later), and when he is demoted to a role that may not edit the story.
func TestPresenceEndsWithTheSessionAndTheRole(t *testing.T) {
	x := twoEditorsOpen(t)
	shown := func() bool {
		t.Helper()
		_, page := x.ana.openEditor(x.e.article.ID)
		return strings.Contains(page, "Ben Okafor is also editing")
	}
	if !shown() {
		t.Fatal("set-up: Ana's editor does not show Ben")
	}
	if r := x.ben.post("/admin/logout", url.Values{"csrf": {x.ben.csrf()}}); r.status != 303 {
		t.Fatalf("Ben signs out: %d", r.status)
	}
	if shown() {
		t.Error("Ben is still shown as editing after he signed out")
	}
	x.ben.login("ben@newsroom.example")
	x.ben.openEditor(x.e.article.ID)
	if !shown() {
		t.Fatal("Ben, back, is not shown")
	}
	ben, err := x.e.db.UserByEmail(context.Background(), "ben@newsroom.example")
	if err != nil {
		t.Fatal(err)
	}
	if err := x.e.db.SetAccess(context.Background(), ben.ID, news.RoleAuthor, false); err != nil {
		t.Fatal(err)
	}
	if shown() {
		t.Error("Ben is still shown as editing after he became an author, who may not edit another's story")
	}
}
