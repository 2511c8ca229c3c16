package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"broadsheet/internal/news"
)

// The admin's import runs (news.ImportRunStore, migration 0049).

var _ news.ImportRunStore = (*DB)(nil)

const importRunColumns = `id, kind, state, COALESCE(user_id, 0), file_name, path, bytes, node, created_at, updated_at, expires_at, checked, report, error`

func scanImportRun(sc interface{ Scan(...any) error }) (*news.ImportRun, error) {
	var r news.ImportRun
	var state string
	var created, updated, expires int64
	if err := sc.Scan(&r.ID, &r.Kind, &state, &r.UserID, &r.FileName, &r.Path, &r.Bytes, &r.Node, &created, &updated, &expires,
		&r.Checked, &r.Report, &r.Error); err != nil {
		return nil, err
	}
	r.State = news.ImportState(state)
	r.CreatedAt, r.UpdatedAt, r.ExpiresAt = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC(), time.UnixMilli(expires).UTC()
	return &r, nil
}

// abandonedMessage is the error an expired active run is left with.
const abandonedMessage = "The server working on this import stopped before it ended (or it was left unconfirmed too long). An import either wrote everything or nothing; importing the same file again adds only what is missing."

// BeginImportRun implements news.ImportRunStore: in one write transaction, the expired
// active runs are marked failed, then the new run is inserted; the partial unique index
// import_runs_one_active refuses it while another is active.
func (db *DB) BeginImportRun(ctx context.Context, run *news.ImportRun, now time.Time) (*news.ImportRun, []*news.ImportRun, error) {
	if !run.State.Active() {
		return nil, nil, fmt.Errorf("a run begins active, not %q: %w", run.State, news.ErrInvalid)
	}
	var busy *news.ImportRun
	var abandoned []*news.ImportRun
	ms := now.UnixMilli()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+importRunColumns+` FROM import_runs WHERE active`)
		if err != nil {
			return fmt.Errorf("active import runs: %w", err)
		}
		var active []*news.ImportRun
		for rows.Next() {
			r, err := scanImportRun(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("active import runs: %w", err)
			}
			active = append(active, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("active import runs: %w", err)
		}
		for _, r := range active {
			if now.Before(r.ExpiresAt) {
				busy = r
				return news.ErrImportBusy
			}
			if _, err := tx.ExecContext(ctx, `UPDATE import_runs SET state = ?, error = ?, path = '', updated_at = ? WHERE id = ?`,
				string(news.ImportFailed), abandonedMessage, ms, r.ID); err != nil {
				return fmt.Errorf("mark an abandoned import run: %w", err)
			}
			abandoned = append(abandoned, r)
		}
		var user any
		if run.UserID != 0 {
			user = run.UserID
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO import_runs (kind, state, user_id, file_name, path, bytes, node, created_at, updated_at, expires_at, checked, report, error)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			run.Kind, string(run.State), user, run.FileName, run.Path, run.Bytes, run.Node, ms, ms, run.ExpiresAt.UnixMilli(), run.Checked, run.Report, run.Error)
		if isUniqueViolation(err) {
			return news.ErrImportBusy
		}
		if err != nil {
			return fmt.Errorf("add an import run: %w", err)
		}
		run.ID, _ = res.LastInsertId()
		run.CreatedAt, run.UpdatedAt = time.UnixMilli(ms).UTC(), time.UnixMilli(ms).UTC()
		return nil
	})
	if errors.Is(err, news.ErrImportBusy) {
		return busy, nil, err
	}
	if err != nil {
		return nil, nil, err
	}
	return nil, abandoned, nil
}

// MoveImportRun implements news.ImportRunStore.
func (db *DB) MoveImportRun(ctx context.Context, run *news.ImportRun, from news.ImportState, now time.Time) error {
	ms := now.UnixMilli()
	res, err := db.write.ExecContext(ctx, `UPDATE import_runs SET state = ?, path = ?, bytes = ?, file_name = ?, expires_at = ?, checked = ?, report = ?, error = ?, updated_at = ?
		WHERE id = ? AND state = ?`,
		string(run.State), run.Path, run.Bytes, run.FileName, run.ExpiresAt.UnixMilli(), run.Checked, run.Report, run.Error, ms, run.ID, string(from))
	if isUniqueViolation(err) {
		return news.ErrImportBusy
	}
	if err != nil {
		return fmt.Errorf("move import run %d: %w", run.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("import run %d is no longer %s: %w", run.ID, from, news.ErrStale)
	}
	run.UpdatedAt = time.UnixMilli(ms).UTC()
	return nil
}

// ImportRun implements news.ImportRunStore.
func (db *DB) ImportRun(ctx context.Context, id int64) (*news.ImportRun, error) {
	r, err := scanImportRun(db.reads.QueryRowContext(ctx, `SELECT `+importRunColumns+` FROM import_runs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, news.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("import run %d: %w", id, err)
	}
	return r, nil
}

// LatestImportRun implements news.ImportRunStore.
func (db *DB) LatestImportRun(ctx context.Context) (*news.ImportRun, error) {
	r, err := scanImportRun(db.reads.QueryRowContext(ctx, `SELECT `+importRunColumns+` FROM import_runs ORDER BY active DESC, id DESC LIMIT 1`))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, news.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("latest import run: %w", err)
	}
	return r, nil
}
