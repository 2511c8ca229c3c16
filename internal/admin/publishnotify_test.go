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

// publishedNotices are the writer's "published" notifications, by article.
func (e *env) publishedNotices(u *news.User) map[int64][]*news.Notification {
	e.t.Helper()
	list, _, err := e.db.Notifications(context.Background(), news.NotificationQuery{UserID: u.ID, Kind: news.NotifyPublished})
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[int64][]*news.Notification{}
	for _, n := range list {
		out[n.ArticleID] = append(out[n.ArticleID], n)
	}
	return out
}

// Every way a writer's story goes live tells them, once: bulk publish from the article
// list, a version restored from the history after its scheduled time passed, Undo of
// the trash bringing back a published story, and the scheduler at the story's time
// (once however often it runs); the writer's dashboard says so.
func TestEveryPublicationTellsTheWriter(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	aria := e.addPerson("Aria Author", news.RoleAuthor)
	eddie := e.addPerson("Eddie Editor", news.RoleEditor)
	ed := e.signedIn(eddie)
	now := e.clock.Now()

	// Bulk publish from the list.
	bulk := e.storyOf(aria, "Bulk story", news.StatusDraft, time.Time{})
	if r := ed.post("/admin/articles/bulk", url.Values{"csrf": {ed.csrf()}, "action": {"publish"}, "ids": {fmt.Sprint(bulk.ID)},
		fmt.Sprintf("v%d", bulk.ID): {fmt.Sprint(e.stored(bulk.ID).Version)}}); r.status != 303 || e.stored(bulk.ID).Status != news.StatusPublished {
		t.Fatalf("bulk publish: %d %s", r.status, e.stored(bulk.ID).Status)
	}

	// A restore from the history of a story whose scheduled time passed.
	sched := e.storyOf(aria, "Restored story", news.StatusScheduled, now.Add(time.Hour).Truncate(time.Second))
	e.save(e.stored(sched.ID), func(a *news.Article) { a.Title = "Restored story, edited" })
	e.clock.Add(2 * time.Hour)
	revs := e.revisionsOf(sched.ID)
	if r := ed.post(fmt.Sprintf("/admin/articles/%d/restore/%d", sched.ID, revs[len(revs)-1].ID),
		url.Values{"csrf": {ed.csrf()}, "version": {fmt.Sprint(e.stored(sched.ID).Version)}}); r.status != 303 || e.stored(sched.ID).Status != news.StatusPublished {
		t.Fatalf("history restore: %d %s", r.status, e.stored(sched.ID).Status)
	}

	// Undo of the trash: published again.
	trashed := e.storyOf(aria, "Trashed story", news.StatusPublished, e.clock.Now().Add(-time.Hour).Truncate(time.Second))
	if r := ed.post("/admin/articles/bulk", url.Values{"csrf": {ed.csrf()}, "action": {"trash"}, "ids": {fmt.Sprint(trashed.ID)},
		fmt.Sprintf("v%d", trashed.ID): {fmt.Sprint(e.stored(trashed.ID).Version)}}); r.status != 303 || e.stored(trashed.ID).Status != news.StatusTrash {
		t.Fatalf("trash: %d", r.status)
	}
	if r := ed.post(fmt.Sprintf("/admin/articles/%d/untrash", trashed.ID), url.Values{"csrf": {ed.csrf()}}); r.status != 303 || e.stored(trashed.ID).Status != news.StatusPublished {
		t.Fatalf("untrash: %d %s", r.status, e.stored(trashed.ID).Status)
	}

	// The scheduler, run twice (as by two servers, one after the other).
	due := e.storyOf(aria, "Scheduled story", news.StatusScheduled, e.clock.Now().Add(time.Hour).Truncate(time.Second))
	e.clock.Add(2 * time.Hour)
	for i, want := range []int{1, 0} {
		if n, err := e.db.PublishDue(ctx, e.clock.Now()); err != nil || n != want {
			t.Fatalf("scheduler run %d: %d published, %v", i+1, n, err)
		}
	}

	got := e.publishedNotices(aria)
	for _, a := range []*news.Article{bulk, sched, trashed, due} {
		if len(got[a.ID]) != 1 {
			t.Errorf("%q: the writer has %d notifications of its publication, want 1", a.Title, len(got[a.ID]))
		}
	}
	if n := got[bulk.ID]; len(n) == 1 && n[0].ActorID != eddie.ID {
		t.Errorf("the bulk publication is not said to be the editor's: %+v", n[0])
	}
	if n := got[due.ID]; len(n) == 1 && (n[0].ActorID != 0 || !n[0].At.Equal(e.stored(due.ID).PublishedAt)) {
		t.Errorf("the scheduler's notification: %+v", n[0])
	}
	dash := words(e.signedIn(aria).get("/admin/").body)
	for _, want := range []string{"Eddie Editor published “Bulk story”", "Eddie Editor published “Restored story”", "Eddie Editor published “Trashed story”",
		"“Scheduled story” was published at its scheduled time"} {
		if !strings.Contains(dash, want) {
			t.Errorf("the writer's dashboard does not say %q:\n%s", want, dash)
		}
	}
	// The editor is not told of what they did.
	if n := e.publishedNotices(eddie); len(n) != 0 {
		t.Errorf("the editor was told of their own publications: %v", n)
	}
}
