package site_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

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
