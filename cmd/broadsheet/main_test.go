package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"broadsheet/internal/news"
	"broadsheet/internal/sqlite"
)

// TestMain lets a test start this very binary as the broadsheet command in another
// process (see startServer), so that it can be killed like a real server.
func TestMain(m *testing.M) {
	if args := os.Getenv("BROADSHEET_TEST_COMMAND"); args != "" {
		if err := run(context.Background(), strings.Split(args, "\x1f"), os.Stdin, os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "broadsheet:", err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func runCmd(t testing.TB, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), err
}

func openDB(t *testing.T, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// importedCorpus returns a new database with testdata/corpus-40.jsonl imported, and
// the store open on it.
func importedCorpus(t *testing.T) (string, *sqlite.DB) {
	t.Helper()
	dbPath := filepath.Join(t.TempDir(), "site.db")
	if _, _, err := runCmd(t, "import", "corpus", "testdata/corpus-40.jsonl", "--db", dbPath); err != nil {
		t.Fatal(err)
	}
	return dbPath, openDB(t, dbPath)
}

func TestImportCorpusIsIdempotent(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "site.db")
	out, _, err := runCmd(t, "import", "corpus", "testdata/corpus-40.jsonl", "--db", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "40 articles") || !strings.Contains(out, "imported testdata/corpus-40.jsonl") {
		t.Errorf("summary %q", out)
	}
	out, _, err = runCmd(t, "import", "corpus", "--db", dbPath, "testdata/corpus-40.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "0 articles, 0 comments") || !strings.Contains(out, "40 articles and") {
		t.Errorf("second import's summary %q: want nothing added", out)
	}
	db := openDB(t, dbPath)
	ctx := context.Background()
	if n, _ := db.CountArticles(ctx, news.ArticleQuery{}); n != 40 {
		t.Errorf("%d articles after two imports, want 40", n)
	}
	first, err := db.ArticleBySlug(ctx, firstSlug)
	if err != nil {
		t.Fatal(err)
	}
	if first.Author == nil || first.Author.Name != "James Miller" || first.Section.Name != "World" || len(first.Tags) != 3 {
		t.Errorf("article 1: %+v", first)
	}
	if !strings.Contains(first.BodyHTML, "<p>“We continue our painstaking daily work") {
		t.Errorf("article 1's body: %.200s", first.BodyHTML)
	}
}

func TestImportRefusesABrokenFileWhole(t *testing.T) {
	dir := t.TempDir()
	good, _ := os.ReadFile("testdata/corpus-40.jsonl")
	lines := strings.SplitAfter(string(good), "\n")
	for _, tc := range []struct{ name, line, want string }{
		{"not JSON", "{\"id\": 41, \"title\": \n", "line 6: not a JSON record"},
		{"no title", `{"id": 41, "slug": "x", "body_md": "b", "published_at": "2024-01-01T00:00:00Z"}` + "\n", `line 6: "title" is missing`},
		{"bad time", `{"id": 41, "title": "T", "body_md": "b", "published_at": "yesterday"}` + "\n", `line 6: "published_at" "yesterday" is not an RFC 3339 time`},
		{"invalid UTF-8", "{\"id\": 41, \"title\": \"caf\xe9\", \"body_md\": \"b\", \"published_at\": \"2024-01-01T00:00:00Z\"}\n", "line 6: not valid UTF-8"},
		{"orphan reply", `{"id": 41, "title": "T", "body_md": "b", "published_at": "2024-01-01T00:00:00Z", "comments": [{"id": 1, "parent": 7, "author": "a", "body": "b", "created_at": "2024-01-01T00:00:00Z"}]}` + "\n", "line 6: comment 1 replies to 7"},
		{"duplicate id", lines[0], "line 6: id 1 is already used on line 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".jsonl")
			broken := strings.Join(lines[:5], "") + tc.line + strings.Join(lines[5:], "")
			os.WriteFile(file, []byte(broken), 0o644)
			dbPath := filepath.Join(dir, tc.name+".db")
			_, _, err := runCmd(t, "import", "corpus", file, "--db", dbPath)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "nothing was imported") {
				t.Fatalf("error %v, want %q and that nothing was imported", err, tc.want)
			}
			if n, _ := openDB(t, dbPath).CountArticles(context.Background(), news.ArticleQuery{}); n != 0 {
				t.Errorf("%d articles imported from a broken file", n)
			}
		})
	}
	if _, _, err := runCmd(t, "import", "corpus", filepath.Join(dir, "missing.jsonl")); err == nil {
		t.Error("a missing file imported without error")
	}
}

func TestFlagsFromEnvironment(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "env.db")
	t.Setenv("BROADSHEET_DB", dbPath)
	if _, _, err := runCmd(t, "import", "corpus", "testdata/corpus-40.jsonl"); err != nil {
		t.Fatal(err)
	}
	if n, _ := openDB(t, dbPath).CountArticles(context.Background(), news.ArticleQuery{}); n != 40 {
		t.Errorf("BROADSHEET_DB ignored: %d articles in it", n)
	}
	t.Setenv("BROADSHEET_LIMIT", "many")
	if _, _, err := runCmd(t, "comments", "list"); err == nil || !strings.Contains(err.Error(), "BROADSHEET_LIMIT") {
		t.Errorf("a bad environment value: %v", err)
	}
}

func TestCommentsCommand(t *testing.T) {
	dbPath, db := importedCorpus(t)
	ctx := context.Background()
	a, _ := db.ArticleBySlug(ctx, firstSlug)
	c := &news.Comment{ArticleID: a.ID, Status: news.CommentPending, AuthorName: "Waiting Reader", AuthorEmail: "w@example.net", Body: "Please approve me"}
	if err := db.CreateComment(ctx, c); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, "comments", "list", "--db", dbPath)
	if err != nil || !strings.Contains(out, "Waiting Reader") || !strings.Contains(out, "Please approve me") || !strings.Contains(out, "1 pending comments") {
		t.Fatalf("list: %v\n%s", err, out)
	}
	if out, _, err := runCmd(t, "comments", "approve", "--db", dbPath, fmt.Sprint(c.ID)); err != nil || !strings.Contains(out, "approved") {
		t.Fatalf("approve: %v %s", err, out)
	}
	if got, _ := db.Comment(ctx, c.ID); got.Status != news.CommentApproved {
		t.Errorf("status after approve: %s", got.Status)
	}
	for _, args := range [][]string{{"comments", "approve", "--db", dbPath}, {"comments", "spam", "--db", dbPath, "x"},
		{"comments", "approve", "--db", dbPath, "99999"}, {"comments", "frobnicate"}, {"nonsense"}, {}} {
		if _, _, err := runCmd(t, args...); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}

// lockedBuffer collects a child process's output while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}
func (b *lockedBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.buf.String() }

// child is this test binary running a broadsheet command in another process.
type child struct {
	cmd    *exec.Cmd
	logs   *lockedBuffer // stdout and stderr
	exited chan struct{} // closed once the process is gone
}

// startChild runs `broadsheet ARGS...` in a child process; the test's cleanup kills it.
func startChild(t *testing.T, args ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "BROADSHEET_TEST_COMMAND="+strings.Join(args, "\x1f"))
	c := &child{cmd: cmd, logs: &lockedBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = c.logs, c.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(c.exited) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-c.exited })
	return c
}

// waitFor waits until the child's output matches re and returns the match; it fails
// the test if the child exits first or nothing matches within a minute.
func (c *child) waitFor(t *testing.T, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.After(time.Minute)
	for {
		if m := re.FindStringSubmatch(c.logs.String()); m != nil {
			return m
		}
		select {
		case <-c.exited:
			if m := re.FindStringSubmatch(c.logs.String()); m != nil {
				return m
			}
			t.Fatalf("the child exited without printing %s:\n%s", re, lastLines(c.logs.String(), 20))
		case <-deadline:
			t.Fatalf("no %s from the child within a minute:\n%s", re, lastLines(c.logs.String(), 20))
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// lastLines is the end of a long output, for a failure message.
func lastLines(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "")
}

// serving is serve's log line once it listens, with the address it listens on.
var serving = regexp.MustCompile(`msg=serving .*\blisten=(\S+)`)

// startServer runs `broadsheet serve` in a child process on a port the system picks
// (--addr 127.0.0.1:0), and returns once the server has said where it listens. No
// port is chosen here and freed for the child, which another process could take first.
func startServer(t *testing.T, args ...string) (*child, string) {
	t.Helper()
	c := startChild(t, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	return c, "http://" + c.waitFor(t, serving)[1]
}

// A server killed with SIGKILL in the middle of a burst of comment posts loses none of
// the comments it acknowledged.
func TestCrashLosesNoAcknowledgedComment(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "crash.db")
	// Readers at many addresses (a form's token is spent per address, and one second's
	// readers share a token).
	flags := []string{"--db", dbPath, "--demo", "--comment-min-time", "0", "--comment-burst", "1000000", "--trust-proxy"}
	srv, base := startServer(t, flags...)

	page := func(u string) string {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	m := regexp.MustCompile(`<h2 class="lead-title"><a href="([^"]+)"`).FindStringSubmatch(page(base + "/"))
	if m == nil {
		t.Fatal("no lead story on the demo front page")
	}
	article := page(base + m[1])
	articleID := regexp.MustCompile(`name="article" value="(\d+)"`).FindStringSubmatch(article)[1]
	tokenRe := regexp.MustCompile(`name="token" value="([^"]+)"`)

	const want = 150 // acknowledged posts before the kill
	var (
		mu     sync.Mutex
		acked  []string
		sent   atomic.Int64
		wg     sync.WaitGroup
		enough = make(chan struct{}) // closed at the want-th acknowledgement
	)
	noRedirect := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	stop := make(chan struct{})
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body := fmt.Sprintf("crash-test comment %d-%d", w, i)
				// A form posts one comment: each post loads the page for its own.
				resp, err := noRedirect.Get(base + m[1])
				if err != nil {
					return // the server is gone
				}
				form, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				tm := tokenRe.FindSubmatch(form)
				if tm == nil {
					return // cut off mid-page by the kill
				}
				token := string(tm[1])
				req, _ := http.NewRequest("POST", base+"/comments/", strings.NewReader(url.Values{
					"article": {articleID}, "parent": {"0"}, "token": {token}, "author": {"Crash Tester"},
					"email": {fmt.Sprintf("crash%d@example.net", w)}, "comment": {body},
				}.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.18.%d.%d", w, i%250))
				resp, err = noRedirect.Do(req)
				sent.Add(1)
				if err != nil {
					return // the server is gone
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusSeeOther {
					mu.Lock()
					if acked = append(acked, body); len(acked) == want {
						close(enough)
					}
					mu.Unlock()
				} else {
					t.Errorf("post refused: %d", resp.StatusCode)
					return
				}
			}
		}(w)
	}
	// Kill the server mid-burst, once it has acknowledged a good number of posts. If
	// every poster stops first (refused posts, a dead server) or the posts do not come
	// in time, the test fails instead of waiting for ever.
	allStopped := make(chan struct{})
	go func() { wg.Wait(); close(allStopped) }()
	failed := ""
	select {
	case <-enough:
	case <-allStopped:
		failed = fmt.Sprintf("every poster stopped before %d posts were acknowledged", want)
	case <-time.After(2 * time.Minute):
		failed = fmt.Sprintf("fewer than %d posts acknowledged in two minutes", want)
	}
	if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-srv.exited
	close(stop)
	<-allStopped // the posters' requests fail at once now that the server is gone
	if failed != "" {
		t.Fatalf("%s (%d were); the server's last words:\n%s", failed, len(acked), lastLines(srv.logs.String(), 20))
	}
	t.Logf("%d posts sent, %d acknowledged before SIGKILL", sent.Load(), len(acked))

	// Restarted on the same file, the server has every acknowledged comment.
	startServer(t, "--db", dbPath)
	db := openDB(t, dbPath)
	stored, err := db.Comments(context.Background(), news.CommentQuery{Status: news.CommentPending})
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, c := range stored {
		have[c.Body] = true
	}
	for _, body := range acked {
		if !have[body] {
			t.Errorf("acknowledged comment %q lost in the crash", body)
		}
	}
}

// firstSlug is the slug of the corpus's first article, the real wire story.
const firstSlug = "russia-s-ambassador-announced-the-establishment-of-good-contacts-in-the-white-ho"

func TestDemoFillsOnlyAnEmptySite(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, filepath.Join(t.TempDir(), "demo.db"))
	if err := loadDemo(ctx, db, func(string, ...any) {}); err != nil {
		t.Fatal(err)
	}
	n, _ := db.CountArticles(ctx, news.ArticleQuery{})
	comments, _ := db.Comments(ctx, news.CommentQuery{Status: news.CommentApproved})
	settings, _ := db.Settings(ctx)
	if n < 24 || len(comments) < 24 || settings["title"] == "" {
		t.Errorf("demo site: %d articles, %d comments, title %q", n, len(comments), settings["title"])
	}
	if err := loadDemo(ctx, db, func(string, ...any) {}); err != nil {
		t.Fatal(err)
	}
	if n2, _ := db.CountArticles(ctx, news.ArticleQuery{}); n2 != n {
		t.Errorf("a second --demo added articles")
	}
}

func TestSettingsCommand(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "site.db")
	_, _, err := runCmd(t, "settings", "set", "--db", dbPath, "title", "The Evening Post", "social_links", `Mastodon https://m.example/@post\nBluesky https://b.example/post`, "comments_close_days", "14")
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, "settings", "list", "--db", dbPath)
	if err != nil || !strings.Contains(out, `title = "The Evening Post"`) || !strings.Contains(out, `comments_close_days = "14"`) ||
		!strings.Contains(out, `Mastodon https://m.example/@post\nBluesky`) || !strings.Contains(out, `per_page = "10"`) {
		t.Fatalf("list: %v\n%s", err, out)
	}
	for _, bad := range [][]string{{"per_page", "0"}, {"timezone", "Mars/Olympus"}, {"comment_moderation", "sometimes"},
		{"social_links", "Mastodon ftp://x"}, {"colour", "red"}, {"title"}} {
		args := append([]string{"settings", "set", "--db", dbPath}, bad...)
		if _, _, err := runCmd(t, args...); err == nil {
			t.Errorf("settings set %q accepted", bad)
		}
	}
	out, _, _ = runCmd(t, "settings", "list", "--db", dbPath)
	if !strings.Contains(out, `per_page = "10"`) || !strings.Contains(out, `comment_moderation = "first"`) {
		t.Errorf("a refused setting changed something:\n%s", out)
	}
}

func TestUserCommand(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "site.db")
	runWith := func(stdin string, args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
		return out.String(), err
	}
	out, err := runWith("a long enough password\n", "user", "add", "--db", dbPath, "--email", "ed@newsroom.example", "--name", "Ed Itor", "--role", "editor")
	if err != nil || !strings.Contains(out, "Ed Itor <ed@newsroom.example>, editor") {
		t.Fatalf("add: %v %s", err, out)
	}
	db := openDB(t, dbPath)
	u, err := db.UserByEmail(context.Background(), "ed@newsroom.example")
	if err != nil || !strings.HasPrefix(u.PasswordHash, "$argon2id$") || strings.Contains(u.PasswordHash, "enough") {
		t.Fatalf("stored user: %+v %v", u, err)
	}
	for _, bad := range []struct {
		stdin string
		args  []string
	}{
		{"a long enough password\n", []string{"user", "add", "--db", dbPath, "--email", "ed@newsroom.example", "--name", "Twin", "--role", "author"}},
		{"short\n", []string{"user", "add", "--db", dbPath, "--email", "x@newsroom.example", "--name", "X", "--role", "author"}},
		{"", []string{"user", "add", "--db", dbPath, "--email", "y@newsroom.example", "--name", "Y", "--role", "author"}},
		{"a long enough password\n", []string{"user", "add", "--db", dbPath, "--email", "z@newsroom.example", "--name", "Z", "--role", "owner"}},
		{"a long enough password\n", []string{"user", "reset-password", "--db", dbPath, "--email", "nobody@newsroom.example"}},
	} {
		if _, err := runWith(bad.stdin, bad.args...); err == nil {
			t.Errorf("%q with %q accepted", bad.args, bad.stdin)
		}
	}
	if n, _ := db.CountUsers(context.Background()); n != 1 {
		t.Errorf("%d users after refused adds, want 1", n)
	}
	// A reset changes the password and ends every session.
	db.CreateSession(context.Background(), &news.Session{TokenHash: "t", UserID: u.ID, CreatedAt: time.Now(), LastSeen: time.Now(), ExpiresAt: time.Now().Add(time.Hour)})
	if _, err := runWith("another long password\n", "user", "reset-password", "--db", dbPath, "--email", "ED@newsroom.example"); err != nil {
		t.Fatal(err)
	}
	after, _ := db.UserByEmail(context.Background(), "ed@newsroom.example")
	if after.PasswordHash == u.PasswordHash {
		t.Error("the password did not change")
	}
	if ss, _ := db.UserSessions(context.Background(), u.ID, time.Now()); len(ss) != 0 {
		t.Errorf("%d sessions left after a password reset", len(ss))
	}
	if out, err := runWith("", "user", "list", "--db", dbPath); err != nil || !strings.Contains(out, "ed@newsroom.example") || !strings.Contains(out, "editor") {
		t.Errorf("list: %v\n%s", err, out)
	}
}

// On a first start the server prints the one-time setup link; and an article whose
// scheduled time passed while the server was down is live as soon as it is back.
func TestServeStartsWithSetupLinkAndPublishesOverdueArticles(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "site.db")
	db := openDB(t, dbPath)
	body := "<p>Went live while nobody watched.</p>"
	a := &news.Article{Slug: "overdue", Title: "Overdue story", BodyMarkdown: "Went live while nobody watched.", BodyHTML: body,
		Status: news.StatusScheduled, PublishedAt: time.Now().Add(-time.Hour).Truncate(time.Second)}
	if err := db.CreateArticle(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	db.Close()
	srv, base := startServer(t, "--db", dbPath)
	if out := srv.logs.String(); !strings.Contains(out, "Create the first administrator at:") || !strings.Contains(out, base+"/admin/setup?token=") {
		t.Errorf("no setup link printed:\n%s", out)
	}
	url := base + "/" + a.PublishedAt.UTC().Format("2006/01/02") + "/overdue/"
	for i := 0; ; i++ {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 200 {
			break
		}
		if i == 100 {
			t.Fatalf("the overdue article is not live after the restart: %d", resp.StatusCode)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// `comments list` shows each time in the site's zone with its label, as the admin
// does: the second 01:30 of New York's fall-back night is "01:30 EST", not the UTC
// clock 06:30 without a label.
func TestCommentsListTimesInTheSitesZone(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "site.db")
	if _, _, err := runCmd(t, "import", "corpus", "testdata/corpus-40.jsonl", "--db", dbPath); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, "settings", "set", "timezone", "America/New_York", "--db", dbPath); err != nil {
		t.Fatal(err)
	}
	db := openDB(t, dbPath)
	ctx := context.Background()
	a, _ := db.ArticleBySlug(ctx, firstSlug)
	c := &news.Comment{ArticleID: a.ID, Status: news.CommentPending, AuthorName: "Night Owl", AuthorEmail: "o@example.net", Body: "Late",
		CreatedAt: time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC)}
	if err := db.CreateComment(ctx, c); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, "comments", "list", "--db", dbPath)
	if err != nil || !strings.Contains(out, "2026-11-01 01:30 EST") {
		t.Errorf("list: %v\n%s", err, out)
	}
}
