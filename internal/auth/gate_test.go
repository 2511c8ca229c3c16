package auth

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

// The line for argon2id work holds Cores running and Waiting waiting, and no more:
// the next TakeSlot is ErrBusy at once, and a released place is there again.
func TestSlotsAreBounded(t *testing.T) {
	var slots []*Slot
	for {
		s, err := TakeSlot()
		if errors.Is(err, ErrBusy) {
			break
		}
		slots = append(slots, s)
		if len(slots) > 10*(Cores+Waiting) {
			t.Fatal("TakeSlot never said busy")
		}
	}
	if len(slots) != Cores+Waiting || !Full() {
		t.Errorf("%d places taken, want %d (full: %v)", len(slots), Cores+Waiting, Full())
	}
	slots[0].Release()
	slots[0].Release() // twice is once
	s, err := TakeSlot()
	if err != nil {
		t.Fatalf("after a release: %v", err)
	}
	if _, err := TakeSlot(); !errors.Is(err, ErrBusy) {
		t.Errorf("a release given twice made two places: %v", err)
	}
	s.Release()
	for _, s := range slots[1:] {
		s.Release()
	}
	if Full() {
		t.Error("full after every place was given back")
	}
}

// At most Cores argon2id computations run at once, however many slots check
// passwords together; one that waits for a core gives up when its request ends.
func TestAtMostOneComputationPerCore(t *testing.T) {
	hash, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	var running, most atomic.Int32
	var wg sync.WaitGroup
	for range Cores + Waiting {
		s, err := TakeSlot()
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer s.Release()
			err := onCore(context.Background(), func() {
				n := running.Add(1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				verifyPassword(hash, "correct horse battery")
				running.Add(-1)
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if m := int(most.Load()); m > Cores || m < 1 {
		t.Errorf("%d computations ran at once on %d cores", m, Cores)
	}

	// Every core taken: a check whose request has ended does not wait for one.
	for range Cores {
		work.running <- struct{}{}
	}
	s, err := TakeSlot()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if ok, err := s.VerifyPassword(ctx, hash, "correct horse battery"); ok || !errors.Is(err, context.Canceled) {
		t.Errorf("a check for an ended request: %v %v", ok, err)
	}
	if _, err := s.HashPassword(ctx, "short"); err == nil || errors.Is(err, context.Canceled) {
		t.Errorf("a password the rules refuse waited for a core: %v", err)
	}
	s.Release()
	for range Cores {
		<-work.running
	}
	s, _ = TakeSlot()
	defer s.Release()
	if ok, err := s.VerifyPassword(context.Background(), hash, "correct horse battery"); !ok || err != nil {
		t.Errorf("the right password through a slot: %v %v", ok, err)
	}
	if h, err := s.HashPassword(context.Background(), "another good password"); err != nil || !VerifyPassword(h, "another good password") {
		t.Errorf("a hash through a slot: %v", err)
	}
}
