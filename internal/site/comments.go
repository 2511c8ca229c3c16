package site

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"broadsheet/internal/httpx"
	"broadsheet/internal/news"
	"broadsheet/internal/render"
)

// Limits on what a commenter may send, as WordPress sets them.
const (
	maxCommentLength = 65525
	maxNameLength    = 245
	maxEmailLength   = 100
	maxURLLength     = 200
	// maxCommentPost bounds the whole request body: room for the longest comment in
	// multi-byte characters and the other fields, and no more.
	maxCommentPost = 4*maxCommentLength + 8<<10
)

type fieldError struct{ Field, Message string }

type commentValues struct{ Name, Email, URL, Comment string }

// commentForm is the "Leave a Reply" form as a page shows it.
type commentForm struct {
	Values     commentValues
	Errors     []fieldError
	Err        map[string]string // the message for each field that has one
	Parent     *news.Comment     // the comment replied to, if any
	Token      string
	Closed     bool
	MaxComment int
	// Page is the comment page the form is on (from 1): a refused post's answer
	// shows that page again.
	Page int
}

func (f *commentForm) fail(field, message string) {
	f.Errors = append(f.Errors, fieldError{field, message})
	if f.Err == nil {
		f.Err = map[string]string{}
	}
	if _, ok := f.Err[field]; !ok {
		f.Err[field] = message
	}
}

// commentsClosed applies the article's own switch and the site's policy of closing
// comments some days after publication.
func commentsClosed(a *news.Article, st *news.Settings, now time.Time) bool {
	if a.CommentsClosed || st.CommentsClosed {
		return true
	}
	return st.CommentsCloseDays > 0 && now.After(a.PublishedAt.AddDate(0, 0, st.CommentsCloseDays))
}

func (s *Server) mac(parts ...string) []byte {
	m := hmac.New(sha256.New, s.state.Load().settings.Secret)
	m.Write([]byte(strings.Join(parts, "\x00")))
	return m.Sum(nil)
}

// formToken signs the article's ID and the time the form was made: a post must bring it
// back, not too soon (robots post at once) and not too late.
func (s *Server) formToken(articleID int64, now time.Time) string {
	msg := strconv.FormatInt(articleID, 10) + "." + strconv.FormatInt(now.Unix(), 10)
	return msg + "." + base64.RawURLEncoding.EncodeToString(s.mac("comment-form", msg)[:16])
}

// formTokens makes an article's form tokens for the page cache: every response carries
// a token of the time it was sent, so that the minimum fill time counts from each
// reader's own load of the page, not from when the page was rendered and cached. A
// token is signed once a second at most.
func (s *Server) formTokens(articleID int64) func() []byte {
	type stamped struct {
		unix  int64
		token []byte
	}
	var last atomic.Pointer[stamped]
	return func() []byte {
		now := s.now()
		if t := last.Load(); t != nil && t.unix == now.Unix() {
			return t.token
		}
		t := &stamped{now.Unix(), []byte(s.formToken(articleID, now))}
		last.Store(t)
		return t.token
	}
}

var (
	errTokenInvalid = errors.New("This form is not valid any more. Please check your comment and post it again.")
	errTokenTooSoon = errors.New("That was quick! Please take a moment to check your comment, then post it again.")
)

func (s *Server) checkToken(token string, articleID int64, now time.Time) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return errTokenInvalid
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, s.mac("comment-form", parts[0]+"."+parts[1])[:16]) {
		return errTokenInvalid
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	issued, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || id != articleID {
		return errTokenInvalid
	}
	age := now.Sub(time.Unix(issued, 0))
	switch {
	case age > s.cfg.CommentMaxTime || age < -time.Minute:
		return errTokenInvalid
	case age < s.cfg.CommentMinTime:
		return errTokenTooSoon
	}
	return nil
}

// moderationHash lets the author of a pending comment, and only them, see it: it is in
// the address they are sent to after posting.
func (s *Server) moderationHash(commentID int64) string {
	return base64.RawURLEncoding.EncodeToString(s.mac("moderation", strconv.FormatInt(commentID, 10))[:12])
}

// clientKey is what limits and blocks know of the client: its address, or its IPv6
// /64 (see httpx.LimitKey).
func (s *Server) clientKey(r *http.Request) string {
	return httpx.LimitKey(httpx.ClientIP(r, s.cfg.TrustProxy))
}

// ipHash is what is kept of a commenter's address: enough to see that two comments came
// from one place, useless to anyone without the site's secret.
func (s *Server) ipHash(ip string) string {
	return base64.RawURLEncoding.EncodeToString(s.mac("ip", ip)[:16])
}

// postComment takes a reader's comment. Whatever is wrong, the reader gets the article
// back with the form as they filled it and a message per problem; nothing is stored
// until everything is right.
func (s *Server) postComment(w http.ResponseWriter, r *http.Request) {
	st := s.state.Load()
	ctx, now := r.Context(), s.now()
	r.Body = http.MaxBytesReader(w, r.Body, maxCommentPost)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.serveError(w, r, st, &httpError{http.StatusRequestEntityTooLarge, "Error: Comment too long",
				fmt.Sprintf("Your comment is too long to be accepted: a comment may have at most %d characters. Nothing was posted.", maxCommentLength)})
			return
		}
		s.serveError(w, r, st, &httpError{http.StatusBadRequest, "Error: Comment not understood", "Your comment could not be read. Please go back and post it again."})
		return
	}
	articleID, err := strconv.ParseInt(r.PostForm.Get("article"), 10, 64)
	if err != nil {
		s.serveError(w, r, st, &httpError{http.StatusBadRequest, "Error: Comment not understood", "The form did not say which article the comment is for. Please go back and post it again."})
		return
	}
	a, err := s.store.Article(ctx, articleID)
	switch {
	case err == nil && a.IsPublic(now):
	case err == nil || errors.Is(err, news.ErrNotFound):
		// Unpublished or trashed while the reader wrote: no form to go back to, but a
		// refusal all the same, whose title says so (and which tells a draft from a
		// missing article no more than the article's address does).
		s.serveError(w, r, st, &httpError{http.StatusNotFound, "Error: Comment not posted",
			"The article you commented on is not available any more, so your comment was not posted."})
		return
	default:
		s.log.Error("read the article of a comment", "article", articleID, "err", err)
		s.serveError(w, r, st, &httpError{http.StatusServiceUnavailable, "Error: Comment not posted",
			"We could not save your comment; please go back and try again in a moment."})
		return
	}
	form := &commentForm{}
	// The page the form was on, to answer a refusal with; checked against the
	// article's pages when rendered.
	if n, err := strconv.Atoi(r.PostForm.Get("cpage")); err == nil && n > 1 {
		form.Page = n
	}
	raw := commentValues{
		Name: r.PostForm.Get("author"), Email: r.PostForm.Get("email"),
		URL: r.PostForm.Get("url"), Comment: r.PostForm.Get("comment"),
	}
	form.Values = commentValues{ // shown back as typed, but as valid text
		Name: strings.ToValidUTF8(raw.Name, "\uFFFD"), Email: strings.ToValidUTF8(raw.Email, "\uFFFD"),
		URL: strings.ToValidUTF8(raw.URL, "\uFFFD"), Comment: strings.ToValidUTF8(raw.Comment, "\uFFFD"),
	}
	status := http.StatusUnprocessableEntity
	fail := form.fail
	if commentsClosed(a, st.settings, now) {
		// The page the reader filled in may be older than the closing: they get
		// their words back to keep.
		fail("comment", "Comments are closed on this article, so yours was not posted.")
		s.refuseComment(w, r, st, a, form, http.StatusForbidden)
		return
	}

	// The comment replied to (one read by key) comes first, so that any refusal
	// gives back the reply form, on the page of the thread.
	if parentID, err := strconv.ParseInt(r.PostForm.Get("parent"), 10, 64); err == nil && parentID != 0 {
		if p, err := s.store.Comment(ctx, parentID); err == nil && p.ArticleID == a.ID && p.Status == news.CommentApproved && !p.Removed {
			form.Parent = p
		} else {
			fail("comment", "The comment you replied to is no longer here. Your comment will be posted as a new comment if you send it again.")
		}
	}
	// The cheap checks come next — the form's signature, then the address's rate —
	// so that a post that cannot be taken costs no rendering of its text.
	token := r.PostForm.Get("token")
	tokenErr := s.checkToken(token, a.ID, now)
	if tokenErr == nil || tokenErr == errTokenTooSoon {
		form.Token = token // the answer keeps the reader's own load time
	}
	if tokenErr != nil {
		fail("comment", tokenErr.Error())
		s.refuseComment(w, r, st, a, form, status)
		return
	}
	ip := s.clientKey(r)
	// Counted in the store, so that the limit holds across every server; keyed by the
	// address's keyed hash, so that the store holds no address.
	switch wait, err := s.store.TakeToken(ctx, news.CommentAddressLimitKey(s.ipHash(ip)), s.cfg.CommentBurst, s.cfg.CommentEvery, now); {
	case err != nil:
		s.log.Error("count a comment against its address's limit", "article", a.ID, "err", err)
		fail("comment", "We could not save your comment; please try again in a moment. Everything you typed is still here.")
		s.refuseComment(w, r, st, a, form, http.StatusServiceUnavailable)
		return
	case wait > 0:
		secs := int(wait.Seconds() + 1)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		fail("comment", fmt.Sprintf("You are posting comments too quickly. Please wait %d seconds, then post it again.", secs))
		s.refuseComment(w, r, st, a, form, http.StatusTooManyRequests)
		return
	}

	c := &news.Comment{ArticleID: a.ID, UserAgent: truncate(strings.ToValidUTF8(r.UserAgent(), ""), 255)}
	if form.Parent != nil {
		c.ParentID = form.Parent.ID
	}
	validateComment(raw, c, fail)
	if r.PostForm.Get("subject") != "" {
		fail("subject", "Please leave the field “Leave this field empty” empty.")
	}
	if len(form.Errors) > 0 {
		s.refuseComment(w, r, st, a, form, status)
		return
	}
	// A form posts one comment: the token is spent, in the store (every server sees
	// it), once the comment is sure to be taken. Readers who load the page in the same
	// second share a token (it is signed once a second), so it is spent per address.
	used := "comment-form:" + token[strings.LastIndexByte(token, '.')+1:] + ":" + s.ipHash(ip)
	switch wait, err := s.store.TakeAttempt(ctx, used, 1, s.cfg.CommentMaxTime+time.Minute, now); {
	case err != nil:
		s.log.Error("spend a comment form's token", "article", a.ID, "err", err)
		fail("comment", "We could not save your comment; please try again in a moment. Everything you typed is still here.")
		s.refuseComment(w, r, st, a, form, http.StatusServiceUnavailable)
		return
	case wait > 0:
		form.Token = ""
		fail("comment", "This form has posted a comment already. To post another, check it and send it again from here.")
		s.refuseComment(w, r, st, a, form, http.StatusConflict)
		return
	}

	c.IPHash = s.ipHash(ip)
	c.Status, err = s.moderate(r, st.settings, c)
	if err != nil {
		// The store could not be read: like a failed save, the reader keeps their words.
		s.log.Error("apply the moderation rule to a comment", "article", a.ID, "err", err)
		s.store.ReturnAttempt(ctx, used, now)
		fail("comment", "We could not save your comment; please try again in a moment. Everything you typed is still here.")
		s.refuseComment(w, r, st, a, form, http.StatusServiceUnavailable)
		return
	}
	if err := s.store.CreateComment(ctx, c); errors.Is(err, news.ErrDuplicate) {
		// Said already (another form, a second tab): posted once, as WordPress does.
		form.fail("comment", "Duplicate comment detected; it looks as though you’ve already said that!")
		s.refuseComment(w, r, st, a, form, http.StatusConflict)
		return
	} else if err != nil {
		// A full disk or a read-only database: the reader keeps every word they
		// typed and is told to try again; the operator reads why in the log.
		s.log.Error("store a comment", "article", a.ID, "err", err)
		s.store.ReturnAttempt(ctx, used, now) // the form may post again
		form.fail("comment", "We could not save your comment; please try again in a moment. Everything you typed is still here.")
		s.refuseComment(w, r, st, a, form, http.StatusServiceUnavailable)
		return
	}
	// The log names the comment, never the commenter's email or address.
	s.log.Info("comment received", "comment", c.ID, "article", a.ID, "status", c.Status)
	if err := s.Sync(ctx); err != nil {
		s.log.Error("apply a new comment to the page cache", "err", err)
	}
	// The reader is sent to their comment, on the comment page of its thread.
	path := articlePath(a, st.settings.Location)
	per, page := st.settings.CommentsPerPage, form.Page
	if index, err := s.store.CommentThreadIndex(ctx, c.ID); err == nil {
		page = news.CommentPageOf(index, per)
	} else {
		s.log.Error("find a new comment's page", "comment", c.ID, "err", err)
	}
	if c.Status == news.CommentSpam {
		// A blocked commenter is not told: they land where their comment would be,
		// on a page that is there.
		if last, err := s.lastCommentPage(ctx, a.ID, per); err == nil {
			page = min(page, last)
		}
	}
	target := news.CommentPagePath(path, page)
	if c.Status == news.CommentPending {
		target += "?unapproved=" + strconv.FormatInt(c.ID, 10) + "&moderation-hash=" + url.QueryEscape(s.moderationHash(c.ID))
	}
	http.Redirect(w, r, target+"#comment-"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
}

// validateComment checks the fields and fills c from them, calling fail for each
// problem in the words the reader will see.
func validateComment(v commentValues, c *news.Comment, fail func(field, msg string)) {
	for _, f := range [][2]string{{"comment", v.Comment}, {"author", v.Name}, {"email", v.Email}, {"url", v.URL}} {
		field, value := f[0], f[1]
		if !utf8.ValidString(value) {
			fail(field, "This field contains bytes that are not valid text (UTF-8). Please type it again.")
		} else if strings.ContainsFunc(value, news.ForbiddenRune) {
			fail(field, "This field contains control characters. Please type it again.")
		}
	}
	// Names and emails are compared (the moderation rule, a commenter's history), so
	// one name typed two ways must be one name: NFC.
	name, email := news.NFC(strings.TrimSpace(v.Name)), news.NFC(strings.TrimSpace(v.Email))
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		fail("author", "Please enter your name.")
	case !news.Visible(name):
		fail("author", "Please enter your name in letters others can see.")
	case n > maxNameLength:
		fail("author", fmt.Sprintf("Your name is too long: at most %d characters, please.", maxNameLength))
	}
	if email == "" {
		fail("email", "Please enter your email address. It will not be published.")
	} else if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email || len(email) > maxEmailLength ||
		!strings.Contains(email[strings.LastIndexByte(email, '@')+1:], ".") {
		fail("email", "Please enter a valid email address, such as name@example.com.")
	}
	// A website is stored as a browser would send it (its host in ASCII): a host that
	// is no valid name (IDNA's rules) would put an invalid link in the page.
	site := strings.TrimSpace(v.URL)
	if site != "" {
		normal, err := render.NormalizeWebURL(site)
		switch {
		case err != nil:
			fail("url", err.Error())
		case len(normal) > maxURLLength:
			fail("url", fmt.Sprintf("Your website's address is too long: at most %d characters, please.", maxURLLength))
		default:
			site = normal
		}
	}
	body := news.NFC(strings.TrimSpace(strings.ReplaceAll(v.Comment, "\r\n", "\n")))
	switch n := utf8.RuneCountInString(body); {
	case n == 0:
		fail("comment", "Please type your comment.")
	case n > maxCommentLength:
		fail("comment", fmt.Sprintf("Your comment is too long: it has %d characters, and at most %d are allowed.", n, maxCommentLength))
	default:
		if err := render.CheckCommentHTML(body); err != nil {
			fail("comment", err.Error())
		}
	}
	c.AuthorName, c.AuthorEmail, c.AuthorURL, c.Body = name, email, site, body
	c.BodyHTML = render.Comment(body)
}

// moderate decides whether a comment appears at once: by the site's rule ("first": a
// commenter with an approved comment is trusted, as in WordPress) and, whatever the
// rule, not when it carries more links than the site allows.
func (s *Server) moderate(r *http.Request, st *news.Settings, c *news.Comment) (news.CommentStatus, error) {
	// A blocked commenter's comment is kept, as spam, and they are not told.
	if blocked, err := s.store.IsBlocked(r.Context(), c.AuthorEmail, c.IPHash); err != nil || blocked {
		return news.CommentSpam, err
	}
	if render.CountLinks(c.Body) > st.CommentMaxLinks {
		return news.CommentPending, nil
	}
	switch st.CommentModeration {
	case "none":
		return news.CommentApproved, nil
	case "first":
		ok, err := s.store.HasApprovedComment(r.Context(), c.AuthorName, c.AuthorEmail)
		if err != nil {
			return "", err
		}
		if ok {
			return news.CommentApproved, nil
		}
	}
	return news.CommentPending, nil
}

// refuseComment answers a post that was not taken with the article again, on the
// comment page the reader posted from (the parent's, for a reply), and the form as they
// filled it with a message at each field; the form's address ends in #respond, so the
// browser shows the answer at the form. Its title starts with "Error: ", so that a
// screen reader says at once that the post failed (the GOV.UK Design System's rule for
// a form's errors, which WCAG's success criteria 2.4.2 and 3.3.1 ask for).
func (s *Server) refuseComment(w http.ResponseWriter, r *http.Request, st *siteState, a *news.Article, form *commentForm, status int) {
	show := commentView{page: form.Page, clamp: true}
	if form.Parent != nil {
		if index, err := s.store.CommentThreadIndex(r.Context(), form.Parent.ID); err == nil {
			show.page = news.CommentPageOf(index, st.settings.CommentsPerPage)
		}
	}
	resp, err := s.articlePage(r.Context(), r, st, a, form, show)
	if err != nil {
		s.serveError(w, r, st, err)
		return
	}
	// A refused post is answered for this reader alone, with the form's token it came
	// with when that still holds (its load time), not a fresh one per response.
	resp.status, resp.private, resp.formToken = status, true, ""
	resp.view.NoIndex = true
	resp.view.Title = "Error: " + resp.view.Title
	p, err := s.build(resp)
	if err != nil {
		s.serveError(w, r, st, err)
		return
	}
	p.ServeHTTP(w, r)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
