package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"broadsheet/internal/news"
)

// news.QueueStore: the comment queue's pages, search, counts and deletions (issue 8).

// queueWhere is the queue's conditions of q, without the search's.
func queueWhere(q news.QueueQuery) ([]string, []any) {
	conds := []string{`removed = 0`} // the index comments_queue's own term
	var args []any
	if q.Status != "" {
		conds = append(conds, `status = ?`)
		args = append(args, string(q.Status))
	}
	if q.Email != "" {
		conds = append(conds, `email_key = ?`)
		args = append(args, emailKey(q.Email))
	}
	if k := q.After; k != nil {
		t := k.CreatedAt.Unix()
		conds = append(conds, `(created_at < ? OR (created_at = ? AND id < ?))`)
		args = append(args, t, t, k.ID)
	} else if k := q.Before; k != nil {
		t := k.CreatedAt.Unix()
		conds = append(conds, `(created_at > ? OR (created_at = ? AND id > ?))`)
		args = append(args, t, t, k.ID)
	}
	return conds, args
}

// CommentQueue implements news.QueueStore.
func (db *DB) CommentQueue(ctx context.Context, q news.QueueQuery) (*news.QueuePage, error) {
	limit, _ := pageBounds(q.Limit, 0)
	conds, args := queueWhere(q)
	order := ` ORDER BY created_at DESC, id DESC`
	if q.Before != nil {
		order = ` ORDER BY created_at ASC, id ASC` // read back from the key, then turned round
	}
	from := ` FROM comments WHERE ` + strings.Join(conds, " AND ")
	query := `SELECT ` + commentColumns + from + order + ` LIMIT ?`
	qargs := append(slices.Clip(args), limit+1)
	match := news.CutFilter(q.Match)
	window, cut := news.QueueSearchWindow, false
	if match != "" {
		// The search looks through at most QueueSearchWindow comments from the key on,
		// and at most QueueSearchBytes of their text: the window is read from the index
		// and sized by the text's lengths (octet_length reads no text), then the text
		// is matched in it.
		var err error
		if window, cut, err = db.searchWindow(ctx, from, order, args); err != nil {
			return nil, fmt.Errorf("comment queue: %w", err)
		}
		p := containsPattern(match)
		query = `SELECT ` + commentColumns + ` FROM (SELECT *` + from + order + ` LIMIT ?)
			WHERE bs_fold(body) LIKE ? ESCAPE '\' OR bs_fold(author_name) LIKE ? ESCAPE '\' OR bs_fold(author_email) LIKE ? ESCAPE '\'` +
			order + ` LIMIT ?`
		qargs = append(slices.Clip(args), window, p, p, p, limit+1)
	}
	cs, err := db.queryComments(ctx, query, qargs...)
	if err != nil {
		return nil, fmt.Errorf("comment queue: %w", err)
	}
	page := &news.QueuePage{Comments: cs}
	if len(cs) > limit {
		page.More = true
		page.Comments = cs[:limit]
	} else if match != "" && (cut || window == news.QueueSearchWindow) {
		// Fewer than a page: was the window full, or cut by its text? Then the search
		// stopped at its end.
		var at, id int64
		err := db.reads.QueryRowContext(ctx, `SELECT created_at, id`+from+order+` LIMIT 1 OFFSET ?`,
			append(slices.Clip(args), window-1)...).Scan(&at, &id)
		switch {
		case err == nil:
			page.SearchedTo = &news.CommentKey{CreatedAt: time.Unix(at, 0).UTC(), ID: id}
			page.More = true
		case !errors.Is(err, sql.ErrNoRows):
			return nil, fmt.Errorf("comment queue: %w", err)
		}
	}
	if q.Before != nil {
		slices.Reverse(page.Comments)
	}
	return page, nil
}

// searchWindow is how many comments a search page looks through from its key on (the
// rows of from in order): at most QueueSearchWindow, and no more than those whose text
// before them is under QueueSearchBytes. cut says the text ended it before the rows
// did.
func (db *DB) searchWindow(ctx context.Context, from, order string, args []any) (n int, cut bool, err error) {
	over := strings.TrimPrefix(order, " ORDER BY ")
	var rows, within int
	err = db.reads.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(before < ?), 0) FROM (
		SELECT SUM(w) OVER (ORDER BY `+over+` ROWS UNBOUNDED PRECEDING) - w AS before FROM (
			SELECT octet_length(body) + octet_length(author_name) + octet_length(author_email) AS w, created_at, id`+from+order+` LIMIT ?))`,
		append(append([]any{news.QueueSearchBytes}, args...), news.QueueSearchWindow)...).Scan(&rows, &within)
	if err != nil {
		return 0, false, fmt.Errorf("search window: %w", err)
	}
	return max(within, 1), within < rows, nil
}

// CountCommentsByStatus implements news.QueueStore: one pass over the index
// comments_queue, which holds no placeholder.
func (db *DB) CountCommentsByStatus(ctx context.Context) (map[news.CommentStatus]int, error) {
	rows, err := db.reads.QueryContext(ctx, `SELECT status, COUNT(*) FROM comments INDEXED BY comments_queue WHERE removed = 0 GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("count comments: %w", err)
	}
	defer rows.Close()
	out := map[news.CommentStatus]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count comments: %w", err)
		}
		out[news.CommentStatus(st)] = n
	}
	return out, rows.Err()
}

// CommentsByID implements news.QueueStore.
func (db *DB) CommentsByID(ctx context.Context, ids []int64) (map[int64]*news.Comment, error) {
	out := map[int64]*news.Comment{}
	if len(ids) > news.ListPageMax {
		return nil, fmt.Errorf("comments by ID: %d IDs: %w", len(ids), news.ErrInvalid)
	}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	cs, err := db.queryComments(ctx, `SELECT `+commentColumns+` FROM comments WHERE id IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		out[c.ID] = c
	}
	return out, nil
}

// deleteFromBin erases, within tx, the comments of ids that are in spam or the trash.
func (db *DB) deleteFromBin(ctx context.Context, tx *sql.Tx, ids []int64) (news.Purged, error) {
	var p news.Purged
	var bin []int64
	err := inChunks(ids, func(marks string, args []any) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM comments WHERE removed = 0 AND status IN ('spam', 'trash') AND id IN (`+marks+`)`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			bin = append(bin, id)
		}
		return rows.Err()
	})
	if err != nil {
		return p, fmt.Errorf("delete comments: %w", err)
	}
	er, err := eraseComments(ctx, tx, bin)
	if err != nil {
		return p, fmt.Errorf("delete comments: %w", err)
	}
	p.Comments, p.Placeholders = len(bin), er.placeholders
	return p, recordChange(ctx, tx, db.Now(), articleKeys(er.articles)...)
}

// DeleteComments implements news.QueueStore.
func (db *DB) DeleteComments(ctx context.Context, ids []int64) (news.Purged, error) {
	var p news.Purged
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		p, err = db.deleteFromBin(ctx, tx, ids)
		return err
	})
	return p, err
}

// EmptyComments implements news.QueueStore.
func (db *DB) EmptyComments(ctx context.Context, status news.CommentStatus, limit int) (news.Purged, error) {
	var p news.Purged
	if status != news.CommentSpam && status != news.CommentTrash || limit < 1 {
		return p, fmt.Errorf("empty %q by %d: %w", status, limit, news.ErrInvalid)
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM comments INDEXED BY comments_queue WHERE status = ? AND removed = 0 LIMIT ?`, string(status), limit)
		if err != nil {
			return fmt.Errorf("empty %s: %w", status, err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("empty %s: %w", status, err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("empty %s: %w", status, err)
		}
		p, err = db.deleteFromBin(ctx, tx, ids)
		p.More = len(ids) == limit
		return err
	})
	return p, err
}
