package admin_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"broadsheet/internal/news"
)

// Every role against every guarded action, through the endpoint: what the table in the
// README says each role may not do is refused (403), and what it may do is not.
func TestEveryRoleAgainstEveryAction(t *testing.T) {
	type action struct {
		name, method, path string
		form               url.Values
		perm               news.Permission
	}
	for _, role := range news.Roles {
		t.Run(string(role), func(t *testing.T) {
			e := newEnv(t)
			e.addUser(role)
			b := e.browser()
			b.login(string(role) + "@newsroom.example")
			csrf := b.csrf()
			others := fmt.Sprintf("/admin/articles/%d", e.article.ID) // owned by nobody: someone else's
			actions := []action{
				{"dashboard", "GET", "/admin/", nil, news.PermViewDashboard},
				{"articles list", "GET", "/admin/articles", nil, news.PermWriteDrafts},
				{"new article", "GET", "/admin/articles/new", nil, news.PermWriteDrafts},
				{"open someone else's article", "GET", others, nil, news.PermEditAll},
				{"publish someone else's article", "POST", others, url.Values{"action": {"publish"}, "title": {"X"}, "body": {"Y"}}, news.PermEditAll},
				{"history of someone else's article", "GET", others + "/history", nil, news.PermEditAll},
				{"comment queue", "GET", "/admin/comments", nil, news.PermModerate},
				{"approve a comment", "POST", fmt.Sprintf("/admin/comments/%d", e.pending.ID), url.Values{"action": {"approved"}}, news.PermModerate},
				{"bulk moderation", "POST", "/admin/comments", url.Values{"bulk": {"spam"}, "ids": {fmt.Sprint(e.pending.ID)}}, news.PermModerate},
				{"edit a comment", "GET", fmt.Sprintf("/admin/comments/%d/edit", e.pending.ID), nil, news.PermModerate},
				{"blocked commenters", "GET", "/admin/comments/blocks", nil, news.PermModerate},
				{"sections", "GET", "/admin/sections", nil, news.PermManageTaxonomy},
				{"add a section", "POST", "/admin/sections", url.Values{"name": {"Weather"}}, news.PermManageTaxonomy},
				{"users", "GET", "/admin/users", nil, news.PermManageUsers},
				{"add a user", "POST", "/admin/users", url.Values{"name": {"N"}, "email": {"n@x.example"}, "role": {"administrator"}, "password": {password}}, news.PermManageUsers},
				{"settings", "GET", "/admin/settings", nil, news.PermManageSettings},
				{"change settings", "POST", "/admin/settings", url.Values{"title": {"Mine now"}}, news.PermManageSettings},
				{"media library", "GET", "/admin/media", nil, news.PermWriteDrafts},
				{"own account", "GET", "/admin/account", nil, news.PermManageOwnAccount},
			}
			for _, a := range actions {
				var r resp
				if a.method == "GET" {
					r = b.get(a.path)
				} else {
					form := url.Values{"csrf": {csrf}}
					for k, v := range a.form {
						form[k] = v
					}
					r = b.post(a.path, form)
				}
				allowed := role.Can(a.perm)
				if allowed && r.status == 403 || !allowed && r.status != 403 {
					t.Errorf("%s: %s %s answered %d", role, a.method, a.path, r.status)
				}
			}
			// What a refused role tried left everything as it was.
			if !role.Can(news.PermModerate) && e.commentStatus() != news.CommentPending {
				t.Errorf("%s changed a comment", role)
			}
			if !role.Can(news.PermEditAll) && e.stored(e.article.ID).Title != "A story" {
				t.Errorf("%s changed someone else's article", role)
			}
			if !role.Can(news.PermManageUsers) {
				if _, err := e.db.UserByEmail(t.Context(), "n@x.example"); err == nil {
					t.Errorf("%s added a user", role)
				}
			}
		})
	}
}

func TestSectionsScreen(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	if r := b.post("/admin/sections", url.Values{"csrf": {b.csrf()}, "name": {"Weather"}, "description": {"Rain and shine"}}); r.status != 303 {
		t.Fatalf("add: %d", r.status)
	}
	if r := b.post("/admin/sections", url.Values{"csrf": {b.csrf()}, "name": {"weather"}}); r.status != 422 {
		t.Errorf("a second section at the same address: %d", r.status)
	}
	if nav := e.browser().get("/").body; !strings.Contains(nav, `<a href="/section/weather/">Weather</a>`) {
		t.Error("the new section is not in the site's navigation")
	}
	sec, _ := e.db.SectionBySlug(t.Context(), "weather")
	if r := b.post(fmt.Sprintf("/admin/sections/%d", sec.ID), url.Values{"csrf": {b.csrf()}, "name": {"Weather & Climate"}, "position": {"x"}}); r.status != 422 {
		t.Errorf("a position that is not a number: %d", r.status)
	}
	if r := b.post(fmt.Sprintf("/admin/sections/%d", sec.ID), url.Values{"csrf": {b.csrf()}, "name": {"Weather & Climate"}, "position": {"1"}}); r.status != 303 {
		t.Fatalf("rename: %d", r.status)
	}
	if nav := e.browser().get("/").body; !strings.Contains(nav, `<a href="/section/weather/">Weather &amp; Climate</a>`) {
		t.Error("the renamed section is not in the site's navigation at once")
	}
}
