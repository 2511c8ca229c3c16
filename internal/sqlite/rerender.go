package sqlite

// Re-rendering (news.RerenderStore): the articles whose stored HTML was rendered under
// another fingerprint, and the write of their new HTML that is not an edit. The
// column, its index and the trigger that forgets a fingerprint when another path
// writes the body are migration 0016.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"broadsheet/internal/news"
)

// fingerprintBounds checks a fingerprint's form (RENDERER/SETTINGS) and returns the
// lowest string of its renderer's fingerprints and the first string above them all
// ('0' follows '/').
func fingerprintBounds(fp string) (lo, hi string, err error) {
	renderer, settings, ok := strings.Cut(fp, "/")
	if !ok || renderer == "" || settings == "" || strings.Contains(settings, "/") {
		return "", "", fmt.Errorf("render fingerprint %q is not RENDERER/SETTINGS: %w", fp, news.ErrInvalid)
	}
	return renderer + "/", renderer + "0", nil
}

// StaleRenders implements news.RerenderStore. Each term of the condition is a range of
// the index articles_by_render_fingerprint, so SQLite reads only the stale entries it
// returns (in index order: none first, then the oldest renderers).
func (db *DB) StaleRenders(ctx context.Context, fingerprint string, limit int) ([]*news.StaleRender, error) {
	lo, hi, err := fingerprintBounds(fingerprint)
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, nil
	}
	rows, err := db.reads.QueryContext(ctx, `SELECT id, version, COALESCE(render_fingerprint, ''), body_markdown, body_html
		FROM articles WHERE render_fingerprint IS NULL OR render_fingerprint < ?1
		OR (render_fingerprint >= ?1 AND render_fingerprint < ?2) OR (render_fingerprint > ?2 AND render_fingerprint < ?3)
		LIMIT ?4`, lo, fingerprint, hi, limit)
	if err != nil {
		return nil, fmt.Errorf("articles to render again: %w", err)
	}
	defer rows.Close()
	var out []*news.StaleRender
	for rows.Next() {
		var r news.StaleRender
		if err := rows.Scan(&r.ID, &r.Version, &r.Fingerprint, &r.Markdown, &r.HTML); err != nil {
			return nil, fmt.Errorf("articles to render again: %w", err)
		}
		out = append(out, &r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("articles to render again: %w", err)
	}
	return out, nil
}

// SetRenderedHTML implements news.RerenderStore.
func (db *DB) SetRenderedHTML(ctx context.Context, fingerprint string, items []news.Rendered) (news.RerenderCount, error) {
	var n news.RerenderCount
	if _, _, err := fingerprintBounds(fingerprint); err != nil {
		return n, err
	}
	for _, it := range items {
		if it.Keep {
			continue
		}
		// The last line of defence, as for every article write (validateArticle).
		if err := news.CheckText("the body's HTML", it.HTML); err != nil {
			return n, fmt.Errorf("render of article %d: %w", it.ID, err)
		}
	}
	now := db.Now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		n = news.RerenderCount{}
		var keys []string
		for _, it := range items {
			var version int64
			var stored string
			var same bool
			err := tx.QueryRowContext(ctx, `SELECT version, COALESCE(render_fingerprint, ''), body_html = ? FROM articles WHERE id = ?`,
				it.HTML, it.ID).Scan(&version, &stored, &same)
			if errors.Is(err, sql.ErrNoRows) {
				n.Skipped++ // deleted since
				continue
			}
			if err != nil {
				return fmt.Errorf("article %d: %w", it.ID, err)
			}
			if version != it.Version || stored != it.Fingerprint {
				n.Skipped++ // saved (and so rendered) since, or rendered by another server
				continue
			}
			// The read above decides within SQLite's serialised transaction; the
			// conditions are the UPDATE's own too, so that on an engine whose writers
			// are not serialised two servers still cannot both write.
			set, args := `render_fingerprint = ?`, []any{fingerprint}
			if !it.Keep && !same {
				set, args = `body_html = ?, render_fingerprint = ?`, []any{it.HTML, fingerprint}
			}
			res, err := tx.ExecContext(ctx, `UPDATE articles SET `+set+` WHERE id = ? AND version = ? AND COALESCE(render_fingerprint, '') = ?`,
				append(args, it.ID, it.Version, it.Fingerprint)...)
			if err != nil {
				return fmt.Errorf("store the render of article %d: %w", it.ID, err)
			}
			if k, err := res.RowsAffected(); err != nil || k == 0 {
				n.Skipped++
				continue
			}
			if it.Keep || same {
				n.Unchanged++
				continue
			}
			a, err := db.oneArticle(ctx, tx, articleColumns, `a.id = ?`, it.ID)
			if err != nil {
				return err
			}
			if err := indexArticleMedia(ctx, tx, a); err != nil { // the body changed: mediauses.go
				return err
			}
			// The pages that show the body: the article's own (and its boxes), and when
			// public the lists and feeds that carry it or its excerpt.
			if keys, err = articleChangeKeys(ctx, tx, keys, a, now, false); err != nil {
				return err
			}
			n.Changed++
		}
		if len(keys) == 0 {
			return nil
		}
		return recordChange(ctx, tx, now, keys...)
	})
	if err != nil {
		return news.RerenderCount{}, fmt.Errorf("store rendered HTML: %w", err)
	}
	return n, nil
}
