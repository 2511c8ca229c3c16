//go:build unix

package backup_test

import (
	"bytes"
	"context"
	"io"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"broadsheet/internal/backup"
	"broadsheet/internal/news"
	"broadsheet/internal/sqlite"
	"broadsheet/internal/storetest"
)

// killingStore kills its own process (SIGKILL, as kill -9) once every record and media
// file has been given, before the store's transaction commits: what a crash at the
// worst moment of an import leaves.
type killingStore struct{ *sqlite.DB }

func (k killingStore) ImportBackup(ctx context.Context, recs iter.Seq2[*news.BackupRecord, error]) (map[string]int, error) {
	return k.DB.ImportBackup(ctx, func(yield func(*news.BackupRecord, error) bool) {
		for r, err := range recs {
			if !yield(r, err) {
				return
			}
		}
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	})
}

// mediaBackup writes a backup of a small site with three media files (one of several
// pieces) and returns its path and the files.
func mediaBackup(t *testing.T, dir string) (string, map[string][]byte) {
	t.Helper()
	ctx := context.Background()
	src, err := sqlite.Open(ctx, filepath.Join(dir, "src.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, err := src.ImportStream(ctx, storetest.BenchCorpus(3)); err != nil {
		t.Fatal(err)
	}
	media := filepath.Join(dir, "src-media")
	os.MkdirAll(media, 0o755)
	big := make([]byte, 2<<20+4321)
	for i := range big {
		big[i] = byte(i * 13 % 251)
	}
	files := map[string][]byte{"a.jpg": big, "b-480.webp": []byte("RIFF small"), "c.png": nil}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(media, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(dir, "full.json")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := backup.Export(ctx, src, f, backup.Options{MediaDir: media}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return file, files
}

// An import killed (SIGKILL) after writing its media files and before its commit
// leaves the site empty, and the next import of the same backup into the same database
// and media folder works: it used to be refused for good ("file exists"), the files of
// the killed run being taken for someone else's. No temporary file stays behind.
func TestImportKilledBeforeCommitCanRunAgain(t *testing.T) {
	if dir := os.Getenv("BACKUP_KILL_HELPER"); dir != "" {
		ctx := context.Background()
		db, err := sqlite.Open(ctx, filepath.Join(dir, "dst.db"))
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, "full.json")
		_, err = backup.Import(ctx, killingStore{db}, func() (io.ReadCloser, error) { return os.Open(file) }, filepath.Join(dir, "media"))
		t.Fatalf("the import was not killed: %v", err)
	}
	dir := t.TempDir()
	file, files := mediaBackup(t, dir)
	cmd := exec.Command(os.Args[0], "-test.run=^TestImportKilledBeforeCommitCanRunAgain$", "-test.count=1")
	cmd.Env = append(os.Environ(), "BACKUP_KILL_HELPER="+dir)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the helper was not killed: %v\n%s", err, out.String())
	}
	mediaDir := filepath.Join(dir, "media")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "dst.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.BackupEmpty(ctx); err != nil {
		t.Fatalf("the killed import left the site not empty: %v", err)
	}
	counts, err := backup.Import(ctx, db, func() (io.ReadCloser, error) { return os.Open(file) }, mediaDir)
	if err != nil {
		t.Fatalf("the import after a killed one: %v", err)
	}
	if counts["article"] != 3 || counts[backup.MediaKind] != len(files) {
		t.Errorf("counts %v", counts)
	}
	entries, _ := os.ReadDir(mediaDir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(entries) != len(files) {
		t.Errorf("media folder holds %v, want the %d files and nothing else", names, len(files))
	}
	for name, data := range files {
		if g, err := os.ReadFile(filepath.Join(mediaDir, name)); err != nil || !bytes.Equal(g, data) {
			t.Errorf("media file %s: %d bytes, want %d (%v)", name, len(g), len(data), err)
		}
		// Readable by a web server running as another user, as media.Dir's files.
		if st, err := os.Stat(filepath.Join(mediaDir, name)); err != nil || st.Mode().Perm()&0o044 != 0o044&^umask() {
			t.Errorf("media file %s: mode %v", name, st.Mode())
		}
	}
}

func umask() os.FileMode {
	m := syscall.Umask(0)
	syscall.Umask(m)
	return os.FileMode(m)
}

// A file of the backup's name that is not the backup's file is still never
// overwritten: the import is refused, nothing is written, and the files it did write
// are removed; a temporary file a killed import left is removed.
func TestImportRefusesAnotherFileOfTheSameName(t *testing.T) {
	dir := t.TempDir()
	file, _ := mediaBackup(t, dir)
	mediaDir := filepath.Join(dir, "media")
	os.MkdirAll(mediaDir, 0o755)
	// "c.png" sorts after "a.jpg" and "b-480.webp", so those are written first.
	os.WriteFile(filepath.Join(mediaDir, "c.png"), []byte("someone else's"), 0o644)
	// What an import killed in the middle of a file leaves.
	os.WriteFile(filepath.Join(mediaDir, ".backup-import-123"), []byte("half a file"), 0o644)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "dst.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = backup.Import(ctx, db, func() (io.ReadCloser, error) { return os.Open(file) }, mediaDir)
	if err == nil || !strings.Contains(err.Error(), "c.png") {
		t.Fatalf("import over another c.png: %v", err)
	}
	if err := db.BackupEmpty(ctx); err != nil {
		t.Errorf("a refused import wrote: %v", err)
	}
	entries, _ := os.ReadDir(mediaDir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("media folder holds %v, want c.png alone", names)
	}
	if g, _ := os.ReadFile(filepath.Join(mediaDir, "c.png")); string(g) != "someone else's" {
		t.Errorf("c.png was overwritten: %q", g)
	}
}

// A media folder on a filesystem without hard links (a FUSE mount of an object store,
// an SMB share) takes a backup's files as well, each under its name with its bytes; a
// file of the name already there is still refused, never replaced.
func TestImportMediaWithoutHardLinks(t *testing.T) {
	backup.WithoutHardLinks(t)
	dir := t.TempDir()
	file, want := mediaBackup(t, dir)
	mediaDir := filepath.Join(dir, "media")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "dst.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := backup.Import(ctx, db, func() (io.ReadCloser, error) { return os.Open(file) }, mediaDir); err != nil {
		t.Fatalf("import: %v", err)
	}
	for name, b := range want {
		if got, err := os.ReadFile(filepath.Join(mediaDir, name)); err != nil || !bytes.Equal(got, b) {
			t.Errorf("%s: %d bytes, want %d (%v)", name, len(got), len(b), err)
		}
	}
	entries, _ := os.ReadDir(mediaDir)
	if len(entries) != len(want) {
		t.Errorf("media folder holds %d files, want %d", len(entries), len(want))
	}

	other := filepath.Join(dir, "other")
	os.MkdirAll(other, 0o755)
	os.WriteFile(filepath.Join(other, "c.png"), []byte("someone else's"), 0o644)
	db2, err := sqlite.Open(ctx, filepath.Join(dir, "dst2.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if _, err := backup.Import(ctx, db2, func() (io.ReadCloser, error) { return os.Open(file) }, other); err == nil || !strings.Contains(err.Error(), "c.png") {
		t.Errorf("import over another c.png: %v", err)
	}
	if g, _ := os.ReadFile(filepath.Join(other, "c.png")); string(g) != "someone else's" {
		t.Errorf("c.png was overwritten: %q", g)
	}
}
