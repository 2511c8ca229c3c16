package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"broadsheet/internal/news"
)

// Comment pages (news.Store.ApprovedCommentPage, CommentThreadIndex).

// threadRoot is the condition on comments c that makes c a top-level comment of the
// article the expression names, as readers see it: approved, with no parent or a parent
// that is not approved (such a reply shows at the top level, see news.Thread). The
// index comments_threads holds every column it reads but the parent's status, looked up
// by primary key for replies.
func threadRoot(article string) string {
	return `c.article_id = ` + article + ` AND c.status = 'approved' AND (c.parent_id IS NULL OR NOT EXISTS (
	SELECT 1 FROM comments p WHERE p.id = c.parent_id AND p.status = 'approved'))`
}

// commentPageQuery reads the page's threads (args: article, limit, offset) and every
// approved reply under them, oldest first. UNION, not UNION ALL: a comment is gathered
// once even if parents were ever to form a loop (the store's writes cannot make one: a
// parent is older). The replies are found by comments_by_parent, named because without
// statistics SQLite's planner would rather walk every approved comment of the site
// (comments_by_status) for each comment of the tree.
var commentPageQuery = `WITH RECURSIVE
	roots(id) AS (SELECT c.id FROM comments c WHERE ` + threadRoot("?") + ` ORDER BY c.created_at, c.id LIMIT ? OFFSET ?),
	tree(id) AS (SELECT id FROM roots
		UNION SELECT c.id FROM tree JOIN comments c INDEXED BY comments_by_parent ON c.parent_id = tree.id WHERE c.status = 'approved')
	SELECT ` + commentColumns + ` FROM comments WHERE id IN (SELECT id FROM tree) ORDER BY created_at, id`

// ApprovedCommentPage implements news.Store. The counts are read from the index
// comments_threads; the page's threads are found by LIMIT/OFFSET on the same index
// (steps over the earlier threads' index entries, never their rows) and their replies
// by a recursive walk down comments_by_parent, so only the page's comments are read.
func (db *DB) ApprovedCommentPage(ctx context.Context, articleID int64, limit, offset int) (*news.CommentPage, error) {
	if limit < 0 || offset < 0 {
		return nil, fmt.Errorf("comment page: limit %d, offset %d: %w", limit, offset, news.ErrInvalid)
	}
	p := &news.CommentPage{}
	err := db.reads.QueryRowContext(ctx, `SELECT COALESCE(SUM(c.removed = 0), 0), COALESCE(SUM(c.parent_id IS NULL OR NOT EXISTS (
			SELECT 1 FROM comments p WHERE p.id = c.parent_id AND p.status = 'approved')), 0)
		FROM comments c WHERE c.article_id = ? AND c.status = 'approved'`, articleID).Scan(&p.Total, &p.Threads)
	if err != nil {
		return nil, fmt.Errorf("count the comments of article %d: %w", articleID, err)
	}
	if offset >= p.Threads {
		return p, nil
	}
	if limit == 0 && offset == 0 { // every thread: every approved comment, without the walk
		p.Comments, err = db.ApprovedComments(ctx, articleID)
	} else {
		sqlLimit := int64(limit)
		if limit == 0 {
			sqlLimit = -1 // SQLite: no limit
		}
		p.Comments, err = db.queryComments(ctx, commentPageQuery, articleID, sqlLimit, offset)
	}
	if err != nil {
		return nil, fmt.Errorf("comment page of article %d: %w", articleID, err)
	}
	return p, nil
}

// threadIndexQuery climbs from a comment (arg: its ID) to its thread's top-level
// comment and counts the threads before it; no row when there is no such comment.
var threadIndexQuery = `WITH RECURSIVE
	up(id, parent_id, article_id, created_at, depth) AS (
		SELECT id, parent_id, article_id, created_at, 0 FROM comments WHERE id = ?
		UNION ALL SELECT p.id, p.parent_id, p.article_id, p.created_at, up.depth + 1
		FROM up JOIN comments p ON p.id = up.parent_id WHERE p.status = 'approved' AND up.depth < 100000),
	top AS (SELECT id, article_id, created_at FROM up ORDER BY depth DESC LIMIT 1)
	SELECT (SELECT COUNT(*) FROM comments c WHERE ` + threadRoot("t.article_id") + `
		AND (c.created_at, c.id) < (t.created_at, t.id)) FROM top t`

// CommentThreadIndex implements news.Store: it climbs from the comment through its
// approved ancestors to the top-level comment that shows it, then counts the article's
// threads before that one (on the index comments_threads).
func (db *DB) CommentThreadIndex(ctx context.Context, id int64) (int, error) {
	var n int
	err := db.reads.QueryRowContext(ctx, threadIndexQuery, id).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("comment %d: %w", id, news.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("the thread of comment %d: %w", id, err)
	}
	return n, nil
}
