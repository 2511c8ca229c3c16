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
func (db *DB) ApproveAndReply(ctx context.Context, reply *news.Comment) (news.CommentStatus, error) {
	switch {
	case reply.UserID == 0:
		return "", fmt.Errorf("a staff reply needs its account: %w", news.ErrInvalid)
	case reply.ParentID == 0:
		return "", fmt.Errorf("a reply needs the comment it answers: %w", news.ErrInvalid)
	case reply.Status != news.CommentApproved:
		return "", fmt.Errorf("a staff reply is published (status %q): %w", reply.Status, news.ErrInvalid)
	}
	if err := validateComment(reply); err != nil {
		return "", err
	}
	if reply.CreatedAt.IsZero() {
		reply.CreatedAt = db.Now().UTC().Truncate(time.Second)
	}
	var was news.CommentStatus
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
		switch was {
		case news.CommentSpam, news.CommentTrash:
			return fmt.Errorf("reply to comment %d (%s): %w", reply.ParentID, was, news.ErrReplyToHidden)
		case news.CommentPending:
			if _, err := tx.ExecContext(ctx, `UPDATE comments SET status = 'approved', status_at = ? WHERE id = ?`,
				db.Now().Unix(), reply.ParentID); err != nil {
				return fmt.Errorf("approve comment %d: %w", reply.ParentID, err)
			}
		}
		if err := insertComment(ctx, tx, reply); err != nil {
			return err
		}
		return recordChange(ctx, tx, db.Now(), news.KeyArticle(articleID))
	})
	if err != nil {
		return "", err
	}
	return was, nil
}
