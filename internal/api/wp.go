package api

// WordPress's REST shape, read-only (issue 9, item 7): /wp-json/wp/v2/… and the same
// routes as /?rest_route=/wp/v2/…, answering as the WordPress REST API Handbook's
// reference describes (developer.wordpress.org/rest-api/reference/: posts, pages,
// categories, tags, users, comments, media), so that apps and tools built against a
// WordPress site keep working after the move. The items keep the IDs their rows have,
// which an import from WordPress sets to WordPress's own.
//
// Differences, each because of what Broadsheet is: categories are the sections (no
// nesting yet: parent 0); users are the bylines' authors of public content, with their
// public fields only (no email, no avatar); comments are the approved ones of public
// content, author 0 (a reader) and no email, IP or avatar; media are the library's
// images that public content shows (WordPress lists every attachment; a picture
// uploaded for a draft stays private here), their sizes the srcset's variants;
// search looks through the newest news.WPSearchScan items of a list only (no full-text
// index yet); unknown parameters are ignored, as WordPress ignores them, but a known
// one with a bad value is refused with WordPress's rest_invalid_param.
//
// Answers are cached in the site's page cache under the route and the query, listing
// the keys they show, as the /api/v1 answers; /?rest_route= shares the cache entry of
// its /wp-json/ address.

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"broadsheet/internal/news"
	"broadsheet/internal/pagecache"
	"broadsheet/internal/render"
)

// WPPrefix is where WordPress's REST API lives.
const WPPrefix = "/wp-json"

// wpMaxQuery bounds a WordPress-shaped request's query: room for include lists of
// news.WPIDsMax IDs.
const wpMaxQuery = 4096

// wpMaxSearch bounds a search's length in bytes.
const wpMaxSearch = 100

// IsWP reports whether r is for WordPress's REST API: a path under /wp-json, or the
// site's root with a rest_route parameter (WordPress's address without pretty
// permalinks), which must reach the API before the site's page cache, whose key for
// "/" leaves the query out.
func IsWP(r *http.Request) bool {
	p := r.URL.Path
	if p == WPPrefix || strings.HasPrefix(p, WPPrefix+"/") {
		return true
	}
	return p == "/" && strings.Contains(r.URL.RawQuery, "rest_route=") && len(r.URL.RawQuery) <= wpMaxQuery &&
		r.URL.Query().Has("rest_route")
}

// wpError is WordPress's error shape (WP_Error as rest_convert_error_to_response
// writes it): {"code":…,"message":…,"data":{"status":…}}, with the refused parameters
// in data.params for rest_invalid_param.
type wpError struct {
	Code    string      `json:"code"`
	Message string      `json:"message"`
	Data    wpErrorData `json:"data"`
}

type wpErrorData struct {
	Status int               `json:"status"`
	Params map[string]string `json:"params,omitempty"`
}

func (e *wpError) Error() string { return e.Message }

func wpErr(status int, code, message string) *wpError {
	return &wpError{Code: code, Message: message, Data: wpErrorData{Status: status}}
}

var errNoRoute = wpErr(http.StatusNotFound, "rest_no_route", "No route was found matching the URL and request method.")

// invalidParam is WordPress's rest_invalid_param for one parameter.
func invalidParam(name, why string) *wpError {
	return &wpError{Code: "rest_invalid_param", Message: "Invalid parameter(s): " + name,
		Data: wpErrorData{Status: http.StatusBadRequest, Params: map[string]string{name: why}}}
}

// wpRequest is a request with its route and query read.
type wpRequest struct {
	r     *http.Request
	route string     // "/wp/v2/posts", without the prefix
	q     url.Values // without rest_route; "name[]" folded into "name"
}

// wpRoute reads r's route and query. WordPress (PHP) takes the last of a repeated
// parameter, and "name[]=1&name[]=2" as a list; both are read so.
func wpRoute(r *http.Request) (*wpRequest, error) {
	if len(r.URL.RawQuery) > wpMaxQuery {
		return nil, invalidParam("query", fmt.Sprintf("The query is longer than %d bytes.", wpMaxQuery))
	}
	raw, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, invalidParam("query", "The query cannot be read.")
	}
	route := strings.TrimPrefix(r.URL.Path, WPPrefix)
	if r.URL.Path == "/" {
		route = raw.Get("rest_route")
	}
	delete(raw, "rest_route")
	if route == "" {
		route = "/"
	}
	q := url.Values{}
	for k, vs := range raw {
		if !wpKnown[strings.TrimSuffix(k, "[]")] {
			// Ignored, as WordPress ignores a parameter a route does not declare, and
			// left out of the cache key, so that a cache-buster (jQuery's "_=…") or
			// made-up parameters neither miss the cache nor fill it with copies.
			continue
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return nil, invalidParam(k, k+" is not valid UTF-8.")
			}
		}
		if name, ok := strings.CutSuffix(k, "[]"); ok {
			q[name] = append(q[name], strings.Join(vs, ","))
			continue
		}
		q[k] = append(q[k], vs[len(vs)-1])
	}
	for k, vs := range q {
		q[k] = []string{strings.Join(vs, ",")}
	}
	wpEmbedParam(q) // wpembed.go
	return &wpRequest{r: r, route: path.Clean("/" + strings.Trim(route, "/")), q: q}, nil
}

// wpKnown are the parameters some route reads; any other is ignored.
var wpKnown = map[string]bool{}

func init() {
	for _, k := range strings.Fields(`page per_page offset context include exclude slug search order orderby status
		after before modified_after modified_before author author_exclude categories categories_exclude tags tags_exclude sticky parent post
		hide_empty roles capabilities type media_type mime_type _fields _embed`) {
		wpKnown[k] = true
	}
}

// wpFields keeps, of each object in body (one, or a list of them), the fields that
// fields names (WordPress's _fields, rest_filter_response_fields: "id,title.rendered";
// a nested name keeps that part of an object field).
func wpFields(body []byte, fields string) ([]byte, error) {
	want := map[string]map[string]bool{}
	for _, f := range strings.Split(fields, ",") {
		top, sub, nested := strings.Cut(strings.TrimSpace(f), ".")
		if top == "" {
			continue
		}
		if _, ok := want[top]; !ok || !nested {
			if !nested {
				want[top] = nil // the whole field
			} else {
				want[top] = map[string]bool{}
			}
		}
		if nested && want[top] != nil {
			want[top][sub] = true
		}
	}
	keep := func(obj map[string]json.RawMessage) (map[string]json.RawMessage, error) {
		out := map[string]json.RawMessage{}
		for k, subs := range want {
			v, ok := obj[k]
			if !ok {
				continue
			}
			if subs != nil {
				var inner map[string]json.RawMessage
				if json.Unmarshal(v, &inner) == nil {
					for ik := range inner {
						if !subs[ik] {
							delete(inner, ik)
						}
					}
					b, err := encodeJSON(inner)
					if err != nil {
						return nil, err
					}
					v = b
				}
			}
			out[k] = v
		}
		return out, nil
	}
	if len(body) > 0 && body[0] == '[' {
		var items []map[string]json.RawMessage
		if err := json.Unmarshal(body, &items); err != nil {
			return nil, err
		}
		for i := range items {
			var err error
			if items[i], err = keep(items[i]); err != nil {
				return nil, err
			}
		}
		return encodeJSON(items)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		return nil, err
	}
	out, err := keep(obj)
	if err != nil {
		return nil, err
	}
	return encodeJSON(out)
}

// key is the answer's cache key: the /wp-json address of the route with the query's
// parameters in a fixed order, the same for /?rest_route=.
func (w *wpRequest) key() string {
	k := WPPrefix + w.route
	if len(w.q) > 0 {
		k += "?" + w.q.Encode()
	}
	return k
}

// wpResult is an answer: its body, the keys it shows, and for a list its totals.
type wpResult struct {
	body        any
	deps        []string
	list        bool
	total, page int
	perPage     int
	// ttl, when set, keeps the answer in the cache at most that long (shorter than
	// Config.CacheTTL): for an answer no change-log key covers whole.
	ttl time.Duration
}

// serveWP answers a request IsWP accepted.
func (s *Server) serveWP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodOptions:
		// The headers WordPress's clients send (rest_send_allow_header and
		// rest_send_cors_headers allow these): a nonce or a token is taken and ignored,
		// as this API reads only public content and sends no credentials' answers.
		w.Header().Set("Access-Control-Expose-Headers", "X-WP-Total, X-WP-TotalPages, Link")
		s.preflight(w, r, "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type, Accept, If-None-Match, Cache-Control")
		return
	default:
		// WordPress answers a method a route does not take so; this API only reads.
		s.wpError(w, r, errNoRoute)
		return
	}
	// The common request, a list's first page at its plain address, is looked up
	// before anything is parsed: its cache key is its path.
	if s.cfg.Cache != nil && r.URL.RawQuery == "" {
		if p := s.cfg.Cache.Get(r.URL.Path); p != nil {
			p.ServeHTTP(w, r)
			return
		}
	}
	req, err := wpRoute(r)
	if err != nil {
		s.wpError(w, r, err)
		return
	}
	key := req.key()
	if s.cfg.Cache != nil {
		if p := s.cfg.Cache.Get(key); p != nil {
			p.ServeHTTP(w, r)
			return
		}
	}
	var epoch uint64
	if s.cfg.Cache != nil {
		epoch = s.cfg.Cache.Begin()
	}
	res, err := s.wpDispatch(req)
	if err != nil {
		s.wpError(w, r, err)
		return
	}
	body, err := encodeJSON(res.body)
	if err == nil && req.q.Get("_fields") != "" {
		body, err = wpFields(body, req.q.Get("_fields"))
	}
	if err != nil {
		s.wpError(w, r, fmt.Errorf("encode %s: %w", req.route, err))
		return
	}
	h := s.wpHeader.Clone()
	if res.list {
		pages := 0
		if res.total > 0 {
			pages = (res.total + res.perPage - 1) / res.perPage
		}
		h["X-Wp-Total"] = []string{strconv.Itoa(res.total)}
		h["X-Wp-Totalpages"] = []string{strconv.Itoa(pages)}
		if link := s.wpLinks(req, res.page, pages); link != "" {
			h["Link"] = []string{link}
		}
	}
	p := pagecache.NewPage(http.StatusOK, h, body)
	p.Deps = append(res.deps, news.KeyAll)
	ttl := s.cfg.CacheTTL
	if res.ttl > 0 {
		ttl = min(ttl, res.ttl)
	}
	p.Expires = s.cfg.Now().Add(ttl)
	if s.cfg.Cache != nil {
		s.cfg.Cache.Put(key, p, epoch)
	}
	p.ServeHTTP(w, r)
}

// wpLinks is the Link header of a list (RFC 8288), as WordPress writes it: rel="prev"
// and rel="next" to the neighbouring pages that exist.
func (s *Server) wpLinks(req *wpRequest, page, pages int) string {
	at := func(n int) string {
		q := url.Values{}
		for k, v := range req.q {
			q[k] = v
		}
		q.Set("page", strconv.Itoa(n))
		return "<" + s.cfg.BaseURL + WPPrefix + req.route + "?" + q.Encode() + ">"
	}
	var links []string
	if page > 1 && pages > 0 {
		links = append(links, at(min(page-1, pages))+`; rel="prev"`)
	}
	if page < pages {
		links = append(links, at(page+1)+`; rel="next"`)
	}
	return strings.Join(links, ", ")
}

// wpError sends err in WordPress's shape: a *wpError as it is, anything else as a 500
// (logged, never shown).
func (s *Server) wpError(w http.ResponseWriter, r *http.Request, err error) {
	e, ok := err.(*wpError)
	if !ok {
		s.cfg.Logger.Error("WordPress API", "path", r.URL.Path, "err", err)
		e = wpErr(http.StatusInternalServerError, "rest_internal_error", "The server could not answer; try again later.")
	}
	body, _ := json.Marshal(e)
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=UTF-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.Data.Status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// wpCollections are the routes of wp/v2 this API answers, with the type each lists.
var wpCollections = []string{"posts", "pages", "media", "categories", "tags", "users", "comments"}

func (s *Server) wpDispatch(req *wpRequest) (*wpResult, error) {
	switch req.route {
	case "/":
		return s.wpIndex(req)
	case "/wp/v2":
		return s.wpNamespace(req)
	}
	rest, ok := strings.CutPrefix(req.route, "/wp/v2/")
	if !ok {
		return nil, errNoRoute
	}
	coll, idText, single := strings.Cut(rest, "/")
	var id int64
	if single {
		// WordPress's routes take (?P<id>[\d]+): anything else is no route.
		n, err := strconv.ParseInt(idText, 10, 64)
		if err != nil || n < 0 || strings.ContainsAny(idText, "+-") {
			return nil, errNoRoute
		}
		id = n
	}
	switch coll {
	case "posts":
		return s.wpArticles(req, news.KindArticle, id, single)
	case "pages":
		return s.wpArticles(req, news.KindPage, id, single)
	case "categories":
		return s.wpTerms(req, "category", id, single)
	case "tags":
		return s.wpTerms(req, "post_tag", id, single)
	case "users":
		return s.wpUsers(req, id, single)
	case "comments":
		return s.wpComments(req, id, single)
	case "media":
		return s.wpMedia(req, id, single)
	}
	return nil, errNoRoute
}

// wpParams reads the parameters WordPress's collections share.
type wpParams struct {
	q            url.Values
	page, per    int
	offset       int
	hasOffset    bool
	query        news.WPQuery
	orderDefault string
}

func (p *wpParams) int(name string, lo, hi, def int) (int, error) {
	v := p.q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || len(v) > 10 {
		return 0, invalidParam(name, name+" is not of type integer.")
	}
	if n < lo || n > hi {
		if hi == 1<<31-1 {
			return 0, invalidParam(name, fmt.Sprintf("%s must be greater than or equal to %d", name, lo))
		}
		return 0, invalidParam(name, fmt.Sprintf("%s must be between %d (inclusive) and %d (inclusive)", name, lo, hi))
	}
	return n, nil
}

// ids reads a list of IDs ("1,2,3", or name[]=1&name[]=2): at most news.WPIDsMax.
func (p *wpParams) ids(name string) ([]int64, error) {
	v := p.q.Get(name)
	if v == "" {
		return nil, nil
	}
	parts := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
	if len(parts) > news.WPIDsMax {
		return nil, invalidParam(name, fmt.Sprintf("%s must contain at most %d items.", name, news.WPIDsMax))
	}
	out := make([]int64, 0, len(parts))
	for i, s := range parts {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return nil, invalidParam(name, fmt.Sprintf("%s[%d] is not of type integer.", name, i))
		}
		out = append(out, n)
	}
	return out, nil
}

func (p *wpParams) slugs() ([]string, error) {
	v := p.q.Get("slug")
	if v == "" {
		return nil, nil
	}
	parts := strings.Split(v, ",")
	if len(parts) > news.WPIDsMax {
		return nil, invalidParam("slug", fmt.Sprintf("slug must contain at most %d items.", news.WPIDsMax))
	}
	var out []string
	for _, s := range parts {
		if s = strings.TrimSpace(s); s != "" && len(s) <= maxSlugBytes {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		out = []string{"\x00"} // a slug no row has: WordPress answers an empty list
	}
	return out, nil
}

func (p *wpParams) enum(name, def string, allowed ...string) (string, error) {
	v := p.q.Get(name)
	if v == "" {
		return def, nil
	}
	for _, a := range allowed {
		if v == a {
			return v, nil
		}
	}
	return "", invalidParam(name, fmt.Sprintf("%s is not one of %s.", name, joinOr(allowed)))
}

func joinOr(v []string) string {
	if len(v) < 2 {
		return strings.Join(v, "")
	}
	return strings.Join(v[:len(v)-1], ", ") + " and " + v[len(v)-1]
}

// date reads an ISO 8601 date-time (rest_parse_date: with or without a zone; without
// one it is the site's local time, as WordPress reads after and before).
func (p *wpParams) date(name string, loc *time.Location) (time.Time, error) {
	v := p.q.Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	v = strings.ReplaceAll(v, " ", "+")
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil && len(v) <= 40 {
			return t, nil
		}
	}
	return time.Time{}, invalidParam(name, "Invalid date.")
}

// readParams reads page, per_page, offset, include, exclude, search, order, orderby
// and slug for a collection; orderby's values and the default order are the
// collection's.
func (s *Server) readParams(req *wpRequest, orderDefault, orderbyDefault string, orderbys ...string) (*wpParams, error) {
	p := &wpParams{q: req.q}
	var err error
	if p.page, err = p.int("page", 1, 1<<31-1, 1); err != nil {
		return nil, err
	}
	if p.per, err = p.int("per_page", 1, news.WPPerPageMax, 10); err != nil {
		return nil, err
	}
	if p.q.Get("offset") != "" {
		p.hasOffset = true
		if p.offset, err = p.int("offset", 0, 1<<31-1, 0); err != nil {
			return nil, err
		}
	}
	if p.q.Get("context") == "edit" {
		// WordPress's answer to a reader asking for the editor's fields.
		return nil, wpErr(http.StatusUnauthorized, "rest_forbidden_context", "Sorry, you are not allowed to edit items of this type.")
	}
	if p.q.Get("context") != "" {
		if _, err := p.enum("context", "view", "view", "embed", "edit"); err != nil {
			return nil, err
		}
	}
	q := &p.query
	q.Now = s.cfg.Now()
	if q.Include, err = p.ids("include"); err != nil {
		return nil, err
	}
	if q.Exclude, err = p.ids("exclude"); err != nil {
		return nil, err
	}
	if q.Slugs, err = p.slugs(); err != nil {
		return nil, err
	}
	if v := p.q.Get("search"); v != "" {
		if len(v) > wpMaxSearch {
			return nil, invalidParam("search", fmt.Sprintf("search must be at most %d bytes long.", wpMaxSearch))
		}
		q.Search = strings.TrimSpace(v)
	}
	order, err := p.enum("order", orderDefault, "asc", "desc")
	if err != nil {
		return nil, err
	}
	q.Asc = order == "asc"
	if q.OrderBy, err = p.enum("orderby", orderbyDefault, orderbys...); err != nil {
		return nil, err
	}
	q.Limit = p.per
	q.Offset = (p.page - 1) * p.per
	if p.hasOffset {
		// WordPress: an offset replaces the page's.
		q.Offset = p.offset
	}
	return p, nil
}

// wpAnswer ends a collection's handler as WordPress does: a single item, or missing
// when there is none; otherwise the list, in the store's order (orderby=include: the
// store orders by the list before paging), with its totals, pageError naming a page
// past the last (listResult).
func wpAnswer[T any](p *wpParams, q *news.WPQuery, items []T, total int, deps []string, single bool, missing error,
	pageError string) (*wpResult, error) {
	if single {
		if len(items) == 0 {
			return nil, missing
		}
		return &wpResult{body: items[0], deps: deps}, nil
	}
	// orderby=include: the store ordered the whole selection by the list, in the
	// direction WordPress gives that query, before paging it.
	return listResult(p, items, total, deps, pageError)
}

// listResult checks the page against the total (rest_post_invalid_page_number when
// past the last, as WordPress's posts and comments controllers answer) and makes the
// result.
func listResult(p *wpParams, body any, total int, deps []string, pageError string) (*wpResult, error) {
	pages := (total + p.per - 1) / p.per
	if pageError != "" && total > 0 && p.page > pages && !p.hasOffset {
		return nil, wpErr(http.StatusBadRequest, pageError, "The page number requested is larger than the number of pages available.")
	}
	return &wpResult{body: body, deps: deps, list: true, total: total, page: p.page, perPage: p.per}, nil
}

// Shared JSON pieces.

type wpRendered struct {
	Rendered string `json:"rendered"`
}

type wpProtected struct {
	Rendered  string `json:"rendered"`
	Protected bool   `json:"protected"`
}

// wpLink is one entry of _links (HAL, as WordPress writes it).
type wpLink struct {
	Href       string `json:"href"`
	Embeddable bool   `json:"embeddable,omitempty"`
	Taxonomy   string `json:"taxonomy,omitempty"`
}

type wpLinks map[string][]wpLink

func (s *Server) wpURL(route string) string { return s.cfg.BaseURL + WPPrefix + "/wp/v2/" + route }

// wpTime is WordPress's date format: ISO 8601 without a zone (date in the site's time
// zone, date_gmt in UTC).
const wpTime = "2006-01-02T15:04:05"

func (s *Server) wpDates(t time.Time) (local, gmt string) {
	return t.In(s.cfg.Location()).Format(wpTime), t.UTC().Format(wpTime)
}

// wpPost is a post or a page (WP_REST_Posts_Controller's schema, context "view").
type wpPost struct {
	ID            int64       `json:"id"`
	Date          string      `json:"date"`
	DateGMT       string      `json:"date_gmt"`
	GUID          wpRendered  `json:"guid"`
	Modified      string      `json:"modified"`
	ModifiedGMT   string      `json:"modified_gmt"`
	Slug          string      `json:"slug"`
	Status        string      `json:"status"`
	Type          string      `json:"type"`
	Link          string      `json:"link"`
	Title         wpRendered  `json:"title"`
	Content       wpProtected `json:"content"`
	Excerpt       wpProtected `json:"excerpt"`
	Author        int64       `json:"author"`
	FeaturedMedia int64       `json:"featured_media"`
	CommentStatus string      `json:"comment_status"`
	PingStatus    string      `json:"ping_status"`
	Template      string      `json:"template"`
	Meta          []any       `json:"meta"`
	// Posts only.
	Sticky     *bool    `json:"sticky,omitempty"`
	Format     string   `json:"format,omitempty"`
	Categories *[]int64 `json:"categories,omitempty"`
	Tags       *[]int64 `json:"tags,omitempty"`
	// Pages only.
	Parent    *int64  `json:"parent,omitempty"`
	MenuOrder *int    `json:"menu_order,omitempty"`
	Links     wpLinks `json:"_links"`
	// Embedded is what _embed asked for (wpembed.go).
	Embedded map[string]any `json:"_embedded,omitempty"`
}

func (s *Server) wpPost(a *news.Article, media map[string]int64) wpPost {
	typ, coll := "post", "posts"
	if a.IsPage() {
		typ, coll = "page", "pages"
	}
	modified := a.PublishedAt
	if a.UpdatedAt.After(modified) {
		modified = a.UpdatedAt
	}
	out := wpPost{ID: a.ID, Slug: a.Slug, Status: "publish", Type: typ, Link: s.abs(s.cfg.ArticlePath(a)),
		GUID:    wpRendered{news.ArticleFeedID(s.cfg.FeedIDBase(), a)},
		Title:   wpRendered{html.EscapeString(a.Title)},
		Content: wpProtected{Rendered: a.BodyHTML},
		Excerpt: wpProtected{Rendered: wpExcerpt(a)}, CommentStatus: "open", PingStatus: "closed", Meta: []any{},
		Links: wpLinks{
			"self":       {{Href: s.wpURL(coll + "/" + strconv.FormatInt(a.ID, 10))}},
			"collection": {{Href: s.wpURL(coll)}},
			"about":      {{Href: s.wpURL("types/" + typ)}},
			"replies":    {{Href: s.wpURL("comments?post=" + strconv.FormatInt(a.ID, 10)), Embeddable: true}},
		}}
	out.Date, out.DateGMT = s.wpDates(a.PublishedAt)
	out.Modified, out.ModifiedGMT = s.wpDates(modified)
	if a.CommentsClosed {
		out.CommentStatus = "closed"
	}
	if a.Author != nil {
		out.Author = a.Author.ID
		out.Links["author"] = []wpLink{{Href: s.wpURL("users/" + strconv.FormatInt(a.Author.ID, 10)), Embeddable: true}}
	}
	if img := a.FeaturedImage; img != nil {
		if name, ok := strings.CutPrefix(img.URL, "/media/"); ok && media[name] != 0 {
			out.FeaturedMedia = media[name]
			out.Links["wp:featuredmedia"] = []wpLink{{Href: s.wpURL("media/" + strconv.FormatInt(out.FeaturedMedia, 10)), Embeddable: true}}
		}
	}
	out.Links["wp:attachment"] = []wpLink{{Href: s.wpURL("media?parent=" + strconv.FormatInt(a.ID, 10))}}
	if a.IsPage() {
		parent, order := int64(0), a.NavPosition
		out.Parent, out.MenuOrder = &parent, &order
		return out
	}
	sticky := false
	cats, tags := []int64{}, []int64{}
	if a.Section != nil {
		cats = append(cats, a.Section.ID)
	}
	for _, t := range a.Tags {
		tags = append(tags, t.ID)
	}
	out.Sticky, out.Format, out.Categories, out.Tags = &sticky, "standard", &cats, &tags
	id := strconv.FormatInt(a.ID, 10)
	out.Links["wp:term"] = []wpLink{
		{Href: s.wpURL("categories?post=" + id), Taxonomy: "category", Embeddable: true},
		{Href: s.wpURL("tags?post=" + id), Taxonomy: "post_tag", Embeddable: true}}
	return out
}

// wpExcerpt is the excerpt as WordPress renders it (wpautop of the text): the
// standfirst, or the start of the body's text when there is none.
func wpExcerpt(a *news.Article) string {
	text := a.Standfirst
	if text == "" {
		text = render.ExcerptHTML(a.BodyHTML, 300)
	}
	if text == "" {
		return ""
	}
	return "<p>" + html.EscapeString(text) + "</p>\n"
}

// wpArticles is GET /wp/v2/posts and /wp/v2/pages, and one of them by ID.
func (s *Server) wpArticles(req *wpRequest, kind news.Kind, id int64, single bool) (*wpResult, error) {
	p, err := s.readParams(req, "desc", "date", "date", "id", "include", "title", "slug", "modified", "relevance")
	if err != nil {
		return nil, err
	}
	q := &p.query
	q.Kind = kind
	if single {
		q = &news.WPQuery{Now: q.Now, Kind: kind, Include: []int64{id}, Limit: 1}
	} else {
		if v := p.q.Get("status"); v != "" && v != "publish" {
			return nil, invalidParam("status", "Status is forbidden.")
		}
		loc := s.cfg.Location()
		if q.After, err = p.date("after", loc); err != nil {
			return nil, err
		}
		if q.Before, err = p.date("before", loc); err != nil {
			return nil, err
		}
		if q.ModifiedAfter, err = p.date("modified_after", loc); err != nil {
			return nil, err
		}
		if q.ModifiedBefore, err = p.date("modified_before", loc); err != nil {
			return nil, err
		}
		if q.Authors, err = p.ids("author"); err != nil {
			return nil, err
		}
		if q.NotAuthors, err = p.ids("author_exclude"); err != nil {
			return nil, err
		}
		if kind == news.KindArticle {
			for _, f := range []struct {
				name string
				set  *[]int64
			}{{"categories", &q.Sections}, {"tags", &q.Tags}, {"categories_exclude", &q.NotSections}, {"tags_exclude", &q.NotTags}} {
				if *f.set, err = p.ids(f.name); err != nil {
					return nil, err
				}
			}
			if v := p.q.Get("sticky"); v == "true" || v == "1" {
				q.Include = []int64{0} // no story is sticky here
			}
		} else if parents, err := p.ids("parent"); err != nil {
			return nil, err
		} else if len(parents) > 0 && !containsID(parents, 0) {
			q.Include = []int64{0} // pages do not nest: none has another parent
		}
		if q.OrderBy == "relevance" {
			if q.Search == "" {
				return nil, invalidParam("orderby", "You need to define a search term to order by relevance.")
			}
			q.OrderBy = "date"
		}
		if q.OrderBy == "include" && len(q.Include) == 0 {
			return nil, invalidParam("orderby", "You need to define an include parameter to order by include.")
		}
	}
	arts, total, err := s.store.WPArticles(req.r.Context(), *q)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, a := range arts {
		if img := a.FeaturedImage; img != nil {
			if name, ok := strings.CutPrefix(img.URL, "/media/"); ok {
				names = append(names, name)
			}
		}
	}
	media, err := s.store.WPMediaIDs(req.r.Context(), names)
	if err != nil {
		return nil, err
	}
	deps := []string{news.KeyLists}
	if single {
		if len(arts) == 0 {
			return nil, wpErr(http.StatusNotFound, "rest_post_invalid_id", "Invalid post ID.")
		}
		deps = articleDeps(arts[0])
	}
	items := make([]wpPost, 0, len(arts))
	for _, a := range arts {
		items = append(items, s.wpPost(a, media))
		if !single {
			deps = append(deps, articleDeps(a)...)
		}
	}
	more, err := s.wpEmbed(req.r.Context(), wpEmbedRels(req.q), arts, items)
	if err != nil {
		return nil, err
	}
	deps = append(deps, more...)
	if single {
		return &wpResult{body: items[0], deps: deps}, nil
	}
	return listResult(p, items, total, deps, "rest_post_invalid_page_number")
}

func containsID(ids []int64, id int64) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

// wpTerm is a category or a tag (WP_REST_Terms_Controller's schema).
type wpTerm struct {
	ID          int64   `json:"id"`
	Count       int     `json:"count"`
	Description string  `json:"description"`
	Link        string  `json:"link"`
	Name        string  `json:"name"`
	Slug        string  `json:"slug"`
	Taxonomy    string  `json:"taxonomy"`
	Parent      *int64  `json:"parent,omitempty"` // categories only
	Meta        []any   `json:"meta"`
	Links       wpLinks `json:"_links"`
}

// sectionParent is a category's parent: the section a section sits under (kept by the
// WordPress import from the category's parent), 0 at the top.
func sectionParent(t *news.WPTerm) int64 { return t.ParentID }

func (s *Server) wpTerms(req *wpRequest, taxonomy string, id int64, single bool) (*wpResult, error) {
	p, err := s.readParams(req, "asc", "name", "id", "include", "name", "slug", "count")
	if err != nil {
		return nil, err
	}
	q := &p.query
	if single {
		q = &news.WPQuery{Now: q.Now, Include: []int64{id}, Limit: 1}
	} else {
		if q.Posts, err = p.ids("post"); err != nil {
			return nil, err
		}
		if taxonomy == "category" {
			if v := p.q.Get("parent"); v != "" {
				n, err := p.int("parent", 0, 1<<31-1, 0)
				if err != nil {
					return nil, err
				}
				q.Parents = []int64{int64(n)}
			}
		}
		switch v := p.q.Get("hide_empty"); v {
		case "", "false", "0":
		case "true", "1":
			q.HideEmpty = true
		default:
			return nil, invalidParam("hide_empty", "hide_empty is not of type boolean.")
		}
		if q.OrderBy == "include" && len(q.Include) == 0 {
			q.OrderBy = "name"
		}
	}
	terms, total, err := s.store.WPTerms(req.r.Context(), taxonomy, *q)
	if err != nil {
		return nil, err
	}
	base := "/section/"
	if taxonomy == "post_tag" {
		base = "/tag/"
	}
	// A term's count and its posts change with any public article.
	deps := []string{news.KeyLists}
	items := make([]wpTerm, 0, len(terms))
	for _, t := range terms {
		it := wpTerm{ID: t.ID, Count: t.Count, Description: t.Description, Link: s.abs(base + url.PathEscape(t.Slug) + "/"),
			Name: t.Name, Slug: t.Slug, Taxonomy: taxonomy, Meta: []any{}, Links: s.wpTermLinks(taxonomy, t.ID)}
		if taxonomy == "category" {
			parent := sectionParent(t)
			it.Parent = &parent
		}
		items = append(items, it)
	}
	return wpAnswer(p, q, items, total, deps, single, wpErr(http.StatusNotFound, "rest_term_invalid", "Term does not exist."), "")
}

// wpUser is an author's public fields (WP_REST_Users_Controller's schema, context
// "view"); never an email.
type wpUser struct {
	ID          int64             `json:"id"`
	Name        string            `json:"name"`
	URL         string            `json:"url"`
	Description string            `json:"description"`
	Link        string            `json:"link"`
	Slug        string            `json:"slug"`
	AvatarURLs  map[string]string `json:"avatar_urls"`
	Meta        []any             `json:"meta"`
	Links       wpLinks           `json:"_links"`
}

func (s *Server) wpUsers(req *wpRequest, id int64, single bool) (*wpResult, error) {
	p, err := s.readParams(req, "asc", "name", "id", "include", "name", "slug")
	if err != nil {
		return nil, err
	}
	q := &p.query
	if single {
		q = &news.WPQuery{Now: q.Now, Include: []int64{id}, Limit: 1}
	} else {
		if p.q.Get("roles") != "" || p.q.Get("capabilities") != "" {
			return nil, wpErr(http.StatusUnauthorized, "rest_user_cannot_view", "Sorry, you are not allowed to filter users by role.")
		}
		if q.OrderBy == "include" && len(q.Include) == 0 {
			q.OrderBy = "name"
		}
	}
	as, total, err := s.store.WPAuthors(req.r.Context(), *q)
	if err != nil {
		return nil, err
	}
	items := make([]wpUser, 0, len(as))
	for _, au := range as {
		items = append(items, wpUser{ID: au.ID, Name: au.Name, URL: "", Description: au.Bio,
			Link: s.abs("/author/" + url.PathEscape(au.Slug) + "/"), Slug: au.Slug, AvatarURLs: map[string]string{}, Meta: []any{},
			Links: s.wpUserLinks(au.ID)})
	}
	deps := []string{news.KeyLists}
	return wpAnswer(p, q, items, total, deps, single, wpErr(http.StatusNotFound, "rest_user_invalid_id", "Invalid user ID."), "")
}

// wpComment is an approved comment (WP_REST_Comments_Controller's schema, context
// "view"): never an email, an IP address or a user agent.
type wpComment struct {
	ID         int64             `json:"id"`
	Post       int64             `json:"post"`
	Parent     int64             `json:"parent"`
	Author     int64             `json:"author"`
	AuthorName string            `json:"author_name"`
	AuthorURL  string            `json:"author_url"`
	Date       string            `json:"date"`
	DateGMT    string            `json:"date_gmt"`
	Content    wpRendered        `json:"content"`
	Link       string            `json:"link"`
	Status     string            `json:"status"`
	Type       string            `json:"type"`
	Avatars    map[string]string `json:"author_avatar_urls"`
	Meta       []any             `json:"meta"`
	Links      wpLinks           `json:"_links"`
}

func (s *Server) wpComments(req *wpRequest, id int64, single bool) (*wpResult, error) {
	p, err := s.readParams(req, "desc", "date_gmt", "date", "date_gmt", "id", "include")
	if err != nil {
		return nil, err
	}
	q := &p.query
	if single {
		q = &news.WPQuery{Now: q.Now, Include: []int64{id}, Limit: 1}
	} else {
		if v := p.q.Get("status"); v != "" && v != "approve" && v != "approved" {
			return nil, wpErr(http.StatusUnauthorized, "rest_forbidden_param", "Query parameter not permitted: status")
		}
		if v := p.q.Get("type"); v != "" && v != "comment" {
			q.Include = []int64{0} // only comments here: no pingbacks, no trackbacks
		}
		if q.Posts, err = p.ids("post"); err != nil {
			return nil, err
		}
		if q.Parents, err = p.ids("parent"); err != nil {
			return nil, err
		}
		loc := s.cfg.Location()
		if q.After, err = p.date("after", loc); err != nil {
			return nil, err
		}
		if q.Before, err = p.date("before", loc); err != nil {
			return nil, err
		}
		switch q.OrderBy {
		case "date_gmt":
			q.OrderBy = "date"
		case "include":
			if len(q.Include) == 0 {
				return nil, invalidParam("orderby", "You need to define an include parameter to order by include.")
			}
		}
	}
	cs, total, err := s.store.WPComments(req.r.Context(), *q)
	if err != nil {
		return nil, err
	}
	// A comment's change names its article's key only: a list filtered by post lists
	// those posts' keys, so that a first comment drops it too; a list of every post's
	// comments has no key that each new comment names, and is kept a minute at most.
	deps := []string{news.KeyLists}
	seen := map[int64]bool{}
	for _, id := range q.Posts {
		if !seen[id] {
			seen[id] = true
			deps = append(deps, news.KeyArticle(id))
		}
	}
	res := &wpResult{deps: deps}
	if len(q.Posts) == 0 && !single {
		res.ttl = s.cfg.MaxAge
	}
	items := make([]wpComment, 0, len(cs))
	for _, c := range cs {
		it := wpComment{ID: c.ID, Post: c.ArticleID, Parent: c.ParentID, AuthorName: c.AuthorName, AuthorURL: publicURL(c.AuthorURL),
			Content: wpRendered{c.BodyHTML}, Status: "approved", Type: "comment", Avatars: map[string]string{}, Meta: []any{},
			Links: wpLinks{
				"self":       {{Href: s.wpURL("comments/" + strconv.FormatInt(c.ID, 10))}},
				"collection": {{Href: s.wpURL("comments")}},
			}}
		if c.Removed {
			it.Content.Rendered = "<p>" + html.EscapeString(news.CommentRemovedText) + "</p>"
		}
		it.Date, it.DateGMT = s.wpDates(c.CreatedAt)
		it.Link = s.abs(s.commentPath(req, c))
		if c.ParentID != 0 {
			it.Links["in-reply-to"] = []wpLink{{Href: s.wpURL("comments/" + strconv.FormatInt(c.ParentID, 10)), Embeddable: true}}
		}
		items = append(items, it)
		if !seen[c.ArticleID] {
			seen[c.ArticleID] = true
			res.deps = append(res.deps, news.KeyArticle(c.ArticleID))
		}
	}
	out, err := wpAnswer(p, q, items, total, res.deps, single, wpErr(http.StatusNotFound, "rest_comment_invalid_id", "Invalid comment ID."),
		"rest_comment_invalid_page_number")
	if out != nil {
		out.ttl = res.ttl
	}
	return out, err
}

// commentPath is where a comment shows on the site (its comment page), or its
// article's address with the comment's anchor when the site did not say.
func (s *Server) commentPath(req *wpRequest, c *news.Comment) string {
	if s.cfg.CommentPath != nil {
		if p := s.cfg.CommentPath(req.r.Context(), c); p != "" {
			return p
		}
	}
	return "/?p=" + strconv.FormatInt(c.ArticleID, 10) + "#comment-" + strconv.FormatInt(c.ID, 10)
}

// wpMedia is an image of the library (WP_REST_Attachments_Controller's schema,
// context "view").
type wpMedia struct {
	ID           int64          `json:"id"`
	Date         string         `json:"date"`
	DateGMT      string         `json:"date_gmt"`
	GUID         wpRendered     `json:"guid"`
	Modified     string         `json:"modified"`
	ModifiedGMT  string         `json:"modified_gmt"`
	Slug         string         `json:"slug"`
	Status       string         `json:"status"`
	Type         string         `json:"type"`
	Link         string         `json:"link"`
	Title        wpRendered     `json:"title"`
	Author       int64          `json:"author"`
	Comment      string         `json:"comment_status"`
	Ping         string         `json:"ping_status"`
	Template     string         `json:"template"`
	Meta         []any          `json:"meta"`
	Description  wpRendered     `json:"description"`
	Caption      wpRendered     `json:"caption"`
	AltText      string         `json:"alt_text"`
	MediaType    string         `json:"media_type"`
	MimeType     string         `json:"mime_type"`
	MediaDetails wpMediaDetails `json:"media_details"`
	Post         *int64         `json:"post"`
	SourceURL    string         `json:"source_url"`
	Links        wpLinks        `json:"_links"`
}

type wpMediaDetails struct {
	Width     int                    `json:"width"`
	Height    int                    `json:"height"`
	File      string                 `json:"file"`
	Filesize  int                    `json:"filesize"`
	Sizes     map[string]wpMediaSize `json:"sizes"`
	ImageMeta map[string]any         `json:"image_meta"`
}

type wpMediaSize struct {
	File      string `json:"file"`
	Width     int    `json:"width"`
	Height    int    `json:"height"`
	MimeType  string `json:"mime_type"`
	SourceURL string `json:"source_url"`
}

// wpSizeName names a srcset variant by the WordPress size it stands in for (the
// variants are 480, 960 and 1600 pixels wide: media's sizes).
func wpSizeName(w int) string {
	switch {
	case w <= 480:
		return "medium"
	case w <= 960:
		return "medium_large"
	}
	return "large"
}

func (s *Server) wpMediaItem(m *news.Media, post int64) wpMedia {
	src := s.abs("/media/" + m.Name)
	slug := strings.TrimSuffix(m.Name, path.Ext(m.Name))
	out := wpMedia{ID: m.ID, GUID: wpRendered{src}, Slug: slug, Status: "inherit", Type: "attachment", Link: src,
		Title: wpRendered{html.EscapeString(slug)}, Comment: "closed", Ping: "closed", Meta: []any{},
		AltText: m.Alt, MediaType: "image", MimeType: m.ContentType, SourceURL: src,
		MediaDetails: wpMediaDetails{Width: m.Width, Height: m.Height, File: m.Name, Filesize: m.Bytes,
			Sizes:     map[string]wpMediaSize{"full": {File: m.Name, Width: m.Width, Height: m.Height, MimeType: m.ContentType, SourceURL: src}},
			ImageMeta: map[string]any{}},
		Links: wpLinks{
			"self":       {{Href: s.wpURL("media/" + strconv.FormatInt(m.ID, 10))}},
			"collection": {{Href: s.wpURL("media")}},
			"about":      {{Href: s.wpURL("types/attachment")}},
		}}
	if m.Caption != "" {
		out.Caption.Rendered = "<p>" + html.EscapeString(m.Caption) + "</p>\n"
	}
	out.Date, out.DateGMT = s.wpDates(m.CreatedAt)
	out.Modified, out.ModifiedGMT = out.Date, out.DateGMT
	if post != 0 {
		out.Post = &post
	}
	for _, part := range strings.Split(m.Srcset, ",") {
		u, desc, _ := strings.Cut(strings.TrimSpace(part), " ")
		w, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(desc), "w"))
		if u == "" || err != nil || w <= 0 || m.Width <= 0 {
			continue
		}
		out.MediaDetails.Sizes[wpSizeName(w)] = wpMediaSize{File: path.Base(u), Width: w, Height: (m.Height*w + m.Width/2) / m.Width,
			MimeType: m.ContentType, SourceURL: s.abs(u)}
	}
	return out
}

func (s *Server) wpMedia(req *wpRequest, id int64, single bool) (*wpResult, error) {
	p, err := s.readParams(req, "desc", "date", "date", "id", "include", "title", "slug")
	if err != nil {
		return nil, err
	}
	q := &p.query
	if single {
		q = &news.WPQuery{Now: q.Now, Include: []int64{id}, Limit: 1}
	} else {
		if q.Posts, err = p.ids("parent"); err != nil {
			return nil, err
		}
		loc := s.cfg.Location()
		if q.After, err = p.date("after", loc); err != nil {
			return nil, err
		}
		if q.Before, err = p.date("before", loc); err != nil {
			return nil, err
		}
		if v := p.q.Get("media_type"); v != "" {
			if _, err := p.enum("media_type", "", "image", "video", "text", "application", "audio"); err != nil {
				return nil, err
			}
			if v != "image" {
				q.Include = []int64{0} // the library holds images only
			}
		}
		if v := p.q.Get("mime_type"); v != "" && !strings.HasPrefix(v, "image/") {
			q.Include = []int64{0}
		}
		if len(q.Slugs) > 0 {
			return nil, invalidParam("slug", "Media are not looked up by slug here; use include.")
		}
		if q.OrderBy == "include" && len(q.Include) == 0 {
			return nil, invalidParam("orderby", "You need to define an include parameter to order by include.")
		}
	}
	ms, posts, total, err := s.store.WPMedia(req.r.Context(), *q)
	if err != nil {
		return nil, err
	}
	items := make([]wpMedia, 0, len(ms))
	for _, m := range ms {
		items = append(items, s.wpMediaItem(m, posts[m.ID]))
	}
	// Which images are public changes with any public article.
	deps := []string{news.KeyLists}
	return wpAnswer(p, q, items, total, deps, single, wpErr(http.StatusNotFound, "rest_post_invalid_id", "Invalid post ID."),
		"rest_post_invalid_page_number")
}

// wpRouteInfo is a route in the index: WordPress lists each route's methods and
// arguments; these name the methods and the route's address.
type wpRouteInfo struct {
	Namespace string           `json:"namespace"`
	Methods   []string         `json:"methods"`
	Endpoints []wpEndpointInfo `json:"endpoints"`
	Links     wpLinks          `json:"_links,omitempty"`
}

type wpEndpointInfo struct {
	Methods []string       `json:"methods"`
	Args    map[string]any `json:"args"`
}

func (s *Server) wpRoutes(withRoot bool) map[string]wpRouteInfo {
	get := []string{"GET"}
	info := func(ns, route string) wpRouteInfo {
		r := wpRouteInfo{Namespace: ns, Methods: get, Endpoints: []wpEndpointInfo{{Methods: get, Args: map[string]any{}}}}
		if !strings.Contains(route, "(") {
			r.Links = wpLinks{"self": {{Href: s.cfg.BaseURL + WPPrefix + route}}}
		}
		return r
	}
	out := map[string]wpRouteInfo{"/wp/v2": info("wp/v2", "/wp/v2")}
	if withRoot {
		out["/"] = info("", "/")
	}
	for _, c := range wpCollections {
		out["/wp/v2/"+c] = info("wp/v2", "/wp/v2/"+c)
		out["/wp/v2/"+c+"/(?P<id>[\\d]+)"] = info("wp/v2", "/wp/v2/"+c+"/(?P<id>[\\d]+)")
	}
	return out
}

// wpIndex is GET /wp-json/: the site's name and description and the routes.
func (s *Server) wpIndex(req *wpRequest) (*wpResult, error) {
	settings, err := s.store.Settings(req.r.Context())
	if err != nil {
		return nil, err
	}
	loc := s.cfg.Location()
	_, offset := s.cfg.Now().In(loc).Zone()
	zone := loc.String()
	if zone == "Local" {
		zone = ""
	}
	body := struct {
		Name           string                 `json:"name"`
		Description    string                 `json:"description"`
		URL            string                 `json:"url"`
		Home           string                 `json:"home"`
		GMTOffset      float64                `json:"gmt_offset"`
		TimezoneString string                 `json:"timezone_string"`
		Namespaces     []string               `json:"namespaces"`
		Authentication map[string]any         `json:"authentication"`
		Routes         map[string]wpRouteInfo `json:"routes"`
	}{Name: settings[news.SettingTitle], Description: settings[news.SettingTagline], URL: s.cfg.BaseURL, Home: s.cfg.BaseURL,
		GMTOffset: float64(offset) / 3600, TimezoneString: zone, Namespaces: []string{"wp/v2"},
		Authentication: map[string]any{}, Routes: s.wpRoutes(true)}
	return &wpResult{body: body}, nil
}

// wpNamespace is GET /wp-json/wp/v2: the namespace's routes.
func (s *Server) wpNamespace(*wpRequest) (*wpResult, error) {
	body := struct {
		Namespace string                 `json:"namespace"`
		Routes    map[string]wpRouteInfo `json:"routes"`
		Links     wpLinks                `json:"_links"`
	}{Namespace: "wp/v2", Routes: s.wpRoutes(false), Links: wpLinks{"up": {{Href: s.cfg.BaseURL + WPPrefix + "/"}}}}
	return &wpResult{body: body}, nil
}
