package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"broadsheet/internal/news"
)

// ApproveAndReply implements news.ReplyStore: the parent's status is read, changed and
// the reply inserted in one immediate transaction, so that a moderator marking the
// parent as spam at the same moment either comes first (the reply is refused) or after
// (the reply and its parent go to the state they chose together).
func (db *DB) ApproveAndReply(ctx context.Context, reply *news.Comment) (news.CommentStatus, int, error) {
	switch {
	case reply.UserID == 0:
		return "", 0, fmt.Errorf("a staff reply needs its account: %w", news.ErrInvalid)
	case reply.ParentID == 0:
		return "", 0, fmt.Errorf("a reply needs the comment it answers: %w", news.ErrInvalid)
	case reply.Status != news.CommentApproved:
		return "", 0, fmt.Errorf("a staff reply is published (status %q): %w", reply.Status, news.ErrInvalid)
	}
	if err := validateComment(reply); err != nil {
		return "", 0, err
	}
	if reply.CreatedAt.IsZero() {
		reply.CreatedAt = db.Now().UTC().Truncate(time.Second)
	}
	var was news.CommentStatus
	var approved int
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var articleID int64
		var removed bool
		err := tx.QueryRowContext(ctx, `SELECT article_id, status, removed FROM comments WHERE id = ?`, reply.ParentID).Scan(&articleID, &was, &removed)
		if errors.Is(err, sql.ErrNoRows) || err == nil && removed {
			return fmt.Errorf("reply to comment %d: %w", reply.ParentID, news.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("reply to comment %d: %w", reply.ParentID, err)
		}
		if articleID != reply.ArticleID {
			return fmt.Errorf("reply to comment %d, which is not on article %d: %w", reply.ParentID, reply.ArticleID, news.ErrInvalid)
		}
		var dup int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM comments WHERE parent_id = ? AND user_id = ? AND body = ? AND removed = 0`,
			reply.ParentID, reply.UserID, reply.Body).Scan(&dup); err != nil {
			return fmt.Errorf("reply to comment %d: %w", reply.ParentID, err)
		}
		if dup > 0 {
			return fmt.Errorf("reply to comment %d: %w", reply.ParentID, news.ErrDuplicateReply)
		}
		switch was {
		case news.CommentSpam, news.CommentTrash:
			return fmt.Errorf("reply to comment %d (%s): %w", reply.ParentID, was, news.ErrReplyToHidden)
		case news.CommentPending:
			// The parent and the waiting comments it answers in turn.
			res, err := tx.ExecContext(ctx, `WITH RECURSIVE `+pendingChain+`
				UPDATE comments SET status = 'approved', status_at = ? WHERE id IN (SELECT id FROM up WHERE status = 'pending' AND removed = 0)`,
				reply.ParentID, db.Now().Unix())
			if err != nil {
				return fmt.Errorf("approve comment %d: %w", reply.ParentID, err)
			}
			n, _ := res.RowsAffected()
			approved = int(n)
		}
		if err := insertComment(ctx, tx, reply); err != nil {
			return err
		}
		return recordChange(ctx, tx, db.Now(), news.KeyArticle(articleID))
	})
	if err != nil {
		return "", 0, err
	}
	return was, approved, nil
}

// pendingChain is the common table "up": the comment bound first and the comments it
// answers, walked up the thread while the one reached is pending (so the pending rows
// of up are a chain from the start), each with its distance from the start.
const pendingChain = `up(id, parent_id, status, removed, n) AS (
	SELECT id, parent_id, status, removed, 0 FROM comments WHERE id = ?
	UNION ALL
	SELECT c.id, c.parent_id, c.status, c.removed, up.n + 1 FROM comments c JOIN up ON c.id = up.parent_id WHERE up.status = 'pending'
)`

// PendingAncestors implements news.ReplyStore.
func (db *DB) PendingAncestors(ctx context.Context, id int64, limit int) ([]*news.Comment, int, error) {
	var total int
	var parent sql.NullInt64
	if err := db.reads.QueryRowContext(ctx, `SELECT parent_id FROM comments WHERE id = ?`, id).Scan(&parent); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, 0, fmt.Errorf("comment %d: %w", id, news.ErrNotFound)
		}
		return nil, 0, fmt.Errorf("comment %d: %w", id, err)
	}
	if !parent.Valid {
		return nil, 0, nil
	}
	if err := db.reads.QueryRowContext(ctx, `WITH RECURSIVE `+pendingChain+` SELECT COUNT(*) FROM up WHERE status = 'pending' AND removed = 0`,
		parent.Int64).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("comments comment %d answers: %w", id, err)
	}
	if total == 0 || limit <= 0 {
		return nil, total, nil
	}
	cs, err := db.queryComments(ctx, `WITH RECURSIVE `+pendingChain+` SELECT `+commentColumns+` FROM comments
		WHERE id IN (SELECT id FROM up WHERE status = 'pending' AND removed = 0) ORDER BY (SELECT n FROM up WHERE up.id = comments.id) LIMIT ?`, parent.Int64, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("comments comment %d answers: %w", id, err)
	}
	return cs, total, nil
}
