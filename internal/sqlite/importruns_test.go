package sqlite_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"broadsheet/internal/news"
	"broadsheet/internal/sqlite"
)

// One active import run for the whole site, decided in the store, across processes: a
// second claim, from another connection to the same file, is refused with the active
// run; once that run expires (its server stopped), the next claim marks it failed and
// hands back its file to remove.
func TestOneActiveImportRunAcrossProcesses(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "site.db")
	a, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := sqlite.Open(ctx, path) // another server on the same database
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	first := &news.ImportRun{Kind: "wxr", State: news.ImportUploading, Path: "/tmp/first.xml", Node: "a", ExpiresAt: now.Add(time.Hour)}
	if _, _, err := a.BeginImportRun(ctx, first, now); err != nil {
		t.Fatal(err)
	}
	second := &news.ImportRun{Kind: "wxr", State: news.ImportUploading, Node: "b", ExpiresAt: now.Add(2 * time.Hour)}
	busy, _, err := b.BeginImportRun(ctx, second, now.Add(time.Minute))
	if !errors.Is(err, news.ErrImportBusy) || busy == nil || busy.ID != first.ID {
		t.Fatalf("a second claim: %v, busy %v", err, busy)
	}
	// Moving a run on keeps it the one active.
	first.State = news.ImportRunning
	if err := a.MoveImportRun(ctx, first, news.ImportUploading, now); err != nil {
		t.Fatal(err)
	}
	if err := b.MoveImportRun(ctx, first, news.ImportUploading, now); !errors.Is(err, news.ErrStale) {
		t.Errorf("a move from a state it left: %v", err)
	}
	// Past its expiry, the next claim takes over.
	_, abandoned, err := b.BeginImportRun(ctx, second, now.Add(61*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(abandoned) != 1 || abandoned[0].Path != "/tmp/first.xml" {
		t.Errorf("abandoned: %v", abandoned)
	}
	got, err := a.ImportRun(ctx, first.ID)
	if err != nil || got.State != news.ImportFailed || got.Error == "" || got.Path != "" {
		t.Errorf("the abandoned run: %+v %v", got, err)
	}
	latest, err := a.LatestImportRun(ctx)
	if err != nil || latest.ID != second.ID {
		t.Errorf("latest: %+v %v", latest, err)
	}
}

// A run's heartbeat decides whether an administrator may release it: one that beat
// within the silence is kept (from another connection too), a silent one is ended as
// failed with the message and its file handed back; a checked run (waiting for its
// confirmation) and an ended one are not released.
func TestReleaseSilentImportRun(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "site.db")
	a, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := sqlite.Open(ctx, path) // the administrator's server
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	run := &news.ImportRun{Kind: "wxr", State: news.ImportRunning, Path: "/tmp/stuck.xml", Node: "a", ExpiresAt: now.Add(time.Hour)}
	if _, _, err := a.BeginImportRun(ctx, run, now); err != nil {
		t.Fatal(err)
	}
	if err := a.BeatImportRun(ctx, run.ID, now.Add(5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.ReleaseImportRun(ctx, run.ID, now.Add(4*time.Minute), "released", now.Add(6*time.Minute)); !errors.Is(err, news.ErrImportAlive) {
		t.Errorf("a run that beat a minute ago released: %v", err)
	}
	if got, _ := b.ImportRun(ctx, run.ID); got.State != news.ImportRunning || !got.HeartbeatAt.Equal(now.Add(5*time.Minute)) {
		t.Errorf("after a refused release: %+v", got)
	}
	was, err := b.ReleaseImportRun(ctx, run.ID, now.Add(8*time.Minute), "Released by Ana.", now.Add(10*time.Minute))
	if err != nil || was.Path != "/tmp/stuck.xml" {
		t.Fatalf("releasing a silent run: %+v %v", was, err)
	}
	if got, _ := a.ImportRun(ctx, run.ID); got.State != news.ImportFailed || got.Error != "Released by Ana." || got.Path != "" {
		t.Errorf("the released run: %+v", got)
	}
	if err := a.BeatImportRun(ctx, run.ID, now.Add(11*time.Minute)); !errors.Is(err, news.ErrStale) {
		t.Errorf("a released run's heartbeat: %v, want ErrStale", err)
	}
	if _, err := b.ReleaseImportRun(ctx, run.ID, now.Add(time.Hour), "again", now.Add(time.Hour)); !errors.Is(err, news.ErrStale) {
		t.Errorf("releasing an ended run: %v", err)
	}
	// The slot is free for the next upload at once, long before the old run's expiry.
	next := &news.ImportRun{Kind: "wxr", State: news.ImportChecked, Node: "b", ExpiresAt: now.Add(2 * time.Hour)}
	if _, _, err := b.BeginImportRun(ctx, next, now.Add(11*time.Minute)); err != nil {
		t.Fatalf("an upload after the release: %v", err)
	}
	if _, err := b.ReleaseImportRun(ctx, next.ID, now.Add(time.Hour), "x", now.Add(time.Hour)); !errors.Is(err, news.ErrStale) {
		t.Errorf("releasing a checked run: %v, want ErrStale", err)
	}
	if _, err := b.ReleaseImportRun(ctx, 999, now, "x", now); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("releasing no run: %v", err)
	}
}
