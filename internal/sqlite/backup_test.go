package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"broadsheet/internal/news"
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

// A backup holding a library reference or a featured image at a javascript: or data:
// address (no write of the site keeps one: news.IsFileAddress) is refused, naming the
// record, rather than restored into the editor's picker.
func TestBackupRefusesScriptAddresses(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, c := range []struct {
		kind, field, url string
		ok               bool
	}{
		{"media", "url", "javascript:alert(1)", false},
		{"media", "url", "data:text/html,x", false},
		{"article", "image_url", " JaVa\tScript:alert(1)", false},
		{"media", "url", "https://old.example/a.pdf", true},
		{"article", "image_url", "/media/abc.jpg", true},
	} {
		rec := &news.BackupRecord{Kind: c.kind, Fields: map[string]any{"id": int64(1), c.field: c.url}}
		if err := db.CheckBackupRecord(rec); (err == nil) != c.ok || err != nil && !errors.Is(err, news.ErrInvalid) {
			t.Errorf("%s %s %q: %v", c.kind, c.field, c.url, err)
		}
	}
}
