package auth

import (
	"context"
	"errors"
	"runtime"
	"sync"
)

// Argon2id is costly on purpose: each hash or check holds argonMemory (19 MiB) and a
// core for about 20 ms. Without a bound, a thousand sign-ins sent at once from as many
// addresses (each within its own limits) ran a thousand of them together: 800 MB and
// both cores for 25 s. So the process runs at most one per core (Cores), with at most
// Waiting more in line; past that a server answers "busy" at once, and the attempt does
// not count against the account.

// ErrBusy is returned by TakeSlot when every core is hashing and the line is full.
var ErrBusy = errors.New("auth: too many password checks at once")

// Cores is how many argon2id computations run at once in this process (GOMAXPROCS at
// start); Waiting is how many more may wait for one of them.
var (
	Cores   = max(1, runtime.GOMAXPROCS(0))
	Waiting = 4 * Cores
)

var work = struct {
	admitted chan struct{} // one token per slot taken: running or waiting
	running  chan struct{} // one token per computation running
}{make(chan struct{}, Cores+Waiting), make(chan struct{}, Cores)}

// Slot is a place in the process's line for argon2id work, taken without waiting: a
// request the process has no room for is turned away at once, before any hashing. A
// slot may be used for several computations in turn (a password change checks the old
// one and hashes the new one); each waits for a free core. Release it when done (more
// than once is fine).
type Slot struct{ release func() }

// TakeSlot takes a place in the line, without waiting: ErrBusy when Cores+Waiting slots
// are taken.
func TakeSlot() (*Slot, error) {
	select {
	case work.admitted <- struct{}{}:
		return &Slot{release: sync.OnceFunc(func() { <-work.admitted })}, nil
	default:
		return nil, ErrBusy
	}
}

// Full reports whether every slot is taken just now, so that TakeSlot would return
// ErrBusy: a server may turn a request away before any other work (counting the
// attempt). It is a glance, not a promise: TakeSlot may still find the line full.
func Full() bool { return len(work.admitted) == cap(work.admitted) }

// Release gives the place back.
func (s *Slot) Release() { s.release() }

// onCore runs f on one of the Cores, waiting for one while ctx lives (ctx.Err() when it
// ends first).
func onCore(ctx context.Context, f func()) error {
	select {
	case work.running <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-work.running }()
	f()
	return nil
}

// VerifyPassword is the package's VerifyPassword run on a core of the slot's line: it
// waits for one while ctx lives, and returns ctx.Err() (and false) if ctx ends first.
func (s *Slot) VerifyPassword(ctx context.Context, hash, pw string) (ok bool, err error) {
	err = onCore(ctx, func() { ok = verifyPassword(hash, pw) })
	return ok, err
}

// VerifyNothing spends the time of one VerifyPassword (for an account that does not
// exist), on a core of the slot's line.
func (s *Slot) VerifyNothing(ctx context.Context, pw string) error {
	_, err := s.VerifyPassword(ctx, dummyHash, pw)
	return err
}

// HashPassword is the package's HashPassword run on a core of the slot's line; a
// password the rules refuse (CheckPassword) is refused before any waiting.
func (s *Slot) HashPassword(ctx context.Context, pw string) (hash string, err error) {
	if err := CheckPassword(pw); err != nil {
		return "", err
	}
	var herr error
	if err := onCore(ctx, func() { hash, herr = hashPassword(pw) }); err != nil {
		return "", err
	}
	return hash, herr
}
