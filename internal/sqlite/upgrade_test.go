package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// A site that ran a Broadsheet from before issue 8's lists (schema 19: no moderator
// role, no article_authors, no media_uses, no comments_queue) is opened by this one:
// its rows, written as the old code wrote them, come out in the admin's lists and the
// comment queue, the users table takes the moderator role without losing a session or
// an article's owner, and an image used before the upgrade is known to be in use. The
// old file is built from the same embedded migrations, stopped at 19.
func TestUpgradeFromBeforeTheLists(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	w, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	old := &DB{write: w, Now: time.Now}
	if err := old.migrateUpTo(ctx, 19); err != nil {
		t.Fatal(err)
	}
	var got int
	if err := w.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&got); err != nil || got != 19 {
		t.Fatalf("the old file is at schema %d (%v), want 19", got, err)
	}
	if _, err := w.ExecContext(ctx, `INSERT INTO users (email, name, role, password_hash, created_at, email_key) VALUES ('m@example.org', 'Mo', 'moderator', 'x', 1, 'm@example.org')`); err == nil {
		t.Fatal("the old schema took the moderator role: the test does not build the old file")
	}
	now := time.Now().Unix()
	for _, q := range []string{
		`INSERT INTO users (id, email, name, role, password_hash, created_at, email_key) VALUES
			(1, 'ed@example.org', 'Ed Itor', 'editor', 'x', 1, 'ed@example.org'),
			(2, 'rita@example.org', 'Rita Reporter', 'author', 'x', 1, 'rita@example.org')`,
		`INSERT INTO sessions (id, user_id, created_at, expires_at, last_seen) VALUES ('s1', 2, 1, 4102444800, ` + strconv.FormatInt(now, 10) + `)`,
		`INSERT INTO authors (id, slug, name) VALUES (1, 'zoe', 'Zoë Ångström'), (2, 'sam', 'Sam Other')`,
		`INSERT INTO tags (id, slug, name) VALUES (1, 'harbour', 'Harbour')`,
		`INSERT INTO media (id, name, content_type, width, height, bytes, created_at) VALUES (1, 'abc.jpg', 'image/jpeg', 10, 10, 100, 1), (2, 'free.jpg', 'image/jpeg', 10, 10, 100, 1)`,
		`INSERT INTO articles (id, slug, title, body_markdown, body_html, status, published_at, created_at, author_id, owner_id, image_url) VALUES
			(1, 'ferry', 'Ferry timetable', 'See ![x](/media/abc.jpg)', '<p><img src="/media/abc.jpg" alt="x"></p>', 'published', 100, 1, 1, 2, ''),
			(2, 'bridge', 'Bridge', 'b', '<p>b</p>', 'draft', 200, 1, 2, 2, '')`,
		`INSERT INTO article_tags (article_id, tag_id) VALUES (1, 1)`,
		`INSERT INTO blocks (kind, value, created_at) VALUES ('email', 'spammer@junk.example', 5), ('ip', 'abc', 6)`,
		`INSERT INTO comments (id, article_id, parent_id, status, author_name, author_email, body, body_html, created_at, email_key) VALUES
			(1, 1, NULL, 'pending', 'Tom', 'tom@example.net', 'The 7:15 is gone', '<p>The 7:15 is gone</p>', 10, 'tom@example.net'),
			(2, 1, 1, 'pending', 'Zoé', 'zoe@example.net', 'Agreed', '<p>Agreed</p>', 20, 'zoe@example.net'),
			(3, 1, NULL, 'approved', 'Ann', 'ann@example.net', 'Fine', '<p>Fine</p>', 5, 'ann@example.net'),
			(4, 1, NULL, 'spam', 'Spammer', 's@spam.example', 'buy', '<p>buy</p>', 30, 's@spam.example')`,
	} {
		if _, err := w.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	w.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("opening the old file: %v", err)
	}
	defer db.Close()
	var check string
	if err := db.read.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity after the upgrade: %q, %v", check, err)
	}

	// Roles: a moderator can be made, the old session and the article's owner stayed.
	mod := &news.User{Email: "mo@example.org", Name: "Mo Derator", Role: news.RoleModerator, PasswordHash: "x"}
	if err := db.CreateUser(ctx, mod); err != nil {
		t.Fatalf("a moderator after the upgrade: %v", err)
	}
	rita, err := db.User(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	rita.Role = news.RoleModerator
	if err := db.UpdateUser(ctx, rita); err != nil {
		t.Errorf("an old user made a moderator: %v", err)
	}
	if s, err := db.Session(ctx, "s1", time.Now()); err != nil || s == nil || s.UserID != 2 {
		t.Errorf("the old session after the upgrade: %+v, %v", s, err)
	}
	if a, err := db.Article(ctx, 1); err != nil || a.OwnerID != 2 {
		t.Errorf("the old article's owner after the upgrade: %+v, %v", a, err)
	}
	if us, total, err := db.UserList(ctx, news.UserQuery{Match: "derat", Limit: 10}); err != nil || total != 1 || len(us) != 1 || us[0].Role != news.RoleModerator {
		t.Errorf("the users list for “derat”: %d users (%v), %v; want the moderator", total, us, err)
	}

	// The article list: by part of the author's name without accents, of a tag's name.
	as, err := db.Articles(ctx, news.ArticleQuery{AuthorName: "zoe", Limit: 10})
	if err != nil || len(as) != 1 || as[0].ID != 1 {
		t.Errorf("articles by “zoe” after the upgrade: %d, %v; want the ferry story", len(as), err)
	}
	if n, err := db.CountArticles(ctx, news.ArticleQuery{TagName: "harb"}); err != nil || n != 1 {
		t.Errorf("articles tagged “harb…”: %d, %v; want 1", n, err)
	}
	if n, err := db.CountArticles(ctx, news.ArticleQuery{}); err != nil || n != 2 {
		t.Errorf("every article: %d, %v; want 2", n, err)
	}

	// The comment queue: tab counts, pages, search by name without accents.
	counts, err := db.CountCommentsByStatus(ctx)
	if err != nil || counts[news.CommentPending] != 2 || counts[news.CommentApproved] != 1 || counts[news.CommentSpam] != 1 {
		t.Errorf("the queue's counts after the upgrade: %v, %v", counts, err)
	}
	pg, err := db.CommentQueue(ctx, news.QueueQuery{Status: news.CommentPending, Limit: 10})
	if err != nil || len(pg.Comments) != 2 || pg.Comments[0].ID != 2 {
		t.Errorf("the pending tab after the upgrade: %+v, %v; want Zoé's then Tom's", pg, err)
	}
	pg, err = db.CommentQueue(ctx, news.QueueQuery{Status: news.CommentPending, Match: "zoe", Limit: 10})
	if err != nil || len(pg.Comments) != 1 || pg.Comments[0].ID != 2 {
		t.Errorf("a search for “zoe” after the upgrade: %+v, %v; want Zoé's comment", pg, err)
	}

	// The blocked commenters' list, newest first and searched.
	if bs, n, err := db.BlockList(ctx, news.BlockQuery{Limit: 10}); err != nil || n != 2 || len(bs) != 2 || bs[0].Kind != "ip" {
		t.Errorf("the blocks after the upgrade: %v (%d), %v", bs, n, err)
	}
	if bs, n, err := db.BlockList(ctx, news.BlockQuery{Match: "JUNK", Limit: 10}); err != nil || n != 1 || len(bs) != 1 || bs[0].Value != "spammer@junk.example" {
		t.Errorf("a search of the blocks after the upgrade: %v (%d), %v", bs, n, err)
	}

	// The library: the image an old article shows is in use; the other one is not.
	if _, n, err := db.MediaUses(ctx, &news.Media{ID: 1, Name: "abc.jpg"}, 10); err != nil || n != 1 {
		t.Errorf("uses of an image an old article shows: %d, %v; want 1", n, err)
	}
	if _, n, err := db.MediaUses(ctx, &news.Media{ID: 2, Name: "free.jpg"}, 10); err != nil || n != 0 {
		t.Errorf("uses of an unused image: %d, %v; want 0", n, err)
	}
}
