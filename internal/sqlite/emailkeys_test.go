package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"broadsheet/internal/news"
)

// A file from before migration 14 (addresses compared with SQLite's lower()) comes out
// with every stored address keyed as news.NormalEmail gives it: an old block on
// "émilie@…" (stored decomposed, as the old code lowered it) catches "ÉMILIE@…", her old
// comments are in her history and her erasure, and two blocks of one address become one.
func TestMigrationKeysStoredEmails(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	a := &news.Article{Slug: "s", Title: "S", BodyHTML: "<p>b</p>", Status: news.StatusPublished, PublishedAt: db.Now()}
	if err := db.CreateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	// Back to the schema before 14, with rows as the old code wrote them.
	for _, q := range []string{
		`DROP INDEX comments_by_email_key`, `DROP INDEX users_by_email_key`,
		`ALTER TABLE comments DROP COLUMN email_key`, `ALTER TABLE users DROP COLUMN email_key`,
		`CREATE INDEX comments_by_email ON comments(lower(author_email), status)`,
		`DELETE FROM schema_migrations WHERE version = 14`,
		`INSERT INTO comments (article_id, status, author_name, author_email, body, body_html, created_at)
			VALUES (1, 'approved', 'Émilie', 'ÉMILIE@Example.net', 'old', '<p>old</p>', 1)`,
		`INSERT INTO users (email, name, role, password_hash, created_at) VALUES ('ÉDITH@newsroom.example', 'Édith', 'editor', 'x', 1)`,
		"INSERT INTO blocks (kind, value, created_at) VALUES ('email', 'e\u0301milie@example.net', 1), ('email', 'émilie@example.net', 2), ('email', 'ZOË@example.net', 3)",
	} {
		if _, err := db.write.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, email := range []string{"émilie@example.net", "ÉMILIE@EXAMPLE.NET", "zoë@example.net"} {
		if ok, err := db.IsBlocked(ctx, email, ""); err != nil || !ok {
			t.Errorf("after the migration, IsBlocked(%q) = %v, %v; want true", email, ok, err)
		}
	}
	if bs, _ := db.Blocks(ctx); len(bs) != 2 {
		t.Errorf("blocks after the migration: %v, want 2 (émilie@ once, zoë@)", bs)
	}
	if n, _ := db.CountComments(ctx, news.CommentQuery{Email: "émilie@example.net"}); n != 1 {
		t.Errorf("émilie@'s history after the migration: %d comments, want 1", n)
	}
	// Her old approved comment under a staff address vouches for nobody.
	if err := db.CreateComment(ctx, &news.Comment{ArticleID: a.ID, Status: news.CommentApproved, AuthorName: "Edie",
		AuthorEmail: "édith@newsroom.example", Body: "x", BodyHTML: "<p>x</p>"}); err != nil {
		t.Fatal(err)
	}
	if ok, _ := db.HasApprovedComment(ctx, "Edie", "édith@newsroom.example"); ok {
		t.Error("after the migration, a staff address stored in upper case is not recognised")
	}
	if e, err := db.ErasePersonalData(ctx, "émilie@example.net"); err != nil || e.Comments != 1 || e.Blocks != 1 {
		t.Errorf("erasure after the migration: %+v, %v; want her 1 comment and 1 block", e, err)
	}
}
