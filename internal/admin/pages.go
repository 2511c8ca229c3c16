package admin

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"strconv"

	"broadsheet/internal/news"
)

// Static pages (news.KindPage) are articles of another kind: they are edited at
// /admin/articles/{id} with the same workflow, history, previews and trash, in the
// editor without a publication time, section or tags and with a place in the site's
// navigation. Only the list (/admin/pages, lists.go) and the new page's form are theirs.

// newPage is the editor's form for a new page: a draft, comments closed (a page has
// none unless the editor opens them). No autosave is offered into it: a new story's
// autosave is the new-article form's.
func (s *Server) newPage(w http.ResponseWriter, r *http.Request, u *news.User) {
	a := &news.Article{Kind: news.KindPage, Status: news.StatusDraft, OwnerID: u.ID, CommentsClosed: true}
	b := s.editBodyOf(a)
	b.CreateKey = rand.Text()
	s.renderEditor(w, r, u, a, b, http.StatusOK, "")
}

// navPosition reads the form's place in the navigation: empty is none (0).
func navPosition(v string) (int, string) {
	if v == "" {
		return 0, ""
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > news.MaxNavPosition {
		return 0, fmt.Sprintf("The place in the navigation is a whole number from 0 (not in it) to %d: nothing was saved.", news.MaxNavPosition)
	}
	return n, ""
}
