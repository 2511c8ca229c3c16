package admin_test

import (
	"fmt"
	"regexp"
	"testing"

	"broadsheet/internal/news"
)

// A section that sits under another (a WordPress category's child, from the import)
// is shown under its parent on the sections screen.
func TestSectionsScreenShowsTheParent(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	ctx := t.Context()
	w, err := e.db.BeginWXR(ctx)
	if err != nil {
		t.Fatal(err)
	}
	parent := &news.Section{Slug: "world", Name: "World"}
	child := &news.Section{Slug: "europe", Name: "Europe"}
	if _, err := w.Section(ctx, parent, 0, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Section(ctx, child, 0, "world"); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(ctx, true); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.login("editor@newsroom.example")
	body := b.get("/admin/sections").body
	row := regexp.MustCompile(fmt.Sprintf(`(?s)<tr id="section-%d">.*?</tr>`, child.ID)).FindString(body)
	if !regexp.MustCompile(`under World`).MatchString(row) {
		t.Errorf("Europe's row does not name its parent:\n%s", row)
	}
	row = regexp.MustCompile(fmt.Sprintf(`(?s)<tr id="section-%d">.*?</tr>`, parent.ID)).FindString(body)
	if regexp.MustCompile(`under `).MatchString(row) {
		t.Errorf("World's row names a parent:\n%s", row)
	}
}

// An account the WordPress import made has no password until its set-password link is
// used: the users screen says so beside it, and not beside an account with one.
func TestUsersScreenShowsImportedAccountsWithoutPassword(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleAdministrator)
	ctx := t.Context()
	w, err := e.db.BeginWXR(ctx)
	if err != nil {
		t.Fatal(err)
	}
	u := &news.User{Email: "reporter@old.example", Name: "Old Reporter"}
	if _, made, err := w.Author(ctx, &news.Author{Slug: "oldreporter", Name: "Old Reporter"}, u, 7, "somehash"); err != nil || !made {
		t.Fatalf("made %v, %v", made, err)
	}
	if err := w.Commit(ctx, true); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.login("administrator@newsroom.example")
	body := b.get("/admin/users").body
	for id, want := range map[int64]bool{u.ID: true, 1: false} {
		row := regexp.MustCompile(fmt.Sprintf(`(?s)<tr id="u%d">.*?</tr>`, id)).FindString(body)
		if row == "" {
			t.Fatalf("no row for user %d", id)
		}
		if got := regexp.MustCompile(`No password yet`).MatchString(row); got != want {
			t.Errorf("user %d: says no password %v, want %v", id, got, want)
		}
	}
}
