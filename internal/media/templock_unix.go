//go:build unix

package media

import (
	"errors"
	"os"
	"syscall"
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

// abandoned reports whether no process writes the temporary file f any longer (its
// lock is free); it then holds the lock, until f is closed.
func abandoned(f *os.File, _ os.FileInfo) bool {
	ok, _ := lockTemp(f)
	return ok
}
