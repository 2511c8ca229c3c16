package news

import (
	"context"
	"errors"
	"time"
)

// ImportState is where an ImportRun is: active while uploading, checking, checked
// (waiting for the administrator to confirm) or running; ended when done, failed or
// cancelled.
type ImportState string

const (
	ImportUploading ImportState = "uploading"
	ImportChecking  ImportState = "checking"
	ImportChecked   ImportState = "checked"
	ImportRunning   ImportState = "running"
	ImportDone      ImportState = "done"
	ImportFailed    ImportState = "failed"
	ImportCancelled ImportState = "cancelled"
)

// Active reports whether a run in this state holds the site's one import slot.
func (s ImportState) Active() bool {
	switch s {
	case ImportUploading, ImportChecking, ImportChecked, ImportRunning:
		return true
	}
	return false
}

// ImportRun is one file uploaded to be imported (the admin's WordPress import), from
// its upload to its report. Only one run is active at a time for the whole site.
type ImportRun struct {
	ID       int64
	Kind     string // "wxr"
	State    ImportState
	UserID   int64  // who uploaded it; 0 once that account is deleted
	FileName string // as the browser named it, cleaned, for display only
	Path     string // the temporary file on the server's disk; "" once removed
	Bytes    int64  // the file's size
	Node     string // the server process that works on it
	// ExpiresAt is when an active run is taken for abandoned (its server stopped) and
	// the next claim marks it failed: each state sets it to the longest its step may take.
	CreatedAt, UpdatedAt, ExpiresAt time.Time
	// HeartbeatAt is the last sign of life of the process working on an active run:
	// written when the run begins or moves, and every few seconds by that process
	// (BeatImportRun). Zero for runs recorded before heartbeats (migration 0058).
	HeartbeatAt time.Time
	Checked     string // what the first pass found (JSON, the admin's)
	Report      string // what the import did (JSON, the admin's)
	Error       string // why it failed, for the administrator
}

// ErrImportBusy is what BeginImportRun returns (wrapped) while another run is active.
var ErrImportBusy = errors.New("another import is under way")

// ErrImportAlive is what ReleaseImportRun returns (wrapped) when the run gave a sign of
// life too recently to be taken for dead.
var ErrImportAlive = errors.New("the import gave a sign of life recently")

// ImportRunStore keeps the admin's import runs. Every engine implements it.
type ImportRunStore interface {
	// BeginImportRun records run (its ID and times set) as the site's active run,
	// in state run.State, unless another active run has not expired at now: then it
	// returns that run and ErrImportBusy. Active runs expired at now are marked
	// failed in the same step and returned as abandoned, so that the caller removes
	// their files.
	BeginImportRun(ctx context.Context, run *ImportRun, now time.Time) (busy *ImportRun, abandoned []*ImportRun, err error)
	// MoveImportRun writes run's state, path, bytes, expiry, check, report and
	// error, if it is still in state from; ErrStale otherwise (another request moved
	// it first, or it was taken for abandoned).
	MoveImportRun(ctx context.Context, run *ImportRun, from ImportState, now time.Time) error
	// ImportRun returns one run; ErrNotFound when none has that ID.
	ImportRun(ctx context.Context, id int64) (*ImportRun, error)
	// LatestImportRun returns the active run, or else the newest; ErrNotFound when
	// there has been none.
	LatestImportRun(ctx context.Context) (*ImportRun, error)
	// BeatImportRun records a sign of life (HeartbeatAt = now) of the active run id;
	// ErrStale when it is no longer active (released, or taken for abandoned).
	BeatImportRun(ctx context.Context, id int64, now time.Time) error
	// ReleaseImportRun ends the active run id as failed, with message as its error and
	// its path cleared, if its last sign of life (HeartbeatAt) is before silentSince:
	// the administrator's release of a run whose process died. It returns the run as
	// it was (its Path, to remove). ErrNotFound for no such run; ErrStale when it is not
	// active or is checked (waiting for a confirmation, which Cancel ends);
	// ErrImportAlive when its heartbeat is at or after silentSince.
	ReleaseImportRun(ctx context.Context, id int64, silentSince time.Time, message string, now time.Time) (*ImportRun, error)
}
