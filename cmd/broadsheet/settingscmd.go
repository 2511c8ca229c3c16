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
	if len(args) == 0 {
		return errors.New(use)
	}
	fs := newFlagSet("settings "+args[0], stderr)
	dbPath := fs.String("db", "broadsheet.db", "SQLite database file")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
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
	switch args[0] {
	case "list":
		for _, s := range news.SettingKeys {
			fmt.Fprintf(stdout, "%s = %q\n    %s\n", s.Key, news.Setting(stored, s.Key), s.Help)
		}
		return nil
	case "set":
		rest := fs.Args()
		if len(rest) == 0 || len(rest)%2 != 0 {
			return errors.New(use)
		}
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
		fmt.Fprintf(stdout, "%d settings changed; a running server applies them within a second\n", len(changes))
		return nil
	}
	return fmt.Errorf("unknown action %q; %s", args[0], use)
}
