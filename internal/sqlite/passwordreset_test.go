package sqlite_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"broadsheet/internal/news"
	"broadsheet/internal/sqlite"
)

// A user who changes their own password ends the reset links made for them before: a
// link an administrator made (or one that leaked) must not undo the new password.
func TestPasswordChangeEndsResetLinks(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "site.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u := &news.User{Email: "ed@example.org", Name: "Ed", Role: news.RoleEditor, PasswordHash: "$argon2id$old"}
	if err := db.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	if err := db.CreatePasswordReset(ctx, news.PasswordReset{TokenHash: "hash-of-link", UserID: u.ID, CreatedBy: u.ID,
		CreatedAt: now, ExpiresAt: now.Add(news.PasswordResetLife)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PasswordReset(ctx, "hash-of-link", now); err != nil {
		t.Fatalf("the link before the change: %v", err)
	}
	if err := db.SetPassword(ctx, u.ID, "$argon2id$new", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PasswordReset(ctx, "hash-of-link", now); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("the link after the user changed their password: %v, want ErrNotFound", err)
	}
	if _, err := db.ResetPassword(ctx, "hash-of-link", "$argon2id$attacker", now); err == nil {
		t.Error("the old link still set a password")
	}
	if got, _ := db.User(ctx, u.ID); got.PasswordHash != "$argon2id$new" {
		t.Errorf("password hash %q", got.PasswordHash)
	}
}
