package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
	"broadsheet/internal/sqlite"
)

// BenchmarkReads measures the reads an article page makes, on 1,000 articles, and the
// content API's lists (WordPress's first page of posts with its X-WP-Total count, its
// categories with their counts).
func BenchmarkReads(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var items []news.ImportItem
	t0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	body := strings.Repeat("<p>Some words of the article, at length. </p>\n", 100)
	for i := 1; i <= 1000; i++ {
		a := &news.Article{Slug: fmt.Sprintf("story-%d", i), Title: "A story", Standfirst: "What happened.",
			BodyMarkdown: body, BodyHTML: body, Status: news.StatusPublished, PublishedAt: t0.Add(time.Duration(i) * time.Hour),
			Author: &news.Author{Name: "Anna"}, Section: &news.Section{Name: "World"}, Tags: []*news.Tag{{Name: "A"}, {Name: "B"}},
			Source: "b", SourceID: fmt.Sprint(i)}
		it := news.ImportItem{Article: a}
		for j := 1; j <= 5; j++ {
			it.Comments = append(it.Comments, &news.Comment{Status: news.CommentApproved, AuthorName: "R", Body: "x", BodyHTML: "<p>x</p>", Source: "b", SourceID: fmt.Sprint(j), CreatedAt: t0})
		}
		items = append(items, it)
	}
	if _, err := db.Import(ctx, items); err != nil {
		b.Fatal(err)
	}
	now := t0.Add(2000 * time.Hour)
	a, _ := db.ArticleBySlug(ctx, "story-500")
	b.Run("ArticleBySlug", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := db.ArticleBySlug(ctx, "story-500"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Neighbours", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, _, err := db.Neighbours(ctx, a, now); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ApprovedComments", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := db.ApprovedComments(ctx, a.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("FrontPage", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := db.Articles(ctx, news.ArticleQuery{PublicAt: now, Limit: 11}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("WPPostsFirstPage", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, total, err := db.WPArticles(ctx, news.WPQuery{Now: now, Kind: news.KindArticle, Limit: 10}); err != nil || total != 1000 {
				b.Fatal(total, err)
			}
		}
	})
	b.Run("WPCategories", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, _, err := db.WPTerms(ctx, "category", news.WPQuery{Now: now, Limit: 10}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
