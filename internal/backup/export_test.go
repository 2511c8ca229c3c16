package backup

import (
	"os"
	"syscall"
	"testing"
)

// WithoutHardLinks makes the media folder refuse hard links for the test, as a FUSE
// mount of an object store or an SMB share does (EPERM).
func WithoutHardLinks(t *testing.T) {
	old := linkFile
	linkFile = func(from, to string) error { return &os.LinkError{Op: "link", Old: from, New: to, Err: syscall.EPERM} }
	t.Cleanup(func() { linkFile = old })
}
