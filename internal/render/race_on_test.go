//go:build race

package render

// raceEnabled: the race detector makes sync.Pool drop what it keeps, so allocation
// counts (regexp keeps its machines in a pool) mean nothing under it.
const raceEnabled = true
