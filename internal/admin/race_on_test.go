//go:build race

package admin_test

// raceEnabled: the race detector makes sync.Pool drop what it keeps (bufio's buffers,
// among others), so counts of bytes allocated by a request mean less under it.
const raceEnabled = true
