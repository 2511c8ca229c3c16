package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"
	"time"

	sqlite3 "modernc.org/sqlite"

	"broadsheet/internal/news"
)

// The admin's lists (issue 8): filters by part of a name, compared in news.FoldName's
// form by the SQL function bs_fold, and keyset paging.

func init() {
	migrationHooks[20] = allowModerator
	sqlite3.MustRegisterDeterministicScalarFunction("bs_fold", 1, func(_ *sqlite3.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case string:
			return news.FoldName(v), nil
		case []byte:
			return news.FoldName(string(v)), nil
		case nil:
			return "", nil
		default:
			return fmt.Sprint(v), nil
		}
	})
}

// containsPattern is a LIKE pattern (with ESCAPE '\') matching text that contains s
// in FoldName's form: s's own % and _ are matched as themselves.
func containsPattern(s string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(news.FoldName(s)) + "%"
}

// keysetCondition is the condition of ArticleQuery.After or Before, in the order
// published_at DESC (NULL last), id DESC.
func keysetCondition(k *news.ArticleKey, after bool) (string, []any) {
	switch {
	case after && k.PublishedAt.IsZero():
		return `(a.published_at IS NULL AND a.id < ?)`, []any{k.ID}
	case after:
		p := k.PublishedAt.Unix()
		return `(a.published_at < ? OR (a.published_at = ? AND a.id < ?) OR a.published_at IS NULL)`, []any{p, p, k.ID}
	case k.PublishedAt.IsZero():
		return `(a.published_at IS NOT NULL OR a.id > ?)`, []any{k.ID}
	default:
		p := k.PublishedAt.Unix()
		return `(a.published_at > ? OR (a.published_at = ? AND a.id > ?))`, []any{p, p, k.ID}
	}
}

// listWhere adds the lists' conditions of q to articleWhere's.
func listWhere(q news.ArticleQuery, conds []string, args []any) ([]string, []any) {
	if n := q.AuthorName; n != "" {
		// Any author of the byline, not only the lead (bylines.go).
		conds = append(conds, `a.id IN (SELECT aa.article_id FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE bs_fold(au.name) LIKE ? ESCAPE '\')`)
		args = append(args, containsPattern(n))
	}
	if n := q.TagName; n != "" {
		conds = append(conds, `a.id IN (SELECT at.article_id FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE bs_fold(t.name) LIKE ? ESCAPE '\')`)
		args = append(args, containsPattern(n))
	}
	if q.After != nil {
		c, a := keysetCondition(q.After, true)
		conds, args = append(conds, c), append(args, a...)
	}
	if q.Before != nil {
		c, a := keysetCondition(q.Before, false)
		conds, args = append(conds, c), append(args, a...)
	}
	return conds, args
}

// articlesBefore is Articles for a query with Before: the page just before the key,
// read backwards from it and returned in the usual order.
func (db *DB) articlesBefore(ctx context.Context, q news.ArticleQuery) ([]*news.Article, error) {
	where, args := articleWhere(q)
	columns := articleColumns
	if q.Summaries {
		columns = strings.Replace(columns, "a.body_markdown, a.body_html,", summaryBody, 1)
	}
	query := `SELECT ` + columns + articleFrom + where + ` ORDER BY a.published_at ASC, a.id ASC`
	if q.Limit > 0 {
		query += ` LIMIT ?`
		args = append(args, q.Limit)
	}
	rows, err := db.reads.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("articles: %w", err)
	}
	defer rows.Close()
	var out []*news.Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, fmt.Errorf("articles: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("articles: %w", err)
	}
	slices.Reverse(out)
	return out, nil
}

func pageBounds(limit, offset int) (int, int) {
	if limit <= 0 || limit > news.ListPageMax {
		limit = news.ListPageDefault
	}
	return limit, max(offset, 0)
}

// BlockList implements news.ListStore: newest first through the index blocks_by_time
// (migration 0027), an email matched in FoldName's form.
func (db *DB) BlockList(ctx context.Context, q news.BlockQuery) ([]news.Block, int, error) {
	where, args := "", []any{}
	if q.Match != "" {
		where, args = ` WHERE kind = 'email' AND bs_fold(value) LIKE ? ESCAPE '\'`, append(args, containsPattern(q.Match))
	}
	var total int
	if err := db.reads.QueryRowContext(ctx, `SELECT COUNT(*) FROM blocks`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count blocks: %w", err)
	}
	limit, offset := pageBounds(q.Limit, q.Offset)
	rows, err := db.reads.QueryContext(ctx, `SELECT kind, value, created_at FROM blocks INDEXED BY blocks_by_time`+where+`
		ORDER BY created_at DESC, kind, value LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("blocks: %w", err)
	}
	defer rows.Close()
	var out []news.Block
	for rows.Next() {
		var b news.Block
		var at int64
		if err := rows.Scan(&b.Kind, &b.Value, &at); err != nil {
			return nil, 0, fmt.Errorf("blocks: %w", err)
		}
		b.CreatedAt = time.Unix(at, 0).UTC()
		out = append(out, b)
	}
	return out, total, rows.Err()
}

// UserList implements news.ListStore.
func (db *DB) UserList(ctx context.Context, q news.UserQuery) ([]*news.User, int, error) {
	var conds []string
	var args []any
	if q.Match != "" {
		p := containsPattern(q.Match)
		conds = append(conds, `(bs_fold(name) LIKE ? ESCAPE '\' OR bs_fold(email) LIKE ? ESCAPE '\')`)
		args = append(args, p, p)
	}
	if q.Role != "" {
		conds = append(conds, `role = ?`)
		args = append(args, string(q.Role))
	}
	where := ""
	if len(conds) > 0 {
		where = ` WHERE ` + strings.Join(conds, " AND ")
	}
	var total int
	if err := db.reads.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count users: %w", err)
	}
	limit, offset := pageBounds(q.Limit, q.Offset)
	rows, err := db.reads.QueryContext(ctx, `SELECT `+userColumns+` FROM users`+where+` ORDER BY name, id LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("users: %w", err)
	}
	defer rows.Close()
	var out []*news.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("users: %w", err)
		}
		out = append(out, u)
	}
	return out, total, rows.Err()
}

// allowModerator lets users.role hold "moderator" (news.RoleModerator). The role's CHECK
// constraint is in the table's definition, which SQLite cannot alter; rebuilding the
// table would, with foreign keys on (they cannot be turned off inside the migration's
// transaction), delete every session and unset every article's owner on its DROP. A
// change of a CHECK constraint leaves the stored rows' format as it is, so the
// definition is edited in place, as SQLite's documentation of ALTER TABLE describes for
// such changes ("Making Other Kinds Of Table Schema Changes"), with the schema version
// moved on so that every connection reads it again.
func allowModerator(ctx context.Context, tx *sql.Tx) error {
	const (
		before = `CHECK (role IN ('contributor','author','editor','administrator'))`
		after  = `CHECK (role IN ('contributor','moderator','author','editor','administrator'))`
	)
	var version int64
	if err := tx.QueryRowContext(ctx, `PRAGMA schema_version`).Scan(&version); err != nil {
		return fmt.Errorf("read the schema version: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `PRAGMA writable_schema = ON`); err != nil {
		return fmt.Errorf("allow the moderator role: %w", err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE sqlite_schema SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = 'users' AND instr(sql, ?) > 0`,
		before, after, before)
	if err == nil {
		_, err = tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA schema_version = %d`, version+1))
	}
	if _, offErr := tx.ExecContext(ctx, `PRAGMA writable_schema = OFF`); err == nil {
		err = offErr
	}
	if err != nil {
		return fmt.Errorf("allow the moderator role: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("allow the moderator role: the users table's role constraint is not the one expected")
	}
	return nil
}
