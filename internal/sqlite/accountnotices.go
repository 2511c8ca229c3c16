package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"broadsheet/internal/news"
)

// AddAccountNotice implements news.AccountNoticeStore.
func (db *DB) AddAccountNotice(ctx context.Context, n *news.AccountNotice) error {
	if !n.Kind.Valid() {
		return fmt.Errorf("account notice %q: %w", n.Kind, news.ErrInvalid)
	}
	if n.CreatedAt.IsZero() {
		n.CreatedAt = db.Now()
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM users WHERE id = ?`, n.UserID).Scan(&one); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("account notice of user %d: %w", n.UserID, news.ErrNotFound)
			}
			return fmt.Errorf("account notice of user %d: %w", n.UserID, err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO account_notices (user_id, kind, actor_id, actor_name, from_value, to_value, created_at)
			VALUES (?, ?, (SELECT id FROM users WHERE id = ?), ?, ?, ?, ?)`,
			n.UserID, string(n.Kind), n.ActorID, n.ActorName, n.From, n.To, n.CreatedAt.Unix())
		if err != nil {
			return fmt.Errorf("account notice of user %d: %w", n.UserID, err)
		}
		if n.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		// Only the newest MaxAccountNotices stay, by the (user_id, id) index.
		_, err = tx.ExecContext(ctx, `DELETE FROM account_notices WHERE user_id = ? AND id <= (
			SELECT id FROM account_notices WHERE user_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`, n.UserID, n.UserID, news.MaxAccountNotices)
		if err != nil {
			return fmt.Errorf("trim the account notices of user %d: %w", n.UserID, err)
		}
		return nil
	})
}

// AccountNotices implements news.AccountNoticeStore.
func (db *DB) AccountNotices(ctx context.Context, userID int64, unseen bool, limit int) ([]*news.AccountNotice, error) {
	if limit <= 0 || limit > news.MaxAccountNotices {
		limit = news.MaxAccountNotices
	}
	q := `SELECT id, user_id, kind, COALESCE(actor_id, 0), actor_name, from_value, to_value, created_at, COALESCE(seen_at, 0)
		FROM account_notices WHERE user_id = ?`
	if unseen {
		q += ` AND seen_at IS NULL`
	}
	rows, err := db.reads.QueryContext(ctx, q+` ORDER BY id DESC LIMIT ?`, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("account notices of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []*news.AccountNotice
	for rows.Next() {
		n := &news.AccountNotice{}
		var created, seen int64
		if err := rows.Scan(&n.ID, &n.UserID, &n.Kind, &n.ActorID, &n.ActorName, &n.From, &n.To, &created, &seen); err != nil {
			return nil, fmt.Errorf("account notices of user %d: %w", userID, err)
		}
		n.CreatedAt = time.Unix(created, 0).UTC()
		if seen != 0 {
			n.SeenAt = time.Unix(seen, 0).UTC()
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// SeeAccountNotices implements news.AccountNoticeStore.
func (db *DB) SeeAccountNotices(ctx context.Context, userID, upTo int64, now time.Time) (int, error) {
	var n int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE account_notices SET seen_at = ? WHERE user_id = ? AND id <= ? AND seen_at IS NULL`, now.Unix(), userID, upTo)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("see the account notices of user %d: %w", userID, err)
	}
	return int(n), nil
}

var _ news.AccountNoticeStore = (*DB)(nil)
