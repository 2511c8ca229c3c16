package admin

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"broadsheet/internal/news"
)

// A commenter's requests under the GDPR, for administrators (news.PermPersonalData):
// the export as a JSON download, and the erasure after a confirmation that says what
// will go. The store does the work (news.PrivacyStore); this is its form.

type privacyBody struct {
	Email     string
	Confirm   *erasePreview
	Retention news.Retention
}

// erasePreview is what the confirmation step says will be erased.
type erasePreview struct {
	Comments, Blocks int
	ByStatus         string
	Account          bool
}

// routePrivacy adds the privacy pages to the admin.
func (s *Server) routePrivacy(mux *http.ServeMux) {
	mux.Handle("GET /admin/privacy", s.require(news.PermPersonalData, s.privacyForm))
	mux.Handle("POST /admin/privacy/export", s.require(news.PermPersonalData, s.privacyExport))
	mux.Handle("POST /admin/privacy/erase", s.require(news.PermPersonalData, s.privacyErase))
}

func (s *Server) privacyPage(w http.ResponseWriter, r *http.Request, u *news.User, status int, body *privacyBody, flash, msg string) {
	if stored, err := s.store.Settings(r.Context()); err == nil {
		body.Retention, _ = news.RetentionSettings(stored)
	}
	s.render(w, r, status, "privacy", &page{Title: "Privacy requests", Nav: "privacy", User: u, CSRF: s.csrfToken(r),
		Flash: flash, Error: msg, Body: body})
}

func (s *Server) privacyForm(w http.ResponseWriter, r *http.Request, u *news.User) {
	s.privacyPage(w, r, u, http.StatusOK, &privacyBody{}, "", "")
}

// requestEmail is the form's address, or "" after answering a bad one.
func (s *Server) requestEmail(w http.ResponseWriter, r *http.Request, u *news.User) string {
	email := strings.TrimSpace(r.PostForm.Get("email"))
	if news.NormalEmail(email) == "" || len(email) > maxEmailBytes || !strings.Contains(email, "@") {
		s.privacyPage(w, r, u, http.StatusBadRequest, &privacyBody{Email: email}, "", "Please enter the commenter's email address (at most 254 characters).")
		return ""
	}
	return email
}

// privacyExport sends everything stored about the address as a JSON attachment, never
// cached (the admin's answers are all "private, no-store"), written as it is read: an
// address with 100,000 long comments (a spammer's, an import's) costs one comment's
// memory in the server, not gigabytes.
func (s *Server) privacyExport(w http.ResponseWriter, r *http.Request, u *news.User) {
	email := s.requestEmail(w, r, u)
	if email == "" {
		return
	}
	var url func(*news.PersonalComment)
	if s.cfg.ArticlePath != nil {
		url = func(c *news.PersonalComment) { c.SetURL(s.cfg.BaseURL, s.cfg.ArticlePath) }
	}
	// The headers go with the first bytes (nothing is written before the store's head
	// is read, so a failure to read it is still an error page).
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	// The log and the headers name no commenter: the file's name is the date only.
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="personal-data-%s.json"`, s.cfg.Now().UTC().Format("2006-01-02-150405")))
	h.Set("Cache-Control", "private, no-store")
	out := &startedWriter{w: w}
	n, err := news.WritePersonalData(r.Context(), s.store, email, out, url)
	if err != nil {
		s.log.Error("export personal data", "by", u.ID, "comments", n, "err", err)
		if !out.started {
			for _, k := range []string{"Content-Type", "Content-Disposition"} {
				h.Del(k)
			}
			s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The export could not be made; nothing was changed.")
			return
		}
		// A part of the file was sent: the connection is cut, so that the browser
		// reports a failed download instead of keeping a file that ends short.
		panic(http.ErrAbortHandler)
	}
	s.log.Info("personal data exported", "by", u.ID, "comments", n)
}

// startedWriter notes whether anything was written to w yet.
type startedWriter struct {
	w       io.Writer
	started bool
}

func (s *startedWriter) Write(p []byte) (int, error) {
	s.started = s.started || len(p) > 0
	return s.w.Write(p)
}

// privacyErase asks for a confirmation that says what will go, then erases.
func (s *Server) privacyErase(w http.ResponseWriter, r *http.Request, u *news.User) {
	email := s.requestEmail(w, r, u)
	if email == "" {
		return
	}
	if r.PostForm.Get("confirm") != "yes" {
		// Counted as they are read: the preview holds no comment.
		pre := &erasePreview{}
		counts := map[news.CommentStatus]int{}
		err := s.store.StreamPersonalData(r.Context(), email, func(p *news.PersonalData) error {
			pre.Blocks, pre.Account = len(p.Blocks), p.NewsroomAccount != nil
			return nil
		}, func(c *news.PersonalComment) error {
			pre.Comments++
			counts[c.Status]++
			return nil
		})
		if err != nil {
			s.log.Error("read personal data", "by", u.ID, "err", err)
			s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "What is stored about the address could not be read; nothing was changed.")
			return
		}
		var parts []string
		for st, n := range counts {
			parts = append(parts, fmt.Sprintf("%d %s", n, st))
		}
		sort.Strings(parts)
		pre.ByStatus = strings.Join(parts, ", ")
		s.privacyPage(w, r, u, http.StatusOK, &privacyBody{Email: email, Confirm: pre}, "", "")
		return
	}
	e, err := s.store.ErasePersonalData(r.Context(), email)
	if err != nil {
		s.log.Error("erase personal data", "by", u.ID, "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The address's data could not be erased; nothing was changed. Please try again.")
		return
	}
	s.log.Info("personal data erased", "by", u.ID, "comments", e.Comments, "placeholders", e.Placeholders, "blocks", e.Blocks, "limits", e.LimitEntries)
	if err := s.site.Sync(r.Context()); err != nil {
		s.log.Error("apply an erasure to the site", "err", err)
	}
	s.redirectWith(w, r, "/admin/privacy", "Erased: "+e.String()+".")
}
