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
	page := queryPlan(t, db, commentPageQuery, 1, 50, 100)
	if !strings.Contains(page, "SEARCH c USING COVERING INDEX comments_threads (article_id=? AND status=?)") {
		t.Errorf("a page's threads are not read in order from the covering index:\n%s", page)
	}
	if !strings.Contains(page, "comments_by_parent (parent_id=? AND status=?)") {
		t.Errorf("replies are not found by their parent's index:\n%s", page)
	}
	counts := queryPlan(t, db, `SELECT COUNT(*) FROM comments c WHERE `+threadRoot("?"), 1)
	if !strings.Contains(counts, "COVERING INDEX comments_threads") {
		t.Errorf("threads are not counted on the covering index:\n%s", counts)
	}
	index := queryPlan(t, db, threadIndexQuery, 1)
	if !strings.Contains(index, "COVERING INDEX comments_threads") {
		t.Errorf("a thread's index is not counted on the covering index:\n%s", index)
	}
	for _, q := range []string{page, counts, index} {
		for _, line := range strings.Split(q, "\n") {
			// A scan of a CTE's rows (roots, tree, up, top) is of the page's own.
			if f := strings.Fields(line); len(f) > 1 && f[0] == "SCAN" && (f[1] == "comments" || f[1] == "c" || f[1] == "p") && !strings.Contains(line, "INDEX") {
				t.Errorf("a comment page reads a whole table: %s", line)
			}
		}
	}
}

// queryPlan returns the details of EXPLAIN QUERY PLAN for query on the read pool, a line each.
func queryPlan(t *testing.T, db *DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.reads.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
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
