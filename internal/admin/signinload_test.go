package admin_test

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"broadsheet/internal/admin"
	"broadsheet/internal/auth"
	"broadsheet/internal/news"
)

// fillPasswordLine takes every place in the process's line for argon2id work, as a
// flood of sign-ins does, until the returned function gives them back.
func fillPasswordLine(t *testing.T) (release func()) {
	t.Helper()
	var slots []*auth.Slot
	for {
		s, err := auth.TakeSlot()
		if errors.Is(err, auth.ErrBusy) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		slots = append(slots, s)
	}
	if len(slots) != auth.Cores+auth.Waiting {
		t.Fatalf("took %d places, want %d", len(slots), auth.Cores+auth.Waiting)
	}
	return func() {
		for _, s := range slots {
			s.Release()
		}
	}
}

// When the process checks as many passwords as it may, more sign-ins are answered
// 503 at once and count against nothing: the owner's five tries are all there after
// the flood. Before, every sign-in ran its argon2id at once (1,000 from as many
// addresses took both cores for 15 s and 800 MB).
func TestSignInsBeyondTheLineAreTurnedAway(t *testing.T) {
	e := newEnvWith(t, func(c *admin.Config) { c.TrustProxy = true })
	u := e.addUser(news.RoleEditor)
	release := fillPasswordLine(t)
	for i := range 30 {
		r := e.postForm("/admin/login", url.Values{"email": {u.Email}, "password": {fmt.Sprintf("guess number %d", i)}},
			"X-Forwarded-For", fmt.Sprintf("192.0.2.%d", i))
		if r.status != 503 || !strings.Contains(r.body, "Too many sign-ins at once; try again in a moment") ||
			r.header.Get("Retry-After") == "" || r.header.Get("Set-Cookie") != "" {
			t.Fatalf("sign-in %d while the line is full: %d", i+1, r.status)
		}
	}
	// A signed-in user's password checks wait their turn the same way.
	b := e.browser()
	release()
	b.login(u.Email)
	release = fillPasswordLine(t)
	if r := b.post("/admin/account/password", url.Values{"csrf": {b.csrf()}, "current": {"a wrong guess!!"}, "new": {"a brand new password"}}); r.status != 503 ||
		!strings.Contains(r.body, "was not changed") {
		t.Errorf("a password change while the line is full: %d", r.status)
	}
	release()
	// Nothing of that counted: four wrong passwords, then the right one, still sign in.
	for i := range 4 {
		if r := e.postForm("/admin/login", url.Values{"email": {u.Email}, "password": {fmt.Sprintf("late guess %d", i)}}, "X-Forwarded-For", "198.51.100.1"); r.status != 401 {
			t.Fatalf("wrong password %d after the flood: %d", i+1, r.status)
		}
	}
	if r := e.postForm("/admin/login", url.Values{"email": {u.Email}, "password": {password}}, "X-Forwarded-For", "198.51.100.1"); r.status != 303 {
		t.Errorf("the right password after the flood and 4 wrong ones: %d (the refused sign-ins counted)", r.status)
	}
}

// A locked-out owner is told which limit holds and from what time an attempt is checked
// again, in the site's time zone. (The lockout itself is as README says: 5 failures
// per account in 15 minutes.)
func TestLockedOutOwnerIsToldWhenToComeBack(t *testing.T) {
	e := newEnv(t)
	u := e.addUser(news.RoleEditor)
	for i := range 5 {
		if r := e.postForm("/admin/login", url.Values{"email": {u.Email}, "password": {fmt.Sprintf("guess number %d", i)}}); r.status != 401 {
			t.Fatalf("wrong password %d: %d", i+1, r.status)
		}
	}
	e.clock.Add(4*60e9 + 30e9) // 12:04:30; the first failure leaves the window at 12:15
	r := e.postForm("/admin/login", url.Values{"email": {u.Email}, "password": {password}})
	if r.status != 429 || r.header.Get("Set-Cookie") != "" {
		t.Fatalf("the right password after 5 failures: %d", r.status)
	}
	for _, want := range []string{"for this account", "until 12:15 UTC", "in 11 minutes", "not even the right one", `<time datetime="2025-06-01T12:15:00Z">`} {
		if !strings.Contains(text(r.body), want) && !strings.Contains(r.body, want) {
			t.Errorf("the lockout does not say %q:\n%s", want, r.body)
		}
	}
	if r.header.Get("Retry-After") != "631" {
		t.Errorf("Retry-After %q, want 631 (seconds to 12:15, and one)", r.header.Get("Retry-After"))
	}
}
