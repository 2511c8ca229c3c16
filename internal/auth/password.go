// Package auth holds what signing in needs and nothing of HTTP: password hashing with
// argon2id, session tokens and TOTP codes. (The limits of failed attempts are counted
// in the store, news.Limits, so that they hold across processes.)
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes, 1 lane), which
// takes tens of milliseconds on this class of server.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// Password rules: long enough to resist guessing, short enough to bound hashing work.
const (
	MinPasswordLength = 10
	MaxPasswordLength = 256
)

// CheckPassword says why a new password is not acceptable, or returns nil.
func CheckPassword(pw string) error {
	switch n := utf8.RuneCountInString(pw); {
	case !utf8.ValidString(pw):
		return errors.New("the password is not valid text")
	case n < MinPasswordLength:
		return fmt.Errorf("the password must have at least %d characters", MinPasswordLength)
	case n > MaxPasswordLength:
		return fmt.Errorf("the password may have at most %d characters", MaxPasswordLength)
	}
	return nil
}

// HashPassword returns the argon2id hash of pw in the PHC string format
// ($argon2id$v=19$m=…,t=…,p=…$salt$hash), which records its own parameters. It waits
// for one of the process's Cores (see Slot), without bound on the wait: it is for
// commands and tests; a server takes a Slot and uses its HashPassword.
func HashPassword(pw string) (string, error) {
	if err := CheckPassword(pw); err != nil {
		return "", err
	}
	var hash string
	var err error
	onCore(context.Background(), func() { hash, err = hashPassword(pw) })
	return hash, err
}

// hashPassword is HashPassword on the core it already holds.
func hashPassword(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	return hashWithSalt(pw, salt), nil
}

// hashWithSalt is HashPassword's work once the salt is drawn (a known-answer test
// gives it the salt of a vector).
func hashWithSalt(pw string, salt []byte) string {
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// VerifyPassword reports whether pw matches the hash, in time that does not depend on
// where they differ. Like HashPassword, it waits for a core without bound on the wait;
// a server uses Slot.VerifyPassword.
func VerifyPassword(hash, pw string) bool {
	var ok bool
	onCore(context.Background(), func() { ok = verifyPassword(hash, pw) })
	return ok
}

// verifyPassword is VerifyPassword on the core it already holds.
func verifyPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || len(pw) > 4*MaxPasswordLength {
		return false
	}
	var version int
	var memory, time uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &time, &threads); err != nil || memory > 1<<20 || time > 10 || threads == 0 {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	key, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(key) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, time, memory, threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

// dummyHash is verified against when an account does not exist, so that a login for
// an unknown email takes as long as one with a wrong password.
var dummyHash, _ = HashPassword("no account has this password")

// VerifyNothing spends the time of one VerifyPassword.
func VerifyNothing(pw string) { VerifyPassword(dummyHash, pw) }

// NewToken returns a random token for a cookie or a link, and the hash to store.
func NewToken() (token, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken is what the store keeps of a token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
