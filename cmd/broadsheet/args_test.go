package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"broadsheet/internal/news"
)

// Every subcommand takes its flags before, between or after its arguments; a flag that
// were not read would send the command to ./broadsheet.db, which the test checks is
// never made.
func TestFlagsBeforeAndAfterArguments(t *testing.T) {
	corpusFile, err := filepath.Abs("testdata/corpus-40.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	dbPath := filepath.Join(t.TempDir(), "site.db")
	ctx := context.Background()
	runIn := func(stdin string, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if err := run(ctx, args, strings.NewReader(stdin), &out, &errb); err != nil {
			t.Fatalf("%q: %v\n%s", args, err, errb.String())
		}
		return out.String()
	}

	for _, args := range [][]string{
		{"import", "corpus", corpusFile, "--db", dbPath},
		{"import", "--db", dbPath, "corpus", corpusFile},
		{"import", "corpus", "--db=" + dbPath, corpusFile},
	} {
		runIn("", args...)
	}
	db := openDB(t, dbPath)
	if n, _ := db.CountArticles(ctx, news.ArticleQuery{}); n != 40 {
		t.Fatalf("%d articles after three imports of the same file, want 40", n)
	}

	a, err := db.ArticleBySlug(ctx, firstSlug)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 4 {
		c := &news.Comment{ArticleID: a.ID, Status: news.CommentPending, AuthorName: "Reader", AuthorEmail: "r@example.net", Body: fmt.Sprintf("Waiting comment %d", i)}
		if err := db.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, fmt.Sprint(c.ID))
	}
	for i, tc := range []struct {
		args []string
		want news.CommentStatus
	}{
		{[]string{"comments", "approve", ids[0], "--db", dbPath}, news.CommentApproved},
		{[]string{"comments", "spam", ids[1], "--db", dbPath}, news.CommentSpam},
		{[]string{"comments", "trash", ids[2], "--db", dbPath}, news.CommentTrash},
		{[]string{"comments", "--db", dbPath, "approve", ids[3]}, news.CommentApproved},
	} {
		runIn("", tc.args...)
		var id int64
		fmt.Sscan(ids[i], &id)
		if c, err := db.Comment(ctx, id); err != nil || c.Status != tc.want {
			t.Errorf("%q: comment is %v (%v), want %s", tc.args, c, err, tc.want)
		}
	}
	if out := runIn("", "comments", "list", "--status", "spam", "--db", dbPath); !strings.Contains(out, "Waiting comment 1") || !strings.Contains(out, "1 spam comments") {
		t.Errorf("comments list with flags after the action:\n%s", out)
	}
	if out := runIn("", "comments", "--db", dbPath, "list", "--status=trash"); !strings.Contains(out, "Waiting comment 2") {
		t.Errorf("comments list with flags around the action:\n%s", out)
	}

	runIn("", "settings", "set", "title", "The Evening Post", "--db", dbPath)
	runIn("", "settings", "--db", dbPath, "set", "tagline", "--", "-- news from the bay")
	for _, args := range [][]string{{"settings", "list", "--db", dbPath}, {"settings", "--db", dbPath, "list"}} {
		if out := runIn("", args...); !strings.Contains(out, `title = "The Evening Post"`) || !strings.Contains(out, `tagline = "-- news from the bay"`) {
			t.Errorf("%q:\n%s", args, out)
		}
	}

	runIn("a long enough password\n", "user", "--db", dbPath, "add", "--email", "ed@newsroom.example", "--name", "Ed Itor", "--role", "editor")
	runIn("a long enough password\n", "user", "add", "--email", "au@newsroom.example", "--name", "Au Thor", "--role", "author", "--db", dbPath)
	for _, args := range [][]string{{"user", "list", "--db", dbPath}, {"user", "--db", dbPath, "list"}} {
		if out := runIn("", args...); !strings.Contains(out, "ed@newsroom.example") || !strings.Contains(out, "au@newsroom.example") {
			t.Errorf("%q:\n%s", args, out)
		}
	}
	before, _ := db.UserByEmail(ctx, "ed@newsroom.example")
	runIn("another long password\n", "user", "--email", "ed@newsroom.example", "--db", dbPath, "reset-password")
	if after, _ := db.UserByEmail(ctx, "ed@newsroom.example"); after == nil || after.PasswordHash == before.PasswordHash {
		t.Error("reset-password with flags before the action changed no password")
	}

	if _, err := os.Stat("broadsheet.db"); err == nil {
		t.Error("a command wrote ./broadsheet.db: a --db flag was not read")
	}
}

// An argument that begins with a dash is a flag unless it comes after "--"; an unknown
// one is refused with that advice, and nothing is changed.
func TestArgumentsThatLookLikeFlags(t *testing.T) {
	t.Chdir(t.TempDir()) // where a misread command would make broadsheet.db
	dbPath := filepath.Join(t.TempDir(), "site.db")
	_, _, err := runCmd(t, "settings", "set", "tagline", "-5 degrees and falling", "--db", dbPath)
	if err == nil || !strings.Contains(err.Error(), `"--"`) {
		t.Errorf("a value beginning with a dash, before --: %v", err)
	}
	out, _, _ := runCmd(t, "settings", "list", "--db", dbPath)
	if strings.Contains(out, "degrees") {
		t.Errorf("a refused command changed a setting:\n%s", out)
	}
	if _, _, err := runCmd(t, "settings", "set", "--db", dbPath, "--", "tagline", "-5 degrees and falling"); err != nil {
		t.Fatal(err)
	}
	if out, _, _ := runCmd(t, "settings", "list", "--db", dbPath); !strings.Contains(out, `tagline = "-5 degrees and falling"`) {
		t.Errorf("after --:\n%s", out)
	}
	for _, args := range [][]string{
		{"comments", "approve", "5", "--db"},                    // no value
		{"comments", "approve", "--verbose", "5"},               // no such flag
		{"comments", "list", "extra", "--db", dbPath},           // list takes no argument
		{"user", "list", "ed@newsroom.example", "--db", dbPath}, // nor does user list
		{"settings", "list", "--", "--db", dbPath},              // after --, "--db" is an argument
		{"import", "corpus", "a.jsonl", "b.jsonl", "--db", dbPath},
	} {
		if _, _, err := runCmd(t, args...); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
	if _, _, err := runCmd(t, "comments", "-h"); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("comments -h: %v, want the flag package's help", err)
	}
}

func TestParseArgs(t *testing.T) {
	for _, tc := range []struct {
		args, rest []string
		db         string
		demo       bool
	}{
		{[]string{"a", "--db", "x", "b"}, []string{"a", "b"}, "x", false},
		{[]string{"--demo", "a", "-db=y"}, []string{"a"}, "y", true},        // a boolean flag takes no next argument
		{[]string{"a", "--demo=false", "-"}, []string{"a", "-"}, "", false}, // "-" is an argument (standard input)
		{[]string{"--", "--db", "z"}, []string{"--db", "z"}, "", false},
		{[]string{"a", "--db", "--", "b"}, []string{"a", "b"}, "--", false}, // a flag's value may be "--"
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		db := fs.String("db", "", "")
		demo := fs.Bool("demo", false, "")
		rest, err := parseArgs(fs, tc.args)
		if err != nil || !slices.Equal(rest, tc.rest) || *db != tc.db || *demo != tc.demo {
			t.Errorf("%q: %q db=%q demo=%v %v; want %q db=%q demo=%v", tc.args, rest, *db, *demo, err, tc.rest, tc.db, tc.demo)
		}
	}
}

// The help lists every import the import command takes: the admin's refusal of a
// WordPress export too large for an upload says to run "broadsheet import wxr FILE",
// which the help did not name.
func TestUsageNamesEveryImport(t *testing.T) {
	var out, errOut bytes.Buffer
	run(context.Background(), nil, strings.NewReader(""), &out, &errOut)
	help := out.String() + errOut.String()
	for _, kind := range []string{"corpus", "json", "wxr", "disqus"} {
		if !strings.Contains(help, "import "+kind+" ") {
			t.Errorf("the help names no import %s:\n%s", kind, help)
		}
	}
}
