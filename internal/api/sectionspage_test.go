package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"broadsheet/internal/news"
)

// TestSectionsArePaged: /api/v1/sections answers a page at a time like every list
// (limit 1–100, news.APIPageDefault when not asked), and walking its next links gives
// every section once, in the navigation's order, positions shared by many included;
// WordPress's categories page too (per_page at most 100).
func TestSectionsArePaged(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for i := range 130 {
		if err := e.db.CreateSection(ctx, &news.Section{Name: fmt.Sprintf("Desk %03d", 129-i), Slug: fmt.Sprintf("desk-%03d", i), Position: i % 4}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := e.db.Sections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type sectionPage struct {
		Items []struct {
			ID   int64  `json:"id"`
			Slug string `json:"slug"`
		} `json:"items"`
		Next *string `json:"next"`
	}
	var first sectionPage
	e.get(t, "/api/v1/sections", http.StatusOK, &first)
	if len(first.Items) != news.APIPageDefault || first.Next == nil {
		t.Fatalf("the first page has %d sections (want %d) and next %v", len(first.Items), news.APIPageDefault, first.Next)
	}
	var got []string
	path := "/api/v1/sections?limit=37"
	for pages := 0; path != ""; pages++ {
		if pages > 20 {
			t.Fatal("the pages do not end")
		}
		var p sectionPage
		e.get(t, path, http.StatusOK, &p)
		for _, it := range p.Items {
			got = append(got, it.Slug)
		}
		path = ""
		if p.Next != nil {
			path = strings.TrimPrefix(*p.Next, baseURL)
		}
	}
	var want []string
	for _, s := range all {
		want = append(want, s.Slug)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("walking the pages gave %d sections:\n%v\nwant %d in the navigation's order:\n%v", len(got), got, len(want), want)
	}
	e.get(t, "/api/v1/sections?limit=101", http.StatusBadRequest, nil)
	e.get(t, "/api/v1/sections?cursor=bm46eA", http.StatusBadRequest, nil) // "n:x"
	// WordPress's categories: 10 a page unless asked, at most 100.
	var cats []map[string]any
	e.wpGet(t, "/wp-json/wp/v2/categories", http.StatusOK, &cats)
	if len(cats) != 10 {
		t.Errorf("categories: %d on the first page, want WordPress's 10", len(cats))
	}
	e.wpGet(t, "/wp-json/wp/v2/categories?per_page=101", http.StatusBadRequest, nil)
}
