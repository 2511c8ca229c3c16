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
