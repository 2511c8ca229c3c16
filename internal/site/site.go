// Package site serves the public website: front page, articles with their comments,
// archives, feeds and sitemaps, rendered on the server with html/template from the
// store and kept in a page cache that the store's change log invalidates.
package site

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"broadsheet/internal/news"
	"broadsheet/internal/pagecache"
	"broadsheet/internal/render"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config is how the operator runs the site; what editors change lives in Settings.
type Config struct {
	// BaseURL is the site's public address, e.g. https://news.example.org; canonical
	// links, feeds and sitemaps use it.
	BaseURL string
	// PageCache keeps rendered pages in memory. Off only to measure the renderer.
	PageCache bool
	// CacheBytes bounds the page cache (default 64 MiB).
	CacheBytes int
	// CacheTTL is the longest a cached page is kept without an invalidation (default
	// one hour): the bound on how long time-dependent pages (comment forms, closing
	// comments, the news sitemap) can lag.
	CacheTTL time.Duration
	// CommentMinTime is the least time between showing the comment form and a post
	// (default 3 s): a person takes longer, a spam robot does not wait.
	CommentMinTime time.Duration
	// CommentMaxTime is how long a comment form stays valid (default 2 days).
	CommentMaxTime time.Duration
	// CommentBurst comments may be posted at once from one address, then one more
	// every CommentEvery (defaults 5 and 30 s).
	CommentBurst int
	CommentEvery time.Duration
	// TrustProxy takes the client's address from the last X-Forwarded-For entry, as
	// set by a reverse proxy in front of Broadsheet.
	TrustProxy bool
	// SitemapSize is the most articles one sitemap file lists (default 5,000); a site
	// with more gets a sitemap index.
	SitemapSize int
	// PollInterval is how often the change log is read for writes made elsewhere
	// (default 100 ms: a writer elsewhere waits about that long for this server).
	PollInterval time.Duration
	// SyncWait is the longest a write waits for the other servers to apply it
	// (default 2 s); a server that takes longer is named in the log.
	SyncWait time.Duration
	Logger   *slog.Logger
	Now      func() time.Time
}

func (c *Config) setDefaults() {
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.CacheBytes <= 0 {
		c.CacheBytes = 64 << 20
	}
	if c.CacheTTL <= 0 {
		c.CacheTTL = time.Hour
	}
	if c.CommentMinTime < 0 {
		c.CommentMinTime = 0
	} else if c.CommentMinTime == 0 {
		c.CommentMinTime = 3 * time.Second
	}
	if c.CommentMaxTime <= 0 {
		c.CommentMaxTime = 48 * time.Hour
	}
	if c.CommentBurst <= 0 {
		c.CommentBurst = 5
	}
	if c.CommentEvery <= 0 {
		c.CommentEvery = 30 * time.Second
	}
	if c.SitemapSize <= 0 {
		c.SitemapSize = 5000
	}
	if c.PollInterval <= 0 {
		c.PollInterval = 100 * time.Millisecond
	}
	if c.SyncWait <= 0 {
		c.SyncWait = 2 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Store is what the site needs of storage: the content, and the rate limits' counters
// (shared by every server, like the content).
type Store interface {
	news.Store
	news.Limits
	// TagRedirect: a tag's former addresses (news.ManageStore; formerTag).
	TagRedirect(ctx context.Context, slug string) (*news.Tag, error)
	news.PreviewStore // private preview links (preview.go)
}

// Server is the public site, an http.Handler.
type Server struct {
	store   Store
	cfg     Config
	log     *slog.Logger
	pages   map[string]*template.Template
	cache   *pagecache.Cache // nil when the page cache is off
	state   atomic.Pointer[siteState]
	handler http.Handler
	static  map[string]staticFile // by hashed name
	cssURL  string
	iconURL string
	robots  *pagecache.Page

	syncMu     sync.Mutex
	lastChange int64
	node       string // this server's ID in the store's node registry
	registered atomic.Bool
	// publicCount is the number of public articles, valid while listsEpoch (advanced by
	// every change to the lists) is what it was when counted.
	publicCount atomic.Pointer[countAt]
	listsEpoch  atomic.Uint64
}

// siteState is what every page shows that changes only with settings: read once, swapped
// whole when a change names news.KeyAll.
type siteState struct {
	settings *news.Settings
	sections []*news.Section
	nav      []*news.Article // the static pages in the navigation, in its order
	chrome   *chrome
	// feedIDBase begins every feed ID (news.SettingFeedIDBase).
	feedIDBase string
	// notFound is the 404 page, rendered on first use: an address that is not there
	// costs a lookup, never a render.
	notFound atomic.Pointer[pagecache.Page]
}

// withChrome is st with another chrome and everything else kept (the 404 page, which
// shows the chrome, rendered again). A field left out here is lost at new year.
func (st *siteState) withChrome(c *chrome) *siteState {
	return &siteState{settings: st.settings, sections: st.sections, nav: st.nav, chrome: c, feedIDBase: st.feedIDBase}
}

// chrome is the site's header and footer, rendered once per settings, sections and
// year: one header for each section the header lists (navSections; its page marks its
// own link as current) and one for every other page.
type chrome struct {
	year    int
	headers map[string]template.HTML // by the current section's slug; "" for none
	footer  template.HTML
	follow  template.HTML // "Follow us on …" under an article's byline
}

// Chrome is what the base template inserts around a page's content.
type Chrome struct{ Header, Footer, Follow template.HTML }

type staticFile struct {
	page *pagecache.Page
}

// New builds the site on store. The store's settings must hold a secret (see
// EnsureSettings).
func New(ctx context.Context, store Store, cfg Config) (*Server, error) {
	cfg.setDefaults()
	// Every address of the site is made from the base URL and a path from the root: a
	// base with a path of its own would be honoured by some addresses and not others.
	if u, err := url.Parse(cfg.BaseURL); cfg.BaseURL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.RawQuery != "" || u.Fragment != "" || u.User != nil || u.Path != "" {
		return nil, fmt.Errorf("site: the base URL %q is not the address of a site's root, such as https://news.example.org (a site at a path like /news is not supported: serve it from its own host name)", cfg.BaseURL)
	}
	s := &Server{store: store, cfg: cfg, log: cfg.Logger, node: newNodeID()}
	if cfg.PageCache {
		s.cache = pagecache.New(cfg.CacheBytes, cfg.Now)
	}
	// Feed IDs are minted once for the site, from its address on the day of its first
	// start (before the change log is read: the write is no change to apply); a database
	// that cannot be written serves readers with IDs minted in memory.
	if _, err := news.EnsureFeedIDBase(ctx, store, cfg.BaseURL, cfg.Now()); err != nil {
		s.log.Error("feed IDs are not stored, so they may change", "err", err)
	}
	last, err := store.LastChange(ctx)
	if err != nil {
		return nil, err
	}
	s.lastChange = last
	if err := s.loadStatic(); err != nil {
		return nil, err
	}
	if s.pages, err = s.parseTemplates(); err != nil {
		return nil, err
	}
	if err := s.loadState(ctx); err != nil {
		return nil, err
	}
	s.robots = pagecache.NewPage(http.StatusOK, s.headers("text/plain; charset=utf-8", "public, max-age=3600"), []byte(
		"User-agent: *\nAllow: /\nDisallow: /admin/\nDisallow: /comments/\nDisallow: /share/\nDisallow: /preview/\n\nSitemap: "+s.absURL("/sitemap.xml")+"\nSitemap: "+s.absURL("/news-sitemap.xml")+"\n"))
	s.handler = http.NewCrossOriginProtection().Handler(s.routes())
	return s, nil
}

func (s *Server) loadState(ctx context.Context) error {
	stored, err := s.store.Settings(ctx)
	if err != nil {
		return err
	}
	settings, err := news.ParseSettings(stored)
	if err != nil {
		return err
	}
	sections, err := s.store.Sections(ctx)
	if err != nil {
		return err
	}
	// The static pages with a place in the navigation, shown in every page's footer:
	// a page's write that changes them names the key all (sqlite's articleChangeKeys).
	nav, err := s.store.Articles(ctx, news.ArticleQuery{Kind: news.KindPage, InNav: true, PublicAt: s.now(), Limit: maxNavPages, Summaries: true})
	if err != nil {
		return err
	}
	st := &siteState{settings: settings, sections: sections, nav: nav, feedIDBase: stored[news.SettingFeedIDBase]}
	if st.feedIDBase == "" {
		if st.feedIDBase, err = news.NewFeedIDBase(s.cfg.BaseURL, s.now()); err != nil {
			return err
		}
	}
	if st.chrome, err = s.renderChrome(st, s.now().In(settings.Location).Year()); err != nil {
		return err
	}
	s.state.Store(st)
	return nil
}

func (s *Server) renderChrome(st *siteState, year int) (*chrome, error) {
	c := &chrome{year: year, headers: map[string]template.HTML{}}
	var buf strings.Builder
	data := struct {
		Site     *news.Settings
		Sections []*news.Section
		Nav      []*news.Article
		Current  string
		Year     int
	}{st.settings, navSections(st.sections), st.nav, "", year}
	base := s.pages["error"] // every page set holds the base templates
	for _, current := range append([]string{""}, sectionSlugs(data.Sections)...) {
		data.Current = current
		buf.Reset()
		if err := base.ExecuteTemplate(&buf, "site-header", data); err != nil {
			return nil, fmt.Errorf("render the site header: %w", err)
		}
		c.headers[current] = template.HTML(buf.String())
	}
	for name, out := range map[string]*template.HTML{"site-footer": &c.footer, "follow": &c.follow} {
		buf.Reset()
		if err := base.ExecuteTemplate(&buf, name, data); err != nil {
			return nil, fmt.Errorf("render %s: %w", name, err)
		}
		*out = template.HTML(buf.String())
	}
	return c, nil
}

// maxNavPages bounds the pages the navigation shows.
const maxNavPages = 20

// maxNavSections bounds the sections every page's header lists: a WordPress import
// may bring thousands of categories, and each header, rendered once per section it
// lists, listed them all (20,000 made the chrome 400 million links to render).
const maxNavSections = 30

// navSections is what the header lists: the top-level sections in the site's order
// (a nested one, a WordPress child category, is found under its parent's page and its
// stories), at most maxNavSections.
func navSections(secs []*news.Section) []*news.Section {
	var out []*news.Section
	for _, s := range secs {
		if s.ParentID == 0 {
			out = append(out, s)
			if len(out) == maxNavSections {
				break
			}
		}
	}
	return out
}

func sectionSlugs(secs []*news.Section) []string {
	out := make([]string, len(secs))
	for i, s := range secs {
		out[i] = s.Slug
	}
	return out
}

func (s *Server) loadStatic() error {
	s.static = map[string]staticFile{}
	return fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(p)
		name := strings.TrimSuffix(path.Base(p), ext) + "." + hex.EncodeToString(sum[:6]) + ext
		ctype := map[string]string{".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}[ext]
		s.static[name] = staticFile{page: pagecache.NewPage(http.StatusOK, s.headers(ctype, "public, max-age=31536000, immutable"), body)}
		switch path.Base(p) {
		case "style.css":
			s.cssURL = "/static/" + name
		case "icon.svg":
			s.iconURL = "/static/" + name
		}
		return nil
	})
}

func (s *Server) now() time.Time { return s.cfg.Now() }

// ServeHTTP answers from the page cache when it can, and otherwise routes the request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if (r.Method == http.MethodGet || r.Method == http.MethodHead) && s.serveWordPressQuery(w, r) {
		return // an imported site's /?p=ID and kin (wordpress.go), never cached under "/"
	}
	if s.cache != nil && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		if key, ok := s.cacheKey(r); ok {
			if p := s.cache.Get(key); p != nil {
				p.ServeHTTP(w, r)
				return
			}
		}
	}
	if (r.Method == http.MethodGet || r.Method == http.MethodHead) && s.serveOldPathWithoutSlash(w, r) {
		return // /archives/77, one hop (wordpress.go)
	}
	s.handler.ServeHTTP(w, r)
}

// cacheKey is where the page a GET asks for is cached: its path, whatever the query
// says, except for two queries WordPress themes use. A reply form (?replytocom=ID) is
// the same for every reader, so it is cached under the path and the comment's ID (the
// article handler sends an ID that is no approved comment of the article back to the
// article). A pending comment shown to its author (?unapproved=ID&moderation-hash=H)
// is personal — never cached — but only when the hash is right: any other query is
// answered from the cache, so that no one can make the server render at will.
func (s *Server) cacheKey(r *http.Request) (string, bool) {
	q := r.URL.RawQuery
	if q == "" || !strings.Contains(q, "replytocom") && !strings.Contains(q, "unapproved") {
		return r.URL.Path, true
	}
	if s.pendingComment(r) != 0 {
		return "", false
	}
	if id, err := strconv.ParseInt(r.URL.Query().Get("replytocom"), 10, 64); err == nil && id > 0 {
		return r.URL.Path + "?replytocom=" + strconv.FormatInt(id, 10), true
	}
	return r.URL.Path, true
}

// pendingComment returns the ID of the pending comment the request shows its author:
// the unapproved parameter's, when moderation-hash signs it; 0 otherwise.
func (s *Server) pendingComment(r *http.Request) int64 {
	q := r.URL.Query()
	id, err := strconv.ParseInt(q.Get("unapproved"), 10, 64)
	if err != nil || id <= 0 || !hmac.Equal([]byte(q.Get("moderation-hash")), []byte(s.moderationHash(id))) {
		return 0
	}
	return id
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", s.page(s.front))
	mux.Handle("GET /page/{n}/{$}", s.page(s.front))
	mux.Handle("GET /{y}/{m}/{d}/{slug}/{$}", s.page(s.article))
	mux.HandleFunc("GET /{y}/{m}/{d}/{slug}", addSlash)
	// An article's comment pages: /yyyy/mm/dd/slug/comment-page-N/ (WordPress's).
	mux.Handle("GET /{y}/{m}/{d}/{slug}/{cpage}/{$}", s.page(s.article))
	mux.HandleFunc("GET /{y}/{m}/{d}/{slug}/{cpage}", func(w http.ResponseWriter, r *http.Request) {
		if _, err := commentPageNumber(r.PathValue("cpage")); err != nil {
			s.serveError(w, r, s.state.Load(), err)
			return
		}
		addSlash(w, r)
	})
	for _, kind := range []string{"section", "tag", "author"} {
		mux.Handle("GET /"+kind+"/{slug}/{$}", s.page(s.archive))
		mux.Handle("GET /"+kind+"/{slug}/page/{n}/{$}", s.page(s.archive))
		mux.HandleFunc("GET /"+kind+"/{slug}", addSlash)
		for _, f := range feedFormats {
			mux.Handle("GET /"+kind+"/{slug}/"+f.file, s.page(s.feed))
		}
	}
	for _, f := range feedFormats {
		mux.Handle("GET /"+f.file, s.page(s.feed))
	}
	// Addresses WordPress sites use, for readers and aggregators that kept them.
	mux.Handle("GET /feed/{$}", http.RedirectHandler("/feed.xml", http.StatusMovedPermanently))
	mux.Handle("GET /feed/atom/{$}", http.RedirectHandler("/atom.xml", http.StatusMovedPermanently))
	mux.Handle("GET /feed/rss2/{$}", http.RedirectHandler("/feed.xml", http.StatusMovedPermanently))
	// WordPress's feed of every comment: the site has none; its feed of stories is the
	// nearest thing a reader of the old one can follow.
	mux.Handle("GET /comments/feed/{$}", http.RedirectHandler("/feed.xml", http.StatusMovedPermanently))
	mux.Handle("GET /sitemap.xml", s.page(s.sitemap))
	sitemaps := s.page(s.sitemap)
	mux.HandleFunc("GET /{file}", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.PathValue("file"), "sitemap-") { // sitemap-pages.xml, sitemap-N.xml
			sitemaps.ServeHTTP(w, r)
			return
		}
		// A static page's address typed without its slash (/about).
		if a, err := s.store.ArticleBySlug(r.Context(), news.NFC(r.PathValue("file"))); err == nil && a.IsPage() && a.IsPublic(s.now()) {
			http.Redirect(w, r, news.PagePath(a.Slug), http.StatusMovedPermanently)
			return
		}
		s.serveError(w, r, s.state.Load(), news.ErrNotFound)
	})
	// Static pages (pages.go): /{slug}/ and, when comments are on, its comment pages.
	// The article handler finds the page by its slug; a story's slug there is sent to
	// its dated address (WordPress's /%postname%/).
	mux.Handle("GET /{slug}/{$}", s.page(s.article))
	mux.Handle("GET /{slug}/{cpage}/{$}", s.page(s.article))
	mux.Handle("GET /news-sitemap.xml", s.page(s.newsSitemap))
	mux.Handle("GET /robots.txt", s.robots)
	mux.HandleFunc("GET /static/{name}", func(w http.ResponseWriter, r *http.Request) {
		if f, ok := s.static[r.PathValue("name")]; ok {
			f.page.ServeHTTP(w, r)
			return
		}
		s.serveError(w, r, s.state.Load(), news.ErrNotFound)
	})
	mux.HandleFunc("POST /comments/{$}", s.postComment)
	mux.HandleFunc("GET /share/{network}/{id}", s.share)
	mux.HandleFunc("GET /preview/{token}/{$}", s.previewLink) // private preview links (preview.go)
	// Any other address is not found, but may be an imported site's old path, which
	// s.page answers with a cached 301 (wordpress.go).
	mux.Handle("GET /", s.page(func(*http.Request, *siteState) (*response, error) { return nil, news.ErrNotFound }))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.serveError(w, r, s.state.Load(), news.ErrNotFound)
	})
	return mux
}

func addSlash(w http.ResponseWriter, r *http.Request) {
	u := *r.URL
	u.Path += "/"
	http.Redirect(w, r, u.String(), http.StatusMovedPermanently)
}

// Sync makes a write visible everywhere before the handler that made it answers: it
// applies the store's new changes to this server's page cache (reloading settings and
// sections when they changed), then waits, at most SyncWait, until every other live
// server (node) has applied them too. Handlers that write call it; the command line
// waits the same way through news.WaitForNodes.
func (s *Server) Sync(ctx context.Context) error {
	if err := s.apply(ctx); err != nil {
		return err
	}
	s.syncMu.Lock()
	last := s.lastChange
	s.syncMu.Unlock()
	behind, err := news.WaitForNodes(ctx, s.store, last, s.node, s.cfg.SyncWait)
	if err != nil {
		return err
	}
	for _, n := range behind {
		s.log.Warn("a server has not applied a change yet", "node", n.ID, "applied", n.Applied, "change", last)
	}
	return nil
}

// apply applies the store's new changes to the page cache and tells the store how far
// this node has got.
func (s *Server) apply(ctx context.Context) error {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	start := s.lastChange
	for {
		changes, err := s.store.Changes(ctx, s.lastChange)
		if err != nil {
			return fmt.Errorf("read change log: %w", err)
		}
		if len(changes) == 0 {
			break
		}
		var keys []string
		// A gap before the first change read means the log was trimmed past what this
		// node had applied: it cannot know what it missed, so it drops everything.
		all := changes[0].ID > s.lastChange+1 && s.lastChange > 0
		for _, c := range changes {
			for _, k := range c.Keys {
				all = all || k == news.KeyAll
			}
			keys = append(keys, c.Keys...)
		}
		if all {
			if err := s.loadState(ctx); err != nil {
				return fmt.Errorf("reload settings: %w", err)
			}
			keys = []string{news.KeyAll}
		}
		if s.cache != nil {
			s.cache.Invalidate(keys...)
		}
		if slices.Contains(keys, news.KeyLists) || slices.Contains(keys, news.KeyAll) {
			s.listsEpoch.Add(1)
		}
		s.lastChange = changes[len(changes)-1].ID
	}
	if s.lastChange != start && s.registered.Load() {
		return s.report(ctx)
	}
	return nil
}

// report tells the store this node is alive and how far it has applied the log.
func (s *Server) report(ctx context.Context) error {
	if err := s.store.ReportNode(ctx, s.node, s.lastChange, time.Now()); err != nil {
		return fmt.Errorf("report this server to the store: %w", err)
	}
	return nil
}

// Register records this server in the store's node registry, so that writers wait for
// it to apply their changes. It fails when the store cannot be written (a read-only
// database file, a full disk): the caller should say so.
func (s *Server) Register(ctx context.Context) error {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	if err := s.report(ctx); err != nil {
		return err
	}
	s.registered.Store(true)
	return nil
}

// Run follows the change log until ctx is done: every PollInterval it looks for
// changes made elsewhere (the command line, other nodes) and applies them, and it
// reports this node alive every news.NodeHeartbeat. On return it leaves the registry.
func (s *Server) Run(ctx context.Context) {
	t := time.NewTicker(s.cfg.PollInterval)
	defer t.Stop()
	lastReport := time.Now()
	for {
		select {
		case <-ctx.Done():
			if s.registered.Load() {
				rmCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
				s.store.RemoveNode(rmCtx, s.node)
				cancel()
			}
			return
		case <-t.C:
		}
		last, err := s.store.LastChange(ctx)
		s.syncMu.Lock()
		behind := last > s.lastChange
		s.syncMu.Unlock()
		if err == nil && behind {
			err = s.apply(ctx)
		}
		if err == nil && s.registered.Load() && time.Since(lastReport) >= news.NodeHeartbeat {
			s.syncMu.Lock()
			err = s.report(ctx)
			s.syncMu.Unlock()
			lastReport = time.Now()
		}
		if err != nil && ctx.Err() == nil {
			s.log.Error("follow the change log", "err", err)
		}
	}
}

// Cache returns the page cache (nil when it is off), for other handlers of the site's
// readers (the content API, package api) to keep their answers in: the change log
// this server follows (Run, Sync) then drops them with the pages.
func (s *Server) Cache() *pagecache.Cache { return s.cache }

// FeedIDBase returns the base of the site's feed IDs (news.ArticleFeedID).
func (s *Server) FeedIDBase() string { return s.state.Load().feedIDBase }

// CachedPages returns how many pages the cache holds (0 when it is off).
func (s *Server) CachedPages() int {
	if s.cache == nil {
		return 0
	}
	return s.cache.Len()
}

// articlePath is an article's address: /yyyy/mm/dd/slug/ by its publication date in the
// site's time zone; a page's is /slug/.
func articlePath(a *news.Article, loc *time.Location) string {
	if a.IsPage() {
		return news.PagePath(a.Slug) // a page has no date
	}
	t := a.PublishedAt.In(loc)
	return fmt.Sprintf("/%04d/%02d/%02d/%s/", t.Year(), int(t.Month()), t.Day(), a.Slug)
}

func (s *Server) parseTemplates() (map[string]*template.Template, error) {
	loc := func() *time.Location { return s.state.Load().settings.Location }
	funcs := template.FuncMap{
		"smart":      render.Smarten,
		"safeHTML":   func(s string) template.HTML { return template.HTML(s) }, // sanitised when stored
		"articleURL": func(a *news.Article) string { return articlePath(a, loc()) },
		"byline":     func(a *news.Article) template.HTML { return bylineHTML(a, loc()) },
		"inc":        func(i int) int { return i + 1 },
		"lower":      strings.ToLower,
	}
	base, err := template.New("base").Funcs(funcs).ParseFS(templateFS, "templates/base.html")
	if err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	pages := map[string]*template.Template{}
	for _, name := range []string{"front", "article", "page", "archive", "error"} {
		t, err := template.Must(base.Clone()).ParseFS(templateFS, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// ArticlePath returns an article's public address (its date in the site's time zone).
func (s *Server) ArticlePath(a *news.Article) string {
	return articlePath(a, s.state.Load().settings.Location)
}

// Secret returns the site's secret, which other parts of the server (the admin's
// form tokens) derive their keys from.
func (s *Server) Secret() []byte { return s.state.Load().settings.Secret }

// Location returns the site's time zone.
func (s *Server) Location() *time.Location { return s.state.Load().settings.Location }

// newNodeID names this server in the node registry: the host's name, for the operator
// reading a warning, and random bytes, so that two servers never share one.
func newNodeID() string {
	host, _ := os.Hostname()
	b := make([]byte, 6)
	rand.Read(b)
	return strings.Trim(host+"-"+hex.EncodeToString(b), "-")
}
