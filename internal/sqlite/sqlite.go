// Package sqlite is the embedded Storage engine: news.Store on a single SQLite file
// (modernc.org/sqlite, pure Go) in WAL mode with foreign keys on. Reads go through a
// pool of connections; writes through one connection with immediate transactions, so
// writers queue in Go instead of failing with SQLITE_BUSY.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"broadsheet/internal/news"

	sqlite3 "modernc.org/sqlite"
	sqlitelib "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is a news.Store on one SQLite file.
type DB struct {
	read  *sql.DB
	reads *stmtCache // read queries through prepared statements
	write *sql.DB
	Now   func() time.Time // the clock, replaceable in tests
}

// stmtCache runs read queries through statements prepared once: SQLite's parser and
// planner cost more than most of our queries themselves. It holds a bounded number of
// statements; past that, queries run unprepared.
type stmtCache struct {
	db    *sql.DB
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

const maxCachedStatements = 200

func (c *stmtCache) stmt(ctx context.Context, query string) *sql.Stmt {
	c.mu.RLock()
	st := c.stmts[query]
	c.mu.RUnlock()
	if st != nil {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st = c.stmts[query]; st != nil || len(c.stmts) >= maxCachedStatements {
		return st
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil // the unprepared query will report the error
	}
	c.stmts[query] = st
	return st
}

// Reads take microseconds, so they run without the request's cancellation: with a
// cancellable context, database/sql starts a goroutine per query to watch it, which
// costs more than the query.

func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = context.WithoutCancel(ctx)
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.db.QueryContext(ctx, query, args...)
}

func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = context.WithoutCancel(ctx)
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.db.QueryRowContext(ctx, query, args...)
}

func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return c.db.ExecContext(ctx, query, args...)
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		st.Close()
	}
	c.stmts = nil
}

var _ news.Store = (*DB)(nil)

// Open opens (creating if missing) the database file at path and brings its schema up
// to date.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: no database path")
	}
	// synchronous(FULL): a comment acknowledged to a reader survives a power cut, not
	// only a crash of the process.
	pragmas := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)"
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + pragmas
	write, err := sql.Open("sqlite", dsn+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	db := &DB{write: write, Now: time.Now}
	if err := db.migrate(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: %s: %w", path, err)
	}
	read, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	n := max(4, runtime.NumCPU()*2)
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	db.read = read
	db.reads = &stmtCache{db: read, stmts: map[string]*sql.Stmt{}}
	return db, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	db.reads.close()
	return errors.Join(db.read.Close(), db.write.Close())
}

// migrate applies, in order and each in its own transaction, the embedded migrations
// the file has not had yet. It refuses a file that a newer Broadsheet has migrated past.
func (db *DB) migrate(ctx context.Context) error { return db.migrateUpTo(ctx, math.MaxInt) }

// migrateUpTo is migrate with only the migrations numbered up to last: the tests build
// with it a file as an older Broadsheet left it, from the same embedded scripts.
func (db *DB) migrateUpTo(ctx context.Context, last int) error {
	// A file that is up to date is not written to: a read-only one still opens, for a
	// server that can show the site though it can save nothing.
	var tables int
	if err := db.write.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&tables); err != nil {
		return readOnly(fmt.Errorf("read the schema: %w", err))
	}
	if tables == 0 {
		if _, err := db.write.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
			return readOnly(fmt.Errorf("create schema_migrations: %w", err))
		}
	}
	// Every migration not yet recorded is applied, in order — not only those above the
	// highest recorded: a file written while two lines of work each added one (or a
	// copy whose record lost one) gets the missing one too.
	applied, current := map[int]bool{}, 0
	rows, err := db.write.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return fmt.Errorf("read schema version: %w", err)
		}
		applied[v], current = true, max(current, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(files)
	latest := 0
	for _, name := range files {
		version, err := strconv.Atoi(strings.SplitN(strings.TrimPrefix(name, "migrations/"), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name must start with its number", name)
		}
		latest = max(latest, version)
		if applied[version] || version > last {
			continue
		}
		script, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		err = db.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, string(script)); err != nil {
				return err
			}
			if hook := migrationHooks[version]; hook != nil {
				if err := hook(ctx, tx); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, version, time.Now().Unix())
			return err
		})
		if err != nil {
			return readOnly(fmt.Errorf("migration %s: %w", name, err))
		}
	}
	if current > latest {
		return fmt.Errorf("schema version %d is newer than this program knows (%d): upgrade Broadsheet", current, latest)
	}
	return nil
}

func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return full(err)
	}
	if err := tx.Commit(); err != nil {
		return full(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// full marks an error SQLite gave because the disk (or max_page_count) is full as
// news.ErrStorageFull, so that every caller can say so instead of "try again".
func full(err error) error {
	var se *sqlite3.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlitelib.SQLITE_FULL && !errors.Is(err, news.ErrStorageFull) {
		return fmt.Errorf("%w: %w", news.ErrStorageFull, err)
	}
	return err
}

// queryer is what reads need from a pool or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// readOnly adds to an error SQLite gave because the file (or its folder, where the
// journal goes) cannot be written, what the operator should check.
func readOnly(err error) error {
	var se *sqlite3.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlitelib.SQLITE_READONLY {
		return fmt.Errorf("the database cannot be written: check the permissions of the file and of its folder (SQLite writes its journal beside the file): %w", err)
	}
	return err
}

func isUniqueViolation(err error) bool {
	var se *sqlite3.Error
	return errors.As(err, &se) && (se.Code() == sqlitelib.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlitelib.SQLITE_CONSTRAINT_PRIMARYKEY)
}

func unix(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}

func fromUnix(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.Unix(v.Int64, 0).UTC()
}

// recordChange appends the keys to the change log in the write's transaction and trims
// the log's old end (a node that falls that far behind empties its whole cache).
func recordChange(ctx context.Context, tx *sql.Tx, now time.Time, keys ...string) error {
	seen := make(map[string]bool, len(keys))
	uniq := keys[:0:0]
	for _, k := range keys {
		if k != "" && !seen[k] {
			seen[k] = true
			uniq = append(uniq, k)
		}
	}
	if len(uniq) == 0 {
		return nil
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO changes (keys, at) VALUES (?, ?)`, strings.Join(uniq, " "), now.Unix())
	if err != nil {
		return fmt.Errorf("record change: %w", err)
	}
	if id, err := res.LastInsertId(); err == nil && id%1000 == 0 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM changes WHERE id <= ?`, id-changeLogKeep); err != nil {
			return fmt.Errorf("trim change log: %w", err)
		}
	}
	return nil
}

const changeLogKeep = 10000

// Changes implements news.Store.
func (db *DB) Changes(ctx context.Context, after int64) ([]news.Change, error) {
	rows, err := db.reads.QueryContext(ctx, `SELECT id, keys, at FROM changes WHERE id > ? ORDER BY id LIMIT 1000`, after)
	if err != nil {
		return nil, fmt.Errorf("changes: %w", err)
	}
	defer rows.Close()
	var out []news.Change
	for rows.Next() {
		var c news.Change
		var keys string
		var at int64
		if err := rows.Scan(&c.ID, &keys, &at); err != nil {
			return nil, fmt.Errorf("changes: %w", err)
		}
		c.Keys = strings.Fields(keys)
		c.At = time.Unix(at, 0).UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// LastChange implements news.Store.
func (db *DB) LastChange(ctx context.Context) (int64, error) {
	var id int64
	err := db.reads.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM changes`).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("last change: %w", err)
	}
	return id, nil
}

// Settings implements news.Store.
func (db *DB) Settings(ctx context.Context) (map[string]string, error) {
	rows, err := db.reads.QueryContext(ctx, `SELECT key, value FROM settings`)
	if err != nil {
		return nil, fmt.Errorf("settings: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("settings: %w", err)
		}
		out[k] = v
	}
	return out, rows.Err()
}

// AddSettings implements news.Store.
func (db *DB) AddSettings(ctx context.Context, values map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(values))
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		added := false
		for k, v := range values {
			res, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE settings.value = ''`, k, v)
			if err != nil {
				return fmt.Errorf("add setting %q: %w", k, err)
			}
			if n, _ := res.RowsAffected(); n > 0 {
				added = true
			}
			var stored string
			if err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, k).Scan(&stored); err != nil {
				return fmt.Errorf("add setting %q: %w", k, err)
			}
			out[k] = stored
		}
		if !added {
			return nil
		}
		return recordChange(ctx, tx, db.Now(), news.KeyAll)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SetSettings implements news.Store.
func (db *DB) SetSettings(ctx context.Context, values map[string]string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		for k, v := range values {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, v); err != nil {
				return fmt.Errorf("set setting %q: %w", k, err)
			}
		}
		return recordChange(ctx, tx, db.Now(), news.KeyAll)
	})
}
