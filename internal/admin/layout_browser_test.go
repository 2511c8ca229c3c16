//go:build browser

package admin_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"broadsheet/internal/browsertest"
	"broadsheet/internal/news"
	"broadsheet/internal/render"
)

// A long unbroken word and a long address: what makes a page wider than the screen
// when nothing lets it wrap.
var (
	longWord = strings.Repeat("Antidisestablishmentarianism", 8)
	longURL  = "https://example.com/" + strings.Repeat("a-very-long-path-segment/", 16) + "?q=" + strings.Repeat("x", 120)
)

// wideBody is a story body holding everything that can be wider than a column: a
// table of twelve columns, a long address, an embed, a long line of code and a
// 3000 px picture.
func wideBody(image string) string {
	head := "|" + strings.Repeat(" Column heading |", 12) + "\n|" + strings.Repeat("---|", 12) + "\n|" + strings.Repeat(" cell text that is long |", 12) + "\n"
	return "A paragraph with " + longURL + " in it and " + longWord + ".\n\n" + head +
		"\nhttps://youtu.be/dQw4w9WgXcQ\n\n```\n" + strings.Repeat("code_without_spaces_", 30) + "\n```\n\n![A wide picture](" + image + ")\n"
}

// layoutEnv is a newsroom with every kind of wide content: a story with a 3000 px
// featured image, long words in headlines, comments, sections, users and history.
type layoutEnv struct {
	*env
	b        *browser
	image    string // the 3000 px image's address
	story    int64  // the illustrated story
	comment  int64
	setupURL string
}

func newLayoutEnv(t *testing.T) *layoutEnv {
	e := newEnv(t)
	e.clock.Real()
	x := &layoutEnv{env: e}
	var err error
	if x.setupURL, err = e.admin.SetupLink(context.Background()); err != nil {
		t.Fatal(err)
	}
	return x
}

// populate adds the administrator and the wide content (after the setup page is seen:
// it exists only while there is no account).
func (x *layoutEnv) populate(t *testing.T) {
	e := x.env
	e.addUser(news.RoleAdministrator)
	e.addSections("Harbour " + longWord)
	e.addNamed("Maximiliana "+longWord, "someone."+strings.Repeat("long", 20)+"@newsroom.example", news.RoleEditor)
	x.b = e.browser()
	x.b.login("administrator@newsroom.example")
	r := x.b.multipartPost("/admin/media", map[string]string{"csrf": x.b.csrf(), "alt": "A harbour at dawn, " + longWord}, "file", "harbour.png", pngImage(3000, 2000))
	if r.status != 303 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	lib, _ := e.db.MediaLibrary(context.Background(), 1)
	x.image = "/media/" + lib[0].Name
	id, r := x.b.write("/admin/articles", "save", map[string]string{"title": "Tall ships " + longWord, "standfirst": longURL,
		"body": wideBody(x.image), "image_media": fmt.Sprint(lib[0].ID), "image_alt": "A harbour", "image_caption": longWord,
		"tags": longWord, "section": "Harbour " + longWord, "correction": longURL})
	if id == 0 {
		t.Fatalf("save the illustrated story: %d %s", r.status, r.body)
	}
	x.story = id
	// A second version, so that the history has a diff of long lines.
	if _, r := x.b.write(fmt.Sprintf("/admin/articles/%d", id), "save", map[string]string{"title": "Tall ships " + longWord,
		"body": wideBody(x.image) + "\n" + longURL + longWord, "image_media": "current", "image_alt": "A harbour", "image_caption": longWord,
		"standfirst": longURL, "tags": longWord, "section": "Harbour " + longWord, "correction": longURL}); r.status != 303 {
		t.Fatalf("second save: %d", r.status)
	}
	c := e.addComment("reader@example.net", "ip", news.CommentPending, "Look at "+longURL+" and "+longWord)
	c.AuthorURL = longURL
	c.AuthorName = "Reader " + longWord
	if err := e.db.UpdateComment(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	x.comment = c.ID
}

// screen is one admin screen and how a person reaches it.
type screen struct {
	name string
	open func(t *testing.T, ctx context.Context)
}

func visit(path string) func(*testing.T, context.Context) {
	return func(t *testing.T, ctx context.Context) {
		browsertest.Do(t, ctx, chromedp.Navigate(path), chromedp.WaitVisible(chromedp.CSS("main h1")))
	}
}

// screens are every admin screen a signed-in administrator sees.
func (x *layoutEnv) screens() []screen {
	base := x.http.URL
	story := fmt.Sprintf("%s/admin/articles/%d", base, x.story)
	return []screen{
		{"dashboard", visit(base + "/admin/")},
		{"articles", visit(base + "/admin/articles")},
		{"editor-new", visit(base + "/admin/articles/new")},
		{"editor-image", visit(story)},
		{"editor-preview", func(t *testing.T, ctx context.Context) {
			// The preview of the unsaved form (it opens in a new tab; here in the same one).
			browsertest.Do(t, ctx, chromedp.Navigate(base+"/admin/articles/new"), chromedp.WaitVisible(chromedp.ID("body")))
			browsertest.Get(t, ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { document.getElementById("title").value = "Preview";
				document.getElementById("body").value = %q; document.querySelectorAll('button[value="preview"]').forEach(b => b.removeAttribute("formtarget")); return true })()`, wideBody(x.image))))
			browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`button[value="preview"]`)), chromedp.WaitVisible(chromedp.CSS("iframe")))
		}},
		{"editor-conflict", func(t *testing.T, ctx context.Context) {
			browsertest.Do(t, ctx, chromedp.Navigate(story), chromedp.WaitVisible(chromedp.ID("title")))
			// Someone else saves the story meanwhile.
			other := x.env.browser()
			other.login("administrator@newsroom.example")
			form, _ := other.openEditor(x.story)
			form["correction"] = "Changed by someone else " + longWord + " " + fmt.Sprint(len(form["correction"]))
			if _, r := other.write(fmt.Sprintf("/admin/articles/%d", x.story), "save", form); r.status != 303 {
				t.Fatalf("the other save: %d", r.status)
			}
			browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`.publish-box button[value="save"]`)), chromedp.WaitVisible(chromedp.CSS("section.conflict")))
		}},
		{"history", visit(story + "/history")},
		{"comments", visit(base + "/admin/comments")},
		{"comment", visit(fmt.Sprintf("%s/admin/comments/%d/edit", base, x.comment))},
		{"blocks", visit(base + "/admin/comments/blocks")},
		{"media", visit(base + "/admin/media")},
		{"users", visit(base + "/admin/users")},
		{"sections", visit(base + "/admin/sections")},
		{"settings", visit(base + "/admin/settings")},
		{"account", visit(base + "/admin/account")},
		{"two-step-setup", func(t *testing.T, ctx context.Context) {
			visit(base+"/admin/account")(t, ctx)
			browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`form[action="/admin/account/totp/start"] button`)), chromedp.WaitVisible(chromedp.ID("code")))
		}},
		{"privacy", visit(base + "/admin/privacy")},
		{"privacy-confirm", func(t *testing.T, ctx context.Context) {
			visit(base+"/admin/privacy")(t, ctx)
			browsertest.Do(t, ctx, chromedp.SendKeys(chromedp.ID("erase-email"), "reader@example.net"),
				chromedp.Click(chromedp.CSS(`form[action="/admin/privacy/erase"] button`)), chromedp.WaitReady(chromedp.CSS(`input[name="confirm"]`)))
		}},
		{"error", visit(base + "/admin/nothing-here")},
	}
}

// widths are the desktop's and the phone's viewports.
var widths = []struct {
	name          string
	width, height int64
	phone         bool
}{{"1280", 1280, 800, false}, {"390", 390, 844, true}}

func viewport(w struct {
	name          string
	width, height int64
	phone         bool
}) chromedp.Action[chromedp.Void] {
	if w.phone {
		return chromedp.EmulateViewport(w.width, w.height, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	return chromedp.EmulateViewport(w.width, w.height)
}

// sideways is how far the page scrolls sideways (scrollWidth beyond the viewport), and
// the widest elements sticking out of it, for the failure message.
func sideways(t *testing.T, ctx context.Context) (int, string) {
	t.Helper()
	type result struct {
		Over    int    `json:"over"`
		Culprit string `json:"culprit"`
	}
	r := browsertest.Get(t, ctx, chromedp.Evaluate[result](`(() => {
		const vw = document.documentElement.clientWidth;
		const over = document.documentElement.scrollWidth - vw;
		const out = [];
		if (over > 0) for (const el of document.body.querySelectorAll("*")) {
			const r = el.getBoundingClientRect();
			if (r.right > vw + 1 && out.length < 5) out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().replace(/\s+/g, ".") : "") + " (right edge " + Math.round(r.right) + ")");
		}
		return {over: over, culprit: out.join(", ")};
	})()`))
	return r.Over, r.Culprit
}

// scrollsSideways says whether the page is wider than the window (a pixel of rounding
// allowed).
func scrollsSideways(t *testing.T, ctx context.Context) bool {
	t.Helper()
	return browsertest.Get(t, ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
}

// shoot saves a full-page screenshot of what the browser shows as /tmp/shots/name.png,
// to be looked at.
func shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png := browsertest.Get(t, ctx, chromedp.FullScreenshot(100))
	os.MkdirAll("/tmp/shots", 0o755)
	if err := os.WriteFile(filepath.Join("/tmp/shots", name+".png"), png, 0o644); err != nil {
		t.Log(err)
	}
}

// No admin screen scrolls sideways at 1280 or 390 px, whatever it shows (a 3000 px
// featured image, a preview with a wide table, an embed, long code and a long
// address, long names in every list), and each passes axe-core's WCAG 2.2 AA rules.
func TestNoAdminScreenScrollsSideways(t *testing.T) {
	x := newLayoutEnv(t)
	ctx := browsertest.Start(t)
	check := func(name string, w string) {
		t.Helper()
		if over, culprit := sideways(t, ctx); over > 0 {
			t.Errorf("%s at %s px scrolls sideways by %d px: %s", name, w, over, culprit)
		}
		browsertest.CheckAxe(t, ctx, name+" at "+w+" px")
	}
	// The screens seen before signing in: the setup (only while there is no account),
	// then the sign-in page.
	for _, w := range widths {
		browsertest.Do(t, ctx, viewport(w), chromedp.Navigate(x.setupURL), chromedp.WaitVisible(chromedp.ID("password")))
		check("setup", w.name)
	}
	x.populate(t)
	for _, w := range widths {
		browsertest.Do(t, ctx, viewport(w), chromedp.Navigate(x.http.URL+"/admin/login"), chromedp.WaitVisible(chromedp.ID("password")))
		check("sign-in", w.name)
	}
	browsertest.Do(t, ctx,
		chromedp.SendKeys(chromedp.ID("email"), "administrator@newsroom.example"),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS("form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".cards")))
	for _, w := range widths {
		browsertest.Do(t, ctx, viewport(w))
		for _, s := range x.screens() {
			s.open(t, ctx)
			check(s.name, w.name)
			switch s.name {
			case "editor-image", "articles", "dashboard", "editor-preview", "editor-conflict":
				shoot(t, ctx, "layout-"+s.name+"-"+w.name)
			}
			if s.name == "editor-preview" {
				png := browsertest.Get(t, ctx, chromedp.Screenshot(chromedp.CSS("iframe")))
				os.WriteFile("/tmp/shots/layout-preview-only-"+w.name+".png", png, 0o644)
			}
		}
	}
}

// The illustrated story in the editor: its 3000 px featured image is a thumbnail made
// from the smallest variant, sized before it loads, in the settings column beside the
// text, and the Save and Publish buttons are in the first screenful on a desktop; on a
// phone the column stacks under the text and nothing is wider than the screen.
func TestEditorShowsAThumbnailBesideTheText(t *testing.T) {
	x := newLayoutEnv(t)
	x.populate(t)
	ctx := browsertest.Start(t)
	signInAs(t, ctx, x.env, "administrator@newsroom.example")
	// A draft, so that both Save and Publish are offered.
	id, r := x.b.write("/admin/articles", "save", map[string]string{"title": "Draft with a photo", "image_media": "",
		"body": "Text.", "image_alt": "A harbour"})
	if id == 0 {
		t.Fatalf("draft: %d", r.status)
	}
	lib, _ := x.db.MediaLibrary(context.Background(), 1)
	a := x.stored(id)
	a.FeaturedImage = &news.Image{URL: x.image, Alt: "A harbour", Width: lib[0].Width, Height: lib[0].Height, Srcset: lib[0].Srcset}
	if err := x.db.UpdateArticle(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	type box struct {
		Src                                          string
		Natural, Shown, AttrW, AttrH                 int
		ThumbLeft, TextRight, TextBottom, SaveBottom float64
		PublishBottom, ViewportH, SideTop            float64
		PublishPrimary                               bool
	}
	measure := `new Promise(resolve => {
		const img = document.querySelector(".current-image img");
		const done = () => {
			const rect = s => document.querySelector(s).getBoundingClientRect();
			resolve({Src: img.currentSrc, Natural: img.naturalWidth, Shown: Math.round(img.getBoundingClientRect().width),
				AttrW: +img.getAttribute("width"), AttrH: +img.getAttribute("height"),
				ThumbLeft: img.getBoundingClientRect().left, TextRight: rect("#body").right, TextBottom: rect("#body").bottom,
				SaveBottom: rect('.publish-box button[value="save"]').bottom, PublishBottom: rect('.publish-box button[value="publish"]').bottom,
				PublishPrimary: document.querySelector('.publish-box button[value="publish"]').classList.contains("primary"),
				ViewportH: window.innerHeight, SideTop: rect(".editor-side").top});
		};
		if (img.complete) done(); else img.addEventListener("load", done);
	})`
	path := fmt.Sprintf("%s/admin/articles/%d", x.http.URL, id)
	for _, w := range widths {
		browsertest.Do(t, ctx, viewport(w), chromedp.Navigate(path), chromedp.WaitVisible(chromedp.CSS(".current-image img")))
		m := browsertest.Get(t, ctx, chromedp.Evaluate[box](measure, chromedp.EvalAwaitPromise))
		if !strings.HasSuffix(m.Src, "-480.png") || m.Natural != 480 {
			t.Errorf("%s px: the thumbnail loads %s (%d px wide), not the 480 px variant", w.name, m.Src, m.Natural)
		}
		if m.Shown > 240 || m.Shown < 100 || m.AttrW != 240 || m.AttrH != 160 {
			t.Errorf("%s px: the thumbnail is shown %d px wide, with width=%d height=%d", w.name, m.Shown, m.AttrW, m.AttrH)
		}
		if over, culprit := sideways(t, ctx); over > 0 {
			t.Errorf("%s px: the editor scrolls sideways by %d px: %s", w.name, over, culprit)
		}
		if !m.PublishPrimary {
			t.Errorf("%s px: Publish is not marked as the primary action", w.name)
		}
		if !w.phone {
			if m.ThumbLeft < m.TextRight {
				t.Errorf("the thumbnail (left edge %.0f) is not beside the body (right edge %.0f)", m.ThumbLeft, m.TextRight)
			}
			if m.SaveBottom > m.ViewportH || m.PublishBottom > m.ViewportH {
				t.Errorf("Save (bottom %.0f) and Publish (bottom %.0f) are not in the first %0.f px", m.SaveBottom, m.PublishBottom, m.ViewportH)
			}
		} else if m.SideTop < m.TextBottom {
			t.Errorf("on a phone the settings (top %.0f) are not under the text (bottom %.0f)", m.SideTop, m.TextBottom)
		}
		browsertest.CheckAxe(t, ctx, "editor with a thumbnail at "+w.name)
	}
}

func signInAs(t *testing.T, ctx context.Context, e *env, email string) {
	t.Helper()
	browsertest.Do(t, ctx,
		chromedp.Navigate(e.http.URL+"/admin/login"), chromedp.WaitVisible(chromedp.ID("password")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS("form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".cards")))
}

// On a phone every link of an administrator's menu is on the screen, not covered, and
// at least 24 × 24 px (WCAG 2.2, 2.5.8); axe-core checks their contrast.
func TestPhoneMenuReachesEveryLink(t *testing.T) {
	x := newLayoutEnv(t)
	x.populate(t)
	ctx := browsertest.Start(t)
	signInAs(t, ctx, x.env, "administrator@newsroom.example")
	type link struct {
		Text   string
		Left   float64
		Right  float64
		Top    float64
		Bottom float64
		OnTop  bool
	}
	for _, w := range widths {
		browsertest.Do(t, ctx, viewport(w), chromedp.Navigate(x.http.URL+"/admin/"), chromedp.WaitVisible(chromedp.CSS(".cards")))
		links := browsertest.Get(t, ctx, chromedp.Evaluate[[]link](`[...document.querySelectorAll(".admin-header nav a, .admin-header .signout button")].map(a => {
			const r = a.getBoundingClientRect();
			const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
			return {Text: a.textContent.trim(), Left: r.left, Right: r.right, Top: r.top, Bottom: r.bottom, OnTop: !!hit && (hit === a || a.contains(hit))};
		})`))
		if len(links) < 10 {
			t.Fatalf("%s px: only %d menu links", w.name, len(links))
		}
		vw := float64(w.width)
		for _, l := range links {
			if l.Left < 0 || l.Right > vw || l.Top < 0 || l.Bottom > float64(w.height) {
				t.Errorf("%s px: %q is off the screen (%.0f–%.0f × %.0f–%.0f)", w.name, l.Text, l.Left, l.Right, l.Top, l.Bottom)
			}
			if !l.OnTop {
				t.Errorf("%s px: %q is covered", w.name, l.Text)
			}
			if l.Right-l.Left < 24 || l.Bottom-l.Top < 24 {
				t.Errorf("%s px: %q is a target of %.0f × %.0f px", w.name, l.Text, l.Right-l.Left, l.Bottom-l.Top)
			}
		}
		browsertest.CheckAxe(t, ctx, "menu at "+w.name)
		shoot(t, ctx, "layout-menu-"+w.name)
		// Following the last link from the phone's menu works.
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`.admin-header a[href="/admin/account"]`)), chromedp.WaitVisible(chromedp.ID("current")))
	}
}

// The editor with a thumbnail, its preview of wide content and its conflict screen are
// valid HTML by the Nu HTML Checker.
func TestLayoutPagesAreValidHTML(t *testing.T) {
	jar := os.Getenv("VNU_JAR")
	if _, err := os.Stat(jar); err != nil {
		t.Fatalf("the Nu HTML Checker (set VNU_JAR to vnu.jar): %v", err)
	}
	x := newLayoutEnv(t)
	x.populate(t)
	b := x.b
	path := fmt.Sprintf("/admin/articles/%d", x.story)
	form, editor := b.openEditor(x.story)
	other := x.env.browser()
	other.login("administrator@newsroom.example")
	otherForm, _ := other.openEditor(x.story)
	otherForm["correction"] = "changed"
	other.write(path, "save", otherForm)
	form["title"] = "Mine"
	_, conflict := b.write(path, "save", form)
	pages := map[string]string{"editor-image": editor, "conflict": conflict.body,
		"preview": b.post("/admin/articles", url.Values{"csrf": {b.csrf()}, "action": {"preview"}, "title": {"P"}, "body": {wideBody(x.image)}}).body,
		"new":     b.get("/admin/articles/new").body, "dashboard": b.get("/admin/").body}
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
