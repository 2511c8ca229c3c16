package wxr_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"broadsheet/internal/media"
	"broadsheet/internal/wxr"
)

// A real export names one upload in many ways (testdata/moved-media.xml: WordPress.com's
// absolute _wp_attached_file, http and https, www, its files host, the Photon CDN,
// ?w= queries, a size). With the uploads folder, the file is copied and every one of
// those addresses in the post leads to the library's copy: left pointing at the old
// host, the pictures vanish when it is switched off, and an http one is blocked on an
// https site. A file of the same name on another site stays where it is.
func TestImportRewritesEveryAddressOfACopiedUpload(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "moved-media.xml"))
	if err != nil {
		t.Fatal(err)
	}
	uploads, mediaDir := t.TempDir(), t.TempDir()
	dir := filepath.Join(uploads, "2025", "01")
	os.MkdirAll(dir, 0o755)
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for x := 0; x < 640; x++ {
		img.Set(x, x%480, color.RGBA{200, 30, 30, 255})
	}
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, img, nil); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "flood.jpg"), jpg.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, "flood-300x200.jpg"), jpg.Bytes(), 0o644)
	db := openStore(t)
	rep, err := wxr.Import(context.Background(), db, bytes.NewReader(raw), wxr.Options{Uploads: os.DirFS(uploads), Media: media.Dir(mediaDir)})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Copied != 1 {
		t.Fatalf("%d images copied, want the one in uploads (WordPress.com's _wp_attached_file is an absolute path)", rep.Copied)
	}
	a, err := db.ArticleBySlug(context.Background(), "flood-photos")
	if err != nil {
		t.Fatal(err)
	}
	srcs := regexp.MustCompile(`(?:src|href)="([^"]*)"`).FindAllStringSubmatch(a.BodyHTML, -1)
	if len(srcs) != 7 {
		t.Fatalf("%d addresses in the body, want 7:\n%s", len(srcs), a.BodyHTML)
	}
	for _, m := range srcs[:6] {
		if !strings.HasPrefix(m[1], "/media/") {
			t.Errorf("%q not rewritten to the library's copy", m[1])
		}
	}
	if got := srcs[6][1]; got != "https://othersite.example/wp-content/uploads/2025/01/flood.jpg" {
		t.Errorf("another site's file rewritten: %q", got)
	}
}
