package admin

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"broadsheet/internal/auth"
	"broadsheet/internal/news"
)

// pendingTTL is how long the code step of a sign-in waits after the password.
const pendingTTL = 5 * time.Minute

// pendingToken vouches, until exp, that the user gave the right password and owes only
// the code: "ID.EXP.MAC", the MAC (HMAC-SHA256 with the site's secret) over the ID and
// the expiry and over the account's password hash and second factor as they were. So
// a new password (or a second factor turned off and on again) ends every code step
// begun before it, and the expiry is fixed when the password is checked: a failed or
// refused code answers with the same token, never a later one, so that whoever once
// had the password cannot keep guessing codes without it.
func (s *Server) pendingToken(u *news.User, exp time.Time) string {
	msg := fmt.Sprintf("%d.%d", u.ID, exp.Unix())
	return msg + "." + s.pendingMAC(u, msg)
}

func (s *Server) pendingMAC(u *news.User, msg string) string {
	return s.sign("totp-pending", msg+"\x00"+u.PasswordHash+"\x00"+u.TOTPSecret)
}

func (s *Server) sign(purpose, msg string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(purpose + "\x00" + msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// pendingUser returns the account a code step's token vouches for, when the token is
// the server's, unexpired, and made for the account's password and second factor as
// they are now, and the account is active with two-step sign-in on. why says what
// went wrong, for the person signing in.
func (s *Server) pendingUser(r *http.Request, token string, now time.Time) (u *news.User, why string) {
	const again = "Please sign in again."
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, again
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	exp, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil {
		return nil, again
	}
	u, err := s.store.User(r.Context(), id)
	if err != nil || !hmac.Equal([]byte(s.pendingMAC(u, parts[0]+"."+parts[1])), []byte(parts[2])) {
		// Unknown, forged, or made before the password or the second factor changed.
		return nil, again
	}
	if now.Unix() > exp {
		return nil, "That took too long: please sign in again."
	}
	if u.Disabled || u.TOTPSecret == "" {
		return nil, again
	}
	return u, ""
}

func (s *Server) askCode(w http.ResponseWriter, r *http.Request, pending, next string, status int, msg string) {
	s.render(w, r, status, "login", &page{Title: "Sign in: the code", Error: msg,
		Body: loginBody{CodeStep: true, Pending: pending, Next: next, Recovery: isRecoveryCode(r.PostForm.Get("code"))}})
}

// loginCode is the second step of a sign-in with two-step sign-in on. Like the
// password, a code is reserved on the limits (the account's codes, the address) before
// it is checked; then using it is one atomic step in the store, so that a code sent on
// two requests at once signs in only one.
func (s *Server) loginCode(w http.ResponseWriter, r *http.Request) {
	now := s.cfg.Now()
	next := safeNext(r.PostForm.Get("next"))
	pending := r.PostForm.Get("pending")
	u, why := s.pendingUser(r, pending, now)
	if u == nil {
		s.render(w, r, http.StatusUnauthorized, "login", &page{Title: "Sign in", Action: "/admin/login", Error: why, Body: loginBody{Next: next}})
		return
	}
	address, codes := s.addressLimit(r), s.codeLimit(u)
	if ref := s.reserve(r, now, address, codes); ref != nil {
		status, msg := s.tooMany(w, now, ref)
		s.askCode(w, r, pending, next, status, msg)
		return
	}
	// The code step takes a code from the app or, for a lost phone, a recovery code;
	// they are told apart by their shape (6 digits, 16 symbols).
	typed := r.PostForm.Get("code")
	recovery := isRecoveryCode(typed)
	var ok bool
	var err error
	if recovery {
		var hash string
		if hash, ok, err = s.matchRecoveryCode(r.Context(), u, typed); ok && err == nil {
			ok, err = s.store.UseRecoveryCode(r.Context(), u.ID, hash, now)
		}
	} else {
		var step int64
		if step, ok = auth.CheckTOTP(u.TOTPSecret, typed, now, u.TOTPLastStep); ok {
			ok, err = s.store.UseTOTPStep(r.Context(), u.ID, step)
		}
	}
	if err != nil {
		s.giveBack(r, now, address, codes)
		s.log.Error("check a code of two-step sign-in", "user", u.ID, "err", err)
		s.fail(w, r, nil, http.StatusInternalServerError, "Something went wrong", "You could not be signed in. Please try again.")
		return
	}
	if !ok {
		msg := "That code is not right (or was used already). Type the one your app shows now."
		if recovery {
			msg = "That recovery code is not right, or was used already: each works once. Try another of yours."
		}
		s.askCode(w, r, pending, next, http.StatusUnauthorized, msg)
		return
	}
	s.succeeded(r, now, address, codes)
	if err := s.startSession(w, r, u); err != nil {
		s.fail(w, r, nil, http.StatusInternalServerError, "Something went wrong", "You could not be signed in. Please try again.")
		return
	}
	if recovery {
		left := s.recoveryState(r.Context(), u).Left
		s.log.Info("signed in", "user", u.ID, "second_factor", "recovery code", "recovery_codes_left", left)
		// To the account page, which says what to do next (a new phone, new codes),
		// unless the sign-in was on its way to a page of work (a save kept aside).
		if next == "/admin/" {
			// A fixed flag, no text: the account page words the advice from the
			// codes left (the new session has no message cookie yet to carry it).
			next = "/admin/account?recovered=1"
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.log.Info("signed in", "user", u.ID, "second_factor", true)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

type totpSetup struct {
	Secret  string
	Grouped string       // the secret in groups of four, for typing
	URI     template.URL // otpauth: is not a scheme html/template lets through on its own
	QR      template.URL // the URI as a QR code: an SVG, a data: address
}

func (s *Server) totpPage(w http.ResponseWriter, r *http.Request, u *news.User, secret string, status int, msg string) {
	settings, _ := s.store.Settings(r.Context())
	issuer := siteTitle(settings)
	uri := auth.TOTPURI(secret, issuer, u.Email)
	qr, err := qrDataURI(uri)
	if err != nil {
		// The key can still be typed: the page goes on without the picture.
		s.log.Error("draw the setup's QR code", "err", err)
	}
	s.render(w, r, status, "totp", &page{Title: "Set up two-step sign-in", SiteTitle: issuer, Nav: "account", User: u, CSRF: s.csrfToken(r), Error: msg,
		Body: totpSetup{Secret: secret, Grouped: groupsOfFour(secret), URI: template.URL(uri), QR: qr}})
}

// alreadyOn refuses to set up a second factor over the one that is on: replacing it
// would let a stolen session put the thief's app in place of the owner's, and lock the
// owner out. It is turned off first, which takes the password and a current code.
func (s *Server) alreadyOn(w http.ResponseWriter, r *http.Request, u *news.User) bool {
	if u.TOTPSecret == "" {
		return false
	}
	s.log.Info("refused: two-step sign-in is on already", "user", u.ID)
	s.accountPage(w, r, u, http.StatusConflict, "Two-step sign-in is on already, so nothing was changed. To use another app, turn it off below (with your password and a code from the app you use now), then set it up again.")
	return true
}

func (s *Server) totpStart(w http.ResponseWriter, r *http.Request, u *news.User) {
	if s.alreadyOn(w, r, u) {
		return
	}
	s.totpPage(w, r, u, auth.NewTOTPSecret(), http.StatusOK, "")
}

// totpEnable turns the second factor on once the user shows a code from the new
// secret, so that nobody is locked out by a secret their app never took. It is
// refused while a second factor is on (see alreadyOn).
func (s *Server) totpEnable(w http.ResponseWriter, r *http.Request, u *news.User) {
	if s.alreadyOn(w, r, u) {
		return
	}
	secret := r.PostForm.Get("secret")
	if _, err := auth.TOTPCode(secret, s.cfg.Now()); err != nil || len(secret) < 16 || len(secret) > 128 {
		s.fail(w, r, u, http.StatusBadRequest, "Not set up", "The form did not carry a valid key. Please start again.")
		return
	}
	step, ok := auth.CheckTOTP(secret, r.PostForm.Get("code"), s.cfg.Now(), 0)
	if !ok {
		s.totpPage(w, r, u, secret, http.StatusUnprocessableEntity, "That code is not right: check the key in your app and type the code it shows now.")
		return
	}
	// The password too: a stolen session must not put the thief's authenticator on
	// the account and lock its owner out. Guesses count as at sign-in.
	now := s.cfg.Now()
	address, account := s.addressLimit(r), s.accountLimit(u.Email)
	if ref := s.reserve(r, now, address, account); ref != nil {
		status, msg := s.tooMany(w, now, ref)
		s.totpPage(w, r, u, secret, status, msg+" Two-step sign-in stays off.")
		return
	}
	slot := s.takeSlot(w)
	if slot == nil {
		s.giveBack(r, now, address, account)
		s.totpPage(w, r, u, secret, http.StatusServiceUnavailable, "Too many password checks at once; try again in a moment. This attempt does not count.")
		return
	}
	right, err := slot.VerifyPassword(r.Context(), u.PasswordHash, r.PostForm.Get("password"))
	slot.Release()
	if err != nil {
		s.giveBack(r, now, address, account)
		s.totpPage(w, r, u, secret, http.StatusServiceUnavailable, "Too many password checks at once; try again in a moment. This attempt does not count.")
		return
	}
	if !right {
		s.totpPage(w, r, u, secret, http.StatusUnprocessableEntity, "Your password was not right, so two-step sign-in stays off.")
		return
	}
	s.succeeded(r, now, address, account)
	if err := s.store.SetTOTP(r.Context(), u.ID, secret, step); errors.Is(err, news.ErrConflict) {
		s.accountPage(w, r, u, http.StatusConflict, "Two-step sign-in is on already (set up from another page at the same time): nothing was changed. To use another app, turn it off first, with your password and a code.")
		return
	} else if err != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "Two-step sign-in could not be turned on.")
		return
	}
	s.log.Info("two-step sign-in on", "user", u.ID)
	// Its recovery codes, shown once on the page this answer leads to.
	codes, err := s.issueRecoveryCodes(r.Context(), u)
	if err != nil {
		s.log.Error("issue recovery codes", "user", u.ID, "err", err)
		s.redirectWith(w, r, "/admin/account", "Two-step sign-in is on, but its recovery codes could not be made: make them below.")
		return
	}
	s.handOverRecoveryCodes(w, r, u, codes, true)
}

// totpDisable needs the password and a current code; the guesses are limited as at
// sign-in (a stolen session must not become a way to guess the password).
func (s *Server) totpDisable(w http.ResponseWriter, r *http.Request, u *news.User) {
	now := s.cfg.Now()
	const busy = "Too many password checks at once; try again in a moment. Two-step sign-in stays on, and this attempt does not count."
	if u.TOTPSecret == "" {
		s.accountPage(w, r, u, http.StatusConflict, "Two-step sign-in is off already.")
		return
	}
	address, account, codes := s.addressLimit(r), s.accountLimit(u.Email), s.codeLimit(u)
	if ref := s.reserve(r, now, address, account, codes); ref != nil {
		status, msg := s.tooMany(w, now, ref)
		s.accountPage(w, r, u, status, msg+" Two-step sign-in stays on.")
		return
	}
	slot := s.takeSlot(w)
	if slot == nil {
		s.giveBack(r, now, address, account, codes)
		s.accountPage(w, r, u, http.StatusServiceUnavailable, busy)
		return
	}
	defer slot.Release()
	// A recovery code stands in for the app's (a lost phone); turning the factor off
	// drops every code with it.
	typed := r.PostForm.Get("code")
	var codeOK bool
	if isRecoveryCode(typed) {
		var err error
		if _, codeOK, err = s.matchRecoveryCode(r.Context(), u, typed); err != nil {
			s.giveBack(r, now, address, account, codes)
			s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "Two-step sign-in could not be turned off.")
			return
		}
	} else {
		_, codeOK = auth.CheckTOTP(u.TOTPSecret, typed, now, u.TOTPLastStep)
	}
	right, err := slot.VerifyPassword(r.Context(), u.PasswordHash, r.PostForm.Get("password"))
	if err != nil {
		s.giveBack(r, now, address, account, codes)
		s.accountPage(w, r, u, http.StatusServiceUnavailable, busy)
		return
	}
	if !right || !codeOK {
		s.accountPage(w, r, u, http.StatusUnprocessableEntity, "The password or the code was not right, so two-step sign-in stays on.")
		return
	}
	s.succeeded(r, now, address, account, codes)
	if err := s.store.SetTOTP(r.Context(), u.ID, "", 0); err != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "Two-step sign-in could not be turned off.")
		return
	}
	s.log.Info("two-step sign-in off", "user", u.ID)
	s.redirectWith(w, r, "/admin/account", "Two-step sign-in is off.")
}
