package news

import (
	"context"
	"iter"
	"time"
)

// Store is where a site's content lives. Every engine (SQLite, PostgreSQL) implements it
// and passes the same conformance suite (package storetest). Methods return errors
// wrapping ErrNotFound, ErrConflict, ErrInvalid or ErrStale where those apply.
//
// Every write records, in the same transaction, a Change naming the cache keys it made
// stale, so that page caches on every node can follow the Changes log.
type Store interface {
	NodeStore
	RedirectStore
	PrivacyStore
	EditingStore
	RerenderStore     // rerender.go
	NotificationStore // notifications.go
	BylineStore       // bylines.go

	// CreateArticle stores a new article and sets its ID. Its Author, Section and Tags
	// are found by ID, or else by slug and created when missing.
	CreateArticle(ctx context.Context, a *Article) error
	// UpdateArticle replaces the stored article with a (by ID), if a.Version is the
	// stored version (or AnyVersion), and sets a.Version to the new one; otherwise it
	// changes nothing and returns an error wrapping ErrStale. The check and the write
	// are one atomic step, so of concurrent writes from one version exactly one wins.
	UpdateArticle(ctx context.Context, a *Article) error
	Article(ctx context.Context, id int64) (*Article, error)
	// ArticleBySlug returns the article as readers see it: everything but the
	// Markdown source (BodyMarkdown is empty; Article has it).
	ArticleBySlug(ctx context.Context, slug string) (*Article, error)
	// Articles lists articles newest first (by publication time, then ID).
	Articles(ctx context.Context, q ArticleQuery) ([]*Article, error)
	CountArticles(ctx context.Context, q ArticleQuery) (int, error)
	// Neighbours returns the public articles published just before and just after a,
	// as of now; either may be nil. They are summaries, with what a "Read previous
	// post" box shows: ID, Slug, Title, Standfirst, Status, PublishedAt and, when the
	// standfirst is empty, the start of BodyHTML.
	Neighbours(ctx context.Context, a *Article, now time.Time) (prev, next *Article, err error)

	// RevisionPage returns at most limit of an article's versions, newest first, from
	// offset, and how many there are in all (limit 0: only the count). A write keeps
	// the newest MaxRevisions versions, and records none when nothing changed.
	RevisionPage(ctx context.Context, articleID int64, limit, offset int) ([]*Revision, int, error)
	Revision(ctx context.Context, id int64) (*Revision, error)
	// PublishDue publishes the scheduled articles whose time has come, and returns
	// how many it published.
	PublishDue(ctx context.Context, now time.Time) (int, error)

	// CreateMedia adds an uploaded image to the library and sets its ID; with a
	// CreateKey its user made an item with before, it adds nothing and returns
	// ErrAlreadyCreated with the ID set to that item's.
	CreateMedia(ctx context.Context, m *Media) error
	MediaItem(ctx context.Context, id int64) (*Media, error)
	// MediaLibrary lists the library's stored images (Media.IsImage), newest first.
	MediaLibrary(ctx context.Context, limit int) ([]*Media, error)

	Sections(ctx context.Context) ([]*Section, error)
	SectionBySlug(ctx context.Context, slug string) (*Section, error)
	CreateSection(ctx context.Context, s *Section) error
	// UpdateSection renames, describes or reorders a section (its slug stays, so its
	// address does).
	UpdateSection(ctx context.Context, s *Section) error
	TagBySlug(ctx context.Context, slug string) (*Tag, error)
	AuthorBySlug(ctx context.Context, slug string) (*Author, error)

	// CreateComment stores a new comment and sets its ID and, if zero, CreatedAt. A
	// reader's comment (no UserID, no Source) that repeats one already on the article —
	// same parent, same text, same name or email, not in the trash — is refused with
	// ErrDuplicate, in the write's transaction (WordPress's "Duplicate comment detected",
	// wp_allow_comment), so that a second form or a double click posts it once.
	CreateComment(ctx context.Context, c *Comment) error
	ReplyStore // a staff reply, approving the comment it answers (replies.go)
	Comment(ctx context.Context, id int64) (*Comment, error)
	// ApprovedComments returns an article's approved comments, oldest first.
	ApprovedComments(ctx context.Context, articleID int64) ([]*Comment, error)
	// Comment pages (see CommentPage). ApprovedCommentPage returns at most limit of an
	// article's threads (limit 0: all of them) from offset, oldest first, each with all
	// its approved replies, and the article's counts; its cost follows the page, not
	// the article's comments. CommentThreadIndex returns the position (from 0) among
	// its article's threads of the thread that shows comment id (an approved comment's,
	// or where a pending one would appear: under its approved parent, or as the newest
	// thread); ErrNotFound when there is no such comment.
	ApprovedCommentPage(ctx context.Context, articleID int64, limit, offset int) (*CommentPage, error)
	CommentThreadIndex(ctx context.Context, id int64) (int, error)
	Comments(ctx context.Context, q CommentQuery) ([]*Comment, error)
	CountComments(ctx context.Context, q CommentQuery) (int, error)
	SetCommentStatus(ctx context.Context, id int64, status CommentStatus) error
	// UpdateComment saves a moderator's edit of a comment's author fields and text.
	UpdateComment(ctx context.Context, c *Comment) error
	// Block blocks a commenter by email or IP hash and sends their pending comments
	// to spam; Unblock lifts it.
	Block(ctx context.Context, b Block) error
	Unblock(ctx context.Context, kind, value string) error
	Blocks(ctx context.Context) ([]Block, error)
	// IsBlocked reports whether the email or the IP hash is blocked.
	IsBlocked(ctx context.Context, email, ipHash string) (bool, error)
	// HasApprovedComment reports whether a reader with this name and email (both
	// compared without case) has an approved comment: the test of WordPress's default
	// moderation rule (check_comment: "comment author must have a previously approved
	// comment", matched on name and email). Comments written from the admin (UserID set)
	// never count, nor does an email that belongs to a newsroom account: staff
	// addresses vouch for no anonymous post.
	HasApprovedComment(ctx context.Context, name, email string) (bool, error)

	// Settings returns every stored site setting by key.
	Settings(ctx context.Context) (map[string]string, error)
	SetSettings(ctx context.Context, values map[string]string) error
	// AddSettings stores each of values whose key has no stored value yet (or an empty
	// one), leaves every other stored one as it is, and returns the stored values of
	// values' keys afterwards, in one transaction: of several servers minting a value at
	// once on a new database (the secret, the feed ID base), one's is kept and every one
	// of them uses it.
	AddSettings(ctx context.Context, values map[string]string) (map[string]string, error)

	// Changes returns the changes recorded after the one with ID after, oldest first.
	Changes(ctx context.Context, after int64) ([]Change, error)
	// LastChange returns the ID of the latest change (0 if none).
	LastChange(ctx context.Context) (int64, error)

	// Import adds the items in one transaction: all of them or, on error, none.
	// Articles and comments whose (Source, SourceID) is already stored are skipped, so
	// importing the same file twice adds nothing. It is ImportStream over a slice.
	Import(ctx context.Context, items []ImportItem) (ImportResult, error)
	// ImportStream adds the items the sequence yields, in order and in one
	// transaction: all of them or, if the sequence yields an error, a write fails, ctx
	// ends or the process dies, none. It keeps no item after taking the next, so the
	// memory it needs does not grow with the import (an engine may keep bounded caches
	// of names and IDs). Skipping is as for Import; an imported slug already taken gets
	// a number ("slug-2"), as WordPress does.
	ImportStream(ctx context.Context, items iter.Seq2[*ImportItem, error]) (ImportResult, error)

	Close() error
}
