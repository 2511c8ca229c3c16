//go:build browser

package admin_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"broadsheet/internal/browsertest"
	"broadsheet/internal/news"
)

// Word processors' clipboards, as Google Docs and Word (desktop) put them.
const googleDocsHTML = `<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1a2b3c"><h1 dir="ltr" style="line-height:1.38"><span style="font-size:20pt;font-weight:400;font-style:normal">Harbour plans</span></h1>` +
	`<p dir="ltr"><span style="font-weight:400">The council </span><span style="font-weight:700">approved</span><span style="font-weight:700"> the plan</span><span style="font-weight:400"> on </span><span style="font-weight:400;font-style:italic">Monday</span><span style="font-weight:400">, see </span><a href="https://example.org/plan" style="text-decoration:none"><span style="color:#1155cc;font-weight:400;text-decoration:underline">the plan</span></a><span style="font-weight:400"> and </span><a href="javascript:alert(1)"><span>this</span></a><span>.</span></p>` +
	`<ul style="margin-top:0"><li dir="ltr" style="list-style-type:disc;font-weight:400" aria-level="1"><p dir="ltr" role="presentation"><span style="font-weight:400">New quay</span></p></li>` +
	`<ul style="margin-top:0"><li dir="ltr" style="list-style-type:circle;font-weight:400" aria-level="2"><p dir="ltr" role="presentation"><span style="font-weight:400">Forty berths</span></p></li></ul>` +
	`<li dir="ltr" style="list-style-type:disc;font-weight:400" aria-level="1"><p dir="ltr" role="presentation"><span style="font-weight:400">A ferry *stop*</span></p></li></ul>` +
	`<ol><li><p><span>First</span></p></li><li><p><span>Second</span></p></li></ol><blockquote><p><span>We waited ten years.</span></p></blockquote></b><br class="Apple-interchange-newline">`

const wordHTML = `<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>p.MsoNormal{margin:0}</style></head><body lang=EN-GB>` +
	"<!--StartFragment--><h2>Budget<o:p></o:p></h2>\n<p class=MsoNormal>Rates rise by <b style='mso-bidi-font-weight:normal'>4%</b>, says <i style='mso-bidi-font-style:normal'>the treasurer</i><a class=msocomanchor href=\"#_msocom_1\">[A1]</a>.<o:p></o:p></p>\n" +
	"<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol;mso-list:Ignore'>·<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp; </span></span><![endif]>Parks<o:p></o:p></p>\n" +
	"<p class=MsoListParagraphCxSpLast style='margin-left:72.0pt;text-indent:-18.0pt;mso-list:l0 level2 lfo1'><![if !supportLists]><span style='font-family:\"Courier New\";mso-list:Ignore'>o<span>&nbsp;&nbsp; </span></span><![endif]>Playgrounds<o:p></o:p></p>\n" +
	"<div style='mso-element:comment-list'><div style='mso-element:comment'><p class=MsoCommentText>Check this figure</p></div></div><!--EndFragment--></body></html>"

// A reporter writes in the editor at desktop and phone widths: each toolbar button and
// shortcut changes the Markdown as it should (and Ctrl+Z undoes it), text pasted from
// Google Docs and Word keeps its formatting as Markdown, a pasted and a dropped PNG are
// uploaded to the library after their alt text is asked for and written where the
// cursor is — never becoming the featured image —, a library image is picked, the word
// count follows the text, and leaving with unsaved changes is warned of (not after
// saving). axe-core passes with the toolbar and each dialog open; screenshots go to
// /tmp/shots/editorjs-*.png.
func TestEditorToolbarInABrowser(t *testing.T) {
	e := newEnv(t)
	e.clock.Real()
	e.addNamed("Rhea Reporter", "rhea@newsroom.example", news.RoleEditor)
	// A story with a featured image from the library.
	b := e.browser()
	b.login("rhea@newsroom.example")
	if r := b.multipartPost("/admin/media", map[string]string{"csrf": b.csrf(), "alt": "The old harbour wall"}, "file", "wall.png", pngImage(320, 200)); r.status != 303 {
		t.Fatalf("library upload: %d", r.status)
	}
	lib, _ := e.db.MediaLibrary(context.Background(), 10)
	featured := &news.Image{URL: "/media/" + lib[0].Name, Alt: "The old harbour wall", Width: 320, Height: 200, Srcset: lib[0].Srcset}
	story := &news.Article{Slug: "harbour", Title: "Harbour", BodyMarkdown: "Draft.", BodyHTML: "<p>Draft.</p>", Status: news.StatusDraft, FeaturedImage: featured}
	if err := e.db.CreateArticle(context.Background(), story); err != nil {
		t.Fatal(err)
	}
	png := base64.StdEncoding.EncodeToString(pngImage(90, 60))

	ctx := browsertest.Start(t)
	signInAs(t, ctx, e, "rhea@newsroom.example")
	shot := func(name string) { shoot(t, ctx, "editorjs-"+name) }
	js := func(expr string) string { return browsertest.Get(t, ctx, chromedp.Evaluate[string](expr)) }
	value := func() string { return js(`document.getElementById("body").value`) }
	setBody := func(v string, s, e int) {
		// The text a person typed, and what they selected in it.
		b, _ := json.Marshal(v)
		js(fmt.Sprintf(`(() => { const b = document.getElementById("body"); b.focus(); b.value = %s; b.setSelectionRange(%d, %d); b.dispatchEvent(new Event("input", {bubbles: true})); return ""; })()`, b, s, e))
	}
	press := func(sel string) {
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`.md-toolbar button[data-md="`+sel+`"]`)))
	}
	ctrl := func(key string) {
		browsertest.Do(t, ctx, chromedp.KeyEvent(key, chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	}
	expect := func(what, want string) {
		t.Helper()
		if got := value(); got != want {
			t.Errorf("%s: the body is %q, want %q", what, got, want)
		}
	}
	leaveWarned := func() bool {
		return browsertest.Get(t, ctx, chromedp.Evaluate[bool](`(() => { const e = new Event("beforeunload", {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented; })()`))
	}
	library := func() int { items, _ := e.db.MediaLibrary(context.Background(), 100); return len(items) }
	edit := fmt.Sprintf("%s/admin/articles/%d", e.http.URL, story.ID)

	for _, size := range []struct {
		name string
		w    int64
	}{{"1280", 1280}, {"390", 390}} {
		browsertest.Do(t, ctx, chromedp.EmulateViewport(size.w, 900), chromedp.Navigate(edit), chromedp.WaitVisible(chromedp.CSS(".md-toolbar")))
		if leaveWarned() {
			t.Errorf("%s px: a warning before leaving an unchanged form", size.name)
		}
		browsertest.CheckAxe(t, ctx, "editor with its toolbar at "+size.name)
		if scrollsSideways(t, ctx) {
			t.Errorf("%s px: the editor scrolls sideways", size.name)
		}

		// Typing, selecting, and each button.
		setBody("", 0, 0)
		browsertest.Do(t, ctx, chromedp.SendKeys(chromedp.ID("body"), "Hello world"))
		js(`(() => { document.getElementById("body").setSelectionRange(6, 11); return ""; })()`)
		press("bold")
		expect("bold", "Hello **world**")
		js(`(() => { document.execCommand("undo"); return ""; })()`)
		expect("undo after bold", "Hello world")
		setBody("Hello world ", 6, 12) // the trailing space stays outside the marker
		press("italic")
		expect("italic", "Hello *world* ")
		setBody("Hello *world* ", 7, 12)
		press("italic")
		expect("italic again removes it", "Hello world ")
		setBody("Harbour plans\nsecond", 3, 3)
		press("heading")
		expect("heading", "## Harbour plans\nsecond")
		setBody("one\ntwo", 0, 7)
		press("quote")
		expect("quote", "> one\n> two")
		setBody("one\ntwo", 0, 7)
		press("bullets")
		expect("bulleted list", "- one\n- two")
		press("bullets")
		expect("bulleted list pressed again", "one\ntwo")
		setBody("Intro\none\ntwo", 6, 13)
		press("numbers")
		expect("numbered list", "Intro\n\n1. one\n2. two")

		// Shortcuts.
		setBody("make it bold", 8, 12)
		ctrl("b")
		expect("Ctrl+B", "make it **bold**")
		setBody("make it lean", 8, 12)
		ctrl("i")
		expect("Ctrl+I", "make it *lean*")
		setBody("read the plan now", 9, 13)
		ctrl("k")
		browsertest.Do(t, ctx, chromedp.WaitVisible(chromedp.ID("md-link-url")))
		browsertest.CheckAxe(t, ctx, "link dialog at "+size.name)
		shot("link-dialog-" + size.name)
		browsertest.Do(t, ctx, chromedp.SendKeys(chromedp.ID("md-link-url"), "javascript:alert(1)\r"), chromedp.WaitVisible(chromedp.ID("md-link-error")))
		browsertest.Do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("md-link-url").value = ""`), chromedp.SendKeys(chromedp.ID("md-link-url"), "https://example.org/a plan\r"),
			chromedp.WaitNotVisible(chromedp.ID("md-link-dialog")))
		browsertest.Do(t, ctx, chromedp.Poll[chromedp.Void](`document.getElementById("body").value.includes("](")`))
		expect("Ctrl+K", "read the [plan](https://example.org/a%20plan) now")

		// The toolbar is one tab stop; arrow keys move along it.
		got := js(`(() => { const t = document.querySelector(".md-toolbar"); const b = t.querySelector("button"); b.focus();
			b.dispatchEvent(new KeyboardEvent("keydown", {key: "ArrowRight", bubbles: true}));
			const a = document.activeElement.dataset.md;
			document.activeElement.dispatchEvent(new KeyboardEvent("keydown", {key: "End", bubbles: true}));
			return a + " " + document.activeElement.dataset.md + " " + [...t.querySelectorAll("button")].filter(x => x.tabIndex === 0).length; })()`)
		if got != "italic image 1" {
			t.Errorf("%s px: arrow keys on the toolbar: %q", size.name, got)
		}

		// Pasting from Google Docs and from Word.
		paste := func(kind, data string) string {
			d, _ := json.Marshal(data)
			return js(fmt.Sprintf(`(() => { const b = document.getElementById("body"); b.focus(); b.value = ""; const dt = new DataTransfer(); dt.setData(%q, %s);
				if (%q === "text/html") dt.setData("text/plain", "plain");
				const ev = new ClipboardEvent("paste", {clipboardData: dt, bubbles: true, cancelable: true}); b.dispatchEvent(ev); return ev.defaultPrevented ? "converted" : "left"; })()`, kind, d, kind))
		}
		if paste("text/html", googleDocsHTML) != "converted" {
			t.Errorf("%s px: the Google Docs paste was not converted", size.name)
		}
		expect("Google Docs paste", "## Harbour plans\n\nThe council **approved the plan** on *Monday*, see [the plan](https://example.org/plan) and this.\n\n"+
			"- New quay\n  - Forty berths\n- A ferry \\*stop\\*\n\n1. First\n2. Second\n\n> We waited ten years.")
		paste("text/html", wordHTML)
		expect("Word paste", "## Budget\n\nRates rise by **4%**, says *the treasurer*.\n\n- Parks\n   - Playgrounds")
		if paste("text/plain", "Just **text**") != "left" {
			t.Errorf("%s px: a plain-text paste was changed", size.name)
		}

		// A pasted PNG: the alt text is asked for, then it is uploaded and written at the cursor.
		before := library()
		setBody("First paragraph.\n\nSecond.", 16, 16)
		js(fmt.Sprintf(`(() => { const bin = atob(%q); const a = new Uint8Array(bin.length); for (let i = 0; i < bin.length; i++) a[i] = bin.charCodeAt(i);
			const dt = new DataTransfer(); dt.items.add(new File([a], "kite.png", {type: "image/png"}));
			document.getElementById("body").dispatchEvent(new ClipboardEvent("paste", {clipboardData: dt, bubbles: true, cancelable: true})); return ""; })()`, png))
		browsertest.Do(t, ctx, chromedp.WaitVisible(chromedp.ID("md-image-alt")))
		browsertest.CheckAxe(t, ctx, "alt text dialog at "+size.name)
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`#md-image-dialog button[value="ok"]`)), chromedp.WaitVisible(chromedp.ID("md-image-error")))
		shot("alt-dialog-" + size.name)
		browsertest.Do(t, ctx, chromedp.SendKeys(chromedp.ID("md-image-alt"), "A red kite over the harbour"),
			chromedp.Click(chromedp.CSS(`#md-image-dialog button[value="ok"]`)),
			chromedp.Poll[chromedp.Void](`document.getElementById("body").value.includes("![A red kite")`))
		if v := value(); !strings.HasPrefix(v, "First paragraph.\n\n![A red kite over the harbour](/media/") || !strings.HasSuffix(v, ")\n\nSecond.") {
			t.Errorf("%s px: after pasting an image: %q", size.name, v)
		}
		if library() != before+1 {
			t.Errorf("%s px: the pasted image is not in the library", size.name)
		}
		// A dropped one, marked decorative.
		setBody("Top.", 4, 4)
		js(fmt.Sprintf(`(() => { const bin = atob(%q); const a = new Uint8Array(bin.length); for (let i = 0; i < bin.length; i++) a[i] = bin.charCodeAt(i);
			const dt = new DataTransfer(); dt.items.add(new File([a], "rule.png", {type: "image/png"}));
			document.getElementById("body").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true})); return ""; })()`, png))
		browsertest.Do(t, ctx, chromedp.WaitVisible(chromedp.ID("md-image-alt")), chromedp.Click(chromedp.ID("md-image-decorative")),
			chromedp.Click(chromedp.CSS(`#md-image-dialog button[value="ok"]`)),
			chromedp.Poll[chromedp.Void](`document.getElementById("body").value.includes("![](")`))
		if v := value(); !strings.HasPrefix(v, "Top.\n\n![](/media/") {
			t.Errorf("%s px: after dropping an image: %q", size.name, v)
		}
		if n := js(`String(document.getElementById("image-file").files.length)`); n != "0" {
			t.Errorf("%s px: the dropped image went into the featured image's upload field", size.name)
		}
		if library() != before+2 {
			t.Errorf("%s px: the dropped image is not in the library", size.name)
		}

		// The library picker.
		setBody("Pick: ", 6, 6)
		press("image")
		browsertest.Do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#md-library-list li button")))
		browsertest.CheckAxe(t, ctx, "library dialog at "+size.name)
		shot("library-dialog-" + size.name)
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`#md-library-list li:last-child button`)), chromedp.WaitVisible(chromedp.ID("md-image-alt")))
		if alt := js(`document.getElementById("md-image-alt").value`); alt != "The old harbour wall" {
			t.Errorf("%s px: the library image's alt text is not offered: %q", size.name, alt)
		}
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`#md-image-dialog button[value="ok"]`)), chromedp.WaitNotVisible(chromedp.ID("md-image-dialog")),
			chromedp.Poll[chromedp.Void](`document.getElementById("body").value.includes("![")`))
		expect("library pick", "Pick: \n\n![The old harbour wall]("+featured.URL+")")

		// The word count: 461 words are 3 minutes at 230 a minute, rounded up.
		setBody(strings.Repeat("word ", 461), 0, 0)
		browsertest.Do(t, ctx, chromedp.Poll[chromedp.Void](`document.getElementById("body-count").textContent.includes("461 words")`))
		if c := js(`document.getElementById("body-count").textContent`); c != "461 words · 3 min read" {
			t.Errorf("%s px: the word count says %q", size.name, c)
		}
		if live := js(`document.getElementById("body-count").getAttribute("aria-live")`); live != "polite" {
			t.Errorf("%s px: the word count is not a polite live region", size.name)
		}
		shot("editor-" + size.name)

		// Leaving: warned now; not while the form is being sent.
		if !leaveWarned() {
			t.Errorf("%s px: no warning before leaving with unsaved changes", size.name)
		}
		js(`(() => { const f = document.querySelector("form.editor"); f.addEventListener("submit", e => e.preventDefault(), {once: true}); f.requestSubmit(f.querySelector('button[value="save"]')); return ""; })()`)
		if leaveWarned() {
			t.Errorf("%s px: a warning while the form is being saved", size.name)
		}
	}

	// Ctrl+S saves the story and comes back to it; the featured image is the one it had.
	browsertest.Do(t, ctx, chromedp.Navigate(edit), chromedp.WaitVisible(chromedp.CSS(".md-toolbar")))
	setBody("Saved with the keyboard.", 0, 0)
	ctrl("s")
	// The save's own confirmation (the page may already show an autosave's notice,
	// also a .flash, which waiting for any .flash would take for it).
	// The page navigates meanwhile, which a poll does not survive: ask again until it shows.
	for deadline := time.Now().Add(browsertest.StepTimeout); ; {
		saved, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll(".flash")].some(f => f.textContent.includes("Draft saved."))`))
		if err == nil && saved {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no confirmation after Ctrl+S")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if leaveWarned() {
		t.Error("a warning before leaving just after saving")
	}
	a, err := e.db.Article(context.Background(), story.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.BodyMarkdown != "Saved with the keyboard." {
		t.Errorf("after Ctrl+S the body is %q", a.BodyMarkdown)
	}
	if a.FeaturedImage == nil || a.FeaturedImage.URL != featured.URL {
		t.Errorf("the featured image changed: %+v", a.FeaturedImage)
	}
}
