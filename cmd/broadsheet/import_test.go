package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// writeCorpus writes an n-article corpus made of testdata/corpus-40.jsonl's articles
// over and over, each with a new id and slug; edit, if not nil, may change a record.
func writeCorpus(t testing.TB, n int, edit func(line int, rec map[string]any)) string {
	t.Helper()
	src, err := os.ReadFile("testdata/corpus-40.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	templates := strings.Split(strings.TrimSpace(string(src)), "\n")
	path := filepath.Join(t.TempDir(), fmt.Sprintf("corpus-%d.jsonl", n))
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for i := 1; i <= n; i++ {
		var rec map[string]any
		if err := json.Unmarshal([]byte(templates[(i-1)%len(templates)]), &rec); err != nil {
			t.Fatal(err)
		}
		rec["id"] = i
		rec["slug"] = fmt.Sprintf("%d-%s", i, rec["slug"]) // in front: a slug is cut at 80 characters
		if edit != nil {
			edit(i, rec)
		}
		line, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(line)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// siteState is what a reader could notice of an import: articles, comments, sections
// and the change log that invalidates cached pages.
func siteState(t *testing.T, dbPath string) string {
	t.Helper()
	db := openDB(t, dbPath)
	defer db.Close()
	ctx := context.Background()
	articles, err := db.CountArticles(ctx, news.ArticleQuery{})
	if err != nil {
		t.Fatal(err)
	}
	comments, _ := db.CountComments(ctx, news.CommentQuery{Status: news.CommentApproved})
	sections, _ := db.Sections(ctx)
	change, _ := db.LastChange(ctx)
	return fmt.Sprintf("%d articles, %d comments, %d sections, last change %d", articles, comments, len(sections), change)
}

// A bad line near the end of a large file is named, and the site is left as it was:
// the first pass finds it before anything is written.
func TestImportBrokenLineLateInALargeFileImportsNothing(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "site.db")
	if _, _, err := runCmd(t, "import", "corpus", "testdata/corpus-40.jsonl", "--db", dbPath); err != nil {
		t.Fatal(err)
	}
	before := siteState(t, dbPath)
	for _, tc := range []struct {
		name string
		edit func(rec map[string]any)
		want string
	}{
		{"bad time", func(rec map[string]any) { rec["published_at"] = "31/12/2024" }, `line 1990: "published_at" "31/12/2024" is not an RFC 3339 time`},
		{"orphan reply", func(rec map[string]any) {
			rec["comments"] = []map[string]any{{"id": 1, "parent": 7, "body": "b", "created_at": "2024-01-01T00:00:00Z"}}
		}, "line 1990: comment 1 replies to 7"},
		{"duplicate id", func(rec map[string]any) { rec["id"] = 12 }, "line 1990: id 12 is already used on line 12"},
		{"control character", func(rec map[string]any) { rec["title"] = "Bell \u0007 rings" }, `line 1990: "title" holds the control character U+0007`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := writeCorpus(t, 2000, func(line int, rec map[string]any) {
				if line == 1990 {
					tc.edit(rec)
				}
			})
			_, stderr, err := runCmd(t, "import", "corpus", file, "--db", dbPath)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "nothing was imported") {
				t.Fatalf("error %v, want %q and that nothing was imported", err, tc.want)
			}
			if strings.Contains(stderr, "importing") {
				t.Errorf("the bad line was found only while writing:\n%s", stderr)
			}
			if after := siteState(t, dbPath); after != before {
				t.Errorf("the site changed: %s, before %s", after, before)
			}
		})
	}
}

// A second import of the same large file adds nothing, and records no change (a
// running server's cached pages stay).
func TestImportSecondRunAddsNothing(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "site.db")
	file := writeCorpus(t, 2000, nil)
	out, _, err := runCmd(t, "import", "corpus", file, "--db", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(\d+) articles, (\d+) comments, `).FindStringSubmatch(out)
	if m == nil || m[1] != "2000" {
		t.Fatalf("first import: %s", out)
	}
	first := siteState(t, dbPath)
	out, _, err = runCmd(t, "import", "corpus", file, "--db", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("0 articles, 0 comments, 0 sections, 0 tags, 0 authors added; 2000 articles and %s comments already there", m[2]); !strings.Contains(out, want) {
		t.Errorf("second import: %s\nwant %s", out, want)
	}
	if second := siteState(t, dbPath); second != first {
		t.Errorf("the second import changed the site: %s, after the first %s", second, first)
	}
}

// The import's memory does not grow with the file: the heap in use at its peak, above
// what it was before, is about the same for 500 articles as for 2,000 (before the
// import was streamed, the file's articles were all held at once, four times as many).
func TestImportMemoryDoesNotGrowWithTheFile(t *testing.T) {
	// A low GC target keeps the heap in use near the live heap, which is what grows
	// when an import holds what it has read.
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	peak := func(n int) uint64 {
		file := writeCorpus(t, n, nil)
		dbPath := filepath.Join(t.TempDir(), "site.db")
		runtime.GC()
		var base, m runtime.MemStats
		runtime.ReadMemStats(&base)
		done := make(chan error, 1)
		go func() { _, _, err := runCmd(t, "import", "corpus", file, "--db", dbPath); done <- err }()
		var top uint64
		for tick := time.NewTicker(5 * time.Millisecond); ; {
			select {
			case err := <-done:
				tick.Stop()
				if err != nil {
					t.Fatal(err)
				}
				return top - min(top, base.HeapInuse)
			case <-tick.C:
				runtime.ReadMemStats(&m)
				top = max(top, m.HeapInuse)
			}
		}
	}
	small, large := peak(500), peak(2000)
	t.Logf("peak heap in use above the start: %.1f MiB for 500 articles, %.1f MiB for 2,000", float64(small)/(1<<20), float64(large)/(1<<20))
	if large > small*3/2+4<<20 {
		t.Errorf("the heap grows with the file: %d bytes at the peak of a 2,000-article import, %d for 500", large, small)
	}
}

// An import killed in the middle of writing leaves the site as it was (the one
// transaction was never committed), and the same import then runs whole.
func TestImportKilledMidwayLeavesTheSiteAsItWas(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "site.db")
	if _, _, err := runCmd(t, "import", "corpus", "testdata/corpus-40.jsonl", "--db", dbPath); err != nil {
		t.Fatal(err)
	}
	before := siteState(t, dbPath)
	file := writeCorpus(t, 2000, nil)
	imp := startChild(t, "import", "corpus", file, "--db", dbPath)
	imp.waitFor(t, regexp.MustCompile(`checked .*; importing`))
	time.Sleep(100 * time.Millisecond) // into the second pass
	imp.cmd.Process.Signal(syscall.SIGKILL)
	<-imp.exited
	// All or nothing: the site as it was, or (if the kill came after the commit) with
	// the whole file; never a part of it.
	switch after := siteState(t, dbPath); {
	case after == before:
		t.Logf("killed before the commit; the site is as it was: %s", after)
	case strings.HasPrefix(after, "2000 articles"):
		t.Logf("the import committed before the kill: %s", after)
	default:
		t.Errorf("an import killed midway left %s; before it: %s", after, before)
	}
	out, _, err := runCmd(t, "import", "corpus", file, "--db", dbPath)
	if err != nil || !strings.HasPrefix(siteState(t, dbPath), "2000 articles") {
		t.Errorf("the import after the kill: %v %s; site %s", err, out, siteState(t, dbPath))
	}
}

// The file is read twice, so it must be a file: a pipe or a directory is refused at
// once (opening a pipe would wait for a writer for ever), and nothing is written.
func TestImportRefusesWhatIsNotAFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "corpus.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(dir, "site.db")
	for _, path := range []string{fifo, dir} {
		_, _, err := runCmd(t, "import", "corpus", path, "--db", dbPath)
		if err == nil || !strings.Contains(err.Error(), "is not a regular file") {
			t.Errorf("import of %s: %v", path, err)
		}
	}
	if _, err := os.Stat(dbPath); err == nil {
		t.Error("a refused import made a database")
	}
}

// A newer copy of a file adds what is new: articles, and comments on stored articles,
// rendered (a second import renders only what it adds).
func TestImportAddsWhatIsNew(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "site.db")
	if _, _, err := runCmd(t, "import", "corpus", writeCorpus(t, 40, nil), "--db", dbPath); err != nil {
		t.Fatal(err)
	}
	newer := writeCorpus(t, 41, func(line int, rec map[string]any) {
		if line == 2 {
			cs, _ := rec["comments"].([]any)
			rec["comments"] = append(cs, map[string]any{"id": 1000, "parent": nil, "author": "Late Reader",
				"body": "Still *relevant* today: https://example.org/follow-up", "created_at": "2024-06-01T00:00:00Z"})
		}
	})
	out, _, err := runCmd(t, "import", "corpus", newer, "--db", dbPath)
	if err != nil || !strings.Contains(out, ": 1 articles, 1 comments,") || !strings.Contains(out, "40 articles and") {
		t.Fatalf("import of the newer file: %v %s", err, out)
	}
	db := openDB(t, dbPath)
	ctx := context.Background()
	var added *news.Article
	for _, a := range mustArticles(t, db) {
		if strings.HasPrefix(a.Slug, "41-") {
			added, _ = db.ArticleBySlug(ctx, a.Slug)
		}
	}
	if added == nil || !strings.Contains(added.BodyHTML, "<p>") {
		t.Fatalf("the new article is missing or not rendered: %+v", added)
	}
	cs, err := db.Comments(ctx, news.CommentQuery{Status: news.CommentApproved, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range cs {
		if c.AuthorName == "Late Reader" {
			found = true
			if !strings.Contains(c.BodyHTML, `href="https://example.org/follow-up"`) {
				t.Errorf("the new comment on a stored article is not rendered: %q", c.BodyHTML)
			}
		}
	}
	if !found {
		t.Error("the new comment on a stored article was not imported")
	}
}

func mustArticles(t *testing.T, db interface {
	Articles(context.Context, news.ArticleQuery) ([]*news.Article, error)
}) []*news.Article {
	t.Helper()
	as, err := db.Articles(context.Background(), news.ArticleQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return as
}

// An import renders bodies with the site's embed hosts, as the editor does: an iframe
// from a host of embed_hosts is kept (Markdown and HTML bodies alike), one from another
// host is not. Before, the import rendered with the built-in providers only and dropped
// every iframe the site had allowed.
func TestImportUsesTheSitesEmbedHosts(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "site.db")
	if _, _, err := runCmd(t, "settings", "set", "embed_hosts", "maps.example.org", "--db", dbPath); err != nil {
		t.Fatal(err)
	}
	iframe := `<iframe src="https://maps.example.org/embed?x=1"></iframe>` + "\n\n" + `<iframe src="https://evil.example/x"></iframe>`
	file := writeCorpus(t, 2, func(line int, rec map[string]any) {
		rec["slug"] = fmt.Sprintf("embed-%d", line)
		if line == 1 {
			rec["body_md"] = "A map.\n\n" + iframe
		} else {
			delete(rec, "body_md")
			rec["body_html"] = "<p>A map.</p>" + iframe
		}
	})
	if _, stderr, err := runCmd(t, "import", "corpus", file, "--db", dbPath); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	db := openDB(t, dbPath)
	for _, slug := range []string{"embed-1", "embed-2"} {
		a, err := db.ArticleBySlug(context.Background(), slug)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(a.BodyHTML, `<iframe src="https://maps.example.org/embed?x=1"`) || strings.Contains(a.BodyHTML, "evil") {
			t.Errorf("%s: %s", slug, a.BodyHTML)
		}
	}
}
