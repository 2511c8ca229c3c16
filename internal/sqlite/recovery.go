package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"broadsheet/internal/news"
)

// Recovery codes of two-step sign-in (news.RecoveryCodeStore), in the recovery_codes
// table (migration 0019), whose trigger drops a user's codes whenever their secret
// changes.

// SetRecoveryCodes implements news.RecoveryCodeStore.
func (db *DB) SetRecoveryCodes(ctx context.Context, userID int64, hashes []string) error {
	if len(hashes) > news.RecoveryCodeCount {
		return fmt.Errorf("%d recovery codes (at most %d): %w", len(hashes), news.RecoveryCodeCount, news.ErrInvalid)
	}
	for _, h := range hashes {
		if h == "" {
			return fmt.Errorf("an empty recovery code hash: %w", news.ErrInvalid)
		}
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var secret string
		err := tx.QueryRowContext(ctx, `SELECT totp_secret FROM users WHERE id = ?`, userID).Scan(&secret)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("user %d: %w", userID, news.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if secret == "" {
			// Turned off meanwhile: codes for a factor that is not there would outlive it.
			return fmt.Errorf("user %d has no second factor: %w", userID, news.ErrConflict)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
			return err
		}
		for _, h := range hashes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)`, userID, h); err != nil {
				if isUniqueViolation(err) {
					return fmt.Errorf("the same recovery code twice: %w", news.ErrInvalid)
				}
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set recovery codes of user %d: %w", userID, err)
	}
	return nil
}

// RecoveryCodes implements news.RecoveryCodeStore.
func (db *DB) RecoveryCodes(ctx context.Context, userID int64) (unused []string, issued int, err error) {
	rows, err := db.reads.QueryContext(ctx, `SELECT code_hash, used_at IS NULL FROM recovery_codes WHERE user_id = ?`, userID)
	if err != nil {
		return nil, 0, fmt.Errorf("recovery codes of user %d: %w", userID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var h string
		var fresh bool
		if err := rows.Scan(&h, &fresh); err != nil {
			return nil, 0, fmt.Errorf("recovery codes of user %d: %w", userID, err)
		}
		issued++
		if fresh {
			unused = append(unused, h)
		}
	}
	return unused, issued, rows.Err()
}

// UseRecoveryCode implements news.RecoveryCodeStore: one conditional UPDATE, so that
// the check and the mark are one step.
func (db *DB) UseRecoveryCode(ctx context.Context, userID int64, hash string, now time.Time) (bool, error) {
	res, err := db.write.ExecContext(ctx, `UPDATE recovery_codes SET used_at = ?
		WHERE user_id = ? AND code_hash = ? AND used_at IS NULL
		AND EXISTS (SELECT 1 FROM users WHERE id = ? AND totp_secret <> '')`, now.Unix(), userID, hash, userID)
	if err != nil {
		return false, fmt.Errorf("use recovery code of user %d: %w", userID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ResetTOTP implements news.RecoveryCodeStore.
func (db *DB) ResetTOTP(ctx context.Context, userID int64) (wasOn bool, err error) {
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		var secret string
		err := tx.QueryRowContext(ctx, `SELECT totp_secret FROM users WHERE id = ?`, userID).Scan(&secret)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("user %d: %w", userID, news.ErrNotFound)
		}
		if err != nil || secret == "" {
			return err
		}
		wasOn = true
		// The trigger drops the recovery codes with the secret.
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = '', totp_last_step = 0 WHERE id = ?`, userID); err != nil {
			return err
		}
		// Whoever holds the lost phone may be signed in on it: every session ends.
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("reset second factor of user %d: %w", userID, err)
	}
	return wasOn, nil
}
