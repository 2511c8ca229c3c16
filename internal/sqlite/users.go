package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"broadsheet/internal/news"
)

var _ news.UserStore = (*DB)(nil)

const userColumns = `id, email, name, role, password_hash, created_at, disabled, totp_secret, totp_last_step`

func scanUser(row scanner) (*news.User, error) {
	var u news.User
	var created int64
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, &created, &u.Disabled, &u.TOTPSecret, &u.TOTPLastStep); err != nil {
		return nil, err
	}
	u.CreatedAt = time.Unix(created, 0).UTC()
	return &u, nil
}

func validateUser(u *news.User) error {
	switch {
	case !strings.Contains(u.Email, "@") || strings.TrimSpace(u.Email) != u.Email:
		return fmt.Errorf("user email %q: %w", u.Email, news.ErrInvalid)
	case strings.TrimSpace(u.Name) == "":
		return fmt.Errorf("user needs a name: %w", news.ErrInvalid)
	case !u.Role.Valid():
		return fmt.Errorf("role %q: %w", u.Role, news.ErrInvalid)
	case u.PasswordHash == "":
		return fmt.Errorf("user needs a password: %w", news.ErrInvalid)
	}
	return nil
}

// CreateUser implements news.UserStore.
func (db *DB) CreateUser(ctx context.Context, u *news.User) error {
	if err := validateUser(u); err != nil {
		return err
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = db.Now().UTC().Truncate(time.Second)
	}
	res, err := db.write.ExecContext(ctx, `INSERT INTO users (email, name, role, password_hash, created_at, disabled, email_key) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		u.Email, u.Name, string(u.Role), u.PasswordHash, u.CreatedAt.Unix(), u.Disabled, emailKey(u.Email))
	if isUniqueViolation(err) {
		return fmt.Errorf("user %q: %w", u.Email, news.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	u.ID, _ = res.LastInsertId()
	return nil
}

func (db *DB) oneUser(ctx context.Context, where string, arg any) (*news.User, error) {
	u, err := scanUser(db.reads.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("user %v: %w", arg, news.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("user %v: %w", arg, err)
	}
	return u, nil
}

// User implements news.UserStore.
func (db *DB) User(ctx context.Context, id int64) (*news.User, error) {
	return db.oneUser(ctx, `id = ?`, id)
}

// UserByEmail implements news.UserStore.
func (db *DB) UserByEmail(ctx context.Context, email string) (*news.User, error) {
	return db.oneUser(ctx, `lower(email) = lower(?)`, email)
}

// Users implements news.UserStore.
func (db *DB) Users(ctx context.Context) ([]*news.User, error) {
	rows, err := db.reads.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	defer rows.Close()
	var out []*news.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CountUsers implements news.UserStore.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := db.reads.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// UpdateUser implements news.UserStore.
func (db *DB) UpdateUser(ctx context.Context, u *news.User) error {
	if err := validateUser(u); err != nil {
		return err
	}
	res, err := db.write.ExecContext(ctx, `UPDATE users SET email = ?, name = ?, role = ?, password_hash = ?, disabled = ?,
		totp_secret = ?, totp_last_step = ?, email_key = ? WHERE id = ?`,
		u.Email, u.Name, string(u.Role), u.PasswordHash, u.Disabled, u.TOTPSecret, u.TOTPLastStep, emailKey(u.Email), u.ID)
	if isUniqueViolation(err) {
		return fmt.Errorf("user %q: %w", u.Email, news.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("update user %d: %w", u.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("user %d: %w", u.ID, news.ErrNotFound)
	}
	return nil
}

// CreateSession implements news.UserStore.
func (db *DB) CreateSession(ctx context.Context, s *news.Session) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, user_id, created_at, expires_at, last_seen, user_agent) VALUES (?, ?, ?, ?, ?, ?)`,
			s.TokenHash, s.UserID, s.CreatedAt.Unix(), s.ExpiresAt.Unix(), s.LastSeen.Unix(), s.UserAgent)
		if err != nil {
			return err
		}
		// Sessions that ended by time are kept a while (see news.EndedSessionKept), then
		// go, a few at each sign-in: sign-ins are what adds rows.
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at < ? LIMIT ?)`,
			s.CreatedAt.Add(-news.EndedSessionKept).Unix(), purgeBatch)
		return err
	})
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

const sessionColumns = `id, user_id, created_at, expires_at, last_seen, user_agent`

func scanSession(row scanner) (*news.Session, error) {
	var s news.Session
	var created, expires, seen int64
	if err := row.Scan(&s.TokenHash, &s.UserID, &created, &expires, &seen, &s.UserAgent); err != nil {
		return nil, err
	}
	s.CreatedAt, s.ExpiresAt, s.LastSeen = time.Unix(created, 0).UTC(), time.Unix(expires, 0).UTC(), time.Unix(seen, 0).UTC()
	return &s, nil
}

// Session implements news.UserStore.
func (db *DB) Session(ctx context.Context, tokenHash string, now time.Time) (*news.Session, error) {
	s, err := scanSession(db.reads.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE id = ? AND expires_at > ?`, tokenHash, now.Unix()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("session: %w", news.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	return s, nil
}

// TouchSession implements news.UserStore.
func (db *DB) TouchSession(ctx context.Context, tokenHash string, now time.Time) error {
	if _, err := db.write.ExecContext(ctx, `UPDATE sessions SET last_seen = ? WHERE id = ?`, now.Unix(), tokenHash); err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// DeleteSession implements news.UserStore.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, tokenHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions implements news.UserStore.
func (db *DB) DeleteUserSessions(ctx context.Context, userID int64, keep string) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, userID, keep); err != nil {
		return fmt.Errorf("delete sessions of user %d: %w", userID, err)
	}
	return nil
}

// UserSessions implements news.UserStore.
func (db *DB) UserSessions(ctx context.Context, userID int64, now time.Time) ([]*news.Session, error) {
	rows, err := db.reads.QueryContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY last_seen DESC`, userID, now.Unix())
	if err != nil {
		return nil, fmt.Errorf("sessions of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []*news.Session
	for rows.Next() {
		s, err := scanSession(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// KeepForm implements news.UserStore.
func (db *DB) KeepForm(ctx context.Context, key string, f news.KeptForm) error {
	if len(f.Data) > news.MaxKeptFormData {
		return fmt.Errorf("kept form of %d bytes (at most %d): %w", len(f.Data), news.MaxKeptFormData, news.ErrInvalid)
	}
	kind, _, _ := strings.Cut(key, ":")
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO kept_forms (key, user_id, kind, article_id, data, saved_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET user_id = excluded.user_id, kind = excluded.kind, article_id = excluded.article_id,
				data = excluded.data, saved_at = excluded.saved_at`,
			key, f.UserID, kind, f.ArticleID, f.Data, f.SavedAt.Unix())
		if err != nil {
			return err
		}
		if f.MaxPerUser > 0 {
			_, err = tx.ExecContext(ctx, `DELETE FROM kept_forms WHERE user_id = ? AND kind = ? AND key NOT IN
				(SELECT key FROM kept_forms WHERE user_id = ? AND kind = ? ORDER BY saved_at DESC, rowid DESC LIMIT ?)`,
				f.UserID, kind, f.UserID, kind, f.MaxPerUser)
			if err != nil {
				return err
			}
		}
		// Forms nobody came back for within a month are not kept for ever.
		_, err = tx.ExecContext(ctx, `DELETE FROM kept_forms WHERE key IN (SELECT key FROM kept_forms WHERE saved_at < ? LIMIT ?)`,
			f.SavedAt.Add(-30*24*time.Hour).Unix(), purgeBatch)
		return err
	})
	if err != nil {
		return fmt.Errorf("keep form: %w", err)
	}
	return nil
}

// KeptForm implements news.UserStore.
func (db *DB) KeptForm(ctx context.Context, key string) (*news.KeptForm, error) {
	var f news.KeptForm
	var at int64
	err := db.reads.QueryRowContext(ctx, `SELECT user_id, article_id, data, saved_at FROM kept_forms WHERE key = ?`, key).Scan(&f.UserID, &f.ArticleID, &f.Data, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("kept form: %w", news.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("kept form: %w", err)
	}
	f.SavedAt = time.Unix(at, 0).UTC()
	return &f, nil
}

// DropForm implements news.UserStore.
func (db *DB) DropForm(ctx context.Context, key string) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM kept_forms WHERE key = ?`, key); err != nil {
		return fmt.Errorf("drop form: %w", err)
	}
	return nil
}

// SetPassword implements news.UserStore.
func (db *DB) SetPassword(ctx context.Context, userID int64, hash, keep string) error {
	if hash == "" {
		return fmt.Errorf("user needs a password: %w", news.ErrInvalid)
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("user %d: %w", userID, news.ErrNotFound)
		}
		if _, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, userID, keep); err != nil {
			return err
		}
		// A reset link made before the change would undo it: it goes too.
		_, err = tx.ExecContext(ctx, `DELETE FROM password_resets WHERE user_id = ?`, userID)
		return err
	})
	if err != nil {
		return fmt.Errorf("set password of user %d: %w", userID, err)
	}
	return nil
}

// SetTOTP implements news.UserStore.
func (db *DB) SetTOTP(ctx context.Context, userID int64, secret string, step int64) error {
	// Turning it on is one conditional write: of two setups at once, one wins.
	res, err := db.write.ExecContext(ctx, `UPDATE users SET totp_secret = ?, totp_last_step = ? WHERE id = ? AND (? = '' OR totp_secret = '')`,
		secret, step, userID, secret)
	if err != nil {
		return fmt.Errorf("set second factor of user %d: %w", userID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := db.User(ctx, userID); err != nil {
			return err
		}
		return fmt.Errorf("user %d has a second factor already: %w", userID, news.ErrConflict)
	}
	return nil
}

// UseTOTPStep implements news.UserStore: one conditional UPDATE, so that the check and
// the mark are one step.
func (db *DB) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	res, err := db.write.ExecContext(ctx, `UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_secret <> '' AND totp_last_step < ?`, step, userID, step)
	if err != nil {
		return false, fmt.Errorf("use code of user %d: %w", userID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SetAccess implements news.UserStore.
func (db *DB) SetAccess(ctx context.Context, userID int64, role news.Role, disabled bool) error {
	if !role.Valid() {
		return fmt.Errorf("role %q: %w", role, news.ErrInvalid)
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var was news.Role
		var wasDisabled bool
		err := tx.QueryRowContext(ctx, `SELECT role, disabled FROM users WHERE id = ?`, userID).Scan(&was, &wasDisabled)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("user %d: %w", userID, news.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if was == news.RoleAdministrator && !wasDisabled && (role != news.RoleAdministrator || disabled) {
			var others int
			err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE role = 'administrator' AND disabled = 0 AND id <> ?`, userID).Scan(&others)
			if err != nil {
				return err
			}
			if others == 0 {
				return fmt.Errorf("user %d is the only active administrator: %w", userID, news.ErrConflict)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET role = ?, disabled = ? WHERE id = ?`, string(role), disabled, userID); err != nil {
			return err
		}
		if disabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
				return err
			}
		}
		if disabled || role != was {
			// The stories they had open may no longer be theirs to edit: colleagues are not
			// told they are editing (a live editor's next heartbeat says so again).
			if _, err := tx.ExecContext(ctx, `DELETE FROM article_presence WHERE user_id = ?`, userID); err != nil {
				return err
			}
		}
		if disabled || !role.Can(news.PermManageUsers) {
			// The password reset links they made for others, which only they were shown,
			// end with their right to make them: no way into a colleague's account is
			// left with someone who left or was demoted.
			if _, err := tx.ExecContext(ctx, `DELETE FROM password_resets WHERE created_by = ? AND user_id <> ?`, userID, userID); err != nil {
				return err
			}
		}
		if !role.Can(news.PermEditAll) {
			// Review requests go to who may publish others' stories (news.NotifySubmitted);
			// a role without it keeps none, nor the titles of others' drafts they name.
			if _, err := tx.ExecContext(ctx, `DELETE FROM notifications WHERE user_id = ? AND kind = ?`, userID, string(news.NotifySubmitted)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set access of user %d: %w", userID, err)
	}
	return nil
}
