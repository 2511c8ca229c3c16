package sqlite_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// Two handles on one file stand for two server processes: their workers, claiming at
// once, take each delivery once (SQLite's immediate transactions hold across
// processes, not only across one handle's connections).
func TestWebhookClaimsAcrossHandles(t *testing.T) {
	ctx := context.Background()
	dbs := openHandles(t, 2)
	h := &news.Webhook{URL: "https://hooks.example.org/", Events: []string{news.EventCommentPosted}, Secret: news.NewWebhookSecret(), Enabled: true}
	if err := dbs[0].CreateWebhook(ctx, h); err != nil {
		t.Fatal(err)
	}
	a := &news.Article{Slug: "s", Title: "S", BodyMarkdown: "b", BodyHTML: "<p>b</p>", Status: news.StatusPublished, PublishedAt: time.Now().Add(-time.Hour)}
	if err := dbs[0].CreateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	const comments = 40
	for i := range comments {
		c := &news.Comment{ArticleID: a.ID, Status: news.CommentPending, AuthorName: "R", Body: fmt.Sprint("comment ", i), BodyHTML: "<p>c</p>"}
		if err := dbs[i%2].CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	claimed := map[int64]int{}
	var wg sync.WaitGroup
	now := time.Now()
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range comments {
				ds, err := dbs[i%2].ClaimWebhookDeliveries(ctx, now, time.Minute, 2)
				if err != nil {
					t.Error(err)
					return
				}
				if len(ds) == 0 {
					return
				}
				mu.Lock()
				for _, d := range ds {
					claimed[d.ID]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(claimed) != comments {
		t.Errorf("%d deliveries claimed, want %d", len(claimed), comments)
	}
	for id, n := range claimed {
		if n != 1 {
			t.Errorf("delivery %d claimed %d times", id, n)
		}
	}
}
