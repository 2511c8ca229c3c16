package news

import (
	"context"
	"time"
)

// Account notices: a person is told what someone else did to their account — an
// administrator changed their email, name or role, made a link to reset their password,
// the link was used, or their two-step sign-in was turned off — on every admin page
// until they say they have seen it. These are the changes that let one administrator
// take another's account over (a new email, a reset link, no second factor); WordPress
// allows them too, and mails the person a notice of an email or password change. With no
// mail yet, the notice waits for their next sign-in, and the server's log records each
// change (who, whom, what; no secret).

// AccountNoticeKind is what was done to the account.
type AccountNoticeKind string

const (
	AccountEmailChanged  AccountNoticeKind = "email"          // From and To: the emails
	AccountNameChanged   AccountNoticeKind = "name"           // From and To: the names
	AccountRoleChanged   AccountNoticeKind = "role"           // From and To: the roles
	AccountEnabled       AccountNoticeKind = "enabled"        // the account was disabled, and is no more
	AccountResetLinkMade AccountNoticeKind = "reset_link"     // a password reset link was made for them
	AccountPasswordReset AccountNoticeKind = "password_reset" // a reset link set their password
	AccountPasswordSet   AccountNoticeKind = "password_set"   // an administrator set it (the command line)
	AccountTwoStepReset  AccountNoticeKind = "two_step_reset" // their second factor was turned off
)

// Valid reports whether k is a known kind.
func (k AccountNoticeKind) Valid() bool {
	switch k {
	case AccountEmailChanged, AccountNameChanged, AccountRoleChanged, AccountEnabled, AccountResetLinkMade, AccountPasswordReset,
		AccountPasswordSet, AccountTwoStepReset:
		return true
	}
	return false
}

// MaxAccountNotices is how many notices an engine keeps per user (the newest), so that
// the table is bounded by the newsroom's size.
const MaxAccountNotices = 50

// AccountNotice is one change to one user's account made by someone else.
type AccountNotice struct {
	ID        int64
	UserID    int64 // whose account
	Kind      AccountNoticeKind
	ActorID   int64  // who did it (0: the command line, or an account deleted since)
	ActorName string // their name when they did it ("" for the command line)
	From, To  string // the value before and after, for a change of email, name or role
	CreatedAt time.Time
	SeenAt    time.Time // zero: not seen yet
}

// AccountNoticeStore keeps the account notices. Every engine implements it.
type AccountNoticeStore interface {
	// AddAccountNotice stores n (its ID set) and keeps the user's newest
	// MaxAccountNotices; an unknown kind is ErrInvalid, an unknown user ErrNotFound.
	AddAccountNotice(ctx context.Context, n *AccountNotice) error
	// AccountNotices returns the user's notices, newest first, at most limit (at most
	// MaxAccountNotices), only those not seen when unseen is true.
	AccountNotices(ctx context.Context, userID int64, unseen bool, limit int) ([]*AccountNotice, error)
	// SeeAccountNotices marks seen, at now, the user's notices with an ID up to upTo
	// (those shown; one that came after is still shown), and returns how many.
	SeeAccountNotices(ctx context.Context, userID, upTo int64, now time.Time) (int, error)
}
