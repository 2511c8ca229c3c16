package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"broadsheet/internal/news"
)

// migrationHooks are steps of a migration that SQL cannot take, run in its transaction
// after its script.
var migrationHooks = map[int]func(ctx context.Context, tx *sql.Tx) error{
	14: emailKeys,
}

// emailKey is the form in which an address is stored for comparison (news.NormalEmail).
func emailKey(email string) string { return news.NormalEmail(email) }

// emailKeys fills comments.email_key and users.email_key for the rows already stored,
// and stores the blocks' addresses as news.NormalEmail gives them (two blocks that turn
// out to be one address become one).
func emailKeys(ctx context.Context, tx *sql.Tx) error {
	for _, table := range []struct{ name, column string }{{"comments", "author_email"}, {"users", "email"}} {
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT `+table.column+` FROM `+table.name+` WHERE `+table.column+` <> ''`)
		if err != nil {
			return fmt.Errorf("email keys of %s: %w", table.name, err)
		}
		var emails []string
		for rows.Next() {
			var e string
			if err := rows.Scan(&e); err != nil {
				rows.Close()
				return fmt.Errorf("email keys of %s: %w", table.name, err)
			}
			emails = append(emails, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("email keys of %s: %w", table.name, err)
		}
		for _, e := range emails {
			if _, err := tx.ExecContext(ctx, `UPDATE `+table.name+` SET email_key = ? WHERE `+table.column+` = ?`, emailKey(e), e); err != nil {
				return fmt.Errorf("email keys of %s: %w", table.name, err)
			}
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT value FROM blocks WHERE kind = 'email'`)
	if err != nil {
		return fmt.Errorf("blocks' emails: %w", err)
	}
	var values []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return fmt.Errorf("blocks' emails: %w", err)
		}
		values = append(values, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("blocks' emails: %w", err)
	}
	for _, v := range values {
		k := emailKey(v)
		if k == v {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO blocks (kind, value, created_at) SELECT 'email', ?, created_at FROM blocks
			WHERE kind = 'email' AND value = ? ON CONFLICT DO NOTHING`, k, v); err != nil {
			return fmt.Errorf("blocks' emails: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM blocks WHERE kind = 'email' AND value = ?`, v); err != nil {
			return fmt.Errorf("blocks' emails: %w", err)
		}
	}
	return nil
}
