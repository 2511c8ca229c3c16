//go:build browser

package admin_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"broadsheet/internal/browsertest"
	"broadsheet/internal/news"
)

// previewStory uploads a real picture and saves a draft with it, a standfirst and a
// correction, as b; it returns the story's ID.
func previewStory(t *testing.T, e *env, b *browser, title string) int64 {
	t.Helper()
	r := b.multipartPost("/admin/media", map[string]string{"csrf": b.csrf(), "alt": "Boats in the harbour at dawn"}, "file", "harbour.png", pngImage(1600, 900))
	if r.status != 303 {
		t.Fatalf("upload: %d", r.status)
	}
	lib, _ := e.db.MediaLibrary(context.Background(), 1)
	id, r := b.write("/admin/articles", "save", map[string]string{"title": title, "standfirst": "The harbour opens to ships again after the storm",
		"body": "The **first** ship came in at dawn.\n\n## What changed\n\nThe sea wall was rebuilt.", "image_media": fmt.Sprint(lib[0].ID),
		"image_alt": "Boats in the harbour at dawn", "image_caption": "The harbour this morning", "correction": "An earlier version gave the wrong date."})
	if id == 0 {
		t.Fatalf("save: %d %s", r.status, r.body)
	}
	return id
}

// In Chromium at 1280 and 390 px: the preview shows the site's own page (its
// stylesheet applied: the headline in the site's serif, the picture loaded) in a
// frame as wide as the column or as a phone, switched without script; a private link
// made from it opens for a visitor who is not signed in; the editor's buttons say what
// they do; the trash asks, then offers Undo, which restores; a contributor sees their
// scheduled story read-only. Each screen passes axe-core.
func TestPreviewScreensInABrowser(t *testing.T) {
	e := newEnv(t)
	e.clock.Real()
	ed := e.addUser(news.RoleEditor)
	co := e.addUser(news.RoleContributor)
	b := e.browser()
	b.login(ed.Email)
	ctx := browsertest.Start(t)
	signInAs(t, ctx, e, ed.Email)
	for _, w := range widths {
		browsertest.Do(t, ctx, viewport(w))
		id := previewStory(t, e, b, "Harbour reopens "+w.name)
		editor := fmt.Sprintf("%s/admin/articles/%d", e.http.URL, id)

		// The editor: labels, the primary action at the top, the trash's question.
		browsertest.Do(t, ctx, chromedp.Navigate(editor), chromedp.WaitVisible(chromedp.ID("title")))
		top := browsertest.Get(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll(".publish-box .actions button")].map(b => b.textContent + (b.classList.contains("primary") ? "*" : "")).join(", ")`))
		if top != "Save draft, Preview (opens in a new tab), Publish*" {
			t.Errorf("%s px: top buttons %q", w.name, top)
		}
		browsertest.Do(t, ctx, chromedp.ScrollIntoView(chromedp.CSS(".trash-confirm summary")), chromedp.Click(chromedp.CSS(".trash-confirm summary")),
			chromedp.WaitVisible(chromedp.CSS(`.trash-confirm button[value="trash"]`)))
		browsertest.CheckAxe(t, ctx, "the editor with the trash's question at "+w.name+" px")
		if over, culprit := sideways(t, ctx); over > 0 {
			t.Errorf("the editor at %s px scrolls sideways by %d: %s", w.name, over, culprit)
		}
		shoot(t, ctx, "i8-preview-editor-trash-confirm-"+w.name)

		// The preview page: the site's page in its frame.
		browsertest.Do(t, ctx, chromedp.Navigate(editor+"/preview"), chromedp.WaitVisible(chromedp.CSS("iframe.preview-frame")))
		frameWidth := func() int {
			return browsertest.Get(t, ctx, chromedp.Evaluate[int](`Math.round(document.querySelector("iframe.preview-frame").getBoundingClientRect().width)`))
		}
		desktop := frameWidth()
		browsertest.CheckAxe(t, ctx, "the preview at "+w.name+" px")
		if over, culprit := sideways(t, ctx); over > 0 {
			t.Errorf("the preview at %s px scrolls sideways by %d: %s", w.name, over, culprit)
		}
		shoot(t, ctx, "i8-preview-desktop-"+w.name)
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`label[for="pw-phone"]`)))
		phone := frameWidth()
		if w.name == "1280" && (phone != 390 || desktop < 700) {
			t.Errorf("the frame: %d px as a desktop, %d px as a phone", desktop, phone)
		}
		if phone > 390 {
			t.Errorf("%s px: the phone frame is %d px wide", w.name, phone)
		}
		shoot(t, ctx, "i8-preview-phone-"+w.name)

		// A private link, opened by a visitor who is not signed in (the session's
		// cookie is the admin's only).
		// Submitted as its button would (the frame above may still be growing as the
		// preview's images load, moving the button under a click by coordinates).
		browsertest.Do(t, ctx, chromedp.ScrollIntoView(chromedp.CSS(`.preview-links button[type="submit"]`)), chromedp.Submit(chromedp.CSS(`.preview-links form`)), chromedp.WaitVisible(chromedp.CSS("p.flash")))
		flash := browsertest.Get(t, ctx, chromedp.Evaluate[string](`document.querySelector(".flash").textContent`))
		link := regexp.MustCompile(`https?://\S+/preview/[A-Za-z0-9]+/`).FindString(flash)
		if link == "" {
			t.Fatalf("no link in %q", flash)
		}
		browsertest.CheckAxe(t, ctx, "the preview with its links at "+w.name+" px")
		shoot(t, ctx, "i8-preview-links-"+w.name)
		browsertest.Do(t, ctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("h1.headline")))
		if note := browsertest.Get(t, ctx, chromedp.Evaluate[string](`document.querySelector(".preview-note").textContent`)); !strings.Contains(note, "not published yet") {
			t.Errorf("the private link's note: %q", note)
		}
		// The site's page (the same PreviewPage the admin's frame shows, whose document
		// a sandboxed frame keeps from the test): its stylesheet applied, the picture
		// loaded, the byline shown.
		type look struct {
			Font     string `json:"font"`
			Image    int    `json:"image"`
			Byline   string `json:"byline"`
			Headline string `json:"headline"`
		}
		got := browsertest.Get(t, ctx, chromedp.Evaluate[look](`(() => { const img = document.querySelector("figure.featured-image img");
			return {font: getComputedStyle(document.querySelector("h1.headline")).fontFamily, image: img && img.complete ? img.naturalWidth : 0,
				byline: document.querySelector(".byline").textContent, headline: document.querySelector("h1.headline").textContent} })()`))
		if !strings.Contains(got.Font, "Georgia") || got.Image == 0 || !strings.Contains(got.Byline, "By The editor") || got.Headline != "Harbour reopens "+w.name {
			t.Errorf("%s px: the private link's page: %+v", w.name, got)
		}
		browsertest.CheckAxe(t, ctx, "the private link at "+w.name+" px")
		if over, culprit := sideways(t, ctx); over > 0 {
			t.Errorf("the private link at %s px scrolls sideways by %d: %s", w.name, over, culprit)
		}
		shoot(t, ctx, "i8-preview-private-link-"+w.name)

		// The trash, then Undo.
		browsertest.Do(t, ctx, chromedp.Navigate(editor), chromedp.WaitVisible(chromedp.ID("title")),
			chromedp.ScrollIntoView(chromedp.CSS(".trash-confirm summary")), chromedp.Click(chromedp.CSS(".trash-confirm summary")),
			chromedp.Click(chromedp.CSS(`.trash-confirm button[value="trash"]`)), chromedp.WaitVisible(chromedp.CSS(`button[form="undo-form"]`)))
		browsertest.CheckAxe(t, ctx, "the list with Undo at "+w.name+" px")
		shoot(t, ctx, "i8-preview-trash-undo-"+w.name)
		if got := e.stored(id).Status; got != news.StatusTrash {
			t.Fatalf("after the trash: %s", got)
		}
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`button[form="undo-form"]`)), chromedp.WaitVisible(chromedp.ID("title")))
		if got := e.stored(id).Status; got != news.StatusDraft {
			t.Errorf("after Undo: %s", got)
		}
	}
	// A contributor's scheduled story, read-only.
	cb := e.browser()
	cb.login(co.Email)
	own := e.storyOf(co, "My scheduled piece", news.StatusScheduled, e.clock.Now().Add(48*3600e9))
	browsertest.Do(t, ctx, chromedp.Navigate(e.http.URL+"/admin/"), chromedp.WaitVisible(chromedp.CSS(".signout button")),
		chromedp.Click(chromedp.CSS(".signout button")), chromedp.WaitVisible(chromedp.ID("password")))
	signInAs(t, ctx, e, co.Email)
	for _, w := range widths {
		browsertest.Do(t, ctx, viewport(w), chromedp.Navigate(fmt.Sprintf("%s/admin/articles/%d", e.http.URL, own.ID)), chromedp.WaitVisible(chromedp.CSS("iframe.preview-frame")))
		browsertest.CheckAxe(t, ctx, "a contributor's read-only story at "+w.name+" px")
		if over, culprit := sideways(t, ctx); over > 0 {
			t.Errorf("the read-only story at %s px scrolls sideways by %d: %s", w.name, over, culprit)
		}
		shoot(t, ctx, "i8-preview-readonly-"+w.name)
	}
	_ = url.Values{}
}

// previewPages are the screens of preview.go, for the Nu HTML Checker.
func previewPages(t *testing.T, e *env, b *browser) map[string]string {
	t.Helper()
	ed := e.addNamed("Preview Editor", "preview.editor@newsroom.example", news.RoleEditor)
	eb := e.browser()
	eb.login(ed.Email)
	a := e.storyOf(ed, "Checked preview", news.StatusDraft, e.clock.Now().Add(3600e9))
	pages := map[string]string{}
	makeLink(t, eb, a)
	pages["i8-preview"] = eb.get(fmt.Sprintf("/admin/articles/%d/preview", a.ID)).body
	pages["i8-preview-unsaved"] = eb.post(fmt.Sprintf("/admin/articles/%d/preview", a.ID), url.Values{"csrf": {eb.csrf()}, "title": {"T"}, "body": {"*x*\n\n<iframe src=\"https://evil.example/\"></iframe>"}}).body
	pages["i8-editor-schedule"] = eb.get(fmt.Sprintf("/admin/articles/%d", a.ID)).body
	link := makeLink(t, eb, a)
	pages["i8-private-link"] = e.browser().get(link).body
	eb.write(fmt.Sprintf("/admin/articles/%d", a.ID), "trash", map[string]string{"title": a.Title, "body": "x"})
	pages["i8-trash-undo"] = eb.get("/admin/articles").body
	co := e.addNamed("Preview Contributor", "preview.contributor@newsroom.example", news.RoleContributor)
	cb := e.browser()
	cb.login(co.Email)
	own := e.storyOf(co, "Read only", news.StatusScheduled, e.clock.Now().Add(3600e9))
	pages["i8-readonly"] = cb.get(fmt.Sprintf("/admin/articles/%d", own.ID)).body
	// In review: read-only, with Withdraw to edit; live: its full public link.
	review := e.storyOf(co, "Read only in review", news.StatusReview, time.Time{})
	pages["i8-readonly-review"] = cb.get(fmt.Sprintf("/admin/articles/%d", review.ID)).body
	live := e.storyOf(co, "Read only and live", news.StatusPublished, e.clock.Now().Add(-3600e9))
	pages["i8-readonly-live"] = cb.get(fmt.Sprintf("/admin/articles/%d", live.ID)).body
	return pages
}
