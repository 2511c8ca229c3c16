package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoIndexIsAnotherOnesStart checks that no index's columns are the first columns
// of another index of the same table: the longer one answers every search the shorter
// did, and each row written updates both (comments_by_article, the start of
// comments_threads, was one of twelve B-trees each imported comment updated). A unique
// or partial shorter index, and a partial longer one, are left out: they hold a rule,
// or other rows.
func TestNoIndexIsAnotherOnesStart(t *testing.T) {
	ctx := context.Background()
	db := openFile(t, filepath.Join(t.TempDir(), "indexes.db"))
	type index struct {
		name, table string
		keys        []string // column, order, collation of each key column
		plain       bool     // neither unique nor partial, of columns only
		partial     bool
	}
	rows, err := db.reads.QueryContext(ctx, `SELECT l.name, m.name, l."unique", l.partial FROM sqlite_schema m,
		pragma_index_list(m.name) l WHERE m.type = 'table' ORDER BY 2, 1`)
	if err != nil {
		t.Fatal(err)
	}
	var all []*index
	for rows.Next() {
		var ix index
		var unique, partial bool
		if err := rows.Scan(&ix.name, &ix.table, &unique, &partial); err != nil {
			t.Fatal(err)
		}
		ix.plain, ix.partial = !unique && !partial, partial
		all = append(all, &ix)
	}
	rows.Close()
	for _, ix := range all {
		cols, err := db.reads.QueryContext(ctx, `SELECT cid, coalesce(name, ''), "desc", coll FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno`, ix.name)
		if err != nil {
			t.Fatal(err)
		}
		for cols.Next() {
			var cid, desc int
			var name, coll string
			if err := cols.Scan(&cid, &name, &desc, &coll); err != nil {
				t.Fatal(err)
			}
			if cid < 0 {
				ix.plain = false // an expression: not compared
			}
			ix.keys = append(ix.keys, fmt.Sprintf("%s %d %s", name, desc, coll))
		}
		cols.Close()
	}
	if len(all) < 20 {
		t.Fatalf("%d indexes found: the query of the schema is wrong", len(all))
	}
	for _, short := range all {
		for _, long := range all {
			if short == long || !short.plain || long.partial || short.table != long.table || len(short.keys) > len(long.keys) ||
				len(short.keys) == len(long.keys) && short.name > long.name {
				continue
			}
			if strings.Join(long.keys[:len(short.keys)], ",") == strings.Join(short.keys, ",") {
				t.Errorf("index %s (%s) is the start of %s (%s)", short.name, strings.Join(short.keys, ", "), long.name, strings.Join(long.keys, ", "))
			}
		}
	}
}

// TestCommentsOfAnArticleReadByIndex checks that the queries comments_by_article answered
// (an article's comments, counted or in order) search comments_threads.
func TestCommentsOfAnArticleReadByIndex(t *testing.T) {
	db := openFile(t, filepath.Join(t.TempDir(), "plan.db"))
	for _, q := range []string{
		qExportComments,
		`SELECT COUNT(*) FROM comments c WHERE c.article_id = ?`,
		`SELECT COUNT(*) FROM comments c WHERE c.article_id = ? AND c.status = 'approved'`,
		`SELECT ` + articleColumns + articleFrom + ` WHERE a.id = ?`,
	} {
		plan := queryPlan(t, db, q, 1)
		if !strings.Contains(plan, "SEARCH c USING COVERING INDEX comments_threads (article_id=?") &&
			!strings.Contains(plan, "SEARCH c USING INDEX comments_threads (article_id=?") {
			t.Errorf("%s\nplan:\n%s\nwant a search of comments_threads by article", q, plan)
		}
	}
}
