package site

import (
	"strconv"
	"strings"
	"time"

	"broadsheet/internal/news"
)

// ArticlePathIn is an article's public address with its date in the zone loc: the
// address the site serves it at, for those that name an article outside a request (the
// command line's personal-data export).
func ArticlePathIn(a *news.Article, loc *time.Location) string { return articlePath(a, loc) }

// writeRemovedComment writes the placeholder of an erased comment that replies hang
// from: its place in the thread and "Comment removed.", with no name, time, text or
// reply link; its replies below it as before.
func writeRemovedComment(b *strings.Builder, n *commentNode, loc *time.Location) {
	b.WriteString(`<li id="comment-` + strconv.FormatInt(n.C.ID, 10) + "\" class=\"comment removed\">\n<div class=\"comment-body\">\n<p class=\"comment-removed\">" +
		news.CommentRemovedText + "</p>\n</div>\n")
	if len(n.Replies) > 0 {
		b.WriteString("<ol class=\"children\">\n")
		for _, r := range n.Replies {
			writeComment(b, r, loc)
		}
		b.WriteString("</ol>\n")
	}
	b.WriteString("</li>\n")
}
