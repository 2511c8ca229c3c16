package sqlite

import (
	"context"
	"fmt"
	"time"

	"broadsheet/internal/news"
)

var _ news.NodeStore = (*DB)(nil)

// ReportNode implements news.NodeStore.
func (db *DB) ReportNode(ctx context.Context, id string, applied int64, now time.Time) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO nodes (id, started_at, seen_at, applied) VALUES (?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at, applied = max(nodes.applied, excluded.applied)`,
		id, now.Unix(), now.UnixMilli(), applied)
	if err != nil {
		return fmt.Errorf("report node %s: %w", id, err)
	}
	return nil
}

// RemoveNode implements news.NodeStore; it also forgets nodes long dead (a server that
// was killed never removes itself).
func (db *DB) RemoveNode(ctx context.Context, id string) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM nodes WHERE id = ? OR seen_at < ?`, id, time.Now().Add(-24*time.Hour).UnixMilli())
	if err != nil {
		return fmt.Errorf("remove node %s: %w", id, err)
	}
	return nil
}

// Nodes implements news.NodeStore.
func (db *DB) Nodes(ctx context.Context, since time.Time) ([]news.Node, error) {
	rows, err := db.reads.QueryContext(ctx, `SELECT id, started_at, seen_at, applied FROM nodes WHERE seen_at >= ? ORDER BY id`, since.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("nodes: %w", err)
	}
	defer rows.Close()
	var out []news.Node
	for rows.Next() {
		var n news.Node
		var started, seen int64
		if err := rows.Scan(&n.ID, &started, &seen, &n.Applied); err != nil {
			return nil, fmt.Errorf("nodes: %w", err)
		}
		n.StartedAt, n.SeenAt = time.Unix(started, 0).UTC(), time.UnixMilli(seen).UTC()
		out = append(out, n)
	}
	return out, rows.Err()
}
