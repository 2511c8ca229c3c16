package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"broadsheet/internal/news"
)

// A write refused because the database is full (here: max_page_count reached, which
// SQLite reports as a full disk, SQLITE_FULL) is news.ErrStorageFull, so that the API
// and the admin say so; nothing of it is stored.
func TestFullDatabaseIsStorageFull(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "site.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The one write connection keeps the pragma.
	if _, err := db.write.ExecContext(ctx, `PRAGMA max_page_count = 90`); err != nil {
		t.Fatal(err)
	}
	body := strings.Repeat("A long story. ", 100_000)
	a := &news.Article{Slug: "long", Title: "Long", BodyMarkdown: body, BodyHTML: "<p>" + body + "</p>", Status: news.StatusDraft}
	err = db.CreateArticle(ctx, a)
	if !errors.Is(err, news.ErrStorageFull) || !news.StorageFull(err) {
		t.Fatalf("a write into a full database: %v", err)
	}
	if _, err := db.ArticleBySlug(ctx, "long"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("the refused story was stored: %v", err)
	}
}
