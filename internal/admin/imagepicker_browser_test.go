//go:build browser

package admin_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"broadsheet/internal/browsertest"
	"broadsheet/internal/news"
)

// An editor picks the featured image in the library dialog at desktop and phone widths:
// thumbnails, "More images" past the first page, the oldest image picked; the select
// holds it, its thumbnail shows what was chosen, and saving makes it the featured
// image. axe-core passes with the dialog open and after the pick; screenshots go to
// /tmp/shots/finish-featured-*.png.
func TestFeaturedImagePickerInABrowser(t *testing.T) {
	e := newEnv(t)
	e.clock.Real()
	e.addNamed("Rhea Reporter", "rhea@newsroom.example", news.RoleEditor)
	b := e.browser()
	b.login("rhea@newsroom.example")
	for i := range 26 {
		if r := b.multipartPost("/admin/media", map[string]string{"csrf": b.csrf(), "alt": fmt.Sprintf("Harbour view %02d", i)}, "file", "h.png", pngImage(120+i, 80)); r.status != 303 {
			t.Fatalf("library upload: %d", r.status)
		}
	}
	lib, _ := e.db.MediaLibrary(context.Background(), 100)
	oldest := lib[len(lib)-1]
	ctx := browsertest.Start(t)
	signInAs(t, ctx, e, "rhea@newsroom.example")
	shot := func(name string) { shoot(t, ctx, "finish-featured-"+name) }
	js := func(expr string) string { return browsertest.Get(t, ctx, chromedp.Evaluate[string](expr)) }
	edit := fmt.Sprintf("%s/admin/articles/%d", e.http.URL, e.article.ID)
	for _, size := range []struct {
		name string
		w    int64
	}{{"1280", 1280}, {"390", 390}} {
		browsertest.Do(t, ctx, chromedp.EmulateViewport(size.w, 900), chromedp.Navigate(edit), chromedp.WaitVisible(chromedp.ID("featured-library")))
		browsertest.Do(t, ctx, chromedp.Click(chromedp.ID("featured-library")), chromedp.WaitVisible(chromedp.CSS("#md-library-list li button img")))
		if got := js(`document.getElementById("md-library-title").textContent`); got != "Choose the featured image" {
			t.Errorf("%s px: the dialog is headed %q", size.name, got)
		}
		browsertest.Do(t, ctx, chromedp.Click(chromedp.ID("md-library-more")),
			chromedp.Poll[chromedp.Void](`document.querySelectorAll("#md-library-list li").length === 26`))
		browsertest.CheckAxe(t, ctx, "featured-image dialog at "+size.name)
		shot("dialog-" + size.name)
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS("#md-library-list li:last-child button")),
			chromedp.WaitVisible(chromedp.CSS("#featured-chosen img")))
		if got := js(`document.getElementById("image-media").value`); got != fmt.Sprint(oldest.ID) {
			t.Errorf("%s px: the select's choice is %q, want the oldest image %d", size.name, got, oldest.ID)
		}
		if got := js(`document.activeElement.id`); got != "featured-library" {
			t.Errorf("%s px: focus went to %q after the pick, not back to the button", size.name, got)
		}
		if scrollsSideways(t, ctx) {
			t.Errorf("%s px: the editor scrolls sideways", size.name)
		}
		browsertest.CheckAxe(t, ctx, "editor after a featured pick at "+size.name)
		shot("chosen-" + size.name)
	}
	// Saving makes it the featured image, its alt text filled from the library.
	browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`.editor button[name="action"][value="save"]`)), chromedp.WaitVisible(chromedp.CSS(".current-image")))
	a := e.stored(e.article.ID)
	if a.FeaturedImage == nil || a.FeaturedImage.URL != "/media/"+oldest.Name || a.FeaturedImage.Alt != oldest.Alt {
		t.Errorf("after saving, the featured image is %+v, want %s described %q", a.FeaturedImage, oldest.Name, oldest.Alt)
	}
}
