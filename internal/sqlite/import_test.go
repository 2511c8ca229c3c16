package sqlite

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var tableScan = regexp.MustCompile(`\bSCAN (articles|comments|tags|authors|sections)\b`)

// Each lookup an import makes per article, comment or section is an index search, never
// a scan of the table: a scan per row made importing quadratic (10,000 articles took
// 82 s; a WXR file of 20,000 categories 64 s, 100,000 of them over 5 minutes).
// SQLite uses a partial index only when the query repeats its condition.
func TestImportLookupsUseIndexes(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{qFindArticle, qFindComment, qSlugTaken, qStoredComments, qNextSectionPosition, qSectionSlugAnyCase} {
		args := []any{"corpus", "1", "1"}[:strings.Count(q, "?")]
		rows, err := db.write.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notUsed int
			var detail string
			if err := rows.Scan(&id, &parent, &notUsed, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		joined := strings.Join(plan, "; ")
		if !strings.Contains(joined, "USING") || tableScan.MatchString(joined) {
			t.Errorf("%s\nplan: %s, want an index search", q, joined)
		}
	}
}
