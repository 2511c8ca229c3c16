package admin_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/auth"
	"broadsheet/internal/news"
)

var (
	secretRe  = regexp.MustCompile(`name="secret" value="([A-Z2-7]+)"`)
	pendingRe = regexp.MustCompile(`name="pending" value="([^"]+)"`)
)

func TestTwoStepSignIn(t *testing.T) {
	e := newEnv(t)
	u := e.addUser(news.RoleEditor)
	b := e.browser()
	b.login(u.Email)
	page := b.post("/admin/account/totp/start", url.Values{"csrf": {b.csrf()}})
	m := secretRe.FindStringSubmatch(page.body)
	if page.status != 200 || m == nil || !strings.Contains(page.body, "otpauth://totp/") {
		t.Fatalf("setup page: %d", page.status)
	}
	secret := m[1]
	if r := b.post("/admin/account/totp/enable", url.Values{"csrf": {b.csrf()}, "secret": {secret}, "code": {"000000"}}); r.status != 422 {
		t.Errorf("enable with a wrong code: %d", r.status)
	}
	code, _ := auth.TOTPCode(secret, e.clock.Now())
	if r := b.post("/admin/account/totp/enable", url.Values{"csrf": {b.csrf()}, "secret": {secret}, "code": {code}}); r.status != 303 {
		t.Fatalf("enable: %d", r.status)
	}
	if stored, _ := e.db.User(context.Background(), u.ID); stored.TOTPSecret != secret {
		t.Fatal("the secret was not stored")
	}

	// Signing in now takes the password, then a code.
	e.clock.Add(time.Minute)
	other := e.browser()
	r := other.post("/admin/login", url.Values{"email": {u.Email}, "password": {password}, "next": {"/admin/comments"}})
	pm := pendingRe.FindStringSubmatch(r.body)
	if r.status != 200 || pm == nil || r.header.Get("Set-Cookie") != "" {
		t.Fatalf("password step: %d, cookie %q", r.status, r.header.Get("Set-Cookie"))
	}
	if r := other.post("/admin/login/code", url.Values{"pending": {pm[1]}, "code": {"123456"}, "next": {"/admin/comments"}}); r.status != 401 || r.header.Get("Set-Cookie") != "" {
		t.Errorf("wrong code: %d", r.status)
	}
	if r := other.post("/admin/login/code", url.Values{"pending": {"1.99999999999.forged"}, "code": {"123456"}}); r.status != 401 {
		t.Errorf("forged pending token: %d", r.status)
	}
	code, _ = auth.TOTPCode(secret, e.clock.Now())
	if r := other.post("/admin/login/code", url.Values{"pending": {pm[1]}, "code": {code}, "next": {"/admin/comments"}}); r.status != 303 || r.header.Get("Location") != "/admin/comments" {
		t.Fatalf("right code: %d to %q", r.status, r.header.Get("Location"))
	}
	if r := other.get("/admin/"); r.status != 200 {
		t.Errorf("not signed in after the code: %d", r.status)
	}
	// The same code does not sign in a second browser.
	third := e.browser()
	r = third.post("/admin/login", url.Values{"email": {u.Email}, "password": {password}})
	pm = pendingRe.FindStringSubmatch(r.body)
	if r := third.post("/admin/login/code", url.Values{"pending": {pm[1]}, "code": {code}}); r.status != 401 {
		t.Errorf("a code used twice: %d", r.status)
	}
	// The code step does not wait for ever.
	e.clock.Add(6 * time.Minute)
	code, _ = auth.TOTPCode(secret, e.clock.Now())
	if r := third.post("/admin/login/code", url.Values{"pending": {pm[1]}, "code": {code}}); r.status != 401 || !strings.Contains(r.body, "took too long") {
		t.Errorf("a stale password step: %d", r.status)
	}
	// Turning it off needs the password and a code.
	if r := other.post("/admin/account/totp/disable", url.Values{"csrf": {other.csrf()}, "password": {"wrong password"}, "code": {code}}); r.status != 422 {
		t.Errorf("disable with a wrong password: %d", r.status)
	}
	e.clock.Add(time.Minute)
	code, _ = auth.TOTPCode(secret, e.clock.Now())
	if r := other.post("/admin/account/totp/disable", url.Values{"csrf": {other.csrf()}, "password": {password}, "code": {code}}); r.status != 303 {
		t.Errorf("disable: %d", r.status)
	}
	if stored, _ := e.db.User(context.Background(), u.ID); stored.TOTPSecret != "" {
		t.Error("still on")
	}
}
