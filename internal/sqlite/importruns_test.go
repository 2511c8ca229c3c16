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
