package site

import (
	"bytes"
	"errors"
	"html"
	"html/template"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/language"

	"broadsheet/internal/httpx"
	"broadsheet/internal/news"
	"broadsheet/internal/pagecache"
	"broadsheet/internal/render"
)

// view is what the base template shows around every page's own content (Body).
type view struct {
	Site        *news.Settings
	Sections    []*news.Section
	Path        string
	Title       string // this page's part of <title>
	Description string
	Canonical   string
	NoIndex     bool
	OG          *openGraph
	JSONLD      template.HTML
	Head        template.HTML // the head's links and meta tags, see headHTML
	Feeds       []feedLink
	CSS, Icon   string
	Chrome      Chrome
	Body        any
}

type openGraph struct {
	Type, Title, Description, URL string
	Image                         *news.Image
	Published, Modified           time.Time
	Section                       string
	Tags                          []string
}

// headHTML writes the head's links and meta tags (description, canonical link, feeds,
// Open Graph, Twitter card, JSON-LD): lists of name/value pairs, built here with every
// value escaped rather than as some forty template actions.
func (v *view) headHTML() template.HTML {
	var b strings.Builder
	tag := func(attr, name, content string) {
		if content != "" {
			b.WriteString(`<meta ` + attr + `="` + name + `" content="` + html.EscapeString(content) + "\">\n")
		}
	}
	tag("name", "description", v.Description)
	if v.Canonical != "" {
		b.WriteString(`<link rel="canonical" href="` + html.EscapeString(v.Canonical) + "\">\n")
	}
	if v.NoIndex {
		tag("name", "robots", "noindex")
	}
	for _, f := range v.Feeds {
		b.WriteString(`<link rel="alternate" type="` + f.Type + `" title="` + html.EscapeString(f.Title) + `" href="` + html.EscapeString(f.URL) + "\">\n")
	}
	if og := v.OG; og != nil {
		og.meta(&b, v.Site, tag)
	}
	b.WriteString(string(v.JSONLD))
	return template.HTML(b.String())
}

// meta writes the Open Graph and Twitter card tags.
func (og *openGraph) meta(b *strings.Builder, site *news.Settings, tag func(attr, name, content string)) {
	tag("property", "og:site_name", site.Title)
	tag("property", "og:type", og.Type)
	tag("property", "og:title", og.Title)
	tag("property", "og:description", og.Description)
	tag("property", "og:url", og.URL)
	tag("property", "og:locale", ogLocale(site.Language))
	card := "summary"
	if img := og.Image; img != nil {
		tag("property", "og:image", img.URL)
		tag("property", "og:image:alt", img.Alt)
		card = "summary_large_image"
	}
	if !og.Published.IsZero() {
		tag("property", "article:published_time", og.Published.UTC().Format(time.RFC3339))
	}
	if !og.Modified.IsZero() {
		tag("property", "article:modified_time", og.Modified.UTC().Format(time.RFC3339))
	}
	tag("property", "article:section", og.Section)
	for _, t := range og.Tags {
		tag("property", "article:tag", t)
	}
	tag("name", "twitter:card", card) // its title, description and image fall back to og:*
}

type feedLink struct{ Title, Type, URL string }

func (s *Server) newView(r *http.Request, st *siteState, title string) *view {
	ch := st.chrome
	if year := s.now().In(st.settings.Location).Year(); year != ch.year { // a new year's footer
		if fresh, err := s.renderChrome(st, year); err == nil {
			ch = fresh
			s.state.CompareAndSwap(st, st.withChrome(fresh))
		}
	}
	current := ""
	if rest, ok := strings.CutPrefix(r.URL.Path, "/section/"); ok && strings.Count(rest, "/") == 1 {
		current = strings.TrimSuffix(rest, "/")
	}
	header, ok := ch.headers[current]
	if !ok {
		header = ch.headers[""]
	}
	return &view{
		Site: st.settings, Sections: st.sections, Path: r.URL.Path, Title: title,
		CSS: s.cssURL, Icon: s.iconURL, Chrome: Chrome{Header: header, Footer: ch.footer, Follow: ch.follow},
		Feeds: []feedLink{
			{st.settings.Title + " (RSS)", "application/rss+xml", "/feed.xml"},
			{st.settings.Title + " (Atom)", "application/atom+xml", "/atom.xml"},
			{st.settings.Title + " (JSON Feed)", "application/feed+json", "/feed.json"},
		},
	}
}

// response is what a page handler produces: a template to render or a body, and how
// it may be cached.
type response struct {
	status      int
	template    string
	view        *view
	body        []byte
	contentType string
	location    string // for redirects
	// deps are the cache keys the page shows; a response without deps is not cached.
	deps []string
	// private marks a page made for one reader: sent with no-store, never cached.
	private bool
	ttl     time.Duration
	// formArticle and formToken: the page holds the comment form of that article,
	// whose token is made afresh for every response (see formTokens).
	formArticle int64
	formToken   string
	// csp replaces the Content-Security-Policy of the page (an article with embeds:
	// embedCSP).
	csp string
}

// httpError is an error page with a status and words for the reader.
type httpError struct {
	status           int
	heading, message string
}

func (e *httpError) Error() string { return e.heading }

// page adapts a page handler: it renders the response, caches it when it may (and when
// no invalidation happened while it rendered), and sends it.
func (s *Server) page(fn func(r *http.Request, st *siteState) (*response, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var epoch uint64
		if s.cache != nil {
			epoch = s.cache.Begin()
		}
		st := s.state.Load()
		resp, err := fn(r, st)
		if errors.Is(err, news.ErrNotFound) {
			// Nothing of the site's own is there: an imported site's old path may be
			// (wordpress.go), answered as a cached 301.
			if old, oerr := s.oldPathResponse(r.Context(), r.URL.Path); oerr == nil {
				resp, err = old, nil
			} else if !errors.Is(oerr, news.ErrNotFound) {
				err = oerr
			} else {
				err = errNoOldAddress
			}
		}
		if err != nil {
			s.serveError(w, r, st, err)
			return
		}
		if resp.location != "" && resp.deps != nil {
			// A permanent redirect the store's changes can invalidate: cached.
			p := s.redirectPage(resp)
			if s.cache != nil && !resp.private {
				if key, ok := s.cacheKey(r); ok {
					s.cache.Put(key, p, epoch)
				}
			}
			p.ServeHTTP(w, r)
			return
		}
		if resp.location != "" {
			http.Redirect(w, r, resp.location, resp.status)
			return
		}
		p, err := s.build(resp)
		if err != nil {
			s.serveError(w, r, st, err)
			return
		}
		if s.cache != nil && resp.deps != nil && !resp.private && resp.status == http.StatusOK {
			if key, ok := s.cacheKey(r); ok {
				s.cache.Put(key, p, epoch)
			}
		}
		p.ServeHTTP(w, r)
	})
}

func (s *Server) build(resp *response) (*pagecache.Page, error) {
	if resp.status == 0 {
		resp.status = http.StatusOK
	}
	body := resp.body
	if resp.template != "" {
		resp.view.Head = resp.view.headHTML()
		buf := renderBuffers.Get().(*bytes.Buffer)
		buf.Reset()
		err := s.pages[resp.template].ExecuteTemplate(buf, "base", resp.view)
		body = bytes.Clone(buf.Bytes()) // the page keeps its body; the buffer goes back
		renderBuffers.Put(buf)
		if err != nil {
			return nil, err
		}
		resp.contentType = "text/html; charset=utf-8"
	}
	// Browsers revalidate every time (a 304 from the page cache is cheap), so a reader
	// never sees their own browser's stale copy after posting a comment; CDNs and other
	// shared caches may keep a page for 30 seconds.
	cacheControl := "public, max-age=0, must-revalidate, s-maxage=30"
	if resp.private || resp.status != http.StatusOK {
		cacheControl = "private, no-store"
	}
	h := s.headers(resp.contentType, cacheControl)
	if resp.csp != "" {
		h["Content-Security-Policy"] = []string{resp.csp}
	}
	p := pagecache.NewPage(resp.status, h, body)
	p.Deps = resp.deps
	if resp.formToken != "" {
		if at := bytes.Index(body, []byte(resp.formToken)); at >= 0 {
			p.SetFill(at, len(resp.formToken), s.formTokens(resp.formArticle))
		}
	}
	ttl := s.cfg.CacheTTL
	if resp.ttl > 0 && resp.ttl < ttl {
		ttl = resp.ttl
	}
	p.Expires = s.now().Add(ttl)
	return p, nil
}

// renderBuffers hold pages while they render, reused so that each render allocates
// only its result.
var renderBuffers = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 32<<10)) }}

// contentSecurityPolicy allows no script at all and nothing from other origins but
// images and the files of players (articles may show pictures, sound and video hosted
// elsewhere; render keeps an <audio> or <video> only with https files or the site's own).
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self' https: data:; media-src 'self' https:; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// embedCSP is the policy of a page that shows embeds: contentSecurityPolicy with a
// frame-src naming exactly the hosts the settings allow to be framed (the built-in
// providers' and news.SettingEmbedHosts, render.FrameSrc). Every other page keeps
// default-src 'none' for frames: nothing can be framed there. A change of the setting
// drops every cached page (it names news.KeyAll), so no page keeps an old list. The
// site's own host is never named, even when the setting lists it (only the admin's
// settings form can refuse it: the command line does not know the site's address), so
// no page can frame the site itself with the embeds' sandbox.
func (s *Server) embedCSP(settings *news.Settings) string {
	return contentSecurityPolicy + "; " + render.FrameSrc(render.Embeds{Hosts: settings.EmbedHosts, Self: news.SiteHost(s.cfg.BaseURL)})
}

// headers are the headers every response of the site carries. Each header costs every
// cached response a measurable share of its time, so there are none for show: CSP's
// frame-ancestors does what X-Frame-Options did, and the pages use no feature a
// Permissions-Policy would need to switch off.
func (s *Server) headers(contentType, cacheControl string) http.Header {
	h := http.Header{
		"Content-Type":            {contentType},
		"Cache-Control":           {cacheControl},
		"Content-Security-Policy": {contentSecurityPolicy},
		"X-Content-Type-Options":  {"nosniff"},
		"Referrer-Policy":         {"strict-origin-when-cross-origin"},
	}
	if len(s.cfg.BaseURL) > 8 && s.cfg.BaseURL[:8] == "https://" {
		h["Strict-Transport-Security"] = []string{"max-age=31536000"}
	}
	return h
}

// serveError sends an error page: 404 for what is not there, the status of an
// httpError, and 500 (logged, never shown) for anything else.
func (s *Server) serveError(w http.ResponseWriter, r *http.Request, st *siteState, err error) {
	he := &httpError{}
	switch {
	case errors.As(err, &he):
	case errors.Is(err, news.ErrNotFound):
		if (r.Method == http.MethodGet || r.Method == http.MethodHead) && err != errNoOldAddress {
			// An imported site's old path (wordpress.go) where no page handler looked
			// for it: one 301 to where it is now.
			if old, err := s.oldPathResponse(r.Context(), r.URL.Path); err == nil {
				permanent(w, r, old.location)
				return
			} else if !errors.Is(err, news.ErrNotFound) {
				s.log.Error("old address", "path", httpx.LogPath(r.URL.Path), "err", err)
			}
		}
		p := st.notFound.Load()
		if p == nil {
			built, err := s.build(s.errorResponse(r, st, errNotFound))
			if err != nil {
				s.log.Error("render error page", "err", err)
				http.Error(w, errNotFound.message, http.StatusNotFound)
				return
			}
			st.notFound.Store(built)
			p = built
		}
		p.ServeHTTP(w, r)
		return
	default:
		s.log.Error("render page", "path", httpx.LogPath(r.URL.Path), "err", err)
		he = &httpError{http.StatusInternalServerError, "Something went wrong", "Sorry, this page could not be shown. Please try again in a moment."}
	}
	p, berr := s.build(s.errorResponse(r, st, he))
	if berr != nil {
		s.log.Error("render error page", "err", berr)
		http.Error(w, he.message, he.status)
		return
	}
	p.ServeHTTP(w, r)
}

var errNotFound = &httpError{http.StatusNotFound, "Page not found", "Sorry, there is nothing at this address. It may have moved, or the link may be mistyped."}

func (s *Server) errorResponse(r *http.Request, st *siteState, he *httpError) *response {
	v := s.newView(r, st, he.heading)
	v.NoIndex = true
	v.Body = he
	return &response{status: he.status, template: "error", view: v}
}

// Heading and Message let the error template read an httpError.
func (e *httpError) Heading() string { return e.heading }
func (e *httpError) Message() string { return e.message }

// ogLocale is the Open Graph locale of a language tag: language_TERRITORY ("en_GB"), as
// Facebook's locales are written, or "" when the tag names no territory (a script or
// extensions alone make none).
func ogLocale(lang string) string {
	tag, err := language.Parse(lang)
	if err != nil {
		return ""
	}
	base, _ := tag.Base()
	region, conf := tag.Region()
	if conf != language.Exact || base.String() == "und" {
		return ""
	}
	return base.String() + "_" + region.String()
}
