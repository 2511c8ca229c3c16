package news

// Private preview links and the trash's memory (issue 8): a draft or scheduled story
// shown to someone outside the newsroom by a capability URL, and the status a story had
// before it was moved to the trash, so that restoring it brings that state back.

import (
	"context"
	"errors"
	"time"
)

// ErrLimit is a store's refusal of a write past a bound (MaxPreviewLinks).
var ErrLimit = errors.New("limit reached")

// PreviewLinkTTL is how long a private preview link works after it is made (7 days, as
// the "Public Post Preview" plugin's links do by default); MaxPreviewLinks is the most
// live links one story may have at once, so that links cannot pile up unseen.
const (
	PreviewLinkTTL  = 7 * 24 * time.Hour
	MaxPreviewLinks = 10
)

// PreviewLink is a private preview link of an article. Only the SHA-256 of its token
// is stored (like a session's): a copy of the database opens no preview.
type PreviewLink struct {
	ID, ArticleID int64
	TokenHash     string
	CreatedBy     int64  // the user who made it
	CreatedByName string // their name, when read back
	CreatedAt     time.Time
	ExpiresAt     time.Time
}

// PreviewStore keeps the private preview links and the status before the trash.
type PreviewStore interface {
	// CreatePreviewLink stores l (its ID set) unless the article has max live links
	// at l.CreatedAt already (ErrLimit); expired links of the article are deleted.
	// An article that does not exist is ErrNotFound, one in the trash ErrInvalid.
	CreatePreviewLink(ctx context.Context, l *PreviewLink, max int) error
	// PreviewLinks returns the article's links live at now, newest first (at most
	// MaxPreviewLinks of them).
	PreviewLinks(ctx context.Context, articleID int64, now time.Time) ([]*PreviewLink, error)
	// RevokePreviewLink deletes the article's link id (ErrNotFound when it has none).
	RevokePreviewLink(ctx context.Context, articleID, id int64) error
	// PreviewLinkArticle returns the article ID of the link whose token hashes to
	// tokenHash, when it is live at now and its article is not in the trash (a story
	// restored from it opens again while the link lives); ErrNotFound otherwise.
	PreviewLinkArticle(ctx context.Context, tokenHash string, now time.Time) (int64, error)
	// StatusBeforeTrash returns the status the article had when it was last moved to
	// the trash, by any path (kept by the store itself); ErrNotFound when none is
	// known (a story trashed before this was kept).
	StatusBeforeTrash(ctx context.Context, articleID int64) (ArticleStatus, error)
}

// RestoredStatus is the status a story leaves the trash with: the one it had before
// (before; "" when unknown, which restores a draft, as WordPress does), a scheduled
// time that passed meanwhile publishing it (StatusAt), and a draft in place of a state
// the restorer may not give it (a contributor's restore of a story an editor had
// published), with ok false then.
func RestoredStatus(u *User, a *Article, before ArticleStatus, now time.Time) (to ArticleStatus, ok bool) {
	switch before {
	case StatusPublished, StatusScheduled:
		if a.PublishedAt.IsZero() {
			return StatusDraft, false
		}
		to = StatusAt(StatusPublished, a.PublishedAt, now)
	case StatusReview, StatusUnpublished:
		to = before
	default:
		return StatusDraft, true
	}
	if !u.CanMove(a, to) {
		return StatusDraft, false
	}
	return to, true
}
