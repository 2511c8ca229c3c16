package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"broadsheet/internal/news"
	"broadsheet/internal/sqlite"
)

func commentsCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const use = "usage: broadsheet comments list [--status pending|approved|spam|trash] | approve|spam|trash ID..."
	fs := newFlagSet("comments", stderr)
	dbPath := fs.String("db", "broadsheet.db", "SQLite database file")
	status := fs.String("status", "pending", "with list: which comments to list")
	limit := fs.Int("limit", 50, "with list: how many, newest first")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return errors.New(use)
	}
	action, rest := rest[0], rest[1:]
	var target news.CommentStatus
	switch action {
	case "list":
		if len(rest) > 0 {
			return fmt.Errorf("list takes no arguments, got %q; %s", rest, use)
		}
	case "approve":
		target = news.CommentApproved
	case "spam":
		target = news.CommentSpam
	case "trash":
		target = news.CommentTrash
	default:
		return fmt.Errorf("unknown action %q; %s", action, use)
	}
	if target != "" && len(rest) == 0 {
		return fmt.Errorf("%s needs comment IDs; %s", action, use)
	}
	var ids []int64
	for _, a := range rest {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return fmt.Errorf("%q is not a comment ID", a)
		}
		ids = append(ids, id)
	}
	db, err := sqlite.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if action == "list" {
		st := news.CommentStatus(*status)
		if !st.Valid() {
			return fmt.Errorf("--status %q: want pending, approved, spam or trash", *status)
		}
		cs, err := db.Comments(ctx, news.CommentQuery{Status: st, Limit: *limit})
		if err != nil {
			return err
		}
		// Times in the site's zone with its label, as the admin shows them: a bare
		// "15:04" in UTC reads as the newsroom's local time and is hours off.
		stored, err := db.Settings(ctx)
		if err != nil {
			return err
		}
		loc, err := time.LoadLocation(news.Setting(stored, news.SettingTimezone))
		if err != nil {
			return fmt.Errorf("setting %s: %w", news.SettingTimezone, err)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tARTICLE\tPOSTED\tNAME\tEMAIL\tCOMMENT")
		for _, c := range cs {
			fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\n", c.ID, c.ArticleID, posted(c.CreatedAt, loc),
				c.AuthorName, c.AuthorEmail, oneLine(c.Body, 60))
		}
		tw.Flush()
		fmt.Fprintf(stdout, "%d %s comments\n", len(cs), st)
		return nil
	}
	for _, id := range ids {
		if err := db.SetCommentStatus(ctx, id, target); err != nil {
			awaitServers(ctx, db, stderr) // what was done so far shows too
			return err
		}
		fmt.Fprintf(stdout, "comment %d: %s\n", id, target)
	}
	awaitServers(ctx, db, stderr)
	return nil
}

// posted is a comment's time in loc, with the zone's label: "2026-11-01 01:30 EST".
func posted(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return t.Format("2006-01-02 15:04") + " " + news.ZoneLabel(t)
}

func oneLine(s string, n int) string {
	r := []rune(s)
	for i, c := range r {
		if c == '\n' || c == '\r' || c == '\t' {
			r[i] = ' '
		}
	}
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return string(r)
}
