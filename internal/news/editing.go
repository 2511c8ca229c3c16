package news

import (
	"context"
	"errors"
	"time"
)

// Two editors, one story. Every stored article has a Version that every write of its
// row increments; a write says which version it was based on, and the store refuses,
// atomically (a conditional UPDATE, never a read then a write), one based on a version
// that is no longer the stored one. So two saves from two tabs or two nodes can never
// silently lose one of them: the second gets ErrStale and its editor sees what changed.
// Beside it, presence (as WordPress's post lock shows who holds a post) tells an editor
// who else has the story open; it locks nobody out.

// ErrStale is what UpdateArticle returns (wrapped) when the article's stored version is
// not the one the write was based on: someone else saved it in between.
var ErrStale = errors.New("changed since it was read")

// ErrAlreadyCreated is what CreateArticle returns (wrapped) when its owner already
// created an article from the same form (the same Article.CreateKey): nothing is
// created, and the article's ID is set to the one created before, so that the caller
// can save the form into it instead (based on version 1, as the form was).
var ErrAlreadyCreated = errors.New("already created from this form")

// AnyVersion, as the Version of an article given to UpdateArticle, writes over whatever
// version is stored. Only a caller that has no version to be based on and must win may
// use it (a command that repairs data); the newsroom's forms, the scheduler and imports
// always give the version they read.
const AnyVersion int64 = -1

// PresenceTTL is how long an editor counts as having a story open after the last sign
// of it (opening the editor, or its script's heartbeat every 30 s): two missed beats.
const PresenceTTL = 2 * time.Minute

// Presence is one newsroom user with an article open in the editor.
type Presence struct {
	ArticleID int64
	UserID    int64
	UserName  string
	Since     time.Time // when they opened it (kept while their heartbeats continue)
	SeenAt    time.Time // their last heartbeat
}

// EditingStore is what the editor needs to keep two editors from losing each other's
// work. Every engine implements it.
type EditingStore interface {
	// TouchPresence records that user has the article open at now, from the session
	// with the token hash session (the user's, live at now; ErrNotFound otherwise): one
	// row per user and article (an upsert), its Since kept while the user was seen
	// within PresenceTTL and reset otherwise. Rows older than PresenceTTL are removed
	// as it goes, so the table stays bounded by the editors at work.
	TouchPresence(ctx context.Context, articleID, userID int64, session string, now time.Time) error
	// LeavePresence forgets that user has the article open (the tab was closed).
	LeavePresence(ctx context.Context, articleID, userID int64) error
	// Present returns who has the article open as of now (seen within PresenceTTL),
	// with their names, longest open first, at most 50: only those who may still edit
	// it (User.CanEdit: not disabled, not demoted past it) and whose session that last
	// showed it still lives (not signed out, not ended by time).
	Present(ctx context.Context, articleID int64, now time.Time) ([]Presence, error)
	// RevisionsSince returns the versions saved after the article's version `version`,
	// newest first, at most limit of them, and the revision that holds the article as it
	// was at `version` (the newest one recorded at or before it), or nil when that one
	// is no longer kept (or was recorded before versions were).
	RevisionsSince(ctx context.Context, articleID, version int64, limit int) (since []*Revision, base *Revision, err error)
	// ArticleCreatedFrom returns the ID of the article that owner created from the form
	// with the key (Article.CreateKey), or ErrNotFound.
	ArticleCreatedFrom(ctx context.Context, ownerID int64, key string) (int64, error)
}
