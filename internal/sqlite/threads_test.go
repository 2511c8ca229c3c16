package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommentPageReadsByIndex checks that a comment page's queries find the page's
// threads and their replies through indexes, never by reading every comment (a page's
// cost must follow its size, not the article's 600 comments nor the site's).
func TestCommentPageReadsByIndex(t *testing.T) {
	db := openFile(t, filepath.Join(t.TempDir(), "plan.db"))
	ctx := context.Background()
	plan := func(query string, args ...any) string {
		rows, err := db.reads.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			b.WriteString(detail + "\n")
		}
		return b.String()
	}
	roots := plan(`SELECT c.id FROM comments c WHERE `+threadRoot("?")+` ORDER BY c.created_at, c.id LIMIT ? OFFSET ?`, 1, 50, 100)
	if !strings.Contains(roots, "USING COVERING INDEX comments_threads") || strings.Contains(roots, "TEMP B-TREE") {
		t.Errorf("a page's threads are not read in order from the covering index:\n%s", roots)
	}
	replies := plan(`SELECT c.id FROM comments c WHERE c.parent_id = ? AND c.status = 'approved'`, 1)
	if !strings.Contains(replies, "comments_by_parent") {
		t.Errorf("replies are not found by their parent's index:\n%s", replies)
	}
	for _, q := range []string{roots, replies} {
		for _, line := range strings.Split(q, "\n") {
			if strings.HasPrefix(line, "SCAN ") && !strings.Contains(line, "INDEX") {
				t.Errorf("a comment page reads a whole table: %s", line)
			}
		}
	}
}
