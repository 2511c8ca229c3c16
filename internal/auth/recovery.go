package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
)

// Recovery codes of two-step sign-in: single-use codes that stand in for a code from
// the authenticator app when the phone is lost. Each is sixteen symbols of
// Crockford's base32 (https://www.crockford.com/base32.html: digits and letters
// without I, L, O and U, so that none is mistaken for another), 80 random bits,
// written in four groups of four ("7kq2-mx9d-4tz0-8hwe").
const (
	recoveryAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"
	recoveryLen      = 16
	recoveryGroup    = 4
)

// NewRecoveryCodes returns n new random recovery codes, all different, as they are
// shown to the user.
func NewRecoveryCodes(n int) []string {
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		var b [recoveryLen]byte
		rand.Read(b[:])
		var c strings.Builder
		for i, x := range b {
			if i > 0 && i%recoveryGroup == 0 {
				c.WriteByte('-')
			}
			c.WriteByte(recoveryAlphabet[x&31]) // 256 is a multiple of 32: no bias
		}
		if code := c.String(); !seen[code] {
			seen[code] = true
			out = append(out, code)
		}
	}
	return out
}

// NormalRecoveryCode reads a recovery code as typed, the way Crockford's base32 is
// decoded: case, spaces and hyphens do not matter, I and L are read as 1, O as 0. ok is
// false for anything that cannot be a recovery code (a 6-digit app code among them).
func NormalRecoveryCode(typed string) (code string, ok bool) {
	var b strings.Builder
	for _, r := range strings.ToLower(typed) {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			continue
		case r == 'i' || r == 'l':
			r = '1'
		case r == 'o':
			r = '0'
		}
		if r > 0x7f || !strings.ContainsRune(recoveryAlphabet, r) || b.Len() >= recoveryLen {
			return "", false
		}
		b.WriteRune(r)
	}
	if b.Len() != recoveryLen {
		return "", false
	}
	return b.String(), true
}

// RecoveryCodeHash is what the store keeps of a user's recovery code (normalised by
// NormalRecoveryCode): HMAC-SHA-256 keyed with the site's secret, over the user's ID
// and the code, base64url. A fast keyed hash, not argon2id, on purpose: argon2id's
// slowness protects what people choose, which a dictionary guesses in few tries; a
// recovery code is 80 random bits. Online, the sign-in's limits allow 5 guesses a
// quarter hour; offline, even a thief with the database and the key (the secret is a
// setting) would need about 2^79 HMACs for one code, decades of a GPU farm, and holds
// the TOTP secret itself in that copy anyway. A slow hash would buy only slow
// sign-ins. The user's ID is in the message, so that one code hashes differently for
// each user. Compare hashes with hmac.Equal (constant time).
func RecoveryCodeHash(key []byte, userID int64, code string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("recovery-code\x00" + strconv.FormatInt(userID, 10) + "\x00" + code))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
