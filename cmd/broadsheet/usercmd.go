package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"broadsheet/internal/admin"
	"broadsheet/internal/auth"
	"broadsheet/internal/news"
	"broadsheet/internal/sqlite"
)

// userCmd manages newsroom accounts from the shell. Passwords are read from standard
// input (without echo on a terminal), never from the command line, where other users
// of the machine could see them.
func userCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	const use = "usage: broadsheet user add --email E --name N --role R | reset-password --email E | reset-totp --email E | list"
	fs := newFlagSet("user", stderr)
	dbPath := fs.String("db", "broadsheet.db", "SQLite database file")
	email := fs.String("email", "", "the account's email")
	name := fs.String("name", "", "with add: the person's name")
	role := fs.String("role", "", "with add: contributor, moderator, author, editor or administrator")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return errors.New(use)
	}
	action := rest[0]
	switch {
	case action != "list" && action != "add" && action != "reset-password" && action != "reset-totp":
		return fmt.Errorf("unknown action %q; %s", action, use)
	case len(rest) > 1:
		// The account is named by flags; a stray word is most likely a mistake.
		return fmt.Errorf("%s takes flags only, got %q; %s", action, rest[1:], use)
	}
	db, err := sqlite.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	switch action {
	case "list":
		users, err := db.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tEMAIL\tROLE\tSTATE")
		for _, u := range users {
			state := "active"
			if u.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", u.ID, u.Name, u.Email, u.Role, state)
		}
		return tw.Flush()
	case "add":
		r := news.Role(*role)
		if *email == "" || *name == "" || !r.Valid() {
			return fmt.Errorf("add needs --email, --name and --role (contributor, moderator, author, editor or administrator); %s", use)
		}
		// The name and email are stored as the admin's form stores them: cleaned, in NFC.
		cleanName, cleanEmail, err := admin.CleanAccount(*name, *email)
		if err != nil {
			return fmt.Errorf("add: %w; nothing was created", err)
		}
		if _, removed := news.CleanLine(*name); len(removed) > 0 {
			fmt.Fprintf(stderr, "note: control characters, which no page can show, were removed from the name (%d of them): %q\n", len(removed), cleanName)
		}
		pw, err := readPassword(stdin, stderr, "Password for "+cleanEmail+": ")
		if err != nil {
			return err
		}
		hash, err := auth.HashPassword(pw)
		if err != nil {
			return err
		}
		u := &news.User{Email: cleanEmail, Name: cleanName, Role: r, PasswordHash: hash}
		if err := db.CreateUser(ctx, u); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "user %d: %s <%s>, %s\n", u.ID, u.Name, u.Email, u.Role)
		return nil
	case "reset-password":
		if *email == "" {
			return fmt.Errorf("reset-password needs --email; %s", use)
		}
		u, err := db.UserByEmail(ctx, news.NFC(strings.TrimSpace(*email)))
		if err != nil {
			return err
		}
		pw, err := readPassword(stdin, stderr, "New password for "+u.Email+": ")
		if err != nil {
			return err
		}
		hash, err := auth.HashPassword(pw)
		if err != nil {
			return err
		}
		// A new password ends every session, in the same step: whoever knew the old one
		// is signed out.
		if err := db.SetPassword(ctx, u.ID, hash, ""); err != nil {
			return err
		}
		tellAccount(ctx, db, u, news.AccountPasswordSet, stderr)
		fmt.Fprintf(stdout, "password of %s changed; every session of the account ended\n", u.Email)
		return nil
	case "reset-totp":
		return resetTOTP(ctx, db, *email, stdout, stderr, use)
	}
	return fmt.Errorf("unknown action %q; %s", action, use)
}

// readPassword reads one line: from a terminal without echo, else from the input.
func readPassword(stdin io.Reader, stderr io.Writer, prompt string) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, prompt)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		return string(b), err
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", errors.New("no password on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// resetTOTP turns off the two-step sign-in of the account with the email, for someone
// who lost their phone and their recovery codes (and the administrators' Users screen
// is out of reach, or theirs is the account): the secret, the recovery codes and every
// session of the account go in one step, then the command waits for the running
// servers, as every write from the shell does.
func resetTOTP(ctx context.Context, db *sqlite.DB, email string, stdout, stderr io.Writer, use string) error {
	if email == "" {
		return fmt.Errorf("reset-totp needs --email; %s", use)
	}
	u, err := db.UserByEmail(ctx, news.NFC(strings.TrimSpace(email)))
	if err != nil {
		return err
	}
	wasOn, err := db.ResetTOTP(ctx, u.ID)
	if err != nil {
		return err
	}
	if !wasOn {
		fmt.Fprintf(stdout, "two-step sign-in of %s is off already; nothing was changed\n", u.Email)
		return nil
	}
	tellAccount(ctx, db, u, news.AccountTwoStepReset, stderr)
	awaitServers(ctx, db, stderr)
	fmt.Fprintf(stdout, "two-step sign-in of %s turned off: its recovery codes no longer work, and every session of the account ended; they sign in with their password alone until they set it up again\n", u.Email)
	return nil
}

// tellAccount leaves the account's owner a notice of a change made from the command line
// (news.AccountNoticeStore: shown at their next sign-in), as the admin does for an
// administrator's change; the change is made already, so a notice that cannot be stored
// is only reported.
func tellAccount(ctx context.Context, db *sqlite.DB, u *news.User, kind news.AccountNoticeKind, stderr io.Writer) {
	if err := db.AddAccountNotice(ctx, &news.AccountNotice{UserID: u.ID, Kind: kind}); err != nil {
		fmt.Fprintf(stderr, "the account's owner could not be told of the change: %v\n", err)
	}
}
