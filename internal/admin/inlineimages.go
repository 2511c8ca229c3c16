package admin

// The editor script's inline images (issue 8, §2): the body's toolbar picks an image
// from the library (a paged JSON list) or uploads one dropped or pasted onto the body,
// and writes it into the Markdown as ![alt](address). An inline image joins the library
// like any upload (same permission, CSRF token, size and processing limits) and is never
// made the featured image: that stays the featured-image fieldset's choice.

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"broadsheet/internal/feed"
	"broadsheet/internal/news"
)

// libraryPage is how many library items one page of the picker holds.
const libraryPage = 24

func (s *Server) routeInlineImages(mux *http.ServeMux) {
	mux.Handle("GET /admin/media/library.json", s.require(news.PermWriteDrafts, s.libraryJSON))
	mux.Handle("POST /admin/media/inline", s.require(news.PermWriteDrafts, s.uploadInline))
}

// libraryItem is one item of the picker's JSON: an image (Kind "image", described then
// written as ![alt](url) by the script), or, in the body's picker (all=1), a file the
// body shows as a player or a link (Insert, ready to write).
type libraryItem struct {
	ID     int64  `json:"id"`
	Kind   string `json:"kind"`  // image, audio, video or file (mediaKind)
	URL    string `json:"url"`   // the full image's or file's address, written into the Markdown
	Thumb  string `json:"thumb"` // an image's narrowest size, for the picker; "" for the others
	Alt    string `json:"alt"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	// Label names a file in the picker (its title, description or file name); Type is
	// its MIME type; Reference says the library keeps only its address (an imported
	// attachment left where it was); Insert is the Markdown the body gets for it.
	Label     string `json:"label,omitempty"`
	Type      string `json:"type,omitempty"`
	Reference bool   `json:"reference,omitempty"`
	Insert    string `json:"insert,omitempty"`
}

func itemOf(m *news.Media) libraryItem {
	if !m.IsImage() {
		return fileItemOf(m)
	}
	it := libraryItem{ID: m.ID, Kind: "image", URL: MediaURL + m.Name, Thumb: MediaURL + m.Name, Alt: m.Alt, Width: m.Width, Height: m.Height}
	if small := smallest(m.Srcset); small != "" {
		it.Thumb = small
	}
	return it
}

// mediaKind sorts a library item that is not a stored image by what the body can do
// with it: "audio" and "video" play in the browser's player (render.Version 5: an
// <audio> or <video> with controls, from the site's own files or https), anything
// else ("file": a PDF, a document, a reference to an image kept elsewhere) is a link.
func mediaKind(m *news.Media) string {
	switch {
	case strings.HasPrefix(m.ContentType, "audio/"):
		return "audio"
	case strings.HasPrefix(m.ContentType, "video/"):
		return "video"
	}
	return "file"
}

// fileItemOf is a file or a reference as the body's picker offers it, with the
// Markdown that inserts it: a player whose fallback is the link to the file, or the
// link alone. A player of a reference kept at an http: address would be blocked as
// mixed content: it is inserted as a link.
func fileItemOf(m *news.Media) libraryItem {
	it := libraryItem{ID: m.ID, Kind: mediaKind(m), URL: MediaURL + m.Name, Alt: m.Alt, Type: m.ContentType, Reference: m.URL != ""}
	if it.Reference {
		it.URL = m.URL
	}
	// An imported reference's address is WordPress's text (spaces, quotes, a
	// backslash, line breaks): as a URI (feed.ToURI) it stays one Markdown link
	// destination and one attribute, on one line, and a label on one line keeps the
	// player's HTML or the link whole.
	it.URL = feed.ToURI(it.URL)
	it.Label = fileLabel(m)
	link := "[" + markdownText(it.Label) + "](<" + it.URL + ">)"
	if it.Kind != "file" && (!it.Reference || strings.HasPrefix(strings.ToLower(it.URL), "https://")) {
		u := html.EscapeString(it.URL)
		it.Insert = "<" + it.Kind + ` controls src="` + u + `"><a href="` + u + `">` + htmlText(it.Label) + "</a></" + it.Kind + ">"
	} else {
		if it.Kind != "file" {
			it.Kind = "file" // an http: reference: a link, never a player
		}
		it.Insert = link
	}
	return it
}

// fileLabel names a file for people, on one line (white space runs made one space):
// its title, else its description (alt), caption, or the last part of its address.
func fileLabel(m *news.Media) string {
	return strings.Join(strings.Fields(fileName(m)), " ")
}

func fileName(m *news.Media) string {
	for _, v := range []string{m.Title, m.Alt, m.Caption} {
		if v = strings.TrimSpace(v); v != "" {
			return truncate(v, 200)
		}
	}
	name := m.Name
	if m.URL != "" {
		name = m.URL
		if i := strings.IndexAny(name, "?#"); i >= 0 {
			name = name[:i]
		}
	}
	if i := strings.LastIndex(name, "/"); i >= 0 && i+1 < len(name) {
		name = name[i+1:]
	}
	if un, err := url.PathUnescape(name); err == nil && utf8.ValidString(un) {
		name = un
	}
	return truncate(name, 200)
}

// htmlText escapes text inside the raw HTML of a player: HTML's specials, and
// Markdown's as character references (the text between inline tags is still Markdown,
// where "*at night*" would become emphasis, and a backslash escape would show).
func htmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;",
		`\`, "&#92;", "*", "&#42;", "_", "&#95;", "[", "&#91;", "]", "&#93;", "`", "&#96;").Replace(s)
}

// markdownText escapes what would end or change a link's text in Markdown.
func markdownText(s string) string {
	return strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`, "*", `\*`, "_", `\_`, "`", "\\`", "<", `\<`, "\n", " ").Replace(s)
}

// libraryJSON answers GET /admin/media/library.json?before=ID[&all=1]: {"items":
// [...], "next": ID} — libraryPage items older than before (newest first), and the
// before of the next page (0: none). Images only (the featured image's picker), or with
// all=1 every item (the body's picker: files, sound, video and references too).
func (s *Server) libraryJSON(w http.ResponseWriter, r *http.Request, u *news.User) {
	all := false
	switch r.URL.Query().Get("all") {
	case "":
	case "1":
		all = true
	default:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "The list asked for does not exist."})
		return
	}
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
	items, err := s.store.MediaPage(r.Context(), news.MediaQuery{Before: before, Limit: libraryPage + 1, Images: !all})
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
		if m.URL != "" && !news.IsFileAddress(m.URL) {
			// A reference at a javascript: or data: address, kept by an import before
			// they were refused: the renderer would show its link as text, so there is
			// nothing to insert. The page may hold fewer items; next still follows.
			continue
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
