//go:build !unix

package media

import (
	"os"
	"time"
)

// lockTemp marks nothing where flock does not exist.
func lockTemp(*os.File) (bool, error) { return true, nil }

// abandoned takes a temporary file untouched for a day for abandoned: no store takes
// that long.
func abandoned(_ *os.File, st os.FileInfo) bool { return time.Since(st.ModTime()) > 24*time.Hour }
