package site_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"broadsheet/internal/news"
	"broadsheet/internal/site"
)

// BenchmarkArticle measures an article page rendered for every request (page cache off)
// and served from the cache; compare the two with each other, not with a fixed time.
func BenchmarkArticle(b *testing.B) {
	for _, cached := range []bool{false, true} {
		name := "uncached"
		if cached {
			name = "cached"
		}
		b.Run(name, func(b *testing.B) {
			t := &testing.T{}
			e := newEnv(t, 200, func(c *site.Config) { c.PageCache = cached })
			path := strings.TrimPrefix(e.url(e.arts[100]), e.http.URL)
			req := httptest.NewRequest("GET", path, nil)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				rec := httptest.NewRecorder()
				e.srv.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}

// BenchmarkCachedPages serves the front page and an article (whose comment form's token
// is made per response) from the cache; the two should cost about the same.
func BenchmarkCachedPages(b *testing.B) {
	t := &testing.T{}
	e := newEnv(t, 200, nil)
	for name, path := range map[string]string{"front": "/", "article": strings.TrimPrefix(e.url(e.arts[100]), e.http.URL)} {
		b.Run(name, func(b *testing.B) {
			req := httptest.NewRequest("GET", path, nil)
			e.srv.ServeHTTP(httptest.NewRecorder(), req)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				rec := httptest.NewRecorder()
				e.srv.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}

// BenchmarkLongThread renders (page cache off) an article with 600 comments: every
// comment on one page (comments_per_page 0, as before comment pages) and page 1 of 12
// (the default, 50 threads a page), reporting each page's size in bytes.
func BenchmarkLongThread(b *testing.B) {
	for _, c := range []struct{ name, perPage string }{{"all-600", "0"}, {"page-1-of-12", "50"}} {
		b.Run(c.name, func(b *testing.B) {
			t := &testing.T{}
			lt := newLongThread(t, 600, func(c *site.Config) { c.PageCache = false })
			if err := lt.db.SetSettings(context.Background(), map[string]string{news.SettingCommentsPerPage: c.perPage}); err != nil {
				b.Fatal(err)
			}
			if err := lt.srv.Sync(context.Background()); err != nil {
				b.Fatal(err)
			}
			req := httptest.NewRequest("GET", lt.path, nil)
			var size int
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				rec := httptest.NewRecorder()
				lt.srv.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatal(rec.Code)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size), "bytes/page")
		})
	}
}
