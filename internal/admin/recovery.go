package admin

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"broadsheet/internal/auth"
	"broadsheet/internal/news"
)

// Recovery codes of two-step sign-in, and its reset by an administrator: what a person
// who lost their phone has left. Ten single-use codes are issued when two-step
// sign-in is turned on, shown once (with a file to keep and a page to print), and
// stored only as keyed hashes (auth.RecoveryCodeHash); each stands in once for a code
// from the app at sign-in, or when turning two-step sign-in off. A new set (the
// password again) replaces the old one. An administrator may turn another user's
// two-step sign-in off from the Users screen (with their own password), and the shell
// with `broadsheet user reset-totp`.

// recoveryFewLeft is when the account page warns that the codes are running out.
const recoveryFewLeft = 3

// recoveryBody is the page that shows a new set of codes, the only time they show.
type recoveryBody struct {
	Codes    []string
	Download template.URL // the codes as a text file, a data: address
	Filename string
	First    bool // issued as two-step sign-in was turned on
}

// recoveryState is what the account page says of the codes.
type recoveryState struct {
	Left, Issued int
	Few          bool
}

// issueRecoveryCodes makes a new set of codes for u, stores their hashes in place of
// any earlier set, and returns them as they are shown.
func (s *Server) issueRecoveryCodes(ctx context.Context, u *news.User) ([]string, error) {
	codes := auth.NewRecoveryCodes(news.RecoveryCodeCount)
	hashes := make([]string, len(codes))
	for i, c := range codes {
		n, _ := auth.NormalRecoveryCode(c)
		hashes[i] = auth.RecoveryCodeHash(s.secret, u.ID, n)
	}
	if err := s.store.SetRecoveryCodes(ctx, u.ID, hashes); err != nil {
		return nil, err
	}
	return codes, nil
}

// matchRecoveryCode returns the hash of the stored, unused recovery code of u that
// typed is, if any. Every stored hash is compared, in constant time, whether or not an
// earlier one matched, so that the time taken says nothing of which matched.
func (s *Server) matchRecoveryCode(ctx context.Context, u *news.User, typed string) (hash string, ok bool, err error) {
	code, looks := auth.NormalRecoveryCode(typed)
	if !looks {
		return "", false, nil
	}
	unused, _, err := s.store.RecoveryCodes(ctx, u.ID)
	if err != nil {
		return "", false, err
	}
	want := auth.RecoveryCodeHash(s.secret, u.ID, code)
	for _, h := range unused {
		if hmac.Equal([]byte(h), []byte(want)) {
			ok = true
		}
	}
	return want, ok, nil
}

// isRecoveryCode tells a recovery code from an app's code by its shape.
func isRecoveryCode(typed string) bool {
	_, ok := auth.NormalRecoveryCode(typed)
	return ok
}

func (s *Server) recoveryState(ctx context.Context, u *news.User) recoveryState {
	if u.TOTPSecret == "" {
		return recoveryState{}
	}
	unused, issued, err := s.store.RecoveryCodes(ctx, u.ID)
	if err != nil {
		s.log.Error("read recovery codes", "user", u.ID, "err", err)
	}
	return recoveryState{Left: len(unused), Issued: issued, Few: len(unused) <= recoveryFewLeft}
}

// New recovery codes are shown on the page a POST redirects to (so that reloading it
// sends nothing again), and only once: the POST hands them to that page in a cookie,
// sealed (AES-256-GCM under a key derived from the site's secret, bound to the user
// and the session) and scoped to that page's path for ten minutes; the page shows them
// and deletes the cookie. The server keeps no plain code anywhere, not even briefly.
const (
	recoveryCookie = "broadsheet_recovery_codes"
	recoveryPath   = "/admin/account/recovery-codes"
	recoveryShowBy = 10 * time.Minute
)

func (s *Server) recoveryAEAD() cipher.AEAD {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("recovery-codes-handover"))
	block, _ := aes.NewCipher(m.Sum(nil)) // a 32-byte key: AES-256, no error
	aead, _ := cipher.NewGCM(block)
	return aead
}

// recoveryBinding is the sealed codes' additional data: whose they are, in which session.
func (s *Server) recoveryBinding(r *http.Request, u *news.User) []byte {
	return []byte(strconv.FormatInt(u.ID, 10) + "\x00" + s.sessionHash(r))
}

// handOverRecoveryCodes sends the browser to the page that shows the codes once.
func (s *Server) handOverRecoveryCodes(w http.ResponseWriter, r *http.Request, u *news.User, codes []string, first bool) {
	aead := s.recoveryAEAD()
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	plain := "0"
	if first {
		plain = "1"
	}
	plain += "\n" + strings.Join(codes, "\n")
	sealed := aead.Seal(nonce, nonce, []byte(plain), s.recoveryBinding(r, u))
	http.SetCookie(w, &http.Cookie{Name: recoveryCookie, Value: base64.RawURLEncoding.EncodeToString(sealed), Path: recoveryPath,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: strings.HasPrefix(s.cfg.BaseURL, "https://"), MaxAge: int(recoveryShowBy / time.Second)})
	http.Redirect(w, r, recoveryPath, http.StatusSeeOther)
}

// recoveryCodesPage shows the codes handed over by the POST before it, once.
func (s *Server) recoveryCodesPage(w http.ResponseWriter, r *http.Request, u *news.User) {
	var codes []string
	var first bool
	if c, err := r.Cookie(recoveryCookie); err == nil {
		http.SetCookie(w, &http.Cookie{Name: recoveryCookie, Value: "", Path: recoveryPath, MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
		sealed, _ := base64.RawURLEncoding.DecodeString(c.Value)
		aead := s.recoveryAEAD()
		if len(sealed) > aead.NonceSize() {
			if plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], s.recoveryBinding(r, u)); err == nil {
				lines := strings.Split(string(plain), "\n")
				first, codes = lines[0] == "1", lines[1:]
			}
		}
	}
	if len(codes) == 0 || u.TOTPSecret == "" {
		s.accountPage(w, r, u, http.StatusGone, "Recovery codes are shown only once, just after they are made. If you did not save yours, make new ones below (the old ones then stop working).")
		return
	}
	settings, _ := s.store.Settings(r.Context())
	site := siteTitle(settings)
	host := news.SiteHost(s.cfg.BaseURL)
	if host == "" {
		host = "broadsheet"
	}
	var text strings.Builder
	fmt.Fprintf(&text, "Recovery codes of two-step sign-in\r\n%s admin, %s\r\nMade %s\r\n\r\n", site, u.Email, s.cfg.Now().UTC().Format("2 January 2006, 15:04 UTC"))
	fmt.Fprintf(&text, "Each code works once, in place of a code from your authenticator app.\r\nMaking new codes stops these from working.\r\n\r\n")
	for _, c := range codes {
		text.WriteString(c + "\r\n")
	}
	body := recoveryBody{Codes: codes, First: first, Filename: host + "-recovery-codes.txt",
		Download: template.URL("data:text/plain;charset=utf-8," + url.PathEscape(text.String()))}
	title := "Your new recovery codes"
	if first {
		title = "Two-step sign-in is on: save your recovery codes"
	}
	s.render(w, r, http.StatusOK, "recovery", &page{Title: title, SiteTitle: site, Nav: "account", User: u, CSRF: s.csrfToken(r), Body: body})
}

// newRecoveryCodes replaces the user's recovery codes by a new set, after the
// password, its guesses limited as at sign-in (a stolen session must not be able to
// take the codes that would let it in again).
func (s *Server) newRecoveryCodes(w http.ResponseWriter, r *http.Request, u *news.User) {
	now := s.cfg.Now()
	const busy = "Too many password checks at once; try again in a moment. Your recovery codes were not changed, and this attempt does not count."
	if u.TOTPSecret == "" {
		s.accountPage(w, r, u, http.StatusConflict, "Two-step sign-in is off, so there are no recovery codes to replace.")
		return
	}
	address, account := s.addressLimit(r), s.accountLimit(u.Email)
	if ref := s.reserve(r, now, address, account); ref != nil {
		status, msg := s.tooMany(w, now, ref)
		s.accountPage(w, r, u, status, msg+" Your recovery codes were not changed.")
		return
	}
	slot := s.takeSlot(w)
	if slot == nil {
		s.giveBack(r, now, address, account)
		s.accountPage(w, r, u, http.StatusServiceUnavailable, busy)
		return
	}
	right, err := slot.VerifyPassword(r.Context(), u.PasswordHash, r.PostForm.Get("password"))
	slot.Release()
	if err != nil {
		s.giveBack(r, now, address, account)
		s.accountPage(w, r, u, http.StatusServiceUnavailable, busy)
		return
	}
	if !right {
		s.accountPage(w, r, u, http.StatusUnprocessableEntity, "Your password was not right, so your recovery codes were not changed.")
		return
	}
	s.succeeded(r, now, address, account)
	codes, err := s.issueRecoveryCodes(r.Context(), u)
	if errors.Is(err, news.ErrConflict) {
		s.accountPage(w, r, u, http.StatusConflict, "Two-step sign-in was turned off meanwhile, so no recovery codes were made.")
		return
	} else if err != nil {
		s.log.Error("new recovery codes", "user", u.ID, "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "New recovery codes could not be made; your old ones still work.")
		return
	}
	s.log.Info("new recovery codes", "user", u.ID)
	s.handOverRecoveryCodes(w, r, u, codes, false)
}

// resetBody is the confirmation page of an administrator's reset.
type resetBody struct {
	Target *news.User
}

// targetUser reads the user of the address's {id}; nil after answering when there is none.
func (s *Server) targetUser(w http.ResponseWriter, r *http.Request, u *news.User) *news.User {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var target *news.User
	if err == nil {
		target, err = s.store.User(r.Context(), id)
	}
	if err != nil {
		s.fail(w, r, u, http.StatusNotFound, "No such user", "That account does not exist.")
		return nil
	}
	return target
}

// refuseOwnReset sends an administrator who would reset their own two-step sign-in
// to "Your account": there, turning it off takes the password and a code (from the app
// or a recovery code), so that a session left open is not enough to remove it.
func (s *Server) refuseOwnReset(w http.ResponseWriter, r *http.Request, u, target *news.User) bool {
	if target.ID != u.ID {
		return false
	}
	s.usersPage(w, r, u, http.StatusConflict, "Your own two-step sign-in is turned off under “Your account”, with your password and a code from your app or a recovery code. Nothing was changed.", nil)
	return true
}

func (s *Server) resetTOTPPage(w http.ResponseWriter, r *http.Request, u, target *news.User, status int, msg string) {
	s.render(w, r, status, "resettotp", &page{Title: "Reset two-step sign-in of " + target.Name, Nav: "users", User: u,
		CSRF: s.csrfToken(r), Error: msg, Body: resetBody{Target: target}})
}

// confirmResetTOTP asks before an administrator turns another user's two-step
// sign-in off.
func (s *Server) confirmResetTOTP(w http.ResponseWriter, r *http.Request, u *news.User) {
	target := s.targetUser(w, r, u)
	if target == nil || s.refuseOwnReset(w, r, u, target) {
		return
	}
	if target.TOTPSecret == "" {
		s.usersPage(w, r, u, http.StatusConflict, target.Name+"’s two-step sign-in is off already: they sign in with their password alone.", nil)
		return
	}
	s.resetTOTPPage(w, r, u, target, http.StatusOK, "")
}

// resetTOTP turns another user's two-step sign-in off, for someone who lost their
// phone and their recovery codes: the secret, the codes and every session of theirs go
// in one step (news.RecoveryCodeStore.ResetTOTP), and the log says who reset whom. It
// takes the administrator's own password, its guesses limited as at sign-in, so that
// a session left open is not enough to strip the newsroom's second factors.
func (s *Server) resetTOTP(w http.ResponseWriter, r *http.Request, u *news.User) {
	target := s.targetUser(w, r, u)
	if target == nil || s.refuseOwnReset(w, r, u, target) {
		return
	}
	if target.TOTPSecret == "" {
		s.usersPage(w, r, u, http.StatusConflict, target.Name+"’s two-step sign-in is off already: they sign in with their password alone.", nil)
		return
	}
	now := s.cfg.Now()
	const busy = "Too many password checks at once; try again in a moment. Nothing was changed, and this attempt does not count."
	address, account := s.addressLimit(r), s.accountLimit(u.Email)
	if ref := s.reserve(r, now, address, account); ref != nil {
		status, msg := s.tooMany(w, now, ref)
		s.resetTOTPPage(w, r, u, target, status, msg+" Nothing was changed.")
		return
	}
	slot := s.takeSlot(w)
	if slot == nil {
		s.giveBack(r, now, address, account)
		s.resetTOTPPage(w, r, u, target, http.StatusServiceUnavailable, busy)
		return
	}
	right, err := slot.VerifyPassword(r.Context(), u.PasswordHash, r.PostForm.Get("password"))
	slot.Release()
	if err != nil {
		s.giveBack(r, now, address, account)
		s.resetTOTPPage(w, r, u, target, http.StatusServiceUnavailable, busy)
		return
	}
	if !right {
		s.resetTOTPPage(w, r, u, target, http.StatusUnprocessableEntity, "Your password was not right, so nothing was changed.")
		return
	}
	s.succeeded(r, now, address, account)
	wasOn, err := s.store.ResetTOTP(r.Context(), target.ID)
	if err != nil {
		s.log.Error("reset two-step sign-in", "user", target.ID, "by", u.ID, "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "Two-step sign-in of "+target.Name+" could not be reset; nothing was changed.")
		return
	}
	if !wasOn {
		s.usersPage(w, r, u, http.StatusConflict, target.Name+"’s two-step sign-in was turned off meanwhile: nothing more was changed.", nil)
		return
	}
	s.log.Warn("two-step sign-in reset by an administrator; the user's recovery codes and sessions ended",
		"user", target.ID, "user_name", target.Name, "by", u.ID, "by_name", u.Name)
	s.tellAccount(r.Context(), u, target, news.AccountTwoStepReset, "", "")
	s.redirectWith(w, r, "/admin/users", target.Name+"’s two-step sign-in is off, and they were signed out everywhere. They can sign in with their password alone; ask them to set it up again under “Your account”.")
}

// recoveryLeftWords says how many recovery codes are left.
func recoveryLeftWords(n int) string {
	switch n {
	case 0:
		return "no recovery codes left"
	case 1:
		return "1 recovery code left"
	}
	return strconv.Itoa(n) + " recovery codes left"
}
