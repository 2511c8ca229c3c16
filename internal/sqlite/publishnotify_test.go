package sqlite_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// Three servers run the scheduler over one database at the same moment: each due story
// is published once, and its writer told once (only the server whose write published
// it notifies), however the runs interleave.
func TestSchedulerOnSeveralServersNotifiesOnce(t *testing.T) {
	ctx := context.Background()
	dbs := openHandles(t, 3)
	writer := &news.User{Email: "w@newsroom.example", Name: "Wren Writer", Role: news.RoleAuthor, PasswordHash: "x"}
	if err := dbs[0].CreateUser(ctx, writer); err != nil {
		t.Fatal(err)
	}
	now := time.Now().Truncate(time.Second)
	const stories = 12
	for i := range stories {
		a := &news.Article{Slug: fmt.Sprintf("due-%d", i), Title: fmt.Sprintf("Due %d", i), BodyMarkdown: "x", BodyHTML: "<p>x</p>",
			Status: news.StatusScheduled, PublishedAt: now.Add(-time.Minute), OwnerID: writer.ID, Author: &news.Author{Name: "Wren Writer"}}
		if err := dbs[0].CreateArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for _, db := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := db.PublishDue(ctx, now)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			total += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	if total != stories {
		t.Errorf("the servers say they published %d stories, want %d", total, stories)
	}
	list, n, err := dbs[1].Notifications(ctx, news.NotificationQuery{UserID: writer.ID, Kind: news.NotifyPublished})
	if err != nil {
		t.Fatal(err)
	}
	per := map[int64]int{}
	for _, x := range list {
		per[x.ArticleID]++
	}
	if n != stories || len(per) != stories {
		t.Errorf("the writer has %d notifications of %d stories, want one for each of %d", n, len(per), stories)
	}
}
