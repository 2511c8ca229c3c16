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

// A user's account notices are theirs alone: marking them seen touches no one
// else's and not one that came after the page was shown; each user keeps the newest
// MaxAccountNotices; an unknown kind or user is refused.
func TestAccountNotices(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "site.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var users []*news.User
	for _, email := range []string{"a@example.org", "b@example.org"} {
		u := &news.User{Email: email, Name: email, Role: news.RoleEditor, PasswordHash: "$argon2id$x"}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		users = append(users, u)
	}
	a, b := users[0], users[1]
	now := time.Now().UTC().Truncate(time.Second)
	for i := 0; i < news.MaxAccountNotices+5; i++ {
		if err := db.AddAccountNotice(ctx, &news.AccountNotice{UserID: a.ID, Kind: news.AccountRoleChanged, ActorID: b.ID, ActorName: "B", From: "editor", To: "author", CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	bn := &news.AccountNotice{UserID: b.ID, Kind: news.AccountResetLinkMade, ActorID: 999, CreatedAt: now}
	if err := db.AddAccountNotice(ctx, bn); err != nil {
		t.Fatalf("a notice by an account that does not exist (any more): %v", err)
	}
	all, err := db.AccountNotices(ctx, a.ID, false, 0)
	if err != nil || len(all) != news.MaxAccountNotices || all[0].From != "editor" || all[0].ActorID != b.ID {
		t.Fatalf("a's notices: %d, %v", len(all), err)
	}
	upTo := all[1].ID // a page showed all but the newest
	if n, err := db.SeeAccountNotices(ctx, a.ID, upTo, now); err != nil || n != news.MaxAccountNotices-1 {
		t.Errorf("marked %d, %v", n, err)
	}
	if left, _ := db.AccountNotices(ctx, a.ID, true, 10); len(left) != 1 || left[0].ID != all[0].ID {
		t.Errorf("unseen after marking: %+v", left)
	}
	if n, _ := db.SeeAccountNotices(ctx, a.ID, bn.ID+1000, now); n != 1 {
		t.Errorf("a's mark with a larger ID marked %d", n)
	}
	if left, _ := db.AccountNotices(ctx, b.ID, true, 10); len(left) != 1 || left[0].ActorID != 0 {
		t.Errorf("b's notices after a marked theirs: %+v", left)
	}
	if err := db.AddAccountNotice(ctx, &news.AccountNotice{UserID: a.ID, Kind: "made-up"}); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("an unknown kind: %v", err)
	}
	if err := db.AddAccountNotice(ctx, &news.AccountNotice{UserID: 12345, Kind: news.AccountEnabled}); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("an unknown user: %v", err)
	}
}
