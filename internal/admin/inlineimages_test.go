package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"broadsheet/internal/news"
)

// A contributor's editor uploads an image for the body: it joins the library with its
// alt text (or none, when marked decorative), answers with its address as JSON, and
// refuses what the library refuses — no alt text, a forged form, a moderator.
func TestInlineImageUpload(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleContributor)
	b := e.browser()
	b.login("contributor@newsroom.example")
	csrf := b.csrf()
	r := b.multipartPost("/admin/media/inline", map[string]string{"csrf": csrf, "alt": "A red kite over the valley"}, "file", "kite.png", pngImage(60, 40))
	var got struct {
		ID     int64
		URL    string
		Alt    string
		Width  int
		Height int
	}
	if r.status != 200 || json.Unmarshal([]byte(r.body), &got) != nil {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	if !strings.HasPrefix(got.URL, "/media/") || got.Alt != "A red kite over the valley" || got.Width != 60 {
		t.Errorf("answer: %+v", got)
	}
	m, err := e.db.MediaItem(context.Background(), got.ID)
	if err != nil || m.Alt != "A red kite over the valley" {
		t.Fatalf("library item: %+v %v", m, err)
	}

	r = b.multipartPost("/admin/media/inline", map[string]string{"csrf": csrf, "alt": "  "}, "file", "kite.png", pngImage(60, 40))
	if r.status != 422 || !strings.Contains(r.body, "describe the image") {
		t.Errorf("no alt text: %d %s", r.status, r.body)
	}
	r = b.multipartPost("/admin/media/inline", map[string]string{"csrf": csrf, "decorative": "1"}, "file", "rule.png", pngImage(60, 4))
	if r.status != 200 || !strings.Contains(r.body, `"alt":""`) {
		t.Errorf("decorative: %d %s", r.status, r.body)
	}
	r = b.multipartPost("/admin/media/inline", map[string]string{"csrf": "forged", "alt": "A kite"}, "file", "kite.png", pngImage(60, 40))
	if r.status != 403 {
		t.Errorf("forged: %d", r.status)
	}
	items, _ := e.db.MediaLibrary(context.Background(), 100)
	if len(items) != 2 {
		t.Errorf("library holds %d images, want 2", len(items))
	}

	e.addUser(news.RoleModerator)
	mod := e.browser()
	mod.login("moderator@newsroom.example")
	r = mod.multipartPost("/admin/media/inline", map[string]string{"csrf": mod.csrf(), "alt": "A kite"}, "file", "kite.png", pngImage(60, 40))
	if r.status != 403 {
		t.Errorf("a moderator uploads: %d", r.status)
	}
	if r := mod.get("/admin/media/library.json"); r.status != 403 {
		t.Errorf("a moderator reads the library: %d", r.status)
	}
}

// The picker's library pages by keyset, 24 at a time, newest first, through every
// image however many there are.
func TestLibraryJSONPages(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleContributor)
	for i := range 50 {
		m := &news.Media{Name: fmt.Sprintf("p%02d.png", i), ContentType: "image/png", Width: 10, Height: 10, Bytes: 100, Alt: fmt.Sprint("Picture ", i)}
		if err := e.db.CreateMedia(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	b := e.browser()
	b.login("contributor@newsroom.example")
	seen := map[string]bool{}
	path, pages := "/admin/media/library.json", 0
	for path != "" {
		r := b.get(path)
		var page struct {
			Items []struct{ URL, Alt string }
			Next  int64
		}
		if r.status != 200 || json.Unmarshal([]byte(r.body), &page) != nil {
			t.Fatalf("%s: %d %s", path, r.status, r.body)
		}
		if len(page.Items) > 24 {
			t.Fatalf("a page of %d", len(page.Items))
		}
		for _, it := range page.Items {
			if seen[it.URL] {
				t.Errorf("%s twice", it.URL)
			}
			seen[it.URL] = true
		}
		if pages == 0 && page.Items[0].Alt != "Picture 49" {
			t.Errorf("first: %q", page.Items[0].Alt)
		}
		pages++
		path = ""
		if page.Next != 0 {
			path = fmt.Sprint("/admin/media/library.json?before=", page.Next)
		}
	}
	if len(seen) != 50 || pages != 3 {
		t.Errorf("%d images in %d pages", len(seen), pages)
	}
	if r := b.get("/admin/media/library.json?before=x"); r.status != 400 {
		t.Errorf("a bad page: %d", r.status)
	}
}

// A decorative body image joins the library without alt text; chosen as a story's
// featured image, which is content, it must be described: a save that leaves the alt
// text empty is refused and the story keeps no undescribed picture.
func TestDecorativeImageIsNoFeaturedImageWithoutAltText(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleAuthor)
	b := e.browser()
	b.login("author@newsroom.example")
	csrf := b.csrf()
	r := b.multipartPost("/admin/media/inline", map[string]string{"csrf": csrf, "decorative": "1"}, "file", "rule.png", pngImage(600, 400))
	var item struct{ ID int64 }
	if r.status != 200 || json.Unmarshal([]byte(r.body), &item) != nil {
		t.Fatalf("decorative upload: %d %s", r.status, r.body)
	}
	form := url.Values{"csrf": {csrf}, "action": {"save"}, "title": {"Undescribed"}, "body": {"Text."}, "image_media": {fmt.Sprint(item.ID)}, "image_alt": {"  "}}
	if r := b.post("/admin/articles", form); r.status != 422 || !strings.Contains(r.body, "alt text") {
		t.Errorf("featured image without alt text: %d", r.status)
	}
	list, _ := e.db.Articles(context.Background(), news.ArticleQuery{Limit: 10})
	for _, a := range list {
		if a.FeaturedImage != nil && a.FeaturedImage.Alt == "" {
			t.Errorf("%q was saved with a featured image that has no alt text", a.Title)
		}
	}
	form.Set("image_alt", "A ruled line")
	if r := b.post("/admin/articles", form); r.status != 303 {
		t.Errorf("described: %d", r.status)
	}
}
