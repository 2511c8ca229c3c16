package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"broadsheet/internal/media"
	"broadsheet/internal/sqlite"
	"broadsheet/internal/wxr"
)

// importWXR runs wxr.Import on file: its first pass (the check) before a new database
// is made, so that a file refused leaves none (an existing one is opened first: the
// check reads its sections, whose slugs no page may take); a bar on stderr for each
// stage; the report on stdout.
func importWXR(ctx context.Context, file, dbPath, uploads, mediaDir string, stdout, stderr io.Writer) error {
	var opt wxr.Options
	if uploads != "" {
		if info, err := os.Stat(uploads); err != nil || !info.IsDir() {
			return fmt.Errorf("--uploads %s: not a folder (a copy of wp-content/uploads)", uploads)
		}
		if mediaDir == "" {
			mediaDir = filepath.Join(filepath.Dir(dbPath), "media")
		}
		opt.Uploads, opt.Media = os.DirFS(uploads), media.Dir(mediaDir)
	}
	f, _, err := openImportFile(file)
	if err != nil {
		return err
	}
	defer f.Close()
	defer tuneImportGC(uploads != "")()
	start := time.Now()
	bars := map[wxr.Stage]*progress{}
	var last *progress
	opt.Progress = func(stage wxr.Stage, done, total int64) {
		bar := bars[stage]
		if bar == nil {
			if last != nil {
				last.done()
			}
			bar = newProgress(stderr, string(stage), total)
			bars[stage], last = bar, bar
		}
		bar.update(done)
	}
	endBar := func() {
		if last != nil {
			last.done()
		}
	}
	var db *sqlite.DB
	if _, err := os.Stat(dbPath); err == nil {
		if db, err = sqlite.Open(ctx, dbPath); err != nil {
			return fmt.Errorf("%w (nothing was imported)", err)
		}
		defer db.Close()
		opt.Site = db
	}
	plan, err := wxr.CheckImport(ctx, f, opt)
	endBar()
	if err != nil {
		return failed(ctx, file, err)
	}
	fmt.Fprintf(stderr, "checked %s in %.1fs; importing\n", file, time.Since(start).Seconds())
	if uploads != "" {
		if err := os.MkdirAll(mediaDir, 0o755); err != nil {
			return failed(ctx, file, err)
		}
	}
	if db == nil {
		if db, err = sqlite.Open(ctx, dbPath); err != nil {
			return fmt.Errorf("%w (nothing was imported)", err)
		}
		defer db.Close()
	}
	rep, err := plan.Import(ctx, db)
	endBar()
	if err != nil {
		return failed(ctx, file, err)
	}
	awaitServers(ctx, db, stderr)
	if err := rep.WriteText(stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %s in %.1fs\n", file, time.Since(start).Seconds())
	return nil
}

// importGCLimit is the soft memory limit of a WordPress import's Go memory (image
// processing's, media.MaxProcessingMemory, added when --uploads is given). The live
// heap is the entries read ahead, their HTML and the maps of what was written (about
// 15 MiB for 100,000 posts); SQLite's page cache (64 MiB) and its other memory, about
// 150 MB of the resident set, are outside it. With this limit 100,000 posts took 250 MB
// resident, under issue 9's 300 MB; with 160 MiB, 284 MB, for no less CPU.
const importGCLimit = 96 << 20

// tuneImportGC trades memory for CPU during an import unless the operator set GOGC or
// GOMEMLIMIT, and returns the function that restores the collector's settings: the
// import allocates about its file's size many times over (every element, text and
// comment read twice) while its live heap stays small, so Go's default target
// collected every few MiB of it, and the collector took a tenth of the import's CPU.
// GOGC=400 under a soft limit collects far less often and still bounds the heap.
func tuneImportGC(images bool) (restore func()) {
	percent, limit := -2, int64(-1)
	if os.Getenv("GOGC") == "" {
		percent = debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		l := int64(importGCLimit)
		if images {
			l += media.MaxProcessingMemory
		}
		limit = debug.SetMemoryLimit(l)
	}
	return func() {
		if percent != -2 {
			debug.SetGCPercent(percent)
		}
		if limit >= 0 {
			debug.SetMemoryLimit(limit)
		}
	}
}
