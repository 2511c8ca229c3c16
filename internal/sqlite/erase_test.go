package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"broadsheet/internal/news"
	"broadsheet/internal/sqlite"
)

// An address with 20,000 comments (a spammer's) is erased while another server writes
// to the same database. The erasure must not hold the single writer for all of them at
// once: at 100,000 it held it for 17 s, and the other server's writes (comments, saves,
// its heartbeat) failed after their 10 s wait. The other server's write gets in while
// the erasure is under way, and the erasure still takes every comment.
func TestEraseOfAHugeCommenterLetsOtherServersWrite(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "site.db")
	open := func() *sqlite.DB {
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	nodeA, nodeB := open(), open()
	const n = 20000
	it := news.ImportItem{Article: &news.Article{Source: "s", SourceID: "1", Slug: "spammed", Title: "Spammed", BodyHTML: "<p>x</p>",
		Status: news.StatusPublished, PublishedAt: time.Now().Add(-time.Hour)}}
	for i := range n {
		it.Comments = append(it.Comments, &news.Comment{Source: "s", SourceID: fmt.Sprint(i), Status: news.CommentApproved,
			AuthorName: "Spammer", AuthorEmail: "spam@example.net", Body: "Buy now", BodyHTML: "<p>Buy now</p>", CreatedAt: time.Now()})
	}
	if _, err := nodeA.Import(ctx, []news.ImportItem{it}); err != nil {
		t.Fatal(err)
	}
	a, err := nodeB.ArticleBySlug(ctx, "spammed")
	if err != nil {
		t.Fatal(err)
	}
	remaining := func() int {
		k, err := nodeB.CountComments(ctx, news.CommentQuery{Email: "spam@example.net"})
		if err != nil {
			t.Fatal(err)
		}
		return k
	}

	done := make(chan *news.Erasure, 1)
	go func() {
		e, err := nodeA.ErasePersonalData(ctx, "spam@example.net")
		if err != nil {
			t.Error(err)
		}
		done <- e
	}()
	// Once the erasure has begun (its first comments are gone, or it is over), a reader
	// posts on node B.
	for remaining() == n {
		time.Sleep(time.Millisecond)
	}
	c := &news.Comment{ArticleID: a.ID, Status: news.CommentPending, AuthorName: "Reader", AuthorEmail: "reader@example.org",
		Body: "A real comment", BodyHTML: "<p>A real comment</p>"}
	if err := nodeB.CreateComment(ctx, c); err != nil {
		t.Fatalf("node B's write during the erasure: %v", err)
	}
	left := remaining()
	e := <-done
	if left == 0 {
		t.Errorf("node B could write only once all %d comments were erased: the erasure held the writer for all of them", n)
	}
	if e == nil || e.Comments != n || remaining() != 0 {
		t.Errorf("erasure: %v; %d comments remain", e, remaining())
	}
	if got, err := nodeA.Comment(ctx, c.ID); err != nil || got.Body != "A real comment" {
		t.Errorf("node B's comment after the erasure: %v, %v", got, err)
	}
}
