package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/auth"
	"broadsheet/internal/news"
	"broadsheet/internal/sqlite"
)

// backupSite is a site with every kind of object a backup carries: a 200-story corpus
// with its comments, accounts with passwords and two-step sign-in, a co-authored story,
// a renamed story (its former slug), a merged tag, a static page in the navigation,
// revisions, a pending comment and a reply, settings and a webhook.
type backupSite struct {
	db                      *sqlite.DB
	renamedFrom, renamedTo  string
	mergedTag, intoTag      string
	hash, totp, hookSecret  string
	tokenHash               string // an admin API token's
	adminEmail, editorEmail string
}

const backupTOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

func makeBackupSite(t *testing.T, dbPath string) *backupSite {
	t.Helper()
	if _, _, err := runCmd(t, "import", "corpus", writeCorpus(t, 200, nil), "--db", dbPath); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db := openDB(t, dbPath)
	s := &backupSite{db: db, adminEmail: "ada@example.org", editorEmail: "ed@example.org", hookSecret: "whsec_0123456789abcdef0123456789abcdef"}
	hash, err := auth.HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	s.hash, s.totp = hash, backupTOTP
	admin := &news.User{Email: s.adminEmail, Name: "Ada Admin", Role: news.RoleAdministrator, PasswordHash: hash}
	editor := &news.User{Email: s.editorEmail, Name: "Ed Editor", Role: news.RoleEditor, PasswordHash: hash}
	for _, u := range []*news.User{admin, editor} {
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetTOTP(ctx, admin.ID, backupTOTP, 0); err != nil {
		t.Fatal(err)
	}
	s.tokenHash = news.APITokenHash(news.APITokenPrefix + strings.Repeat("A", 43))
	if err := db.CreateAPIToken(ctx, &news.APIToken{Name: "Newsletter tool", Role: news.RoleEditor, CreatedBy: admin.ID, Hash: s.tokenHash}); err != nil {
		t.Fatal(err)
	}
	if err := news.EnsureSecret(ctx, db); err != nil { // as a first start does
		t.Fatal(err)
	}
	if err := db.SetSettings(ctx, map[string]string{news.SettingTitle: "The Backup Times"}); err != nil {
		t.Fatal(err)
	}
	stories, err := db.Articles(ctx, news.ArticleQuery{Status: news.StatusPublished, Limit: 10})
	if err != nil || len(stories) < 4 {
		t.Fatalf("stories: %v %d", err, len(stories))
	}
	// A co-authored story, saved by the editor (a revision).
	co, err := db.Article(ctx, stories[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	other, err := db.Article(ctx, stories[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if other.Author == nil || co.Author == nil || other.Author.ID == co.Author.ID {
		other, _ = db.Article(ctx, stories[2].ID)
	}
	co.CoAuthors = []*news.Author{other.Author}
	co.EditedBy = editor.ID
	if err := db.UpdateArticle(ctx, co); err != nil {
		t.Fatal(err)
	}
	// A renamed story: its former slug answers with a redirect.
	ren, err := db.Article(ctx, stories[3].ID)
	if err != nil {
		t.Fatal(err)
	}
	s.renamedFrom, s.renamedTo = ren.Slug, "renamed-"+ren.Slug
	ren.Slug, ren.EditedBy = s.renamedTo, admin.ID
	if err := db.UpdateArticle(ctx, ren); err != nil {
		t.Fatal(err)
	}
	// A merged tag: its slug answers with a redirect to the tag it went into.
	tags, _, err := db.TagList(ctx, news.TagQuery{Limit: 10})
	if err != nil || len(tags) < 2 {
		t.Fatalf("tags: %v %d", err, len(tags))
	}
	s.mergedTag, s.intoTag = tags[0].Tag.Slug, tags[1].Tag.Slug
	if err := db.MergeTag(ctx, tags[0].Tag.ID, tags[1].Tag.ID); err != nil {
		t.Fatal(err)
	}
	// A static page in the navigation.
	now := time.Now().Add(-time.Hour).Truncate(time.Second)
	page := &news.Article{Kind: news.KindPage, Slug: "about-us", Title: "About us", BodyMarkdown: "Who we are.",
		BodyHTML: "<p>Who we are.</p>", Status: news.StatusPublished, PublishedAt: now, CreatedAt: now, NavPosition: 1,
		OwnerID: admin.ID, EditedBy: admin.ID}
	if err := db.CreateArticle(ctx, page); err != nil {
		t.Fatal(err)
	}
	// A pending comment (its email and address hash kept, never shown) and an approved reply.
	top := &news.Comment{ArticleID: co.ID, Status: news.CommentApproved, AuthorName: "Rosa", AuthorEmail: "rosa@example.net",
		Body: "First!", BodyHTML: "<p>First!</p>", IPHash: "iphash-rosa", CreatedAt: now}
	if err := db.CreateComment(ctx, top); err != nil {
		t.Fatal(err)
	}
	reply := &news.Comment{ArticleID: co.ID, ParentID: top.ID, Status: news.CommentApproved, AuthorName: "Sam",
		Body: "Second.", BodyHTML: "<p>Second.</p>", CreatedAt: now.Add(time.Minute)}
	pending := &news.Comment{ArticleID: co.ID, Status: news.CommentPending, AuthorName: "Quinn", AuthorEmail: "quinn@example.net",
		Body: "Hmm", BodyHTML: "<p>Hmm</p>", IPHash: "iphash-quinn", CreatedAt: now.Add(2 * time.Minute)}
	for _, c := range []*news.Comment{reply, pending} {
		if err := db.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.CreateWebhook(ctx, &news.Webhook{URL: "https://hooks.example.net/in", Events: []string{news.WebhookEvents[0]},
		Secret: s.hookSecret, Enabled: true, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	// Every body rendered as the server would render it in the background (the page's
	// HTML above was typed here): otherwise each server's own re-render races the walk.
	if _, _, err := runCmd(t, "rerender", "--db", dbPath); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestBackupRoundTripGivesBackTheSameSite exports a site, imports the backup into an
// empty database, and serves both: every public page a reader can reach from the
// front page, the sitemaps and the feeds, and the old addresses, is the same, byte for
// byte; the newsroom's accounts, roles and revisions are the same; and the file holds no
// password hash or secret.
func TestBackupRoundTripGivesBackTheSameSite(t *testing.T) {
	dir := t.TempDir()
	aPath, bPath, file := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db"), filepath.Join(dir, "site.json")
	s := makeBackupSite(t, aPath)
	if _, _, err := runCmd(t, "export", "json", "-o", file, "--db", aPath); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	settings, _ := s.db.Settings(context.Background())
	for what, secret := range map[string]string{"a password hash": s.hash, "a TOTP secret": s.totp,
		"a webhook secret": s.hookSecret, "the site's secret": settings[news.SettingSecret], "argon2": "$argon2",
		"an API token's hash": s.tokenHash} {
		if secret == "" {
			t.Fatalf("the site has no %s to look for", what)
		}
		if strings.Contains(string(raw), secret) {
			t.Errorf("the backup without --with-secrets holds %s", what)
		}
	}
	out, stderr, err := runCmd(t, "import", "json", "--db", bPath, file)
	if err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{s.adminEmail, s.editorEmail} {
		if !strings.Contains(stderr, "<"+email+"> has no password") {
			t.Errorf("the import does not say that %s needs a reset link:\n%s", email, stderr)
		}
	}
	if !strings.Contains(out, "200") {
		t.Errorf("import's report: %s", out)
	}
	// The newsroom's data.
	ctx := context.Background()
	b := openDB(t, bPath)
	ua, _ := s.db.Users(ctx)
	ub, _ := b.Users(ctx)
	if len(ua) != 2 || len(ub) != len(ua) {
		t.Fatalf("users: %d before, %d after", len(ua), len(ub))
	}
	for i := range ua {
		if ua[i].ID != ub[i].ID || ua[i].Email != ub[i].Email || ua[i].Name != ub[i].Name || ua[i].Role != ub[i].Role {
			t.Errorf("user %d: %+v became %+v", i, ua[i], ub[i])
		}
		if ub[i].PasswordHash != "" || ub[i].TOTPSecret != "" {
			t.Errorf("user %s came back with a secret the backup did not hold", ub[i].Email)
		}
	}
	if hook := queryString(t, bPath, `SELECT secret || '/' || enabled FROM webhooks`); hook != "/0" {
		t.Errorf("a webhook without its secret came back as %q (secret/enabled), not turned off", hook)
	}
	if ra, rb := countRows(t, aPath, "revisions"), countRows(t, bPath, "revisions"); ra == 0 || ra != rb {
		t.Errorf("revisions: %d before, %d after", ra, rb)
	}
	if ca, cb := countRows(t, aPath, "comments"), countRows(t, bPath, "comments"); ca != cb {
		t.Errorf("comments: %d before, %d after", ca, cb)
	}
	s.db.Close()
	b.Close()

	// Both sites served, under one public address.
	const public = "http://news.example"
	_, baseA := startServer(t, "--db", aPath, "--base-url", public)
	_, baseB := startServer(t, "--db", bPath, "--base-url", public)
	n, diffs := compareSites(t, baseA, baseB, public, []string{"/", "/sitemap.xml", "/news-sitemap.xml", "/feed.xml", "/atom.xml",
		"/feed/", "/robots.txt", "/about-us/", "/tag/" + s.mergedTag + "/", "/tag/" + s.intoTag + "/"},
		func(p string) []string { // a renamed story's former address beside its present one
			if strings.Contains(p, "/"+s.renamedTo+"/") {
				return []string{strings.Replace(p, "/"+s.renamedTo+"/", "/"+s.renamedFrom+"/", 1)}
			}
			return nil
		})
	for _, d := range diffs {
		t.Error(d)
	}
	if n < 400 {
		t.Errorf("only %d pages compared", n)
	}
	t.Logf("%d pages compared", n)
}

func countRows(t *testing.T, dbPath, table string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func queryString(t *testing.T, dbPath, query string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var s sql.NullString
	if err := db.QueryRow(query).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s.String
}

var linkRE = regexp.MustCompile(`(?:href|src)="([^"]+)"|<loc>([^<]+)</loc>|<link>([^<]+)</link>`)

// maskRE finds what a page may carry made afresh for each response: the comment form's
// signed token (pagecache fills it per response). It is the only thing masked.
var maskRE = regexp.MustCompile(`name="token" value="[^"]*"`)

// compareSites walks both sites from start (same-origin links, no redirect followed),
// comparing each answer's status, type, Location and body; more gives further paths
// for a path seen. It returns the number of paths compared and the differences.
func compareSites(t *testing.T, baseA, baseB, public string, start []string, more func(string) []string) (int, []string) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 30 * time.Second}
	fetch := func(base, p string) (int, string, string, string) {
		res, err := client.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Location"), string(body)
	}
	seen := map[string]bool{}
	queue := append([]string(nil), start...)
	var diffs []string
	n := 0
	for len(queue) > 0 && n < 5000 && len(diffs) < 10 {
		p := queue[0]
		queue = queue[1:]
		if seen[p] {
			continue
		}
		seen[p] = true
		n++
		sa, ta, la, ba := fetch(baseA, p)
		sb, tb, lb, bb := fetch(baseB, p)
		ma, mb := maskRE.ReplaceAllString(ba, `name="token" value=""`), maskRE.ReplaceAllString(bb, `name="token" value=""`)
		if sa != sb || ta != tb || la != lb || ma != mb {
			i := 0
			for i < len(ma) && i < len(mb) && ma[i] == mb[i] {
				i++
			}
			diffs = append(diffs, fmt.Sprintf("%s: %d %s %q %d bytes / %d %s %q %d bytes; first difference at %d: %q / %q",
				p, sa, ta, la, len(ba), sb, tb, lb, len(bb), i, ma[max(0, i-60):min(len(ma), i+60)], mb[max(0, i-60):min(len(mb), i+60)]))
		}
		if sa != 200 && la != "" {
			queue = append(queue, localPath(la, public)...)
		}
		queue = append(queue, more(p)...)
		for _, m := range linkRE.FindAllStringSubmatch(ba, -1) {
			queue = append(queue, localPath(html.UnescapeString(m[1]+m[2]+m[3]), public)...)
		}
	}
	return n, diffs
}

// localPath is the path of a link on the site (nothing for another site, the admin, or
// a form's action).
func localPath(link, public string) []string {
	u, err := url.Parse(link)
	if err != nil {
		return nil
	}
	if u.IsAbs() {
		if u.Scheme+"://"+u.Host != public {
			return nil
		}
	} else if !strings.HasPrefix(link, "/") || strings.HasPrefix(link, "//") {
		return nil
	}
	p := u.EscapedPath()
	if strings.HasPrefix(p, "/admin") || strings.HasPrefix(p, "/share/") || strings.HasPrefix(p, "/comments/") {
		return nil
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return []string{p}
}

// A backup cut short, with a broken line, a line it does not know or a wrong count
// imports nothing, with an error naming the line.
func TestBackupBrokenFileImportsNothing(t *testing.T) {
	dbPath, _ := importedCorpus(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "site.json")
	if _, _, err := runCmd(t, "export", "json", file, "--db", dbPath); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, "export", "json", "-", "--db", dbPath) // standard output
	if err != nil || !strings.HasPrefix(out, `{"format":"broadsheet-backup","version":1,`) {
		t.Fatalf("export to standard output: %v %.100s", err, out)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(raw), "\n")
	lines = lines[:len(lines)-1] // the empty string after the last "\n"
	n := len(lines)
	with := func(i int, s string) string {
		c := append([]string(nil), lines...)
		c[i-1] = s
		return strings.Join(c, "")
	}
	cut := len(raw) / 2
	cutLine := strings.Count(string(raw[:cut]), "\n") + 1
	for name, tc := range map[string]struct {
		content, want string
	}{
		"without its end":          {strings.Join(lines[:n-1], ""), fmt.Sprintf("backup line %d: the file ends after %d records without its end record", n, n-2)},
		"cut in a line":            {string(raw[:cut]), fmt.Sprintf("backup line %d: invalid record", cutLine)},
		"a broken line":            {with(100, `{"kind":"comment","data":{"id":`+"\n"), "backup line 100: invalid record"},
		"a field it does not know": {with(50, strings.Replace(lines[49], `"data":{`, `"data":{"colour":"red",`, 1)), `backup line 50: `},
		"a wrong count":            {with(n, `{"end":true,"records":3}`+"\n"), fmt.Sprintf("backup line %d: the end record counts 3 records; the file holds %d", n, n-2)},
		"a line after the end":     {string(raw) + lines[2], fmt.Sprintf("backup line %d: a line after the end record", n+1)},
		"not a backup":             {"{\"id\":1}\n", "backup line 1: not a Broadsheet backup"},
		"a record twice": {strings.Join(lines[:20], "") + lines[19] + strings.Join(lines[20:n-1], "") + fmt.Sprintf(`{"end":true,"records":%d}`, n-1) + "\n",
			"backup line 21: "},
		"a setting the site cannot use": {strings.Join(lines[:1], "") + `{"kind":"setting","data":{"key":"timezone","value":"Mars/Olympus_Mons"}}` + "\n" +
			strings.Join(lines[1:n-1], "") + fmt.Sprintf(`{"end":true,"records":%d}`, n-1) + "\n", `backup line 2: setting "timezone"`},
		"a newer version": {with(1, strings.Replace(lines[0], `"version":1`, `"version":2`, 1)), "backup line 1: backup format version 2"},
		// Threads the site could not show: such comments were stored and never seen.
		"a loop of replies":                     {replies(t, lines, true), "a loop of replies"},
		"a reply under another story's comment": {replies(t, lines, false), "another article's comment"},
	} {
		t.Run(name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "bad.json")
			if err := os.WriteFile(bad, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			target := filepath.Join(t.TempDir(), "new.db")
			_, _, err := runCmd(t, "import", "json", bad, "--db", target)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "nothing was imported") {
				t.Fatalf("import: %v; want an error with %q", err, tc.want)
			}
			if _, err := os.Stat(target); !os.IsNotExist(err) {
				t.Errorf("a refused backup left a database behind: %v", err)
			}
		})
	}
}

// With --with-secrets and --with-media, accounts come back able to sign in with their
// password and second factor, webhooks and the site keep their secrets, and the media
// files come back byte for byte; a second import is refused and changes nothing.
func TestBackupWithSecretsAndMedia(t *testing.T) {
	dir := t.TempDir()
	aPath, bDir := filepath.Join(dir, "a", "site.db"), filepath.Join(dir, "b")
	os.MkdirAll(filepath.Dir(aPath), 0o755)
	os.MkdirAll(bDir, 0o755)
	bPath := filepath.Join(bDir, "site.db")
	s := makeBackupSite(t, aPath)
	ctx := context.Background()
	settings, _ := s.db.Settings(ctx)
	mediaA := filepath.Join(filepath.Dir(aPath), "media")
	os.MkdirAll(mediaA, 0o755)
	big := make([]byte, 2<<20+12345) // three pieces
	for i := range big {
		big[i] = byte(i * 7 % 251)
	}
	files := map[string][]byte{"k3j2.jpg": big, "k3j2-480.webp": []byte("RIFF small"), "empty.png": nil}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(mediaA, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(mediaA, ".upload-123"), []byte("half an upload"), 0o644)
	file := filepath.Join(dir, "full.json")
	if _, _, err := runCmd(t, "export", "json", "--with-secrets", "--with-media", "--db", aPath, "-o", file); err != nil {
		t.Fatal(err)
	}
	s.db.Close()
	if _, _, err := runCmd(t, "import", "json", file, "--db", bPath); err != nil {
		t.Fatal(err)
	}
	b := openDB(t, bPath)
	admin, err := b.UserByEmail(ctx, s.adminEmail)
	if err != nil || !auth.VerifyPassword(admin.PasswordHash, "correct horse battery staple") || admin.TOTPSecret != backupTOTP {
		t.Errorf("the administrator came back without their password or second factor: %v", err)
	}
	got, _ := b.Settings(ctx)
	if got[news.SettingSecret] != settings[news.SettingSecret] {
		t.Error("the site's secret did not come back")
	}
	if tok, err := b.APITokenByHash(ctx, s.tokenHash, time.Now()); err != nil || tok.Name != "Newsletter tool" || tok.Role != news.RoleEditor {
		t.Errorf("the API token did not come back: %v", err)
	}
	if secret := queryString(t, bPath, `SELECT group_concat(secret) FROM webhooks`); secret != s.hookSecret {
		t.Errorf("the webhook's secret came back as %q", secret)
	}
	mediaB := filepath.Join(bDir, "media")
	entries, _ := os.ReadDir(mediaB)
	if len(entries) != len(files) {
		t.Errorf("%d media files came back, want %d", len(entries), len(files))
	}
	for name, data := range files {
		if g, err := os.ReadFile(filepath.Join(mediaB, name)); err != nil || string(g) != string(data) {
			t.Errorf("media file %s: %d bytes, want %d (%v)", name, len(g), len(data), err)
		}
	}
	before := countRows(t, bPath, "changes")
	if _, _, err := runCmd(t, "import", "json", file, "--db", bPath); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("a second import: %v", err)
	}
	if countRows(t, bPath, "changes") != before {
		t.Error("a refused second import wrote")
	}
	if g, _ := os.ReadFile(filepath.Join(mediaB, "k3j2.jpg")); string(g) != string(big) {
		t.Error("a refused second import changed a media file")
	}
}

// export json and import json take their flags before or after the arguments, as the
// other commands do.
func TestBackupFlagsBeforeAndAfterArguments(t *testing.T) {
	dbPath, _ := importedCorpus(t)
	dir := t.TempDir()
	f1, f2 := filepath.Join(dir, "one.json"), filepath.Join(dir, "two.json")
	for _, args := range [][]string{
		{"export", "--db", dbPath, "-o", f1, "json"},
		{"export", "json", "--db=" + dbPath, f2},
		{"import", "--db", filepath.Join(dir, "one.db"), "json", f1},
		{"import", "json", f2, "--db=" + filepath.Join(dir, "two.db")},
	} {
		if _, stderr, err := runCmd(t, args...); err != nil {
			t.Fatalf("%q: %v\n%s", args, err, stderr)
		}
	}
	for _, db := range []string{"one.db", "two.db"} {
		if n := countRows(t, filepath.Join(dir, db), "articles"); n != 40 {
			t.Errorf("%s: %d articles, want 40", db, n)
		}
	}
	for _, args := range [][]string{
		{"export", "json", f1, "-o", f2, "--db", dbPath},
		{"export", "wxr", "--db", dbPath},
		{"import", "json", "--db", filepath.Join(dir, "three.db")},
		{"import", "json", f1, f2, "--db", filepath.Join(dir, "three.db")},
	} {
		if _, _, err := runCmd(t, args...); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}

// replies is the backup lines with two top-level comments made each other's reply
// (loop), or with one made a reply to a comment of another article.
func replies(t *testing.T, lines []string, loop bool) string {
	t.Helper()
	type rec struct {
		Kind string         `json:"kind"`
		Data map[string]any `json:"data"`
	}
	top := map[float64][]int{} // article → its top-level comments' lines
	var articles []float64
	out := append([]string(nil), lines...)
	for i, l := range lines {
		if !strings.HasPrefix(l, `{"kind":"comment"`) {
			continue
		}
		var r rec
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		if r.Data["parent_id"] != nil {
			continue
		}
		a := r.Data["article_id"].(float64)
		if top[a] == nil {
			articles = append(articles, a)
		}
		top[a] = append(top[a], i)
	}
	first, second := -1, -1
	for _, a := range articles {
		switch {
		case loop && len(top[a]) > 1:
			first, second = top[a][0], top[a][1]
		case !loop && first < 0:
			first = top[a][0]
		case !loop:
			second = top[a][0]
		}
		if second >= 0 {
			break
		}
	}
	if second < 0 {
		t.Fatal("no two top-level comments to thread")
	}
	set := func(i, j int) {
		var a, b rec
		json.Unmarshal([]byte(lines[i]), &a)
		json.Unmarshal([]byte(lines[j]), &b)
		a.Data["parent_id"] = b.Data["id"]
		raw, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = string(raw) + "\n"
	}
	set(second, first)
	if loop {
		set(first, second)
	}
	return strings.Join(out, "")
}
