package admin_test

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// The README's table of roles, written out by hand: who may do what. A test that
// computed its expectation with Role.Can would agree with any mistake in Role.Can.
var mayDo = map[news.Permission]string{
	news.PermViewDashboard:    "contributor moderator author editor administrator",
	news.PermManageOwnAccount: "contributor moderator author editor administrator",
	news.PermWriteDrafts:      "contributor author editor administrator",
	news.PermPublishOwn:       "author editor administrator",
	news.PermEditAll:          "editor administrator",
	news.PermModerate:         "moderator editor administrator",
	news.PermManageTaxonomy:   "editor administrator",
	news.PermManageUsers:      "administrator",
	news.PermManageSettings:   "administrator",
	news.PermPersonalData:     "administrator",
}

func listed(who string, role news.Role) bool {
	return slices.Contains(strings.Fields(who), string(role))
}

func TestRoleTable(t *testing.T) {
	for perm, who := range mayDo {
		for _, role := range []news.Role{news.RoleContributor, news.RoleModerator, news.RoleAuthor, news.RoleEditor, news.RoleAdministrator, "owner", ""} {
			if got, want := role.Can(perm), listed(who, role); got != want {
				t.Errorf("%q may %s: %v, the README says %v", role, perm, got, want)
			}
		}
	}
}

// Every role against every guarded action, through the endpoint: what the README's
// table says a role may not do is refused (403) and changes nothing; what it may do is
// done. The expectations are written by hand, per action.
func TestEveryRoleAgainstEveryAction(t *testing.T) {
	const (
		everyone   = "contributor moderator author editor administrator"
		staff      = "contributor author editor administrator" // the writing roles
		writers    = "author editor administrator"
		editors    = "editor administrator"
		moderators = "moderator editor administrator"
		admins     = "administrator"
	)
	type action struct {
		name, method, path string
		form               url.Values
		who                string // the roles that may, by hand from the README's table
	}
	for _, role := range news.Roles {
		t.Run(string(role), func(t *testing.T) {
			e := newEnv(t)
			u := e.addUser(role)
			sport := &news.Section{Name: "Sport"}
			if err := e.db.CreateSection(t.Context(), sport); err != nil {
				t.Fatal(err)
			}
			b := e.browser()
			b.login(string(role) + "@newsroom.example")
			csrf := b.csrf()
			others := fmt.Sprintf("/admin/articles/%d", e.article.ID) // owned by nobody: someone else's
			// Its own stories in review: a contributor may not change them there (they
			// are read-only to it) but may withdraw one to a draft; an author may do both.
			inReview := e.storyOf(u, "Mine in review", news.StatusReview, time.Time{})
			alsoInReview := e.storyOf(u, "Also mine in review", news.StatusReview, time.Time{})
			mine := fmt.Sprintf("/admin/articles/%d", inReview.ID)
			actions := []action{
				{"dashboard", "GET", "/admin/", nil, everyone},
				{"articles list", "GET", "/admin/articles", nil, staff},
				{"new article", "GET", "/admin/articles/new", nil, staff},
				{"save a draft of one's own", "POST", "/admin/articles", url.Values{"action": {"save"}, "title": {"My draft"}, "body": {"Mine."}}, staff},
				{"publish one's own", "POST", "/admin/articles", url.Values{"action": {"publish"}, "title": {"Straight out"}, "body": {"Mine."}}, writers},
				{"open someone else's article", "GET", others, nil, editors},
				{"preview someone else's article", "GET", others + "/preview", nil, editors},
				{"publish someone else's article", "POST", others, url.Values{"action": {"publish"}, "title": {"X"}, "body": {"Y"}, "version": {fmt.Sprint(e.article.Version)}}, editors},
				{"history of someone else's article", "GET", others + "/history", nil, editors},
				{"autosave", "POST", "/admin/articles/autosave", url.Values{"title": {"T"}, "body": {"B"}}, staff},
				{"save one's own story in review", "POST", mine, url.Values{"action": {"save"}, "title": {"Changed in review"}, "body": {"Y"}, "version": {fmt.Sprint("current:", inReview.ID)}}, writers},
				{"autosave one's own story in review", "POST", mine + "/autosave", url.Values{"title": {"T"}, "body": {"B"}, "version": {fmt.Sprint("current:", inReview.ID)}}, writers},
				{"private link to one's own story in review", "POST", mine + "/preview-links", nil, writers},
				{"trash one's own story in review from the list", "POST", "/admin/articles/bulk", url.Values{"trash": {fmt.Sprint(alsoInReview.ID)}, "v" + fmt.Sprint(alsoInReview.ID): {fmt.Sprint("current:", alsoInReview.ID)}}, writers},
				{"withdraw one's own story from review", "POST", mine + "/withdraw", url.Values{"version": {fmt.Sprint("current:", inReview.ID)}}, staff},
				{"comment queue", "GET", "/admin/comments", nil, moderators},
				{"approve a comment", "POST", fmt.Sprintf("/admin/comments/%d", e.pending.ID), url.Values{"action": {"approved"}}, moderators},
				// Before the bulk move below sends it to spam, where no reply is taken.
				{"reply to a comment", "POST", fmt.Sprintf("/admin/comments/%d/reply", e.pending.ID), url.Values{"body": {"Thanks for writing."}}, moderators},
				{"bulk moderation", "POST", "/admin/comments", url.Values{"bulk": {"spam"}, "ids": {fmt.Sprint(e.pending.ID)}}, moderators},
				{"edit a comment", "GET", fmt.Sprintf("/admin/comments/%d/edit", e.pending.ID), nil, moderators},
				{"blocked commenters", "GET", "/admin/comments/blocks", nil, moderators},
				{"sections", "GET", "/admin/sections", nil, editors},
				{"add a section", "POST", "/admin/sections", url.Values{"name": {"Weather"}}, editors},
				{"rename a section", "POST", fmt.Sprintf("/admin/sections/%d", sport.ID), url.Values{"name": {"Games"}, "position": {"1"}}, editors},
				{"users", "GET", "/admin/users", nil, admins},
				{"add a user", "POST", "/admin/users", url.Values{"name": {"N"}, "email": {"n@x.example"}, "role": {"administrator"}, "password": {password}}, admins},
				{"change one's own role", "POST", fmt.Sprintf("/admin/users/%d", u.ID), url.Values{"role": {"administrator"}}, admins},
				{"settings", "GET", "/admin/settings", nil, admins},
				{"change settings", "POST", "/admin/settings", url.Values{"title": {"Mine now"}}, admins},
				{"privacy", "GET", "/admin/privacy", nil, admins},
				{"import from WordPress", "GET", "/admin/import", nil, admins},
				{"media library", "GET", "/admin/media", nil, staff},
				{"own account", "GET", "/admin/account", nil, everyone},
				// Last, as it moves the story: someone else's, trashed from the list.
				{"trash someone else's article from the list", "POST", "/admin/articles/bulk", url.Values{"trash": {fmt.Sprint(e.article.ID)}, "v" + fmt.Sprint(e.article.ID): {"current"}}, editors},
			}
			for _, a := range actions {
				var r resp
				if a.method == "GET" {
					r = b.get(a.path)
				} else {
					form := url.Values{"csrf": {csrf}}
					for k, v := range a.form {
						form[k] = v
						if v[0] == "current" { // the version stored now, as a list loaded now shows
							form[k] = []string{fmt.Sprint(e.stored(e.article.ID).Version)}
						} else if id, ok := strings.CutPrefix(v[0], "current:"); ok { // that article's
							n, _ := strconv.ParseInt(id, 10, 64)
							form[k] = []string{fmt.Sprint(e.stored(n).Version)}
						}
					}
					r = b.post(a.path, form)
				}
				want := 403
				if listed(a.who, role) {
					want = map[string]int{"GET": 200, "POST": 303}[a.method]
					if strings.HasSuffix(a.path, "/autosave") {
						want = 200 // a script's request: answered, not redirected
					}
				}
				if r.status != want {
					t.Errorf("%s: %s (%s %s) answered %d, want %d", role, a.name, a.method, a.path, r.status, want)
				}
			}
			// What the role did, or did not do, is what is stored.
			moderated := e.commentStatus() != news.CommentPending
			edited := e.stored(e.article.ID).Title != "A story"
			_, errAdded := e.db.UserByEmail(t.Context(), "n@x.example")
			_, errWeather := e.db.SectionBySlug(t.Context(), "weather")
			renamed, _ := e.db.SectionBySlug(t.Context(), "sport")
			settings, _ := e.db.Settings(t.Context())
			me, _ := e.db.User(t.Context(), u.ID)
			published, _ := e.db.Articles(t.Context(), news.ArticleQuery{Status: news.StatusPublished, OwnerID: u.ID})
			for what, c := range map[string]struct {
				done bool
				who  string
			}{
				"moderated a comment":                {moderated, moderators},
				"changed someone else's story":       {edited, editors},
				"trashed someone else's story":       {e.stored(e.article.ID).Status == news.StatusTrash, editors},
				"added a user":                       {errAdded == nil, admins},
				"added a section":                    {errWeather == nil, editors},
				"renamed a section":                  {renamed != nil && renamed.Name == "Games", editors},
				"changed the settings":               {settings["title"] == "Mine now", admins},
				"made itself administrator":          {me.Role == news.RoleAdministrator, admins},
				"published its own story":            {len(published) == 1, writers},
				"changed its own story in review":    {e.stored(inReview.ID).Title == "Changed in review", writers},
				"trashed its own story in review":    {e.stored(alsoInReview.ID).Status == news.StatusTrash, writers},
				"withdrew its own story from review": {e.stored(inReview.ID).Status == news.StatusDraft, staff},
			} {
				if c.done != listed(c.who, role) {
					t.Errorf("%s %s: %v, want %v", role, what, c.done, !c.done)
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
