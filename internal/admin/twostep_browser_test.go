//go:build browser

package admin_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"broadsheet/internal/auth"
	"broadsheet/internal/browsertest"
	"broadsheet/internal/news"
)

// checkScreen runs axe-core on the page shown, checks it does not scroll sideways at
// all, and photographs it (/tmp/shots/i8-totp-*.png).
func checkScreen(t *testing.T, ctx context.Context, name string, width int) {
	t.Helper()
	browsertest.CheckAxe(t, ctx, fmt.Sprintf("%s at %d px", name, width))
	if over, _ := sideways(t, ctx); over > 0 {
		t.Errorf("%s at %d px scrolls sideways", name, width)
	}
	shoot(t, ctx, fmt.Sprintf("i8-totp-%s-%d", name, width))
}

func signInThrough(t *testing.T, ctx context.Context, e *env, email string) {
	t.Helper()
	browsertest.Do(t, ctx, chromedp.Navigate(e.http.URL+"/admin/login"), chromedp.WaitVisible(chromedp.ID("password")),
		chromedp.SendKeys(chromedp.ID("email"), email), chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS("form button[type=submit]")))
}

// A person sets up two-step sign-in from the QR code's screen, saves the recovery
// codes, later signs in with one of them; an administrator resets someone's two-step
// sign-in from the Users screen: at 1280 and 390 px, every screen passing axe-core and
// none scrolling sideways.
func TestTwoStepInABrowser(t *testing.T) {
	e := newEnv(t)
	e.clock.Real()
	adm := e.addUser(news.RoleAdministrator)
	for _, size := range []struct {
		w, h int
		role news.Role
	}{{1280, 900, news.RoleAuthor}, {390, 844, news.RoleEditor}} {
		u := e.addUser(size.role)
		ctx := browsertest.Start(t)
		browsertest.Do(t, ctx, chromedp.EmulateViewport(int64(size.w), int64(size.h)))
		signInThrough(t, ctx, e, u.Email)
		browsertest.Do(t, ctx, chromedp.WaitVisible(chromedp.CSS(".cards")),
			chromedp.Navigate(e.http.URL+"/admin/account"),
			chromedp.Click(chromedp.CSS(`form[action="/admin/account/totp/start"] button`)),
			chromedp.WaitVisible(chromedp.CSS(".totp-qr img")))
		// The QR code shows (the data: SVG loaded), at its size, with the key beside it.
		if w := browsertest.Get(t, ctx, chromedp.Evaluate[int](`document.querySelector(".totp-qr img").naturalWidth`)); w == 0 {
			t.Errorf("at %d px the QR code did not load", size.w)
		}
		key := browsertest.Get(t, ctx, chromedp.Text(chromedp.ID("totp-key")))
		checkScreen(t, ctx, "setup", size.w)
		secret := browsertest.Get(t, ctx, chromedp.Evaluate[string](`document.querySelector('input[name=secret]').value`))
		if strings.ReplaceAll(key, " ", "") != secret {
			t.Errorf("the key shown %q is not the secret %q", key, secret)
		}
		code, _ := auth.TOTPCode(secret, e.clock.Now())
		browsertest.Do(t, ctx, chromedp.SendKeys(chromedp.ID("code"), code), chromedp.SendKeys(chromedp.ID("password"), password),
			chromedp.Click(chromedp.CSS(`form[action="/admin/account/totp/enable"] button`)),
			chromedp.WaitVisible(chromedp.CSS(".recovery-codes")))
		checkScreen(t, ctx, "recovery-codes", size.w)
		codes := browsertest.Get(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".recovery-codes code")].map(c => c.textContent)`))
		if len(codes) != news.RecoveryCodeCount {
			t.Fatalf("%d codes shown", len(codes))
		}
		// The file to keep holds every code.
		file := browsertest.Get(t, ctx, chromedp.Evaluate[string](`fetch(document.querySelector("a[download]").href).then(r => r.text())`, chromedp.EvalAwaitPromise))
		for _, c := range codes {
			if !strings.Contains(file, c) {
				t.Errorf("the download lacks %s:\n%s", c, file)
			}
		}
		// Done needs the box ticked (the browser refuses the form without it).
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`form[action="/admin/account"] button`)))
		if loc := browsertest.Get(t, ctx, chromedp.Location()); !strings.HasSuffix(loc, "/admin/account/recovery-codes") {
			t.Errorf("Done without the box ticked went to %s", loc)
		}
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`input[name=saved]`)),
			chromedp.Click(chromedp.CSS(`form[action="/admin/account"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
		checkScreen(t, ctx, "account-on", size.w)
		if page := browsertest.Get(t, ctx, chromedp.Text(chromedp.CSS("main"))); !strings.Contains(page, "10 of your 10 recovery codes are left") {
			t.Errorf("the account page says:\n%s", page)
		}

		// Phone lost: sign in with a recovery code.
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(".signout button")), chromedp.WaitVisible(chromedp.ID("password")))
		signInThrough(t, ctx, e, u.Email)
		browsertest.Do(t, ctx, chromedp.WaitVisible(chromedp.ID("code")), chromedp.Click(chromedp.CSS(".recovery-step summary")),
			chromedp.WaitVisible(chromedp.ID("recovery-code")))
		checkScreen(t, ctx, "code-step", size.w)
		browsertest.Do(t, ctx, chromedp.SendKeys(chromedp.ID("recovery-code"), "0000-0000-0000-0000"),
			chromedp.Click(chromedp.CSS(`.recovery-step button`)), chromedp.WaitVisible(chromedp.CSS(".error")))
		if open := browsertest.Get(t, ctx, chromedp.Evaluate[bool](`document.querySelector(".recovery-step").open`)); !open {
			t.Error("after a wrong recovery code its form is closed")
		}
		browsertest.Do(t, ctx, chromedp.SendKeys(chromedp.ID("recovery-code"), codes[3]),
			chromedp.Click(chromedp.CSS(`.recovery-step button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
		if flash := browsertest.Get(t, ctx, chromedp.Text(chromedp.CSS(".flash"))); !strings.Contains(flash, "9 recovery codes left") {
			t.Errorf("after a recovery code: %q", flash)
		}

		// The administrator resets it from the Users screen.
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(".signout button")), chromedp.WaitVisible(chromedp.ID("password")))
		signInThrough(t, ctx, e, adm.Email)
		browsertest.Do(t, ctx, chromedp.WaitVisible(chromedp.CSS(".cards")), chromedp.Navigate(e.http.URL+"/admin/users"),
			chromedp.WaitVisible(chromedp.CSS("table.queue")))
		checkScreen(t, ctx, "users", size.w)
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(`a[href="/admin/users/`+itoa(u.ID)+`/two-step"]`)), chromedp.WaitVisible(chromedp.ID("reset-password")))
		checkScreen(t, ctx, "reset-confirm", size.w)
		browsertest.Do(t, ctx, chromedp.SendKeys(chromedp.ID("reset-password"), password),
			chromedp.Click(chromedp.CSS(`form[action$="/two-step"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
		if got, _ := e.db.User(context.Background(), u.ID); got.TOTPSecret != "" {
			t.Errorf("at %d px the reset left two-step sign-in on", size.w)
		}
		browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS(".signout button")), chromedp.WaitVisible(chromedp.ID("password")))
	}
}

// twoStepPages adds the two-step sign-in's screens to TestAdminPagesAreValidHTML's.
func twoStepPages(t *testing.T, e *env, pages map[string]string) {
	t.Helper()
	u := e.addUser(news.RoleEditor)
	b := e.browser()
	b.login(u.Email)
	pages["totp-setup"] = b.post("/admin/account/totp/start", url.Values{"csrf": {b.csrf()}}).body
	enableTOTP(t, e, b)
	pages["recovery-codes"] = b.get("/admin/account/recovery-codes").body
	pages["account-totp-on"] = b.get("/admin/account").body
	pages["recovery-codes-gone"] = b.get("/admin/account/recovery-codes").body
	other, pending := passwordStep(t, e, u.Email)
	pages["code-step"] = other.post("/admin/login", url.Values{"email": {u.Email}, "password": {password}}).body
	pages["code-step-recovery-refused"] = other.post("/admin/login/code", url.Values{"pending": {pending}, "code": {"0000-0000-0000-0000"}}).body
	a := e.browser()
	a.login("administrator@newsroom.example")
	pages["users-totp"] = a.get("/admin/users").body
	pages["reset-confirm"] = a.get("/admin/users/" + itoa(u.ID) + "/two-step").body
	pages["reset-refused"] = a.post("/admin/users/"+itoa(u.ID)+"/two-step", url.Values{"csrf": {a.csrf()}, "password": {"wrong"}}).body
}
