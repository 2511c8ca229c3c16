package news

import (
	"context"
	"errors"
	"time"
)

// The admin API's Idempotency-Key (IETF draft "The Idempotency-Key HTTP Header
// Field", draft-ietf-httpapi-idempotency-key-header): a client that sends a create
// again with the same key, after a timeout or a lost answer, gets the first answer
// again instead of a second article. The records are kept per API token in the store,
// so that a retry reaching another node, or ten copies at once, still make one.

// IdempotencyTTL is how long a key's answer is replayed (the draft leaves the window to
// the server; 24 hours, as common APIs keep them).
const IdempotencyTTL = 24 * time.Hour

// IdempotencyLease is how long a claimed key waits for its request to finish: a claim
// older than this is of a request that died (a crash mid-write), and the next request
// with the key takes it over. Writes are bounded far below it.
const IdempotencyLease = 5 * time.Minute

// MaxIdempotencyKey bounds a key, in bytes.
const MaxIdempotencyKey = 255

var (
	// ErrKeyReused: the key was used with another request (method, path or body) in
	// the window (the draft's 422).
	ErrKeyReused = errors.New("idempotency key used with another request")
	// ErrKeyInFlight: the key's first request is still being answered (the draft's 409).
	ErrKeyInFlight = errors.New("idempotency key's first request still running")
)

// IdempotentReply is a kept answer: its status and JSON body.
type IdempotentReply struct {
	Status int
	Body   []byte
}

// IdempotencyStore keeps the keys of the admin API's creates. Every engine implements
// it; each method is one atomic write, so that concurrent requests with a key see one
// another.
type IdempotencyStore interface {
	// BeginIdempotent claims key for the token and a request whose fingerprint (a hash
	// of its method, path and body) is given, at now. Nil and nil: claimed, the request
	// is to run and then FinishIdempotent or ReleaseIdempotent. A reply: the request
	// ran within IdempotencyTTL, send its answer again. ErrKeyReused when the key's
	// request had another fingerprint, ErrKeyInFlight while it runs (for at most
	// IdempotencyLease). Records past IdempotencyTTL are deleted on the way.
	BeginIdempotent(ctx context.Context, tokenID int64, key, fingerprint string, now time.Time) (*IdempotentReply, error)
	// FinishIdempotent keeps the claimed key's answer.
	FinishIdempotent(ctx context.Context, tokenID int64, key string, reply IdempotentReply) error
	// ReleaseIdempotent forgets a claimed key whose request changed nothing (refused or
	// failed), so that it may be sent again.
	ReleaseIdempotent(ctx context.Context, tokenID int64, key string) error
}
