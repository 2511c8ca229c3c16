package news

import (
	"context"
	"errors"
)

// Staff replies (the admin's "Approve and Reply").

// ErrReplyToHidden is a staff reply to a comment in spam or in the trash: nothing is
// stored, and the comment stays where it is (ApproveAndReply).
var ErrReplyToHidden = errors.New("the comment replied to is in spam or in the trash")

// ErrDuplicateReply is a staff reply with the text of one the same account already
// gave to the same comment: nothing is stored (a second press of the button, a
// resent form; WordPress refuses a duplicate comment the same way).
var ErrDuplicateReply = errors.New("the same reply to this comment is already published")

// ReplyStore is the staff reply's write, which every engine implements (part of Store).
type ReplyStore interface {
	// ApproveAndReply stores reply, a newsroom account's reply to a comment (UserID
	// set, Status CommentApproved, ParentID the comment it answers, on the same article),
	// and, in the same transaction, approves that comment when it is pending, with the
	// waiting comments it answers in turn (PendingAncestors, however many): a published
	// reply never answers a comment readers cannot see ("Thanks Tom, …" with no Tom),
	// nor does the comment it approves ("I agree with Tom" with no Tom). This is
	// WordPress's "Approve and Reply" (wp_ajax_replyto_comment with approve_parent),
	// which approves only a pending parent and so leaves the second case; the walk up
	// stops at the first comment that is not pending (approved, or hidden on purpose).
	// It sets reply's ID and, if zero, CreatedAt, names the article's pages in the
	// change log, and returns the parent's status before the write and how many
	// comments it approved (0 when the parent was not pending).
	//
	// Errors: ErrReplyToHidden when the parent is in spam or in the trash (WordPress
	// offers no reply there either; nothing is changed); ErrDuplicateReply when the
	// account already gave this comment a reply of the same text (checked in the same
	// transaction, so that of ten presses at once one is stored); ErrNotFound when there is no
	// such parent, or only what an erasure left of it; ErrInvalid when reply is not a
	// staff reply, names another article than its parent's, or its text is refused.
	ApproveAndReply(ctx context.Context, reply *Comment) (parentWas CommentStatus, approved int, err error)
	// PendingAncestors returns the waiting comments that comment id answers, the
	// nearest first, up to the first that is not pending — those a reply approving id
	// approves too — at most limit of them, and how many there are in all.
	PendingAncestors(ctx context.Context, id int64, limit int) ([]*Comment, int, error)
}
