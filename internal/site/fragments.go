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
// (a comment thread, a byline per teaser), and the comment form, which is on every
// article and was a sixth of its render time. Every value is escaped here.

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
	if c.Removed {
		writeRemovedComment(b, n, loc)
		return
	}
	id := strconv.FormatInt(c.ID, 10)
	// A name is isolated (<bdi>): one that holds a right-to-left override cannot turn
	// the date after it around; attributes get it without direction controls.
	name := "<bdi>" + html.EscapeString(c.AuthorName) + "</bdi>"
	label := html.EscapeString(withoutBidiControls(c.AuthorName))
	b.WriteString(`<li id="comment-` + id + `" class="comment`)
	if n.Pending {
		b.WriteString(" pending")
	}
	if c.UserID != 0 {
		b.WriteString(" byuser staff") // WordPress's class for a registered user's comment
	}
	b.WriteString("\">\n<div class=\"comment-body\">\n<footer class=\"comment-meta\">\n<p><b class=\"comment-author\">")
	if u := strings.ToLower(c.AuthorURL); strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		b.WriteString(`<a href="` + html.EscapeString(c.AuthorURL) + `" rel="external nofollow ugc">` + name + "</a>")
	} else {
		b.WriteString(name)
	}
	b.WriteString("</b>")
	if c.UserID != 0 {
		// A reply from the newsroom, marked in words (not colour alone): only the admin
		// sets UserID, so no reader can take the mark by taking a name.
		b.WriteString(` <span class="staff-mark">Staff</span>`)
	}
	b.WriteString("\n<a class=\"comment-time\" href=\"#comment-" + id + "\"><time datetime=\"" +
		c.CreatedAt.UTC().Format(time.RFC3339) + "\">" + c.CreatedAt.In(loc).Format("2 January 2006 at 15:04") + " " + news.ZoneLabel(c.CreatedAt.In(loc)) + "</time></a></p>\n</footer>\n")
	if n.Pending {
		b.WriteString("<p class=\"moderation\" role=\"status\">Your comment is awaiting moderation. This is a preview; it will be visible after it has been approved.</p>\n")
	}
	b.WriteString("<div class=\"comment-content\">" + c.BodyHTML + "</div>\n")
	if n.ReplyURL != "" {
		b.WriteString(`<p class="reply"><a rel="nofollow" href="` + html.EscapeString(n.ReplyURL) + `" aria-label="Reply to ` + label + "\">Reply</a></p>\n")
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

// bylineHTML writes an article's byline: its authors' links, the publication time and,
// when it was edited after publication, the time of the update.
func bylineHTML(a *news.Article, loc *time.Location) template.HTML {
	var b strings.Builder
	b.WriteString(`<p class="byline">`)
	if authors := a.Byline(); len(authors) > 0 {
		// "By A", "By A and B", "By A, B and C" (news.JoinNames), each their archive's link.
		links := make([]string, len(authors))
		for i, au := range authors {
			links[i] = `<a href="/author/` + html.EscapeString(au.Slug) + `/" rel="author"><bdi>` + html.EscapeString(render.Smarten(au.Name)) + "</bdi></a>"
		}
		b.WriteString("By " + news.JoinNames(links) + " · ")
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
	b.WriteString(`<time datetime="` + t.UTC().Format(time.RFC3339) + `">` + t.In(loc).Format("2 January 2006, 15:04") + " " + news.ZoneLabel(t.In(loc)) + "</time>")
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

// respondHTML writes the "Leave a Reply" form: blank, or as a refused post left it,
// with what the reader typed and a message at each field that needs one.
func respondHTML(f *commentForm, articleID int64, articlePath string) template.HTML {
	var b strings.Builder
	b.WriteString("<div id=\"respond\" class=\"comment-respond\">\n")
	if p := f.Parent; p != nil {
		b.WriteString(`<h2 id="reply-title">Reply to <bdi>` + html.EscapeString(p.AuthorName) + "</bdi></h2>\n")
		b.WriteString(`<p class="cancel-reply"><a href="` + html.EscapeString(articlePath) + "#respond\">Cancel reply</a></p>\n")
	} else {
		b.WriteString("<h2 id=\"reply-title\">Leave a Reply</h2>\n")
	}
	if f.Closed {
		b.WriteString("<p class=\"comments-closed\">Comments are closed.</p>\n")
		if f.Values.Comment != "" { // a post that arrived after the closing: the words to keep
			b.WriteString("<p class=\"field\"><label for=\"comment\">Comments are closed on this article, so your comment was not posted; here it is, to keep</label>\n" +
				`<textarea id="comment" rows="8" readonly>` + "\n" + html.EscapeString(f.Values.Comment) + "</textarea></p>\n")
		}
		b.WriteString("</div>\n")
		return template.HTML(b.String())
	}
	// The answer to a post lands at the form (#respond): a refusal shows the form
	// again with its messages, and a browser keeps the action's fragment.
	b.WriteString("<form action=\"/comments/#respond\" method=\"post\" id=\"commentform\" class=\"comment-form\">\n")
	if len(f.Errors) > 0 {
		b.WriteString("<div class=\"form-errors\" role=\"alert\" id=\"form-errors\">\n<p>Your comment could not be posted:</p>\n<ul>")
		for _, e := range f.Errors {
			b.WriteString("\n<li><a href=\"#" + e.Field + "\">" + html.EscapeString(e.Message) + "</a></li>")
		}
		b.WriteString("\n</ul>\n</div>\n")
	}
	b.WriteString(`<p class="comment-notes"><span id="email-notes">Your email address will not be published.</span> Required fields are marked <span class="required">*</span></p>` + "\n")
	// invalid gives a field's aria attributes when it has an error, and its message.
	invalid := func(field string, describedBy ...string) (attrs, message string) {
		msg := f.Err[field]
		ids := describedBy
		if msg != "" {
			ids = append(ids, field+"-error")
			attrs = ` aria-invalid="true"`
			message = `<span class="field-error" id="` + field + `-error">` + html.EscapeString(msg) + "</span>"
		}
		if len(ids) > 0 {
			attrs += ` aria-describedby="` + strings.Join(ids, " ") + `"`
		}
		return attrs, message
	}
	attrs, msg := invalid("comment")
	b.WriteString("<p class=\"field\"><label for=\"comment\">Comment <span class=\"required\">*</span></label>\n" +
		`<textarea id="comment" name="comment" cols="45" rows="8" maxlength="` + strconv.Itoa(f.MaxComment) + `" required` + attrs + ">\n" + // HTML drops a line break right after the tag
		html.EscapeString(f.Values.Comment) + "</textarea>\n" + msg + "</p>\n")
	for _, in := range []struct {
		id, label, typ, extra, value string
		required                     bool
		notes                        []string
	}{
		{"author", "Name", "text", `maxlength="245" autocomplete="name"`, f.Values.Name, true, nil},
		{"email", "Email", "email", `maxlength="100" autocomplete="email"`, f.Values.Email, true, []string{"email-notes"}},
		{"url", "Website", "text", `inputmode="url" maxlength="200" autocomplete="url"`, f.Values.URL, false, nil},
	} {
		attrs, msg := invalid(in.id, in.notes...)
		b.WriteString(`<p class="field"><label for="` + in.id + `">` + in.label)
		if in.required {
			b.WriteString(` <span class="required">*</span>`)
		}
		b.WriteString("</label>\n" + `<input id="` + in.id + `" name="` + in.id + `" type="` + in.typ + `" value="` + html.EscapeString(in.value) +
			`" size="30" ` + in.extra)
		if in.required {
			b.WriteString(" required")
		}
		b.WriteString(attrs + ">\n" + msg + "</p>\n")
	}
	parent := "0"
	if f.Parent != nil {
		parent = strconv.FormatInt(f.Parent.ID, 10)
	}
	b.WriteString(`<p class="field hp"><label for="subject">Leave this field empty</label>` + "\n" +
		`<input id="subject" name="subject" type="text" value="" tabindex="-1" autocomplete="off"></p>` + "\n" +
		`<input type="hidden" name="article" value="` + strconv.FormatInt(articleID, 10) + "\">\n" +
		`<input type="hidden" name="parent" value="` + parent + "\">\n" +
		`<input type="hidden" name="token" value="` + html.EscapeString(f.Token) + "\">\n" +
		`<input type="hidden" name="cpage" value="` + strconv.Itoa(max(f.Page, 1)) + "\">\n" +
		"<p class=\"form-submit\"><button type=\"submit\">Post Comment</button></p>\n</form>\n</div>\n")
	return template.HTML(b.String())
}

// withoutBidiControls drops the characters that embed, override, isolate or mark text
// direction (U+202A–U+202E, U+2066–U+2069, and the marks U+200E, U+200F, U+061C), for
// attribute values, where <bdi> cannot isolate a name.
func withoutBidiControls(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c {
			return -1
		}
		return r
	}, s)
}
