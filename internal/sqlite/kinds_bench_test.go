package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// kindsSite opens a site of 50,000 stories and 5,000 static pages (every eleventh
// article a page, spread over the same dates), each with a body of some 2,500 bytes (so
// a row's last columns, kind among them, lie on its overflow pages, as a real
// article's do), 20 sections and 50 tags. BENCH_KINDS_DB names a file to keep it in
// between runs (made when missing); without it the site is made in a temporary folder.
func kindsSite(tb testing.TB) (*DB, time.Time) {
	tb.Helper()
	ctx := context.Background()
	path := os.Getenv("BENCH_KINDS_DB")
	if path == "" {
		path = filepath.Join(tb.TempDir(), "kinds.db")
	}
	_, statErr := os.Stat(path)
	db, err := Open(ctx, path)
	if err != nil {
		tb.Fatal(err)
	}
	t0 := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	now := t0.Add(60_000 * time.Hour)
	if statErr == nil {
		return db, now
	}
	body := strings.Repeat("<p>Some words of the article, at length. </p>\n", 55)
	const n = 55_000
	items := make([]news.ImportItem, 0, n)
	for i := 1; i <= n; i++ {
		a := &news.Article{Slug: fmt.Sprintf("story-%d", i), Title: fmt.Sprintf("Story %d", i), Standfirst: "What happened.",
			BodyMarkdown: body, BodyHTML: body, Status: news.StatusPublished, PublishedAt: t0.Add(time.Duration(i) * time.Hour),
			Author: &news.Author{Name: fmt.Sprintf("Writer %d", i%30)}, Source: "bench", SourceID: fmt.Sprint(i)}
		if i%11 != 0 {
			a.Section = &news.Section{Name: fmt.Sprintf("Section %d", i%20)}
			a.Tags = []*news.Tag{{Name: fmt.Sprintf("Tag %d", i%50)}, {Name: fmt.Sprintf("Tag %d", (i+7)%50)}}
		}
		items = append(items, news.ImportItem{Article: a})
	}
	if _, err := db.Import(ctx, items); err != nil {
		tb.Fatal(err)
	}
	// The import writes stories; every eleventh (no section, no tags) becomes a page.
	if _, err := db.write.ExecContext(ctx, `UPDATE articles SET kind = 'page' WHERE CAST(source_id AS INTEGER) % 11 = 0`); err != nil {
		tb.Fatal(err)
	}
	return db, now
}

// BenchmarkKinds measures the content API's reads on a site of 50,000 stories and
// 5,000 pages: a list's first page and one deep in it (GET /api/v1/articles, by
// cursor), a section's first page, WordPress's first page of posts with its total
// (X-WP-Total: a count of every public story), its categories with their counts, and
// one article by ID and by slug.
func BenchmarkKinds(b *testing.B) {
	ctx := context.Background()
	db, now := kindsSite(b)
	defer db.Close()
	mid, err := db.ArticleBySlug(ctx, "story-27001")
	if err != nil {
		b.Fatal(err)
	}
	sec, err := db.SectionBySlug(ctx, "section-7")
	if err != nil {
		b.Fatal(err)
	}
	run := func(name string, f func() error) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if err := f(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	run("APIListFirstPage", func() error {
		arts, err := db.Articles(ctx, news.ArticleQuery{PublicAt: now, Limit: 21})
		if err == nil && len(arts) != 21 {
			err = fmt.Errorf("%d articles", len(arts))
		}
		return err
	})
	run("APIListDeep", func() error {
		_, err := db.Articles(ctx, news.ArticleQuery{PublicAt: now, Limit: 21, After: &news.ArticleKey{PublishedAt: mid.PublishedAt, ID: mid.ID}})
		return err
	})
	run("APIListSection", func() error {
		_, err := db.Articles(ctx, news.ArticleQuery{PublicAt: now, Limit: 21, SectionID: sec.ID})
		return err
	})
	run("WPPostsFirstPage", func() error {
		_, total, err := db.WPArticles(ctx, news.WPQuery{Now: now, Kind: news.KindArticle, Limit: 10})
		if err == nil && total != 50_000 {
			err = fmt.Errorf("total %d, want 50,000", total)
		}
		return err
	})
	run("WPCategories", func() error {
		_, _, err := db.WPTerms(ctx, "category", news.WPQuery{Now: now, Limit: 10})
		return err
	})
	run("WPTags", func() error {
		_, _, err := db.WPTerms(ctx, "post_tag", news.WPQuery{Now: now, Limit: 10})
		return err
	})
	run("WPTagsByCount", func() error {
		_, _, err := db.WPTerms(ctx, "post_tag", news.WPQuery{Now: now, Limit: 10, OrderBy: "count"})
		return err
	})
	run("CountSection", func() error {
		_, err := db.CountArticles(ctx, news.ArticleQuery{PublicAt: now, SectionID: sec.ID})
		return err
	})
	run("ArticleByID", func() error {
		_, err := db.Article(ctx, mid.ID)
		return err
	})
	run("ArticleBySlug", func() error {
		_, err := db.ArticleBySlug(ctx, "story-27001")
		return err
	})
}

// TestStoriesToldFromPagesByIndex: a list or count of public stories tells them from
// pages by the kind its index holds (migration 0059), reading no row it does not show
// and building nothing per statement: the pages' IDs were gathered into a set for every
// statement (LIST SUBQUERY over articles_pages), a cost growing with the site's pages.
func TestStoriesToldFromPagesByIndex(t *testing.T) {
	db := openFile(t, filepath.Join(t.TempDir(), "plan.db"))
	now := time.Now()
	count := func(q news.ArticleQuery) string {
		where, args := articleWhere(q)
		return queryPlan(t, db, `SELECT COUNT(*) FROM articles a`+where, args...)
	}
	wpWhere, wpArgs := wpArticleWhere(news.WPQuery{Now: now, Kind: news.KindArticle})
	listWhere, listArgs := articleWhere(news.ArticleQuery{PublicAt: now})
	for _, c := range []struct{ name, plan, want string }{
		{"the public stories' count", count(news.ArticleQuery{PublicAt: now}), "USING COVERING INDEX articles_by_time"},
		{"a section's count", count(news.ArticleQuery{PublicAt: now, SectionID: 3}), "USING COVERING INDEX articles_by_section"},
		{"WordPress's total", queryPlan(t, db, `SELECT COUNT(*) FROM articles a`+wpWhere, wpArgs...), "USING COVERING INDEX articles_by_time"},
		{"a list's first page", queryPlan(t, db, `SELECT `+articleColumns+articleFrom+listWhere+` ORDER BY a.published_at DESC, a.id DESC LIMIT 21`, listArgs...), "SEARCH a USING INDEX articles_by_time"},
	} {
		if !strings.Contains(c.plan, c.want) || strings.Contains(c.plan, "articles_pages") {
			t.Errorf("%s: want %q and no set of the pages:\n%s", c.name, c.want, c.plan)
		}
	}
}

// A tag's or an author's public stories are found by their IDs through articles_state,
// never by reading each story's row (whose state lies after its body, on its overflow
// pages): the counts of /wp-json/wp/v2/tags and whether a tag or an author has a public
// story (the API's and the site's lists).
func TestPublicStateReadFromTheIndex(t *testing.T) {
	db := openFile(t, filepath.Join(t.TempDir(), "plan.db"))
	now := time.Now().Unix()
	for _, c := range []struct{ name, query string }{
		{"a tag with a public story", `SELECT id FROM tags t WHERE ` + hasPublicTag("t.id")},
		{"an author with a public story", `SELECT id FROM authors u WHERE ` + hasPublicByline("u.id")},
	} {
		plan := queryPlan(t, db, c.query, now)
		if !strings.Contains(plan, "USING COVERING INDEX articles_state") || strings.Contains(plan, "INTEGER PRIMARY KEY") {
			t.Errorf("%s: the stories' rows are read:\n%s", c.name, plan)
		}
	}
}
