package feed

import (
	"encoding/xml"
	"time"
)

// URL is one address of a sitemap.
type URL struct {
	Loc     string // absolute; written as a URI (see ToURI), as the sitemaps protocol asks
	LastMod time.Time
}

type urlset struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

func lastmod(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// Sitemap writes a sitemap (at most 50,000 URLs, by the protocol).
func Sitemap(urls []URL) []byte {
	doc := urlset{URLs: []sitemapURL{}}
	for _, u := range urls {
		doc.URLs = append(doc.URLs, sitemapURL{Loc: ToURI(u.Loc), LastMod: lastmod(u.LastMod)})
	}
	return marshalXML(doc)
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapURL `xml:"sitemap"`
}

// SitemapIndex writes an index of sitemaps.
func SitemapIndex(sitemaps []URL) []byte {
	doc := sitemapIndex{}
	for _, u := range sitemaps {
		doc.Sitemaps = append(doc.Sitemaps, sitemapURL{Loc: ToURI(u.Loc), LastMod: lastmod(u.LastMod)})
	}
	return marshalXML(doc)
}

// NewsArticle is one entry of a Google News sitemap.
type NewsArticle struct {
	Loc       string
	Title     string
	Published time.Time
}

type newsURLSet struct {
	XMLName xml.Name  `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	News    string    `xml:"xmlns:news,attr"`
	URLs    []newsURL `xml:"url"`
}

type newsURL struct {
	Loc  string `xml:"loc"`
	News struct {
		Publication struct {
			Name     string `xml:"news:name"`
			Language string `xml:"news:language"`
		} `xml:"news:publication"`
		Date  string `xml:"news:publication_date"`
		Title string `xml:"news:title"`
	} `xml:"news:news"`
}

// NewsSitemap writes a Google News sitemap for the publication, whose language is a
// BCP 47 tag (the site's setting, e.g. en-GB) written as Google asks (see NewsLanguage).
func NewsSitemap(publication, language string, arts []NewsArticle) []byte {
	doc := newsURLSet{News: "http://www.google.com/schemas/sitemap-news/0.9", URLs: []newsURL{}}
	lang := NewsLanguage(language)
	for _, a := range arts {
		var u newsURL
		u.Loc = ToURI(a.Loc)
		u.News.Publication.Name = publication
		u.News.Publication.Language = lang
		u.News.Date = a.Published.UTC().Format(time.RFC3339)
		u.News.Title = a.Title
		doc.URLs = append(doc.URLs, u)
	}
	return marshalXML(doc)
}
