package admin_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"broadsheet/internal/admin"
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
	// A stolen session cannot put the thief's authenticator on the account: the
	// password is needed too.
	if r := b.post("/admin/account/totp/enable", url.Values{"csrf": {b.csrf()}, "secret": {secret}, "code": {code}, "password": {"not the password"}}); r.status != 422 {
		t.Errorf("enable without the password: %d", r.status)
	}
	if stored, _ := e.db.User(context.Background(), u.ID); stored.TOTPSecret != "" {
		t.Fatal("two-step sign-in turned on without the password")
	}
	if r := b.post("/admin/account/totp/enable", url.Values{"csrf": {b.csrf()}, "secret": {secret}, "code": {code}, "password": {password}}); r.status != 303 {
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

// enableTOTP turns two-step sign-in on for b's user and returns the secret.
func enableTOTP(t *testing.T, e *env, b *browser) string {
	t.Helper()
	m := secretRe.FindStringSubmatch(b.post("/admin/account/totp/start", url.Values{"csrf": {b.csrf()}}).body)
	if m == nil {
		t.Fatal("no secret on the setup page")
	}
	code, _ := auth.TOTPCode(m[1], e.clock.Now())
	if r := b.post("/admin/account/totp/enable", url.Values{"csrf": {b.csrf()}, "secret": {m[1]}, "code": {code}, "password": {password}}); r.status != 303 {
		t.Fatalf("enable two-step sign-in: %d", r.status)
	}
	return m[1]
}

// passwordStep signs in with the password from a new browser, and returns it with the
// token of the code step.
func passwordStep(t *testing.T, e *env, email string, headers ...string) (*browser, string) {
	t.Helper()
	b := e.browser()
	r := b.post("/admin/login", url.Values{"email": {email}, "password": {password}}, headers...)
	m := pendingRe.FindStringSubmatch(r.body)
	if r.status != 200 || m == nil {
		t.Fatalf("password step: %d", r.status)
	}
	return b, m[1]
}

// The code of two-step sign-in is guessed no more often than a password: 5 wrong
// codes per account in 15 minutes, however many times the password step is passed
// again and from whichever address.
func TestCodeStepIsLimited(t *testing.T) {
	e := newEnvWith(t, func(c *admin.Config) { c.TrustProxy = true })
	u := e.addUser(news.RoleEditor)
	owner := e.browser()
	owner.login(u.Email)
	secret := enableTOTP(t, e, owner)
	e.clock.Add(time.Minute)

	b, pending := passwordStep(t, e, u.Email, "X-Forwarded-For", "198.51.100.1")
	for i := range 5 {
		r := b.post("/admin/login/code", url.Values{"pending": {pending}, "code": {fmt.Sprintf("%06d", 100000+i)}}, "X-Forwarded-For", "198.51.100.1")
		if r.status != 401 {
			t.Fatalf("wrong code %d: %d", i+1, r.status)
		}
	}
	code, _ := auth.TOTPCode(secret, e.clock.Now())
	r := b.post("/admin/login/code", url.Values{"pending": {pending}, "code": {code}}, "X-Forwarded-For", "198.51.100.1")
	if r.status != 429 || r.header.Get("Set-Cookie") != "" || !strings.Contains(r.body, "Too many failed attempts") || r.header.Get("Retry-After") == "" {
		t.Errorf("the right code after 5 wrong ones: %d, cookie %q", r.status, r.header.Get("Set-Cookie"))
	}
	// Passing the password step again, from another address, gives no new tries.
	b, pending = passwordStep(t, e, u.Email, "X-Forwarded-For", "203.0.113.9")
	if r := b.post("/admin/login/code", url.Values{"pending": {pending}, "code": {code}}, "X-Forwarded-For", "203.0.113.9"); r.status != 429 || r.header.Get("Set-Cookie") != "" {
		t.Errorf("the right code after a new password step elsewhere: %d", r.status)
	}
	e.clock.Add(16 * time.Minute)
	b, pending = passwordStep(t, e, u.Email, "X-Forwarded-For", "203.0.113.9")
	code, _ = auth.TOTPCode(secret, e.clock.Now())
	if r := b.post("/admin/login/code", url.Values{"pending": {pending}, "code": {code}}, "X-Forwarded-For", "203.0.113.9"); r.status != 303 {
		t.Errorf("the right code after the window: %d", r.status)
	}
}

// One code sent on several requests at once signs in one of them: a code is used once,
// in one atomic step.
func TestOneCodeMakesOneSession(t *testing.T) {
	e := newEnv(t)
	u := e.addUser(news.RoleEditor)
	owner := e.browser()
	owner.login(u.Email)
	secret := enableTOTP(t, e, owner)
	for round := range 3 {
		e.clock.Add(16 * time.Minute) // past the window of the last round's failures
		var pendings []string
		var browsers []*browser
		for range 5 {
			b, p := passwordStep(t, e, u.Email)
			browsers, pendings = append(browsers, b), append(pendings, p)
		}
		code, _ := auth.TOTPCode(secret, e.clock.Now())
		var mu sync.Mutex
		var wg sync.WaitGroup
		sessions := 0
		for i, b := range browsers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := b.post("/admin/login/code", url.Values{"pending": {pendings[i]}, "code": {code}})
				if r.status == 303 && strings.Contains(r.header.Get("Set-Cookie"), "broadsheet_session=") {
					mu.Lock()
					sessions++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if sessions != 1 {
			t.Errorf("round %d: one code sent on 5 requests at once made %d sessions", round+1, sessions)
		}
	}
}
