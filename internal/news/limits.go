package news

import (
	"context"
	"time"
)

// Limits are the rate limits' counters, kept in the store so that they hold under
// concurrent requests and across every process and node that shares the store: each
// method is one atomic step (check and record together), never a read followed by a
// write. Keys are the caller's (e.g. "signin-account:…"); engines may store them hashed,
// and keep times to the millisecond. Engines bound their tables: an entry is purged once
// it no longer counts, a few at every call.
type Limits interface {
	// TakeAttempt is a sliding-window attempt log (as sign-in limits use): it records
	// an attempt under key at now if fewer than max attempts were recorded in the
	// window (now-window, now], and returns 0; otherwise it records nothing and returns
	// how long until an attempt leaves the window (> 0). max < 1 or window <= 0 is
	// ErrInvalid.
	TakeAttempt(ctx context.Context, key string, max int, window time.Duration, now time.Time) (wait time.Duration, err error)
	// ReturnAttempt removes one attempt recorded under key at now by TakeAttempt (an
	// attempt that turned out not to count, such as a sign-in that succeeded); nothing
	// when there is none.
	ReturnAttempt(ctx context.Context, key string, now time.Time) error
	// ClearAttempts forgets every attempt under key.
	ClearAttempts(ctx context.Context, key string) error
	// TakeToken is a token bucket, as the generic cell rate algorithm (GCRA) keeps it:
	// a key may take burst tokens at once, then one every interval. It takes a token
	// and returns 0, or takes nothing and returns how long until one is there (> 0).
	// burst < 1 or every <= 0 is ErrInvalid.
	TakeToken(ctx context.Context, key string, burst int, every time.Duration, now time.Time) (wait time.Duration, err error)
}
