package sqlite

import (
	"context"
	"path/filepath"
	"testing"
)

// Every table is in the backup or left out of it on purpose: a table a migration adds
// (old WordPress IDs, API tokens...) is not silently missing from every backup.
func TestEveryTableIsInTheBackupOrLeftOutOnPurpose(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.read.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	inBackup := map[string]bool{}
	for _, k := range backupKinds {
		inBackup[k.table] = true
	}
	n := 0
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		n++
		_, out := backupLeftOut[name]
		switch {
		case inBackup[name] && out:
			t.Errorf("table %s is both in the backup and left out", name)
		case !inBackup[name] && !out:
			t.Errorf("table %s is neither in the backup (backupKinds) nor left out on purpose (backupLeftOut)", name)
		}
	}
	if n < len(backupKinds) {
		t.Fatalf("%d tables", n)
	}
}
