package media

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"
)

// gate is a real Dir whose Create, once entered, waits for the test's word: an
// upload held there is being processed, holding its place in the limiter.
type gate struct {
	Dir
	entered chan string
	proceed chan struct{}
}

func newGate(t *testing.T) *gate {
	return &gate{Dir: Dir(t.TempDir()), entered: make(chan string, 16), proceed: make(chan struct{})}
}

func (g *gate) Create(name string, write func(io.Writer) error) error {
	g.entered <- name
	<-g.proceed
	return g.Dir.Create(name, write)
}

// useLimiter puts l in the place of the process-wide limiter for the test.
func useLimiter(t *testing.T, l *limiter) {
	old := processing
	processing = l
	t.Cleanup(func() { processing = old })
}

// untilWaiting waits until n uploads wait in l, failing at once should one more
// reach g's Create instead: one started beyond the bound.
func untilWaiting(t *testing.T, l *limiter, g *gate, n int64) {
	t.Helper()
	for l.waiting.Load() != n {
		select {
		case name := <-g.entered:
			t.Fatalf("%s was processed beyond the bound (%d active)", name, l.active.Load())
		case <-t.Context().Done():
			t.Fatal("gave up")
		default:
		}
		time.Sleep(time.Millisecond)
	}
}

type result struct {
	im  *Image
	err error
}

func upload(ctx context.Context, files Files, data []byte) chan result {
	done := make(chan result, 1)
	go func() {
		im, err := Process(ctx, files, bytes.NewReader(data))
		done <- result{im, err}
	}()
	return done
}

// Beyond the bound (by estimated memory, or by count), uploads wait for their turn
// and are processed when one ends.
func TestUploadsBeyondTheBoundWait(t *testing.T) {
	data := buildJPEG(400, 300, comps420, false, -1)
	p, err := inspect(data)
	if err != nil {
		t.Fatal(err)
	}
	for name, l := range map[string]*limiter{
		"memory for two": newLimiter(2*p.cost+p.cost/2, 10, 8),
		"two at once":    newLimiter(100*p.cost, 2, 8),
	} {
		t.Run(name, func(t *testing.T) {
			useLimiter(t, l)
			g := newGate(t)
			var results []chan result
			for range 3 {
				results = append(results, upload(t.Context(), g, data))
			}
			<-g.entered
			<-g.entered
			untilWaiting(t, l, g, 1)
			if l.active.Load() != 2 {
				t.Fatalf("%d active", l.active.Load())
			}
			g.proceed <- struct{}{} // one ends: the third's turn
			<-g.entered
			g.proceed <- struct{}{}
			g.proceed <- struct{}{}
			for _, r := range results {
				if res := <-r; res.err != nil {
					t.Error(res.err)
				}
			}
			if left := files(t, g.Dir); len(left) != 3 {
				t.Errorf("stored %v", left)
			}
		})
	}
}

// A waiting upload whose client leaves gives up without being processed; past
// MaxWaiting, an upload is refused at once.
func TestAWaitingUploadGivesUpWhenItsClientLeaves(t *testing.T) {
	data := buildJPEG(400, 300, comps420, false, -1)
	l := newLimiter(MaxProcessingMemory, 1, 1)
	useLimiter(t, l)
	g := newGate(t)
	first := upload(t.Context(), g, data)
	<-g.entered
	ctx, leave := context.WithCancel(t.Context())
	second := upload(ctx, g, data)
	untilWaiting(t, l, g, 1)

	third := upload(t.Context(), g, data)
	for res := (result{}); res.err != ErrBusy; {
		select {
		case res = <-third:
			if res.err != ErrBusy {
				t.Fatalf("a third upload, past the queue: %v", res.err)
			}
		default:
			if l.waiting.Load() > 1 {
				t.Fatal("a third upload waits, past the queue")
			}
			time.Sleep(time.Millisecond)
		}
	}

	leave()
	// It gives up while the first still holds its place (were it to wait on
	// regardless, this would wait until the test's deadline).
	res := <-second
	var refused *Error
	if !errors.Is(res.err, context.Canceled) || errors.As(res.err, &refused) {
		t.Errorf("the upload whose client left: %v", res.err)
	}
	g.proceed <- struct{}{}
	if res := <-first; res.err != nil {
		t.Fatal(res.err)
	}
	if left := files(t, g.Dir); len(left) != 1 {
		t.Errorf("stored %v", left)
	}
}

// An upload whose client leaves while it is processed stops and leaves nothing
// stored, not even the files already written.
func TestProcessingStopsWhenTheClientLeaves(t *testing.T) {
	useLimiter(t, newLimiter(MaxProcessingMemory, MaxProcessing, MaxWaiting))
	g := newGate(t)
	ctx, leave := context.WithCancel(t.Context())
	done := upload(ctx, g, buildPNG(2000, 1000, 8, 2, false, nil))
	<-g.entered // the image itself
	g.proceed <- struct{}{}
	<-g.entered // its first variant
	leave()
	g.proceed <- struct{}{}
	select {
	case name := <-g.entered:
		t.Fatalf("went on to store %s after its client left", name)
	case res := <-done:
		if !errors.Is(res.err, context.Canceled) {
			t.Fatalf("%v", res.err)
		}
	}
	if left := files(t, g.Dir); len(left) != 0 {
		t.Errorf("left %v", left)
	}
}
