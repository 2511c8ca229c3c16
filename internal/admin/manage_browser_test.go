//go:build browser

package admin_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"broadsheet/internal/browsertest"
	"broadsheet/internal/news"
)

// manageFixture gives the management screens something to show: an image used by the
// story, sections, tags and a second user.
func manageFixture(t *testing.T, e *env, b *browser) (m *news.Media, author *news.User) {
	t.Helper()
	ctx := context.Background()
	m = e.upload(b, "Boats at dawn in the old harbour")
	e.article.FeaturedImage = &news.Image{URL: "/media/" + m.Name, Alt: "x", Width: m.Width, Height: m.Height, Srcset: m.Srcset}
	e.article.Tags = []*news.Tag{{Name: "Climate"}, {Name: "Weather"}}
	e.article.Version = news.AnyVersion
	if err := e.db.UpdateArticle(ctx, e.article); err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"World", "Sport", "Arts and culture"} {
		if err := e.db.CreateSection(ctx, &news.Section{Name: name, Position: i + 1}); err != nil {
			t.Fatal(err)
		}
	}
	author = e.addUser(news.RoleAuthor)
	return m, author
}

// managePages are the management screens' HTML, for the Nu checker
// (TestAdminPagesAreValidHTML); b is an administrator's browser.
func managePages(t *testing.T, e *env, b *browser) map[string]string {
	t.Helper()
	m, author := manageFixture(t, e, b)
	secs, _ := e.db.Sections(context.Background())
	tag, _ := e.db.TagBySlug(context.Background(), "climate")
	pages := map[string]string{
		"media-library":    b.get("/admin/media?q=boats").body,
		"media-item":       b.get(fmt.Sprintf("/admin/media/%d", m.ID)).body,
		"media-in-use":     b.post(fmt.Sprintf("/admin/media/%d/delete", m.ID), url.Values{"csrf": {b.csrf()}}).body,
		"user-edit":        b.get(fmt.Sprintf("/admin/users/%d/edit", author.ID)).body,
		"user-reset-link":  b.post(fmt.Sprintf("/admin/users/%d/reset", author.ID), url.Values{"csrf": {b.csrf()}}).body,
		"sections-ordered": b.get("/admin/sections").body,
		"section-delete":   b.get(fmt.Sprintf("/admin/sections/%d/delete", secs[0].ID)).body,
		"tags":             b.get("/admin/tags").body,
		"tag-edit":         b.get(fmt.Sprintf("/admin/tags/%d", tag.ID)).body,
		"settings-words":   b.get("/admin/settings").body,
	}
	link := pages["user-reset-link"]
	if i := strings.Index(link, "/admin/reset/"); i >= 0 {
		pages["reset-password"] = e.browser().get(link[i : i+strings.Index(link[i:], `"`)]).body
	}
	return pages
}

// The management screens in Chromium at a desktop's and a phone's width: each passes
// axe-core, scrolls not sideways, and is photographed; the section's Move up button
// and the library's item link work as a person uses them.
func TestManageScreensInABrowser(t *testing.T) {
	e := newEnv(t)
	e.clock.Real()
	e.addUser(news.RoleAdministrator)
	hb := e.browser()
	hb.login("administrator@newsroom.example")
	m, author := manageFixture(t, e, hb)
	secs, _ := e.db.Sections(context.Background())
	tag, _ := e.db.TagBySlug(context.Background(), "climate")
	ctx := browsertest.Start(t)
	signInAs(t, ctx, e, "administrator@newsroom.example")
	screens := []struct{ name, path, ready string }{
		{"media", "/admin/media", ".library"},
		{"media-item", fmt.Sprintf("/admin/media/%d", m.ID), "#media-address"},
		{"user-edit", fmt.Sprintf("/admin/users/%d/edit", author.ID), "#user-email"},
		{"sections", "/admin/sections", "table"},
		{"section-delete", fmt.Sprintf("/admin/sections/%d/delete", secs[0].ID), "#move-to"},
		{"tags", "/admin/tags", "table"},
		{"tag-edit", fmt.Sprintf("/admin/tags/%d", tag.ID), "#tag-into"},
		{"settings", "/admin/settings", "#timezone"},
	}
	for _, w := range widths {
		for _, s := range screens {
			browsertest.Do(t, ctx, viewport(w), chromedp.Navigate(e.http.URL+s.path), chromedp.WaitVisible(chromedp.CSS(s.ready)))
			if over, culprit := sideways(t, ctx); over > 0 {
				t.Errorf("%s at %s px scrolls sideways by %d px: %s", s.name, w.name, over, culprit)
			}
			browsertest.CheckAxe(t, ctx, s.name+" at "+w.name+" px")
			shoot(t, ctx, "manage-"+s.name+"-"+w.name)
		}
		// The reset link shown once, and the page it leads to.
		browsertest.Do(t, ctx, viewport(w), chromedp.Navigate(e.http.URL+fmt.Sprintf("/admin/users/%d/edit", author.ID)), chromedp.WaitVisible(chromedp.ID("user-email")),
			chromedp.Click(chromedp.CSS(`form[action$="/reset"] button`)), chromedp.WaitVisible(chromedp.ID("reset-link")))
		browsertest.CheckAxe(t, ctx, "reset link at "+w.name+" px")
		shoot(t, ctx, "manage-reset-link-"+w.name)
		link := browsertest.Get(t, ctx, chromedp.Evaluate[string](`document.getElementById("reset-link").value`))
		if !strings.Contains(link, "/admin/reset/") {
			t.Fatalf("reset link %q", link)
		}
		reset := e.browser().get(link[strings.Index(link, "/admin/reset/"):])
		if reset.status != 200 {
			t.Fatalf("reset page: %d", reset.status)
		}
	}
	// A person moves a section up with its button, and opens an image from the library.
	browsertest.Do(t, ctx, viewport(widths[1]), chromedp.Navigate(e.http.URL+"/admin/sections"), chromedp.WaitVisible(chromedp.CSS("table")),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#section-%d button[value="up"]`, secs[2].ID))), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if all, _ := e.db.Sections(context.Background()); all[1].ID != secs[2].ID {
		t.Errorf("Move up did not move %s", secs[2].Name)
	}
	browsertest.Do(t, ctx, chromedp.Navigate(e.http.URL+"/admin/media"), chromedp.WaitVisible(chromedp.CSS(".library")),
		chromedp.Click(chromedp.CSS(".library a")), chromedp.WaitVisible(chromedp.ID("media-address")))
	if got := browsertest.Get(t, ctx, chromedp.Evaluate[string](`document.getElementById("media-address").value`)); !strings.HasSuffix(got, "/media/"+m.Name) {
		t.Errorf("the item's address: %q", got)
	}
}
