package admin_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/media"
	"broadsheet/internal/news"
)

// revisionsOf are the article's versions, newest first.
func (e *env) revisionsOf(id int64) []*news.Revision {
	e.t.Helper()
	revs, _, err := e.db.RevisionPage(context.Background(), id, news.MaxRevisions, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	return revs
}

// entry is the history's item of revision id.
func entry(t *testing.T, page string, id int64) string {
	t.Helper()
	start := strings.Index(page, fmt.Sprintf(`<li id="r%d">`, id))
	if start < 0 {
		t.Fatalf("no entry for version %d:\n%s", id, page)
	}
	rest := page[start:]
	return rest[:strings.Index(rest, "</li>\n")]
}

// save writes the article as an editor's save would, by the store.
func (e *env) save(a *news.Article, change func(a *news.Article)) {
	e.t.Helper()
	change(a)
	e.clock.Add(time.Minute)
	if err := e.db.UpdateArticle(context.Background(), a); err != nil {
		e.t.Fatal(err)
	}
}

// A reporter changes one word in the editor: the history marks that word, the old one
// removed before the new one added, and not the paragraph.
func TestHistoryMarksTheChangedWord(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleAuthor)
	b := e.browser()
	b.login("author@newsroom.example")
	body := "The council approved the budget on Tuesday.\n\nThe vote was close."
	id, _ := b.write("/admin/articles", "save", map[string]string{"title": "Budget vote", "body": body})
	path := fmt.Sprintf("/admin/articles/%d", id)
	b.write(path, "save", map[string]string{"title": "Budget vote", "body": strings.Replace(body, "approved", "rejected", 1)})
	h := b.get(path + "/history")
	revs := e.revisionsOf(id)
	got := entry(t, h.body, revs[0].ID)
	if !strings.Contains(got, "The council <del>approved</del> the budget on Tuesday.") ||
		!strings.Contains(got, "The council <ins>rejected</ins> the budget on Tuesday.") {
		t.Errorf("the changed word is not marked:\n%s", got)
	}
	if d, i := strings.Index(got, "<del>approved</del>"), strings.Index(got, "<ins>rejected</ins>"); d > i {
		t.Error("the new words come before the old ones")
	}
	if strings.Count(got, "<del>") != 1 || strings.Count(got, "<ins>") != 1 || strings.Contains(got, "<del>The vote") {
		t.Errorf("more than the word is marked:\n%s", got)
	}
	if !strings.Contains(got, "The body changed.") {
		t.Errorf("the summary does not say the body changed:\n%s", got)
	}
	if first := entry(t, h.body, revs[1].ID); !strings.Contains(first, "The first version.") {
		t.Errorf("the first version is not said to be:\n%s", first)
	}
}

// A save that only publishes says "Status changed from draft to published", not "The
// first version."; so does the scheduler's publication.
func TestStatusOnlyRevisionSaysSo(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	fields := map[string]string{"title": "Budget vote", "body": "The text."}
	id, _ := b.write("/admin/articles", "save", fields)
	path := fmt.Sprintf("/admin/articles/%d", id)
	if _, r := b.write(path, "publish", fields); r.status != 303 || e.stored(id).Status != news.StatusPublished {
		t.Fatalf("publish: %d", r.status)
	}
	form, _ := b.openEditor(id)
	if _, r := b.write(path, "unpublish", form); r.status != 303 || e.stored(id).Status != news.StatusUnpublished {
		t.Fatalf("unpublish: %d", r.status)
	}
	a := e.stored(id)
	e.save(a, func(a *news.Article) { a.Status, a.PublishedAt = news.StatusScheduled, e.clock.Now().Add(time.Hour) })
	e.clock.Add(2 * time.Hour)
	if n, err := e.db.PublishDue(context.Background(), e.clock.Now()); err != nil || n != 1 {
		t.Fatalf("publish due: %d, %v", n, err)
	}
	h := b.get(path + "/history").body
	revs := e.revisionsOf(id)
	if len(revs) != 5 {
		t.Fatalf("%d versions", len(revs))
	}
	// Publishing gives the story its publication time.
	if got := entry(t, h, revs[3].ID); !strings.Contains(got, `<p class="summary">Status changed from draft to published. The publication time changed too.</p>`) ||
		!strings.Contains(got, `Status:</span> <span class="was"><del>draft</del></span>`) || strings.Contains(got, "first version") || strings.Contains(got, "<table") {
		t.Errorf("the publication's entry:\n%s", got)
	}
	if got := entry(t, h, revs[2].ID); !strings.Contains(got, `<p class="summary">Status changed from published to unpublished.</p>`) ||
		strings.Count(got, "<li>") != 1 || strings.Contains(got, "first version") || strings.Contains(got, "<table") {
		t.Errorf("the unpublication's entry:\n%s", got)
	}
	if got := entry(t, h, revs[1].ID); !strings.Contains(got, "Status changed from unpublished to scheduled. The publication time changed too.") {
		t.Errorf("the scheduling's entry:\n%s", got)
	}
	if got := entry(t, h, revs[0].ID); !strings.Contains(got, "Status changed from scheduled to published.") || !strings.Contains(got, "the system") {
		t.Errorf("the scheduler's entry:\n%s", got)
	}
	if n := strings.Count(h, "The first version."); n != 1 {
		t.Errorf("%d entries say they are the first version", n)
	}
}

// Any two versions, not next to each other, compared: the older on the left whichever
// way round they were chosen; every field that changed between them, with the
// publication time in the site's zone; the choice kept in the radio buttons.
func TestHistoryComparesAnyTwoVersions(t *testing.T) {
	e := newEnv(t)
	e.inZone("America/New_York")
	editor := e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	a := e.stored(e.article.ID)
	a.EditedBy = editor.ID
	e.save(a, func(a *news.Article) {
		a.BodyMarkdown = "First paragraph.\n\nThe tram line reopens on Monday.\n\nLast paragraph."
	})
	e.save(a, func(a *news.Article) { a.Standfirst = "Works end early" })
	e.save(a, func(a *news.Article) {
		a.BodyMarkdown = strings.Replace(a.BodyMarkdown, "Monday", "Tuesday", 1)
		a.FeaturedImage = &news.Image{URL: "/media/tram.jpg", Alt: "A tram", Caption: "Line 4"}
		a.Tags = []*news.Tag{{Name: "Transport"}}
	})
	e.save(a, func(a *news.Article) {
		a.Title = "Trams are back"
		a.PublishedAt = time.Date(2025, 1, 10, 14, 0, 0, 0, time.UTC)
		a.CommentsClosed = true
		a.CorrectionNote = "Corrected the day."
	})
	revs := e.revisionsOf(a.ID)
	from, to := revs[3], revs[0] // the body's first change, and the last
	path := fmt.Sprintf("/admin/articles/%d/history", a.ID)
	var pages []string
	for _, q := range []string{fmt.Sprintf("?from=%d&to=%d", from.ID, to.ID), fmt.Sprintf("?from=%d&to=%d", to.ID, from.ID)} {
		r := b.get(path + q)
		if r.status != 200 {
			t.Fatalf("%s: %d", q, r.status)
		}
		s := r.body[strings.Index(r.body, `<section id="compared"`):]
		pages = append(pages, s[:strings.Index(s, "</section>")])
		if !regexp.MustCompile(fmt.Sprintf(`name="from" value="%d" form="compare"[^>]* checked`, from.ID)).MatchString(r.body) ||
			!regexp.MustCompile(fmt.Sprintf(`name="to" value="%d" form="compare"[^>]* checked`, to.ID)).MatchString(r.body) {
			t.Errorf("%s: the radio buttons do not keep the choice", q)
		}
	}
	if pages[0] != pages[1] {
		t.Errorf("the order of the choice changes the comparison:\n%s\n---\n%s", pages[0], pages[1])
	}
	cmp := pages[0]
	for _, want := range []string{
		fmt.Sprintf("Older: version %d, saved", from.Version), fmt.Sprintf("Newer: version %d, saved", to.Version),
		`Headline:</span> <span class="was"><del>A story</del></span>`, `<span class="now"><ins>Trams are back</ins></span>`,
		`Standfirst:</span> <span class="was"><span class="meta">(none)</span></span>`, "<ins>Works end early</ins>",
		`Tags:</span> <span class="was"><span class="meta">(none)</span></span>`, "<ins>Transport</ins>",
		`<del><time datetime="2025-06-01T11:00:00Z">1 Jun 2025 07:00:00 EDT</time></del>`,
		`<ins><time datetime="2025-01-10T14:00:00Z">10 Jan 2025 09:00:00 EST</time></ins>`,
		"Correction or update note:", "<ins>Corrected the day.</ins>",
		"Featured image:", `<ins><img class="thumb" src="/media/tram.jpg" alt="" loading="lazy"> tram.jpg</ins>`,
		"Image alt text:", "<ins>A tram</ins>", "Image caption:", "Comments:", "<del>open</del>", "<ins>closed</ins>",
		"The tram line reopens on <del>Monday</del>.", "The tram line reopens on <ins>Tuesday</ins>.",
		fmt.Sprintf("Before: version %d", from.Version), fmt.Sprintf("After: version %d", to.Version),
	} {
		if !strings.Contains(cmp, want) {
			t.Errorf("the comparison lacks %s:\n%s", want, cmp)
		}
	}
	if strings.Contains(cmp, "<del>First paragraph") || strings.Contains(cmp, "Status:") {
		t.Errorf("the comparison shows what did not change:\n%s", cmp)
	}
	// A version of another article, or none, is refused.
	other := &news.Article{Slug: "other", Title: "Other", BodyMarkdown: "x", BodyHTML: "<p>x</p>", Status: news.StatusDraft}
	if err := e.db.CreateArticle(context.Background(), other); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{fmt.Sprintf("?from=%d&to=%d", e.revisionsOf(other.ID)[0].ID, to.ID), fmt.Sprintf("?from=999999&to=%d", to.ID), "?from=x&to=" + fmt.Sprint(to.ID)} {
		if r := b.get(path + q); r.status != 404 || !strings.Contains(r.body, "No such version") {
			t.Errorf("%s: %d", q, r.status)
		}
	}
	// The same version twice says so.
	if r := b.get(fmt.Sprintf("%s?from=%d&to=%d", path, to.ID, to.ID)); !strings.Contains(r.body, "You chose the same version twice") {
		t.Error("the same version chosen twice is not said")
	}
}

// A radio choice made on another page of the history is carried by the form, and a
// choice made on this page overrides it.
func TestHistoryCarriesTheChoiceAcrossPages(t *testing.T) {
	e := newEnv(t)
	a := e.stored(e.article.ID)
	for i := range 25 {
		e.save(a, func(a *news.Article) { a.BodyMarkdown = fmt.Sprintf("Version %d.", i) })
	}
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	revs := e.revisionsOf(a.ID)
	path := fmt.Sprintf("/admin/articles/%d/history", a.ID)
	r := b.get(fmt.Sprintf("%s?page=2&from=%d&to=%d", path, revs[22].ID, revs[0].ID))
	if !strings.Contains(r.body, fmt.Sprintf(`<input type="hidden" name="to" value="%d">`, revs[0].ID)) ||
		strings.Contains(r.body, `<input type="hidden" name="from"`) {
		t.Errorf("page 2 does not carry the newer choice from page 1:\n%s", r.body)
	}
	// Choosing on page 2 sends the carried value, then the radio's: the last wins.
	r = b.get(fmt.Sprintf("%s?to=%d&from=%d&to=%d", path, revs[0].ID, revs[24].ID, revs[21].ID))
	if !strings.Contains(r.body, fmt.Sprintf("Newer: version %d,", revs[21].Version)) {
		t.Errorf("the choice on the page does not win:\n%s", r.body)
	}
	if !strings.Contains(r.body, "Before: version") || !strings.Contains(r.body, "Version 2") {
		t.Error("no comparison")
	}
}

// storyVersions gives the env's article five versions a newsroom would make, by
// editor: the draft's body, a standfirst and a featured image, a word changed in two
// paragraphs and one added, publication, a new headline and a correction. It returns
// the article's versions, newest first.
func (e *env) storyVersions(editor *news.User) []*news.Revision {
	e.t.Helper()
	a := e.stored(e.article.ID)
	a.EditedBy = editor.ID
	paragraphs := []string{
		"Trams return to line 4 on Monday after six weeks of track works between the harbour and the university, the transport authority said on Friday.",
		"The works replaced 3 km of rails laid in 1968 and the points at Market Square, which had failed twice last winter.",
		"Buses replacing the trams will run until Sunday night. The authority apologised for the delays and thanked residents for their patience.",
		"## What changes for riders",
		"Trams will run every six minutes at peak times, as before. The stop at Harbour Gate moves 50 metres east, nearer the ferry terminal.",
	}
	e.save(a, func(a *news.Article) { a.Status, a.BodyMarkdown = news.StatusDraft, strings.Join(paragraphs, "\n\n") })
	if err := os.WriteFile(filepath.Join(string(e.files.(media.Dir)), "tram.png"), pngImage(800, 500), 0o644); err != nil {
		e.t.Fatal(err)
	}
	e.save(a, func(a *news.Article) {
		a.Standfirst = "Six weeks of works end a day early"
		a.FeaturedImage = &news.Image{URL: "/media/tram.png", Alt: "A tram at Market Square", Caption: "Line 4 at Market Square"}
	})
	e.save(a, func(a *news.Article) {
		p := append([]string(nil), paragraphs...)
		p[0] = strings.Replace(p[0], "Monday", "Sunday", 1)
		p[2] = strings.Replace(p[2], "Sunday night", "Saturday night", 1)
		p = append(p, "Cyclists may use the new lane on Quay Street from Tuesday.")
		a.BodyMarkdown = strings.Join(p, "\n\n")
		a.Tags = []*news.Tag{{Name: "Transport"}, {Name: "Trams"}}
	})
	e.save(a, func(a *news.Article) { a.Status, a.PublishedAt = news.StatusPublished, e.clock.Now() })
	e.save(a, func(a *news.Article) {
		a.Title = "Trams return to line 4 a day early"
		a.CorrectionNote = "An earlier version gave the wrong year for the old rails."
		a.BodyMarkdown = strings.Replace(a.BodyMarkdown, "1968", "1966", 1)
	})
	return e.revisionsOf(a.ID)
}
