package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"broadsheet/internal/news"
)

const commentColumns = `id, article_id, COALESCE(parent_id, 0), status, author_name, author_email, author_url,
	body, body_html, ip_hash, user_agent, created_at, source, source_id, COALESCE(user_id, 0), removed`

func scanComment(row scanner) (*news.Comment, error) {
	var c news.Comment
	var created int64
	err := row.Scan(&c.ID, &c.ArticleID, &c.ParentID, &c.Status, &c.AuthorName, &c.AuthorEmail, &c.AuthorURL,
		&c.Body, &c.BodyHTML, &c.IPHash, &c.UserAgent, &created, &c.Source, &c.SourceID, &c.UserID, &c.Removed)
	if err != nil {
		return nil, err
	}
	c.CreatedAt = time.Unix(created, 0).UTC()
	return &c, nil
}

func (db *DB) queryComments(ctx context.Context, query string, args ...any) ([]*news.Comment, error) {
	rows, err := db.reads.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("comments: %w", err)
	}
	defer rows.Close()
	var out []*news.Comment
	for rows.Next() {
		c, err := scanComment(rows)
		if err != nil {
			return nil, fmt.Errorf("comments: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Comment implements news.Store.
func (db *DB) Comment(ctx context.Context, id int64) (*news.Comment, error) {
	c, err := scanComment(db.reads.QueryRowContext(ctx, `SELECT `+commentColumns+` FROM comments WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("comment %d: %w", id, news.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("comment %d: %w", id, err)
	}
	return c, nil
}

// ApprovedComments implements news.Store.
func (db *DB) ApprovedComments(ctx context.Context, articleID int64) ([]*news.Comment, error) {
	return db.queryComments(ctx, `SELECT `+commentColumns+` FROM comments
		WHERE article_id = ? AND status = 'approved' ORDER BY created_at, id`, articleID)
}

func commentWhere(q news.CommentQuery) (string, []any) {
	conds := []string{`removed = 0`} // an erased comment's placeholder is no one's comment
	var args []any
	if q.ArticleID != 0 {
		conds = append(conds, `article_id = ?`)
		args = append(args, q.ArticleID)
	}
	if q.Status != "" {
		conds = append(conds, `status = ?`)
		args = append(args, string(q.Status))
	}
	if q.Email != "" {
		conds = append(conds, `email_key = ?`)
		args = append(args, emailKey(q.Email))
	}
	if q.IPHash != "" {
		conds = append(conds, `ip_hash = ?`)
		args = append(args, q.IPHash)
	}
	return ` WHERE ` + strings.Join(conds, " AND "), args
}

// Comments implements news.Store.
func (db *DB) Comments(ctx context.Context, q news.CommentQuery) ([]*news.Comment, error) {
	where, args := commentWhere(q)
	query := `SELECT ` + commentColumns + ` FROM comments` + where + ` ORDER BY created_at DESC, id DESC`
	if q.Limit > 0 {
		query += ` LIMIT ? OFFSET ?`
		args = append(args, q.Limit, q.Offset)
	}
	return db.queryComments(ctx, query, args...)
}

// CountComments implements news.Store.
func (db *DB) CountComments(ctx context.Context, q news.CommentQuery) (int, error) {
	where, args := commentWhere(q)
	var n int
	if err := db.reads.QueryRowContext(ctx, `SELECT COUNT(*) FROM comments`+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count comments: %w", err)
	}
	return n, nil
}

// CreateComment implements news.Store.
func (db *DB) CreateComment(ctx context.Context, c *news.Comment) error {
	if err := validateComment(c); err != nil {
		return err
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = db.Now().UTC().Truncate(time.Second)
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if c.UserID == 0 && c.Source == "" {
			if err := refuseDuplicate(ctx, tx, c); err != nil {
				return err
			}
		}
		if err := insertComment(ctx, tx, c); err != nil {
			return err
		}
		if c.Status == news.CommentApproved {
			return recordChange(ctx, tx, db.Now(), news.KeyArticle(c.ArticleID))
		}
		return nil
	})
}

// refuseDuplicate returns ErrDuplicate when the article has c already (see
// news.Store.CreateComment): found among the article's comments by the same email (an
// index) or the same name, so the cost follows one commenter's comments, not the thread.
func refuseDuplicate(ctx context.Context, tx *sql.Tx, c *news.Comment) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM comments WHERE article_id = ? AND coalesce(parent_id, 0) = ?
		AND status <> 'trash' AND user_id IS NULL AND body = ?
		AND ((email_key <> '' AND email_key = ?) OR author_name = ?) LIMIT 1`,
		c.ArticleID, c.ParentID, c.Body, emailKey(c.AuthorEmail), c.AuthorName).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("look for a duplicate comment: %w", err)
	}
	return fmt.Errorf("comment on article %d: %w", c.ArticleID, news.ErrDuplicate)
}

func validateComment(c *news.Comment) error {
	switch {
	case c.ArticleID == 0:
		return fmt.Errorf("comment needs an article: %w", news.ErrInvalid)
	case !c.Status.Valid():
		return fmt.Errorf("comment status %q: %w", c.Status, news.ErrInvalid)
	case strings.TrimSpace(c.Body) == "":
		return fmt.Errorf("comment needs a text: %w", news.ErrInvalid)
	}
	for _, t := range [][2]string{{"the comment", c.Body}, {"the commenter's name", c.AuthorName}, {"the commenter's email", c.AuthorEmail},
		{"the commenter's website", c.AuthorURL}} {
		if err := news.CheckText(t[0], t[1]); err != nil {
			return fmt.Errorf("comment: %w", err)
		}
	}
	return nil
}

func insertComment(ctx context.Context, tx *sql.Tx, c *news.Comment) error {
	var parent any
	if c.ParentID != 0 {
		var parentArticle int64
		err := tx.QueryRowContext(ctx, `SELECT article_id FROM comments WHERE id = ?`, c.ParentID).Scan(&parentArticle)
		if errors.Is(err, sql.ErrNoRows) || err == nil && parentArticle != c.ArticleID {
			return fmt.Errorf("comment's parent %d is not on article %d: %w", c.ParentID, c.ArticleID, news.ErrInvalid)
		}
		if err != nil {
			return fmt.Errorf("comment's parent: %w", err)
		}
		parent = c.ParentID
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO comments (article_id, parent_id, status, author_name, author_email,
		author_url, body, body_html, ip_hash, user_agent, created_at, source, source_id, user_id, email_key)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ArticleID, parent, string(c.Status), c.AuthorName, c.AuthorEmail, c.AuthorURL, c.Body, c.BodyHTML,
		c.IPHash, c.UserAgent, c.CreatedAt.Unix(), c.Source, c.SourceID, nullID(c.UserID), emailKey(c.AuthorEmail))
	if err != nil {
		if strings.Contains(err.Error(), "FOREIGN KEY") {
			return fmt.Errorf("comment's article %d: %w", c.ArticleID, news.ErrNotFound)
		}
		return fmt.Errorf("insert comment: %w", err)
	}
	c.ID, _ = res.LastInsertId()
	return nil
}

// SetCommentStatus implements news.Store.
func (db *DB) SetCommentStatus(ctx context.Context, id int64, status news.CommentStatus) error {
	if !status.Valid() {
		return fmt.Errorf("comment status %q: %w", status, news.ErrInvalid)
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var articleID int64
		var old string
		err := tx.QueryRowContext(ctx, `SELECT article_id, status FROM comments WHERE id = ?`, id).Scan(&articleID, &old)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("comment %d: %w", id, news.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("comment %d: %w", id, err)
		}
		// status_at: trash and spam are emptied counting from when they got there.
		if _, err := tx.ExecContext(ctx, `UPDATE comments SET status = ?, status_at = CASE WHEN status = ? THEN status_at ELSE ? END WHERE id = ?`,
			string(status), string(status), db.Now().Unix(), id); err != nil {
			return fmt.Errorf("set comment %d status: %w", id, err)
		}
		if old == string(news.CommentApproved) || status == news.CommentApproved {
			return recordChange(ctx, tx, db.Now(), news.KeyArticle(articleID))
		}
		return nil
	})
}

// HasApprovedComment implements news.Store.
func (db *DB) HasApprovedComment(ctx context.Context, name, email string) (bool, error) {
	if strings.TrimSpace(email) == "" || strings.TrimSpace(name) == "" {
		return false, nil
	}
	// The names are compared here, with Unicode's case folding (SQLite folds ASCII
	// only): "LÉA MARTIN" is Léa Martin. The distinct names one email has used are few.
	// The emails are compared by their stored keys (news.NormalEmail), for the same reason.
	key := emailKey(email)
	rows, err := db.reads.QueryContext(ctx, `SELECT DISTINCT author_name FROM comments
		WHERE email_key = ? AND status = 'approved' AND user_id IS NULL
		AND NOT EXISTS (SELECT 1 FROM users WHERE users.email_key = ?) LIMIT 1000`, key, key)
	if err != nil {
		return false, fmt.Errorf("approved comments of a commenter: %w", err)
	}
	defer rows.Close()
	name = news.NFC(strings.TrimSpace(name))
	for rows.Next() {
		var known string
		if err := rows.Scan(&known); err != nil {
			return false, fmt.Errorf("approved comments of a commenter: %w", err)
		}
		if strings.EqualFold(news.NFC(known), name) {
			return true, nil
		}
	}
	return false, rows.Err()
}

// UpdateComment implements news.Store.
func (db *DB) UpdateComment(ctx context.Context, c *news.Comment) error {
	if err := validateComment(c); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE comments SET author_name = ?, author_email = ?, author_url = ?, body = ?, body_html = ?, email_key = ? WHERE id = ?`,
			c.AuthorName, c.AuthorEmail, c.AuthorURL, c.Body, c.BodyHTML, emailKey(c.AuthorEmail), c.ID)
		if err != nil {
			return fmt.Errorf("update comment %d: %w", c.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("comment %d: %w", c.ID, news.ErrNotFound)
		}
		return recordChange(ctx, tx, db.Now(), news.KeyArticle(c.ArticleID))
	})
}

func blockValue(kind, value string) (string, error) {
	switch kind {
	case "email":
		return emailKey(value), nil
	case "ip":
		return strings.TrimSpace(value), nil
	}
	return "", fmt.Errorf("block kind %q: %w", kind, news.ErrInvalid)
}

// Block implements news.Store.
func (db *DB) Block(ctx context.Context, b news.Block) error {
	v, err := blockValue(b.Kind, b.Value)
	if err != nil || v == "" {
		return fmt.Errorf("block: %w", news.ErrInvalid)
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO blocks (kind, value, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, b.Kind, v, db.Now().Unix()); err != nil {
			return fmt.Errorf("block: %w", err)
		}
		where := `email_key = ?`
		if b.Kind == "ip" {
			where = `ip_hash = ?`
		}
		if _, err := tx.ExecContext(ctx, `UPDATE comments SET status = 'spam', status_at = ? WHERE status = 'pending' AND `+where, db.Now().Unix(), v); err != nil {
			return fmt.Errorf("block: %w", err)
		}
		return nil
	})
}

// Unblock implements news.Store.
func (db *DB) Unblock(ctx context.Context, kind, value string) error {
	v, err := blockValue(kind, value)
	if err != nil {
		return err
	}
	_, err = db.write.ExecContext(ctx, `DELETE FROM blocks WHERE kind = ? AND value = ?`, kind, v)
	return err
}

// Blocks implements news.Store.
func (db *DB) Blocks(ctx context.Context) ([]news.Block, error) {
	rows, err := db.reads.QueryContext(ctx, `SELECT kind, value, created_at FROM blocks ORDER BY created_at DESC`)
	if err != nil {
		return nil, fmt.Errorf("blocks: %w", err)
	}
	defer rows.Close()
	var out []news.Block
	for rows.Next() {
		var b news.Block
		var at int64
		if err := rows.Scan(&b.Kind, &b.Value, &at); err != nil {
			return nil, err
		}
		b.CreatedAt = time.Unix(at, 0).UTC()
		out = append(out, b)
	}
	return out, rows.Err()
}

// IsBlocked implements news.Store.
func (db *DB) IsBlocked(ctx context.Context, email, ipHash string) (bool, error) {
	var n int
	err := db.reads.QueryRowContext(ctx, `SELECT COUNT(*) FROM blocks WHERE (kind = 'email' AND value = ?) OR (kind = 'ip' AND value = ?)`,
		emailKey(email), ipHash).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("blocks: %w", err)
	}
	return n > 0, nil
}
