package api

import (
	"errors"
	"fmt"
	"net/http"

	"broadsheet/internal/news"
)

// trashArticle is DELETE /articles/{id}: to the trash, as WordPress's DELETE
// /wp/v2/posts/{id} without force, by the same rule as the admin's "Move to trash"
// (User.CanMove to news.StatusTrash); the store remembers the status it had, for a
// restore. force=true (WordPress's permanent delete) is refused: no role deletes an
// article for good here, from the API or the admin, so that nothing published is lost
// by one call. An article already in the trash is 410, as WordPress's
// rest_already_trashed.
func (s *Server) trashArticle(r *http.Request, st *staff) (int, any, error) {
	q, err := parseParams(r)
	if err != nil {
		return 0, nil, err
	}
	if err := q.allow("force"); err != nil {
		return 0, nil, err
	}
	switch v, _ := q.get("force"); v {
	case "", "false", "0":
	case "true", "1":
		return 0, nil, forbidden(fmt.Sprintf("Articles are not deleted permanently (force) by any role (this token's is %s): DELETE without force moves one to the trash, from where it can be restored. Nothing was changed.", st.user.Role))
	default:
		return 0, nil, badParam("force", "The parameter \"force\" is true or false.")
	}
	a, err := s.editable(r, st, true)
	if err != nil {
		return 0, nil, err
	}
	if a.Status == news.StatusTrash {
		return 0, nil, &problem{Status: http.StatusGone, CurrentVersion: a.Version, Detail: fmt.Sprintf("Article %d is already in the trash.", a.ID)}
	}
	if !st.user.CanMove(a, news.StatusTrash) {
		return 0, nil, forbidden(fmt.Sprintf("This token's role (%s) may not move this %s article to the trash, so nothing was changed.", st.user.Role, a.Status))
	}
	if err := s.takeSave(r, st.user, news.SaveRate, "This account is saving very often"); err != nil {
		return 0, nil, err
	}
	a.Status, a.EditedBy = news.StatusTrash, st.user.ID
	if err := s.write(r, a); err != nil {
		return 0, nil, err
	}
	s.cfg.Logger.Info("article moved to the trash through the API", "article", a.ID, "token", st.token.ID)
	return http.StatusOK, s.staffArticleOf(a), nil
}

// restoreArticle is POST /articles/{id}/restore: out of the trash to the status it had
// before (news.RestoredStatus, the admin's rule: a draft when the role may not give it
// that status, or when it is not known).
func (s *Server) restoreArticle(r *http.Request, st *staff) (int, any, error) {
	var in MoveInput
	if err := decode(responseWriterOf(r), r, &in); err != nil {
		return 0, nil, err
	}
	if in.Version == nil {
		return 0, nil, unprocessable("Send the version the change is based on (\"version\", as read): nothing was changed.")
	}
	if in.PublishedAt != nil {
		return 0, nil, unprocessable("Only schedule takes a time: nothing was changed.")
	}
	a, err := s.editable(r, st, true)
	if err != nil {
		return 0, nil, err
	}
	if *in.Version != a.Version {
		return 0, nil, stale(a.Version)
	}
	if a.Status != news.StatusTrash {
		return 0, nil, &problem{Status: http.StatusConflict, CurrentVersion: a.Version, Detail: fmt.Sprintf("The article is %s, not in the trash: nothing was changed.", a.Status)}
	}
	before, err := s.store.StatusBeforeTrash(r.Context(), a.ID)
	if err != nil && !errors.Is(err, news.ErrNotFound) {
		return 0, nil, fmt.Errorf("read the status before the trash: %w", err)
	}
	to, _ := news.RestoredStatus(st.user, a, before, s.cfg.Now())
	if !st.user.CanMove(a, to) {
		return 0, nil, forbidden(fmt.Sprintf("This token's role (%s) may not restore this article, so nothing was changed.", st.user.Role))
	}
	if err := s.takeSave(r, st.user, news.SaveRate, "This account is saving very often"); err != nil {
		return 0, nil, err
	}
	a.Status, a.EditedBy, a.Version = to, st.user.ID, *in.Version
	if err := s.write(r, a); err != nil {
		return 0, nil, err
	}
	s.cfg.Logger.Info("article restored through the API", "article", a.ID, "status", a.Status, "token", st.token.ID)
	return http.StatusOK, s.staffArticleOf(a), nil
}
