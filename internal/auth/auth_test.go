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

// Known answers from an independent implementation, the reference C code as Debian
// ships it (apt-get install argon2):
//
//	echo -n "correct horse battery staple" | argon2 "broadsheet-salt!" -id -t 2 -k 19456 -p 1 -l 32 -e
//	echo -n "password" | argon2 "somesaltsomesalt" -id -t 3 -k 32768 -p 4 -l 32 -e
//
// A hash that only looks like argon2id (another function under its label) verifies its
// own output but not these, and would lock every account out on a correct upgrade.
func TestArgon2idKnownAnswers(t *testing.T) {
	const ours = "$argon2id$v=19$m=19456,t=2,p=1$YnJvYWRzaGVldC1zYWx0IQ$h4Bhtd0VluV2Hy9NL0xmlbYcZ+ysIHC4UjFYtPhZC8E"
	if got := hashWithSalt("correct horse battery staple", []byte("broadsheet-salt!")); got != ours {
		t.Errorf("our hash with the vector's salt:\n got  %s\n want %s", got, ours)
	}
	for hash, pw := range map[string]string{
		ours: "correct horse battery staple",
		"$argon2id$v=19$m=32768,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$YkQxUJ9MJQU1dJWtw28tDVPxPHXswex9c1rOdybZEME": "password",
	} {
		if !VerifyPassword(hash, pw) {
			t.Errorf("the reference implementation's hash %s does not verify %q", hash, pw)
		}
		if VerifyPassword(hash, pw+" ") {
			t.Errorf("%s verifies a wrong password", hash)
		}
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
