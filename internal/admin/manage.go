package admin

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"broadsheet/internal/auth"
	"broadsheet/internal/news"
)

type settingField struct {
	Key, Label, Kind, Value, Help string
	Choices                       []settingOption // a select's, in words (settingsui.go)
	Groups                        []settingGroup  // the time zone's, by region
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
	news.SettingCommentsPerPage:   {"Comments per page (threads; 0: all)", "number"},
	news.SettingLogo:              {"Logo address", "text"},
	news.SettingEmptyTrashDays:    {"Delete trash and spam comments after (days)", "number"},
	news.SettingCommentTraceDays:  {"Drop comments' IP hashes and browsers after (days)", "number"},
	news.SettingEmbedHosts:        {"Embeds: more allowed hosts", "textarea"},
	news.SettingLeadArticle:       {"Front page lead", "select"},
}

// leadChoices are the front page lead's choices in words: the newest story, the 30
// newest public stories by headline, and the stored one if it is not among them (a
// story since unpublished leads again once it is public: news.Settings.LeadArticle).
func (s *Server) leadChoices(ctx context.Context, fields []settingField) []settingField {
	for i := range fields {
		f := &fields[i]
		if f.Key != news.SettingLeadArticle {
			continue
		}
		f.Choices = []settingOption{{"0", "The newest story"}}
		seen := f.Value == "0" || f.Value == ""
		arts, err := s.store.Articles(ctx, news.ArticleQuery{PublicAt: s.cfg.Now(), Limit: 30, Summaries: true})
		if err != nil {
			s.log.Warn("settings: the lead's choices", "err", err)
		}
		for _, a := range arts {
			v := strconv.FormatInt(a.ID, 10)
			seen = seen || v == f.Value
			f.Choices = append(f.Choices, settingOption{v, a.Title})
		}
		if !seen {
			label := "Story " + f.Value + " (not among the newest)"
			if id, err := strconv.ParseInt(f.Value, 10, 64); err == nil {
				if a, err := s.store.Article(ctx, id); err == nil {
					label = a.Title + " (" + string(a.Status) + ")"
				}
			}
			f.Choices = append(f.Choices, settingOption{f.Value, label})
		}
	}
	return fields
}

func settingFields(values func(key string) string) []settingField {
	var out []settingField
	for _, k := range news.SettingKeys {
		f := settingForms[k.Key]
		sf := settingField{Key: k.Key, Label: f.label, Kind: f.kind, Value: values(k.Key), Help: k.Help}
		out = append(out, withChoices(sf))
	}
	return out
}

// settingLabelled names a setting in a refusal ("setting embed_hosts: …", as the
// shell's settings command says it) by the label the form shows it under ("Embeds: more
// allowed hosts: …"): the administrator at the form never sees the keys.
func settingLabelled(msg string) string {
	rest, ok := strings.CutPrefix(msg, "setting ")
	if !ok {
		return msg
	}
	for key, f := range settingForms {
		if after, ok := strings.CutPrefix(rest, key); ok && (strings.HasPrefix(after, ":") || strings.HasPrefix(after, ",")) {
			return "“" + f.label + "”" + after
		}
	}
	return msg
}

func (s *Server) settingsForm(w http.ResponseWriter, r *http.Request, u *news.User) {
	stored, err := s.store.Settings(r.Context())
	if err != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The settings could not be read.")
		return
	}
	p := &page{Title: "Settings", Nav: "settings", User: u, CSRF: s.csrfToken(r),
		Body: s.leadChoices(r.Context(), settingFields(func(k string) string { return news.Setting(stored, k) }))}
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
			changes[k.Key] = news.NFC(strings.ReplaceAll(strings.TrimSpace(v[0]), "\r\n", "\n"))
		}
	}
	err = news.CheckSettings(stored, changes)
	if v, ok := changes[news.SettingEmbedHosts]; ok && err == nil {
		err = s.checkEmbedHosts(v)
	}
	if err != nil {
		p := &page{Title: "Settings", Nav: "settings", User: u, CSRF: s.csrfToken(r), Error: "Nothing was saved: " + settingLabelled(err.Error()) + ".",
			Body: s.leadChoices(r.Context(), settingFields(func(k string) string {
				if v, ok := changes[k]; ok {
					return v
				}
				return news.Setting(stored, k)
			}))}
		s.render(w, r, http.StatusUnprocessableEntity, "settings", p)
		return
	}
	if err := s.store.SetSettings(r.Context(), changes); err != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The settings could not be saved.")
		return
	}
	s.sync(r)
	s.log.Info("settings changed", "by", u.ID)
	s.redirectWith(w, r, "/admin/settings", "Settings saved.")
}

// checkEmbedHosts refuses the site's own host in news.SettingEmbedHosts: an embed runs
// with allow-scripts and allow-same-origin, which in a frame of the page's own origin
// would let it lift its sandbox (render.Embeds.Self; the pages never frame it anyway).
func (s *Server) checkEmbedHosts(v string) error {
	hosts, err := news.ParseEmbedHosts(v)
	if err != nil {
		return err
	}
	if self := news.SiteHost(s.cfg.BaseURL); self != "" && slices.Contains(hosts, self) {
		return fmt.Errorf("setting %s: %q is this site's own host: an article cannot embed the site's own pages", news.SettingEmbedHosts, self)
	}
	return nil
}

func (s *Server) sync(r *http.Request) {
	if err := s.site.Sync(r.Context()); err != nil {
		s.log.Error("apply a change to the page cache", "err", err)
	}
}

type usersBody struct {
	Users []*news.User
	Roles []news.Role
	// The list's filter (part of a name or email) and pages (lists.go).
	Match            string
	Total            int
	Prev, Next, Page string
	New              struct {
		Name, Email string
		Role        news.Role
	}
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, u *news.User, status int, errMsg string, body *usersBody) {
	users, pager, err := s.userPage(r)
	if err != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The users could not be read.")
		return
	}
	if body == nil {
		body = &usersBody{}
		body.New.Role = news.RoleContributor
	}
	body.Users, body.Roles = users, news.Roles
	body.Match, body.Total, body.Prev, body.Next = pager.match, pager.total, pager.prev, pager.next
	s.render(w, r, status, "users", &page{Title: "Users", Nav: "users", User: u, CSRF: s.csrfToken(r), Error: errMsg,
		Body: body})
}

func (s *Server) users(w http.ResponseWriter, r *http.Request, u *news.User) {
	s.usersPage(w, r, u, http.StatusOK, "", nil)
}

func (s *Server) addUser(w http.ResponseWriter, r *http.Request, u *news.User) {
	body := &usersBody{}
	name, email, problem := cleanAccount(r.PostForm.Get("name"), r.PostForm.Get("email"))
	body.New.Name, body.New.Email = name, email
	body.New.Role = news.Role(r.PostForm.Get("role"))
	refuse := func(status int, msg string) { s.usersPage(w, r, u, status, msg, body) }
	if problem == "" && !body.New.Role.Valid() {
		problem = "Please choose a role: contributor, author, editor or administrator. Nothing was created."
	}
	if problem != "" {
		refuse(http.StatusUnprocessableEntity, problem)
		return
	}
	slot := s.takeSlot(w)
	if slot == nil {
		refuse(http.StatusServiceUnavailable, "Too many password checks at once; try again in a moment. Nothing was created.")
		return
	}
	defer slot.Release()
	hash, err := slot.HashPassword(r.Context(), r.PostForm.Get("password"))
	if err != nil {
		refuse(http.StatusUnprocessableEntity, "Please choose another password: "+err.Error()+".")
		return
	}
	nu := &news.User{Name: body.New.Name, Email: body.New.Email, Role: body.New.Role, PasswordHash: hash}
	if err := s.store.CreateUser(r.Context(), nu); err != nil {
		if errors.Is(err, news.ErrConflict) {
			refuse(http.StatusUnprocessableEntity, "There is already an account with that email address.")
			return
		}
		refuse(http.StatusUnprocessableEntity, "The account could not be created.")
		return
	}
	s.log.Info("user added", "user", nu.ID, "role", nu.Role, "by", u.ID)
	s.redirectWith(w, r, "/admin/users", fmt.Sprintf("%s added as %s.", nu.Name, nu.Role))
}

// Bounds of an account's name and email: a byline is a few words, and an address has
// at most 254 octets (RFC 5321 §4.5.3.1.3 bounds a path to 256, two of them its angle
// brackets; RFC 3696 erratum 1690).
const (
	maxNameRunes  = 200
	maxEmailBytes = 254
)

// CleanAccount puts a new account's name and email in the form they are stored in —
// the name as one line of text (news.CleanLine: control characters removed, white
// space made single spaces, NFC), the email trimmed and in NFC — for the admin's form
// and the shell's `user add` alike. The error says in words what is wrong: a name must
// show (news.Visible: one of only spaces or invisible characters names nobody in a
// byline) and have at most 200 characters; an email needs an @, no spaces or control
// characters, and at most 254 bytes.
func CleanAccount(name, email string) (cleanName, cleanEmail string, err error) {
	cleanName, cleanEmail, why := accountProblem(name, email)
	if why != "" {
		return cleanName, cleanEmail, errors.New(why)
	}
	return cleanName, cleanEmail, nil
}

// cleanAccount is CleanAccount for a form: problem is what is wrong, in a sentence.
func cleanAccount(name, email string) (cleanName, cleanEmail, problem string) {
	cleanName, cleanEmail, why := accountProblem(name, email)
	if why != "" {
		problem = strings.ToUpper(why[:1]) + why[1:] + ". Nothing was created."
	}
	return cleanName, cleanEmail, problem
}

func accountProblem(name, email string) (cleanName, cleanEmail, why string) {
	cleanName, _ = news.CleanLine(name)
	cleanEmail = news.NFC(strings.TrimSpace(email))
	switch {
	case !news.Visible(cleanName):
		why = "please give a name, with letters that show"
	case utf8.RuneCountInString(cleanName) > maxNameRunes:
		why = fmt.Sprintf("a name may have at most %d characters", maxNameRunes)
	case len(cleanEmail) > maxEmailBytes || !strings.Contains(cleanEmail, "@") || news.CheckText("the email", cleanEmail) != nil ||
		strings.ContainsFunc(cleanEmail, unicode.IsSpace):
		why = "please give a valid email address (name@example.org, with no spaces)"
	}
	return cleanName, cleanEmail, why
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
	// The form says the access it was loaded with: a row left open while another
	// administrator disabled the account (or changed its role) must not undo that by
	// saving what it showed — a disabled employee enabled again by a role change.
	if was, ok := r.PostForm["was"]; ok && was[0] != accessWords(target) {
		s.usersPage(w, r, u, http.StatusConflict, "Nothing was changed: "+target.Name+"’s access was changed by someone else since this page was loaded (it is now: "+accessWords(target)+"). Look at it again, then save.", nil)
		return
	}
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
	if role != target.Role {
		s.tellAccount(r.Context(), u, target, news.AccountRoleChanged, string(target.Role), string(role))
	}
	if target.Disabled && !disabled {
		s.tellAccount(r.Context(), u, target, news.AccountEnabled, "", "")
	}
	s.redirectWith(w, r, "/admin/users", target.Name+" saved.")
}

// accessWords is a user's access as the users screen's forms carry it: the role, and
// "disabled" after it when the account is.
func accessWords(u *news.User) string {
	if u.Disabled {
		return string(u.Role) + " disabled"
	}
	return string(u.Role)
}

// accountBody is the account page: where the user is signed in, and what is left of
// their recovery codes (recovery.go).
type accountBody struct {
	Sessions []sessionLine
	Recovery recoveryState
}

type sessionLine struct {
	Agent       string
	Since, Seen template.HTML
	Current     bool
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
		lines = append(lines, sessionLine{agent, s.when(ss.CreatedAt), s.when(ss.LastSeen), ss.TokenHash == current})
	}
	rec := s.recoveryState(r.Context(), u)
	flash := ""
	// The recovery codes page's "Done" (a GET without JavaScript): fixed words chosen by
	// a flag, no text of the address shown.
	switch r.URL.Query().Get("codes") {
	case "first":
		flash = "Two-step sign-in is on, and your recovery codes are saved."
	case "new":
		flash = "Your new recovery codes are saved."
	}
	if r.URL.Query().Get("recovered") == "1" && status == http.StatusOK {
		// Just signed in with a recovery code (loginCode): what to do next.
		flash = "You signed in with a recovery code, and have " + recoveryLeftWords(rec.Left) + ". If your phone is lost, turn two-step sign-in off below (your password and another recovery code), then set it up on your new phone."
		if rec.Left == 0 {
			flash = "You signed in with your last recovery code. Make new ones now, below: without them or your phone you could not sign in again."
		}
	}
	s.render(w, r, status, "account", &page{Title: "Your account", Nav: "account", User: u, CSRF: s.csrfToken(r), Error: errMsg,
		Flash: flash, Body: accountBody{Sessions: lines, Recovery: rec}})
}

func (s *Server) account(w http.ResponseWriter, r *http.Request, u *news.User) {
	s.accountPage(w, r, u, http.StatusOK, "")
}

// changePassword needs the current password, its guesses limited as at sign-in (a
// stolen session must not become a way to guess it), and signs out every other
// session in the same step as the change.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, u *news.User) {
	now := s.cfg.Now()
	const busy = "Too many password checks at once; try again in a moment. Your password was not changed, and this attempt does not count."
	address, account := s.addressLimit(r), s.accountLimit(u.Email)
	if ref := s.reserve(r, now, address, account); ref != nil {
		status, msg := s.tooMany(w, now, ref)
		s.accountPage(w, r, u, status, msg+" Your password was not changed.")
		return
	}
	slot := s.takeSlot(w)
	if slot == nil {
		s.giveBack(r, now, address, account)
		s.accountPage(w, r, u, http.StatusServiceUnavailable, busy)
		return
	}
	defer slot.Release()
	right, err := slot.VerifyPassword(r.Context(), u.PasswordHash, r.PostForm.Get("current"))
	if err != nil {
		s.giveBack(r, now, address, account)
		s.accountPage(w, r, u, http.StatusServiceUnavailable, busy)
		return
	}
	if !right {
		s.accountPage(w, r, u, http.StatusUnprocessableEntity, "Your current password was not right, so nothing was changed.")
		return
	}
	s.succeeded(r, now, address, account)
	hash, err := slot.HashPassword(r.Context(), r.PostForm.Get("new"))
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
	s.redirectWith(w, r, "/admin/account", "Password changed; your other sessions were signed out.")
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
	s.redirectWith(w, r, "/admin/account", "Signed out everywhere else.")
}
