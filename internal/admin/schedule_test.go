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

// scheduleThenPass schedules a story three hours ahead through the editor and moves
// the clock past its time, before the scheduler runs.
func scheduleThenPass(t *testing.T, e *env, b *browser) int64 {
	t.Helper()
	later := e.clock.Now().Add(3 * time.Hour)
	id, r := b.write("/admin/articles", "publish", map[string]string{"title": "Embargoed", "body": "Text.",
		"published": later.In(time.UTC).Format("2006-01-02T15:04")})
	if id == 0 || e.stored(id).Status != news.StatusScheduled {
		t.Fatalf("schedule: %d", r.status)
	}
	e.clock.Add(4 * time.Hour)
	return id
}

// A scheduled story saved with Update after its time has passed is published by the
// save, and the editor is told "Published.", not "Scheduled for <a past time>".
func TestUpdateAfterScheduledTimePublishes(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	id := scheduleThenPass(t, e, b)
	form, _ := b.openEditor(id)
	form["body"] = "Text, corrected."
	_, r := b.write(fmt.Sprintf("/admin/articles/%d", id), "save", form)
	a := e.stored(id)
	if a.Status != news.StatusPublished {
		t.Errorf("after Update past its time: %s, want published", a.Status)
	}
	if got := text(b.flash(r)); !strings.HasPrefix(got, "Published.") {
		t.Errorf("confirmation %q, want Published.", got)
	}
	if r := e.browser().get(e.site.ArticlePath(a)); r.status != 200 {
		t.Errorf("the story is not public after the save: %d", r.status)
	}
	if n, _ := e.db.PublishDue(context.Background(), e.clock.Now()); n != 0 {
		t.Errorf("the scheduler found %d story still waiting", n)
	}
}

// Restoring a version of a scheduled story whose time has passed publishes it too.
func TestRestoreAfterScheduledTimePublishes(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	id := scheduleThenPass(t, e, b)
	revs, _, err := e.db.RevisionPage(context.Background(), id, 10, 0)
	if err != nil || len(revs) == 0 {
		t.Fatalf("revisions: %v", err)
	}
	path := fmt.Sprintf("/admin/articles/%d", id)
	b.post(fmt.Sprintf("%s/restore/%d", path, revs[0].ID), url.Values{"csrf": {b.csrf()}, "version": {fmt.Sprint(e.stored(id).Version)}})
	if a := e.stored(id); a.Status != news.StatusPublished {
		t.Errorf("after restoring past its time: %s, want published", a.Status)
	}
}

func TestStatusAt(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in   news.ArticleStatus
		at   time.Time
		want news.ArticleStatus
	}{
		{news.StatusScheduled, now.Add(-time.Second), news.StatusPublished},
		{news.StatusScheduled, now, news.StatusPublished},
		{news.StatusScheduled, now.Add(time.Second), news.StatusScheduled},
		{news.StatusPublished, now.Add(time.Minute), news.StatusScheduled},
		{news.StatusPublished, now.Add(-time.Minute), news.StatusPublished},
		{news.StatusDraft, now.Add(-time.Minute), news.StatusDraft},
		{news.StatusDraft, now.Add(time.Minute), news.StatusDraft},
	} {
		if got := news.StatusAt(c.in, c.at, now); got != c.want {
			t.Errorf("StatusAt(%s, %v): %s, want %s", c.in, c.at.Sub(now), got, c.want)
		}
	}
}

// A lockout that ends on another day than today (in the site's zone) says which day,
// with the zone: a bare "00:05" read at 23:55 could be taken for this morning.
func TestLockoutPastMidnightNamesTheDay(t *testing.T) {
	e := newEnv(t)
	e.inZone("America/New_York")
	u := e.addUser(news.RoleEditor)
	e.clock.Add(15*time.Hour + 50*time.Minute) // 2025-06-01 23:50 EDT
	for i := range 5 {
		if r := e.postForm("/admin/login", url.Values{"email": {u.Email}, "password": {fmt.Sprintf("guess number %d", i)}}); r.status != 401 {
			t.Fatalf("wrong password %d: %d", i+1, r.status)
		}
	}
	e.clock.Add(4*time.Minute + 30*time.Second)
	r := e.postForm("/admin/login", url.Values{"email": {u.Email}, "password": {password}})
	if r.status != 429 {
		t.Fatalf("the right password after 5 failures: %d", r.status)
	}
	if got := text(r.body); !strings.Contains(got, "until Monday 2 June 2025, 00:05 EDT, in 11 minutes") {
		t.Errorf("the lockout does not name the day and zone:\n%s", got)
	}
}
