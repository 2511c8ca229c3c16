package site

import (
	"context"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"

	"broadsheet/internal/news"
)

// Long threads: an article's comments are paged as WordPress pages them (see
// news.CommentPage), each page at its own address with its own canonical link, and
// every link to a comment names the page that shows it. Every comment page lists the
// article's cache key (news.KeyArticle), which every change to its comments names
// (a new approved comment, approval, spam, trash, an edit), so one change drops every
// page of the thread: page counts and navigation never go stale.

// commentPageNumber reads the {cpage} segment of /yyyy/mm/dd/slug/comment-page-N/:
// N a whole number from 1 written without leading zeros; "" is page 1.
func commentPageNumber(v string) (int, error) {
	if v == "" {
		return 1, nil
	}
	digits, ok := strings.CutPrefix(v, "comment-page-")
	n, err := strconv.Atoi(digits)
	if !ok || err != nil || n < 1 || strconv.Itoa(n) != digits {
		return 0, news.ErrNotFound
	}
	return n, nil
}

// commentPath is the address of a comment on the site: the comment page that shows
// its thread, and its anchor. A comment that shows on no page (one waiting, in spam
// or in the trash) is given the page where it would show.
func (s *Server) commentPath(ctx context.Context, a *news.Article, c *news.Comment, st *siteState) (string, error) {
	index, err := s.store.CommentThreadIndex(ctx, c.ID)
	if err != nil {
		return "", err
	}
	page := news.CommentPageOf(index, st.settings.CommentsPerPage)
	return news.CommentPagePath(articlePath(a, st.settings.Location), page) + "#comment-" + strconv.FormatInt(c.ID, 10), nil
}

// lastCommentPage is the number of the article's last comment page.
func (s *Server) lastCommentPage(ctx context.Context, articleID int64, per int) (int, error) {
	cp, err := s.store.ApprovedCommentPage(ctx, articleID, 1, math.MaxInt32) // the counts alone
	if err != nil {
		return 0, err
	}
	return news.CommentPages(cp.Threads, per), nil
}

// CommentPath returns the public address of a comment (see commentPath), for the
// admin's links; "" when the comment or its article is not found.
func (s *Server) CommentPath(ctx context.Context, c *news.Comment) string {
	a, err := s.store.Article(ctx, c.ArticleID)
	if err != nil {
		return ""
	}
	p, err := s.commentPath(ctx, a, c, s.state.Load())
	if err != nil {
		return ""
	}
	return p
}

// skipToFormHTML links the top of a thread to the comment form, so that a reader need
// not page or scroll past every comment to write one.
const skipToFormHTML template.HTML = "<p class=\"comment-skip\"><a href=\"#respond\">Leave a reply</a> <span aria-hidden=\"true\">↓</span></p>\n"

// commentPagesHTML writes the navigation between an article's comment pages: older
// and newer, and the numbered pages — the first, the last and two either side of the
// current one, with "…" for the gaps (as WordPress's paginate_links), so that it stays
// short for any number of pages.
func commentPagesHTML(articlePath string, current, pages int, label string) template.HTML {
	var b strings.Builder
	link := func(n int, rel, text string) {
		b.WriteString(`<li><a href="` + html.EscapeString(news.CommentPagePath(articlePath, n)) + `#comments"`)
		if rel != "" {
			b.WriteString(` rel="` + rel + `"`)
		}
		b.WriteString(">" + text + "</a></li>\n")
	}
	b.WriteString(`<nav class="comment-navigation" aria-label="` + label + "\">\n<ul>\n")
	if current > 1 {
		link(current-1, "prev", "← Older comments")
	}
	gap := false
	for n := 1; n <= pages; n++ {
		switch {
		case n == current:
			b.WriteString(`<li><span aria-current="page"><span class="visually-hidden">Comments page </span>` + strconv.Itoa(n) + "</span></li>\n")
		case n == 1 || n == pages || n >= current-2 && n <= current+2:
			link(n, "", `<span class="visually-hidden">Comments page </span>`+strconv.Itoa(n))
		default:
			if !gap {
				b.WriteString("<li aria-hidden=\"true\">…</li>\n")
			}
			gap = true
			continue
		}
		gap = false
	}
	if current < pages {
		link(current+1, "next", "Newer comments →")
	}
	b.WriteString("</ul>\n</nav>\n")
	return template.HTML(b.String())
}
