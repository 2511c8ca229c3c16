package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"broadsheet/internal/news"
)

// Each limit step is one immediate transaction on the single writer connection: within
// this process the writer serialises them, and across processes SQLite's write lock
// (taken at BEGIN IMMEDIATE) does, so the count and the record are one atomic step.

// purgeBatch is how many rows that no longer count a call deletes: each call adds at
// most one row, so the tables stay at the size of what still counts, at a bounded cost
// per call.
const purgeBatch = 100

// limitKey is what the tables keep of a key: its SHA-256, so that any key has the same
// small size and no email or address is stored in plain.
func limitKey(key string) []byte {
	sum := sha256.Sum256([]byte(key))
	return sum[:]
}

func waitFromMillis(ms int64) time.Duration {
	return max(time.Duration(ms)*time.Millisecond, time.Millisecond)
}

// TakeAttempt implements news.Limits.
func (db *DB) TakeAttempt(ctx context.Context, key string, maxAttempts int, window time.Duration, now time.Time) (time.Duration, error) {
	win := window.Milliseconds()
	if maxAttempts < 1 || win <= 0 {
		return 0, fmt.Errorf("attempt limit %d per %v: %w", maxAttempts, window, news.ErrInvalid)
	}
	k, at := limitKey(key), now.UnixMilli()
	var wait time.Duration
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM attempts WHERE rowid IN (SELECT rowid FROM attempts WHERE expires <= ? LIMIT ?)`, at, purgeBatch); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM attempts WHERE key = ? AND at > ?`, k, at-win).Scan(&n); err != nil {
			return err
		}
		if n < maxAttempts {
			_, err := tx.ExecContext(ctx, `INSERT INTO attempts (key, at, expires) VALUES (?, ?, ?)`, k, at, at+win)
			return err
		}
		// A slot frees when the attempt max places from the newest leaves the window.
		var oldest int64
		err := tx.QueryRowContext(ctx, `SELECT at FROM attempts WHERE key = ? AND at > ? ORDER BY at LIMIT 1 OFFSET ?`, k, at-win, n-maxAttempts).Scan(&oldest)
		if err != nil {
			return err
		}
		wait = waitFromMillis(oldest + win - at)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("take attempt: %w", err)
	}
	return wait, nil
}

// ReturnAttempt implements news.Limits.
func (db *DB) ReturnAttempt(ctx context.Context, key string, now time.Time) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM attempts WHERE rowid IN (SELECT rowid FROM attempts WHERE key = ? AND at = ? LIMIT 1)`,
		limitKey(key), now.UnixMilli())
	if err != nil {
		return fmt.Errorf("return attempt: %w", err)
	}
	return nil
}

// ClearAttempts implements news.Limits.
func (db *DB) ClearAttempts(ctx context.Context, key string) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM attempts WHERE key = ?`, limitKey(key)); err != nil {
		return fmt.Errorf("clear attempts: %w", err)
	}
	return nil
}

// TakeToken implements news.Limits with GCRA: the bucket is the theoretical arrival
// time tat of the next request; a request at now is allowed if max(tat, now)+every is
// at most burst intervals ahead of now, and then becomes the new tat.
func (db *DB) TakeToken(ctx context.Context, key string, burst int, every time.Duration, now time.Time) (time.Duration, error) {
	t := every.Milliseconds()
	if burst < 1 || t <= 0 {
		return 0, fmt.Errorf("token bucket of %d, one per %v: %w", burst, every, news.ErrInvalid)
	}
	k, at := limitKey(key), now.UnixMilli()
	var wait time.Duration
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM buckets WHERE key IN (SELECT key FROM buckets WHERE tat <= ? LIMIT ?)`, at, purgeBatch); err != nil {
			return err
		}
		tat := at
		err := tx.QueryRowContext(ctx, `SELECT tat FROM buckets WHERE key = ?`, k).Scan(&tat)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		next := max(tat, at) + t
		if over := next - at - int64(burst)*t; over > 0 {
			wait = waitFromMillis(over)
			return nil
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO buckets (key, tat) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET tat = excluded.tat`, k, next)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("take token: %w", err)
	}
	return wait, nil
}
