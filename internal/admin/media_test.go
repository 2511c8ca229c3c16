package admin_test

import (
	"bytes"
	"compress/lzw"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"html"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"mime/multipart"
	"os"
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

// gifBomb is a valid animated GIF of frames frames of w × h pixels, all colour 0: one
// frame's LZW data (written by streaming zeros, never holding the frame) repeated.
func gifBomb(frames, w, h int) []byte {
	var packed bytes.Buffer
	lw := lzw.NewWriter(&packed, lzw.LSB, 8)
	zero := make([]byte, 64<<10)
	for n := w * h; n > 0; n -= len(zero) {
		lw.Write(zero[:min(n, len(zero))])
	}
	lw.Close()
	var frame bytes.Buffer
	frame.Write([]byte{0x21, 0xF9, 4, 0, 10, 0, 0, 0, 0x2C, 0, 0, 0, 0})
	binary.Write(&frame, binary.LittleEndian, [2]uint16{uint16(w), uint16(h)})
	frame.Write([]byte{0, 8})
	for p := packed.Bytes(); len(p) > 0; p = p[min(len(p), 255):] {
		frame.WriteByte(byte(min(len(p), 255)))
		frame.Write(p[:min(len(p), 255)])
	}
	frame.WriteByte(0)
	var b bytes.Buffer
	b.WriteString("GIF89a")
	binary.Write(&b, binary.LittleEndian, [2]uint16{uint16(w), uint16(h)})
	b.Write([]byte{0xF7, 0, 0})
	b.Write(make([]byte, 3*256))
	b.Write([]byte{0x21, 0xFF, 11})
	b.WriteString("NETSCAPE2.0")
	b.Write([]byte{3, 1, 0, 0, 0})
	for range frames {
		b.Write(frame.Bytes())
	}
	b.WriteByte(0x3B)
	return b.Bytes()
}

// A contributor's animated GIF bomb (100 frames of 7000 × 7000 in 3.6 MB, 4.6 GB
// once decoded) is refused, from the library and from the editor, with words that
// say what is too large and what to do; nothing is stored.
func TestAGIFBombIsRefusedWithReasons(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleContributor)
	b := e.browser()
	b.login("contributor@newsroom.example")
	bomb := gifBomb(100, 7000, 7000)
	const why = "This animated GIF has 100 frames of 7000 × 7000 pixels: processing it would need"

	r := b.multipartPost("/admin/media", map[string]string{"csrf": b.csrf(), "alt": "A cat"}, "file", "cat.gif", bomb)
	body := html.UnescapeString(r.body)
	if r.status != 422 || !strings.Contains(body, why) || !strings.Contains(body, "at most 256 MB is allowed. Make it smaller or with fewer frames. Nothing was uploaded.") {
		t.Errorf("library upload: %d\n%s", r.status, firstLine(body, why))
	}
	r = b.multipartPost("/admin/articles", map[string]string{"csrf": b.csrf(), "action": "save", "title": "Cats",
		"body": "Text.", "image_alt": "A cat"}, "image_file", "cat.gif", bomb)
	body = html.UnescapeString(r.body)
	if r.status != 422 || !strings.Contains(body, why) || !strings.Contains(body, "Nothing was saved.") {
		t.Errorf("editor upload: %d\n%s", r.status, firstLine(body, why))
	}
	if items, _ := e.db.MediaLibrary(context.Background(), 10); len(items) != 0 {
		t.Errorf("the library has %d items", len(items))
	}
	if stored, _ := os.ReadDir(string(e.files.(media.Dir))); len(stored) != 0 {
		t.Errorf("%d files stored", len(stored))
	}
	// An animation within the budget still joins the library, all its frames kept.
	if r := b.multipartPost("/admin/media", map[string]string{"csrf": b.csrf(), "alt": "A blinking cursor"}, "file", "c.gif", gifBomb(20, 600, 400)); r.status != 303 {
		t.Fatalf("a small animation: %d\n%s", r.status, r.body)
	}
	items, _ := e.db.MediaLibrary(context.Background(), 10)
	if len(items) != 1 || items[0].ContentType != "image/gif" || items[0].Width != 600 {
		t.Fatalf("library: %+v", items)
	}
	got := e.browser().get("/media/" + items[0].Name)
	if g, err := gif.DecodeAll(strings.NewReader(got.body)); got.status != 200 || err != nil || len(g.Image) != 20 {
		t.Errorf("the stored animation: %d, %v", got.status, err)
	}
}
