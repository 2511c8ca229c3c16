package admin

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"broadsheet/internal/news"
)

func (s *Server) sectionsPage(w http.ResponseWriter, r *http.Request, u *news.User, status int, msg string) {
	secs, err := s.store.Sections(r.Context())
	if err != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The sections could not be read.")
		return
	}
	rows := make([]sectionRow, len(secs))
	byID := make(map[int64]*news.Section, len(secs))
	for _, sec := range secs {
		byID[sec.ID] = sec
	}
	for i, sec := range secs {
		rows[i] = sectionRow{Section: sec, Parent: byID[sec.ParentID]}
	}
	s.render(w, r, status, "sections", &page{Title: "Sections", Nav: "sections", User: u, CSRF: s.csrfToken(r), Error: msg,
		Body: rows})
}

// sectionRow is a section of the sections screen with the section it sits under (a
// WordPress category's parent, kept by the import); Parent nil at the top.
type sectionRow struct {
	*news.Section
	Parent *news.Section
}

func (s *Server) sections(w http.ResponseWriter, r *http.Request, u *news.User) {
	s.sectionsPage(w, r, u, http.StatusOK, "")
}

func (s *Server) addSection(w http.ResponseWriter, r *http.Request, u *news.User) {
	name, description, ok := sectionText(r)
	if !ok || name == "" {
		s.sectionsPage(w, r, u, http.StatusUnprocessableEntity, "A section needs a name, in letters others can see. Nothing was added.")
		return
	}
	secs, _ := s.store.Sections(r.Context())
	sec := &news.Section{Name: name, Description: description, Position: len(secs) + 1}
	if err := s.store.CreateSection(r.Context(), sec); err != nil {
		if errors.Is(err, news.ErrConflict) {
			s.sectionsPage(w, r, u, http.StatusUnprocessableEntity, "There is a section or a page with that address already. Nothing was added.")
			return
		}
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The section could not be added.")
		return
	}
	s.sync(r)
	s.redirectWith(w, r, "/admin/sections", sec.Name+" added.")
}

func (s *Server) updateSection(w http.ResponseWriter, r *http.Request, u *news.User) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	pos, perr := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("position")))
	name, description, ok := sectionText(r)
	if err != nil || perr != nil || name == "" || !ok {
		s.sectionsPage(w, r, u, http.StatusUnprocessableEntity, "A section needs a name and a whole-number position. Nothing was saved.")
		return
	}
	sec := &news.Section{ID: id, Name: name, Description: description, Position: pos}
	if err := s.store.UpdateSection(r.Context(), sec); err != nil {
		s.fail(w, r, u, http.StatusNotFound, "No such section", "That section does not exist.")
		return
	}
	s.sync(r)
	s.redirectWith(w, r, "/admin/sections", name+" saved.")
}

// sectionText reads a section's name and description as they are stored: valid text,
// in NFC, without control characters; a name must show.
func sectionText(r *http.Request) (name, description string, ok bool) {
	rawName, rawDesc := r.PostForm.Get("name"), r.PostForm.Get("description")
	if !isValidText(rawName + rawDesc) {
		return "", "", false
	}
	name, _ = news.CleanLine(rawName)
	description, _ = news.CleanText(strings.TrimSpace(rawDesc))
	return name, description, name == "" || news.Visible(name)
}
