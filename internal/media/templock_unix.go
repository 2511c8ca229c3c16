//go:build unix

package media

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// lockTemp takes the lock that marks a temporary file as being written: flock, held
// by the open file and released by the kernel whatever ends the process (kill -9
// too). False when another holds it (RemoveAbandoned is removing the file).
func lockTemp(f *os.File) (bool, error) {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return false, nil
	}
	return err == nil, err
}

// abandoned reports whether no process writes the temporary file f any longer: its
// lock is free and it has not been written for quietFor (it then holds the lock, until
// f is closed). The lock alone would take the file of a store under way in a server
// that takes none (an earlier version, during a rolling upgrade) or whose locks this
// machine does not see (a folder shared over NFS); a store under way writes its file
// as the upload arrives.
func abandoned(f *os.File, st os.FileInfo) bool {
	if time.Since(st.ModTime()) < quietFor {
		return false
	}
	ok, _ := lockTemp(f)
	return ok
}

// quietFor is how long a temporary file must have gone unwritten before it is taken
// for an abandoned store's.
var quietFor = 10 * time.Minute
