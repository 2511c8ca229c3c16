package admin

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"broadsheet/internal/news"
)

// The media library's management (issue 8, §3): a page per item with its address and
// sizes, its words edited, its deletion (refused while an article uses it, saying
// which), search by part of a name, alt text or caption, and keyset pages.

// mediaPageSize is how many items a library page shows.
const mediaPageSize = 50

// mediaUsesShown bounds the articles an item's page and a refused deletion name.
const mediaUsesShown = 20

func (s *Server) routeLibrary(mux *http.ServeMux) {
	mux.Handle("GET /admin/media/{id}", s.require(news.PermWriteDrafts, s.mediaDetail))
	mux.Handle("POST /admin/media/{id}", s.require(news.PermWriteDrafts, s.editMedia))
	mux.Handle("POST /admin/media/{id}/delete", s.require(news.PermWriteDrafts, s.deleteMedia))
}

// libraryPage fills body with the library's page that r asks for (?q=, ?before=).
func (s *Server) libraryPage(r *http.Request, body *mediaBody) {
	q := r.URL.Query()
	body.Match = strings.TrimSpace(firstRunes(q.Get("q"), 200))
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	items, err := s.store.MediaPage(r.Context(), news.MediaQuery{Match: body.Match, Before: max(before, 0), Limit: mediaPageSize + 1})
	if err != nil {
		s.log.Error("media library", "err", err)
	}
	if len(items) > mediaPageSize {
		items = items[:mediaPageSize]
		v := url.Values{"before": {strconv.FormatInt(items[len(items)-1].ID, 10)}}
		if body.Match != "" {
			v.Set("q", body.Match)
		}
		body.Next = "/admin/media?" + v.Encode()
	}
	if before > 0 {
		v := url.Values{}
		if body.Match != "" {
			v.Set("q", body.Match)
		}
		body.First = "/admin/media"
		if len(v) > 0 {
			body.First += "?" + v.Encode()
		}
	}
	for _, m := range items {
		it := mediaItem{Media: m, Thumb: MediaURL + m.Name, W: m.Width, H: m.Height}
		if small := smallest(m.Srcset); small != "" {
			it.Thumb = small
		}
		if !m.IsImage() { // a file or a reference (an imported attachment): named, not shown
			it.Thumb = ""
		}
		body.Items = append(body.Items, it)
	}
}

// mediaVariant is one stored size of an item, as its page lists it.
type mediaVariant struct {
	URL   string
	Width string
}

type mediaDetailBody struct {
	Item         *news.Media
	URL, Thumb   string
	Absolute     string
	Variants     []mediaVariant
	Uses         []news.MediaUse
	UsesTotal    int
	Alt, Caption string // as typed, on a refusal
	CanChange    bool   // whether the viewer may change or delete it (mayChangeMedia)
}

// mayChangeMedia reports whether u may change item m's words or delete it: editors and
// administrators any item, others only what they uploaded. Anyone who writes may use
// any item, but a contributor must not rewrite the alt text of the photo desk's
// pictures or delete a colleague's upload waiting for their next draft.
func mayChangeMedia(u *news.User, m *news.Media) bool {
	return u.Role.Can(news.PermEditAll) || (m.UserID != 0 && m.UserID == u.ID)
}

// changeableMediaOf is mediaItemOf for a write: an item u may not change is refused.
func (s *Server) changeableMediaOf(w http.ResponseWriter, r *http.Request, u *news.User) *news.Media {
	m := s.mediaItemOf(w, r, u)
	if m != nil && !mayChangeMedia(u, m) {
		s.log.Info("media change refused", "media", m.ID, "by", u.ID)
		s.fail(w, r, u, http.StatusForbidden, "Not yours to change", "Only the person who uploaded this image, or an editor, may change its words or delete it. Nothing was changed.")
		return nil
	}
	return m
}

func (s *Server) mediaItemOf(w http.ResponseWriter, r *http.Request, u *news.User) *news.Media {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var m *news.Media
	if err == nil {
		m, err = s.store.MediaItem(r.Context(), id)
	}
	if err != nil {
		s.fail(w, r, u, http.StatusNotFound, "No such image", "That image is not in the library (it may have been deleted).")
		return nil
	}
	return m
}

func (s *Server) mediaDetailPage(w http.ResponseWriter, r *http.Request, u *news.User, m *news.Media, status int, msg string, alt, caption string) {
	b := &mediaDetailBody{Item: m, URL: MediaURL + m.Name, Alt: alt, Caption: caption, CanChange: mayChangeMedia(u, m)}
	b.Absolute = strings.TrimSuffix(s.cfg.BaseURL, "/") + b.URL
	if m.URL != "" { // kept at its original address
		b.URL, b.Absolute = m.URL, m.URL
	}
	b.Thumb = b.URL
	if small := smallest(m.Srcset); small != "" {
		b.Thumb = small
	}
	for part := range strings.SplitSeq(m.Srcset, ",") {
		addr, width, _ := strings.Cut(strings.TrimSpace(part), " ")
		if addr != "" {
			b.Variants = append(b.Variants, mediaVariant{URL: addr, Width: strings.TrimSuffix(width, "w")})
		}
	}
	var err error
	b.Uses, b.UsesTotal, err = s.store.MediaUses(r.Context(), m, mediaUsesShown)
	if err != nil {
		s.log.Error("media uses", "media", m.ID, "err", err)
	}
	s.render(w, r, status, "mediaitem", &page{Title: "Image: " + firstRunes(m.Alt, 60), Nav: "media", User: u, CSRF: s.csrfToken(r), Error: msg, Body: b})
}

func (s *Server) mediaDetail(w http.ResponseWriter, r *http.Request, u *news.User) {
	if m := s.mediaItemOf(w, r, u); m != nil {
		s.mediaDetailPage(w, r, u, m, http.StatusOK, "", m.Alt, m.Caption)
	}
}

// editMedia changes an item's alt text and caption, checked as an upload's are. An
// article keeps the words it was given when the image was chosen (its own copy).
func (s *Server) editMedia(w http.ResponseWriter, r *http.Request, u *news.User) {
	m := s.changeableMediaOf(w, r, u)
	if m == nil {
		return
	}
	alt, caption, removed := cleanImageWords(r.PostForm.Get("alt"), r.PostForm.Get("caption"))
	typedAlt, typedCaption := firstRunes(alt, maxAltRunes), firstRunes(caption, maxCaptionRunes)
	switch {
	case !news.Visible(alt):
		s.mediaDetailPage(w, r, u, m, http.StatusUnprocessableEntity, "Please describe the image (alt text) for people who cannot see it. Nothing was saved.", typedAlt, typedCaption)
		return
	case utf8.RuneCountInString(alt) > maxAltRunes:
		s.mediaDetailPage(w, r, u, m, http.StatusUnprocessableEntity, fmt.Sprintf("The alt text may have at most %d characters. Nothing was saved.", maxAltRunes), typedAlt, typedCaption)
		return
	case utf8.RuneCountInString(caption) > maxCaptionRunes:
		s.mediaDetailPage(w, r, u, m, http.StatusUnprocessableEntity, fmt.Sprintf("The caption may have at most %d characters. Nothing was saved.", maxCaptionRunes), typedAlt, typedCaption)
		return
	}
	if err := s.store.SetMediaWords(r.Context(), m.ID, alt, caption); err != nil {
		s.log.Error("media words", "media", m.ID, "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The image's words could not be saved.")
		return
	}
	s.log.Info("media words changed", "media", m.ID, "by", u.ID)
	done := "Alt text and caption saved. Articles that use the image keep the words they were given."
	if removed {
		done += " Control characters, which no page can show, were removed."
	}
	s.redirectWith(w, r, "/admin/media/"+strconv.FormatInt(m.ID, 10), done)
}

// deleteMedia deletes an item no article uses, then its files; one in use is refused,
// naming the articles.
func (s *Server) deleteMedia(w http.ResponseWriter, r *http.Request, u *news.User) {
	m := s.changeableMediaOf(w, r, u)
	if m == nil {
		return
	}
	switch err := s.store.DeleteMedia(r.Context(), m.ID); {
	case errors.Is(err, news.ErrConflict):
		s.mediaDetailPage(w, r, u, m, http.StatusConflict, "This image was not deleted: articles use it (listed under “Used in”). Take it out of them first.", m.Alt, m.Caption)
		return
	case errors.Is(err, news.ErrNotFound):
		s.fail(w, r, u, http.StatusNotFound, "No such image", "That image is not in the library (it may have been deleted).")
		return
	case err != nil:
		s.log.Error("delete media", "media", m.ID, "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The image could not be deleted.")
		return
	}
	if s.cfg.Media != nil {
		for _, name := range news.MediaFileNames(m) {
			if err := s.cfg.Media.Remove(name); err != nil {
				s.log.Warn("remove media file", "media", m.ID, "file", name, "err", err)
			}
		}
	}
	s.log.Info("media deleted", "media", m.ID, "by", u.ID)
	s.redirectWith(w, r, "/admin/media", "Image deleted.")
}
