package admin_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"broadsheet/internal/news"
)

// TestImportReportBoundsTheAccountLinks: an import that made 60 accounts shows the
// first 50 set-password links in its report, says how many there are, and offers them
// all as a CSV download to administrators only, never cached.
func TestImportReportBoundsTheAccountLinks(t *testing.T) {
	e, _ := importEnv(t, nil)
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	csrf := b.csrf()

	var doc strings.Builder
	doc.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>T</title><link>https://old.example/</link><wp:wxr_version>1.2</wp:wxr_version>
`)
	const authors = 60
	for i := 1; i <= authors; i++ {
		fmt.Fprintf(&doc, "<wp:author><wp:author_id>%d</wp:author_id><wp:author_login>writer%d</wp:author_login><wp:author_email>writer%d@old.example</wp:author_email><wp:author_display_name>Writer %d</wp:author_display_name></wp:author>\n", i, i, i, i)
	}
	doc.WriteString(`<item><title>A post</title><link>https://old.example/a-post/</link><guid isPermaLink="false">https://old.example/?p=5</guid>
<dc:creator>writer1</dc:creator><content:encoded><![CDATA[<p>Hello</p>]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>5</wp:post_id><wp:post_date>2020-01-02 03:04:05</wp:post_date><wp:post_date_gmt>2020-01-02 03:04:05</wp:post_date_gmt>
<wp:comment_status>open</wp:comment_status><wp:post_name>a-post</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
</channel></rss>
`)
	path := filepath.Join(t.TempDir(), "writers.xml")
	if err := os.WriteFile(path, []byte(doc.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := b.uploadFile(csrf, path); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", r.status, pageText(r.body))
	}
	e.admin.WaitImports()
	m := startForm.FindStringSubmatch(b.get("/admin/import").body)
	if m == nil {
		t.Fatal("no confirmation form")
	}
	if r := b.post(m[1], url.Values{"csrf": {csrf}}); r.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d", r.status)
	}
	e.admin.WaitImports()
	r := b.get("/admin/import")
	links := regexp.MustCompile(`href="[^"]*/admin/reset/[^"]+"`).FindAllString(r.body, -1)
	if len(links) != 50 || !strings.Contains(pageText(r.body), "The first 50 of 60 new accounts are shown") {
		t.Fatalf("the report shows %d links, want the first 50 of 60:\n%s", len(links), pageText(r.body))
	}
	dl := regexp.MustCompile(`href="(/admin/import/\d+/accounts\.csv)"`).FindStringSubmatch(r.body)
	if dl == nil {
		t.Fatal("no download of the rest")
	}
	got := b.get(dl[1])
	if got.status != 200 || !strings.Contains(got.header.Get("Cache-Control"), "no-store") || !strings.HasPrefix(got.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("the CSV: %d %q %q", got.status, got.header.Get("Cache-Control"), got.header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(got.body)).ReadAll()
	if err != nil || len(rows) != authors+1 || rows[0][0] != "name" || !strings.Contains(rows[authors][1], "/admin/reset/") {
		t.Fatalf("the CSV has %d rows (%v), want a header and %d accounts", len(rows), err, authors)
	}
	// The links are kept sealed in the store, not in plain text beside the seal.
	run, err := e.db.LatestImportRun(t.Context())
	if err != nil || strings.Contains(run.Report, "/admin/reset/") || strings.Contains(run.Report, "Writer 7") {
		t.Errorf("the stored report holds the links in plain text (%v)", err)
	}
	// Not for an editor.
	ed := e.addUser(news.RoleEditor)
	eb := e.browser()
	eb.login(ed.Email)
	if r := eb.get(dl[1]); r.status != http.StatusForbidden || strings.Contains(r.body, "/admin/reset/") {
		t.Errorf("an editor's download: %d", r.status)
	}
}

// TestImportTooLongPostMessage: a file with a post too long for the site is refused by
// the check with words for the administrator importing it (shorten the post in
// WordPress, export again), not an editor's "try again", and one full stop at a time.
func TestImportTooLongPostMessage(t *testing.T) {
	e, _ := importEnv(t, nil)
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>T</title><link>https://old.example/</link><wp:wxr_version>1.2</wp:wxr_version>
<item><title>A post</title><link>https://old.example/a-post/</link><guid isPermaLink="false">https://old.example/?p=5</guid>
<dc:creator>writer1</dc:creator><content:encoded><![CDATA[<p>` + strings.Repeat("Far too long. ", 80_000) + `</p>]]></content:encoded>
<wp:post_id>5</wp:post_id><wp:post_date>2020-01-02 03:04:05</wp:post_date><wp:post_date_gmt>2020-01-02 03:04:05</wp:post_date_gmt>
<wp:post_name>a-post</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
</channel></rss>
`
	path := filepath.Join(t.TempDir(), "long.xml")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := b.uploadFile(b.csrf(), path); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d", r.status)
	}
	e.admin.WaitImports()
	page := pageText(b.get("/admin/import").body)
	if !strings.Contains(page, `post 5 ("A post")`) || !strings.Contains(page, "Nothing was imported.") || strings.Contains(page, "..") ||
		strings.Contains(page, "try again") || strings.Contains(page, "damaged") || !strings.Contains(page, "shorten that post in WordPress") {
		t.Errorf("the refusal:\n%s", page)
	}
}
