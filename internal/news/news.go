// Package news holds Broadsheet's domain: the types a news site is made of (articles,
// sections, tags, authors, comments), the rules that need no storage to decide, and the
// Store interface every storage engine implements. It imports nothing of ours, so that
// every other package can depend on it and it on none of them.
package news

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Errors a Store returns, wrapped with context; compare with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("already exists")
	ErrInvalid  = errors.New("invalid")
	// ErrDuplicate is a reader's comment that repeats one already posted (CreateComment).
	ErrDuplicate = errors.New("duplicate")
)

// ArticleStatus is where an article stands in the editorial workflow.
type ArticleStatus string

const (
	StatusDraft       ArticleStatus = "draft"
	StatusReview      ArticleStatus = "review"
	StatusScheduled   ArticleStatus = "scheduled"
	StatusPublished   ArticleStatus = "published"
	StatusUnpublished ArticleStatus = "unpublished"
	StatusTrash       ArticleStatus = "trash"
)

// Valid reports whether s is one of the known statuses.
func (s ArticleStatus) Valid() bool {
	switch s {
	case StatusDraft, StatusReview, StatusScheduled, StatusPublished, StatusUnpublished, StatusTrash:
		return true
	}
	return false
}

// Article is one story. BodyHTML is rendered from BodyMarkdown (and sanitised) before it
// reaches a Store; a Store keeps both so that pages never render Markdown per request.
type Article struct {
	ID           int64
	Slug         string
	Title        string
	Standfirst   string
	BodyMarkdown string
	BodyHTML     string
	Status       ArticleStatus
	PublishedAt  time.Time // zero until first published
	UpdatedAt    time.Time // last substantive edit shown to readers; zero if never
	CreatedAt    time.Time
	// CorrectionNote is shown above the body ("Correction: …", "Update: …").
	CorrectionNote string
	// SEODescription, when set, replaces the standfirst in meta descriptions.
	SEODescription string

	Author *Author
	// CoAuthors are the byline's other authors, in order, after Author (bylines.go).
	CoAuthors []*Author
	Section   *Section
	Tags      []*Tag

	FeaturedImage *Image

	// CommentsClosed closes this article's comments whatever the site's policy.
	CommentsClosed bool
	// CommentCount is the number of approved comments, filled by reads.
	CommentCount int

	// Source and SourceID identify an imported article ("corpus", "42"), so that a second
	// import of the same file adds nothing.
	Source   string
	SourceID string
	// FeedID is the identity the article brought for feeds (an imported GUID), kept
	// for ever; empty, the site mints one (see ArticleFeedID). Stores write it when the
	// article is created and never change it.
	FeedID string

	// OwnerID is the newsroom user whose article it is (0 for imports).
	OwnerID int64
	// EditedBy is who is saving it: a write records a Revision by them.
	EditedBy int64
	// Version is the stored row's version (1 when created, incremented by every write
	// of it). Given to UpdateArticle it is the version the write is based on: another
	// stored version is ErrStale (see AnyVersion); on success it is the new version.
	Version int64
	// TrashedFrom is, for an article in the trash, the status it had when it was moved
	// there ("" when not known, or not in the trash): stores return it, writes ignore
	// it. User.CanEdit judges a trashed story by it, as WordPress's map_meta_cap does.
	TrashedFrom ArticleStatus
	// CreateKey is the one-time key of the form a new article was typed in (the admin's
	// new-article form carries one): CreateArticle creates at most one article per owner
	// and key, so a double click or a resubmitted form never makes two stories (see
	// ErrAlreadyCreated). Only CreateArticle reads it; stores do not return it.
	CreateKey string
	// SendBackNote is the editor's note a write that sends the story from review back
	// to draft delivers to its writer (NotifySentBack), in the write's transaction
	// (WorkflowNotice). Only UpdateArticle reads it; stores do not return it.
	SendBackNote string

	// Kind is KindArticle (also when empty) or KindPage (pages.go). Stores return it;
	// it never changes after creation.
	Kind Kind
	// NavPosition, for a page, is its place in the site's navigation (1 first; 0 not
	// in it, at most MaxNavPosition).
	NavPosition int
}

// MaxRevisions is how many versions of an article are kept: the newest. (WordPress keeps
// every one unless WP_POST_REVISIONS says otherwise; a bound keeps the disk bounded.)
const MaxRevisions = 200

// MaxArticleTags is the most tags an article may carry. Its page, feed items, and API
// and webhook answers list them all, and nothing else bounds them (an import brought a
// post with 50,000: a 5 MB page, a 4 MB API answer of one story); WordPress sets no
// limit, and its own screens show some dozens at most.
const MaxArticleTags = 100

// Revision is one saved version of an article, kept by every save that changes it.
type Revision struct {
	ID          int64
	ArticleID   int64
	UserID      int64
	UserName    string
	CreatedAt   time.Time
	Status      ArticleStatus
	Slug        string
	Title       string
	Standfirst  string
	Markdown    string
	Correction  string
	SEO         string
	Section     string
	Tags        []string
	PublishedAt time.Time
	// Version is the article's version this revision recorded (0 if recorded before
	// articles had versions).
	Version int64
	// The featured image (its address, or none, and its words) and the comments switch
	// as saved; HasSwitches is false for revisions recorded before they were kept.
	ImageURL, ImageAlt, ImageCaption string
	CommentsClosed                   bool
	HasSwitches                      bool
	// Authors is the byline as saved (names, in order); HasAuthors is false for
	// revisions recorded before bylines were kept (bylines.go).
	Authors    []string
	HasAuthors bool
}

// Image is a picture with the words that go with it.
type Image struct {
	URL     string
	Alt     string
	Caption string
	Width   int
	Height  int
	Srcset  string // smaller variants, as an img srcset value
}

// Media is an item of the library, uploaded once and used by any article: an image
// (stored, with its variants), another stored file (a PDF, audio, video: IsImage
// false), or a reference to a file kept at its original address (URL set; what a
// WordPress import makes of an attachment it does not copy).
type Media struct {
	ID          int64
	Name        string // the file's name under the media address (a placeholder for a reference)
	ContentType string
	Width       int // pixels; 0 when not an image or unknown
	Height      int
	Bytes       int
	Srcset      string
	Alt         string
	Caption     string
	UserID      int64
	CreatedAt   time.Time
	// URL is the address of a file the library refers to without storing it; "" for
	// a stored file.
	URL string
	// Title and Description are an imported attachment's (WordPress's post title and
	// content, as text).
	Title, Description string
	// CreateKey, when set, is the one-time key of the upload (the admin API's
	// Idempotency-Key): CreateMedia makes at most one item per UserID and key, and for
	// a second returns ErrAlreadyCreated with ID set to the first's. Only CreateMedia
	// reads it; stores do not return it.
	CreateKey string
}

// IsImage reports whether the item is a stored image (shown, pickable as a featured
// or inline image), as every item uploaded through the library is.
func (m *Media) IsImage() bool {
	return m.URL == "" && m.Width > 0 && m.Height > 0 && strings.HasPrefix(m.ContentType, "image/")
}

// IsPublic reports whether readers may see the article at time now.
func (a *Article) IsPublic(now time.Time) bool {
	return a.Status == StatusPublished && !a.PublishedAt.IsZero() && !a.PublishedAt.After(now)
}

// WasUpdated reports whether the article was edited after publication in a way readers
// should be told about (a minute's grace covers the save that published it).
func (a *Article) WasUpdated() bool {
	return !a.PublishedAt.IsZero() && a.UpdatedAt.After(a.PublishedAt.Add(time.Minute))
}

// Section is a desk of the newsroom (World, Politics, …); an article has at most one.
type Section struct {
	ID          int64
	Slug        string
	Name        string
	Description string
	Position    int // order in the site's navigation
	// ParentID is the section this one sits under (a WordPress category's parent,
	// kept by the WXR import); 0 at the top.
	ParentID int64
}

// Tag is a free topic label; an article has any number.
type Tag struct {
	ID   int64
	Slug string
	Name string
}

// Author is a byline. Email is private: it is never shown to readers.
type Author struct {
	ID    int64
	Slug  string
	Name  string
	Email string
	Bio   string
}

// CommentStatus is a comment's moderation state.
type CommentStatus string

const (
	CommentPending  CommentStatus = "pending"
	CommentApproved CommentStatus = "approved"
	CommentSpam     CommentStatus = "spam"
	CommentTrash    CommentStatus = "trash"
)

// Valid reports whether s is one of the known comment statuses.
func (s CommentStatus) Valid() bool {
	switch s {
	case CommentPending, CommentApproved, CommentSpam, CommentTrash:
		return true
	}
	return false
}

// Comment is a reader's comment. Email and IPHash are private: no page, feed, header or
// log line may show them.
type Comment struct {
	ID          int64
	ArticleID   int64
	ParentID    int64 // 0 for a top-level comment
	Status      CommentStatus
	AuthorName  string
	AuthorEmail string
	AuthorURL   string
	Body        string // what the commenter typed
	BodyHTML    string // sanitised rendering of Body
	IPHash      string
	UserAgent   string
	CreatedAt   time.Time
	// UserID is the newsroom account that wrote it from the admin (a staff reply); 0
	// for a reader's comment.
	UserID int64
	// Removed marks what is left of an erased comment that replies hang from: no
	// author, text or trace; pages show CommentRemovedText in its place.
	Removed bool

	Source   string
	SourceID string
	// ParentSourceID names the parent by its SourceID in an import (ParentID is unknown
	// until the parent is stored).
	ParentSourceID string

	// Depth is the comment's indent in a thread, set by Thread.
	Depth int
}

// MaxThreadDepth is how deep replies nest before they stay at the same level, as in
// WordPress's default.
const MaxThreadDepth = 5

// Thread orders comments for reading: each reply right after its parent (and its
// parent's earlier replies), siblings oldest first, with Depth set. A comment whose
// parent is not in the list (not approved, say) is shown at the top level.
func Thread(comments []*Comment) []*Comment {
	present := make(map[int64]bool, len(comments))
	for _, c := range comments {
		present[c.ID] = true
	}
	children := make(map[int64][]*Comment)
	for _, c := range comments {
		parent := c.ParentID
		if !present[parent] {
			parent = 0
		}
		children[parent] = append(children[parent], c)
	}
	out := make([]*Comment, 0, len(comments))
	var walk func(parent int64, depth int)
	walk = func(parent int64, depth int) {
		for _, c := range children[parent] {
			c.Depth = min(depth, MaxThreadDepth-1)
			out = append(out, c)
			walk(c.ID, depth+1)
		}
	}
	walk(0, 0)
	return out
}

// ArticleQuery selects articles; the zero value selects every article, newest first.
type ArticleQuery struct {
	// PublicAt, when not zero, keeps only articles public at that time.
	PublicAt  time.Time
	Status    ArticleStatus
	SectionID int64
	TagID     int64
	AuthorID  int64
	// Since keeps articles published at or after it.
	Since time.Time
	// ModifiedSince keeps articles whose last change shown to readers — the later of
	// PublishedAt and UpdatedAt, as a sitemap's lastmod — is at or after it.
	ModifiedSince time.Time
	Limit         int
	Offset        int
	OwnerID       int64
	// Words keeps articles whose title or standfirst contains them (FoldName).
	Words string
	// AuthorName keeps articles whose author's name contains it, TagName those with a
	// tag whose name does (FoldName).
	AuthorName, TagName string
	// After keeps the articles after the key in the order (the next page); Before those
	// before it, still returned in the order (the previous page). See ArticleKey.
	After, Before *ArticleKey
	// WithTrash lists trashed articles too when no Status is given.
	WithTrash bool
	// Summaries leaves out what lists do not show: the Markdown source, and the body
	// unless the standfirst is empty (then only the start of BodyHTML, for an excerpt).
	Summaries bool
	// Kind selects articles (empty or KindArticle) or pages (KindPage): every list,
	// count, feed and archive of stories leaves pages out by default.
	Kind Kind
	// InNav keeps only pages with a place in the navigation, ordered by it.
	InNav bool
}

// CommentQuery selects comments, newest first.
type CommentQuery struct {
	ArticleID int64
	Status    CommentStatus
	Email     string // compared without case
	IPHash    string
	Limit     int
	Offset    int
}

// Block is a commenter a moderator has blocked: their comments go to spam.
type Block struct {
	Kind      string // "email" or "ip" (an IP hash)
	Value     string
	CreatedAt time.Time
}

// Change is one entry of a Store's change log: the keys of the pages a write made stale.
// Every node reads the log to invalidate its page cache, so that a write made anywhere
// (another process, another node) reaches every cache.
type Change struct {
	ID   int64
	Keys []string
	At   time.Time
}

// Cache keys a Change names. A cached page lists the keys it depends on; a change to a
// key drops every page that lists it.
const (
	// KeyAll is every page (a site setting or the navigation changed).
	KeyAll = "all"
	// KeyLists is every page that lists articles from the whole site: front pages,
	// site feeds, sitemaps.
	KeyLists = "lists"
)

// KeyArticle names the article's own page and every page that shows it in a box.
func KeyArticle(id int64) string { return fmt.Sprintf("article:%d", id) }

// KeySection names a section's archive and feeds.
func KeySection(id int64) string { return fmt.Sprintf("section:%d", id) }

// KeyTag names a tag's archive and feeds.
func KeyTag(id int64) string { return fmt.Sprintf("tag:%d", id) }

// KeyAuthor names an author's archive.
func KeyAuthor(id int64) string { return fmt.Sprintf("author:%d", id) }

// ImportItem is one article of an import, with its comments. The article and each
// comment need a Source and a SourceID, by which a later import knows them, and their
// HTML (a store renders nothing), which may be left empty only for an article or a
// comment the store holds already, as the import skips those.
type ImportItem struct {
	Article  *Article
	Comments []*Comment // parents before replies; linked by ParentSourceID
}

// ImportResult counts what an import added and what it found already there.
type ImportResult struct {
	Articles, Comments, Sections, Tags, Authors int
	SkippedArticles, SkippedComments            int
}

func (r ImportResult) String() string {
	return fmt.Sprintf("%d articles, %d comments, %d sections, %d tags, %d authors added; %d articles and %d comments already there",
		r.Articles, r.Comments, r.Sections, r.Tags, r.Authors, r.SkippedArticles, r.SkippedComments)
}

// Slugify turns a name into the lower-case, hyphenated form used in URLs. The name is
// first put in NFC, so that a letter typed as a base letter and a combining mark gives
// the same slug as the precomposed letter (WordPress's sanitize_title does the same
// through remove_accents). Latin letters with accents lose them; other scripts are kept
// as they are, with their combining marks (browsers show them), and an empty result
// becomes "untitled".
func Slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(NFC(s)) {
		if f, ok := foldAccent[r]; ok {
			r = f
		}
		switch {
		case r == '\'' || r == '’': // "O'Neill" → "oneill", as WordPress does
			continue
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case r > 0x7f && (isLetterOrDigit(r) || unicode.IsMark(r) && b.Len() > 0 && !dash):
			b.WriteRune(r)
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
		if b.Len() >= 80 {
			break
		}
	}
	out := strings.Trim(b.String(), "-")
	if out == "" {
		return "untitled"
	}
	return out
}
