package admin

// The editor script's inline images (issue 8, §2): the body's toolbar picks an image
// from the library (a paged JSON list) or uploads one dropped or pasted onto the body,
// and writes it into the Markdown as ![alt](address). An inline image joins the library
// like any upload (same permission, CSRF token, size and processing limits) and is never
// made the featured image: that stays the featured-image fieldset's choice.

import (
	"encoding/json"
	"net/http"
	"strconv"

	"broadsheet/internal/news"
)

// libraryPage is how many library items one page of the picker holds.
const libraryPage = 24

func (s *Server) routeInlineImages(mux *http.ServeMux) {
	mux.Handle("GET /admin/media/library.json", s.require(news.PermWriteDrafts, s.libraryJSON))
	mux.Handle("POST /admin/media/inline", s.require(news.PermWriteDrafts, s.uploadInline))
}

// libraryItem is one image of the picker's JSON.
type libraryItem struct {
	ID     int64  `json:"id"`
	URL    string `json:"url"`   // the full image's address, written into the Markdown
	Thumb  string `json:"thumb"` // its narrowest size, for the picker
	Alt    string `json:"alt"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

func itemOf(m *news.Media) libraryItem {
	it := libraryItem{ID: m.ID, URL: MediaURL + m.Name, Thumb: MediaURL + m.Name, Alt: m.Alt, Width: m.Width, Height: m.Height}
	if small := smallest(m.Srcset); small != "" {
		it.Thumb = small
	}
	return it
}

// libraryJSON answers GET /admin/media/library.json?before=ID: {"items": [...],
// "next": ID} — libraryPage items older than before (newest first), and the before of
// the next page (0: none).
func (s *Server) libraryJSON(w http.ResponseWriter, r *http.Request, u *news.User) {
	var before int64
	if v := r.URL.Query().Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "The page asked for does not exist."})
			return
		}
		before = n
	}
	// A keyset page (news.ManageStore.MediaPage): each costs the same, however deep.
	items, err := s.store.MediaPage(r.Context(), news.MediaQuery{Before: before, Limit: libraryPage + 1, Images: true})
	if err != nil {
		s.log.Error("library page", "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "The library could not be read."})
		return
	}
	out := struct {
		Items []libraryItem `json:"items"`
		Next  int64         `json:"next"`
	}{Items: []libraryItem{}}
	for i, m := range items {
		if i == libraryPage {
			out.Next = items[i-1].ID
			break
		}
		out.Items = append(out.Items, itemOf(m))
	}
	writeJSON(w, http.StatusOK, out)
}

// uploadInline answers POST /admin/media/inline (multipart: csrf, file, alt, and
// decorative=1 for an image without alt text): the stored image as a libraryItem, or
// {"error": message} with the status storeUpload gives.
func (s *Server) uploadInline(w http.ResponseWriter, r *http.Request, u *news.User) {
	file, _, err := r.FormFile("file")
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "Please choose an image to upload."})
		return
	}
	defer file.Close()
	m, status, msg := s.storeImage(w, r, u, file, r.PostForm.Get("alt"), "", r.PostForm.Get("decorative") == "1")
	if m == nil {
		writeJSON(w, status, map[string]string{"error": msg})
		return
	}
	writeJSON(w, http.StatusOK, itemOf(m))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
