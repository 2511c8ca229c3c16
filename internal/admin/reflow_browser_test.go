//go:build browser

package admin_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"broadsheet/internal/browsertest"
	"broadsheet/internal/media"
	"broadsheet/internal/news"
)

// The admin lays out on a phone and on a desktop as on paper: no page scrolls
// sideways (WCAG 1.4.10, reflow), the navigation's words stay whole (a flex row of
// links under the page's overflow-wrap: anywhere shrank "Dashboard" to "Das / hbo /
// ard" at 390 px), and the editor's "Featured image" box stays in its column (its
// file input's width pushed it 3 px past a phone's screen and over the next column
// on a desktop), nor does the picture of a story's featured image.
func TestAdminReflowsInABrowser(t *testing.T) {
	e := newEnv(t)
	e.clock.Real()
	e.addUser(news.RoleAdministrator)
	// A portrait phone photo as a story's featured image: the editor shows it.
	if err := os.WriteFile(filepath.Join(string(e.files.(media.Dir)), "tall.png"), pngImage(600, 1200), 0o644); err != nil {
		t.Fatal(err)
	}
	photo := *e.article
	photo.ID, photo.Slug, photo.Version = 0, "a-photo", 0
	photo.FeaturedImage = &news.Image{URL: "/media/tall.png", Alt: "The harbour wall", Width: 600, Height: 1200}
	if err := e.db.CreateArticle(context.Background(), &photo); err != nil {
		t.Fatal(err)
	}
	ctx := browsertest.Start(t)
	signInAs(t, ctx, e, "administrator@newsroom.example")
	pages := []string{"/admin/", "/admin/articles", "/admin/articles/new", "/admin/articles/" + itoa(e.article.ID), "/admin/articles/" + itoa(photo.ID),
		"/admin/comments", "/admin/media", "/admin/users", "/admin/settings", "/admin/privacy", "/admin/sections", "/admin/account"}
	for _, w := range []int64{320, 390, 1280} {
		browsertest.Do(t, ctx, chromedp.EmulateViewport(w, 900))
		for _, path := range pages {
			browsertest.Do(t, ctx, chromedp.Navigate(e.http.URL+path), chromedp.WaitVisible(chromedp.CSS("main h1")))
			if browsertest.Get(t, ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)) {
				t.Errorf("%s at %d px: the page scrolls sideways", path, w)
			}
			// A link of one word taller than a line was broken inside the word.
			broken := browsertest.Get(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll(".admin-header nav a")].filter(a => !a.textContent.trim().includes(" ") && a.getBoundingClientRect().height > 1.5 * parseFloat(getComputedStyle(a).lineHeight)).map(a => a.textContent.trim()).join(", ")`))
			if broken != "" {
				t.Errorf("%s at %d px: navigation words broken: %s", path, w, broken)
			}
			if strings.HasPrefix(path, "/admin/articles/") {
				over := browsertest.Get(t, ctx, chromedp.Evaluate[bool](`(() => {
					const box = document.querySelector(".image-choice"), alt = document.getElementById("image-alt");
					const f = box.getBoundingClientRect();
					const next = alt.getBoundingClientRect();
					// The alt text inside the box (the editor's settings column): the box
					// need only stay within the page.
					if (box.contains(alt)) return f.right > document.querySelector("main").getBoundingClientRect().right;
					const main = document.querySelector("main").getBoundingClientRect();
					// Beside the next field (a desktop's columns) or above it (a phone's one).
					return f.right > main.right || (next.top < f.bottom && next.left < f.right && next.left > f.left);
				})()`))
				if over {
					t.Errorf("%s at %d px: the featured-image box leaves its column", path, w)
				}
			}
		}
	}
}
