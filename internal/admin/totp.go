package admin

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
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

// pendingToken vouches, for a few minutes, that the user gave the right password and
// owes only the code.
func (s *Server) pendingToken(u *news.User, now time.Time) string {
	msg := fmt.Sprintf("%d.%d", u.ID, now.Add(pendingTTL).Unix())
	return msg + "." + s.sign("totp-pending", msg)
}

func (s *Server) sign(purpose, msg string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(purpose + "\x00" + msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *Server) checkPending(token string, now time.Time) (int64, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || !hmac.Equal([]byte(s.sign("totp-pending", parts[0]+"."+parts[1])), []byte(parts[2])) {
		return 0, false
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	exp, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || now.Unix() > exp {
		return 0, false
	}
	return id, true
}

func (s *Server) askCode(w http.ResponseWriter, r *http.Request, u *news.User, next string, status int, msg string) {
	s.render(w, r, status, "login", &page{Title: "Sign in: the code", Error: msg,
		Body: loginBody{CodeStep: true, Pending: s.pendingToken(u, s.cfg.Now()), Next: next}})
}

// loginCode is the second step of a sign-in with two-step sign-in on. Like the
// password, a code is reserved on the limits (the account's codes, the address) before
// it is checked; then using it is one atomic step in the store, so that a code sent on
// two requests at once signs in only one.
func (s *Server) loginCode(w http.ResponseWriter, r *http.Request) {
	now := s.cfg.Now()
	next := safeNext(r.PostForm.Get("next"))
	id, ok := s.checkPending(r.PostForm.Get("pending"), now)
	if !ok {
		s.render(w, r, http.StatusUnauthorized, "login", &page{Title: "Sign in", Action: "/admin/login",
			Error: "That took too long: please sign in again.", Body: loginBody{Next: next}})
		return
	}
	u, err := s.store.User(r.Context(), id)
	if err != nil || u.Disabled || u.TOTPSecret == "" {
		s.render(w, r, http.StatusUnauthorized, "login", &page{Title: "Sign in", Action: "/admin/login", Error: "Please sign in again.", Body: loginBody{Next: next}})
		return
	}
	address, codes := s.addressLimit(r), s.codeLimit(u)
	if wait, err := s.reserve(r, now, address, codes); wait > 0 || err != nil {
		status, msg := s.tooMany(w, wait, err)
		s.askCode(w, r, u, next, status, msg)
		return
	}
	step, ok := auth.CheckTOTP(u.TOTPSecret, r.PostForm.Get("code"), now, u.TOTPLastStep)
	if ok {
		if ok, err = s.store.UseTOTPStep(r.Context(), u.ID, step); err != nil {
			s.fail(w, r, nil, http.StatusInternalServerError, "Something went wrong", "You could not be signed in. Please try again.")
			return
		}
	}
	if !ok {
		s.askCode(w, r, u, next, http.StatusUnauthorized, "That code is not right (or was used already). Type the one your app shows now.")
		return
	}
	s.succeeded(r, now, address, codes)
	if err := s.startSession(w, r, u); err != nil {
		s.fail(w, r, nil, http.StatusInternalServerError, "Something went wrong", "You could not be signed in. Please try again.")
		return
	}
	s.log.Info("signed in", "user", u.ID, "second_factor", true)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

type totpSetup struct {
	Secret string
	URI    template.URL // otpauth: is not a scheme html/template lets through on its own
}

func (s *Server) totpPage(w http.ResponseWriter, r *http.Request, u *news.User, secret string, status int, msg string) {
	settings, _ := s.store.Settings(r.Context())
	issuer := settings["title"]
	if issuer == "" {
		issuer = "Broadsheet"
	}
	s.render(w, r, status, "totp", &page{Title: "Two-step sign-in", Nav: "account", User: u, CSRF: s.csrfToken(r), Error: msg,
		Body: totpSetup{Secret: secret, URI: template.URL(auth.TOTPURI(secret, issuer, u.Email))}})
}

func (s *Server) totpStart(w http.ResponseWriter, r *http.Request, u *news.User) {
	s.totpPage(w, r, u, auth.NewTOTPSecret(), http.StatusOK, "")
}

// totpEnable turns the second factor on once the user shows a code from the new
// secret, so that nobody is locked out by a secret their app never took.
func (s *Server) totpEnable(w http.ResponseWriter, r *http.Request, u *news.User) {
	secret := r.PostForm.Get("secret")
	if _, err := auth.TOTPCode(secret, s.cfg.Now()); err != nil || len(secret) < 16 {
		s.fail(w, r, u, http.StatusBadRequest, "Not set up", "The form did not carry a valid key. Please start again.")
		return
	}
	step, ok := auth.CheckTOTP(secret, r.PostForm.Get("code"), s.cfg.Now(), 0)
	if !ok {
		s.totpPage(w, r, u, secret, http.StatusUnprocessableEntity, "That code is not right: check the key in your app and type the code it shows now.")
		return
	}
	if err := s.store.SetTOTP(r.Context(), u.ID, secret, step); err != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "Two-step sign-in could not be turned on.")
		return
	}
	s.log.Info("two-step sign-in on", "user", u.ID)
	http.Redirect(w, r, "/admin/account?done=Two-step+sign-in+is+on.", http.StatusSeeOther)
}

// totpDisable needs the password and a current code; the guesses are limited as at
// sign-in (a stolen session must not become a way to guess the password).
func (s *Server) totpDisable(w http.ResponseWriter, r *http.Request, u *news.User) {
	now := s.cfg.Now()
	address, account, codes := s.addressLimit(r), s.accountLimit(u.Email), s.codeLimit(u)
	if wait, err := s.reserve(r, now, address, account, codes); wait > 0 || err != nil {
		status, msg := s.tooMany(w, wait, err)
		s.accountPage(w, r, u, status, msg+" Two-step sign-in stays on.")
		return
	}
	_, ok := auth.CheckTOTP(u.TOTPSecret, r.PostForm.Get("code"), now, u.TOTPLastStep)
	if !auth.VerifyPassword(u.PasswordHash, r.PostForm.Get("password")) || !ok {
		s.accountPage(w, r, u, http.StatusUnprocessableEntity, "The password or the code was not right, so two-step sign-in stays on.")
		return
	}
	s.succeeded(r, now, address, account, codes)
	if err := s.store.SetTOTP(r.Context(), u.ID, "", 0); err != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "Two-step sign-in could not be turned off.")
		return
	}
	s.log.Info("two-step sign-in off", "user", u.ID)
	http.Redirect(w, r, "/admin/account?done=Two-step+sign-in+is+off.", http.StatusSeeOther)
}
