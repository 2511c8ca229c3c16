package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"broadsheet/internal/news"
	"broadsheet/internal/sqlite"
)

// settingsCmd lists and sets the site's settings until the admin screens exist.
func settingsCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const use = "usage: broadsheet settings list | set KEY VALUE [KEY VALUE...]"
	fs := newFlagSet("settings", stderr)
	dbPath := fs.String("db", "broadsheet.db", "SQLite database file")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return errors.New(use)
	}
	action, rest := rest[0], rest[1:]
	switch {
	case action != "list" && action != "set":
		return fmt.Errorf("unknown action %q; %s", action, use)
	case action == "list" && len(rest) > 0:
		return fmt.Errorf("list takes no arguments, got %q; %s", rest, use)
	case action == "set" && (len(rest) == 0 || len(rest)%2 != 0):
		return fmt.Errorf("set needs pairs of KEY VALUE, got %q; %s", rest, use)
	}
	db, err := sqlite.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	stored, err := db.Settings(ctx)
	if err != nil {
		return err
	}
	switch action {
	case "list":
		for _, s := range news.SettingKeys {
			fmt.Fprintf(stdout, "%s = %q\n    %s\n", s.Key, news.Setting(stored, s.Key), s.Help)
		}
		return nil
	case "set":
		changes := map[string]string{}
		for i := 0; i < len(rest); i += 2 {
			// "\n" typed in a shell argument stands for a new line (social links).
			changes[rest[i]] = strings.ReplaceAll(rest[i+1], `\n`, "\n")
		}
		if err := news.CheckSettings(stored, changes); err != nil {
			return fmt.Errorf("%w (nothing was changed)", err)
		}
		if err := db.SetSettings(ctx, changes); err != nil {
			return err
		}
		awaitServers(ctx, db, stderr)
		fmt.Fprintf(stdout, "%d settings changed; the site shows them\n", len(changes))
		return nil
	}
	return fmt.Errorf("unknown action %q; %s", action, use)
}
