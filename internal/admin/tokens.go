package admin

import (
	"errors"
	"net/http"
	"strconv"

	"time"

	"broadsheet/internal/news"
)

// API tokens (issue 9, item 8), for administrators (news.PermManageUsers, as a token
// acts as its administrator's account: news.APIToken): made with a name, a role that
// caps what the token may do and an optional expiry; the secret is shown once, in the
// one-time message (sealed, bound to the session, never in the address), and only its
// SHA-256 is kept; revoked for good; listed with their last use and expiry.

type tokensBody struct {
	Tokens   []tokenView
	Roles    []news.Role
	Expiries []expiryChoice
	Name     string
	Role     news.Role
	Expiry   string
}

type tokenView struct {
	*news.APIToken
	By      string // the administrator's name
	Expired bool
}

type expiryChoice struct {
	Value, Label string
}

// tokenExpiries are the expiries offered, in days ("" never).
var tokenExpiries = []expiryChoice{{"7", "In 7 days"}, {"30", "In 30 days"}, {"90", "In 90 days"}, {"365", "In a year"}, {"", "Never"}}

func (s *Server) routeTokens(mux *http.ServeMux) {
	mux.Handle("GET /admin/tokens", s.require(news.PermManageUsers, s.tokens))
	mux.Handle("POST /admin/tokens", s.require(news.PermManageUsers, s.addToken))
	mux.Handle("POST /admin/tokens/{id}/revoke", s.require(news.PermManageUsers, s.revokeToken))
}

func (s *Server) tokens(w http.ResponseWriter, r *http.Request, u *news.User) {
	s.tokensPage(w, r, u, http.StatusOK, &tokensBody{Role: news.RoleEditor, Expiry: "90"}, "")
}

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request, u *news.User, status int, body *tokensBody, msg string) {
	ctx := r.Context()
	toks, err := s.store.APITokens(ctx)
	if err != nil {
		s.log.Error("read API tokens", "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The API tokens could not be read.")
		return
	}
	users, err := s.store.Users(ctx)
	if err != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The users could not be read.")
		return
	}
	names := map[int64]string{}
	for _, x := range users {
		names[x.ID] = x.Name
	}
	now := s.cfg.Now()
	for _, t := range toks {
		body.Tokens = append(body.Tokens, tokenView{APIToken: t, By: names[t.CreatedBy], Expired: !t.Revoked && !t.Usable(now)})
	}
	body.Roles, body.Expiries = news.Roles, tokenExpiries
	settings, _ := s.store.Settings(ctx)
	s.render(w, r, status, "tokens", &page{Title: "API tokens", Nav: "tokens", User: u, CSRF: s.csrfToken(r),
		SiteTitle: siteTitle(settings), Error: msg, Body: body})
}

func (s *Server) addToken(w http.ResponseWriter, r *http.Request, u *news.User) {
	f := r.PostForm
	name, _ := news.CleanLine(f.Get("name"))
	body := &tokensBody{Name: firstRunes(name, news.MaxAPITokenName), Role: news.Role(f.Get("role")), Expiry: f.Get("expiry")}
	refuse := func(msg string) {
		s.tokensPage(w, r, u, http.StatusUnprocessableEntity, body, msg+" No token was made.")
	}
	if !news.Visible(name) || len(name) > news.MaxAPITokenName {
		refuse("Give the token a name (at most " + strconv.Itoa(news.MaxAPITokenName) + " bytes) that says what uses it.")
		return
	}
	if !body.Role.Valid() {
		refuse("Choose one of the roles.")
		return
	}
	var expires time.Time
	if body.Expiry != "" {
		days, err := strconv.Atoi(body.Expiry)
		if err != nil || days < 1 || days > 366 {
			refuse("Choose one of the expiries.")
			return
		}
		expires = s.cfg.Now().Add(time.Duration(days) * 24 * time.Hour)
	}
	secret, hash, err := news.NewAPITokenSecret()
	if err != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The token could not be made.")
		return
	}
	t := &news.APIToken{Name: name, Role: body.Role, CreatedBy: u.ID, ExpiresAt: expires, Hash: hash}
	if err := s.store.CreateAPIToken(r.Context(), t); err != nil {
		if errors.Is(err, news.ErrInvalid) {
			refuse(invalidMessage(err))
			return
		}
		s.log.Error("make an API token", "by", u.ID, "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The token could not be made.")
		return
	}
	s.log.Info("API token made", "by", u.ID, "token", t.ID, "role", t.Role)
	// The secret is shown this once, in the one-time message: only its hash is kept.
	s.redirectWith(w, r, "/admin/tokens#token-"+strconv.FormatInt(t.ID, 10),
		"Token “"+name+"” made. Its secret, shown only this once — copy it now into what will use it: "+secret)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, u *news.User) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err == nil && id > 0 {
		err = s.store.RevokeAPIToken(r.Context(), id)
	} else {
		err = news.ErrNotFound
	}
	if errors.Is(err, news.ErrNotFound) {
		s.fail(w, r, u, http.StatusNotFound, "No such token", "That API token does not exist.")
		return
	} else if err != nil {
		s.log.Error("revoke an API token", "by", u.ID, "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The token could not be revoked.")
		return
	}
	s.log.Info("API token revoked", "by", u.ID, "token", id)
	s.redirectWith(w, r, "/admin/tokens#token-"+strconv.FormatInt(id, 10), "Token revoked: it no longer works, from its next request.")
}
