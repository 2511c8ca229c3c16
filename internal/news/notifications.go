package news

import (
	"context"
	"time"
)

// Notifications inside the newsroom. An event of a story's workflow (submitted for
// review, sent back to its writer, published, scheduled) is stored as one row per
// recipient, read or unread, in the store, so that every server shares them and a
// mailer can later follow the same rows (each names its kind, article, actor, note and
// time: everything an email would say). The admin decides who receives what, by the
// roles' permissions (User.CanMove); the store keeps them bounded per user.

// NotificationKind is what happened to a story.
type NotificationKind string

const (
	// NotifySubmitted: the story was submitted for review; sent to everyone who may
	// publish it (User.CanMove to StatusPublished), but not to whoever submitted it.
	NotifySubmitted NotificationKind = "submitted"
	// NotifySentBack: an editor sent the story in review back to its writer as a
	// draft, with a note saying why (Notification.Note).
	NotifySentBack NotificationKind = "sent_back"
	// NotifyPublished: someone other than its writer published the story.
	NotifyPublished NotificationKind = "published"
	// NotifyScheduled: someone other than its writer scheduled the story, to be
	// published at Notification.At.
	NotifyScheduled NotificationKind = "scheduled"
)

// Valid reports whether k is a known kind.
func (k NotificationKind) Valid() bool {
	switch k {
	case NotifySubmitted, NotifySentBack, NotifyPublished, NotifyScheduled:
		return true
	}
	return false
}

// MaxNotifications is how many notifications an engine keeps per user: the newest;
// older ones (read or not) are deleted as new ones arrive, so that the table is
// bounded by the newsroom's size, not its age.
const MaxNotifications = 200

// MaxNoteRunes bounds a note an editor sends with a story (Notification.Note).
const MaxNoteRunes = 2000

// Notification is one event for one recipient.
type Notification struct {
	ID        int64
	UserID    int64 // the recipient
	Kind      NotificationKind
	ArticleID int64
	ActorID   int64  // who did it (0: nobody's account any more)
	ActorName string // their name when they did it
	Note      string // the editor's words (NotifySentBack), plain text
	At        time.Time
	CreatedAt time.Time
	ReadAt    time.Time // zero: unread

	// Read back only: the article as it is now (a notification of an article deleted
	// for good is deleted with it).
	ArticleTitle  string
	ArticleStatus ArticleStatus
}

// Current reports whether the notification still asks for its recipient's attention
// as the story is now: not of a story in the trash, and a review request only while
// the story is in review (once it is published or sent back, by anyone, there is
// nothing left to review). CountUnreadNotifications and NotificationQuery.Current
// apply the same rule in the store.
func (n *Notification) Current() bool {
	return n.ArticleStatus != StatusTrash && (n.Kind != NotifySubmitted || n.ArticleStatus == StatusReview)
}

// WorkflowNotice is the notification an article write owes, decided by the store in
// the write's own transaction, so that a change of status and the word of it are one
// commit (a crash between two steps lost the notification), on every path that
// writes the article: the editor, bulk actions, a restore from the history or the
// trash, the scheduler, a command. before is the article as stored (nil for a new
// one), actor the user whose write it is (Article.EditedBy; nil for nobody's account:
// the scheduler), users the newsroom's accounts (needed only when NoticeNeedsUsers).
// The rules, by User.CanMove:
//
//   - entering review: NotifySubmitted to every active user who may publish the story,
//     but its submitter (and the store marks the writer's unread NotifySentBack of the
//     story read: the resubmission answers them);
//   - published from another status: NotifyPublished to its writer (OwnerID), unless
//     the writer published it; with no actor, At is the publication time;
//   - scheduled, or moved to another time: NotifyScheduled at that time, to its writer,
//     unless the writer did it;
//   - sent back from review to draft with a note (Article.SendBackNote):
//     NotifySentBack with the note, to its writer, unless the writer did it.
//
// A new article written by nobody's account (a command, a fixture) owes nothing:
// nobody in the newsroom did anything. to is empty when nothing is owed. The store
// fills n.CreatedAt.
func WorkflowNotice(before, after *Article, actor *User, users []*User) (n Notification, to []int64) {
	var was ArticleStatus
	if before != nil {
		was = before.Status
	} else if actor == nil {
		return n, nil
	}
	n = Notification{ArticleID: after.ID}
	if actor != nil {
		n.ActorID, n.ActorName = actor.ID, actor.Name
	}
	writer := func() []int64 {
		if after.OwnerID == 0 || after.OwnerID == n.ActorID {
			return nil
		}
		return []int64{after.OwnerID}
	}
	switch {
	case after.Status == StatusReview && was != StatusReview:
		n.Kind = NotifySubmitted
		for _, u := range users {
			if u.ID != n.ActorID && !u.Disabled && u.CanMove(after, StatusPublished) {
				to = append(to, u.ID)
			}
		}
	case after.Status == StatusPublished && was != StatusPublished:
		n.Kind, to = NotifyPublished, writer()
		if actor == nil {
			n.At = after.PublishedAt
		}
	case after.Status == StatusScheduled && (was != StatusScheduled || !before.PublishedAt.Equal(after.PublishedAt)):
		n.Kind, n.At, to = NotifyScheduled, after.PublishedAt, writer()
	case after.Status == StatusDraft && was == StatusReview && after.SendBackNote != "":
		n.Kind, n.Note, to = NotifySentBack, after.SendBackNote, writer()
	}
	return n, to
}

// NoticeNeedsUsers reports whether WorkflowNotice of the write needs the newsroom's
// accounts (a story entering review goes to everyone who may publish it).
func NoticeNeedsUsers(before, after *Article) bool {
	return after.Status == StatusReview && (before == nil && after.EditedBy != 0 || before != nil && before.Status != StatusReview)
}

// NotificationQuery selects a user's notifications, newest first.
type NotificationQuery struct {
	UserID    int64 // required
	ArticleID int64 // 0: any
	Kind      NotificationKind
	Unread    bool // only those not marked read
	Current   bool // only those that are Current
	Limit     int  // at most 100 (0: 100)
	Offset    int
}

// NotificationStore keeps the newsroom's notifications. Every engine implements it.
type NotificationStore interface {
	// Notify stores the event n once for each recipient (n.UserID is ignored; an ID
	// repeated is stored once), sets nothing on n, and trims each recipient's
	// notifications to the newest MaxNotifications, in one transaction. The newest word
	// of a kind about a story replaces the earlier: a recipient's unread notification of
	// the same kind and article is marked read (a story submitted again is one request,
	// a story rescheduled names its new time only). An unknown
	// kind, no article or a note longer than MaxNoteRunes is ErrInvalid; an article that
	// does not exist is ErrNotFound.
	Notify(ctx context.Context, n Notification, recipients []int64) error
	// Notifications returns the query's page and how many notifications match in all.
	Notifications(ctx context.Context, q NotificationQuery) ([]*Notification, int, error)
	// CountUnreadNotifications counts the user's unread Current notifications, stopping
	// at max (the menu shows "9+"): its cost is bounded by max and the per-user cap.
	CountUnreadNotifications(ctx context.Context, userID int64, max int) (int, error)
	// MarkNotificationsRead marks read, at now, the user's notifications with the IDs
	// (another user's are left alone), or every unread one of the user when ids is
	// empty and all is true; it returns how many it marked.
	MarkNotificationsRead(ctx context.Context, userID int64, ids []int64, all bool, now time.Time) (int, error)
	// MarkArticleNotificationsRead marks read the user's unread notifications of the
	// kind about the article (a writer's "sent back" notes once they resubmit).
	MarkArticleNotificationsRead(ctx context.Context, userID, articleID int64, kind NotificationKind, now time.Time) error
}
