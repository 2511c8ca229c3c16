package admin

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"broadsheet/internal/auth"
	"broadsheet/internal/news"
)

type settingField struct {
	Key, Label, Kind, Value, Help string
	Options                       []string
}

var settingForms = map[string]struct{ label, kind string }{
	news.SettingTitle:             {"Site title", "text"},
	news.SettingTagline:           {"Tagline", "text"},
	news.SettingLanguage:          {"Language", "text"},
	news.SettingPerPage:           {"Articles per page", "number"},
	news.SettingTimezone:          {"Time zone", "text"},
	news.SettingSocialLinks:       {"Follow links", "textarea"},
	news.SettingCommentsCloseDays: {"Close comments after (days)", "number"},
	news.SettingCommentModeration: {"Comment moderation", "select"},
	news.SettingCommentMaxLinks:   {"Most links in a comment before moderation", "number"},
	news.SettingCommentsClosed:    {"Close comments site-wide", "select"},
	news.SettingLogo:              {"Logo address", "text"},
}

func settingFields(values func(key string) string) []settingField {
	var out []settingField
	for _, k := range news.SettingKeys {
		f := settingForms[k.Key]
		sf := settingField{Key: k.Key, Label: f.label, Kind: f.kind, Value: values(k.Key), Help: k.Help}
		if f.kind == "select" {
			sf.Options = []string{"first", "all", "none"}
			if k.Key == news.SettingCommentsClosed {
				sf.Options = []string{"no", "yes"}
			}
		}
		out = append(out, sf)
	}
	return out
}

func (s *Server) settingsForm(w http.ResponseWriter, r *http.Request, u *news.User) {
	stored, err := s.store.Settings(r.Context())
	if err != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The settings could not be read.")
		return
	}
	p := &page{Title: "Settings", Nav: "settings", User: u, CSRF: s.csrfToken(r), Flash: r.URL.Query().Get("done"),
		Body: settingFields(func(k string) string { return news.Setting(stored, k) })}
	s.render(w, r, http.StatusOK, "settings", p)
}

// saveSettings checks every value before it stores any; a refused form comes back
// with what was typed.
func (s *Server) saveSettings(w http.ResponseWriter, r *http.Request, u *news.User) {
	stored, err := s.store.Settings(r.Context())
	if err != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The settings could not be read.")
		return
	}
	changes := map[string]string{}
	for _, k := range news.SettingKeys {
		if v, ok := r.PostForm[k.Key]; ok {
			changes[k.Key] = strings.ReplaceAll(strings.TrimSpace(v[0]), "\r\n", "\n")
		}
	}
	if err := news.CheckSettings(stored, changes); err != nil {
		p := &page{Title: "Settings", Nav: "settings", User: u, CSRF: s.csrfToken(r), Error: "Nothing was saved: " + err.Error() + ".",
			Body: settingFields(func(k string) string {
				if v, ok := changes[k]; ok {
					return v
				}
				return news.Setting(stored, k)
			})}
		s.render(w, r, http.StatusUnprocessableEntity, "settings", p)
		return
	}
	if err := s.store.SetSettings(r.Context(), changes); err != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The settings could not be saved.")
		return
	}
	s.sync(r)
	s.log.Info("settings changed", "by", u.ID)
	http.Redirect(w, r, "/admin/settings?done=Settings+saved.", http.StatusSeeOther)
}

func (s *Server) sync(r *http.Request) {
	if err := s.site.Sync(r.Context()); err != nil {
		s.log.Error("apply a change to the page cache", "err", err)
	}
}

type usersBody struct {
	Users []*news.User
	Roles []news.Role
	New   struct {
		Name, Email string
		Role        news.Role
	}
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, u *news.User, status int, errMsg string, body *usersBody) {
	users, err := s.store.Users(r.Context())
	if err != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The users could not be read.")
		return
	}
	if body == nil {
		body = &usersBody{}
		body.New.Role = news.RoleContributor
	}
	body.Users, body.Roles = users, news.Roles
	s.render(w, r, status, "users", &page{Title: "Users", Nav: "users", User: u, CSRF: s.csrfToken(r), Error: errMsg,
		Flash: r.URL.Query().Get("done"), Body: body})
}

func (s *Server) users(w http.ResponseWriter, r *http.Request, u *news.User) {
	s.usersPage(w, r, u, http.StatusOK, "", nil)
}

func (s *Server) addUser(w http.ResponseWriter, r *http.Request, u *news.User) {
	body := &usersBody{}
	body.New.Name, body.New.Email = strings.TrimSpace(r.PostForm.Get("name")), strings.TrimSpace(r.PostForm.Get("email"))
	body.New.Role = news.Role(r.PostForm.Get("role"))
	refuse := func(msg string) { s.usersPage(w, r, u, http.StatusUnprocessableEntity, msg, body) }
	if body.New.Name == "" || !strings.Contains(body.New.Email, "@") || !body.New.Role.Valid() {
		refuse("Please give a name, a valid email address and a role.")
		return
	}
	hash, err := auth.HashPassword(r.PostForm.Get("password"))
	if err != nil {
		refuse("Please choose another password: " + err.Error() + ".")
		return
	}
	nu := &news.User{Name: body.New.Name, Email: body.New.Email, Role: body.New.Role, PasswordHash: hash}
	if err := s.store.CreateUser(r.Context(), nu); err != nil {
		if errors.Is(err, news.ErrConflict) {
			refuse("There is already an account with that email address.")
			return
		}
		refuse("The account could not be created.")
		return
	}
	s.log.Info("user added", "user", nu.ID, "role", nu.Role, "by", u.ID)
	http.Redirect(w, r, "/admin/users?done="+strings.ReplaceAll(fmt.Sprintf("%s added as %s.", nu.Name, nu.Role), " ", "+"), http.StatusSeeOther)
}

// updateUser changes a user's role or access. The last active administrator cannot
// be demoted or disabled, so that the site always has someone to run it (the store
// checks it in the same step as the change, so two administrators demoting each other
// at once cannot both succeed); disabling a user ends their sessions.
func (s *Server) updateUser(w http.ResponseWriter, r *http.Request, u *news.User) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	role := news.Role(r.PostForm.Get("role"))
	if err != nil || !role.Valid() {
		s.fail(w, r, u, http.StatusBadRequest, "Unknown role", "A user is a contributor, an author, an editor or an administrator.")
		return
	}
	target, err := s.store.User(r.Context(), id)
	if err != nil {
		s.fail(w, r, u, http.StatusNotFound, "No such user", "That account does not exist.")
		return
	}
	disabled := r.PostForm.Get("disabled") == "1"
	switch err := s.store.SetAccess(r.Context(), target.ID, role, disabled); {
	case errors.Is(err, news.ErrConflict):
		s.usersPage(w, r, u, http.StatusConflict, "Nothing was changed: "+target.Name+" is the only active administrator. Make someone else an administrator first.", nil)
		return
	case errors.Is(err, news.ErrNotFound):
		s.fail(w, r, u, http.StatusNotFound, "No such user", "That account does not exist.")
		return
	case err != nil:
		s.log.Error("change user", "user", target.ID, "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The account could not be changed.")
		return
	}
	s.log.Info("user changed", "user", target.ID, "role", role, "disabled", disabled, "by", u.ID)
	http.Redirect(w, r, "/admin/users?done="+strings.ReplaceAll(target.Name+" saved.", " ", "+"), http.StatusSeeOther)
}

type sessionLine struct {
	Agent, Since, Seen string
	Current            bool
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, u *news.User, status int, errMsg string) {
	now := s.cfg.Now()
	sessions, _ := s.store.UserSessions(r.Context(), u.ID, now)
	current := ""
	if c, err := r.Cookie(cookieName); err == nil {
		current = auth.HashToken(c.Value)
	}
	var lines []sessionLine
	for _, ss := range sessions {
		if !now.Before(sessionEnd(ss)) {
			continue // ended unused; kept a while only for a late save (KeepAfterEnd)
		}
		agent := ss.UserAgent
		if agent == "" {
			agent = "A browser"
		}
		lines = append(lines, sessionLine{agent, ss.CreatedAt.Format("2 Jan 2006 15:04"), ss.LastSeen.Format("2 Jan 2006 15:04"), ss.TokenHash == current})
	}
	s.render(w, r, status, "account", &page{Title: "Your account", Nav: "account", User: u, CSRF: s.csrfToken(r), Error: errMsg,
		Flash: r.URL.Query().Get("done"), Body: lines})
}

func (s *Server) account(w http.ResponseWriter, r *http.Request, u *news.User) {
	s.accountPage(w, r, u, http.StatusOK, "")
}

// changePassword needs the current password, its guesses limited as at sign-in (a
// stolen session must not become a way to guess it), and signs out every other
// session in the same step as the change.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, u *news.User) {
	now := s.cfg.Now()
	address, account := s.addressLimit(r), s.accountLimit(u.Email)
	if wait, err := s.reserve(r, now, address, account); wait > 0 || err != nil {
		status, msg := s.tooMany(w, wait, err)
		s.accountPage(w, r, u, status, msg+" Your password was not changed.")
		return
	}
	if !auth.VerifyPassword(u.PasswordHash, r.PostForm.Get("current")) {
		s.accountPage(w, r, u, http.StatusUnprocessableEntity, "Your current password was not right, so nothing was changed.")
		return
	}
	s.succeeded(r, now, address, account)
	hash, err := auth.HashPassword(r.PostForm.Get("new"))
	if err != nil {
		s.accountPage(w, r, u, http.StatusUnprocessableEntity, "Please choose another password: "+err.Error()+".")
		return
	}
	if err := s.store.SetPassword(r.Context(), u.ID, hash, s.sessionHash(r)); err != nil {
		s.log.Error("change password", "user", u.ID, "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The password could not be changed.")
		return
	}
	s.log.Info("password changed", "user", u.ID)
	http.Redirect(w, r, "/admin/account?done=Password+changed;+your+other+sessions+were+signed+out.", http.StatusSeeOther)
}

// sessionHash is the store's name of the request's session ("" without a cookie).
func (s *Server) sessionHash(r *http.Request) string {
	if c, err := r.Cookie(cookieName); err == nil && c.Value != "" {
		return auth.HashToken(c.Value)
	}
	return ""
}

func (s *Server) endOtherSessions(w http.ResponseWriter, r *http.Request, u *news.User) {
	if err := s.store.DeleteUserSessions(r.Context(), u.ID, s.sessionHash(r)); err != nil {
		s.log.Error("sign out everywhere", "user", u.ID, "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "Your other sessions could not be signed out. Please try again.")
		return
	}
	http.Redirect(w, r, "/admin/account?done=Signed+out+everywhere+else.", http.StatusSeeOther)
}
