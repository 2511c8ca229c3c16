package news

import (
	"fmt"
	"regexp"
	"strings"
)

// Kind is what an article row is: a story, or a static page (About, Contact,
// Corrections policy, Ethics). A page shares the article's workflow, revisions,
// versions, bylines, previews and media uses; it has no date, section, tags or place in
// any list, feed or archive, and lives at /{slug}/ (WordPress's pages, post_type
// "page").
type Kind string

const (
	KindArticle Kind = "article"
	KindPage    Kind = "page"
)

// IsPage reports whether the article is a static page.
func (a *Article) IsPage() bool { return a.Kind == KindPage }

// MaxNavPosition bounds a page's place in the navigation (Article.NavPosition).
const MaxNavPosition = 999

// reservedTopLevel are the first path segments the site, the admin and the
// addresses imports keep answering (WordPress's among them) use: a page may not take
// one as its slug, or it would be hidden behind them or hide them.
var reservedTopLevel = map[string]bool{
	"admin": true, "media": true, "feed": true, "tag": true, "section": true, "author": true,
	"preview": true, "comments": true, "api": true, "wp-json": true, "static": true, "page": true,
	"share": true, "category": true, "wp-admin": true, "wp-content": true, "wp-includes": true,
	"wp-login.php": true, "xmlrpc.php": true, "archives": true, "search": true, "robots.txt": true,
	"favicon.ico": true, "feed.xml": true, "atom.xml": true, "feed.json": true, "sitemap.xml": true,
	"news-sitemap.xml": true,
}

// yearSlug is a slug an archive by date (/YYYY/…) would answer.
var yearSlug = regexp.MustCompile(`^[0-9]{4}$`)

// ErrReservedSlug is a page's slug that a path of the site already answers.
var ErrReservedSlug = fmt.Errorf("a slug the site's own addresses use: %w", ErrInvalid)

// CheckPageSlug returns an error wrapping ErrReservedSlug (and so ErrInvalid) when a
// page may not have the slug because the site answers /{slug}/ otherwise: the
// reserved top-level paths (the admin, media, feeds, sitemaps, archives, previews, the
// APIs, static files), anything starting "sitemap", any four-digit year and the
// sections' slugs (sections lists them).
func CheckPageSlug(slug string, sections []*Section) error {
	s := strings.ToLower(slug)
	switch {
	case reservedTopLevel[s], strings.HasPrefix(s, "sitemap"), yearSlug.MatchString(s):
		return fmt.Errorf("page slug %q: %w", slug, ErrReservedSlug)
	case strings.Contains(s, "."):
		// Static files and feeds (robots.txt, feed.json) have a dot; a page's address
		// ends in a slash and needs none.
		return fmt.Errorf("page slug %q: %w", slug, ErrReservedSlug)
	}
	for _, sec := range sections {
		if strings.EqualFold(sec.Slug, slug) {
			return fmt.Errorf("page slug %q (a section's): %w", slug, ErrReservedSlug)
		}
	}
	return nil
}

// PagePath is a page's address: /{slug}/.
func PagePath(slug string) string { return "/" + slug + "/" }
