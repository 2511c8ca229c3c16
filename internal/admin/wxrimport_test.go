package admin_test

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"broadsheet/internal/admin"
	"broadsheet/internal/news"
)

const themeUnitTest = "/work/shared/testdata/wordpress-theme-test-data/themeunittestdata.wordpress.xml"

// importEnv is an admin whose imports' temporary files go to a folder the test sees.
func importEnv(t *testing.T, configure func(*admin.Config)) (*env, string) {
	t.Helper()
	dir := t.TempDir()
	e := newEnvWith(t, func(c *admin.Config) {
		c.ImportDir = dir
		if configure != nil {
			configure(c)
		}
	})
	t.Cleanup(e.admin.WaitImports) // before the database closes
	return e, dir
}

// uploadBody is the import form as a browser sends it: the token, then the file.
func uploadBody(t *testing.T, csrf, name string, file io.Reader) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if csrf != "" {
		mw.WriteField("csrf", csrf)
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(fw, file); err != nil {
		t.Fatal(err)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func (b *browser) upload(csrf, name string, file io.Reader) resp {
	b.e.t.Helper()
	body, ctype := uploadBody(b.e.t, csrf, name, file)
	req := bodyRequest(b.e, "POST", "/admin/import", body)
	req.Header.Set("Content-Type", ctype)
	return b.send(req)
}

func (b *browser) uploadFile(csrf, path string) resp {
	b.e.t.Helper()
	f, err := os.Open(path)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer f.Close()
	return b.upload(csrf, filepath.Base(path), f)
}

// text is a page's text without tags, its spaces collapsed.
func pageText(page string) string {
	page = regexp.MustCompile(`(?s)<[^>]*>`).ReplaceAllString(page, " ")
	return strings.Join(strings.Fields(html.UnescapeString(page)), " ")
}

var startForm = regexp.MustCompile(`action="(/admin/import/\d+/start)"`)

func filesIn(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// The whole way through, as an administrator: the theme unit test export uploaded,
// what it holds shown before anything is written, the import confirmed, the report
// with the new account's set-password link, and the posts on the site.
func TestImportWordPressExportFromTheAdmin(t *testing.T) {
	e, dir := importEnv(t, nil)
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	csrf := b.csrf()

	r := b.get("/admin/import")
	if r.status != 200 || !strings.Contains(pageText(r.body), "Attachments keep their original URLs") || !strings.Contains(r.body, `enctype="multipart/form-data"`) {
		t.Fatalf("the import screen: %d\n%s", r.status, pageText(r.body))
	}
	if !strings.Contains(b.get("/admin/").body, `href="/admin/import"`) {
		t.Error("the admin menu has no link to the import")
	}
	before, _ := e.db.CountArticles(t.Context(), news.ArticleQuery{})

	r = b.uploadFile(csrf, themeUnitTest)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/admin/import" {
		t.Fatalf("upload: %d %s\n%s", r.status, r.header.Get("Location"), pageText(r.body))
	}
	e.admin.WaitImports() // the check
	r = b.get("/admin/import")
	page := pageText(r.body)
	// The file's posts, counted here from the file's own text.
	raw, _ := os.ReadFile(themeUnitTest)
	posts := len(regexp.MustCompile(`<wp:post_type>(<!\[CDATA\[)?post(\]\]>)?</wp:post_type>`).FindAll(raw, -1))
	if !strings.Contains(page, "What themeunittestdata.wordpress.xml holds") || !strings.Contains(page, fmt.Sprintf("posts %d", posts)) {
		t.Fatalf("the check does not show the file's %d posts:\n%s", posts, page)
	}
	if !strings.Contains(page, "Not imported") || !strings.Contains(page, "navigation menu items") {
		t.Errorf("the check does not say what will be skipped:\n%s", page)
	}
	if n, _ := e.db.CountArticles(t.Context(), news.ArticleQuery{}); n != before {
		t.Fatalf("the check wrote articles: %d, were %d", n, before)
	}
	if strings.Contains(r.body, `http-equiv="refresh"`) {
		t.Error("the check's result reloads itself, under the administrator reading it")
	}
	m := startForm.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no confirmation form:\n%s", r.body)
	}
	r = b.post(m[1], url.Values{"csrf": {csrf}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d\n%s", r.status, pageText(r.body))
	}
	e.admin.WaitImports()
	r = b.get("/admin/import")
	page = pageText(r.body)
	if !strings.Contains(page, "Imported themeunittestdata.wordpress.xml") || !strings.Contains(page, fmt.Sprintf("posts %d", posts)) {
		t.Fatalf("no report:\n%s", page)
	}
	for _, want := range []string{"Skipped", "navigation menu items", "pingbacks", "New accounts", "kept at their original URLs"} {
		if !strings.Contains(page, want) {
			t.Errorf("the report lacks %q:\n%s", want, page)
		}
	}
	link := regexp.MustCompile(`href="(` + regexp.QuoteMeta(e.http.URL) + `/admin/reset/[^"]+)"`).FindStringSubmatch(r.body)
	if link == nil {
		t.Errorf("no set-password link for the new account:\n%s", page)
	}
	if n, _ := e.db.CountArticles(t.Context(), news.ArticleQuery{}); n <= before {
		t.Fatalf("nothing imported: %d articles, were %d", n, before)
	}
	// A post of the file, on the site at its new address and at its old one.
	res, err := http.Get(e.http.URL + "/?p=1178")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(got), "Markup: HTML Tags and Formatting") {
		t.Errorf("the imported post at its old address: %d", res.StatusCode)
	}
	if left := filesIn(t, dir); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	// The link is for administrators: another administrator sees it, an editor is refused the page.
	e.addUser(news.RoleEditor)
	ed := e.browser()
	ed.login("editor@newsroom.example")
	if r := ed.get("/admin/import"); r.status != http.StatusForbidden || strings.Contains(r.body, "/admin/reset/") {
		t.Errorf("an editor at the import: %d", r.status)
	}
}

// Every role but administrator is refused the screen and the upload, and nothing of
// the file is kept; a form without the session's token is refused too.
func TestImportRefusedToOtherRolesAndForgedForms(t *testing.T) {
	e, dir := importEnv(t, nil)
	for _, role := range news.Roles {
		if role == news.RoleAdministrator {
			continue
		}
		e.addUser(role)
		b := e.browser()
		b.login(string(role) + "@newsroom.example")
		if r := b.get("/admin/import"); r.status != http.StatusForbidden {
			t.Errorf("%s: GET /admin/import %d", role, r.status)
		}
		if r := b.uploadFile(b.csrf(), themeUnitTest); r.status != http.StatusForbidden {
			t.Errorf("%s: upload %d", role, r.status)
		}
	}
	anon := e.browser()
	if r := anon.get("/admin/import"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/admin/login") {
		t.Errorf("signed out: %d %s", r.status, r.header.Get("Location"))
	}
	if r := anon.uploadFile("", themeUnitTest); r.status != http.StatusUnauthorized {
		t.Errorf("signed out upload: %d", r.status)
	}
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	for name, token := range map[string]string{"no token": "", "another's token": "forged"} {
		if r := b.uploadFile(token, themeUnitTest); r.status != http.StatusForbidden || !strings.Contains(r.body, "Form expired") {
			t.Errorf("%s: %d", name, r.status)
		}
	}
	e.admin.WaitImports()
	if _, err := e.db.LatestImportRun(t.Context()); err == nil {
		t.Error("a refused upload was recorded")
	}
	if left := filesIn(t, dir); len(left) > 0 {
		t.Errorf("files kept from refused uploads: %v", left)
	}
}

// A file over the cap is refused from its declared length, before it is read, and,
// sent without one, as it streams past the cap: nothing kept, the slot free.
func TestImportTooLargeRefused(t *testing.T) {
	e, dir := importEnv(t, func(c *admin.Config) { c.ImportMaxBytes = 100 << 10 })
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	csrf := b.csrf()
	if r := b.uploadFile(csrf, themeUnitTest); r.status != http.StatusRequestEntityTooLarge || !strings.Contains(pageText(r.body), "larger than 100 KB") {
		t.Errorf("declared too large: %d\n%s", r.status, pageText(r.body))
	}
	// Declared too large, the body not even sent: answered without waiting for it.
	pr, pw := io.Pipe()
	// Were the body waited for, it ends, cut short, after a while: the answer would
	// then not be the early refusal.
	stop := time.AfterFunc(10*time.Second, func() { pw.CloseWithError(io.ErrUnexpectedEOF) })
	defer stop.Stop()
	req0 := bodyRequest(e, "POST", "/admin/import", pr)
	req0.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	req0.ContentLength = 1 << 30
	if r := b.send(req0); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("declared too large, nothing sent: %d", r.status)
	}
	// Without a length: the body streamed (chunked).
	body, ctype := uploadBody(t, csrf, "big.xml", mustOpen(t, themeUnitTest))
	req := bodyRequest(e, "POST", "/admin/import", io.MultiReader(body))
	req.Header.Set("Content-Type", ctype)
	req.ContentLength = -1
	if r := b.send(req); r.status != http.StatusRequestEntityTooLarge || !strings.Contains(pageText(r.body), "larger than 100 KB") {
		t.Errorf("too large while streaming: %d\n%s", r.status, pageText(r.body))
	}
	if left := filesIn(t, dir); len(left) > 0 {
		t.Errorf("files kept: %v", left)
	}
	// The slot is free: a small file is taken.
	small := `<?xml version="1.0"?><rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version></channel></rss>`
	if r := b.upload(csrf, "small.xml", strings.NewReader(small)); r.status != http.StatusSeeOther {
		t.Errorf("a small file after the refusals: %d\n%s", r.status, pageText(r.body))
	}
}

func mustOpen(t *testing.T, path string) io.Reader {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b)
}

// A damaged file is answered with the line where it breaks, and nothing is imported.
func TestImportMalformedFileNamesItsLine(t *testing.T) {
	e, dir := importEnv(t, nil)
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	raw, _ := os.ReadFile(themeUnitTest)
	lines := strings.Split(string(raw), "\n")
	// A tag left open on line 2000: the XML breaks there.
	lines[1999] = "<wp:broken " + lines[1999]
	before, _ := e.db.CountArticles(t.Context(), news.ArticleQuery{})
	if r := b.upload(b.csrf(), "damaged.xml", strings.NewReader(strings.Join(lines, "\n"))); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d", r.status)
	}
	e.admin.WaitImports()
	page := pageText(b.get("/admin/import").body)
	if !strings.Contains(page, "damaged.xml was not imported") || !regexp.MustCompile(`line 200[01]\b`).MatchString(page) {
		t.Errorf("the refusal does not name the line:\n%s", page)
	}
	if strings.Contains(page, "/start") {
		t.Error("a damaged file may be confirmed")
	}
	if n, _ := e.db.CountArticles(t.Context(), news.ArticleQuery{}); n != before {
		t.Errorf("articles: %d, were %d", n, before)
	}
	if left := filesIn(t, dir); len(left) > 0 {
		t.Errorf("files kept: %v", left)
	}
	// The upload form is back for the next file.
	if !strings.Contains(page, "Import another file") {
		t.Errorf("no form for another file:\n%s", page)
	}
}

// One import at a time for the whole site: while one waits for its confirmation, a
// second upload (another administrator's, or several at once) is refused and kept
// nowhere; once the first is cancelled, an upload is taken.
func TestImportOneAtATime(t *testing.T) {
	e, dir := importEnv(t, nil)
	e.addUser(news.RoleAdministrator)
	first := e.browser()
	first.login("administrator@newsroom.example")
	csrf := first.csrf()
	hash, _ := e.db.UserByEmail(t.Context(), "administrator@newsroom.example")
	other := &news.User{Email: "second@newsroom.example", Name: "Second", Role: news.RoleAdministrator, PasswordHash: hash.PasswordHash}
	if err := e.db.CreateUser(t.Context(), other); err != nil {
		t.Fatal(err)
	}
	second := e.browser()
	second.login("second@newsroom.example")
	csrf2 := second.csrf()

	// Several at once: exactly one is taken.
	var wg sync.WaitGroup
	statuses := make([]int, 4)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, token := first, csrf
			if i%2 == 1 {
				b, token = second, csrf2
			}
			statuses[i] = b.uploadFile(token, themeUnitTest).status
		}()
	}
	wg.Wait()
	taken := 0
	for _, s := range statuses {
		switch s {
		case http.StatusSeeOther:
			taken++
		case http.StatusConflict:
		default:
			t.Errorf("concurrent upload answered %d", s)
		}
	}
	if taken != 1 {
		t.Fatalf("%d of %d concurrent uploads taken, want 1: %v", taken, len(statuses), statuses)
	}
	e.admin.WaitImports()
	r := second.uploadFile(csrf2, themeUnitTest)
	if r.status != http.StatusConflict || !strings.Contains(pageText(r.body), "Another import is under way") {
		t.Errorf("an upload while one waits: %d\n%s", r.status, pageText(r.body))
	}
	if n := len(filesIn(t, dir)); n != 1 {
		t.Errorf("%d files kept, want the first's only", n)
	}
	// A large file sent while one waits: the browser is shown why, not a reset
	// connection (the server answered and closed while the file was still arriving).
	big := strings.Repeat("<!-- a large export -->\n", 16<<20/24)
	for range 3 {
		r := second.upload(csrf2, "large.xml", strings.NewReader(big))
		if r.status != http.StatusConflict || !strings.Contains(pageText(r.body), "Another import is under way") {
			t.Errorf("a large upload while one waits: %d\n%s", r.status, pageText(r.body))
		}
	}
	run, err := e.db.LatestImportRun(t.Context())
	if err != nil || run.State != news.ImportChecked {
		t.Fatalf("the first run: %v %v", run, err)
	}
	// The second administrator cancels it; the file goes, and an upload is taken.
	if r := second.post(fmt.Sprintf("/admin/import/%d/cancel", run.ID), url.Values{"csrf": {csrf2}}); r.status != http.StatusSeeOther {
		t.Fatalf("cancel: %d", r.status)
	}
	if n := len(filesIn(t, dir)); n != 0 {
		t.Errorf("%d files kept after the cancel", n)
	}
	if r := second.uploadFile(csrf2, themeUnitTest); r.status != http.StatusSeeOther {
		t.Errorf("an upload after the cancel: %d", r.status)
	}
}

// An import that fails after its confirmation (here its file damaged on the server's
// disk in between) leaves the site as it was, says why, and removes the file.
func TestFailedImportLeavesTheSiteAsItWas(t *testing.T) {
	e, dir := importEnv(t, nil)
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	csrf := b.csrf()
	if r := b.uploadFile(csrf, themeUnitTest); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d", r.status)
	}
	e.admin.WaitImports()
	m := startForm.FindStringSubmatch(b.get("/admin/import").body)
	if m == nil {
		t.Fatal("no confirmation form")
	}
	files := filesIn(t, dir)
	if len(files) != 1 {
		t.Fatalf("files: %v", files)
	}
	raw, _ := os.ReadFile(themeUnitTest)
	if err := os.WriteFile(filepath.Join(dir, files[0]), raw[:len(raw)*2/3], 0o600); err != nil {
		t.Fatal(err)
	}
	before, _ := e.db.CountArticles(t.Context(), news.ArticleQuery{})
	users, _ := e.db.CountUsers(t.Context())
	if r := b.post(m[1], url.Values{"csrf": {csrf}}); r.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d", r.status)
	}
	e.admin.WaitImports()
	page := pageText(b.get("/admin/import").body)
	if !strings.Contains(page, "The import failed and the site is as it was") || !regexp.MustCompile(`line \d+`).MatchString(page) {
		t.Errorf("the failure is not explained:\n%s", page)
	}
	if n, _ := e.db.CountArticles(t.Context(), news.ArticleQuery{}); n != before {
		t.Errorf("articles: %d, were %d", n, before)
	}
	if n, _ := e.db.CountUsers(t.Context()); n != users {
		t.Errorf("accounts: %d, were %d", n, users)
	}
	if left := filesIn(t, dir); len(left) > 0 {
		t.Errorf("files kept: %v", left)
	}
}

// A post with more tags than a story may carry is announced on the check's screen,
// before anything is written, with its line; the import keeps its first 100 tags and
// the report says so, instead of failing after the check had said the file was fine.
func TestImportAnnouncesAndTrimsAPostsTags(t *testing.T) {
	e, _ := importEnv(t, nil)
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	csrf := b.csrf()
	var tags strings.Builder
	for i := range news.MaxArticleTags + 20 {
		fmt.Fprintf(&tags, `<category domain="post_tag" nicename="t%d"><![CDATA[T%d]]></category>`, i, i)
	}
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>T</title><link>https://old.example/</link><wp:wxr_version>1.2</wp:wxr_version>
<item><title>Tagged</title><link>https://old.example/tagged/</link><content:encoded><![CDATA[<p>Hello</p>]]></content:encoded>
<wp:post_id>5</wp:post_id><wp:post_date_gmt>2020-01-02 03:04:05</wp:post_date_gmt><wp:post_name>tagged</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>` + tags.String() + `</item>
</channel></rss>
`
	if r := b.upload(csrf, "tags.xml", strings.NewReader(doc)); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", r.status, pageText(r.body))
	}
	e.admin.WaitImports()
	r := b.get("/admin/import")
	want := `post 5 ("Tagged", line 4): 120 tags, the first 100 kept`
	if page := pageText(r.body); !strings.Contains(page, "1 posts with more tags than a story may carry") || !strings.Contains(page, want) {
		t.Fatalf("the check does not announce the trimmed post:\n%s", page)
	}
	m := startForm.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no confirmation form:\n%s", pageText(r.body))
	}
	b.post(m[1], url.Values{"csrf": {csrf}})
	e.admin.WaitImports()
	page := pageText(b.get("/admin/import").body)
	if !strings.Contains(page, "Imported tags.xml") || !strings.Contains(page, "Changed to fit the site: 1 posts with more tags") || !strings.Contains(page, want) {
		t.Fatalf("the report does not say the tags were cut:\n%s", page)
	}
	a, err := e.db.ArticleBySlug(t.Context(), "tagged")
	if err != nil || len(a.Tags) != news.MaxArticleTags {
		t.Errorf("the post: %v; want it with %d tags", err, news.MaxArticleTags)
	}
}

// An upload from a page of an ended session (a stale form token) is told so: the file
// still arriving is read and thrown away before the answer, not cut off by a reset
// connection the browser would show instead of the page.
func TestImportLargeUploadWithStaleFormIsTold(t *testing.T) {
	e, dir := importEnv(t, nil)
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	big := strings.Repeat("<!-- a large export -->\n", 16<<20/24)
	for range 3 {
		r := b.upload("stale-token", "large.xml", strings.NewReader(big))
		if r.status != http.StatusForbidden || !strings.Contains(pageText(r.body), "not sent from your current session") {
			t.Errorf("a large upload with a stale form: %d\n%s", r.status, pageText(r.body))
		}
	}
	if left := filesIn(t, dir); len(left) > 0 {
		t.Errorf("files kept: %v", left)
	}
}
