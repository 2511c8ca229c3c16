package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"broadsheet/internal/news"
)

// Recovery codes of two-step sign-in (news.RecoveryCodeStore): each is used once, even
// when sent twice at once; a new set replaces the old; and no code outlives the second
// factor it was issued with (turned off, reset, or a new one set up).
func testRecoveryCodes(t *testing.T, s Engine) {
	ctx := context.Background()
	u := &news.User{Email: "lost@newsroom.example", Name: "Lost Phone", Role: news.RoleEditor, PasswordHash: "$argon2id$x"}
	other := &news.User{Email: "other@newsroom.example", Name: "Other", Role: news.RoleEditor, PasswordHash: "$argon2id$x"}
	for _, x := range []*news.User{u, other} {
		if err := s.CreateUser(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	set := func(prefix string) []string {
		var hs []string
		for i := range news.RecoveryCodeCount {
			hs = append(hs, fmt.Sprintf("%s-%d", prefix, i))
		}
		return hs
	}
	if err := s.SetRecoveryCodes(ctx, u.ID, set("a")); !errors.Is(err, news.ErrConflict) {
		t.Errorf("codes for a user without a second factor: %v, want ErrConflict", err)
	}
	if err := s.SetRecoveryCodes(ctx, 1<<40, set("a")); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("codes for nobody: %v, want ErrNotFound", err)
	}
	for _, x := range []*news.User{u, other} {
		if err := s.SetTOTP(ctx, x.ID, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", 1); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetRecoveryCodes(ctx, u.ID, append(set("a"), "one too many")); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("eleven codes: %v, want ErrInvalid", err)
	}
	if err := s.SetRecoveryCodes(ctx, u.ID, set("a")); err != nil {
		t.Fatal(err)
	}
	if err := s.SetRecoveryCodes(ctx, other.ID, set("b")); err != nil {
		t.Fatal(err)
	}
	unused, issued, err := s.RecoveryCodes(ctx, u.ID)
	slices.Sort(unused)
	if want := set("a"); err != nil || issued != len(want) || !slices.Equal(unused, want) {
		t.Errorf("codes %q of %d (%v), want %q", unused, issued, err, want)
	}
	if ok, err := s.UseRecoveryCode(ctx, u.ID, "b-0", base); ok || err != nil {
		t.Errorf("another user's code was accepted: %v %v", ok, err)
	}
	// Two requests with one code at once: one wins.
	var wins int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			ok, err := s.UseRecoveryCode(ctx, u.ID, "a-3", base)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("one code used %d times at once, want once", wins)
	}
	if ok, _ := s.UseRecoveryCode(ctx, u.ID, "a-3", base); ok {
		t.Error("a used code was accepted again")
	}
	if unused, issued, _ := s.RecoveryCodes(ctx, u.ID); len(unused) != news.RecoveryCodeCount-1 || issued != news.RecoveryCodeCount || slices.Contains(unused, "a-3") {
		t.Errorf("after one use: %d unused of %d: %q", len(unused), issued, unused)
	}
	// A new set replaces the old one whole.
	if err := s.SetRecoveryCodes(ctx, u.ID, set("c")); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.UseRecoveryCode(ctx, u.ID, "a-4", base); ok {
		t.Error("a code of the replaced set was accepted")
	}
	if ok, _ := s.UseRecoveryCode(ctx, u.ID, "c-4", base); !ok {
		t.Error("a code of the new set was refused")
	}
	// Turning the factor off drops the codes, so that setting it up again does not bring
	// the old ones back.
	if err := s.SetTOTP(ctx, u.ID, "", 0); err != nil {
		t.Fatal(err)
	}
	if unused, issued, _ := s.RecoveryCodes(ctx, u.ID); len(unused) != 0 || issued != 0 {
		t.Errorf("codes outlived the factor: %q of %d", unused, issued)
	}
	if err := s.SetTOTP(ctx, u.ID, "NEWSECRETNEWSECRETNE", 1); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.UseRecoveryCode(ctx, u.ID, "c-5", base); ok {
		t.Error("a code of the factor turned off works with the new one")
	}

	// ResetTOTP: the factor, its codes and every session go in one step; the other
	// user's are untouched.
	for i, x := range []*news.User{u, u, other} {
		err := s.CreateSession(ctx, &news.Session{TokenHash: fmt.Sprintf("session-%d", i), UserID: x.ID, CreatedAt: base, LastSeen: base, ExpiresAt: base.AddDate(1, 0, 0)})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetRecoveryCodes(ctx, u.ID, set("d")); err != nil {
		t.Fatal(err)
	}
	if on, err := s.ResetTOTP(ctx, u.ID); !on || err != nil {
		t.Fatalf("reset: %v %v", on, err)
	}
	got, _ := s.User(ctx, u.ID)
	if got.TOTPSecret != "" || got.TOTPLastStep != 0 {
		t.Errorf("after the reset the factor is %q (step %d)", got.TOTPSecret, got.TOTPLastStep)
	}
	if sessions, _ := s.UserSessions(ctx, u.ID, base); len(sessions) != 0 {
		t.Errorf("%d sessions outlived the reset", len(sessions))
	}
	if ok, _ := s.UseRecoveryCode(ctx, u.ID, "d-1", base); ok {
		t.Error("a recovery code works after the reset")
	}
	if sessions, _ := s.UserSessions(ctx, other.ID, base); len(sessions) != 1 {
		t.Errorf("the reset ended another user's sessions: %d left", len(sessions))
	}
	if unused, _, _ := s.RecoveryCodes(ctx, other.ID); len(unused) != news.RecoveryCodeCount {
		t.Errorf("the reset dropped another user's codes: %d left", len(unused))
	}
	if on, err := s.ResetTOTP(ctx, u.ID); on || err != nil {
		t.Errorf("resetting a factor that is off: %v %v", on, err)
	}
	if _, err := s.ResetTOTP(ctx, 1<<40); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("resetting nobody: %v, want ErrNotFound", err)
	}
}
