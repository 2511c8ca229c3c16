package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"broadsheet/internal/news"
)

// The admin's import runs (news.ImportRunStore, migrations 0049 and 0058).

var _ news.ImportRunStore = (*DB)(nil)

const importRunColumns = `id, kind, state, COALESCE(user_id, 0), file_name, path, bytes, node, created_at, updated_at, expires_at, checked, report, error, heartbeat_at`

func scanImportRun(sc interface{ Scan(...any) error }) (*news.ImportRun, error) {
	var r news.ImportRun
	var state string
	var created, updated, expires, beat int64
	if err := sc.Scan(&r.ID, &r.Kind, &state, &r.UserID, &r.FileName, &r.Path, &r.Bytes, &r.Node, &created, &updated, &expires,
		&r.Checked, &r.Report, &r.Error, &beat); err != nil {
		return nil, err
	}
	if beat > 0 {
		r.HeartbeatAt = time.UnixMilli(beat).UTC()
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
		res, err := tx.ExecContext(ctx, `INSERT INTO import_runs (kind, state, user_id, file_name, path, bytes, node, created_at, updated_at, expires_at, checked, report, error, heartbeat_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			run.Kind, string(run.State), user, run.FileName, run.Path, run.Bytes, run.Node, ms, ms, run.ExpiresAt.UnixMilli(), run.Checked, run.Report, run.Error, ms)
		if isUniqueViolation(err) {
			return news.ErrImportBusy
		}
		if err != nil {
			return fmt.Errorf("add an import run: %w", err)
		}
		run.ID, _ = res.LastInsertId()
		run.CreatedAt, run.UpdatedAt, run.HeartbeatAt = time.UnixMilli(ms).UTC(), time.UnixMilli(ms).UTC(), time.UnixMilli(ms).UTC()
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
	res, err := db.write.ExecContext(ctx, `UPDATE import_runs SET state = ?, path = ?, bytes = ?, file_name = ?, expires_at = ?, checked = ?, report = ?, error = ?, updated_at = ?, heartbeat_at = ?
		WHERE id = ? AND state = ?`,
		string(run.State), run.Path, run.Bytes, run.FileName, run.ExpiresAt.UnixMilli(), run.Checked, run.Report, run.Error, ms, ms, run.ID, string(from))
	if isUniqueViolation(err) {
		return news.ErrImportBusy
	}
	if err != nil {
		return fmt.Errorf("move import run %d: %w", run.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("import run %d is no longer %s: %w", run.ID, from, news.ErrStale)
	}
	run.UpdatedAt, run.HeartbeatAt = time.UnixMilli(ms).UTC(), time.UnixMilli(ms).UTC()
	return nil
}

// BeatImportRun implements news.ImportRunStore.
func (db *DB) BeatImportRun(ctx context.Context, id int64, now time.Time) error {
	res, err := db.write.ExecContext(ctx, `UPDATE import_runs SET heartbeat_at = ? WHERE id = ? AND active`, now.UnixMilli(), id)
	if err != nil {
		return fmt.Errorf("import run %d heartbeat: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("import run %d is no longer active: %w", id, news.ErrStale)
	}
	return nil
}

// ReleaseImportRun implements news.ImportRunStore: read and end in one write
// transaction, so that a heartbeat written meanwhile keeps the run. While another
// process's import holds the database's writer (its one transaction), this waits for
// it up to the busy timeout and fails: a run that busy is not released.
func (db *DB) ReleaseImportRun(ctx context.Context, id int64, silentSince time.Time, message string, now time.Time) (*news.ImportRun, error) {
	var run *news.ImportRun
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		r, err := scanImportRun(tx.QueryRowContext(ctx, `SELECT `+importRunColumns+` FROM import_runs WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return news.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("import run %d: %w", id, err)
		}
		switch {
		case !r.State.Active() || r.State == news.ImportChecked:
			return fmt.Errorf("import run %d is %s: %w", id, r.State, news.ErrStale)
		case !r.HeartbeatAt.Before(silentSince):
			return fmt.Errorf("import run %d beat at %s: %w", id, r.HeartbeatAt.Format(time.RFC3339), news.ErrImportAlive)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE import_runs SET state = ?, error = ?, path = '', updated_at = ? WHERE id = ?`,
			string(news.ImportFailed), message, now.UnixMilli(), id); err != nil {
			return fmt.Errorf("release import run %d: %w", id, err)
		}
		run = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	return run, nil
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
