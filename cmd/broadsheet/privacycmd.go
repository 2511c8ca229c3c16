package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"broadsheet/internal/news"
	"broadsheet/internal/site"
	"broadsheet/internal/sqlite"
)

const privacyUse = `usage: broadsheet privacy export --email E [-o FILE] [--base-url URL] | erase --email E | purge`

// privacyCmd answers a commenter's requests under the GDPR from the shell: export
// (everything stored about an email address, as JSON), erase (all of it, in one
// transaction), and purge (the retention's run, as the server does it every minute).
func privacyCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("privacy", stderr)
	dbPath := fs.String("db", "broadsheet.db", "SQLite database file")
	email := fs.String("email", "", "with export and erase: the commenter's email address")
	out := fs.String("o", "", "with export: write the JSON to this file (default: standard output)")
	baseURL := fs.String("base-url", "", "with export: the site's public address, to give articles' full addresses")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return errors.New(privacyUse)
	}
	action := rest[0]
	switch action {
	case "export", "erase":
		if news.NormalEmail(*email) == "" {
			return fmt.Errorf("%s needs --email; %s", action, privacyUse)
		}
	case "purge":
		if *email != "" {
			return fmt.Errorf("purge applies the retention to every comment and takes no --email; %s", privacyUse)
		}
	default:
		return fmt.Errorf("unknown action %q; %s", action, privacyUse)
	}
	db, err := sqlite.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	switch action {
	case "export":
		return exportPersonalData(ctx, db, *email, *baseURL, *out, stdout)
	case "erase":
		e, err := db.ErasePersonalData(ctx, *email)
		if err != nil {
			return err
		}
		awaitServers(ctx, db, stderr)
		fmt.Fprintf(stdout, "erased: %s\n", e)
		return nil
	}
	stored, err := db.Settings(ctx)
	if err != nil {
		return err
	}
	r, err := news.RetentionSettings(stored)
	if err != nil {
		return err
	}
	p, err := news.PurgeExpired(ctx, db, r, db.Now(), 0)
	if err != nil {
		return err
	}
	awaitServers(ctx, db, stderr)
	fmt.Fprintf(stdout, "purged: %s\n", p)
	return nil
}

// exportPersonalData writes the export, with the articles' addresses in the site's
// time zone, as it is read (news.WritePersonalData: one comment in memory at a time); a
// file is written whole or not at all, readable by its owner only. On standard output,
// an error leaves the part written and the exit status says so.
func exportPersonalData(ctx context.Context, db *sqlite.DB, email, baseURL, out string, stdout io.Writer) error {
	stored, err := db.Settings(ctx)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(news.Setting(stored, news.SettingTimezone))
	if err != nil {
		return fmt.Errorf("setting %s: %w", news.SettingTimezone, err)
	}
	url := func(c *news.PersonalComment) {
		c.SetURL(baseURL, func(a *news.Article) string { return site.ArticlePathIn(a, loc) })
	}
	if out == "" {
		_, err = news.WritePersonalData(ctx, db, email, stdout, url)
		return err
	}
	if err := writeFileWhole(out, func(w io.Writer) error {
		_, err := news.WritePersonalData(ctx, db, email, w, url)
		return err
	}); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// purgeBatchesPerRun bounds one run of the retention in the server: 20 batches of
// news.PurgeBatch, each its own short transaction; a larger backlog is worked through
// over the following runs.
const purgeBatchesPerRun = 20

// purgeEvery is how often the server applies the retention.
const purgeEvery = time.Minute

// applyRetention runs the retention once, with the settings as stored now; several
// servers may run it at once (each batch is idempotent). It logs counts only.
func applyRetention(ctx context.Context, db news.Store, srv *site.Server, log *slog.Logger, now time.Time) {
	stored, err := db.Settings(ctx)
	if err == nil {
		var r news.Retention
		if r, err = news.RetentionSettings(stored); err == nil {
			var p news.Purged
			p, err = news.PurgeExpired(ctx, db, r, now, purgeBatchesPerRun)
			if p.Comments > 0 || p.Traces > 0 {
				log.Info("retention applied", "comments_emptied", p.Comments, "placeholders", p.Placeholders, "traces_dropped", p.Traces, "more", p.More)
			}
			if p.Comments > 0 {
				if err := srv.Sync(ctx); err != nil {
					log.Error("apply the retention to the page cache", "err", err)
				}
			}
		}
	}
	if err != nil && ctx.Err() == nil {
		log.Error("apply the retention to comments", "err", err)
	}
}
