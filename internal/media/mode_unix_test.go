//go:build unix

package media

import (
	"bytes"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Stored files are readable by others (0644) and the folder made for them
// searchable (0755), so that a reverse proxy running as another user can serve the
// media folder directly; a stricter umask is honoured, as every tool honours it.
func TestStoredFilesAreReadableByOthers(t *testing.T) {
	for _, tc := range []struct {
		umask        int
		file, folder fs.FileMode
	}{
		{0o022, 0o644, 0o755},
		{0o002, 0o644, 0o755},
		{0o077, 0o600, 0o700},
	} {
		old := syscall.Umask(tc.umask)
		root := filepath.Join(t.TempDir(), "media")
		var big bytes.Buffer
		png.Encode(&big, picture(1000, 500))
		im, err := Process(t.Context(), Dir(root), &big)
		syscall.Umask(old)
		if err != nil {
			t.Fatal(err)
		}
		if len(im.Variants) != 2 {
			t.Fatalf("variants %+v", im.Variants)
		}
		st, err := os.Stat(root)
		if err != nil || st.Mode().Perm() != tc.folder {
			t.Errorf("umask %03o: the folder is %v (%v), want %v", tc.umask, st.Mode().Perm(), err, tc.folder)
		}
		entries, _ := os.ReadDir(root)
		if len(entries) != 3 {
			t.Errorf("umask %03o: %d files in the folder (a temporary file left?)", tc.umask, len(entries))
		}
		for _, e := range entries {
			info, _ := e.Info()
			if info.Mode().Perm() != tc.file {
				t.Errorf("umask %03o: %s is %v, want %v", tc.umask, e.Name(), info.Mode().Perm(), tc.file)
			}
		}
	}
}
