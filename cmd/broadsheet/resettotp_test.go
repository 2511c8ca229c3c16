package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// `broadsheet user reset-totp --email E` turns off the two-step sign-in of someone who
// lost their phone and recovery codes (when no administrator can, or it is theirs):
// the secret, the codes and every session go; flags go before or after the action.
func TestUserResetTOTP(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "site.db")
	runUser := func(args ...string) (string, string, error) {
		var out, errb bytes.Buffer
		err := run(ctx, args, strings.NewReader("a long enough password\n"), &out, &errb)
		return out.String(), errb.String(), err
	}
	for _, email := range []string{"lost@newsroom.example", "kept@newsroom.example"} {
		if _, _, err := runUser("user", "add", "--db", dbPath, "--email", email, "--name", "Someone", "--role", "editor"); err != nil {
			t.Fatal(err)
		}
	}
	db := openDB(t, dbPath)
	now := time.Now()
	turnOn := func(email string) *news.User {
		u, err := db.UserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SetTOTP(ctx, u.ID, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", 1); err != nil {
			t.Fatal(err)
		}
		if err := db.SetRecoveryCodes(ctx, u.ID, []string{"hash-1", "hash-2"}); err != nil {
			t.Fatal(err)
		}
		err = db.CreateSession(ctx, &news.Session{TokenHash: "session-of-" + email, UserID: u.ID, CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	lost, kept := turnOn("lost@newsroom.example"), turnOn("kept@newsroom.example")

	// Flags after the action, the email as typed (case, spaces).
	out, _, err := runUser("user", "reset-totp", "--email", " LOST@newsroom.example ", "--db", dbPath)
	if err != nil || !strings.Contains(out, "two-step sign-in of lost@newsroom.example turned off") {
		t.Fatalf("reset-totp: %v\n%s", err, out)
	}
	got, _ := db.User(ctx, lost.ID)
	if got.TOTPSecret != "" {
		t.Error("two-step sign-in is still on")
	}
	if s, _ := db.UserSessions(ctx, lost.ID, now); len(s) != 0 {
		t.Errorf("%d sessions outlived the reset", len(s))
	}
	if ok, _ := db.UseRecoveryCode(ctx, lost.ID, "hash-1", now); ok {
		t.Error("a recovery code works after the reset")
	}
	// The other account is untouched.
	if got, _ := db.User(ctx, kept.ID); got.TOTPSecret == "" {
		t.Error("another account's two-step sign-in was reset")
	}
	if s, _ := db.UserSessions(ctx, kept.ID, now); len(s) != 1 {
		t.Errorf("another account lost its sessions: %d left", len(s))
	}

	// Flags before the action; and a second time says so, changing nothing.
	if out, _, err := runUser("user", "--db", dbPath, "--email", "lost@newsroom.example", "reset-totp"); err != nil || !strings.Contains(out, "off already") {
		t.Errorf("a second reset: %v\n%s", err, out)
	}
	if _, _, err := runUser("user", "--db", dbPath, "--email", "kept@newsroom.example", "reset-totp"); err != nil {
		t.Errorf("flags before the action: %v", err)
	}
	if got, _ := db.User(ctx, kept.ID); got.TOTPSecret != "" {
		t.Error("reset-totp with flags before the action changed nothing")
	}
	if _, _, err := runUser("user", "reset-totp", "--db", dbPath, "--email", "nobody@newsroom.example"); err == nil {
		t.Error("an unknown email was not an error")
	}
	if _, _, err := runUser("user", "reset-totp", "--db", dbPath); err == nil || !strings.Contains(err.Error(), "needs --email") {
		t.Errorf("without --email: %v", err)
	}
}
