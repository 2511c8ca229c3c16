package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"broadsheet/internal/wxr"
)

// openImportFile opens a file an import reads twice (a check, then the writes), with
// its size in bytes. It is looked at before it is opened: opening a named pipe would
// wait for a writer, and a pipe or terminal could not be read a second time.
func openImportFile(file string) (*os.File, int64, error) {
	info, err := os.Stat(file)
	if err != nil {
		return nil, 0, err
	}
	if !info.Mode().IsRegular() {
		return nil, 0, fmt.Errorf("%s is not a regular file: the import reads it twice, to check it and then to write it (save it to a file first)", file)
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, 0, err
	}
	// Every import reads a plain file: a ZIP or gzip one would be refused at its first
	// line as a broken file.
	if err := wxr.Archived(f); err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("%s: %w", file, err)
	}
	return f, info.Size(), nil
}

// writeFileWhole writes out through write, so that out appears only complete: into a
// new file of its own beside it (O_EXCL, 0600: exports hold personal data, and a fixed
// name such as OUT.tmp left there before — readable by others, or a link — would be
// written through, keeping its mode), synced, then renamed over out. On an error the
// temporary file is removed and out is left as it was.
func writeFileWhole(out string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, out)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
