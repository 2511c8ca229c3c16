package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"broadsheet/internal/sqlite"
	"broadsheet/internal/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Engine {
		db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}

// Reopening a file keeps its data and applies no migration twice.
func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetSettings(ctx, map[string]string{"title": "Kept"}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	got, _ := db.Settings(ctx)
	if got["title"] != "Kept" {
		t.Errorf("settings after reopen: %v", got)
	}
}
