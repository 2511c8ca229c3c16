package auth

import (
	"strings"
	"testing"
	"time"
)

func TestPasswordHashing(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not argon2id in PHC form", h)
	}
	if !VerifyPassword(h, "correct horse battery") {
		t.Error("the right password is refused")
	}
	for _, wrong := range []string{"correct horse batter", "", "Correct horse battery"} {
		if VerifyPassword(h, wrong) {
			t.Errorf("%q accepted", wrong)
		}
	}
	if h2, _ := HashPassword("correct horse battery"); h2 == h {
		t.Error("two hashes of one password are equal: no salt")
	}
	for _, bad := range []string{"", "$argon2id$v=19$m=1,t=1,p=1$$", "$bcrypt$...", "$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA"} {
		if VerifyPassword(bad, "x") {
			t.Errorf("malformed hash %q verified", bad)
		}
	}
	if _, err := HashPassword("short"); err == nil {
		t.Error("a short password was hashed")
	}
	if _, err := HashPassword(strings.Repeat("a", MaxPasswordLength+1)); err == nil {
		t.Error("an overlong password was hashed")
	}
}

func TestTokens(t *testing.T) {
	a, ha := NewToken()
	b, _ := NewToken()
	if a == b || len(a) < 40 || ha != HashToken(a) || ha == a {
		t.Errorf("tokens %q %q, hash %q", a, b, ha)
	}
}

func TestLimiter(t *testing.T) {
	l := NewLimiter(3, time.Minute)
	now := time.Unix(1000, 0)
	for i := 0; i < 3; i++ {
		if w := l.Wait("k", now); w != 0 {
			t.Fatalf("attempt %d waits %v", i, w)
		}
		l.Fail("k", now.Add(time.Duration(i)*time.Second))
	}
	if w := l.Wait("k", now.Add(3*time.Second)); w != 57*time.Second {
		t.Errorf("after 3 failures: wait %v, want 57s", w)
	}
	if w := l.Wait("other", now); w != 0 {
		t.Errorf("another key waits %v", w)
	}
	if w := l.Wait("k", now.Add(61*time.Second)); w != 0 {
		t.Errorf("after the window: wait %v", w)
	}
	l.Fail("k", now)
	l.Reset("k")
	if w := l.Wait("k", now); w != 0 {
		t.Errorf("after reset: wait %v", w)
	}
}

// RFC 6238's test vector for SHA-1 (secret "12345678901234567890"), cut to 6 digits.
func TestTOTP(t *testing.T) {
	secret := b32.EncodeToString([]byte("12345678901234567890"))
	for unix, want := range map[int64]string{59: "287082", 1111111109: "081804", 1234567890: "005924", 2000000000: "279037"} {
		if got, err := TOTPCode(secret, time.Unix(unix, 0)); err != nil || got != want {
			t.Errorf("code at %d: %s, want %s (%v)", unix, got, want, err)
		}
	}
	now := time.Unix(1234567890, 0)
	code, _ := TOTPCode(secret, now)
	step, ok := CheckTOTP(secret, code, now.Add(25*time.Second), 0)
	if !ok {
		t.Fatal("a code from the step before is refused")
	}
	if _, ok := CheckTOTP(secret, code, now, step); ok {
		t.Error("a code was accepted twice")
	}
	if _, ok := CheckTOTP(secret, code, now.Add(5*time.Minute), 0); ok {
		t.Error("a five-minute-old code was accepted")
	}
	if _, ok := CheckTOTP(secret, "000000x", now, 0); ok {
		t.Error("a malformed code was accepted")
	}
	if u := TOTPURI(NewTOTPSecret(), "The Courier", "ed@example.org"); !strings.HasPrefix(u, "otpauth://totp/The%20Courier:ed@example.org?secret=") {
		t.Errorf("uri %q", u)
	}
}
