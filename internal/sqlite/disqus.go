package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"broadsheet/internal/news"
)

// DisqusImport is one Disqus import's write (disqus.Tx; broadsheet import disqus): one
// immediate transaction on the write connection, so that nothing is visible before
// Commit and an error, a cancelled ctx or a crash leaves the site as it was. Comments
// are matched by (article, source, source ID), as the WordPress import's are, so that a
// second import of the same file changes nothing.
type DisqusImport struct {
	conn  *sql.Conn
	cache int64 // the connection's page cache size before the import
	tx    *sql.Tx
	now   time.Time
	done  bool
	stmts map[string]*sql.Stmt
}

// BeginDisqus starts a Disqus import. The caller must call Commit or Rollback.
func (db *DB) BeginDisqus(ctx context.Context) (*DisqusImport, error) {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("disqus import: %w", err)
	}
	d := &DisqusImport{conn: conn, now: db.Now(), stmts: map[string]*sql.Stmt{}}
	// As the other imports: a larger page cache for the transaction's many pages, and
	// the statement journals (each insert runs triggers) in memory rather than written
	// to a temporary file and thrown away.
	if err := conn.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&d.cache); err != nil {
		conn.Close()
		return nil, fmt.Errorf("disqus import: %w", err)
	}
	conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = %d`, -importCacheKiB))
	conn.ExecContext(ctx, `PRAGMA temp_store = MEMORY`)
	if d.tx, err = conn.BeginTx(ctx, nil); err != nil {
		d.release()
		return nil, fmt.Errorf("disqus import: begin: %w", err)
	}
	return d, nil
}

// stmt returns the transaction's prepared statement for query (each runs once a post).
func (d *DisqusImport) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := d.stmts[query]; ok {
		return st, nil
	}
	st, err := d.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("disqus import: prepare: %w", err)
	}
	d.stmts[query] = st
	return st, nil
}

// release gives the connection back as it was.
func (d *DisqusImport) release() {
	d.conn.ExecContext(context.Background(), fmt.Sprintf(`PRAGMA cache_size = %d`, d.cache))
	d.conn.ExecContext(context.Background(), `PRAGMA temp_store = DEFAULT`)
	d.conn.Close()
}

func (d *DisqusImport) end() {
	for _, st := range d.stmts {
		st.Close()
	}
	clear(d.stmts)
	d.done = true
}

// Rollback ends the import, writing nothing; after Commit it does nothing.
func (d *DisqusImport) Rollback() {
	if d.done {
		return
	}
	d.end()
	d.tx.Rollback()
	d.release()
}

// Commit records the change of the articles that got comments (their pages and comment
// pages; every page past 1,000 articles, as a whole site's import does) and commits.
func (d *DisqusImport) Commit(ctx context.Context, articles []int64) error {
	if d.done {
		return errors.New("disqus import: already ended")
	}
	if len(articles) > 0 {
		keys := articleKeys(articles)
		if len(keys) > 1000 {
			keys = []string{news.KeyAll}
		}
		if err := recordChange(ctx, d.tx, d.now, keys...); err != nil {
			d.Rollback()
			return fmt.Errorf("disqus import: record change: %w", err)
		}
	}
	d.end()
	err := d.tx.Commit()
	d.release()
	if err != nil {
		return fmt.Errorf("disqus import: commit: %w", err)
	}
	return nil
}

// one runs a query of one article ID; news.ErrNotFound for no row.
func (d *DisqusImport) one(ctx context.Context, what, query string, args ...any) (int64, error) {
	st, err := d.stmt(ctx, query)
	if err != nil {
		return 0, err
	}
	var id int64
	err = st.QueryRowContext(ctx, args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("%s: %w", what, news.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	return id, nil
}

// OldPath implements disqus.Tx: an old path the WordPress import recorded
// (redirects of kind news.RedirectPath).
func (d *DisqusImport) OldPath(ctx context.Context, path string) (int64, error) {
	return d.one(ctx, "old path "+path, `SELECT article_id FROM redirects WHERE kind = 'path' AND address = ?`, path)
}

// Slug implements disqus.Tx: the article with the slug, else the one that had it
// (redirects of kind news.RedirectSlug).
func (d *DisqusImport) Slug(ctx context.Context, slug string) (int64, error) {
	id, err := d.one(ctx, "slug "+slug, `SELECT id FROM articles WHERE slug = ?`, slug)
	if errors.Is(err, news.ErrNotFound) {
		return d.one(ctx, "former slug "+slug, `SELECT article_id FROM redirects WHERE kind = 'slug' AND address = ?`, slug)
	}
	return id, err
}

// Sourced implements disqus.Tx: the article an import made from source's sourceID.
func (d *DisqusImport) Sourced(ctx context.Context, source, sourceID string) (int64, error) {
	return d.one(ctx, source+" "+sourceID, qFindArticle, source, sourceID)
}

// FindComment implements disqus.Tx.
func (d *DisqusImport) FindComment(ctx context.Context, articleID int64, source, sourceID string) (int64, error) {
	return d.one(ctx, "comment "+source+" "+sourceID, qFindComment, articleID, source, sourceID)
}

// AddComment implements disqus.Tx. A placeholder (c.Removed) is stored as erasure
// leaves one: approved, with no author, email, text or trace; pages show
// news.CommentRemovedText in its place.
func (d *DisqusImport) AddComment(ctx context.Context, c *news.Comment) error {
	if c.Source == "" || c.SourceID == "" {
		return fmt.Errorf("an imported comment needs its source: %w", news.ErrInvalid)
	}
	if c.Removed {
		c.AuthorName, c.AuthorEmail, c.AuthorURL, c.Body, c.BodyHTML = "", "", "", "", ""
		c.Status = news.CommentApproved
	} else if err := validateComment(c); err != nil {
		return fmt.Errorf("comment %s: %w", c.SourceID, err)
	}
	ins, err := d.stmt(ctx, `INSERT INTO comments (article_id, parent_id, status, author_name, author_email,
		author_url, body, body_html, created_at, source, source_id, email_key, removed, status_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	r, err := ins.ExecContext(ctx, c.ArticleID, nullID(c.ParentID), string(c.Status), c.AuthorName, c.AuthorEmail,
		c.AuthorURL, c.Body, c.BodyHTML, c.CreatedAt.Unix(), c.Source, c.SourceID, emailKey(c.AuthorEmail), c.Removed, importedStatusAt(c.Status, d.now))
	if err != nil {
		return fmt.Errorf("insert comment %s: %w", c.SourceID, err)
	}
	c.ID, _ = r.LastInsertId()
	return nil
}

// CloseComments implements disqus.Tx: the article's comments closed (its
// comments_closed, as the editor's "Close comments"), reporting whether they were open.
// It is no edit of the story's text (no revision, no "Updated"), but it is a new
// version: the editor's form carries comments_closed, so a form opened before the
// import and saved after it would otherwise reopen the comments silently; with the new
// version that save is the conflict screen, which shows the change.
func (d *DisqusImport) CloseComments(ctx context.Context, articleID int64) (bool, error) {
	st, err := d.stmt(ctx, `UPDATE articles SET comments_closed = 1, version = version + 1 WHERE id = ? AND comments_closed = 0`)
	if err != nil {
		return false, err
	}
	r, err := st.ExecContext(ctx, articleID)
	if err != nil {
		return false, fmt.Errorf("close comments of article %d: %w", articleID, err)
	}
	n, _ := r.RowsAffected()
	return n > 0, nil
}

// SetParent implements disqus.Tx.
func (d *DisqusImport) SetParent(ctx context.Context, id, parent int64) error {
	_, err := d.tx.ExecContext(ctx, `UPDATE comments SET parent_id = ?
		WHERE id = ? AND article_id = (SELECT article_id FROM comments WHERE id = ?)`, parent, id, parent)
	if err != nil {
		return fmt.Errorf("comment %d's parent: %w", id, err)
	}
	return nil
}
