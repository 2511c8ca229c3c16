//go:build linux

package media

import "syscall"

// processCPU is the CPU time the process has used on all its threads, in
// nanoseconds (getrusage RUSAGE_SELF): unlike the wall clock, not lengthened by
// other processes, and with the garbage collector's work.
func processCPU() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
