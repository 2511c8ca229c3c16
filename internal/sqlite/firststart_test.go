package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"broadsheet/internal/news"
	"broadsheet/internal/sqlite"
)

// staleRead is one server's handle on the database whose reads of the settings are
// held back, as a scheduler may hold a process between its read and its write.
type staleRead struct {
	*sqlite.DB
	read chan struct{} // closed once it has read the settings
	gate chan struct{} // its read is answered when this is closed
}

func (s *staleRead) Settings(ctx context.Context) (map[string]string, error) {
	v, err := s.DB.Settings(ctx)
	close(s.read)
	<-s.gate
	return v, err
}

// Two servers starting at once on a new database both find no secret and no feed ID
// base. The second to write must not replace what the first stored and has begun to
// use: the first would go on signing its admin forms and keying its rate limits with a
// secret no other server knows, and serving feed IDs no other server serves.
func TestServersStartingAtOnceShareOneSecretAndFeedIDBase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "site.db")
	open := func() *sqlite.DB {
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	dbA, dbB := open(), open()
	midnight := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)

	for _, step := range []struct {
		name string
		key  string
		run  func(news.Store, string, time.Time) (string, error)
	}{
		{"secret", news.SettingSecret, func(s news.Store, _ string, _ time.Time) (string, error) {
			return "", news.EnsureSecret(ctx, s)
		}},
		{"feed ID base", news.SettingFeedIDBase, func(s news.Store, base string, now time.Time) (string, error) {
			return news.EnsureFeedIDBase(ctx, s, base, now)
		}},
	} {
		a := &staleRead{DB: dbA, read: make(chan struct{}), gate: make(chan struct{})}
		b := &staleRead{DB: dbB, read: make(chan struct{}), gate: make(chan struct{})}
		type result struct {
			v   string
			err error
		}
		doneA, doneB := make(chan result, 1), make(chan result, 1)
		// Node A on one side of midnight at one address, node B on the other at another.
		go func() {
			v, err := step.run(a, "https://news.example.org", midnight.Add(-time.Second))
			doneA <- result{v, err}
		}()
		go func() { v, err := step.run(b, "https://www.news.example.org", midnight); doneB <- result{v, err} }()
		<-a.read
		<-b.read // both have found nothing stored
		close(a.gate)
		ra := <-doneA
		if ra.err != nil {
			t.Fatalf("%s on node A: %v", step.name, ra.err)
		}
		stored, err := dbA.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		first := stored[step.key] // what node A goes on to use from now on
		close(b.gate)
		rb := <-doneB
		if rb.err != nil {
			t.Fatalf("%s on node B: %v", step.name, rb.err)
		}
		stored, err = dbB.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if first == "" || stored[step.key] != first {
			t.Errorf("%s: node A stored and uses %q, then node B replaced it with %q", step.name, first, stored[step.key])
		}
		if ra.v != rb.v {
			t.Errorf("%s: node A uses %q, node B %q", step.name, ra.v, rb.v)
		}
	}
}

// A trial on localhost keeps no feed ID base: the site's real name, given later, mints
// the one kept for ever (a base of 127.0.0.1 would name every story by a host nobody
// holds, after the site moved to its domain).
func TestTrialMintsNoFeedIDBase(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "site.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	day := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, trial := range []string{"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"} {
		if _, err := news.EnsureFeedIDBase(ctx, db, trial, day); err != nil {
			t.Fatal(err)
		}
	}
	if stored, _ := db.Settings(ctx); stored[news.SettingFeedIDBase] != "" {
		t.Fatalf("a trial stored the feed ID base %q", stored[news.SettingFeedIDBase])
	}
	got, err := news.EnsureFeedIDBase(ctx, db, "https://news.example.org", day.AddDate(0, 1, 0))
	if err != nil || got != "tag:news.example.org,2026-06-01:" {
		t.Fatalf("the real name's base: %q, %v", got, err)
	}
	if again, _ := news.EnsureFeedIDBase(ctx, db, "https://www.example.net", day.AddDate(1, 0, 0)); again != got {
		t.Errorf("a later domain changed the base to %q", again)
	}
}
