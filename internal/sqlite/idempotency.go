package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"broadsheet/internal/news"
)

var _ news.IdempotencyStore = (*DB)(nil)

// BeginIdempotent implements news.IdempotencyStore: one immediate transaction on the
// write connection, so that of concurrent claims of a key exactly one wins.
func (db *DB) BeginIdempotent(ctx context.Context, tokenID int64, key, fingerprint string, now time.Time) (*news.IdempotentReply, error) {
	var reply *news.IdempotentReply
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM api_idempotency WHERE created_at < ?`, now.Add(-news.IdempotencyTTL).Unix()); err != nil {
			return fmt.Errorf("forget old idempotency keys: %w", err)
		}
		var fp string
		var status int
		var body []byte
		var claimed int64
		err := tx.QueryRowContext(ctx, `SELECT fingerprint, status, body, claimed_at FROM api_idempotency WHERE token_id = ? AND idem_key = ?`,
			tokenID, key).Scan(&fp, &status, &body, &claimed)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err := tx.ExecContext(ctx, `INSERT INTO api_idempotency (token_id, idem_key, fingerprint, created_at, claimed_at) VALUES (?, ?, ?, ?, ?)`,
				tokenID, key, fingerprint, now.Unix(), now.Unix())
			if err != nil {
				return fmt.Errorf("claim idempotency key: %w", err)
			}
			return nil
		case err != nil:
			return fmt.Errorf("read idempotency key: %w", err)
		case fp != fingerprint:
			return news.ErrKeyReused
		case status > 0:
			reply = &news.IdempotentReply{Status: status, Body: body}
			return nil
		case now.Unix()-claimed < int64(news.IdempotencyLease/time.Second):
			return news.ErrKeyInFlight
		}
		// A claim past its lease: its request died; this one takes it over.
		if _, err := tx.ExecContext(ctx, `UPDATE api_idempotency SET claimed_at = ? WHERE token_id = ? AND idem_key = ?`, now.Unix(), tokenID, key); err != nil {
			return fmt.Errorf("take over idempotency key: %w", err)
		}
		return nil
	})
	return reply, err
}

// FinishIdempotent implements news.IdempotencyStore.
func (db *DB) FinishIdempotent(ctx context.Context, tokenID int64, key string, reply news.IdempotentReply) error {
	if reply.Status <= 0 {
		return fmt.Errorf("keep idempotent answer: status %d: %w", reply.Status, news.ErrInvalid)
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		return oneRow(tx.ExecContext(ctx, `UPDATE api_idempotency SET status = ?, body = ? WHERE token_id = ? AND idem_key = ? AND status = 0`,
			reply.Status, reply.Body, tokenID, key))("claimed idempotency key")
	})
}

// ReleaseIdempotent implements news.IdempotencyStore.
func (db *DB) ReleaseIdempotent(ctx context.Context, tokenID int64, key string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM api_idempotency WHERE token_id = ? AND idem_key = ? AND status = 0`, tokenID, key)
		if err != nil {
			return fmt.Errorf("release idempotency key: %w", err)
		}
		return nil
	})
}
