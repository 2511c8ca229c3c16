package admin

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"

	"broadsheet/internal/auth"
	"broadsheet/internal/news"
	"broadsheet/internal/render"
)

// editorFields are the editor form's fields that a kept form holds.
var editorFields = []string{"title", "standfirst", "body", "section", "tags", "slug", "published", "seo", "correction",
	"image_media", "image_alt", "image_caption", "comments_closed"}

func encodeEditorForm(f url.Values) string {
	kept := url.Values{}
	for _, k := range editorFields {
		if v, ok := f[k]; ok {
			kept[k] = v
		}
	}
	return kept.Encode()
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
}

func autosaveKey(u *news.User, articleID int64) string {
	return fmt.Sprintf("user:%d:%d", u.ID, articleID)
}

// autosave keeps the editor's form for its user without touching the article (no
// revision for every few seconds of typing); the editor offers it back when it is
// newer than the article.
func (s *Server) autosave(w http.ResponseWriter, r *http.Request, u *news.User) {
	var id int64
	if r.PathValue("id") != "" {
		a, ok := s.loadEditable(w, r, u)
		if !ok {
			return
		}
		id = a.ID
	}
	data := encodeEditorForm(r.PostForm)
	if !isValidText(data) {
		http.Error(w, "not valid text", http.StatusUnprocessableEntity)
		return
	}
	now := s.cfg.Now()
	if err := s.store.KeepForm(r.Context(), autosaveKey(u, id), news.KeptForm{ArticleID: id, Data: data, SavedAt: now}); err != nil {
		http.Error(w, "not saved", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"saved": now.In(s.location()).Format("15:04:05")})
}

// preview renders Markdown as the article page will show it.
func (s *Server) preview(w http.ResponseWriter, r *http.Request, u *news.User) {
	out, err := render.Markdown(r.PostForm.Get("body"))
	if err != nil {
		http.Error(w, "cannot render", http.StatusUnprocessableEntity)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write([]byte(out))
}

var articleSavePath = regexp.MustCompile(`^/admin/articles(?:/(\d+))?$`)

// keepExpiredSave keeps an editor's save that arrived after its session ended, when
// the form carries the token of the session the browser had (so it is the person's own
// page, not a forgery), and returns where they go back to after signing in.
func (s *Server) keepExpiredSave(r *http.Request) (string, bool) {
	m := articleSavePath.FindStringSubmatch(r.URL.Path)
	if r.Method != http.MethodPost || m == nil {
		return "", false
	}
	err := r.ParseMultipartForm(8 << 20)
	if err != nil && err != http.ErrNotMultipart {
		return "", false
	}
	want := s.csrfToken(r)
	if want == "" || subtle.ConstantTimeCompare([]byte(r.PostForm.Get("csrf")), []byte(want)) != 1 {
		return "", false
	}
	data := encodeEditorForm(r.PostForm)
	if !isValidText(data) {
		return "", false
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	token, hash := auth.NewToken()
	if err := s.store.KeepForm(r.Context(), "token:"+hash, news.KeptForm{ArticleID: id, Data: data, SavedAt: s.cfg.Now()}); err != nil {
		return "", false
	}
	s.log.Info("kept a save made after its session ended", "article", id)
	next := "/admin/articles/new"
	if id != 0 {
		next = fmt.Sprintf("/admin/articles/%d", id)
	}
	return next + "?recover=" + token, true
}

// recoverForm fills the editor from a kept form the request names (an autosave or an
// expired session's save), and says which.
func (s *Server) recoverForm(r *http.Request, u *news.User, a *news.Article, b *editBody) string {
	q := r.URL.Query()
	if token := q.Get("recover"); token != "" {
		key := "token:" + auth.HashToken(token)
		if f, err := s.store.KeptForm(r.Context(), key); err == nil && f.ArticleID == a.ID {
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
		if revs, _ := s.store.Revisions(r.Context(), a.ID); len(revs) > 0 {
			last = *revs[0]
		}
		if f.SavedAt.After(last.CreatedAt) {
			b.Autosave = f.SavedAt.In(s.location()).Format("2 Jan 2006 15:04")
		}
	}
	return ""
}
