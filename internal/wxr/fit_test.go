package wxr_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"

	"broadsheet/internal/news"
	"broadsheet/internal/wxr"
)

const fitHead = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>T</title><link>https://old.example/</link>
<wp:wxr_version>1.2</wp:wxr_version>
`

// fitPost is a published post (ID 5, slug a-post) with extra inside its <item>, then
// changed by the replacer's pairs.
func fitPost(extra string, pairs ...string) string {
	it := `<item><title>A post</title><link>https://old.example/a-post/</link><guid isPermaLink="false">https://old.example/?p=5</guid>
<dc:creator>alice</dc:creator><content:encoded><![CDATA[<p>Hello</p>]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>5</wp:post_id><wp:post_date>2020-01-02 03:04:05</wp:post_date><wp:post_date_gmt>2020-01-02 03:04:05</wp:post_date_gmt>
<wp:comment_status>open</wp:comment_status><wp:post_name>a-post</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
` + extra + `</item>
`
	return strings.NewReplacer(pairs...).Replace(it)
}

func fitComment(id int, body, email string) string {
	return fmt.Sprintf(`<wp:comment><wp:comment_id>%d</wp:comment_id><wp:comment_author>Bob</wp:comment_author><wp:comment_author_email>%s</wp:comment_author_email><wp:comment_date_gmt>2020-01-03 00:00:00</wp:comment_date_gmt><wp:comment_content><![CDATA[%s]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type><wp:comment_parent>0</wp:comment_parent></wp:comment>`, id, email, body)
}

func manyTags(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `<category domain="post_tag" nicename="t%d"><![CDATA[T%d]]></category>`, i, i)
	}
	return b.String()
}

// What WordPress keeps and a story, comment, account or library item of the site may
// not hold: each such file once passed the first pass and was refused by the second,
// after the administrator had been told it was fine. Now the first pass announces what
// will be changed, the second changes exactly that and writes, and the report says it.
func TestCheckAndWriteAgreeOnWhatDoesNotFit(t *testing.T) {
	attachment := func(url string) string {
		return `<item><title>img</title><wp:post_id>7</wp:post_id><wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type><wp:attachment_url>` + url + `</wp:attachment_url></item>` + "\n"
	}
	cases := []struct {
		name, body, reason string
		see                func(t *testing.T, db interface{}, a *news.Article)
	}{
		{"more than 100 tags", fitPost(manyTags(130)), wxr.FitTags, func(t *testing.T, _ interface{}, a *news.Article) {
			if len(a.Tags) != news.MaxArticleTags || a.Tags[0].Slug != "t0" || a.Tags[99].Slug != "t99" {
				t.Errorf("the story has %d tags, want the first %d", len(a.Tags), news.MaxArticleTags)
			}
		}},
		{"a guid that is no address", fitPost("", "https://old.example/?p=5", "not an address"), wxr.FitFeedID, func(t *testing.T, _ interface{}, a *news.Article) {
			if a.FeedID != "" {
				t.Errorf("feed ID %q, want the story's own", a.FeedID)
			}
		}},
		{"a listed tag twice, over two lines", "<wp:tag><wp:term_id>4</wp:term_id><wp:tag_slug>x</wp:tag_slug><wp:tag_name><![CDATA[a\nb]]></wp:tag_name></wp:tag>\n" +
			"<wp:tag><wp:term_id>4</wp:term_id><wp:tag_slug>x</wp:tag_slug><wp:tag_name><![CDATA[a\nb]]></wp:tag_name></wp:tag>\n" + fitPost(""), wxr.FitTagName, nil},
		{"a protected post without a date", fitPost("<wp:post_password>secret</wp:post_password>", "2020-01-02 03:04:05", "0000-00-00 00:00:00"), "", func(t *testing.T, _ interface{}, a *news.Article) {
			if a.Status != news.StatusUnpublished {
				t.Errorf("status %s, want unpublished", a.Status)
			}
		}},
		{"a guid too long", fitPost("", "https://old.example/?p=5", "https://old.example/"+strings.Repeat("a", 1200)), wxr.FitFeedID, nil},
		{"published without a date", fitPost("", "2020-01-02 03:04:05", "0000-00-00 00:00:00"), wxr.FitUndated, func(t *testing.T, _ interface{}, a *news.Article) {
			if a.Status != news.StatusPublished || a.PublishedAt.IsZero() {
				t.Errorf("status %s at %v, want published with a time", a.Status, a.PublishedAt)
			}
		}},
		{"a post's tag over two lines", fitPost("<category domain=\"post_tag\" nicename=\"x\"><![CDATA[a\nb]]></category>"), wxr.FitTagName, func(t *testing.T, _ interface{}, a *news.Article) {
			if len(a.Tags) != 1 || a.Tags[0].Name != "a b" {
				t.Errorf("tags %v, want one named \"a b\"", a.Tags)
			}
		}},
		{"a listed tag over two lines", "<wp:tag><wp:term_id>4</wp:term_id><wp:tag_slug>x</wp:tag_slug><wp:tag_name><![CDATA[a\nb]]></wp:tag_name></wp:tag>\n" +
			fitPost(`<category domain="post_tag" nicename="x"><![CDATA[a b]]></category>`), wxr.FitTagName, nil},
		{"a comment without text", fitPost(fitComment(9, "  ", "b@example.org") + fitComment(10, "kept", "c@example.org")), wxr.FitEmptyComment, nil},
		{"a comment of controls only", fitPost(fitComment(9, " \u0085 \u009f", "b@example.org")), wxr.FitEmptyComment, nil},
		{"a commenter's email with a control", fitPost(fitComment(9, "hi", "b\u0085@example.org")), wxr.FitCommentEmail, nil},
		{"an author's email without @", "<wp:author><wp:author_id>3</wp:author_id><wp:author_login>alice</wp:author_login><wp:author_email>nobody</wp:author_email><wp:author_display_name>Alice</wp:author_display_name></wp:author>\n" + fitPost(""), wxr.FitAccountEmail, func(t *testing.T, _ interface{}, a *news.Article) {
			if a.Author == nil || a.Author.Name != "Alice" {
				t.Errorf("author %+v, want Alice's byline", a.Author)
			}
		}},
		// Text that is white space once its control characters are removed (C1 controls
		// are XML characters): cleaned, then trimmed, it is empty, and the write's
		// fallback holds, not a blank the store refuses.
		{"a title of controls around a space", fitPost("", "<title>A post</title>", "<title>\u0080 \u0080</title>"), "", func(t *testing.T, _ interface{}, a *news.Article) {
			if a.Title != "(no title)" {
				t.Errorf("title %q, want (no title)", a.Title)
			}
		}},
		{"an author's name of controls around a space", "<wp:author><wp:author_id>3</wp:author_id><wp:author_login>alice</wp:author_login><wp:author_email>a@example.org</wp:author_email><wp:author_display_name>\u0080 \u0080</wp:author_display_name></wp:author>\n" + fitPost(""), "", func(t *testing.T, _ interface{}, a *news.Article) {
			if a.Author == nil || a.Author.Name != "alice" {
				t.Errorf("author %+v, want alice's byline", a.Author)
			}
		}},
		{"an attachment without an address", attachment("") + fitPost(""), wxr.FitNoFile, nil},
		{"an attachment's address with a control", attachment("https://old.example/a\u0085.jpg") + fitPost(""), wxr.FitFileAddress, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := fitHead + c.body + "</channel></rss>\n"
			p, err := wxr.CheckImport(context.Background(), strings.NewReader(doc), wxr.Options{})
			if err != nil {
				t.Fatalf("check: %v", err)
			}
			if c.reason != "" && p.Counts.Changes[c.reason] < 1 {
				t.Errorf("the check announces %v, want %q", p.Counts.Changes, c.reason)
			}
			db := openStore(t)
			rep, err := p.Import(context.Background(), db)
			if err != nil {
				t.Fatalf("the check passed, the write refused: %v", err)
			}
			if !maps.Equal(rep.Changes, p.Counts.Changes) {
				t.Errorf("the write changed %v, the check announced %v", rep.Changes, p.Counts.Changes)
			}
			var text bytes.Buffer
			rep.WriteText(&text)
			if c.reason != "" && !strings.Contains(text.String(), c.reason) {
				t.Errorf("the report does not say %q:\n%s", c.reason, text.String())
			}
			a, err := db.ArticleBySlug(context.Background(), "a-post")
			if err != nil {
				t.Fatalf("the post: %v", err)
			}
			if c.see != nil {
				c.see(t, db, a)
			}
		})
	}
}

// A post of more than 100 tags is named in the check's list and the report's, with
// its line; the other posts keep all theirs.
func TestTrimmedPostsAreListed(t *testing.T) {
	doc := fitHead + fitPost(manyTags(101)) + fitPost(manyTags(3), "<wp:post_id>5<", "<wp:post_id>6<", "a-post", "b-post", "?p=5", "?p=6") + "</channel></rss>\n"
	p, err := wxr.CheckImport(context.Background(), strings.NewReader(doc), wxr.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := `post 5 ("A post", line 6): 101 tags, the first 100 kept`
	if len(p.Counts.Changed) != 1 || p.Counts.Changed[0] != want {
		t.Errorf("the check lists %q, want %q", p.Counts.Changed, want)
	}
	db := openStore(t)
	rep, err := p.Import(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	rep.WriteText(&text)
	if !strings.Contains(text.String(), want) {
		t.Errorf("the report does not list %q:\n%s", want, text.String())
	}
	b, err := db.ArticleBySlug(context.Background(), "b-post")
	if err != nil || len(b.Tags) != 3 {
		t.Errorf("the other post: %v, %v; want its 3 tags", b, err)
	}
}
