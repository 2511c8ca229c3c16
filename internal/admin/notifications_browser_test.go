//go:build browser

package admin_test

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"broadsheet/internal/browsertest"
	"broadsheet/internal/news"
)

// The notifications as people use them in Chromium, at a desktop's and a phone's
// width: a contributor submits; the editor's menu says 1 and the dashboard links the
// story; the editor sends it back with a note; the contributor sees the note on the
// dashboard and at the top of the story, and dismisses it. Every screen passes axe-core
// at both widths, none of the notifications' boxes is wider than the screen, and each
// is photographed (SHOTS, default /tmp/shots).
func TestNotificationsInABrowser(t *testing.T) {
	e := newEnv(t)
	e.clock.Real()
	cora := e.addPerson("Cora Contributor", news.RoleContributor)
	eddie := e.addPerson("Eddie Editor", news.RoleEditor)
	shots := os.Getenv("SHOTS")
	if shots == "" {
		shots = "/tmp/shots"
	}
	os.MkdirAll(shots, 0o755)
	ctx := browsertest.Start(t)
	signIn := func(u *news.User) { signInAs(t, ctx, e, u.Email) }
	signOut := func() {
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(".signout button")), chromedp.WaitVisible(chromedp.ID("password")))
	}
	menuBadge := func() string {
		return browsertest.Get(t, ctx, chromedp.Evaluate[string](`(document.querySelector('.admin-header a[href="/admin/"] .badge') || {textContent: ""}).textContent`))
	}
	// check runs axe at both widths, checks that the boxes of the notifications fit the
	// screen, and photographs the page.
	check := func(screen, selector string) {
		t.Helper()
		for _, size := range []struct {
			w, h int64
		}{{1280, 900}, {390, 844}} {
			browsertest.Do(t, ctx, chromedp.EmulateViewport(size.w, size.h), chromedp.WaitVisible(chromedp.CSS(selector)))
			browsertest.CheckAxe(t, ctx, screen+" at "+itoa(size.w))
			wide := browsertest.Get(t, ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll(`+"`"+selector+"`"+`)].some(el =>
				el.getBoundingClientRect().right > window.innerWidth + 1 || el.scrollWidth > el.clientWidth + 1)`))
			if wide {
				t.Errorf("%s at %d px: %s is wider than the screen", screen, size.w, selector)
			}
			png := browsertest.Get(t, ctx, chromedp.FullScreenshot(100))
			if err := os.WriteFile(filepath.Join(shots, "notify-"+screen+"-"+itoa(size.w)+".png"), png, 0o644); err != nil {
				t.Error(err)
			}
		}
		browsertest.Do(t, ctx, chromedp.EmulateViewport(1280, 900))
	}

	// The contributor writes and submits.
	signIn(cora)
	browsertest.Do(t, ctx,
		chromedp.Navigate(e.http.URL+"/admin/articles/new"), chromedp.WaitVisible(chromedp.ID("title")),
		chromedp.SendKeys(chromedp.ID("title"), "Night ferry timetable cut"),
		chromedp.SendKeys(chromedp.ID("body"), "The last crossing moves to 22:10."),
		chromedp.Click(chromedp.CSS(`button[value="submit"]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	signOut()

	// The editor: the menu says 1, the dashboard links the story.
	signIn(eddie)
	if got := menuBadge(); !strings.HasPrefix(got, "1") {
		t.Errorf("the editor's menu badge: %q", got)
	}
	check("editor-dashboard", ".notice-list")
	browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`.notice-list a[href^="/admin/articles/"]`)), chromedp.WaitVisible(chromedp.CSS("details.send-back")))
	// Without the note the browser asks for it; with it, the story goes back.
	browsertest.Do(t, ctx,
		chromedp.Click(chromedp.CSS("details.send-back summary")), chromedp.WaitVisible(chromedp.ID("send-back-note")))
	check("send-back-form", "details.send-back")
	browsertest.Do(t, ctx,
		chromedp.SendKeys(chromedp.ID("send-back-note"), "Please confirm the time with the operator.\nAnd add the summer timetable."),
		chromedp.Click(chromedp.CSS("details.send-back button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if flash := browsertest.Get(t, ctx, chromedp.Text(chromedp.CSS(".flash"))); !strings.Contains(flash, "Sent back to Cora Contributor") {
		t.Errorf("after sending back: %q", flash)
	}
	if got := menuBadge(); got != "" {
		t.Errorf("the editor's badge after sending it back: %q", got)
	}
	signOut()

	// The contributor: the note on the dashboard and at the top of the story.
	signIn(cora)
	if got := menuBadge(); !strings.HasPrefix(got, "1") {
		t.Errorf("the writer's menu badge: %q", got)
	}
	if note := browsertest.Get(t, ctx, chromedp.Text(chromedp.CSS(".notice-note"))); !strings.Contains(note, "Please confirm the time with the operator.") {
		t.Errorf("the writer's dashboard note: %q", note)
	}
	check("writer-dashboard", ".notice-list")
	browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`.notice-list a[href^="/admin/articles/"]`)), chromedp.WaitVisible(chromedp.CSS(".sent-back")))
	check("writer-editor", ".sent-back")
	browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(".sent-back button")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if n := browsertest.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll(".sent-back").length`)); n != 0 || menuBadge() != "" {
		t.Errorf("after dismissing: %d notes shown, badge %q", n, menuBadge())
	}
	browsertest.Do(t, ctx, chromedp.Navigate(e.http.URL+"/admin/notifications"), chromedp.WaitVisible(chromedp.CSS(".notice-list")))
	check("all-notifications", ".notice-list")
}

// notificationPages are the notifications' screens for the Nu HTML Checker: the
// dashboards and the editor of a writer and an editor, with a story sent back, a
// refused send-back (the note given back), and the full list.
func notificationPages(t *testing.T, e *env) map[string]string {
	cora := e.addPerson("Cora Contributor", news.RoleContributor)
	eddie := e.addPerson("Eddie Editor", news.RoleEditor)
	writer, ed := e.signedIn(cora), e.signedIn(eddie)
	id := createdID(t, writer.post("/admin/articles", url.Values{"csrf": {writer.csrf()}, "action": {"submit"}, "title": {"Ferry <cut>"}, "body": {"Text."}}))
	path := "/admin/articles/" + itoa(id)
	pages := map[string]string{"notify-editor-dashboard": ed.get("/admin/").body, "notify-send-back-form": ed.get(path).body,
		"notify-send-back-refused": ed.post(path+"/send-back", url.Values{"csrf": {ed.csrf()}, "note": {""}, "version": {itoa(e.stored(id).Version)}}).body}
	if r := ed.post(path+"/send-back", url.Values{"csrf": {ed.csrf()}, "note": {"Two sources, please.\n<b>Soon</b>."}, "version": {itoa(e.stored(id).Version)}}); r.status != 303 {
		t.Fatalf("send back: %d", r.status)
	}
	pages["notify-writer-dashboard"] = writer.get("/admin/").body
	pages["notify-writer-editor"] = writer.get(path).body
	pages["notify-all"] = writer.get("/admin/notifications").body
	pages["notify-none"] = ed.get("/admin/notifications?page=3").body
	return pages
}
