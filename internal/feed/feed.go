// Package feed writes a site's syndication documents: RSS 2.0, Atom 1.0 and JSON Feed
// 1.1 from one Feed value, and the sitemaps search engines read. It knows nothing of
// storage or HTTP. Its callers give absolute addresses; every address it writes is a URI
// (see ToURI), whatever it was given.
package feed

import (
	"bytes"
	"cmp"
	"encoding/json"
	"encoding/xml"
	"html"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
)

// Feed is a list of items in any of the three formats.
type Feed struct {
	Title       string
	Description string
	Language    string
	SiteURL     string // the HTML page the feed follows, absolute
	FeedURL     string // this feed's own address (its format's), absolute
	// ID is the feed's permanent identity (Atom's feed id); empty, its address.
	ID      string
	Updated time.Time
	Items   []Item
}

// Item is one article of a feed.
type Item struct {
	// ID is the item's permanent identity (RSS guid, Atom id, JSON Feed id): an
	// absolute URI or IRI that never changes, such as a tag: URI (RFC 4151); when it is
	// not URL, RSS marks it isPermaLink="false".
	ID          string
	URL         string // absolute
	Title       string
	Summary     string // plain text
	ContentHTML string // full body, sanitised HTML with absolute addresses (see ResolveHTML)
	// Authors are the byline's names, in order: RSS gives one dc:creator each (Dublin
	// Core repeats an element per creator; RSS 2.0's own <author> wants an email,
	// which a byline never shows), Atom one <author> each (RFC 4287 §4.1.2), JSON
	// Feed 1.1 its authors array.
	Authors    []Person
	Categories []string
	Image      string // absolute
	Published  time.Time
	Updated    time.Time
}

// Person is one author of an item: a name and, if any, the absolute address of their
// page (Atom's uri, JSON Feed's url).
type Person struct {
	Name, URL string
}

func (it Item) updated() time.Time {
	if it.Updated.After(it.Published) {
		return it.Updated
	}
	return it.Published
}

type rssDoc struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	Content string   `xml:"xmlns:content,attr"`
	DC      string   `xml:"xmlns:dc,attr"`
	Atom    string   `xml:"xmlns:atom,attr"`
	Channel rssChannel
}

type rssChannel struct {
	XMLName       xml.Name `xml:"channel"`
	Title         string   `xml:"title"`
	Link          string   `xml:"link"`
	Description   string   `xml:"description"`
	Language      string   `xml:"language,omitempty"`
	LastBuildDate string   `xml:"lastBuildDate,omitempty"`
	Generator     string   `xml:"generator"`
	Self          rssSelf  `xml:"atom:link"`
	Items         []rssItem
}

type rssSelf struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

type rssItem struct {
	XMLName     xml.Name `xml:"item"`
	Title       string   `xml:"title"`
	Link        string   `xml:"link"`
	GUID        rssGUID  `xml:"guid"`
	PubDate     string   `xml:"pubDate"`
	Creators    []string `xml:"dc:creator"`
	Categories  []string `xml:"category"`
	Description string   `xml:"description"`
	Content     cdata    `xml:"content:encoded"`
	Enclosure   *rssEnclosure
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

type rssEnclosure struct {
	XMLName xml.Name `xml:"enclosure"`
	URL     string   `xml:"url,attr"`
	Length  string   `xml:"length,attr"`
	Type    string   `xml:"type,attr"`
}

// cdata is escaped character data; encoding/xml also replaces characters XML forbids.
type cdata struct {
	Value string `xml:",chardata"`
}

// RSS writes the feed as RSS 2.0 with the full content in content:encoded.
func RSS(f Feed) []byte {
	ch := rssChannel{
		// RSS readers take <description> as HTML (the RSS 2.0 spec allows entity-encoded
		// HTML there): a plain-text summary is escaped, or "a <b> c" would be markup.
		Title: f.Title, Link: ToURI(f.SiteURL), Description: html.EscapeString(f.Description), Language: f.Language,
		Generator: "Broadsheet", Self: rssSelf{Href: ToURI(f.FeedURL), Rel: "self", Type: "application/rss+xml"},
	}
	if !f.Updated.IsZero() {
		ch.LastBuildDate = f.Updated.UTC().Format(time.RFC1123Z)
	}
	for _, it := range f.Items {
		ri := rssItem{
			Title: it.Title, Link: ToURI(it.URL), GUID: rssGUID{IsPermaLink: strconv.FormatBool(it.ID == it.URL), Value: ToURI(it.ID)},
			PubDate: it.Published.UTC().Format(time.RFC1123Z), Creators: names(it.Authors), Categories: it.Categories,
			Description: html.EscapeString(it.Summary), Content: cdata{it.ContentHTML},
		}
		if it.Image != "" {
			// The length is unknown here; RSS Best Practices allow 0 for that.
			ri.Enclosure = &rssEnclosure{URL: ToURI(it.Image), Length: "0", Type: imageType(it.Image)}
		}
		ch.Items = append(ch.Items, ri)
	}
	return marshalXML(rssDoc{Version: "2.0", Content: "http://purl.org/rss/1.0/modules/content/",
		DC: "http://purl.org/dc/elements/1.1/", Atom: "http://www.w3.org/2005/Atom", Channel: ch})
}

// imageType is the media type an image address's extension names (its path's, so
// that "x.png?v=2" is a PNG); JPEG, the most common, when it names none we know.
func imageType(addr string) string {
	p := addr
	if u, err := url.Parse(addr); err == nil {
		p = u.Path
	}
	switch strings.ToLower(path.Ext(p)) {
	case ".png":
		return "image/png"
	case ".gif":
		return "image/gif"
	case ".webp":
		return "image/webp"
	case ".avif":
		return "image/avif"
	case ".svg":
		return "image/svg+xml"
	}
	return "image/jpeg"
}

type atomDoc struct {
	XMLName  xml.Name   `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string     `xml:"xml:lang,attr,omitempty"`
	Title    string     `xml:"title"`
	Subtitle string     `xml:"subtitle,omitempty"`
	ID       string     `xml:"id"`
	Updated  string     `xml:"updated"`
	Links    []atomLink `xml:"link"`
	Gen      string     `xml:"generator"`
	Entries  []atomEntry
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomEntry struct {
	XMLName    xml.Name       `xml:"entry"`
	Title      string         `xml:"title"`
	ID         string         `xml:"id"`
	Link       atomLink       `xml:"link"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Authors    []atomAuthor   `xml:"author"`
	Categories []atomCategory `xml:"category"`
	Summary    string         `xml:"summary,omitempty"`
	Content    atomContent    `xml:"content"`
}

type atomAuthor struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

func names(people []Person) []string {
	var out []string
	for _, p := range people {
		out = append(out, p.Name)
	}
	return out
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomContent struct {
	Type  string `xml:"type,attr"`
	Value string `xml:",chardata"`
}

// Atom writes the feed as Atom 1.0 with the full content as escaped HTML.
func Atom(f Feed) []byte {
	doc := atomDoc{
		Lang: f.Language, Title: f.Title, Subtitle: f.Description, ID: ToURI(cmp.Or(f.ID, f.FeedURL)),
		Updated: rfc3339(f.Updated), Gen: "Broadsheet",
		Links: []atomLink{{Href: ToURI(f.SiteURL), Rel: "alternate", Type: "text/html"}, {Href: ToURI(f.FeedURL), Rel: "self", Type: "application/atom+xml"}},
	}
	for _, it := range f.Items {
		e := atomEntry{
			Title: it.Title, ID: ToURI(it.ID), Link: atomLink{Href: ToURI(it.URL), Rel: "alternate", Type: "text/html"},
			Published: rfc3339(it.Published), Updated: rfc3339(it.updated()), Summary: it.Summary,
			Content: atomContent{Type: "html", Value: it.ContentHTML},
		}
		for _, p := range it.Authors {
			e.Authors = append(e.Authors, atomAuthor{Name: p.Name, URI: ToURI(p.URL)})
		}
		if len(e.Authors) == 0 {
			e.Authors = []atomAuthor{{Name: f.Title}} // Atom requires an author
		}
		for _, c := range it.Categories {
			e.Categories = append(e.Categories, atomCategory{Term: c})
		}
		doc.Entries = append(doc.Entries, e)
	}
	return marshalXML(doc)
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return t.UTC().Format(time.RFC3339)
}

func marshalXML(v any) []byte {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	if err := enc.Encode(v); err != nil {
		panic("feed: " + err.Error()) // only our own fixed types are encoded
	}
	buf.WriteByte('\n')
	return buf.Bytes()
}

type jsonFeed struct {
	Version     string     `json:"version"`
	Title       string     `json:"title"`
	HomePageURL string     `json:"home_page_url"`
	FeedURL     string     `json:"feed_url"`
	Description string     `json:"description,omitempty"`
	Language    string     `json:"language,omitempty"`
	Items       []jsonItem `json:"items"`
}

type jsonItem struct {
	ID            string       `json:"id"`
	URL           string       `json:"url"`
	Title         string       `json:"title"`
	ContentHTML   string       `json:"content_html"`
	Summary       string       `json:"summary,omitempty"`
	Image         string       `json:"image,omitempty"`
	DatePublished string       `json:"date_published"`
	DateModified  string       `json:"date_modified,omitempty"`
	Authors       []jsonAuthor `json:"authors,omitempty"`
	Tags          []string     `json:"tags,omitempty"`
}

type jsonAuthor struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// JSON writes the feed as JSON Feed 1.1.
func JSON(f Feed) []byte {
	doc := jsonFeed{Version: "https://jsonfeed.org/version/1.1", Title: f.Title, HomePageURL: ToURI(f.SiteURL),
		FeedURL: ToURI(f.FeedURL), Description: f.Description, Language: f.Language, Items: []jsonItem{}}
	for _, it := range f.Items {
		ji := jsonItem{ID: ToURI(it.ID), URL: ToURI(it.URL), Title: it.Title, ContentHTML: it.ContentHTML, Summary: it.Summary,
			DatePublished: rfc3339(it.Published), Tags: it.Categories}
		if it.Image != "" {
			ji.Image = ToURI(it.Image)
		}
		if !it.Updated.IsZero() {
			ji.DateModified = rfc3339(it.updated())
		}
		for _, p := range it.Authors {
			ji.Authors = append(ji.Authors, jsonAuthor{Name: p.Name, URL: ToURI(p.URL)})
		}
		doc.Items = append(doc.Items, ji)
	}
	out, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		panic("feed: " + err.Error())
	}
	return append(out, '\n')
}
