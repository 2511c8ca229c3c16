package admin

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/mail"
	"net/url"
	"strconv"
	"strings"

	"broadsheet/internal/news"
	"broadsheet/internal/render"
)

type commentPage struct {
	Comment                  *news.Comment
	ArticleURL, ArticleTitle string
	CommentURL               string // the comment on the site, on its comment page (approved only)
	History                  int
	Reply                    string // the reply's field, as typed when it was refused
	// Back is the queue the page was opened from (its tab, search and page), Actions
	// the status buttons, Parent the comment it answers, BodyHTML its text as shown.
	Back     string
	Actions  []queueAction
	Parent   *queueParent
	BodyHTML template.HTML
	// Waiting are the pending comments this one answers, nearest first (at most
	// waitingShown), which a reply approves with it; WaitingCount how many in all.
	Waiting      []*queueParent
	WaitingCount int
}

// waitingShown is how many of the waiting comments a reply would approve with this
// one its page names.
const waitingShown = 3

// WaitingMore is how many waiting comments the page counts without naming them.
func (p commentPage) WaitingMore() int { return p.WaitingCount - len(p.Waiting) }

// BackLabel names the queue Back leads to.
func (p commentPage) BackLabel() string {
	if u, err := url.Parse(p.Back); err == nil {
		if st := news.CommentStatus(u.Query().Get("status")); st.Valid() {
			for _, l := range statusLabels {
				if l.status == st {
					return "Back to " + strings.ToLower(l.label) + " comments"
				}
			}
		}
	}
	return "Back to the comments"
}

// Replyable reports whether the comment takes a staff reply: approved or pending (a
// reply approves it), not in spam or the trash (news.ReplyStore).
func (p commentPage) Replyable() bool {
	return p.Comment.Status == news.CommentApproved || p.Comment.Status == news.CommentPending
}

// Pending reports whether the comment waits for approval (its reply button says
// "Approve and reply").
func (p commentPage) Pending() bool { return p.Comment.Status == news.CommentPending }

func (s *Server) loadComment(w http.ResponseWriter, r *http.Request, u *news.User) (*news.Comment, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err == nil {
		if c, err := s.store.Comment(r.Context(), id); err == nil {
			return c, true
		}
	}
	s.fail(w, r, u, http.StatusNotFound, "No such comment", "That comment does not exist (any more).")
	return nil, false
}

func (s *Server) commentPage(w http.ResponseWriter, r *http.Request, u *news.User, c *news.Comment, status int, errMsg string) {
	s.commentPageWith(w, r, u, c, status, errMsg, "")
}

// commentPageWith is the comment's page with reply in the reply's field (a refused
// reply comes back as typed).
func (s *Server) commentPageWith(w http.ResponseWriter, r *http.Request, u *news.User, c *news.Comment, status int, errMsg, reply string) {
	back := r.URL.Query().Get("back")
	if r.Method == http.MethodPost { // a refused edit or reply: the form's way back
		back = r.PostForm.Get("back")
	}
	p := commentPage{Comment: c, Reply: reply, Back: queueBack(back), Actions: statusActions(c.Status),
		BodyHTML: template.HTML(c.BodyHTML)}
	if c.Status == news.CommentSpam {
		p.BodyHTML = linksAsText(c.BodyHTML)
	}
	if c.ParentID != 0 {
		if parent, err := s.store.Comment(r.Context(), c.ParentID); err == nil {
			p.Parent = parentOf(parent)
		}
	}
	if c.Status == news.CommentPending && c.ParentID != 0 {
		waiting, n, err := s.store.PendingAncestors(r.Context(), c.ID, waitingShown)
		if err != nil {
			s.log.Error("comment's waiting ancestors", "comment", c.ID, "err", err)
		}
		for _, w := range waiting {
			p.Waiting = append(p.Waiting, parentOf(w))
		}
		p.WaitingCount = n
	}
	if a, err := s.store.Article(r.Context(), c.ArticleID); err == nil {
		p.ArticleTitle, p.ArticleURL = a.Title, s.cfg.ArticlePath(a)
		p.CommentURL = s.commentURL(r.Context(), a, c, s.commentsPerPage(r.Context()))
	}
	if c.AuthorEmail != "" {
		p.History, _ = s.store.CountComments(r.Context(), news.CommentQuery{Email: c.AuthorEmail})
	}
	s.render(w, r, status, "comment", &page{Title: "Comment by " + c.AuthorName, Nav: "comments", User: u, CSRF: s.csrfToken(r),
		Error: errMsg, Body: p})
}

func (s *Server) comment(w http.ResponseWriter, r *http.Request, u *news.User) {
	if c, ok := s.loadComment(w, r, u); ok {
		s.commentPage(w, r, u, c, http.StatusOK, "")
	}
}

// checkCommentText applies the readers' rules to a moderator's text too.
func checkCommentText(body string) (string, error) {
	body = news.NFC(strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n")))
	if body == "" || news.CheckText("", body) != nil {
		return "", fmt.Errorf("the comment needs a text, in valid characters")
	}
	if err := render.CheckCommentHTML(body); err != nil {
		return "", err
	}
	return body, nil
}

// editComment saves a moderator's edit of the author fields and the text.
func (s *Server) editComment(w http.ResponseWriter, r *http.Request, u *news.User) {
	c, ok := s.loadComment(w, r, u)
	if !ok {
		return
	}
	edited := *c
	f := r.PostForm
	edited.AuthorName, edited.AuthorEmail, edited.AuthorURL = strings.TrimSpace(f.Get("author")), strings.TrimSpace(f.Get("email")), strings.TrimSpace(f.Get("url"))
	body, err := checkCommentText(f.Get("body"))
	switch {
	case err != nil:
		s.commentPage(w, r, u, &edited, http.StatusUnprocessableEntity, "Nothing was saved: "+err.Error()+".")
		return
	case edited.AuthorName == "" || !news.Visible(edited.AuthorName) || news.CheckText("", edited.AuthorName+edited.AuthorEmail+edited.AuthorURL) != nil:
		s.commentPage(w, r, u, &edited, http.StatusUnprocessableEntity, "Nothing was saved: the comment needs an author's name.")
		return
	case edited.AuthorEmail != "":
		if a, err := mail.ParseAddress(edited.AuthorEmail); err != nil || a.Address != edited.AuthorEmail {
			s.commentPage(w, r, u, &edited, http.StatusUnprocessableEntity, "Nothing was saved: the email address is not valid.")
			return
		}
	}
	if edited.AuthorURL != "" {
		normal, err := render.NormalizeWebURL(edited.AuthorURL)
		if err != nil {
			s.commentPage(w, r, u, &edited, http.StatusUnprocessableEntity, "Nothing was saved: "+err.Error())
			return
		}
		edited.AuthorURL = normal
	}
	edited.AuthorName, edited.AuthorEmail = news.NFC(edited.AuthorName), news.NFC(edited.AuthorEmail)
	edited.Body, edited.BodyHTML = body, render.Comment(body)
	if err := s.store.UpdateComment(r.Context(), &edited); err != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The comment could not be saved.")
		return
	}
	s.sync(r)
	s.log.Info("comment edited", "comment", c.ID, "by", u.ID)
	s.redirectWith(w, r, editAddress(r, c.ID), "Comment saved.")
}

// replyToComment publishes a reply in the staff member's name and, in the same
// write, approves the comment it answers when that is pending: WordPress's "Approve and
// Reply" (a published reply under a comment readers cannot see would answer no one).
// The route needs news.PermModerate, so whoever may reply may approve; as in WordPress,
// where a reply that would approve its parent is refused to a user who may not edit
// that comment, no role replies without moderating. A comment in spam or in the trash
// is not replied to (WordPress offers no reply there): the moderator is told to approve
// it first, and the reply comes back in its field.
func (s *Server) replyToComment(w http.ResponseWriter, r *http.Request, u *news.User) {
	c, ok := s.loadComment(w, r, u)
	if !ok {
		return
	}
	typed := r.PostForm.Get("body")
	body, err := checkCommentText(typed)
	if err != nil {
		s.commentPageWith(w, r, u, c, http.StatusUnprocessableEntity, "The reply was not published: "+strings.TrimSuffix(err.Error(), ".")+".", typed)
		return
	}
	if !u.Role.Can(news.PermModerate) { // the route's rule, held here too: replying approves
		s.fail(w, r, u, http.StatusForbidden, "Not allowed", fmt.Sprintf("Your role (%s) may not %s.", u.Role, news.PermModerate))
		return
	}
	reply := &news.Comment{ArticleID: c.ArticleID, ParentID: c.ID, Status: news.CommentApproved, AuthorName: u.Name,
		AuthorEmail: u.Email, Body: body, BodyHTML: render.Comment(body), CreatedAt: s.cfg.Now().UTC().Truncate(1e9), UserID: u.ID}
	_, approved, err := s.store.ApproveAndReply(r.Context(), reply)
	switch {
	case errors.Is(err, news.ErrReplyToHidden):
		if now, err := s.store.Comment(r.Context(), c.ID); err == nil {
			c = now // it may have moved since the page was loaded
		}
		s.commentPageWith(w, r, u, c, http.StatusConflict, replyRefusal(c.Status), typed)
		return
	case errors.Is(err, news.ErrNotFound):
		s.fail(w, r, u, http.StatusNotFound, "No such comment", "That comment does not exist (any more), so the reply was not published.")
		return
	case errors.Is(err, news.ErrDuplicateReply):
		// A second press of the button (or a resent form): the first one published it.
		s.redirectWith(w, r, editAddress(r, c.ID), "This reply was already published; it was not published again.")
		return
	case err != nil:
		s.log.Error("staff reply", "comment", c.ID, "err", err)
		s.commentPageWith(w, r, u, c, http.StatusInternalServerError, "The reply could not be published just now; it is still in its field. Please try again.", typed)
		return
	}
	s.sync(r)
	s.log.Info("staff reply", "comment", reply.ID, "to", c.ID, "approved", approved, "by", u.ID)
	msg := "Reply published."
	switch {
	case approved == 1:
		msg = "Comment approved and reply published."
	case approved > 1:
		msg = fmt.Sprintf("Comment approved with the %s it answers, and reply published.", waitingComments(approved-1))
	}
	s.redirectWith(w, r, editAddress(r, c.ID), msg)
}

// waitingComments is "1 waiting comment" or "N waiting comments".
func waitingComments(n int) string {
	if n == 1 {
		return "1 waiting comment"
	}
	return fmt.Sprintf("%d waiting comments", n)
}

// replyRefusal says why a comment in spam or the trash gets no reply, and what to do.
func replyRefusal(st news.CommentStatus) string {
	where := "in spam"
	if st == news.CommentTrash {
		where = "in the trash"
	}
	return "The reply was not published: this comment is " + where + ", and a reply would answer a comment readers cannot see. Approve the comment first (from the queue), then reply; your reply is still in its field."
}

// blocksBody is the blocked commenters' page: a page of blocks, the search it shows
// (its text, and sealed for the pages' links), the count and the pages around it.
type blocksBody struct {
	Blocks     []news.Block
	Match      string
	Total      int
	Prev, Next string
}

// blocks lists the blocked commenters, newest first, a page at a time (a site blocks
// spammers for years), searched by part of an email. As in the queue, the search is
// posted and its text carried sealed: a blocked address is a commenter's email.
func (s *Server) blocks(w http.ResponseWriter, r *http.Request, u *news.User) {
	q := r.URL.Query()
	var errMsg, match string
	sealed := q.Get("s")
	if sealed != "" {
		var ok bool
		if match, ok = s.openSearch(r, sealed); !ok {
			errMsg, sealed = "That search was made in another session; search again.", ""
		}
	}
	n, err := strconv.Atoi(q.Get("page"))
	if err != nil || n < 1 {
		n = 1
	}
	n = min(n, 10000)
	bs, total, err := s.store.BlockList(r.Context(), news.BlockQuery{Match: match, Limit: news.ListPageDefault, Offset: (n - 1) * news.ListPageDefault})
	if err != nil {
		s.log.Error("blocks", "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The blocks could not be read.")
		return
	}
	at := func(k int) string {
		v := url.Values{}
		if sealed != "" {
			v.Set("s", sealed)
		}
		if k > 1 {
			v.Set("page", strconv.Itoa(k))
		}
		if len(v) == 0 {
			return "/admin/comments/blocks"
		}
		return "/admin/comments/blocks?" + v.Encode()
	}
	body := blocksBody{Blocks: bs, Match: match, Total: total}
	if n > 1 {
		body.Prev = at(n - 1)
	}
	if n*news.ListPageDefault < total {
		body.Next = at(n + 1)
	}
	s.render(w, r, http.StatusOK, "blocks", &page{Title: "Blocked commenters", Nav: "comments", User: u, CSRF: s.csrfToken(r),
		Error: errMsg, Body: body})
}

// searchBlocks takes the blocks' search form (POST, so that the text is in no address)
// and shows the list searched.
func (s *Server) searchBlocks(w http.ResponseWriter, r *http.Request, u *news.User) {
	if q := news.CutFilter(r.PostForm.Get("q")); q != "" {
		http.Redirect(w, r, "/admin/comments/blocks?"+url.Values{"s": {s.sealSearch(r, q)}}.Encode(), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/admin/comments/blocks", http.StatusSeeOther)
}

// editAddress is the comment's edit page, keeping the way back to the queue the
// request came from.
func editAddress(r *http.Request, id int64) string {
	addr := fmt.Sprintf("/admin/comments/%d/edit", id)
	b := r.URL.Query().Get("back")
	if r.Method == http.MethodPost {
		b = r.PostForm.Get("back")
	}
	if b != "" {
		addr += "?" + url.Values{"back": {queueBack(b)}}.Encode()
	}
	return addr
}

// block blocks the email or the IP hash of a comment's author, once confirmed: the
// first post shows what blocking does (their pending comments go to spam now, their
// new ones later) and asks.
func (s *Server) block(w http.ResponseWriter, r *http.Request, u *news.User) {
	id, _ := strconv.ParseInt(r.PostForm.Get("comment"), 10, 64)
	c, err := s.store.Comment(r.Context(), id)
	if err != nil {
		s.fail(w, r, u, http.StatusNotFound, "No such comment", "That comment does not exist (any more).")
		return
	}
	b := news.Block{Kind: r.PostForm.Get("kind")}
	switch b.Kind {
	case "email":
		b.Value = c.AuthorEmail
	case "ip":
		b.Value = c.IPHash
	}
	if b.Value == "" {
		s.fail(w, r, u, http.StatusBadRequest, "Nothing to block", "That comment has no such address to block.")
		return
	}
	pendingQuery := news.CommentQuery{Status: news.CommentPending, Email: c.AuthorEmail}
	what := "the email address " + c.AuthorEmail
	if b.Kind == "ip" {
		pendingQuery = news.CommentQuery{Status: news.CommentPending, IPHash: c.IPHash}
		what = "the network address " + c.AuthorName + "’s comment came from"
	}
	pending, err := s.store.CountComments(r.Context(), pendingQuery)
	if err != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The comments could not be counted.")
		return
	}
	if r.PostForm.Get("confirm") == "" {
		back := fmt.Sprintf("/admin/comments/%d/edit", c.ID)
		s.confirm(w, r, u, confirmBody{Heading: "Block this commenter?", Action: "/admin/comments/blocks", Confirm: "Block",
			Back: back, Hidden: []hiddenField{{"comment", strconv.FormatInt(c.ID, 10)}, {"kind", b.Kind}, {"confirm", "1"}},
			Lead: fmt.Sprintf("Blocking %s sends %s waiting for approval from it to spam now, and every new comment from it to spam too. You can lift the block under Blocked commenters.",
				what, countComments(pending))})
		return
	}
	if err := s.store.Block(r.Context(), b); err != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The block could not be saved.")
		return
	}
	s.log.Info("commenter blocked", "kind", b.Kind, "comment", c.ID, "by", u.ID)
	s.redirectWith(w, r, "/admin/comments/blocks", fmt.Sprintf("Blocked: %s waiting for approval sent to spam.", countComments(pending)))
}

func (s *Server) unblock(w http.ResponseWriter, r *http.Request, u *news.User) {
	if err := s.store.Unblock(r.Context(), r.PostForm.Get("kind"), r.PostForm.Get("value")); err != nil {
		s.fail(w, r, u, http.StatusBadRequest, "Not unblocked", "That block could not be lifted.")
		return
	}
	s.redirectWith(w, r, "/admin/comments/blocks", "Unblocked.")
}
