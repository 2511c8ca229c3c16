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

// The editor is told when a save moves a published story to a new address, and that
// the old address leads there; a draft's rename says nothing of the kind.
func TestEditorSaysTheAddressChanged(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	id, r := b.write("/admin/articles", "publish", map[string]string{"title": "Tram line 4 reopens", "body": "Text."})
	if id == 0 {
		t.Fatalf("publish: %d", r.status)
	}
	e.clock.Add(10 * time.Minute)
	path := fmt.Sprintf("/admin/articles/%d", id)
	published := regexp.MustCompile(`name="published" type="datetime-local" value="([^"]*)"`).FindStringSubmatch(b.get(path).body)
	if published == nil {
		t.Fatal("no publication time in the editor")
	}
	oldPath := e.site.ArticlePath(e.stored(id))
	_, r = b.write(path, "save", map[string]string{"title": "Tram line 4 reopens", "body": "Text.", "published": published[1],
		"slug": "tram-line-4-back-in-service"})
	if r.status != 303 {
		t.Fatalf("rename: %d\n%s", r.status, r.body)
	}
	newPath := e.site.ArticlePath(e.stored(id))
	want := "The address changed: " + oldPath + " now redirects to " + newPath + "."
	if done := b.told(r); !strings.Contains(done, want) {
		t.Errorf("after the rename the editor is told %q, want %q", done, want)
	}
	// The old address does lead there.
	if p := e.browser().get(oldPath); p.status != 301 || p.header.Get("Location") != newPath {
		t.Errorf("%s: %d to %q, want 301 to %s", oldPath, p.status, p.header.Get("Location"), newPath)
	}

	// Restoring the first version takes the first address back, and says so.
	revs, _, err := e.db.RevisionPage(context.Background(), id, news.MaxRevisions, 0)
	if err != nil || len(revs) < 2 {
		t.Fatalf("revisions: %d, %v", len(revs), err)
	}
	r = b.post(fmt.Sprintf("%s/restore/%d", path, revs[len(revs)-1].ID), url.Values{"csrf": {b.csrf()}, "version": {fmt.Sprint(e.stored(id).Version)}})
	if want, done := "The address changed: "+newPath+" now redirects to "+oldPath+".", b.told(r); r.status != 303 || !strings.Contains(done, want) {
		t.Errorf("restore: %d, told %q, want %q", r.status, done, want)
	}
	if p := e.browser().get(newPath); p.status != 301 || p.header.Get("Location") != oldPath {
		t.Errorf("%s after the restore: %d to %q, want 301 to %s", newPath, p.status, p.header.Get("Location"), oldPath)
	}

	// A save that keeps the address says nothing of it; nor does renaming a draft.
	_, r = b.write(path, "save", map[string]string{"title": "Tram line 4 reopens", "body": "Text, corrected.", "published": published[1],
		"slug": "tram-line-4-reopens"})
	if done := b.told(r); strings.Contains(done, "address changed") {
		t.Errorf("an unchanged address reported as changed: %s", done)
	}
	draft, _ := b.write("/admin/articles", "save", map[string]string{"title": "Working title", "body": "Text."})
	_, r = b.write(fmt.Sprintf("/admin/articles/%d", draft), "save", map[string]string{"title": "Working title", "body": "Text.", "slug": "final-title"})
	if done := b.told(r); r.status != 303 || strings.Contains(done, "address changed") {
		t.Errorf("a draft's rename: %d, %s", r.status, done)
	}
}
