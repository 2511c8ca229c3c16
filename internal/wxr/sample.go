package wxr

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Sample's shape, for tests that count what WriteSample wrote.
const (
	SampleAuthors     = 5   // one editor and four reporters, posts shared in turn
	SampleTopSections = 20  // categories "section-0" … "section-19", at the top
	SampleSubsections = 20  // "section-N-sub-K", two under each of the first ten
	SampleTags        = 100 // "tag-0" … "tag-99", listed in the header; two a post
	SamplePages       = 5   // pages with a menu order, before the posts
	// Every SampleImageEvery'th post has a featured image (an attachment item just
	// before it) and every SamplePDFEvery'th links a PDF attachment.
	SampleImageEvery = 25
	SamplePDFEvery   = 100
)

// WriteSample writes a WordPress-shaped WXR 1.2 export, as WordPress 6 writes it: the
// benchmarks' input (this package's, the import's and bench/wxr's). It holds posts
// published posts with comments comments spread over them (threaded: every third
// answers the one before; every twentieth is held for moderation), SampleAuthors
// authors, a category tree (SampleTopSections at the top, SampleSubsections under
// them), SampleTags tags, SamplePages pages and a few attachments (images, PDFs).
// Its size grows linearly with posts and comments; a post is about 1.5 KB.
func WriteSample(w io.Writer, posts, comments int) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprint(bw, `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
	<title>Generated</title>
	<link>https://gen.example</link>
	<language>en-US</language>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://gen.example</wp:base_site_url>
	<wp:base_blog_url>https://gen.example</wp:base_blog_url>
`)
	logins := []string{"editor", "reporter1", "reporter2", "reporter3", "reporter4"}
	names := []string{"The Editor", "Reporter One", "Reporter Two", "Reporter Three", "Reporter Four"}
	for i, l := range logins {
		fmt.Fprintf(bw, "\t<wp:author><wp:author_id>%d</wp:author_id><wp:author_login><![CDATA[%s]]></wp:author_login><wp:author_email><![CDATA[%s@gen.example]]></wp:author_email><wp:author_display_name><![CDATA[%s]]></wp:author_display_name><wp:author_first_name><![CDATA[]]></wp:author_first_name><wp:author_last_name><![CDATA[]]></wp:author_last_name></wp:author>\n",
			i+1, l, l, names[i])
	}
	cat := func(id int, nicename, parent, name string) {
		fmt.Fprintf(bw, "\t<wp:category><wp:term_id>%d</wp:term_id><wp:category_nicename><![CDATA[%s]]></wp:category_nicename><wp:category_parent><![CDATA[%s]]></wp:category_parent><wp:cat_name><![CDATA[%s]]></wp:cat_name></wp:category>\n", id, nicename, parent, name)
	}
	for c := range SampleTopSections {
		cat(c+1, fmt.Sprintf("section-%d", c), "", fmt.Sprintf("Section %d", c))
	}
	for s := range SampleSubsections {
		c := s / 2
		cat(SampleTopSections+s+1, fmt.Sprintf("section-%d-sub-%d", c, s%2), fmt.Sprintf("section-%d", c), fmt.Sprintf("Section %d, part %d", c, s%2))
	}
	for t := range SampleTags {
		fmt.Fprintf(bw, "\t<wp:tag><wp:term_id>%d</wp:term_id><wp:tag_slug><![CDATA[tag-%d]]></wp:tag_slug><wp:tag_name><![CDATA[Tag %d]]></wp:tag_name></wp:tag>\n", 1000+t, t, t)
	}
	para := "<!-- wp:paragraph -->\n<p>" + strings.Repeat("The council met on Tuesday to discuss the budget &amp; the roads. ", 6) + "</p>\n<!-- /wp:paragraph -->\n\n"
	commentText := strings.Repeat("I was there and it went on far too long. ", 6)
	// IDs: pages first, then each post with its attachments just before it, in
	// ascending order as WordPress exports them.
	id := 0
	for p := range SamplePages {
		id++
		item(bw, itemArgs{id: id, typ: "page", title: fmt.Sprintf("About page %d", p), name: fmt.Sprintf("about-%d", p),
			author: logins[0], content: para, menuOrder: SamplePages - p})
	}
	cid := 0
	for p := range posts {
		var thumb int
		extra := ""
		if p%SampleImageEvery == SampleImageEvery-1 {
			id++
			thumb = id
			item(bw, itemArgs{id: id, typ: "attachment", title: fmt.Sprintf("Photo %d", p), name: fmt.Sprintf("photo-%d", p),
				author: logins[p%len(logins)], parent: id + 1 + btoi(p%SamplePDFEvery == SamplePDFEvery-1),
				file: fmt.Sprintf("2026/11/photo-%d.jpg", p), excerpt: fmt.Sprintf("The council chamber, photo %d", p),
				alt: fmt.Sprintf("Councillors around a table (%d)", p)})
		}
		if p%SamplePDFEvery == SamplePDFEvery-1 {
			id++
			file := fmt.Sprintf("2026/11/minutes-%d.pdf", p)
			item(bw, itemArgs{id: id, typ: "attachment", title: fmt.Sprintf("Minutes %d", p), name: fmt.Sprintf("minutes-%d", p),
				author: logins[p%len(logins)], parent: id + 1, file: file, content: "The meeting's minutes."})
			extra = fmt.Sprintf("<!-- wp:file -->\n<div class=\"wp-block-file\"><a href=\"https://gen.example/wp-content/uploads/%s\">Minutes</a></div>\n<!-- /wp:file -->\n", file)
		}
		id++
		a := itemArgs{id: id, typ: "post", title: fmt.Sprintf("Story number %d", p+1), name: fmt.Sprintf("story-%d", p+1),
			author: logins[p%len(logins)], content: para + para + extra + para, thumb: thumb}
		if s := p % (SampleTopSections + SampleSubsections); s < SampleTopSections {
			a.terms = fmt.Sprintf("\t\t<category domain=\"category\" nicename=\"section-%d\"><![CDATA[Section %d]]></category>\n", s, s)
		} else {
			s -= SampleTopSections
			a.terms = fmt.Sprintf("\t\t<category domain=\"category\" nicename=\"section-%d-sub-%d\"><![CDATA[Section %d, part %d]]></category>\n", s/2, s%2, s/2, s%2)
		}
		for _, t := range []int{p % SampleTags, (p*7 + 3) % SampleTags} {
			a.terms += fmt.Sprintf("\t\t<category domain=\"post_tag\" nicename=\"tag-%d\"><![CDATA[Tag %d]]></category>\n", t, t)
		}
		n := comments / max(posts, 1)
		if p < comments%max(posts, 1) {
			n++
		}
		for c := range n {
			cid++
			parent, approved := 0, "1"
			if c%3 == 2 {
				parent = cid - 1
			}
			if cid%20 == 0 && parent == 0 {
				approved = "0"
			}
			a.comments += fmt.Sprintf(`		<wp:comment>
			<wp:comment_id>%d</wp:comment_id>
			<wp:comment_author><![CDATA[Reader %d]]></wp:comment_author>
			<wp:comment_author_email><![CDATA[reader%d@example.org]]></wp:comment_author_email>
			<wp:comment_author_url></wp:comment_author_url>
			<wp:comment_author_IP><![CDATA[192.0.2.%d]]></wp:comment_author_IP>
			<wp:comment_date><![CDATA[2026-11-30 10:00:00]]></wp:comment_date>
			<wp:comment_date_gmt><![CDATA[2026-11-30 10:00:00]]></wp:comment_date_gmt>
			<wp:comment_content><![CDATA[%s]]></wp:comment_content>
			<wp:comment_approved><![CDATA[%s]]></wp:comment_approved>
			<wp:comment_type><![CDATA[comment]]></wp:comment_type>
			<wp:comment_parent>%d</wp:comment_parent>
			<wp:comment_user_id>0</wp:comment_user_id>
		</wp:comment>
`, cid, cid%997, cid%997, cid%250, commentText, approved, parent)
		}
		item(bw, a)
	}
	fmt.Fprint(bw, "</channel>\n</rss>\n")
	return bw.Flush()
}

// SamplePending is how many of WriteSample's comments are held for moderation
// (pending); the others are approved.
func SamplePending(posts, comments int) int {
	pending, cid := 0, 0
	for p := range posts {
		n := comments / max(posts, 1)
		if p < comments%max(posts, 1) {
			n++
		}
		for c := range n {
			cid++
			if cid%20 == 0 && c%3 != 2 {
				pending++
			}
		}
	}
	return pending
}

type itemArgs struct {
	id, parent, thumb, menuOrder      int
	typ, title, name, author          string
	content, excerpt, terms, comments string
	file, alt                         string // attachments
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func item(bw *bufio.Writer, a itemArgs) {
	status, link, guid := "publish", fmt.Sprintf("https://gen.example/2026/11/%s/", a.name), fmt.Sprintf("https://gen.example/?p=%d", a.id)
	meta := "\t\t<wp:postmeta><wp:meta_key><![CDATA[_edit_last]]></wp:meta_key><wp:meta_value><![CDATA[1]]></wp:meta_value></wp:postmeta>\n"
	attURL := ""
	switch a.typ {
	case "page":
		link = fmt.Sprintf("https://gen.example/%s/", a.name)
	case "attachment":
		status = "inherit"
		attURL = "https://gen.example/wp-content/uploads/" + a.file
		guid = attURL
		link = fmt.Sprintf("https://gen.example/2026/11/%s/", a.name)
		meta = fmt.Sprintf("\t\t<wp:postmeta><wp:meta_key><![CDATA[_wp_attached_file]]></wp:meta_key><wp:meta_value><![CDATA[%s]]></wp:meta_value></wp:postmeta>\n", a.file)
		if a.alt != "" {
			meta += fmt.Sprintf("\t\t<wp:postmeta><wp:meta_key><![CDATA[_wp_attachment_image_alt]]></wp:meta_key><wp:meta_value><![CDATA[%s]]></wp:meta_value></wp:postmeta>\n", a.alt)
		}
	}
	if a.thumb > 0 {
		meta += fmt.Sprintf("\t\t<wp:postmeta><wp:meta_key><![CDATA[_thumbnail_id]]></wp:meta_key><wp:meta_value><![CDATA[%d]]></wp:meta_value></wp:postmeta>\n", a.thumb)
	}
	fmt.Fprintf(bw, `	<item>
		<title><![CDATA[%s]]></title>
		<link>%s</link>
		<pubDate>Mon, 30 Nov 2026 09:00:00 +0000</pubDate>
		<dc:creator><![CDATA[%s]]></dc:creator>
		<guid isPermaLink="false">%s</guid>
		<description></description>
		<content:encoded><![CDATA[%s]]></content:encoded>
		<excerpt:encoded><![CDATA[%s]]></excerpt:encoded>
		<wp:post_id>%d</wp:post_id>
		<wp:post_date><![CDATA[2026-11-30 09:00:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[2026-11-30 09:00:00]]></wp:post_date_gmt>
		<wp:post_modified><![CDATA[2026-11-30 09:00:00]]></wp:post_modified>
		<wp:post_modified_gmt><![CDATA[2026-11-30 09:00:00]]></wp:post_modified_gmt>
		<wp:comment_status><![CDATA[open]]></wp:comment_status>
		<wp:ping_status><![CDATA[open]]></wp:ping_status>
		<wp:post_name><![CDATA[%s]]></wp:post_name>
		<wp:status><![CDATA[%s]]></wp:status>
		<wp:post_parent>%d</wp:post_parent>
		<wp:menu_order>%d</wp:menu_order>
		<wp:post_type><![CDATA[%s]]></wp:post_type>
		<wp:post_password><![CDATA[]]></wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>
`, a.title, link, a.author, guid, a.content, a.excerpt, a.id, a.name, status, a.parent, a.menuOrder, a.typ)
	if attURL != "" {
		fmt.Fprintf(bw, "\t\t<wp:attachment_url><![CDATA[%s]]></wp:attachment_url>\n", attURL)
	}
	bw.WriteString(a.terms)
	bw.WriteString(meta)
	bw.WriteString(a.comments)
	bw.WriteString("\t</item>\n")
}
