package news

import (
	"errors"
	"syscall"
)

// ErrStorageFull is a write refused because the storage is full: a store wraps it in
// the engine's own error (SQLite's SQLITE_FULL, "database or disk is full").
var ErrStorageFull = errors.New("storage full")

// StorageFull reports whether err is a write refused for want of space: ErrStorageFull
// from a store, or a file's write failing with ENOSPC (no space left on the device),
// EDQUOT (the user's quota) or EFBIG (the process's file-size limit, RLIMIT_FSIZE).
// Nothing was saved, and retrying at once will not help: the answer must say so.
func StorageFull(err error) bool {
	return errors.Is(err, ErrStorageFull) || errors.Is(err, syscall.ENOSPC) ||
		errors.Is(err, syscall.EDQUOT) || errors.Is(err, syscall.EFBIG)
}
