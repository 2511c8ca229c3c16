// Package api is the read-only content API at /api/v1/ (issue 9, item 6): articles,
// static pages, sections, tags, authors and approved comments as JSON of its own types (never the
// store's structs), with ETags, CORS for reads and RFC 9457 problem documents, described
// by the OpenAPI 3.1 document embedded beside it (openapi.json).
//
// Answers are kept in the site's page cache (package pagecache), each listing the cache
// keys it shows (news.KeyArticle, KeyLists, KeySection, KeyTag, KeyAuthor), so that the
// change-log follower (site.Server.Run and Sync) drops them with the pages. Every
// answer's cost is bounded before the work: parameters are checked and bounded, lists
// page by keyset (an opaque cursor; no OFFSET), and a page of articles stops at
// maxListBytes of JSON.
//
// Anonymous readers see public articles and approved comments (viewer), and their
// answers are cached. A request with a bearer token (writes.go: the admin API) is
// authorised through the same news.Role.Can, User.CanEdit and CanMove as the admin, and
// its answers are never cached.
package api

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"broadsheet/internal/media"
	"broadsheet/internal/news"
	"broadsheet/internal/pagecache"
)

// Prefix is where the API lives; every path below starts with it.
const Prefix = "/api/v1/"

//go:embed openapi.json
var openAPIDocument []byte

// Bounds on what a request may ask (see the package comment).
const (
	maxQueryBytes = 1024 // the whole query string
	maxSlugBytes  = 200  // a slug parameter
	maxCursor     = 256  // a cursor, as sent
	// maxListBytes bounds a page of articles: past it the page ends early (at least one
	// article is always sent) and its cursor goes on from the last one sent. An
	// article's body is bounded by the renderer, so a page is too.
	maxListBytes = 2 << 20
)

// Store is what the API reads.
type Store interface {
	news.Store
	news.APIStore
	news.WPStore
	news.UserStore     // the tokens' accounts, and the rate limits
	news.APITokenStore // the admin API's tokens
	news.PreviewStore  // the status an article had before the trash
	news.IdempotencyStore
}

// Config is how the API is wired into a site.
type Config struct {
	// BaseURL is the site's public address (no trailing slash), for permalinks.
	BaseURL string
	// ArticlePath is an article's public path (site.Server.ArticlePath).
	ArticlePath func(*news.Article) string
	// FeedIDBase begins the feed ID of an article without its own (news.ArticleFeedID;
	// site.Server.FeedIDBase).
	FeedIDBase func() string
	// Cache is the site's page cache (site.Server.Cache), shared so that the same
	// change-log follower invalidates it; nil: every answer is built afresh.
	Cache *pagecache.Cache
	// CacheTTL is the longest an answer is kept without an invalidation (default one
	// hour, as the site's pages): the bound on how long a time-dependent answer lags.
	CacheTTL time.Duration
	// MaxAge is the Cache-Control max-age of an answer (default 60 s).
	MaxAge time.Duration
	// Location is the site's time zone (site.Server.Location), in which WordPress's
	// "date" fields are written; nil: UTC.
	Location func() *time.Location
	// CommentPath is where a comment shows on the site (site.Server.CommentPath), for
	// WordPress's comment "link"; nil: its article's old WordPress address with the
	// comment's anchor.
	CommentPath func(context.Context, *news.Comment) string
	Logger      *slog.Logger
	Now         func() time.Time
	// Secret keys the rate limits' counters (news.LimitKey), the site's secret.
	Secret []byte
	// Sync makes a write seen on every node before it is answered (site.Server.Sync).
	Sync func(context.Context) error
	// Media keeps uploaded images; nil refuses uploads.
	Media media.Files
}

// Server is the content API, an http.Handler for paths under Prefix.
type Server struct {
	store  Store
	cfg    Config
	mux    *http.ServeMux
	header http.Header // an answer's headers
	// wpHeader are the headers of WordPress-shaped answers (wp.go).
	wpHeader http.Header
	staffMux *http.ServeMux // requests with a token (writes.go)
	openAPI  *pagecache.Page
}

// New returns the API on store.
func New(store Store, cfg Config) *Server {
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.CacheTTL <= 0 {
		cfg.CacheTTL = time.Hour
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location = func() *time.Location { return time.UTC }
	}
	if cfg.FeedIDBase == nil {
		cfg.FeedIDBase = func() string { return "" }
	}
	s := &Server{store: store, cfg: cfg}
	// Five headers, with the three a page may add (ETag, Content-Length,
	// Content-Encoding; it adds Accept-Encoding to Vary): a header map of more than eight entries costs a cached answer
	// a second allocation and a rehash, which measured 40% of its time
	// (BenchmarkCachedAPIVsArticlePage). JSON with nosniff is never rendered as a
	// document, so no Content-Security-Policy; the ETag is not exposed to scripts
	// (Access-Control-Expose-Headers), as a browser's cache revalidates on their behalf.
	//
	// Vary: Authorization, because the same address answers a token otherwise (the
	// staff article of GET /articles/{id}): a shared cache must not give a token's
	// request the copy it kept for readers (RFC 9111 §4.1).
	s.header = http.Header{
		"Content-Type":                {"application/json"},
		"Cache-Control":               {"public, max-age=" + strconv.Itoa(int(cfg.MaxAge/time.Second))},
		"Access-Control-Allow-Origin": {"*"},
		"X-Content-Type-Options":      {"nosniff"},
		"Vary":                        {"Authorization"},
	}
	// WordPress's: its content type, and its totals and Link exposed to scripts of any
	// origin, as WordPress exposes them (rest_send_cors_headers).
	s.wpHeader = http.Header{
		"Content-Type":                  {"application/json; charset=UTF-8"},
		"Cache-Control":                 s.header["Cache-Control"],
		"Access-Control-Allow-Origin":   {"*"},
		"Access-Control-Expose-Headers": {"X-WP-Total, X-WP-TotalPages, Link"},
		"X-Content-Type-Options":        {"nosniff"},
	}
	s.openAPI = pagecache.NewPage(http.StatusOK, s.header, openAPIDocument)
	s.mux = http.NewServeMux()
	s.mux.Handle("GET "+Prefix+"openapi.json", s.openAPI)
	s.mux.Handle("GET "+Prefix+"articles", s.answer(s.articles))
	s.mux.Handle("GET "+Prefix+"articles/{id}", s.answer(s.articleByID))
	// by-slug/{slug} and {id}/comments overlap (by-slug/comments), so one pattern takes
	// both and articleSub tells them apart.
	s.mux.Handle("GET "+Prefix+"articles/{a}/{b}", s.answer(s.articleSub))
	s.mux.Handle("GET "+Prefix+"pages", s.answer(s.pages))
	s.mux.Handle("GET "+Prefix+"pages/{id}", s.answer(s.pageByID))
	s.mux.Handle("GET "+Prefix+"pages/by-slug/{slug}", s.answer(s.pageBySlug))
	s.mux.Handle("GET "+Prefix+"sections", s.answer(s.sections))
	s.mux.Handle("GET "+Prefix+"tags", s.answer(s.tags))
	s.mux.Handle("GET "+Prefix+"authors", s.answer(s.authors))
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.problem(w, r, notFound("There is no such address in the API; its operations are listed at "+Prefix+"openapi.json."))
	})
	s.staffMux = s.staffHandlers()
	return s
}

// ServeHTTP answers a request under Prefix, or one IsWP accepts (WordPress's shape,
// wp.go): OPTIONS (CORS preflight), GET and HEAD; a
// GET whose answer is cached is sent from memory (304 on a matching If-None-Match).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, Prefix) {
		s.serveWP(w, r) // WordPress's shape (wp.go): IsWP(r)
		return
	}
	if !acceptsJSON(r.Header.Get("Accept")) {
		s.problem(w, r, &problem{Status: http.StatusNotAcceptable,
			Detail: "The API answers in application/json (errors in application/problem+json); the Accept header allows neither."})
		return
	}
	if r.Header.Get("Authorization") != "" {
		// The admin API: never from the cache, never into it.
		s.serveStaff(w, r.WithContext(context.WithValue(r.Context(), writerKey{}, w)))
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodOptions:
		s.preflight(w, r, "Accept, If-None-Match, Cache-Control")
		return
	case http.MethodPost, http.MethodPatch, http.MethodDelete:
		// Writes take a bearer token, never a cookie: a browser sends cookies on its
		// own, a token only when a script was given it (no CSRF).
		s.unauthorized(w, r, "Writes need an API token made in the admin (Tokens), sent as: Authorization: Bearer bs_…. A signed-in browser's cookies are not enough.")
		return
	default:
		w.Header().Set("Allow", "GET, HEAD, OPTIONS")
		s.problem(w, r, &problem{Status: http.StatusMethodNotAllowed,
			Detail: "Use GET (or HEAD, or OPTIONS for a CORS preflight); writes take POST, PATCH or DELETE with a token."})
		return
	}
	if s.cfg.Cache != nil {
		if p := s.cfg.Cache.Get(cacheKey(r)); p != nil {
			p.ServeHTTP(w, r)
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// preflight answers a CORS preflight (Fetch standard, "CORS-preflight request"): any
// origin may read, with GET or HEAD and the headers a conditional GET sends; no
// credentials (Access-Control-Allow-Credentials is never sent, so browsers send no
// cookies' answers to scripts).
func (s *Server) preflight(w http.ResponseWriter, r *http.Request, allowHeaders string) {
	h := w.Header()
	h.Set("Allow", "GET, HEAD, OPTIONS")
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
	h.Set("Access-Control-Allow-Headers", allowHeaders)
	h.Set("Access-Control-Max-Age", "86400")
	h.Set("Cache-Control", "public, max-age=86400")
	w.WriteHeader(http.StatusNoContent)
}

// acceptsJSON reports whether an Accept header (RFC 9110 §12.5.1) allows
// application/json: absent, */*, application/*, application/json or
// application/problem+json with a q above 0.
func acceptsJSON(accept string) bool {
	if accept == "" {
		return true
	}
	if len(accept) > 1024 {
		return false
	}
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "*/*", "application/*", "application/json", "application/problem+json":
		default:
			continue
		}
		if q, ok := params["q"]; ok {
			if v, err := strconv.ParseFloat(q, 64); err != nil || v <= 0 {
				continue
			}
		}
		return true
	}
	return false
}

// cacheKey is where an answer is cached: the path and the query's parameters in a
// fixed order. The query's size is bounded before it is parsed (ServeHTTP's handler
// refuses a longer one); an unknown or malformed query is never cached, so it misses.
func cacheKey(r *http.Request) string {
	if r.URL.RawQuery == "" {
		return r.URL.Path
	}
	if len(r.URL.RawQuery) > maxQueryBytes {
		return ""
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return ""
	}
	return r.URL.Path + "?" + q.Encode()
}

// result is what an operation answers: a JSON value and the cache keys it shows.
type result struct {
	body any
	deps []string
}

// answer turns an operation into a handler: it checks the query, runs the operation,
// and sends and caches the answer, or sends the problem it returned.
func (s *Server) answer(op func(r *http.Request, q params) (*result, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var epoch uint64
		if s.cfg.Cache != nil {
			epoch = s.cfg.Cache.Begin()
		}
		q, err := parseParams(r)
		if err == nil {
			var res *result
			if res, err = op(r, q); err == nil {
				s.send(w, r, res, epoch)
				return
			}
		}
		s.problem(w, r, err)
	})
}

// encodeJSON is json.Marshal without its HTML escaping (<, > and & written as \u003c,
// \u003e, \u0026): an answer is application/json with nosniff, never read as HTML, and
// WordPress's own wp_json_encode leaves them as they are (PHP's json_encode escapes them
// only with JSON_HEX_TAG). The escapes made the article lists' bodies 5% larger (every tag
// of every body) and left them unreadable to a person. U+2028 and U+2029 are still
// escaped, as encoding/json always does.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil // Encode ends the value with a newline
}

// encoded is an answer's body already encoded as JSON, sent as it is (listJSON).
type encoded []byte

func (s *Server) send(w http.ResponseWriter, r *http.Request, res *result, epoch uint64) {
	body, ok := res.body.(encoded)
	var err error
	if !ok {
		body, err = encodeJSON(res.body)
	}
	if err != nil {
		s.problem(w, r, fmt.Errorf("encode %s: %w", r.URL.Path, err))
		return
	}
	p := pagecache.NewPage(http.StatusOK, s.header, body)
	p.Deps = append(res.deps, news.KeyAll)
	p.Expires = s.cfg.Now().Add(s.cfg.CacheTTL)
	// A token's request (the public reads it shares with readers) is never put in
	// the cache: answers to the admin API are never cached.
	if staffOf(r) != nil {
		// Nor stored by any other cache: a shared one may keep an answer to a request
		// with Authorization that says public (RFC 9111 §3.5).
		h := w.Header()
		for k, v := range s.header {
			h[k] = v
		}
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			w.Write(body)
		}
		return
	}
	if s.cfg.Cache != nil {
		if key := cacheKey(r); key != "" {
			s.cfg.Cache.Put(key, p, epoch)
		}
	}
	p.ServeHTTP(w, r)
}

// problem is an RFC 9457 problem document. Type is about:blank throughout (§4.2.1): the
// status says what went wrong, Title is its phrase, Detail what to change.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	// Parameter names the query parameter that was refused, when one was.
	Parameter string `json:"parameter,omitempty"`
	// CurrentVersion is the stored version of an article a stale change was refused
	// for (409).
	CurrentVersion int64 `json:"current_version,omitempty"`
}

func (p *problem) Error() string { return p.Detail }

func badParam(name, detail string) error {
	return &problem{Status: http.StatusBadRequest, Parameter: name, Detail: detail}
}

func notFound(detail string) error { return &problem{Status: http.StatusNotFound, Detail: detail} }

// problem sends err as a problem document: a *problem as it is, a news.ErrNotFound as
// 404, a full disk (news.StorageFull) as 507, anything else as 500 (logged, never
// shown).
func (s *Server) problem(w http.ResponseWriter, r *http.Request, err error) {
	p := &problem{}
	switch {
	case errors.As(err, &p):
	case errors.Is(err, news.ErrNotFound):
		p = &problem{Status: http.StatusNotFound, Detail: "There is no such item."}
	case news.StorageFull(err):
		// Nothing was saved, and an immediate retry fails the same way: 507 (RFC 4918),
		// not a 500 that invites one, and the operator hears of it.
		s.cfg.Logger.Error("content API: storage full", "path", r.URL.Path, "err", err)
		p = &problem{Status: http.StatusInsufficientStorage, Detail: "The server's storage is full. Nothing was saved; try again once its administrator has freed space."}
	default:
		s.cfg.Logger.Error("content API", "path", r.URL.Path, "err", err)
		p = &problem{Status: http.StatusInternalServerError, Detail: "The server could not answer; try again later."}
	}
	out := *p
	out.Type, out.Title = "about:blank", http.StatusText(p.Status)
	body, _ := json.Marshal(out)
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-cache")
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(p.Status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// params is a request's query, checked: each parameter at most once, none unknown to
// the operation (see allow), each bounded.
type params url.Values

func parseParams(r *http.Request) (params, error) {
	if len(r.URL.RawQuery) > maxQueryBytes {
		return nil, badParam("", fmt.Sprintf("The query is longer than %d bytes.", maxQueryBytes))
	}
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, badParam("", "The query cannot be read: "+err.Error()+".")
	}
	for name, vals := range v {
		if len(vals) > 1 {
			return nil, badParam(name, fmt.Sprintf("The parameter %q is given %d times; give it once.", name, len(vals)))
		}
		if !utf8.ValidString(vals[0]) {
			return nil, badParam(name, fmt.Sprintf("The parameter %q is not valid UTF-8.", name))
		}
	}
	return params(v), nil
}

// allow refuses a parameter the operation does not take.
func (q params) allow(names ...string) error {
	for name := range q {
		known := false
		for _, n := range names {
			known = known || n == name
		}
		if !known {
			takes := "no parameters"
			if len(names) > 0 {
				takes = "only " + strings.Join(names, ", ")
			}
			return badParam(name, fmt.Sprintf("Unknown parameter %q: this operation takes %s.", name, takes))
		}
	}
	return nil
}

func (q params) get(name string) (string, bool) {
	v, ok := q[name]
	if !ok {
		return "", false
	}
	return v[0], true
}

// slug reads a slug parameter: at most maxSlugBytes, not empty.
func (q params) slug(name string) (string, error) {
	v, ok := q.get(name)
	if !ok {
		return "", nil
	}
	if v == "" || len(v) > maxSlugBytes {
		return "", badParam(name, fmt.Sprintf("The parameter %q must be a slug of 1 to %d bytes.", name, maxSlugBytes))
	}
	return v, nil
}

// limit reads the page size: 1 to news.APIPageMax, news.APIPageDefault when absent.
func (q params) limit() (int, error) {
	v, ok := q.get("limit")
	if !ok {
		return news.APIPageDefault, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > news.APIPageMax || len(v) > 3 {
		return 0, badParam("limit", fmt.Sprintf("The parameter \"limit\" must be a whole number from 1 to %d; it is %q.", news.APIPageMax, v))
	}
	return n, nil
}

// Cursors are opaque to clients: a kind letter and the key of the last item sent,
// base64url-encoded. Decoding checks the kind, so that a cursor of one list is refused
// by another.
func encodeCursor(kind byte, key string) string {
	return base64.RawURLEncoding.EncodeToString(append([]byte{kind, ':'}, key...))
}

func (q params) cursor(kind byte) (string, bool, error) {
	v, ok := q.get("cursor")
	if !ok {
		return "", false, nil
	}
	bad := badParam("cursor", "The parameter \"cursor\" is not one this list gave: pass the next_cursor of the page before, unchanged.")
	if len(v) > maxCursor {
		return "", false, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(raw) < 2 || raw[0] != kind || raw[1] != ':' || !utf8.Valid(raw) {
		return "", false, bad
	}
	return string(raw[2:]), true, nil
}

// timeKey reads a cursor key "UNIX.ID" (articles, comments).
func timeKey(key string) (time.Time, int64, bool) {
	a, b, ok := strings.Cut(key, ".")
	if !ok {
		return time.Time{}, 0, false
	}
	t, err1 := strconv.ParseInt(a, 10, 64)
	id, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || id <= 0 || t < -62135596800 || t > 253402300799 { // years 1–9999
		return time.Time{}, 0, false
	}
	return time.Unix(t, 0).UTC(), id, true
}

func formatTimeKey(t time.Time, id int64) string {
	return strconv.FormatInt(t.Unix(), 10) + "." + strconv.FormatInt(id, 10)
}

// page is the envelope of every list: its items, and where the next page starts.
type page[T any] struct {
	Items []T `json:"items"`
	// NextCursor continues the list (null on the last page); Next is the address of the
	// next page with the same parameters.
	NextCursor *string `json:"next_cursor"`
	Next       *string `json:"next"`
}

// listJSON is the JSON of a page whose items are encoded already, as page's: encoding/json
// would check and compact every item's bytes again (as a json.RawMessage), which was 45%
// of an uncached GET /articles (BenchmarkUncachedLists).
func listJSON(items [][]byte, size int, nextCursor, next *string) (encoded, error) {
	tail, err := encodeJSON(page[struct{}]{NextCursor: nextCursor, Next: next})
	if err != nil {
		return nil, err
	}
	// tail is {"items":null,"next_cursor":…,"next":…}: the items go where its null is.
	const null = `{"items":null`
	out := make([]byte, 0, size+len(items)+len(tail)+2)
	out = append(out, `{"items":[`...)
	for i, b := range items {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, b...)
	}
	out = append(out, ']')
	return append(out, tail[len(null):]...), nil
}

// next sets the page's continuation: the request's query with cursor replaced.
func (s *Server) next(r *http.Request, cursor string) (*string, *string) {
	q := r.URL.Query()
	q.Set("cursor", cursor)
	u := s.cfg.BaseURL + r.URL.Path + "?" + q.Encode()
	return &cursor, &u
}

// viewer is who asks. Today every caller is an anonymous reader: public articles and
// approved comments only. The admin API's tokens will give a role, checked with
// news.Role.Can as the admin checks it; answers for staff must never be cached.
type viewer struct{}

func (viewer) sees(a *news.Article, now time.Time) bool { return a.IsPublic(now) }

func (s *Server) viewer(*http.Request) viewer { return viewer{} }
