//go:build browser

package admin_test

import (
	"context"
	"fmt"
	"maps"
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
	"broadsheet/internal/render"
)

// An administrator sets the site up from the printed link, reaches the comment queue,
// approves the waiting comment, and a reader then sees it; every admin page passes
// axe-core's WCAG 2.2 AA rules.
func TestAdministratorModeratesInABrowser(t *testing.T) {
	e := newEnv(t)
	e.clock.Real()
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
		chromedp.Click(chromedp.CSS(`#c`+itoa(e.pending.ID)+` button[value$=":approved"]`)),
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
		"/admin/articles/" + itoa(e.article.ID), "/admin/articles/" + itoa(e.article.ID) + "/history",
		"/admin/comments/" + itoa(e.pending.ID) + "/edit", "/admin/comments/blocks", "/admin/media", "/admin/sections", "/admin/privacy"} {
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
		"preview":         b.post("/admin/articles", url.Values{"csrf": {b.csrf()}, "action": {"preview"}, "title": {"P"}, "body": {"# Heading\n\ntext\n\nhttps://youtu.be/dQw4w9WgXcQ\n\n<iframe src=\"https://evil.example/<b>\"></iframe>"}}).body,
		// A time the clocks skip, and one they repeat: the choice between two instants.
		"gap-refused": b.post("/admin/articles", url.Values{"csrf": {b.csrf()}, "action": {"save"}, "title": {"G"}, "published": {"2027-03-14T02:30"}, "published_zone": {"America/New_York"}}).body,
		"overlap":     b.post("/admin/articles", url.Values{"csrf": {b.csrf()}, "action": {"preview"}, "title": {"O"}, "body": {"text"}, "published": {"2026-11-01T01:30"}, "published_zone": {"America/New_York"}}).body,
		"blocks":      b.get("/admin/comments/blocks").body,
		// The lists (lists.go): a filtered article list, a refused bulk move, a preview.
		"articles-filtered":  b.get("/admin/articles?author=zo%C3%AB&tag=x&q=a&n=20").body,
		"articles-refused":   b.post("/admin/articles/bulk", url.Values{"csrf": {b.csrf()}, "trash": {itoa(e.article.ID)}, "v" + itoa(e.article.ID): {"0"}}).body,
		"article-preview":    b.get("/admin/articles/" + itoa(e.article.ID) + "/preview").body,
		"image-find-refused": b.post("/admin/articles", url.Values{"csrf": {b.csrf()}, "action": {"save"}, "title": {"I"}, "image_find": {"zebra"}}).body, // imagepicker.go
		"privacy":            b.get("/admin/privacy").body, "privacy-confirm": b.post("/admin/privacy/erase", url.Values{"csrf": {b.csrf()}, "email": {"waiting@example.net"}}).body}
	// Issue 8, the history: two versions compared (here the same one, chosen twice).
	last := e.revisionsOf(e.article.ID)[0].ID
	pages["history-compare"] = b.get(fmt.Sprintf("/admin/articles/%d/history?from=%d&to=%d", e.article.ID, last, last)).body
	maps.Copy(pages, queueAndReplyPages(t, e, b))     // issue 8: the queue and staff replies
	maps.Copy(pages, queueToolsPages(t, e, b))        // issue 8 §3: the queue's tools (queue2_browser_test.go)
	maps.Copy(pages, previewPages(t, e, b))           // issue 8: previews, private links, the trash's undo (fullpreview_browser_test.go)
	twoStepPages(t, e, pages)                         // twostep_browser_test.go
	maps.Copy(pages, managePages(t, e, b))            // manage_browser_test.go
	maps.Copy(pages, bylinePages(t, e, b))            // bylines_browser_test.go
	maps.Copy(pages, webhookPages(t, e, b))           // webhooks_browser_test.go
	maps.Copy(pages, tokenPages(t, e, b))             // tokens_browser_test.go
	maps.Copy(pages, importPages(t, e, b))            // wxrimport_browser_test.go
	maps.Copy(pages, pagesPages(t, e, b))             // pages_browser_test.go
	maps.Copy(pages, accountNoticePages(t, e))        // accountnotices_browser_test.go
	for name, body := range notificationPages(t, e) { // notifications_browser_test.go
		pages[name] = body
	}
	dir := t.TempDir()
	var files []string
	for name, body := range pages {
		f := filepath.Join(dir, name+".html")
		os.WriteFile(f, []byte(body), 0o644)
		files = append(files, f)
	}
	out, err := exec.Command("java", browsertest.NuArgs(jar, render.EmbedSandbox, files...)...).CombinedOutput()
	if err != nil {
		t.Errorf("the Nu HTML Checker: %v\n%s", err, out)
	}
}

// The whole story once, as people do it in a browser: an administrator sets the site
// up and creates a contributor and an editor; the contributor writes a draft with an
// uploaded image and submits it; the editor publishes it and it is on the front page;
// a reader comments; the editor approves; the reader sees the comment.
func TestWholeStoryInABrowser(t *testing.T) {
	e := newEnv(t)
	e.clock.Real()
	link, err := e.admin.SetupLink(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	photo := filepath.Join(t.TempDir(), "harbour.png")
	os.WriteFile(photo, pngImage(1400, 700), 0o644)
	staff := browsertest.Start(t)
	signIn := func(email string) {
		browsertest.Do(t, staff,
			chromedp.Navigate(e.http.URL+"/admin/login"),
			chromedp.WaitVisible(chromedp.ID("password")),
			chromedp.SendKeys(chromedp.ID("email"), email),
			chromedp.SendKeys(chromedp.ID("password"), password),
			chromedp.Click(chromedp.CSS("form button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS(".cards")))
	}
	signOut := func() {
		browsertest.Do(t, staff, chromedp.Click(chromedp.CSS(".signout button")), chromedp.WaitVisible(chromedp.ID("password")))
	}

	// The administrator sets up the site and adds two colleagues.
	browsertest.Do(t, staff,
		chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("password")),
		chromedp.SendKeys(chromedp.ID("name"), "Ada Admin"),
		chromedp.SendKeys(chromedp.ID("email"), "ada@newsroom.example"),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS("form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".cards")))
	for _, who := range []struct{ name, email, role string }{
		{"Cora Contributor", "cora@newsroom.example", "contributor"}, {"Eddie Editor", "eddie@newsroom.example", "editor"}} {
		browsertest.Do(t, staff,
			chromedp.Navigate(e.http.URL+"/admin/users"), chromedp.WaitVisible(chromedp.ID("new-name")),
			chromedp.SendKeys(chromedp.ID("new-name"), who.name),
			chromedp.SendKeys(chromedp.ID("new-email"), who.email),
			chromedp.SetValue(chromedp.ID("new-role"), who.role),
			chromedp.SendKeys(chromedp.ID("new-password"), password),
			chromedp.Click(chromedp.CSS(`form[method=post][action="/admin/users"] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(".flash")))
	}
	signOut()

	// The contributor writes a draft with a photo and submits it.
	signIn("cora@newsroom.example")
	browsertest.Do(t, staff,
		chromedp.Navigate(e.http.URL+"/admin/articles/new"), chromedp.WaitVisible(chromedp.ID("title")),
		chromedp.SendKeys(chromedp.ID("title"), "Tall ships arrive for the regatta"),
		chromedp.SendKeys(chromedp.ID("standfirst"), "Twelve ships moored at the new quay overnight."),
		chromedp.SendKeys(chromedp.ID("body"), "The first masts appeared at dawn.\n\n> We sailed for nine days, said a cadet."),
		chromedp.SendKeys(chromedp.ID("tags"), "Port, Festival"),
		chromedp.SetUploadFiles(chromedp.ID("image-file"), []string{photo}),
		chromedp.SendKeys(chromedp.ID("image-alt"), "Three tall ships at the quay"),
		chromedp.Click(chromedp.CSS(`button[value="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	if flash := browsertest.Get(t, staff, chromedp.Text(chromedp.CSS(".flash"))); !strings.Contains(flash, "Submitted for review") {
		t.Fatalf("after submitting: %q", flash)
	}
	signOut()

	// The editor publishes it from the dashboard.
	signIn("eddie@newsroom.example")
	browsertest.Do(t, staff,
		chromedp.Click(chromedp.CSS(`ul.plain a[href^="/admin/articles/"]`)), // the one awaiting review
		chromedp.WaitVisible(chromedp.CSS(`button[value="publish"]`)),
		chromedp.Click(chromedp.CSS(`button[value="publish"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	if flash := browsertest.Get(t, staff, chromedp.Text(chromedp.CSS(".flash"))); !strings.Contains(flash, "Published") {
		t.Fatalf("after publishing: %q", flash)
	}

	// A reader finds it on the front page, with its photo, and comments.
	reader := browsertest.Start(t)
	browsertest.Do(t, reader, chromedp.Navigate(e.http.URL+"/"), chromedp.WaitVisible(chromedp.CSS(".lead-title")))
	if lead := browsertest.Get(t, reader, chromedp.Text(chromedp.CSS(".lead-title"))); !strings.Contains(lead, "Tall ships arrive for the regatta") {
		t.Fatalf("the front page leads with %q", lead)
	}
	browsertest.Do(t, reader, chromedp.Click(chromedp.CSS(".lead-title a")), chromedp.WaitVisible(chromedp.ID("comment")))
	loaded := browsertest.Get(t, reader, chromedp.Evaluate[bool](`(() => { const i = document.querySelector(".featured-image img"); return !!i && i.complete && i.naturalWidth > 0 && i.alt === "Three tall ships at the quay" })()`))
	if !loaded {
		t.Error("the featured image is not shown with its alt text")
	}
	browsertest.Do(t, reader,
		chromedp.SendKeys(chromedp.ID("comment"), "What a sight from the harbour wall!"),
		chromedp.SendKeys(chromedp.ID("author"), "Rita Reader"),
		chromedp.SendKeys(chromedp.ID("email"), "rita@readers.example"),
		chromedp.Sleep(3200*time.Millisecond), // the site's minimum time to fill the form
		chromedp.Click(chromedp.CSS("#commentform button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".moderation")))

	// The editor approves it; the reader, reloading, sees it.
	browsertest.Do(t, staff,
		chromedp.Navigate(e.http.URL+"/admin/comments"), chromedp.WaitVisible(chromedp.CSS("table.queue")),
		chromedp.Click(chromedp.CSS(`button[value$=":approved"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	browsertest.Do(t, reader, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("comments")))
	body := browsertest.Get(t, reader, chromedp.Text(chromedp.ID("comments")))
	if !strings.Contains(body, "What a sight from the harbour wall!") || strings.Contains(body, "awaiting moderation") {
		t.Errorf("the reader's view after approval: %q", body)
	}
}

// The editor's script: a live preview, an autosave, and an image dropped onto the form
// going up with the save.
func TestEditorScriptsInABrowser(t *testing.T) {
	e := newEnv(t)
	e.clock.Real()
	u := e.addUser(news.RoleEditor)
	ctx := browsertest.Start(t)
	browsertest.Do(t, ctx,
		chromedp.Navigate(e.http.URL+"/admin/login"), chromedp.WaitVisible(chromedp.ID("password")),
		chromedp.SendKeys(chromedp.ID("email"), u.Email), chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS("form button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".cards")),
		chromedp.Navigate(e.http.URL+"/admin/articles/new"), chromedp.WaitVisible(chromedp.ID("body")),
		chromedp.SendKeys(chromedp.ID("title"), "Scripted"),
		chromedp.SendKeys(chromedp.ID("body"), "A **bold** claim"),
		chromedp.WaitVisible(chromedp.CSS("#live-preview strong")))
	if got := browsertest.Get(t, ctx, chromedp.Text(chromedp.CSS("#live-preview strong"))); got != "bold" {
		t.Errorf("live preview shows %q", got)
	}
	if got := browsertest.Get(t, ctx, chromedp.Evaluate[string](`document.getElementById("slug").placeholder`)); got != "scripted" {
		t.Errorf("suggested slug %q", got)
	}
	// The autosave's own status line says when it is done (the page polls nothing else).
	browsertest.Do(t, ctx, chromedp.Poll[chromedp.Void](`document.getElementById("autosave-status").textContent.includes("autosaved")`,
		chromedp.WithPollingTimeout(20*time.Second)))
	if f, err := e.db.KeptForm(context.Background(), fmt.Sprintf("user:%d:0", u.ID)); err != nil || !strings.Contains(f.Data, "bold") {
		t.Errorf("nothing autosaved: %v", err)
	}
	// Drop an image made in the page onto the featured-image box (an image dropped on
	// the body goes into the text instead: TestEditorToolbarInABrowser).
	dropped := browsertest.Get(t, ctx, chromedp.Evaluate[bool](`new Promise(resolve => {
		const c = document.createElement("canvas"); c.width = 40; c.height = 30;
		c.getContext("2d").fillRect(0, 0, 40, 30);
		c.toBlob(b => {
			const dt = new DataTransfer();
			dt.items.add(new File([b], "dropped.png", {type: "image/png"}));
			document.querySelector("form.editor .image-choice").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
			resolve(document.getElementById("image-file").files.length === 1);
		}, "image/png");
	})`, chromedp.EvalAwaitPromise))
	if !dropped {
		t.Fatal("the dropped image did not go into the upload field")
	}
	browsertest.Do(t, ctx,
		chromedp.SendKeys(chromedp.ID("image-alt"), "A black rectangle"),
		chromedp.Click(chromedp.CSS(`button[value="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	arts, _ := e.db.Articles(context.Background(), news.ArticleQuery{Words: "Scripted"})
	if len(arts) != 1 || arts[0].FeaturedImage == nil || arts[0].FeaturedImage.Alt != "A black rectangle" {
		t.Fatalf("saved: %+v", arts)
	}
}

// codeStep is the sign-in page that asks for the second factor's code.
func codeStep(t *testing.T, e *env) string {
	u := e.addUser(news.RoleAuthor)
	u.TOTPSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	if err := e.db.UpdateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return e.browser().post("/admin/login", url.Values{"email": {u.Email}, "password": {password}}).body
}
