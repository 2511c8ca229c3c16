package news

import "context"

// The WordPress export (internal/wxr's Writer, broadsheet export wxr) reads through
// WXRExportStore: the whole site in the order a WXR file lists it, from one read snapshot.

// WXRExport is what ExportWXR hands out, in this order: the settings once, then each
// author, each section (a parent before its children), each tag, each library image,
// and each article or page with its comments. A callback's error stops the export and
// is returned. Values passed to a callback are not used by the store after it returns.
type WXRExport struct {
	Settings func(settings map[string]string) error
	Author   func(a *Author) error
	// Section gives a section with the WordPress term ID it is exported with (its
	// own) and its parent's slug ("" at the top).
	Section func(s *Section, parentSlug string) error
	// Tag gives a tag with its term ID in TermID: its own ID, unless a section has
	// it (WordPress numbers categories and tags in one sequence), then one above
	// every section's and tag's.
	Tag func(t *Tag, termID int64) error
	// Media gives a library image with its post ID (WXRPostID's rules).
	Media func(m *Media, postID int64) error
	// Article gives an article or page (news.Article with its author, co-authors,
	// section, tags and featured image) with its IDs, and its comments, parents
	// before replies, each with its WordPress comment ID.
	Article func(p *WXRPost) error
}

// WXRPost is an article or page as the WordPress export writes it.
type WXRPost struct {
	*Article
	// PostID is the WordPress post ID it is exported with: the post ID it was
	// imported from WordPress with when no other post has it, otherwise Broadsheet's
	// ID when no kept WordPress ID is that number, otherwise a number above all of
	// them (WordPress's post IDs are unique across posts, pages and attachments).
	PostID int64
	// ImageID is the post ID of the featured image's attachment: the library
	// image's when the featured image is one, otherwise an attachment made for the
	// image's address alone (ImageMade true), numbered above every other post ID.
	ImageID   int64
	ImageMade bool
	// OldSlugs are its former slugs (RedirectSlug), OldPaths the old paths recorded
	// for it (RedirectPath: an imported site's /?p=ID and permalinks), oldest first.
	OldSlugs, OldPaths []string
	// Comments are the article's comments (every status), parents before replies;
	// comments erased with replies hanging from them are left out (their replies
	// then name no parent).
	Comments []*WXRComment
}

// WXRComment is a comment with the WordPress IDs it is exported with: its own
// (WordPress's from an import when no other comment has that number, otherwise
// Broadsheet's) and its parent's (0 at the top).
type WXRComment struct {
	*Comment
	CommentID, ParentID int64
}

// WXRExportStore is what a storage engine gives the WordPress export.
type WXRExportStore interface {
	// ExportWXR calls x's callbacks with every author, section, tag, library image,
	// article and page (every status) and comment (every status, with the
	// commenter's email; never the address hash or user agent), reading keyset pages of a few
	// hundred rows from one snapshot, so that the site is never held whole in memory
	// and writes made meanwhile are not half in it.
	ExportWXR(ctx context.Context, x WXRExport) error
}
