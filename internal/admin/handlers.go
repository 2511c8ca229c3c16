package admin

import (
	"crypto/subtle"
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

type loginBody struct {
	Setup             bool
	Name, Email, Next string
	Token             string
	CodeStep          bool   // the second step: the code of two-step sign-in
	Pending           string // vouches for the password step (see pendingToken)
	Recovery          bool   // a recovery code was tried: its form shows open
}

func (s *Server) setupAllowed(r *http.Request, token string) bool {
	n, err := s.store.CountUsers(r.Context())
	s.setupMu.Lock()
	want := s.setupToken
	s.setupMu.Unlock()
	return err == nil && n == 0 && want != "" && subtle.ConstantTimeCompare([]byte(token), []byte(want)) == 1
}

func (s *Server) setupForm(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	if !s.setupAllowed(r, token) {
		s.fail(w, r, nil, http.StatusNotFound, "No setup here", "This setup link is not valid: the site has an administrator already, or the link is not the one the server printed when it started.")
		return
	}
	s.render(w, r, http.StatusOK, "login", &page{Title: "Create the first administrator", Action: "/admin/setup",
		Body: loginBody{Setup: true, Token: token}})
}

// setup creates the first administrator from the one-time link, and signs them in.
func (s *Server) setup(w http.ResponseWriter, r *http.Request) {
	token := r.PostForm.Get("token")
	if !s.setupAllowed(r, token) {
		s.fail(w, r, nil, http.StatusNotFound, "No setup here", "This setup link is not valid any more: the site has an administrator already.")
		return
	}
	name, email, problem := cleanAccount(r.PostForm.Get("name"), r.PostForm.Get("email"))
	body := loginBody{Setup: true, Token: token, Name: name, Email: email}
	again := func(status int, msg string) {
		s.render(w, r, status, "login", &page{Title: "Create the first administrator", Action: "/admin/setup", Error: msg, Body: body})
	}
	if problem != "" {
		again(http.StatusUnprocessableEntity, problem)
		return
	}
	slot := s.takeSlot(w)
	if slot == nil {
		again(http.StatusServiceUnavailable, "Too many password checks at once; try again in a moment. Nothing was created.")
		return
	}
	defer slot.Release()
	hash, err := slot.HashPassword(r.Context(), r.PostForm.Get("password"))
	if err != nil {
		again(http.StatusUnprocessableEntity, "Please choose another password: "+err.Error()+".")
		return
	}
	u := &news.User{Email: body.Email, Name: body.Name, Role: news.RoleAdministrator, PasswordHash: hash}
	if err := s.store.CreateUser(r.Context(), u); err != nil {
		again(http.StatusUnprocessableEntity, "The account could not be created: "+err.Error())
		return
	}
	s.setupMu.Lock()
	s.setupToken = ""
	s.setupMu.Unlock()
	s.log.Info("first administrator created", "user", u.ID)
	if err := s.startSession(w, r, u); err != nil {
		s.fail(w, r, nil, http.StatusInternalServerError, "Something went wrong", "The account was created, but you could not be signed in. Please sign in.")
		return
	}
	http.Redirect(w, r, "/admin/", http.StatusSeeOther)
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if u, err := s.currentUser(r); err == nil && u != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	p := &page{Title: "Sign in", Action: "/admin/login", Body: loginBody{Next: safeNext(r.URL.Query().Get("next"))}}
	if r.URL.Query().Get("expired") != "" {
		p.Flash = "Your session had ended, so your changes were kept aside. Sign in to get them back."
	}
	if r.URL.Query().Get("reset") != "" { // a fixed flag (accounts.go)
		p.Flash = "Your password was changed. Sign in with it."
	}
	s.render(w, r, http.StatusOK, "login", p)
}

// login checks the password. An attempt is reserved on the account's and the
// address's limits before the password is checked (so that concurrent guesses cannot
// outrun the count); past a limit even the right password is refused until the window
// has passed. A right password gives its attempt back.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	now := s.cfg.Now()
	email := normalEmail(r.PostForm.Get("email"))
	pw := r.PostForm.Get("password")
	body := loginBody{Email: strings.TrimSpace(r.PostForm.Get("email")), Next: safeNext(r.PostForm.Get("next"))}
	again := func(status int, msg string) {
		s.render(w, r, status, "login", &page{Title: "Sign in", Action: "/admin/login", Error: msg, Body: body})
	}
	if auth.Full() {
		// A flood of sign-ins: turned away before it costs even the count's write.
		w.Header().Set("Retry-After", "1")
		again(http.StatusServiceUnavailable, busyMessage)
		return
	}
	address, account := s.addressLimit(r), s.accountLimit(email)
	if ref := s.reserve(r, now, address, account); ref != nil {
		again(s.tooMany(w, now, ref))
		return
	}
	// Then a place in the line for argon2id work: a request the process has no room for
	// is turned away at once, its attempts given back (nothing was checked).
	slot := s.takeSlot(w)
	if slot == nil {
		s.giveBack(r, now, address, account)
		again(http.StatusServiceUnavailable, busyMessage)
		return
	}
	defer slot.Release()
	u, err := s.store.UserByEmail(r.Context(), email)
	var right bool
	var verr error
	if err != nil {
		verr = slot.VerifyNothing(r.Context(), pw) // as slow as a wrong password, so emails cannot be probed
	} else {
		right, verr = slot.VerifyPassword(r.Context(), u.PasswordHash, pw)
	}
	if verr != nil {
		// The request ended while it waited for a core: nothing was checked.
		s.giveBack(r, now, address, account)
		again(http.StatusServiceUnavailable, busyMessage)
		return
	}
	if err != nil || !right || u.Disabled {
		again(http.StatusUnauthorized, "That email and password do not match an account.")
		return
	}
	s.succeeded(r, now, address, account)
	if u.TOTPSecret != "" {
		s.askCode(w, r, s.pendingToken(u, now.Add(pendingTTL)), body.Next, http.StatusOK, "")
		return
	}
	if err := s.startSession(w, r, u); err != nil {
		s.fail(w, r, nil, http.StatusInternalServerError, "Something went wrong", "You could not be signed in. Please try again.")
		return
	}
	s.log.Info("signed in", "user", u.ID)
	http.Redirect(w, r, body.Next, http.StatusSeeOther)
}

func roundUp(d time.Duration) string {
	if m := int((d + time.Minute - 1) / time.Minute); m > 1 {
		return fmt.Sprintf("%d minutes", m)
	}
	return "a minute"
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, u *news.User) {
	if c, err := r.Cookie(cookieName); err == nil {
		s.store.DeleteSession(r.Context(), auth.HashToken(c.Value))
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/admin", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
}

type articleLink struct {
	URL, Title string
	When       template.HTML
}

type dashboardBody struct {
	Published, Drafts         int
	Review, Scheduled, Latest []articleLink
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, u *news.User) {
	ctx, now := r.Context(), s.cfg.Now()
	published, err := s.store.CountArticles(ctx, news.ArticleQuery{PublicAt: now})
	if err != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The dashboard could not be read.")
		return
	}
	drafts := news.ArticleQuery{Status: news.StatusDraft}
	if !u.Role.Can(news.PermEditAll) {
		drafts.OwnerID = u.ID // a writer's own drafts; an editor's desk has everyone's
	}
	body := dashboardBody{Published: published}
	body.Drafts, _ = s.store.CountArticles(ctx, drafts)
	links := func(q news.ArticleQuery, public bool) []articleLink {
		q.Limit, q.Summaries = 10, true
		arts, _ := s.store.Articles(ctx, q)
		var out []articleLink
		for _, a := range arts {
			l := articleLink{URL: fmt.Sprintf("/admin/articles/%d", a.ID), Title: a.Title}
			if public {
				l.URL = s.cfg.ArticlePath(a)
			}
			if !a.PublishedAt.IsZero() {
				l.When = s.when(a.PublishedAt)
			}
			out = append(out, l)
		}
		return out
	}
	// Stories in the works are an editor's desk; a writer sees their own (another's
	// would only be a title they may not open).
	body.Review = links(news.ArticleQuery{Status: news.StatusReview, OwnerID: drafts.OwnerID}, false)
	body.Scheduled = links(news.ArticleQuery{Status: news.StatusScheduled, OwnerID: drafts.OwnerID}, false)
	body.Latest = links(news.ArticleQuery{PublicAt: now}, true)
	s.render(w, r, http.StatusOK, "dashboard", &page{Title: "Dashboard", Nav: "dashboard", User: u, CSRF: s.csrfToken(r), Body: body,
		Notify: s.dashboardNotify(ctx, u)})
}

// setStatuses gives the comments the status, applies it to the public site's cache,
// and goes back to the list the request came from.
func (s *Server) setStatuses(w http.ResponseWriter, r *http.Request, u *news.User, ids []int64, status news.CommentStatus, back string) {
	if !status.Valid() {
		s.fail(w, r, u, http.StatusBadRequest, "Unknown action", "A comment may be approved, unapproved, marked as spam or trashed.")
		return
	}
	if !strings.HasPrefix(back, "/admin/comments") {
		back = "/admin/comments"
	}
	if len(ids) == 0 {
		s.redirectWith(w, r, back, "No comment was selected, so nothing was changed.")
		return
	}
	changed := 0
	for _, id := range ids {
		if err := s.store.SetCommentStatus(r.Context(), id, status); err == nil {
			changed++
		} else {
			if errors.Is(err, news.ErrNotFound) && len(ids) == 1 {
				s.fail(w, r, u, http.StatusNotFound, "No such comment", "That comment does not exist (any more).")
				return
			}
			if !errors.Is(err, news.ErrNotFound) {
				s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "Not every comment could be changed.")
				return
			}
		}
	}
	s.sync(r)
	s.log.Info("comments moderated", "count", changed, "status", status, "by", u.ID)
	s.redirectWith(w, r, back, moderatedMessage(changed, len(ids)-changed, status))
}

// moderate sets one comment's status (POST /admin/comments/ID with action=STATUS),
// as a row's button of the queue does.
func (s *Server) moderate(w http.ResponseWriter, r *http.Request, u *news.User) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, u, http.StatusNotFound, "No such comment", "That comment does not exist (any more).")
		return
	}
	back := "/admin/comments"
	if from := news.CommentStatus(r.PostForm.Get("from")); from.Valid() {
		back += "?status=" + string(from)
	}
	if b := r.PostForm.Get("back"); b != "" { // the edit page's buttons: back to its queue
		back = queueBack(b)
	}
	if r.PostForm.Get("action") == actionDelete {
		s.confirmDelete(w, r, u, []int64{id}, back)
		return
	}
	s.setStatuses(w, r, u, []int64{id}, news.CommentStatus(r.PostForm.Get("action")), back)
}
