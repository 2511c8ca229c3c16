package sqlite_test

import (
	"context"
	"fmt"
	"iter"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
	"broadsheet/internal/sqlite"
)

// BenchmarkImportStream imports n articles with 6 comments each into an empty store in
// one ImportStream; ns/article stays flat as n grows when the import is linear.
func BenchmarkImportStream(b *testing.B) {
	ctx := context.Background()
	t0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	body := strings.Repeat("Some words of the article, at length. ", 100)
	items := func(n int) iter.Seq2[*news.ImportItem, error] {
		return func(yield func(*news.ImportItem, error) bool) {
			for i := 1; i <= n; i++ {
				a := &news.Article{Slug: fmt.Sprintf("story-%d", i), Title: "A story", Standfirst: "What happened.",
					BodyMarkdown: body, BodyHTML: "<p>" + body + "</p>", Status: news.StatusPublished, PublishedAt: t0.Add(time.Duration(i) * time.Hour),
					Author: &news.Author{Name: "Anna"}, Section: &news.Section{Name: "World"}, Tags: []*news.Tag{{Name: "A"}, {Name: "B"}},
					Source: "bench", SourceID: fmt.Sprint(i)}
				it := &news.ImportItem{Article: a}
				for j := 1; j <= 6; j++ {
					c := &news.Comment{Status: news.CommentApproved, AuthorName: "R", AuthorEmail: fmt.Sprintf("r%d@example.net", (i*7+j)%500),
						Body: "x", BodyHTML: "<p>x</p>", Source: "bench", SourceID: fmt.Sprint(j), CreatedAt: t0.Add(time.Duration(i) * time.Hour)}
					if j > 1 {
						c.ParentSourceID = "1"
					}
					it.Comments = append(it.Comments, c)
				}
				if !yield(it, nil) {
					return
				}
			}
		}
	}
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("bench-%d.db", i)))
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := db.ImportStream(ctx, items(n)); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				db.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/article")
		})
	}
}
