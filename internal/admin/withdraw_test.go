package admin_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// A contributor's story in review is read-only to them (issue 8, §2): their save is
// refused and changes nothing; "Withdraw to edit" makes it a draft again, the editors'
// review request stops counting, and then their save goes in.
func TestContributorWithdrawsStoryInReview(t *testing.T) {
	e := newEnv(t)
	co := e.addPerson("Cora Contributor", news.RoleContributor)
	ed := e.addPerson("Eddie Editor", news.RoleEditor)
	other := e.addPerson("Otto Contributor", news.RoleContributor)
	b := e.signedIn(co)
	id, r := b.write("/admin/articles", "submit", map[string]string{"title": "My piece", "body": "The first text."})
	if id == 0 || e.stored(id).Status != news.StatusReview {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	unread := func() int {
		n, err := e.db.CountUnreadNotifications(context.Background(), ed.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if unread() != 1 {
		t.Fatalf("the editor's review requests: %d, want 1", unread())
	}
	path := fmt.Sprintf("/admin/articles/%d", id)
	before, revs := e.stored(id), e.revisions(id)

	if _, r := b.write(path, "save", map[string]string{"title": "Changed in review", "body": "Other text."}); r.status != 403 {
		t.Errorf("a contributor's save of their story in review: %d, want 403", r.status)
	}
	if _, r := b.write(path, "submit", map[string]string{"title": "Changed in review", "body": "Other text."}); r.status != 403 {
		t.Errorf("a contributor's resubmission of their story in review: %d, want 403", r.status)
	}
	if got := e.stored(id); got.Title != before.Title || got.BodyMarkdown != before.BodyMarkdown || got.Version != before.Version ||
		got.Status != news.StatusReview || e.revisions(id) != revs {
		t.Errorf("after the refused saves: %q %q v%d %s, %d revisions (was %d)", got.Title, got.BodyMarkdown, got.Version, got.Status, e.revisions(id), revs)
	}

	// The list links its headline to the read-only view, and offers no Edit.
	if list := b.get("/admin/articles").body; !strings.Contains(list, `<a href="`+path+`">My piece</a>`) || strings.Contains(list, `<a href="`+path+`">Edit`) {
		t.Errorf("the contributor's list does not open their story in review read-only:\n%s", list)
	}
	page := b.get(path)
	if page.status != 200 || !strings.Contains(page.body, ">Withdraw to edit</button>") || strings.Contains(page.body, `class="editor"`) ||
		!strings.Contains(page.body, "read-only") {
		t.Fatalf("the read-only view of a story in review: %d\n%s", page.status, page.body)
	}
	version := hidden(t, page.body, "version")

	// Someone else may not withdraw it.
	ob := e.signedIn(other)
	if r := ob.post(path+"/withdraw", url.Values{"csrf": {ob.csrf()}, "version": {version}}); r.status != 403 || e.stored(id).Status != news.StatusReview {
		t.Errorf("another contributor's withdrawal: %d, %s", r.status, e.stored(id).Status)
	}
	// A version the page did not show is not withdrawn.
	if r := b.post(path+"/withdraw", url.Values{"csrf": {b.csrf()}, "version": {"999"}}); r.status != 303 ||
		!strings.Contains(b.told(r), "not withdrawn") || e.stored(id).Status != news.StatusReview {
		t.Errorf("a withdrawal from a stale page: %d, %s", r.status, e.stored(id).Status)
	}

	r = b.post(path+"/withdraw", url.Values{"csrf": {b.csrf()}, "version": {version}})
	if r.status != 303 || !strings.Contains(b.told(r), "Withdrawn from review") || e.stored(id).Status != news.StatusDraft {
		t.Fatalf("withdraw: %d, %s", r.status, e.stored(id).Status)
	}
	if unread() != 0 {
		t.Errorf("the editor's review request still counts after the withdrawal: %d", unread())
	}
	if page := b.get(path); !strings.Contains(page.body, `class="editor"`) || strings.Contains(page.body, "Withdraw to edit") {
		t.Errorf("the withdrawn story does not open in the editor:\n%s", page.body)
	}
	if _, r := b.write(path, "save", map[string]string{"title": "Changed after withdrawing", "body": "Other text."}); r.status != 303 ||
		e.stored(id).Title != "Changed after withdrawing" || e.stored(id).Status != news.StatusDraft {
		t.Errorf("the save after withdrawing: %d, %q %s", r.status, e.stored(id).Title, e.stored(id).Status)
	}
}

// Unpublish on a scheduled story that was never live reads and acts as "Switch to
// draft" (WordPress's words), in the editor and in the list; a story readers saw,
// scheduled again, keeps Unpublish.
func TestSwitchScheduledStoryToDraft(t *testing.T) {
	e := newEnv(t)
	au := e.addPerson("Ada Author", news.RoleAuthor)
	b := e.signedIn(au)
	planned := e.storyOf(au, "Planned piece", news.StatusScheduled, e.clock.Now().Add(3*time.Hour))
	path := fmt.Sprintf("/admin/articles/%d", planned.ID)
	if got := buttons(b.get(path).body); !strings.Contains(got, "Switch to draft") || strings.Contains(got, "Unpublish") {
		t.Errorf("a scheduled story never live: buttons %s", got)
	}
	_, r := b.write(path, "unpublish", map[string]string{"title": planned.Title, "body": planned.BodyMarkdown})
	if r.status != 303 || !strings.Contains(b.told(r), "Switched to draft") || e.stored(planned.ID).Status != news.StatusDraft {
		t.Errorf("Switch to draft: %d, %s", r.status, e.stored(planned.ID).Status)
	}

	live := e.storyOf(au, "Live piece", news.StatusPublished, e.clock.Now().Add(-time.Hour))
	e.save(live, func(a *news.Article) { a.Status, a.PublishedAt = news.StatusScheduled, e.clock.Now().Add(5*time.Hour) })
	livePath := fmt.Sprintf("/admin/articles/%d", live.ID)
	if got := buttons(b.get(livePath).body); !strings.Contains(got, "Unpublish") || strings.Contains(got, "Switch to draft") {
		t.Errorf("a story once live, scheduled again: buttons %s", got)
	}
	if _, r := b.write(livePath, "unpublish", map[string]string{"title": live.Title, "body": live.BodyMarkdown}); r.status != 303 ||
		e.stored(live.ID).Status != news.StatusUnpublished {
		t.Errorf("Unpublish of a story once live: %d, %s", r.status, e.stored(live.ID).Status)
	}

	// The list's Unpublish, on one of each.
	again := e.storyOf(au, "Planned again", news.StatusScheduled, e.clock.Now().Add(3*time.Hour))
	shown := e.storyOf(au, "Shown piece", news.StatusPublished, e.clock.Now().Add(-time.Hour))
	r = b.post("/admin/articles/bulk", url.Values{"csrf": {b.csrf()}, "action": {"unpublish"}, "ids": {fmt.Sprint(again.ID), fmt.Sprint(shown.ID)},
		fmt.Sprintf("v%d", again.ID): {fmt.Sprint(again.Version)}, fmt.Sprintf("v%d", shown.ID): {fmt.Sprint(shown.Version)}})
	if r.status != 303 || e.stored(again.ID).Status != news.StatusDraft || e.stored(shown.ID).Status != news.StatusUnpublished {
		t.Errorf("the list's Unpublish: %d, never live %s, live %s", r.status, e.stored(again.ID).Status, e.stored(shown.ID).Status)
	}
	if msg := b.told(r); !strings.Contains(msg, "switched to draft") {
		t.Errorf("the list's message: %q", msg)
	}
}
