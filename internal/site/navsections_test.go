package site_test

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"testing"

	"broadsheet/internal/news"
)

// TestNavigationOfManySections checks that a site with many sections (an imported
// WordPress site may bring thousands of categories, nested) still starts and answers,
// its pages carrying a bounded navigation: the top-level sections, at most
// maxNavSections of them. Every page listed every section, and the header was
// rendered once per section, each listing them all: 20,000 imported categories kept
// the server from starting (every write waited on the reload) and made each page
// megabytes long.
func TestNavigationOfManySections(t *testing.T) {
	e := newEnv(t, 3, nil)
	ctx := context.Background()
	for i := range 600 {
		if err := e.db.CreateSection(ctx, &news.Section{Name: fmt.Sprintf("Category %03d", i), Slug: fmt.Sprintf("category-%03d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	// Every odd one nested under the one before, as the WordPress import keeps them.
	raw, err := sql.Open("sqlite", e.path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, `UPDATE sections SET parent_id = (SELECT p.id FROM sections p WHERE p.slug = printf('category-%03d', CAST(substr(sections.slug, 10) AS INTEGER) - 1))
		WHERE slug LIKE 'category-%' AND CAST(substr(slug, 10) AS INTEGER) % 2 = 1`); err != nil {
		t.Fatal(err)
	}
	if err := e.db.CreateSection(ctx, &news.Section{Name: "Last", Slug: "last"}); err != nil { // a change every server applies
		t.Fatal(err)
	}
	if err := e.srv.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	nav := regexp.MustCompile(`(?s)<nav class="sections".*?</nav>`)
	link := regexp.MustCompile(`href="/section/([^/"]+)/"`)
	for _, path := range []string{"/", "/section/category-000/", "/section/category-001/", "/section/world/"} {
		p := e.get(path)
		if p.status != 200 {
			t.Fatalf("GET %s: %d", path, p.status)
		}
		links := link.FindAllStringSubmatch(nav.FindString(p.body), -1)
		if len(links) == 0 || len(links) > 30 {
			t.Errorf("GET %s: the navigation lists %d sections, want 1 to 30", path, len(links))
		}
		for _, l := range links {
			var n int
			if _, err := fmt.Sscanf(l[1], "category-%d", &n); err == nil && n%2 == 1 {
				t.Errorf("GET %s: the navigation lists the nested section %s", path, l[1])
			}
		}
	}
	if p := e.get("/section/category-000/"); !regexp.MustCompile(`href="/section/category-000/" aria-current="page"`).MatchString(p.body) {
		t.Errorf("a section's page does not mark its own link as current")
	}
}
