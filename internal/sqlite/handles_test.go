package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"broadsheet/internal/sqlite"
)

// openHandles opens n handles on one new database file, each standing for a server
// process of its own; they are closed when the test ends.
func openHandles(t *testing.T, n int) []*sqlite.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "shared.db")
	var dbs []*sqlite.DB
	for range n {
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	return dbs
}
