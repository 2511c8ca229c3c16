package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"broadsheet/internal/backup"
	"broadsheet/internal/sqlite"
)

const exportUse = `usage: broadsheet export json [FILE | -o FILE | -] [--with-secrets] [--with-media] [--media-dir DIR] [--db FILE]
       broadsheet export wxr [FILE | -o FILE | -] --base-url URL [--db FILE]`

// exportCmd writes the site's JSON backup (internal/backup's FORMAT), or with "wxr" a
// WordPress export (internal/wxr's Export), to a file or to standard output ("-" or no
// file). A file is written under a temporary name beside
// it and renamed when complete, so a failed export leaves no half backup behind.
func exportCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("export", stderr)
	dbPath := fs.String("db", "broadsheet.db", "SQLite database file")
	out := fs.String("o", "", "write the backup to this file (\"-\": standard output)")
	withSecrets := fs.Bool("with-secrets", false, "include password hashes, TOTP secrets, recovery codes, webhook secrets and the site's secret")
	withMedia := fs.Bool("with-media", false, "include the media folder's files (otherwise only their references)")
	mediaDir := fs.String("media-dir", "", "directory of uploaded images (default: media beside the database)")
	baseURL := fs.String("base-url", "", "wxr: the site's public address (links, media URLs), e.g. https://news.example.org")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(rest) > 0 && rest[0] == "wxr" && (*withSecrets || *withMedia || *mediaDir != ""):
		return fmt.Errorf("--with-secrets, --with-media and --media-dir are for export json; %s", exportUse)
	case len(rest) > 0 && rest[0] == "wxr":
	case len(rest) == 0 || rest[0] != "json":
		return fmt.Errorf("%s", exportUse)
	case len(rest) > 2 || len(rest) == 2 && *out != "":
		return fmt.Errorf("one file at a time; %s", exportUse)
	}
	if len(rest) == 2 {
		*out = rest[1]
	}
	if _, err := os.Stat(*dbPath); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if rest[0] == "wxr" {
		return exportWXR(ctx, *dbPath, *out, *baseURL, stdout, stderr)
	}
	db, err := sqlite.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	opt := backup.Options{WithSecrets: *withSecrets}
	if opt.Schema, err = db.SchemaVersion(ctx); err != nil {
		return err
	}
	if *withMedia {
		if *mediaDir == "" {
			*mediaDir = filepath.Join(filepath.Dir(*dbPath), "media")
		}
		opt.MediaDir = *mediaDir
	}
	start := time.Now()
	if *out == "" || *out == "-" {
		st, err := backup.Export(ctx, db, stdout, opt)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "exported %s in %.1fs (%d bytes)\n", counts(st.Counts), time.Since(start).Seconds(), st.Bytes)
		return nil
	}
	var st backup.Stats
	if err := writeFileWhole(*out, func(w io.Writer) (err error) {
		st, err = backup.Export(ctx, db, w, opt)
		return err
	}); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(stdout, "exported %s to %s in %.1fs (%d bytes)\n", counts(st.Counts), *out, time.Since(start).Seconds(), st.Bytes)
	if !*withSecrets {
		fmt.Fprintln(stderr, "without --with-secrets: accounts will need a password reset link after an import, and webhooks come back turned off, to be added again")
	}
	return nil
}

// importJSON restores a backup into an empty database (see backup.Import).
func importJSON(ctx context.Context, file, dbPath, mediaDir string, stdout, stderr io.Writer) error {
	f, _, err := openImportFile(file)
	if err != nil {
		return err
	}
	f.Close() // backup.Import opens it for each of its passes
	_, statErr := os.Stat(dbPath)
	isNew := os.IsNotExist(statErr)
	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		return fmt.Errorf("%w (nothing was imported)", err)
	}
	defer db.Close()
	if mediaDir == "" {
		mediaDir = filepath.Join(filepath.Dir(dbPath), "media")
	}
	start := time.Now()
	got, err := backup.Import(ctx, db, func() (io.ReadCloser, error) { return os.Open(file) }, mediaDir)
	if err != nil {
		if isNew {
			// A database this command created for a backup it refused holds nothing:
			// leave no empty site behind (as a refused corpus import leaves none).
			db.Close()
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(dbPath + suffix)
			}
		}
		return failed(ctx, file, err)
	}
	awaitServers(ctx, db, stderr)
	fmt.Fprintf(stdout, "imported %s: %s in %.1fs\n", file, counts(got), time.Since(start).Seconds())
	if n := got["user"]; n > 0 {
		if users, err := db.Users(ctx); err == nil {
			for _, u := range users {
				if u.PasswordHash == "" {
					fmt.Fprintf(stderr, "%s <%s> has no password: send a reset link from the admin's users screen, or run broadsheet user reset-password --email %s\n", u.Name, u.Email, u.Email)
				}
			}
		}
	}
	return nil
}

func counts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d %s", m[k], k)
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", ")
}
