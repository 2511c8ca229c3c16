package news

import (
	"context"
	"time"
)

// Role is what a newsroom member may do. The writing roles form a ladder (Ladder): each
// may do everything the one before it may. The moderator stands beside the ladder: it
// moderates comments and does nothing to stories (moderatorMay).
type Role string

const (
	RoleContributor   Role = "contributor"   // writes own drafts, submits them for review
	RoleAuthor        Role = "author"        // publishes and edits own articles
	RoleEditor        Role = "editor"        // everything on articles, comments, sections and tags
	RoleAdministrator Role = "administrator" // and users and settings
	// RoleModerator moderates comments (approve, spam, trash, edit, reply, block) and
	// may not write, edit or publish stories, nor manage sections, users or settings:
	// the community desk's role (WordPress has none built in; its moderation plugins
	// give the moderate_comments capability alone).
	RoleModerator Role = "moderator"
)

// Roles lists every role, as the users screen offers them: the ladder's from the least
// to the most trusted, with the moderator after the contributor.
var Roles = []Role{RoleContributor, RoleModerator, RoleAuthor, RoleEditor, RoleAdministrator}

// Ladder lists the writing roles from the least to the most trusted; each may do
// everything the one before it may.
var Ladder = []Role{RoleContributor, RoleAuthor, RoleEditor, RoleAdministrator}

// moderatorMay is everything a moderator may do.
var moderatorMay = map[Permission]bool{PermViewDashboard: true, PermManageOwnAccount: true, PermModerate: true}

func (r Role) rank() int {
	for i, x := range Ladder {
		if x == r {
			return i + 1
		}
	}
	return 0
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleModerator || r.rank() > 0 }

// Permission is an action that a role may or may not take.
type Permission string

const (
	PermWriteDrafts      Permission = "write own drafts and submit them for review"
	PermPublishOwn       Permission = "publish and edit own articles"
	PermEditAll          Permission = "edit and publish anyone's articles"
	PermModerate         Permission = "moderate comments"
	PermManageTaxonomy   Permission = "manage sections and tags"
	PermManageUsers      Permission = "manage users"
	PermManageSettings   Permission = "change site settings"
	PermViewDashboard    Permission = "see the dashboard"
	PermManageOwnAccount Permission = "change own password and sessions"
)

// permissions gives each permission the least role that has it.
var permissions = map[Permission]Role{
	PermViewDashboard:    RoleContributor,
	PermManageOwnAccount: RoleContributor,
	PermWriteDrafts:      RoleContributor,
	PermPublishOwn:       RoleAuthor,
	PermEditAll:          RoleEditor,
	PermModerate:         RoleEditor,
	PermManageTaxonomy:   RoleEditor,
	PermManageUsers:      RoleAdministrator,
	PermManageSettings:   RoleAdministrator,
	PermPersonalData:     RoleAdministrator,
}

// Can reports whether the role has the permission. Unknown roles and permissions
// have nothing.
func (r Role) Can(p Permission) bool {
	if r == RoleModerator {
		return moderatorMay[p]
	}
	least, ok := permissions[p]
	return ok && r.rank() >= least.rank() && r.Valid()
}

// User is a member of the newsroom who signs in to the admin.
type User struct {
	ID           int64
	Email        string
	Name         string
	Role         Role
	PasswordHash string // argon2id, PHC string format
	CreatedAt    time.Time
	Disabled     bool
	// TOTPSecret, when set, is the base32 secret of the user's second factor.
	TOTPSecret string
	// TOTPLastStep is the time step of the last code accepted (each is used once).
	TOTPLastStep int64
}

// Session is a signed-in browser. The store keeps only a hash of the token the browser
// holds, so a copy of the database cannot be used to sign in.
type Session struct {
	TokenHash string
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
	LastSeen  time.Time
	UserAgent string
}

// UserStore keeps accounts and sessions, and the counters of the rate limits (Limits).
// Every engine implements it beside Store.
type UserStore interface {
	// CreateUser stores a new user and sets its ID; an email already used (compared
	// without case) is ErrConflict.
	CreateUser(ctx context.Context, u *User) error
	User(ctx context.Context, id int64) (*User, error)
	UserByEmail(ctx context.Context, email string) (*User, error)
	Users(ctx context.Context) ([]*User, error)
	CountUsers(ctx context.Context) (int, error)
	// UpdateUser saves a user's name, email, role, password hash, disabled flag and
	// second factor. It writes the whole row: a request that read the user a while
	// ago uses SetPassword, SetTOTP, UseTOTPStep or SetAccess instead, which change
	// only what they name.
	UpdateUser(ctx context.Context, u *User) error
	// SetPassword replaces a user's password hash and, in the same step, ends every
	// session of the user but the one with the token hash keep ("" ends them all) and
	// every password reset link made for them (one would undo the change).
	SetPassword(ctx context.Context, userID int64, hash, keep string) error
	// SetTOTP turns a user's second factor on (the secret, and the time step of the
	// code that proved the app has it) or off ("" and 0). Turning it on while it is on
	// is ErrConflict, decided in the same step as the write.
	SetTOTP(ctx context.Context, userID int64, secret string, step int64) error
	// UseTOTPStep marks the code of a time step as used, atomically: it returns true
	// only if the user has a second factor and no code of that step or a later one was
	// used before, so that of two requests with one code only one succeeds (RFC 6238
	// §5.2: a code is accepted once).
	UseTOTPStep(ctx context.Context, userID, step int64) (bool, error)
	// SetAccess changes a user's role and disabled flag; disabling also ends every
	// session of the user, in the same step, and any change ends their presence in the
	// stories they had open; a role that may not edit others' stories keeps none of the
	// review requests (NotifySubmitted) it was sent, and one that may not manage users
	// (or a disabled account) none of the password reset links it made for others. A
	// change that would leave the site with no active administrator is ErrConflict and
	// changes nothing.
	SetAccess(ctx context.Context, userID int64, role Role, disabled bool) error

	CreateSession(ctx context.Context, s *Session) error
	// Session returns the session with the token hash if its ExpiresAt is after now.
	// A session that ended by time stays findable for EndedSessionKept after its
	// ExpiresAt (ask with an earlier now); one that was deleted is gone at once.
	// Creating a session purges a few sessions past that.
	Session(ctx context.Context, tokenHash string, now time.Time) (*Session, error)
	TouchSession(ctx context.Context, tokenHash string, now time.Time) error
	DeleteSession(ctx context.Context, tokenHash string) error
	// DeleteUserSessions signs a user out everywhere, except the session with the
	// token hash keep (if not empty).
	DeleteUserSessions(ctx context.Context, userID int64, keep string) error
	UserSessions(ctx context.Context, userID int64, now time.Time) ([]*Session, error)

	// KeepForm keeps an editor's form under key (replacing what was kept there); keys
	// are KIND:…, e.g. "user:…" for autosaves. A form is at most MaxKeptFormData bytes
	// (else ErrInvalid). With f.MaxPerUser > 0, only the newest MaxPerUser forms of
	// f.UserID of that kind stay. Forms older than 30 days are purged.
	KeepForm(ctx context.Context, key string, f KeptForm) error
	// KeptForm returns the form kept under key.
	KeptForm(ctx context.Context, key string) (*KeptForm, error)
	DropForm(ctx context.Context, key string) error

	Limits
	RecoveryCodeStore // recovery.go: two-step sign-in's recovery codes, and its reset
}

// EndedSessionKept is how long, at least, an engine keeps a session that ended by
// time (past its ExpiresAt) before it purges it.
const EndedSessionKept = 48 * time.Hour

// MaxKeptFormData bounds a kept form's Data: the admin keeps at most 1 MiB of field
// text, which URL encoding may triple.
const MaxKeptFormData = 4 << 20

// KeptForm is an editor's form kept aside: an autosave, or a save that arrived after
// its session ended. Data is the form's fields, encoded by the admin.
type KeptForm struct {
	UserID    int64 // whose form it is: only they are offered it back
	ArticleID int64 // 0: a new article
	Data      string
	SavedAt   time.Time
	// MaxPerUser, when storing, is how many forms of UserID of the key's kind may stay
	// (the oldest go); 0 sets no cap. It is not read back.
	MaxPerUser int
}

// CanEdit reports whether u may change article a: editors any article; authors their
// own; contributors their own while it is a draft (a story sent back is a draft), or
// in the trash from a draft or from review. A contributor's story in review is
// read-only to them: they may withdraw it (CanMove to StatusDraft) and edit it again,
// as WordPress's contributor may not edit a pending post. A trashed story is judged by
// the status it had (Article.TrashedFrom), as WordPress's map_meta_cap judges a
// trashed post: a contributor who could trash their draft (CanMove) gets it back, and
// restores it only to a status they may give (RestoredStatus); one that was published,
// scheduled or unpublished stays the editors'. One whose earlier status is not known
// (trashed before the site kept it, a backup without it) is the contributor's when it
// never had a publication time (Article.PublishedAt zero: it was never live nor
// scheduled, so a draft in all but name; RestoredStatus makes it one); with a time,
// it may have been live, and stays the editors'.
func (u *User) CanEdit(a *Article) bool {
	switch {
	case u == nil || u.Disabled:
		return false
	case u.Role.Can(PermEditAll):
		return true
	case a.OwnerID != u.ID:
		return false
	case u.Role.Can(PermPublishOwn):
		return true
	}
	return u.Role.Can(PermWriteDrafts) && (a.Status == StatusDraft ||
		a.Status == StatusTrash && (a.TrashedFrom == StatusDraft || a.TrashedFrom == StatusReview ||
			a.TrashedFrom == "" && a.PublishedAt.IsZero()))
}

// CanMove reports whether u may move article a to the status to: anyone who may edit
// it may keep it a draft, send it for review or trash it; only those who may publish it
// may publish, schedule or unpublish it. A writer who may not edit their story in
// review may still withdraw it: move it back to a draft (CanWithdraw).
func (u *User) CanMove(a *Article, to ArticleStatus) bool {
	if !u.CanEdit(a) {
		return to == StatusDraft && u.CanWithdraw(a)
	}
	switch to {
	case StatusDraft, StatusReview, StatusTrash:
		return true
	case StatusPublished, StatusScheduled, StatusUnpublished:
		return u.Role.Can(PermPublishOwn) && (a.OwnerID == u.ID || u.Role.Can(PermEditAll))
	}
	return false
}

// CanWithdraw reports whether u may take their own story out of review, back to a
// draft, although they may not edit it there (a contributor): the read-only view's
// "Withdraw to edit". Whoever may edit the story moves it with CanMove as any move.
func (u *User) CanWithdraw(a *Article) bool {
	return u != nil && !u.Disabled && a.Status == StatusReview && a.OwnerID == u.ID &&
		u.Role.Can(PermWriteDrafts) && !u.CanEdit(a)
}
