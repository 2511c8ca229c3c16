package main

import (
	"math"
	"runtime/debug"
	"testing"

	"broadsheet/internal/media"
)

// The import's collector settings hold only while it runs: GOGC=400 under its soft
// limit (more with --uploads' images), then the process's own again; an operator's
// GOGC or GOMEMLIMIT is left alone.
func TestImportGCSettingsAreRestored(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	limit := debug.SetMemoryLimit(math.MaxInt64)
	defer debug.SetMemoryLimit(limit)
	for _, images := range []bool{false, true} {
		restore := tuneImportGC(images)
		want := int64(importGCLimit)
		if images {
			want += media.MaxProcessingMemory
		}
		if p, l := debug.SetGCPercent(-1), debug.SetMemoryLimit(-1); p != 400 || l != want {
			t.Errorf("during the import (images %v): GOGC %d, limit %d; want 400, %d", images, p, l, want)
		}
		debug.SetGCPercent(400)
		restore()
		if p, l := debug.SetGCPercent(-1), debug.SetMemoryLimit(-1); p != 100 || l != math.MaxInt64 {
			t.Errorf("after the import: GOGC %d, limit %d; want 100 and none", p, l)
		}
		debug.SetGCPercent(100)
	}
	t.Setenv("GOGC", "50")
	t.Setenv("GOMEMLIMIT", "1GiB")
	restore := tuneImportGC(false)
	if p, l := debug.SetGCPercent(-1), debug.SetMemoryLimit(-1); p != 100 || l != math.MaxInt64 {
		t.Errorf("with GOGC and GOMEMLIMIT set: GOGC %d, limit %d; want the operator's (100 here) untouched", p, l)
	}
	debug.SetGCPercent(100)
	restore()
}
