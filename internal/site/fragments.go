package site

import (
	"html"
	"html/template"
	"strconv"
	"strings"
	"time"

	"broadsheet/internal/news"
	"broadsheet/internal/render"
)

// This file holds the few pieces of HTML written in Go rather than in templates: the
// ones repeated many times a page, where each template action's reflective call adds up
// (a comment thread, a byline per teaser). Every value is escaped here.

// threadHTML writes a comment thread as nested lists. It is Go rather than a template
// because a busy thread runs to hundreds of template actions, each a reflective call,
// which made comments the largest cost of rendering an article; every value written
// here is escaped, and the body is the comment's sanitised HTML.
func threadHTML(nodes []*commentNode, loc *time.Location) template.HTML {
	var b strings.Builder
	for _, n := range nodes {
		writeComment(&b, n, loc)
	}
	return template.HTML(b.String())
}

func writeComment(b *strings.Builder, n *commentNode, loc *time.Location) {
	c := n.C
	id := strconv.FormatInt(c.ID, 10)
	name := html.EscapeString(c.AuthorName)
	b.WriteString(`<li id="comment-` + id + `" class="comment`)
	if n.Pending {
		b.WriteString(" pending")
	}
	b.WriteString("\">\n<div class=\"comment-body\">\n<footer class=\"comment-meta\">\n<p><b class=\"comment-author\">")
	if u := strings.ToLower(c.AuthorURL); strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		b.WriteString(`<a href="` + html.EscapeString(c.AuthorURL) + `" rel="external nofollow ugc">` + name + "</a>")
	} else {
		b.WriteString(name)
	}
	b.WriteString("</b>\n<a class=\"comment-time\" href=\"#comment-" + id + "\"><time datetime=\"" +
		c.CreatedAt.UTC().Format(time.RFC3339) + "\">" + c.CreatedAt.In(loc).Format("2 January 2006 at 15:04") + "</time></a></p>\n</footer>\n")
	if n.Pending {
		b.WriteString("<p class=\"moderation\" role=\"status\">Your comment is awaiting moderation. This is a preview; it will be visible after it has been approved.</p>\n")
	}
	b.WriteString("<div class=\"comment-content\">" + c.BodyHTML + "</div>\n")
	if n.ReplyURL != "" {
		b.WriteString(`<p class="reply"><a rel="nofollow" href="` + html.EscapeString(n.ReplyURL) + `" aria-label="Reply to ` + name + "\">Reply</a></p>\n")
	}
	b.WriteString("</div>\n")
	if len(n.Replies) > 0 {
		b.WriteString("<ol class=\"children\">\n")
		for _, r := range n.Replies {
			writeComment(b, r, loc)
		}
		b.WriteString("</ol>\n")
	}
	b.WriteString("</li>\n")
}

// bylineHTML writes an article's byline: the author's link, the publication time and,
// when it was edited after publication, the time of the update.
func bylineHTML(a *news.Article, loc *time.Location) template.HTML {
	var b strings.Builder
	b.WriteString(`<p class="byline">`)
	if au := a.Author; au != nil {
		b.WriteString(`By <a href="/author/` + html.EscapeString(au.Slug) + `/" rel="author">` + html.EscapeString(render.Smarten(au.Name)) + "</a> · ")
	}
	writeTime(&b, a.PublishedAt, loc)
	if a.WasUpdated() {
		b.WriteString(` · <span class="updated">Updated `)
		writeTime(&b, a.UpdatedAt, loc)
		b.WriteString("</span>")
	}
	b.WriteString("</p>")
	return template.HTML(b.String())
}

func writeTime(b *strings.Builder, t time.Time, loc *time.Location) {
	b.WriteString(`<time datetime="` + t.UTC().Format(time.RFC3339) + `">` + t.In(loc).Format("2 January 2006, 15:04 MST") + "</time>")
}

// tagLinksHTML writes the article's tags as links.
func tagLinksHTML(tags []*news.Tag) template.HTML {
	if len(tags) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(`<p class="tags">Tags: `)
	for i, t := range tags {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(`<a href="/tag/` + html.EscapeString(t.Slug) + `/" rel="tag">` + html.EscapeString(t.Name) + "</a>")
	}
	b.WriteString("</p>\n")
	return template.HTML(b.String())
}
