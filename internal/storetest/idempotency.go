package storetest

// The admin API's Idempotency-Key records (news.IdempotencyStore): one claim of a key
// among concurrent ones, the kept answer replayed, another request's key refused, a
// released or timed-out claim taken again, and records gone after IdempotencyTTL.

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"broadsheet/internal/news"
)

func testIdempotency(t *testing.T, s Engine) {
	ctx := context.Background()
	admin := &news.User{Email: "root@example.org", Name: "Root", Role: news.RoleAdministrator, PasswordHash: "x"}
	if err := s.CreateUser(ctx, admin); err != nil {
		t.Fatal(err)
	}
	var toks []*news.APIToken
	for _, name := range []string{"one", "two"} {
		_, hash, _ := news.NewAPITokenSecret()
		tok := &news.APIToken{Name: name, Role: news.RoleEditor, CreatedBy: admin.ID, Hash: hash}
		if err := s.CreateAPIToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		toks = append(toks, tok)
	}
	one, two := toks[0].ID, toks[1].ID

	// Ten claims at once: exactly one wins, the others are told it runs.
	var wg sync.WaitGroup
	results := make([]error, 10)
	replies := make([]*news.IdempotentReply, 10)
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			replies[i], results[i] = s.BeginIdempotent(ctx, one, "k", "fp", base)
		}()
	}
	wg.Wait()
	won := 0
	for i, err := range results {
		switch {
		case err == nil && replies[i] == nil:
			won++
		case errors.Is(err, news.ErrKeyInFlight):
		default:
			t.Errorf("claim %d: %v %v", i, replies[i], err)
		}
	}
	if won != 1 {
		t.Fatalf("%d of ten concurrent claims won", won)
	}
	if _, err := s.BeginIdempotent(ctx, one, "k", "other", base); !errors.Is(err, news.ErrKeyReused) {
		t.Errorf("another request's claim: %v, want ErrKeyReused", err)
	}
	if r, err := s.BeginIdempotent(ctx, two, "k", "other", base); err != nil || r != nil {
		t.Errorf("another token's key: %v %v, want its own claim", r, err)
	}
	if err := s.FinishIdempotent(ctx, one, "k", news.IdempotentReply{Status: 201, Body: []byte(`{"id":7}`)}); err != nil {
		t.Fatal(err)
	}
	r, err := s.BeginIdempotent(ctx, one, "k", "fp", base.Add(time.Hour))
	if err != nil || r == nil || r.Status != 201 || string(r.Body) != `{"id":7}` {
		t.Errorf("the kept answer: %+v %v", r, err)
	}
	// After the window the key is new again.
	if r, err := s.BeginIdempotent(ctx, one, "k", "fp2", base.Add(news.IdempotencyTTL+time.Minute)); err != nil || r != nil {
		t.Errorf("after IdempotencyTTL: %+v %v, want a fresh claim", r, err)
	}
	// A released claim, and one past its lease, are taken again.
	if _, err := s.BeginIdempotent(ctx, one, "refused", "fp", base); err != nil {
		t.Fatal(err)
	}
	if err := s.ReleaseIdempotent(ctx, one, "refused"); err != nil {
		t.Fatal(err)
	}
	if r, err := s.BeginIdempotent(ctx, one, "refused", "fp3", base); err != nil || r != nil {
		t.Errorf("after a release: %+v %v", r, err)
	}
	if _, err := s.BeginIdempotent(ctx, one, "refused", "fp3", base.Add(time.Second)); !errors.Is(err, news.ErrKeyInFlight) {
		t.Errorf("a running claim: %v", err)
	}
	if r, err := s.BeginIdempotent(ctx, one, "refused", "fp3", base.Add(news.IdempotencyLease+time.Second)); err != nil || r != nil {
		t.Errorf("a claim past its lease: %+v %v, want it taken over", r, err)
	}
	if err := s.FinishIdempotent(ctx, one, "never-claimed", news.IdempotentReply{Status: 201}); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("finishing an unclaimed key: %v, want ErrNotFound", err)
	}
}
