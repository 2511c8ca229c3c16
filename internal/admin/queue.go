package admin

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	"broadsheet/internal/news"
)

// The comment queue (issue 8): tabs with their counts, a search of the text, name and
// email, keyset pages, select-all (a header checkbox with the script, "all on this page"
// without), the comment a reply answers beside it, links in spam shown as text, and
// deleting for good (one by one, or emptying spam or the trash) after a confirmation.

type queueTab struct {
	Status, Label string
	Count         int
	Current       bool
}

type queueAction struct{ Value, Label string }

// queueParent is the comment a reply answers, as the queue shows it beside the reply.
type queueParent struct {
	ID      int64
	Author  string
	Excerpt string
	Removed bool
}

type queueItem struct {
	*news.Comment
	BodyHTML                 template.HTML
	When                     template.HTML
	ArticleURL, ArticleTitle string
	CommentURL               string // the comment on the site, on its comment page (approved only)
	EditURL                  string // its edit page, with the way back to this list
	Actions                  []queueAction
	Parent                   *queueParent
}

type queueBody struct {
	Heading, Back string
	Status        string // the tab shown ("" for a commenter's history)
	Tabs          []queueTab
	Comments      []queueItem
	Bulk          []queueAction
	// Search is the search's text as typed; Searched how far a search looked when it
	// found less than a page (the last time looked at).
	Search   string
	Searched template.HTML
	// Prev, Next, First: the neighbouring pages' addresses ("" at an end).
	Prev, Next, First string
	// Empty offers "Empty spam" or "Empty trash" on those tabs.
	Empty string
}

var statusLabels = []struct {
	status news.CommentStatus
	label  string
}{{news.CommentPending, "Pending"}, {news.CommentApproved, "Approved"}, {news.CommentSpam, "Spam"}, {news.CommentTrash, "Trash"}}

var actionLabels = map[news.CommentStatus]string{
	news.CommentPending: "Unapprove", news.CommentApproved: "Approve", news.CommentSpam: "Spam", news.CommentTrash: "Trash"}

// actionLabel names the move of a comment from status from to status to as WordPress's
// list does: back to pending is "Not spam" from spam and "Restore" from the trash (it
// unapproves nothing there), "Unapprove" from approved.
func actionLabel(from, to news.CommentStatus) string {
	if to == news.CommentPending {
		switch from {
		case news.CommentSpam:
			return "Not spam"
		case news.CommentTrash:
			return "Restore"
		}
	}
	return actionLabels[to]
}

// actionDelete is the queue's action value that deletes for good (spam and trash only).
const actionDelete = "delete"

// inBin reports whether a comment of status st may be deleted for good: as in
// WordPress, only from spam and the trash, so that nothing readers see goes in one click.
func inBin(st news.CommentStatus) bool { return st == news.CommentSpam || st == news.CommentTrash }

// formatCommentKey and parseCommentKey write a CommentKey in a list address: "UNIX.ID".
func formatCommentKey(k news.CommentKey) string {
	return strconv.FormatInt(k.CreatedAt.Unix(), 10) + "." + strconv.FormatInt(k.ID, 10)
}

func parseCommentKey(s string) (*news.CommentKey, bool) {
	at, id, ok := strings.Cut(s, ".")
	n, err := strconv.ParseInt(id, 10, 64)
	sec, err2 := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil || err2 != nil || n <= 0 || sec < -62135596800 || sec > 253402300799 {
		return nil, false
	}
	return &news.CommentKey{CreatedAt: time.Unix(sec, 0).UTC(), ID: n}, true
}

// searchAEAD seals a search's text for the queue's addresses: a search may be an
// email address, and an address is kept in browser histories and in the logs of any
// proxy in front of the admin (as a commenter's history is addressed by a comment, not
// the email). The form posts the text; the list's address carries it sealed
// (AES-256-GCM under a key of the site's secret), bound to the session.
func (s *Server) searchAEAD() cipher.AEAD {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("admin queue search key"))
	block, _ := aes.NewCipher(m.Sum(nil))
	aead, _ := cipher.NewGCM(block)
	return aead
}

func (s *Server) sealSearch(r *http.Request, text string) string {
	aead := s.searchAEAD()
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, []byte(text), []byte("search\x00"+s.sessionHash(r))))
}

// openSearch returns the sealed search's text, or false when it is not this session's.
func (s *Server) openSearch(r *http.Request, sealed string) (string, bool) {
	data, err := base64.RawURLEncoding.DecodeString(sealed)
	aead := s.searchAEAD()
	if err != nil || len(data) < aead.NonceSize()+aead.Overhead() {
		return "", false
	}
	plain, err := aead.Open(nil, data[:aead.NonceSize()], data[aead.NonceSize():], []byte("search\x00"+s.sessionHash(r)))
	return string(plain), err == nil
}

// searchComments takes the search form (POST, so that the text is in no address) and
// shows the tab it was typed on, searched.
func (s *Server) searchComments(w http.ResponseWriter, r *http.Request, u *news.User) {
	v := url.Values{}
	if st := news.CommentStatus(r.PostForm.Get("status")); st.Valid() {
		v.Set("status", string(st))
	}
	if q := news.CutFilter(r.PostForm.Get("q")); q != "" {
		v.Set("s", s.sealSearch(r, q))
	}
	http.Redirect(w, r, "/admin/comments?"+v.Encode(), http.StatusSeeOther)
}

// comments shows the moderation queue of one status, or every comment of one email
// (the commenter's history), newest first, a page at a time.
func (s *Server) comments(w http.ResponseWriter, r *http.Request, u *news.User) {
	ctx, q := r.Context(), r.URL.Query()
	status := news.CommentStatus(q.Get("status"))
	// A commenter's history is addressed by one of their comments (?from=ID), never by
	// their email: an address in a URL would stay in browser histories and in the logs
	// of any proxy in front of the admin.
	var email string
	if from := q.Get("from"); from != "" {
		id, err := strconv.ParseInt(from, 10, 64)
		var c *news.Comment
		if err == nil {
			c, err = s.store.Comment(ctx, id)
		}
		if err != nil || c.AuthorEmail == "" {
			s.fail(w, r, u, http.StatusNotFound, "No such comment", "That comment does not exist (any more), or has no email.")
			return
		}
		email = c.AuthorEmail
	}
	if status == "" && email == "" {
		status = news.CommentPending
	}
	if status != "" && !status.Valid() {
		s.fail(w, r, u, http.StatusBadRequest, "Unknown status", "Comments are pending, approved, spam or trash.")
		return
	}
	var errMsg string
	search := news.CutFilter(q.Get("q")) // a link may name a search in plain; the form seals it
	if sealed := q.Get("s"); sealed != "" {
		var ok bool
		if search, ok = s.openSearch(r, sealed); !ok {
			errMsg = "That search was made in another session; search again."
		}
	}
	perPage := news.ListPageDefault
	if n, err := strconv.Atoi(q.Get("n")); err == nil {
		perPage = min(max(n, 10), news.ListPageMax)
	}
	query := news.QueueQuery{Status: status, Email: email, Match: search, Limit: perPage}
	if k, ok := parseCommentKey(q.Get("after")); ok {
		query.After = k
	} else if k, ok := parseCommentKey(q.Get("before")); ok {
		query.Before = k
	}
	// The list's address, less its place: the pages' links set one.
	base := url.Values{}
	for _, k := range []string{"status", "from", "s", "q", "n"} {
		if v := q.Get(k); v != "" {
			base.Set(k, v)
		}
	}
	if errMsg != "" {
		base.Del("s")
	}
	addr := func(key, value string) string {
		v := url.Values{}
		for k, x := range base {
			v[k] = x
		}
		if key != "" {
			v.Set(key, value)
		}
		if len(v) == 0 {
			return "/admin/comments"
		}
		return "/admin/comments?" + v.Encode()
	}
	body := queueBody{Back: backAddress(r.URL), Search: search, Status: string(status)}
	if email == "" {
		body.Status = string(status)
	}
	counts, err := s.store.CountCommentsByStatus(ctx)
	if err != nil {
		s.log.Error("comment queue counts", "err", err)
	}
	for _, l := range statusLabels {
		body.Tabs = append(body.Tabs, queueTab{string(l.status), l.label, counts[l.status], l.status == status && email == ""})
		if l.status == status {
			body.Heading = l.label + " comments"
		}
	}
	// The title says whose and what in general words: a browser's history (synced to
	// the moderator's other devices) keeps each title beside its address, and the
	// address carries neither the email nor the search (which may be one).
	title := body.Heading
	if email != "" {
		body.Heading, title = "Comments from "+email, "A commenter's comments"
	}
	if search != "" {
		body.Heading += ": search for “" + search + "”"
		title += ": search results"
	}
	pg, err := s.store.CommentQueue(ctx, query)
	if err != nil {
		s.log.Error("comment queue", "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The comments could not be read.")
		return
	}
	cs := pg.Comments
	if len(cs) > 0 {
		first, last := news.CommentKeyOf(cs[0]), news.CommentKeyOf(cs[len(cs)-1])
		if query.Before == nil {
			if pg.SearchedTo != nil {
				body.Next = addr("after", formatCommentKey(*pg.SearchedTo))
			} else if pg.More {
				body.Next = addr("after", formatCommentKey(last))
			}
			if query.After != nil {
				body.Prev = addr("before", formatCommentKey(first))
			}
		} else {
			body.Next = addr("after", formatCommentKey(last))
			if pg.SearchedTo != nil {
				body.Prev = addr("before", formatCommentKey(*pg.SearchedTo))
			} else if pg.More {
				body.Prev = addr("before", formatCommentKey(first))
			}
		}
	} else if pg.SearchedTo != nil {
		if query.Before == nil {
			body.Next = addr("after", formatCommentKey(*pg.SearchedTo))
		} else {
			body.Prev = addr("before", formatCommentKey(*pg.SearchedTo))
		}
	}
	if pg.SearchedTo != nil {
		body.Searched = s.when(pg.SearchedTo.CreatedAt)
	}
	if query.After != nil || query.Before != nil {
		body.First = addr("", "")
	}
	// The comments replies on this page answer, in one read.
	var parentIDs []int64
	for _, c := range cs {
		if c.ParentID != 0 && !slices.Contains(parentIDs, c.ParentID) {
			parentIDs = append(parentIDs, c.ParentID)
		}
	}
	parents, err := s.store.CommentsByID(ctx, parentIDs)
	if err != nil {
		s.log.Error("comment queue parents", "err", err)
	}
	articles := map[int64]*news.Article{}
	commentsPerPage := s.commentsPerPage(ctx)
	for _, c := range cs {
		a, ok := articles[c.ArticleID]
		if !ok {
			a, _ = s.store.Article(ctx, c.ArticleID)
			articles[c.ArticleID] = a
		}
		it := queueItem{Comment: c, BodyHTML: template.HTML(c.BodyHTML), When: s.when(c.CreatedAt),
			EditURL: fmt.Sprintf("/admin/comments/%d/edit?%s", c.ID, url.Values{"back": {body.Back}}.Encode())}
		if c.Status == news.CommentSpam {
			it.BodyHTML = linksAsText(c.BodyHTML)
		}
		if a != nil {
			it.ArticleTitle, it.ArticleURL = a.Title, s.cfg.ArticlePath(a)
			it.CommentURL = s.commentURL(ctx, a, c, commentsPerPage)
		}
		if p := parents[c.ParentID]; p != nil {
			it.Parent = parentOf(p)
		}
		it.Actions = statusActions(c.Status)
		body.Comments = append(body.Comments, it)
	}
	for _, l := range statusLabels {
		if l.status != status {
			body.Bulk = append(body.Bulk, queueAction{string(l.status), actionLabel(status, l.status)})
		}
	}
	if inBin(status) && email == "" {
		body.Bulk = append(body.Bulk, queueAction{actionDelete, "Delete permanently"})
		if counts[status] > 0 {
			body.Empty = map[news.CommentStatus]string{news.CommentSpam: "Empty spam", news.CommentTrash: "Empty trash"}[status]
		}
	}
	s.render(w, r, http.StatusOK, "comments", &page{Title: title, Nav: "comments", User: u, CSRF: s.csrfToken(r),
		Error: errMsg, Body: body})
}

// statusActions are the buttons of a comment of status st: the other statuses, and
// "Delete permanently" in spam and the trash.
func statusActions(st news.CommentStatus) []queueAction {
	var out []queueAction
	for _, l := range statusLabels {
		if l.status != st {
			out = append(out, queueAction{string(l.status), actionLabel(st, l.status)})
		}
	}
	if inBin(st) {
		out = append(out, queueAction{actionDelete, "Delete permanently"})
	}
	return out
}

// parentExcerptRunes is how much of the answered comment's text the queue shows.
const parentExcerptRunes = 120

func parentOf(p *news.Comment) *queueParent {
	qp := &queueParent{ID: p.ID, Author: p.AuthorName, Removed: p.Removed}
	text := strings.Join(strings.Fields(p.Body), " ")
	if utf8.RuneCountInString(text) > parentExcerptRunes {
		text = strings.TrimRight(string([]rune(text)[:parentExcerptRunes]), " ") + "…"
	}
	qp.Excerpt = text
	return qp
}

// linksAsText renders a comment's (sanitised) HTML with its links as text: the link's
// words, then its address in brackets when they differ. A spam comment exists to be
// clicked; in the queue its links are to be read, not followed.
func linksAsText(s string) template.HTML {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	var href string
	var inLink bool
	var words strings.Builder
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if inLink {
				b.WriteString("</span>")
			}
			return template.HTML(b.String())
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			if t.Data == "a" {
				href, inLink = "", true
				words.Reset()
				for _, a := range t.Attr {
					if a.Key == "href" {
						href = a.Val
					}
				}
				b.WriteString(`<span class="spam-link">`)
				continue
			}
			b.WriteString(t.String())
		case html.EndTagToken:
			t := z.Token()
			if t.Data == "a" {
				if inLink && href != "" && strings.TrimSpace(words.String()) != href {
					b.WriteString(" [" + html.EscapeString(href) + "]")
				}
				if inLink {
					b.WriteString("</span>")
				}
				inLink = false
				continue
			}
			b.WriteString(t.String())
		case html.TextToken:
			t := z.Token()
			if inLink {
				words.WriteString(t.Data)
			}
			b.WriteString(html.EscapeString(t.Data))
		default:
			b.WriteString(z.Token().String())
		}
	}
}

// queueBack is a form's "back" when it names a queue address, else the queue.
func queueBack(back string) string {
	if back == "/admin/comments" || strings.HasPrefix(back, "/admin/comments?") {
		return back
	}
	return "/admin/comments"
}

// moderateMany applies one row's button ("ID:status") or the bulk action to the
// selected rows, or with "all" to every row of the page, then goes back to the list it
// came from. "delete" asks for a confirmation first.
func (s *Server) moderateMany(w http.ResponseWriter, r *http.Request, u *news.User) {
	var ids []int64
	var action string
	add := func(v string) bool {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			s.fail(w, r, u, http.StatusBadRequest, "Unknown comment", "The form named no comment.")
			return false
		}
		if !slices.Contains(ids, id) { // a name sent twice is one comment
			ids = append(ids, id)
		}
		return true
	}
	f := r.PostForm
	switch {
	case f.Get("one") != "":
		idText, st, _ := strings.Cut(f.Get("one"), ":")
		if !add(idText) {
			return
		}
		action = st
	default:
		action = f.Get("bulk")
		names := f["ids"]
		if f.Get("all") != "" { // "all on this page", without the script
			names = f["page"]
		}
		if len(names) > news.ListPageMax {
			s.fail(w, r, u, http.StatusBadRequest, "Too many comments", fmt.Sprintf("At most %d comments are changed at once.", news.ListPageMax))
			return
		}
		for _, v := range names {
			if !add(v) {
				return
			}
		}
	}
	back := queueBack(f.Get("back"))
	if action == actionDelete {
		s.confirmDelete(w, r, u, ids, back)
		return
	}
	s.setStatuses(w, r, u, ids, news.CommentStatus(action), back)
}

type hiddenField struct{ Name, Value string }

// confirmBody is a confirmation page of the queue: what will happen, and a form that
// does it (Hidden are its fields) or goes back.
type confirmBody struct {
	Heading, Lead, Action, Confirm, Back string
	Hidden                               []hiddenField
	Items                                []queueItem
}

func (s *Server) confirm(w http.ResponseWriter, r *http.Request, u *news.User, b confirmBody) {
	s.render(w, r, http.StatusOK, "queueconfirm", &page{Title: b.Heading, Nav: "comments", User: u, CSRF: s.csrfToken(r), Body: b})
}

// confirmDelete asks before deleting the comments for good, naming them.
func (s *Server) confirmDelete(w http.ResponseWriter, r *http.Request, u *news.User, ids []int64, back string) {
	if len(ids) == 0 {
		s.redirectWith(w, r, back, "No comment was selected, so nothing was deleted.")
		return
	}
	found, err := s.store.CommentsByID(r.Context(), ids)
	if err != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The comments could not be read.")
		return
	}
	b := confirmBody{Heading: "Delete permanently?", Action: "/admin/comments/delete", Confirm: "Delete permanently", Back: back,
		Hidden: []hiddenField{{"back", back}}}
	skipped := 0
	for _, id := range ids {
		c := found[id]
		if c == nil || c.Removed || !inBin(c.Status) {
			skipped++
			continue
		}
		b.Hidden = append(b.Hidden, hiddenField{"ids", strconv.FormatInt(id, 10)})
		it := queueItem{Comment: c, BodyHTML: linksAsText(c.BodyHTML), When: s.when(c.CreatedAt)}
		b.Items = append(b.Items, it)
	}
	if len(b.Items) == 0 {
		s.redirectWith(w, r, back, "Nothing was deleted: only comments in spam or the trash can be deleted permanently.")
		return
	}
	b.Lead = fmt.Sprintf("%s will be deleted permanently: this cannot be undone. A comment that replies answer stays on the site as a “%s” placeholder, so that the replies keep their place.",
		countComments(len(b.Items)), news.CommentRemovedText)
	if skipped > 0 {
		b.Lead += fmt.Sprintf(" %s of those selected %s not in spam or the trash, and will be left as they are.", countComments(skipped), map[bool]string{true: "is", false: "are"}[skipped == 1])
	}
	s.confirm(w, r, u, b)
}

func countComments(n int) string {
	if n == 1 {
		return "1 comment"
	}
	return fmt.Sprintf("%d comments", n)
}

// deleteComments deletes for good the confirmed comments (spam and trash only).
func (s *Server) deleteComments(w http.ResponseWriter, r *http.Request, u *news.User) {
	var ids []int64
	names := r.PostForm["ids"]
	if len(names) > news.ListPageMax {
		s.fail(w, r, u, http.StatusBadRequest, "Too many comments", fmt.Sprintf("At most %d comments are deleted at once.", news.ListPageMax))
		return
	}
	for _, v := range names {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.fail(w, r, u, http.StatusBadRequest, "Unknown comment", "The form named no comment.")
			return
		}
		ids = append(ids, id)
	}
	back := queueBack(r.PostForm.Get("back"))
	if len(ids) == 0 {
		s.redirectWith(w, r, back, "No comment was selected, so nothing was deleted.")
		return
	}
	p, err := s.store.DeleteComments(r.Context(), ids)
	if err != nil {
		s.log.Error("delete comments", "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The comments could not be deleted.")
		return
	}
	s.sync(r)
	s.log.Info("comments deleted", "count", p.Comments, "placeholders", p.Placeholders, "by", u.ID)
	s.redirectWith(w, r, back, deletedMessage(p, len(ids)))
}

func deletedMessage(p news.Purged, asked int) string {
	msg := countComments(p.Comments) + " deleted permanently."
	if p.Comments == 1 {
		msg = "1 comment deleted permanently."
	}
	if p.Placeholders > 0 {
		msg += fmt.Sprintf(" %d left as “%s” because replies answer %s.", p.Placeholders, news.CommentRemovedText,
			map[bool]string{true: "it", false: "them"}[p.Placeholders == 1])
	}
	if left := asked - p.Comments; left > 0 {
		msg += fmt.Sprintf(" %s no longer in spam or the trash, so left as %s.", countComments(left), map[bool]string{true: "was", false: "were"}[left == 1])
	}
	return msg
}

// emptyBatches bounds one "Empty spam" request: that many store batches of
// news.PurgeBatch (each its own short transaction, as the retention's purge); a bigger
// bin is emptied by pressing again, as the message says.
const emptyBatches = 20

// emptyBin empties spam or the trash, after a confirmation that says how many.
func (s *Server) emptyBin(w http.ResponseWriter, r *http.Request, u *news.User) {
	ctx := r.Context()
	status := news.CommentStatus(r.PostForm.Get("status"))
	if !inBin(status) {
		s.fail(w, r, u, http.StatusBadRequest, "Not emptied", "Only spam and the trash are emptied.")
		return
	}
	where := map[news.CommentStatus]string{news.CommentSpam: "spam", news.CommentTrash: "the trash"}[status]
	back := "/admin/comments?status=" + string(status)
	if r.PostForm.Get("confirm") == "" {
		counts, err := s.store.CountCommentsByStatus(ctx)
		if err != nil {
			s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The comments could not be counted.")
			return
		}
		if counts[status] == 0 {
			s.redirectWith(w, r, back, "There is nothing in "+where+".")
			return
		}
		label := map[news.CommentStatus]string{news.CommentSpam: "Empty spam", news.CommentTrash: "Empty trash"}[status]
		s.confirm(w, r, u, confirmBody{Heading: label + "?", Action: "/admin/comments/empty", Confirm: label, Back: back,
			Hidden: []hiddenField{{"status", string(status)}, {"confirm", "1"}},
			Lead: fmt.Sprintf("All %s in %s will be deleted permanently: this cannot be undone. A comment that replies answer stays on the site as a “%s” placeholder.",
				countComments(counts[status]), where, news.CommentRemovedText)})
		return
	}
	var total news.Purged
	for i := 0; i < emptyBatches; i++ {
		p, err := s.store.EmptyComments(ctx, status, news.PurgeBatch)
		total.Comments += p.Comments
		total.Placeholders += p.Placeholders
		total.More = p.More
		if err != nil {
			s.log.Error("empty comments", "status", status, "err", err)
			s.sync(r)
			s.redirectWith(w, r, back, fmt.Sprintf("%s deleted permanently, then the rest could not be; please try again.", countComments(total.Comments)))
			return
		}
		if !p.More {
			break
		}
	}
	s.sync(r)
	s.log.Info("comments emptied", "status", status, "count", total.Comments, "more", total.More, "by", u.ID)
	msg := fmt.Sprintf("%s emptied: %s deleted permanently.", strings.ToUpper(where[:1])+where[1:], countComments(total.Comments))
	if total.Placeholders > 0 {
		msg += fmt.Sprintf(" %d left as “%s” because replies answer them.", total.Placeholders, news.CommentRemovedText)
	}
	if total.More {
		msg = fmt.Sprintf("%s deleted permanently from %s; more are left: press “Empty” again to go on.", countComments(total.Comments), where)
	}
	s.redirectWith(w, r, back, msg)
}
