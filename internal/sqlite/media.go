package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"broadsheet/internal/news"
)

const mediaColumns = `id, name, content_type, width, height, bytes, srcset, alt, caption, COALESCE(user_id, 0), created_at, url, title, description`

// mediaImages is the condition of news.Media.IsImage.
const mediaImages = `(url = '' AND width > 0 AND height > 0 AND content_type LIKE 'image/%')`

func scanMedia(row scanner) (*news.Media, error) {
	var m news.Media
	var created int64
	if err := row.Scan(&m.ID, &m.Name, &m.ContentType, &m.Width, &m.Height, &m.Bytes, &m.Srcset, &m.Alt, &m.Caption, &m.UserID, &created, &m.URL, &m.Title, &m.Description); err != nil {
		return nil, err
	}
	m.CreatedAt = time.Unix(created, 0).UTC()
	return &m, nil
}

// CreateMedia implements news.Store.
func (db *DB) CreateMedia(ctx context.Context, m *news.Media) error {
	if m.Name == "" || m.Width <= 0 || m.Height <= 0 {
		return fmt.Errorf("media: %w", news.ErrInvalid)
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = db.Now().UTC().Truncate(time.Second)
	}
	var before int64 // the item made before with the same key
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		// Checked in the write's transaction, and guarded by the key's table.
		if m.CreateKey != "" {
			err := tx.QueryRowContext(ctx, `SELECT media_id FROM media_create_keys WHERE owner_id = ? AND create_key = ?`,
				m.UserID, m.CreateKey).Scan(&before)
			if err == nil {
				return fmt.Errorf("media of key %q: %w", m.CreateKey, news.ErrAlreadyCreated)
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("read the key's media: %w", err)
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO media (name, content_type, width, height, bytes, srcset, alt, caption, user_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, m.Name, m.ContentType, m.Width, m.Height, m.Bytes, m.Srcset, m.Alt, m.Caption, nullID(m.UserID), m.CreatedAt.Unix())
		if err != nil {
			return fmt.Errorf("create media: %w", err)
		}
		m.ID, _ = res.LastInsertId()
		if m.CreateKey != "" {
			_, err := tx.ExecContext(ctx, `INSERT INTO media_create_keys (owner_id, create_key, media_id) VALUES (?, ?, ?)`,
				m.UserID, m.CreateKey, m.ID)
			if isUniqueViolation(err) {
				return fmt.Errorf("media of key %q: %w", m.CreateKey, news.ErrAlreadyCreated)
			}
			if err != nil {
				return fmt.Errorf("record the key's media: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		m.ID = 0
		if errors.Is(err, news.ErrAlreadyCreated) {
			m.ID = before
		}
	}
	return err
}

// MediaItem implements news.Store.
func (db *DB) MediaItem(ctx context.Context, id int64) (*news.Media, error) {
	m, err := scanMedia(db.reads.QueryRowContext(ctx, `SELECT `+mediaColumns+` FROM media WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("media %d: %w", id, news.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("media %d: %w", id, err)
	}
	return m, nil
}

// MediaLibrary implements news.Store.
func (db *DB) MediaLibrary(ctx context.Context, limit int) ([]*news.Media, error) {
	rows, err := db.reads.QueryContext(ctx, `SELECT `+mediaColumns+` FROM media WHERE `+mediaImages+` ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("media library: %w", err)
	}
	defer rows.Close()
	var out []*news.Media
	for rows.Next() {
		m, err := scanMedia(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
