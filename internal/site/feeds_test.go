package site_test

import (
	"context"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

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
