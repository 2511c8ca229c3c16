package wxr

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteSample writes a WordPress-shaped WXR 1.2 export of posts posts with comments
// comments spread over them (threaded: every third answers the one before), in
// categories and tags, as WordPress 6 writes it: the benchmarks' input (this package's and the import's).
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
	<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[editor]]></wp:author_login><wp:author_email><![CDATA[editor@gen.example]]></wp:author_email><wp:author_display_name><![CDATA[The Editor]]></wp:author_display_name><wp:author_first_name><![CDATA[]]></wp:author_first_name><wp:author_last_name><![CDATA[]]></wp:author_last_name></wp:author>
`)
	for c := range 20 {
		fmt.Fprintf(bw, "\t<wp:category><wp:term_id>%d</wp:term_id><wp:category_nicename><![CDATA[section-%d]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[Section %d]]></wp:cat_name></wp:category>\n", c+1, c, c)
	}
	para := "<!-- wp:paragraph -->\n<p>" + strings.Repeat("The council met on Tuesday to discuss the budget &amp; the roads. ", 6) + "</p>\n<!-- /wp:paragraph -->\n\n"
	commentText := strings.Repeat("I was there and it went on far too long. ", 6)
	cid := 0
	for p := range posts {
		id := p + 1
		fmt.Fprintf(bw, `	<item>
		<title><![CDATA[Story number %d]]></title>
		<link>https://gen.example/2026/11/story-%d/</link>
		<pubDate>Mon, 30 Nov 2026 09:00:00 +0000</pubDate>
		<dc:creator><![CDATA[editor]]></dc:creator>
		<guid isPermaLink="false">https://gen.example/?p=%d</guid>
		<description></description>
		<content:encoded><![CDATA[%s%s%s]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>%d</wp:post_id>
		<wp:post_date><![CDATA[2026-11-30 09:00:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[2026-11-30 09:00:00]]></wp:post_date_gmt>
		<wp:post_modified><![CDATA[2026-11-30 09:00:00]]></wp:post_modified>
		<wp:post_modified_gmt><![CDATA[2026-11-30 09:00:00]]></wp:post_modified_gmt>
		<wp:comment_status><![CDATA[open]]></wp:comment_status>
		<wp:ping_status><![CDATA[open]]></wp:ping_status>
		<wp:post_name><![CDATA[story-%d]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<wp:post_password><![CDATA[]]></wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>
		<category domain="category" nicename="section-%d"><![CDATA[Section %d]]></category>
		<category domain="post_tag" nicename="tag-%d"><![CDATA[Tag %d]]></category>
		<wp:postmeta><wp:meta_key><![CDATA[_edit_last]]></wp:meta_key><wp:meta_value><![CDATA[1]]></wp:meta_value></wp:postmeta>
`, id, id, id, para, para, para, id, id, p%20, p%20, p%100, p%100)
		n := comments / posts
		if p < comments%posts {
			n++
		}
		for c := range n {
			cid++
			parent := 0
			if c%3 == 2 {
				parent = cid - 1
			}
			fmt.Fprintf(bw, `		<wp:comment>
			<wp:comment_id>%d</wp:comment_id>
			<wp:comment_author><![CDATA[Reader %d]]></wp:comment_author>
			<wp:comment_author_email><![CDATA[reader%d@example.org]]></wp:comment_author_email>
			<wp:comment_author_url></wp:comment_author_url>
			<wp:comment_author_IP><![CDATA[192.0.2.%d]]></wp:comment_author_IP>
			<wp:comment_date><![CDATA[2026-11-30 10:00:00]]></wp:comment_date>
			<wp:comment_date_gmt><![CDATA[2026-11-30 10:00:00]]></wp:comment_date_gmt>
			<wp:comment_content><![CDATA[%s]]></wp:comment_content>
			<wp:comment_approved><![CDATA[1]]></wp:comment_approved>
			<wp:comment_type><![CDATA[comment]]></wp:comment_type>
			<wp:comment_parent>%d</wp:comment_parent>
			<wp:comment_user_id>0</wp:comment_user_id>
		</wp:comment>
`, cid, cid, cid, cid%250, commentText, parent)
		}
		fmt.Fprint(bw, "\t</item>\n")
	}
	fmt.Fprint(bw, "</channel>\n</rss>\n")
	return bw.Flush()
}
