package site_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"

	"broadsheet/internal/news"
	"broadsheet/internal/render"
	"broadsheet/internal/site"
)

// The feeds parse as a real feed reader parses them, with full content.
func TestFeedsParseInAFeedReader(t *testing.T) {
	e := newEnv(t, 25, nil)
	parser := gofeed.NewParser()
	for _, tc := range []struct {
		path, ctype, feedType string
		items                 int
		newest                string
	}{
		{"/feed.xml", "application/rss+xml", "rss", 20, "Story number 25’s headline"},
		{"/atom.xml", "application/atom+xml", "atom", 20, "Story number 25’s headline"},
		{"/feed.json", "application/feed+json", "json", 20, "Story number 25’s headline"},
		{"/section/world/feed.xml", "application/rss+xml", "rss", 8, "Story number 24’s headline"},
		{"/tag/topic-0/atom.xml", "application/atom+xml", "atom", 12, "Story number 24’s headline"},
		{"/author/james-miller/feed.json", "application/feed+json", "json", 13, "Story number 25’s headline"},
	} {
		p := e.get(tc.path)
		if p.status != 200 || !strings.HasPrefix(p.header.Get("Content-Type"), tc.ctype) {
			t.Errorf("%s: status %d, type %q", tc.path, p.status, p.header.Get("Content-Type"))
			continue
		}
		f, err := parser.ParseString(p.body)
		if err != nil {
			t.Errorf("%s: %v", tc.path, err)
			continue
		}
		if f.FeedType != tc.feedType || len(f.Items) != tc.items {
			t.Errorf("%s: %s feed with %d items, want %s with %d", tc.path, f.FeedType, len(f.Items), tc.feedType, tc.items)
			continue
		}
		it := f.Items[0]
		if it.Title != strings.ReplaceAll(tc.newest, "’", "'") && it.Title != tc.newest {
			t.Errorf("%s: newest item %q, want %q", tc.path, it.Title, tc.newest)
		}
		if !strings.HasPrefix(it.Link, e.http.URL+"/2025/") || it.PublishedParsed == nil {
			t.Errorf("%s: link %q, published %v", tc.path, it.Link, it.PublishedParsed)
		}
		if !strings.Contains(it.Content, "<blockquote>") || !strings.Contains(it.Content, "The last paragraph of story") {
			t.Errorf("%s: item content is not the full text: %q", tc.path, it.Content)
		}
		if it.Author == nil && len(it.Authors) == 0 {
			t.Errorf("%s: item without an author", tc.path)
		}
		if len(it.Categories) == 0 {
			t.Errorf("%s: item without categories", tc.path)
		}
	}
	if p := e.get("/section/nowhere/feed.xml"); p.status != 404 {
		t.Errorf("feed of a missing section: %d", p.status)
	}
	// WordPress's feed address still works.
	if p := e.get("/feed/"); p.status != 301 || p.header.Get("Location") != "/feed.xml" {
		t.Errorf("/feed/: %d to %q", p.status, p.header.Get("Location"))
	}
	// Every page says where its feeds are.
	mustContain(t, "section page", e.get("/section/world/").body, `type="application/rss+xml" title="World (RSS)" href="/section/world/feed.xml"`)
}

type sitemapDoc struct {
	XMLName xml.Name
	URLs    []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"url"`
	Sitemaps []struct {
		Loc string `xml:"loc"`
	} `xml:"sitemap"`
}

func TestSitemaps(t *testing.T) {
	e := newEnv(t, 12, func(c *site.Config) { c.SitemapSize = 5 })
	var idx sitemapDoc
	p := e.get("/sitemap.xml")
	if err := xml.Unmarshal([]byte(p.body), &idx); err != nil || idx.XMLName.Local != "sitemapindex" {
		t.Fatalf("sitemap.xml with 12 articles and 5 a file: %v %v\n%s", err, idx.XMLName, p.body)
	}
	if len(idx.Sitemaps) != 4 { // pages + 3 files of articles
		t.Fatalf("%d sitemaps in the index, want 4", len(idx.Sitemaps))
	}
	seen := map[string]bool{}
	for _, sm := range idx.Sitemaps {
		var doc sitemapDoc
		p := e.get(strings.TrimPrefix(sm.Loc, e.http.URL))
		if err := xml.Unmarshal([]byte(p.body), &doc); err != nil || doc.XMLName.Local != "urlset" {
			t.Fatalf("%s: %v", sm.Loc, err)
		}
		for _, u := range doc.URLs {
			seen[u.Loc] = true
		}
	}
	for _, a := range e.arts {
		if !seen[e.url(a)] {
			t.Errorf("%s is in no sitemap", e.url(a))
		}
	}
	if !seen[e.http.URL+"/"] || !seen[e.http.URL+"/section/world/"] {
		t.Errorf("the front and section pages are in no sitemap")
	}
	if p := e.get("/sitemap-4.xml"); p.status != 404 {
		t.Errorf("sitemap-4.xml: %d", p.status)
	}

	// The news sitemap lists the last two days only.
	var news struct {
		URLs []struct {
			Loc  string `xml:"loc"`
			News struct {
				Title string `xml:"title"`
				Date  string `xml:"publication_date"`
			} `xml:"news"`
		} `xml:"url"`
	}
	e.clock.t = e.arts[11].PublishedAt.Add(30 * 60e9) // half an hour after story 12
	e.db.SetSettings(context.Background(), map[string]string{"tagline": "x"})
	e.srv.Sync(context.Background())
	if err := xml.Unmarshal([]byte(e.get("/news-sitemap.xml").body), &news); err != nil {
		t.Fatal(err)
	}
	if len(news.URLs) != 2 || news.URLs[0].News.Title != "Story number 12's headline" || news.URLs[0].News.Date == "" {
		t.Errorf("news sitemap: %+v, want stories 12 and 11", news.URLs)
	}
	robots := e.get("/robots.txt").body
	mustContain(t, "robots.txt", robots, "Sitemap: "+e.http.URL+"/sitemap.xml", "Sitemap: "+e.http.URL+"/news-sitemap.xml", "User-agent: *")
}

// docAddresses returns every address a machine-read document gives: robots.txt's
// Sitemap lines; a sitemap's or feed's loc, link, guid, id, uri, icon and logo text and
// href and url attributes; JSON Feed's URL members; and the href, src and srcset
// addresses in the HTML content of every item.
func docAddresses(t *testing.T, path, body string) []string {
	t.Helper()
	var out, contents []string
	switch {
	case strings.HasSuffix(path, ".txt"):
		for _, line := range strings.Split(body, "\n") {
			if v, ok := strings.CutPrefix(line, "Sitemap: "); ok {
				out = append(out, v)
			}
		}
	case strings.HasSuffix(path, ".json"):
		var jf struct {
			Home  string `json:"home_page_url"`
			Feed  string `json:"feed_url"`
			Items []struct {
				ID      string `json:"id"`
				URL     string `json:"url"`
				Image   string `json:"image"`
				Content string `json:"content_html"`
			} `json:"items"`
		}
		if err := json.Unmarshal([]byte(body), &jf); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, jf.Home, jf.Feed)
		for _, it := range jf.Items {
			out = append(out, it.ID, it.URL)
			if it.Image != "" {
				out = append(out, it.Image)
			}
			contents = append(contents, it.Content)
		}
	default:
		d := xml.NewDecoder(strings.NewReader(body))
		var elem string
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			switch tok := tok.(type) {
			case xml.StartElement:
				elem = tok.Name.Local
				for _, a := range tok.Attr {
					if a.Name.Local == "href" || a.Name.Local == "url" {
						out = append(out, a.Value)
					}
				}
			case xml.CharData:
				switch elem {
				case "loc", "link", "guid", "id", "uri", "icon", "logo":
					if v := strings.TrimSpace(string(tok)); v != "" {
						out = append(out, v)
					}
				case "encoded", "content":
					contents = append(contents, string(tok))
				}
			case xml.EndElement:
				elem = ""
			}
		}
	}
	for _, c := range contents {
		out = append(out, htmlAddresses(t, c)...)
	}
	return out
}

// htmlAddresses returns the href, src and srcset addresses of an HTML fragment, parsed
// as a browser parses it.
func htmlAddresses(t *testing.T, fragment string) []string {
	t.Helper()
	var out []string
	z := html.NewTokenizer(strings.NewReader(fragment))
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		for _, a := range z.Token().Attr {
			switch a.Key {
			case "href", "src":
				out = append(out, a.Val)
			case "srcset":
				for _, c := range strings.Split(a.Val, ", ") {
					out = append(out, strings.Fields(c)[0])
				}
			}
		}
	}
	return out
}

// isURI reports whether s is written in RFC 3986's characters only (no IRI).
func isURI(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || strings.IndexByte(`"<>\^`+"`{|}", c) >= 0 {
			return false
		}
	}
	return true
}

// Every address in the feeds, sitemaps and robots.txt is a URI on the site's ASCII host,
// however non-ASCII the article's slug, its section, tag and author, the addresses in its
// body, or the site's own host name; and the article's address leads to the article.
func TestMachineReadAddressesAreURIs(t *testing.T) {
	for _, tc := range []struct{ base, host string }{
		{"", ""}, // the test server's own address
		{"https://Новости.example/", "xn--b1amnebsh.example"},
	} {
		t.Run(tc.host, func(t *testing.T) {
			ctx := context.Background()
			e := newEnv(t, 3, func(c *site.Config) {
				c.SitemapSize = 2 // an index, pages and article files
				if tc.base != "" {
					c.BaseURL = tc.base
				}
			})
			host := tc.host
			if host == "" {
				host = strings.TrimPrefix(e.http.URL, "http://")
			}
			md := "Связь есть. [Тег](/tag/йошкар-ола/), ![Фото](/media/фото.jpg), [далее](подробности/), " +
				`<a href="/search?q=связь">поиск</a>.` + "\n\n" +
				`<img src="/media/схема.png" srcset="/media/схема-480.png 480w, схема-960.png 960w" alt="Схема">`
			body, err := render.Markdown(md)
			if err != nil {
				t.Fatal(err)
			}
			a := &news.Article{Slug: news.Slugify("Проверка связи"), Title: "Проверка связи", BodyMarkdown: md, BodyHTML: body,
				Status: news.StatusPublished, PublishedAt: e.clock.Now().Add(-time.Hour).Truncate(time.Second),
				Author: &news.Author{Name: "Пётр Иванов"}, Section: &news.Section{Name: "Новости"},
				Tags:          []*news.Tag{{Name: "Йошкар-Ола"}},
				FeaturedImage: &news.Image{URL: "/media/главное.jpg", Alt: "Главное"}}
			if err := e.db.CreateArticle(ctx, a); err != nil {
				t.Fatal(err)
			}
			if err := e.srv.Sync(ctx); err != nil {
				t.Fatal(err)
			}
			articlePath := e.srv.ArticlePath(a)
			if isURI(articlePath) {
				t.Fatalf("the article's path %q is plain ASCII: the test tests nothing", articlePath)
			}

			docs := []string{"/robots.txt", "/sitemap.xml", "/news-sitemap.xml"}
			for _, dir := range []string{"/", "/section/" + a.Section.Slug + "/", "/tag/" + a.Tags[0].Slug + "/", "/author/" + a.Author.Slug + "/"} {
				docs = append(docs, dir+"feed.xml", dir+"atom.xml", dir+"feed.json")
			}
			inSitemaps := false
			for i := 0; i < len(docs); i++ {
				p := e.get(docs[i])
				if p.status != 200 {
					t.Errorf("%s: status %d", docs[i], p.status)
					continue
				}
				listed := false
				for _, addr := range docAddresses(t, docs[i], p.body) {
					u, err := url.Parse(addr)
					if u != nil && u.Scheme == "tag" && isURI(addr) {
						continue // a feed ID (RFC 4151), an identity rather than an address
					}
					if !isURI(addr) || err != nil || u.Scheme == "" || u.Host != host {
						t.Errorf("%s: address %q is not a URI on %s", docs[i], addr, host)
						continue
					}
					listed = listed || u.Path == articlePath
					if docs[i] == "/sitemap.xml" {
						docs = append(docs, u.Path) // the index's sitemaps
					}
				}
				switch {
				case strings.HasPrefix(docs[i], "/sitemap-"):
					inSitemaps = inSitemaps || listed
				case strings.HasSuffix(docs[i], ".json"), strings.HasSuffix(docs[i], ".xml") && docs[i] != "/sitemap.xml":
					if !listed {
						t.Errorf("%s does not list %s", docs[i], articlePath)
					}
				}
			}
			if !inSitemaps || !slices.Contains(docs, "/sitemap-pages.xml") || !slices.Contains(docs, "/sitemap-2.xml") {
				t.Errorf("the sitemaps (%v) do not list %s", docs, articlePath)
			}
			// The encoded address is the article's, not a second encoding of it.
			enc := feedItemLink(t, e, "/feed.xml", a.Title)
			u, _ := url.Parse(enc)
			if p := e.get(u.RequestURI()); p.status != 200 || !strings.Contains(p.body, "Проверка связи") {
				t.Errorf("%s: status %d, not the article", enc, p.status)
			}
			mustContain(t, "robots.txt", e.get("/robots.txt").body, "Sitemap: http")
		})
	}
}

// feedItemLink returns the link of the item titled title in the feed at path, as a
// feed reader reads it.
func feedItemLink(t *testing.T, e *env, path, title string) string {
	t.Helper()
	f, err := gofeed.NewParser().ParseString(e.get(path).body)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for _, it := range f.Items {
		if it.Title == title {
			return it.Link
		}
	}
	t.Fatalf("%s has no item %q", path, title)
	return ""
}

// Every address in a feed item's content is where it leads on the article's page, in
// all three formats: protocol-relative, site-relative and page-relative links, images and
// their srcset, quotations' cite, and the featured image.
func TestFeedContentAddressesResolveAgainstTheArticle(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, 2, nil)
	md := "A [PDF](//cdn.example.com/report.pdf), [the tag](/tag/topic-0/), [notes](notes/), [the day](../), " +
		"[page two](?page=2), [comments](#comments), [mail](mailto:desk@example.org), [elsewhere](https://other.example/a?b=1&c=2).\n\n" +
		`<img src="chart.png" srcset="chart-480.png 480w, /media/chart-960.png 960w,//cdn.example.com/chart.png 1600w" alt="Chart">` + "\n\n" +
		`<blockquote cite="../../source/">Quoted.</blockquote>`
	body, err := render.Markdown(md)
	if err != nil {
		t.Fatal(err)
	}
	a := &news.Article{Slug: "links-in-feeds", Title: "Links in feeds", BodyMarkdown: md, BodyHTML: body,
		Status: news.StatusPublished, PublishedAt: e.clock.Now().Add(-time.Hour).Truncate(time.Second),
		FeaturedImage: &news.Image{URL: "//cdn.example.com/lead.jpg", Alt: "Lead", Srcset: "/media/lead-480.jpg 480w"}}
	if err := e.db.CreateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	site, page := e.http.URL, e.url(a)
	day := strings.TrimSuffix(page, a.Slug+"/")
	wantHref := []string{"http://cdn.example.com/report.pdf", site + "/tag/topic-0/", page + "notes/", day,
		page + "?page=2", page + "#comments", "mailto:desk@example.org", "https://other.example/a?b=1&c=2"}
	wantSrc := []string{"http://cdn.example.com/lead.jpg", page + "chart.png"}
	wantSrcset := []string{site + "/media/lead-480.jpg 480w",
		page + "chart-480.png 480w, " + site + "/media/chart-960.png 960w, http://cdn.example.com/chart.png 1600w"}
	wantCite := []string{site + "/" + a.PublishedAt.Format("2006/01") + "/source/"} // ../../ from /yyyy/mm/dd/slug/
	for _, path := range []string{"/feed.xml", "/atom.xml", "/feed.json"} {
		f, err := gofeed.NewParser().ParseString(e.get(path).body)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var it *gofeed.Item
		for _, i := range f.Items {
			if i.Title == a.Title {
				it = i
			}
		}
		if it == nil {
			t.Fatalf("%s has no item %q", path, a.Title)
		}
		for attr, want := range map[string][]string{"href": wantHref, "src": wantSrc, "srcset": wantSrcset, "cite": wantCite} {
			if got := attrValues(t, it.Content, attr); !slices.Equal(got, want) {
				t.Errorf("%s: %s\n got %q\nwant %q", path, attr, got, want)
			}
		}
		// The item's own image, for readers that show one beside the title.
		switch {
		case path == "/feed.xml" && (len(it.Enclosures) != 1 || it.Enclosures[0].URL != wantSrc[0]):
			t.Errorf("%s: enclosures %+v, want %s", path, it.Enclosures, wantSrc[0])
		case path == "/feed.json" && (it.Image == nil || it.Image.URL != wantSrc[0]):
			t.Errorf("%s: image %+v, want %s", path, it.Image, wantSrc[0])
		}
	}
}

// attrValues returns the values of the attribute in an HTML fragment, in order.
func attrValues(t *testing.T, fragment, name string) []string {
	t.Helper()
	var out []string
	z := html.NewTokenizer(strings.NewReader(fragment))
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		for _, a := range z.Token().Attr {
			if a.Key == name {
				out = append(out, a.Val)
			}
		}
	}
	return out
}

// Google News reads news:language as an ISO 639 code; only Chinese carries a region.
func TestNewsSitemapLanguage(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, 2, nil)
	e.clock.t = e.arts[1].PublishedAt.Add(time.Hour)
	for setting, want := range map[string]string{"en-GB": "en", "pt-BR": "pt", "zh-HK": "zh-tw", "zh-Hans": "zh-cn"} {
		if err := e.db.SetSettings(ctx, map[string]string{"language": setting}); err != nil {
			t.Fatal(err)
		}
		if err := e.srv.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			URLs []struct {
				Language string `xml:"news>publication>language"`
			} `xml:"url"`
		}
		if err := xml.Unmarshal([]byte(e.get("/news-sitemap.xml").body), &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.URLs) != 2 {
			t.Fatalf("language %s: %d articles in the news sitemap, want 2", setting, len(doc.URLs))
		}
		for _, u := range doc.URLs {
			if u.Language != want {
				t.Errorf("language %s: news:language %q, want %q", setting, u.Language, want)
			}
		}
	}
}

// Every date in the feeds and sitemaps names its instant with an explicit zone, whatever
// the server's local time zone (TZ) is.
func TestFeedDatesCarryTheirZone(t *testing.T) {
	local := time.Local
	time.Local = time.FixedZone("LINT", 14*3600) // Kiritimati, as far from UTC as it gets
	t.Cleanup(func() { time.Local = local })     // registered first, so run after the servers stop
	ctx := context.Background()
	e := newEnv(t, 2, nil)
	now := e.clock.Now()
	edited := &news.Article{Slug: "edited", Title: "Edited", BodyHTML: "<p>Text.</p>", Status: news.StatusPublished,
		PublishedAt: now.Add(-3*time.Hour - 17*time.Minute).Truncate(time.Second),
		UpdatedAt:   now.Add(-time.Hour - 4*time.Minute).Truncate(time.Second)}
	if err := e.db.CreateArticle(ctx, edited); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	arts, err := e.db.Articles(ctx, news.ArticleQuery{PublicAt: now})
	if err != nil || len(arts) != 3 {
		t.Fatalf("%d articles, %v", len(arts), err)
	}
	byPath := map[string]*news.Article{}
	var newest time.Time
	for _, a := range arts {
		byPath[e.srv.ArticlePath(a)] = a
		newest = maxOf(newest, a.PublishedAt, a.UpdatedAt)
	}
	article := func(doc, link string) *news.Article {
		u, err := url.Parse(link)
		if err != nil || byPath[u.Path] == nil {
			t.Fatalf("%s: %q is no article's address", doc, link)
		}
		return byPath[u.Path]
	}
	rfc3339 := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$`)
	check := func(doc, what, value string, want time.Time) {
		t.Helper()
		var got time.Time
		var err error
		switch {
		case strings.HasSuffix(value, " GMT"):
			got, err = time.Parse(time.RFC1123, value)
		case strings.Contains(value, ","): // RSS: RFC 822 with a numeric zone
			got, err = time.Parse(time.RFC1123Z, value)
		case rfc3339.MatchString(value):
			got, err = time.Parse(time.RFC3339, value)
		default:
			err = errors.New("no zone")
		}
		if err != nil || !got.Equal(want) {
			t.Errorf("%s: %s %q is %v (%v), want %v", doc, what, value, got, err, want.UTC())
		}
	}
	checked := 0

	var rss struct {
		Channel struct {
			LastBuildDate string `xml:"lastBuildDate"`
			Items         []struct {
				Link    string `xml:"link"`
				PubDate string `xml:"pubDate"`
			} `xml:"item"`
		} `xml:"channel"`
	}
	if err := xml.Unmarshal([]byte(e.get("/feed.xml").body), &rss); err != nil {
		t.Fatal(err)
	}
	check("RSS", "lastBuildDate", rss.Channel.LastBuildDate, newest)
	for _, it := range rss.Channel.Items {
		check("RSS", "pubDate", it.PubDate, article("RSS", it.Link).PublishedAt)
		checked++
	}

	var atom struct {
		Updated string `xml:"updated"`
		Entries []struct {
			Link struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
			Published string `xml:"published"`
			Updated   string `xml:"updated"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(e.get("/atom.xml").body), &atom); err != nil {
		t.Fatal(err)
	}
	check("Atom", "updated", atom.Updated, newest)
	for _, en := range atom.Entries {
		a := article("Atom", en.Link.Href)
		check("Atom", "published", en.Published, a.PublishedAt)
		check("Atom", "updated", en.Updated, lastChange(a))
		checked++
	}

	var jf struct {
		Items []struct {
			URL           string `json:"url"`
			DatePublished string `json:"date_published"`
			DateModified  string `json:"date_modified"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(e.get("/feed.json").body), &jf); err != nil {
		t.Fatal(err)
	}
	modified := 0
	for _, it := range jf.Items {
		a := article("JSON Feed", it.URL)
		check("JSON Feed", "date_published", it.DatePublished, a.PublishedAt)
		if it.DateModified != "" {
			check("JSON Feed", "date_modified", it.DateModified, lastChange(a))
			modified++
		}
		checked++
	}
	if modified == 0 {
		t.Errorf("JSON Feed: no date_modified for the edited article")
	}

	var sm struct {
		URLs []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal([]byte(e.get("/sitemap.xml").body), &sm); err != nil {
		t.Fatal(err)
	}
	for _, u := range sm.URLs {
		if p, _ := url.Parse(u.Loc); byPath[p.Path] != nil {
			check("sitemap", "lastmod", u.LastMod, maxOf(byPath[p.Path].PublishedAt, byPath[p.Path].UpdatedAt))
			checked++
		}
	}

	var ns struct {
		URLs []struct {
			Loc  string `xml:"loc"`
			Date string `xml:"news>publication_date"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal([]byte(e.get("/news-sitemap.xml").body), &ns); err != nil {
		t.Fatal(err)
	}
	for _, u := range ns.URLs {
		check("news sitemap", "publication_date", u.Date, article("news sitemap", u.Loc).PublishedAt)
		checked++
	}
	if checked != 3+3+3+3+1 {
		t.Errorf("%d article dates checked, want 13", checked)
	}
}

// lastChange is when readers last saw the article change: its update, if it was
// updated, else its publication.
func lastChange(a *news.Article) time.Time {
	if a.WasUpdated() {
		return a.UpdatedAt
	}
	return a.PublishedAt
}

func maxOf(ts ...time.Time) time.Time {
	var m time.Time
	for _, t := range ts {
		if t.After(m) {
			m = t
		}
	}
	return m
}

// BenchmarkFeed measures the site's RSS feed (20 articles with their full text) rendered
// for every request, page cache off.
func BenchmarkFeed(b *testing.B) {
	t := &testing.T{}
	e := newEnv(t, 40, func(c *site.Config) { c.PageCache = false })
	req := httptest.NewRequest("GET", "/feed.xml", nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}

// An RSS reader takes an item's description as HTML: a plain-text summary that speaks of
// tags comes through as text, not as markup.
func TestRSSDescriptionIsText(t *testing.T) {
	e := newEnv(t, 1, nil)
	a := &news.Article{Slug: "tags-explained", Title: "Tags explained", Standfirst: "Never use the <b> tag for a heading & more.",
		BodyMarkdown: "x", BodyHTML: "<p>x</p>", Status: news.StatusPublished, PublishedAt: e.clock.Now().Add(-time.Hour)}
	if err := e.db.CreateArticle(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	e.srv.Sync(context.Background())
	f, err := gofeed.NewParser().ParseString(e.get("/feed.xml").body)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range f.Items {
		if it.Title == "Tags explained" {
			if strings.Contains(it.Description, "<b>") || html.UnescapeString(it.Description) != a.Standfirst {
				t.Errorf("description %q: as HTML it is not the standfirst", it.Description)
			}
			return
		}
	}
	t.Fatal("the article is not in the feed")
}
