//go:build browser

package admin_test

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"broadsheet/internal/browsertest"
	"broadsheet/internal/news"
)

// An administrator sets the site up from the printed link, reaches the comment queue,
// approves the waiting comment, and a reader then sees it; every admin page passes
// axe-core's WCAG 2.2 AA rules.
func TestAdministratorModeratesInABrowser(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(time.Now())
	link, err := e.admin.SetupLink(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx := browsertest.Start(t)
	browsertest.Do(t, ctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("password")))
	browsertest.CheckAxe(t, ctx, "setup")
	browsertest.Do(t, ctx,
		chromedp.SendKeys(chromedp.ID("name"), "Ada Admin"),
		chromedp.SendKeys(chromedp.ID("email"), "ada@newsroom.example"),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS("form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".cards")),
	)
	browsertest.CheckAxe(t, ctx, "dashboard")
	browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`.admin-header a[href="/admin/comments"]`)), chromedp.WaitVisible(chromedp.CSS("table.queue")))
	browsertest.CheckAxe(t, ctx, "comment queue")
	browsertest.Do(t, ctx,
		chromedp.Click(chromedp.CSS(`#c`+itoa(e.pending.ID)+` button[value="approved"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if flash := browsertest.Get(t, ctx, chromedp.Text(chromedp.CSS(".flash"))); !strings.Contains(flash, "approved") {
		t.Errorf("after approving: %q", flash)
	}
	if e.commentStatus() != news.CommentApproved {
		t.Fatal("the comment was not approved")
	}
	browsertest.Do(t, ctx, chromedp.Navigate(e.http.URL+e.site.ArticlePath(e.article)))
	if body := browsertest.Get(t, ctx, chromedp.Text(chromedp.ID("comments"))); !strings.Contains(body, "Please let me in") {
		t.Errorf("the reader does not see the approved comment: %q", body)
	}
	for _, path := range []string{"/admin/users", "/admin/settings", "/admin/account", "/admin/articles", "/admin/articles/new",
		"/admin/articles/" + itoa(e.article.ID), "/admin/articles/" + itoa(e.article.ID) + "/history"} {
		browsertest.Do(t, ctx, chromedp.Navigate(e.http.URL+path), chromedp.WaitVisible(chromedp.CSS("main h1")))
		browsertest.CheckAxe(t, ctx, path)
	}
	// Signing out from the header ends the session.
	browsertest.Do(t, ctx, chromedp.Navigate(e.http.URL+"/admin/"), chromedp.Click(chromedp.CSS(".signout button")), chromedp.WaitVisible(chromedp.ID("password")))
	browsertest.CheckAxe(t, ctx, "sign-in page")
	if loc := browsertest.Get(t, ctx, chromedp.Location()); !strings.HasSuffix(loc, "/admin/login") {
		t.Errorf("after signing out: %s", loc)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// The admin's pages are valid HTML by the Nu HTML Checker.
func TestAdminPagesAreValidHTML(t *testing.T) {
	jar := os.Getenv("VNU_JAR")
	if _, err := os.Stat(jar); err != nil {
		t.Fatalf("the Nu HTML Checker (set VNU_JAR to vnu.jar): %v", err)
	}
	e := newEnv(t)
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	signin := b.get("/admin/login?next=%2Fadmin%2Fcomments")
	failed := b.post("/admin/login", url.Values{"email": {"nobody@example.org"}, "password": {"wrong password"}})
	b.login("administrator@newsroom.example")
	pages := map[string]string{"signin": signin.body, "failed": failed.body, "dashboard": b.get("/admin/").body,
		"queue": b.get("/admin/comments").body, "empty-queue": b.get("/admin/comments?status=spam").body,
		"not-found": b.get("/admin/nothing").body, "users": b.get("/admin/users").body,
		"settings": b.get("/admin/settings").body, "account": b.get("/admin/account").body,
		"refused-settings": b.post("/admin/settings", url.Values{"csrf": {b.csrf()}, "per_page": {"x"}}).body,
		"articles":         b.get("/admin/articles").body, "new-article": b.get("/admin/articles/new").body,
		"edit-article": b.get("/admin/articles/" + itoa(e.article.ID)).body, "history": b.get("/admin/articles/" + itoa(e.article.ID) + "/history").body,
		"refused-article": b.post("/admin/articles", url.Values{"csrf": {b.csrf()}, "action": {"save"}, "title": {""}, "published": {"x"}}).body,
		"preview":         b.post("/admin/articles", url.Values{"csrf": {b.csrf()}, "action": {"preview"}, "title": {"P"}, "body": {"# Heading\n\ntext"}}).body}
	dir := t.TempDir()
	var files []string
	for name, body := range pages {
		f := filepath.Join(dir, name+".html")
		os.WriteFile(f, []byte(body), 0o644)
		files = append(files, f)
	}
	out, err := exec.Command("java", append([]string{"-jar", jar, "--errors-only", "--format", "text"}, files...)...).CombinedOutput()
	if err != nil {
		t.Errorf("the Nu HTML Checker: %v\n%s", err, out)
	}
}
