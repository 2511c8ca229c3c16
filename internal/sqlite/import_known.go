package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

const qStoredComments = `SELECT source_id FROM comments WHERE article_id = ? AND source = ? AND source <> ''`

// ImportedComments reports whether the article imported from (source, sourceID) is
// stored, and the source IDs of its stored comments from the same source. An importer
// asks it ahead of ImportStream's writer, so as not to render what the import will skip
// (a second import of a file renders nothing).
//
// It reads from the read pool, so it answers from the last committed state; called
// while an ImportStream of this DB is running, that is the state the import started
// from, as the import holds the only write lock until it commits. ImportStream refuses a
// new article or comment that comes without its HTML, so a wrong answer makes the
// import fail whole, never store an empty page.
func (db *DB) ImportedComments(ctx context.Context, source, sourceID string) (stored bool, comments []string, err error) {
	var id int64
	err = db.reads.QueryRowContext(ctx, qFindArticle, source, sourceID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil, nil
	}
	if err != nil {
		return false, nil, fmt.Errorf("imported article %s %s: %w", source, sourceID, err)
	}
	rows, err := db.reads.QueryContext(ctx, qStoredComments, id, source)
	if err != nil {
		return false, nil, fmt.Errorf("imported comments of %s %s: %w", source, sourceID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return false, nil, fmt.Errorf("imported comments of %s %s: %w", source, sourceID, err)
		}
		comments = append(comments, c)
	}
	return true, comments, rows.Err()
}
