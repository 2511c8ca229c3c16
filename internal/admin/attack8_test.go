package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// A writer's uploads are a rate in the store like their saves: a batch at once, then
// a pace, whichever form sends them (the library's, the inline upload), so that no
// account fills the disk or keeps the image processing busy in a loop.
func TestUploadsAreRateLimited(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleContributor)
	b := e.browser()
	b.login("contributor@newsroom.example")
	csrf := b.csrf()
	img := pngImage(8, 8)
	n := 0
	var last resp
	for i := 0; i < 100; i++ {
		if i%2 == 0 {
			last = b.multipartPost("/admin/media/inline", map[string]string{"csrf": csrf, "alt": "A dot"}, "file", "dot.png", img)
		} else {
			last = b.multipartPost("/admin/media", map[string]string{"csrf": csrf, "alt": "A dot"}, "file", "dot.png", img)
		}
		if last.status != http.StatusOK && last.status != http.StatusSeeOther {
			break
		}
		n++
	}
	if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" || !strings.Contains(last.body, "Nothing was uploaded") {
		t.Fatalf("after %d uploads in a loop: %d, Retry-After %q\n%.300s", n, last.status, last.header.Get("Retry-After"), last.body)
	}
	items, _ := e.db.MediaLibrary(context.Background(), 1000)
	if len(items) != n || n >= 100 {
		t.Errorf("%d uploads accepted, the library holds %d", n, len(items))
	}
	// The editor's featured image upload counts too.
	r := b.multipartPost("/admin/articles", map[string]string{"csrf": csrf, "title": "With a picture", "body": "Text.", "image_alt": "A dot", "action": "save"}, "image_file", "dot.png", img)
	if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "With a picture") {
		t.Errorf("a featured image upload past the rate: %d\n%.300s", r.status, r.body)
	}
	e.clock.Add(time.Minute)
	if r := b.multipartPost("/admin/media/inline", map[string]string{"csrf": csrf, "alt": "A dot"}, "file", "dot.png", img); r.status != http.StatusOK {
		t.Errorf("an upload a minute later: %d %s", r.status, r.body)
	}
}

// moveArticle moves one article as the list's form does, with the version it has now.
func (b *browser) moveArticle(a *news.Article, action string) resp {
	b.e.t.Helper()
	v := b.e.stored(a.ID).Version
	return b.post("/admin/articles/bulk", url.Values{"csrf": {b.csrf()}, "action": {action}, "ids": {fmt.Sprint(a.ID)}, fmt.Sprintf("v%d", a.ID): {fmt.Sprint(v)}})
}

// A private preview link is for a story before it goes out: publishing it, or moving it
// to the trash, ends its links for good (as WordPress's Public Post Preview does), so
// that a story pulled after publication, or restored from the trash, is not readable
// again by every link once sent to a source or a lawyer.
func TestPreviewLinksEndWhenTheStoryIsPublishedOrTrashed(t *testing.T) {
	e := newEnv(t)
	ed := e.addUser(news.RoleEditor)
	b := e.browser()
	b.login(ed.Email)
	anon := e.browser()

	a := e.storyOf(ed, "Pulled story", news.StatusDraft, time.Time{})
	link := makeLink(t, b, a)
	if r := anon.get(link); r.status != 200 {
		t.Fatalf("the draft's link: %d", r.status)
	}
	if r := b.moveArticle(a, "publish"); r.status != 303 {
		t.Fatalf("publish: %d\n%s", r.status, r.body)
	}
	if r := b.moveArticle(a, "unpublish"); r.status != 303 {
		t.Fatalf("unpublish: %d\n%s", r.status, r.body)
	}
	if r := anon.get(link); r.status != 404 || strings.Contains(r.body, "Pulled story") {
		t.Errorf("the link of a story published then pulled: %d", r.status)
	}

	d := e.storyOf(ed, "Binned draft", news.StatusDraft, time.Time{})
	link = makeLink(t, b, d)
	if r := b.moveArticle(d, "trash"); r.status != 303 {
		t.Fatalf("trash: %d\n%s", r.status, r.body)
	}
	if r := b.moveArticle(d, "restore"); r.status != 303 {
		t.Fatalf("restore: %d\n%s", r.status, r.body)
	}
	if e.stored(d.ID).Status != news.StatusDraft {
		t.Fatalf("restored as %s", e.stored(d.ID).Status)
	}
	if r := anon.get(link); r.status != 404 || strings.Contains(r.body, "Binned draft") {
		t.Errorf("the link of a story trashed then restored: %d", r.status)
	}
	// The story's preview screen lists no link that no longer works.
	if page := b.get(fmt.Sprintf("/admin/articles/%d/preview", d.ID)).body; strings.Contains(page, "/revoke") {
		t.Error("the preview screen still lists an ended link")
	}
}
