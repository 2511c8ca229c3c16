package admin

// Notifications inside the newsroom (issue 8, §5). A story submitted for review is
// announced to everyone who may publish it; its writer hears when someone else
// publishes or schedules it (the time named in the site's zone, with its label), or
// sends it back as a draft with a note, which stays at the top of the story's editor
// until they dismiss it or submit the story again. Every event is stored, one row per
// recipient (news.NotificationStore), so that every server shows it and a mailer can
// later send the same rows. The menu's Dashboard link carries the unread count.

import (
	"context"
	"errors"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"broadsheet/internal/news"
)

// Bounds of what the notifications show: the dashboard's unread ones, a page of the
// full list, and the menu's count, which is counted up to menuCountMax and shown as
// "9+" beyond menuCountMax-1.
const (
	dashboardNotices = 10
	noticesPage      = 20
	menuCountMax     = 10
	maxMarkIDs       = 100 // IDs a mark-read form may name
)

// noticeRate bounds a user's marking of notifications read (each is a write).
var noticeRate = writerRate{Kind: "notice-read", Burst: 60, Every: time.Second}

// routeNotifications adds the notifications' pages and forms to the admin's mux.
func (s *Server) routeNotifications(mux *http.ServeMux) {
	mux.Handle("GET /admin/notifications", s.require(news.PermViewDashboard, s.notifications))
	mux.Handle("POST /admin/notifications/read", s.require(news.PermViewDashboard, s.markNotificationsRead))
	mux.Handle("POST /admin/articles/{id}/send-back", s.require(news.PermEditAll, s.sendBack))
}

// notifyView is what the layout and the pages show of a user's notifications.
type notifyView struct {
	Unread   string       // the menu's count: "" for none, "3", "9+"
	Items    []noticeItem // the dashboard's unread notifications, or a page of them all
	More     int          // unread ones beyond those the dashboard shows
	Article  []noticeItem // the editor: notes about this story sent to this user
	SendBack *sendBackView
	Next     string // where a mark-read form comes back to
	Unseen   bool   // the list shows an unread one (offer "Mark all as read")
	// The full list's pages.
	Newer, Older string
	Page, Pages  int
}

// noticeItem is one notification as shown: a sentence whose story is a link (escaped
// here), the editor's note, when, and whether it is unread.
type noticeItem struct {
	ID       int64
	Sentence template.HTML
	Note     string
	By       string
	When     template.HTML
	Unread   bool
}

// sendBackView is the editor's form that sends a story in review back to its writer.
type sendBackView struct {
	ArticleID, Version int64
	Writer             string
	Note               string // what the editor typed, given back on a refusal
	Open               bool
}

// withUnread fills the menu's count for u: a bounded, indexed count on every page.
func (s *Server) withUnread(ctx context.Context, u *news.User, v *notifyView) *notifyView {
	if v == nil {
		v = &notifyView{}
	}
	n, err := s.store.CountUnreadNotifications(ctx, u.ID, menuCountMax)
	if err != nil {
		s.log.Error("count notifications", "user", u.ID, "err", err)
		return v
	}
	switch {
	case n >= menuCountMax:
		v.Unread = strconv.Itoa(menuCountMax-1) + "+"
	case n > 0:
		v.Unread = strconv.Itoa(n)
	}
	return v
}

// dashboardNotify is the dashboard's list: the unread notifications that still ask for
// attention, newest first.
func (s *Server) dashboardNotify(ctx context.Context, u *news.User) *notifyView {
	list, total, err := s.store.Notifications(ctx, news.NotificationQuery{UserID: u.ID, Unread: true, Current: true, Limit: dashboardNotices})
	if err != nil {
		s.log.Error("read notifications", "user", u.ID, "err", err)
		return &notifyView{Next: "/admin/"}
	}
	return &notifyView{Items: s.noticeItems(ctx, u, list), More: max(0, total-len(list)), Next: "/admin/"}
}

// editorNotify is what the editor shows above the story: the notes sent to u about it
// (unread), and, to an editor while the story is in review, the form that sends it
// back (with the note typed given back when a send-back was refused).
func (s *Server) editorNotify(r *http.Request, u *news.User, a *news.Article) *notifyView {
	if a.ID == 0 {
		return nil
	}
	ctx := r.Context()
	v := &notifyView{Next: fmt.Sprintf("/admin/articles/%d", a.ID)}
	list, _, err := s.store.Notifications(ctx, news.NotificationQuery{UserID: u.ID, ArticleID: a.ID, Kind: news.NotifySentBack, Unread: true, Limit: 10})
	if err != nil {
		s.log.Error("read notifications", "user", u.ID, "article", a.ID, "err", err)
	}
	v.Article = s.noticeItems(ctx, u, list)
	if a.Status == news.StatusReview && u.Role.Can(news.PermEditAll) {
		sb := &sendBackView{ArticleID: a.ID, Version: a.Version, Writer: "the writer"}
		if a.OwnerID != 0 {
			if w, err := s.store.User(ctx, a.OwnerID); err == nil {
				sb.Writer = w.Name
			}
		}
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/send-back") {
			sb.Note, sb.Open = r.PostForm.Get("note"), true
		}
		v.SendBack = sb
	}
	return v
}

// noticeItems words the notifications for u. Each names its story with a link: to the
// editor when u may edit the story as it is now, else to its public page when it is
// public, else to its read-only page when it is u's own they may not change (a
// contributor's scheduled story: readOnlyStory), else (a story u can no longer open)
// to nothing, saying where it went.
func (s *Server) noticeItems(ctx context.Context, u *news.User, list []*news.Notification) []noticeItem {
	now := s.cfg.Now()
	var out []noticeItem
	for _, n := range list {
		title := html.EscapeString(n.ArticleTitle)
		link := "<strong>“" + title + "”</strong>"
		if a, err := s.store.Article(ctx, n.ArticleID); err == nil {
			href := ""
			switch {
			case u.CanEdit(a):
				href = fmt.Sprintf("/admin/articles/%d", a.ID)
			case a.IsPublic(now):
				href = s.publicPath(a, now)
			case ownReadOnly(u, a):
				href = fmt.Sprintf("/admin/articles/%d", a.ID)
			}
			if href != "" {
				link = `<a href="` + html.EscapeString(href) + `">“` + title + `”</a>`
			}
		}
		who := html.EscapeString(n.ActorName)
		if who == "" {
			who = "Someone"
		}
		var sentence string
		switch n.Kind {
		case news.NotifySubmitted:
			sentence = who + " submitted " + link + " for review."
		case news.NotifySentBack:
			sentence = who + " sent " + link + " back to you:"
		case news.NotifyPublished:
			sentence = who + " published " + link + "."
			if n.ActorID == 0 && n.ActorName == "" && !n.At.IsZero() { // the scheduler's (news.WorkflowNotice with no actor)
				sentence = link + " was published at its scheduled time, " + string(s.timeHTML(n.At, layoutLong)) + "."
			}
		case news.NotifyScheduled:
			sentence = who + " scheduled " + link + " to be published " + string(s.timeHTML(n.At, layoutLong)) + "."
		default:
			continue
		}
		switch {
		case n.ArticleStatus == news.StatusTrash:
			sentence += " The story is now in the trash."
		case n.Kind == news.NotifySubmitted && n.ArticleStatus != news.StatusReview:
			sentence += " It is no longer in review (now " + html.EscapeString(string(n.ArticleStatus)) + ")."
		}
		out = append(out, noticeItem{ID: n.ID, Sentence: template.HTML(sentence), Note: n.Note, By: n.ActorName,
			When: s.when(n.CreatedAt), Unread: n.ReadAt.IsZero()})
	}
	return out
}

// notifications lists all of u's notifications, read or not, a page at a time.
func (s *Server) notifications(w http.ResponseWriter, r *http.Request, u *news.User) {
	ctx := r.Context()
	pageNo, _ := strconv.Atoi(r.URL.Query().Get("page"))
	pageNo = min(max(1, pageNo), news.MaxNotifications/noticesPage+1)
	list, total, err := s.store.Notifications(ctx, news.NotificationQuery{UserID: u.ID, Limit: noticesPage, Offset: (pageNo - 1) * noticesPage})
	if err != nil {
		s.log.Error("read notifications", "user", u.ID, "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "Your notifications could not be read.")
		return
	}
	v := &notifyView{Items: s.noticeItems(ctx, u, list), Page: pageNo, Pages: max(1, (total+noticesPage-1)/noticesPage),
		Next: "/admin/notifications"}
	for _, it := range v.Items {
		v.Unseen = v.Unseen || it.Unread
	}
	if pageNo > 1 {
		v.Newer = fmt.Sprintf("/admin/notifications?page=%d", pageNo-1)
		v.Next = fmt.Sprintf("/admin/notifications?page=%d", pageNo)
	}
	if pageNo*noticesPage < total {
		v.Older = fmt.Sprintf("/admin/notifications?page=%d", pageNo+1)
	}
	s.render(w, r, http.StatusOK, "notifications", &page{Title: "Notifications", Nav: "dashboard", User: u, CSRF: s.csrfToken(r),
		Notify: v})
}

// markNotificationsRead marks read the notifications the form names (id, repeated; at
// most maxMarkIDs), or all of u's with all=1, and goes back to the page it came from
// (next, inside the admin). Only u's own are ever marked: the store matches the user.
func (s *Server) markNotificationsRead(w http.ResponseWriter, r *http.Request, u *news.User) {
	if wait, err := s.take(r, u, noticeRate); err != nil {
		s.log.Error("count a mark-read", "user", u.ID, "err", err)
		s.fail(w, r, u, http.StatusServiceUnavailable, "Not done", "Your notifications could not be marked just now. Please try again.")
		return
	} else if wait > 0 {
		secs := retryAfter(w, wait)
		s.fail(w, r, u, http.StatusTooManyRequests, "Too many at once", fmt.Sprintf("You are marking notifications very often: please wait %d seconds, then try again.", secs))
		return
	}
	f := r.PostForm
	var ids []int64
	for _, v := range f["id"] {
		if len(ids) == maxMarkIDs {
			break
		}
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	all := f.Get("all") == "1"
	if len(ids) == 0 && !all {
		s.fail(w, r, u, http.StatusBadRequest, "Nothing to mark", "The form named no notification, so nothing was changed.")
		return
	}
	n, err := s.store.MarkNotificationsRead(r.Context(), u.ID, ids, all && len(ids) == 0, s.cfg.Now())
	if err != nil {
		s.log.Error("mark notifications read", "user", u.ID, "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "Your notifications could not be marked as read. Please try again.")
		return
	}
	done := "Marked as read."
	switch {
	case f.Get("dismiss") == "1":
		done = "Note dismissed."
	case all:
		done = fmt.Sprintf("%d notifications marked as read.", n)
	}
	s.redirectWith(w, r, safeNext(f.Get("next")), done)
}

// sendBack returns a story in review to its writer as a draft, with the editor's note
// (required: the writer must learn what to change), which reaches the writer's
// dashboard, menu count and the top of the story's editor. A refusal shows the editor
// again with the note typed.
func (s *Server) sendBack(w http.ResponseWriter, r *http.Request, u *news.User) {
	a, ok := s.loadEditable(w, r, u)
	if !ok {
		return
	}
	ctx := r.Context()
	raw := r.PostForm.Get("note")
	refuse := func(status int, msg string) { s.renderEditor(w, r, u, a, s.editBodyOf(a), status, msg) }
	if wait, err := s.take(r, u, saveRate); err != nil {
		s.log.Error("count a send-back", "user", u.ID, "err", err)
		refuse(http.StatusServiceUnavailable, "The story could not be sent back just now. Please try again; your note is still in the form.")
		return
	} else if wait > 0 {
		refuse(http.StatusTooManyRequests, fmt.Sprintf("You are saving very often: please wait %d seconds, then send it again. Your note is still in the form.", retryAfter(w, wait)))
		return
	}
	if a.Status != news.StatusReview {
		// The form is not shown on a story out of review: the note is given back here.
		refuse(http.StatusConflict, fmt.Sprintf("This story is no longer in review (it is %s), so it was not sent back and nobody was notified. Your note was: “%s”", a.Status, strings.TrimSpace(raw)))
		return
	}
	if !isValidText(raw) {
		refuse(http.StatusUnprocessableEntity, "The note holds bytes that are not valid text: nothing was sent.")
		return
	}
	note, _ := news.CleanText(strings.ReplaceAll(raw, "\r\n", "\n"))
	note = strings.TrimSpace(note)
	switch {
	case note == "":
		refuse(http.StatusUnprocessableEntity, "Write a note saying what the writer should change: the story was not sent back.")
		return
	case utf8.RuneCountInString(note) > news.MaxNoteRunes:
		refuse(http.StatusUnprocessableEntity, fmt.Sprintf("The note is longer than %d characters: shorten it, then send it again. Nothing was sent.", news.MaxNoteRunes))
		return
	}
	if base := baseVersion(r.PostForm.Get("version")); base != a.Version {
		refuse(http.StatusConflict, "The story was saved by someone since you opened it, so it was not sent back: read this version, then send it back. Your note is still in the form.")
		return
	}
	// The note reaches the writer in the write's own transaction (news.WorkflowNotice):
	// a story sent back is never without its note.
	a.Status, a.EditedBy, a.SendBackNote = news.StatusDraft, u.ID, note
	if err := s.store.UpdateArticle(ctx, a); err != nil {
		if errors.Is(err, news.ErrStale) {
			if cur, rerr := s.store.Article(ctx, a.ID); rerr == nil {
				a = cur
			}
			refuse(http.StatusConflict, "The story was saved by someone since you opened it, so it was not sent back: read this version, then send it back. Your note is still in the form.")
			return
		}
		s.log.Error("send back", "article", a.ID, "err", err)
		refuse(http.StatusInternalServerError, "The story could not be sent back. Please try again; your note is still in the form.")
		return
	}
	s.sync(r)
	done := "Sent back to the writer as a draft, with your note."
	if a.OwnerID == 0 || a.OwnerID == u.ID {
		done = "Returned to draft. The story has no other writer's account, so the note went to nobody."
	} else if wr, err := s.store.User(ctx, a.OwnerID); err == nil {
		done = "Sent back to " + wr.Name + " as a draft, with your note."
	}
	s.log.Info("article sent back", "article", a.ID, "by", u.ID)
	s.redirectWith(w, r, fmt.Sprintf("/admin/articles/%d", a.ID), done)
}
