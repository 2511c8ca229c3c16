package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync"

	"broadsheet/internal/news"
)

// backupKind maps one kind of internal/backup's records to the table that holds it.
// The fields of a record are the table's columns (PRAGMA table_info), so a column added
// by a later migration is in the next backup without a change here.
type backupKind struct {
	kind, table string
	key         []string       // the primary key: the order and the keyset pages
	secrets     map[string]any // columns left out without withSecrets, and the value they come back with
	secretOnly  bool           // the whole kind is a secret (recovery codes)
}

// backupKinds is in dependency order; the import also defers foreign keys to its
// commit, so a reply stored before its parent (an import's IDs) still restores.
// What it leaves out, and why, is backupLeftOut.
var backupKinds = []backupKind{
	{kind: "setting", table: "settings", key: []string{"key"}},
	{kind: "user", table: "users", key: []string{"id"}, secrets: map[string]any{"password_hash": "", "totp_secret": "", "totp_last_step": int64(0)}},
	{kind: "recovery_code", table: "recovery_codes", key: []string{"user_id", "code_hash"}, secretOnly: true},
	// The admin API's tokens are credentials: only with --with-secrets, so that the tools
	// using them keep working after a restore; without, they are made again in the admin.
	{kind: "api_token", table: "api_tokens", key: []string{"id"}, secretOnly: true},
	{kind: "account_notice", table: "account_notices", key: []string{"id"}},
	{kind: "author", table: "authors", key: []string{"id"}},
	{kind: "section", table: "sections", key: []string{"id"}},
	{kind: "tag", table: "tags", key: []string{"id"}},
	{kind: "tag_redirect", table: "tag_redirects", key: []string{"slug"}},
	{kind: "media", table: "media", key: []string{"id"}},
	{kind: "media_deleted", table: "media_deleted", key: []string{"name"}},
	{kind: "article", table: "articles", key: []string{"id"}},
	{kind: "article_author", table: "article_authors", key: []string{"article_id", "author_id"}},
	{kind: "article_tag", table: "article_tags", key: []string{"article_id", "tag_id"}},
	{kind: "media_use", table: "media_uses", key: []string{"name", "article_id"}},
	{kind: "revision", table: "revisions", key: []string{"id"}},
	{kind: "redirect", table: "redirects", key: []string{"id"}},
	{kind: "term_redirect", table: "term_redirects", key: []string{"address"}},
	{kind: "trashed_from", table: "trashed_from", key: []string{"article_id"}},
	{kind: "notification", table: "notifications", key: []string{"id"}},
	{kind: "comment", table: "comments", key: []string{"id"}},
	{kind: "block", table: "blocks", key: []string{"kind", "value"}},
	// Without its secret a webhook comes back turned off: a delivery signed with an
	// empty key could be forged by anyone. Added again in the admin, it gets a new one.
	// Last: the triggers that queue webhook deliveries find no webhook while the
	// stories and comments are inserted.
	{kind: "webhook", table: "webhooks", key: []string{"id"}, secrets: map[string]any{"secret": "", "enabled": int64(0)}},
}

// backupLeftOut are the tables a backup leaves out, and why. Every table of the schema
// is in backupKinds or here (backup_test.go checks it), so that a new table is a choice.
var backupLeftOut = map[string]string{
	"sessions":            "sign-ins of the moment; an imported site signs everyone in again",
	"attempts":            "rate limits' counters",
	"buckets":             "rate limits' counters",
	"kept_forms":          "forms kept for a few hours after a failed save",
	"article_presence":    "who has a story open now",
	"article_create_keys": "a form's guard against a double submission",
	"media_create_keys":   "a keyed upload's guard against a second copy (Idempotency-Key)",
	"api_idempotency":     "the admin API's answers kept a day for retried creates (Idempotency-Key)",
	"preview_links":       "private links, ended by a restore anyway (their tokens are secrets)",
	"password_resets":     "one-time links, short-lived secrets",
	"changes":             "the change log of the running servers; the import writes its own",
	"nodes":               "the running servers",
	"import_runs":         "the admin's uploads to import and their reports (set-password links among them)",
	"webhook_deliveries":  "the delivery queue and its log",
	"media_uses_stale":    "the store's own marks; inserted articles are marked again",
	"schema_migrations":   "the schema, which the new database has",
	"sqlite_sequence":     "SQLite's own",
}

// secretSetting is the settings key left out without withSecrets: it signs forms and
// keys the commenters' address hashes (news.SettingSecret).
const secretSetting = news.SettingSecret

const backupPage = 500

var _ news.BackupStore = (*DB)(nil)

// BackupKinds is news.BackupStore's BackupKinds (documented there).
func (db *DB) BackupKinds() []string {
	out := make([]string, len(backupKinds))
	for i, k := range backupKinds {
		out[i] = k.kind
	}
	return out
}

func findBackupKind(kind string) (*backupKind, bool) {
	for i := range backupKinds {
		if backupKinds[i].kind == kind {
			return &backupKinds[i], true
		}
	}
	return nil, false
}

// backupColumns caches each table's columns, read once from the schema.
var backupColumns sync.Map // table → []string

func (db *DB) columns(ctx context.Context, table string) ([]string, error) {
	if c, ok := backupColumns.Load(table); ok {
		return c.([]string), nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, table)
	if err != nil {
		return nil, fmt.Errorf("backup: columns of %s: %w", table, err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("backup: columns of %s: %w", table, err)
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil || len(cols) == 0 {
		return nil, fmt.Errorf("backup: columns of %s: %v", table, err)
	}
	backupColumns.Store(table, cols)
	return cols, nil
}

// ExportBackup is news.BackupStore's ExportBackup (documented there).
func (db *DB) ExportBackup(ctx context.Context, withSecrets bool, fn func(kind string, fields map[string]any) error) error {
	// One read transaction: in WAL mode it reads one snapshot of the file throughout,
	// whatever a running server writes meanwhile.
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer tx.Rollback()
	for i := range backupKinds {
		k := &backupKinds[i]
		if err := db.exportKind(ctx, tx, k, withSecrets, func(f map[string]any) error { return fn(k.kind, f) }); err != nil {
			return fmt.Errorf("%s: %w", k.kind, err)
		}
	}
	return nil
}

func (db *DB) exportKind(ctx context.Context, tx *sql.Tx, k *backupKind, withSecrets bool, fn func(fields map[string]any) error) error {
	if k.secretOnly && !withSecrets {
		return nil
	}
	cols, err := db.columns(ctx, k.table)
	if err != nil {
		return fmt.Errorf("backup: columns of %s: %w", k.table, err)
	}
	keyList := strings.Join(k.key, ", ")
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(k.key)), ", ")
	first := `SELECT ` + strings.Join(cols, ", ") + ` FROM ` + k.table + ` ORDER BY ` + keyList + ` LIMIT ?`
	next := `SELECT ` + strings.Join(cols, ", ") + ` FROM ` + k.table + ` WHERE (` + keyList + `) > (` + marks + `) ORDER BY ` + keyList + ` LIMIT ?`
	keyAt := make([]int, len(k.key))
	for i, kc := range k.key {
		keyAt[i] = -1
		for j, c := range cols {
			if c == kc {
				keyAt[i] = j
			}
		}
		if keyAt[i] < 0 {
			return fmt.Errorf("backup: %s has no column %s", k.table, kc)
		}
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	fields := make(map[string]any, len(cols))
	var last []any
	for {
		var rows *sql.Rows
		if last == nil {
			rows, err = tx.QueryContext(ctx, first, backupPage)
		} else {
			rows, err = tx.QueryContext(ctx, next, append(last, backupPage)...)
		}
		if err != nil {
			return fmt.Errorf("backup: read %s: %w", k.table, err)
		}
		n := 0
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return fmt.Errorf("backup: read %s: %w", k.table, err)
			}
			n++
			last = last[:0:0]
			for _, j := range keyAt {
				last = append(last, vals[j])
			}
			clear(fields)
			for i, c := range cols {
				v := vals[i]
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				fields[c] = v
			}
			if !withSecrets {
				for c, empty := range k.secrets {
					if _, ok := fields[c]; ok {
						fields[c] = empty
					}
				}
				if k.table == "settings" && fields["key"] == secretSetting {
					continue
				}
			}
			if err := fn(fields); err != nil {
				rows.Close()
				return err
			}
		}
		err := rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("backup: read %s: %w", k.table, err)
		}
		if n < backupPage {
			return nil
		}
	}
}

// CheckBackupRecord is news.BackupStore's CheckBackupRecord (documented there).
func (db *DB) CheckBackupRecord(rec *news.BackupRecord) error {
	k, ok := findBackupKind(rec.Kind)
	if !ok {
		return fmt.Errorf("unknown kind %q: %w", rec.Kind, news.ErrInvalid)
	}
	cols, err := db.columns(context.Background(), k.table)
	if err != nil {
		return fmt.Errorf("backup: columns of %s: %w", k.table, err)
	}
	for name, v := range rec.Fields {
		known := false
		for _, c := range cols {
			if c == name {
				known = true
				break
			}
		}
		if !known {
			return fmt.Errorf("%s has no field %q (a backup from a newer Broadsheet?): %w", rec.Kind, name, news.ErrInvalid)
		}
		switch v.(type) {
		case nil, string, int64, float64:
		default:
			return fmt.Errorf("%s field %q: a %T is not a stored value: %w", rec.Kind, name, v, news.ErrInvalid)
		}
	}
	for _, kc := range k.key {
		if v, ok := rec.Fields[kc]; !ok || v == nil {
			return fmt.Errorf("%s has no %s: %w", rec.Kind, kc, news.ErrInvalid)
		}
	}
	// A library reference or a featured image at a javascript: or data: address
	// (news.IsFileAddress) is what no write of the site keeps: the editor's picker
	// would offer it to insert, a page show it.
	for _, f := range [][2]string{{"media", "url"}, {"article", "image_url"}} {
		if u, ok := rec.Fields[f[1]].(string); ok && rec.Kind == f[0] && u != "" && !news.IsFileAddress(u) {
			return fmt.Errorf("%s %s %q is no file's address (only http, https or the site's paths): %w", rec.Kind, f[1], u, news.ErrInvalid)
		}
	}
	return nil
}

// emptyTables are the tables a backup may not be read over.
var emptyTables = []string{"articles", "comments", "users", "authors", "sections", "tags", "media", "webhooks", "redirects", "revisions"}

// BackupEmpty is news.BackupStore's BackupEmpty (documented there).
func (db *DB) BackupEmpty(ctx context.Context) error {
	return backupEmpty(ctx, db.read)
}

func backupEmpty(ctx context.Context, q queryer) error {
	for _, t := range emptyTables {
		var found int
		if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+t+`)`).Scan(&found); err != nil {
			return fmt.Errorf("backup: is %s empty: %w", t, err)
		}
		if found != 0 {
			return fmt.Errorf("%w: it has %s (a backup is read only into a new, empty database)", news.ErrNotEmpty, t)
		}
	}
	return nil
}

// ImportBackup is news.BackupStore's ImportBackup (documented there).
func (db *DB) ImportBackup(ctx context.Context, recs iter.Seq2[*news.BackupRecord, error]) (map[string]int, error) {
	counts := map[string]int{}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("backup import: %w", err)
	}
	defer conn.Close()
	var cache int64
	if err := conn.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache); err != nil {
		return nil, fmt.Errorf("backup import: %w", err)
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = %d`, -importCacheKiB)); err != nil {
		return nil, fmt.Errorf("backup import: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA cache_size = %d`, cache))
	// Statement journals in memory, not a temporary file written a page a call (see
	// BeginWXR).
	conn.ExecContext(ctx, `PRAGMA temp_store = MEMORY`)
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA temp_store = DEFAULT`)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("backup import: begin: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			tx.Rollback()
		}
	}()
	// Checked inside the write transaction, so no other writer fills the site between
	// the check and the import.
	if err := backupEmpty(ctx, tx); err != nil {
		return nil, err
	}
	// The records keep their IDs, and a reply may come before its parent: foreign keys
	// are checked at the commit, all at once.
	if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
		return nil, fmt.Errorf("backup import: %w", err)
	}
	stmts := map[string]*sql.Stmt{}
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	var names []string
	var args []any
	n := 0
	for rec, err := range recs {
		if err != nil {
			return nil, err
		}
		n++
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := db.CheckBackupRecord(rec); err != nil {
			return nil, fmt.Errorf("record %d: %w", n, err)
		}
		k, _ := findBackupKind(rec.Kind)
		cols, _ := db.columns(ctx, k.table)
		names, args = names[:0], args[:0]
		for _, c := range cols {
			if v, ok := rec.Fields[c]; ok {
				names = append(names, c)
				args = append(args, v)
			}
		}
		verb := "INSERT"
		if k.table == "settings" {
			verb = "INSERT OR REPLACE" // the site's first start may have stored its secret
		}
		q := verb + ` INTO ` + k.table + ` (` + strings.Join(names, ", ") + `) VALUES (` + strings.TrimSuffix(strings.Repeat("?, ", len(names)), ", ") + `)`
		st := stmts[q]
		if st == nil {
			if len(stmts) > 200 {
				for q, s := range stmts {
					s.Close()
					delete(stmts, q)
				}
			}
			if st, err = tx.PrepareContext(ctx, q); err != nil {
				return nil, fmt.Errorf("record %d (%s): %w", n, rec.Kind, err)
			}
			stmts[q] = st
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return nil, fmt.Errorf("record %d (%s %v): %w", n, rec.Kind, rec.Fields[k.key[0]], err)
		}
		counts[rec.Kind]++
	}
	if err := checkThreads(ctx, tx); err != nil {
		return nil, fmt.Errorf("backup import: %w", err)
	}
	if err := recordChange(ctx, tx, db.Now(), news.KeyAll); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("backup import: commit (a record refers to one the backup does not hold?): %w", err)
	}
	committed = true
	conn.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return counts, nil
}

// SchemaVersion returns the number of the last migration applied (a backup's header
// names it).
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	if err := db.read.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}

// checkThreads refuses comments the site could never show: a reply to a comment of
// another article, or one whose parents, followed up, never reach a top-level comment
// (a loop of replies; a parent that is missing is the foreign key's error at the
// commit). Every page shows a thread from its top-level comments down, so such a
// comment would be stored and lost to readers and moderators' threads alike. Each
// comment is visited once, down from the top (comments_by_parent).
func checkThreads(ctx context.Context, tx *sql.Tx) error {
	var id, parent int64
	err := tx.QueryRowContext(ctx, `SELECT c.id, c.parent_id FROM comments c JOIN comments p ON p.id = c.parent_id
		WHERE p.article_id <> c.article_id LIMIT 1`).Scan(&id, &parent)
	if err == nil {
		return fmt.Errorf("comment %d: a reply to comment %d, another article's comment: %w", id, parent, news.ErrInvalid)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("check the comments' threads: %w", err)
	}
	err = tx.QueryRowContext(ctx, `WITH RECURSIVE shown(id) AS (
			SELECT id FROM comments WHERE parent_id IS NULL
			UNION ALL SELECT c.id FROM comments c JOIN shown ON c.parent_id = shown.id)
		SELECT c.id, c.parent_id FROM comments c JOIN comments p ON p.id = c.parent_id
		WHERE c.id NOT IN (SELECT id FROM shown) LIMIT 1`).Scan(&id, &parent)
	if err == nil {
		return fmt.Errorf("comment %d: a reply to comment %d, in a loop of replies that never reaches a top-level comment: %w", id, parent, news.ErrInvalid)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("check the comments' threads: %w", err)
	}
	return nil
}
