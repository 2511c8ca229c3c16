package site

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"broadsheet/internal/feed"
	"broadsheet/internal/news"
)

// An imported WordPress site's old addresses (issue 9, item 4): the import records
// each post's, page's, category's, tag's and author's addresses (its permalink as
// WordPress wrote it, /?p=ID, /?page_id=ID, /?cat=ID, /?tag=slug, /?author=ID,
// /category/parent/child/, attachment pages), and the site answers them with one 301
// to the current address. They are looked up only where the site has nothing of its
// own: a path no route or article answers, or a query on the front page that
// WordPress answers. The answers are not put in the page cache: it keys the front
// page by its path whatever the query, so a redirect cached there would answer "/"
// itself; an old address costs one indexed lookup, as a 404 does.

// errNoOldAddress is a page's ErrNotFound after its path was looked up as an old
// address, so that the error page does not look again.
var errNoOldAddress = fmt.Errorf("no page and no old address: %w", news.ErrNotFound)

// OldAddresser is the store's lookup of an imported site's old paths (sqlite.DB): the
// current path of a section's, tag's or author's archive, or the article an old path
// was; news.ErrNotFound for none.
type OldAddresser interface {
	OldAddress(ctx context.Context, path string) (target string, articleID int64, err error)
}

// wordpressQuery is the form in which an old query address of WordPress's front page
// (?p=42, ?page_id=2, ?cat=7, ?tag=slug, ?author=1, ?attachment_id=9) is recorded;
// "" for a query WordPress does not answer so. The first of those parameters counts,
// in WordPress's order, each with its last value (PHP's $_GET keeps the last of a
// repeated parameter). The IDs are read as WordPress reads them (absint, wordpressID);
// one that is no ID there ("abc", 0) is ignored, as WordPress ignores it and shows the
// front page.
func wordpressQuery(q url.Values) string {
	for _, k := range []string{"p", "page_id", "attachment_id", "cat", "author", "tag"} {
		v := phpGet(q, k)
		if k != "tag" {
			v = wordpressID(v)
		}
		if v != "" {
			return "/?" + k + "=" + url.QueryEscape(v)
		}
	}
	return ""
}

// phpGet is the value PHP's $_GET has for k: the last one given, "" for none.
func phpGet(q url.Values, k string) string {
	if vs := q[k]; len(vs) > 0 {
		return vs[len(vs)-1]
	}
	return ""
}

// phpIntMax is PHP_INT_MAX on the 64-bit builds WordPress runs on.
const phpIntMax = "9223372036854775807"

// wordpressID is absint(v) in decimal, "" when it is 0. PHP (7.1 and later) reads a
// string as a number by its numeric prefix: spaces, a sign, digits with a fraction
// and an exponent ("7.7e1" is 77, "1e3abc" 1000), truncated toward 0, capped at
// PHP_INT_MAX when too large (zend_dval_to_lval_cap), 0 when infinite or no number
// ("-+1", "e5", "abc"). Source: PHP's is_numeric_string and zval_get_long.
func wordpressID(v string) string {
	v = strings.TrimLeft(v, " \t\n\r\v\f")
	if v != "" && (v[0] == '+' || v[0] == '-') {
		v = v[1:] // absint: the sign does not count
	}
	digits := func(i int) int {
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i++
		}
		return i
	}
	intEnd := digits(0)
	end, float := intEnd, false
	if end < len(v) && v[end] == '.' {
		if fracEnd := digits(end + 1); fracEnd > end+1 || intEnd > 0 {
			end, float = fracEnd, true
		}
	}
	if end == 0 || end == 1 && v[0] == '.' {
		return "" // no digits at all
	}
	if end < len(v) && (v[end] == 'e' || v[end] == 'E') {
		i := end + 1
		if i < len(v) && (v[i] == '+' || v[i] == '-') {
			i++
		}
		if expEnd := digits(i); expEnd > i {
			end, float = expEnd, true
		}
	}
	if !float {
		n := strings.TrimLeft(v[:intEnd], "0")
		if len(n) > len(phpIntMax) || len(n) == len(phpIntMax) && n > phpIntMax {
			return phpIntMax
		}
		return n
	}
	f, err := strconv.ParseFloat(v[:end], 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) || math.IsInf(f, 0) || math.IsNaN(f) {
		return ""
	}
	if f >= 9223372036854775807 {
		return phpIntMax
	}
	if n := int64(f); n > 0 {
		return strconv.FormatInt(n, 10)
	}
	return ""
}

// serveWordPressQuery answers a front-page query WordPress answers (see
// wordpressQuery; ?feed=rss2 and its kin lead to the site's feeds): a 301 to what it
// names now, or 404 when that is not here; it reports whether it answered.
func (s *Server) serveWordPressQuery(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.Path != "/" && r.URL.Path != "/index.php" || r.URL.RawQuery == "" {
		return false
	}
	q := r.URL.Query()
	if f := phpGet(q, "feed"); f != "" && len(q) == 1 {
		target := "/feed.xml"
		if f == "atom" {
			target = "/atom.xml"
		}
		permanent(w, r, target)
		return true
	}
	key := wordpressQuery(q)
	if key == "" {
		return false
	}
	target, err := s.oldTarget(r.Context(), key, "")
	if err != nil {
		if !errors.Is(err, news.ErrNotFound) {
			s.log.Error("old address", "err", err)
			return false
		}
		// WordPress answers a query for a post, page, term or author it does not have
		// (or does not show) with 404: the front page under it would be a soft 404 to
		// search engines, and a surprise to a reader of an old link to a deleted story.
		s.serveError(w, r, s.state.Load(), errNoOldAddress)
		return true
	}
	permanent(w, r, target)
	return true
}

var (
	// An archive's or a post's feed in WordPress: …/feed/, …/feed/rss2/, …/feed/atom/.
	wpFeedSuffix = regexp.MustCompile(`/feed/(?:(rss2|rss|rdf|atom)/)?$`)
	// A post's comment page N (WordPress's paged comments): …/comment-page-2/.
	wpCommentPage = regexp.MustCompile(`/comment-page-([0-9]{1,9})/$`)
	// An archive's page N: …/page/2/.
	wpPageSuffix = regexp.MustCompile(`/page/([0-9]{1,9})/$`)
	// What WordPress answers under a post's permalink besides the post: its page N when
	// <!--nextpage--> splits it (…/2/), the AMP plugin's copy (…/amp/), the page other
	// sites frame to embed it (…/embed/). The story shows the whole post.
	wpPostPart = regexp.MustCompile(`/(?:[0-9]{1,9}|amp|embed)/$`)
)

// oldPathResponse returns where an old path of an imported site leads now: the path
// itself, or with a feed or page suffix (the archive's same feed or page, or the post
// for a post's comment feed); news.ErrNotFound when it is none.
func (s *Server) oldPathResponse(ctx context.Context, path string) (*response, error) {
	if _, ok := s.store.(OldAddresser); !ok {
		return nil, news.ErrNotFound
	}
	// As asked, then with or without the final slash (WordPress wrote /archives/77
	// without one; a reader may add it, or drop it from /2019/05/name/).
	resp, err := s.oldResponse(ctx, path, "")
	if !errors.Is(err, news.ErrNotFound) {
		return resp, err
	}
	other := path + "/"
	if strings.HasSuffix(path, "/") && len(path) > 1 {
		other = strings.TrimSuffix(path, "/")
	}
	resp, err = s.oldResponse(ctx, other, "")
	if !errors.Is(err, news.ErrNotFound) {
		return resp, err
	}
	if !strings.HasSuffix(path, "/") {
		path += "/"
	}
	if m := wpFeedSuffix.FindStringSubmatchIndex(path); m != nil {
		file := "feed.xml"
		if m[2] >= 0 && path[m[2]:m[3]] == "atom" {
			file = "atom.xml"
		}
		return s.oldResponse(ctx, path[:m[0]+1], file)
	}
	if m := wpPageSuffix.FindStringSubmatchIndex(path); m != nil {
		return s.oldResponse(ctx, path[:m[0]+1], "page/"+path[m[2]:m[3]]+"/")
	}
	if m := wpCommentPage.FindStringSubmatchIndex(path); m != nil {
		// A post's comment page: the same page of the story's thread.
		resp, err := s.oldResponse(ctx, path[:m[0]+1], "")
		if err != nil {
			return nil, err
		}
		if n, err := strconv.Atoi(path[m[2]:m[3]]); err == nil && len(resp.deps) == 1 && strings.HasPrefix(resp.deps[0], "article:") {
			resp.location = news.CommentPagePath(resp.location, n)
		}
		return resp, nil
	}
	if m := wpPostPart.FindStringIndex(path); m != nil {
		// The permalink as recorded, with or without its final slash (/archives/77/2/).
		resp, err := s.oldResponse(ctx, path[:m[0]+1], "")
		if errors.Is(err, news.ErrNotFound) {
			resp, err = s.oldResponse(ctx, path[:m[0]], "")
		}
		if err != nil {
			return nil, err
		}
		if len(resp.deps) == 1 && strings.HasPrefix(resp.deps[0], "article:") {
			return resp, nil
		}
	}
	return nil, news.ErrNotFound
}

// oldTarget looks key up and returns the current address, with rest after an
// archive's (a feed's file, a page); an article's old address leads to the article
// when it is public (rest dropped: the site has no feed of a post's comments).
func (s *Server) oldTarget(ctx context.Context, key, rest string) (string, error) {
	resp, err := s.oldResponse(ctx, key, rest)
	if err != nil {
		return "", err
	}
	return resp.location, nil
}

// oldResponse is oldTarget's 301 as a response, with the cache key of what it leads
// to: the article's (a rename, a move or taking it down names it), or every page's for
// an archive (a section's or tag's new slug names "all" or the tag's key).
func (s *Server) oldResponse(ctx context.Context, key, rest string) (*response, error) {
	oa, ok := s.store.(OldAddresser)
	if !ok {
		return nil, news.ErrNotFound
	}
	target, id, err := oa.OldAddress(ctx, key)
	if err != nil {
		return nil, err
	}
	if target != "" {
		return &response{status: http.StatusMovedPermanently, location: target + rest, deps: []string{news.KeyLists}}, nil
	}
	a, err := s.store.Article(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.IsPublic(s.now()) {
		return nil, news.ErrNotFound
	}
	return movedTo(a, articlePath(a, s.state.Load().settings.Location)), nil
}

// serveOldPathWithoutSlash answers an old path without a final slash whose last part
// has no dot (/archives/77), which the mux would otherwise send to the same path with
// a slash (a second hop); it reports whether it did. Only GETs the cache missed come
// here, and the site's own addresses end with a slash or name a file.
func (s *Server) serveOldPathWithoutSlash(w http.ResponseWriter, r *http.Request) bool {
	p := r.URL.Path
	if strings.HasSuffix(p, "/") || strings.Contains(p[strings.LastIndexByte(p, '/')+1:], ".") || strings.HasPrefix(p, "/static/") {
		return false
	}
	if _, ok := s.store.(OldAddresser); !ok {
		return false
	}
	resp, err := s.oldPathResponse(r.Context(), p)
	if err != nil {
		return false
	}
	permanent(w, r, resp.location)
	return true
}

// permanent answers 301 to target, as a page would be revalidated (an old address an
// editor later gives to a new story leads there).
func permanent(w http.ResponseWriter, r *http.Request, target string) {
	w.Header().Set("Cache-Control", "public, max-age=0, must-revalidate")
	http.Redirect(w, r, feed.ToURI(target), http.StatusMovedPermanently)
}
