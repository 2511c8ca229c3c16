package wxr

import (
	"bytes"
	"fmt"
	"io"
)

// ArchiveError is a file that is an archive or compressed, not the XML itself:
// WordPress.com's export arrives as a ZIP of XML files, and a site's backup or a
// Disqus export is often gzipped. Every import reads plain files only.
type ArchiveError struct {
	Kind string // "ZIP archive", "gzip file"…
	Do   string // what to do: "unzip it", "gunzip it"…
}

func (e *ArchiveError) Error() string {
	return fmt.Sprintf("the file is a %s, not the export itself: %s and import the file inside", e.Kind, e.Do)
}

// Archived reads the first bytes of r (then reset with Seek) and says whether the
// file is an archive or compressed: an *ArchiveError, or nil; a read error otherwise.
// The formats are known by their magic numbers (ZIP's "PK\x03\x04", gzip's 1f 8b, bzip2's
// "BZh", xz's fd "7zXZ", 7-Zip's "7z\xbc\xaf", Zstandard's 28 b5 2f fd).
func Archived(r io.ReadSeeker) error {
	head := make([]byte, 6)
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return fmt.Errorf("read the file's first bytes: %w", err)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("read the file again: %w", err)
	}
	head = head[:n]
	for _, f := range []struct {
		magic    string
		kind, do string
	}{
		{"PK\x03\x04", "ZIP archive", "unzip it"},
		{"\x1f\x8b", "gzip file", "gunzip it"},
		{"BZh", "bzip2 file", "decompress it (bunzip2)"},
		{"\xfd7zXZ", "xz file", "decompress it (unxz)"},
		{"7z\xbc\xaf", "7-Zip archive", "extract it"},
		{"\x28\xb5\x2f\xfd", "Zstandard file", "decompress it (unzstd)"},
	} {
		if bytes.HasPrefix(head, []byte(f.magic)) {
			return &ArchiveError{Kind: f.kind, Do: f.do}
		}
	}
	return nil
}
