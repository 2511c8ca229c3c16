//go:build browser

package admin_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"

	"broadsheet/internal/browsertest"
	"broadsheet/internal/news"
)

// accountNoticePages are pages showing the banner of changes others made to the
// reader's account, for the Nu checker (TestAdminPagesAreValidHTML).
func accountNoticePages(t *testing.T, e *env) map[string]string {
	t.Helper()
	target := e.addNamed("Noted Person", "noted@newsroom.example", news.RoleAuthor)
	admin := e.browser()
	admin.login("administrator@newsroom.example")
	if r := admin.post(fmt.Sprintf("/admin/users/%d", target.ID), url.Values{"csrf": {admin.csrf()}, "role": {"editor"}}); r.status != 303 {
		t.Fatalf("change the role: %d", r.status)
	}
	b := e.browser()
	b.login(target.Email)
	me, _ := e.db.UserByEmail(context.Background(), "administrator@newsroom.example")
	return map[string]string{"account-notices-dashboard": b.get("/admin/").body, "account-notices-account": b.get("/admin/account").body,
		"user-edit-own": admin.get(fmt.Sprintf("/admin/users/%d/edit", me.ID)).body} // the current password asked for one's own email
}

// The banner of changes made to one's account by an administrator, in Chromium at a
// desktop's and a phone's width: it passes axe-core, scrolls not sideways, and goes
// when the person says they have seen it.
func TestAccountNoticesInABrowser(t *testing.T) {
	e := newEnv(t)
	e.clock.Real()
	e.addUser(news.RoleAdministrator)
	target := e.addNamed("Noted Person", "noted@newsroom.example", news.RoleAuthor)
	admin := e.browser()
	admin.login("administrator@newsroom.example")
	path := fmt.Sprintf("/admin/users/%d", target.ID)
	if r := admin.post(path+"/details", url.Values{"csrf": {admin.csrf()}, "name": {"Noted Person"}, "email": {"noted.person.with.a.rather.long.address@newsroom.example"}}); r.status != 303 {
		t.Fatalf("change the email: %d", r.status)
	}
	if r := admin.post(path+"/reset", url.Values{"csrf": {admin.csrf()}}); r.status != 200 {
		t.Fatalf("reset link: %d", r.status)
	}
	ctx := browsertest.Start(t)
	signInAs(t, ctx, e, "noted.person.with.a.rather.long.address@newsroom.example")
	for _, w := range widths {
		browsertest.Do(t, ctx, viewport(w), chromedp.Navigate(e.http.URL+"/admin/"), chromedp.WaitVisible(chromedp.CSS(".account-notices")))
		if over, culprit := sideways(t, ctx); over > 0 {
			t.Errorf("the banner at %s px scrolls sideways by %d px: %s", w.name, over, culprit)
		}
		browsertest.CheckAxe(t, ctx, "account notices at "+w.name+" px")
		shoot(t, ctx, "account-notices-"+w.name)
	}
	// The page the button leads back to shows no banner (waited for: the click's page
	// comes after it).
	browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(".account-notices button")), chromedp.WaitNotPresent(chromedp.CSS(".account-notices")),
		chromedp.WaitVisible(chromedp.CSS("main h1")))
}
