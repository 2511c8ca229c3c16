package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"broadsheet/internal/corpus"
	"broadsheet/internal/disqus"
	"broadsheet/internal/news"
	"broadsheet/internal/render"
	"broadsheet/internal/sqlite"
)

// importCmd imports a corpus file in two passes over it, so that memory does not grow
// with the file: the first checks every line and writes nothing, the second writes
// every article in one transaction (all or nothing, see sqlite.DB.ImportStream).
func importCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const use = `usage: broadsheet import corpus FILE.jsonl [--db FILE] | import json FILE [--db FILE] [--media-dir DIR] | import wxr FILE.xml [--uploads DIR [--media-dir DIR]] [--db FILE] | import disqus FILE.xml [--db FILE]`
	fs := newFlagSet("import", stderr)
	dbPath := fs.String("db", "broadsheet.db", "SQLite database file (created if missing)")
	mediaDir := fs.String("media-dir", "", "with json, or wxr with --uploads: where media files go (default: media beside the database)")
	uploads := fs.String("uploads", "", "wxr: a local copy of wp-content/uploads, whose images are copied into the media library (without it the original URLs are kept)")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 && rest[0] == "wxr" {
		if len(rest) != 2 {
			return fmt.Errorf("one file: %s", use)
		}
		return importWXR(ctx, rest[1], *dbPath, *uploads, *mediaDir, stdout, stderr)
	}
	if *uploads != "" {
		return fmt.Errorf("--uploads is for import wxr; %s", use)
	}
	if len(rest) > 0 && rest[0] == "disqus" {
		switch {
		case *mediaDir != "":
			return fmt.Errorf("--media-dir is for import json and wxr; %s", use)
		case len(rest) != 2:
			return fmt.Errorf("one file: %s", use)
		}
		return importDisqus(ctx, rest[1], *dbPath, stdout, stderr)
	}
	if len(rest) > 0 && rest[0] == "json" {
		switch {
		case len(rest) == 1:
			return fmt.Errorf("no file given; %s", use)
		case len(rest) > 2:
			return fmt.Errorf("one file at a time: %q and %q; %s", rest[1], rest[2], use)
		}
		return importJSON(ctx, rest[1], *dbPath, *mediaDir, stdout, stderr)
	}
	switch {
	case *mediaDir != "":
		return fmt.Errorf("--media-dir is for import json and wxr; %s", use)
	case len(rest) == 0 || rest[0] != "corpus":
		return errors.New(use)
	case len(rest) == 1:
		return fmt.Errorf("no file given; %s", use)
	case len(rest) > 2:
		return fmt.Errorf("one file at a time: %q and %q; %s", rest[1], rest[2], use)
	}
	file := rest[1]
	f, size, err := openImportFile(file)
	if err != nil {
		return err
	}
	defer f.Close()
	start := time.Now()
	bar := newProgress(stderr, "checking", size)
	st, err := corpus.Check(ctx, f, corpus.Options{Progress: bar.update})
	bar.done()
	if err != nil {
		return failed(ctx, file, err)
	}
	fmt.Fprintf(stderr, "checked %s: %d articles, %d comments in %.1fs; importing\n", file, st.Articles, st.Comments, time.Since(start).Seconds())

	db, hosts, err := openForImport(ctx, *dbPath, f, file)
	if err != nil {
		return err
	}
	defer db.Close()
	bar = newProgress(stderr, "importing", st.Bytes)
	res, err := db.ImportStream(ctx, corpus.Items(ctx, f, corpus.Options{
		Embeds:   render.Embeds{Hosts: hosts},
		Progress: bar.update,
		// What the site holds already is skipped, so it is not rendered either.
		Stored: func(ctx context.Context, id string) (bool, []string, error) {
			return db.ImportedComments(ctx, corpus.Source, id)
		},
	}))
	bar.done()
	if err != nil {
		return failed(ctx, file, err)
	}
	awaitServers(ctx, db, stderr)
	fmt.Fprintf(stdout, "imported %s: %s in %.1fs\n", file, res, time.Since(start).Seconds())
	return nil
}

// importDisqus imports a Disqus comments export in two passes over the file: the first
// reads it whole (disqus.Check) and writes nothing; the second writes every comment in
// one transaction (sqlite.DisqusImport), so that an error, Ctrl-C or a file cut short
// leaves the site as it was.
func importDisqus(ctx context.Context, file, dbPath string, stdout, stderr io.Writer) error {
	f, size, err := openImportFile(file)
	if err != nil {
		return err
	}
	defer f.Close()
	start := time.Now()
	bar := newProgress(stderr, "checking", size)
	idx, err := disqus.Check(ctx, &progressReader{r: f, p: bar}, disqus.Limits{})
	bar.done()
	if err != nil {
		return failed(ctx, file, err)
	}
	fmt.Fprintf(stderr, "checked %s: %d threads, %d posts in %.1fs; importing\n", file, idx.Threads,
		idx.Posts[disqus.StateVisible]+idx.Posts[disqus.StateDeleted]+idx.Posts[disqus.StateSpam], time.Since(start).Seconds())
	db, _, err := openForImport(ctx, dbPath, f, file)
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.BeginDisqus(ctx)
	if err != nil {
		return failed(ctx, file, err)
	}
	bar = newProgress(stderr, "importing", size)
	rep, err := disqus.Import(ctx, tx, &progressReader{r: f, p: bar}, idx, disqus.Limits{})
	bar.done()
	if err != nil {
		tx.Rollback()
		return failed(ctx, file, err)
	}
	if err := tx.Commit(ctx, rep.Articles); err != nil {
		return failed(ctx, file, err)
	}
	awaitServers(ctx, db, stderr)
	rep.Write(stdout)
	fmt.Fprintf(stdout, "imported %s: %d comments added in %.1fs\n", file, rep.AddedTotal(), time.Since(start).Seconds())
	return nil
}

// failed says why an import of file stopped, and that nothing was imported.
func failed(ctx context.Context, file string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s: interrupted; nothing was imported", file)
	}
	return fmt.Errorf("%s: %w (nothing was imported)", file, err)
}

// openForImport opens the database at dbPath once the check has passed, so that a
// file refused by the check leaves no new database, rewinds f (named file) for the
// second pass, and returns the embed hosts the site allows: bodies are rendered with
// them as the editor renders them, so an iframe the site's settings allow is kept, as
// it would be on a save. Its errors end in "(nothing was imported)"; on an error the
// database is closed.
func openForImport(ctx context.Context, dbPath string, f io.Seeker, file string) (*sqlite.DB, []string, error) {
	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		return nil, nil, fmt.Errorf("%w (nothing was imported)", err)
	}
	hosts, err := func() ([]string, error) {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		stored, err := db.Settings(ctx)
		if err != nil {
			return nil, err
		}
		return news.ParseEmbedHosts(news.Setting(stored, news.SettingEmbedHosts))
	}()
	if err != nil {
		db.Close()
		return nil, nil, failed(ctx, file, err)
	}
	return db, hosts, nil
}

// progress draws a bar on stderr when it is a terminal, and nothing otherwise (a log
// file or a pipe wants only the summary lines).
// Its methods may be called from several goroutines (the WXR import's reader ahead of
// its writer): a bar that is done draws nothing more.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	label string
	total int64
	on    bool
	last  int
}

func newProgress(w io.Writer, label string, total int64) *progress {
	p := &progress{w: w, label: label, total: total, last: -1}
	if f, ok := w.(*os.File); ok && total > 0 {
		if info, err := f.Stat(); err == nil && info.Mode()&os.ModeCharDevice != 0 {
			p.on = true
		}
	}
	return p
}

func (p *progress) update(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.on {
		return
	}
	pct := int(min(n, p.total) * 100 / p.total)
	if pct == p.last {
		return
	}
	p.last = pct
	const width = 40
	filled := pct * width / 100
	fmt.Fprintf(p.w, "\r%-9s [%s%s] %3d%%", p.label, strings.Repeat("=", filled), strings.Repeat(" ", width-filled), pct)
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.on && p.last >= 0 {
		fmt.Fprint(p.w, "\r\033[K")
	}
	p.on = false
}

// progressReader reports the bytes read to a progress bar.
type progressReader struct {
	r io.Reader
	p *progress
	n int64
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	p.p.update(p.n)
	return n, err
}
