package admin_test

// Faults found walking issue 8's editor, history and notifications as a reporter, a
// contributor, an author and an editor would (the browser's half: walk_browser_test.go).

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"broadsheet/internal/news"
)

// A contributor whose story an editor schedules is told with a link to the story's
// read-only page (the one place they can open it before it is live), not with its
// bare headline; the link opens that page.
func TestScheduledNoticeLinksTheContributorToTheirStory(t *testing.T) {
	e := newEnv(t)
	cora := e.addPerson("Cora Contributor", news.RoleContributor)
	eddie := e.addPerson("Eddie Editor", news.RoleEditor)
	writer, ed := e.signedIn(cora), e.signedIn(eddie)
	id := createdID(t, writer.post("/admin/articles", url.Values{"csrf": {writer.csrf()}, "action": {"submit"}, "title": {"Regatta"}, "body": {"Sails."}}))
	path := fmt.Sprintf("/admin/articles/%d", id)
	if r := ed.post(path, url.Values{"csrf": {ed.csrf()}, "action": {"publish"}, "title": {"Regatta"}, "body": {"Sails."},
		"published": {"2025-07-04T09:30"}, "published_zone": {"UTC"}, "version": {strconv.FormatInt(e.stored(id).Version, 10)}}); r.status != 303 || e.stored(id).Status != news.StatusScheduled {
		t.Fatalf("schedule: %d %s", r.status, e.stored(id).Status)
	}
	d := writer.get("/admin/").body
	if want := `scheduled <a href="` + path + `">“Regatta”</a>`; !strings.Contains(d, want) {
		t.Errorf("the contributor's dashboard lacks %s:\n%s", want, d)
	}
	if r := writer.get(path); r.status != http.StatusOK || !strings.Contains(r.body, "it is scheduled for") {
		t.Errorf("the notice's link: %d\n%s", r.status, r.body)
	}
}

// Saving a story that is already live says it was updated, not "Published." (which
// reads as if it had not been public before).
func TestSavingALiveStorySaysUpdated(t *testing.T) {
	e := newEnv(t)
	ed := e.signedIn(e.addPerson("Eddie Editor", news.RoleEditor))
	path := fmt.Sprintf("/admin/articles/%d", e.article.ID)
	r := ed.post(path, url.Values{"csrf": {ed.csrf()}, "action": {"save"}, "title": {"A story"}, "body": {"The text, changed."},
		"version": {strconv.FormatInt(e.stored(e.article.ID).Version, 10)}})
	if got := ed.told(r); got != "Updated." {
		t.Errorf("after saving a live story: %q", got)
	}
	if e.stored(e.article.ID).Status != news.StatusPublished {
		t.Fatal("the story is no longer live")
	}
	// Publishing a draft still says so.
	r = ed.post("/admin/articles", url.Values{"csrf": {ed.csrf()}, "action": {"publish"}, "title": {"New"}, "body": {"x"}})
	if got := ed.told(r); got != "Published." {
		t.Errorf("after publishing a draft: %q", got)
	}
}

var saveButtonRe = regexp.MustCompile(`<button type="submit" name="action" value="(save|publish)"[^>]*>([^<]+)</button>`)

// labels are the editor's Save/Update/Publish buttons' words, top and foot.
func saveLabels(page string) string {
	var out []string
	for _, m := range saveButtonRe.FindAllStringSubmatch(page, -1) {
		out = append(out, m[1]+":"+m[2])
	}
	return strings.Join(out, " ")
}

// The buttons say what they will do with the time in the form, without a script: a
// live story given a time to come is taken off the site until then ("Schedule", not
// "Update"); a scheduled story whose time is cleared is published at once ("Publish",
// not "Update"); a draft with a time to come is scheduled. Each carries both labels for
// the script (data-label-now, data-label-later).
func TestButtonsNameWhatTheTimeMakesThemDo(t *testing.T) {
	e := newEnv(t) // the clock: 1 June 2025, 12:00 UTC
	ed := e.signedIn(e.addPerson("Eddie Editor", news.RoleEditor))
	live := fmt.Sprintf("/admin/articles/%d", e.article.ID)
	if got := saveLabels(ed.get(live).body); got != "save:Update save:Update" {
		t.Errorf("a live story: %q", got)
	}
	preview := func(path string, version int64, published string) string {
		return ed.post(path, url.Values{"csrf": {ed.csrf()}, "action": {"preview"}, "title": {"A story"}, "body": {"The text."},
			"published": {published}, "published_zone": {"UTC"}, "version": {strconv.FormatInt(version, 10)}}).body
	}
	page := preview(live, e.stored(e.article.ID).Version, "2025-06-20T09:00")
	if got := saveLabels(page); got != "save:Schedule save:Schedule" {
		t.Errorf("a live story given a time to come: %q", got)
	}
	if !strings.Contains(page, `data-label-now="Update" data-label-later="Schedule"`) {
		t.Error("the live story's button lacks its two labels")
	}
	// A scheduled story.
	sched := &news.Article{Slug: "later", Title: "Later", BodyMarkdown: "x", BodyHTML: "<p>x</p>", Status: news.StatusScheduled, PublishedAt: e.clock.Now().AddDate(0, 0, 3)}
	if err := e.db.CreateArticle(t.Context(), sched); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/admin/articles/%d", sched.ID)
	if got := saveLabels(ed.get(path).body); got != "save:Update save:Update" {
		t.Errorf("a scheduled story: %q", got)
	}
	if got := saveLabels(preview(path, sched.Version, "")); got != "save:Publish save:Publish" {
		t.Errorf("a scheduled story whose time is cleared: %q", got)
	}
	// A draft.
	if got := saveLabels(preview("/admin/articles", 0, "2025-06-20T09:00")); !strings.Contains(got, "publish:Schedule") || strings.Contains(got, "publish:Publish") {
		t.Errorf("a draft with a time to come: %q", got)
	}
}

// A form given back by the server with what was typed (a refusal, a preview, the
// conflict) is marked as holding unsaved text, so that the script warns before leaving
// it; a story opened as it is stored is not.
func TestFormGivenBackIsMarkedNotSaved(t *testing.T) {
	e := newEnv(t)
	ed := e.signedIn(e.addPerson("Eddie Editor", news.RoleEditor))
	path := fmt.Sprintf("/admin/articles/%d", e.article.ID)
	if strings.Contains(ed.get(path).body, "data-not-saved") {
		t.Error("a story as stored is marked not saved")
	}
	v := e.stored(e.article.ID).Version
	stale := ed.post(path, url.Values{"csrf": {ed.csrf()}, "action": {"save"}, "title": {"A story"}, "body": {"Mine."}, "version": {strconv.FormatInt(v-1, 10)}})
	if stale.status != http.StatusConflict || !strings.Contains(stale.body, "data-not-saved") {
		t.Errorf("the conflict (%d) is not marked not saved", stale.status)
	}
	refused := ed.post(path, url.Values{"csrf": {ed.csrf()}, "action": {"save"}, "title": {"A story"}, "body": {"Mine."}, "published": {"x"}, "version": {strconv.FormatInt(v, 10)}})
	if refused.status < 400 || !strings.Contains(refused.body, "data-not-saved") {
		t.Errorf("a refused save (%d) is not marked not saved", refused.status)
	}
}
