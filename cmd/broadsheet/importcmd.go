package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"broadsheet/internal/corpus"
	"broadsheet/internal/sqlite"
)

func importCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "corpus" {
		return errors.New(`usage: broadsheet import corpus FILE.jsonl [--db FILE]`)
	}
	fs := newFlagSet("import corpus", stderr)
	dbPath := fs.String("db", "broadsheet.db", "SQLite database file (created if missing)")
	// Flags may come before or after the file name.
	var file string
	rest := args[1:]
	for len(rest) > 0 {
		if err := parseFlags(fs, rest); err != nil {
			return err
		}
		rest = fs.Args()
		if len(rest) > 0 {
			if file != "" {
				return fmt.Errorf("one file at a time: %q and %q", file, rest[0])
			}
			file, rest = rest[0], rest[1:]
		}
	}
	if file == "" {
		return errors.New(`usage: broadsheet import corpus FILE.jsonl [--db FILE]`)
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	start := time.Now()
	bar := newProgress(stderr, info.Size())
	items, err := corpus.Read(f, bar.update)
	bar.done()
	if err != nil {
		return fmt.Errorf("%s: %w (nothing was imported)", file, err)
	}
	db, err := sqlite.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := db.Import(ctx, items)
	if err != nil {
		return fmt.Errorf("%s: %w (nothing was imported)", file, err)
	}
	fmt.Fprintf(stdout, "imported %s: %s in %.1fs\n", file, res, time.Since(start).Seconds())
	return nil
}

// progress draws a bar on stderr when it is a terminal, and nothing otherwise (a log
// file or a pipe wants only the summary line).
type progress struct {
	w     io.Writer
	total int64
	on    bool
	last  int
}

func newProgress(w io.Writer, total int64) *progress {
	p := &progress{w: w, total: total}
	if f, ok := w.(*os.File); ok && total > 0 {
		if info, err := f.Stat(); err == nil && info.Mode()&os.ModeCharDevice != 0 {
			p.on = true
		}
	}
	return p
}

func (p *progress) update(n int64) {
	if !p.on {
		return
	}
	pct := int(n * 100 / p.total)
	if pct == p.last {
		return
	}
	p.last = pct
	const width = 40
	filled := pct * width / 100
	fmt.Fprintf(p.w, "\rreading [%s%s] %3d%%", strings.Repeat("=", filled), strings.Repeat(" ", width-filled), pct)
}

func (p *progress) done() {
	if p.on {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
