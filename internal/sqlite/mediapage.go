package sqlite

// The editor's library picker (issue 8, the editor's script): the media library paged
// by keyset, newest first.

import (
	"context"
	"fmt"

	"broadsheet/internal/news"
)

// MediaLibraryBefore lists at most limit library items older than the item before
// (its id; 0: from the newest), newest first. Keyset paging: each page costs the same,
// however deep.
func (db *DB) MediaLibraryBefore(ctx context.Context, before int64, limit int) ([]*news.Media, error) {
	if before <= 0 {
		return db.MediaLibrary(ctx, limit)
	}
	rows, err := db.reads.QueryContext(ctx, `SELECT `+mediaColumns+` FROM media WHERE id < ? ORDER BY id DESC LIMIT ?`, before, limit)
	if err != nil {
		return nil, fmt.Errorf("media library before %d: %w", before, err)
	}
	defer rows.Close()
	var out []*news.Media
	for rows.Next() {
		m, err := scanMedia(rows)
		if err != nil {
			return nil, fmt.Errorf("media library before %d: %w", before, err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
