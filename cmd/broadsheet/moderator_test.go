package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"broadsheet/internal/news"
)

// `user add --role moderator` makes a moderator (on a database created before the role
// existed too: migration 0020 widens the role's constraint), listed with its role; an
// unknown role is refused and creates nothing.
func TestUserAddModerator(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "site.db")
	add := func(email, role string) (string, error) {
		var out, errb bytes.Buffer
		err := run(context.Background(), []string{"user", "add", "--db", dbPath, "--email", email, "--name", "Mo Derator", "--role", role},
			strings.NewReader("a long enough password\n"), &out, &errb)
		return out.String() + errb.String(), err
	}
	if out, err := add("mo@newsroom.example", "moderator"); err != nil {
		t.Fatalf("add a moderator: %v\n%s", err, out)
	}
	if out, err := add("x@newsroom.example", "janitor"); err == nil || !strings.Contains(err.Error(), "moderator") {
		t.Errorf("an unknown role: %v\n%s", err, out)
	}
	db := openDB(t, dbPath)
	u, err := db.UserByEmail(context.Background(), "mo@newsroom.example")
	if err != nil || u.Role != news.RoleModerator {
		t.Fatalf("stored: %+v, %v", u, err)
	}
	if _, err := db.UserByEmail(context.Background(), "x@newsroom.example"); err == nil {
		t.Error("the unknown role created a user")
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"user", "list", "--db", dbPath}, strings.NewReader(""), &out, &out); err != nil || !strings.Contains(out.String(), "moderator") {
		t.Errorf("list: %v\n%s", err, out.String())
	}
}
