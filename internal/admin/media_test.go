package admin_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"regexp"
	"strings"
	"testing"

	"broadsheet/internal/media"
	"broadsheet/internal/news"
)

func pngImage(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

// multipartPost sends fields and one file (field "file" or as named) as a browser's
// multipart form does.
func (b *browser) multipartPost(path string, fields map[string]string, fileField, fileName string, data []byte) resp {
	b.e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if fileField != "" {
		fw, _ := mw.CreateFormFile(fileField, fileName)
		fw.Write(data)
	}
	mw.Close()
	req := bodyRequest(b.e, "POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.send(req)
}

func TestUploadsToTheLibrary(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleContributor)
	b := e.browser()
	b.login("contributor@newsroom.example")
	library := func() int {
		items, _ := e.db.MediaLibrary(context.Background(), 100)
		return len(items)
	}
	csrf := b.csrf()
	cases := []struct {
		name   string
		alt    string
		file   string
		data   []byte
		status int
		want   string
	}{
		{"no alt text", "", "photo.png", pngImage(40, 30), 422, "Please describe the image"},
		{"a script named .jpg", "A photo", "photo.jpg", []byte("#!/bin/sh\necho owned\n"), 422, "is not a JPEG, PNG, GIF or WebP image"},
		{"too large", "A photo", "huge.jpg", bytes.Repeat([]byte{0xFF}, media.MaxBytes+2<<20), 413, "larger than"},
		{"a decompression bomb", "A photo", "bomb.png", pngClaiming(100000, 100000), 422, "million pixels are accepted"},
	}
	for _, tc := range cases {
		r := b.multipartPost("/admin/media", map[string]string{"csrf": csrf, "alt": tc.alt}, "file", tc.file, tc.data)
		if r.status != tc.status || !strings.Contains(r.body, tc.want) {
			t.Errorf("%s: %d\n%s", tc.name, r.status, firstLine(r.body, tc.want))
		}
	}
	if n := library(); n != 0 {
		t.Fatalf("%d items stored from refused uploads", n)
	}
	if r := b.multipartPost("/admin/media", map[string]string{"csrf": "forged", "alt": "A photo"}, "file", "p.png", pngImage(40, 30)); r.status != 403 || library() != 0 {
		t.Errorf("forged token: %d", r.status)
	}
	if r := b.multipartPost("/admin/media", map[string]string{"csrf": csrf, "alt": "The harbour at dawn"}, "file", "p.png", pngImage(1200, 800)); r.status != 303 {
		t.Fatalf("upload: %d\n%s", r.status, r.body)
	}
	items, _ := e.db.MediaLibrary(context.Background(), 10)
	if len(items) != 1 || items[0].Alt != "The harbour at dawn" || items[0].Width != 1200 || !strings.Contains(items[0].Srcset, "960w") {
		t.Fatalf("library: %+v", items)
	}
	if r := e.browser().get("/media/" + items[0].Name); r.status != 200 || r.header.Get("Content-Type") != "image/png" {
		t.Errorf("the stored image is not served: %d", r.status)
	}
}

// pngClaiming is a small, valid PNG whose header claims w × h pixels.
func pngClaiming(w, h uint32) []byte {
	b := pngImage(1, 1)
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func firstLine(body, want string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if len(body) > 400 {
		body = body[:400]
	}
	return body
}

// An image uploaded from the editor becomes the article's featured image, with its
// srcset on the public page.
func TestEditorUploadsAFeaturedImage(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleAuthor)
	b := e.browser()
	b.login("author@newsroom.example")
	r := b.multipartPost("/admin/articles", map[string]string{"csrf": b.csrf(), "action": "publish", "title": "Pictured",
		"body": "Text.", "image_alt": "Boats in the harbour", "image_caption": "The harbour this morning"}, "image_file", "boats.png", pngImage(1000, 500))
	m := savedRe.FindStringSubmatch(r.header.Get("Location"))
	if m == nil {
		t.Fatalf("publish with an image: %d\n%s", r.status, r.body)
	}
	var id int64
	fmt.Sscan(m[1], &id)
	a := e.stored(id)
	if a.FeaturedImage == nil || a.FeaturedImage.Alt != "Boats in the harbour" || !strings.HasPrefix(a.FeaturedImage.URL, "/media/") || a.FeaturedImage.Width != 1000 {
		t.Fatalf("featured image %+v", a.FeaturedImage)
	}
	page := e.browser().get(e.site.ArticlePath(a)).body
	if !regexp.MustCompile(`<img src="/media/[0-9a-f]+\.png" srcset="/media/[0-9a-f]+-480\.png 480w, /media/[0-9a-f]+-960\.png 960w, /media/[0-9a-f]+\.png 1000w"`).MatchString(page) ||
		!strings.Contains(page, `alt="Boats in the harbour"`) || !strings.Contains(page, "<figcaption>The harbour this morning</figcaption>") {
		t.Errorf("the article page's image:\n%s", page[strings.Index(page, "<figure"):][:400])
	}
	// Saving again keeps the image ("current"), and a library image can replace it.
	path := fmt.Sprintf("/admin/articles/%d", id)
	if _, r := b.write(path, "save", map[string]string{"title": "Pictured", "body": "Text.", "image_media": "current", "image_alt": "Boats"}); r.status != 303 {
		t.Fatalf("save: %d", r.status)
	}
	if img := e.stored(id).FeaturedImage; img == nil || img.Alt != "Boats" {
		t.Errorf("current image lost: %+v", img)
	}
	if _, r := b.write(path, "save", map[string]string{"title": "Pictured", "body": "Text.", "image_media": "9999"}); r.status != 422 {
		t.Errorf("a library item that does not exist: %d", r.status)
	}
}
