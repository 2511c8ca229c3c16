package admin

// The full preview, private preview links, the trash's undo and a writer's read-only
// view of their own story (issue 8, section 2).
//
// The preview is the public site's own article page (its template, header, footer and
// stylesheet), rendered by the site (Previewer) from the saved story or from the
// editor's unsaved form, and shown in a sandboxed frame whose document is given inline
// (srcdoc): no address to fetch, so nothing of it is cached or reachable, and the
// frame's document inherits the admin page's Content-Security-Policy (no script runs in
// it: the sandbox allows none). The frame is as wide as the column ("Desktop") or
// 390 CSS pixels ("Phone"), switched by two radio buttons and CSS, without script; the
// site's stylesheet sees the frame's width as its viewport, so the phone layout is the
// phone's.

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"broadsheet/internal/auth"
	"broadsheet/internal/news"
	"broadsheet/internal/render"
)

// Previewer renders a story as the public site shows it; *site.Server is one
// (PreviewPage). The admin reaches it through the Syncer it is given.
type Previewer interface {
	PreviewPage(ctx context.Context, a *news.Article, note string) (page []byte, csp string, err error)
}

// previewSandbox is the frame's sandbox: no script, no forms, an opaque origin (the
// story's HTML never acts as the admin); links open in a new tab (the site's pages may
// not be framed), outside the sandbox.
const previewSandbox = "allow-popups allow-popups-to-escape-sandbox"

type previewLinkView struct {
	ID      int64
	By      string
	Created time.Time
	Expires time.Time
}

type previewView struct {
	Article   *news.Article
	Doc       string   // the site's page, for the frame's srcdoc
	Unsaved   bool     // the editor's form, not the saved story
	Edit      bool     // the viewer may edit the story
	ReadOnly  bool     // the writer's own story they may not change now
	Withdraw  bool     // ReadOnly, and the writer may take it out of review (User.CanWithdraw)
	PublicURL string   // the live story's full public link (base URL and permalink); "" until live
	Report    []string // what the sanitiser removes (an unsaved form's)
	Note      string   // about the featured image of an unsaved form
	// Links are the story's live private links; CanLink, whether the viewer may make
	// and revoke them (who may edit it, while it is not public nor in the trash).
	Links   []previewLinkView
	CanLink bool
	MaxLink int
	LinkTTL int // days
}

// previewStatus is the story's state in words, with its time where it has one.
func (v *previewView) Status() string {
	switch v.Article.Status {
	case news.StatusReview:
		return "submitted for review"
	case news.StatusScheduled:
		return "scheduled"
	}
	return string(v.Article.Status)
}

// mayLink: who may edit a story may send a private link to it while it is not public
// and not in the trash.
func mayLink(u *news.User, a *news.Article, now time.Time) bool {
	return u.CanEdit(a) && a.Status != news.StatusTrash && !a.IsPublic(now)
}

// fullPreview shows the saved story as readers will see it (GET
// /admin/articles/{id}/preview): who may edit it, and its writer in any state but the
// trash (a contributor's scheduled story).
func (s *Server) fullPreview(w http.ResponseWriter, r *http.Request, u *news.User) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var a *news.Article
	if err == nil {
		a, err = s.store.Article(r.Context(), id)
	}
	if err != nil {
		s.fail(w, r, u, http.StatusNotFound, "No such article", "That article does not exist (any more).")
		return
	}
	if !mayPreview(u, a) {
		s.fail(w, r, u, http.StatusForbidden, "Not allowed", "Your role may not open this article.")
		return
	}
	s.showPreview(w, r, u, a, &previewView{Edit: u.CanEdit(a)})
}

// showPreview renders the preview page of a (saved, or the form's when v.Unsaved).
func (s *Server) showPreview(w http.ResponseWriter, r *http.Request, u *news.User, a *news.Article, v *previewView) {
	ctx, now := r.Context(), s.cfg.Now()
	pv, ok := s.site.(Previewer)
	if !ok {
		s.fail(w, r, u, http.StatusNotImplemented, "No preview", "This server has no public site to render the preview with.")
		return
	}
	doc, _, err := pv.PreviewPage(ctx, a, "")
	if err != nil {
		s.log.Error("render a preview", "article", a.ID, "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The preview could not be made. Your text is safe in the editor.")
		return
	}
	v.Article, v.Doc = a, string(doc)
	if p := s.publicPath(a, now); p != "" {
		v.PublicURL = strings.TrimRight(s.cfg.BaseURL, "/") + p
	}
	v.MaxLink, v.LinkTTL = news.MaxPreviewLinks, int(news.PreviewLinkTTL/(24*time.Hour))
	if !v.Unsaved && a.ID != 0 && mayLink(u, a, now) {
		v.CanLink = true
		links, err := s.store.PreviewLinks(ctx, a.ID, now)
		if err != nil {
			s.log.Error("read preview links", "article", a.ID, "err", err)
		}
		for _, l := range links {
			v.Links = append(v.Links, previewLinkView{ID: l.ID, By: l.CreatedByName, Created: l.CreatedAt, Expires: l.ExpiresAt})
		}
	}
	title := "Preview: " + a.Title
	if v.ReadOnly {
		title = a.Title
	}
	// The frame's document inherits this page's policy: the admin's, with the embeds'
	// frame-src so that a video shows as it will on the site.
	w.Header().Set("Content-Security-Policy", adminCSP+"; "+render.FrameSrc(s.embeds(ctx)))
	s.render(w, r, http.StatusOK, "preview", &page{Title: title, Nav: "articles", User: u, CSRF: s.csrfToken(r), Body: v})
}

// previewForm shows the editor's unsaved form as readers will see it (POST
// /admin/articles/preview and /admin/articles/{id}/preview, sent by the editor's
// Preview button into a new tab, so that the editor keeps everything typed). It writes
// nothing; it is limited as the live preview is (previewRate).
func (s *Server) previewForm(w http.ResponseWriter, r *http.Request, u *news.User) {
	a := &news.Article{Status: news.StatusDraft, OwnerID: u.ID}
	if r.PathValue("id") != "" {
		var ok bool
		if a, ok = s.loadEditable(w, r, u); !ok {
			return
		}
	} else if r.PostForm.Get("kind") == string(news.KindPage) {
		a.Kind = news.KindPage // a new page's form: previewed as a page
	}
	if wait, err := s.take(r, u, previewRate); err != nil || wait > 0 {
		if err != nil {
			s.log.Error("count a preview", "user", u.ID, "err", err)
			s.fail(w, r, u, http.StatusServiceUnavailable, "No preview just now", "The preview could not be made just now. Your text is safe in the editor: try again in a moment.")
			return
		}
		retryAfter(w, wait)
		s.fail(w, r, u, http.StatusTooManyRequests, "Previews too fast", "Previews are coming too fast. Your text is safe in the editor: wait a second, then press Preview again.")
		return
	}
	b := s.formBody(r.PostForm, a)
	if !validText(b.Title, b.Standfirst, b.Body, b.Correction, b.ImageAlt, b.ImageCaption, b.Tags, b.Section) {
		s.fail(w, r, u, http.StatusUnprocessableEntity, "No preview", "The form holds bytes that are not valid text.")
		return
	}
	cleanEditorText(b)
	body, report, err := render.ArticleMarkdown(r.Context(), b.Body, s.embeds(r.Context()))
	if err != nil {
		s.fail(w, r, u, http.StatusUnprocessableEntity, "No preview", markdownRefusal(err))
		return
	}
	c := *a
	c.Title, c.Standfirst, c.BodyMarkdown, c.BodyHTML, c.CorrectionNote = b.Title, b.Standfirst, b.Body, body, b.Correction
	if c.Title == "" {
		c.Title = "(No headline yet)"
	}
	pub := s.publicationTime(r.PostForm, a.PublishedAt)
	if pub.Refusal == "" {
		c.PublishedAt = pub.At.UTC()
	}
	if b.Section != "" && !c.IsPage() {
		c.Section = &news.Section{Name: b.Section, Slug: news.Slugify(b.Section)}
	}
	c.Tags = nil
	for _, t := range strings.Split(b.Tags, ",") {
		if t = strings.TrimSpace(t); t != "" && !c.IsPage() {
			c.Tags = append(c.Tags, &news.Tag{Name: t, Slug: news.Slugify(t)})
		}
	}
	if c.Author == nil {
		c.Author = &news.Author{Name: u.Name, Slug: news.Slugify(u.Name)}
	}
	v := &previewView{Unsaved: true, Edit: true}
	// The featured image as the form chose it; an upload joins the library only when
	// the story is saved, so the preview cannot show it yet.
	switch choice := r.PostForm.Get("image_media"); {
	case r.MultipartForm != nil && len(r.MultipartForm.File["image_file"]) > 0 && r.MultipartForm.File["image_file"][0].Size > 0:
		v.Note = "The image you chose to upload is shown once the story is saved."
	case choice == "":
		c.FeaturedImage = nil
	case choice == "current":
		if c.FeaturedImage != nil {
			img := *c.FeaturedImage
			img.Alt, img.Caption = b.ImageAlt, b.ImageCaption
			c.FeaturedImage = &img
		}
	default:
		id, err := strconv.ParseInt(choice, 10, 64)
		if m, err2 := s.store.MediaItem(r.Context(), id); err == nil && err2 == nil {
			c.FeaturedImage = imageOf(m, b.ImageAlt, b.ImageCaption)
		}
	}
	if !report.Empty() {
		v.Report = report.Lines()
	}
	s.showPreview(w, r, u, &c, v)
}

// createPreviewLink makes a private preview link of the story (POST
// /admin/articles/{id}/preview-links): who may edit it, while it is not public nor in
// the trash, at most news.MaxPreviewLinks live at once, each made counting against the
// writer's save rate. The link is shown once (only its hash is kept), in the next
// page's message.
func (s *Server) createPreviewLink(w http.ResponseWriter, r *http.Request, u *news.User) {
	a, ok := s.loadEditable(w, r, u)
	if !ok {
		return
	}
	ctx, now := r.Context(), s.cfg.Now()
	back := fmt.Sprintf("/admin/articles/%d/preview", a.ID)
	if !mayLink(u, a, now) {
		s.fail(w, r, u, http.StatusUnprocessableEntity, "No link made", "Only a story that is not public and not in the trash gets a private preview link; a published story has its own address.")
		return
	}
	if wait, err := s.take(r, u, saveRate); err != nil || wait > 0 {
		if wait > 0 {
			retryAfter(w, wait)
		}
		s.fail(w, r, u, http.StatusTooManyRequests, "No link made", "You are making links very often: wait a few seconds, then try again.")
		return
	}
	token := rand.Text() // 26 characters of base32: 130 random bits
	l := &news.PreviewLink{ArticleID: a.ID, TokenHash: auth.HashToken(token), CreatedBy: u.ID, CreatedAt: now, ExpiresAt: now.Add(news.PreviewLinkTTL)}
	if err := s.store.CreatePreviewLink(ctx, l, news.MaxPreviewLinks); err != nil {
		if errors.Is(err, news.ErrLimit) {
			s.fail(w, r, u, http.StatusConflict, "No link made", fmt.Sprintf("This story has %d live preview links, the most it may have: revoke one you no longer need, then make a new one.", news.MaxPreviewLinks))
			return
		}
		s.log.Error("create a preview link", "article", a.ID, "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "No link made", "The link could not be made just now. Please try again.")
		return
	}
	s.log.Info("preview link made", "article", a.ID, "link", l.ID, "by", u.ID)
	link := strings.TrimRight(s.cfg.BaseURL, "/") + "/preview/" + token + "/"
	s.redirectWith(w, r, back, "Private preview link made (copy it now: it is shown only this once): "+link+" — anyone with it can read the story as it is saved, until "+atMarker(l.ExpiresAt)+" or until you revoke it (taking the story down after publication, or moving it to the trash, ends it too).")
}

// revokePreviewLink ends a private preview link at once (POST
// /admin/articles/{id}/preview-links/{link}/revoke), for who may edit the story.
func (s *Server) revokePreviewLink(w http.ResponseWriter, r *http.Request, u *news.User) {
	a, ok := s.loadEditable(w, r, u)
	if !ok {
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("link"), 10, 64)
	if err := s.store.RevokePreviewLink(r.Context(), a.ID, id); err != nil {
		if errors.Is(err, news.ErrNotFound) {
			s.redirectWith(w, r, fmt.Sprintf("/admin/articles/%d/preview", a.ID), "That preview link had expired or was revoked already.")
			return
		}
		s.log.Error("revoke a preview link", "article", a.ID, "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Not revoked", "The link could not be revoked just now. Please try again.")
		return
	}
	s.log.Info("preview link revoked", "article", a.ID, "link", id, "by", u.ID)
	s.redirectWith(w, r, fmt.Sprintf("/admin/articles/%d/preview", a.ID), "Preview link revoked: it no longer opens the story.")
}

// readOnlyStory shows a writer their own story they may not change now (a
// contributor's scheduled or published one): its text as readers see it, its state,
// and its public address once live. ok is false when u may not see it either.
func (s *Server) readOnlyStory(w http.ResponseWriter, r *http.Request, u *news.User) (ok bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return false
	}
	a, err := s.store.Article(r.Context(), id)
	if err != nil || !ownReadOnly(u, a) {
		return false
	}
	s.showPreview(w, r, u, a, &previewView{ReadOnly: true, Withdraw: u.CanWithdraw(a)})
	return true
}

// withdraw takes a writer's own story out of review, back to a draft they may edit
// (POST /admin/articles/{id}/withdraw, with the version the page showed): the read-only
// view's "Withdraw to edit". The editors' review request stops counting as the story
// leaves review (news.Notification.Current).
func (s *Server) withdraw(w http.ResponseWriter, r *http.Request, u *news.User) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var a *news.Article
	if err == nil {
		a, err = s.store.Article(r.Context(), id)
	}
	if err != nil {
		s.fail(w, r, u, http.StatusNotFound, "No such article", "That article does not exist (any more).")
		return
	}
	back := fmt.Sprintf("/admin/articles/%d", a.ID)
	if a.Status != news.StatusReview {
		if !mayPreview(u, a) {
			s.fail(w, r, u, http.StatusForbidden, "Not allowed", "Your role may not change this article.")
			return
		}
		s.redirectWith(w, r, back, "This story is no longer waiting for review, so it was not withdrawn.")
		return
	}
	if !u.CanMove(a, news.StatusDraft) {
		s.log.Info("refused", "user", u.ID, "role", u.Role, "action", "withdraw", "article", a.ID)
		s.fail(w, r, u, http.StatusForbidden, "Not allowed", fmt.Sprintf("Your role (%s) may not withdraw this article, so nothing was changed.", u.Role))
		return
	}
	if base, err := strconv.ParseInt(r.PostForm.Get("version"), 10, 64); err != nil || base != a.Version {
		s.redirectWith(w, r, back, "Someone changed this story since you opened it, so it was not withdrawn: look at it again, then try again.")
		return
	}
	a.Status, a.EditedBy = news.StatusDraft, u.ID
	if err := s.store.UpdateArticle(r.Context(), a); err != nil {
		if errors.Is(err, news.ErrStale) {
			s.redirectWith(w, r, back, "Someone changed this story since you opened it, so it was not withdrawn: look at it again, then try again.")
			return
		}
		s.log.Error("withdraw from review", "article", a.ID, "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Not withdrawn", "The story could not be withdrawn just now. Please try again.")
		return
	}
	s.log.Info("article withdrawn from review", "article", a.ID, "by", u.ID)
	s.redirectWith(w, r, back, "Withdrawn from review: it is a draft again, and you may edit it. Submit it again when it is ready.")
}

// ownReadOnly reports whether a is u's own story that u may not change now but may
// read: readOnlyStory shows it, and a notification about it links there.
func ownReadOnly(u *news.User, a *news.Article) bool {
	return !u.CanEdit(a) && a.OwnerID == u.ID && a.Status != news.StatusTrash && u.Role.Can(news.PermWriteDrafts)
}

// untrash is the trash's Undo (POST /admin/articles/{id}/untrash): the story goes back
// to the state it had (news.RestoredStatus).
func (s *Server) untrash(w http.ResponseWriter, r *http.Request, u *news.User) {
	a, ok := s.loadEditable(w, r, u)
	if !ok {
		return
	}
	if a.Status != news.StatusTrash {
		s.redirectWith(w, r, fmt.Sprintf("/admin/articles/%d", a.ID), "That story is not in the trash.")
		return
	}
	to, msg := s.restoreTarget(r, u, a)
	a.Status, a.EditedBy = to, u.ID
	if err := s.store.UpdateArticle(r.Context(), a); err != nil {
		s.log.Error("restore from the trash", "article", a.ID, "err", err)
		s.fail(w, r, u, http.StatusConflict, "Not restored", "The story could not be restored: someone changed it meanwhile, or its address is taken. Open it and try again.")
		return
	}
	s.sync(r) // published again: the writer was told in the write (news.WorkflowNotice)
	s.log.Info("article restored", "article", a.ID, "status", a.Status, "by", u.ID)
	s.redirectWith(w, r, fmt.Sprintf("/admin/articles/%d", a.ID), msg)
}

// restoreTarget is the status a trashed story is restored to, and the message saying so.
func (s *Server) restoreTarget(r *http.Request, u *news.User, a *news.Article) (news.ArticleStatus, string) {
	before, err := s.store.StatusBeforeTrash(r.Context(), a.ID)
	if err != nil && !errors.Is(err, news.ErrNotFound) {
		s.log.Error("status before the trash", "article", a.ID, "err", err)
	}
	to, ok := news.RestoredStatus(u, a, before, s.cfg.Now())
	switch {
	case !ok:
		return to, fmt.Sprintf("Restored from the trash as a draft (it was %s, which your role may not make it).", before)
	case to == news.StatusPublished && before == news.StatusScheduled:
		return to, "Restored from the trash. Its scheduled time passed meanwhile, so it is published."
	case to == news.StatusPublished:
		return to, "Restored from the trash: published again."
	case to == news.StatusScheduled:
		return to, "Restored from the trash: scheduled for " + atMarker(a.PublishedAt) + "."
	}
	return to, "Restored from the trash as " + map[news.ArticleStatus]string{news.StatusDraft: "a draft", news.StatusReview: "a story waiting for review", news.StatusUnpublished: "unpublished"}[to] + "."
}

// undoMarker ends a message whose page offers to undo a move to the trash: the page
// shows an Undo button (a POST with the session's token) for the story. Messages are
// sealed (flash.go), so the marker is the server's own.
func undoMarker(id int64) string { return "{undo:" + strconv.FormatInt(id, 10) + "}" }

// cutUndo takes an undo marker off the end of a message: the message to show, and the
// story to offer to restore (0: none).
func cutUndo(msg string) (string, int64) {
	i := strings.LastIndex(msg, "{undo:")
	if i < 0 || !strings.HasSuffix(msg, "}") {
		return msg, 0
	}
	id, err := strconv.ParseInt(msg[i+len("{undo:"):len(msg)-1], 10, 64)
	if err != nil || id <= 0 {
		return msg, 0
	}
	return strings.TrimRight(msg[:i], " "), id
}
