package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"broadsheet/internal/news"
)

// The admin API's tokens (news.APITokenStore, migration 0044).

var _ news.APITokenStore = (*DB)(nil)

// CreateAPIToken implements news.APITokenStore.
func (db *DB) CreateAPIToken(ctx context.Context, t *news.APIToken) error {
	switch {
	case t.Name == "" || len(t.Name) > news.MaxAPITokenName || !news.Visible(t.Name):
		return fmt.Errorf("a token's name must have 1 to %d bytes of visible text: %w", news.MaxAPITokenName, news.ErrInvalid)
	case !t.Role.Valid():
		return fmt.Errorf("unknown role %q: %w", t.Role, news.ErrInvalid)
	case len(t.Hash) != 64:
		return fmt.Errorf("a token's hash must be a hex SHA-256: %w", news.ErrInvalid)
	}
	created := db.Now().UTC().Truncate(time.Second)
	var expires any
	if !t.ExpiresAt.IsZero() {
		expires = t.ExpiresAt.Unix()
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (name, role, hash, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
			t.Name, string(t.Role), t.Hash, t.CreatedBy, created.Unix(), expires)
		if err != nil {
			return fmt.Errorf("add API token: %w", err)
		}
		t.ID, _ = res.LastInsertId()
		t.CreatedAt = created
		t.ExpiresAt = t.ExpiresAt.UTC().Truncate(time.Second)
		return nil
	})
}

const tokenColumns = `id, name, role, hash, created_by, created_at, expires_at, last_used_at, revoked`

func scanToken(sc interface{ Scan(...any) error }) (*news.APIToken, error) {
	var t news.APIToken
	var role string
	var created int64
	var expires, used sql.NullInt64
	if err := sc.Scan(&t.ID, &t.Name, &role, &t.Hash, &t.CreatedBy, &created, &expires, &used, &t.Revoked); err != nil {
		return nil, err
	}
	t.Role, t.CreatedAt = news.Role(role), time.Unix(created, 0).UTC()
	if expires.Valid {
		t.ExpiresAt = time.Unix(expires.Int64, 0).UTC()
	}
	if used.Valid {
		t.LastUsedAt = time.Unix(used.Int64, 0).UTC()
	}
	return &t, nil
}

// APITokens implements news.APITokenStore.
func (db *DB) APITokens(ctx context.Context) ([]*news.APIToken, error) {
	rows, err := db.reads.QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("API tokens: %w", err)
	}
	defer rows.Close()
	var out []*news.APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("API tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// APITokenByHash implements news.APITokenStore. The last use is written only when it
// moves by a second or more, so that a busy token costs a write per second at most.
func (db *DB) APITokenByHash(ctx context.Context, hash string, now time.Time) (*news.APIToken, error) {
	t, err := scanToken(db.reads.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("API token: %w", news.ErrNotFound)
	} else if err != nil {
		return nil, fmt.Errorf("API token: %w", err)
	}
	if t.Usable(now) && now.Unix() > t.LastUsedAt.Unix() {
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`,
				now.Unix(), t.ID, now.Unix())
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("record an API token's use: %w", err)
		}
		t.LastUsedAt = now.UTC().Truncate(time.Second)
	}
	return t, nil
}

// RevokeAPIToken implements news.APITokenStore.
func (db *DB) RevokeAPIToken(ctx context.Context, id int64) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		return oneRow(tx.ExecContext(ctx, `UPDATE api_tokens SET revoked = 1 WHERE id = ?`, id))(fmt.Sprintf("API token %d", id))
	})
}
