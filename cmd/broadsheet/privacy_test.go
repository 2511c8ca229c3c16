package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/jobs"
	"broadsheet/internal/news"
	"broadsheet/internal/sqlite"
)

// rosa is a commenter who asks for her data and then for its erasure.
const (
	rosaName  = "Rosa Quintero-Testa"
	rosaEmail = "rosa.q@example.net"
	rosaUA    = "Mozilla/5.0 (RosaPhone 7; rv:131.0) Gecko/20100101 Firefox/131.0"
	rosaIP1   = "9f86d081884c7d659a2feaa0c55ad015"
	rosaIP2   = "60303ae22b998861bce3b28f33eec1be"
	street    = "14 Lindenweg, 3511 AB Utrecht"
)

type rosaComments struct {
	approved, pending, spam, trash, trash2, reply *news.Comment
	bodies                                        []string
}

// seedRosa stores Rosa's comments in every status on two articles — two in the trash,
// with her street address in them, one written with her address in capitals — and a
// reply by someone else to her approved comment; a block of her email and of one of
// her network addresses, her comment post limit and a failed sign-in with her address.
func seedRosa(t *testing.T, db *sqlite.DB, a, b *news.Article) rosaComments {
	t.Helper()
	ctx := context.Background()
	if err := news.EnsureSecret(ctx, db); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	mk := func(art *news.Article, status news.CommentStatus, email, ip, body string, parent int64) *news.Comment {
		c := &news.Comment{ArticleID: art.ID, ParentID: parent, Status: status, AuthorName: rosaName, AuthorEmail: email,
			AuthorURL: "https://rosa.example.net/", Body: body, BodyHTML: "<p>" + body + "</p>", IPHash: ip, UserAgent: rosaUA,
			CreatedAt: now.Add(-time.Hour)}
		if err := db.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	// Blocked first: a block sends waiting comments to spam.
	if err := db.Block(ctx, news.Block{Kind: "email", Value: "Rosa.Q@example.net"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Block(ctx, news.Block{Kind: "ip", Value: rosaIP2}); err != nil {
		t.Fatal(err)
	}
	var r rosaComments
	r.approved = mk(a, news.CommentApproved, rosaEmail, rosaIP1, "The tram stop by the bakery has been closed for weeks.", 0)
	r.pending = mk(b, news.CommentPending, rosaEmail, rosaIP1, "Waiting for approval: the council never answered my letter.", 0)
	r.spam = mk(b, news.CommentSpam, rosaEmail, rosaIP2, "Marked as spam though it was about the roadworks.", 0)
	r.trash = mk(a, news.CommentTrash, "ROSA.Q@Example.NET", rosaIP2, "Send the forms to me at "+street+", please.", 0)
	r.trash2 = mk(b, news.CommentTrash, rosaEmail, rosaIP1, "Correction: my flat is at "+street+", second floor.", 0)
	r.reply = &news.Comment{ArticleID: a.ID, ParentID: r.approved.ID, Status: news.CommentApproved, AuthorName: "Bob Other",
		AuthorEmail: "bob@example.org", Body: "Agreed, the detour adds ten minutes.", BodyHTML: "<p>Agreed, the detour adds ten minutes.</p>",
		IPHash: "0b0b0b0b0b0b0b0b", UserAgent: "Bob's browser", CreatedAt: now}
	if err := db.CreateComment(ctx, r.reply); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*news.Comment{r.approved, r.pending, r.spam, r.trash, r.trash2} {
		r.bodies = append(r.bodies, c.Body)
	}
	if _, err := db.TakeToken(ctx, news.CommentAddressLimitKey(rosaIP1), 5, time.Minute, time.Now()); err != nil {
		t.Fatal(err)
	}
	stored, _ := db.Settings(ctx)
	s, err := news.ParseSettings(stored)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.TakeAttempt(ctx, news.SignInLimitKey(s.Secret, rosaEmail), 5, 15*time.Minute, time.Now()); err != nil {
		t.Fatal(err)
	}
	return r
}

// personalTraces lists, for every table of the schema (found in sqlite_master, so that
// a table added later is scanned too) and every column, the values that contain one of
// the needles, compared without case.
func personalTraces(t *testing.T, path string, needles ...string) []string {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) < 15 {
		t.Fatalf("only %d tables found: %v", len(tables), tables)
	}
	var found []string
	for _, table := range tables {
		cols, err := raw.Query(`SELECT name FROM pragma_table_info(?)`, table)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for cols.Next() {
			var n string
			cols.Scan(&n)
			names = append(names, n)
		}
		cols.Close()
		for _, col := range names {
			vals, err := raw.Query(fmt.Sprintf(`SELECT CAST(%q AS TEXT) FROM %q`, col, table))
			if err != nil {
				t.Fatal(err)
			}
			for vals.Next() {
				var v sql.NullString
				vals.Scan(&v)
				for _, n := range needles {
					if v.Valid && strings.Contains(strings.ToLower(v.String), strings.ToLower(n)) {
						found = append(found, fmt.Sprintf("%s.%s holds %q", table, col, n))
					}
				}
			}
			vals.Close()
		}
	}
	return found
}

// The case: a commenter's export holds everything stored about her address; her
// erasure leaves it in no table, the reply to her comment stays in its place under
// "Comment removed.", and the running server's pages no longer show her words.
func TestPrivacyExportThenEraseACommenter(t *testing.T) {
	dbPath, db := importedCorpus(t)
	ctx := context.Background()
	a, err := db.ArticleBySlug(ctx, firstSlug)
	if err != nil {
		t.Fatal(err)
	}
	list, _ := db.Articles(ctx, news.ArticleQuery{Status: news.StatusPublished, Limit: 2})
	b := list[0]
	if b.ID == a.ID {
		b = list[1]
	}
	// A webhook told of comments keeps each payload for its retries: copies of her name
	// and words (the receiver's address is refused; the payloads are kept first).
	hook := &news.Webhook{URL: "http://127.0.0.1:1/hook", Events: []string{news.EventCommentPosted}, Secret: news.NewWebhookSecret(), Enabled: true}
	if err := db.CreateWebhook(ctx, hook); err != nil {
		t.Fatal(err)
	}
	r := seedRosa(t, db, a, b)
	if _, err := jobs.NewWebhooks(db, jobs.Config{Logger: slog.New(slog.DiscardHandler)}).RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	_, base := startServer(t, "--db", dbPath)
	page := base + "/" + a.PublishedAt.Format("2006/01/02") + "/" + a.Slug + "/"
	if body := get(t, page); !strings.Contains(body, r.approved.Body) {
		t.Fatal("her approved comment is not on the page to begin with")
	}
	before := personalTraces(t, dbPath, rosaEmail, rosaName, street, rosaIP1, rosaIP2, rosaUA)
	if !strings.Contains(strings.Join(before, "\n"), "webhook_deliveries.payload") {
		t.Fatalf("no webhook payload holds her words before the erasure: %q", before)
	}
	if len(before) == 0 {
		t.Fatal("the scan finds nothing before the erasure: it proves nothing after it")
	}

	// The export: to a file, the address typed in another case, flags after the action.
	out := filepath.Join(t.TempDir(), "rosa.json")
	if _, stderr, err := runCmd(t, "privacy", "export", "--email", " ROSA.Q@EXAMPLE.NET ", "-o", out, "--db", dbPath, "--base-url", "https://news.example.org"); err != nil {
		t.Fatalf("export: %v %s", err, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o600 {
		t.Errorf("the export file's mode is %v: personal data, readable by its owner only", fi.Mode().Perm())
	}
	var p news.PersonalData
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatalf("export is not JSON: %v", err)
	}
	if p.Format != news.PersonalDataFormat || p.Version != 1 || p.Email != rosaEmail {
		t.Errorf("export header: %q %d %q", p.Format, p.Version, p.Email)
	}
	want := map[int64]*news.Comment{}
	for _, c := range []*news.Comment{r.approved, r.pending, r.spam, r.trash, r.trash2} {
		want[c.ID] = c
	}
	if len(p.Comments) != len(want) {
		t.Errorf("export holds %d comments, want %d (every status)", len(p.Comments), len(want))
	}
	for _, c := range p.Comments {
		w := want[c.ID]
		if w == nil {
			t.Errorf("export holds comment %d, not hers", c.ID)
			continue
		}
		if c.Body != w.Body || c.Status != w.Status || c.AuthorName != rosaName || c.AuthorURL != w.AuthorURL ||
			c.IPHash != w.IPHash || c.UserAgent != rosaUA || !c.CreatedAt.Equal(w.CreatedAt) || c.AuthorEmail != w.AuthorEmail {
			t.Errorf("exported comment %d: %+v, stored %+v", c.ID, c, w)
		}
		art := a
		if w.ArticleID == b.ID {
			art = b
		}
		if c.Article.ID != art.ID || c.Article.Title != art.Title ||
			c.Article.URL != "https://news.example.org/"+art.PublishedAt.Format("2006/01/02")+"/"+art.Slug+"/" {
			t.Errorf("exported comment %d's article: %+v", c.ID, c.Article)
		}
	}
	if !strings.Contains(string(data), street) {
		t.Error("the export lacks the street address in her trashed comments")
	}
	if len(p.Blocks) != 2 || p.RateLimits.CommentBuckets != 1 || p.RateLimits.SignInAttempts != 1 {
		t.Errorf("export: blocks %v, limits %+v; want both blocks, her comment bucket and her sign-in attempt", p.Blocks, p.RateLimits)
	}
	if p.NewsroomAccount != nil {
		t.Errorf("export names a newsroom account: %+v", p.NewsroomAccount)
	}
	// To standard output, flags before the action.
	if stdout, _, err := runCmd(t, "privacy", "--db", dbPath, "--email", rosaEmail, "export"); err != nil || !strings.Contains(stdout, street) {
		t.Errorf("export to stdout: %v", err)
	}

	stdout, stderr, err := runCmd(t, "privacy", "erase", "--email", "Rosa.Q@Example.net", "--db", dbPath)
	if err != nil {
		t.Fatalf("erase: %v %s", err, stderr)
	}
	for _, w := range []string{"5 comments erased", "1 left as", "2 blocks lifted", "2 rate-limit entries deleted"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("erase says %q, want %q in it", stdout, w)
		}
	}
	if found := personalTraces(t, dbPath, rosaEmail, rosaName, street, rosaIP1, rosaIP2, rosaUA, "rosa.example.net",
		r.bodies[0], r.bodies[1], r.bodies[2]); len(found) > 0 {
		t.Errorf("after the erasure:\n%s", strings.Join(found, "\n"))
	}
	// The reply stays, in its place, under the placeholder.
	reply, err := db.Comment(ctx, r.reply.ID)
	if err != nil || reply.Body != r.reply.Body || reply.ParentID != r.approved.ID {
		t.Fatalf("the reply after the erasure: %+v, %v", reply, err)
	}
	body := get(t, page)
	for _, gone := range append(r.bodies, rosaName) {
		if strings.Contains(body, gone) {
			t.Errorf("the page still shows %q", gone)
		}
	}
	placeholder := regexp.MustCompile(`(?s)<li id="comment-` + fmt.Sprint(r.approved.ID) + `" class="comment removed">.*?Comment removed\.</p>.*?<ol class="children">\s*<li id="comment-` + fmt.Sprint(r.reply.ID) + `"`)
	if !placeholder.MatchString(body) {
		t.Error("the reply is not under a \"Comment removed.\" placeholder where her comment was")
	}
	if !strings.Contains(body, r.reply.Body) {
		t.Error("the reply is gone from the page")
	}
	for _, feed := range []string{"/feed.xml", "/atom.xml", "/feed.json"} {
		if f := get(t, base+feed); strings.Contains(f, rosaName) || strings.Contains(f, street) {
			t.Errorf("%s shows her", feed)
		}
	}
	// Again: nothing more to erase.
	if stdout, _, err := runCmd(t, "privacy", "erase", "--email", rosaEmail, "--db", dbPath); err != nil || !strings.Contains(stdout, "0 comments erased") {
		t.Errorf("a second erasure: %q %v", stdout, err)
	}
}

func TestPrivacyCommandRefusesBadRequests(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "site.db")
	for _, args := range [][]string{
		{"privacy"}, {"privacy", "export"}, {"privacy", "erase", "--email", "  "}, {"privacy", "forget", "--email", "a@b.c"},
		{"privacy", "purge", "--email", "a@b.c"}, {"privacy", "export", "erase", "--email", "a@b.c"},
	} {
		if _, _, err := runCmd(t, append(args, "--db", dbPath)...); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}

// The retention: trash and spam older than the setting are deleted (a comment with a
// reply left as a placeholder), newer ones and those trashed lately kept; IP hashes and
// user agents dropped after theirs; 0 turns each off.
func TestPrivacyPurgeAppliesTheRetention(t *testing.T) {
	dbPath, db := importedCorpus(t)
	ctx := context.Background()
	a, err := db.ArticleBySlug(ctx, firstSlug)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	mk := func(status news.CommentStatus, age time.Duration, parent int64) *news.Comment {
		c := &news.Comment{ArticleID: a.ID, ParentID: parent, Status: status, AuthorName: "Old Reader", AuthorEmail: "old@example.net",
			Body: fmt.Sprintf("A %s comment %v old", status, age), BodyHTML: "<p>text</p>", IPHash: "feedfacefeedface", UserAgent: "Old Browser",
			CreatedAt: now.Add(-age)}
		if err := db.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	const day = 24 * time.Hour
	oldTrash, oldSpam := mk(news.CommentTrash, 40*day, 0), mk(news.CommentSpam, 31*day, 0)
	newTrash, newSpam := mk(news.CommentTrash, 29*day, 0), mk(news.CommentSpam, 2*day, 0)
	trashedToday := mk(news.CommentApproved, 90*day, 0)
	if err := db.SetCommentStatus(ctx, trashedToday.ID, news.CommentTrash); err != nil {
		t.Fatal(err)
	}
	withReply := mk(news.CommentApproved, 60*day, 0)
	reply := mk(news.CommentApproved, 59*day, withReply.ID)
	if err := db.SetCommentStatus(ctx, withReply.ID, news.CommentSpam); err != nil {
		t.Fatal(err)
	}
	// Trashed 35 days ago (a file from before the retention, moved by hand).
	raw, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE comments SET status_at = ? WHERE id = ?`, now.Add(-35*day).Unix(), withReply.ID); err != nil {
		t.Fatal(err)
	}
	recent := mk(news.CommentApproved, 3*day, 0)

	if _, _, err := runCmd(t, "settings", "set", "empty_trash_days", "0", "comment_ip_days", "0", "--db", dbPath); err != nil {
		t.Fatal(err)
	}
	if stdout, _, err := runCmd(t, "privacy", "purge", "--db", dbPath); err != nil || !strings.Contains(stdout, "0 comments emptied") {
		t.Fatalf("purge with the retention off: %q %v", stdout, err)
	}
	if _, err := db.Comment(ctx, oldTrash.ID); err != nil {
		t.Fatal("a retention of 0 deleted a comment")
	}
	if _, _, err := runCmd(t, "settings", "set", "empty_trash_days", "30", "comment_ip_days", "30", "--db", dbPath); err != nil {
		t.Fatal(err)
	}
	stdout, _, err := runCmd(t, "privacy", "purge", "--db", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "3 comments emptied") || !strings.Contains(stdout, "1 left as") {
		t.Errorf("purge says %q", stdout)
	}
	for _, c := range []*news.Comment{oldTrash, oldSpam} {
		if _, err := db.Comment(ctx, c.ID); err == nil {
			t.Errorf("%q is still stored", c.Body)
		}
	}
	for _, c := range []*news.Comment{newTrash, newSpam, trashedToday, reply, recent} {
		if got, err := db.Comment(ctx, c.ID); err != nil || got.Body != c.Body {
			t.Errorf("%q was deleted: %v", c.Body, err)
		}
	}
	if got, err := db.Comment(ctx, withReply.ID); err != nil || !got.Removed || got.Body != "" || got.AuthorEmail != "" {
		t.Errorf("the old spam with a reply: %+v %v, want a placeholder", got, err)
	}
	for _, c := range []*news.Comment{trashedToday, reply} {
		if got, _ := db.Comment(ctx, c.ID); got.IPHash != "" || got.UserAgent != "" {
			t.Errorf("%q keeps its IP hash and user agent past 30 days", c.Body)
		}
	}
	for _, c := range []*news.Comment{recent, newTrash} {
		if got, _ := db.Comment(ctx, c.ID); got.IPHash == "" || got.UserAgent == "" {
			t.Errorf("%q lost its IP hash and user agent within 30 days", c.Body)
		}
	}
	if stdout, _, _ := runCmd(t, "privacy", "purge", "--db", dbPath); !strings.Contains(stdout, "0 comments emptied") || !strings.Contains(stdout, "from 0 comments") {
		t.Errorf("a second purge: %q, want nothing done", stdout)
	}
	if _, _, err := runCmd(t, "settings", "set", "empty_trash_days", "-1", "--db", dbPath); err == nil {
		t.Error("a negative number of days was accepted")
	}
}

// The server applies the retention by itself, from its start.
func TestServerAppliesTheRetention(t *testing.T) {
	dbPath, db := importedCorpus(t)
	ctx := context.Background()
	a, _ := db.ArticleBySlug(ctx, firstSlug)
	old := &news.Comment{ArticleID: a.ID, Status: news.CommentSpam, AuthorName: "Spammer", AuthorEmail: "spam@example.net",
		Body: "Buy now", BodyHTML: "<p>Buy now</p>", IPHash: "abcdefabcdef", CreatedAt: time.Now().AddDate(0, 0, -45)}
	if err := db.CreateComment(ctx, old); err != nil {
		t.Fatal(err)
	}
	startServer(t, "--db", dbPath)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, err := db.Comment(ctx, old.ID); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the server kept spam 45 days old")
		}
	}
}

// An imported commenter, once erased, does not come back when the same file is imported
// again: what is left of an imported comment is a bare, hidden row the import skips.
func TestErasedImportedCommenterStaysErased(t *testing.T) {
	dbPath, db := importedCorpus(t)
	ctx := context.Background()
	cs, err := db.Comments(ctx, news.CommentQuery{Status: news.CommentApproved, Limit: 1})
	if err != nil || len(cs) == 0 || cs[0].AuthorEmail == "" {
		t.Fatalf("no imported comment with an email: %v", err)
	}
	who := cs[0]
	if stdout, _, err := runCmd(t, "privacy", "erase", "--email", who.AuthorEmail, "--db", dbPath); err != nil || strings.Contains(stdout, " 0 comments erased") {
		t.Fatalf("erase: %q %v", stdout, err)
	}
	stdout, _, err := runCmd(t, "import", "corpus", "testdata/corpus-40.jsonl", "--db", dbPath)
	if err != nil || !strings.Contains(stdout, "0 articles, 0 comments") {
		t.Errorf("import again: %q %v, want nothing added", stdout, err)
	}
	if p, err := db.PersonalData(ctx, who.AuthorEmail); err != nil || len(p.Comments) != 0 {
		t.Errorf("after importing again, %d comments of the erased commenter (%v)", len(p.Comments), err)
	}
	if found := personalTraces(t, dbPath, who.AuthorEmail, who.Body); len(found) > 0 {
		t.Errorf("after importing again:\n%s", strings.Join(found, "\n"))
	}
}

// The export file is new and the owner's alone whatever lies beside it: a file named
// OUT.tmp left readable by others, or a link from that name to a file another user
// reads, was written through (os.WriteFile keeps an existing file's mode).
func TestPrivacyExportFileIsNeverWrittenThrough(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "site.db")
	db := openDB(t, dbPath)
	ctx := context.Background()
	a := &news.Article{Slug: "s", Title: "S", BodyHTML: "<p>b</p>", Status: news.StatusPublished, PublishedAt: time.Now().Add(-time.Hour)}
	if err := db.CreateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateComment(ctx, &news.Comment{ArticleID: a.ID, Status: news.CommentApproved, AuthorName: "Rosa",
		AuthorEmail: "rosa@example.net", Body: "I live at 12 Quay Street.", BodyHTML: "<p>I live at 12 Quay Street.</p>"}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "rosa.json")
	public := filepath.Join(dir, "public.txt")
	if err := os.WriteFile(public, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(public, out+".tmp"); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := runCmd(t, "privacy", "export", "--email", "rosa@example.net", "-o", out, "--db", dbPath); err != nil {
		t.Fatalf("export: %v %s", err, stderr)
	}
	if data, _ := os.ReadFile(public); strings.Contains(string(data), "Quay Street") {
		t.Error("the export was written through OUT.tmp into a file others may read")
	}
	fi, err := os.Lstat(out)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
		t.Fatalf("export file: %v, %v; want a regular file of mode 0600", fi, err)
	}
	if data, _ := os.ReadFile(out); !strings.Contains(string(data), "Quay Street") {
		t.Error("the export file lacks her comment")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".rosa.json.*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
