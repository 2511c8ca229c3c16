//go:build browser

package admin_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"broadsheet/internal/admin"
	"broadsheet/internal/browsertest"
	"broadsheet/internal/news"
)

// importPages are the import screen's states as HTML, for the Nu checker
// (TestAdminPagesAreValidHTML); b is an administrator's browser. The import itself
// runs in its own env (importEnv), so as not to change the other pages' content.
func importPages(t *testing.T, _ *env, _ *browser) map[string]string {
	t.Helper()
	e, _ := importEnv(t, func(c *admin.Config) { c.ImportMaxBytes = 1 << 20 })
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	csrf := b.csrf()
	pages := map[string]string{"import-empty": b.get("/admin/import").body}
	pages["import-damaged"] = func() string {
		b.upload(csrf, "damaged.xml", strings.NewReader("<?xml version=\"1.0\"?>\n<rss><channel>\n<item><title>x</title>\n</rss>"))
		e.admin.WaitImports()
		return b.get("/admin/import").body
	}()
	b.uploadFile(csrf, themeUnitTest)
	e.admin.WaitImports()
	checked := b.get("/admin/import").body
	pages["import-checked"] = checked
	pages["import-busy"] = b.uploadFile(csrf, themeUnitTest).body
	m := startForm.FindStringSubmatch(checked)
	if m == nil {
		t.Fatal("no confirmation form")
	}
	b.post(m[1], url.Values{"csrf": {csrf}})
	e.admin.WaitImports()
	pages["import-report"] = b.get("/admin/import").body
	running := runningElsewhere(t, e)
	pages["import-running"] = b.get("/admin/import").body
	pages["import-running-followed"] = b.get("/admin/import?follow=1").body
	endRun(t, e, running)
	return pages
}

// runningElsewhere records a run another server of the site works on.
func runningElsewhere(t *testing.T, e *env) *news.ImportRun {
	t.Helper()
	run := &news.ImportRun{Kind: "wxr", State: news.ImportRunning, FileName: "another-site.wordpress.2026-11-30.xml", Bytes: 48 << 20,
		Node: "another server", ExpiresAt: e.clock.Now().Add(time.Hour)}
	if _, _, err := e.db.BeginImportRun(context.Background(), run, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	return run
}

func endRun(t *testing.T, e *env, run *news.ImportRun) {
	t.Helper()
	run.State, run.Error = news.ImportFailed, "stopped by the test"
	if err := e.db.MoveImportRun(context.Background(), run, news.ImportRunning, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
}

// The import in Chromium at a desktop's and a phone's width, without a script: the
// form, the file chosen and sent, the check's result reached by the page's own
// reloads, the confirmation, the report; each state passes axe-core and scrolls not
// sideways.
func TestImportInABrowser(t *testing.T) {
	e, _ := importEnv(t, nil)
	e.clock.Real()
	e.addUser(news.RoleAdministrator)
	ctx := browsertest.Start(t)
	signInAs(t, ctx, e, "administrator@newsroom.example")
	check := func(state string) {
		t.Helper()
		for _, w := range widths {
			browsertest.Do(t, ctx, viewport(w), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("h1")))
			if over, culprit := sideways(t, ctx); over > 0 {
				t.Errorf("import (%s) at %s px scrolls sideways by %d px: %s", state, w.name, over, culprit)
			}
			for _, v := range browsertest.Axe(t, ctx) {
				// The page reloads itself only when the administrator ticked the
				// box for it, and offers "Stop reloading": WCAG 2.2.1's "turn off".
				if v.ID == "meta-refresh" && strings.Contains(state, "followed") {
					continue
				}
				t.Errorf("import (%s) at %s px: %s (%s): %s", state, w.name, v.ID, v.Impact, v.Help)
			}
			shoot(t, ctx, "import-"+state+"-"+w.name)
		}
	}
	browsertest.Do(t, ctx, chromedp.Navigate(e.http.URL+"/admin/import"), chromedp.WaitVisible(chromedp.ID("import-file")))
	check("form")
	browsertest.Do(t, ctx, chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{themeUnitTest}),
		chromedp.Click(chromedp.CSS(`form[action="/admin/import"] button[type=submit]`)),
		// The check's result comes by the page's refresh.
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/start"] button`)))
	check("checked")
	browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`form[action$="/start"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.import-links`)))
	check("report")
	heading := browsertest.Get(t, ctx, chromedp.Evaluate[string](`document.querySelector("#run-title").textContent`))
	if heading != "Imported themeunittestdata.wordpress.xml" {
		t.Errorf("the report's heading: %q", heading)
	}
	run := runningElsewhere(t, e)
	browsertest.Do(t, ctx, chromedp.Navigate(e.http.URL+"/admin/import"), chromedp.WaitVisible(chromedp.CSS(`[role=status]`)))
	check("running")
	browsertest.Do(t, ctx, chromedp.Navigate(e.http.URL+"/admin/import?follow=1"), chromedp.WaitVisible(chromedp.CSS(`[role=status]`)))
	check("running, followed")
	endRun(t, e, run)
}

// A stuck import (its server stopped) at both widths: no sideways scrolling, axe-core
// passes; the release opens its confirmation, and once confirmed the upload form is back.
func TestReleaseStuckImportInABrowser(t *testing.T) {
	e, _ := importEnv(t, nil)
	e.clock.Real()
	admin := e.addUser(news.RoleAdministrator)
	stuckRun(t, e, admin, 10*time.Minute)
	ctx := browsertest.Start(t)
	signInAs(t, ctx, e, "administrator@newsroom.example")
	browsertest.Do(t, ctx, chromedp.Navigate(e.http.URL+"/admin/import"), chromedp.WaitVisible(chromedp.CSS(".import-stuck summary")))
	for _, w := range widths {
		browsertest.Do(t, ctx, viewport(w), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(".import-stuck summary")),
			chromedp.Click(chromedp.CSS(".import-stuck summary")), chromedp.WaitVisible(chromedp.CSS(`.import-stuck button[name="confirm"]`)))
		if over, culprit := sideways(t, ctx); over > 0 {
			t.Errorf("a stuck import at %s px scrolls sideways by %d px: %s", w.name, over, culprit)
		}
		for _, v := range browsertest.Axe(t, ctx) {
			t.Errorf("a stuck import at %s px: %s (%s): %s", w.name, v.ID, v.Impact, v.Help)
		}
		shoot(t, ctx, "import-stuck-"+w.name)
	}
	browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`.import-stuck button[name="confirm"]`)), chromedp.WaitVisible(chromedp.ID("import-file")))
	if run, err := e.db.LatestImportRun(t.Context()); err != nil || run.State != news.ImportFailed {
		t.Errorf("after the release in a browser: %+v %v", run, err)
	}
}
