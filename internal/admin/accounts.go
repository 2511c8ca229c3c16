package admin

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"broadsheet/internal/auth"
	"broadsheet/internal/news"
)

// An administrator's changes to an account (issue 8, §3): the name and the email, and a
// password reset link. There is no mail yet, so the link is shown to the administrator
// to pass on. The first administrator's setup link could not be reused: it is one
// token in the server's memory while the site has no user, for no one in particular;
// a reset link is a user's, stored (its SHA-256 only, as sessions are) so that every
// server knows it, expiring (news.PasswordResetLife) and used once (ResetPassword
// deletes it in the transaction that sets the password).

func (s *Server) routeAccounts(mux *http.ServeMux) {
	mux.Handle("GET /admin/users/{id}/edit", s.require(news.PermManageUsers, s.userEdit))
	mux.Handle("POST /admin/users/{id}/details", s.require(news.PermManageUsers, s.saveUserDetails))
	mux.Handle("POST /admin/users/{id}/reset", s.require(news.PermManageUsers, s.makeResetLink))
	mux.HandleFunc("GET /admin/reset/{token}", s.resetForm)
	mux.HandleFunc("POST /admin/reset/{token}", s.anonymousForm(s.resetPassword))
}

type userEditBody struct {
	Target      *news.User
	Name, Email string // as typed
	ResetLink   string // shown once, after it was made
	ResetUntil  time.Time
}

func (s *Server) accountOf(w http.ResponseWriter, r *http.Request, u *news.User) *news.User {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var t *news.User
	if err == nil {
		t, err = s.store.User(r.Context(), id)
	}
	if err != nil {
		s.fail(w, r, u, http.StatusNotFound, "No such user", "That account does not exist.")
		return nil
	}
	return t
}

func (s *Server) userEditPage(w http.ResponseWriter, r *http.Request, u *news.User, status int, msg string, b *userEditBody) {
	s.render(w, r, status, "useredit", &page{Title: "Account of " + b.Target.Name, Nav: "users", User: u, CSRF: s.csrfToken(r), Error: msg, Body: b})
}

func (s *Server) userEdit(w http.ResponseWriter, r *http.Request, u *news.User) {
	if t := s.accountOf(w, r, u); t != nil {
		s.userEditPage(w, r, u, http.StatusOK, "", &userEditBody{Target: t, Name: t.Name, Email: t.Email})
	}
}

// saveUserDetails renames a user and changes their email, checked and cleaned as a new
// account's are (CleanAccount); an email another account has (news.NormalEmail's
// form) is refused, with what was typed kept.
func (s *Server) saveUserDetails(w http.ResponseWriter, r *http.Request, u *news.User) {
	t := s.accountOf(w, r, u)
	if t == nil {
		return
	}
	name, email, why := accountProblem(r.PostForm.Get("name"), r.PostForm.Get("email"))
	b := &userEditBody{Target: t, Name: firstRunes(name, maxNameRunes), Email: firstRunes(email, maxEmailBytes)}
	if why != "" {
		s.userEditPage(w, r, u, http.StatusUnprocessableEntity, "Nothing was saved: "+why+".", b)
		return
	}
	if t.ID == u.ID && normalEmail(email) != normalEmail(t.Email) {
		// One's own email is what one signs in with: like one's password (Your account),
		// it changes only with the current password, so that whoever holds this session
		// (a browser left open, a stolen cookie) cannot take the sign-in away from its
		// owner.
		if status, msg := s.confirmOwnPassword(w, r, u); msg != "" {
			s.userEditPage(w, r, u, status, msg+" Your email was not changed.", b)
			return
		}
	}
	switch err := s.store.SetNameEmail(r.Context(), t.ID, name, email); {
	case errors.Is(err, news.ErrConflict):
		s.userEditPage(w, r, u, http.StatusConflict, "Nothing was saved: another account has the email "+email+".", b)
		return
	case errors.Is(err, news.ErrNotFound):
		s.fail(w, r, u, http.StatusNotFound, "No such user", "That account does not exist.")
		return
	case err != nil:
		s.log.Error("change user details", "user", t.ID, "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The account could not be changed.")
		return
	}
	s.log.Info("user details changed", "user", t.ID, "by", u.ID)
	if email != t.Email {
		s.tellAccount(r.Context(), u, t, news.AccountEmailChanged, t.Email, email)
	}
	if name != t.Name {
		s.tellAccount(r.Context(), u, t, news.AccountNameChanged, t.Name, name)
	}
	s.redirectWith(w, r, "/admin/users/"+strconv.FormatInt(t.ID, 10)+"/edit", name+" saved.")
}

// makeResetLink makes a user's one-time password reset link (replacing any earlier
// one) and shows it, once, to the administrator: it is in no address the browser
// keeps and in no log.
func (s *Server) makeResetLink(w http.ResponseWriter, r *http.Request, u *news.User) {
	t := s.accountOf(w, r, u)
	if t == nil {
		return
	}
	if t.ID == u.ID {
		// One's own password changes under "Your account", with the current password: a
		// link would let whoever holds this session (a browser left open, a stolen
		// cookie) choose a new password without it, and lock its owner out.
		s.log.Info("own password reset link refused", "user", u.ID)
		s.userEditPage(w, r, u, http.StatusConflict, "Your own password is changed under “Your account”, with your current password; no reset link is made for it.", &userEditBody{Target: t, Name: t.Name, Email: t.Email})
		return
	}
	if t.Disabled {
		s.userEditPage(w, r, u, http.StatusConflict, "This account is disabled: enable it first, then make a reset link.", &userEditBody{Target: t, Name: t.Name, Email: t.Email})
		return
	}
	token, hash := auth.NewToken()
	now := s.cfg.Now()
	pr := news.PasswordReset{TokenHash: hash, UserID: t.ID, CreatedBy: u.ID, CreatedAt: now, ExpiresAt: now.Add(news.PasswordResetLife)}
	if err := s.store.CreatePasswordReset(r.Context(), pr); err != nil {
		s.log.Error("password reset link", "user", t.ID, "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The reset link could not be made.")
		return
	}
	s.log.Info("password reset link made", "user", t.ID, "by", u.ID)
	s.tellAccount(r.Context(), u, t, news.AccountResetLinkMade, "", "")
	s.userEditPage(w, r, u, http.StatusOK, "", &userEditBody{Target: t, Name: t.Name, Email: t.Email,
		ResetLink: s.cfg.BaseURL + "/admin/reset/" + token, ResetUntil: pr.ExpiresAt})
}

// confirmOwnPassword checks the password u typed in the form's "current" field, its
// guesses limited as at sign-in; msg says why it was not accepted ("" when it was).
func (s *Server) confirmOwnPassword(w http.ResponseWriter, r *http.Request, u *news.User) (status int, msg string) {
	now := s.cfg.Now()
	address, account := s.addressLimit(r), s.accountLimit(u.Email)
	if ref := s.reserve(r, now, address, account); ref != nil {
		return s.tooMany(w, now, ref)
	}
	slot := s.takeSlot(w)
	if slot == nil {
		s.giveBack(r, now, address, account)
		return http.StatusServiceUnavailable, "Too many password checks at once; try again in a moment (this attempt does not count)."
	}
	right, err := slot.VerifyPassword(r.Context(), u.PasswordHash, r.PostForm.Get("current"))
	slot.Release()
	switch {
	case err != nil:
		s.giveBack(r, now, address, account)
		return http.StatusServiceUnavailable, "Too many password checks at once; try again in a moment (this attempt does not count)."
	case !right:
		return http.StatusUnprocessableEntity, "To change your own email, type your current password: it was missing or not right."
	}
	s.succeeded(r, now, address, account)
	return 0, ""
}

type passwordResetBody struct {
	Name  string
	Token string
}

// resetForm is the page of a reset link: the form for a new password, or why the link
// does not work.
func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer") // the token is in the address
	pr, err := s.store.PasswordReset(r.Context(), auth.HashToken(r.PathValue("token")), s.cfg.Now())
	if err != nil {
		s.deadResetLink(w, r)
		return
	}
	t, err := s.store.User(r.Context(), pr.UserID)
	if err != nil {
		s.deadResetLink(w, r)
		return
	}
	s.render(w, r, http.StatusOK, "resetpassword", &page{Title: "Choose a new password", Body: passwordResetBody{Name: t.Name, Token: r.PathValue("token")}})
}

func (s *Server) deadResetLink(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, nil, http.StatusNotFound, "This link does not work",
		"This password reset link does not work: it was used already, it has expired (a link works for a day), a newer one replaced it, or it was copied incompletely. Ask an administrator for a new one.")
}

// resetPassword sets the new password from a reset link and ends every session of the
// user; the link is used once. Failures count against the address's sign-in limit.
func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	token := r.PathValue("token")
	now := s.cfg.Now()
	address := s.addressLimit(r)
	if ref := s.reserve(r, now, address); ref != nil {
		status, msg := s.tooMany(w, now, ref)
		s.fail(w, r, nil, status, "Too many attempts", msg+" Your password was not changed.")
		return
	}
	pr, err := s.store.PasswordReset(r.Context(), auth.HashToken(token), now)
	if err != nil {
		s.deadResetLink(w, r)
		return
	}
	t, err := s.store.User(r.Context(), pr.UserID)
	if err != nil {
		s.deadResetLink(w, r)
		return
	}
	again := func(status int, msg string) {
		s.render(w, r, status, "resetpassword", &page{Title: "Choose a new password", Error: msg, Body: passwordResetBody{Name: t.Name, Token: token}})
	}
	slot := s.takeSlot(w)
	if slot == nil {
		s.giveBack(r, now, address)
		again(http.StatusServiceUnavailable, "Too many password checks at once; try again in a moment. Your password was not changed.")
		return
	}
	defer slot.Release()
	hash, err := slot.HashPassword(r.Context(), r.PostForm.Get("password"))
	if err != nil {
		s.giveBack(r, now, address)
		again(http.StatusUnprocessableEntity, "Please choose another password: "+err.Error()+". Your password was not changed.")
		return
	}
	if _, err := s.store.ResetPassword(r.Context(), auth.HashToken(token), hash, now); err != nil {
		if errors.Is(err, news.ErrNotFound) {
			s.deadResetLink(w, r)
			return
		}
		s.log.Error("reset password", "user", t.ID, "err", err)
		s.fail(w, r, nil, http.StatusInternalServerError, "Something went wrong", "Your password could not be changed.")
		return
	}
	s.succeeded(r, now, address)
	s.log.Info("password reset", "user", t.ID, "link_by", pr.CreatedBy)
	// The person is told whose link it was ("an administrator" when that account is
	// gone); their own link, used by them, tells them nothing.
	maker := &news.User{ID: pr.CreatedBy}
	if m, err := s.store.User(r.Context(), pr.CreatedBy); err == nil {
		maker = m
	}
	s.tellAccount(r.Context(), maker, t, news.AccountPasswordReset, "", "")
	http.Redirect(w, r, "/admin/login?reset=1", http.StatusSeeOther)
}
