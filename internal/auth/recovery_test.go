package auth

import (
	"regexp"
	"testing"
)

func TestRecoveryCodes(t *testing.T) {
	codes := NewRecoveryCodes(10)
	seen := map[string]bool{}
	shape := regexp.MustCompile(`^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$`)
	for _, c := range codes {
		if !shape.MatchString(c) || seen[c] {
			t.Errorf("code %q (seen before: %v)", c, seen[c])
		}
		seen[c] = true
		if n, ok := NormalRecoveryCode(c); !ok || len(n) != 16 {
			t.Errorf("%q reads as %q, %v", c, n, ok)
		}
	}
	if len(codes) != 10 {
		t.Fatalf("%d codes", len(codes))
	}
	// Read as Crockford's base32 is read: case, spaces and hyphens do not matter, I and
	// L are 1, O is 0.
	for typed, want := range map[string]string{
		"7KQ2 MX9D 4TZ0 8HWE":  "7kq2mx9d4tz08hwe",
		" 7kq2-mx9d-4tzO-8hwe": "7kq2mx9d4tz08hwe",
		"ilo0-0000-0000-0000":  "1100000000000000",
	} {
		if got, ok := NormalRecoveryCode(typed); !ok || got != want {
			t.Errorf("%q reads as %q (%v), want %q", typed, got, ok, want)
		}
	}
	for _, bad := range []string{"123456", "", "7kq2-mx9d-4tz0-8hw", "7kq2-mx9d-4tz0-8hwee", "7kq2-mx9d-4tz0-8hwu", "7kq2-mx9d-4tz0-8hw\u00e9", "7kq2-mx9d-4tz0-8hw\uff45"} {
		if got, ok := NormalRecoveryCode(bad); ok {
			t.Errorf("%q was read as a recovery code: %q", bad, got)
		}
	}
	key := []byte("a site secret of some length")
	if RecoveryCodeHash(key, 1, "7kq2mx9d4tz08hwe") == RecoveryCodeHash(key, 2, "7kq2mx9d4tz08hwe") {
		t.Error("one code hashes the same for two users")
	}
	if RecoveryCodeHash(key, 1, "7kq2mx9d4tz08hwe") == RecoveryCodeHash([]byte("another site's secret"), 1, "7kq2mx9d4tz08hwe") {
		t.Error("the hash does not depend on the key")
	}
}
