package admin_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"broadsheet/internal/news"
)

// addLibrary puts n images in the library (the oldest first), named pic-NN.png and
// described "Picture NN".
func (e *env) addLibrary(n int) []*news.Media {
	e.t.Helper()
	var out []*news.Media
	for i := range n {
		m := &news.Media{Name: fmt.Sprintf("pic-%02d.png", i), ContentType: "image/png", Width: 40, Height: 30, Bytes: 100, Alt: fmt.Sprintf("Picture %02d", i)}
		if err := e.db.CreateMedia(context.Background(), m); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// Without a script, an image older than the newest 50 the select lists is found by
// name: one match becomes the featured image on save; several are refused with the
// typed story kept and the matches listed in the select; none says so. A choice of an
// older item (as the script's dialog makes it) survives a refused save, selected.
func TestFeaturedImageBeyondTheNewestFifty(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	lib := e.addLibrary(60)
	b := e.browser()
	b.login("editor@newsroom.example")
	id := e.article.ID
	path := fmt.Sprintf("/admin/articles/%d", id)
	fields, page := b.openEditor(id)
	if strings.Contains(page, `value="`+fmt.Sprint(lib[3].ID)+`"`) || !strings.Contains(page, `name="image_find"`) {
		t.Fatalf("the select lists an image older than the newest 50, or there is no search")
	}
	send := func(change map[string]string) resp {
		form := url.Values{}
		for k, v := range fields {
			form.Set(k, v)
		}
		for k, v := range change {
			form.Set(k, v)
		}
		form.Set("csrf", b.csrf())
		form.Set("action", "save")
		return b.post(path, form)
	}
	// Several match "Picture 0": refused, the story's typed words kept, the matches listed.
	r := send(map[string]string{"image_find": "Picture 0", "title": "Typed headline"})
	if r.status != 422 || !strings.Contains(r.body, "Several images match “Picture 0”") || !strings.Contains(r.body, `value="Typed headline"`) {
		t.Fatalf("an ambiguous search: %d", r.status)
	}
	if !strings.Contains(r.body, fmt.Sprintf(`<option value="%d">Picture 03 (40 × 30)</option>`, lib[3].ID)) || strings.Contains(r.body, "Picture 55") {
		t.Errorf("the matches are not what the select lists")
	}
	if e.stored(id).Title == "Typed headline" {
		t.Errorf("a refused save was saved")
	}
	// Nothing matches.
	if r := send(map[string]string{"image_find": "zebra"}); r.status != 422 || !strings.Contains(r.body, "No image in the library matches “zebra”") {
		t.Errorf("a search with no match: %d", r.status)
	}
	// One match, by file name: saved as the featured image.
	if r := send(map[string]string{"image_find": "pic-03", "image_alt": "Picture three"}); r.status != 303 {
		t.Fatalf("a search with one match: %d\n%s", r.status, r.body)
	}
	if img := e.stored(id).FeaturedImage; img == nil || !strings.HasSuffix(img.URL, "/"+lib[3].Name) {
		t.Fatalf("the featured image is %+v, want %s", img, lib[3].Name)
	}
	// An older item chosen in the select (the dialog's way) and a refused save: the
	// choice is still there, selected.
	fields, _ = b.openEditor(id)
	r = send(map[string]string{"image_media": fmt.Sprint(lib[1].ID), "author": "Nobody Known", "byline": "1"})
	if r.status != 422 || !strings.Contains(r.body, fmt.Sprintf(`<option value="%d" selected>Picture 01`, lib[1].ID)) {
		t.Errorf("an older choice is lost on a refused save: %d", r.status)
	}
	if r := send(map[string]string{"image_media": fmt.Sprint(lib[1].ID)}); r.status != 303 {
		t.Fatalf("choosing an older item: %d", r.status)
	}
	if img := e.stored(id).FeaturedImage; img == nil || !strings.HasSuffix(img.URL, "/"+lib[1].Name) {
		t.Errorf("the featured image is %+v, want %s", img, lib[1].Name)
	}
}
