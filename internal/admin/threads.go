package admin

import (
	"context"
	"strconv"
	"strings"

	"broadsheet/internal/news"
)

// commentsPerPage is the site's comment page size (news.SettingCommentsPerPage), read
// once for a list of links; the default when the stored value does not parse.
func (s *Server) commentsPerPage(ctx context.Context) int {
	stored, err := s.store.Settings(ctx)
	if err != nil {
		return news.DefaultCommentsPerPage
	}
	n, err := strconv.Atoi(strings.TrimSpace(news.Setting(stored, news.SettingCommentsPerPage)))
	if err != nil || n < 0 {
		return news.DefaultCommentsPerPage
	}
	return n
}

// commentURL is where an approved comment shows on the site: the comment page that
// holds its thread (news.CommentPagePath), at its anchor; "" for a comment readers do
// not see (pending, spam, trash) or whose page cannot be found.
func (s *Server) commentURL(ctx context.Context, a *news.Article, c *news.Comment, perPage int) string {
	if a == nil || c.Status != news.CommentApproved {
		return ""
	}
	index, err := s.store.CommentThreadIndex(ctx, c.ID)
	if err != nil {
		return ""
	}
	return news.CommentPagePath(s.cfg.ArticlePath(a), news.CommentPageOf(index, perPage)) + "#comment-" + strconv.FormatInt(c.ID, 10)
}
