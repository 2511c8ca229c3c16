package media

import (
	"context"
	"sync/atomic"

	"golang.org/x/sync/semaphore"
)

// Bounds on the images processed at once, across the whole process.
const (
	// MaxProcessingMemory is what the images being processed may need together, by
	// their estimates: two of the largest allowed at once, or many small ones.
	MaxProcessingMemory = 512 << 20
	// MaxProcessing is how many images are processed at once, however small: the
	// work is CPU-bound, one core each.
	MaxProcessing = 4
	// MaxWaiting is how many uploads may wait for their turn. Each keeps its file in
	// memory while it waits (up to MaxBytes), so the queue is bounded too; past it,
	// an upload is refused with ErrBusy.
	MaxWaiting = 8
)

// ErrBusy refuses an upload when MaxWaiting others are already waiting.
var ErrBusy = &Error{"The server is busy processing other images. Please try again in a minute."}

// limiter admits images by count and by estimated memory, first come first served
// (x/sync/semaphore is FIFO: a large image is not starved by small ones).
type limiter struct {
	slots, memory *semaphore.Weighted
	size          int64 // memory's
	maxWaiting    int64

	waiting atomic.Int64 // uploads waiting for their turn now
	active  atomic.Int64 // images being processed now
}

func newLimiter(memory int64, slots, waiting int) *limiter {
	return &limiter{slots: semaphore.NewWeighted(int64(slots)), memory: semaphore.NewWeighted(memory), size: memory, maxWaiting: int64(waiting)}
}

// processing is the process-wide limiter every Process call goes through.
var processing = newLimiter(MaxProcessingMemory, MaxProcessing, MaxWaiting)

// acquire waits for a slot and cost bytes of the memory budget, or returns ctx's
// error if ctx ends first (the client left), or ErrBusy at once when the queue is
// full. release gives both back.
func (l *limiter) acquire(ctx context.Context, cost int64) (release func(), err error) {
	// Process refuses any cost over MaxImageMemory first; were one larger than the
	// whole budget to come, it would wait for ever: it takes the whole budget instead.
	cost = min(cost, l.size)
	if !l.slots.TryAcquire(1) {
		if err := l.wait(ctx, func() error { return l.slots.Acquire(ctx, 1) }); err != nil {
			return nil, err
		}
	}
	if !l.memory.TryAcquire(cost) {
		if err := l.wait(ctx, func() error { return l.memory.Acquire(ctx, cost) }); err != nil {
			l.slots.Release(1)
			return nil, err
		}
	}
	l.active.Add(1)
	return func() {
		l.active.Add(-1)
		l.memory.Release(cost)
		l.slots.Release(1)
	}, nil
}

func (l *limiter) wait(ctx context.Context, acquire func() error) error {
	if l.waiting.Add(1) > l.maxWaiting {
		l.waiting.Add(-1)
		return ErrBusy
	}
	defer l.waiting.Add(-1)
	return acquire()
}
