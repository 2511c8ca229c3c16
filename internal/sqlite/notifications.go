package sqlite

// Notifications inside the newsroom (news.NotificationStore): one row per recipient per
// event, in the `notifications` table (migration 0021).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"broadsheet/internal/news"
)

// currentNotification is news.Notification.Current in SQL, over n (notifications) and
// a (its article).
const currentNotification = `a.status <> 'trash' AND (n.kind <> 'submitted' OR a.status = 'review')`

// Notify implements news.NotificationStore.
func (db *DB) Notify(ctx context.Context, n news.Notification, recipients []int64) error {
	if err := checkNotification(n); err != nil {
		return err
	}
	if len(recipients) == 0 {
		return nil
	}
	if n.CreatedAt.IsZero() {
		n.CreatedAt = db.Now()
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM articles WHERE id = ?`, n.ArticleID).Scan(&one); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("notify of article %d: %w", n.ArticleID, news.ErrNotFound)
			}
			return fmt.Errorf("notify of article %d: %w", n.ArticleID, err)
		}
		return notifyTx(ctx, tx, n, recipients)
	})
}

func checkNotification(n news.Notification) error {
	if !n.Kind.Valid() || n.ArticleID <= 0 || utf8.RuneCountInString(n.Note) > news.MaxNoteRunes {
		return fmt.Errorf("notification %q of article %d: %w", n.Kind, n.ArticleID, news.ErrInvalid)
	}
	if err := news.CheckText("note", n.Note); err != nil {
		return fmt.Errorf("notification: %w", err)
	}
	return nil
}

// notifyTx stores n (checked, of an article that exists, CreatedAt set) for each
// recipient within tx: Notify's write, and an article write's (workflowNotice).
func notifyTx(ctx context.Context, tx *sql.Tx, n news.Notification, recipients []int64) error {
	var actor any
	if n.ActorID > 0 {
		actor = n.ActorID
	}
	created := n.CreatedAt
	seen := map[int64]bool{}
	for _, to := range recipients {
		if to <= 0 || seen[to] {
			continue
		}
		seen[to] = true
		_, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = ? WHERE article_id = ? AND user_id = ? AND kind = ? AND read_at IS NULL`,
			created.Unix(), n.ArticleID, to, string(n.Kind))
		if err != nil {
			return fmt.Errorf("notify user %d of article %d: %w", to, n.ArticleID, err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO notifications (user_id, kind, article_id, actor_id, actor_name, note, at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, to, string(n.Kind), n.ArticleID, actor, n.ActorName, n.Note, unix(n.At), created.Unix())
		if err != nil {
			return fmt.Errorf("notify user %d of article %d: %w", to, n.ArticleID, err)
		}
		// Only the newest MaxNotifications stay: by the (user_id, id) index, the
		// oldest beyond them go.
		_, err = tx.ExecContext(ctx, `DELETE FROM notifications WHERE user_id = ? AND id <= (
			SELECT id FROM notifications WHERE user_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`, to, to, news.MaxNotifications)
		if err != nil {
			return fmt.Errorf("trim the notifications of user %d: %w", to, err)
		}
	}
	return nil
}

// workflowNotice stores, within the transaction of an article's write, the
// notification the write owes (news.WorkflowNotice): before is the stored article (nil
// for a new one), a as written, now the write's time.
func workflowNotice(ctx context.Context, tx *sql.Tx, before, a *news.Article, now time.Time) error {
	var actor *news.User
	if a.EditedBy > 0 {
		u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, a.EditedBy))
		switch {
		case err == nil:
			actor = u
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("the writer of article %d: %w", a.ID, err)
		}
	}
	var users []*news.User
	if news.NoticeNeedsUsers(before, a) {
		rows, err := tx.QueryContext(ctx, `SELECT `+userColumns+` FROM users WHERE disabled = 0`)
		if err != nil {
			return fmt.Errorf("the reviewers of article %d: %w", a.ID, err)
		}
		for rows.Next() {
			u, err := scanUser(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("the reviewers of article %d: %w", a.ID, err)
			}
			users = append(users, u)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("the reviewers of article %d: %w", a.ID, err)
		}
		// Submitted again: the notes that asked the writer for changes are answered.
		if a.OwnerID != 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = ? WHERE user_id = ? AND article_id = ? AND kind = ? AND read_at IS NULL`,
				now.Unix(), a.OwnerID, a.ID, string(news.NotifySentBack)); err != nil {
				return fmt.Errorf("answer the notes of article %d: %w", a.ID, err)
			}
		}
	}
	n, to := news.WorkflowNotice(before, a, actor, users)
	if len(to) == 0 {
		return nil
	}
	n.CreatedAt = now
	if err := checkNotification(n); err != nil {
		return err
	}
	return notifyTx(ctx, tx, n, to)
}

// Notifications implements news.NotificationStore.
func (db *DB) Notifications(ctx context.Context, q news.NotificationQuery) ([]*news.Notification, int, error) {
	conds, args := []string{`n.user_id = ?`}, []any{q.UserID}
	if q.ArticleID > 0 {
		conds, args = append(conds, `n.article_id = ?`), append(args, q.ArticleID)
	}
	if q.Kind != "" {
		conds, args = append(conds, `n.kind = ?`), append(args, string(q.Kind))
	}
	if q.Unread {
		conds = append(conds, `n.read_at IS NULL`)
	}
	if q.Current {
		conds = append(conds, currentNotification)
	}
	where := ` FROM notifications n JOIN articles a ON a.id = n.article_id WHERE ` + strings.Join(conds, " AND ")
	var total int
	if err := db.reads.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count notifications of user %d: %w", q.UserID, err)
	}
	limit := q.Limit
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	rows, err := db.reads.QueryContext(ctx, `SELECT n.id, n.user_id, n.kind, n.article_id, COALESCE(n.actor_id, 0), n.actor_name, n.note,
		n.at, n.created_at, n.read_at, a.title, a.status`+where+` ORDER BY n.id DESC LIMIT ? OFFSET ?`, append(args, limit, max(0, q.Offset))...)
	if err != nil {
		return nil, 0, fmt.Errorf("notifications of user %d: %w", q.UserID, err)
	}
	defer rows.Close()
	var out []*news.Notification
	for rows.Next() {
		n := &news.Notification{}
		var at, readAt sql.NullInt64
		var created int64
		if err := rows.Scan(&n.ID, &n.UserID, &n.Kind, &n.ArticleID, &n.ActorID, &n.ActorName, &n.Note, &at, &created, &readAt,
			&n.ArticleTitle, &n.ArticleStatus); err != nil {
			return nil, 0, fmt.Errorf("notifications of user %d: %w", q.UserID, err)
		}
		n.At, n.CreatedAt, n.ReadAt = fromUnix(at), time.Unix(created, 0).UTC(), fromUnix(readAt)
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("notifications of user %d: %w", q.UserID, err)
	}
	return out, total, nil
}

// CountUnreadNotifications implements news.NotificationStore: the partial index on
// unread rows, each joined to its article by its key, stopping at max.
func (db *DB) CountUnreadNotifications(ctx context.Context, userID int64, max int) (int, error) {
	var n int
	err := db.reads.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM notifications n INDEXED BY notifications_unread
		JOIN articles a ON a.id = n.article_id WHERE n.user_id = ? AND n.read_at IS NULL AND `+currentNotification+` LIMIT ?)`,
		userID, max).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count unread notifications of user %d: %w", userID, err)
	}
	return n, nil
}

// MarkNotificationsRead implements news.NotificationStore.
func (db *DB) MarkNotificationsRead(ctx context.Context, userID int64, ids []int64, all bool, now time.Time) (int, error) {
	if len(ids) == 0 && !all {
		return 0, nil
	}
	marked := 0
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		marked = 0
		if len(ids) == 0 {
			res, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL`, now.Unix(), userID)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			marked = int(n)
			return nil
		}
		for _, id := range ids {
			res, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = ? WHERE id = ? AND user_id = ? AND read_at IS NULL`, now.Unix(), id, userID)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			marked += int(n)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("mark notifications of user %d read: %w", userID, err)
	}
	return marked, nil
}

// MarkArticleNotificationsRead implements news.NotificationStore.
func (db *DB) MarkArticleNotificationsRead(ctx context.Context, userID, articleID int64, kind news.NotificationKind, now time.Time) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = ? WHERE article_id = ? AND user_id = ? AND kind = ? AND read_at IS NULL`,
			now.Unix(), articleID, userID, string(kind))
		if err != nil {
			return fmt.Errorf("mark notifications of article %d read: %w", articleID, err)
		}
		return nil
	})
}
