package admin

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"broadsheet/internal/auth"
	"broadsheet/internal/news"
	"broadsheet/internal/render"
)

// editorFields are the editor form's fields that a kept form holds, with the version
// the form was loaded from: a kept form given back and saved is checked against it.
var editorFields = []string{"title", "standfirst", "body", "section", "tags", "slug", "published", "seo", "correction",
	"image_media", "image_alt", "image_caption", "comments_closed", "published_zone", "published_choice", "version", "create_key",
	"byline", "author", "coauthor"} // bylines.go

// Caps on kept forms: the text of a form's fields (the size of the editor's urlencoded
// form), and how many forms of each kind one user has kept (the oldest go first).
const (
	maxKeptText     = 1 << 20
	maxKeptSaves    = 10 // saves that arrived after their session ended
	maxKeptAutosave = 20 // autosaves: one per article with unsaved changes
)

// A writer's work on articles is a token bucket per writer and kind in the store (a
// burst at once, then one every so often), so that no account, however trusted, can
// fill the disk or the CPU in a loop: saves (each renders Markdown and may keep a
// version), previews (each renders), autosaves (each writes up to a megabyte), uploads
// (each keeps up to media.MaxBytes and its variants, after seconds of processing).
var (
	// saveRate and uploadRate are shared with the admin API (news.SaveRate,
	// news.UploadRate): a writer's saves and uploads count once, whichever way they come.
	saveRate     = news.SaveRate
	previewRate  = writerRate{Kind: "preview", Burst: 10, Every: time.Second}
	autosaveRate = writerRate{Kind: "autosave", Burst: 20, Every: 5 * time.Second}
	// uploadRate: images, by any form (the library's, the editor's featured image, the
	// body's inline images) or the API.
	uploadRate = news.UploadRate
)

type writerRate = news.WriterRate

// take spends one of u's tokens of the kind, or returns how long until one is there.
func (s *Server) take(r *http.Request, u *news.User, rate writerRate) (time.Duration, error) {
	return s.store.TakeToken(r.Context(), news.WriterLimitKey(s.secret, rate.Kind, u.ID), rate.Burst, rate.Every, s.cfg.Now())
}

// retryAfter says when to come back, in whole seconds (at least one).
func retryAfter(w http.ResponseWriter, wait time.Duration) int {
	secs := int(wait.Seconds()) + 1
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	return secs
}

var editorField = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range editorFields {
		m[k] = true
	}
	return m
}()

// encodeEditorForm keeps the editor's fields of a form (URL-encoded: ASCII, whatever
// bytes they hold; a save cleans them); ok is false when their text is more than
// maxKeptText bytes, which is checked before anything is encoded (the encoding may
// be three times the text).
func encodeEditorForm(f url.Values) (data string, ok bool) {
	kept := url.Values{}
	size := 0
	for _, k := range editorFields {
		if v, found := f[k]; found {
			kept[k] = v
			for _, x := range v {
				size += len(x)
			}
		}
	}
	if size > maxKeptText {
		return "", false
	}
	return kept.Encode(), true
}

// fillFromForm puts a kept form's values into the editor's fields.
func fillFromForm(b *editBody, data string) {
	f, err := url.ParseQuery(data)
	if err != nil {
		return
	}
	b.Title, b.Standfirst, b.Body, b.Section, b.Tags = f.Get("title"), f.Get("standfirst"), f.Get("body"), f.Get("section"), f.Get("tags")
	b.Slug, b.Published, b.SEO, b.Correction = f.Get("slug"), f.Get("published"), f.Get("seo"), f.Get("correction")
	b.ImageAlt, b.ImageCaption, b.CommentsClosed = f.Get("image_alt"), f.Get("image_caption"), f.Get("comments_closed") == "1"
	b.Zone, b.Choice = f.Get("published_zone"), f.Get("published_choice")
	if f.Get("byline") == "1" {
		b.Byline = readByline(f) // bylines.go
	}
	// The form given back is based on the version it was typed from (none: a kept form
	// from before versions, which a save then shows as a conflict rather than writing
	// blindly over what was saved since).
	b.Version = baseVersion(f.Get("version"))
	// A new article's form given back keeps its key: saved, it still creates one story
	// (or saves into the one it created).
	if key := createKey(f.Get("create_key")); key != "" {
		b.CreateKey = key
	}
}

func autosaveKey(u *news.User, articleID int64) string {
	return fmt.Sprintf("user:%d:%d", u.ID, articleID)
}

// autosave keeps the editor's form for its user without touching the article (no
// revision for every few seconds of typing); the editor offers it back when it is
// newer than the article.
func (s *Server) autosave(w http.ResponseWriter, r *http.Request, u *news.User) {
	// The editor's script autosaves every 15 s; more is a script in a loop.
	if wait, err := s.take(r, u, autosaveRate); err != nil || wait > 0 {
		retryAfter(w, wait)
		http.Error(w, "Not autosaved: too many autosaves at once. The next one will be.", http.StatusTooManyRequests)
		return
	}
	var id int64
	var stale string
	if r.PathValue("id") != "" {
		a, ok := s.loadEditable(w, r, u)
		if !ok {
			return
		}
		id = a.ID
		// Based on an old version: someone saved the story since the form was loaded.
		// The text is still kept for its writer (with the version it was typed from, so
		// that restoring and saving it shows the conflict), but the answer says that
		// nothing of it is in the story, and who saved.
		if base := baseVersion(r.PostForm.Get("version")); base != a.Version {
			stale = s.staleMessage(r.Context(), a, base)
		}
	}
	data, ok := encodeEditorForm(r.PostForm)
	if !ok {
		http.Error(w, fmt.Sprintf("Not autosaved: the form holds more than %d MB of text. Save the article to keep it.", maxKeptText>>20), http.StatusUnprocessableEntity)
		return
	}
	now := s.cfg.Now()
	f := news.KeptForm{UserID: u.ID, ArticleID: id, Data: data, SavedAt: now, MaxPerUser: maxKeptAutosave}
	if err := s.store.KeepForm(r.Context(), autosaveKey(u, id), f); err != nil {
		s.log.Error("autosave", "user", u.ID, "article", id, "err", err)
		http.Error(w, "not saved", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if stale != "" {
		w.WriteHeader(http.StatusConflict)
		json.NewEncoder(w).Encode(map[string]string{"conflict": stale})
		return
	}
	json.NewEncoder(w).Encode(map[string]string{"saved": timeText(now, s.location(), "15:04:05"), "datetime": now.UTC().Format(time.RFC3339)})
}

// preview renders Markdown as the article page will show it.
// Rendering is bounded (render.MarkdownContext): a body too complex to render in its
// budget is answered 422 with the reason, which the editor shows in the preview's place.
//
// Previews are a token bucket per user in the store (previewRate: a burst, then
// one a second): renders are few at a time across the process, and one writer's
// loop of heavy previews must not keep everyone else's saves waiting behind it. The
// editor's script asks for one at most every 500 ms while its writer types, so a person
// never meets the limit for long; past it the answer is 429 with a line the editor
// shows in the preview's place.
func (s *Server) preview(w http.ResponseWriter, r *http.Request, u *news.User) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	refuse := func(status int, msg string) {
		w.WriteHeader(status)
		w.Write([]byte(`<p class="preview-error" role="alert">` + html.EscapeString(msg) + "</p>"))
	}
	wait, err := s.take(r, u, previewRate)
	if err != nil {
		s.log.Error("count a preview", "user", u.ID, "err", err)
		refuse(http.StatusServiceUnavailable, "The preview could not be made just now. Your text is safe in the form; the preview comes back as you type.")
		return
	}
	if wait > 0 {
		retryAfter(w, wait)
		refuse(http.StatusTooManyRequests, "Previews are coming too fast, so this one was skipped. Your text is safe in the form; pause for a second and the preview catches up.")
		return
	}
	out, report, err := render.ArticleMarkdown(r.Context(), r.PostForm.Get("body"), s.embeds(r.Context()))
	if err != nil {
		if r.Context().Err() != nil {
			return // the editor went away
		}
		refuse(http.StatusUnprocessableEntity, markdownRefusal(err))
		return
	}
	w.Write([]byte(removedNotice(report) + scrollingTables(out)))
}

var articleSavePath = regexp.MustCompile(`^/admin/articles(?:/(\d+))?$`)

// What keepExpiredSave did with a request.
const (
	notKept      = iota
	keptSave     // kept aside: the user is sent to sign in, then gets it back
	keptTooLarge // a save of a session that may keep one, but over maxKeptText
)

// keepExpiredSave keeps an editor's save that arrived after its session ended, and
// returns where its user goes back to after signing in. It keeps it only when the
// session really existed and ended by time less than KeepAfterEnd ago (not by signing
// out, a password change or disabling, which delete it), its user is active and may
// still edit that article (a new one: may write drafts), and the form carries that
// session's token (it is the person's own page, not a forgery). Nothing of the body is
// read before all but the token are checked; then at most maxKeptText of field text.
func (s *Server) keepExpiredSave(r *http.Request) (string, int) {
	m := articleSavePath.FindStringSubmatch(r.URL.Path)
	if r.Method != http.MethodPost || m == nil {
		return "", notKept
	}
	u := s.endedSessionUser(r)
	if u == nil {
		return "", notKept
	}
	id, err := strconv.ParseInt(m[1], 10, 64)
	if m[1] != "" && err != nil {
		return "", notKept
	}
	if id == 0 && !u.Role.Can(news.PermWriteDrafts) {
		return "", notKept
	}
	if id != 0 {
		a, err := s.store.Article(r.Context(), id)
		if err != nil || !u.CanEdit(a) {
			return "", notKept
		}
	}
	form, err := readKeptForm(r)
	if errors.Is(err, errTooMuchText) {
		// Say why nothing was kept only to the session's own page (the editor's form
		// sends its token first); to anything else, as to a forgery, say nothing more.
		if want := s.csrfToken(r); want != "" && subtle.ConstantTimeCompare([]byte(form.Get("csrf")), []byte(want)) == 1 {
			return "", keptTooLarge
		}
		return "", notKept
	}
	if err != nil {
		return "", notKept
	}
	want := s.csrfToken(r)
	if want == "" || subtle.ConstantTimeCompare([]byte(form.Get("csrf")), []byte(want)) != 1 {
		return "", notKept
	}
	data, ok := encodeEditorForm(form)
	if !ok {
		return "", keptTooLarge
	}
	token, hash := auth.NewToken()
	f := news.KeptForm{UserID: u.ID, ArticleID: id, Data: data, SavedAt: s.cfg.Now(), MaxPerUser: maxKeptSaves}
	if err := s.store.KeepForm(r.Context(), "token:"+hash, f); err != nil {
		s.log.Error("keep a save made after its session ended", "user", u.ID, "article", id, "err", err)
		return "", notKept
	}
	s.log.Info("kept a save made after its session ended", "user", u.ID, "article", id)
	next := "/admin/articles/new"
	if id != 0 {
		next = fmt.Sprintf("/admin/articles/%d", id)
	}
	return next + "?recover=" + token, keptSave
}

var errTooMuchText = errors.New("more text than a kept form may hold")

// maxKeptParts bounds the parts of a multipart save read: the editor's form has fewer
// than twenty, and each part costs its headers whatever its size.
const maxKeptParts = 100

// readKeptForm reads the fields a kept save needs (the editor's and the form token)
// with bounded memory: a multipart body is read part by part, files are skipped
// unread into memory, and at most maxKeptText bytes of field text are kept. On
// errTooMuchText the values read so far (the token comes first in the editor's form)
// are returned.
func readKeptForm(r *http.Request) (url.Values, error) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseForm(); err != nil { // a urlencoded body: at most 1 MB (see serve)
			return nil, err
		}
		return r.PostForm, nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, err
	}
	form := url.Values{}
	left := maxKeptText + 256 // and the form token
	for parts := 0; ; parts++ {
		if parts > maxKeptParts {
			return form, errors.New("more parts than the editor's form has")
		}
		p, err := mr.NextPart()
		if err == io.EOF {
			return form, nil
		}
		if err != nil {
			return form, err
		}
		name := p.FormName()
		if p.FileName() != "" || (name != "csrf" && !editorField[name]) {
			p.Close() // skipped: an image is not kept, and neither is anything unknown
			continue
		}
		v, err := io.ReadAll(io.LimitReader(p, int64(left)+1))
		p.Close()
		if err != nil {
			return form, err
		}
		if len(v) > left {
			return form, errTooMuchText
		}
		left -= len(v)
		form.Add(name, string(v))
	}
}

// recoverForm fills the editor from a kept form the request names (an autosave or an
// expired session's save), and says which.
func (s *Server) recoverForm(r *http.Request, u *news.User, a *news.Article, b *editBody) string {
	q := r.URL.Query()
	if token := q.Get("recover"); token != "" {
		key := "token:" + auth.HashToken(token)
		// Only the user whose session kept it gets it: a link opened by anyone else
		// shows nothing, and stays good for its user.
		if f, err := s.store.KeptForm(r.Context(), key); err == nil && f.UserID == u.ID && f.ArticleID == a.ID {
			fillFromForm(b, f.Data)
			s.store.DropForm(r.Context(), key)
			return "Your changes were kept while you signed in again. Check them, then save."
		}
	}
	if f, err := s.store.KeptForm(r.Context(), autosaveKey(u, a.ID)); err == nil {
		if q.Get("restore") == "autosave" {
			fillFromForm(b, f.Data)
			return "The autosaved text is back in the form. Save to keep it."
		}
		var last news.Revision
		if revs, _, _ := s.store.RevisionPage(r.Context(), a.ID, 1, 0); len(revs) > 0 {
			last = *revs[0]
		}
		// Offered when newer than the article, or typed from an older version than
		// the stored one (unsaved work someone else's save came after: restored, its
		// save shows the conflict).
		kept, _ := url.ParseQuery(f.Data)
		stale := a.ID != 0 && baseVersion(kept.Get("version")) != a.Version
		if f.SavedAt.After(last.CreatedAt) || stale {
			b.Autosave = s.when(f.SavedAt)
			b.StaleDraft = stale
		}
	}
	return ""
}
