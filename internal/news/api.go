package news

import (
	"context"
	"time"
)

// The content API's reads (issue 9, item 6; package api): pages of tags, authors and
// an article's comments by keyset, so that a page costs its own rows at any depth.

// APIPageMax bounds a page of any content API list; APIPageDefault is its usual size.
const (
	APIPageDefault = 20
	APIPageMax     = 100
)

// APIStore is what the content API reads beside Store. Each limit may be at most
// APIPageMax+1 (a page and the row that tells whether another follows); a limit out of
// bounds reads APIPageDefault rows.
type APIStore interface {
	// PublicTags returns at most limit tags that at least one
	// article public at now carries, by slug, after the slug after ("" for the first
	// page): a tag given only to drafts is not shown to readers.
	PublicTags(ctx context.Context, after string, limit int, now time.Time) ([]*Tag, error)
	// SectionsAfter returns at most limit sections in the navigation's order (Sections':
	// position, then name, ties by ID), after the key after (nil for the first page):
	// after the section after.ID, as named now; one deleted since is taken as the first
	// of its position (so a page may repeat a few sections of that position).
	SectionsAfter(ctx context.Context, after *SectionKey, limit int) ([]*Section, error)
	// PublicAuthors returns at most limit authors on the byline of
	// at least one article public at now, by slug, after the slug after.
	PublicAuthors(ctx context.Context, after string, limit int, now time.Time) ([]*Author, error)
	// ApprovedCommentsAfter returns at most limit of an article's
	// approved comments in reading order (oldest first: time, then ID), after the key
	// after (a CommentKey, here in that ascending order; nil for the first page). An erased comment that replies hang from comes with Removed set
	// and nothing of its author or text.
	ApprovedCommentsAfter(ctx context.Context, articleID int64, after *CommentKey, limit int) ([]*Comment, error)
	// PublicPages returns at most limit static pages (Kind KindPage) public at now, in
	// the navigation's order: pages with a NavPosition first by it, then the pages
	// outside the navigation, ties by title then ID; after the page with the ID after
	// (0 for the first page of the list), at its present place in that order. A page
	// after that is no longer a page (deleted) ends the list.
	PublicPages(ctx context.Context, after int64, limit int, now time.Time) ([]*Article, error)
}

// SectionKey is a section's place in the navigation's order (APIStore.SectionsAfter):
// its position and ID (its name, the order's second key, is read by the store, so a
// cursor stays short whatever the name's length).
type SectionKey struct {
	Position int
	ID       int64
}
