package news

import (
	"context"
	"time"
)

// RecoveryCodeCount is how many recovery codes of two-step sign-in a user is given at
// a time (GitHub and Google give ten).
const RecoveryCodeCount = 10

// RecoveryCodeStore keeps the recovery codes of two-step sign-in: single-use codes
// that stand in for a code from the authenticator app when the phone is lost. The
// store holds only their hashes (the admin makes them), and drops them whenever the
// user's second factor changes (turned off, reset, set up anew), so that no code
// outlives the factor it was issued with.
type RecoveryCodeStore interface {
	// SetRecoveryCodes replaces every recovery code of the user by the codes with these
	// hashes, in one step (the old ones stop working). A user without a second factor
	// is ErrConflict, an unknown user ErrNotFound, an empty hash or more than
	// RecoveryCodeCount of them ErrInvalid.
	SetRecoveryCodes(ctx context.Context, userID int64, hashes []string) error
	// RecoveryCodes returns the hashes of the user's unused codes and how many the set
	// had (used ones included); none is not an error.
	RecoveryCodes(ctx context.Context, userID int64) (unused []string, issued int, err error)
	// UseRecoveryCode marks the code with the hash as used at now, atomically: it
	// returns true only if the user has a second factor and the code was theirs and
	// unused, so that of two requests with one code only one succeeds.
	UseRecoveryCode(ctx context.Context, userID int64, hash string, now time.Time) (bool, error)
	// ResetTOTP turns the user's second factor off for someone who lost it (an
	// administrator, the shell), in one step: the secret, every recovery code and every
	// session of the user go. wasOn says whether it was on; an unknown user is
	// ErrNotFound.
	ResetTOTP(ctx context.Context, userID int64) (wasOn bool, err error)
}
