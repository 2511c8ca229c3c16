package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// `user add` stores a name and email as the admin's form does: control characters
// removed (and the operator told), one line, NFC; the email trimmed and in NFC. A name
// that shows nothing is refused and nothing is created. Before, the name was stored as
// typed, and a user named "Zoë\x0bCtl" could never save an article.
func TestUserAddCleansTheName(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "site.db")
	add := func(name, email string) (stdout, stderr string, err error) {
		var out, errb bytes.Buffer
		err = run(context.Background(), []string{"user", "add", "--db", dbPath, "--email", email, "--name", name, "--role", "author"},
			strings.NewReader("a long enough password\n"), &out, &errb)
		return out.String(), errb.String(), err
	}
	out, errOut, err := add("Zoe\u0308\x0bCtl\t Writer ", " zoe\u0301@newsroom.example ")
	if err != nil {
		t.Fatalf("add: %v", err)
	}
	if !strings.Contains(errOut, "control characters") || !strings.Contains(out, "ZoëCtl Writer <zoé@newsroom.example>") {
		t.Errorf("add said %q on stdout, %q on stderr", out, errOut)
	}
	db := openDB(t, dbPath)
	u, err := db.UserByEmail(context.Background(), "zoé@newsroom.example")
	if err != nil {
		t.Fatalf("the user is not found by the NFC email: %v", err)
	}
	if u.Name != "ZoëCtl Writer" || !norm.NFC.IsNormalString(u.Name) || u.Email != "zoé@newsroom.example" {
		t.Errorf("stored as %q <%q>", u.Name, u.Email)
	}
	for _, bad := range [][2]string{{"\u200b\x0b \u3164", "ghost@newsroom.example"}, {"Spaced", "spa ced@newsroom.example"}} {
		if _, _, err := add(bad[0], bad[1]); err == nil || !strings.Contains(err.Error(), "nothing was created") {
			t.Errorf("add %q <%q>: %v", bad[0], bad[1], err)
		}
	}
	if n, _ := db.CountUsers(context.Background()); n != 1 {
		t.Errorf("%d users, want 1", n)
	}
}
