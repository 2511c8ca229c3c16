package sqlite

// Private preview links and the status before the trash (news.PreviewStore), in the
// preview_links and trashed_from tables (migration 0022; trashed_from is filled by a
// trigger on every move to the trash).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"broadsheet/internal/news"
)

// CreatePreviewLink implements news.PreviewStore: the count of live links and the
// insert in one immediate transaction, so that concurrent requests cannot pass the
// bound together.
func (db *DB) CreatePreviewLink(ctx context.Context, l *news.PreviewLink, max int) error {
	if l.TokenHash == "" || !l.ExpiresAt.After(l.CreatedAt) {
		return fmt.Errorf("preview link of article %d: %w", l.ArticleID, news.ErrInvalid)
	}
	var by any
	if l.CreatedBy > 0 {
		by = l.CreatedBy
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT status FROM articles WHERE id = ?`, l.ArticleID).Scan(&status); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return news.ErrNotFound
			}
			return err
		}
		if status == string(news.StatusTrash) {
			return fmt.Errorf("the story is in the trash: %w", news.ErrInvalid)
		}
		now := l.CreatedAt.Unix()
		if _, err := tx.ExecContext(ctx, `DELETE FROM preview_links WHERE article_id = ? AND expires_at <= ?`, l.ArticleID, now); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM preview_links WHERE article_id = ?`, l.ArticleID).Scan(&n); err != nil {
			return err
		}
		if n >= max {
			return news.ErrLimit
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO preview_links (article_id, token_hash, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			l.ArticleID, l.TokenHash, by, now, l.ExpiresAt.Unix())
		if err != nil {
			return err
		}
		l.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return fmt.Errorf("create a preview link of article %d: %w", l.ArticleID, err)
	}
	return nil
}

// PreviewLinks implements news.PreviewStore.
func (db *DB) PreviewLinks(ctx context.Context, articleID int64, now time.Time) ([]*news.PreviewLink, error) {
	rows, err := db.reads.QueryContext(ctx, `SELECT p.id, p.token_hash, coalesce(p.created_by, 0), coalesce(u.name, ''), p.created_at, p.expires_at
		FROM preview_links p LEFT JOIN users u ON u.id = p.created_by
		WHERE p.article_id = ? AND p.expires_at > ? ORDER BY p.id DESC LIMIT ?`, articleID, now.Unix(), news.MaxPreviewLinks)
	if err != nil {
		return nil, fmt.Errorf("preview links of article %d: %w", articleID, err)
	}
	defer rows.Close()
	var out []*news.PreviewLink
	for rows.Next() {
		l := &news.PreviewLink{ArticleID: articleID}
		var created, expires int64
		if err := rows.Scan(&l.ID, &l.TokenHash, &l.CreatedBy, &l.CreatedByName, &created, &expires); err != nil {
			return nil, fmt.Errorf("preview links of article %d: %w", articleID, err)
		}
		l.CreatedAt, l.ExpiresAt = time.Unix(created, 0).UTC(), time.Unix(expires, 0).UTC()
		out = append(out, l)
	}
	return out, rows.Err()
}

// RevokePreviewLink implements news.PreviewStore.
func (db *DB) RevokePreviewLink(ctx context.Context, articleID, id int64) error {
	var n int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM preview_links WHERE id = ? AND article_id = ?`, id, articleID)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("revoke preview link %d: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("preview link %d of article %d: %w", id, articleID, news.ErrNotFound)
	}
	return nil
}

// PreviewLinkArticle implements news.PreviewStore.
func (db *DB) PreviewLinkArticle(ctx context.Context, tokenHash string, now time.Time) (int64, error) {
	var id int64
	err := db.reads.QueryRowContext(ctx, `SELECT p.article_id FROM preview_links p JOIN articles a ON a.id = p.article_id
		WHERE p.token_hash = ? AND p.expires_at > ? AND a.status <> 'trash'`, tokenHash, now.Unix()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, news.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("find a preview link: %w", err)
	}
	return id, nil
}

// StatusBeforeTrash implements news.PreviewStore.
func (db *DB) StatusBeforeTrash(ctx context.Context, articleID int64) (news.ArticleStatus, error) {
	var st string
	err := db.reads.QueryRowContext(ctx, `SELECT status FROM trashed_from WHERE article_id = ?`, articleID).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		return "", news.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("status before the trash of article %d: %w", articleID, err)
	}
	return news.ArticleStatus(st), nil
}
