package news

import (
	"context"
	"time"
)

// WordPress's REST shape (issue 9, item 7; package api, wp.go) reads through WPStore:
// lists with WordPress's filters, its orders and its totals (X-WP-Total), paged by
// OFFSET as WordPress pages, each bounded so that a request costs a page of rows plus
// one count, at any depth.

// WPPerPageMax is the largest per_page WordPress allows (rest_validate_request_arg:
// "per_page must be between 1 (inclusive) and 100 (inclusive)"); WPSearchScan is how
// many of the newest items a search looks through, in place of a full-text index
// (WordPress's search is a LIKE over every post; ours stops at the newest
// WPSearchScan, newest first, so that its cost has a bound); WPIDsMax bounds a list of
// IDs or slugs in one parameter (include, exclude, categories, tags, author, post,
// slug).
const (
	WPPerPageMax = 100
	WPSearchScan = 2000
	WPIDsMax     = 100
)

// WPQuery selects public items of one list of WordPress's shape. Lists of IDs are ORs
// within themselves (WordPress's "categories=1,2": in either) and ANDs between each
// other; an empty list does not filter.
type WPQuery struct {
	// Now: only what is public at Now (Article.IsPublic; for comments, approved ones
	// on such articles; for media, images used by such articles).
	Now time.Time
	// Kind: KindArticle (posts) or KindPage (pages); ignored by other lists.
	Kind             Kind
	Include, Exclude []int64
	// Sections, Tags, Authors filter posts (by section, tag, byline: lead or
	// co-author); Posts filters comments and media (the article they belong to or are
	// used by); Parents filters comments (0: top level).
	Sections, Tags, Authors, Posts, Parents []int64
	// The posts' exclusions: categories_exclude, tags_exclude, author_exclude.
	NotSections, NotTags, NotAuthors []int64
	Slugs                            []string
	// HideEmpty keeps only categories with a public story (hide_empty=true). Tags
	// never list one without a public article.
	HideEmpty bool
	// After and Before bound the publication time (exclusive, as WordPress's
	// date_query "after"/"before" with inclusive false).
	After, Before time.Time
	// ModifiedAfter and ModifiedBefore bound the last change shown to readers (the
	// later of publication and update; WordPress's modified_after/modified_before).
	ModifiedAfter, ModifiedBefore time.Time
	// Search keeps items whose words contain it (title, excerpt, content; a comment's
	// text; a medium's name, alt text and caption), looking through the newest
	// WPSearchScan of the list only (see WPSearchScan).
	Search string
	// OrderBy is "date" (default), "id", "title", "slug", "modified" or "name" (terms,
	// users); Asc orders ascending, descending otherwise (the API sets each list's
	// WordPress default: posts, comments and media descending, terms and users
	// ascending).
	OrderBy string
	Asc     bool
	// Limit and Offset select the page; Limit at most WPPerPageMax.
	Limit, Offset int
}

// WPTerm is a category (a section) or a tag, with the number of public posts it has.
type WPTerm struct {
	ID          int64
	Slug        string
	Name        string
	Description string
	// ParentID is the parent category (sections: 0 until sections nest).
	ParentID int64
	Count    int
}

// WPStore is what the WordPress-shaped API reads. Each method returns one page and the
// number of items the query selects in all (before Limit and Offset).
type WPStore interface {
	// WPArticles returns public posts or pages (q.Kind), newest first by default, with
	// their bodies.
	WPArticles(ctx context.Context, q WPQuery) ([]*Article, int, error)
	// WPTerms returns sections (taxonomy "category") or tags ("post_tag") by name
	// (q.OrderBy "name", default), "id", "slug" or "count"; tags only when at least
	// one public post carries them (a tag given only to drafts is private). q.Posts
	// keeps the terms of those posts.
	WPTerms(ctx context.Context, taxonomy string, q WPQuery) ([]*WPTerm, int, error)
	// WPAuthors returns the authors on the byline of at least one public post or
	// page, by name (default), id or slug; never their email.
	WPAuthors(ctx context.Context, q WPQuery) ([]*Author, int, error)
	// WPComments returns approved comments of public posts and pages, newest first by
	// default ("date"; also "id"), without their email or IP hash.
	WPComments(ctx context.Context, q WPQuery) ([]*Comment, int, error)
	// WPMedia returns the library's images that at least one public post or page
	// shows (media_uses), newest first by default; a picture used only in drafts
	// stays private. With it, for each image, the ID of the first public article
	// showing it (WordPress's attachment "post").
	WPMedia(ctx context.Context, q WPQuery) ([]*Media, map[int64]int64, int, error)
	// WPMediaIDs returns the library's ID of each of the file names (a featured
	// image's address less "/media/"), for posts' featured_media.
	WPMediaIDs(ctx context.Context, names []string) (map[string]int64, error)
}
