package main

import (
	"context"
	"fmt"
	"io"

	"broadsheet/internal/rerender"
	"broadsheet/internal/sqlite"
)

// rerenderCmd renders again, at once, every article whose HTML came from another
// renderer or other embed hosts than the running ones (the server does the same in
// the background, a bounded number each tick).
func rerenderCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("rerender", stderr)
	dbPath := fs.String("db", "broadsheet.db", "SQLite database file")
	batch := fs.Int("batch", rerender.DefaultBatch, "articles rendered and written per transaction")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("rerender takes no arguments, got %q; usage: broadsheet rerender [--db FILE] [--batch N]", rest)
	}
	if *batch < 1 {
		return fmt.Errorf("--batch %d: want at least 1", *batch)
	}
	db, err := sqlite.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := rerender.Run(ctx, db, rerender.Options{Batch: *batch, Log: newLogger(stderr)})
	if res.Changed > 0 {
		awaitServers(ctx, db, stderr)
	}
	fmt.Fprintf(stdout, "%d articles rendered again: %d changed, %d already as rendered (%d kept their HTML: over the render budget); %d saved meanwhile, left to their save\n",
		res.Rendered(), res.Changed, res.Unchanged, res.Kept, res.Skipped)
	return err
}
