package news

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// APIToken is a bearer token of the admin API (issue 9, item 8), made by an
// administrator in the admin. Only the SHA-256 of its secret is stored (Hash), so a copy
// of the database cannot be used to call the API; the secret is shown once.
//
// Ownership: a token acts as the account of the administrator who made it (CreatedBy),
// with Role as a cap. Its writes are that account's (an article it creates is owned by
// that account, "own" articles are that account's), and its permissions are those of
// Role, checked by the same Role.Can, User.CanEdit and User.CanMove as the admin's
// forms (Actor). A token stops working when its account is disabled or is no longer an
// administrator, so that nobody keeps through a token what their account lost.
type APIToken struct {
	ID         int64
	Name       string // what the administrator called it, e.g. "newsletter tool"
	Role       Role
	CreatedBy  int64 // the administrator's user ID
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: never
	LastUsedAt time.Time // zero: never used
	Revoked    bool
	Hash       string // hex SHA-256 of the secret (APITokenHash); never the secret
}

// APITokenPrefix begins every secret, so that secret scanners (GitHub's, gitleaks)
// can recognise a leaked one.
const APITokenPrefix = "bs_"

// NewAPITokenSecret returns a new secret: APITokenPrefix and 256 random bits in
// base64url (43 characters), and its hash as stored.
func NewAPITokenSecret() (secret, hash string, err error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", fmt.Errorf("new API token: %w", err)
	}
	secret = APITokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	return secret, APITokenHash(secret), nil
}

// APITokenHash is the hex SHA-256 of a secret, as the store keeps and finds it. A
// look-up by this hash is safe against timing: an attacker cannot choose hash prefixes.
func APITokenHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// LooksLikeAPIToken reports whether s has the form of a secret (prefix and 43
// base64url characters), so that anything else is refused before a look-up.
func LooksLikeAPIToken(s string) bool {
	rest, ok := strings.CutPrefix(s, APITokenPrefix)
	if !ok || len(rest) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(rest)
	return err == nil
}

// Usable reports whether the token may be used at now: not revoked, not expired.
func (t *APIToken) Usable(now time.Time) bool {
	return !t.Revoked && (t.ExpiresAt.IsZero() || now.Before(t.ExpiresAt))
}

// Actor is the user a token acts as: its owner's account with the token's role, or
// nil when the owner may no longer make tokens (disabled, or no longer an
// administrator). Its permissions come from Role.Can, CanEdit and CanMove as any
// user's.
func (t *APIToken) Actor(owner *User) *User {
	if owner == nil || owner.Disabled || owner.ID != t.CreatedBy || !owner.Role.Can(PermManageUsers) || !t.Role.Valid() {
		return nil
	}
	u := *owner
	u.Role, u.PasswordHash, u.TOTPSecret = t.Role, "", ""
	return &u
}

// MaxAPITokenName bounds a token's name, in bytes.
const MaxAPITokenName = 200

// APITokenStore keeps the admin API's tokens. Every engine implements it.
type APITokenStore interface {
	// CreateAPIToken stores t (its Hash set, Name not empty and at most
	// MaxAPITokenName bytes, a valid Role; else ErrInvalid) and sets its ID and
	// CreatedAt.
	CreateAPIToken(ctx context.Context, t *APIToken) error
	// APITokens lists every token (revoked ones too), newest first.
	APITokens(ctx context.Context) ([]*APIToken, error)
	// APITokenByHash returns the token with the hash, revoked or expired too (the
	// caller decides, with Usable); ErrNotFound when there is none. It records now as
	// its last use when it is usable, in the same step.
	APITokenByHash(ctx context.Context, hash string, now time.Time) (*APIToken, error)
	// RevokeAPIToken ends a token for good; ErrNotFound when there is none.
	RevokeAPIToken(ctx context.Context, id int64) error
}

// Writers' token buckets (Limits.TakeToken), shared by the admin's forms and the API,
// so that a writer's saves and uploads count once whichever way they come: a burst at
// once, then one every Every.
type WriterRate struct {
	Kind  string
	Burst int
	Every time.Duration
}

var (
	// SaveRate: article saves and moves (each renders Markdown and may keep a version).
	SaveRate = WriterRate{"article-save", 30, 2 * time.Second}
	// UploadRate: images, by any form or the API: a photo desk's batch at once, then
	// one every 6 s (each keeps up to media.MaxBytes and its variants, after seconds of
	// processing).
	UploadRate = WriterRate{"upload", 30, 6 * time.Second}
	// APIRate: every request of one API token, reads and writes.
	APIRate = WriterRate{"api-token", 120, 500 * time.Millisecond}
)

// WriterLimitKey is the counter of a writer's rate of a kind (LimitKey's rule).
func WriterLimitKey(secret []byte, kind string, userID int64) string {
	return LimitKey(secret, kind, fmt.Sprint(userID))
}

// What a story needs, by the one rule the admin's forms and the API follow (with
// User.CanMove for who may move it, and StatusAt for its status at a time).
var (
	ErrNoHeadline = fmt.Errorf("an article needs a headline: %w", ErrInvalid)
	ErrNoBody     = fmt.Errorf("an article needs a body before it is published: %w", ErrInvalid)
)

// CheckStory reports what a story with this headline and body lacks to be stored with
// the status to: a headline always (ErrNoHeadline), a body when it is published or
// scheduled (ErrNoBody); nil when nothing.
func CheckStory(title, body string, to ArticleStatus) error {
	if strings.TrimSpace(title) == "" {
		return ErrNoHeadline
	}
	if (to == StatusPublished || to == StatusScheduled) && strings.TrimSpace(body) == "" {
		return ErrNoBody
	}
	return nil
}
