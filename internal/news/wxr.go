package news

import (
	"context"
	"time"
)

// WXRStore is the storage a WordPress import (wxr.Import) writes through: the site's
// settings (for the embed hosts bodies are rendered with), the library entries an
// earlier import made, and one transaction for the write. sqlite.DB implements it.
type WXRStore interface {
	Settings(ctx context.Context) (map[string]string, error)
	// ImportedMedia returns the library entry an earlier import made from source's
	// sourceID (a WordPress attachment's post ID); ErrNotFound when none.
	ImportedMedia(ctx context.Context, source, sourceID string) (*Media, error)
	// BeginWXR starts the import's one transaction; the caller must Commit or Rollback.
	BeginWXR(ctx context.Context) (WXRTx, error)
	// ImportedArticleIDs returns the source IDs of the articles imported from source,
	// so that a second import need not render what it will not write again.
	ImportedArticleIDs(ctx context.Context, source string) (map[string]bool, error)
	// Sections returns the site's sections: a page may not take one's slug
	// (CheckPageSlug), so the import's check reads them (and PageSlugs) to announce the
	// pages and categories it will give another slug.
	Sections(ctx context.Context) ([]*Section, error)
	// PageSlugs returns the slugs of the site's pages, of any status: a section may not
	// take one (a page at a section's slug could no longer be saved).
	PageSlugs(ctx context.Context) ([]string, error)
}

// WXRTx is one WordPress import's write, all or nothing: nothing is visible before
// Commit, and Rollback (or an error, or no Commit) leaves the site as it was. Each
// method finds what an earlier import of the same file wrote (by WordPress's IDs and
// names) or adds it, reporting whether it added it, so that a second import changes
// nothing. wpID is WordPress's ID, kept for the new row when free.
type WXRTx interface {
	// Section finds or adds the section with s.Slug under the section parentSlug
	// ("" for the top; parents come first); it sets s.ID.
	Section(ctx context.Context, s *Section, wpID int64, parentSlug string) (added bool, err error)
	// Tag finds or adds the tag with t.Slug; it sets t.ID.
	Tag(ctx context.Context, t *Tag, wpID int64) (added bool, err error)
	// Author finds or adds the byline a (by slug) and the account u (by email; nil
	// for none), a new account signing in only through the one-time link whose token
	// hash is resetHash (valid WXRResetLife).
	Author(ctx context.Context, a *Author, u *User, wpID int64, resetHash string) (authorAdded, userAdded bool, err error)
	// FindArticle returns the ID of the article imported from source's sourceID;
	// ErrNotFound when none.
	FindArticle(ctx context.Context, source, sourceID string) (int64, error)
	// Article finds (by a.Source and a.SourceID) or adds the article; it sets a.ID.
	Article(ctx context.Context, a *Article, wpID int64) (added bool, err error)
	// Comment finds (by article, source and source ID) or adds the comment, its
	// ParentID the stored parent's; it sets c.ID.
	Comment(ctx context.Context, c *Comment, wpID int64) (added bool, err error)
	// ArticleRedirect records an old path ("/?p=42", "/2019/05/name/") of an article;
	// added is false when the path was recorded already.
	ArticleRedirect(ctx context.Context, path string, articleID int64) (added bool, err error)
	// OldSlug records a former slug of the article (WordPress's _wp_old_slug, which
	// a Broadsheet export writes for a renamed story); added is false when it was there.
	OldSlug(ctx context.Context, slug string, articleID int64) (added bool, err error)
	// TermRedirect records an old path of a section, tag or author (kind "section",
	// "tag", "author"), or of a library item (kind "media": an upload's old address,
	// /wp-content/uploads/2019/05/photo.jpg); added is false when the path was
	// recorded already.
	TermRedirect(ctx context.Context, path, kind string, id int64) (added bool, err error)
	// Media adds the library entry m made from source's sourceID (kept when one is
	// there from the same origin); it sets m.ID.
	Media(ctx context.Context, m *Media, source, sourceID string) error
	// LeadIfUnset makes the article the front page's lead when none was chosen.
	LeadIfUnset(ctx context.Context, articleID int64) (bool, error)
	// StillRunning returns ErrStale unless the import run runID (news.ImportRunStore)
	// is still running, read in this transaction: asked before Commit, no release of
	// the run can come between them, so a released run's import writes nothing.
	StillRunning(ctx context.Context, runID int64) error
	// Commit records the change (when changed) and commits.
	Commit(ctx context.Context, changed bool) error
	// Rollback ends the import writing nothing; after Commit it does nothing.
	Rollback()
}

// WXRResetLife is how long an imported account's set-password link works: a week, so
// that the newsroom has time to hand the links out after a move.
const WXRResetLife = 7 * 24 * time.Hour
