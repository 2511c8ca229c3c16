package admin

import (
	"time"

	"broadsheet/internal/news"
)

// publicPath is the article's public address when readers can see it now; "" else.
func (s *Server) publicPath(a *news.Article, now time.Time) string {
	if s.cfg.ArticlePath == nil || !a.IsPublic(now) {
		return ""
	}
	return s.cfg.ArticlePath(a)
}

// addressChanged tells the editor that a story readers could reach at before (its
// public address before the save) now lives elsewhere, and that the old address leads
// there: a new slug is kept by the store as a redirect, a new date by the site's
// redirect of a wrong date. "" when nothing readers know changed.
func (s *Server) addressChanged(before string, a *news.Article, now time.Time) string {
	after := s.publicPath(a, now)
	if before == "" || after == "" || before == after {
		return ""
	}
	return "The address changed: " + before + " now redirects to " + after + "."
}
