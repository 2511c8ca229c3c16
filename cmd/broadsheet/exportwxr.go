package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"broadsheet/internal/sqlite"
	"broadsheet/internal/wxr"
)

// exportWXR writes the site as a WordPress export (wxr.Export) to out, or to stdout
// when out is "" or "-". A file is written under a temporary name beside it (0600: it
// holds commenters' and authors' email addresses) and renamed when complete.
func exportWXR(ctx context.Context, dbPath, out, baseURL string, stdout, stderr io.Writer) error {
	if baseURL == "" {
		return fmt.Errorf("export wxr needs the site's public address for its links and media URLs: --base-url https://news.example.org (or BROADSHEET_BASE_URL)")
	}
	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	opt := wxr.ExportOptions{BaseURL: baseURL}
	if out == "" || out == "-" {
		c, err := wxr.Export(ctx, db, stdout, opt)
		if err != nil {
			return fmt.Errorf("export wxr: %w", err)
		}
		fmt.Fprintf(stderr, "exported %s in %.1fs\n", wxrCounts(c), time.Since(start).Seconds())
		return nil
	}
	var c wxr.Counts
	if err := writeFileWhole(out, func(w io.Writer) (err error) {
		c, err = wxr.Export(ctx, db, w, opt)
		return err
	}); err != nil {
		return fmt.Errorf("export wxr: %w", err)
	}
	fmt.Fprintf(stdout, "exported %s to %s in %.1fs\n", wxrCounts(c), out, time.Since(start).Seconds())
	fmt.Fprintln(stderr, "the file holds authors' and commenters' email addresses, as WordPress's own export does: keep it as personal data")
	return nil
}

// wxrCounts says what a WXR file holds, by kind.
func wxrCounts(c wxr.Counts) string {
	m := map[string]int{"author": c.Authors, "category": c.Categories, "tag": c.Tags}
	for ts, n := range c.Items {
		m[ts.Type+" ("+ts.Status+")"] += n
	}
	for s, n := range c.Comments {
		m["comment ("+s.String()+")"] += n
	}
	return counts(m)
}
