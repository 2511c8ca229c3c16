package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"broadsheet/internal/news"
)

// A password set or a second factor turned off from the command line is told to the
// account's owner at their next sign-in, as an administrator's change in the admin is;
// no one else is told.
func TestUserCommandsTellTheAccountsOwner(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "site.db")
	runUser := func(args ...string) {
		t.Helper()
		var out, errb bytes.Buffer
		if err := run(ctx, args, strings.NewReader("a long enough password\n"), &out, &errb); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, errb.String())
		}
	}
	for _, email := range []string{"owner@newsroom.example", "other@newsroom.example"} {
		runUser("user", "add", "--db", dbPath, "--email", email, "--name", "Someone", "--role", "editor")
	}
	db := openDB(t, dbPath)
	owner, _ := db.UserByEmail(ctx, "owner@newsroom.example")
	other, _ := db.UserByEmail(ctx, "other@newsroom.example")
	if err := db.SetTOTP(ctx, owner.ID, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", 1); err != nil {
		t.Fatal(err)
	}
	runUser("user", "reset-password", "--db", dbPath, "--email", "owner@newsroom.example")
	runUser("user", "reset-totp", "--db", dbPath, "--email", "owner@newsroom.example")
	ns, err := db.AccountNotices(ctx, owner.ID, true, 10)
	if err != nil || len(ns) != 2 || ns[0].Kind != news.AccountTwoStepReset || ns[1].Kind != news.AccountPasswordSet {
		t.Errorf("the owner's notices: %v, %+v", err, ns)
	}
	if ns, _ := db.AccountNotices(ctx, other.ID, false, 10); len(ns) != 0 {
		t.Errorf("another account was told: %+v", ns)
	}
}
