package jobs_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// BenchmarkDeliveries measures the worker's throughput to a local receiver: claim,
// build and keep the payload, sign, send, record, per delivery (b.N deliveries).
func BenchmarkDeliveries(b *testing.B) {
	db := openDB(b, "")
	rc := newReceiver(b)
	addHook(b, db, rc.URL, news.EventCommentPosted)
	a := &news.Article{Slug: "s", Title: "S", BodyMarkdown: "b", BodyHTML: "<p>b</p>", Status: news.StatusPublished, PublishedAt: time.Now().Add(-time.Hour)}
	if err := db.CreateArticle(context.Background(), a); err != nil {
		b.Fatal(err)
	}
	for i := range b.N {
		c := &news.Comment{ArticleID: a.ID, Status: news.CommentPending, AuthorName: "R", Body: fmt.Sprint("comment ", i), BodyHTML: "<p>c</p>"}
		if err := db.CreateComment(context.Background(), c); err != nil {
			b.Fatal(err)
		}
	}
	w := worker(db, &clock{t: time.Now()}, true)
	b.ResetTimer()
	sent := 0
	for sent < b.N {
		n, err := w.RunOnce(context.Background())
		if err != nil || n == 0 {
			b.Fatalf("RunOnce: %d %v after %d", n, err, sent)
		}
		sent += n
	}
	b.StopTimer()
	if got := len(rc.requests()); got != b.N {
		b.Fatalf("%d received, want %d", got, b.N)
	}
}
