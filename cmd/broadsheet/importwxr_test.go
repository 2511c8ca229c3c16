package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
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
	"broadsheet/internal/render"
	"broadsheet/internal/wxr"
)

// wxrFile finds one of WordPress's theme unit test exports in the first
// shared/testdata/wordpress-theme-test-data going up from the package (as the wxr
// package's tests do).
func wxrFile(t testing.TB, name string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "testdata", "wordpress-theme-test-data", name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("no shared/testdata/wordpress-theme-test-data above the package")
		}
		dir = up
	}
}

// noRedirects is a client that shows a redirect instead of following it.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// Both of WordPress's test exports import: the report gives the file's numbers, every
// published post and page is on the site at its old addresses (one 301 away), every
// category and tag has its archive, the comments are threaded in WordPress's order,
// and a second import changes nothing.
func TestImportWXR(t *testing.T) {
	for _, name := range []string{"themeunittestdata.wordpress.xml", "64-block-test-data.xml"} {
		t.Run(name, func(t *testing.T) {
			file := wxrFile(t, name)
			dbPath := filepath.Join(t.TempDir(), "site.db")
			out, _, err := runCmd(t, "import", "wxr", file, "--db", dbPath)
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			var items []*wxr.Item
			var cats []*wxr.Category
			counts, err := wxr.Check(context.Background(), f, wxr.Limits{}, nil)
			f.Seek(0, 0)
			rd := wxr.NewReader(f, wxr.Limits{})
			for e, err := range rd.All() {
				if err != nil {
					t.Fatal(err)
				}
				if it, ok := e.(*wxr.Item); ok && (it.Type == "post" || it.Type == "page") {
					items = append(items, it)
				}
				if c, ok := e.(*wxr.Category); ok {
					cats = append(cats, c)
				}
			}
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			posts := 0
			for ts, n := range counts.Items {
				if ts.Type == "post" {
					posts += n
				}
			}
			want := fmt.Sprintf("posts %12d in the file, %6d added", posts, posts)
			if !strings.Contains(strings.Join(strings.Fields(out), " "), strings.Join(strings.Fields(want), " ")) {
				t.Errorf("report lacks %q:\n%s", want, out)
			}
			for _, kind := range []string{"categories", "tags"} {
				n := counts.Categories
				if kind == "tags" {
					n = counts.Tags
				}
				re := regexp.MustCompile(kind + `\s+` + fmt.Sprint(n) + ` in the file,\s+` + fmt.Sprint(n) + ` added`)
				if !re.MatchString(out) {
					t.Errorf("report does not account for %d %s:\n%s", n, kind, out)
				}
			}

			_, base := startServer(t, "--db", dbPath)
			db := openDB(t, dbPath)
			ctx := context.Background()
			if name == "themeunittestdata.wordpress.xml" {
				// A child category's section names its parent, one 301 from its old address.
				resp, err := http.Get(base + "/category/parent/child-1/")
				if err != nil {
					t.Fatal(err)
				}
				var b bytes.Buffer
				b.ReadFrom(resp.Body)
				resp.Body.Close()
				if resp.Request.URL.Path != "/section/child-1/" || !strings.Contains(b.String(), `in <a href="/section/parent/">Parent</a>`) {
					t.Errorf("/category/parent/child-1/ led to %s, which does not name its parent", resp.Request.URL)
				}
				// The page cache keys "/" by its path whatever the query: the front page
				// cached first does not hide /?p=ID's redirect, nor the redirect the front.
				get(t, base+"/")
				for range 2 {
					for _, u := range []string{"/?p=1241", "/?cat=1", "/?tag=8bit", "/?attachment_id=611"} {
						resp, err := noRedirects.Get(base + u)
						if err != nil {
							t.Fatal(err)
						}
						resp.Body.Close()
						if resp.StatusCode != http.StatusMovedPermanently {
							t.Errorf("%s: %d after the front page, want 301", u, resp.StatusCode)
						}
					}
					resp, err := noRedirects.Get(base + "/")
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						t.Errorf("/: %d after the old addresses, want 200", resp.StatusCode)
					}
				}
				// An attachment page leads to the post it belongs to; a post's feed to the
				// post; a category's feed and its page 2 to the section's.
				for old, want := range map[string]string{
					"/2010/09/10/post-format-gallery/canola2/": "/2010/09/10/post-format-gallery/",
					"/2010/09/10/post-format-gallery/feed/":    "/2010/09/10/post-format-gallery/",
					"/category/parent/feed/":                   "/section/parent/feed.xml",
					"/category/parent/page/2/":                 "/section/parent/page/2/",
					"/?page_id=2":                              "/about/",
				} {
					resp, err := noRedirects.Get(base + old)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusMovedPermanently || got != want {
						t.Errorf("%s: %d to %q, want 301 to %q", old, resp.StatusCode, got, want)
					}
				}
				// WordPress's REST shape shows WordPress's IDs and the categories' tree.
				var cats []struct {
					ID     int64  `json:"id"`
					Slug   string `json:"slug"`
					Parent int64  `json:"parent"`
				}
				if err := json.Unmarshal([]byte(get(t, base+"/wp-json/wp/v2/categories?slug=parent,child-1")), &cats); err != nil || len(cats) != 2 {
					t.Fatalf("categories: %v %+v", err, cats)
				}
				ids := map[string]int64{}
				for _, c := range cats {
					ids[c.Slug] = c.ID
				}
				for _, c := range cats {
					if c.Slug == "child-1" && (c.Parent == 0 || c.Parent != ids["parent"]) {
						t.Errorf("child-1's parent in /wp-json/: %d, want %d", c.Parent, ids["parent"])
					}
				}
				var post struct {
					ID int64 `json:"id"`
				}
				if err := json.Unmarshal([]byte(get(t, base+"/wp-json/wp/v2/posts/1241")), &post); err != nil || post.ID != 1241 {
					t.Errorf("/wp-json/wp/v2/posts/1241: %+v, %v; want WordPress's post 1241", post, err)
				}
				// The sticky post leads the front page, though newer posts exist.
				lead := regexp.MustCompile(`(?s)<article class="lead-story">.*?</article>`).FindString(get(t, base+"/"))
				if !strings.Contains(lead, "Template: Sticky") {
					t.Errorf("the front page's lead is not the sticky post:\n%s", lead)
				}
			}
			// Every category is a section, at its old addresses one 301 away.
			for _, c := range cats {
				for _, old := range []string{fmt.Sprintf("/?cat=%d", c.TermID)} {
					resp, err := http.Get(base + old)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Request.URL.Path, "/section/") || resp.Request.Response == nil || resp.Request.Response.Request.Response != nil {
						t.Errorf("%s (%q): %d at %s, want one 301 to a section's page", old, c.Name, resp.StatusCode, resp.Request.URL)
					}
				}
			}
			// Every tag of a published post has its archive, one 301 from ?tag=.
			tagged := map[string]bool{}
			for _, it := range items {
				for _, tm := range it.Terms {
					if tm.Domain == "post_tag" && it.Status == "publish" && it.Password == "" && it.Type == "post" {
						tagged[tm.Nicename] = true
					}
				}
			}
			for slug := range tagged {
				resp, err := http.Get(base + "/?tag=" + url.QueryEscape(slug))
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Request.URL.Path, "/tag/") {
					t.Errorf("?tag=%s: %d at %s, want the tag's page", slug, resp.StatusCode, resp.Request.URL)
				}
			}
			checked := 0
			for _, it := range items {
				if it.Status != "publish" || it.Password != "" {
					continue
				}
				q := "/?p="
				if it.Type == "page" {
					q = "/?page_id="
				}
				for _, old := range []string{fmt.Sprintf("%s%d", q, it.PostID), oldPathOf(it.Link)} {
					if old == "" {
						continue
					}
					resp, err := noRedirects.Get(base + old)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					loc := resp.Header.Get("Location")
					if resp.StatusCode == http.StatusOK && old != "/?p="+fmt.Sprint(it.PostID) {
						continue // the old permalink is the new address
					}
					if resp.StatusCode != http.StatusMovedPermanently {
						t.Errorf("%s (%q): %d, want 301", old, it.Title, resp.StatusCode)
						continue
					}
					// One hop: the new address shows the post.
					resp, err = noRedirects.Get(resolve(base, loc))
					if err != nil {
						t.Fatal(err)
					}
					var b bytes.Buffer
					b.ReadFrom(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						t.Errorf("%s → %s: %d, want 200 at once", old, loc, resp.StatusCode)
						continue
					}
					// The title as WordPress's readers saw it (WordPress keeps a title as
					// HTML: "Media &amp; Text" showed "Media & Text"), up to its first
					// character typography changes (quotes).
					title := render.PlainText(it.Title)
					if i := strings.IndexAny(title, "\"'`-"); i >= 0 {
						title = strings.TrimSpace(title[:i])
					}
					if title != "" && !strings.Contains(b.String(), htmlEscape(title)) {
						t.Errorf("%s → %s does not show %q", old, loc, title)
					}
					checked++
				}
			}
			if checked == 0 {
				t.Fatal("no post checked")
			}
			// Threaded comments in WordPress's order: the stored comments of each post
			// with comments have their parents and WordPress's IDs.
			for _, it := range items {
				var approved []*wxr.Comment
				for _, c := range it.Comments {
					if c.Status == wxr.CommentApproved && c.Type != "pingback" && c.Type != "trackback" {
						approved = append(approved, c)
					}
				}
				if len(approved) == 0 || it.Status != "publish" {
					continue
				}
				// An empty site keeps WordPress's IDs: the post's ID is the article's, a
				// comment's and its parent's are WordPress's.
				page, err := db.ApprovedCommentPage(ctx, it.PostID, 1000, 0)
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]string{}
				for _, c := range page.Comments {
					got[fmt.Sprint(c.ID)] = fmt.Sprint(c.ParentID)
				}
				for _, c := range approved {
					p, ok := got[fmt.Sprint(c.ID)]
					if !ok {
						t.Errorf("post %d: comment %d missing", it.PostID, c.ID)
						continue
					}
					if c.Parent != 0 && p != fmt.Sprint(c.Parent) {
						t.Errorf("post %d: comment %d answers %s, want %d", it.PostID, c.ID, p, c.Parent)
					}
				}
			}

			out2, _, err := runCmd(t, "import", "wxr", file, "--db", dbPath)
			if err != nil {
				t.Fatal(err)
			}
			if m := regexp.MustCompile(`\s([1-9][0-9]*) added`).FindString(out2); m != "" {
				t.Errorf("second import added something (%s):\n%s", m, out2)
			}
		})
	}
}

func oldPathOf(link string) string {
	i := strings.Index(link, "://")
	if i < 0 {
		return ""
	}
	rest := link[i+3:]
	j := strings.IndexByte(rest, '/')
	if j < 0 || rest[j:] == "/" {
		return ""
	}
	return regexp.MustCompile(`/+`).ReplaceAllString(rest[j:], "/")
}

func resolve(base, loc string) string {
	if strings.HasPrefix(loc, "/") {
		return base + loc
	}
	return loc
}

func htmlEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")
	return r.Replace(news.NFC(s))
}

// A file cut short, or one with an entity expansion, imports nothing and names the line.
func TestImportWXRRefusesBrokenFilesWhole(t *testing.T) {
	whole, err := os.ReadFile(wxrFile(t, "themeunittestdata.wordpress.xml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cut := filepath.Join(dir, "cut.xml")
	os.WriteFile(cut, whole[:len(whole)*2/3], 0o644)
	bomb := filepath.Join(dir, "bomb.xml")
	os.WriteFile(bomb, []byte("<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>\n<rss version=\"2.0\" xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel><title>&b;</title></channel></rss>\n"), 0o644)
	for _, f := range []string{cut, bomb} {
		dbPath := filepath.Join(dir, filepath.Base(f)+".db")
		_, _, err := runCmd(t, "import", "wxr", f, "--db", dbPath)
		if err == nil || !strings.Contains(err.Error(), "line ") || !strings.Contains(err.Error(), "nothing was imported") {
			t.Errorf("%s: %v, want an error naming the line", filepath.Base(f), err)
		}
		if _, err := os.Stat(dbPath); err == nil {
			db := openDB(t, dbPath)
			n, err := db.CountArticles(context.Background(), news.ArticleQuery{})
			if err != nil || n != 0 {
				t.Errorf("%s: %d articles (%v), want none", filepath.Base(f), n, err)
			}
		}
	}
}

// WordPress's authors become accounts (role author) that cannot sign in with any
// password until their one-time link, printed by the import, sets one; categories keep
// their parents.
func TestImportWXRAccountsAndSectionTree(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "site.db")
	out, _, err := runCmd(t, "import", "wxr", wxrFile(t, "themeunittestdata.wordpress.xml"), "--db", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	db := openDB(t, dbPath)
	ctx := context.Background()
	m := regexp.MustCompile(`<(themereviewteam@gmail\.com)>: /admin/reset/([A-Za-z0-9_-]+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no set-password link for themereviewteam in the report:\n%s", out)
	}
	u, err := db.UserByEmail(ctx, m[1])
	if err != nil {
		t.Fatal(err)
	}
	if u.Role != news.RoleAuthor || auth.VerifyPassword(u.PasswordHash, "") || u.PasswordHash != "" {
		t.Errorf("imported account: role %s, hash %q; want author without a password", u.Role, u.PasswordHash)
	}
	pr, err := db.PasswordReset(ctx, auth.HashToken(m[2]), time.Now())
	if err != nil || pr.UserID != u.ID {
		t.Fatalf("the printed link does not work: %v", err)
	}
	secs, err := db.Sections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]*news.Section{}
	for _, s := range secs {
		byID[s.ID] = s
	}
	found := false
	for _, s := range secs {
		if s.Slug == "child-1" {
			found = true
			if p := byID[s.ParentID]; p == nil || p.Slug != "parent" {
				t.Errorf("child-1's parent is %v, want the section parent", p)
			}
		}
	}
	if !found {
		t.Error("no section child-1")
	}
}

// A file that reads whole but that the write would refuse (a category naming a parent
// that is not before it) is refused by the first pass with its line, and the site is
// left as it was.
func TestImportWXRWritesAllOrNothing(t *testing.T) {
	var b bytes.Buffer
	if err := wxr.WriteSample(&b, 5, 10); err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(b.String(), "<wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[Section 19]]>",
		"<wp:category_parent><![CDATA[nowhere]]></wp:category_parent><wp:cat_name><![CDATA[Section 19]]>", 1)
	if bad == b.String() {
		t.Fatal("the sample changed: no category to break")
	}
	dir := t.TempDir()
	file, dbPath := filepath.Join(dir, "bad.xml"), filepath.Join(dir, "site.db")
	os.WriteFile(file, []byte(bad), 0o644)
	_, _, err := runCmd(t, "import", "wxr", file, "--db", dbPath)
	if err == nil || !regexp.MustCompile(`line \d+: category "section-19" names the parent "nowhere"`).MatchString(err.Error()) {
		t.Fatalf("got %v, want the category's line and why", err)
	}
	db := openDB(t, dbPath)
	secs, err := db.Sections(context.Background())
	if err != nil || len(secs) != 0 {
		t.Errorf("%d sections left (%v), want none", len(secs), err)
	}
}

// With --uploads, an attachment's file in the folder goes through the media pipeline
// into the library, and the posts show it at its new address instead of WordPress's;
// a second import stores no second copy.
func TestImportWXRCopiesUploads(t *testing.T) {
	file := wxrFile(t, "themeunittestdata.wordpress.xml")
	dir := t.TempDir()
	uploads := filepath.Join(dir, "uploads")
	os.MkdirAll(filepath.Join(uploads, "2008", "06"), 0o755)
	img := image.NewRGBA(image.Rect(0, 0, 800, 600))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var png1 bytes.Buffer
	if err := png.Encode(&png1, img); err != nil {
		t.Fatal(err)
	}
	// WordPress.com named it .jpg; the pipeline reads what the bytes are.
	os.WriteFile(filepath.Join(uploads, "2008", "06", "canola2.jpg"), png1.Bytes(), 0o644)
	dbPath := filepath.Join(dir, "site.db")
	out, _, err := runCmd(t, "import", "wxr", file, "--db", dbPath, "--uploads", uploads)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`\s1 images copied`).MatchString(out) {
		t.Errorf("report does not say one image was copied:\n%s", out)
	}
	names, _ := filepath.Glob(filepath.Join(dir, "media", "*"))
	if len(names) < 2 {
		t.Fatalf("media folder holds %v, want the image and its variants", names)
	}
	f, _ := os.Open(file)
	defer f.Close()
	var post *wxr.Item
	for e, err := range wxr.NewReader(f, wxr.Limits{}).All() {
		if err != nil {
			t.Fatal(err)
		}
		if it, ok := e.(*wxr.Item); ok && it.Type == "post" && it.Status == "publish" && it.Password == "" &&
			strings.Contains(it.Content, `<img src="https://wpthemetestdata.files.wordpress.com/2008/06/canola2.jpg"`) {
			post = it
			break
		}
	}
	if post == nil {
		t.Fatal("no post shows canola2.jpg")
	}
	_, base := startServer(t, "--db", dbPath)
	body := get(t, fmt.Sprintf("%s/?p=%d", base, post.PostID))
	if strings.Contains(body, "files.wordpress.com/2008/06/canola2.jpg") || !regexp.MustCompile(`<img[^>]* src="/media/[^"]+"`).MatchString(body) {
		t.Errorf("post %d does not show the copied image at its new address", post.PostID)
	}
	out2, _, err := runCmd(t, "import", "wxr", file, "--db", dbPath, "--uploads", uploads)
	if err != nil {
		t.Fatal(err)
	}
	if names2, _ := filepath.Glob(filepath.Join(dir, "media", "*")); len(names2) != len(names) || !regexp.MustCompile(`attachments +\d+ in the file, +0 added`).MatchString(out2) {
		t.Errorf("second import: %d files (was %d):\n%s", len(names2), len(names), out2)
	}
}

// A post too long for the site is refused by the check, which names its line, before
// the database is even created.
func TestImportWXRRefusesATooLongPostBeforeWriting(t *testing.T) {
	var b bytes.Buffer
	if err := wxr.WriteSample(&b, 5, 10); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	i := strings.LastIndex(s, "<content:encoded><![CDATA[")
	if i < 0 {
		t.Fatal("the sample changed: no content")
	}
	i += len("<content:encoded><![CDATA[")
	s = s[:i] + "<p>" + strings.Repeat("Far too long. ", 150_000) + "</p>" + s[i:]
	dir := t.TempDir()
	file, dbPath := filepath.Join(dir, "long.xml"), filepath.Join(dir, "site.db")
	os.WriteFile(file, []byte(s), 0o644)
	_, _, err := runCmd(t, "import", "wxr", file, "--db", dbPath)
	if err == nil || !regexp.MustCompile(`line \d+: post \d+ \("Story number 5"\)`).MatchString(err.Error()) || !strings.Contains(err.Error(), "nothing was imported") {
		t.Fatalf("got %v, want the post's line and that nothing was imported", err)
	}
	if _, err := os.Stat(dbPath); err == nil {
		t.Error("the refused import created the database")
	}
}

// A file refused only while it is written leaves the site as it was: the sections and
// posts written before it are rolled back with it. Nothing the first pass passes is
// refused by the store (a page whose every fallback slug is a section's once was: now
// it is given a free one, TestImportWXRPageOfTakenSlugsFits), so the refusal here is
// the database's own, a trigger the test adds, as a disk full or a constraint of a
// later version would be.
func TestImportWXRRollsBackAWriteError(t *testing.T) {
	var b bytes.Buffer
	if err := wxr.WriteSample(&b, 5, 10); err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(b.String(), "</channel>", wxrTakenPage+"</channel>", 1)
	dir := t.TempDir()
	file, dbPath := filepath.Join(dir, "page.xml"), filepath.Join(dir, "site.db")
	os.WriteFile(file, []byte(s), 0o644)
	db := openDB(t, dbPath)
	if err := db.CreateSection(context.Background(), &news.Section{Slug: "there", Name: "There"}); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+dbPath)
	if err != nil {
		t.Fatal(err)
	}
	_, err = raw.Exec(`CREATE TRIGGER test_refuse BEFORE INSERT ON articles WHEN NEW.title = 'Map'
		BEGIN SELECT RAISE(ABORT, 'the test refuses the page Map'); END`)
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = runCmd(t, "import", "wxr", file, "--db", dbPath)
	if err == nil || !strings.Contains(err.Error(), "refuses the page Map") || !strings.Contains(err.Error(), "nothing was imported") {
		t.Fatalf("got %v, want the page named and that nothing was imported", err)
	}
	secs, err := db.Sections(context.Background())
	n, err2 := db.CountArticles(context.Background(), news.ArticleQuery{})
	if err != nil || err2 != nil || len(secs) != 1 || n != 0 {
		t.Errorf("%d sections and %d articles (%v, %v), want the one section there before and no article", len(secs), n, err, err2)
	}
}

// wxrTakenPage is a page whose slug is reserved (it starts "sitemap").
const wxrTakenPage = `<item><title>Map</title><link>http://example.org/sitemap-x/</link><wp:post_id>9001</wp:post_id>
<wp:post_date>2020-01-02 03:04:05</wp:post_date><wp:post_date_gmt>2020-01-02 03:04:05</wp:post_date_gmt>
<wp:post_name>sitemap-x</wp:post_name><wp:status>publish</wp:status><wp:post_type>page</wp:post_type>
<content:encoded><![CDATA[Map]]></content:encoded></item>
`

// A page whose slug is reserved ("sitemap-…") and every other slug the import once
// tried already the site's sections' passed the first pass and failed the write with
// the store's refusal. The check now reads the site's sections: it announces the page
// with its line, and the write gives it a free slug and says so.
func TestImportWXRPageOfTakenSlugsFits(t *testing.T) {
	var b bytes.Buffer
	if err := wxr.WriteSample(&b, 5, 10); err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(b.String(), "</channel>", wxrTakenPage+"</channel>", 1)
	dir := t.TempDir()
	file, dbPath := filepath.Join(dir, "page.xml"), filepath.Join(dir, "site.db")
	os.WriteFile(file, []byte(s), 0o644)
	db := openDB(t, dbPath)
	taken := []string{"page-sitemap-x"}
	for i := 2; i < 10; i++ {
		taken = append(taken, fmt.Sprintf("page-sitemap-x-%d", i))
	}
	for _, slug := range taken {
		if err := db.CreateSection(context.Background(), &news.Section{Slug: slug, Name: slug}); err != nil {
			t.Fatal(err)
		}
	}
	out, _, err := runCmd(t, "import", "wxr", file, "--db", dbPath)
	if err != nil {
		t.Fatalf("the check passed, the write refused: %v", err)
	}
	if !strings.Contains(out, wxr.FitPageSlug) || !regexp.MustCompile(`page 9001 \("Map", line \d+\): /sitemap-x/ is the site's address`).MatchString(out) {
		t.Errorf("the report does not name the page given another slug:\n%s", out)
	}
	secs, err := db.Sections(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	pages, err := db.PublicPages(context.Background(), 0, 10, time.Now().Add(time.Hour))
	if err != nil || len(pages) != 1+wxr.SamplePages {
		t.Fatalf("%d pages (%v)", len(pages), err)
	}
	for _, p := range pages {
		if err := news.CheckPageSlug(p.Slug, secs); err != nil {
			t.Errorf("page %q: %v", p.Title, err)
		}
	}
}

// An imported post's [audio] and [video] are players on the article page, with the
// browser's controls and nothing that starts by itself, whose https files the page's CSP
// lets load; a javascript: file gives no player, and an http: one (mixed content on a
// secure site) the link to the file instead.
func TestImportWXRAudioAndVideoPlay(t *testing.T) {
	const doc = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Radio</title><link>http://radio.example</link><wp:wxr_version>1.2</wp:wxr_version>
<item><title>The interview</title><link>http://radio.example/interview/</link>
<pubDate>Sat, 14 Mar 2015 09:00:00 +0000</pubDate>
<content:encoded><![CDATA[Listen:

[audio mp3="https://media.example/interview.mp3" autoplay="on" loop="on"][/audio]

Watch: [video mp4="https://media.example/clip.mp4" webm="https://media.example/clip.webm" poster="https://media.example/clip.jpg" width="640" height="360"][/video]

Old: [audio src="http://media.example/old.mp3"]

Bad: [audio src="javascript:alert(1)"]]]></content:encoded>
<wp:post_id>5</wp:post_id><wp:post_date_gmt><![CDATA[2015-03-14 09:00:00]]></wp:post_date_gmt>
<wp:post_name><![CDATA[the-interview]]></wp:post_name><wp:status><![CDATA[publish]]></wp:status><wp:post_type><![CDATA[post]]></wp:post_type>
</item></channel></rss>
`
	dir := t.TempDir()
	file, dbPath := filepath.Join(dir, "radio.xml"), filepath.Join(dir, "site.db")
	os.WriteFile(file, []byte(doc), 0o644)
	if _, _, err := runCmd(t, "import", "wxr", file, "--db", dbPath); err != nil {
		t.Fatal(err)
	}
	_, base := startServer(t, "--db", dbPath)
	resp, err := http.Get(base + "/interview/")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	resp.Body.Close()
	page := b.String()
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "The interview") {
		t.Fatalf("/interview/: %d", resp.StatusCode)
	}
	for _, want := range []string{
		`<audio controls="" preload="none" src="https://media.example/interview.mp3">`,
		`<video controls="" preload="metadata" width="640" height="360" poster="https://media.example/clip.jpg"><source src="https://media.example/clip.mp4" type="video/mp4"><source src="https://media.example/clip.webm" type="video/webm">`,
		`<a href="http://media.example/old.mp3">old.mp3</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if n := strings.Count(page, "<audio"); n != 1 {
		t.Errorf("%d audio players, want 1 (the http: and javascript: ones are none)", n)
	}
	// (The file's name stays as text, harmless: "Bad: javascript:alert(1)".)
	for _, bad := range []string{`="javascript:`, "autoplay", "loop"} {
		if strings.Contains(page, bad) {
			i := strings.Index(page, bad)
			t.Errorf("the page holds %q: %s", bad, page[max(0, i-200):min(len(page), i+100)])
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "media-src 'self' https:") {
		t.Errorf("CSP %q does not let the players' https files load", csp)
	}
}

// An image WordPress served at /wp-content/uploads/… is linked from elsewhere (search
// engines' image results, shares, feed readers' copies of old posts): copied into the
// library, its old path and its sizes' answer one 301 to the library's copy, which is
// there.
func TestImportWXROldUploadAddressesLeadToTheLibrary(t *testing.T) {
	file := filepath.Join("..", "..", "internal", "wxr", "testdata", "moved-media.xml")
	dir := t.TempDir()
	uploads := filepath.Join(dir, "uploads", "2025", "01")
	os.MkdirAll(uploads, 0o755)
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 5)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(uploads, "flood.jpg"), b.Bytes(), 0o644)
	dbPath := filepath.Join(dir, "site.db")
	if _, _, err := runCmd(t, "import", "wxr", file, "--db", dbPath, "--uploads", filepath.Join(dir, "uploads")); err != nil {
		t.Fatal(err)
	}
	_, base := startServer(t, "--db", dbPath)
	var target string
	for _, p := range []string{"/wp-content/uploads/2025/01/flood.jpg", "/wp-content/uploads/2025/01/flood-300x200.jpg"} {
		resp, err := noRedirects.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusMovedPermanently || !strings.Contains(loc, "/media/") {
			t.Errorf("%s: %d to %q, want 301 to the library's copy", p, resp.StatusCode, loc)
			continue
		}
		if target != "" && loc != target {
			t.Errorf("%s leads to %q, the file itself to %q", p, loc, target)
		}
		target = loc
	}
	if target == "" {
		return
	}
	resp, err := noRedirects.Get(resolve(base, target))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "image/") {
		t.Errorf("%s: %d %s, want the image", target, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
