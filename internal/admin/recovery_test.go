package admin_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"image"
	"image/color"
	"log/slog"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"

	"broadsheet/internal/admin"
	"broadsheet/internal/auth"
	"broadsheet/internal/news"
)

var recoveryCodeRe = regexp.MustCompile(`<li><code>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})</code></li>`)

// recoveryCodes reads the codes from the page the setup (or a new set) leads to; that
// page shows them once.
func recoveryCodes(t *testing.T, b *browser) []string {
	t.Helper()
	r := b.get("/admin/account/recovery-codes")
	var codes []string
	for _, m := range recoveryCodeRe.FindAllStringSubmatch(r.body, -1) {
		codes = append(codes, m[1])
	}
	if r.status != 200 || len(codes) != news.RecoveryCodeCount {
		t.Fatalf("recovery codes page: %d, %d codes\n%s", r.status, len(codes), r.body)
	}
	return codes
}

// withRecoveryCodes is a person of the role, signed in (owner) with two-step sign-in
// on, and the recovery codes its setup showed.
func withRecoveryCodes(t *testing.T, role news.Role) (e *env, u *news.User, owner *browser, codes []string) {
	t.Helper()
	e = newEnv(t)
	u = e.addUser(role)
	owner = e.browser()
	owner.login(u.Email)
	enableTOTP(t, e, owner)
	return e, u, owner, recoveryCodes(t, owner)
}

// signInWithCode passes the password step from a new browser, then sends code.
func signInWithCode(t *testing.T, e *env, email, code string) (*browser, resp) {
	t.Helper()
	b, pending := passwordStep(t, e, email)
	return b, b.post("/admin/login/code", url.Values{"pending": {pending}, "code": {code}, "next": {"/admin/"}})
}

// A person who lost their phone signs in with the recovery codes issued at setup, each
// once; the account page counts what is left and warns when few are. Before, there
// were no codes, and a lost phone locked the account for good.
func TestRecoveryCodesSignInOnceEach(t *testing.T) {
	e, u, owner, codes := withRecoveryCodes(t, news.RoleAuthor)
	// Shown once: a second look finds none, and says how to get new ones.
	if r := owner.get("/admin/account/recovery-codes"); r.status != 410 || recoveryCodeRe.MatchString(r.body) || !strings.Contains(r.body, "shown only once") {
		t.Errorf("the codes were shown again: %d", r.status)
	}
	// Stored only as hashes: no code is in the database.
	unused, issued, err := e.db.RecoveryCodes(context.Background(), u.ID)
	if err != nil || len(unused) != 10 || issued != 10 {
		t.Fatalf("stored %d of %d (%v)", len(unused), issued, err)
	}
	for _, h := range unused {
		for _, c := range codes {
			if strings.Contains(h, c) || strings.Contains(h, strings.ReplaceAll(c, "-", "")) {
				t.Fatalf("a code is stored in plain: %q", h)
			}
		}
	}

	for i, code := range codes {
		typed := code
		if i == 1 {
			typed = strings.ToUpper(strings.ReplaceAll(code, "-", " ")) // as read aloud or retyped
		}
		b, r := signInWithCode(t, e, u.Email, typed)
		if r.status != 303 || !strings.Contains(r.header.Get("Set-Cookie"), "broadsheet_session=") {
			t.Fatalf("recovery code %d: %d\n%s", i+1, r.status, r.body)
		}
		// Sent to the account page, told how many are left.
		loc := r.header.Get("Location")
		if loc != "/admin/account?recovered=1" {
			t.Errorf("after recovery code %d, sent to %q", i+1, loc)
		}
		if page := b.get(loc).body; !strings.Contains(page, fmt.Sprintf("%d recovery code", 10-(i+1))) && !(i == 9 && strings.Contains(page, "your last recovery code")) {
			t.Errorf("after recovery code %d, the account page does not say how many are left", i+1)
		}
		if r := b.get("/admin/"); r.status != 200 {
			t.Fatalf("not signed in after recovery code %d: %d", i+1, r.status)
		}
		// A used code is refused, from any browser.
		if _, r := signInWithCode(t, e, u.Email, code); r.status != 401 || !strings.Contains(r.body, "used already") || r.header.Get("Set-Cookie") != "" {
			t.Fatalf("recovery code %d used twice: %d", i+1, r.status)
		}
		e.clock.Add(16 * time.Minute) // the refused reuse counts as a wrong code; let it pass
		page := b.get("/admin/account").body
		left := 10 - (i + 1)
		switch {
		case left == 9 && !strings.Contains(page, "9 of your 10 recovery codes are left"):
			t.Errorf("after one use the account page says:\n%s", page)
		case left == 3 && !strings.Contains(page, "Only 3 of your 10 recovery codes are left"):
			t.Errorf("with 3 left the account page gives no warning:\n%s", page)
		case left == 0 && !strings.Contains(page, "You have used all your recovery codes"):
			t.Errorf("with none left the account page says:\n%s", page)
		}
	}
}

// One recovery code sent on several sign-ins at once signs in one of them: using a
// code is one atomic step in the store.
func TestOneRecoveryCodeMakesOneSession(t *testing.T) {
	e, u, _, codes := withRecoveryCodes(t, news.RoleEditor)
	for round, code := range codes[:3] {
		e.clock.Add(16 * time.Minute) // past the window of the last round's failures
		var browsers []*browser
		var pendings []string
		for range 5 {
			b, p := passwordStep(t, e, u.Email)
			browsers, pendings = append(browsers, b), append(pendings, p)
		}
		var mu sync.Mutex
		var wg sync.WaitGroup
		sessions := 0
		for i, b := range browsers {
			wg.Go(func() {
				r := b.post("/admin/login/code", url.Values{"pending": {pendings[i]}, "code": {code}})
				if r.status == 303 && strings.Contains(r.header.Get("Set-Cookie"), "broadsheet_session=") {
					mu.Lock()
					sessions++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if sessions != 1 {
			t.Errorf("round %d: one recovery code sent on 5 requests at once made %d sessions", round+1, sessions)
		}
	}
}

// Wrong recovery codes count on the same limit as wrong app codes: after 5, even a
// right one waits.
func TestRecoveryCodesAreLimited(t *testing.T) {
	e, u, _, codes := withRecoveryCodes(t, news.RoleEditor)
	b, pending := passwordStep(t, e, u.Email)
	for i := range 5 {
		guess := fmt.Sprintf("abcd-efgh-jkmn-%04d", i)
		if r := b.post("/admin/login/code", url.Values{"pending": {pending}, "code": {guess}}); r.status != 401 {
			t.Fatalf("guess %d: %d", i+1, r.status)
		}
	}
	if r := b.post("/admin/login/code", url.Values{"pending": {pending}, "code": {codes[0]}}); r.status != 429 || r.header.Get("Set-Cookie") != "" {
		t.Errorf("a right code past the limit: %d", r.status)
	}
	e.clock.Add(16 * time.Minute)
	if _, r := signInWithCode(t, e, u.Email, codes[0]); r.status != 303 {
		t.Errorf("the code after the window: %d", r.status)
	}
}

// New codes need the password, and the old set stops working; turning two-step
// sign-in off with a recovery code (the phone is lost) drops every code.
func TestNewRecoveryCodesReplaceTheOld(t *testing.T) {
	e, u, owner, old := withRecoveryCodes(t, news.RoleEditor)
	if r := owner.post("/admin/account/totp/recovery", url.Values{"csrf": {owner.csrf()}, "password": {"not the password"}}); r.status != 422 {
		t.Errorf("new codes without the password: %d", r.status)
	}
	if r := owner.post("/admin/account/totp/recovery", url.Values{"password": {password}}); r.status != 403 {
		t.Errorf("new codes without the form token: %d", r.status)
	}
	if r := owner.get("/admin/account/recovery-codes"); r.status != 410 {
		t.Errorf("a refused request showed codes: %d", r.status)
	}
	if r := owner.post("/admin/account/totp/recovery", url.Values{"csrf": {owner.csrf()}, "password": {password}}); r.status != 303 || r.header.Get("Location") != "/admin/account/recovery-codes" {
		t.Fatalf("new codes: %d to %q", r.status, r.header.Get("Location"))
	}
	fresh := recoveryCodes(t, owner)
	for _, c := range fresh {
		for _, o := range old {
			if c == o {
				t.Fatalf("a new code is an old one: %s", c)
			}
		}
	}
	if _, r := signInWithCode(t, e, u.Email, old[5]); r.status != 401 {
		t.Errorf("a code of the replaced set signed in: %d", r.status)
	}
	if _, r := signInWithCode(t, e, u.Email, fresh[5]); r.status != 303 {
		t.Errorf("a code of the new set: %d", r.status)
	}
	// Lost phone: off with the password and a recovery code.
	if r := owner.post("/admin/account/totp/disable", url.Values{"csrf": {owner.csrf()}, "password": {password}, "code": {fresh[6]}}); r.status != 303 {
		t.Fatalf("turning it off with a recovery code: %d", r.status)
	}
	if unused, issued, _ := e.db.RecoveryCodes(context.Background(), u.ID); len(unused)+issued != 0 {
		t.Errorf("codes outlived the second factor: %d", len(unused))
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// An administrator turns off the two-step sign-in of someone who lost their phone and
// codes, from the Users screen: after a confirmation, with their own password and the
// form token; the person is signed out everywhere, and the log says who reset whom. An
// editor cannot, and an administrator's own goes through "Your account".
func TestAdministratorResetsTwoStep(t *testing.T) {
	var logs syncBuffer
	e := newEnvWith(t, func(c *admin.Config) { c.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	adm, editor, author := e.addUser(news.RoleAdministrator), e.addUser(news.RoleEditor), e.addUser(news.RoleAuthor)
	victim := e.browser()
	victim.login(author.Email)
	enableTOTP(t, e, victim)
	codes := recoveryCodes(t, victim)
	resetPath := fmt.Sprintf("/admin/users/%d/two-step", author.ID)

	ed := e.browser()
	ed.login(editor.Email)
	if r := ed.get(resetPath); r.status != 403 {
		t.Errorf("an editor opened the reset: %d", r.status)
	}
	if r := ed.post(resetPath, url.Values{"csrf": {ed.csrf()}, "password": {password}}); r.status != 403 {
		t.Errorf("an editor reset it: %d", r.status)
	}

	a := e.browser()
	a.login(adm.Email)
	users := a.get("/admin/users").body
	if !strings.Contains(users, `href="`+resetPath+`"`) {
		t.Fatalf("no reset link on the Users screen:\n%s", users)
	}
	if r := a.get(resetPath); r.status != 200 || !strings.Contains(r.body, "Reset two-step sign-in of The author?") || !strings.Contains(r.body, `action="`+resetPath+`"`) {
		t.Fatalf("confirmation: %d\n%s", r.status, r.body)
	}
	if r := a.post(resetPath, url.Values{"password": {password}}); r.status != 403 {
		t.Errorf("reset without the form token: %d", r.status)
	}
	if r := a.post(resetPath, url.Values{"csrf": {a.csrf()}, "password": {"not the password"}}); r.status != 422 || !strings.Contains(r.body, "not right") {
		t.Errorf("reset with a wrong password: %d", r.status)
	}
	if got, _ := e.db.User(context.Background(), author.ID); got.TOTPSecret == "" {
		t.Fatal("reset without the administrator's password")
	}
	if r := victim.get("/admin/"); r.status != 200 {
		t.Fatalf("the author was signed out before the reset: %d", r.status)
	}
	r := a.post(resetPath, url.Values{"csrf": {a.csrf()}, "password": {password}})
	if r.status != 303 || r.header.Get("Location") != "/admin/users" {
		t.Fatalf("reset: %d to %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	if page := a.get("/admin/users").body; !strings.Contains(page, "two-step sign-in is off") {
		t.Error("the users page does not say the reset was done")
	}
	if got, _ := e.db.User(context.Background(), author.ID); got.TOTPSecret != "" {
		t.Error("still on after the reset")
	}
	if r := victim.get("/admin/"); r.status != 303 {
		t.Errorf("the author's session outlived the reset: %d", r.status)
	}
	if unused, _, _ := e.db.RecoveryCodes(context.Background(), author.ID); len(unused) != 0 {
		t.Errorf("%d recovery codes outlived the reset", len(unused))
	}
	// They sign in with the password alone; their old codes are nothing now.
	fresh := e.browser()
	fresh.login(author.Email)
	if unused, issued, _ := e.db.RecoveryCodes(context.Background(), author.ID); len(unused)+issued != 0 {
		t.Errorf("the reset left %d codes", issued)
	}
	if line := findLine(logs.String(), "two-step sign-in reset"); !strings.Contains(line, "user="+strconv.FormatInt(author.ID, 10)) ||
		!strings.Contains(line, "by="+strconv.FormatInt(adm.ID, 10)) {
		t.Errorf("the log does not say who reset whom: %q", line)
	}
	_ = codes // the reset is for someone who lost them too

	// Their own: refused here, and the link is not offered.
	enableTOTP(t, e, a)
	recoveryCodes(t, a)
	own := fmt.Sprintf("/admin/users/%d/two-step", adm.ID)
	if strings.Contains(a.get("/admin/users").body, `href="`+own+`"`) {
		t.Error("the Users screen offers an administrator the reset of their own")
	}
	if r := a.post(own, url.Values{"csrf": {a.csrf()}, "password": {password}}); r.status != 409 || !strings.Contains(r.body, "Your account") {
		t.Errorf("own reset through the Users screen: %d", r.status)
	}
	if got, _ := e.db.User(context.Background(), adm.ID); got.TOTPSecret == "" {
		t.Error("an administrator's own two-step sign-in was reset without a code")
	}
	if r := a.get("/admin/users/999999/two-step"); r.status != 404 {
		t.Errorf("reset of nobody: %d", r.status)
	}
}

func findLine(logs, msg string) string {
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, msg) {
			return l
		}
	}
	return ""
}

var (
	qrImgRe  = regexp.MustCompile(`<img src="data:image/svg(?:\+|&#43;)xml;base64,([^"]+)"[^>]* alt="([^"]+)"`)
	linkRe   = regexp.MustCompile(`<a href="(otpauth://[^"]+)">`)
	keyRe    = regexp.MustCompile(`<code class="secret" id="totp-key">([A-Z2-7 ]+)</code>`)
	moduleRe = regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`)
	viewRe   = regexp.MustCompile(`viewBox="0 0 (\d+) (\d+)"`)
)

// The setup page's QR code, read by another library (gozxing, a port of ZXing), is
// the otpauth:// address the page links to, with this account's secret; the key is
// there in groups of four for typing, and the picture has alt text.
func TestSetupQRCodeDecodesToTheURI(t *testing.T) {
	e := newEnv(t)
	u := e.addUser(news.RoleEditor)
	b := e.browser()
	b.login(u.Email)
	setup := b.post("/admin/account/totp/start", url.Values{"csrf": {b.csrf()}})
	page := setup.body
	// The picture is a data: address, which the page's policy must allow.
	if csp := setup.header.Get("Content-Security-Policy"); !regexp.MustCompile(`(^|;)\s*img-src [^;]*\bdata:`).MatchString(csp) {
		t.Errorf("the setup page's CSP does not allow a data: image: %q", csp)
	}
	img, link, key, secret := qrImgRe.FindStringSubmatch(page), linkRe.FindStringSubmatch(page), keyRe.FindStringSubmatch(page), secretRe.FindStringSubmatch(page)
	if img == nil || link == nil || key == nil || secret == nil {
		t.Fatalf("setup page without a QR code, a link, or the key:\n%s", page)
	}
	if strings.ReplaceAll(key[1], " ", "") != secret[1] || !regexp.MustCompile(`^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$`).MatchString(key[1]) {
		t.Errorf("the key for typing is %q, the secret %q", key[1], secret[1])
	}
	if !strings.Contains(img[2], "QR code") {
		t.Errorf("alt text %q", img[2])
	}
	svg, err := base64.StdEncoding.DecodeString(html.UnescapeString(img[1]))
	if err != nil {
		t.Fatal(err)
	}
	got := decodeQR(t, string(svg))
	want := html.UnescapeString(link[1])
	if got != want {
		t.Errorf("the QR code reads %q, the link is %q", got, want)
	}
	parsed, err := url.Parse(got)
	if err != nil || parsed.Query().Get("secret") != secret[1] || !strings.Contains(parsed.Path, u.Email) {
		t.Errorf("the QR code's address %q does not carry the secret and the account (%v)", got, err)
	}
	// And the code it carries turns two-step sign-in on.
	code, _ := auth.TOTPCode(parsed.Query().Get("secret"), e.clock.Now())
	if r := b.post("/admin/account/totp/enable", url.Values{"csrf": {b.csrf()}, "secret": {secret[1]}, "code": {code}, "password": {password}}); r.status != 303 {
		t.Errorf("enable with the code of the scanned key: %d", r.status)
	}
}

// decodeQR draws the SVG's modules (its one path of unit rectangles) at 6 pixels a
// module and reads the picture with gozxing.
func decodeQR(t *testing.T, svg string) string {
	t.Helper()
	vb := viewRe.FindStringSubmatch(svg)
	if vb == nil {
		t.Fatalf("no viewBox in %q", svg)
	}
	n, _ := strconv.Atoi(vb[1])
	const scale = 6
	pic := image.NewGray(image.Rect(0, 0, n*scale, n*scale))
	for i := range pic.Pix {
		pic.Pix[i] = 0xff
	}
	runs := moduleRe.FindAllStringSubmatch(svg, -1)
	if len(runs) == 0 {
		t.Fatal("no dark modules")
	}
	for _, m := range runs {
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		w, _ := strconv.Atoi(m[3])
		for py := y * scale; py < (y+1)*scale; py++ {
			for px := x * scale; px < (x+w)*scale; px++ {
				pic.SetGray(px, py, color.Gray{})
			}
		}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(pic)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil {
		t.Fatalf("the QR code does not read: %v", err)
	}
	return res.GetText()
}
