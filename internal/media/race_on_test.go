//go:build race

package media

// raceEnabled: the race detector makes sync.Pool drop what it keeps (the PNG and
// flate coders keep their buffers in pools), so allocation counts are larger under it
// than what processing needs.
const raceEnabled = true
