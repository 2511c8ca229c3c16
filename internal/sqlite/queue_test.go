package sqlite

import (
	"path/filepath"
	"strings"
	"testing"
)

// The queue's tab counts and pages read the index comments_queue (migration 0024): no
// scan of the table, no sort, at any depth.
func TestCommentQueueReadsByIndex(t *testing.T) {
	db := openFile(t, filepath.Join(t.TempDir(), "plan.db"))
	page := queryPlan(t, db, `SELECT `+commentColumns+` FROM comments WHERE removed = 0 AND status = ? AND (created_at < ? OR (created_at = ? AND id < ?))
		ORDER BY created_at DESC, id DESC LIMIT ?`, "pending", 1, 1, 1, 51)
	if !strings.Contains(page, "comments_queue") || strings.Contains(page, "TEMP B-TREE") {
		t.Errorf("a queue page's plan:\n%s", page)
	}
	count := queryPlan(t, db, `SELECT status, COUNT(*) FROM comments INDEXED BY comments_queue WHERE removed = 0 GROUP BY status`)
	if !strings.Contains(count, "COVERING INDEX comments_queue") {
		t.Errorf("the counts' plan:\n%s", count)
	}
}
