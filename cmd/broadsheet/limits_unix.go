//go:build unix

package main

import "syscall"

// defaultMaxConns is how many client connections serve keeps open at most: what the
// process's descriptor limit allows (Go raises the soft limit to the hard one at start),
// less a reserve for the database, its journal, media files and logs, and at most
// 10,000 (--max-conns raises it).
func defaultMaxConns() int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur > 10064 {
		return 10000
	}
	return max(16, int(lim.Cur)-64)
}
