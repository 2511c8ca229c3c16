// Command broadsheet runs a news site. It holds only flag parsing and wiring; the work
// is done by the packages under internal/.
//
//	broadsheet serve [--addr 127.0.0.1:8080] [--db broadsheet.db] [--demo]
//	broadsheet import corpus FILE.jsonl [--db FILE]
//	broadsheet import wxr FILE.xml [--uploads DIR] [--db FILE]
//	broadsheet import disqus FILE.xml [--db FILE]
//	broadsheet export json [FILE|-o FILE] [--with-secrets] [--with-media]
//	broadsheet export wxr [FILE|-o FILE] --base-url URL [--db FILE]
//	broadsheet import json FILE [--db FILE]
//	broadsheet comments list|approve|spam|trash [ID...]
//	broadsheet settings list | set KEY VALUE...
//	broadsheet user add|reset-password|reset-totp|list
//	broadsheet privacy export|erase --email E | purge
//	broadsheet rerender [--db FILE]
//
// Flags may come before or after a command's arguments; "--" ends them. Every flag can
// also be set by an environment variable: --base-url by BROADSHEET_BASE_URL, and so
// on. A flag on the command line wins.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"broadsheet/internal/news"
	"broadsheet/internal/sqlite"
)

const usage = `Usage: broadsheet COMMAND [flags]

Commands:
  serve                           run the site
  import corpus FILE.jsonl        import articles and comments in the shared corpus format
  import wxr FILE.xml [--uploads DIR]
                                  import a WordPress export (WXR); --uploads: a copy of the
                                  site's wp-content/uploads, from which its images are copied
  import disqus FILE.xml          import a Disqus comments export into the articles it matches
  export json [FILE|-o FILE|-] [--with-secrets] [--with-media]
                                  a backup of the whole site (JSON Lines; see README, Backups)
  export wxr [FILE|-o FILE|-] --base-url URL
                                  the site as a WordPress export (WXR 1.2) for WordPress's importer
  import json FILE                restore a backup into a new, empty database
  comments list|approve|spam|trash [ID...]
                                  moderate comments from the shell
  settings list | set KEY VALUE...
                                  the site's title, links, comment policy, ...
  user add --email E --name N --role R | reset-password --email E | reset-totp --email E | list
                                  newsroom accounts (the password is read from stdin)
  privacy export --email E [-o FILE] | erase --email E | purge
                                  a commenter's data: export it, erase it; apply the retention
  rerender                        render again every article whose HTML an older renderer
                                  or other embed hosts made (servers do it in the background)

Run "broadsheet COMMAND -h" for a command's flags. Flags may come before or after the
arguments; "--" ends them (settings set tagline -- "-- news"). Every flag may also be
set by an environment variable: BROADSHEET_ and the flag's name in capitals, dashes as
underscores (BROADSHEET_DB, BROADSHEET_BASE_URL, ...).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "broadsheet:", err)
		}
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, stderr)
	case "import":
		return importCmd(ctx, args[1:], stdout, stderr)
	case "export":
		return exportCmd(ctx, args[1:], stdout, stderr)
	case "comments":
		return commentsCmd(ctx, args[1:], stdout, stderr)
	case "settings":
		return settingsCmd(ctx, args[1:], stdout, stderr)
	case "user":
		return userCmd(ctx, args[1:], stdin, stdout, stderr)
	case "privacy":
		return privacyCmd(ctx, args[1:], stdout, stderr)
	case "rerender":
		return rerenderCmd(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// parseArgs parses a subcommand's arguments, in which flags may come before, between and
// after the others ("comments approve 5 --db site.db" as "comments --db site.db approve
// 5"), and returns the others in their order. "--" ends the flags: what follows it is
// taken as it is, so a value may begin with a dash (settings set tagline -- "-- news").
// Flags not given take their BROADSHEET_* environment variable, as in parseFlags.
//
// A flag's value is the next argument unless the flag is boolean or written
// --name=value, as the flag package reads it. An unknown flag is an error that says
// how to pass an argument beginning with a dash.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			rest = append(rest, a)
			continue
		}
		name := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		name, _, hasValue := strings.Cut(name, "=")
		f := fs.Lookup(name)
		if f == nil {
			if name == "h" || name == "help" {
				return nil, parseFlags(fs, []string{a}) // the flag package's usage and flag.ErrHelp
			}
			return nil, fmt.Errorf("unknown flag %q (an argument that begins with a dash goes after \"--\")", a)
		}
		flags = append(flags, a)
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); hasValue || ok && b.IsBoolFlag() {
			continue
		}
		if i+1 == len(args) {
			return nil, fmt.Errorf("flag %s needs a value", a)
		}
		i++
		flags = append(flags, args[i])
	}
	if err := parseFlags(fs, flags); err != nil {
		return nil, err
	}
	return rest, nil
}

// parseFlags parses args, then gives every flag not on the command line the value of
// its BROADSHEET_* environment variable, if set.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || err != nil {
			return
		}
		env := "BROADSHEET_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(env); ok {
			if e := f.Value.Set(v); e != nil {
				err = fmt.Errorf("%s=%q: %w", env, v, e)
			}
		}
	})
	return err
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// awaitServers returns once every running server (node) has applied the writes this
// command made, so that the first request after the command returns sees them; it waits
// at most a few seconds, and names on stderr a server that lagged (a stopped server
// drops out of the registry by itself).
func awaitServers(ctx context.Context, db *sqlite.DB, stderr io.Writer) {
	last, err := db.LastChange(ctx)
	if err == nil {
		var behind []news.Node
		if behind, err = news.WaitForNodes(ctx, db, last, "", 3*time.Second); err == nil {
			for _, n := range behind {
				fmt.Fprintf(stderr, "warning: the running server %s has not shown the change yet; it will once it catches up with the database\n", n.ID)
			}
			return
		}
	}
	fmt.Fprintf(stderr, "warning: could not tell whether running servers show the change yet: %v\n", err)
}
