package admin

import (
	"context"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"unicode/utf8"

	"broadsheet/internal/media"
	"broadsheet/internal/news"
)

// MediaURL is where the public site serves media files.
const MediaURL = "/media/"

type mediaItem struct {
	*news.Media
	Thumb string
	W, H  int
}

type mediaBody struct {
	MaxMB        int
	Alt, Caption string
	Items        []mediaItem
	Match        string // the search (library.go)
	Next, First  string // keyset pages' addresses
}

func (s *Server) mediaPage(w http.ResponseWriter, r *http.Request, u *news.User, status int, errMsg string, body *mediaBody) {
	if body == nil {
		body = &mediaBody{}
	}
	body.MaxMB = media.MaxBytes >> 20
	s.libraryPage(r, body) // library.go: search and keyset pages
	s.render(w, r, status, "media", &page{Title: "Media", Nav: "media", User: u, CSRF: s.csrfToken(r), Error: errMsg,
		Body: body})
}

// smallest is the first (narrowest) address of a srcset.
func smallest(srcset string) string {
	first, _, _ := strings.Cut(srcset, ",")
	url, _, _ := strings.Cut(strings.TrimSpace(first), " ")
	return url
}

func (s *Server) mediaLibrary(w http.ResponseWriter, r *http.Request, u *news.User) {
	s.mediaPage(w, r, u, http.StatusOK, "", nil)
}

func (s *Server) uploadMedia(w http.ResponseWriter, r *http.Request, u *news.User) {
	alt, caption, removed := cleanImageWords(r.PostForm.Get("alt"), r.PostForm.Get("caption"))
	// A refused upload shows its words again, but no more of them than may be stored: a
	// megabyte of alt text is not sent back (escaped, it would weigh several).
	body := &mediaBody{Alt: firstRunes(alt, maxAltRunes), Caption: firstRunes(caption, maxCaptionRunes)}
	file, _, err := r.FormFile("file")
	if err != nil {
		s.mediaPage(w, r, u, http.StatusUnprocessableEntity, "Please choose an image to upload.", body)
		return
	}
	defer file.Close()
	m, status, msg := s.storeUpload(w, r, u, file, alt, caption)
	if m == nil {
		s.mediaPage(w, r, u, status, msg, body)
		return
	}
	done := "Image uploaded."
	if removed {
		done += " Control characters, which no page can show, were removed from its alt text or caption."
	}
	s.redirectWith(w, r, "/admin/media", done)
}

// Bounds of an image's words: alt text is a sentence or two (screen readers read it
// whole), a caption a short paragraph; the library page shows a hundred of each.
const (
	maxAltRunes     = 1000
	maxCaptionRunes = 2000
)

// firstRunes is s cut after n characters.
func firstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// cleanImageWords puts an image's alt text and caption in the form they are stored in:
// one line each (news.CleanLine: control characters removed, white space made single
// spaces, NFC). removed says whether control characters were taken out.
func cleanImageWords(alt, caption string) (cleanAlt, cleanCaption string, removed bool) {
	cleanAlt, r1 := news.CleanLine(alt)
	cleanCaption, r2 := news.CleanLine(caption)
	return cleanAlt, cleanCaption, len(r1)+len(r2) > 0
}

// storeUpload processes an uploaded image into the library. It needs alt text: an
// image without a description shuts out readers who cannot see it.
// The alt text and caption are stored cleaned (cleanImageWords), whichever form sent
// them, and bounded (maxAltRunes, maxCaptionRunes).
func (s *Server) storeUpload(w http.ResponseWriter, r *http.Request, u *news.User, file multipart.File, alt, caption string) (*news.Media, int, string) {
	return s.storeImage(w, r, u, file, alt, caption, false)
}

// storeImage is storeUpload; decorative lets the alt text be empty, for an image the
// writer marked as decoration (WCAG's H67: alt="" so that screen readers skip it).
func (s *Server) storeImage(w http.ResponseWriter, r *http.Request, u *news.User, file multipart.File, alt, caption string, decorative bool) (*news.Media, int, string) {
	alt, caption, _ = cleanImageWords(alt, caption)
	switch {
	case decorative && alt != "":
		return nil, http.StatusUnprocessableEntity, "A decorative image has no alt text: either describe it or mark it as decorative, not both. Nothing was uploaded."
	case !decorative && !news.Visible(alt):
		return nil, http.StatusUnprocessableEntity, "Please describe the image (alt text) for people who cannot see it. Nothing was uploaded."
	case utf8.RuneCountInString(alt) > maxAltRunes:
		return nil, http.StatusUnprocessableEntity, fmt.Sprintf("The alt text may have at most %d characters: describe the image in a sentence or two, and put more in the caption or the article. Nothing was uploaded.", maxAltRunes)
	case utf8.RuneCountInString(caption) > maxCaptionRunes:
		return nil, http.StatusUnprocessableEntity, fmt.Sprintf("The caption may have at most %d characters. Nothing was uploaded.", maxCaptionRunes)
	}
	if s.cfg.Media == nil {
		return nil, http.StatusInternalServerError, "This server keeps no media."
	}
	// Counted before the image is read: every upload costs disk and up to seconds of
	// processing, so none may come in an endless loop, whichever form sends it.
	if wait, err := s.take(r, u, uploadRate); err != nil {
		s.log.Error("count an upload", "user", u.ID, "err", err)
		return nil, http.StatusServiceUnavailable, "The upload could not be counted just now. Nothing was uploaded. Please try again in a minute."
	} else if wait > 0 {
		secs := retryAfter(w, wait)
		return nil, http.StatusTooManyRequests, fmt.Sprintf("You are uploading very many images: please wait %d seconds, then try again. Nothing was uploaded.", secs)
	}
	im, err := media.Process(r.Context(), s.cfg.Media, file)
	var refused *media.Error
	switch {
	case errors.Is(err, media.ErrBusy):
		s.log.Info("upload refused: media processing busy", "by", u.ID)
		return nil, http.StatusServiceUnavailable, media.ErrBusy.Reason + " Nothing was uploaded."
	case errors.As(err, &refused):
		return nil, http.StatusUnprocessableEntity, refused.Reason + " Nothing was uploaded."
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		// The client left (or the server is stopping) before the image was done:
		// nothing was stored, and this answer most likely reaches no one.
		s.log.Info("upload given up", "by", u.ID, "err", err)
		return nil, http.StatusServiceUnavailable, "The upload stopped before the image was processed. Nothing was uploaded. Please try again."
	case news.StorageFull(err):
		s.log.Error("store upload: storage full", "err", err)
		return nil, http.StatusInsufficientStorage, storageFullMessage + " Nothing was uploaded."
	case err != nil:
		s.log.Error("store upload", "err", err)
		return nil, http.StatusInternalServerError, "The image could not be stored. Nothing was uploaded."
	}
	// The session is checked again: an upload may take minutes to arrive, and one
	// signed out (or disabled) meanwhile stores nothing.
	if cur, err := s.currentUser(r); err != nil || cur.ID != u.ID || !cur.Role.Can(news.PermWriteDrafts) {
		im.Remove(s.cfg.Media)
		s.log.Info("upload refused: the session ended while it arrived", "by", u.ID)
		return nil, http.StatusUnauthorized, "Your session ended while the image was arriving. Nothing was uploaded: please sign in again, then upload it again."
	}
	m := &news.Media{Name: im.Name, ContentType: im.ContentType, Width: im.Width, Height: im.Height, Bytes: im.Bytes,
		Srcset: im.Srcset(MediaURL), Alt: alt, Caption: caption, UserID: u.ID}
	// The files are stored: they are recorded whatever becomes of the connection (a
	// client gone now would leave files no library item names, which nobody could
	// delete), and removed when the record cannot be written.
	if err := s.store.CreateMedia(context.WithoutCancel(r.Context()), m); err != nil {
		s.log.Error("record upload", "err", err)
		im.Remove(s.cfg.Media)
		if news.StorageFull(err) {
			return nil, http.StatusInsufficientStorage, storageFullMessage + " Nothing was uploaded."
		}
		return nil, http.StatusInternalServerError, "The image could not be stored. Nothing was uploaded."
	}
	s.log.Info("image uploaded", "media", m.ID, "bytes", m.Bytes, "by", u.ID)
	return m, 0, ""
}

// storageFullMessage says why a write failed on a full disk (news.StorageFull): a
// retry at once fails the same way, so the newsroom is told whom to ask.
const storageFullMessage = "The server's disk is full, so nothing more can be stored until the site's administrator frees space."

// imageOf is the article's featured image made from a library item.
func imageOf(m *news.Media, alt, caption string) *news.Image {
	if alt == "" {
		alt = m.Alt
	}
	if caption == "" {
		caption = m.Caption
	}
	return &news.Image{URL: MediaURL + m.Name, Alt: alt, Caption: caption, Width: m.Width, Height: m.Height, Srcset: m.Srcset}
}

func tooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}
