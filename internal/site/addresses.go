package site

import (
	"context"
	"errors"
	"html"
	"net/http"
	"strings"

	"broadsheet/internal/feed"
	"broadsheet/internal/news"
	"broadsheet/internal/pagecache"
)

// Addresses that never break: an article's former slugs answer 301 to its current
// address (one hop, whatever the chain of renames), and permanent redirects are cached
// like pages, under the old address, depending on the article's key, so that a rename,
// a move, trashing the article or another story taking the slug drops them.

// formerAddress answers an article address whose slug is no public article's (none
// holds it, or a draft, a scheduled, trashed or unpublished story does): the article
// that had it, when it is public now, is one 301 away, to the same comment page
// (cpage, from 1) of its current address; any other is not found, as at its own
// address.
func (s *Server) formerAddress(ctx context.Context, st *siteState, slug string, cpage int) (*response, error) {
	rd, err := s.store.Redirect(ctx, news.RedirectSlug, slug)
	if err != nil {
		return nil, err
	}
	a, err := s.store.Article(ctx, rd.ArticleID)
	if errors.Is(err, news.ErrNotFound) || err == nil && !a.IsPublic(s.now()) {
		return nil, news.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return movedTo(a, news.CommentPagePath(articlePath(a, st.settings.Location), cpage)), nil
}

// movedTo is a permanent redirect to the article's address, cached until the article
// changes.
func movedTo(a *news.Article, path string) *response {
	return &response{status: http.StatusMovedPermanently, location: path, deps: []string{news.KeyArticle(a.ID)}}
}

// redirectPage is a redirect as a page for the cache: the Location a URI (a slug may
// hold any letter), and the short body net/http's Redirect writes. Browsers revalidate
// it as they do pages, so that an address another story takes later leads there.
func (s *Server) redirectPage(resp *response) *pagecache.Page {
	loc := feed.ToURI(resp.location)
	h := s.headers("text/html; charset=utf-8", "public, max-age=0, must-revalidate, s-maxage=30")
	h["Location"] = []string{loc}
	body := []byte("<a href=\"" + html.EscapeString(loc) + "\">" + http.StatusText(resp.status) + "</a>.\n")
	p := pagecache.NewPage(resp.status, h, body)
	p.Deps = resp.deps
	p.Expires = s.now().Add(s.cfg.CacheTTL)
	return p
}

// formerTag answers an address of a tag that was renamed or merged into another
// (news.ManageStore.TagRedirect): 301 to the same page or feed of the tag that has the
// address now, cached until any tag changes (those changes name every page).
func (s *Server) formerTag(ctx context.Context, slug, path string) (*response, error) {
	t, err := s.store.TagRedirect(ctx, news.NFC(slug))
	if err != nil {
		return nil, err
	}
	rest := strings.TrimPrefix(path, "/tag/"+slug+"/")
	return &response{status: http.StatusMovedPermanently, location: "/tag/" + t.Slug + "/" + rest, deps: []string{news.KeyTag(t.ID)}}, nil
}
