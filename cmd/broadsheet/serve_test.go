package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// A write made from the shell is on the site from the first request that starts after
// the command returns: the command waits until the running server has applied it.
func TestShellWritesShowOnTheFirstRequest(t *testing.T) {
	dbPath, db := importedCorpus(t)
	ctx := context.Background()
	a, err := db.ArticleBySlug(ctx, firstSlug)
	if err != nil {
		t.Fatal(err)
	}
	var pending []*news.Comment
	for i := range 5 {
		c := &news.Comment{ArticleID: a.ID, Status: news.CommentPending, AuthorName: "Waiting Reader", AuthorEmail: "w@example.net",
			Body: fmt.Sprintf("Waiting comment number %d", i), BodyHTML: fmt.Sprintf("<p>Waiting comment number %d</p>", i)}
		if err := db.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		pending = append(pending, c)
	}
	_, base := startServer(t, "--db", dbPath)
	page := base + "/" + a.PublishedAt.Format("2006/01/02") + "/" + a.Slug + "/"
	if body := get(t, page); strings.Contains(body, "Waiting comment") {
		t.Fatal("a pending comment is on the page")
	}
	for _, c := range pending {
		if _, stderr, err := runCmd(t, "comments", "approve", fmt.Sprint(c.ID), "--db", dbPath); err != nil || stderr != "" {
			t.Fatalf("approve: %v %s", err, stderr)
		}
		if body := get(t, page); !strings.Contains(body, c.Body) {
			t.Fatalf("comment %d approved from the shell is not on the first request after the command", c.ID)
		}
	}
	if _, _, err := runCmd(t, "settings", "set", "title", "The Shell Gazette", "--db", dbPath); err != nil {
		t.Fatal(err)
	}
	if body := get(t, base+"/"); !strings.Contains(body, "The Shell Gazette") {
		t.Error("a setting changed from the shell is not on the first request after the command")
	}
}

func get(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// A database that cannot be written is reported when the server starts; readers are
// still served, and a reader's comment comes back with a clear message and every word.
func TestServeSaysWhenTheDatabaseIsReadOnly(t *testing.T) {
	dir, err := os.MkdirTemp("", "broadsheet-readonly-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	dbPath := filepath.Join(dir, "site.db")
	if _, _, err := runCmd(t, "import", "corpus", "testdata/corpus-40.jsonl", "--db", dbPath); err != nil {
		t.Fatal(err)
	}
	db := openDB(t, dbPath)
	if err := news.EnsureSecret(context.Background(), db); err != nil { // as a first start would
		t.Fatal(err)
	}
	db.Close()
	if err := os.Chmod(dbPath, 0o444); err != nil {
		t.Fatal(err)
	}
	// SQLite may make its shared-memory file beside the database; the file itself
	// stays read-only. As root, permissions do not bind: the server runs as nobody.
	os.Chmod(dir, 0o777)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if os.Geteuid() == 0 {
		bin := filepath.Join(dir, "broadsheet.test")
		copyFile(t, os.Args[0], bin)
		cmd = exec.Command(bin, "-test.run=^$")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		cmd.Dir = dir
	}
	cmd.Env = append(os.Environ(), "BROADSHEET_TEST_COMMAND="+strings.Join([]string{"serve", "--addr", "127.0.0.1:0", "--db", dbPath, "--comment-min-time", "1ns"}, "\x1f"))
	c := &child{cmd: cmd, logs: &lockedBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = c.logs, c.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(c.exited) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-c.exited })
	base := "http://" + c.waitFor(t, serving)[1]
	if !strings.Contains(c.logs.String(), "cannot be written") {
		t.Errorf("the server started on a read-only database without saying so:\n%s", c.logs.String())
	}
	front := get(t, base+"/")
	m := regexp.MustCompile(`<a href="(/\d{4}/\d\d/\d\d/[^"]+/)"`).FindStringSubmatch(front)
	if m == nil {
		t.Fatalf("the front page is not served:\n%.500s", front)
	}
	article := get(t, base+m[1])
	tok := regexp.MustCompile(`name="article" value="(\d+)">\s*<input type="hidden" name="parent" value="0">\s*<input type="hidden" name="token" value="([^"]+)"`).FindStringSubmatch(article)
	if tok == nil {
		t.Fatal("no comment form")
	}
	resp, err := http.PostForm(base+"/comments/", url.Values{"article": {tok[1]}, "parent": {"0"}, "token": {tok[2]},
		"author": {"Ada Reader"}, "email": {"ada@readers.example"}, "comment": {"Words I would hate to lose."}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 || !strings.Contains(string(body), "We could not save your comment") || !strings.Contains(string(body), "Words I would hate to lose.") {
		t.Errorf("a comment on a read-only database: %d\n%.300s", resp.StatusCode, body)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o755); err != nil {
		t.Fatal(err)
	}
}

// A client that declares a body on a GET and never sends it holds its connection only
// for the write timeout: behind a full house of them, a reader is served.
func TestStalledBodiesDoNotHoldTheServer(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "site.db")
	_, base := startServer(t, "--db", dbPath, "--max-conns", "4", "--max-conns-per-client", "0", "--write-timeout", "500ms")
	host := strings.TrimPrefix(base, "http://")
	for range 4 {
		c, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "GET /robots.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n")
	}
	client := &http.Client{Timeout: 60 * time.Second} // a bound for the test, not a figure asserted
	resp, err := client.Get(base + "/robots.txt")
	if err != nil {
		t.Fatalf("a reader behind stalled bodies: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("status %d", resp.StatusCode)
	}
}
