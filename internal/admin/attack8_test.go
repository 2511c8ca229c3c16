package admin_test

import (
	"context"
	"net/http"
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
