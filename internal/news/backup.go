package news

import (
	"context"
	"errors"
	"iter"
)

// ErrNotEmpty is returned by BackupStore.ImportBackup (and BackupEmpty) when the store
// already holds content, accounts or comments: a backup restores a whole site with its
// IDs, so it is read only into an empty one (internal/backup's FORMAT).
var ErrNotEmpty = errors.New("the site is not empty")

// BackupRecord is one object of a backup (internal/backup): Kind names what it is
// ("article", "comment", "user", ... as BackupStore.BackupKinds lists them) and Fields
// holds its stored fields by name, each a string, an int64, a float64 or nil.
type BackupRecord struct {
	Kind   string
	Fields map[string]any
}

// BackupStore is what a storage engine gives the JSON backup (internal/backup): every
// object of the site, kind by kind, with its ID, and the way back into an empty store.
type BackupStore interface {
	// BackupKinds lists the kinds a backup holds, in the order they are written and
	// read back (what a record refers to comes before it).
	BackupKinds() []string
	// ExportBackup calls fn with the kind and fields of every object, kind by kind in
	// BackupKinds' order and each kind in the order of its key, reading keyset pages of
	// a few hundred rows (the store is never held whole in memory), all from one
	// snapshot: writes made meanwhile by a running site are not half in it (a comment
	// whose story is not). Without withSecrets, password hashes, TOTP secrets, recovery
	// codes, webhook secrets and the site's secret are left out (emptied fields, or
	// no records of a kind that is nothing else). fn's fields are reused after it
	// returns. An error of fn stops the export and is returned.
	ExportBackup(ctx context.Context, withSecrets bool, fn func(kind string, fields map[string]any) error) error
	// CheckBackupRecord checks a record against the store's schema without writing:
	// a known kind, known fields, values of a stored type. Errors wrap ErrInvalid.
	CheckBackupRecord(rec *BackupRecord) error
	// BackupEmpty returns nil when the store holds no article, page, comment, user,
	// author, section, tag, media or webhook (settings may be there, and a site's
	// secret made at a first start); ErrNotEmpty otherwise.
	BackupEmpty(ctx context.Context) error
	// ImportBackup writes every record, with its IDs, in one transaction: all or
	// nothing. It refuses a store that is not empty (ErrNotEmpty, before reading a
	// record), so a second run changes nothing. A setting in the backup replaces the
	// store's; the store's own secret stays when the backup has none. An error from
	// recs rolls everything back and is returned. It returns the count per kind.
	ImportBackup(ctx context.Context, recs iter.Seq2[*BackupRecord, error]) (map[string]int, error)
}
