package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
	"broadsheet/internal/sqlite"

	xhtml "golang.org/x/net/html"
)

// disqusEmails are the commenters' addresses in testdata/disqus-export.xml: no page,
// feed or API answer may show them.
var disqusEmails = []string{"never-shown-7f3a@example.invalid", "carl@example.invalid", "spammer@example.invalid"}

// disqusSite is a site whose old WordPress posts were imported (testdata/disqus-wordpress.xml,
// numeric permalinks /archives/ID on old.example.org) and that has two stories of its
// own: "council-passes-budget", and one renamed from "tram-line-plan" to
// "tram-line-approved". It returns the database's path and the three articles.
func disqusSite(t *testing.T) (dbPath string, wp, budget, tram *news.Article) {
	t.Helper()
	dbPath = filepath.Join(t.TempDir(), "site.db")
	if _, _, err := runCmd(t, "import", "wxr", "testdata/disqus-wordpress.xml", "--db", dbPath); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := news.EnsureSecret(ctx, db); err != nil {
		t.Fatal(err)
	}
	wp, err = db.ArticleBySlug(ctx, "harbour-bridge-reopens")
	if err != nil {
		t.Fatal(err)
	}
	mk := func(slug, title string, published time.Time) *news.Article {
		a := &news.Article{Slug: slug, Title: title, Standfirst: "A story of the site's own.", BodyMarkdown: "Body.",
			BodyHTML: "<p>Body.</p>", Status: news.StatusPublished, PublishedAt: published}
		if err := db.CreateArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	budget = mk("council-passes-budget", "Council passes budget", time.Date(2024, 2, 1, 11, 0, 0, 0, time.UTC))
	tram = mk("tram-line-plan", "Tram line plan", time.Date(2024, 3, 2, 7, 0, 0, 0, time.UTC))
	tram.Slug, tram.Title = "tram-line-approved", "Tram line approved"
	if err := db.UpdateArticle(ctx, tram); err != nil {
		t.Fatal(err)
	}
	return dbPath, wp, budget, tram
}

// shownComment is a comment as an article page shows it.
type shownComment struct {
	id    string // "comment-N"
	depth int    // 0 at the top of the thread
	text  string // its content's text; news.CommentRemovedText for a placeholder
	html  string
}

// pageComments reads an article page's comment thread in page order.
func pageComments(t *testing.T, page string) []shownComment {
	t.Helper()
	doc, err := xhtml.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []shownComment
	var walk func(n *xhtml.Node, depth int)
	walk = func(n *xhtml.Node, depth int) {
		if n.Type == xhtml.ElementNode && n.Data == "li" && strings.HasPrefix(attr(n, "id"), "comment-") {
			c := shownComment{id: attr(n, "id"), depth: depth}
			var find func(m *xhtml.Node)
			find = func(m *xhtml.Node) {
				if m.Type == xhtml.ElementNode && m.Data == "li" && m != n {
					return
				}
				if m.Type == xhtml.ElementNode && (strings.Contains(attr(m, "class"), "comment-content") || attr(m, "class") == "comment-removed") && c.html == "" {
					var b strings.Builder
					xhtml.Render(&b, m)
					c.html, c.text = b.String(), strings.Join(strings.Fields(textOf(m)), " ")
					return
				}
				for k := m.FirstChild; k != nil; k = k.NextSibling {
					find(k)
				}
			}
			find(n)
			out = append(out, c)
			depth++
		}
		for k := n.FirstChild; k != nil; k = k.NextSibling {
			walk(k, depth)
		}
	}
	walk(doc, 0)
	return out
}

func attr(n *xhtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *xhtml.Node) string {
	if n.Type == xhtml.TextNode {
		return n.Data
	}
	var b strings.Builder
	for k := n.FirstChild; k != nil; k = k.NextSibling {
		b.WriteString(textOf(k))
	}
	return b.String()
}

// The case: a Disqus export whose threads name the old WordPress addresses of an
// imported post (on another host, with a slash WordPress did not write; its /?p=ID with
// a tracking parameter), a story's
// current address (another host and port, a tracking query) and a renamed story's
// old address gets its comments onto those three stories, threaded as on Disqus (three
// deep, a reply written before its parent in the file), spam and deleted posts out of
// sight, a deleted post that has a reply kept as "Comment removed."; the unmatched
// thread is listed with its address; no commenter's email shows anywhere; a second run
// adds nothing.
func TestImportDisqus(t *testing.T) {
	dbPath, wp, budget, tram := disqusSite(t)
	// A running server has the stories' pages in its cache before the import: the
	// import's change log entry must drop them.
	srv, base := startServer(t, "--db", dbPath)
	for _, u := range []string{"/archives/42", "/" + budget.Slug + "/", "/" + tram.Slug + "/"} {
		if p := get(t, base+u); len(pageComments(t, p)) != 0 {
			t.Fatalf("%s has comments before the import", u)
		}
	}
	out, _, err := runCmd(t, "import", "disqus", "testdata/disqus-export.xml", "--db", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"threads: 6 in the file, 4 matched to an article, 1 with comments matched to none",
		"unmatched: https://www.oldgazette.example/2013/01/05/a-story-that-was-never-moved/ (1 comments)",
		"comments approved: 7 added, 0 already there",
		"comments placeholder: 1 added, 0 already there",
		"comments spam: 1 added, 0 already there",
		"comments trash: 1 added, 0 already there",
		"skipped: 1 posts of threads matched to no article",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	// The WordPress post, reached at its old address.
	resp, err := http.Get(base + "/archives/42")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(b)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, wp.Title) {
		t.Fatalf("/archives/42: %d, not the post", resp.StatusCode)
	}
	got := pageComments(t, page)
	want := []struct {
		depth int
		text  string
	}{
		{0, "Finally! I crossed it this morning. Photos here: photos.example.net/bridge and more to come."},
		{1, "Second level: was the cycle lane kept? Asking for a friend."},
		{2, "Third level: the bus detour ends too. Write <b> to get bold."},
		{0, news.CommentRemovedText},
		{1, "A reply that stays under a deleted comment."},
		{0, "Came here from the short link."}, // a second thread, on WordPress's /?p=42
	}
	if len(got) != len(want) {
		t.Fatalf("the page shows %d comments, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].depth != w.depth || got[i].text != w.text {
			t.Errorf("comment %d: depth %d %q, want depth %d %q", i, got[i].depth, got[i].text, w.depth, w.text)
		}
	}
	// The message's HTML kept what a comment may hold, its link unwrapped from Disqus's
	// redirector and marked as a commenter's; its script is gone.
	if !strings.Contains(got[0].html, `<a href="https://photos.example.net/bridge" rel="nofollow ugc">`) || !strings.Contains(got[0].html, "<b>more</b>") {
		t.Errorf("first comment's HTML: %s", got[0].html)
	}
	if strings.Contains(got[2].html, "script") {
		t.Errorf("third comment's HTML: %s", got[2].html)
	}
	for _, gone := range []string{"alert(", "Cheap watches", "I take back", "Words its writer regretted", "Eve Pier"} {
		if strings.Contains(page, gone) {
			t.Errorf("the page shows %q", gone)
		}
	}
	if !strings.Contains(page, "Guest Reader") || !strings.Contains(page, "Ada Harbour") {
		t.Error("the commenters' names are not shown")
	}
	// The site's own story (its permalink on another host) and the renamed one.
	for _, c := range []struct {
		a    *news.Article
		text string
	}{{budget, "Good to see the library budget kept."}, {tram, "The tram should go to the hospital."}} {
		p := get(t, base+fmt.Sprintf("/%s/", c.a.Slug))
		if cs := pageComments(t, p); len(cs) != 1 || cs[0].text != c.text {
			t.Errorf("%s shows %+v, want %q", c.a.Slug, cs, c.text)
		}
	}
	// No commenter's email in any page, feed or API answer, nor in the server's log.
	for _, u := range []string{"/archives/42", "/", "/feed.xml", "/atom.xml", "/feed.json", "/sitemap.xml",
		fmt.Sprintf("/api/v1/articles/%d/comments", wp.ID), fmt.Sprintf("/api/v1/articles/%d", wp.ID),
		fmt.Sprintf("/wp-json/wp/v2/comments?post=%d", wp.ID), "/wp-json/wp/v2/comments"} {
		resp, err := http.Get(base + u)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, e := range disqusEmails {
			if strings.Contains(string(b), e) || strings.Contains(fmt.Sprint(resp.Header), e) {
				t.Errorf("%s shows %s", u, e)
			}
		}
	}
	api := get(t, base+fmt.Sprintf("/api/v1/articles/%d/comments", wp.ID))
	if !strings.Contains(api, "Ada Harbour") {
		t.Errorf("the API does not list the imported comments: %s", api)
	}
	for _, e := range disqusEmails {
		if strings.Contains(srv.logs.String(), e) {
			t.Errorf("the server's log shows %s", e)
		}
	}

	// A second run adds nothing, and the running server's pages stay as they were.
	before := siteState(t, dbPath)
	out, _, err = runCmd(t, "import", "disqus", "testdata/disqus-export.xml", "--db", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "comments approved: 0 added, 7 already there") || !strings.Contains(out, "0 comments added") {
		t.Errorf("second run:\n%s", out)
	}
	if after := siteState(t, dbPath); after != before {
		t.Errorf("the second run changed the site: %s, then %s", before, after)
	}
}

// The commenters' emails are stored as the comment form stores them (for the
// commenter's export and erasure), and IP addresses not at all.
func TestImportDisqusKeepsEmailsForPrivacyOnly(t *testing.T) {
	dbPath, _, _, _ := disqusSite(t)
	if _, _, err := runCmd(t, "import", "disqus", "testdata/disqus-export.xml", "--db", dbPath); err != nil {
		t.Fatal(err)
	}
	if found := personalTraces(t, dbPath, "198.51.100.23", "203.0.113.9"); len(found) > 0 {
		t.Errorf("IP addresses stored: %v", found)
	}
	out, _, err := runCmd(t, "privacy", "export", "--email", "never-shown-7f3a@example.invalid", "--db", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "I crossed it this morning") {
		t.Errorf("the commenter's export lacks her imported comment:\n%s", out)
	}
}

// A file cut short, and one declaring entities, are refused with their line, and the
// site is left as it was (a file that reads but is no Disqus export too).
func TestImportDisqusRefusesBrokenFilesWhole(t *testing.T) {
	dbPath, _, _, _ := disqusSite(t)
	before := siteState(t, dbPath)
	whole, err := os.ReadFile("testdata/disqus-export.xml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cut := string(whole[:strings.Index(string(whole), `<post dsq:id="3301">`)+40])
	files := map[string]struct {
		doc  string
		line string
	}{
		"cut.xml": {cut, fmt.Sprintf("line %d", strings.Count(cut, "\n")+1)},
		"bomb.xml": {"<?xml version=\"1.0\"?>\n<!DOCTYPE disqus [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>\n" +
			"<disqus xmlns=\"http://disqus.com\"><thread><title>&b;</title></thread></disqus>\n", "line 2"},
		"external.xml": {"<?xml version=\"1.0\"?>\n\n<!DOCTYPE disqus SYSTEM \"http://attacker.example/x.dtd\">\n<disqus xmlns=\"http://disqus.com\"/>\n", "line 3"},
		"wxr.xml":      {"<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel/></rss>\n", "line 2"},
		"huge.xml": {"<?xml version=\"1.0\"?>\n<disqus xmlns=\"http://disqus.com\" xmlns:dsq=\"http://disqus.com/disqus-internals\">\n" +
			"<thread dsq:id=\"1\">\n<title>" + strings.Repeat("x", 70<<10) + "</title></thread></disqus>\n", "line 4"},
	}
	for name, f := range files {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(f.doc), 0o644)
		_, _, err := runCmd(t, "import", "disqus", path, "--db", dbPath)
		if err == nil || !strings.Contains(err.Error(), f.line+":") && !strings.Contains(err.Error(), f.line+",") || !strings.Contains(err.Error(), "nothing was imported") {
			t.Errorf("%s: %v, want an error naming %s", name, err, f.line)
		}
		if after := siteState(t, dbPath); after != before {
			t.Errorf("%s changed the site: %s, then %s", name, before, after)
		}
	}
}

// An error in the second pass (here, the database refusing one post's write, as a
// full disk would) rolls the whole import back: the comments written before it are gone
// too, and the error names the post's line.
func TestImportDisqusRollsBackAWriteError(t *testing.T) {
	dbPath, _, _, _ := disqusSite(t)
	raw, err := sql.Open("sqlite", "file:"+dbPath)
	if err != nil {
		t.Fatal(err)
	}
	_, err = raw.Exec(`CREATE TRIGGER test_refuse_3101 BEFORE INSERT ON comments WHEN NEW.source_id = '3101'
		BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`)
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
	before := siteState(t, dbPath)
	_, _, err = runCmd(t, "import", "disqus", "testdata/disqus-export.xml", "--db", dbPath)
	if err == nil || !regexp.MustCompile(`line \d+: post 3101: .*disk is full`).MatchString(err.Error()) || !strings.Contains(err.Error(), "nothing was imported") {
		t.Fatalf("got %v, want post 3101's line", err)
	}
	if after := siteState(t, dbPath); after != before {
		t.Errorf("the failed import changed the site: %s, then %s", before, after)
	}
}

// Imported trash and spam stay in the trash and spam for the retention's whole time
// (empty_trash_days, counted from the import), however old the comments are: the
// retention's run right after the imports empties none of them, WordPress's or Disqus's.
func TestImportedTrashKeepsItsRetention(t *testing.T) {
	dbPath, _, _, _ := disqusSite(t)
	if _, _, err := runCmd(t, "import", "disqus", "testdata/disqus-export.xml", "--db", dbPath); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, "privacy", "purge", "--db", dbPath); err != nil {
		t.Fatal(err)
	}
	db := openDB(t, dbPath)
	ctx := context.Background()
	for status, want := range map[news.CommentStatus]int{news.CommentTrash: 2, news.CommentSpam: 1} {
		n, err := db.CountComments(ctx, news.CommentQuery{Status: status})
		if err != nil || n != want {
			t.Errorf("%s: %d comments (%v) after the retention's run, want %d", status, n, err, want)
		}
	}
}

// A thread closed on Disqus (<isClosed>true</isClosed>) closes its story's comments, as
// readers saw them closed there: the page says so and has no form, the report counts
// them, and a second import finds them closed already. A closed thread matched to no
// story closes nothing.
func TestImportDisqusClosesClosedThreads(t *testing.T) {
	dbPath, _, budget, tram := disqusSite(t)
	raw, err := os.ReadFile("testdata/disqus-export.xml")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	for _, id := range []string{"2002", "2003", "2004"} { // budget, tram, one matched to no story
		i := strings.Index(doc, `<thread dsq:id="`+id+`">`)
		j := i + strings.Index(doc[i:], "<isClosed>false</isClosed>")
		if i < 0 || j < i {
			t.Fatalf("the export changed: no thread %s to close", id)
		}
		doc = doc[:j] + "<isClosed>true</isClosed>" + doc[j+len("<isClosed>false</isClosed>"):]
	}
	file := filepath.Join(t.TempDir(), "closed.xml")
	if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	_, base := startServer(t, "--db", dbPath)
	if page := get(t, base+"/"+budget.Slug+"/"); !strings.Contains(page, `<form action="/comments/`) {
		t.Fatal("the story has no comment form before the import")
	}
	out, _, err := runCmd(t, "import", "disqus", file, "--db", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if want := "closed threads: 3 in the file; comments closed on 2 stories, 0 closed already"; !strings.Contains(out, want) {
		t.Errorf("report lacks %q:\n%s", want, out)
	}
	for _, a := range []*news.Article{budget, tram} {
		page := get(t, base+"/"+a.Slug+"/")
		if !strings.Contains(page, "Comments are closed.") || strings.Contains(page, `<form action="/comments/`) {
			t.Errorf("%s: comments not closed on its page", a.Slug)
		}
	}
	out, _, err = runCmd(t, "import", "disqus", file, "--db", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if want := "comments closed on 0 stories, 2 closed already"; !strings.Contains(out, want) {
		t.Errorf("second report lacks %q:\n%s", want, out)
	}
	// An editor's form opened before the import (comments open, the version then) is
	// stale after it: its save is the conflict, never a silent reopening of the comments.
	db, err := sqlite.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	budget.Standfirst = "Edited in a form opened before the import."
	if err := db.UpdateArticle(context.Background(), budget); !errors.Is(err, news.ErrStale) {
		t.Errorf("saving a version from before the import: %v, want news.ErrStale", err)
	}
	if a, err := db.Article(context.Background(), budget.ID); err != nil || !a.CommentsClosed {
		t.Errorf("after a save of a form from before the import the story's comments are open (%v)", err)
	}
}

// A commenter's email holding a character no address has (a C1 control, which XML
// allows) is dropped as one no mail could go to, as the comment form would refuse it:
// the first pass passed such a file and the store then refused the comment, ending
// the import.
func TestImportDisqusDropsAnEmailTheSiteRefuses(t *testing.T) {
	dbPath, _, _, _ := disqusSite(t)
	raw, err := os.ReadFile("testdata/disqus-export.xml")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(raw), "<email>carl@example.invalid</email>", "<email>carl\u0085@example.invalid</email>", 1)
	if doc == string(raw) {
		t.Fatal("the export changed: no Carl")
	}
	file := filepath.Join(t.TempDir(), "email.xml")
	if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, "import", "disqus", file, "--db", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if want := "comments approved: 7 added, 0 already there"; !strings.Contains(out, want) {
		t.Errorf("report lacks %q:\n%s", want, out)
	}
	db := openDB(t, dbPath)
	cs, err := db.Comments(context.Background(), news.CommentQuery{Status: news.CommentApproved})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.AuthorName == "Carl Quay" && c.AuthorEmail != "" {
			t.Errorf("Carl's comment keeps the email %q", c.AuthorEmail)
		}
	}
}
