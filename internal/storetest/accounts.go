package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// testAccounts is the conformance of what accounts and their trust need: the rate
// limits' counters (news.Limits), codes used once, the writes that change one thing of
// a user, sessions that ended by time, and kept forms that belong to a user.
func testAccounts(t *testing.T, s Engine) {
	for _, tt := range []struct {
		name string
		fn   func(t *testing.T, s Engine)
	}{
		{"AttemptLog", testAttemptLog},
		{"AttemptLogUnderConcurrency", testAttemptsConcurrent},
		{"TokenBucket", testTokenBucket},
		{"TokenBucketUnderConcurrency", testTokensConcurrent},
		{"CodeUsedOnce", testUseTOTPStep},
		{"PasswordChangeEndsSessions", testSetPassword},
		{"LastAdministratorStays", testSetAccess},
		{"EndedSessionsKeptAWhile", testEndedSessions},
		{"KeptFormsBelongToTheirUser", testKeptFormOwners},
	} {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, s) })
	}
}

func testAttemptLog(t *testing.T, s Engine) {
	ctx := context.Background()
	take := func(key string, at time.Duration) time.Duration {
		t.Helper()
		wait, err := s.TakeAttempt(ctx, key, 3, time.Minute, base.Add(at))
		if err != nil {
			t.Fatal(err)
		}
		return wait
	}
	for i := range 3 {
		if w := take("account:ed", time.Duration(i)*time.Second); w != 0 {
			t.Fatalf("attempt %d of 3 refused (wait %v)", i+1, w)
		}
	}
	// The fourth waits until the first leaves the window: 60s after it, 57s from now.
	if w := take("account:ed", 3*time.Second); w != 57*time.Second {
		t.Errorf("a fourth attempt in the window: wait %v, want 57s", w)
	}
	if w := take("account:ann", 3*time.Second); w != 0 {
		t.Errorf("another key waits %v", w)
	}
	// A refused attempt was not recorded: one slot frees at 60s, and is taken once.
	if w := take("account:ed", 60*time.Second); w != 0 {
		t.Errorf("after the first attempt left the window: wait %v", w)
	}
	if w := take("account:ed", 60*time.Second); w != time.Second {
		t.Errorf("the freed slot taken twice: wait %v, want 1s", w)
	}
	// An attempt given back frees its slot; clearing frees them all.
	if err := s.ReturnAttempt(ctx, "account:ed", base.Add(60*time.Second)); err != nil {
		t.Fatal(err)
	}
	if w := take("account:ed", 60*time.Second); w != 0 {
		t.Errorf("after an attempt was given back: wait %v", w)
	}
	if err := s.ClearAttempts(ctx, "account:ed"); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if w := take("account:ed", 61*time.Second); w != 0 {
			t.Errorf("attempt %d after clearing: wait %v", i+1, w)
		}
	}
	// Keys of any length and content are keys.
	long := strings.Repeat("é\x00'", 20000)
	if w, err := s.TakeAttempt(ctx, long, 1, time.Minute, base); err != nil || w != 0 {
		t.Errorf("a long key: %v, %v", w, err)
	}
	if w, _ := s.TakeAttempt(ctx, long, 1, time.Minute, base); w != time.Minute {
		t.Errorf("a long key's second attempt: wait %v", w)
	}
	for _, bad := range []struct {
		max    int
		window time.Duration
	}{{0, time.Minute}, {3, 0}, {3, -time.Second}} {
		if _, err := s.TakeAttempt(ctx, "k", bad.max, bad.window, base); !errors.Is(err, news.ErrInvalid) {
			t.Errorf("max %d window %v: %v, want ErrInvalid", bad.max, bad.window, err)
		}
	}
}

// Many concurrent attempts on one key: exactly max are recorded.
func testAttemptsConcurrent(t *testing.T, s Engine) {
	ctx := context.Background()
	var mu sync.Mutex
	allowed, refused := 0, 0
	var wg sync.WaitGroup
	for i := range 60 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wait, err := s.TakeAttempt(ctx, "account:busy", 5, 15*time.Minute, base.Add(time.Duration(i)*time.Millisecond))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				t.Error(err)
			case wait == 0:
				allowed++
			default:
				refused++
			}
		}()
	}
	wg.Wait()
	if allowed != 5 || refused != 55 {
		t.Errorf("60 concurrent attempts with a limit of 5: %d allowed, %d refused", allowed, refused)
	}
}

func testTokenBucket(t *testing.T, s Engine) {
	ctx := context.Background()
	take := func(key string, at time.Duration) time.Duration {
		t.Helper()
		wait, err := s.TakeToken(ctx, key, 3, 10*time.Second, base.Add(at))
		if err != nil {
			t.Fatal(err)
		}
		return wait
	}
	for i := range 3 {
		if w := take("address:1", 0); w != 0 {
			t.Fatalf("token %d of a burst of 3 refused (wait %v)", i+1, w)
		}
	}
	if w := take("address:1", 0); w != 10*time.Second {
		t.Errorf("past the burst: wait %v, want 10s", w)
	}
	if w := take("address:1", 4*time.Second); w != 6*time.Second {
		t.Errorf("4s later: wait %v, want 6s", w)
	}
	if w := take("address:2", 0); w != 0 {
		t.Errorf("another key waits %v", w)
	}
	// Then one per interval.
	if w := take("address:1", 10*time.Second); w != 0 {
		t.Errorf("after one interval: wait %v", w)
	}
	if w := take("address:1", 10*time.Second); w != 10*time.Second {
		t.Errorf("a second token in that interval: wait %v", w)
	}
	// A bucket left alone fills up again, to the burst and no more.
	for i := range 3 {
		if w := take("address:1", time.Hour); w != 0 {
			t.Errorf("token %d after an hour: wait %v", i+1, w)
		}
	}
	if w := take("address:1", time.Hour); w == 0 {
		t.Error("a bucket left alone holds more than its burst")
	}
	for _, bad := range []struct {
		burst int
		every time.Duration
	}{{0, time.Second}, {3, 0}} {
		if _, err := s.TakeToken(ctx, "k", bad.burst, bad.every, base); !errors.Is(err, news.ErrInvalid) {
			t.Errorf("burst %d every %v: %v, want ErrInvalid", bad.burst, bad.every, err)
		}
	}
}

func testTokensConcurrent(t *testing.T, s Engine) {
	ctx := context.Background()
	var mu sync.Mutex
	allowed := 0
	var wg sync.WaitGroup
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wait, err := s.TakeToken(ctx, "address:busy", 5, time.Minute, base)
			if err != nil {
				t.Error(err)
				return
			}
			if wait == 0 {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if allowed != 5 {
		t.Errorf("40 concurrent takes from a bucket of 5: %d allowed", allowed)
	}
}

func newUser(t *testing.T, s Engine, email string, role news.Role) *news.User {
	t.Helper()
	u := &news.User{Email: email, Name: email, Role: role, PasswordHash: "$argon2id$old"}
	if err := s.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

func testUseTOTPStep(t *testing.T, s Engine) {
	ctx := context.Background()
	u := newUser(t, s, "two@example.org", news.RoleAuthor)
	if ok, err := s.UseTOTPStep(ctx, u.ID, 100); err != nil || ok {
		t.Errorf("a code of a user without a second factor: %v, %v", ok, err)
	}
	if err := s.SetTOTP(ctx, u.ID, "JBSWY3DPEHPK3PXP", 100); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.User(ctx, u.ID); got.TOTPSecret != "JBSWY3DPEHPK3PXP" || got.TOTPLastStep != 100 || got.PasswordHash != "$argon2id$old" {
		t.Errorf("after SetTOTP: %+v", got)
	}
	for _, c := range []struct {
		step int64
		ok   bool
	}{{100, false}, {99, false}, {101, true}, {101, false}, {103, true}, {102, false}} {
		if ok, err := s.UseTOTPStep(ctx, u.ID, c.step); err != nil || ok != c.ok {
			t.Errorf("use step %d: %v (%v), want %v", c.step, ok, err, c.ok)
		}
	}
	// One code on many requests at once: one of them uses it.
	var wg sync.WaitGroup
	var mu sync.Mutex
	used := 0
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.UseTOTPStep(ctx, u.ID, 200)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				used++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if used != 1 {
		t.Errorf("one code sent 20 times at once was used %d times", used)
	}
	if err := s.SetTOTP(ctx, u.ID, "", 0); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.UseTOTPStep(ctx, u.ID, 300); ok {
		t.Error("a code accepted after the second factor was turned off")
	}
	if err := s.SetTOTP(ctx, u.ID+1000, "X", 1); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("SetTOTP of a missing user: %v", err)
	}
}

func testSetPassword(t *testing.T, s Engine) {
	ctx := context.Background()
	u := newUser(t, s, "pw@example.org", news.RoleEditor)
	other := newUser(t, s, "other@example.org", news.RoleAuthor)
	for _, h := range []string{"here", "there", "elsewhere"} {
		s.CreateSession(ctx, &news.Session{TokenHash: h, UserID: u.ID, CreatedAt: base, LastSeen: base, ExpiresAt: base.Add(time.Hour)})
	}
	s.CreateSession(ctx, &news.Session{TokenHash: "theirs", UserID: other.ID, CreatedAt: base, LastSeen: base, ExpiresAt: base.Add(time.Hour)})
	if err := s.SetPassword(ctx, u.ID, "$argon2id$new", "here"); err != nil {
		t.Fatal(err)
	}
	got, _ := s.User(ctx, u.ID)
	if got.PasswordHash != "$argon2id$new" || got.Role != news.RoleEditor || got.Email != "pw@example.org" {
		t.Errorf("after SetPassword: %+v", got)
	}
	for h, live := range map[string]bool{"here": true, "there": false, "elsewhere": false, "theirs": true} {
		if _, err := s.Session(ctx, h, base); (err == nil) != live {
			t.Errorf("session %s after the password change: %v, want live=%v", h, err, live)
		}
		// Ended by the change, not by time: not findable even as a recently ended one.
		if _, err := s.Session(ctx, h, base.Add(-news.EndedSessionKept)); (err == nil) != live {
			t.Errorf("session %s found as recently ended after a password change: %v", h, err)
		}
	}
	if err := s.SetPassword(ctx, u.ID, "", ""); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("an empty hash: %v", err)
	}
	if err := s.SetPassword(ctx, u.ID+1000, "x", ""); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("a missing user: %v", err)
	}
}

func testSetAccess(t *testing.T, s Engine) {
	ctx := context.Background()
	a := newUser(t, s, "a@example.org", news.RoleAdministrator)
	b := newUser(t, s, "b@example.org", news.RoleAdministrator)
	w := newUser(t, s, "w@example.org", news.RoleAuthor)
	s.CreateSession(ctx, &news.Session{TokenHash: "w1", UserID: w.ID, CreatedAt: base, LastSeen: base, ExpiresAt: base.Add(time.Hour)})
	if err := s.SetAccess(ctx, w.ID, news.RoleEditor, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.User(ctx, w.ID); got.Role != news.RoleEditor || !got.Disabled || got.PasswordHash != "$argon2id$old" {
		t.Errorf("after SetAccess: %+v", got)
	}
	if _, err := s.Session(ctx, "w1", base.Add(-news.EndedSessionKept)); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("a disabled user's session: %v", err)
	}
	// Two administrators demoting each other at once: one of them stays.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, id := range []int64{a.ID, b.ID} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.SetAccess(ctx, id, news.RoleEditor, false)
		}()
	}
	wg.Wait()
	conflicts := 0
	for _, err := range errs {
		if errors.Is(err, news.ErrConflict) {
			conflicts++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	admins := 0
	for _, u := range []*news.User{a, b} {
		if got, _ := s.User(ctx, u.ID); got.Role == news.RoleAdministrator && !got.Disabled {
			admins++
		}
	}
	if conflicts != 1 || admins != 1 {
		t.Errorf("two administrators demoting each other: %d refused, %d administrators left", conflicts, admins)
	}
	last := a
	if got, _ := s.User(ctx, a.ID); got.Role != news.RoleAdministrator {
		last = b
	}
	if err := s.SetAccess(ctx, last.ID, news.RoleAdministrator, true); !errors.Is(err, news.ErrConflict) {
		t.Errorf("disabling the last administrator: %v", err)
	}
	if err := s.SetAccess(ctx, last.ID, news.RoleAdministrator, false); err != nil {
		t.Errorf("saving the last administrator unchanged: %v", err)
	}
	if err := s.SetAccess(ctx, w.ID, "owner", false); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("an unknown role: %v", err)
	}
	if err := s.SetAccess(ctx, w.ID+1000, news.RoleAuthor, false); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("a missing user: %v", err)
	}
}

func testEndedSessions(t *testing.T, s Engine) {
	ctx := context.Background()
	u := newUser(t, s, "late@example.org", news.RoleAuthor)
	s.CreateSession(ctx, &news.Session{TokenHash: "ended", UserID: u.ID, CreatedAt: base, LastSeen: base, ExpiresAt: base.Add(time.Hour)})
	s.CreateSession(ctx, &news.Session{TokenHash: "signed-out", UserID: u.ID, CreatedAt: base, LastSeen: base, ExpiresAt: base.Add(time.Hour)})
	s.DeleteSession(ctx, "signed-out")
	now := base.Add(2 * time.Hour)
	if _, err := s.Session(ctx, "ended", now); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("an ended session is live: %v", err)
	}
	if got, err := s.Session(ctx, "ended", now.Add(-24*time.Hour)); err != nil || got.UserID != u.ID {
		t.Errorf("a session that ended an hour ago is not found as recently ended: %+v, %v", got, err)
	}
	if _, err := s.Session(ctx, "signed-out", now.Add(-24*time.Hour)); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("a deleted session found as recently ended: %v", err)
	}
	// Long after, a sign-in purges it.
	later := base.Add(time.Hour + news.EndedSessionKept + time.Minute)
	s.CreateSession(ctx, &news.Session{TokenHash: "new", UserID: u.ID, CreatedAt: later, LastSeen: later, ExpiresAt: later.Add(time.Hour)})
	if _, err := s.Session(ctx, "ended", time.Time{}); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("a session ended %v ago was not purged: %v", news.EndedSessionKept, err)
	}
	if _, err := s.Session(ctx, "new", later); err != nil {
		t.Errorf("the new session: %v", err)
	}
}

func testKeptFormOwners(t *testing.T, s Engine) {
	ctx := context.Background()
	keep := func(key string, user int64, at time.Duration, max int) {
		t.Helper()
		if err := s.KeepForm(ctx, key, news.KeptForm{UserID: user, ArticleID: 7, Data: key, SavedAt: base.Add(at), MaxPerUser: max}); err != nil {
			t.Fatal(err)
		}
	}
	keep("user:1:7", 1, 0, 20)
	keep("token:other", 2, 0, 10)
	for i := range 11 {
		keep(fmt.Sprintf("token:%d", i), 1, time.Duration(i/3)*time.Second, 10) // some in the same second
	}
	if _, err := s.KeptForm(ctx, "token:0"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("the oldest of 11 forms past a cap of 10: %v", err)
	}
	for _, key := range []string{"token:1", "token:10", "user:1:7", "token:other"} {
		if f, err := s.KeptForm(ctx, key); err != nil || f.Data != key {
			t.Errorf("%s: %+v, %v", key, f, err)
		}
	}
	if f, _ := s.KeptForm(ctx, "token:other"); f == nil || f.UserID != 2 || f.ArticleID != 7 {
		t.Errorf("the form's owner not kept: %+v", f)
	}
	big := news.KeptForm{UserID: 1, Data: strings.Repeat("x", news.MaxKeptFormData+1), SavedAt: base}
	if err := s.KeepForm(ctx, "token:big", big); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("a form over %d bytes: %v, want ErrInvalid", news.MaxKeptFormData, err)
	}
}
