//go:build browser

package admin_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"broadsheet/internal/browsertest"
	"broadsheet/internal/news"
)

// In the editor, the body's "Image or file" picker lists the library's PDF and sound
// file beside its image: the PDF goes into the body as a link, the sound as a player;
// the featured image's picker lists the image only and says why. axe-core passes with
// each dialog open; screenshots go to /tmp/shots/files-picker-*.png.
func TestBodyPickerInsertsFilesInABrowser(t *testing.T) {
	e := newEnv(t)
	e.clock.Real()
	e.addNamed("Rhea Reporter", "rhea@newsroom.example", news.RoleEditor)
	ctx0 := t.Context()
	if err := e.db.CreateMedia(ctx0, &news.Media{Name: "quay.png", ContentType: "image/png", Width: 10, Height: 10, Bytes: 100, Alt: "The quay"}); err != nil {
		t.Fatal(err)
	}
	w, err := e.db.BeginWXR(ctx0)
	if err != nil {
		t.Fatal(err)
	}
	for id, m := range map[string]*news.Media{
		"pdf":   {Name: "budget-2026.pdf", ContentType: "application/pdf", Bytes: 5000, Title: "Council budget 2026"},
		"audio": {Name: "interview.mp3", ContentType: "audio/mpeg", Bytes: 9000, Title: "Interview with the mayor"},
	} {
		if err := w.Media(ctx0, m, "wxr-test", id); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(ctx0, true); err != nil {
		t.Fatal(err)
	}
	ctx := browsertest.Start(t)
	signInAs(t, ctx, e, "rhea@newsroom.example")
	js := func(expr string) string { return browsertest.Get(t, ctx, chromedp.Evaluate[string](expr)) }
	browsertest.Do(t, ctx, chromedp.EmulateViewport(390, 900), chromedp.Navigate(fmt.Sprintf("%s/admin/articles/%d", e.http.URL, e.article.ID)),
		chromedp.WaitVisible(chromedp.ID("featured-library")))

	pick := func(label string) {
		browsertest.Get(t, ctx, chromedp.Evaluate[bool](`(() => { const b = document.getElementById("body"); b.value = "Before.\n"; b.setSelectionRange(8, 8); return true })()`))
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`.md-toolbar button[data-md="image"]`)),
			chromedp.Poll[chromedp.Void](`document.querySelectorAll("#md-library-list li").length === 3`))
		if !browsertest.Get(t, ctx, chromedp.Evaluate[bool](`(() => { for (const b of document.querySelectorAll("#md-library-list button")) if (b.textContent.includes(`+"`"+label+"`"+`)) { b.click(); return true } return false })()`)) {
			t.Fatalf("no %q in the body's picker: %s", label, js(`document.getElementById("md-library-list").textContent`))
		}
		browsertest.Do(t, ctx, chromedp.WaitNotVisible(chromedp.ID("md-library-dialog")))
	}
	pick("Council budget 2026")
	if body := js(`document.getElementById("body").value`); !strings.Contains(body, "[Council budget 2026](</media/budget-2026.pdf>)") {
		t.Errorf("the PDF picked for the body wrote %q, want a link to it", body)
	}
	pick("Interview with the mayor")
	browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`.md-toolbar button[data-md="image"]`)),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll("#md-library-list li").length === 3`))
	browsertest.CheckAxe(t, ctx, "the body's library picker with files")
	shoot(t, ctx, "files-picker-body")
	browsertest.Do(t, ctx, chromedp.Click(chromedp.ID("md-library-close")), chromedp.WaitNotVisible(chromedp.ID("md-library-dialog")))
	if body := js(`document.getElementById("body").value`); !strings.Contains(body, `<audio controls src="/media/interview.mp3">`) {
		t.Errorf("the sound picked for the body wrote %q, want a player", body)
	}

	// The featured image's picker: the image alone, and why.
	// The body's list is emptied first, so that what is waited for is the featured
	// picker's own list; the test's image has no file, and a broken image may have no
	// size, so its presence is waited for, not its visibility (which timed out under load).
	// The button is pressed by its click event, not at its place on the screen: at
	// 390 px the body's "Sound player added" message may lie over it for a moment, and
	// a click there once went to the message (CI, under load).
	browsertest.Get(t, ctx, chromedp.Evaluate[bool](`(() => { document.getElementById("md-library-list").replaceChildren(); document.getElementById("featured-library").click(); return true })()`))
	browsertest.Do(t, ctx, chromedp.Poll[chromedp.Void](`document.querySelectorAll("#md-library-list li button img").length > 0`))
	if n := js(`String(document.querySelectorAll("#md-library-list li").length)`); n != "1" {
		t.Errorf("the featured image's picker lists %s items, want the one image", n)
	}
	if note := js(`document.getElementById("md-library-note").textContent`); !strings.Contains(note, "Only images can be the featured image") {
		t.Errorf("the featured image's picker says %q", note)
	}
	browsertest.CheckAxe(t, ctx, "the featured image's picker")
	shoot(t, ctx, "files-picker-featured")
}
