package site

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"broadsheet/internal/feed"
	"broadsheet/internal/news"
	"broadsheet/internal/render"
)

// feedItems is how many articles a feed carries, with their full text.
const feedItems = 20

type feedFormat struct {
	file, contentType string
	write             func(feed.Feed) []byte
}

var feedFormats = []feedFormat{
	{"feed.xml", "application/rss+xml; charset=utf-8", feed.RSS},
	{"atom.xml", "application/atom+xml; charset=utf-8", feed.Atom},
	{"feed.json", "application/feed+json; charset=utf-8", feed.JSON},
}

// feed serves the site's feeds and those of a section, a tag or an author, in the
// format the file name says.
func (s *Server) feed(r *http.Request, st *siteState) (*response, error) {
	ctx := r.Context()
	dir, file := r.URL.Path[:strings.LastIndexByte(r.URL.Path, '/')+1], r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	var format feedFormat
	for _, f := range feedFormats {
		if f.file == file {
			format = f
		}
	}
	q := news.ArticleQuery{}
	title, dep := st.settings.Title, news.KeyLists
	description := st.settings.Tagline
	if kind := strings.Split(dir, "/")[1]; kind != "" {
		// One feed, one address and one ID (Atom's id and the feed's own links are
		// made from its address): a slug typed with decomposed letters is sent on to
		// its stored form (NFC), as the archive is.
		if slug := r.PathValue("slug"); news.NFC(slug) != slug {
			return &response{status: http.StatusMovedPermanently, location: strings.Replace(r.URL.Path, slug, news.NFC(slug), 1)}, nil
		}
		t, err := s.findTerm(ctx, kind, r.PathValue("slug"))
		if errors.Is(err, news.ErrNotFound) && kind == "tag" {
			return s.formerTag(ctx, r.PathValue("slug"), r.URL.Path)
		}
		if err != nil {
			return nil, err
		}
		q, dep = t.query, t.dep
		title, description = t.name+" – "+title, "Latest "+t.preposition+" "+t.name
	}
	q.PublicAt, q.Limit = s.now(), feedItems
	arts, err := s.store.Articles(ctx, q)
	if err != nil {
		return nil, err
	}
	if len(arts) == 0 && (strings.HasPrefix(dir, "/tag/") || strings.HasPrefix(dir, "/author/")) {
		return nil, news.ErrNotFound // as the archive: a tag only drafts carry is not there
	}
	f := feed.Feed{
		Title: title, Description: description, Language: st.settings.Language,
		SiteURL: s.absURL(dir), FeedURL: s.absURL(r.URL.Path), ID: news.FeedListID(st.feedIDBase, dir),
	}
	for _, a := range arts {
		u := s.absURL(articlePath(a, st.settings.Location))
		base, err := url.Parse(u)
		if err == nil && (!base.IsAbs() || base.Host == "") {
			err = errors.New("no scheme or host")
		}
		if err != nil {
			return nil, fmt.Errorf("feed: the site's base URL %q gives article addresses such as %q that are not absolute (%w); set --base-url to e.g. https://news.example.org", s.cfg.BaseURL, u, err)
		}
		// The ID is minted once: a rename, a new publication time, a new domain or time
		// zone change the address (u) but never what feed readers know the story by.
		it := feed.Item{ID: news.ArticleFeedID(st.feedIDBase, a), URL: u, Title: a.Title, Summary: summary(a, 300), ContentHTML: feedContent(a, base),
			Published: a.PublishedAt}
		if a.WasUpdated() {
			it.Updated = a.UpdatedAt
		}
		for _, au := range a.Byline() { // every author, in the byline's order
			it.Authors = append(it.Authors, feed.Person{Name: au.Name, URL: s.absURL("/author/" + au.Slug + "/")})
		}
		if a.Section != nil {
			it.Categories = append(it.Categories, a.Section.Name)
		}
		for _, t := range a.Tags {
			it.Categories = append(it.Categories, t.Name)
		}
		if a.FeaturedImage != nil && a.FeaturedImage.URL != "" {
			it.Image = feed.Resolve(base, a.FeaturedImage.URL)
		}
		f.Items = append(f.Items, it)
		f.Updated = maxTime(f.Updated, a.PublishedAt, a.UpdatedAt)
	}
	return &response{body: format.write(f), contentType: format.contentType, deps: []string{dep}}, nil
}

// absURL returns the absolute address, as a URI, of a site path such as "/tag/йошкар-ола/"
// (decoded, as r.URL.Path is): the base URL's host in IDNA ASCII form and the path
// percent-encoded as UTF-8 (see feed.Base.URL). Every address in a machine-read document
// (feeds, sitemaps, robots.txt) is made here: crawlers and feed readers take URIs, not
// IRIs. Pages may keep IRIs in href; browsers encode them.
func (s *Server) absURL(sitePath string) string {
	return feed.NewBase(s.cfg.BaseURL).URL(sitePath)
}

// feedContent is the article's full text for feeds: the standfirst, the featured image
// and the correction note come first, as on the page. Every address in it is resolved
// against the article's address base, as a browser showing the page resolves it: feed
// readers resolve against the feed's address, if at all, so "//cdn…/x.pdf", "/x" and
// "x" would lead elsewhere.
func feedContent(a *news.Article, base *url.URL) string {
	var b strings.Builder
	if a.Standfirst != "" {
		fmt.Fprintf(&b, "<p><strong>%s</strong></p>\n", escapeHTML(a.Standfirst))
	}
	if img := a.FeaturedImage; img != nil && img.URL != "" {
		fmt.Fprintf(&b, `<figure><img src="%s"`, escapeHTML(img.URL))
		if img.Srcset != "" {
			fmt.Fprintf(&b, ` srcset="%s"`, escapeHTML(img.Srcset))
		}
		fmt.Fprintf(&b, ` alt="%s">`, escapeHTML(img.Alt))
		if img.Caption != "" {
			fmt.Fprintf(&b, "<figcaption>%s</figcaption>", escapeHTML(img.Caption))
		}
		b.WriteString("</figure>\n")
	}
	if a.CorrectionNote != "" {
		fmt.Fprintf(&b, "<p><em>%s</em></p>\n", escapeHTML(a.CorrectionNote))
	}
	// Feed readers drop iframes: an embed is a link to what it shows.
	b.WriteString(render.EmbedLinks(a.BodyHTML))
	return feed.ResolveHTML(b.String(), base)
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")

func escapeHTML(s string) string { return htmlEscaper.Replace(s) }

func maxTime(ts ...time.Time) time.Time {
	var m time.Time
	for _, t := range ts {
		if t.After(m) {
			m = t
		}
	}
	return m
}

// sitemap serves /sitemap.xml: one sitemap while the site is small, else an index of
// /sitemap-pages.xml and /sitemap-N.xml files of SitemapSize articles each.
func (s *Server) sitemap(r *http.Request, st *siteState) (*response, error) {
	ctx := r.Context()
	total, err := s.publicArticles(ctx) // counted once per change to the lists
	if err != nil {
		return nil, err
	}
	size := s.cfg.SitemapSize
	files := (total + size - 1) / size
	xml := func(body []byte) *response {
		return &response{body: body, contentType: "application/xml; charset=utf-8", deps: []string{news.KeyLists}}
	}
	name := strings.TrimPrefix(r.URL.Path, "/")
	switch {
	case name == "sitemap.xml" && files > 1:
		var maps []feed.URL
		maps = append(maps, feed.URL{Loc: s.absURL("/sitemap-pages.xml")})
		for i := 1; i <= files; i++ {
			maps = append(maps, feed.URL{Loc: s.absURL(fmt.Sprintf("/sitemap-%d.xml", i))})
		}
		return xml(feed.SitemapIndex(maps)), nil
	case name == "sitemap.xml":
		urls, err := s.pageURLs(r, st)
		if err != nil {
			return nil, err
		}
		more, err := s.articleURLs(r, st, 0, size)
		if err != nil {
			return nil, err
		}
		return xml(feed.Sitemap(append(urls, more...))), nil
	case name == "sitemap-pages.xml" && files > 1:
		urls, err := s.pageURLs(r, st)
		if err != nil {
			return nil, err
		}
		return xml(feed.Sitemap(urls)), nil
	}
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(name, "sitemap-"), ".xml"))
	if err != nil || n < 1 || n > files || files < 2 || name != fmt.Sprintf("sitemap-%d.xml", n) {
		return nil, news.ErrNotFound
	}
	urls, err := s.articleURLs(r, st, (n-1)*size, size)
	if err != nil {
		return nil, err
	}
	return xml(feed.Sitemap(urls)), nil
}

// maxSitemapPages bounds the static pages one sitemap lists (a site has a handful).
const maxSitemapPages = 1000

// pageURLs are the site's own pages: the front page, the sections' and the public
// static pages (news.KindPage).
func (s *Server) pageURLs(r *http.Request, st *siteState) ([]feed.URL, error) {
	urls := []feed.URL{{Loc: s.absURL("/")}}
	for _, sec := range st.sections {
		urls = append(urls, feed.URL{Loc: s.absURL("/section/" + sec.Slug + "/")})
	}
	pages, err := s.store.Articles(r.Context(), news.ArticleQuery{Kind: news.KindPage, PublicAt: s.now(), Limit: maxSitemapPages, Summaries: true})
	if err != nil {
		return nil, err
	}
	for _, p := range pages {
		urls = append(urls, feed.URL{Loc: s.absURL(news.PagePath(p.Slug)), LastMod: maxTime(p.PublishedAt, p.UpdatedAt)})
	}
	return urls, nil
}

func (s *Server) articleURLs(r *http.Request, st *siteState, offset, limit int) ([]feed.URL, error) {
	arts, err := s.store.Articles(r.Context(), news.ArticleQuery{PublicAt: s.now(), Offset: offset, Limit: limit, Summaries: true})
	if err != nil {
		return nil, err
	}
	urls := make([]feed.URL, 0, len(arts))
	for _, a := range arts {
		urls = append(urls, feed.URL{Loc: s.absURL(articlePath(a, st.settings.Location)), LastMod: maxTime(a.PublishedAt, a.UpdatedAt)})
	}
	return urls, nil
}

// newsSitemap serves the Google News sitemap: the articles of the last two days (at
// most 1,000, as Google asks).
func (s *Server) newsSitemap(r *http.Request, st *siteState) (*response, error) {
	now := s.now()
	arts, err := s.store.Articles(r.Context(), news.ArticleQuery{PublicAt: now, Since: now.Add(-48 * time.Hour), Limit: 1000, Summaries: true})
	if err != nil {
		return nil, err
	}
	var entries []feed.NewsArticle
	for _, a := range arts {
		entries = append(entries, feed.NewsArticle{Loc: s.absURL(articlePath(a, st.settings.Location)), Title: a.Title, Published: a.PublishedAt})
	}
	body := feed.NewsSitemap(st.settings.Title, st.settings.Language, entries)
	// Articles leave this sitemap as time passes, with no write to say so.
	return &response{body: body, contentType: "application/xml; charset=utf-8", deps: []string{news.KeyLists}, ttl: 10 * time.Minute}, nil
}
