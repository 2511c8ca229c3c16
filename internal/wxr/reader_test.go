package wxr

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// testdataDir finds WordPress's theme unit test exports (WPTT/theme-test-data), which
// the project keeps beside the repository in shared/testdata: the first
// shared/testdata/wordpress-theme-test-data found going up from the package.
func testdataDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "testdata", "wordpress-theme-test-data")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("no shared/testdata/wordpress-theme-test-data above the package")
		}
		dir = up
	}
}

func exports(t testing.TB) []string {
	t.Helper()
	dir := testdataDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no WXR exports in %s (%v)", dir, err)
	}
	return files
}

// readAll reads every entry of a file.
func readAll(t testing.TB, data []byte) (Site, []*Author, []*Category, []*Tag, []*Term, []*Item, *Reader) {
	t.Helper()
	r := NewReader(bytes.NewReader(data), Limits{})
	var site Site
	var authors []*Author
	var cats []*Category
	var tags []*Tag
	var terms []*Term
	var items []*Item
	sites := 0
	for e, err := range r.All() {
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		switch e := e.(type) {
		case *Site:
			sites++
			site = *e
		case *Author:
			authors = append(authors, e)
		case *Category:
			cats = append(cats, e)
		case *Tag:
			tags = append(tags, e)
		case *Term:
			terms = append(terms, e)
		case *Item:
			items = append(items, e)
		}
	}
	if sites != 1 {
		t.Fatalf("the site was yielded %d times, want once", sites)
	}
	return site, authors, cats, tags, terms, items, r
}

// The independent count: regular expressions over the file's text, the way a person
// checks an export with grep, not an XML parser.
var (
	reRawItem       = regexp.MustCompile(`(?s)<item>(.*?)</item>`)
	reRawComment    = regexp.MustCompile(`(?s)<wp:comment>(.*?)</wp:comment>`)
	reRawChannelEnd = regexp.MustCompile(`<item>`)
	rePostmeta      = regexp.MustCompile(`(?s)<wp:postmeta>(.*?)</wp:postmeta>`)
)

// rawField is the text of the first <name>…</name> in s as an XML reader gives it:
// CDATA sections unwrapped, entities read outside them, space kept; "" for an empty
// <name/>.
func rawField(s, name string) string {
	re, ok := fieldRes.Load(name)
	if !ok {
		re, _ = fieldRes.LoadOrStore(name, regexp.MustCompile(`(?s)<`+regexp.QuoteMeta(name)+`>(.*?)</`+regexp.QuoteMeta(name)+`>`))
	}
	m := re.(*regexp.Regexp).FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	var b strings.Builder
	v := m[1]
	for {
		i := strings.Index(v, "<![CDATA[")
		if i < 0 {
			b.WriteString(unescapeXML(v))
			return b.String()
		}
		b.WriteString(unescapeXML(v[:i]))
		j := strings.Index(v[i:], "]]>")
		b.WriteString(v[i+9 : i+j])
		v = v[i+j+3:]
	}
}

var fieldRes sync.Map // element name → its *regexp.Regexp

func unescapeXML(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&apos;", "'", "&#039;", "'").Replace(s)
}

// rawMeta is the value of the postmeta key in an item's text.
func rawMeta(item, key string) (string, bool) {
	for _, m := range rePostmeta.FindAllStringSubmatch(item, -1) {
		if rawField(m[1], "wp:meta_key") == key {
			return rawField(m[1], "wp:meta_value"), true
		}
	}
	return "", false
}

type rawItem struct {
	text                  string
	id, parent            int64
	typ, status, url, alt string
	hasAlt                bool
	comments              []string
}

// rawItems are the file's items by grep, the first of each post ID (WordPress's
// importer skips a later item with the same ID).
func rawItems(data string) (items []rawItem, skipped int) {
	seen := map[int64]bool{}
	for _, m := range reRawItem.FindAllStringSubmatch(data, -1) {
		id, _ := strconv.ParseInt(rawField(m[1], "wp:post_id"), 10, 64)
		if seen[id] {
			skipped++
			continue
		}
		seen[id] = true
		parent, _ := strconv.ParseInt(rawField(m[1], "wp:post_parent"), 10, 64)
		it := rawItem{text: m[1], id: id, parent: parent, typ: rawField(m[1], "wp:post_type"), status: rawField(m[1], "wp:status"),
			url: rawField(m[1], "wp:attachment_url")}
		it.alt, it.hasAlt = rawMeta(m[1], "_wp_attachment_image_alt")
		for _, c := range reRawComment.FindAllStringSubmatch(m[1], -1) {
			it.comments = append(it.comments, c[1])
		}
		items = append(items, it)
	}
	return items, skipped
}

func TestThemeUnitTestExports(t *testing.T) {
	for _, file := range exports(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			data := string(raw)
			site, authors, cats, tags, terms, items, r := readAll(t, raw)

			// The channel's head: before the first item.
			head := data[:reRawChannelEnd.FindStringIndex(data)[0]]
			if want := rawField(head, "title"); site.Title != want || want == "" {
				t.Errorf("site title %q, want %q", site.Title, want)
			}
			if want := rawField(head, "wp:base_blog_url"); site.BaseBlogURL != want || want == "" {
				t.Errorf("base_blog_url %q, want %q", site.BaseBlogURL, want)
			}
			if want := rawField(head, "language"); site.Language != want {
				t.Errorf("language %q, want %q", site.Language, want)
			}
			if site.WXRVersion != rawField(head, "wp:wxr_version") {
				t.Errorf("WXR version %q", site.WXRVersion)
			}
			for _, c := range []struct {
				tag string
				got int
			}{{"<wp:author>", len(authors)}, {"<wp:category>", len(cats)}, {"<wp:tag>", len(tags)}, {"<wp:term>", len(terms)}} {
				if want := strings.Count(head, c.tag); c.got != want || want == 0 {
					t.Errorf("%s: read %d, the file holds %d", c.tag, c.got, want)
				}
			}
			// Every author's login and every category's parent, as the file says them.
			for i, m := range regexp.MustCompile(`(?s)<wp:author>(.*?)</wp:author>`).FindAllStringSubmatch(head, -1) {
				if a := authors[i]; a.Login != rawField(m[1], "wp:author_login") || a.Email != rawField(m[1], "wp:author_email") || a.DisplayName != rawField(m[1], "wp:author_display_name") {
					t.Errorf("author %d: %+v, the file: %s", i, a, m[1])
				}
			}
			children := 0
			for i, m := range regexp.MustCompile(`(?s)<wp:category>(.*?)</wp:category>`).FindAllStringSubmatch(head, -1) {
				c := cats[i]
				if c.Nicename != rawField(m[1], "wp:category_nicename") || c.Parent != rawField(m[1], "wp:category_parent") || c.Name != rawField(m[1], "wp:cat_name") {
					t.Errorf("category %d: %+v, the file: %s", i, c, m[1])
				}
				if c.Parent != "" {
					children++
				}
			}

			want, skipped := rawItems(data)
			if n, _ := r.Skipped(); n != skipped {
				t.Errorf("skipped %d items, the file repeats %d post IDs", n, skipped)
			}
			if len(items) != len(want) {
				t.Fatalf("read %d items, the file holds %d (less repeated IDs)", len(items), len(want))
			}
			byType := map[TypeStatus]int{}
			wantByType := map[TypeStatus]int{}
			replies, wantReplies := 0, 0
			statuses := map[CommentStatus]int{}
			wantStatuses := map[string]int{}
			attachments := 0
			for i, it := range items {
				w := want[i]
				byType[TypeStatus{it.Type, it.Status}]++
				wantByType[TypeStatus{w.typ, w.status}]++
				if it.PostID != w.id || it.PostParent != w.parent {
					t.Errorf("item %d: ID %d parent %d, the file says %d and %d", i, it.PostID, it.PostParent, w.id, w.parent)
				}
				if it.Title != rawField(w.text, "title") || it.Content != rawField(w.text, "content:encoded") {
					t.Errorf("item %d (ID %d): title or content differ from the file", i, it.PostID)
				}
				if len(it.Comments) != len(w.comments) {
					t.Errorf("item %d: %d comments, the file holds %d", it.PostID, len(it.Comments), len(w.comments))
					continue
				}
				ids := map[int64]bool{}
				for _, c := range it.Comments {
					ids[c.ID] = true
				}
				for j, c := range it.Comments {
					wc := w.comments[j]
					statuses[c.Status]++
					wantStatuses[rawField(wc, "wp:comment_approved")]++
					if p, _ := strconv.ParseInt(rawField(wc, "wp:comment_parent"), 10, 64); p != 0 {
						wantReplies++
					}
					if c.Parent != 0 {
						replies++
						// Threading: a reply's parent is a comment of the same post.
						if !ids[c.Parent] {
							t.Errorf("comment %d of post %d answers %d, which the post does not have", c.ID, it.PostID, c.Parent)
						}
					}
					if c.Author != rawField(wc, "wp:comment_author") || c.Content != rawField(wc, "wp:comment_content") {
						t.Errorf("comment %d of post %d differs from the file", c.ID, it.PostID)
					}
					if c.DateGMT.IsZero() || c.Date.IsZero() {
						t.Errorf("comment %d of post %d has no date", c.ID, it.PostID)
					}
				}
				if it.Type == "attachment" {
					attachments++
					if it.AttachmentURL != w.url || w.url == "" {
						t.Errorf("attachment %d: URL %q, the file says %q", it.PostID, it.AttachmentURL, w.url)
					}
					if it.Attachment == nil || it.Attachment.Alt != w.alt {
						t.Errorf("attachment %d: alt %+v, the file says %q", it.PostID, it.Attachment, w.alt)
					}
				} else if it.Attachment != nil {
					t.Errorf("item %d of type %s has attachment data", it.PostID, it.Type)
				}
				if th, ok := rawMeta(w.text, "_thumbnail_id"); ok {
					if n, _ := strconv.ParseInt(th, 10, 64); n != it.ThumbnailID {
						t.Errorf("post %d: thumbnail %d, the file says %q", it.PostID, it.ThumbnailID, th)
					}
				}
			}
			for k, n := range wantByType {
				if byType[k] != n {
					t.Errorf("%s/%s: read %d, the file holds %d", k.Type, k.Status, byType[k], n)
				}
			}
			if len(byType) != len(wantByType) {
				t.Errorf("kinds read %v, the file's %v", byType, wantByType)
			}
			if replies != wantReplies {
				t.Errorf("%d replies, the file holds %d", replies, wantReplies)
			}
			if statuses[CommentApproved] != wantStatuses["1"] || statuses[CommentPending] != wantStatuses["0"] {
				t.Errorf("comment statuses %v, the file's %v", statuses, wantStatuses)
			}
			if attachments == 0 || wantByType[TypeStatus{"post", "publish"}] == 0 {
				t.Errorf("the export has %d attachments and %d published posts: the test reads the wrong file", attachments, wantByType[TypeStatus{"post", "publish"}])
			}
			t.Logf("%d items %v, %d comments %v (%d replies), %d categories (%d children), %d tags, %d terms, %d skipped",
				len(items), byType, sumComments(items), statuses, replies, len(cats), children, len(tags), len(terms), skipped)

			// Check, the first pass, counts the same.
			var indexed []int64
			counts, err := Check(context.Background(), bytes.NewReader(raw), Limits{}, func(it *Item) { indexed = append(indexed, it.PostID) })
			if err != nil {
				t.Fatal(err)
			}
			for k, n := range wantByType {
				if counts.Items[k] != n {
					t.Errorf("Check: %v: %d, want %d", k, counts.Items[k], n)
				}
			}
			if counts.Authors != len(authors) || counts.Categories != len(cats) || counts.Skipped != skipped {
				t.Errorf("Check: %+v", counts)
			}
			if len(indexed) != attachments {
				t.Errorf("Check gave %d attachments to index, the file holds %d", len(indexed), attachments)
			}
		})
	}
}

func sumComments(items []*Item) int {
	n := 0
	for _, it := range items {
		n += len(it.Comments)
	}
	return n
}

// The theme unit test export has threads several levels deep; the reader keeps them.
func TestThreadsKeepDepth(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(testdataDir(t), "themeunittestdata.wordpress.xml"))
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, _, _, items, _ := readAll(t, raw)
	deepest := 0
	for _, it := range items {
		parent := map[int64]int64{}
		for _, c := range it.Comments {
			parent[c.ID] = c.Parent
		}
		for _, c := range it.Comments {
			d := 0
			for id := c.ID; parent[id] != 0 && d < 100; id = parent[id] {
				d++
			}
			deepest = max(deepest, d)
		}
	}
	// The raw file's own longest chain of comment_parent links.
	wantDeepest := 0
	items2, _ := rawItems(string(raw))
	for _, it := range items2 {
		parent := map[string]string{}
		for _, c := range it.comments {
			parent[rawField(c, "wp:comment_id")] = rawField(c, "wp:comment_parent")
		}
		for id := range parent {
			d := 0
			for p := parent[id]; p != "0" && p != "" && d < 100; p = parent[p] {
				d++
			}
			wantDeepest = max(wantDeepest, d)
		}
	}
	if deepest != wantDeepest || deepest < 2 {
		t.Fatalf("deepest reply chain %d, the file's %d", deepest, wantDeepest)
	}
}

// A WordPress 6 export with what the theme unit test files lack: an author ID, attachment
// metadata (PHP serialized, as WordPress writes it), a spam and a trashed comment,
// comment metadata, a sticky post, a password and a draft without a GMT date.
const sampleWXR = `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
	<title>The Daily</title>
	<link>https://daily.example</link>
	<description>News &amp; views</description>
	<pubDate>Mon, 30 Nov 2026 10:00:00 +0000</pubDate>
	<language>en-GB</language>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://daily.example</wp:base_site_url>
	<wp:base_blog_url>https://daily.example</wp:base_blog_url>
	<wp:author><wp:author_id>7</wp:author_id><wp:author_login><![CDATA[ada]]></wp:author_login><wp:author_email><![CDATA[ada@daily.example]]></wp:author_email><wp:author_display_name><![CDATA[Ada L.]]></wp:author_display_name><wp:author_first_name><![CDATA[Ada]]></wp:author_first_name><wp:author_last_name><![CDATA[Lovelace]]></wp:author_last_name></wp:author>
	<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename><![CDATA[world]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[World]]></wp:cat_name></wp:category>
	<wp:category><wp:term_id>4</wp:term_id><wp:category_nicename><![CDATA[europe]]></wp:category_nicename><wp:category_parent><![CDATA[world]]></wp:category_parent><wp:cat_name><![CDATA[Europe]]></wp:cat_name><wp:category_description><![CDATA[The continent]]></wp:category_description></wp:category>
	<wp:tag><wp:term_id>9</wp:term_id><wp:tag_slug><![CDATA[budget]]></wp:tag_slug><wp:tag_name><![CDATA[Budget]]></wp:tag_name></wp:tag>
	<generator>https://wordpress.org/?v=6.4.3</generator>
	<item>
		<title><![CDATA[Budget day]]></title>
		<link>https://daily.example/2026/11/budget-day/</link>
		<pubDate>Mon, 30 Nov 2026 09:00:00 +0000</pubDate>
		<dc:creator><![CDATA[ada]]></dc:creator>
		<guid isPermaLink="false">https://daily.example/?p=10</guid>
		<description></description>
		<content:encoded><![CDATA[<!-- wp:paragraph -->
<p>The chancellor spoke. ]]]]><![CDATA[>]]></content:encoded>
		<excerpt:encoded><![CDATA[What it means for you]]></excerpt:encoded>
		<wp:post_id>10</wp:post_id>
		<wp:post_date><![CDATA[2026-11-30 09:00:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[2026-11-30 09:00:00]]></wp:post_date_gmt>
		<wp:comment_status><![CDATA[open]]></wp:comment_status>
		<wp:ping_status><![CDATA[closed]]></wp:ping_status>
		<wp:post_name><![CDATA[budget-day]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<wp:post_password><![CDATA[]]></wp:post_password>
		<wp:is_sticky>1</wp:is_sticky>
		<category domain="category" nicename="europe"><![CDATA[Europe]]></category>
		<category domain="post_tag" nicename="budget"><![CDATA[Budget]]></category>
		<wp:postmeta><wp:meta_key><![CDATA[_thumbnail_id]]></wp:meta_key><wp:meta_value><![CDATA[11]]></wp:meta_value></wp:postmeta>
		<wp:comment>
			<wp:comment_id>20</wp:comment_id>
			<wp:comment_author><![CDATA[Reader]]></wp:comment_author>
			<wp:comment_author_email><![CDATA[reader@example.org]]></wp:comment_author_email>
			<wp:comment_author_url>https://reader.example</wp:comment_author_url>
			<wp:comment_author_IP><![CDATA[192.0.2.1]]></wp:comment_author_IP>
			<wp:comment_date><![CDATA[2026-11-30 10:00:00]]></wp:comment_date>
			<wp:comment_date_gmt><![CDATA[2026-11-30 10:00:00]]></wp:comment_date_gmt>
			<wp:comment_content><![CDATA[First!]]></wp:comment_content>
			<wp:comment_approved><![CDATA[1]]></wp:comment_approved>
			<wp:comment_type><![CDATA[comment]]></wp:comment_type>
			<wp:comment_parent>0</wp:comment_parent>
			<wp:comment_user_id>0</wp:comment_user_id>
			<wp:commentmeta><wp:meta_key><![CDATA[akismet_result]]></wp:meta_key><wp:meta_value><![CDATA[false]]></wp:meta_value></wp:commentmeta>
		</wp:comment>
		<wp:comment>
			<wp:comment_id>21</wp:comment_id>
			<wp:comment_author><![CDATA[Ada L.]]></wp:comment_author>
			<wp:comment_date><![CDATA[2026-11-30 10:05:00]]></wp:comment_date>
			<wp:comment_date_gmt><![CDATA[2026-11-30 10:05:00]]></wp:comment_date_gmt>
			<wp:comment_content><![CDATA[Thanks]]></wp:comment_content>
			<wp:comment_approved><![CDATA[0]]></wp:comment_approved>
			<wp:comment_parent>20</wp:comment_parent>
			<wp:comment_user_id>7</wp:comment_user_id>
		</wp:comment>
		<wp:comment><wp:comment_id>22</wp:comment_id><wp:comment_approved>spam</wp:comment_approved><wp:comment_type>pingback</wp:comment_type></wp:comment>
		<wp:comment><wp:comment_id>23</wp:comment_id><wp:comment_approved>post-trashed</wp:comment_approved></wp:comment>
	</item>
	<item>
		<title><![CDATA[chancellor]]></title>
		<link>https://daily.example/chancellor/</link>
		<pubDate>Mon, 30 Nov 2026 08:00:00 +0000</pubDate>
		<dc:creator><![CDATA[ada]]></dc:creator>
		<guid isPermaLink="false">https://daily.example/wp-content/uploads/2026/11/chancellor-scaled.jpg</guid>
		<description></description>
		<content:encoded><![CDATA[]]></content:encoded>
		<excerpt:encoded><![CDATA[The chancellor at the dispatch box]]></excerpt:encoded>
		<wp:post_id>11</wp:post_id>
		<wp:post_date><![CDATA[2026-11-30 08:00:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[2026-11-30 08:00:00]]></wp:post_date_gmt>
		<wp:post_name><![CDATA[chancellor]]></wp:post_name>
		<wp:status><![CDATA[inherit]]></wp:status>
		<wp:post_parent>10</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type><![CDATA[attachment]]></wp:post_type>
		<wp:is_sticky>0</wp:is_sticky>
		<wp:attachment_url><![CDATA[https://daily.example/wp-content/uploads/2026/11/chancellor-scaled.jpg]]></wp:attachment_url>
		<wp:postmeta><wp:meta_key><![CDATA[_wp_attached_file]]></wp:meta_key><wp:meta_value><![CDATA[2026/11/chancellor-scaled.jpg]]></wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key><![CDATA[_wp_attachment_metadata]]></wp:meta_key><wp:meta_value><![CDATA[a:7:{s:5:"width";i:2560;s:6:"height";i:1707;s:4:"file";s:29:"2026/11/chancellor-scaled.jpg";s:8:"filesize";i:411230;s:5:"sizes";a:2:{s:6:"medium";a:5:{s:4:"file";s:22:"chancellor-300x200.jpg";s:5:"width";i:300;s:6:"height";i:200;s:9:"mime-type";s:10:"image/jpeg";s:8:"filesize";i:12011;}s:9:"thumbnail";a:4:{s:4:"file";s:22:"chancellor-150x150.jpg";s:5:"width";i:150;s:6:"height";i:150;s:9:"mime-type";s:10:"image/jpeg";}}s:10:"image_meta";a:12:{s:8:"aperture";s:3:"2.8";s:6:"credit";s:9:"Jo Bloggs";s:6:"camera";s:11:"Canon EOS R";s:7:"caption";s:0:"";s:17:"created_timestamp";s:10:"1796025600";s:9:"copyright";s:0:"";s:12:"focal_length";s:2:"50";s:3:"iso";s:3:"400";s:13:"shutter_speed";s:5:"0.004";s:5:"title";s:0:"";s:11:"orientation";s:1:"1";s:8:"keywords";a:2:{i:0;s:8:"politics";i:1;s:6:"budget";}}s:14:"original_image";s:14:"chancellor.jpg";}]]></wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key><![CDATA[_wp_attachment_image_alt]]></wp:meta_key><wp:meta_value><![CDATA[The chancellor holds up the red box]]></wp:meta_value></wp:postmeta>
	</item>
	<item>
		<title><![CDATA[Unfinished]]></title>
		<link>https://daily.example/?p=12</link>
		<pubDate>Mon, 30 Nov -0001 00:00:00 +0000</pubDate>
		<dc:creator><![CDATA[ada]]></dc:creator>
		<guid isPermaLink="false">https://daily.example/?p=12</guid>
		<content:encoded><![CDATA[Draft text]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>12</wp:post_id>
		<wp:post_date><![CDATA[2026-11-29 18:30:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[0000-00-00 00:00:00]]></wp:post_date_gmt>
		<wp:post_name><![CDATA[]]></wp:post_name>
		<wp:status><![CDATA[draft]]></wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<wp:post_password><![CDATA[s3cret]]></wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>
	</item>
</channel>
</rss>
`

// metaValue pulls a meta value out of sampleWXR by grep, for comparisons.
func sampleMeta(t *testing.T, key string) string {
	t.Helper()
	for _, m := range reRawItem.FindAllStringSubmatch(sampleWXR, -1) {
		if v, ok := rawMeta(m[1], key); ok {
			return v
		}
	}
	t.Fatalf("no %s in the sample", key)
	return ""
}

func TestSampleExport(t *testing.T) {
	site, authors, cats, tags, _, items, r := readAll(t, []byte(sampleWXR))
	if site.Title != "The Daily" || site.Description != "News & views" || site.Namespace != "http://wordpress.org/export/1.2/" || site.PubDate.IsZero() {
		t.Errorf("site %+v", site)
	}
	// <generator> comes after the authors and terms: the Site yielded first lacks it,
	// Reader.Site has it at the end.
	if site.Generator != "" || r.Site().Generator != "https://wordpress.org/?v=6.4.3" {
		t.Errorf("generator %q, at the end %q", site.Generator, r.Site().Generator)
	}
	if len(authors) != 1 || authors[0].ID != 7 || authors[0].LastName != "Lovelace" || authors[0].Email != "ada@daily.example" {
		t.Errorf("authors %+v", authors[0])
	}
	if len(cats) != 2 || cats[1].Parent != "world" || cats[1].Description != "The continent" || cats[1].TermID != 4 {
		t.Errorf("categories %+v", cats[1])
	}
	if len(tags) != 1 || tags[0].Slug != "budget" {
		t.Errorf("tags %+v", tags)
	}
	if len(items) != 3 {
		t.Fatalf("%d items", len(items))
	}
	post, att, draft := items[0], items[1], items[2]
	// "]]]]><![CDATA[>" is how WordPress writes "]]>" inside CDATA.
	if !strings.HasSuffix(post.Content, "spoke. ]]>") {
		t.Errorf("content %q", post.Content)
	}
	if !post.Sticky || post.ThumbnailID != 11 || post.Excerpt != "What it means for you" || post.Creator != "ada" {
		t.Errorf("post %+v", post)
	}
	if len(post.Terms) != 2 || post.Terms[1] != (ItemTerm{Domain: "post_tag", Nicename: "budget", Name: "Budget"}) {
		t.Errorf("terms %+v", post.Terms)
	}
	want := []struct {
		id     int64
		status CommentStatus
		parent int64
	}{{20, CommentApproved, 0}, {21, CommentPending, 20}, {22, CommentSpam, 0}, {23, CommentTrash, 0}}
	if len(post.Comments) != len(want) {
		t.Fatalf("%d comments", len(post.Comments))
	}
	for i, w := range want {
		c := post.Comments[i]
		if c.ID != w.id || c.Status != w.status || c.Parent != w.parent {
			t.Errorf("comment %d: %+v, want %+v", i, c, w)
		}
	}
	c := post.Comments[0]
	if c.AuthorIP != "192.0.2.1" || c.AuthorEmail != "reader@example.org" || c.AuthorURL != "https://reader.example" ||
		len(c.Meta) != 1 || c.Meta[0].Key != "akismet_result" || c.Type != "comment" {
		t.Errorf("comment %+v", c)
	}
	if post.Comments[1].UserID != 7 || post.Comments[2].Type != "pingback" {
		t.Errorf("comments %+v %+v", post.Comments[1], post.Comments[2])
	}

	if att.Attachment == nil || att.Attachment.Metadata == nil {
		t.Fatalf("attachment %+v, warnings %v", att.Attachment, att.Warnings)
	}
	a := att.Attachment
	if a.Alt != sampleMeta(t, "_wp_attachment_image_alt") || a.File != sampleMeta(t, "_wp_attached_file") || att.PostParent != 10 {
		t.Errorf("attachment %+v", a)
	}
	md := a.Metadata
	if md.Width != 2560 || md.Height != 1707 || md.File != a.File || md.FileSize != 411230 || md.OriginalImage != "chancellor.jpg" {
		t.Errorf("metadata %+v", md)
	}
	if s := md.Sizes["medium"]; s.Width != 300 || s.Height != 200 || s.MimeType != "image/jpeg" || s.FileSize != 12011 || len(md.Sizes) != 2 {
		t.Errorf("sizes %+v", md.Sizes)
	}
	if im := md.ImageMeta; im.Camera != "Canon EOS R" || im.Credit != "Jo Bloggs" || im.ISO != "400" || len(im.Keywords) != 2 || im.Keywords[1] != "budget" {
		t.Errorf("image meta %+v", im)
	}

	if !draft.DateGMT.IsZero() || !draft.PubDate.IsZero() || draft.Date.IsZero() || draft.Password != "s3cret" || draft.Status != "draft" {
		t.Errorf("draft %+v", draft)
	}
	if len(draft.Warnings)+len(post.Warnings)+len(att.Warnings) != 0 {
		t.Errorf("warnings %v %v %v", draft.Warnings, post.Warnings, att.Warnings)
	}
}

// The same export under each namespace WordPress has written, https included
// (WordPress.com), reads the same; an unknown version is refused.
func TestNamespaces(t *testing.T) {
	for _, v := range []string{"1.0", "1.1", "1.2"} {
		for _, scheme := range []string{"http", "https"} {
			doc := strings.ReplaceAll(sampleWXR, "http://wordpress.org/export/1.2/", scheme+"://wordpress.org/export/"+v+"/")
			doc = strings.Replace(doc, "<wp:wxr_version>1.2<", "<wp:wxr_version>"+v+"<", 1)
			_, authors, _, _, _, items, _ := readAll(t, []byte(doc))
			if len(authors) != 1 || len(items) != 3 || items[0].PostID != 10 || items[0].Excerpt == "" || len(items[0].Comments) != 4 {
				t.Errorf("%s %s: %d authors, %d items", scheme, v, len(authors), len(items))
			}
		}
	}
	doc := strings.ReplaceAll(sampleWXR, "http://wordpress.org/export/1.2/", "http://wordpress.org/export/1.3/")
	_, err := Check(context.Background(), strings.NewReader(doc), Limits{}, nil)
	if !errors.Is(err, ErrNotWXR) || !strings.Contains(err.Error(), "1.3") {
		t.Errorf("WXR 1.3: %v", err)
	}
}

// An item repeating an earlier post ID is skipped and told, as WordPress's importer
// skips it.
func TestRepeatedPostIDSkipped(t *testing.T) {
	i := strings.Index(sampleWXR, "\t<item>")
	j := strings.Index(sampleWXR, "</item>") + len("</item>\n")
	first := sampleWXR[i:j]
	doc := sampleWXR[:j] + strings.Replace(first, "Budget day", "Twin", 1) + sampleWXR[j:]
	_, _, _, _, _, items, r := readAll(t, []byte(doc))
	n, skips := r.Skipped()
	if len(items) != 3 || items[0].Title != "Budget day" || n != 1 || skips[0].PostID != 10 {
		t.Fatalf("%d items, skipped %d %v", len(items), n, skips)
	}
	if want := strings.Count(doc[:strings.Index(doc, "Twin")], "\n"); skips[0].Line != want {
		t.Errorf("skip at line %d, the twin starts at line %d", skips[0].Line, want)
	}
}

// A field the reader does not understand is a warning on the item, which is kept.
func TestBadMetadataIsAWarning(t *testing.T) {
	doc := strings.Replace(sampleWXR, `a:7:{s:5:"width"`, `a:7:{s:6:"width"`, 1)
	_, _, _, _, _, items, _ := readAll(t, []byte(doc))
	att := items[1]
	if att.Attachment == nil || att.Attachment.Metadata != nil || att.Attachment.Alt == "" || len(att.Warnings) != 1 ||
		!strings.Contains(att.Warnings[0].Msg, "_wp_attachment_metadata") {
		t.Fatalf("attachment %+v, warnings %v", att.Attachment, att.Warnings)
	}
}

func TestReaderStopsAtEOFOnce(t *testing.T) {
	r := NewReader(strings.NewReader(sampleWXR), Limits{})
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("after the end: %v", err)
	}
}

// A byte order mark or blank lines before the export (printed by a plug-in, a known
// WordPress fault) do not stop the reading.
func TestLeadingBOMAndBlankLines(t *testing.T) {
	for _, prefix := range []string{"\ufeff", "\n\n  ", "\ufeff\n"} {
		_, _, _, _, _, items, _ := readAll(t, []byte(prefix+sampleWXR))
		if len(items) != 3 {
			t.Errorf("%q: %d items", prefix, len(items))
		}
	}
}
