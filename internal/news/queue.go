package news

import (
	"context"
	"time"
)

// The comment queue (issue 8): keyset pages of one status, a search of the text, name
// and email, the tabs' counts, and deleting for good (one by one, or emptying spam or
// the trash) with the erasure's placeholder rule (privacy.go).

// CommentKey is a comment's place in the queue's newest-first order (its time, then
// its ID): a keyset cursor, so that a page neither repeats nor skips a comment when
// others arrive or leave meanwhile, and costs the same at any depth.
type CommentKey struct {
	CreatedAt time.Time
	ID        int64
}

// CommentKeyOf is c's place in the order.
func CommentKeyOf(c *Comment) CommentKey { return CommentKey{CreatedAt: c.CreatedAt, ID: c.ID} }

// QueueSearchWindow bounds the comments one search page looks through: a search that
// finds less than a page among them stops there and says how far it went (SearchedTo),
// and the next page goes on from that point. The cost of a request is then bounded
// however rare the words, as the text is matched row by row (no index holds it).
const QueueSearchWindow = 5000

// QueueSearchBytes bounds, likewise, the text one search page looks through (the
// comments' bodies, names and emails, in bytes): matching folds each comment's text
// (FoldName: about 0.3 µs a character outside ASCII), and 5,000 comments of the longest
// a reader may post would be minutes of it. The window ends at the comment that takes
// the text past it (at least one comment is looked through).
const QueueSearchBytes = 4 << 20

// QueueQuery selects a page of the queue, newest first.
type QueueQuery struct {
	Status CommentStatus // "" for every status (with Email)
	// Email keeps one commenter's comments (compared as NormalEmail).
	Email string
	// Match keeps comments whose text, author's name or email contains it, compared in
	// FoldName's form (case and accents ignored); its % and _ are matched as themselves.
	Match string
	// After keeps the comments after the key (the next, older, page); Before those before
	// it (the newer page), still returned newest first.
	After, Before *CommentKey
	// Limit is at most ListPageMax (ListPageDefault when 0).
	Limit int
}

// QueuePage is a page of the queue.
type QueuePage struct {
	Comments []*Comment
	// More: there are comments beyond the page in the direction read.
	More bool
	// SearchedTo is set when a search looked through QueueSearchWindow comments without
	// filling the page: the last comment looked at, where the next page goes on.
	SearchedTo *CommentKey
}

// QueueStore is what the comment queue reads and deletes beside Store.
type QueueStore interface {
	// CommentQueue returns a page of the queue; see QueueQuery.
	CommentQueue(ctx context.Context, q QueueQuery) (*QueuePage, error)
	// CountCommentsByStatus counts the comments of each status (placeholders of erased
	// comments are no one's and not counted).
	CountCommentsByStatus(ctx context.Context) (map[CommentStatus]int, error)
	// CommentsByID returns the comments with these IDs (placeholders included, Removed
	// set) that exist, by ID; at most ListPageMax IDs.
	CommentsByID(ctx context.Context, ids []int64) (map[int64]*Comment, error)
	// DeleteComments deletes for good, in one transaction, those of the comments ids
	// that are in spam or the trash (others are left and not counted), by the erasure's
	// rule: one that replies hang from stays as a CommentRemovedText placeholder. It
	// records a Change for the articles whose pages changed.
	DeleteComments(ctx context.Context, ids []int64) (Purged, error)
	// EmptyComments is one bounded step of emptying spam or the trash: at most limit of
	// its comments deleted as DeleteComments does, in one transaction; More when the
	// batch was full. Another status is ErrInvalid.
	EmptyComments(ctx context.Context, status CommentStatus, limit int) (Purged, error)
}
