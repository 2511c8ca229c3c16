package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"broadsheet/internal/news"
	"broadsheet/internal/sqlite"
)

// The menu's count runs on every admin page: measured with a user at the cap of
// notifications, most of them read and the unread ones of stories no longer in review
// (the worst case: every unread row is joined and none counts).
func BenchmarkCountUnreadNotifications(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	u := &news.User{Email: "ed@example.org", Name: "Ed", Role: news.RoleEditor, PasswordHash: "$argon2id$x"}
	if err := db.CreateUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	for i := range news.MaxNotifications {
		a := &news.Article{Slug: fmt.Sprintf("s-%d", i), Title: "S", Status: news.StatusDraft}
		if err := db.CreateArticle(ctx, a); err != nil {
			b.Fatal(err)
		}
		if err := db.Notify(ctx, news.Notification{Kind: news.NotifySubmitted, ArticleID: a.ID}, []int64{u.ID}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if n, err := db.CountUnreadNotifications(ctx, u.ID, 10); err != nil || n != 0 {
			b.Fatal(n, err)
		}
	}
}
