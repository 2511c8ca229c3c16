package sqlite

// Two editors, one story (news.EditingStore): who has an article open, and the versions
// saved since the one an editor's form was loaded from.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"broadsheet/internal/news"
)

// TouchPresence implements news.EditingStore.
func (db *DB) TouchPresence(ctx context.Context, articleID, userID int64, session string, now time.Time) error {
	ms, expired := now.UnixMilli(), now.Add(-news.PresenceTTL).UnixMilli()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var live bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sessions WHERE id = ? AND user_id = ? AND expires_at > ?)`,
			session, userID, now.Unix()).Scan(&live); err != nil {
			return fmt.Errorf("presence on article %d: %w", articleID, err)
		}
		if !live {
			return fmt.Errorf("presence on article %d: the session of user %d: %w", articleID, userID, news.ErrNotFound)
		}
		// One row per user and article; an editor back after the TTL opened it anew.
		_, err := tx.ExecContext(ctx, `INSERT INTO article_presence (article_id, user_id, session_id, since, seen_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (article_id, user_id) DO UPDATE SET
			since = CASE WHEN article_presence.seen_at < ? THEN excluded.since ELSE article_presence.since END,
			seen_at = MAX(article_presence.seen_at, excluded.seen_at), session_id = excluded.session_id`, articleID, userID, session, ms, ms, expired)
		if err != nil {
			return fmt.Errorf("presence on article %d: %w", articleID, err)
		}
		// Whoever stopped beating is forgotten (by the index on seen_at: only those rows).
		if _, err := tx.ExecContext(ctx, `DELETE FROM article_presence WHERE seen_at < ?`, expired); err != nil {
			return fmt.Errorf("expire presence: %w", err)
		}
		return nil
	})
}

// LeavePresence implements news.EditingStore.
func (db *DB) LeavePresence(ctx context.Context, articleID, userID int64) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM article_presence WHERE article_id = ? AND user_id = ?`, articleID, userID); err != nil {
			return fmt.Errorf("leave article %d: %w", articleID, err)
		}
		return nil
	})
}

// Present implements news.EditingStore. Whether each one may still edit the story is
// news.User.CanEdit's answer, the rule the editor itself applies.
func (db *DB) Present(ctx context.Context, articleID int64, now time.Time) ([]news.Presence, error) {
	rows, err := db.reads.QueryContext(ctx, `SELECT p.user_id, u.name, u.role, p.since, p.seen_at, COALESCE(a.owner_id, 0), a.status
		FROM article_presence p JOIN users u ON u.id = p.user_id JOIN articles a ON a.id = p.article_id
		JOIN sessions s ON s.id = p.session_id AND s.user_id = p.user_id
		WHERE p.article_id = ? AND p.seen_at >= ? AND u.disabled = 0 AND s.expires_at > ?
		ORDER BY p.since, p.user_id LIMIT 50`, articleID, now.Add(-news.PresenceTTL).UnixMilli(), now.Unix())
	if err != nil {
		return nil, fmt.Errorf("presence on article %d: %w", articleID, err)
	}
	defer rows.Close()
	var out []news.Presence
	for rows.Next() {
		p := news.Presence{ArticleID: articleID}
		var since, seen int64
		var u news.User
		a := news.Article{ID: articleID}
		if err := rows.Scan(&p.UserID, &p.UserName, &u.Role, &since, &seen, &a.OwnerID, &a.Status); err != nil {
			return nil, fmt.Errorf("presence on article %d: %w", articleID, err)
		}
		u.ID = p.UserID
		if !u.CanEdit(&a) { // demoted, or the story moved out of their reach, since
			continue
		}
		p.Since, p.SeenAt = time.UnixMilli(since).UTC(), time.UnixMilli(seen).UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// RevisionsSince implements news.EditingStore. Revisions recorded before articles had
// versions count as version 1: they precede every versioned write.
func (db *DB) RevisionsSince(ctx context.Context, articleID, version int64, limit int) ([]*news.Revision, *news.Revision, error) {
	var since []*news.Revision
	if limit > 0 {
		rows, err := db.reads.QueryContext(ctx, `SELECT `+revisionColumns+` FROM revisions r LEFT JOIN users u ON u.id = r.user_id
			WHERE r.article_id = ? AND COALESCE(r.version, 1) > ? ORDER BY r.id DESC LIMIT ?`, articleID, version, limit)
		if err != nil {
			return nil, nil, fmt.Errorf("revisions of article %d since version %d: %w", articleID, version, err)
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanRevision(rows)
			if err != nil {
				return nil, nil, fmt.Errorf("revisions of article %d: %w", articleID, err)
			}
			since = append(since, r)
		}
		if err := rows.Err(); err != nil {
			return nil, nil, fmt.Errorf("revisions of article %d: %w", articleID, err)
		}
	}
	if version < 1 {
		return since, nil, nil
	}
	base, err := scanRevision(db.reads.QueryRowContext(ctx, `SELECT `+revisionColumns+` FROM revisions r LEFT JOIN users u ON u.id = r.user_id
		WHERE r.article_id = ? AND COALESCE(r.version, 1) <= ? ORDER BY r.id DESC LIMIT 1`, articleID, version))
	if errors.Is(err, sql.ErrNoRows) {
		return since, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("revision of article %d at version %d: %w", articleID, version, err)
	}
	return since, base, nil
}
