package sqlite

import (
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// A WordPress page whose slug the site's own addresses answer is imported under
// another slug, one the site does not answer either: WordPress sites often have a
// "sitemap" page (and "sitemap-page" starts with "sitemap" too, so one suffix was not
// enough: the whole import failed on it), a year's number, or a category's slug.
func TestWXRPageSlugsTheSiteAnswersAreRenamed(t *testing.T) {
	ctx := t.Context()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "wxr.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	w, err := db.BeginWXR(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Rollback()
	if _, err := w.Section(ctx, &news.Section{Slug: "news", Name: "News"}, 0, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Section(ctx, &news.Section{Slug: "news-page", Name: "News pages"}, 0, ""); err != nil {
		t.Fatal(err)
	}
	slugs := []string{"sitemap", "sitemaps", "admin", "2020", "news", "about"}
	pages := map[string]*news.Article{}
	for i, slug := range slugs {
		p := &news.Article{Kind: news.KindPage, Title: "Page " + slug, Slug: slug, Status: news.StatusPublished,
			PublishedAt: time.Unix(1577836800, 0), Source: "wordpress", SourceID: strconv.Itoa(i + 1)}
		if _, err := w.Article(ctx, p, int64(i+1)); err != nil {
			t.Errorf("page %q: %v", slug, err)
			continue
		}
		pages[slug] = p
	}
	secs := []*news.Section{{Slug: "news"}, {Slug: "news-page"}}
	for slug, p := range pages {
		if err := news.CheckPageSlug(p.Slug, secs); err != nil {
			t.Errorf("page %q imported as %q, which the site answers otherwise: %v", slug, p.Slug, err)
		}
	}
	if p := pages["about"]; p != nil && p.Slug != "about" {
		t.Errorf("the page about became %q, want it kept", p.Slug)
	}
	if p := pages["admin"]; p != nil && p.Slug != "admin-page" {
		t.Errorf("the page admin became %q, want admin-page", p.Slug)
	}
}
