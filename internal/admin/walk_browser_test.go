//go:build browser

package admin_test

// Faults found walking issue 8's editor as a reporter and an editor would, in
// Chromium at 1280 and 390 px (the HTTP half: walk_test.go). Screenshots go to
// /tmp/shots/editor-walk-*.png.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"broadsheet/internal/browsertest"
	"broadsheet/internal/news"
)

// At both widths: an image pasted with the cursor on the empty line between two
// paragraphs becomes a paragraph of its own (not the start of the next one); the
// buttons' words follow the publication time as it is typed (Schedule, Publish,
// Update); opening the trash's question leaves the other buttons as they were; and the
// conflict screen, which holds text that is not saved, warns before leaving. axe-core
// passes on each screen, which shows a featured image.
func TestEditorWalkInABrowser(t *testing.T) {
	e := newEnv(t)
	e.clock.Real()
	ed := e.addNamed("Rhea Reporter", "rhea@newsroom.example", news.RoleEditor)
	b := e.browser()
	b.login(ed.Email)
	if r := b.multipartPost("/admin/media", map[string]string{"csrf": b.csrf(), "alt": "The old harbour wall"}, "file", "wall.png", pngImage(1600, 900)); r.status != 303 {
		t.Fatalf("library upload: %d", r.status)
	}
	lib, _ := e.db.MediaLibrary(context.Background(), 10)
	live := e.stored(e.article.ID)
	live.FeaturedImage = &news.Image{URL: "/media/" + lib[0].Name, Alt: "The old harbour wall", Width: 1600, Height: 900, Srcset: lib[0].Srcset}
	if err := e.db.UpdateArticle(context.Background(), live); err != nil {
		t.Fatal(err)
	}
	draft := &news.Article{Slug: "draft", Title: "Draft", BodyMarkdown: "One.", BodyHTML: "<p>One.</p>", Status: news.StatusDraft, FeaturedImage: live.FeaturedImage}
	if err := e.db.CreateArticle(context.Background(), draft); err != nil {
		t.Fatal(err)
	}
	png := base64.StdEncoding.EncodeToString(pngImage(90, 60))

	ctx := browsertest.Start(t)
	signInAs(t, ctx, e, ed.Email)
	js := func(expr string) string { return browsertest.Get(t, ctx, chromedp.Evaluate[string](expr)) }
	labelsOf := func(value string) string {
		return js(`[...document.querySelectorAll('form.editor button[value="` + value + `"]')].map(b => b.textContent).join(" ")`)
	}
	typeTime := func(v string) {
		s, _ := json.Marshal(v)
		js(fmt.Sprintf(`(() => { const p = document.getElementById("published"); p.value = %s; p.dispatchEvent(new Event("input", {bubbles: true})); return ""; })()`, s))
	}
	leaveWarned := func() bool {
		return browsertest.Get(t, ctx, chromedp.Evaluate[bool](`(() => { const e = new Event("beforeunload", {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented; })()`))
	}
	// The site's zone is UTC; two days on is to come, whatever the minute.
	later := time.Now().UTC().Add(48 * time.Hour).Format("2006-01-02T15:04")
	imageParagraph := regexp.MustCompile(`^One\.\n\n!\[A kite\]\(/media/[^)\s]+\)\n\nTwo\.$`)

	for _, w := range []struct {
		name string
		px   int64
	}{{"1280", 1280}, {"390", 390}} {
		// An image pasted on the empty line between two paragraphs.
		browsertest.Do(t, ctx, chromedp.EmulateViewport(w.px, 900), chromedp.Navigate(fmt.Sprintf("%s/admin/articles/%d", e.http.URL, draft.ID)),
			chromedp.WaitVisible(chromedp.CSS(".md-toolbar")))
		js(`(() => { const b = document.getElementById("body"); b.focus(); b.value = "One.\n\nTwo."; b.setSelectionRange(5, 5); b.dispatchEvent(new Event("input", {bubbles: true})); return ""; })()`)
		js(fmt.Sprintf(`(() => { const bin = atob(%q); const a = new Uint8Array(bin.length); for (let i = 0; i < bin.length; i++) a[i] = bin.charCodeAt(i);
			const dt = new DataTransfer(); dt.items.add(new File([a], "kite.png", {type: "image/png"}));
			document.getElementById("body").dispatchEvent(new ClipboardEvent("paste", {clipboardData: dt, bubbles: true, cancelable: true})); return ""; })()`, png))
		browsertest.Do(t, ctx, chromedp.WaitVisible(chromedp.ID("md-image-alt")), chromedp.SendKeys(chromedp.ID("md-image-alt"), "A kite"),
			chromedp.Click(chromedp.CSS(`#md-image-dialog button[value="ok"]`)),
			chromedp.Poll[chromedp.Void](`document.getElementById("body").value.includes("![A kite]")`))
		if v := js(`document.getElementById("body").value`); !imageParagraph.MatchString(v) {
			t.Errorf("%s px: an image pasted between two paragraphs: %q", w.name, v)
		}
		// What a reader will see: the image alone in its paragraph.
		browsertest.Do(t, ctx, chromedp.Poll[chromedp.Void](`document.querySelector("#live-preview img") !== null`))
		if alone := js(`document.querySelector("#live-preview img").parentElement.textContent.trim()`); alone != "" {
			t.Errorf("%s px: the preview shows the image in a paragraph with %q", w.name, alone)
		}

		// The draft's Publish says Schedule once a time to come is typed, and Publish again without it.
		typeTime(later)
		if got := labelsOf("publish"); got != "Schedule Schedule" {
			t.Errorf("%s px: a draft with a time to come: the buttons say %q", w.name, got)
		}
		typeTime("")
		if got := labelsOf("publish"); got != "Publish Publish" {
			t.Errorf("%s px: a draft with no time: the buttons say %q", w.name, got)
		}

		// The live story: a time to come takes it off the site until then. (Leaving the
		// changed draft: the page is told the form is being sent, so that it does not ask.)
		js(`(() => { document.querySelector("form.editor").dispatchEvent(new Event("submit")); return ""; })()`)
		browsertest.Do(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/admin/articles/%d", e.http.URL, e.article.ID)), chromedp.WaitVisible(chromedp.CSS(".md-toolbar")))
		if got := labelsOf("save"); got != "Update Update" {
			t.Errorf("%s px: a live story's buttons say %q", w.name, got)
		}
		typeTime(later)
		if got := labelsOf("save"); got != "Schedule Schedule" {
			t.Errorf("%s px: a live story given a time to come: the buttons say %q", w.name, got)
		}
		js(`(() => { document.querySelector("form.editor").dispatchEvent(new Event("submit")); return ""; })()`)
		browsertest.Do(t, ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(".md-toolbar")))

		// The trash's question opens on a row of its own; the buttons keep their size.
		height := func() float64 {
			return browsertest.Get(t, ctx, chromedp.Evaluate[float64](`document.querySelector('.editor-foot button[value="save"]').getBoundingClientRect().height`))
		}
		closed := height()
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(".editor-foot .trash-confirm summary")), chromedp.WaitVisible(chromedp.CSS(".editor-foot .trash-confirm button")))
		if open := height(); math.Abs(open-closed) > 1 {
			t.Errorf("%s px: opening the trash's question makes Update %.0f px tall (was %.0f)", w.name, open, closed)
		}
		browsertest.CheckAxe(t, ctx, "the trash's question at "+w.name)
		js(`(() => { document.querySelector(".editor-foot").scrollIntoView(); return ""; })()`)
		shoot(t, ctx, "editor-walk-trash-"+w.name)

		// A colleague saves meanwhile: Update gives the conflict screen, with the
		// text typed; leaving it is warned of.
		browsertest.Do(t, ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(".md-toolbar")),
			chromedp.SendKeys(chromedp.ID("body"), " Mine at "+w.name+"."))
		other := e.stored(e.article.ID)
		other.Standfirst = "Theirs at " + w.name
		if err := e.db.UpdateArticle(context.Background(), other); err != nil {
			t.Fatal(err)
		}
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`.publish-box button[value="save"]`)), chromedp.WaitVisible(chromedp.ID("form-error")))
		if body := js(`document.getElementById("body").value`); !strings.Contains(body, "Mine at "+w.name) {
			t.Fatalf("%s px: the conflict screen lost the text typed: %q", w.name, body)
		}
		if !leaveWarned() {
			t.Errorf("%s px: no warning before leaving the conflict screen, whose text is not saved", w.name)
		}
		browsertest.CheckAxe(t, ctx, "the conflict with a featured image at "+w.name)
		if scrollsSideways(t, ctx) {
			t.Errorf("%s px: the conflict screen scrolls sideways", w.name)
		}
		shoot(t, ctx, "editor-walk-conflict-"+w.name)
		js(`(() => { document.querySelector("form.editor").dispatchEvent(new Event("submit")); return ""; })()`)
	}
}

// On a desktop, the article list shows each story's status as a whole word, however
// long the headlines, sections and bylines beside it (the body's overflow-wrap:
// anywhere let the table cut "published" into "publishe" and "d").
func TestArticleListKeepsStatusWordsWhole(t *testing.T) {
	e := newEnv(t)
	e.clock.Real()
	ed := e.addNamed("Rhea Reporter With A Rather Long Name", "rhea@newsroom.example", news.RoleEditor)
	for i := range 6 {
		a := &news.Article{Slug: fmt.Sprintf("s%d", i), Title: fmt.Sprintf("Council approves a new footbridge across the estuary after three hours of debate %d", i),
			BodyMarkdown: "x", BodyHTML: "<p>x</p>", Status: news.StatusPublished, PublishedAt: time.Now().Add(-time.Hour), OwnerID: ed.ID}
		if i%2 == 1 {
			a.Status, a.PublishedAt = news.StatusUnpublished, time.Time{}
		}
		if err := e.db.CreateArticle(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
	ctx := browsertest.Start(t)
	signInAs(t, ctx, e, ed.Email)
	browsertest.Do(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(e.http.URL+"/admin/articles"), chromedp.WaitVisible(chromedp.CSS("table.article-list")))
	// A word cut across lines has more than one line box.
	cut := browsertest.Get(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("table.article-list tbody tr")].map(tr => {
		const td = tr.children[2], r = document.createRange(); r.selectNodeContents(td.lastChild);
		return r.getClientRects().length > 1 ? td.textContent.trim() : ""; }).filter(Boolean)`))
	if len(cut) > 0 {
		t.Errorf("status words cut across lines: %q", cut)
	}
	shoot(t, ctx, "editor-walk-list-1280")
}

// A featured image chosen by the script — picked in the library dialog, or dropped on
// the featured-image box — is a change like a typed one: leaving the page asks first
// (nothing of it is saved until the editor saves).
func TestFeaturedImageChosenWarnsBeforeLeaving(t *testing.T) {
	e := newEnv(t)
	e.clock.Real()
	ed := e.addNamed("Rhea Reporter", "rhea@newsroom.example", news.RoleEditor)
	b := e.browser()
	b.login(ed.Email)
	if r := b.multipartPost("/admin/media", map[string]string{"csrf": b.csrf(), "alt": "The old harbour wall"}, "file", "wall.png", pngImage(320, 200)); r.status != 303 {
		t.Fatalf("library upload: %d", r.status)
	}
	draft := &news.Article{Slug: "draft", Title: "Draft", BodyMarkdown: "One.", BodyHTML: "<p>One.</p>", Status: news.StatusDraft}
	if err := e.db.CreateArticle(context.Background(), draft); err != nil {
		t.Fatal(err)
	}
	ctx := browsertest.Start(t)
	signInAs(t, ctx, e, ed.Email)
	edit := fmt.Sprintf("%s/admin/articles/%d", e.http.URL, draft.ID)
	leaveWarned := func() bool {
		return browsertest.Get(t, ctx, chromedp.Evaluate[bool](`(() => { const e = new Event("beforeunload", {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented; })()`))
	}
	for _, w := range []int64{1280, 390} {
		browsertest.Do(t, ctx, chromedp.EmulateViewport(w, 900), chromedp.Navigate(edit), chromedp.WaitVisible(chromedp.ID("featured-library")))
		if leaveWarned() {
			t.Fatalf("%d px: a warning before any change", w)
		}
		browsertest.Do(t, ctx, chromedp.Click(chromedp.ID("featured-library")), chromedp.WaitVisible(chromedp.CSS("#md-library-list li button")),
			chromedp.Click(chromedp.CSS("#md-library-list li button")), chromedp.WaitNotVisible(chromedp.ID("md-library-dialog")))
		if !leaveWarned() {
			t.Errorf("%d px: no warning before leaving after choosing the featured image from the library", w)
		}
		browsertest.Do(t, ctx, chromedp.Navigate(edit), chromedp.WaitVisible(chromedp.ID("featured-library")))
		dropped := browsertest.Get(t, ctx, chromedp.Evaluate[bool](`new Promise(resolve => {
			const c = document.createElement("canvas"); c.width = 40; c.height = 30;
			c.toBlob(b => {
				const dt = new DataTransfer(); dt.items.add(new File([b], "dropped.png", {type: "image/png"}));
				document.querySelector("form.editor .image-choice").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
				resolve(document.getElementById("image-file").files.length === 1);
			}, "image/png");
		})`, chromedp.EvalAwaitPromise))
		if !dropped {
			t.Fatalf("%d px: the dropped image is not in the upload field", w)
		}
		if !leaveWarned() {
			t.Errorf("%d px: no warning before leaving after dropping a featured image", w)
		}
	}
}

// Preview opens the unsaved form in a new tab: the editor's tab stays with its changes
// unsaved, so leaving it still asks first (pressing Preview used to count as saving).
func TestPreviewLeavesTheLeaveWarningOn(t *testing.T) {
	e := newEnv(t)
	e.clock.Real()
	ed := e.addNamed("Rhea Reporter", "rhea@newsroom.example", news.RoleEditor)
	ctx := browsertest.Start(t)
	signInAs(t, ctx, e, ed.Email)
	leaveWarned := func() bool {
		return browsertest.Get(t, ctx, chromedp.Evaluate[bool](`(() => { const e = new Event("beforeunload", {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented; })()`))
	}
	for _, w := range []int64{1280, 390} {
		browsertest.Do(t, ctx, chromedp.EmulateViewport(w, 900), chromedp.Navigate(fmt.Sprintf("%s/admin/articles/%d", e.http.URL, e.article.ID)),
			chromedp.WaitVisible(chromedp.CSS(".md-toolbar")), chromedp.SendKeys(chromedp.ID("body"), "Unsaved words. "))
		previews := func() int {
			n := 0
			targets, _ := chromedp.Targets(ctx)
			for _, t := range targets {
				if t.Type == "page" && strings.HasSuffix(t.URL, "/preview") {
					n++
				}
			}
			return n
		}
		before := previews()
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`.publish-box button[value="preview"]`)))
		for i := 0; i < 100 && previews() == before; i++ {
			time.Sleep(50 * time.Millisecond)
		}
		if previews() == before {
			t.Fatalf("%d px: Preview opened no tab", w)
		}
		if !leaveWarned() {
			t.Errorf("%d px: after Preview, leaving the editor with unsaved changes is not warned of", w)
		}
	}
}
