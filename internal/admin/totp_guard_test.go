package admin_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/auth"
	"broadsheet/internal/news"
)

// While two-step sign-in is on, a session alone cannot put another app in its place:
// setting up and turning on are refused, and the owner's secret stays. Before, a
// stolen session sent a new secret and its code, got 303, and the owner's app no
// longer signed them in.
func TestSecondFactorCannotBeReplacedWhileOn(t *testing.T) {
	e := newEnv(t)
	u := e.addUser(news.RoleEditor)
	owner := e.browser()
	owner.login(u.Email)
	secret := enableTOTP(t, e, owner)
	e.clock.Add(time.Minute)

	// The thief's session (the owner's cookie, copied).
	thief := e.browser()
	thief.client.Jar.SetCookies(mustURL(t, e.http.URL+"/admin/"), owner.client.Jar.Cookies(mustURL(t, e.http.URL+"/admin/")))
	if r := thief.post("/admin/account/totp/start", url.Values{"csrf": {thief.csrf()}}); r.status != 409 ||
		secretRe.MatchString(r.body) || !strings.Contains(r.body, "on already") {
		t.Errorf("setting up a second factor while one is on: %d", r.status)
	}
	theirs := auth.NewTOTPSecret()
	code, _ := auth.TOTPCode(theirs, e.clock.Now())
	if r := thief.post("/admin/account/totp/enable", url.Values{"csrf": {thief.csrf()}, "secret": {theirs}, "code": {code}}); r.status != 409 ||
		!strings.Contains(r.body, "nothing was changed") {
		t.Errorf("turning on another secret while one is on: %d", r.status)
	}
	if stored, _ := e.db.User(context.Background(), u.ID); stored.TOTPSecret != secret {
		t.Fatal("the owner's second factor was replaced")
	}
	// The owner's app still signs them in.
	e.clock.Add(time.Minute)
	b, pending := passwordStep(t, e, u.Email)
	code, _ = auth.TOTPCode(secret, e.clock.Now())
	if r := b.post("/admin/login/code", url.Values{"pending": {pending}, "code": {code}}); r.status != 303 {
		t.Errorf("the owner's code: %d", r.status)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// The code step's token is the password's: a new password ends it. Before, a token
// taken with the old password still signed in with a code after the password changed.
func TestPasswordChangeEndsTheCodeStep(t *testing.T) {
	e := newEnv(t)
	u := e.addUser(news.RoleEditor)
	owner := e.browser()
	owner.login(u.Email)
	secret := enableTOTP(t, e, owner)
	e.clock.Add(time.Minute)

	// Someone who had the old password passes the first step…
	attacker, pending := passwordStep(t, e, u.Email)
	// …then the owner changes it (their session stays: it is the one they change it from).
	if r := owner.post("/admin/account/password", url.Values{"csrf": {owner.csrf()}, "current": {password}, "new": {"a brand new password"}}); r.status != 303 {
		t.Fatalf("change the password: %d", r.status)
	}
	code, _ := auth.TOTPCode(secret, e.clock.Now())
	r := attacker.post("/admin/login/code", url.Values{"pending": {pending}, "code": {code}})
	if r.status != 401 || strings.Contains(r.header.Get("Set-Cookie"), "broadsheet_session=") || !strings.Contains(r.body, "sign in again") {
		t.Errorf("the right code with a token of the old password: %d, cookie %q", r.status, r.header.Get("Set-Cookie"))
	}
}

// The code step ends pendingTTL (5 minutes) after the password, whatever happens in
// between: a wrong code answers with the same token, not one that lives longer. Before,
// every wrong or refused code gave a new token of 5 more minutes, so one password was
// enough to guess codes for ever.
func TestWrongCodesDoNotExtendTheCodeStep(t *testing.T) {
	e := newEnv(t)
	u := e.addUser(news.RoleEditor)
	owner := e.browser()
	owner.login(u.Email)
	secret := enableTOTP(t, e, owner)
	e.clock.Add(time.Minute)

	b, pending := passwordStep(t, e, u.Email)
	token := pending
	for range 3 {
		e.clock.Add(80 * time.Second) // 4 minutes in all
		r := b.post("/admin/login/code", url.Values{"pending": {token}, "code": {"000000"}})
		m := pendingRe.FindStringSubmatch(r.body)
		if r.status != 401 || m == nil {
			t.Fatalf("a wrong code: %d", r.status)
		}
		token = m[1]
	}
	if token != pending {
		t.Errorf("a wrong code gave a new token %q for %q", token, pending)
	}
	e.clock.Add(2 * time.Minute) // 6 minutes after the password
	code, _ := auth.TOTPCode(secret, e.clock.Now())
	r := b.post("/admin/login/code", url.Values{"pending": {token}, "code": {code}})
	if r.status != 401 || !strings.Contains(r.body, "took too long") || strings.Contains(r.header.Get("Set-Cookie"), "broadsheet_session=") {
		t.Errorf("the right code 6 minutes after the password, with the token the wrong codes gave back: %d", r.status)
	}
}
